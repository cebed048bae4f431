//! `/api/auth`: register, log in, profile, make-admin, as the frontend calls them.

use crate::support::Server;
use crate::support::server::anonymous;
use serde_json::json;

const BOSS: &str = "boss@tests.nna";

async fn server() -> Server {
    Server::start().await
}

/// `nna-ops make-admin` on the server's data, as the operator of the machine runs it.
fn operator_makes_admin(s: &Server, email: &str) -> (i32, String) {
    let report = s.data_dir().join("make-admin.json");
    let out = std::process::Command::new(crate::support::process::binary("nna-ops", "nna-ops"))
        .arg("--store")
        .arg(format!("embedded:{}", s.data_dir().display()))
        .arg("--report")
        .arg(&report)
        .args(["make-admin", email])
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test]
async fn register_log_in_and_use_the_token() {
    let s = server().await;
    let nobody = anonymous();
    let r = s
        .send(
            nobody
                .post(s.url("/api/auth/register"))
                .json(&json!({"username": "kelly-k", "email": " Kelly@Example.com ", "password": "hunter22"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.data()["user"]["email"], "kelly@example.com");
    assert_eq!(r.data()["user"]["role"], "editor");
    assert!(r.data()["user"].get("passwordHash").is_none(), "the hash never leaves the store");

    let login = |email: &str, password: &str| {
        nobody.post(s.url("/api/auth/login")).json(&json!({"email": email, "password": password}))
    };
    let r = s.send(login("KELLY@example.com", "hunter22")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let token = r.data()["token"].as_str().unwrap().to_owned();

    let created = s
        .send(nobody.post(s.url("/api/assets")).bearer_auth(&token).json(&json!({
            "layer": "S", "category": "Pop", "subcategory": "Base", "registeredBy": "someone-else@example.com"
        })))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.data()["registeredBy"], "kelly@example.com", "from the token, never the body");

    let profile = s.send(nobody.get(s.url("/api/auth/profile")).bearer_auth(&token)).await;
    assert_eq!((profile.status, profile.data()["username"].as_str()), (200, Some("kelly-k")));

    for (email, password) in [("kelly@example.com", "wrong-one"), ("nobody@example.com", "hunter22")] {
        let r = s.send(login(email, password)).await;
        assert_eq!((r.status, r.code()), (401, "invalid_credentials"), "{email}");
    }
}

#[tokio::test]
async fn registration_rules() {
    let s = &server().await;
    let register = |body: serde_json::Value| async move {
        s.send(anonymous().post(s.url("/api/auth/register")).json(&body)).await
    };
    let first = register(json!({"username": "first-user", "email": "a@example.com", "password": "secret1"})).await;
    assert_eq!(first.status, 201);
    let again = register(json!({"username": "second-user", "email": "A@EXAMPLE.COM", "password": "secret2"})).await;
    assert_eq!((again.status, again.code()), (409, "email_taken"));
    let bad = register(json!({"username": "shrt", "email": "not-an-email", "password": "12345"})).await;
    assert_eq!(bad.status, 400);
    let fields: Vec<&str> = bad.body["error"]["details"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "email", "password"], "every fault at once");
}

#[tokio::test]
async fn an_admin_makes_an_admin() {
    let s = &server().await;
    let register = |name: &str, email: &str| {
        let body = json!({"username": name, "email": email, "password": "password1"});
        async move { s.send(anonymous().post(s.url("/api/auth/register")).json(&body)).await }
    };
    let boss = register("the-boss", BOSS).await;
    assert_eq!(boss.data()["user"]["role"], "editor", "registering never makes an admin");
    let (code, err) = operator_makes_admin(s, "nobody@tests.nna");
    assert_ne!(code, 0, "an account that does not exist: {err}");
    assert!(err.contains("must register first"), "{err}");
    let (code, err) = operator_makes_admin(s, BOSS);
    assert_eq!(code, 0, "{err}");
    let boss =
        s.send(anonymous().post(s.url("/api/auth/login")).json(&json!({"email": BOSS, "password": "password1"}))).await;
    assert_eq!(boss.data()["user"]["role"], "admin", "made by the operator");
    let editor = register("an-editor", "ed@example.com").await;
    let editor_token = editor.data()["token"].as_str().unwrap().to_owned();

    let promote = |token: &str| {
        anonymous().post(s.url("/api/auth/make-admin")).bearer_auth(token).json(&json!({"email": "ed@example.com"}))
    };
    let refused = s.send(promote(&editor_token)).await;
    assert_eq!((refused.status, refused.code()), (403, "forbidden"));
    let done = s.send(promote(boss.data()["token"].as_str().unwrap())).await;
    assert_eq!((done.status, done.data()["role"].as_str()), (200, Some("admin")), "{}", done.body);

    let relogin = s
        .send(
            anonymous()
                .post(s.url("/api/auth/login"))
                .json(&json!({"email": "ed@example.com", "password": "password1"})),
        )
        .await;
    assert_eq!(relogin.data()["user"]["role"], "admin");
    let missing = s
        .send(
            anonymous()
                .post(s.url("/api/auth/make-admin"))
                .bearer_auth(boss.data()["token"].as_str().unwrap())
                .json(&json!({"email": "ghost@example.com"})),
        )
        .await;
    assert_eq!((missing.status, missing.code()), (404, "user_not_found"));
}

/// Per client and per account, login and register stop answering after so many attempts: `429`
/// with `Retry-After`, before any password is checked.
#[tokio::test]
async fn logins_and_registrations_are_rate_limited() {
    use nna_domain::auth::{AuthRates, Rate};
    let rates = AuthRates {
        logins_per_client: Rate { limit: 5, seconds: 600 },
        logins_per_account: Rate { limit: 3, seconds: 600 },
        registrations_per_client: Rate { limit: 2, seconds: 600 },
    };
    let s = &Server::start_with(|c| c.api.auth_rates = rates).await;
    let post = |path: &'static str, body: serde_json::Value| async move {
        s.send(anonymous().post(s.url(path)).json(&body)).await
    };
    for name in ["first-one", "second-one"] {
        let body = json!({"username": name, "email": format!("{name}@example.com"), "password": "password1"});
        assert_eq!(post("/api/auth/register", body).await.status, 201);
    }
    let third =
        post("/api/auth/register", json!({"username": "third-one", "email": "t@example.com", "password": "password1"}))
            .await;
    assert_eq!((third.status, third.code()), (429, "too_many_attempts"), "{}", third.body);
    let wait: u64 = third.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait), "{wait}");

    let login = |email: &'static str, password: &'static str| {
        post("/api/auth/login", json!({"email": email, "password": password}))
    };
    for _ in 0..3 {
        assert_eq!(login("first-one@example.com", "guess").await.status, 401);
    }
    let blocked = login("first-one@example.com", "password1").await;
    assert_eq!(
        (blocked.status, blocked.code()),
        (429, "too_many_attempts"),
        "the account's limit, right password or not"
    );
    assert!(blocked.header("retry-after").is_some());
    // Another account still logs in from this client, until the client's own limit (five).
    assert_eq!(login("second-one@example.com", "password1").await.status, 200);
    let other = login("second-one@example.com", "password1").await;
    assert_eq!((other.status, other.code()), (429, "too_many_attempts"), "{}", other.body);
}
