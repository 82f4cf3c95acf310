//! The public side of the certificates people carry, no token needed:
//!
//! - `GET /bodies/{body}/did.json`: an assessment body's DID document (`did:web`), its key;
//! - `GET /bodies/{body}/status/{levels|special}`: its revocation list (a signed
//!   `BitstringStatusListCredential`, good for a day, changed by every revocation at once);
//! - `GET /credentials/{token}`: a certificate's credential through the share link its holder
//!   made (`shareCertificate`), until the link expires.

use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::HttpState;
use crate::{domain::certification::badges, error::ErrorCode};

fn not_found(message: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(
            json!({ "errors": [{ "message": message, "extensions": { "code": ErrorCode::NotFound.as_str() } }] }),
        ),
    )
        .into_response()
}

fn failed(err: crate::error::AppError) -> Response {
    tracing::error!(error = %err, "serving a credential");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        axum::Json(
            json!({ "errors": [{ "message": "try again shortly", "extensions": { "code": ErrorCode::ServiceUnavailable.as_str() } }] }),
        ),
    )
        .into_response()
}

/// A signed document: a status list anyone may keep for `Some(max_age)` seconds, or a
/// credential (`None`) sent as a file and kept by no one.
fn signed(token: String, max_age: Option<u32>) -> Response {
    let mut response = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/vc+jwt"),
        )],
        token,
    )
        .into_response();
    let headers = response.headers_mut();
    match max_age {
        Some(seconds) => {
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_str(&format!("public, max-age={seconds}"))
                    .unwrap_or(HeaderValue::from_static("no-cache")),
            );
        }
        None => {
            headers.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"certificate.jwt\""),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
    response
}

pub(super) async fn did_document(
    State(state): State<HttpState>,
    Path(body): Path<String>,
) -> Response {
    let (Some(issuer), Ok(body)) = (&state.credentials, body.parse::<i32>()) else {
        return not_found("no such body");
    };
    match badges::did_document(&state.db, issuer, body).await {
        Ok(Some(document)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/did+json"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=300"),
                ),
            ],
            axum::Json(document),
        )
            .into_response(),
        Ok(None) => not_found("no such body"),
        Err(e) => failed(e),
    }
}

pub(super) async fn status_list(
    State(state): State<HttpState>,
    Path((body, list)): Path<(String, String)>,
) -> Response {
    let (Some(issuer), Ok(body)) = (&state.credentials, body.parse::<i32>()) else {
        return not_found("no such status list");
    };
    match badges::status_list(&state.db, issuer, body, &list).await {
        Ok(Some(token)) => signed(token, Some(60)),
        Ok(None) => not_found("no such status list"),
        Err(e) => failed(e),
    }
}

pub(super) async fn shared(State(state): State<HttpState>, Path(token): Path<String>) -> Response {
    let Some(issuer) = &state.credentials else {
        return not_found("no such credential");
    };
    let Some(certificate) = issuer.open_share_token(&token) else {
        return not_found("the link is unknown or has expired");
    };
    match badges::credential(&state.db, &state.personal_data, issuer, certificate, None).await {
        Ok(token) => signed(token, None),
        Err(crate::error::AppError::NotFound { .. }) => not_found("no such credential"),
        Err(e) => failed(e),
    }
}
