//! skillgraph: one GraphQL graph over the regional vocational-training alliances — their
//! enterprises, colleges, training institutions, assessment bodies and HR bureaus — across
//! alliances and across cities.
//!
//! # Layout
//!
//! A request goes down the layers `http` → `graphql` → `domain` → `entity`; nothing calls up.
//!
//! - [`cli`] parses the command line; [`config`] loads typed [`config::Settings`], nested by
//!   concern; [`urls`] keeps a URL's password out of every log; [`keys`] turns settings into
//!   secrets (or generates development keys); [`telemetry`] sets up logs and traces;
//!   [`metrics`] counts what an instance does, for `/metrics` (on its own listener).
//! - [`app`] builds the [`app::App`]: database pool, schema, router, bound listener.
//! - [`http`] is the axum router: GraphQL over HTTP and WebSocket, GraphiQL, health, readiness
//!   and metrics.
//! - [`graphql`] is the schema. [`graphql::types`] are the GraphQL types built from models (one
//!   file an area, input types beside their outputs); the resolvers are thin, one object an area
//!   merged into the query and mutation roots. [`graphql::loaders`] batches every relation,
//!   [`graphql::connection`] and [`graphql::nested`] are Relay connections (a nested one paged in
//!   SQL for every parent at once), [`graphql::ids`] the `ID` of a [`domain::kernel::ids::GlobalId`],
//!   [`graphql::context`] what a resolver reads of the request, [`graphql::scalars`] `Date` and
//!   `DateTime`. [`graphql::AppSchema`] runs each request through the stages of
//!   [`graphql::pipeline`] (request, admit, serve, finish, report): the persisted or trusted document
//!   ([`graphql::documents`]), the limits and cost ([`graphql::cost`]), the public cache
//!   ([`graphql::cache`], invalidated by the tags of what mutations wrote, read off the answer by
//!   [`graphql::answer`]), and a code for every error. [`graphql::federation`] serves it as an
//!   Apollo Federation subgraph.
//! - [`domain`] holds validated values and the services; all SQL lives there and nothing there
//!   knows GraphQL. It is one folder an area, named as every other layer names it:
//!   - [`domain::kernel`]: shared values — [`domain::kernel::input`] (parse once, at the boundary),
//!     [`domain::kernel::codes`], [`domain::kernel::ids`], [`domain::kernel::geo`],
//!     [`domain::kernel::personal`] (ID numbers, masking, the key ring that seals personal data),
//!     [`domain::kernel::text`], [`domain::kernel::audit`] (the audit trail) and
//!     [`domain::kernel::import`] (the spreadsheet reader);
//!   - [`domain::read`]: reading helpers — keyset pages, a page per parent, disclosure of small
//!     groups in aggregates;
//!   - [`domain::network`]: regions, alliances, organizations (and the bureau's register),
//!     memberships and applications to join; [`domain::occupations`]: the national
//!     classification with its named groups and texts, and the work types and special
//!     abilities regions add;
//!   - [`domain::people`]: learners, their target groups, their copy of their record, their
//!     corrections and erasure, retention;
//!   - the four-in-one chain: [`domain::demands`] (job demand), [`domain::orders`] (intentions
//!     and training orders), [`domain::training`] (open resources, the subsidy catalogue and
//!     plans, cohorts with their records), [`domain::certification`] (skill evaluation),
//!     [`domain::employment`] (employment service);
//!   - the bureau's side: [`domain::programmes`] (programmes with their target groups,
//!     departments and quotas), [`domain::subsidies`] (claims on the training records, and their
//!     supervision), [`domain::institutions`] (institution evaluation and standing: credit stars,
//!     the catalogue), [`domain::reports`] (placement rates, the skills balance, certificate
//!     statistics);
//!   - [`domain::search`]: one search index over the graph (terms cut by the server, matched
//!     by each database's full-text engine), the lists' text filters and autocomplete;
//!   - [`domain::identity`]: whom a token names, and the sign-ins recorded by `jti`.
//! - [`auth`] turns tokens into a [`auth::Viewer`] whose [`auth::Actor`] carries exactly its
//!   role's scope ([`auth::jwt`] verifies them, with an identity provider's published keys from
//!   [`auth::jwks`]; [`domain::identity`] reads whom the claims name); [`auth::policy`] is the
//!   one module that decides what a viewer may do, one file an area.
//! - [`error`] is the one error type, [`error::AppError`], and [`error::ErrorCode`]: every
//!   `extensions.code`.
//! - [`events`] carries subscription events, in the process or through Redis between instances;
//!   [`redis_link`] is the request path's connection to Redis; [`throttle`] holds the cost-based
//!   rate limits.
//! - [`db`] connects and migrates, and observes every statement (what a mutation wrote);
//!   [`seed`] loads the demo data.
//!
//! The `entity` crate holds the SeaORM models, the `migration` crate the migrations (with the
//! national occupational classification as reference data), and the `skillgraph-bench` crate
//! (`bench/`) the measurements, never run in tests.
#![recursion_limit = "256"]

pub mod app;
pub mod auth;
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
pub mod urls;
