//! Reporting: what a request did, counted for `/metrics` (`crate::metrics`) by operation, kind
//! and outcome, with its duration, its cost and its statements.

use async_graphql::{Response, parser::types::OperationType};

use super::{AppSchema, admit::Spent};
use crate::{error::ErrorCode, metrics::Outcome};

impl AppSchema {
    /// Counts a finished request (after `finish`, which gives async-graphql's own errors their
    /// codes); `statements` where they were counted (not over a socket, whose operations share
    /// the connection's task).
    pub(super) fn report(
        &self,
        spent: &Spent,
        response: &Response,
        seconds: f64,
        statements: Option<u64>,
    ) {
        self.metrics.request(
            spent.operation_name.as_deref(),
            kind_label(spent.operation),
            outcome_of(response),
            seconds,
            spent.requested,
            statements,
        );
    }
}

/// The `kind` label of an operation.
fn kind_label(operation: Option<OperationType>) -> &'static str {
    match operation {
        Some(OperationType::Query) => "query",
        Some(OperationType::Mutation) => "mutation",
        Some(OperationType::Subscription) => "subscription",
        None => "unknown",
    }
}

/// How a request ended, from its errors' codes.
fn outcome_of(response: &Response) -> Outcome {
    if response.errors.is_empty() {
        Outcome::Ok
    } else if response
        .errors
        .iter()
        .any(|e| ErrorCode::of(e) == Some(ErrorCode::Throttled))
    {
        Outcome::Throttled
    } else if ErrorCode::refused_before_running(response) {
        Outcome::Refused
    } else {
        Outcome::Error
    }
}
