//! The one place that decides what a viewer may do. Resolvers and domain services ask here; no
//! other module compares roles.
//!
//! A caller without a token asking for anything beyond published information gets
//! `UNAUTHENTICATED`; a known caller outside its rights gets `FORBIDDEN`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use entity::{DataRequestKind, EnrollmentStatus};

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
    /// Register organizations in the viewer's region (anywhere, for the system administrator).
    RegisterOrganizations,
    /// Found alliances in the viewer's region (anywhere, for the system administrator).
    FoundAlliances,
    /// Ask for the viewer's own organization to join an alliance.
    ApplyForMembership,
}

/// What a role may do in principle.
pub fn permissions(viewer: &Viewer) -> Vec<Permission> {
    use Permission::*;
    let mut granted = vec![ReadPublic];
    match viewer.role {
        Role::Public => {}
        Role::Learner => granted.extend([ReadLearners, ReadPersonalData]),
        Role::Enterprise => granted.extend([
            UpdateOwnOrganization,
            PostDemand,
            ManageCohorts,
            ApplyForMembership,
        ]),
        Role::AssessmentBody => granted.extend([UpdateOwnOrganization, ApplyForMembership]),
        Role::College | Role::TrainingInstitution => granted.extend([
            UpdateOwnOrganization,
            ApplyForMembership,
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
                RegisterOrganizations,
                FoundAlliances,
            ]);
            if viewer.organization_id.is_some() {
                granted.extend([UpdateOwnOrganization, ApplyForMembership]);
            }
        }
        Role::SystemAdmin => granted.extend([
            ManageMembership,
            ReadLearners,
            ReadAuditTrail,
            RegisterOrganizations,
            FoundAlliances,
        ]),
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

/// Registering an organization located in `region_id`: the regulator of that region, or the
/// system administrator anywhere.
pub fn register_organization(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    require(
        viewer,
        Permission::RegisterOrganizations,
        "register organizations",
    )?;
    in_own_region(
        viewer,
        region_id,
        "organizations of another region are registered there",
    )
}

/// Founding an alliance in `region_id`: the regulator of that region, or the system
/// administrator anywhere.
pub fn found_alliance(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    require(viewer, Permission::FoundAlliances, "found alliances")?;
    in_own_region(
        viewer,
        region_id,
        "alliances of another region are founded there",
    )
}

fn in_own_region(viewer: &Viewer, region_id: i32, otherwise: &str) -> AppResult<()> {
    if viewer.role == Role::SystemAdmin || viewer.region_id == Some(region_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(otherwise.to_owned()))
    }
}

/// Asking to join an alliance: for the viewer's own organization, which the result names.
pub fn apply_for_membership(viewer: &Viewer) -> AppResult<i32> {
    require(
        viewer,
        Permission::ApplyForMembership,
        "apply for alliance membership",
    )?;
    viewer
        .organization_id
        .ok_or_else(|| AppError::Forbidden("the token names no organization".to_owned()))
}

/// Deciding an application to `alliance_id` (in `region_id`): the alliance's administrator, the
/// regulator of its region, or the system administrator.
pub fn decide_membership_application(
    viewer: &Viewer,
    alliance_id: i32,
    region_id: i32,
) -> AppResult<()> {
    if see_membership_applications(viewer, alliance_id, region_id, None) {
        return Ok(());
    }
    if viewer.role == Role::Public {
        return Err(AppError::Unauthenticated(
            "deciding an application needs a token".to_owned(),
        ));
    }
    Err(AppError::Forbidden(
        "an application is decided by its alliance's administrator or the regulator of its region"
            .to_owned(),
    ))
}

/// Deciding an invitation: the invited organization, with its own token (an alliance's
/// administrator or a regulator does not accept a role on an organization's behalf).
pub fn decide_invitation(viewer: &Viewer, organization_id: i32) -> AppResult<()> {
    match viewer.role {
        Role::Public => Err(AppError::Unauthenticated(
            "deciding an invitation needs the invited organization's token".to_owned(),
        )),
        Role::Enterprise
        | Role::College
        | Role::TrainingInstitution
        | Role::AssessmentBody
        | Role::Regulator
            if viewer.organization_id == Some(organization_id) =>
        {
            Ok(())
        }
        _ => Err(AppError::Forbidden(
            "an invitation is accepted or declined by the invited organization itself".to_owned(),
        )),
    }
}

