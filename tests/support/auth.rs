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
