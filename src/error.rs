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

use std::{fmt, sync::Arc};

use async_graphql::ErrorExtensionValues;

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
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "NOT_FOUND",
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Validation { .. } => "BAD_USER_INPUT",
            Self::Conflict(_) => "CONFLICT",
            Self::Unavailable(_) => "SERVICE_UNAVAILABLE",
            Self::Internal(_) => "INTERNAL",
        }
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
    if let AppError::Validation { field, .. } = &*err {
        extensions.set("field", field.as_str());
    }
    async_graphql::Error {
        message: err.to_string(),
        source: Some(err),
        extensions: Some(extensions),
    }
}
