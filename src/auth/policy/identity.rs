//! Sign-ins: who sees and revokes tokens.

use super::*;

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
    match viewer.role() {
        Role::Public => Err(AppError::Unauthenticated(
            "sign-ins need a token".to_owned(),
        )),
        Role::SystemAdmin => Ok(SignInScope::All),
        Role::Regulator => viewer
            .region_id()
            .map(SignInScope::Region)
            .ok_or_else(|| AppError::Forbidden("the token names no region".to_owned())),
        _ => match viewer.organization_id() {
            Some(org) if viewer.organization_admin() => {
                Ok(SignInScope::Organization(org, viewer.subject.clone()))
            }
            _ => Ok(SignInScope::Subject(viewer.subject.clone())),
        },
    }
}

/// Whether a viewer may see a sign-in of `subject` acting for `organization_id` in `region_id`.
pub fn sign_in_visible(
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
pub fn may_revoke_sign_in(
    viewer: &Viewer,
    subject: &str,
    organization_id: Option<i32>,
    region_id: Option<i32>,
) -> AppResult<()> {
    if sign_in_visible(viewer, subject, organization_id, region_id) {
        Ok(())
    } else if viewer.role() == Role::Public {
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
pub fn may_revoke_unseen(viewer: &Viewer, subject: Option<&str>) -> AppResult<()> {
    match viewer.role() {
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
