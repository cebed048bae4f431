//! The old backend's tokens: refused unless the deployment is given its secret, never after the
//! end date, and only for an account carried over with that email and id.

use super::{Deployment, Window, work_dir};
use crate::support::auth::legacy_token;
use crate::support::old_backend::OldBackend;
use std::collections::HashMap;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded() {
    for window in [Window::Off, Window::Open, Window::Ended] {
        old_tokens(Deployment::embedded(window).await, window).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb() {
    for window in [Window::Off, Window::Open, Window::Ended] {
        old_tokens(Deployment::dynamodb(window).await, window).await;
    }
}

async fn old_tokens(mut d: Deployment, window: Window) {
    let old = OldBackend::start(1, 4, 31, 4, 1_000..2_000, HashMap::new(), HashMap::new()).await;
    let (_keep, work) = work_dir();
    let (_, users) = old.write_exports(&work);
    let (code, _, err) = d.ops(&work, &["import-legacy", "users", users.to_str().unwrap()]).await;
    assert_eq!(code, 0, "{err}");
    let user = &old.users[1];
    let (id, email) = (user["_id"]["$oid"].as_str().unwrap(), user["email"].as_str().unwrap().to_lowercase());
    let mut ask = async |token: String| {
        let (status, body) = d.call("GET", "/api/auth/profile", None, Some(&token)).await;
        (status, body["error"]["details"]["reason"].as_str().unwrap_or_default().to_owned(), body)
    };
    let (status, reason, body) = ask(legacy_token(id, &email, "editor", 600)).await;
    match window {
        Window::Off => assert_eq!((status, reason.as_str()), (401, "bad_signature"), "off by default: {body}"),
        Window::Ended => assert_eq!((status, reason.as_str()), (401, "legacy_session_ended"), "{body}"),
        Window::Open => {
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["data"]["role"], "editor");
            // Another account's id under this email, or an email nobody was carried over with.
            let (status, reason, _) = ask(legacy_token("6868865274bd8b06a2f91f0c", &email, "editor", 600)).await;
            assert_eq!((status, reason.as_str()), (401, "no_user"));
            let (status, reason, _) = ask(legacy_token(id, "stranger@example.com", "admin", 600)).await;
            assert_eq!((status, reason.as_str()), (401, "no_user"));
            // Tokens the registry issues are unchanged.
            let (status, _, _) = ask(super::admin_token()).await;
            assert_eq!(status, 200);
        }
    }
}
