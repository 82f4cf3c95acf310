//! Gives every error a stable `extensions.code`, and keeps internal causes out of responses.
//!
//! Errors from resolvers already carry a code (they went through [`AppError`]). Errors that
//! async-graphql raises itself get one here: `GRAPHQL_PARSE_FAILED` for documents that do not
//! parse, `GRAPHQL_VALIDATION_FAILED` for documents that do not fit the schema, `QUERY_TOO_DEEP` and
//! `QUERY_TOO_COMPLEX` for the limits, `BAD_USER_INPUT` for argument and variable values that do not
//! coerce. Internal errors are logged with the request id and shown only as `INTERNAL`.

use std::sync::Arc;

use async_graphql::{
    Response, ServerError, ServerResult, ValidationResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextSubscribe,
        NextValidation,
    },
    parser::types::ExecutableDocument,
};

use super::{SchemaLimits, context::RequestId};
use crate::error::AppError;

/// The extension factory: add it to the schema once.
pub struct ErrorCodes {
    limits: SchemaLimits,
}

impl ErrorCodes {
    /// An extension that reports the given limits in its messages.
    pub fn new(limits: SchemaLimits) -> Self {
        Self { limits }
    }
}

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension {
            limits: self.limits,
            cost: std::sync::Mutex::new(None),
            request_id: std::sync::Mutex::new(None),
        })
    }
}

struct ErrorCodesExtension {
    limits: SchemaLimits,
    /// The cost check, made while the parsed document is at hand and reported only once
    /// validation has passed (validation errors come first).
    cost: std::sync::Mutex<Option<ServerResult<u64>>>,
    /// The request id, read while the request's data is visible (the `request` hook runs before
    /// it is, so errors are given the id from here).
    request_id: std::sync::Mutex<Option<String>>,
}

fn code_of(err: &ServerError) -> Option<String> {
    err.extensions
        .as_ref()
        .and_then(|ext| ext.get("code"))
        .and_then(|v| match v {
            async_graphql::Value::String(s) => Some(s.clone()),
            _ => None,
        })
}

fn set_code(err: &mut ServerError, code: &str) {
    err.extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
}

#[async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if let (Some(id), Ok(mut slot)) = (ctx.data_opt::<RequestId>(), self.request_id.lock()) {
            *slot = Some(id.0.clone());
        }
        let limits = &self.limits.cost;
        // Tokens first, counted without parsing: a huge document is refused for little.
        let tokens = super::cost::count_tokens(query, limits.max_tokens);
        if tokens > limits.max_tokens {
            return Err(super::cost::refusal(
                format!(
                    "the document has more than the {} tokens allowed",
                    limits.max_tokens
                ),
                None,
                limits,
            ));
        }
        let doc = next.run(ctx, query, variables).await.map_err(|mut err| {
            set_code(&mut err, "GRAPHQL_PARSE_FAILED");
            err
        })?;
        let cost = super::cost::check(
            &ctx.schema_env.registry,
            &doc,
            variables,
            limits,
            ctx.data_opt::<super::cost::RequestCost>(),
        );
        if let Ok(mut slot) = self.cost.lock() {
            *slot = Some(cost);
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let validated = next.run(ctx).await;
        if validated.is_ok() {
            // A valid document: now what it would cost, before anything runs.
            if let Some(Err(refused)) = self.cost.lock().ok().and_then(|mut c| c.take()) {
                return Err(vec![refused]);
            }
        }
        validated.map_err(|errors| {
            errors
                .into_iter()
                .map(|mut err| {
                    match err.message.as_str() {
                        "Query is nested too deep." => {
                            err.message = format!(
                                "the query is nested deeper than the limit of {} levels",
                                self.limits.max_depth
                            );
                            set_code(&mut err, "QUERY_TOO_DEEP");
                        }
                        "Query is too complex." => {
                            err.message = format!(
                                "the query selects more than the limit of {} fields; ask for smaller pages or fewer fields",
                                self.limits.max_complexity
                            );
                            set_code(&mut err, "QUERY_TOO_COMPLEX");
                        }
                        m if m.starts_with("The number of directives on the field") => {
                            err.message = format!(
                                "a field carries more than the {} directives allowed",
                                self.limits.cost.max_directives_per_field
                            );
                            set_code(&mut err, "QUERY_TOO_COMPLEX");
                        }
                        _ => set_code(&mut err, "GRAPHQL_VALIDATION_FAILED"),
                    }
                    err
                })
                .collect()
        })
    }

    /// An operation over a WebSocket: within the socket's budget of operations at once.
    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: futures_util::stream::BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> futures_util::stream::BoxStream<'s, Response> {
        use futures_util::StreamExt;
        let Some(budget) = ctx.data_opt::<super::cost::OperationBudget>() else {
            return next.run(ctx, stream);
        };
        match budget.take() {
            Some(permit) => next
                .run(ctx, stream)
                .map(move |response| {
                    let _running = &permit;
                    response
                })
                .boxed(),
            None => {
                let mut err = ServerError::new(
                    format!(
                        "this socket runs {} operations already, the most allowed at once",
                        budget.most()
                    ),
                    None,
                );
                set_code(&mut err, "QUERY_TOO_COMPLEX");
                futures_util::stream::once(async move { Response::from_errors(vec![err]) }).boxed()
            }
        }
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        let request_id = self
            .request_id
            .lock()
            .ok()
            .and_then(|id| id.clone())
            .or_else(|| ctx.data_opt::<RequestId>().map(|r| r.0.clone()))
            .unwrap_or_else(|| "-".to_owned());
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
                        .set("requestId", request_id.as_str());
                }
                Some(AppError::Unavailable(cause)) => {
                    tracing::warn!(request_id = %request_id, path = ?err.path, error = %cause, "the database is unavailable");
                    err.extensions
                        .get_or_insert_with(Default::default)
                        .set("requestId", request_id.as_str());
                }
                Some(_) => {}
                None if code_of(err).is_some() => {}
                None if is_input_coercion(&err.message) => set_code(err, "BAD_USER_INPUT"),
                None => {
                    tracing::error!(request_id = %request_id, path = ?err.path, error = %err.message, "internal error without a code");
                    err.message = "internal error".to_owned();
                    set_code(err, "INTERNAL");
                    err.extensions
                        .get_or_insert_with(Default::default)
                        .set("requestId", request_id.as_str());
                }
            }
        }
        response
    }
}

/// async-graphql's messages for argument and variable values that do not fit their types.
fn is_input_coercion(message: &str) -> bool {
    message.starts_with("Failed to parse")
        || message.starts_with("Invalid value for argument")
        || message.starts_with("Variable")
        || message.contains("Invalid value")
}
