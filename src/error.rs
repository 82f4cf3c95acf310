//! The one error type of skillgraph, and how it reaches a client.
//!
//! Domain functions return [`AppError`]; resolvers pass it on with `?`. The crate builds
//! async-graphql with `custom-error-conversion`, so no other error type converts into a GraphQL
//! error by accident: everything a client sees went through [`AppError`] and carries a stable
//! `extensions.code`.
//!
//! | variant | `extensions.code` | HTTP-ish meaning |
//! |---|---|---|
//! | [`AppError::NotFound`] | `NOT_FOUND` | the thing named does not exist (or is not visible to the caller) |
//! | [`AppError::Unauthenticated`] | `UNAUTHENTICATED` | a token is missing where one is required, or was refused |
//! | [`AppError::Forbidden`] | `FORBIDDEN` | the caller is known but may not do this |
//! | [`AppError::Validation`] | `BAD_USER_INPUT` | an input value is wrong; `extensions.field` names it |
//! | [`AppError::Conflict`] | `CONFLICT` | the input is fine but clashes with stored state |
//! | [`AppError::Unavailable`] | `SERVICE_UNAVAILABLE` | the database cannot be reached or did not answer in time: HTTP 503 with `Retry-After` |
//! | [`AppError::Internal`] | `INTERNAL` | anything else: logged with the request id, never shown |
//!
//! [`ErrorCode`] lists every code, these and the ones the request path raises before a resolver
//! runs (parse, validation, limits, persisted documents, rate limits, HTTP).

use std::{fmt, sync::Arc};

use async_graphql::ErrorExtensionValues;

/// Every `extensions.code` a client can meet: the one list, so a code is never a stray string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `BAD_USER_INPUT`: an input value is wrong; `extensions.field` names it.
    BadUserInput,
    /// `NOT_FOUND`: the thing named does not exist (or is not visible to the caller).
    NotFound,
    /// `UNAUTHENTICATED`: a token is missing where one is required, or was refused.
    Unauthenticated,
    /// `FORBIDDEN`: the caller is known but may not do this.
    Forbidden,
    /// `CONFLICT`: the input is fine but clashes with stored state.
    Conflict,
    /// `SERVICE_UNAVAILABLE`: the database cannot be reached or did not answer in time (HTTP 503, `Retry-After`).
    ServiceUnavailable,
    /// `INTERNAL`: anything else: logged with the request id, never shown.
    Internal,
    /// `GRAPHQL_PARSE_FAILED`: the document does not parse.
    GraphqlParseFailed,
    /// `GRAPHQL_VALIDATION_FAILED`: the document does not fit the schema.
    GraphqlValidationFailed,
    /// `QUERY_TOO_DEEP`: the document is nested deeper than allowed.
    QueryTooDeep,
    /// `QUERY_TOO_COMPLEX`: the document costs, selects or holds more than allowed.
    QueryTooComplex,
    /// `BAD_REQUEST`: the HTTP request is not a GraphQL request this server reads.
    BadRequest,
    /// `PERSISTED_QUERY_NOT_FOUND`: a persisted-query hash the server does not know: send the document with it.
    PersistedQueryNotFound,
    /// `PERSISTED_QUERY_HASH_MISMATCH`: a persisted-query hash that is not the document's.
    PersistedQueryHashMismatch,
    /// `TRUSTED_DOCUMENT_REQUIRED`: a document outside the trusted documents.
    TrustedDocumentRequired,
    /// `METHOD_NOT_ALLOWED`: a mutation or subscription sent with GET (HTTP 405).
    MethodNotAllowed,
    /// `THROTTLED`: over the caller's rate limit (HTTP 429, `Retry-After`).
    Throttled,
    /// `UNSUPPORTED_MEDIA_TYPE`: a POST body that is not `application/json` (HTTP 415).
    UnsupportedMediaType,
    /// `PAYLOAD_TOO_LARGE`: a body over the limit (HTTP 413).
    PayloadTooLarge,
    /// `NOT_ACCEPTABLE`: an `Accept` the server cannot answer (HTTP 406).
    NotAcceptable,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [Self; 20] = [
        Self::BadUserInput,
        Self::NotFound,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::Conflict,
        Self::ServiceUnavailable,
        Self::Internal,
        Self::GraphqlParseFailed,
        Self::GraphqlValidationFailed,
        Self::QueryTooDeep,
        Self::QueryTooComplex,
        Self::BadRequest,
        Self::PersistedQueryNotFound,
        Self::PersistedQueryHashMismatch,
        Self::TrustedDocumentRequired,
        Self::MethodNotAllowed,
        Self::Throttled,
        Self::UnsupportedMediaType,
        Self::PayloadTooLarge,
        Self::NotAcceptable,
    ];

    /// The code as clients read it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::NotFound => "NOT_FOUND",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::Conflict => "CONFLICT",
            Self::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            Self::Internal => "INTERNAL",
            Self::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            Self::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            Self::QueryTooDeep => "QUERY_TOO_DEEP",
            Self::QueryTooComplex => "QUERY_TOO_COMPLEX",
            Self::BadRequest => "BAD_REQUEST",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::PersistedQueryHashMismatch => "PERSISTED_QUERY_HASH_MISMATCH",
            Self::TrustedDocumentRequired => "TRUSTED_DOCUMENT_REQUIRED",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::Throttled => "THROTTLED",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::NotAcceptable => "NOT_ACCEPTABLE",
        }
    }

    /// Gives `err` this code.
    pub fn set_on(self, err: &mut async_graphql::ServerError) {
        err.extensions
            .get_or_insert_with(Default::default)
            .set("code", self.as_str());
    }

    /// An error raised before any resolver runs, with this code.
    pub fn error(self, message: impl Into<String>) -> async_graphql::ServerError {
        let mut err = async_graphql::ServerError::new(message, None);
        self.set_on(&mut err);
        err
    }

    /// The code of a string a response carries.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// The code an error carries in `extensions.code`, if it is one of ours.
    pub fn of(error: &async_graphql::ServerError) -> Option<Self> {
        match error.extensions.as_ref()?.get("code")? {
            async_graphql::Value::String(code) => Self::parse(code),
            _ => None,
        }
    }

    /// Whether `response` was refused before anything ran: no data, and only request errors.
    pub fn refused_before_running(response: &async_graphql::Response) -> bool {
        response.data == async_graphql::Value::Null
            && !response.errors.is_empty()
            && response
                .errors
                .iter()
                .all(|e| Self::of(e).is_some_and(Self::is_request_error))
    }

    /// Whether an error with this code means the document never ran (the response then has no
    /// `data`, and HTTP answers 400).
    pub const fn is_request_error(self) -> bool {
        matches!(
            self,
            Self::GraphqlParseFailed
                | Self::GraphqlValidationFailed
                | Self::QueryTooDeep
                | Self::QueryTooComplex
                | Self::BadRequest
                | Self::PersistedQueryNotFound
                | Self::PersistedQueryHashMismatch
                | Self::TrustedDocumentRequired
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A boxed error that caused an internal failure.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Every failure a request can meet.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The named thing does not exist. Maps to `NOT_FOUND`.
    #[error("{0} not found")]
    NotFound(String),
    /// Authentication is required or the credentials were refused. Maps to `UNAUTHENTICATED`.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller may not do this. Maps to `FORBIDDEN`.
    #[error("{0}")]
    Forbidden(String),
    /// An input value is invalid. Maps to `BAD_USER_INPUT` with `extensions.field`.
    #[error("{field}: {message}")]
    Validation {
        /// The input path of the bad value, such as `filter.region` or `first`.
        field: String,
        /// What is wrong with it, for a person to read.
        message: String,
    },
    /// Over a budget of attempts (certificate verification by address or by number). Maps to
    /// `THROTTLED` with `extensions.retryAfter`, in seconds.
    #[error("{message}")]
    Throttled {
        /// What was over which budget, for a person to read.
        message: String,
        /// Seconds until an attempt is available again.
        retry_after: u64,
    },
    /// The request clashes with the stored state (a duplicate, a stale version). Maps to `CONFLICT`.
    #[error("{0}")]
    Conflict(String),
    /// The database cannot be reached, or a statement ran out of time. Maps to
    /// `SERVICE_UNAVAILABLE`; the cause is logged, never shown.
    #[error("the database is unavailable; try again shortly")]
    Unavailable(#[source] BoxError),
    /// Something failed inside the server. Maps to `INTERNAL`; the cause is logged, never shown.
    #[error("internal error")]
    Internal(#[source] BoxError),
}

/// Shorthand for results in skillgraph.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A validation error for `field`.
    pub fn validation(field: impl Into<String>, message: impl fmt::Display) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.to_string(),
        }
    }

    /// A not-found error for the described thing (`alliance "zj-eyewear"`).
    pub fn not_found(what: impl fmt::Display) -> Self {
        Self::NotFound(what.to_string())
    }

    /// An internal error from any cause.
    pub fn internal(cause: impl Into<BoxError>) -> Self {
        Self::Internal(cause.into())
    }

    /// The stable `extensions.code` of this error.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::Validation { .. } => ErrorCode::BadUserInput,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::Throttled { .. } => ErrorCode::Throttled,
            Self::Unavailable(_) => ErrorCode::ServiceUnavailable,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// [`Self::error_code`] as clients read it.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        if is_unavailable(&err) {
            Self::Unavailable(err.into())
        } else {
            Self::internal(err)
        }
    }
}

