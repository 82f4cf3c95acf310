//! skillgraph's integration tests: one binary, every module below.
//!
//! Each test gets its own database: a copy of a migrated SQLite template by default, or, when
//! `SKILLGRAPH_TEST_DATABASE_URL` names a PostgreSQL server, a database created from a migrated
//! template database and dropped when the test ends. Most tests execute the schema in-process;
//! the HTTP tests bind a real socket on port 0. Tests of what instances share through Redis run
//! against the Redis that `SKILLGRAPH_TEST_REDIS_URL` names (each under a key prefix of its own).
//! A test that needs a service or a tool (Redis, Chromium, Node) is `#[ignore = "needs …"]`:
//! `cargo test` lists it as ignored with what it needs, and `-- --include-ignored` (what `.ci/run`
//! passes, with every service set) runs it — and fails it when what it needs is not set.

mod auth;
mod authz;
mod bombs;
mod browser;
mod cache;
mod certification;
mod competitions;
mod credentials;
mod demands;
mod documents;
mod employment;
mod errors;
mod federation;
mod gate;
mod helpers;
mod honours;
mod hostile;
mod http;
mod identity;
mod instances;
mod institutions;
mod limits;
mod metrics;
mod network;
mod orders;
mod pagination;
mod people;
mod plans;
mod programmes;
mod register;
mod schema_sdl;
mod search;
mod special_abilities;
mod statements;
mod structure;
mod subsidies;
mod throttle;
mod traces;
mod training;
mod verification;
mod writes;
