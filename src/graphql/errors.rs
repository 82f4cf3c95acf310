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

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{
    BatchRequest, BatchResponse, Data, Executor, Request, Response, Schema, ServerError,
    registry::Registry,
};
use futures_util::{FutureExt, StreamExt, stream::BoxStream};

use super::context::ClientAddress;
use super::federation::FederatedQuery;
use super::{
    MutationRoot, PublicQuery, SchemaLimits, SubscriptionRoot,
    cache::{Lookup, PublicCache, tags},
    context::RequestId,
    cost::{self, OperationBudget, RequestCost},
    documents::{self, Documents},
};
use crate::{
    auth::{Caller, policy},
    db::{self, Written},
    error::{AppError, ErrorCode},
    metrics::{Metrics, Outcome},
    throttle::{Budget, Charge, RateLimits},
};

/// The schema skillgraph serves: async-graphql's schema, and the steps around its execution.
#[derive(Clone)]
pub struct AppSchema {
    inner: Inner,
    /// The types and fields, for the cost check (async-graphql keeps its own private).
    registry: Arc<Registry>,
    limits: SchemaLimits,
    /// How requests may name their documents (APQ, trusted documents).
    documents: Documents,
    /// Each caller's budget of cost points, when limited.
    rate_limits: Option<RateLimits>,
    /// Answers to anonymous queries, when kept.
    cache: Option<PublicCache>,
    /// What this instance counts.
    metrics: Arc<Metrics>,
    /// How much of the pool one request, and all anonymous requests, may hold.
    gate: db::PoolGate,
}

/// async-graphql's schema: the public one, or the federation subgraph.
#[derive(Clone)]
enum Inner {
    Plain(Schema<PublicQuery, MutationRoot, SubscriptionRoot>),
    Federated(Schema<FederatedQuery, MutationRoot, SubscriptionRoot>),
}

impl Inner {
    async fn execute(&self, request: Request) -> Response {
        match self {
            Self::Plain(schema) => schema.execute(request).await,
            Self::Federated(schema) => schema.execute(request).await,
        }
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        match (self, session_data) {
            (Self::Plain(s), Some(data)) => s.execute_stream_with_session_data(request, data),
            (Self::Plain(s), None) => s.execute_stream(request),
            (Self::Federated(s), Some(data)) => s.execute_stream_with_session_data(request, data),
            (Self::Federated(s), None) => s.execute_stream(request),
        }
    }

    fn sdl(&self) -> String {
        let options = async_graphql::SDLExportOptions::new().include_specified_by();
        match self {
            Self::Plain(schema) => schema.sdl_with_options(options),
            Self::Federated(schema) => schema.sdl_with_options(options),
        }
    }
}

/// What a request cost and what its caller has left, for `extensions.cost`.
#[derive(Debug, Default)]
struct Spent {
    requested: Option<u64>,
    /// What the answer cost, walked after execution.
    actual: Option<u64>,
    /// The parsed document, kept for the walks after execution (async-graphql consumes its
    /// own).
    doc: Option<ExecutableDocument>,
    throttle: Option<(Charge, Budget)>,
    /// The kind of the operation that runs, once the document is known.
    operation: Option<OperationType>,
    /// Its name, from the document.
    operation_name: Option<String>,
    /// A persisted document to keep once it has been validated and run.
    keep: Option<documents::ToKeep>,
}