/// Whether a database error means the database is out of reach or out of time (so the request
/// may succeed when retried), rather than a fault of the request or the server.
pub fn is_unavailable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, sqlx::Error};
    let sqlx = match err {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        DbErr::Conn(_) => return true,
        _ => return false,
    };
    match sqlx.as_ref() {
        Error::Io(_) | Error::PoolTimedOut | Error::PoolClosed | Error::WorkerCrashed => true,
        Error::Tls(_) | Error::Protocol(_) => true,
        // PostgreSQL: the statement timed out or the server is shutting down; SQLite: still busy
        // or locked after the busy timeout.
        Error::Database(db) => matches!(
            db.code().as_deref(),
            Some("57014" | "57P01" | "57P02" | "57P03" | "53300" | "5" | "6")
        ),
        _ => false,
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        to_graphql_error(Arc::new(err))
    }
}

/// The GraphQL form of an error: its message, `extensions.code`, `extensions.field` for validation
/// errors, and the error itself as `source`, where the schema's error extension finds internal
/// causes to log. The client reads only "internal error" for those.
pub fn to_graphql_error(err: Arc<AppError>) -> async_graphql::Error {
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", err.code());
    match &*err {
        AppError::Validation { field, .. } => extensions.set("field", field.as_str()),
        AppError::Throttled { retry_after, .. } => extensions.set("retryAfter", *retry_after),
        _ => {}
    }
    async_graphql::Error {
        message: err.to_string(),
        source: Some(err),
        extensions: Some(extensions),
    }
}

#[cfg(test)]
mod code_tests {
    use super::ErrorCode;

    #[test]
    fn every_code_reads_back_and_is_screaming_snake_case() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
            assert!(
                code.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b == b'_')
            );
        }
        assert_eq!(ErrorCode::parse("nonsense"), None);
    }
}
