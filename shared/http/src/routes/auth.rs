//! `/api/auth`: accounts, as the frontend calls them. Register and login answer a token and the
//! account; profile and make-admin need a token.

use crate::AppState;
use crate::answers::{Answer, Answered, Session, UserView};
use crate::body;
use crate::problem::ApiError;
use axum::Router;
use axum::extract::{Request, State};
use axum::routing::{get, post};
use nna_domain::RegistryError;
use nna_domain::auth::{AdminGrant, Caller, ClientAddress, Login, NewUser, User};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/auth/register", post(register))
        .route("/api/auth/login", post(login))
        .route("/api/auth/profile", get(profile))
        .route("/api/auth/make-admin", post(make_admin))
}

/// The caller's address, as the deployment put it on the request (the connection's, or API
/// Gateway's `sourceIp`).
fn client(request: &Request) -> ClientAddress {
    request.extensions().get::<ClientAddress>().cloned().unwrap_or_else(ClientAddress::unknown)
}

fn session<const STATUS: u16>(s: &AppState, user: &User) -> Result<Answered<Session, STATUS>, ApiError> {
    let token = s.http.tokens.issue(user).map_err(|e| RegistryError::Internal(nna_domain::error::cause(e)))?;
    Ok(Answered::new(Session { token, expires_in: s.http.tokens.lifetime().as_secs(), user: UserView::of(user) }))
}

#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = NewUser,
    responses((status = 201, description = "The account and a token", body = Answer<Session>)))]
pub(crate) async fn register(State(s): State<AppState>, request: Request) -> Result<Answered<Session, 201>, ApiError> {
    let client = client(&request);
    let body = body::object(request, s.http.limits.json_bytes).await?;
    let user = s.registry.register(&client, NewUser::parse(&body)).await?;
    tracing::info!(user = %user.id.0, role = user.role.as_str(), "account registered");
    session(&s, &user)
}

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = Login,
    responses((status = 200, description = "The account and a token", body = Answer<Session>)))]
pub(crate) async fn login(State(s): State<AppState>, request: Request) -> Result<Answered<Session>, ApiError> {
    let client = client(&request);
    let body = body::object(request, s.http.limits.json_bytes).await?;
    let user = s.registry.login(&client, Login::parse(&body)).await?;
    session(&s, &user)
}

#[utoipa::path(get, path = "/api/auth/profile", tag = "auth", security(("bearer" = [])),
    responses((status = 200, description = "The caller's account", body = Answer<UserView>)))]
pub(crate) async fn profile(State(s): State<AppState>, caller: Caller) -> Result<Answered<UserView>, ApiError> {
    Ok(Answered::new(match s.registry.profile(&caller).await? {
        Some(user) => UserView::of(&user),
        None => UserView::of_caller(&caller),
    }))
}

#[utoipa::path(post, path = "/api/auth/make-admin", tag = "auth", security(("bearer" = [])),
    request_body = AdminGrant,
    responses((status = 200, description = "The account, now an admin (admins only)", body = Answer<UserView>)))]
pub(crate) async fn make_admin(
    State(s): State<AppState>,
    caller: Caller,
    request: Request,
) -> Result<Answered<UserView>, ApiError> {
    let body = body::object(request, s.http.limits.json_bytes).await?;
    let user = s.registry.make_admin(&caller, AdminGrant::parse(&body)).await?;
    tracing::info!(by = %caller.user_id, user = %user.id.0, "admin role given");
    Ok(Answered::new(UserView::of(&user)))
}