/// Whether a viewer may see an application of `organization_id` (when given) to `alliance_id`
/// in `region_id`: those who decide it, and the applying organization itself.
pub fn see_membership_applications(
    viewer: &Viewer,
    alliance_id: i32,
    region_id: i32,
    organization_id: Option<i32>,
) -> bool {
    match viewer.role {
        Role::SystemAdmin => true,
        Role::AllianceAdmin => viewer.alliance_ids.contains(&alliance_id),
        Role::Regulator if viewer.region_id == Some(region_id) => true,
        Role::Public | Role::Learner => false,
        _ => organization_id.is_some() && viewer.organization_id == organization_id,
    }
}

/// Which applications a viewer's work list holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplicationScope {
    /// Every alliance's.
    All,
    /// Those to these alliances, to the alliances of this region, and those of this organization.
    Some {
        /// Alliances the viewer administers.
        alliances: Vec<i32>,
        /// The region the viewer supervises.
        region_id: Option<i32>,
        /// The viewer's own organization's applications.
        organization_id: Option<i32>,
    },
}

/// The applications a viewer may list.
pub fn application_scope(viewer: &Viewer) -> AppResult<ApplicationScope> {
    match viewer.role {
        Role::Public => Err(AppError::Unauthenticated(
            "membership applications need a token".to_owned(),
        )),
        Role::Learner => Err(AppError::Forbidden(
            "the LEARNER role may not list membership applications".to_owned(),
        )),
        Role::SystemAdmin => Ok(ApplicationScope::All),
        Role::AllianceAdmin => Ok(ApplicationScope::Some {
            alliances: viewer.alliance_ids.iter().copied().collect(),
            region_id: None,
            organization_id: viewer.organization_id,
        }),
        Role::Regulator => Ok(ApplicationScope::Some {
            alliances: vec![],
            region_id: viewer.region_id,
            organization_id: viewer.organization_id,
        }),
        _ => Ok(ApplicationScope::Some {
            alliances: vec![],
            region_id: None,
            organization_id: viewer.organization_id,
        }),
    }
}

/// Which sign-ins a viewer may list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInScope {
    /// Every sign-in.
    All,
    /// Those acting for organizations of this region (and regulators of it).
    Region(i32),
    /// Those acting for this organization (its administrator's view), and the viewer's own.
    Organization(i32, String),
    /// The viewer's own.
    Subject(String),
}

/// The sign-ins a viewer may list: the system administrator all, a regulator those of its
/// region, anyone else signed in their own.
pub fn sign_in_scope(viewer: &Viewer) -> AppResult<SignInScope> {
    match viewer.role {
        Role::Public => Err(AppError::Unauthenticated(
            "sign-ins need a token".to_owned(),
        )),
        Role::SystemAdmin => Ok(SignInScope::All),
        Role::Regulator => viewer
            .region_id
            .map(SignInScope::Region)
            .ok_or_else(|| AppError::Forbidden("the token names no region".to_owned())),
        _ => match viewer.organization_id {
            Some(org) if viewer.organization_admin => {
                Ok(SignInScope::Organization(org, viewer.subject.clone()))
            }
            _ => Ok(SignInScope::Subject(viewer.subject.clone())),
        },
    }
}

/// Whether a viewer may see a sign-in of `subject` acting for `organization_id` in `region_id`.
pub fn see_sign_in(
    viewer: &Viewer,
    subject: &str,
    organization_id: Option<i32>,
    region_id: Option<i32>,
) -> bool {
    match sign_in_scope(viewer) {
        Ok(SignInScope::All) => true,
        Ok(SignInScope::Region(region)) => region_id == Some(region) || viewer.subject == subject,
        Ok(SignInScope::Organization(org, own)) => organization_id == Some(org) || own == subject,
        Ok(SignInScope::Subject(own)) => own == subject,
        Err(_) => false,
    }
}

/// Revoking a sign-in of `subject` acting for `organization_id` in `region_id`: the subject
/// itself (signing out), the organization's administrator, the regulator of the region, or the
/// system administrator.
pub fn revoke_sign_in(
    viewer: &Viewer,
    subject: &str,
    organization_id: Option<i32>,
    region_id: Option<i32>,
) -> AppResult<()> {
    if see_sign_in(viewer, subject, organization_id, region_id) {
        Ok(())
    } else if viewer.role == Role::Public {
        Err(AppError::Unauthenticated(
            "revoking a sign-in needs a token".to_owned(),
        ))
    } else {
        Err(AppError::Forbidden(
            "a sign-in is revoked by its own subject, its organization's administrator, the regulator of its region or the system administrator"
                .to_owned(),
        ))
    }
}

