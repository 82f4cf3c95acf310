//! The one place that decides what a viewer may do. Resolvers and domain services ask here; no
//! other module compares roles.
//!
//! A caller without a token asking for anything beyond published information gets
//! `UNAUTHENTICATED`; a known caller outside its rights gets `FORBIDDEN`.

use entity::learner;

use super::{Role, Viewer};
use crate::error::{AppError, AppResult};

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
}

/// What a role may do in principle.
pub fn permissions(viewer: &Viewer) -> Vec<Permission> {
    use Permission::*;
    let mut granted = vec![ReadPublic];
    match viewer.role {
        Role::Public => {}
        Role::Learner => granted.extend([ReadLearners, ReadPersonalData]),
        Role::Enterprise => granted.extend([UpdateOwnOrganization, PostDemand, ManageCohorts]),
        Role::AssessmentBody => granted.push(UpdateOwnOrganization),
        Role::College | Role::TrainingInstitution => granted.extend([
            UpdateOwnOrganization,
            RegisterLearner,
            ReadLearners,
            ReadPersonalData,
            ManageCohorts,
            PublishResources,
        ]),
        Role::AllianceAdmin => {
            granted.push(ManageMembership);
            if viewer.organization_id.is_some() {
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
            ]);
            if viewer.organization_id.is_some() {
                granted.push(UpdateOwnOrganization);
            }
        }
        Role::SystemAdmin => granted.extend([ManageMembership, ReadLearners, ReadAuditTrail]),
    }
    granted
}

fn require(viewer: &Viewer, permission: Permission, what: &str) -> AppResult<()> {
    if permissions(viewer).contains(&permission) {
        Ok(())
    } else if viewer.role == Role::Public {
        Err(AppError::Unauthenticated(format!("{what} needs a token")))
    } else {
        Err(AppError::Forbidden(format!(
            "the {} role may not {what}",
            viewer.role.as_str()
        )))
    }
}

/// Admitting, re-roling or removing members of `alliance_id`.
pub fn manage_membership(viewer: &Viewer, alliance_id: i32) -> AppResult<()> {
    require(
        viewer,
        Permission::ManageMembership,
        "manage alliance membership",
    )?;
    if viewer.role == Role::SystemAdmin || viewer.alliance_ids.contains(&alliance_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this alliance is not one the token administers".to_owned(),
        ))
    }
}

/// Changing the public profile of `organization_id`.
pub fn update_organization(viewer: &Viewer, organization_id: i32) -> AppResult<()> {
    require(
        viewer,
        Permission::UpdateOwnOrganization,
        "update an organization's profile",
    )?;
    if viewer.organization_id == Some(organization_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "an organization's profile is changed only by its own users".to_owned(),
        ))
    }
}

/// Posting demand: the enterprise the viewer acts for.
pub fn post_demand(viewer: &Viewer) -> AppResult<i32> {
    require(viewer, Permission::PostDemand, "post demand")?;
    viewer
        .organization_id
        .ok_or_else(|| AppError::Forbidden("the token names no enterprise".to_owned()))
}

/// Changing a demand of `enterprise_id`: its own users only.
pub fn manage_demand(viewer: &Viewer, enterprise_id: i32) -> AppResult<()> {
    if post_demand(viewer)? == enterprise_id {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a demand is changed only by its own enterprise".to_owned(),
        ))
    }
}

/// Creating or moving a cohort: its provider's or its enterprise's users.
pub fn manage_cohort(
    viewer: &Viewer,
    provider_id: i32,
    enterprise_id: Option<i32>,
) -> AppResult<()> {
    require(viewer, Permission::ManageCohorts, "manage cohorts")?;
    let ok = match viewer.role {
        Role::College | Role::TrainingInstitution => viewer.organization_id == Some(provider_id),
        Role::Enterprise => {
            viewer.organization_id.is_some() && viewer.organization_id == enterprise_id
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a cohort is managed by its provider or its enterprise".to_owned(),
        ))
    }
}

/// Enrolling, completing and withdrawing learners: the cohort's provider, who trains them.
pub fn train_in_cohort(viewer: &Viewer, provider_id: i32) -> AppResult<()> {
    require(viewer, Permission::ManageCohorts, "enrol learners")?;
    if matches!(viewer.role, Role::College | Role::TrainingInstitution)
        && viewer.organization_id == Some(provider_id)
    {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "learners are enrolled by the cohort's provider".to_owned(),
        ))
    }
}

