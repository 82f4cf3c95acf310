//! skillgraph: one GraphQL graph over the regional vocational-training alliances — their
//! enterprises, colleges, training institutions, assessment bodies and HR bureaus — across
//! alliances and across cities.
//!
//! # Layout
//!
//! - [`cli`] parses the command line; [`config`] loads typed [`config::Settings`];
//!   [`telemetry`] sets up logs.
//! - [`app`] builds the [`app::App`]: database pool, schema, router, bound listener.
//! - [`http`] is the axum router: GraphQL over HTTP, GraphiQL, health and readiness.
//! - [`graphql`] is the schema: thin resolvers, GraphQL types built from models, DataLoaders for
//!   every relation, Relay connections, and [`graphql::AppSchema`], which runs each request: the
//!   persisted or trusted document, the limits and cost, the public cache
//!   ([`graphql::cache`], invalidated by the tags of what mutations wrote), and a code for every
//!   error.
//! - [`events`] carries subscription events, in the process or through Redis between instances;
//!   [`redis_link`] is the request path's connection to Redis.
//! - [`domain`] holds validated values ([`domain::codes`]) and the services; all SQL lives there.
//! - [`auth`] turns tokens into a [`auth::Viewer`]; [`auth::policy`] is the one module that decides
//!   what a viewer may do.
//! - [`error`] is the one error type, [`error::AppError`], and its `extensions.code` mapping.
//! - [`db`] connects and migrates, and observes every statement (what a mutation wrote);
//!   [`seed`] loads the demo data. [`throttle`] holds the cost-based rate limits.
//!
//! The `entity` crate holds the SeaORM models and the `migration` crate the migrations (with the
//! national occupational classification as reference data).

pub mod app;
pub mod auth;
pub mod bench;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod keys;
pub mod metrics;
pub mod redis_link;
pub mod seed;
pub mod telemetry;
pub mod throttle;
