//! `Mutation`: training — cohorts and enrolments, attendance and records, open-resource lists.

mod cohorts;
mod records;
mod resources;

pub use cohorts::CohortsMutation;
pub(crate) use cohorts::training_rules;
pub use records::RecordsMutation;
pub use resources::{ImportFormat, ResourcesMutation};