/// Publishing resources and plans: the provider the viewer acts for.
pub fn publish_resources(viewer: &Viewer) -> AppResult<i32> {
    require(
        viewer,
        Permission::PublishResources,
        "publish training resources",
    )?;
    viewer
        .organization_id
        .ok_or_else(|| AppError::Forbidden("the token names no provider".to_owned()))
}

/// Whose training intentions a viewer may submit: the learner's own, a provider's learners, the
/// regulator's region.
pub fn intention_scope(viewer: &Viewer) -> AppResult<LearnerScope> {
    match viewer.role {
        Role::Learner | Role::College | Role::TrainingInstitution | Role::Regulator => {
            learner_scope(viewer)
        }
        Role::Public => Err(AppError::Unauthenticated(
            "submitting an intention needs a token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(format!(
            "the {} role does not submit intentions",
            viewer.role.as_str()
        ))),
    }
}

/// Evaluating skills: the organization the viewer acts for (the domain checks it is a filed body).
pub fn assess(viewer: &Viewer) -> AppResult<i32> {
    let org = match viewer.role {
        Role::Enterprise | Role::AssessmentBody | Role::TrainingInstitution | Role::College => {
            viewer.organization_id
        }
        Role::Public => {
            return Err(AppError::Unauthenticated(
                "evaluating skills needs a token".to_owned(),
            ));
        }
        _ => None,
    };
    org.ok_or_else(|| {
        AppError::Forbidden(format!(
            "the {} role does not evaluate skills",
            viewer.role.as_str()
        ))
    })
}

/// Registering candidates: an assessment body, or a learner's training provider.
pub fn assess_or_train(viewer: &Viewer) -> AppResult<i32> {
    assess(viewer)
}

/// The region a viewer supervises training in.
pub fn supervised_region(viewer: &Viewer) -> AppResult<i32> {
    require(viewer, Permission::SuperviseTraining, "supervise training")?;
    viewer
        .region_id
        .ok_or_else(|| AppError::Forbidden("the token names no region".to_owned()))
}

/// Supervising training in `region_id`: its regulator.
pub fn supervise(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    require(viewer, Permission::SuperviseTraining, "supervise training")?;
    if viewer.region_id == Some(region_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this is another region's to supervise".to_owned(),
        ))
    }
}

