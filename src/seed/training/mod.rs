//! The demo's training: providers' standing and open-resource lists, cohorts with their records.

mod cohorts;
mod resources;

pub(super) use cohorts::demo_cohorts;
pub(super) use resources::demo_resources;
