//! Who acts: one variant per role, each carrying exactly the scope that role has.
//!
//! An [`Actor`] is built once, from verified claims ([`super::viewer_from_claims`]) or by the
//! command line and the demo loader; afterwards a provider without its organization or a
//! regulator without a region cannot be written down, so the policy matches on the variant
//! instead of asking an `Option` at every decision.

use std::collections::BTreeSet;

use super::Role;
use crate::error::{AppError, AppResult};

/// A person acting for one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staff {
    /// The organization acted for.
    pub organization: i32,
    /// The holder administers the organization (its staff's sign-ins).
    pub admin: bool,
}

impl Staff {
    /// Staff of `organization`, not its administrator.
    pub fn of(organization: i32) -> Self {
        Self {
            organization,
            admin: false,
        }
    }
}

/// Whom an organization trains as a provider: the reach [`super::policy::may_provide_training`]
/// grants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Anyone: a college, a training institution, an enterprise with a registered training
    /// centre.
    Anyone,
    /// The employees of its industrial chain only: a chain master (链主) without a training
    /// centre, whose cohorts train for itself or an enterprise of its chain.
    Chain,
}

/// Who acts, with the scope of their role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// No token: reads published information only.
    Public,
    /// A learner, acting for themself.
    Learner {
        /// The learner's id.
        learner: i32,
    },
    /// A user of an enterprise.
    Enterprise {
        /// The enterprise acted for.
        staff: Staff,
        /// Whom the enterprise trains as a provider, when it is one (a training centre, a chain
        /// master); read from the enterprise when the token is resolved.
        trains: Option<Reach>,
    },
    /// A user of a college (a provider).
    College(Staff),
    /// A user of a training institution (a provider).
    TrainingInstitution(Staff),
    /// A user of an assessment body.
    AssessmentBody(Staff),
    /// An administrator of one or more alliances.
    AllianceAdmin {
        /// The alliances administered (never empty).
        alliances: BTreeSet<i32>,
    },
    /// The HR bureau of a region.
    Regulator {
        /// The region supervised.
        region: i32,
        /// The bureau's own organization, when the token names it.
        bureau: Option<Staff>,
    },
    /// An operator of skillgraph itself.
    SystemAdmin,
    /// A department answering for programmes (a GOVERNMENT organization).
    Department(Staff),
}

impl Actor {
    /// The actor of `role` acting for `staff`'s organization: the roles tied to an organization
    /// kind only (a regulator's bureau is [`Actor::Regulator`]'s own).
    pub fn staff(role: Role, staff: Staff) -> AppResult<Self> {
        Ok(match role {
            Role::Enterprise => Self::Enterprise {
                staff,
                trains: None,
            },
            Role::College => Self::College(staff),
            Role::TrainingInstitution => Self::TrainingInstitution(staff),
            Role::AssessmentBody => Self::AssessmentBody(staff),
            Role::Department => Self::Department(staff),
            other => {
                return Err(AppError::internal(format!(
                    "{} does not act for an organization of its own",
                    other.as_str()
                )));
            }
        })
    }

    /// The role this actor holds.
    pub fn role(&self) -> Role {
        match self {
            Self::Public => Role::Public,
            Self::Learner { .. } => Role::Learner,
            Self::Enterprise { .. } => Role::Enterprise,
            Self::College(_) => Role::College,
            Self::TrainingInstitution(_) => Role::TrainingInstitution,
            Self::AssessmentBody(_) => Role::AssessmentBody,
            Self::AllianceAdmin { .. } => Role::AllianceAdmin,
            Self::Regulator { .. } => Role::Regulator,
            Self::SystemAdmin => Role::SystemAdmin,
            Self::Department(_) => Role::Department,
        }
    }

    /// The organization acted for, with the holder's standing in it.
    pub fn staff_of(&self) -> Option<Staff> {
        match self {
            Self::Enterprise { staff: s, .. }
            | Self::College(s)
            | Self::TrainingInstitution(s)
            | Self::AssessmentBody(s)
            | Self::Department(s) => Some(*s),
            Self::Regulator { bureau, .. } => *bureau,
            _ => None,
        }
    }

    /// The provider acted for (a college, a training institution, an enterprise that trains),
    /// with whom it trains.
    pub fn provider(&self) -> Option<(i32, Reach)> {
        match self {
            Self::College(s) | Self::TrainingInstitution(s) => {
                Some((s.organization, Reach::Anyone))
            }
            Self::Enterprise {
                staff,
                trains: Some(reach),
            } => Some((staff.organization, *reach)),
            _ => None,
        }
    }

    /// The alliances administered (empty for every other role).
    pub fn alliances(&self) -> &BTreeSet<i32> {
        static NONE: BTreeSet<i32> = BTreeSet::new();
        match self {
            Self::AllianceAdmin { alliances } => alliances,
            _ => &NONE,
        }
    }

    /// The region supervised.
    pub fn region(&self) -> Option<i32> {
        match self {
            Self::Regulator { region, .. } => Some(*region),
            _ => None,
        }
    }

    /// The learner acting for themself.
    pub fn learner(&self) -> Option<i32> {
        match self {
            Self::Learner { learner } => Some(*learner),
            _ => None,
        }
    }
}
