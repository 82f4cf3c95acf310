//! `GET /my-data`: a learner's copy of their record as a file to keep (`Query.myData`, served
//! with `Content-Disposition: attachment`), with the learner's bearer token.

use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{HttpState, REQUEST_ID, auth};
use crate::error::{AppError, ErrorCode};

fn refused(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    let mut response = (
        status,
        axum::Json(
            json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] }),
        ),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

pub(super) async fn my_data(State(state): State<HttpState>, headers: HeaderMap) -> Response {
    let request_id = headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let caller = match auth::caller(&state, auth::authorization(&headers), request_id).await {
        Ok(caller) => caller,
        Err(AppError::Unauthenticated(message)) => {
            return refused(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthenticated,
                &message,
            );
        }
        Err(_) => {
            return refused(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::ServiceUnavailable,
                "the database is unavailable; try again shortly",
            );
        }
    };
    let response = state
        .schema
        .execute(async_graphql::Request::new("{ myData }").data(caller))
        .await;
    if let Some(error) = response.errors.first() {
        let code = ErrorCode::of(error).unwrap_or(ErrorCode::Internal);
        let status = match code {
            ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        return refused(status, code, &error.message);
    }
    let data = response.data.into_json().unwrap_or(Value::Null);
    let body = serde_json::to_vec_pretty(&data["myData"]).unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"skillgraph-my-data.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
