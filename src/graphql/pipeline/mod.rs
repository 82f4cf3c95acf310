//! The request pipeline: every query, mutation and subscription, over HTTP, over a WebSocket
//! or in-process, walks the same stages, each a file of its own with typed hand-offs:
//!
//! 1. [`request`]: a [`RequestMeta`] (caller, peer, request id, method, cost meter), read once;
//! 2. [`admit`]: documents, bytes and tokens, parse, method, cost, the caller's budget — a
//!    refusal has a code and no `data`;
//! 3. [`serve`]: the public cache, or execution within the request's share of the pool; a
//!    mutation's writes forget what the cache kept;
//! 4. [`finish`]: every error's code, internal errors logged with the request id, the actual
//!    cost, and the [`Verdict`] the HTTP layer turns into a status;
//! 5. [`report`]: the request counted for `/metrics`.
//!
//! [`AppSchema`] wraps async-graphql's schema instead of adding an extension to it: with any
//! extension registered, async-graphql looks every resolved field up in its registry and runs it
//! through the extension chain, work no field needs. Here the stages come before and after
//! execution. Over a WebSocket the same stages run per operation, within the socket's budget of
//! operations running at once.

mod admit;
mod finish;
mod report;
mod request;
mod serve;

use std::sync::Arc;

use async_graphql::parser::types::OperationType;
use async_graphql::{
    BatchRequest, BatchResponse, Data, Executor, Request, Response, Schema, ServerError,
    registry::Registry,
};
use futures_util::{FutureExt, StreamExt, stream::BoxStream};

