//! Every route a function serves is one API Gateway sends it. A route the router serves but the
//! template does not map answers API Gateway's own bare 404 in production, so each operation the
//! document lists (and `HEAD` beside every `GET`, which the router answers too) must match an
//! HttpApi event, and the function that event names must serve it.

use crate::support::evidence::decoded_template;
use axum::body::Body;
use axum::http::{Method, Request};
use nna_http::{HttpConfig, RouteGroup};
use serde_json::Value;
use tower::ServiceExt;

/// (binary, method, path) of every HttpApi event in the template.
fn events(template: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for resource in template["Resources"].as_object().unwrap().values() {
        let Some(binary) = resource["Metadata"]["BuildProperties"]["Binary"].as_str() else { continue };
        for event in resource["Properties"]["Events"].as_object().into_iter().flatten().map(|(_, e)| e) {
            if event["Type"] == "HttpApi" {
                let p = &event["Properties"];
                out.push((
                    binary.to_owned(),
                    p["Method"].as_str().unwrap().to_owned(),
                    p["Path"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    out
}

/// How well an API Gateway route path matches a request path: `None` if not at all, else higher
/// for more literal segments (API Gateway picks the most specific route).
fn specificity(route: &str, path: &str) -> Option<usize> {
    let (mut route, mut path) = (route.split('/'), path.split('/'));
    let mut literal = 0;
    loop {
        match (route.next(), path.next()) {
            (None, None) => return Some(literal * 2),
            (Some(r), Some(_)) if r.starts_with('{') && r.ends_with("+}") => return Some(literal * 2 + 1),
            (Some(r), Some(p)) if r.starts_with('{') => {
                if p.is_empty() {
                    return None;
                }
            }
            (Some(r), Some(p)) if r == p => literal += 1,
            _ => return None,
        }
    }
}

/// The document's path with its parameters filled in.
fn concrete(path: &str) -> String {
    path.replace("{key}", "L.CAS.ATL.001").replace("{layer}", "L").replace("{category}", "CAS").replace(['{', '}'], "")
}

#[tokio::test]
async fn every_route_the_functions_serve_is_mapped_to_them_by_the_template() {
    let template = decoded_template();
    let events = events(&template);
    let document: Value = serde_json::from_str(&nna_http::openapi::json()).unwrap();
    let adapters = crate::conformance::adapters::embedded().await;
    let config = HttpConfig::new(vec!["https://a.example".into()], 4 << 20, crate::support::auth::tokens());
    let mut problems = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        let url = concrete(path);
        let mut methods: Vec<String> = item.as_object().unwrap().keys().map(|m| m.to_ascii_uppercase()).collect();
        if methods.iter().any(|m| m == "GET") {
            methods.push("HEAD".into());
        }
        for method in methods {
            let best = events
                .iter()
                .filter(|(_, m, _)| *m == method || m == "ANY")
                .filter_map(|(bin, _, route)| Some((specificity(route, &url)?, bin)))
                .max_by_key(|(s, _)| *s);
            let Some((_, binary)) = best else {
                problems.push(format!("{method} {path}: no HttpApi event; API Gateway answers a bare 404"));
                continue;
            };
            let router = nna_http::router_for(adapters.registry.clone(), &config, RouteGroup::served_by(binary));
            let request = Request::builder()
                .method(Method::from_bytes(method.as_bytes()).unwrap())
                .uri(&url)
                .header("authorization", crate::support::auth::bearer(crate::support::auth::admin()))
                .body(Body::empty())
                .unwrap();
            let answer = router.oneshot(request).await.unwrap();
            let refused = answer.headers().get("content-type").is_some() && {
                let body = axum::body::to_bytes(answer.into_body(), usize::MAX).await.unwrap();
                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                matches!(v["error"]["code"].as_str(), Some("route_not_found" | "method_not_allowed"))
            };
            if refused {
                problems.push(format!("{method} {path}: the template sends it to {binary}, which does not serve it"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The routes history entries name as `through` are the document's operations, spelled as it
/// spells them.
#[test]
fn the_routes_history_names_are_the_apis() {
    let document: Value = serde_json::from_str(&nna_http::openapi::json()).unwrap();
    for route in nna_domain::history::through::ALL {
        let (method, path) = route.split_once(' ').unwrap();
        let operation = &document["paths"][path][method.to_ascii_lowercase()];
        assert!(operation.is_object(), "{route} is not an operation of the API");
    }
}
