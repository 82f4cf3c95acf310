//! Skill evaluation: assessment bodies and their candidates.

use super::*;

/// Evaluating skills: the organization the viewer acts for (the domain checks it is a filed body).
pub fn may_assess(viewer: &Viewer) -> AppResult<i32> {
    match &viewer.actor {
        Actor::Enterprise { staff, .. }
        | Actor::AssessmentBody(staff)
        | Actor::TrainingInstitution(staff)
        | Actor::College(staff) => Ok(staff.organization),
        Actor::Public => Err(AppError::Unauthenticated(
            "evaluating skills needs a token".to_owned(),
        )),
        other => Err(AppError::Forbidden(format!(
            "the {} role does not evaluate skills",
            other.role().as_str()
        ))),
    }
}

/// Registering candidates: the organization acted for, a session's body or a learner's training
/// provider (which of the two, [`may_register_candidate`] decides on the row).
pub fn may_register_candidates(viewer: &Viewer) -> AppResult<i32> {
    may_assess(viewer)
}

/// Whether a viewer sees a session's candidates: the body's users, the regulator of the
/// session's region.
pub fn candidates_visible(
    viewer: &Viewer,
    session_region_id: i32,
    body_organization_id: i32,
) -> bool {
    match viewer.role() {
        Role::Regulator => viewer.region_id() == Some(session_region_id),
        Role::Public | Role::Learner => false,
        _ => viewer.organization_id() == Some(body_organization_id),
    }
}

/// Managing a session: the acting body (`acting_body_id`, the viewer's filed body) runs only its
/// own sessions.
pub fn may_manage_session(acting_body_id: i32, session_body_id: i32) -> AppResult<()> {
    if acting_body_id == session_body_id {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the session belongs to another assessment body".to_owned(),
        ))
    }
}

/// Evaluating at all: only a filed body (`filed` is whether the acting organization filed one).
pub fn may_act_as_body(filed: bool) -> AppResult<()> {
    if filed {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the organization is not a filed assessment body".to_owned(),
        ))
    }
}

/// Evaluating needs an ACTIVE body: a suspended or revoked one may not evaluate.
pub fn may_evaluate(body: &entity::assessment_body::Model) -> AppResult<()> {
    if body.status == entity::BodyStatus::Active {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "the assessment body is {:?}; it may not evaluate",
            body.status
        )))
    }
}

/// Registering a learner as a session's candidate: the session's body (`org_id` is its
/// organization), or the learner's training provider (`trains_learner`, read by the domain).
pub fn may_register_candidate(
    org_id: i32,
    body_organization_id: i32,
    trains_learner: bool,
) -> AppResult<()> {
    if org_id == body_organization_id || trains_learner {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "candidates are registered by the session's body or the learner's training provider"
                .to_owned(),
        ))
    }
}

/// Revoking a certificate: its body's users, or the regulator of the body's region.
pub fn may_revoke_certificate(
    viewer: &Viewer,
    body_organization_id: i32,
    body_region_id: i32,
) -> AppResult<()> {
    if may_assess(viewer).ok() == Some(body_organization_id) {
        return Ok(());
    }
    may_supervise(viewer, body_region_id).map_err(|e| match e {
        AppError::Unauthenticated(_) => e,
        _ => AppError::Forbidden(
            "a certificate is revoked by its body or its region's regulator".to_owned(),
        ),
    })
}

/// Seeing a session's candidates: [`candidates_visible`] (`visible`, decided on the session and its
/// body), refused with a reason.
pub fn may_see_candidates(visible: bool) -> AppResult<()> {
    if visible {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the candidates are the body's and the regulator's to see".to_owned(),
        ))
    }
}

/// Recording an honour conferred on a person: the regulator of the person's region.
pub fn may_record_honour(viewer: &Viewer, learner_region_id: i32) -> AppResult<()> {
    may_supervise(viewer, learner_region_id).map_err(|e| match e {
        AppError::Unauthenticated(_) => e,
        _ => AppError::Forbidden(
            "an honour is recorded by the regulator of the person's region".to_owned(),
        ),
    })
}

