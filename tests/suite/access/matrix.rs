//! Every route × every kind of caller → the expected status, and the store unchanged by every
//! refusal.

use crate::support::auth::{self, ADMIN};
use crate::support::server::client_as;
use crate::support::{Server, kelly};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use nna_domain::Timestamp;
use nna_domain::auth::Role;
use nna_http::auth::Claims;
use reqwest::{Client, Method};
use serde_json::{Value, json};

const OWNER: &str = "owner@tests.nna";
const OTHER: &str = "other@tests.nna";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Nobody,
    BadSignature,
    AlgNone,
    Expired,
    NotYetValid,
    WrongAudience,
    WrongIssuer,
    Other,
    Owner,
    Admin,
}

const EVERYONE: [Who; 10] = [
    Who::Nobody,
    Who::BadSignature,
    Who::AlgNone,
    Who::Expired,
    Who::NotYetValid,
    Who::WrongAudience,
    Who::WrongIssuer,
    Who::Other,
    Who::Owner,
    Who::Admin,
];

fn now() -> u64 {
    u64::try_from(Timestamp::now().unix_seconds()).unwrap()
}

fn claims(email: &str, role: Role) -> Claims {
    Claims {
        sub: format!("user-{email}"),
        email: email.into(),
        role: role.as_str().into(),
        user_id: None,
        iss: "nna-registry".into(),
        aud: "nna-registry-api".into(),
        iat: now(),
        exp: now() + 3600,
        nbf: None,
    }
}

fn token(who: Who) -> Option<String> {
    let tokens = auth::tokens();
    let signed = |c: Claims| Some(tokens.sign(&c).unwrap());
    let owner = || claims(OWNER, Role::Editor);
    match who {
        Who::Nobody => None,
        Who::BadSignature => {
            let other_key = jsonwebtoken::EncodingKey::from_secret(b"not-the-deployment-secret-0123456789abcdef");
            Some(jsonwebtoken::encode(&jsonwebtoken::Header::default(), &owner(), &other_key).unwrap())
        }
        Who::AlgNone => {
            let part = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
            Some(format!(
                "{}.{}.",
                part(json!({"alg": "none", "typ": "JWT"})),
                part(serde_json::to_value(owner()).unwrap())
            ))
        }
        Who::Expired => signed(Claims { iat: now() - 7200, exp: now() - 3600, ..owner() }),
        Who::NotYetValid => signed(Claims { nbf: Some(now() + 3600), ..owner() }),
        Who::WrongAudience => signed(Claims { aud: "another-api".into(), ..owner() }),
        Who::WrongIssuer => signed(Claims { iss: "someone-else".into(), ..owner() }),
        Who::Other => signed(claims(OTHER, Role::Editor)),
        Who::Owner => signed(owner()),
        Who::Admin => signed(claims(ADMIN, Role::Admin)),
    }
}

/// The reason a 401 gives for the caller's token (none without one).
fn token_refusal(who: Who) -> Option<&'static str> {
    match who {
        Who::BadSignature => Some("bad_signature"),
        Who::AlgNone => Some("malformed"),
        Who::Expired => Some("expired"),
        Who::NotYetValid => Some("not_yet_valid"),
        Who::WrongAudience => Some("wrong_audience"),
        Who::WrongIssuer => Some("wrong_issuer"),
        _ => None,
    }
}

/// What each route answers each caller: `Some(status)` for the refusals, `None` for success.
fn expected(route: &str, who: Who) -> Option<u16> {
    let signed_in = matches!(who, Who::Other | Who::Owner | Who::Admin);
    if !signed_in {
        return Some(401);
    }
    let refused = match route {
        "edit" | "replace" | "album-art" => who == Who::Other,
        "delete" | "curate" | "make-admin" => who != Who::Admin,
        _ => false,
    };
    refused.then_some(403)
}

struct Call {
    route: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
}

