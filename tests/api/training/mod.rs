//! Training: cohorts with their enrolments and records, open resources, the catalogue and plans.

mod cohorts;
mod enterprises;
mod resources;
