//! Finishing a response: every error gets its code (async-graphql's own included), internal
//! errors are logged with the request id and shown only as `INTERNAL`, `extensions.cost` says
//! what the request cost, and the [`Verdict`] says how the request ended, for the HTTP status.

use async_graphql::{Response, ServerError};

use super::admit::Spent;
use crate::{
    error::{AppError, ErrorCode},
    graphql::SchemaLimits,
};

impl Spent {
    /// `extensions.cost`, and for HTTP the `RateLimit-Limit`, `RateLimit-Remaining` and
    /// `RateLimit-Reset` headers (seconds until the budget is full again).
    pub(super) fn put_into(&self, response: &mut Response) {
        let Some(requested) = self.requested else {
            return;
        };
        let mut cost = async_graphql::indexmap::IndexMap::new();
        cost.insert(
            async_graphql::Name::new("requestedQueryCost"),
            async_graphql::Value::from(requested),
        );
        if let Some(actual) = self.actual {
            cost.insert(
                async_graphql::Name::new("actualQueryCost"),
                async_graphql::Value::from(actual),
            );
        }
        if let Some((charge, budget)) = self.throttle {
            cost.insert(
                async_graphql::Name::new("throttleStatus"),
                async_graphql::value!({
                    "maximumAvailable": budget.maximum,
                    "currentlyAvailable": charge.available,
                    "restoreRate": budget.restore_per_second,
                }),
            );
            let reset = budget
                .maximum
                .saturating_sub(charge.available)
                .div_ceil(budget.restore_per_second.max(1));
            let headers = &mut response.http_headers;
            headers.insert("ratelimit-limit", budget.maximum.into());
            headers.insert("ratelimit-remaining", charge.available.into());
            headers.insert("ratelimit-reset", reset.into());
        }
        response
            .extensions
            .insert("cost".to_owned(), async_graphql::Value::Object(cost));
    }
}

/// How a request ended, typed for the HTTP layer: it maps this to a status without reading the
/// error codes again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Refused before it ran (no `data`): 400 under `application/graphql-response+json`.
    pub not_run: bool,
    /// The database was out of reach: 503, retry in a second.
    pub unavailable: bool,
    /// A mutation or subscription sent with `GET`: 405, `Allow: POST`.
    pub wrong_method: bool,
    /// Over the caller's rate limit: 429, and the seconds after which to retry.
    pub retry_after: Option<u64>,
}

impl Verdict {
    /// The verdict on a finished response (its errors carry their codes).
    pub fn of(response: &Response) -> Self {
        let has = |wanted: ErrorCode| {
            response
                .errors
                .iter()
                .any(|e| ErrorCode::of(e) == Some(wanted))
        };
        Self {
            not_run: ErrorCode::refused_before_running(response),
            unavailable: has(ErrorCode::ServiceUnavailable),
            wrong_method: has(ErrorCode::MethodNotAllowed),
            retry_after: response.errors.iter().find_map(|e| {
                if ErrorCode::of(e) != Some(ErrorCode::Throttled) {
                    return None;
                }
                match e.extensions.as_ref()?.get("retryAfter")? {
                    async_graphql::Value::Number(n) => n.as_u64(),
                    _ => None,
                }
            }),
        }
    }

    /// The HTTP status: `strict` under `application/graphql-response+json` (a request that did
    /// not run is 400), else the legacy `application/json` (200).
    pub fn status(&self, strict: bool) -> http::StatusCode {
        if self.unavailable {
            http::StatusCode::SERVICE_UNAVAILABLE
        } else if self.wrong_method {
            http::StatusCode::METHOD_NOT_ALLOWED
        } else if self.retry_after.is_some() {
            http::StatusCode::TOO_MANY_REQUESTS
        } else if self.not_run && strict {
            http::StatusCode::BAD_REQUEST
        } else {
            http::StatusCode::OK
        }
    }
}

fn code_of(err: &ServerError) -> Option<&str> {
    err.extensions
        .as_ref()
        .and_then(|ext| ext.get("code"))
        .and_then(|v| match v {
            async_graphql::Value::String(s) => Some(s.as_str()),
            _ => None,
        })
}

/// Gives every error of a response its code, and logs the internal ones with the request id.
pub(super) fn finish(response: &mut Response, request_id: Option<&str>, limits: &SchemaLimits) {
    if response.errors.is_empty() {
        return;
    }
    let request_id = request_id.unwrap_or("-");
    // Errors of a document that never ran (validation, choosing the operation) have no path and
    // leave no data; a resolver's errors have the path of their field.
    let not_run = response.data == async_graphql::Value::Null;
    for err in &mut response.errors {
        let app_error = err
            .source
            .as_ref()
            .and_then(|s| s.downcast_ref::<AppError>());
        match app_error {
            Some(AppError::Internal(cause)) => {
                tracing::error!(request_id = %request_id, path = ?err.path, error = %cause, "internal error");
                err.extensions
                    .get_or_insert_with(Default::default)
                    .set("requestId", request_id);
            }
            Some(AppError::Unavailable(cause)) => {
                tracing::warn!(request_id = %request_id, path = ?err.path, error = %cause, "the database is unavailable");
                err.extensions
                    .get_or_insert_with(Default::default)
                    .set("requestId", request_id);
            }
            Some(_) => {}
            None if code_of(err).is_some() => {}
            None if not_run && err.path.is_empty() => request_error(err, limits),
            None if is_input_coercion(&err.message) => ErrorCode::BadUserInput.set_on(err),
            None => {
                tracing::error!(request_id = %request_id, path = ?err.path, error = %err.message, "internal error without a code");
                err.message = "internal error".to_owned();
                ErrorCode::Internal.set_on(err);
                err.extensions
                    .get_or_insert_with(Default::default)
                    .set("requestId", request_id);
            }
        }
    }
}

/// The code of an error async-graphql raised before running a document.
fn request_error(err: &mut ServerError, limits: &SchemaLimits) {
    match err.message.as_str() {
        "Query is nested too deep." => {
            err.message = format!(
                "the query is nested deeper than the limit of {} levels",
                limits.max_depth
            );
            ErrorCode::QueryTooDeep.set_on(err);
        }
        "Query is too complex." => {
            err.message = format!(
                "the query selects more than the limit of {} fields; ask for smaller pages or fewer fields",
                limits.max_complexity
            );
            ErrorCode::QueryTooComplex.set_on(err);
        }
        m if m.starts_with("The number of directives on the field") => {
            err.message = format!(
                "a field carries more than the {} directives allowed",
                limits.cost.max_directives_per_field
            );
            ErrorCode::QueryTooComplex.set_on(err);
        }
        // Found while the document is read, as before async-graphql validates it.
        m if m.starts_with("The recursion depth of the query") => {
            ErrorCode::GraphqlParseFailed.set_on(err);
        }
        _ => ErrorCode::GraphqlValidationFailed.set_on(err),
    }
}

/// async-graphql's messages for argument and variable values that do not fit their types.
fn is_input_coercion(message: &str) -> bool {
    message.starts_with("Failed to parse")
        || message.starts_with("Invalid value for argument")
        || message.starts_with("Variable")
        || message.contains("Invalid value")
        // A variable left out where an argument of a non-null type has a default: async-graphql
        // passes null rather than the default.
        || message.starts_with("Expected input type")
}
