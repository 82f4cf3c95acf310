//! `Mutation`: the network — members of alliances and their organizations' profiles; founding
//! alliances, registering organizations, applications and invitations to join, and (in the
//! order of the published SDL) the revocation of sign-ins.

mod members;
mod onboarding;

pub use members::MembersMutation;
pub use onboarding::OnboardingMutation;
