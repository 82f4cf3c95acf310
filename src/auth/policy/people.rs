//! Learners and their rights: the one decision for every object that carries a person
//! (`learner_view`), the scopes of learner lists, personal data, data requests and the audit trail.

use super::*;

/// A learner's own data, whole: for the learner alone.
pub fn may_read_own_data(viewer: &Viewer) -> AppResult<i32> {
    match (viewer.role(), viewer.learner_id()) {
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
pub fn may_request_about_own_data(viewer: &Viewer) -> AppResult<i32> {
    match (viewer.role(), viewer.learner_id()) {
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
    let regulator = viewer.role() == Role::Regulator && viewer.region_id() == Some(of.region_id);
    let registrar = provider_of(viewer).is_some_and(|p| Some(p) == of.registered_by_id);
    match kind {
        DataRequestKind::Correction => regulator || registrar,
        DataRequestKind::Erasure => regulator,
    }
}

/// Deciding (approving or rejecting) a learner's request about their personal data.
pub fn may_decide_data_request(
    viewer: &Viewer,
    kind: DataRequestKind,
    of: RequestSubject,
) -> AppResult<()> {
    if decides_data_request(viewer, kind, of) {
        return Ok(());
    }
    match (viewer.role(), kind) {
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
pub fn data_request_visible(viewer: &Viewer, kind: DataRequestKind, of: RequestSubject) -> bool {
    (viewer.role() == Role::Learner && viewer.learner_id() == Some(of.learner_id))
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
        viewer.role(),
        viewer.learner_id(),
        viewer.region_id(),
        provider_of(viewer),
    ) {
        (Role::Public, ..) => Err(AppError::Unauthenticated(
            "requests about personal data need a token".to_owned(),
        )),
        (Role::Learner, Some(id), ..) => Ok(DataRequestScope::Learner(id)),
        (Role::Regulator, _, Some(region), _) => Ok(DataRequestScope::Region(region)),
        (_, _, _, Some(org)) => Ok(DataRequestScope::RegisteredBy(org)),
        _ => Err(AppError::Forbidden(
            "requests about personal data are listed for the learner and those who decide them"
                .to_owned(),
        )),
    }
}

/// Registering a learner who lives in `region_id`.
pub fn may_register_learner(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    require(viewer, Permission::RegisterLearner, "register learners")?;
    match viewer.role() {
        Role::Regulator if viewer.region_id() != Some(region_id) => Err(AppError::Forbidden(
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
    /// Learners training (not withdrawn) in cohorts of the programmes a department answers for;
    /// summaries only.
    Department(i32),
}

/// The learners a viewer may list.
pub fn learner_scope(viewer: &Viewer, rules: &AccessRules) -> AppResult<LearnerScope> {
    require(viewer, Permission::ReadLearners, "read learners")?;
    match (
        viewer.role(),
        viewer.region_id(),
        provider_of(viewer),
        viewer.learner_id(),
    ) {
        (Role::SystemAdmin, ..) => Ok(LearnerScope::All),
        (Role::Regulator, Some(region), ..) => Ok(LearnerScope::Region(region)),
        (_, _, Some(org), _) => Ok(LearnerScope::Provider {
            org,
            since: rules.provider_cutoff(Utc::now()),
        }),
        (Role::Learner, _, _, Some(learner)) => Ok(LearnerScope::Only(learner)),
        (Role::Department, ..) => viewer
            .organization_id()
            .map(LearnerScope::Department)
            .ok_or_else(|| AppError::Forbidden("the token names no department".to_owned())),
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
    /// Departments answering for the programmes of cohorts the learner trains or trained in
    /// (not withdrawn).
    pub answered_by: BTreeSet<i32>,
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
    match viewer.role() {
        Role::Public | Role::Learner | Role::SystemAdmin => false,
        Role::Regulator => viewer.region_id() != Some(region_id),
        _ => true,
    }
}

/// The one decision for every object that carries a person: how much of this learner the viewer
/// sees, or `None`.
///
/// - **Full**: the learner themself; the regulator of the learner's region; a provider in a
///   current relation ([`AccessRules`]).
/// - **Summary**: system administrators; a department answering for a programme the learner
///   trains or trained in; an enterprise the learner trains for (ENROLLED or
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
    // A provider's view first, whatever kind it is: an enterprise that trains sees its trainees
    // as a provider does, and otherwise as the enterprise it is.
    if let Some(provider) = provider_of(viewer) {
        let as_provider = if provider_in_relation(facts, provider, rules, now) {
            Some(LearnerView::Full)
        } else {
            facts
                .enrolments
                .iter()
                .filter(trained)
                .any(|e| e.provider_id == provider)
                .then_some(LearnerView::Summary)
        };
        if as_provider.is_some() || viewer.role() != Role::Enterprise {
            return as_provider;
        }
    }
    let org = viewer.organization_id();
    match viewer.role() {
        Role::Public => None,
        Role::Learner => {
            (viewer.learner_id() == Some(facts.learner_id)).then_some(LearnerView::Full)
        }
        Role::SystemAdmin => Some(LearnerView::Summary),
        Role::Regulator if viewer.region_id() == Some(facts.region_id) => Some(LearnerView::Full),
        Role::Regulator => facts
            .enrolments
            .iter()
            .filter(trained)
            .any(|e| viewer.region_id() == Some(e.region_id))
            .then_some(LearnerView::Summary),
        // Always a provider, decided above.
        Role::College | Role::TrainingInstitution => None,
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
            .any(|e| viewer.alliance_ids().contains(&e.alliance_id))
            .then_some(LearnerView::Summary),
        Role::Department => facts
            .answered_by
            .contains(&org?)
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
pub fn may_read_personal_data(viewer: &Viewer, view: Option<LearnerView>) -> AppResult<()> {
    require(viewer, Permission::ReadPersonalData, "read personal data")?;
    if view == Some(LearnerView::Full) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this learner's personal data is not yours to read".to_owned(),
        ))
    }
}

/// Recording or removing a learner's membership of a target group (personal data, sensitive for
/// some groups): someone who sees the learner in full (`view`, from [`learner_view`]) for a
/// purpose — the regulator of the learner's region, a provider in a current relation. Not the
/// learner themself (a membership rests on a basis the bureau or a provider checked) and never a
/// summary's holder.
pub fn may_record_target_group(viewer: &Viewer, view: Option<LearnerView>) -> AppResult<()> {
    require(viewer, Permission::RegisterLearner, "record target groups")?;
    if view == Some(LearnerView::Full) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this learner's target groups are not yours to record".to_owned(),
        ))
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
pub fn audit_scope(viewer: &Viewer) -> AppResult<AuditScope> {
    require(viewer, Permission::ReadAuditTrail, "read the audit trail")?;
    match (viewer.role(), viewer.region_id()) {
        (Role::SystemAdmin, _) => Ok(AuditScope::All),
        (_, Some(region)) => Ok(AuditScope::Region(region)),
        _ => Err(AppError::Forbidden(
            "the audit trail is read by region".to_owned(),
        )),
    }
}

/// A person registered by a caller who may not see their record afterwards (a registration that
/// matched someone else's record): the registration stands, the record stays hidden.
pub fn registered_out_of_sight() -> AppError {
    AppError::Forbidden("the person is registered, and their record is not yours to see".to_owned())
}
