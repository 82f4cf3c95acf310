//! Cohorts, enrolments, training records and open resources: who trains, who confirms for the
//! employer, why a provider may enrol a person.

use super::*;

/// Creating or moving a cohort: its provider's or its enterprise's users.
pub fn may_manage_cohort(
    viewer: &Viewer,
    provider_id: i32,
    enterprise_id: Option<i32>,
) -> AppResult<()> {
    require(viewer, Permission::ManageCohorts, "manage cohorts")?;
    if acts_for_provider(viewer, provider_id) || is_employer(viewer, enterprise_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a cohort is managed by its provider or its enterprise".to_owned(),
        ))
    }
}

/// Whether the caller is the enterprise a cohort names (its own token).
pub fn is_employer(viewer: &Viewer, enterprise_id: Option<i32>) -> bool {
    viewer.role() == Role::Enterprise
        && viewer.organization_id().is_some()
        && viewer.organization_id() == enterprise_id
}

/// Confirming that a cohort trains for the enterprise it names, and that an apprentice's labour
/// contract with it is real: that enterprise's own token, nobody else's (the provider states
/// both; only the employer can vouch for them).
pub fn may_confirm_as_employer(viewer: &Viewer, enterprise_id: Option<i32>) -> AppResult<()> {
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
pub fn may_train_in_cohort(viewer: &Viewer, provider_id: i32) -> AppResult<()> {
    require(viewer, Permission::ManageCohorts, "enrol learners")?;
    if acts_for_provider(viewer, provider_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "learners are enrolled by the cohort's provider".to_owned(),
        ))
    }
}

/// Keeping a cohort's training record (class days, attendance, online hours): its provider.
pub fn may_record_training(viewer: &Viewer, provider_id: i32) -> AppResult<()> {
    require(viewer, Permission::ManageCohorts, "keep training records")?;
    if acts_for_provider(viewer, provider_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a cohort's training record is kept by its provider".to_owned(),
        ))
    }
}

/// Publishing resources and plans: the provider the viewer acts for.
pub fn may_publish_resources(viewer: &Viewer) -> AppResult<i32> {
    acting_provider(viewer, "publish training resources")
}

/// Taking training orders: a provider, the one the viewer acts for.
pub fn may_take_orders(viewer: &Viewer) -> AppResult<i32> {
    acting_provider(viewer, "take training orders")
}

/// The provider the viewer acts for, when its role may `what` (a provider's).
fn acting_provider(viewer: &Viewer, what: &str) -> AppResult<i32> {
    require(viewer, Permission::PublishResources, what)?;
    provider_of(viewer).ok_or_else(|| AppError::Forbidden("the token names no provider".to_owned()))
}

/// Withdrawing a published resource: its own provider.
pub fn may_withdraw_resource(
    provider_id: i32,
    resource: &entity::open_resource::Model,
) -> AppResult<()> {
    if resource.provider_id == provider_id {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a resource is withdrawn by its own provider".to_owned(),
        ))
    }
}

/// Whether an organization provides training at all, and for whom: the one rule of who is a
/// provider. A college or a training institution trains anyone; an enterprise with a registered
/// training centre (企业培训中心, 技能学堂) trains anyone too; a chain master (链主企业) without one
/// trains for its own chain only (cohorts for itself or an enterprise whose chain master it is).
/// Everyone else is refused, with the reason. A token of an enterprise carries this answer
/// ([`crate::auth::Actor::Enterprise`]), and every domain check of a cohort's or an order's
/// provider asks it.
pub fn may_provide_training(org: &entity::organization::Model) -> AppResult<Reach> {
    use entity::OrganizationKind as Kind;
    match org.kind {
        Kind::College | Kind::TrainingInstitution => Ok(Reach::Anyone),
        Kind::Enterprise if org.training_centre => Ok(Reach::Anyone),
        Kind::Enterprise if org.chain_master => Ok(Reach::Chain),
        Kind::Enterprise => Err(AppError::Forbidden(format!(
            "{} provides no training: an enterprise trains with a registered training centre, \
             or as a chain master for its chain",
            org.name
        ))),
        _ => Err(AppError::Forbidden(format!(
            "{} provides no training: colleges, training institutions and enterprises that \
             train do",
            org.name
        ))),
    }
}

/// Training for `enterprise` (the enterprise a cohort or an order trains for, if any) as a
/// provider of `reach`: anyone's provider may; a chain master trains for itself or an
/// enterprise of its chain, and only for a named one.
pub fn may_train_for(
    provider: &entity::organization::Model,
    reach: Reach,
    enterprise: Option<&entity::organization::Model>,
) -> AppResult<()> {
    match (reach, enterprise) {
        (Reach::Anyone, _) => Ok(()),
        (Reach::Chain, Some(e))
            if e.id == provider.id || e.chain_master_id == Some(provider.id) =>
        {
            Ok(())
        }
        (Reach::Chain, _) => Err(AppError::Forbidden(format!(
            "{} trains as a chain master: for itself or an enterprise of its chain, named as \
             the cohort's enterprise",
            provider.name
        ))),
    }
}

/// Publishing or training at all: a suspended or exited training institution may do neither.
pub fn may_train(provider: &entity::organization::Model) -> AppResult<()> {
    match provider.catalogue_status {
        Some(
            status @ (entity::InstitutionStatus::Suspended | entity::InstitutionStatus::Exited),
        ) => Err(AppError::Forbidden(format!(
            "{} is {} from the catalogue",
            provider.name,
            if status == entity::InstitutionStatus::Suspended {
                "suspended"
            } else {
                "exited"
            }
        ))),
        _ => Ok(()),
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
pub fn may_enrol(
    viewer: &Viewer,
    provider_id: i32,
    basis: Option<EnrolmentBasis>,
) -> AppResult<EnrolmentBasis> {
    may_train_in_cohort(viewer, provider_id)?;
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
pub fn may_apply_to_cohort(viewer: &Viewer) -> AppResult<i32> {
    match (viewer.role(), viewer.learner_id()) {
        (Role::Learner, Some(id)) => Ok(id),
        (Role::Public, _) => Err(AppError::Unauthenticated(
            "applying to a cohort needs a learner's token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(
            "only a learner applies to a cohort, for themself".to_owned(),
        )),
    }
}

/// Who is enrolled in a cohort (each learner then shown as [`learner_view`] decides): its
/// provider and enterprise, the regulator of its region, system administrators. The counts are
/// public.
pub fn may_list_cohort_learners(
    viewer: &Viewer,
    provider_id: i32,
    enterprise_id: Option<i32>,
    region_id: Option<i32>,
) -> AppResult<()> {
    let ok = match viewer.role() {
        Role::SystemAdmin => true,
        Role::Regulator => region_id.is_some() && viewer.region_id() == region_id,
        _ => acts_for_provider(viewer, provider_id) || is_employer(viewer, enterprise_id),
    };
    if ok {
        Ok(())
    } else if viewer.role() == Role::Public {
        Err(AppError::Unauthenticated(
            "who is enrolled needs a token".to_owned(),
        ))
    } else {
        Err(AppError::Forbidden(
            "who is enrolled is not yours to see; the counts are public".to_owned(),
        ))
    }
}