/// Revoking what no sign-in shows: a token never used yet (by its `jti`; `subject` is then
/// `None`), or every token of a subject, seen or not. The system administrator, or a subject for
/// itself (signing out everywhere); a regulator or an organization's administrator revokes the
/// sign-ins it sees, one by one.
pub fn revoke_unseen(viewer: &Viewer, subject: Option<&str>) -> AppResult<()> {
    match viewer.role {
        Role::SystemAdmin => Ok(()),
        Role::Public => Err(AppError::Unauthenticated(
            "revoking tokens needs a token".to_owned(),
        )),
        _ if subject == Some(viewer.subject.as_str()) => Ok(()),
        _ => Err(AppError::Forbidden(
            "a token not seen yet, or every token of another subject, is revoked by the system administrator"
                .to_owned(),
        )),
    }
}

/// Whether a viewer may read the contact of `organization_id` (in `region_id`): its own users,
/// the regulator of its region, the system administrator. It may name a person.
pub fn see_organization_contact(viewer: &Viewer, organization_id: i32, region_id: i32) -> bool {
    match viewer.role {
        Role::SystemAdmin => true,
        Role::Regulator if viewer.region_id == Some(region_id) => true,
        Role::Public | Role::Learner => false,
        _ => viewer.organization_id == Some(organization_id),
    }
}

/// A learner's own data, whole: for the learner alone.
pub fn own_data(viewer: &Viewer) -> AppResult<i32> {
    match (viewer.role, viewer.learner_id) {
        (Role::Learner, Some(id)) => Ok(id),
        (Role::Public, _) => Err(AppError::Unauthenticated(
            "a learner's data needs the learner's token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(
            "only the learner may copy their whole record".to_owned(),
        )),
    }
}

/// Asking for a correction or the erasure of one's own personal data: the learner alone.
pub fn request_about_own_data(viewer: &Viewer) -> AppResult<i32> {
    match (viewer.role, viewer.learner_id) {
        (Role::Learner, Some(id)) => Ok(id),
        (Role::Public, _) => Err(AppError::Unauthenticated(
            "a request about a learner's data needs the learner's token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(
            "only the learner may ask to correct or erase their personal data".to_owned(),
        )),
    }
}

/// The learner a request about personal data concerns, as the policy needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestSubject {
    /// The learner.
    pub learner_id: i32,
    /// The region the learner lives in.
    pub region_id: i32,
    /// The organization that registered the learner.
    pub registered_by_id: Option<i32>,
}

/// Whether `viewer` decides a learner's request of `kind`: a correction by the college or
/// training institution that registered the learner or the regulator of the learner's region;
/// an erasure by that regulator alone (it is irreversible).
fn decides_data_request(viewer: &Viewer, kind: DataRequestKind, of: RequestSubject) -> bool {
    let regulator = viewer.role == Role::Regulator && viewer.region_id == Some(of.region_id);
    let registrar = matches!(viewer.role, Role::College | Role::TrainingInstitution)
        && viewer.organization_id.is_some()
        && viewer.organization_id == of.registered_by_id;
    match kind {
        DataRequestKind::Correction => regulator || registrar,
        DataRequestKind::Erasure => regulator,
    }
}

/// Deciding (approving or rejecting) a learner's request about their personal data.
pub fn decide_data_request(
    viewer: &Viewer,
    kind: DataRequestKind,
    of: RequestSubject,
) -> AppResult<()> {
    if decides_data_request(viewer, kind, of) {
        return Ok(());
    }
    match (viewer.role, kind) {
        (Role::Public, _) => Err(AppError::Unauthenticated(
            "deciding a learner's request needs a token".to_owned(),
        )),
        (_, DataRequestKind::Correction) => Err(AppError::Forbidden(
            "a correction is decided by the provider that registered the learner or the regulator of the learner's region".to_owned(),
        )),
        (_, DataRequestKind::Erasure) => Err(AppError::Forbidden(
            "an erasure is decided by the regulator of the learner's region".to_owned(),
        )),
    }
}

/// Whether `viewer` sees a learner's request: the learner and those who decide it.
pub fn see_data_request(viewer: &Viewer, kind: DataRequestKind, of: RequestSubject) -> bool {
    (viewer.role == Role::Learner && viewer.learner_id == Some(of.learner_id))
        || decides_data_request(viewer, kind, of)
}

/// Which requests about personal data a viewer's list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataRequestScope {
    /// The learner's own.
    Learner(i32),
    /// Every request of the learners of this region (a regulator).
    Region(i32),
    /// The corrections asked by learners this organization registered (a provider).
    RegisteredBy(i32),
}

