//! The HTTP surface: `/graphql` (GraphQL over HTTP, and GraphiQL for browsers), `/healthz`,
//! `/readyz`.

mod auth;
mod credentials;
mod graphiql;
mod graphql;
mod my_data;
mod websocket;

use std::{sync::Arc, time::Duration};

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, State},
    http::{HeaderName, StatusCode},
    response::IntoResponse,
    routing::get,
};
use sea_orm::DatabaseConnection;
use serde_json::json;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::{auth::jwt::TokenVerifier, graphql::AppSchema};

/// The header that carries a request's id, set when the client did not send one.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What the handlers share.
#[derive(Clone)]
pub struct HttpState {
    /// The schema to execute.
    pub schema: AppSchema,
    /// The pool, for readiness and for resolving tokens to viewers.
    pub db: DatabaseConnection,
    /// Checks bearer tokens.
    pub verifier: Arc<TokenVerifier>,
    /// The rules of access to learners every caller carries.
    pub access: crate::auth::policy::AccessRules,
    /// The limits (the WebSocket handler reads its own from here).
    pub limits: HttpLimits,
    /// Open WebSockets per client address.
    pub sockets: Arc<websocket::SocketCount>,
    /// The event broker, for readiness.
    pub events: Arc<dyn crate::events::EventBroker>,
    /// Signs credentials, status lists and share links (none without a credential key).
    pub credentials: Option<Arc<crate::domain::kernel::credentials::CredentialIssuer>>,
    /// Opens the holder's ID number, for the hashed recipient of a shared credential.
    pub personal_data: crate::domain::kernel::personal::PersonalDataKey,
}

/// Limits of the HTTP layer.
#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    /// The largest request body accepted, in bytes; larger gets 413.
    pub max_body_bytes: usize,
    /// How long a request may take before it gets 408.
    pub request_timeout: Duration,
    /// Requests served at once; beyond, 503 at once (load shedding, not an endless queue).
    pub max_in_flight: usize,
    /// The largest request head (request line and headers), in bytes; larger gets 431.
    pub max_header_bytes: usize,
    /// The most request headers; more get 431.
    pub max_headers: usize,
    /// How long a client may take to send the request head before the connection is closed.
    pub header_read_timeout: Duration,
    /// WebSocket: sockets per client address.
    pub max_sockets_per_address: usize,
    /// WebSocket: operations running at once on one socket.
    pub max_operations_per_socket: usize,
    /// WebSocket: how long a socket may wait before its `connection_init`.
    pub connection_init_timeout: Duration,
    /// WebSocket: how often an open socket asks whether its token was revoked.
    pub revocation_poll: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            max_in_flight: 256,
            max_header_bytes: 16 * 1024,
            max_headers: 64,
            header_read_timeout: Duration::from_secs(5),
            max_sockets_per_address: 16,
            max_operations_per_socket: 32,
            connection_init_timeout: Duration::from_secs(10),
            revocation_poll: Duration::from_secs(5),
        }
    }
}

/// The header that keeps the id a client sent, beside the one the server gave its request.
pub const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("x-client-request-id");

/// The server names every request itself: an id a client sends is kept as
/// `x-client-request-id` (and in the logs), never used instead of the server's.
async fn server_request_id(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if let Some(sent) = request.headers_mut().remove(REQUEST_ID) {
        request.headers_mut().insert(CLIENT_REQUEST_ID, sent);
    }
    next.run(request).await
}

async fn overloaded(_: tower::BoxError) -> impl IntoResponse {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(axum::http::header::RETRY_AFTER, "1")],
        Json(
            json!({ "errors": [{ "message": "the server is busy; try again shortly", "extensions": { "code": crate::error::ErrorCode::ServiceUnavailable.as_str() } }] }),
        ),
    )
}

/// The router with every route and middleware.
pub fn router(state: HttpState, limits: HttpLimits) -> Router {
    Router::new()
        .route(
            "/graphql",
            get(graphql::get_graphql).post(graphql::post_graphql),
        )
        .route("/graphql/ws", get(websocket::graphql_ws))
        .route("/graphiql/{version}/{file}", get(graphiql::asset))
        .route("/my-data", get(my_data::my_data))
        .route("/bodies/{body}/did.json", get(credentials::did_document))
        .route(
            "/bodies/{body}/status/{list}",
            get(credentials::status_list),
        )
        .route("/credentials/{token}", get(credentials::shared))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(overloaded))
                .load_shed()
                .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
                    limits.max_in_flight,
                )),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let header = |name: &HeaderName| {
                    req.headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-")
                        .to_owned()
                };
                let span = tracing::info_span!(
                    "http",
                    method = %req.method(),
                    path = %req.uri().path(),
                    request_id = %header(&REQUEST_ID),
                    client_request_id = %header(&CLIENT_REQUEST_ID),
                    trace_id = tracing::field::Empty,
                );
                crate::telemetry::join_trace(&span, req.headers());
                span
            }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(axum::middleware::from_fn(server_request_id))
        .with_state(state)
}

/// The router of the metrics listener: `/metrics` alone, apart from the API's port, so the
/// public cannot read operation names or fill the label table.
pub fn metrics_router(state: HttpState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// `/metrics`: this instance's counters in Prometheus's text format (with the pool's state as of
/// the scrape). Served on its own listener ([`metrics_router`]), for the monitoring network.
async fn metrics(State(state): State<HttpState>) -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state
            .schema
            .metrics()
            .render(crate::db::pool_state(&state.db)),
    )
}

/// Liveness: the process is up and serving.
async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// Readiness: the database answers.
/// Ready while the database answers. Redis out of reach leaves the instance ready (it serves
/// queries and its own subscribers) but `degraded`, with `"events": "degraded"`.
async fn readyz(State(state): State<HttpState>) -> impl IntoResponse {
    let (broker, events_ok) = state.events.status();
    let events = if events_ok { "ok" } else { "degraded" };
    match state.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({
                "status": if events_ok { "ready" } else { "degraded" },
                "database": "ok",
                "broker": broker,
                "events": events,
            })),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "unavailable",
                    "database": "unreachable",
                    "broker": broker,
                    "events": events,
                })),
            )
        }
    }
}
