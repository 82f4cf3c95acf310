//! How a request runs, and how its errors leave: every error gets a stable `extensions.code`, and
//! internal causes stay out of responses.
//!
//! [`AppSchema`] wraps async-graphql's schema instead of adding an extension to it: with any
//! extension registered, async-graphql looks every resolved field up in its registry and runs it
//! through the extension chain, work no field needs. Here the steps come before and after
//! execution:
//! - before: the document's tokens are counted without parsing (a huge document is refused for
//!   little), it is parsed once (`GRAPHQL_PARSE_FAILED`), and what it would cost is checked
//!   (`QUERY_TOO_COMPLEX`, see [`super::cost`]); then async-graphql validates and executes it;
//! - after: errors async-graphql raised itself get a code: `GRAPHQL_VALIDATION_FAILED` for
//!   documents that do not fit the schema (request errors: no path), `QUERY_TOO_DEEP` and
//!   `QUERY_TOO_COMPLEX` for the limits, `BAD_USER_INPUT` for argument values that do not coerce.
//!   Errors from resolvers already carry a code (they went through [`AppError`]); internal errors
//!   are logged with the request id and shown only as `INTERNAL`.
//!
//! Over a WebSocket the same happens per operation, within the socket's budget of operations
//! running at once.

use std::{any::TypeId, sync::Arc};

use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{
    BatchRequest, BatchResponse, Data, Executor, Request, Response, Schema, ServerError,
    SubscriptionType, registry::Registry,
};
use futures_util::{FutureExt, StreamExt, stream::BoxStream};

use super::{
    MutationRoot, QueryRoot, SchemaLimits, SubscriptionRoot,
    context::RequestId,
    cost::{self, OperationBudget, RequestCost},
    documents::{self, Documents},
};
use crate::error::AppError;

/// The schema skillgraph serves: async-graphql's schema, and the steps around its execution.
#[derive(Clone)]
pub struct AppSchema {
    inner: Schema<QueryRoot, MutationRoot, SubscriptionRoot>,
    /// The types and fields, for the cost check (async-graphql keeps its own private).
    registry: Arc<Registry>,
    limits: SchemaLimits,
    /// How requests may name their documents (APQ, trusted documents).
    documents: Documents,
}

/// Marks a request that may only read (`GET`): a mutation or subscription is refused with
/// `METHOD_NOT_ALLOWED`, also when its document came from the persisted-document store.
#[derive(Debug, Clone, Copy)]
pub struct QueriesOnly;

impl AppSchema {
    /// Wraps a built schema.
    pub(super) fn new(
        inner: Schema<QueryRoot, MutationRoot, SubscriptionRoot>,
        limits: SchemaLimits,
    ) -> Self {
        let mut registry = Registry::default();
        <QueryRoot as async_graphql::OutputType>::create_type_info(&mut registry);
        <MutationRoot as async_graphql::OutputType>::create_type_info(&mut registry);
        <SubscriptionRoot as SubscriptionType>::create_type_info(&mut registry);
        registry.query_type = <QueryRoot as async_graphql::OutputType>::type_name().into_owned();
        registry.mutation_type =
            Some(<MutationRoot as async_graphql::OutputType>::type_name().into_owned());
        registry.subscription_type =
            Some(<SubscriptionRoot as SubscriptionType>::type_name().into_owned());
        Self {
            inner,
            registry: Arc::new(registry),
            limits,
            documents: Documents::default(),
        }
    }

    /// The same schema with its persisted documents kept in `documents`.
    pub fn with_documents(mut self, documents: Documents) -> Self {
        self.documents = documents;
        self
    }

    /// Runs one query or mutation.
    pub async fn execute(&self, request: impl Into<Request>) -> Response {
        let mut request = request.into();
        let request_id = data_of::<RequestId>(&request.data).map(|r| r.0.clone());
        let mut response = match self.prepare(&mut request).await {
            Ok(()) => self.inner.execute(request).await,
            Err(refused) => Response::from_errors(vec![refused]),
        };
        finish(&mut response, request_id.as_deref(), &self.limits);
        response
    }

    /// Runs one operation as a stream of responses (a subscription; a query or mutation gives
    /// one), with the data of its WebSocket connection.
    pub fn execute_stream_with_session_data(
        &self,
        request: impl Into<Request>,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let mut request = request.into();
        let this = self.clone();
        async move {
            let limits = this.limits;
            let request_id = data_of::<RequestId>(&request.data).map(|r| r.0.clone());
            let refuse = |err: ServerError, request_id: Option<&str>| {
                let mut response = Response::from_errors(vec![err]);
                finish(&mut response, request_id, &limits);
                futures_util::stream::once(async move { response }).boxed()
            };
            if let Err(refused) = this.prepare(&mut request).await {
                return refuse(refused, request_id.as_deref());
            }
            let budget = session_data.as_deref().and_then(data_of::<OperationBudget>);
            let permit = match budget {
                None => None,
                Some(budget) => match budget.take() {
                    Some(permit) => Some(permit),
                    None => {
                        let mut err = ServerError::new(
                            format!(
                                "this socket runs {} operations already, the most allowed at once",
                                budget.most()
                            ),
                            None,
                        );
                        set_code(&mut err, "QUERY_TOO_COMPLEX");
                        return refuse(err, request_id.as_deref());
                    }
                },
            };
            let stream = match session_data {
                Some(data) => this.inner.execute_stream_with_session_data(request, data),
                None => this.inner.execute_stream(request),
            };
            stream
                .map(move |mut response| {
                    // Held while the operation runs.
                    let _running = &permit;
                    finish(&mut response, request_id.as_deref(), &limits);
                    response
                })
                .boxed()
        }
        .flatten_stream()
        .boxed()
    }