/// The requests about personal data a viewer may list.
pub fn data_request_scope(viewer: &Viewer) -> AppResult<DataRequestScope> {
    match (
        viewer.role,
        viewer.learner_id,
        viewer.region_id,
        viewer.organization_id,
    ) {
        (Role::Public, ..) => Err(AppError::Unauthenticated(
            "requests about personal data need a token".to_owned(),
        )),
        (Role::Learner, Some(id), ..) => Ok(DataRequestScope::Learner(id)),
        (Role::Regulator, _, Some(region), _) => Ok(DataRequestScope::Region(region)),
        (Role::College | Role::TrainingInstitution, _, _, Some(org)) => {
            Ok(DataRequestScope::RegisteredBy(org))
        }
        _ => Err(AppError::Forbidden(
            "requests about personal data are listed for the learner and those who decide them"
                .to_owned(),
        )),
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

/// Whether the caller is the enterprise a cohort names (its own token).
pub fn is_employer(viewer: &Viewer, enterprise_id: Option<i32>) -> bool {
    viewer.role == Role::Enterprise
        && viewer.organization_id.is_some()
        && viewer.organization_id == enterprise_id
}

/// Confirming that a cohort trains for the enterprise it names, and that an apprentice's labour
/// contract with it is real: that enterprise's own token, nobody else's (the provider states
/// both; only the employer can vouch for them).
pub fn confirm_as_employer(viewer: &Viewer, enterprise_id: Option<i32>) -> AppResult<()> {
    require(viewer, Permission::ManageCohorts, "confirm cohorts")?;
    if is_employer(viewer, enterprise_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the enterprise the cohort names confirms it and its apprentices' contracts"
                .to_owned(),
        ))
    }
}

/// Enrolling, completing and withdrawing learners: the cohort's provider, who trains them.
pub fn train_in_cohort(viewer: &Viewer, provider_id: i32) -> AppResult<()> {
    require(viewer, Permission::ManageCohorts, "enrol learners")?;
    if acts_for_provider(viewer, provider_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "learners are enrolled by the cohort's provider".to_owned(),
        ))
    }
}

/// Whether the viewer is a user of the college or training institution `provider_id`.
fn acts_for_provider(viewer: &Viewer, provider_id: i32) -> bool {
    matches!(viewer.role, Role::College | Role::TrainingInstitution)
        && viewer.organization_id == Some(provider_id)
}

/// Keeping a cohort's training record (class days, attendance, online hours): its provider.
pub fn record_training(viewer: &Viewer, provider_id: i32) -> AppResult<()> {
    require(viewer, Permission::ManageCohorts, "keep training records")?;
    if acts_for_provider(viewer, provider_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a cohort's training record is kept by its provider".to_owned(),
        ))
    }
}

/// Claiming a subsidy for a cohort of `provider_id`: that provider's college or training
/// institution.
pub fn claim_subsidy(viewer: &Viewer, provider_id: i32) -> AppResult<()> {
    if viewer.role == Role::Public {
        return Err(AppError::Unauthenticated(
            "claiming a subsidy needs a token".to_owned(),
        ));
    }
    if acts_for_provider(viewer, provider_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a subsidy is claimed by the cohort's provider".to_owned(),
        ))
    }
}

/// Deciding and paying claim lines of `region_id`: its regulator.
pub fn decide_claims(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    match viewer.role {
        Role::Public => Err(AppError::Unauthenticated(
            "deciding a claim needs a token".to_owned(),
        )),
        Role::Regulator if viewer.region_id == Some(region_id) => Ok(()),
        _ => Err(AppError::Forbidden(
            "a claim is decided by the regulator of the cohort's region".to_owned(),
        )),
    }
}

/// Which subsidy claims a viewer may list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimScope {
    /// Every claim.
    All,
    /// The claims paid by this region's bureau.
    Region(i32),
    /// This provider's own.
    Provider(i32),
}

/// The claims a viewer may list: a regulator its region's, a provider its own, the system
/// administrator all.
pub fn claim_scope(viewer: &Viewer) -> AppResult<ClaimScope> {
    match (viewer.role, viewer.region_id, viewer.organization_id) {
        (Role::Public, ..) => Err(AppError::Unauthenticated(
            "subsidy claims need a token".to_owned(),
        )),
        (Role::SystemAdmin, ..) => Ok(ClaimScope::All),
        (Role::Regulator, Some(region), _) => Ok(ClaimScope::Region(region)),
        (Role::College | Role::TrainingInstitution, _, Some(org)) => Ok(ClaimScope::Provider(org)),
        _ => Err(AppError::Forbidden(
            "subsidy claims are for the providers claiming and the regulators paying".to_owned(),
        )),
    }
}

/// Whether a viewer sees a claim of `provider_id` paid by `region_id`.
pub fn see_claim(viewer: &Viewer, provider_id: i32, region_id: i32) -> bool {
    match claim_scope(viewer) {
        Ok(ClaimScope::All) => true,
        Ok(ClaimScope::Region(r)) => r == region_id,
        Ok(ClaimScope::Provider(p)) => p == provider_id,
        Err(_) => false,
    }
}