impl Spent {
    /// `extensions.cost`, and for HTTP the `RateLimit-Limit`, `RateLimit-Remaining` and
    /// `RateLimit-Reset` headers (seconds until the budget is full again).
    fn put_into(&self, response: &mut Response) {
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

/// Marks a request that may only read (`GET`): a mutation or subscription is refused with
/// `METHOD_NOT_ALLOWED`, also when its document came from the persisted-document store.
#[derive(Debug, Clone, Copy)]
pub struct QueriesOnly;

impl AppSchema {
    /// Wraps a built schema.
    pub(super) fn new(
        inner: Schema<PublicQuery, MutationRoot, SubscriptionRoot>,
        limits: SchemaLimits,
        gate: db::PoolGate,
    ) -> Self {
        Self::over(
            Inner::Plain(inner),
            super::walked::registry_of::<PublicQuery>(),
            limits,
            gate,
        )
    }

    /// Wraps a built subgraph schema (see [`super::federation`]).
    pub(super) fn federated(
        inner: Schema<FederatedQuery, MutationRoot, SubscriptionRoot>,
        limits: SchemaLimits,
        gate: db::PoolGate,
    ) -> Self {
        let mut registry = super::walked::registry_of::<FederatedQuery>();
        super::walked::add_entities_field(&mut registry);
        Self::over(Inner::Federated(inner), registry, limits, gate)
    }

    fn over(inner: Inner, registry: Registry, limits: SchemaLimits, gate: db::PoolGate) -> Self {
        Self {
            inner,
            gate,
            registry: Arc::new(registry),
            limits,
            documents: Documents::default(),
            rate_limits: None,
            cache: None,
            metrics: Arc::default(),
        }
    }

    /// The same schema keeping answers to anonymous queries in `cache`.
    pub fn with_public_cache(mut self, cache: PublicCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Executes a prepared request: from the public cache when it may be; a mutation, once it
    /// has run (and committed), bumps the cache's tags of what it wrote.
    async fn run(&self, request: Request, spent: &Spent) -> Response {
        let public = data_of::<Caller>(&request.data).is_none_or(|c| !policy::signed_in(&c.viewer));
        let Some(cache) = &self.cache else {
            return self.inner.execute(request).await;
        };
        let control = |response: &mut Response, value: &str| {
            if let Ok(value) = http::HeaderValue::from_str(value) {
                response
                    .http_headers
                    .insert(http::header::CACHE_CONTROL, value);
            }
        };
        let operation = spent.operation;
        if public && operation == Some(OperationType::Query) {
            let key = documents::sha256_hex(&format!(
                "{}\n{}\n{}",
                request.operation_name.as_deref().unwrap_or_default(),
                serde_json::to_string(&request.variables).unwrap_or_default(),
                request.query
            ));
            let max_age = format!("public, max-age={}", cache.ttl.as_secs());
            match cache.store.get(&key).await {
                Some(Lookup::Hit(data)) => {
                    self.metrics.cache_lookup(true);
                    let mut response = Response::new(Arc::unwrap_or_clone(data));
                    control(&mut response, &max_age);
                    response
                        .http_headers
                        .insert("x-cache", http::HeaderValue::from_static("hit"));
                    return response;
                }
                Some(Lookup::Miss { writes }) => {
                    self.metrics.cache_lookup(false);
                    let mut response = self.inner.execute(request).await;
                    if response.errors.is_empty()
                        && let Some(doc) = &spent.doc
                    {
                        let read = tags::read(&self.registry, doc, &response.data);
                        let data = Arc::new(response.data.clone());
                        cache.store.put(&key, writes, &read, data, cache.ttl).await;
                        control(&mut response, &max_age);
                        response
                            .http_headers
                            .insert("x-cache", http::HeaderValue::from_static("miss"));
                    }
                    return response;
                }
                None => {}
            }
        }
        let mutation = operation == Some(OperationType::Mutation);
        let mut response = if mutation {
            let (response, written) =
                db::recording_writes(Box::pin(self.inner.execute(request))).await;
            forget(cache, &written).await;
            response
        } else {
            self.inner.execute(request).await
        };
        if mutation || !public {
            control(&mut response, "private, no-store");
        }
        response
    }

    /// The same schema charging every request's cost to its caller's budget.
    pub fn with_rate_limits(mut self, rate_limits: RateLimits) -> Self {
        self.rate_limits = Some(rate_limits);
        self
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
        let started = std::time::Instant::now();
        let mut spent = Spent::default();
        // Boxed: the execution's state is large, and lives on the heap rather than in the
        // caller's future (a test's, or a connection's, stack).
        let (mut response, statements) = db::counting_statements(Box::pin(async {
            match self.prepare(&mut request, &mut spent).await {
                Ok(()) => {
                    // The request's share of the pool; an anonymous one also draws on the
                    // share all anonymous requests have together.
                    let share = self.gate.share(anonymous(&request.data));
                    db::sharing(share, self.run(request, &spent)).await
                }
                Err(refused) => Response::from_errors(vec![refused]),
            }
        }))
        .await;
        // Only for a document that ran (a refused one has no answer to count).
        if let (Some(doc), Some(kind), false) = (
            &spent.doc,
            spent.operation,
            matches!(response.data, async_graphql::Value::Null),
        ) {
            spent.actual = Some(cost::actual(&self.registry, doc, kind, &response.data));
        }
        finish(&mut response, request_id.as_deref(), &self.limits);
        self.keep_valid(&mut spent, &response).await;
        // After `finish`, which gives async-graphql's own errors their codes.
        self.metrics.request(
            spent.operation_name.as_deref(),
            kind_label(spent.operation),
            outcome_of(&response),
            started.elapsed().as_secs_f64(),
            spent.requested,
            statements,
        );
        spent.put_into(&mut response);
        response
    }

    /// Keeps the request's new persisted document, unless validation refused it (after
    /// `finish`, which gives async-graphql's validation errors their code): a document that
    /// does not validate is never stored, so the store holds only what ran.
    async fn keep_valid(&self, spent: &mut Spent, response: &Response) {
        if let Some(keep) = spent.keep.take() {
            keep.keep_if_ran(&self.documents, response).await;
        }
    }

    /// What this instance counts (for `/metrics`).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// How much of the pool requests may hold, and have held.
    pub fn pool_gate(&self) -> &db::PoolGate {
        &self.gate
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
        // The socket's budget is taken now, in the order operations arrive.
        let budget = session_data.as_deref().and_then(data_of::<OperationBudget>);
        let permit = budget.map(|budget| budget.take().ok_or(budget.most()));
        async move {
            let limits = this.limits;
            let request_id = data_of::<RequestId>(&request.data).map(|r| r.0.clone());
            let refuse = |err: ServerError, request_id: Option<&str>| {
                let mut response = Response::from_errors(vec![err]);
                finish(&mut response, request_id, &limits);
                futures_util::stream::once(async move { response }).boxed()
            };
            let permit = match permit {
                None => None,
                Some(Ok(permit)) => Some(permit),
                Some(Err(most)) => {
                    let err = ErrorCode::QueryTooComplex.error(format!(
                        "this socket runs {most} operations already, the most allowed at once"
                    ));
                    return refuse(err, request_id.as_deref());
                }
            };
            // Over a socket, the caller (from connection_init) and the peer's address are the
            // connection's: each operation is charged to them, as over HTTP, not to one
            // anonymous budget shared by every socket.
            if let Some(data) = session_data.as_deref() {
                if data_of::<Caller>(&request.data).is_none()
                    && let Some(caller) = data_of::<Caller>(data)
                {
                    request.data.insert(caller.clone());
                }
                if data_of::<ClientAddress>(&request.data).is_none()
                    && let Some(address) = data_of::<ClientAddress>(data)
                {
                    request.data.insert(*address);
                }
            }
            let mut spent = Spent::default();
            if let Err(refused) = this.prepare(&mut request, &mut spent).await {
                return refuse(refused, request_id.as_deref());
            }
            // The operation's share of the pool, as over HTTP.
            let share = this.gate.share(anonymous(&request.data));
            let stream = match session_data {
                Some(data) => this.inner.execute_stream(request, Some(data)),
                None => this.inner.execute_stream(request, None),
            };
            let stream = db::sharing_stream(share, stream).boxed();
            // A mutation over the socket bumps the public cache's tags too, before its answer is
            // sent: its one response is computed while its writes are recorded.
            let cache = this
                .cache
                .clone()
                .filter(|_| spent.operation == Some(OperationType::Mutation));
            let stream = match cache {
                Some(cache) => {
                    let mut stream = stream;
                    async move {
                        let (response, written) = db::recording_writes(stream.next()).await;
                        forget(&cache, &written).await;
                        response
                    }
                    .into_stream()
                    .filter_map(futures_util::future::ready)
                    .boxed()
                }
                None => stream,
            };
            let open = (spent.operation == Some(OperationType::Subscription))
                .then(|| this.metrics.subscription_opened());
            // A new persisted document is kept once its first answer shows it validated.
            let keep = std::sync::Mutex::new(spent.keep.take());
            let documents = this.documents.clone();
            stream
                .then(move |mut response| {
                    // Held while the operation runs.
                    let _running = (&permit, &open);
                    finish(&mut response, request_id.as_deref(), &limits);
                    let keep = keep.lock().ok().and_then(|mut k| k.take());
                    let documents = documents.clone();
                    async move {
                        if let Some(keep) = keep {
                            keep.keep_if_ran(&documents, &response).await;
                        }
                        response
                    }
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
    async fn prepare(&self, request: &mut Request, spent: &mut Spent) -> Result<(), ServerError> {
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
        if let Some((directive, pos)) = super::directives::unknown(&doc) {
            let mut err = ErrorCode::GraphqlValidationFailed
                .error(format!("Unknown directive \"@{directive}\"."));
            err.locations = vec![pos];
            return Err(err);
        }
        spent.doc = Some(doc.clone());
        if data_of::<QueriesOnly>(&request.data).is_some()
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
            data_of::<RequestCost>(&request.data),
        )?;
        spent.requested = Some(cost);
        if let Some(rate_limits) = &self.rate_limits {
            self.charge(rate_limits, request, cost, spent).await?;
        }
        // Kept only once it has been validated and run (see `keep_valid`).
        spent.keep = Some(keep);
        request.set_parsed_query(doc);
        Ok(())
    }
}

/// Whether a request's caller is anonymous (no caller, or one not signed in).
fn anonymous(data: &Data) -> bool {
    !data_of::<Caller>(data).is_some_and(|caller| policy::signed_in(&caller.viewer))
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

/// Bumps the cache's tags of what a mutation wrote (nothing, when it wrote nothing).
async fn forget(cache: &PublicCache, written: &[Written]) {
    let bumped = tags::written(written);
    if !bumped.is_empty() {
        cache.store.invalidate(&bumped).await;
    }
}

impl AppSchema {
    /// Charges `cost` to the caller's budget: the token's subject, or the client's address
    /// without a token. Refused: `THROTTLED`, with when to retry.
    async fn charge(
        &self,
        rate_limits: &RateLimits,
        request: &Request,
        cost: u64,
        spent: &mut Spent,
    ) -> Result<(), ServerError> {
        let caller = data_of::<Caller>(&request.data);
        let (key, budget) = match caller {
            Some(caller) if policy::signed_in(&caller.viewer) => (
                format!("sub:{}", caller.viewer.subject),
                rate_limits
                    .by_role
                    .get(&caller.viewer.role())
                    .copied()
                    .unwrap_or(rate_limits.authenticated),
            ),
            _ => (
                match data_of::<ClientAddress>(&request.data) {
                    Some(address) => format!("ip:{}", address.0),
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
}
