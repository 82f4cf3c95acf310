//! Employment service: recommendations, the backlog and follow-ups.

use super::*;

/// Whose employment service a viewer runs: the learners a provider trains, the completers of an
/// alliance administrator's alliances, the learners of a regulator's region, the learners of a
/// department's programmes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmploymentScope {
    /// Learners a provider registered or trains.
    Provider(i32),
    /// Learners who completed training in one of these alliances.
    Alliances(std::collections::BTreeSet<i32>),
    /// Learners living in a region.
    Region(i32),
    /// Learners training (not withdrawn) in cohorts of the programmes a department answers for.
    Department(i32),
}

/// Recommending jobs to learners: a training provider, an alliance administrator or the regulator.
pub fn may_recommend_jobs(viewer: &Viewer) -> AppResult<EmploymentScope> {
    match (viewer.role(), provider_of(viewer), viewer.region_id()) {
        (_, Some(org), _) => Ok(EmploymentScope::Provider(org)),
        (Role::AllianceAdmin, ..) if !viewer.alliance_ids().is_empty() => {
            Ok(EmploymentScope::Alliances(viewer.alliance_ids().clone()))
        }
        (Role::Regulator, _, Some(region)) => Ok(EmploymentScope::Region(region)),
        (Role::Public, ..) => Err(AppError::Unauthenticated(
            "recommending jobs needs a token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(format!(
            "the {} role does not recommend jobs",
            viewer.role().as_str()
        ))),
    }
}

/// Reading the recommendation backlog: the regulator and alliance administrators.
pub fn may_read_recommendation_backlog(viewer: &Viewer) -> AppResult<EmploymentScope> {
    match may_recommend_jobs(viewer)? {
        EmploymentScope::Provider(_) => Err(AppError::Forbidden(
            "the backlog is the bureau's and the alliance administrators' work list".to_owned(),
        )),
        scope => Ok(scope),
    }
}

/// Serving learners in the "1131" employment service (recording policy briefings and career
/// guidance): whoever recommends jobs ([`may_recommend_jobs`]), and a department for the
/// learners of the programmes it answers for.
pub fn may_serve_learners(viewer: &Viewer) -> AppResult<EmploymentScope> {
    match (viewer.role(), viewer.organization_id()) {
        (Role::Department, Some(org)) => Ok(EmploymentScope::Department(org)),
        (Role::Department, None) => Err(AppError::Forbidden(
            "the token names no department".to_owned(),
        )),
        _ => may_recommend_jobs(viewer),
    }
}

/// Reading the "1131" work list: the regulator (its region), alliance administrators (the
/// completers of their alliances) and departments (the learners of their programmes).
pub fn may_read_service_work_list(viewer: &Viewer) -> AppResult<EmploymentScope> {
    match may_serve_learners(viewer)? {
        EmploymentScope::Provider(_) => Err(AppError::Forbidden(
            "the 1131 work list is the bureau's, the alliance administrators' and the departments'"
                .to_owned(),
        )),
        scope => Ok(scope),
    }
}

/// Recording follow-ups and listing those due: the training provider, the regulator, or a
/// department for the cohorts of its programmes.
pub fn may_follow_up(viewer: &Viewer) -> AppResult<EmploymentScope> {
    match may_serve_learners(viewer)? {
        EmploymentScope::Alliances(_) => Err(AppError::Forbidden(
            "follow-ups are recorded by the training provider, the bureau or a department"
                .to_owned(),
        )),
        scope => Ok(scope),
    }
}

/// Whether a department answers for a learner: one training (not withdrawn) in a cohort of a
/// programme it answers for ([`LearnerFacts::answered_by`]).
pub fn department_in_relation(facts: &LearnerFacts, department: i32) -> bool {
    facts.answered_by.contains(&department)
}

/// A learner answering a recommendation made to them.
pub fn may_respond_to_recommendation(viewer: &Viewer, learner_id: i32) -> AppResult<()> {
    match viewer.role() {
        Role::Learner if viewer.learner_id() == Some(learner_id) => Ok(()),
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
pub fn demand_recommendations_visible(
    viewer: &Viewer,
    enterprise_id: i32,
    region_id: i32,
    alliance_ids: &[i32],
) -> bool {
    match viewer.role() {
        Role::SystemAdmin => true,
        Role::Enterprise => viewer.organization_id() == Some(enterprise_id),
        Role::AllianceAdmin => alliance_ids
            .iter()
            .any(|a| viewer.alliance_ids().contains(a)),
        Role::Regulator => viewer.region_id() == Some(region_id),
        _ => false,
    }
}

/// Reading the backlog of one alliance: within the scope (an alliance administrator's own).
pub fn may_read_alliance_backlog(scope: &EmploymentScope, alliance_id: i32) -> AppResult<()> {
    match scope {
        EmploymentScope::Alliances(allowed) if !allowed.contains(&alliance_id) => Err(
            AppError::Forbidden("this alliance is not one the token administers".to_owned()),
        ),
        _ => Ok(()),
    }
}

/// Reading the backlog of one region: within the scope (a regulator's own region).
pub fn may_read_region_backlog(scope: &EmploymentScope, region_id: i32) -> AppResult<()> {
    match scope {
        EmploymentScope::Region(r) if *r != region_id => Err(AppError::Forbidden(
            "this is another region's backlog".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// Recommending a job to a learner: one whose employment service the viewer runs (`in_scope`,
/// read by the domain against the [`EmploymentScope`]).
pub fn may_recommend_to(in_scope: bool) -> AppResult<()> {
    if in_scope {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this learner is not one whose employment service you run".to_owned(),
        ))
    }
}

/// Serving a learner in the 1131 service: one whose employment service the viewer runs
/// (`in_scope`, read by the domain against the [`EmploymentScope`]).
pub fn may_serve(in_scope: bool) -> AppResult<()> {
    if in_scope {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this learner is not one whose employment service you run".to_owned(),
        ))
    }
}

/// Recording a follow-up of a completion: the cohort's provider, the regulator of the cohort's
/// or the learner's region, or a department answering for the cohort's programme
/// (`cohort_departments`).
pub fn may_record_follow_up(
    scope: &EmploymentScope,
    cohort_provider_id: i32,
    cohort_region_id: Option<i32>,
    learner_region_id: i32,
    cohort_departments: &[i32],
) -> AppResult<()> {
    let allowed = match scope {
        EmploymentScope::Provider(org) => *org == cohort_provider_id,
        EmploymentScope::Region(r) => cohort_region_id == Some(*r) || learner_region_id == *r,
        EmploymentScope::Department(org) => cohort_departments.contains(org),
        EmploymentScope::Alliances(_) => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a follow-up is recorded by the cohort's provider, the bureau or a department answering for the cohort's programme".to_owned(),
        ))
    }
}

/// Reading a demand's recommendations: [`demand_recommendations_visible`], refused with a reason.
pub fn may_read_demand_recommendations(
    viewer: &Viewer,
    enterprise_id: i32,
    region_id: i32,
    alliance_ids: &[i32],
) -> AppResult<()> {
    if demand_recommendations_visible(viewer, enterprise_id, region_id, alliance_ids) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a demand's recommendations are its enterprise's and supervisors'".into(),
        ))
    }
}