/// Which institution evaluations a viewer may list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvaluationScope {
    /// Every evaluation.
    All,
    /// Those of this region's institutions.
    Region(i32),
    /// This institution's own.
    Institution(i32),
}

/// The institution evaluations a viewer may list, proposed ones included: a regulator its
/// region's, a training institution its own, the system administrator all.
pub fn evaluation_scope(viewer: &Viewer) -> AppResult<EvaluationScope> {
    match (viewer.role, viewer.region_id, viewer.organization_id) {
        (Role::Public, ..) => Err(AppError::Unauthenticated(
            "institution evaluations need a token".to_owned(),
        )),
        (Role::SystemAdmin, ..) => Ok(EvaluationScope::All),
        (Role::Regulator, Some(region), _) => Ok(EvaluationScope::Region(region)),
        (Role::TrainingInstitution, _, Some(org)) => Ok(EvaluationScope::Institution(org)),
        _ => Err(AppError::Forbidden(
            "institution evaluations are for the regulator and the institution evaluated"
                .to_owned(),
        )),
    }
}

/// Whether a viewer sees the whole of an evaluation of `institution_id` in `region_id`: its
/// status whatever it is, and the counts of learners its results rest on.
pub fn see_evaluation_in_full(viewer: &Viewer, institution_id: i32, region_id: i32) -> bool {
    match evaluation_scope(viewer) {
        Ok(EvaluationScope::All) => true,
        Ok(EvaluationScope::Region(r)) => r == region_id,
        Ok(EvaluationScope::Institution(i)) => i == institution_id,
        Err(_) => false,
    }
}

/// Whether a viewer sees an evaluation's results score (and so its total): in full, or when it
/// rests on `enough_people` (the disclosure rule's minimum of ended enrolments), below which it
/// could tell one person's outcome.
pub fn see_evaluation_results(
    viewer: &Viewer,
    institution_id: i32,
    region_id: i32,
    enough_people: bool,
) -> bool {
    enough_people || see_evaluation_in_full(viewer, institution_id, region_id)
}

/// Whether a viewer sees an evaluation at all: a CONFIRMED one is public (its scores, stars and
/// standing are the bureau's published rating), any other only in full.
pub fn see_evaluation(
    viewer: &Viewer,
    institution_id: i32,
    region_id: i32,
    confirmed: bool,
) -> bool {
    confirmed || see_evaluation_in_full(viewer, institution_id, region_id)
}

/// Evaluating a training institution of `region_id` and confirming its standing: the region's
/// regulator.
pub fn evaluate_institution(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    supervise(viewer, region_id)
}

/// Supervising the subsidy claims of a region: its regulator, or the system administrator for
/// the region named. Returns the region.
pub fn supervise_claims(viewer: &Viewer, region_id: Option<i32>) -> AppResult<i32> {
    match (viewer.role, viewer.region_id, region_id) {
        (Role::Public, ..) => Err(AppError::Unauthenticated(
            "supervising claims needs a token".to_owned(),
        )),
        (Role::Regulator, Some(own), None) => Ok(own),
        (Role::Regulator, Some(own), Some(asked)) if own == asked => Ok(own),
        (Role::SystemAdmin, _, Some(asked)) => Ok(asked),
        (Role::SystemAdmin, _, None) => Err(AppError::validation(
            "region",
            "name the region to supervise",
        )),
        _ => Err(AppError::Forbidden(
            "claims are supervised by the regulator of their region".to_owned(),
        )),
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
pub fn intention_scope(viewer: &Viewer, rules: &AccessRules) -> AppResult<LearnerScope> {
    match viewer.role {
        Role::Learner | Role::College | Role::TrainingInstitution | Role::Regulator => {
            learner_scope(viewer, rules)
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

/// How long a provider keeps the full view of a learner once their relation ends.
///
/// A provider's full view comes from an ENROLLED enrolment in one of its cohorts from the
/// cohort's first day to `provider_access_days` after its last (the real days once they are
/// known, the planned ones before), a COMPLETED one that ended less than `provider_access_days`
/// ago, or its registering (or re-registering) the person less than that long ago. A WITHDRAWN
/// enrolment gives nothing; nothing lasts forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessRules {
    /// Days after the training ends (or the registration) that a provider still reads the full
    /// learner.
    pub provider_access_days: u32,
}

impl Default for AccessRules {
    fn default() -> Self {
        Self {
            provider_access_days: 365,
        }
    }
}

impl AccessRules {
    /// The earliest end of training (or registration) that still gives a provider the full view.
    pub fn provider_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - chrono::Duration::days(i64::from(self.provider_access_days))
    }
}

/// Which learners a viewer may list (each row is then shown as [`learner_view`] decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LearnerScope {
    /// Every learner (system administrators; summaries only).
    All,
    /// Learners living in a region (its regulator).
    Region(i32),
    /// Learners a provider is in a current relation with (see [`AccessRules`]): linked or
    /// ENROLLED, or COMPLETED since `since`.
    Provider {
        /// The provider.
        org: i32,
        /// The cutoff of [`AccessRules::provider_cutoff`].
        since: DateTime<Utc>,
    },
    /// One learner (themself).
    Only(i32),
}

/// The learners a viewer may list.
pub fn learner_scope(viewer: &Viewer, rules: &AccessRules) -> AppResult<LearnerScope> {
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
            Ok(LearnerScope::Provider {
                org,
                since: rules.provider_cutoff(Utc::now()),
            })
        }
        (Role::Learner, _, _, Some(learner)) => Ok(LearnerScope::Only(learner)),
        _ => Err(AppError::Forbidden(
            "no learners are visible to this token".to_owned(),
        )),
    }
}

