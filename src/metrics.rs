//! What an instance counts, for `/metrics` in Prometheus's text format: requests by operation
//! and outcome, their latency and cost, SQL statements per request, the public cache, rate-limit
//! refusals, open subscriptions and the database pool. One [`Metrics`] per application (several
//! instances in one process count apart).
//!
//! Operation names come from clients, so only the names of operations that ran become labels
//! (a refused or throttled one is `not-run`), and at most [`MOST_OPERATION_NAMES`] of them; later
//! ones are counted as `other` (a script inventing names cannot grow the series without bound).
//! The metrics are served on a listener of their own (`server.metrics_listen`), never on the
//! API's port.

use std::{collections::HashSet, sync::Mutex};

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

/// The most distinct operation names kept as labels.
pub const MOST_OPERATION_NAMES: usize = 200;

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Data and no errors.
    Ok,
    /// Executed, with errors (a partial answer or a field error).
    Error,
    /// Refused before it ran (did not parse or validate, over a limit, an unknown hash).
    Refused,
    /// Over the caller's rate limit.
    Throttled,
}

impl Outcome {
    /// The label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Error => "error",
            Self::Refused => "refused",
            Self::Throttled => "throttled",
        }
    }
}

/// The labels of a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct RequestLabels {
    /// The operation's name (`anonymous` without one, `not-run` when it did not run, `other`
    /// past the limit).
    pub operation: String,
    /// `query`, `mutation`, `subscription`, or `unknown` when the document never parsed.
    pub kind: String,
    /// How it ended: `ok`, `error`, `refused` or `throttled`.
    pub outcome: String,
}

/// The kind of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct KindLabels {
    /// `query`, `mutation`, `subscription` or `unknown`.
    pub kind: String,
}

/// A lookup in the public cache.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct CacheLabels {
    /// `hit` or `miss`.
    pub result: String,
}

/// The state of the pool's connections.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct PoolLabels {
    /// `idle` or `in_use`.
    pub state: String,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// One instance's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    duration: HistogramFamily<KindLabels>,
    cost: Histogram,
    statements: Histogram,
    cache: Family<CacheLabels, Counter>,
    throttled: Counter,
    subscriptions: Gauge,
    pool: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
    names: Mutex<HashSet<String>>,
}

fn latency() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let duration: HistogramFamily<KindLabels> = Family::new_with_constructor(latency);
        let cost = Histogram::new(exponential_buckets(1.0, 4.0, 12));
        let statements = Histogram::new(exponential_buckets(1.0, 2.0, 10));
        let cache = Family::<CacheLabels, Counter>::default();
        let throttled = Counter::default();
        let subscriptions = Gauge::default();
        let pool = Family::<PoolLabels, Gauge>::default();
        let pool_max = Gauge::default();
        let mut registry = Registry::with_prefix("skillgraph");
        registry.register(
            "graphql_requests",
            "GraphQL requests by operation name, kind and outcome",
            requests.clone(),
        );
        registry.register(
            "graphql_request_duration_seconds",
            "Time to answer a GraphQL request, by operation kind",
            duration.clone(),
        );
        registry.register(
            "graphql_query_cost",
            "The computed cost of each request that was checked",
            cost.clone(),
        );
        registry.register(
            "sql_statements_per_request",
            "SQL statements a request ran (with the batched loads it started)",
            statements.clone(),
        );
        registry.register(
            "public_cache_lookups",
            "Lookups in the public response cache by result",
            cache.clone(),
        );
        registry.register(
            "rate_limit_refusals",
            "Requests refused for being over the caller's budget",
            throttled.clone(),
        );
        registry.register(
            "subscriptions_open",
            "Subscriptions streaming now",
            subscriptions.clone(),
        );
        registry.register(
            "db_pool_connections",
            "The database pool's connections by state",
            pool.clone(),
        );
        registry.register(
            "db_pool_max_connections",
            "The most connections the pool opens",
            pool_max.clone(),
        );
        Self {
            registry,
            requests,
            duration,
            cost,
            statements,
            cache,
            throttled,
            subscriptions,
            pool,
            pool_max,
            names: Mutex::new(HashSet::new()),
        }
    }
}

/// One open subscription, counted until dropped.
pub struct OpenSubscription(Gauge);

impl Drop for OpenSubscription {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl Metrics {
    /// Counts one request: its operation, how it ended, how long it took, what it cost and the
    /// statements it ran (`None` where they are not counted: an operation over a socket).
    pub fn request(
        &self,
        operation: Option<&str>,
        kind: &str,
        outcome: Outcome,
        seconds: f64,
        cost: Option<u64>,
        statements: Option<u64>,
    ) {
        // A name becomes a label only once its operation ran: a script sending documents that
        // never run (refused, throttled) cannot use up the labels.
        let operation = match outcome {
            Outcome::Ok | Outcome::Error => self.operation_label(operation),
            Outcome::Refused | Outcome::Throttled => match operation {
                Some(name) if !name.is_empty() => "not-run".to_owned(),
                _ => "anonymous".to_owned(),
            },
        };
        self.requests
            .get_or_create(&RequestLabels {
                operation,
                kind: kind.to_owned(),
                outcome: outcome.as_str().to_owned(),
            })
            .inc();
        self.duration
            .get_or_create(&KindLabels {
                kind: kind.to_owned(),
            })
            .observe(seconds);
        if let Some(cost) = cost {
            self.cost.observe(cost as f64);
        }
        if let Some(statements) = statements
            && outcome != Outcome::Refused
            && outcome != Outcome::Throttled
        {
            self.statements.observe(statements as f64);
        }
        if outcome == Outcome::Throttled {
            self.throttled.inc();
        }
    }

    fn operation_label(&self, operation: Option<&str>) -> String {
        let Some(name) = operation.filter(|n| !n.is_empty()) else {
            return "anonymous".to_owned();
        };
        let Ok(mut names) = self.names.lock() else {
            return "other".to_owned();
        };
        if names.contains(name) {
            return name.to_owned();
        }
        if names.len() < MOST_OPERATION_NAMES && name.len() <= 100 {
            names.insert(name.to_owned());
            return name.to_owned();
        }
        "other".to_owned()
    }

    /// Counts a lookup in the public cache.
    pub fn cache_lookup(&self, hit: bool) {
        let result = if hit { "hit" } else { "miss" };
        self.cache
            .get_or_create(&CacheLabels {
                result: result.to_owned(),
            })
            .inc();
    }

    /// Counts a subscription open until the returned guard is dropped.
    pub fn subscription_opened(&self) -> OpenSubscription {
        self.subscriptions.inc();
        OpenSubscription(self.subscriptions.clone())
    }

    /// The text exposition, with the pool's state as of now (`size` connections open, `idle` of
    /// them idle, at most `max`).
    pub fn render(&self, pool: Option<(u32, usize, u32)>) -> String {
        if let Some((size, idle, max)) = pool {
            let gauge = |state: &str| {
                self.pool.get_or_create(&PoolLabels {
                    state: state.to_owned(),
                })
            };
            gauge("idle").set(idle as i64);
            gauge("in_use").set(i64::from(size).saturating_sub(idle as i64));
            self.pool_max.set(i64::from(max));
        }
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            tracing::error!("encoding the metrics failed");
        }
        text
    }
}
