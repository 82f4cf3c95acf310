//! The GraphQL schema: types, resolvers, loaders, and how errors leave it.
//!
//! [`build_schema`] does no I/O: it takes a connection pool and limits and returns a schema that
//! tests execute in-process and the HTTP layer serves.

pub mod answer;
pub mod cache;
pub mod connection;
pub mod context;
pub mod cost;
mod directives;
pub mod documents;
pub mod federation;
pub mod ids;
pub mod loaders;
mod mutation;
pub mod nested;
pub mod pipeline;
mod query;
pub mod scalars;
mod subscription;
pub mod types;
mod walked;

use std::sync::Arc;

use async_graphql::Schema;
use sea_orm::DatabaseConnection;

use crate::{domain::kernel::personal::PersonalDataKey, events::EventBroker};

pub use context::{ApiContext, ClientAddress, RequestId};
pub use mutation::MutationRoot;
pub use pipeline::{AppSchema, QueriesOnly, RequestMeta, Verdict};
pub use query::{PublicQuery, QueryRoot};
pub use subscription::SubscriptionRoot;

/// Limits that keep one request from costing the server too much, and how loaders batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SchemaLimits {
    /// The deepest selection nesting allowed.
    pub max_depth: usize,
    /// The most fields one request may select (each selected field counts 1).
    pub max_complexity: usize,
    /// How long a DataLoader gathers keys before it runs its one statement. Resolvers of one
    /// level usually ask within microseconds; a longer wait batches more reliably under load at
    /// the price of latency per nesting level.
    pub loader_delay: std::time::Duration,
    /// Days until an open training intention expires.
    pub intention_expiry_days: u64,
    /// The most open training intentions one learner may have.
    pub max_open_intentions: u64,
    /// Days a certified or trained learner may wait for three job recommendations before the
    /// backlog calls them overdue.
    pub recommendation_days: u64,
    /// The share of a cohort's class days, in percent, a learner must have attended to
    /// complete it.
    pub completion_attendance_percent: u8,
    /// What a subsidised training must really have been, and how far back a cohort may start.
    pub training: crate::domain::training::cohorts::TrainingRules,
    /// What one request may cost and hold (see [`cost`]).
    pub cost: cost::CostLimits,
    /// How much of the pool one request, and all anonymous requests, may hold (see
    /// [`crate::db::PoolGate`]).
    pub pool: PoolShares,
}

/// How much of the connection pool requests may hold at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PoolShares {
    /// The percentage one request may hold.
    pub request_percent: u8,
    /// The percentage all anonymous requests together may hold.
    pub public_percent: u8,
    /// How long an anonymous request waits for its turn before `SERVICE_UNAVAILABLE`.
    pub wait: std::time::Duration,
}

impl Default for PoolShares {
    fn default() -> Self {
        Self {
            request_percent: 50,
            public_percent: 50,
            wait: std::time::Duration::from_secs(1),
        }
    }
}

impl Default for SchemaLimits {
    fn default() -> Self {
        Self {
            max_depth: 16,
            max_complexity: 5_000,
            loader_delay: std::time::Duration::from_millis(1),
            intention_expiry_days: 90,
            max_open_intentions: 3,
            recommendation_days: 30,
            completion_attendance_percent: 80,
            training: Default::default(),
            cost: cost::CostLimits::default(),
            pool: PoolShares::default(),
        }
    }
}

/// The configured days a learner may wait for three recommendations.
#[derive(Debug, Clone, Copy)]
pub struct RecommendationDays(pub u64);

/// Builds the schema over a connection pool.
pub fn build_schema(
    db: DatabaseConnection,
    personal_data: PersonalDataKey,
    events: Arc<dyn EventBroker>,
    limits: SchemaLimits,
) -> AppSchema {
    build_schema_as(db, personal_data, events, limits, false)
}

/// Forgets the regions or industries held in memory whenever an instance says they changed
/// (`Event::RegionsChanged`, `Event::IndustriesChanged`), for as long as the schema's loaders live. Outside a runtime (a
/// schema built only to print its SDL) there is nothing to keep fresh.
fn forget_regions_on_change(loaders: &Arc<loaders::Loaders>, events: &dyn EventBroker) {
    use futures_util::StreamExt;
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let loaders = Arc::downgrade(loaders);
    let mut heard = events.subscribe();
    runtime.spawn(async move {
        while let Some(event) = heard.next().await {
            let Some(loaders) = loaders.upgrade() else {
                return;
            };
            match event {
                crate::events::Event::RegionsChanged => loaders.region.forget(),
                crate::events::Event::IndustriesChanged => loaders.industry.forget(),
                _ => {}
            }
        }
    });
}

/// Builds the schema over a connection pool; with `federation`, as an Apollo Federation v2
/// subgraph (see [`federation`]).
pub fn build_schema_as(
    db: DatabaseConnection,
    personal_data: PersonalDataKey,
    events: Arc<dyn EventBroker>,
    limits: SchemaLimits,
    federation: bool,
) -> AppSchema {
    let loaders = Arc::new(loaders::Loaders::new(&db, limits.loader_delay));
    forget_regions_on_change(&loaders, events.as_ref());
    let nested_loaders = Arc::new(nested::NestedLoaders::new(&db, limits.loader_delay));
    let gate = crate::db::PoolGate::new(
        crate::db::pool_state(&db).map_or(10, |(_, _, most)| most),
        limits.pool.request_percent,
        limits.pool.public_percent,
        limits.pool.wait,
    );
    let context = ApiContext {
        db: crate::db::Gated::new(db),
        loaders: loaders.clone(),
        personal_data,
        events,
    };
    let rules = crate::domain::orders::IntentionRules {
        expiry_days: limits.intention_expiry_days,
        max_open: limits.max_open_intentions,
    };
    macro_rules! configured {
        ($builder:expr) => {
            $builder
                .data(rules)
                .data(RecommendationDays(limits.recommendation_days))
                .data(crate::domain::training::cohorts::CompletionRule {
                    attendance_percent: limits.completion_attendance_percent,
                })
                .data(limits.training)
                .data(context)
                .data(loaders.clone())
                .data(nested_loaders.clone())
                .limit_depth(limits.max_depth)
                .limit_complexity(limits.max_complexity)
                .limit_directives(limits.cost.max_directives_per_field)
                .finish()
        };
    }
    if federation {
        let builder = Schema::build(
            federation::FederatedQuery::default(),
            MutationRoot::default(),
            SubscriptionRoot,
        )
        .enable_federation();
        AppSchema::federated(configured!(builder), limits, gate)
    } else {
        AppSchema::new(
            configured!(Schema::build(
                PublicQuery::default(),
                MutationRoot::default(),
                SubscriptionRoot
            )),
            limits,
            gate,
        )
    }
}

/// The schema's SDL, as `schema.graphql` holds it.
pub fn sdl() -> String {
    Schema::build(
        PublicQuery::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .finish()
    .sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}