/// How much of a learner a viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LearnerView {
    /// The masked name and the skill levels reached: nothing that identifies or characterises
    /// the person further.
    Summary,
    /// The whole record (personal data still masked; `personalData` unmasks it, audited).
    Full,
}

/// An enrolment of the learner, as far as access is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentFact {
    /// The cohort's provider.
    pub provider_id: i32,
    /// The cohort's enterprise, if it trains for one.
    pub enterprise_id: Option<i32>,
    /// The cohort's alliance.
    pub alliance_id: i32,
    /// The region of that alliance.
    pub region_id: i32,
    /// ENROLLED, COMPLETED or WITHDRAWN.
    pub status: EnrollmentStatus,
    /// When it completed or was withdrawn.
    pub ended_at: Option<DateTime<Utc>>,
    /// The cohort's first day: the real one once it started, the planned one before.
    pub starts_on: chrono::NaiveDate,
    /// The cohort's last day: the real one once it finished, the planned one before.
    pub ends_on: chrono::NaiveDate,
}

/// What the graph holds about a learner's relations: everything [`learner_view`] decides on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LearnerFacts {
    /// The learner.
    pub learner_id: i32,
    /// The region the learner lives in.
    pub region_id: i32,
    /// Organizations that registered (or re-registered) the person, and when.
    pub links: Vec<(i32, DateTime<Utc>)>,
    /// Every enrolment.
    pub enrolments: Vec<EnrolmentFact>,
    /// Organizations of the assessment bodies the learner is a candidate of.
    pub assessed_by: BTreeSet<i32>,
    /// Enterprises whose demands were recommended to the learner.
    pub recommended_to: BTreeSet<i32>,
}

impl LearnerFacts {
    /// What is known of a learner before their relations are read: who and where.
    pub fn bare(learner_id: i32, region_id: i32) -> Self {
        Self {
            learner_id,
            region_id,
            ..Default::default()
        }
    }
}

/// Whether [`learner_view`] needs more than the learner's id and region for this viewer: the
/// learner themself, the regulator of the learner's region, system administrators and the public
/// are decided without a look at the relations.
pub fn learner_view_needs_relations(viewer: &Viewer, region_id: i32) -> bool {
    match viewer.role {
        Role::Public | Role::Learner | Role::SystemAdmin => false,
        Role::Regulator => viewer.region_id != Some(region_id),
        _ => true,
    }
}

