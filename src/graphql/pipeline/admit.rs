//! Admission: whether a request runs at all. Each step refuses with a code before anything is
//! read from the database: the persisted or trusted document (`documents.rs`), its bytes and
//! tokens counted before parsing, one parse, the method (`GET` reads only), what it would cost
//! (`cost.rs`), and the caller's budget of cost points (`crate::throttle`).

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Request, ServerError};

use super::{AppSchema, RequestMeta};
use crate::{
    auth::policy,
    error::ErrorCode,
    graphql::{
        cost,
        documents::{self},
    },
    throttle::{Budget, Charge, RateLimits},
};

/// What a request cost and what its caller has left, for `extensions.cost`.
#[derive(Debug, Default)]
pub(super) struct Spent {
    pub(super) requested: Option<u64>,
    /// What the answer cost, walked after execution.
    pub(super) actual: Option<u64>,
    /// The parsed document, kept for the walks after execution (async-graphql consumes its
    /// own).
    pub(super) doc: Option<ExecutableDocument>,
    pub(super) throttle: Option<(Charge, Budget)>,
    /// The kind of the operation that runs, once the document is known.
    pub(super) operation: Option<OperationType>,
    /// Its name, from the document.
    pub(super) operation_name: Option<String>,
    /// A persisted document to keep once it has been validated and run.
    pub(super) keep: Option<documents::ToKeep>,
}

impl AppSchema {
    /// Admission, the steps before async-graphql's own: the persisted or trusted document,
    /// bytes and tokens, parsing, the method, cost, the caller's budget. The document is parsed
    /// once and handed on parsed.
    pub(super) async fn admit(
        &self,
        request: &mut Request,
        meta: &RequestMeta,
        spent: &mut Spent,
    ) -> Result<(), ServerError> {
        let keep = documents::resolve(&self.documents, request).await?;
        let limits = &self.limits.cost;
        // Bytes, then tokens counted without parsing: a huge document (a megabyte of comment
        // has few tokens) is refused for little, and never kept.
        if request.query.len() > limits.max_document_bytes {
            return Err(cost::refusal(
                format!(
                    "the document has {} bytes, more than the {} allowed",
                    request.query.len(),
                    limits.max_document_bytes
                ),
                None,
                limits,
            ));
        }
        let tokens = cost::count_tokens(&request.query, limits.max_tokens);
        if tokens > limits.max_tokens {
            return Err(cost::refusal(
                format!(
                    "the document has more than the {} tokens allowed",
                    limits.max_tokens
                ),
                None,
                limits,
            ));
        }
        let doc = async_graphql::parser::parse_query(&request.query).map_err(|err| {
            let mut err = ServerError::from(err);
            ErrorCode::GraphqlParseFailed.set_on(&mut err);
            err
        })?;
        let (operation, name) = match (&doc.operations, request.operation_name.as_deref()) {
            (DocumentOperations::Single(op), _) => (Some(op.node.ty), None),
            (DocumentOperations::Multiple(ops), Some(name)) => {
                (ops.get(name).map(|op| op.node.ty), Some(name.to_owned()))
            }
            (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
                ops.iter().next().map_or((None, None), |(name, op)| {
                    (Some(op.node.ty), Some(name.to_string()))
                })
            }
            (DocumentOperations::Multiple(_), None) => (None, None),
        };
        spent.operation_name = name;
        spent.operation = operation;
        if let Some((directive, pos)) = super::super::directives::unknown(&doc) {
            let mut err = ErrorCode::GraphqlValidationFailed
                .error(format!("Unknown directive \"@{directive}\"."));
            err.locations = vec![pos];
            return Err(err);
        }
        spent.doc = Some(doc.clone());
        if meta.queries_only
            && matches!(
                operation,
                Some(OperationType::Mutation | OperationType::Subscription)
            )
        {
            return Err(ErrorCode::MethodNotAllowed
                .error("only queries may be sent with GET; send mutations with POST"));
        }
        let cost = cost::check(
            &self.registry,
            &doc,
            &request.variables,
            limits,
            meta.cost.as_ref(),
        )?;
        spent.requested = Some(cost);
        if let Some(rate_limits) = &self.rate_limits {
            self.charge(rate_limits, meta, cost, spent).await?;
        }
        // Kept only once it has been validated and run (see `keep_valid`).
        spent.keep = Some(keep);
        request.set_parsed_query(doc);
        Ok(())
    }

    /// Charges `cost` to the caller's budget: the token's subject, or the client's address
    /// without a token. Refused: `THROTTLED`, with when to retry.
    async fn charge(
        &self,
        rate_limits: &RateLimits,
        meta: &RequestMeta,
        cost: u64,
        spent: &mut Spent,
    ) -> Result<(), ServerError> {
        let (key, budget) = match &meta.caller {
            Some(caller) if policy::signed_in(&caller.viewer) => (
                format!("sub:{}", caller.viewer.subject),
                rate_limits
                    .by_role
                    .get(&caller.viewer.role())
                    .copied()
                    .unwrap_or(rate_limits.authenticated),
            ),
            _ => (
                match meta.peer {
                    Some(address) => format!("ip:{address}"),
                    None => "anonymous".to_owned(),
                },
                rate_limits.anonymous,
            ),
        };
        if budget.restore_per_second == 0 {
            return Ok(());
        }
        let charge = match rate_limits.limiter.charge(&key, cost, budget).await {
            Ok(charge) => charge,
            Err(cause) if rate_limits.fail_closed => {
                tracing::warn!(error = %cause, "the rate-limit store is out of reach; refusing (fail closed)");
                return Err(throttled(
                    "the rate limit cannot be checked just now; retry in a second".to_owned(),
                    1,
                ));
            }
            Err(cause) => {
                tracing::warn!(error = %cause, "the rate-limit store is out of reach; letting the request run (fail open)");
                return Ok(());
            }
        };
        spent.throttle = Some((charge, budget));
        if charge.allowed {
            return Ok(());
        }
        let retry = charge.retry_after.as_secs_f64().ceil().max(1.0) as u64;
        Err(throttled(
            format!(
                "over the rate limit: this request costs {cost} points and {} of {} are available, restored at {} a second; retry in {retry} s",
                charge.available, budget.maximum, budget.restore_per_second
            ),
            retry,
        ))
    }
}

/// `THROTTLED`, and the seconds after which to retry.
fn throttled(message: String, retry_after: u64) -> ServerError {
    let mut err = ErrorCode::Throttled.error(message);
    err.extensions
        .get_or_insert_with(Default::default)
        .set("retryAfter", retry_after);
    err
}
