//! The one place that decides what a viewer may do. Resolvers and domain services ask here; no
//! other module compares roles.
//!
//! A caller without a token asking for anything beyond published information gets
//! `UNAUTHENTICATED`; a known caller outside its rights gets `FORBIDDEN`.
//!
//! One file an area, named as the domain names it: `network` (alliances, organizations,
//! memberships, applications, invitations), `identity` (sign-ins), `people` (learners, the one
//! `learner_view`, personal data, data requests, the audit trail), `demands`, `training`
//! (cohorts, enrolments, records, resources), `subsidies`, `institutions` (evaluations),
//! `orders`, `certification` (skill evaluation), `employment` and `programmes` (programmes and
//! the bureau's figures); what every area uses (the
//! permissions of a role, the region a regulator supervises, aggregate precision) is here.
//!
//! Each function answers one of three questions, and its name says which:
//!
//! - `may_<verb>(viewer, facts)`: may this caller do it? `Ok` — with the id it acts for, where
//!   the role acts for one (a provider, an enterprise, a body, a learner) — or the refusal
//!   (`UNAUTHENTICATED` or `FORBIDDEN`) that says why. Mutations and reads of one row ask it.
//! - `<area>_scope(viewer)`: which rows may a list show? A scope the domain turns into a
//!   condition, so a list never loads what it may not show.
//! - `<thing>_view(viewer, facts)` or `<thing>_visible(viewer, facts)`: how much of one row the
//!   caller sees ([`learner_view`]), or whether it shows at all; a hidden row reads as absent.
//!
//! `tests/api/structure.rs` holds the names to these shapes.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use entity::{DataRequestKind, EnrollmentStatus};

use super::{Actor, Reach, Role, Viewer};
use crate::error::{AppError, AppResult};

mod certification;
mod demands;
mod employment;
mod identity;
mod institutions;
mod network;
mod orders;
mod people;
mod programmes;
mod subsidies;
mod training;

pub use certification::*;
pub use demands::*;
pub use employment::*;
pub use identity::*;
pub use institutions::*;
pub use network::*;
pub use orders::*;
pub use people::*;
pub use programmes::*;
pub use subsidies::*;
pub use training::*;

/// What a role may do in principle; each is then checked against the row's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Read published information (everyone).
    ReadPublic,
    /// Admit members to, re-role and remove members from the viewer's alliances.
    ManageMembership,
    /// Change the public profile of the viewer's own organization.
    UpdateOwnOrganization,
    /// Register learners.
    RegisterLearner,
    /// List learners within the viewer's scope (masked).
    ReadLearners,
    /// Read unmasked personal data of learners within the viewer's purpose (audited).
    ReadPersonalData,
    /// Read the audit trail of the viewer's region.
    ReadAuditTrail,
    /// Post and manage the demand of the viewer's own enterprise.
    PostDemand,
    /// Form and run cohorts the viewer's organization trains or trains for.
    ManageCohorts,
    /// Publish the open-resource list and training plans of the viewer's own organization.
    PublishResources,
    /// Rate and admit training institutions, keep the subsidised catalogue of the viewer's region.
    SuperviseTraining,
    /// Register organizations in the viewer's region (anywhere, for the system administrator).
    RegisterOrganizations,
    /// Found alliances in the viewer's region (anywhere, for the system administrator).
    FoundAlliances,
    /// Ask for the viewer's own organization to join an alliance.
    ApplyForMembership,
    /// Add, rename and retire regions of the division tree (the system administrator).
    KeepRegions,
}