/// The one decision for every object that carries a person: how much of this learner the viewer
/// sees, or `None`.
///
/// - **Full**: the learner themself; the regulator of the learner's region; a provider in a
///   current relation ([`AccessRules`]).
/// - **Summary**: system administrators; an enterprise the learner trains for (ENROLLED or
///   COMPLETED in a cohort for it) or whose demand was recommended to the learner; an assessment
///   body the learner is a candidate of; an alliance administrator of an alliance the learner
///   trains or trained in; the regulator of a region the learner trains or trained in; a provider
///   whose relation has lapsed.
/// - Nothing for anyone else.
pub fn learner_view(
    viewer: &Viewer,
    facts: &LearnerFacts,
    rules: &AccessRules,
    now: DateTime<Utc>,
) -> Option<LearnerView> {
    let trained = |e: &&EnrolmentFact| e.status != EnrollmentStatus::Withdrawn;
    let org = viewer.organization_id;
    match viewer.role {
        Role::Public => None,
        Role::Learner => (viewer.learner_id == Some(facts.learner_id)).then_some(LearnerView::Full),
        Role::SystemAdmin => Some(LearnerView::Summary),
        Role::Regulator if viewer.region_id == Some(facts.region_id) => Some(LearnerView::Full),
        Role::Regulator => facts
            .enrolments
            .iter()
            .filter(trained)
            .any(|e| viewer.region_id == Some(e.region_id))
            .then_some(LearnerView::Summary),
        Role::College | Role::TrainingInstitution => {
            let org = org?;
            if provider_in_relation(facts, org, rules, now) {
                Some(LearnerView::Full)
            } else {
                facts
                    .enrolments
                    .iter()
                    .filter(trained)
                    .any(|e| e.provider_id == org)
                    .then_some(LearnerView::Summary)
            }
        }
        Role::Enterprise => {
            let org = org?;
            (facts.recommended_to.contains(&org)
                || facts
                    .enrolments
                    .iter()
                    .filter(trained)
                    .any(|e| e.enterprise_id == Some(org)))
            .then_some(LearnerView::Summary)
        }
        Role::AssessmentBody => {
            let org = org?;
            facts
                .assessed_by
                .contains(&org)
                .then_some(LearnerView::Summary)
        }
        Role::AllianceAdmin => facts
            .enrolments
            .iter()
            .filter(trained)
            .any(|e| viewer.alliance_ids.contains(&e.alliance_id))
            .then_some(LearnerView::Summary),
    }
}

/// Whether a provider is in a current relation with the learner ([`AccessRules`]): linked (it
/// registered them) within the configured days, an ENROLLED enrolment in one of its cohorts
/// between the cohort's first day and the configured days after its last, or a completion there
/// within the configured days.
pub fn provider_in_relation(
    facts: &LearnerFacts,
    provider_id: i32,
    rules: &AccessRules,
    now: DateTime<Utc>,
) -> bool {
    let since = rules.provider_cutoff(now);
    facts
        .links
        .iter()
        .any(|(o, at)| *o == provider_id && *at >= since)
        || facts.enrolments.iter().any(|e| {
            e.provider_id == provider_id
                && match e.status {
                    EnrollmentStatus::Enrolled => {
                        let today = now.date_naive();
                        e.starts_on <= today && e.ends_on >= since.date_naive()
                    }
                    EnrollmentStatus::Completed => e.ended_at.is_some_and(|t| t >= since),
                    EnrollmentStatus::Withdrawn => false,
                }
        })
}

/// Whether a viewer may read a learner's unmasked personal data: the full view, and a purpose
/// (the learner, the regulator of the learner's region, the providers in a current relation) — a
/// system administrator's summary never unmasks.
pub fn read_personal_data(viewer: &Viewer, view: Option<LearnerView>) -> AppResult<()> {
    require(viewer, Permission::ReadPersonalData, "read personal data")?;
    if view == Some(LearnerView::Full) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this learner's personal data is not yours to read".to_owned(),
        ))
    }
}

/// Why a provider may enrol a learner. Anything else is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolmentBasis {
    /// The provider registered (or re-registered) the person less than `provider_access_days`
    /// ago ([`AccessRules`]).
    Registered,
    /// The learner is bundled in a training order the provider accepted, and the cohort is the
    /// one accepting it opened (a dispatched order, or a declined one, enrols nobody).
    Ordered,
    /// The learner applied to this cohort with their own token.
    Applied,
    /// The provider named the learner by full name and national ID number, both matching the
    /// record (the real-name sign-up at the counter).
    Identified,
}

/// Enrolling a learner in a cohort of `provider_id`: its provider, on one of the
/// [`EnrolmentBasis`]; without one, FORBIDDEN (the same answer whether or not the learner exists).
pub fn enrol(
    viewer: &Viewer,
    provider_id: i32,
    basis: Option<EnrolmentBasis>,
) -> AppResult<EnrolmentBasis> {
    train_in_cohort(viewer, provider_id)?;
    basis.ok_or_else(|| {
        AppError::Forbidden(
            "input.learner: a provider enrols a learner it registered within its access period, \
             one bundled in an order it accepted (into that order's cohort), one who applied to \
             the cohort, or one it names by full name and national ID number"
                .to_owned(),
        )
    })
}