/// Who organizes a competition, as [`may_organize_competition`] decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompetitionOrganizer {
    /// The regulator of `region` (its bureau, when the token names it).
    Regulator {
        /// The region supervised.
        region: i32,
        /// The bureau's organization.
        bureau: Option<i32>,
    },
    /// An administrator of every alliance the competition names.
    Alliances,
    /// An enterprise, for a contest among its own employees (比武).
    Enterprise(i32),
}

/// Organizing a competition of `level` for `alliance_ids`: an enterprise its own contest
/// (ENTERPRISE); an administrator of every alliance named its alliance competition (ALLIANCE);
/// the regulator of its region every other level.
pub fn may_organize_competition(
    viewer: &Viewer,
    level: entity::CompetitionLevel,
    alliance_ids: &BTreeSet<i32>,
) -> AppResult<CompetitionOrganizer> {
    use entity::CompetitionLevel as L;
    if viewer.role() == Role::Public {
        return Err(AppError::Unauthenticated(
            "organizing a competition needs a token".to_owned(),
        ));
    }
    match (level, &viewer.actor) {
        (L::Enterprise, Actor::Enterprise { staff, .. }) => {
            Ok(CompetitionOrganizer::Enterprise(staff.organization))
        }
        (L::Enterprise, _) => Err(AppError::Forbidden(
            "an enterprise organizes its own contest".to_owned(),
        )),
        (L::Alliance, Actor::AllianceAdmin { alliances })
            if !alliance_ids.is_empty() && alliance_ids.is_subset(alliances) =>
        {
            Ok(CompetitionOrganizer::Alliances)
        }
        (L::Alliance, _) => Err(AppError::Forbidden(
            "an alliance competition is organized by an administrator of every alliance it names"
                .to_owned(),
        )),
        (_, Actor::Regulator { region, bureau }) => Ok(CompetitionOrganizer::Regulator {
            region: *region,
            bureau: bureau.map(|b| b.organization),
        }),
        _ => Err(AppError::Forbidden(
            "a competition of this level is organized by the regulator of its region".to_owned(),
        )),
    }
}

/// What the policy decides a competition on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompetitionFacts {
    /// Its level.
    pub level: entity::CompetitionLevel,
    /// Its region.
    pub region_id: i32,
    /// The organizing organization.
    pub organizer_id: Option<i32>,
    /// Its alliances.
    pub alliance_ids: BTreeSet<i32>,
}

/// Whether the viewer runs the competition (enters people, publishes results): its enterprise
/// (ENTERPRISE), an administrator of one of its alliances (ALLIANCE), the regulator of its
/// region (every other level).
fn runs_competition(viewer: &Viewer, facts: &CompetitionFacts) -> bool {
    use entity::CompetitionLevel as L;
    match facts.level {
        L::Enterprise => {
            viewer.role() == Role::Enterprise && viewer.organization_id() == facts.organizer_id
        }
        L::Alliance => {
            viewer.role() == Role::AllianceAdmin
                && !viewer.alliance_ids().is_disjoint(&facts.alliance_ids)
        }
        _ => viewer.role() == Role::Regulator && viewer.region_id() == Some(facts.region_id),
    }
}

/// Running a competition: entering people, publishing its results ([`runs_competition`]).
pub fn may_run_competition(viewer: &Viewer, facts: &CompetitionFacts) -> AppResult<()> {
    if runs_competition(viewer, facts) {
        Ok(())
    } else if viewer.role() == Role::Public {
        Err(AppError::Unauthenticated(
            "running a competition needs a token".to_owned(),
        ))
    } else {
        Err(AppError::Forbidden(
            "the competition is run by its organizer".to_owned(),
        ))
    }
}

/// Entering a competition as oneself: a learner naming nobody or themself (`named`), in any
/// competition but an enterprise's contest (its employees are entered by the enterprise), gets
/// `Some` of their id. Naming another person is the organizer's act ([`may_run_competition`]
/// decides it): `None`.
pub fn may_enter_competition(
    viewer: &Viewer,
    level: entity::CompetitionLevel,
    named: Option<i32>,
) -> AppResult<Option<i32>> {
    if named.is_some() && named != viewer.learner_id() {
        return Ok(None);
    }
    let learner = match &viewer.actor {
        Actor::Learner { learner } => *learner,
        Actor::Public => {
            return Err(AppError::Unauthenticated(
                "entering a competition needs a token".to_owned(),
            ));
        }
        _ => {
            return Err(AppError::Forbidden(
                "people are entered by the competition's organizer, or enter themselves".to_owned(),
            ));
        }
    };
    if level == entity::CompetitionLevel::Enterprise {
        return Err(AppError::Forbidden(
            "an enterprise enters its own employees in its contest".to_owned(),
        ));
    }
    Ok(Some(learner))
}

