//! `Mutation`: the network — members of alliances and their organizations' profiles; founding
//! alliances, registering organizations, applications and invitations to join, and (in the
//! order of the published SDL) the revocation of sign-ins; keeping the division tree, industries and clusters.

mod members;
mod onboarding;
mod reference;

pub use members::MembersMutation;
pub use onboarding::OnboardingMutation;
pub use reference::{IndustriesMutation, ReferenceMutation};