fn calls(hfn: &str) -> Vec<Call> {
    let call = |route, method, path: String, body| Call { route, method, path, body };
    vec![
        call("create", Method::POST, "/api/assets".into(), Some(kelly())),
        call("batch", Method::POST, "/api/assets/batch".into(), Some(json!({"assets": [kelly()]}))),
        call("read", Method::GET, format!("/api/assets/{hfn}"), None),
        call("list", Method::GET, "/api/assets?limit=5".into(), None),
        call("search", Method::GET, "/api/assets/search?search=kelly".into(), None),
        call(
            "upload-slot",
            Method::POST,
            "/api/assets/uploads".into(),
            Some(
                json!({"layer": "L", "category": "Casual", "subcategory": "Athleisure", "contentType": "image/png", "size": 10}),
            ),
        ),
        call("edit", Method::PATCH, format!("/api/assets/{hfn}"), Some(json!({"tags": ["changed"]}))),
        call("replace", Method::PUT, format!("/api/assets/{hfn}"), Some(json!({"description": "replaced"}))),
        call(
            "album-art",
            Method::POST,
            format!("/api/assets/{hfn}/album-art"),
            Some(json!({"sourceUrl": "https://is1-ssl.mzstatic.com/a.jpg"})),
        ),
        call("curate", Method::POST, format!("/api/assets/curate/{hfn}"), None),
        call("delete", Method::DELETE, format!("/api/assets/{hfn}"), None),
        call("profile", Method::GET, "/api/auth/profile".into(), None),
        call("make-admin", Method::POST, "/api/auth/make-admin".into(), Some(json!({"email": OTHER}))),
    ]
}

/// Everything the registry holds, as the admin reads it.
async fn snapshot(s: &Server) -> Value {
    s.get("/api/assets?limit=1000&sortBy=createdAt&sortOrder=asc").await.data()["items"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_for_every_caller() {
    // A caller allowed to ask for album art on this look hears 400 not_a_song, after the checks.
    let s = Server::start().await;
    // The owner's asset, and an account for the other user so make-admin has someone to promote.
    let owner = client_as(&auth::caller(OWNER, Role::Editor));
    let made = s.send(owner.post(s.url("/api/assets")).json(&kelly())).await;
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.data()["registeredBy"], OWNER, "registeredBy comes from the token");
    let r = s
        .post("/api/auth/register", &json!({"username": "other-user", "email": OTHER, "password": "secret-pass"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);

    let anonymous = Client::builder().no_proxy().build().unwrap();
    for who in EVERYONE {
        // A fresh asset per caller, so one caller's delete does not change the next one's answer.
        let hfn =
            s.send(owner.post(s.url("/api/assets")).json(&kelly())).await.data()["name"].as_str().unwrap().to_owned();
        for call in calls(&hfn) {
            let before = snapshot(&s).await;
            let mut request = anonymous.request(call.method.clone(), s.url(&call.path));
            if let Some(t) = token(who) {
                request = request.bearer_auth(t);
            }
            if let Some(body) = &call.body {
                request = request.json(body);
            }
            let r = s.send(request).await;
            match expected(call.route, who) {
                Some(status) => {
                    assert_eq!(r.status, status, "{} as {who:?}: {}", call.route, r.body);
                    let code = r.code();
                    assert!(
                        matches!(code, "unauthorized" | "invalid_token" | "forbidden"),
                        "{} as {who:?}: {code}",
                        call.route
                    );
                    if status == 401 {
                        assert_eq!(r.header("www-authenticate"), Some("Bearer"));
                        // Why, in this service's words: nothing of the JWT library's.
                        let reason = r.body["error"]["details"]["reason"].as_str();
                        assert_eq!(reason, token_refusal(who), "{} as {who:?}: {}", call.route, r.body);
                        let message = r.body["error"]["message"].as_str().unwrap_or_default();
                        assert!(
                            !["Signature", "Error", "Kind", "Json"].iter().any(|w| message.contains(w)),
                            "{message}"
                        );
                    }
                    assert_eq!(snapshot(&s).await, before, "{} as {who:?} changed the store", call.route);
                }
                // Past the checks of who may ask, the asset (a look, not a song) is refused.
                None if call.route == "album-art" => {
                    assert_eq!((r.status, r.code()), (400, "not_a_song"), "{} as {who:?}: {}", call.route, r.body)
                }
                None => assert!((200..300).contains(&r.status), "{} as {who:?}: {} {}", call.route, r.status, r.body),
            }
        }
    }
    // The open routes need no token.
    for path in ["/api/health", "/api/taxonomy/version", "/api/taxonomy/layers"] {
        let r = s.send(anonymous.get(s.url(path))).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
    }
}
