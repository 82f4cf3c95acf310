//! Bearer tokens on HTTP and in WebSocket `connection_init` payloads.

use axum::http::{HeaderMap, header};

use super::HttpState;
use crate::{
    auth::{Caller, Viewer, viewer_from_claims},
    error::{AppError, AppResult},
};

/// The caller of a request: public without a token, the token's viewer with a valid one, and
/// `UNAUTHENTICATED` (never public) with anything else.
pub(super) async fn caller(
    state: &HttpState,
    authorization: Option<&str>,
    request_id: Option<String>,
) -> AppResult<Caller> {
    let Some(value) = authorization else {
        return Ok(Caller {
            viewer: Viewer::public(),
            request_id,
            access: state.access,
        });
    };
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AppError::Unauthenticated(
                "send the token as `Authorization: Bearer <token>`".to_owned(),
            )
        })?;
    let claims = state.verifier.verify(token)?;
    let viewer = viewer_from_claims(&state.db, &claims).await?;
    Ok(Caller {
        viewer,
        request_id,
        access: state.access,
    })
}

/// The `Authorization` header's value, if any.
pub(super) fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("invalid"))
}
