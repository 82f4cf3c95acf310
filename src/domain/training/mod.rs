//! Training: open resources, the subsidised catalogue and quarterly plans, cohorts with their
//! enrolments, attendance and records.

pub mod catalogue;
pub mod cohorts;
pub mod resources;
