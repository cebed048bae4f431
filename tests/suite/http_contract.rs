use crate::support::Server;
use reqwest::Method;

#[tokio::test]
async fn health_says_healthy_at_the_top_level() {
    let s = Server::start().await;
    let r = s.get("/api/health").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["status"], "healthy");
    assert_eq!(r.body["success"], true);
}

#[tokio::test]
async fn credentialed_cors_for_configured_origins_only() {
    let s = Server::start().await;
    let origin = "https://nna-registry-frontend-stg.vercel.app";
    let pre = s
        .send(
            s.request(Method::OPTIONS, "/api/assets")
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "authorization,content-type,idempotency-key,if-match"),
        )
        .await;
    assert!(pre.status < 300, "{}", pre.status);
    assert_eq!(pre.header("access-control-allow-origin"), Some(origin));
    assert_eq!(pre.header("access-control-allow-credentials"), Some("true"));
    let allowed = pre.header("access-control-allow-headers").unwrap().to_ascii_lowercase();
    for h in [
        "authorization",
        "content-type",
        "cache-control",
        "pragma",
        "x-requested-at",
        "idempotency-key",
        "if-match",
        "if-none-match",
    ] {
        assert!(allowed.contains(h), "{h} in {allowed}");
    }

    let get = s.send(s.request(Method::GET, "/api/health").header("origin", "http://localhost:3000")).await;
    assert_eq!(get.header("access-control-allow-origin"), Some("http://localhost:3000"));

    let stranger = s.send(s.request(Method::GET, "/api/health").header("origin", "https://evil.example")).await;
    assert_eq!(stranger.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn cors_origins_are_configurable() {
    let s = Server::start_with(|c| c.api.cors_origins = vec!["https://studio.example".into()]).await;
    let r = s.send(s.request(Method::GET, "/api/health").header("origin", "https://studio.example")).await;
    assert_eq!(r.header("access-control-allow-origin"), Some("https://studio.example"));
    let r = s.send(s.request(Method::GET, "/api/health").header("origin", "http://localhost:3000")).await;
    assert_eq!(r.header("access-control-allow-origin"), None);
}