/// What a role may do in principle.
pub fn permissions(viewer: &Viewer) -> Vec<Permission> {
    use Permission::*;
    let mut granted = vec![ReadPublic];
    match viewer.role() {
        Role::Public => {}
        Role::Learner => granted.extend([ReadLearners, ReadPersonalData]),
        Role::Enterprise => granted.extend([
            UpdateOwnOrganization,
            PostDemand,
            ManageCohorts,
            ApplyForMembership,
        ]),
        Role::AssessmentBody => granted.extend([UpdateOwnOrganization, ApplyForMembership]),
        Role::Department => granted.push(ReadLearners),
        Role::College | Role::TrainingInstitution => {
            granted.extend([UpdateOwnOrganization, ApplyForMembership])
        }
        Role::AllianceAdmin => {
            granted.push(ManageMembership);
            if viewer.organization_id().is_some() {
                granted.push(UpdateOwnOrganization);
            }
        }
        Role::Regulator => {
            granted.extend([
                RegisterLearner,
                ReadLearners,
                ReadPersonalData,
                ReadAuditTrail,
                SuperviseTraining,
                RegisterOrganizations,
                FoundAlliances,
            ]);
            if viewer.organization_id().is_some() {
                granted.extend([UpdateOwnOrganization, ApplyForMembership]);
            }
        }
        Role::SystemAdmin => granted.extend([
            ManageMembership,
            ReadLearners,
            ReadAuditTrail,
            RegisterOrganizations,
            FoundAlliances,
            KeepRegions,
        ]),
    }
    // What a provider does, whichever kind of organization it is (see `may_provide_training`).
    if provider_of(viewer).is_some() {
        for permission in [
            RegisterLearner,
            ReadLearners,
            ReadPersonalData,
            ManageCohorts,
            PublishResources,
        ] {
            if !granted.contains(&permission) {
                granted.push(permission);
            }
        }
    }
    granted
}

fn require(viewer: &Viewer, permission: Permission, what: &str) -> AppResult<()> {
    if permissions(viewer).contains(&permission) {
        Ok(())
    } else if viewer.role() == Role::Public {
        Err(AppError::Unauthenticated(format!("{what} needs a token")))
    } else {
        Err(AppError::Forbidden(format!(
            "the {} role may not {what}",
            viewer.role().as_str()
        )))
    }
}

fn in_own_region(viewer: &Viewer, region_id: i32, otherwise: &str) -> AppResult<()> {
    if viewer.role() == Role::SystemAdmin || viewer.region_id() == Some(region_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(otherwise.to_owned()))
    }
}

/// The region a viewer supervises training in.
pub fn may_supervise_own_region(viewer: &Viewer) -> AppResult<i32> {
    require(viewer, Permission::SuperviseTraining, "supervise training")?;
    viewer
        .region_id()
        .ok_or_else(|| AppError::Forbidden("the token names no region".to_owned()))
}

/// Supervising training in `region_id`: its regulator.
pub fn may_supervise(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    require(viewer, Permission::SuperviseTraining, "supervise training")?;
    if viewer.region_id() == Some(region_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this is another region's to supervise".to_owned(),
        ))
    }
}

/// How exact the aggregates about people are for a viewer (see `domain::read::disclosure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Exact figures, any period: regulators.
    Exact,
    /// Whole quarters, and cells of fewer than five people left out of every figure: everyone
    /// else.
    Protected,
}

/// The precision of aggregates about people for a viewer.
pub fn aggregate_precision(viewer: &Viewer) -> Precision {
    if viewer.role() == Role::Regulator {
        Precision::Exact
    } else {
        Precision::Protected
    }
}

/// Whether a viewer signed in with a token (anyone else is the public): a signed-in caller's
/// rate-limit budget is its subject's, the public's its client address's.
pub fn signed_in(viewer: &Viewer) -> bool {
    viewer.role() != Role::Public
}

/// The provider the viewer acts for: a college, a training institution, or an enterprise that
/// trains ([`may_provide_training`] decided it when the token was resolved). Every decision about
/// providers asks here, never the role.
fn provider_of(viewer: &Viewer) -> Option<i32> {
    viewer.actor.provider().map(|(id, _)| id)
}

/// Whether the viewer is a user of the provider `provider_id`.
fn acts_for_provider(viewer: &Viewer, provider_id: i32) -> bool {
    provider_of(viewer) == Some(provider_id)
}
