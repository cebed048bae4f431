//! Identities for the tests: one secret shared by every server and function a test starts, and
//! tokens signed with it.

use nna_domain::auth::{Caller, Email, Role};
use nna_http::auth::{AuthSettings, Tokens};
use std::sync::Arc;

/// The tests' `NNA_JWT_SECRET`.
pub const SECRET: &str = "tests-only-secret-0123456789abcdef0123456789";

/// The settings every test deployment runs with.
pub fn settings() -> AuthSettings {
    AuthSettings::read(&nna_domain::settings::Env::from_fn(|k| (k == "NNA_JWT_SECRET").then(|| SECRET.to_owned())))
        .expect("auth settings")
}

pub fn tokens() -> Arc<Tokens> {
    Arc::new(Tokens::new(settings().tokens(SECRET.as_bytes().to_vec())).expect("tokens"))
}

pub fn caller(email: &str, role: Role) -> Caller {
    Caller { user_id: format!("user-{email}"), email: Email::parse(email).expect("an email"), role }
}

/// The admin the suite acts as unless a test says otherwise.
pub fn admin() -> &'static Caller {
    static ADMIN_CALLER: std::sync::OnceLock<Caller> = std::sync::OnceLock::new();
    ADMIN_CALLER.get_or_init(|| caller(ADMIN, Role::Admin))
}

/// Writes as the suite's admin, unconditionally.
pub fn as_admin() -> nna_domain::registry::Requester<'static> {
    nna_domain::registry::Requester::new(admin())
}

pub const ADMIN: &str = "admin@tests.nna";

/// A valid token for this caller.
pub fn token(who: &Caller) -> String {
    tokens().issue_for(&who.user_id, &who.email, who.role).expect("a token")
}

/// `Authorization: Bearer …` for this caller.
pub fn bearer(who: &Caller) -> String {
    format!("Bearer {}", token(who))
}

/// The old backend's `JWT_SECRET`, as a cutover test gives it to a deployment (shorter than this
/// registry's own secrets may be: it is kept as the old backend had it).
pub const LEGACY_SECRET: &str = "old-backend-jwt-secret";

/// A token as the old backend (@nestjs/jwt) signed it: HS256, `{userId, email, role}`, `iat`,
/// `exp` seconds from now (negative: expired), no issuer or audience.
pub fn legacy_token(user_id: &str, email: &str, role: &str, exp_in_secs: i64) -> String {
    let now = nna_domain::Timestamp::now().unix_seconds();
    let claims =
        serde_json::json!({"userId": user_id, "email": email, "role": role, "iat": now - 60, "exp": now + exp_in_secs});
    let key = jsonwebtoken::EncodingKey::from_secret(LEGACY_SECRET.as_bytes());
    jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256), &claims, &key).expect("a token")
}