/// Whether the viewer sees a competition's entrants (each person still through the person
/// gate): its organizer, and the regulator of its region.
pub fn competition_entrants_visible(viewer: &Viewer, facts: &CompetitionFacts) -> bool {
    runs_competition(viewer, facts)
        || (viewer.role() == Role::Regulator && viewer.region_id() == Some(facts.region_id))
}

/// Whether a viewer sees one entrant of a competition: the person themself (`learner_id`), or
/// whoever sees the competition's entrants ([`competition_entrants_visible`]).
pub fn competition_entrant_visible(
    viewer: &Viewer,
    learner_id: i32,
    facts: &CompetitionFacts,
) -> bool {
    viewer.learner_id() == Some(learner_id) || competition_entrants_visible(viewer, facts)
}

/// Proposing a direct recognition (直接认定): a user of an ACTIVE employer body
/// (`body`, the body of the organization acted for), for its own employees.
pub fn may_propose_recognition(
    viewer: &Viewer,
    body: &entity::assessment_body::Model,
) -> AppResult<()> {
    let org = may_assess(viewer)?;
    if org != body.organization_id {
        return Err(AppError::Forbidden(
            "a recognition is proposed by the employer's own body".to_owned(),
        ));
    }
    if body.body_type != entity::BodyType::Employer {
        return Err(AppError::Forbidden(
            "only an employer body proposes direct recognition".to_owned(),
        ));
    }
    may_evaluate(body)
}

/// Deciding a direct recognition: the regulator of the proposing body's region.
pub fn may_decide_recognition(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    may_supervise(viewer, region_id).map_err(|e| match e {
        AppError::Unauthenticated(_) => e,
        _ => AppError::Forbidden(
            "a direct recognition is decided by the regulator of the body's region".to_owned(),
        ),
    })
}

/// Which direct recognitions a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecognitionScope {
    /// Those of a region (its regulator).
    Region(i32),
    /// Those a body proposed (its organization's users).
    Body(i32),
}

/// The direct recognitions a viewer lists: a regulator its region's, a body's users their own.
pub fn recognition_scope(viewer: &Viewer) -> AppResult<RecognitionScope> {
    match &viewer.actor {
        Actor::Regulator { region, .. } => Ok(RecognitionScope::Region(*region)),
        Actor::Public => Err(AppError::Unauthenticated(
            "direct recognitions need a token".to_owned(),
        )),
        _ => may_assess(viewer).map(RecognitionScope::Body),
    }
}

/// Whether a viewer sees one direct recognition: the regulator of its region, the proposing
/// body's users.
pub fn recognition_visible(viewer: &Viewer, region_id: i32, body_organization_id: i32) -> bool {
    match recognition_scope(viewer) {
        Ok(RecognitionScope::Region(r)) => r == region_id,
        Ok(RecognitionScope::Body(o)) => o == body_organization_id,
        Err(_) => false,
    }
}

/// Appointing a special or chief technician (评聘): a user of an enterprise, for its own
/// employees (the domain checks that); the enterprise's id.
pub fn may_appoint_technician(viewer: &Viewer) -> AppResult<i32> {
    match &viewer.actor {
        Actor::Enterprise { staff, .. } => Ok(staff.organization),
        Actor::Public => Err(AppError::Unauthenticated(
            "appointing a technician needs a token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(
            "an enterprise appoints its own special and chief technicians".to_owned(),
        )),
    }
}

/// Carrying a certificate as a signed credential (downloading it, sharing a link to it): its
/// holder alone, with their own token; whoever they give the link to downloads through the link.
pub fn may_carry_certificate(viewer: &Viewer, holder_id: i32) -> AppResult<()> {
    match (viewer.role(), viewer.learner_id()) {
        (Role::Learner, Some(id)) if id == holder_id => Ok(()),
        (Role::Public, _) => Err(AppError::Unauthenticated(
            "a certificate is carried with its holder's token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(
            "only its holder carries a certificate as a credential".to_owned(),
        )),
    }
}
