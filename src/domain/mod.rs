//! The domain: validated values and the services that read and write the graph.
//!
//! All SQL lives here, written with SeaORM/SeaQuery so SQLite and PostgreSQL share one code path.
//! Nothing in this module knows GraphQL: resolvers call these functions with validated inputs.

pub mod alliances;
pub mod audit;
pub mod catalogue;
pub mod codes;
pub mod cohorts;
pub mod demands;
pub mod employment;
pub mod evaluation;
pub mod geo;
pub mod import;
pub mod learners;
pub mod memberships;
pub mod occupations;
pub mod orders;
pub mod organizations;
pub mod page;
pub mod personal;
pub mod regions;
pub mod resources;
mod text;

pub use text::SearchText;