    /// Runs one operation as a stream of responses.
    pub fn execute_stream(&self, request: impl Into<Request>) -> BoxStream<'static, Response> {
        self.execute_stream_with_session_data(request, None)
    }

    /// The schema's SDL.
    pub fn sdl(&self) -> String {
        self.inner.sdl()
    }

    /// The steps before async-graphql's own: the persisted or trusted document, tokens,
    /// parsing, the method, cost. The document is parsed once and handed on parsed.
    async fn prepare(&self, request: &mut Request) -> Result<(), ServerError> {
        let keep = documents::resolve(&self.documents, request).await?;
        let limits = &self.limits.cost;
        // Tokens first, counted without parsing: a huge document is refused for little.
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
            set_code(&mut err, "GRAPHQL_PARSE_FAILED");
            err
        })?;
        if data_of::<QueriesOnly>(&request.data).is_some() {
            let operation = match (&doc.operations, request.operation_name.as_deref()) {
                (DocumentOperations::Single(op), _) => Some(op.node.ty),
                (DocumentOperations::Multiple(ops), Some(name)) => {
                    ops.get(name).map(|op| op.node.ty)
                }
                (DocumentOperations::Multiple(_), None) => None,
            };
            if matches!(
                operation,
                Some(OperationType::Mutation | OperationType::Subscription)
            ) {
                let mut err = ServerError::new(
                    "only queries may be sent with GET; send mutations with POST",
                    None,
                );
                set_code(&mut err, "METHOD_NOT_ALLOWED");
                return Err(err);
            }
        }
        cost::check(
            &self.registry,
            &doc,
            &request.variables,
            limits,
            data_of::<RequestCost>(&request.data),
        )?;
        // Kept only once it parsed and is within the limits.
        keep.keep(&self.documents).await;
        request.set_parsed_query(doc);
        Ok(())
    }
}

impl Executor for AppSchema {
    async fn execute(&self, request: Request) -> Response {
        AppSchema::execute(self, request).await
    }

    async fn execute_batch(&self, batch: BatchRequest) -> BatchResponse {
        match batch {
            BatchRequest::Single(request) => BatchResponse::Single(self.execute(request).await),
            BatchRequest::Batch(requests) => BatchResponse::Batch(
                futures_util::future::join_all(requests.into_iter().map(|r| self.execute(r))).await,
            ),
        }
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        self.execute_stream_with_session_data(request, session_data)
    }
}

/// A value a request or connection carries.
fn data_of<T: std::any::Any>(data: &Data) -> Option<&T> {
    data.get(&TypeId::of::<T>())
        .and_then(|value| value.downcast_ref::<T>())
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

fn set_code(err: &mut ServerError, code: &str) {
    err.extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
}

/// Gives every error of a response its code, and logs the internal ones with the request id.
fn finish(response: &mut Response, request_id: Option<&str>, limits: &SchemaLimits) {
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
            None if is_input_coercion(&err.message) => set_code(err, "BAD_USER_INPUT"),
            None => {
                tracing::error!(request_id = %request_id, path = ?err.path, error = %err.message, "internal error without a code");
                err.message = "internal error".to_owned();
                set_code(err, "INTERNAL");
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
            set_code(err, "QUERY_TOO_DEEP");
        }
        "Query is too complex." => {
            err.message = format!(
                "the query selects more than the limit of {} fields; ask for smaller pages or fewer fields",
                limits.max_complexity
            );
            set_code(err, "QUERY_TOO_COMPLEX");
        }
        m if m.starts_with("The number of directives on the field") => {
            err.message = format!(
                "a field carries more than the {} directives allowed",
                limits.cost.max_directives_per_field
            );
            set_code(err, "QUERY_TOO_COMPLEX");
        }
        // Found while the document is read, as before async-graphql validates it.
        m if m.starts_with("The recursion depth of the query") => {
            set_code(err, "GRAPHQL_PARSE_FAILED");
        }
        _ => set_code(err, "GRAPHQL_VALIDATION_FAILED"),
    }
}

/// async-graphql's messages for argument and variable values that do not fit their types.
fn is_input_coercion(message: &str) -> bool {
    message.starts_with("Failed to parse")
        || message.starts_with("Invalid value for argument")
        || message.starts_with("Variable")
        || message.contains("Invalid value")
}