use self::{admit::Spent, finish::finish, request::data_of};
pub use self::{
    finish::Verdict,
    request::{QueriesOnly, RequestMeta},
};
use super::federation::FederatedQuery;
use super::{
    MutationRoot, PublicQuery, SchemaLimits, SubscriptionRoot,
    cache::PublicCache,
    cost::{self, OperationBudget},
    documents::Documents,
};
use crate::{
    db,
    error::ErrorCode,
    metrics::Metrics,
    throttle::{Pace, RateLimits, VerificationBudgets},
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
    /// The budgets of certificate verification (always on; the rate limiter's store when there
    /// is one), handed to the resolvers in each request's data.
    verification: VerificationBudgets,
    /// Answers to anonymous queries, when kept.
    cache: Option<PublicCache>,
    /// What this instance counts.
    metrics: Arc<Metrics>,
    /// How much of the pool one request, and all anonymous requests, may hold.
    gate: db::PoolGate,
    /// Signs the credentials people carry, when a credential key is configured; handed to the
    /// resolvers in each request's data.
    credentials: Option<Arc<crate::domain::kernel::credentials::CredentialIssuer>>,
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
            verification: VerificationBudgets::in_process(),
            cache: None,
            metrics: Arc::default(),
            credentials: None,
        }
    }

    /// The same schema signing the credentials people carry with `issuer`.
    pub fn with_credentials(
        mut self,
        issuer: Option<Arc<crate::domain::kernel::credentials::CredentialIssuer>>,
    ) -> Self {
        self.credentials = issuer;
        self
    }

    /// The same schema keeping answers to anonymous queries in `cache`.
    pub fn with_public_cache(mut self, cache: PublicCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The same schema charging every request's cost to its caller's budget.
    pub fn with_rate_limits(mut self, rate_limits: RateLimits) -> Self {
        self.verification.limiter = rate_limits.limiter.clone();
        self.rate_limits = Some(rate_limits);
        self
    }

    /// The same schema with these budgets of certificate verification (their store stays the
    /// rate limiter's).
    pub fn with_verification_paces(
        mut self,
        lookups: Pace,
        holder_checks: Pace,
        per_number: Pace,
    ) -> Self {
        self.verification.lookups = lookups;
        self.verification.holder_checks = holder_checks;
        self.verification.holder_checks_per_number = per_number;
        self
    }

    /// The same schema with its persisted documents kept in `documents`.
    pub fn with_documents(mut self, documents: Documents) -> Self {
        self.documents = documents;
        self
    }

    /// Runs one query or mutation; what it carries besides its document (the caller, the
    /// address, the request id, the method) is read from its data.
    pub async fn execute(&self, request: impl Into<Request>) -> Response {
        let request = request.into();
        let meta = RequestMeta::of(&request.data, None);
        let (mut response, _, kept) = self.serve_request(meta, request).await;
        // In process, an answer the cache served is read back into the document.
        if let Some(answer) = kept {
            response.data = serde_json::from_slice(&answer.json).unwrap_or_default();
        }
        response
    }

    /// Runs one query or mutation through every stage: admission, serving, finishing,
    /// reporting. Returns the response, its [`Verdict`] (for the HTTP status) and, for an answer
    /// of the public cache, its `data` already serialised (the response's `data` is then null).
    pub async fn serve_request(
        &self,
        meta: RequestMeta,
        mut request: Request,
    ) -> (Response, Verdict, Option<crate::graphql::cache::Answer>) {
        meta.carry_into(&mut request);
        request.data.insert(self.verification.clone());
        if let Some(issuer) = &self.credentials {
            request.data.insert(issuer.clone());
        }
        let started = std::time::Instant::now();
        let mut spent = Spent::default();
        // Boxed: the execution's state is large, and lives on the heap rather than in the
        // caller's future (a test's, or a connection's, stack).
        let ((mut response, kept), statements) = db::counting_statements(Box::pin(async {
            match self.admit(&mut request, &meta, &mut spent).await {
                Ok(()) => {
                    // The request's share of the pool; an anonymous one also draws on the
                    // share all anonymous requests have together.
                    let share = self.gate.share(meta.anonymous());
                    db::sharing(share, self.serve(request, &meta, &spent)).await
                }
                Err(refused) => (Response::from_errors(vec![refused]), None),
            }
        }))
        .await;
        // Only for a document that ran (a refused one has no answer to count); a cached answer
        // carries what it cost.
        if let Some(answer) = &kept {
            spent.actual = Some(answer.actual_cost);
        } else if let (Some(doc), Some(kind), false) = (
            &spent.doc,
            spent.operation,
            matches!(response.data, async_graphql::Value::Null),
        ) {
            spent.actual = Some(cost::actual(&self.registry, doc, kind, &response.data));
        }
        finish(&mut response, meta.request_id.as_deref(), &self.limits);
        self.keep_valid(&mut spent, &response).await;
        self.report(
            &spent,
            &response,
            started.elapsed().as_secs_f64(),
            Some(statements),
        );
        spent.put_into(&mut response);
        let verdict = Verdict::of(&response);
        (response, verdict, kept)
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
        let meta = RequestMeta::of(&request.data, session_data.as_deref());
        // The socket's budget is taken now, in the order operations arrive.
        let budget = session_data.as_deref().and_then(data_of::<OperationBudget>);
        let permit = budget.map(|budget| budget.take().ok_or(budget.most()));
        async move {
            let limits = this.limits;
            let request_id = meta.request_id.clone();
            let refuse = |err: ServerError, request_id: Option<&str>| {
                let mut response = Response::from_errors(vec![err]);
                finish(&mut response, request_id, &limits);
                response
            };
            let once =
                |response: Response| futures_util::stream::once(async move { response }).boxed();
            let permit = match permit {
                None => None,
                Some(Ok(permit)) => Some(permit),
                Some(Err(most)) => {
                    let err = ErrorCode::QueryTooComplex.error(format!(
                        "this socket runs {most} operations already, the most allowed at once"
                    ));
                    return once(refuse(err, request_id.as_deref()));
                }
            };
            // Over a socket, the caller (from connection_init) and the peer's address are the
            // connection's (see `RequestMeta::of`).
            meta.carry_into(&mut request);
            request.data.insert(this.verification.clone());
            if let Some(issuer) = &this.credentials {
                request.data.insert(issuer.clone());
            }
            let started = std::time::Instant::now();
            let mut spent = Spent::default();
            if let Err(refused) = this.admit(&mut request, &meta, &mut spent).await {
                let response = refuse(refused, request_id.as_deref());
                this.report(&spent, &response, started.elapsed().as_secs_f64(), None);
                return once(response);
            }
            // The operation's share of the pool, as over HTTP.
            let share = this.gate.share(meta.anonymous());
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
                        serve::forget(&cache, &written).await;
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
            // A new persisted document is kept once its first answer shows it validated; the
            // operation is counted once, at its first answer.
            let first = std::sync::Mutex::new(Some((spent, started)));
            stream
                .then(move |mut response| {
                    // Held while the operation runs.
                    let _running = (&permit, &open);
                    finish(&mut response, request_id.as_deref(), &limits);
                    let first = first.lock().ok().and_then(|mut f| f.take());
                    let this = this.clone();
                    async move {
                        if let Some((mut spent, started)) = first {
                            this.keep_valid(&mut spent, &response).await;
                            this.report(&spent, &response, started.elapsed().as_secs_f64(), None);
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