/// Registering a learner who lives in `region_id`.
pub fn register_learner(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    require(viewer, Permission::RegisterLearner, "register learners")?;
    match viewer.role {
        Role::Regulator if viewer.region_id != Some(region_id) => Err(AppError::Forbidden(
            "a regulator registers learners of its own region only".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// Which learners a viewer may list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LearnerScope {
    /// Every learner (system administrators; masked).
    All,
    /// Learners living in a region (its regulator).
    Region(i32),
    /// Learners a provider registered or trains.
    Provider(i32),
    /// One learner (themself).
    Only(i32),
}

/// The learners a viewer may list, masked.
pub fn learner_scope(viewer: &Viewer) -> AppResult<LearnerScope> {
    require(viewer, Permission::ReadLearners, "read learners")?;
    match (
        viewer.role,
        viewer.region_id,
        viewer.organization_id,
        viewer.learner_id,
    ) {
        (Role::SystemAdmin, ..) => Ok(LearnerScope::All),
        (Role::Regulator, Some(region), ..) => Ok(LearnerScope::Region(region)),
        (Role::College | Role::TrainingInstitution, _, Some(org), _) => {
            Ok(LearnerScope::Provider(org))
        }
        (Role::Learner, _, _, Some(learner)) => Ok(LearnerScope::Only(learner)),
        _ => Err(AppError::Forbidden(
            "no learners are visible to this token".to_owned(),
        )),
    }
}

/// Whether a learner row is within a scope.
pub fn in_scope(scope: LearnerScope, learner: &learner::Model) -> bool {
    match scope {
        LearnerScope::All => true,
        LearnerScope::Region(region) => learner.region_id == region,
        LearnerScope::Provider(org) => learner.registered_by_id == Some(org),
        LearnerScope::Only(id) => learner.id == id,
    }
}

/// Whose unmasked personal data a viewer may read: only the learner, the regulator of the
/// learner's region, and the providers that registered or train the learner — a purpose, not a
/// rank, so a system administrator may not. The domain checks the row against the scope.
pub fn personal_data_scope(viewer: &Viewer) -> AppResult<LearnerScope> {
    require(viewer, Permission::ReadPersonalData, "read personal data")?;
    learner_scope(viewer)
}

/// Which audit events a viewer may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditScope {
    /// All of them.
    All,
    /// Events about a region.
    Region(i32),
}

/// Reading the audit trail.
pub fn read_audit_trail(viewer: &Viewer) -> AppResult<AuditScope> {
    require(viewer, Permission::ReadAuditTrail, "read the audit trail")?;
    match (viewer.role, viewer.region_id) {
        (Role::SystemAdmin, _) => Ok(AuditScope::All),
        (_, Some(region)) => Ok(AuditScope::Region(region)),
        _ => Err(AppError::Forbidden(
            "the audit trail is read by region".to_owned(),
        )),
    }
}

/// Whose employment service a viewer runs: the learners a provider trains, the completers of an
/// alliance administrator's alliances, the learners of a regulator's region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmploymentScope {
    /// Learners a college or training institution registered or trains.
    Provider(i32),
    /// Learners who completed training in one of these alliances.
    Alliances(std::collections::BTreeSet<i32>),
    /// Learners living in a region.
    Region(i32),
}

/// Recommending jobs to learners: a training provider, an alliance administrator or the regulator.
pub fn recommend_jobs(viewer: &Viewer) -> AppResult<EmploymentScope> {
    match (viewer.role, viewer.organization_id, viewer.region_id) {
        (Role::College | Role::TrainingInstitution, Some(org), _) => {
            Ok(EmploymentScope::Provider(org))
        }
        (Role::AllianceAdmin, ..) if !viewer.alliance_ids.is_empty() => {
            Ok(EmploymentScope::Alliances(viewer.alliance_ids.clone()))
        }
        (Role::Regulator, _, Some(region)) => Ok(EmploymentScope::Region(region)),
        (Role::Public, ..) => Err(AppError::Unauthenticated(
            "recommending jobs needs a token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(format!(
            "the {} role does not recommend jobs",
            viewer.role.as_str()
        ))),
    }
}

/// Reading the recommendation backlog: the regulator and alliance administrators.
pub fn read_recommendation_backlog(viewer: &Viewer) -> AppResult<EmploymentScope> {
    match recommend_jobs(viewer)? {
        EmploymentScope::Provider(_) => Err(AppError::Forbidden(
            "the backlog is the bureau's and the alliance administrators' work list".to_owned(),
        )),
        scope => Ok(scope),
    }
}

/// Recording follow-ups and listing those due: the training provider or the regulator.
pub fn follow_up(viewer: &Viewer) -> AppResult<EmploymentScope> {
    match recommend_jobs(viewer)? {
        EmploymentScope::Alliances(_) => Err(AppError::Forbidden(
            "follow-ups are recorded by the training provider or the bureau".to_owned(),
        )),
        scope => Ok(scope),
    }
}

/// A learner answering a recommendation made to them.
pub fn respond_to_recommendation(viewer: &Viewer, learner_id: i32) -> AppResult<()> {
    match viewer.role {
        Role::Learner if viewer.learner_id == Some(learner_id) => Ok(()),
        Role::Public => Err(AppError::Unauthenticated(
            "answering a recommendation needs a token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(
            "only the learner answers a recommendation made to them".to_owned(),
        )),
    }
}

/// Whether a viewer may read the recommendations of a demand: its enterprise, the administrators
/// of its alliances, the regulator of its region, system administrators.
pub fn read_demand_recommendations(
    viewer: &Viewer,
    enterprise_id: i32,
    region_id: i32,
    alliance_ids: &[i32],
) -> bool {
    match viewer.role {
        Role::SystemAdmin => true,
        Role::Enterprise => viewer.organization_id == Some(enterprise_id),
        Role::AllianceAdmin => alliance_ids.iter().any(|a| viewer.alliance_ids.contains(a)),
        Role::Regulator => viewer.region_id == Some(region_id),
        _ => false,
    }
}