/// Applying to a cohort: a learner, for themself.
pub fn apply_to_cohort(viewer: &Viewer) -> AppResult<i32> {
    match (viewer.role, viewer.learner_id) {
        (Role::Learner, Some(id)) => Ok(id),
        (Role::Public, _) => Err(AppError::Unauthenticated(
            "applying to a cohort needs a learner's token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(
            "only a learner applies to a cohort, for themself".to_owned(),
        )),
    }
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

/// Who is enrolled in a cohort (each learner then shown as [`learner_view`] decides): its
/// provider and enterprise, the regulator of its region, system administrators. The counts are
/// public.
pub fn list_cohort_learners(
    viewer: &Viewer,
    provider_id: i32,
    enterprise_id: Option<i32>,
    region_id: Option<i32>,
) -> AppResult<()> {
    let ok = match viewer.role {
        Role::SystemAdmin => true,
        Role::College | Role::TrainingInstitution => viewer.organization_id == Some(provider_id),
        Role::Enterprise => {
            viewer.organization_id.is_some() && viewer.organization_id == enterprise_id
        }
        Role::Regulator => region_id.is_some() && viewer.region_id == region_id,
        _ => false,
    };
    if ok {
        Ok(())
    } else if viewer.role == Role::Public {
        Err(AppError::Unauthenticated(
            "who is enrolled needs a token".to_owned(),
        ))
    } else {
        Err(AppError::Forbidden(
            "who is enrolled is not yours to see; the counts are public".to_owned(),
        ))
    }
}

/// Which demands besides OPEN ones a viewer sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemandVisibility {
    /// Every demand (system administrators).
    All,
    /// OPEN demands, and also these.
    OpenAnd {
        /// The demands of this enterprise (its own users).
        enterprise: Option<i32>,
        /// The demands posted to these alliances (their administrators).
        alliances: BTreeSet<i32>,
        /// The demands of this region (its regulator).
        region: Option<i32>,
    },
}

/// The demands a viewer sees.
pub fn demand_visibility(viewer: &Viewer) -> DemandVisibility {
    match viewer.role {
        Role::SystemAdmin => DemandVisibility::All,
        role => DemandVisibility::OpenAnd {
            enterprise: viewer.organization_id.filter(|_| role == Role::Enterprise),
            alliances: if role == Role::AllianceAdmin {
                viewer.alliance_ids.clone()
            } else {
                BTreeSet::new()
            },
            region: viewer.region_id.filter(|_| role == Role::Regulator),
        },
    }
}

/// Whether a viewer sees one demand, by the rule of [`demand_visibility`].
pub fn see_demand(
    viewer: &Viewer,
    open: bool,
    enterprise_id: i32,
    region_id: i32,
    alliance_ids: &[i32],
) -> bool {
    open || match demand_visibility(viewer) {
        DemandVisibility::All => true,
        DemandVisibility::OpenAnd {
            enterprise,
            alliances,
            region,
        } => {
            enterprise == Some(enterprise_id)
                || alliance_ids.iter().any(|a| alliances.contains(a))
                || region == Some(region_id)
        }
    }
}

/// Which training orders a viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderScope {
    /// All of them (system administrators).
    All,
    /// Those a region's bureau dispatched.
    Region(i32),
    /// Those dispatched to a provider.
    Provider(i32),
}

/// Reading training orders: the bureau's and the providers'.
pub fn order_scope(viewer: &Viewer) -> AppResult<OrderScope> {
    match (viewer.role, viewer.region_id, viewer.organization_id) {
        (Role::SystemAdmin, ..) => Ok(OrderScope::All),
        (Role::Regulator, Some(region), _) => Ok(OrderScope::Region(region)),
        (Role::College | Role::TrainingInstitution, _, Some(org)) => Ok(OrderScope::Provider(org)),
        (Role::Public, ..) => Err(AppError::Unauthenticated(
            "training orders need a token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(
            "training orders are the bureau's and the providers'".to_owned(),
        )),
    }
}

/// Whether a viewer sees one training order, by the rule of [`order_scope`].
pub fn see_order(viewer: &Viewer, region_id: i32, provider_id: i32) -> bool {
    match order_scope(viewer) {
        Ok(OrderScope::All) => true,
        Ok(OrderScope::Region(r)) => r == region_id,
        Ok(OrderScope::Provider(p)) => p == provider_id,
        Err(_) => false,
    }
}

/// Whether a viewer sees a session's candidates: the body's users, the regulator of the
/// session's region.
pub fn see_candidates(viewer: &Viewer, session_region_id: i32, body_organization_id: i32) -> bool {
    match viewer.role {
        Role::Regulator => viewer.region_id == Some(session_region_id),
        Role::Public | Role::Learner => false,
        _ => viewer.organization_id == Some(body_organization_id),
    }
}

/// How exact the aggregates about people are for a viewer (see `domain::disclosure`).
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
    if viewer.role == Role::Regulator {
        Precision::Exact
    } else {
        Precision::Protected
    }
}

/// Whether a viewer signed in with a token (anyone else is the public): a signed-in caller's
/// rate-limit budget is its subject's, the public's its client address's.
pub fn signed_in(viewer: &Viewer) -> bool {
    viewer.role != Role::Public
}
