//! Regions, alliances, organizations, memberships and applications: who founds, registers, admits,
//! applies and invites.

use super::*;

/// Admitting, re-roling or removing members of `alliance_id`.
pub fn may_manage_membership(viewer: &Viewer, alliance_id: i32) -> AppResult<()> {
    require(
        viewer,
        Permission::ManageMembership,
        "manage alliance membership",
    )?;
    if viewer.role() == Role::SystemAdmin || viewer.alliance_ids().contains(&alliance_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this alliance is not one the token administers".to_owned(),
        ))
    }
}

/// Registering an organization located in `region_id`: the regulator of that region, or the
/// system administrator anywhere.
pub fn may_register_organization(viewer: &Viewer, region_id: i32) -> AppResult<()> {
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

/// Adding, renaming and retiring regions of the division tree: the system administrator (codes
/// are national; no region's regulator changes another's).
pub fn may_keep_regions(viewer: &Viewer) -> AppResult<()> {
    require(viewer, Permission::KeepRegions, "keep the division tree")
}

/// Keeping reference data that regions extend (industries, target groups): the system
/// administrator keeps the national list (`None`), a regulator its region's (`Some(region)`).
pub fn may_keep_reference_data(viewer: &Viewer, what: &str) -> AppResult<Option<i32>> {
    match viewer.role() {
        Role::SystemAdmin => Ok(None),
        Role::Regulator => viewer
            .region_id()
            .map(Some)
            .ok_or_else(|| AppError::Forbidden("the token names no region".to_owned())),
        Role::Public => Err(AppError::Unauthenticated(format!(
            "keeping {what} needs a token"
        ))),
        _ => Err(AppError::Forbidden(format!(
            "{what} are kept by the system administrator and regulators"
        ))),
    }
}

/// Changing a row of reference data added by `added_by` (`None`: the national list): the
/// system administrator any, a regulator those its own region added.
pub fn may_change_reference_row(
    viewer: &Viewer,
    added_by: Option<i32>,
    what: &str,
) -> AppResult<()> {
    match viewer.role() {
        Role::SystemAdmin => Ok(()),
        Role::Regulator if added_by.is_some() && viewer.region_id() == added_by => Ok(()),
        _ => Err(AppError::Forbidden(format!(
            "this {what} is changed by the system administrator or the region that added it"
        ))),
    }
}

/// Recording an organization's attributes (ownership, 规上, 专精特新, 链主, college type,
/// training centre), official classifications: the regulator of its region, or the system
/// administrator.
pub fn may_record_attributes(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    match viewer.role() {
        Role::SystemAdmin => Ok(()),
        Role::Regulator if viewer.region_id() == Some(region_id) => Ok(()),
        Role::Public => Err(AppError::Unauthenticated(
            "recording attributes needs a token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(
            "an organization's attributes are recorded by the regulator of its region".to_owned(),
        )),
    }
}

/// Keeping the clusters of city `region_id`: its regulator, or the system administrator.
pub fn may_keep_clusters(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    match viewer.role() {
        Role::SystemAdmin => Ok(()),
        Role::Regulator if viewer.region_id() == Some(region_id) => Ok(()),
        Role::Public => Err(AppError::Unauthenticated(
            "keeping clusters needs a token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(
            "a city's clusters are kept by its regulator".to_owned(),
        )),
    }
}

/// Founding an alliance in `region_id`: the regulator of that region, or the system
/// administrator anywhere.
pub fn may_found_alliance(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    require(viewer, Permission::FoundAlliances, "found alliances")?;
    in_own_region(
        viewer,
        region_id,
        "alliances of another region are founded there",
    )
}

/// Asking to join an alliance: for the viewer's own organization, which the result names.
pub fn may_apply_for_membership(viewer: &Viewer) -> AppResult<i32> {
    require(
        viewer,
        Permission::ApplyForMembership,
        "apply for alliance membership",
    )?;
    viewer
        .organization_id()
        .ok_or_else(|| AppError::Forbidden("the token names no organization".to_owned()))
}

/// Deciding an application to `alliance_id` (in `region_id`): the alliance's administrator, the
/// regulator of its region, or the system administrator.
pub fn may_decide_membership_application(
    viewer: &Viewer,
    alliance_id: i32,
    region_id: i32,
) -> AppResult<()> {
    if membership_application_visible(viewer, alliance_id, region_id, None) {
        return Ok(());
    }
    if viewer.role() == Role::Public {
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
pub fn may_decide_invitation(viewer: &Viewer, organization_id: i32) -> AppResult<()> {
    match viewer.role() {
        Role::Public => Err(AppError::Unauthenticated(
            "deciding an invitation needs the invited organization's token".to_owned(),
        )),
        Role::Enterprise
        | Role::College
        | Role::TrainingInstitution
        | Role::AssessmentBody
        | Role::Regulator
            if viewer.organization_id() == Some(organization_id) =>
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
pub fn membership_application_visible(
    viewer: &Viewer,
    alliance_id: i32,
    region_id: i32,
    organization_id: Option<i32>,
) -> bool {
    match viewer.role() {
        Role::SystemAdmin => true,
        Role::AllianceAdmin => viewer.alliance_ids().contains(&alliance_id),
        Role::Regulator if viewer.region_id() == Some(region_id) => true,
        Role::Public | Role::Learner => false,
        _ => organization_id.is_some() && viewer.organization_id() == organization_id,
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
    match viewer.role() {
        Role::Public => Err(AppError::Unauthenticated(
            "membership applications need a token".to_owned(),
        )),
        Role::Learner => Err(AppError::Forbidden(
            "the LEARNER role may not list membership applications".to_owned(),
        )),
        Role::SystemAdmin => Ok(ApplicationScope::All),
        Role::AllianceAdmin => Ok(ApplicationScope::Some {
            alliances: viewer.alliance_ids().iter().copied().collect(),
            region_id: None,
            organization_id: viewer.organization_id(),
        }),
        Role::Regulator => Ok(ApplicationScope::Some {
            alliances: vec![],
            region_id: viewer.region_id(),
            organization_id: viewer.organization_id(),
        }),
        _ => Ok(ApplicationScope::Some {
            alliances: vec![],
            region_id: None,
            organization_id: viewer.organization_id(),
        }),
    }
}

/// Whether a viewer may read the contact of `organization_id` (in `region_id`): its own users,
/// the regulator of its region, the system administrator. It may name a person.
pub fn organization_contact_visible(viewer: &Viewer, organization_id: i32, region_id: i32) -> bool {
    match viewer.role() {
        Role::SystemAdmin => true,
        Role::Regulator if viewer.region_id() == Some(region_id) => true,
        Role::Public | Role::Learner => false,
        _ => viewer.organization_id() == Some(organization_id),
    }
}

/// Changing the public profile of `organization_id`.
pub fn may_update_organization(viewer: &Viewer, organization_id: i32) -> AppResult<()> {
    require(
        viewer,
        Permission::UpdateOwnOrganization,
        "update an organization's profile",
    )?;
    if viewer.organization_id() == Some(organization_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "an organization's profile is changed only by its own users".to_owned(),
        ))
    }
}
