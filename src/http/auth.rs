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
    caller_until(state, authorization, request_id)
        .await
        .map(|(caller, _)| caller)
}

/// What a socket needs to know of its token: when it expires, and its id (to ask whether it
/// was revoked).
#[derive(Debug, Clone)]
pub(super) struct TokenLife {
    pub expires: std::time::SystemTime,
    pub jti: String,
}

/// [`caller`], with its token's life (none without a token).
pub(super) async fn caller_until(
    state: &HttpState,
    authorization: Option<&str>,
    request_id: Option<String>,
) -> AppResult<(Caller, Option<TokenLife>)> {
    let Some(value) = authorization else {
        return Ok((
            Caller {
                viewer: Viewer::public(),
                request_id,
                access: state.access,
                log_changes: true,
            },
            None,
        ));
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
    let claims = state.verifier.verify(token).await?;
    let viewer = viewer_from_claims(&state.db, &claims).await?;
    crate::domain::identity::sign_ins::admit(&state.db, &claims, &viewer).await?;
    let expires = std::time::UNIX_EPOCH + std::time::Duration::from_secs(claims.exp);
    Ok((
        Caller {
            viewer,
            request_id,
            access: state.access,
            log_changes: true,
        },
        Some(TokenLife {
            expires,
            jti: claims.jti,
        }),
    ))
}

/// The `Authorization` header's value, if any.
pub(super) fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("invalid"))
}
