//! DataLoaders: every relation field resolves through one of these, so a nested query costs a
//! number of SQL statements bounded by its depth, not by its row count.
//!
//! The loaders keep no cache between requests (async-graphql's `DataLoader::new` caches nothing):
//! within one tick they gather the keys all resolvers ask for and run one statement for them all.

use std::{collections::HashMap, hash::Hash, sync::Arc, time::Duration};

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    alliance, assessment_body, assessment_scope, assessment_session, candidate, catalogue_item,
    certificate, cohort, demand, enrollment, follow_up, honour, learner, learner_target_group,
    membership, occupation, open_resource, organization, programme, recommendation, region,
    resource_occupation, target_group, training_plan,
};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;

use crate::{
    domain::{
        certification, demands, employment,
        network::{alliances, memberships, organizations, regions},
        occupations,
        people::{gate, learners},
        training::{catalogue, cohorts, resources},
    },
    error::{AppError, AppResult},
};

/// A load failure, shared by every resolver that waited for the same batch.
#[derive(Clone, Debug)]
pub struct LoadError(pub Arc<AppError>);

impl From<AppError> for LoadError {
    fn from(err: AppError) -> Self {
        Self(Arc::new(err))
    }
}

impl From<LoadError> for async_graphql::Error {
    fn from(err: LoadError) -> Self {
        crate::error::to_graphql_error(err.0)
    }
}

macro_rules! loader {
    ($(#[$doc:meta])* $name:ident, $key:ty => $value:ty, $load:path) => {
        $(#[$doc])*
        pub struct $name(DatabaseConnection);

        impl Loader<$key> for $name {
            type Value = $value;
            type Error = LoadError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                Ok($load(&self.0, keys).await?)
            }
        }
    };
}

loader!(
    /// The regions directly under each region, by code.
    RegionChildren, i32 => Vec<region::Model>, regions::children_of
);
loader!(
    /// Alliances by id.
    AllianceById, i32 => alliance::Model, alliances::by_ids
);
loader!(
    /// Organizations by id.
    OrganizationById, i32 => organization::Model, organizations::by_ids
);
loader!(
    /// Memberships by id.
    MembershipById, i32 => membership::Model, memberships::by_ids
);
loader!(
    /// Learners by id (unscoped: resolvers check each row against the viewer's scope).
    LearnerById, i32 => learner::Model, learners::by_ids
);
loader!(
    /// The relations of each learner that the access policy decides on.
    LearnerFactsById, i32 => crate::auth::policy::LearnerFacts, gate::facts_by_ids
);
loader!(
    /// Demands by id (unscoped: resolvers check each row against the viewer).
    DemandById, i32 => demand::Model, demands::by_ids
);
loader!(
    /// The alliance ids of each demand.
    DemandAlliances, i32 => Vec<i32>, demands::alliance_ids
);
loader!(
    /// The alliances each demand is posted to.
    AlliancesByDemand, i32 => Vec<alliance::Model>, demands::alliances_of
);
loader!(
    /// Cohorts by id.
    CohortById, i32 => cohort::Model, cohorts::by_ids
);
loader!(
    /// The cohorts answering each demand.
    CohortsByDemand, i32 => Vec<cohort::Model>, cohorts::by_demand_ids
);
loader!(
    /// The demand ids each cohort answers.
    DemandsByCohort, i32 => Vec<i32>, demands::ids_by_cohort
);
loader!(
    /// The enrolments of each cohort.
    EnrollmentsByCohort, i32 => Vec<enrollment::Model>, cohorts::enrollments_by_cohort
);
loader!(
    /// Enrolments by id.
    EnrollmentById, i32 => enrollment::Model, cohorts::enrollments_by_ids
);
loader!(
    /// Open resources by id.
    OpenResourceById, i32 => open_resource::Model, resources::by_ids
);
loader!(
    /// The open-resource list of each provider, at a version (the latest when `None`).
    ResourceLists, (i32, Option<i32>) => Vec<open_resource::Model>, resources::lists
);
loader!(
    /// The occupations and levels of each open resource.
    ResourceOccupations, i32 => Vec<resource_occupation::Model>, resources::occupations_by_resource
);
loader!(
    /// Catalogue items by id.
    CatalogueItemById, i32 => catalogue_item::Model, catalogue::items_by_ids
);
loader!(
    /// Training plans by id.
    TrainingPlanById, i32 => training_plan::Model, catalogue::plans_by_ids
);
loader!(
    /// Assessment bodies by id.
    BodyById, i32 => assessment_body::Model, certification::bodies_by_ids
);
loader!(
    /// Assessment bodies by organization.
    BodyByOrganization, i32 => assessment_body::Model, certification::bodies_by_organization
);
loader!(
    /// The scope of each body.
    ScopesByBody, i32 => Vec<assessment_scope::Model>, certification::scopes_by_body
);
loader!(
    /// Sessions by id.
    SessionById, i32 => assessment_session::Model, certification::sessions_by_ids
);
loader!(
    /// The candidates of each session.
    CandidatesBySession, i32 => Vec<candidate::Model>, certification::candidates_by_session
);
loader!(
    /// Programmes by id.
    ProgrammeById, i32 => programme::Model, crate::domain::programmes::by_ids
);
loader!(
    /// What each programme serves, who answers for it, and its quotas.
    ProgrammeScopes, i32 => crate::domain::programmes::Scope, crate::domain::programmes::scopes
);
loader!(
    /// The target-group memberships of each learner, with their groups.
    TargetGroupsByLearner, i32 => Vec<(learner_target_group::Model, target_group::Model)>, crate::domain::people::target_groups::of_learners
);
loader!(
    /// The certificates of each learner.
    CertificatesByLearner, i32 => Vec<certificate::Model>, certification::certificates_by_learner
);
loader!(
    /// The honours of each learner, newest year first.
    HonoursByLearner, i32 => Vec<honour::Model>, certification::honours_by_learner
);
loader!(
    /// The appointments of each learner, latest term first.
    AppointmentsByLearner, i32 => Vec<entity::appointment::Model>, certification::appointments_by_learner
);
loader!(
    /// Certificates by id.
    CertificateById, i32 => certificate::Model, certification::certificates_by_ids
);
loader!(
    /// Competitions by id.
    CompetitionById, i32 => entity::competition::Model, certification::competitions_by_ids
);
loader!(
    /// The occupations of each competition.
    OccupationsByCompetition, i32 => Vec<entity::competition_occupation::Model>, certification::occupations_by_competition
);
loader!(
    /// The alliances of each competition.
    AlliancesByCompetition, i32 => Vec<entity::competition_alliance::Model>, certification::alliances_by_competition
);
loader!(
    /// The promotion rules of each competition.
    RulesByCompetition, i32 => Vec<entity::competition_rule::Model>, certification::rules_by_competition
);
loader!(
    /// The entrants of each competition.
    EntrantsByCompetition, i32 => Vec<entity::competition_entrant::Model>, certification::entrants_by_competition
);
loader!(
    /// The competition entries of each learner.
    EntriesByLearner, i32 => Vec<entity::competition_entrant::Model>, certification::entries_by_learner
);
/// Reads a whole reference table.
type ReadTable<K, V> = fn(&DatabaseConnection) -> BoxFuture<'_, AppResult<HashMap<K, V>>>;

/// Reference data held in memory, read without a DataLoader: the whole table is read in one
/// statement on first use and served from memory afterwards, so thousands of demands find their
/// occupation without a batch, a lock per key or a wake-up each. A key that is not there reads the
/// table again (one read at a time: callers that miss together share it), so rows added later (a
/// new region) are found. Occupations change only by migrations; regions also through
/// `upsertRegion` and `retireRegion`, after which every instance [`Reference::forget`]s its copy
/// (the instance that changed them at once, the others when they hear `Event::RegionsChanged`).
/// `load_one` mirrors a DataLoader's, so resolvers read it the same way.
pub struct Reference<K, V> {
    db: DatabaseConnection,
    read: ReadTable<K, V>,
    table: std::sync::RwLock<Option<Arc<HashMap<K, V>>>>,
    reading: tokio::sync::Mutex<()>,
}

impl<K, V> Reference<K, V>
where
    K: Hash + Eq + Clone,
    V: Clone,
{
    fn new(db: &DatabaseConnection, read: ReadTable<K, V>) -> Self {
        Self {
            db: db.clone(),
            read,
            table: std::sync::RwLock::new(None),
            reading: tokio::sync::Mutex::new(()),
        }
    }

    fn current(&self) -> Option<Arc<HashMap<K, V>>> {
        self.table.read().ok().and_then(|t| t.clone())
    }

    /// The table, read again unless a read that started after `stale` already did.
    async fn refresh(
        &self,
        stale: Option<Arc<HashMap<K, V>>>,
    ) -> Result<Arc<HashMap<K, V>>, LoadError> {
        let _one_at_a_time = self.reading.lock().await;
        if let Some(now) = self.current()
            && !stale.as_ref().is_some_and(|s| Arc::ptr_eq(s, &now))
        {
            return Ok(now);
        }
        let fresh = Arc::new((self.read)(&self.db).await?);
        if let Ok(mut slot) = self.table.write() {
            *slot = Some(fresh.clone());
        }
        Ok(fresh)
    }

    /// Drops the table held in memory: the next read reads it again (after a change to the
    /// reference rows, here or on another instance).
    pub fn forget(&self) {
        if let Ok(mut slot) = self.table.write() {
            *slot = None;
        }
    }

    /// The whole table.
    pub async fn table(&self) -> Result<Arc<HashMap<K, V>>, LoadError> {
        match self.current() {
            Some(table) => Ok(table),
            None => self.refresh(None).await,
        }
    }

    /// The row of `key`, if there is one.
    pub async fn load_one(&self, key: K) -> Result<Option<V>, LoadError> {
        let table = self.current();
        if let Some(found) = table.as_ref().and_then(|t| t.get(&key)) {
            return Ok(Some(found.clone()));
        }
        Ok(self.refresh(table).await?.get(&key).cloned())
    }
}

/// Occupations by code, from memory (the 2022 classification, 1,639 rows that only a migration
/// changes).
pub type OccupationByCode = Reference<String, Arc<occupation::Model>>;

/// The named groups of the classification, by code, held in memory.
pub type OccupationGroupByCode = Reference<String, entity::occupation_group::Model>;

/// Regions by id, from memory (a province's cities).
pub type RegionById = Reference<i32, region::Model>;

/// Industries by code, from memory (a few dozen rows).
pub type IndustryByCode = Reference<String, entity::industry::Model>;

loader!(
    /// The alliances each organization currently belongs to.
    AlliancesByOrganization, i32 => Vec<alliance::Model>, alliances::by_organization_ids
);
loader!(
    /// Every membership of each organization.
    MembershipsByOrganization, i32 => Vec<membership::Model>, memberships::by_organization_ids
);
loader!(
    /// The recommendations made to each learner (resolvers check the learner's scope).
    RecommendationsByLearner, i32 => Vec<recommendation::Model>, employment::recommendations_by_learner
);
loader!(
    /// The recommendations of each demand (resolvers check the viewer).
    RecommendationsByDemand, i32 => Vec<recommendation::Model>, employment::recommendations_by_demand
);
loader!(
    /// The follow-ups of each learner.
    FollowUpsByLearner, i32 => Vec<follow_up::Model>, employment::follow_ups_by_learner
);
loader!(
    /// Special-ability sessions by id.
    SpecialSessionById, i32 => entity::special_ability_session::Model, crate::domain::certification::special_sessions_by_ids
);
loader!(
    /// The candidates of each special-ability session (resolvers check the viewer).
    SpecialCandidatesBySession, i32 => Vec<entity::special_ability_candidate::Model>, crate::domain::certification::special_candidates_by_session
);
loader!(
    /// The certificate each special-ability candidacy earned.
    SpecialCertificateByCandidate, i32 => entity::special_ability_certificate::Model, crate::domain::certification::special_certificates_by_candidate
);
loader!(
    /// The special-ability certificates of each learner (resolvers check the learner's scope).
    SpecialCertificatesByLearner, i32 => Vec<entity::special_ability_certificate::Model>, crate::domain::certification::special_certificates_by_learner
);
loader!(
    /// The special abilities each body may assess.
    SpecialScopesByBody, i32 => Vec<entity::special_ability::Model>, crate::domain::certification::special_scopes_by_body
);
loader!(
    /// Work types by id.
    WorkTypeById, i32 => entity::work_type::Model, crate::domain::occupations::trades::work_types_by_ids
);
loader!(
    /// Special abilities by id.
    SpecialAbilityById, i32 => entity::special_ability::Model, crate::domain::occupations::trades::special_abilities_by_ids
);
loader!(
    /// The work types of each occupation.
    WorkTypesByOccupation, String => Vec<entity::work_type::Model>, crate::domain::occupations::trades::work_types_by_occupation
);
loader!(
    /// The 1131 service contacts of each learner.
    ContactsByLearner, i32 => Vec<entity::service_contact::Model>, employment::contacts_by_learner
);
loader!(
    /// The 1131 progress of each learner.
    ServiceProgressByLearner, i32 => employment::ServiceProgress, employment::progress_by_learner
);
loader!(
    /// The latest confirmed evaluation of each training institution.
    LatestEvaluation, i32 => entity::institution_evaluation::Model, crate::domain::institutions::credit::latest_confirmed
);
loader!(
    /// The lines of each subsidy claim.
    LinesByClaim, i32 => Vec<entity::claim_line::Model>, crate::domain::subsidies::lines_by_claim
);
loader!(
    /// The class days of each cohort.
    ClassDaysByCohort, i32 => Vec<entity::class_day::Model>, crate::domain::training::cohorts::class_days_by_cohort
);
loader!(
    /// The attendance of each enrolment.
    AttendanceByEnrollment, i32 => Vec<entity::attendance::Model>, crate::domain::training::cohorts::attendance_by_enrollment
);
loader!(
    /// The online study time of each enrolment.
    OnlineHoursByEnrollment, i32 => Vec<entity::online_hours::Model>, crate::domain::training::cohorts::online_hours_by_enrollment
);
loader!(
    /// The follow-ups of each completion.
    FollowUpsByEnrollment, i32 => Vec<follow_up::Model>, employment::follow_ups_by_enrollment
);

/// The schema's loaders, from a resolver's context (set beside the [`super::ApiContext`] that
/// holds the same ones, so what reads relations needs nothing else of the context).
pub fn of<'a>(ctx: &async_graphql::Context<'a>) -> AppResult<&'a Loaders> {
    ctx.data::<Arc<Loaders>>()
        .map(AsRef::as_ref)
        .map_err(|_| AppError::internal("the schema was built without its loaders"))
}

/// Every loader, built once per schema.
pub struct Loaders {
    /// Regions by id.
    pub region: RegionById,
    /// Industries by code.
    pub industry: IndustryByCode,
    /// Alliances by id.
    pub alliance: DataLoader<AllianceById>,
    /// Organizations by id.
    pub organization: DataLoader<OrganizationById>,
    /// Memberships by id.
    pub membership: DataLoader<MembershipById>,
    /// Occupations by code.
    pub occupation: OccupationByCode,
    /// The classification's named groups by code (in memory).
    pub occupation_group: OccupationGroupByCode,
    /// Learners by id.
    pub learner: DataLoader<LearnerById>,
    /// Demands by id.
    pub demand: DataLoader<DemandById>,
    /// Cohorts by id.
    pub cohort: DataLoader<CohortById>,
    /// Open resources by id.
    pub open_resource: DataLoader<OpenResourceById>,
    /// Bodies by id.
    pub body: DataLoader<BodyById>,
    /// Bodies by organization.
    pub body_by_organization: DataLoader<BodyByOrganization>,
    /// Scopes by body.
    pub scopes_by_body: DataLoader<ScopesByBody>,
    /// Sessions by id.
    pub session: DataLoader<SessionById>,
    /// Candidates by session.
    pub candidates_by_session: DataLoader<CandidatesBySession>,
    /// Certificates by learner.
    pub certificates_by_learner: DataLoader<CertificatesByLearner>,
    /// Honours by learner.
    pub honours_by_learner: DataLoader<HonoursByLearner>,
    /// Appointments by learner.
    pub appointments_by_learner: DataLoader<AppointmentsByLearner>,
    /// Certificates by id (what a competition granted).
    pub certificate: DataLoader<CertificateById>,
    /// Competitions by id.
    pub competition: DataLoader<CompetitionById>,
    /// Occupations by competition.
    pub occupations_by_competition: DataLoader<OccupationsByCompetition>,
    /// Alliances by competition.
    pub alliances_by_competition: DataLoader<AlliancesByCompetition>,
    /// Promotion rules by competition.
    pub rules_by_competition: DataLoader<RulesByCompetition>,
    /// Entrants by competition.
    pub entrants_by_competition: DataLoader<EntrantsByCompetition>,
    /// Competition entries by learner.
    pub entries_by_learner: DataLoader<EntriesByLearner>,
    /// Target-group memberships by learner.
    pub target_groups_by_learner: DataLoader<TargetGroupsByLearner>,
    /// Programmes by id.
    pub programme: DataLoader<ProgrammeById>,
    /// Programmes' scopes by id.
    pub programme_scope: DataLoader<ProgrammeScopes>,
    /// The relations of each learner the access policy decides on.
    pub learner_facts: DataLoader<LearnerFactsById>,
    /// Catalogue items by id.
    pub catalogue_item: DataLoader<CatalogueItemById>,
    /// Training plans by id.
    pub training_plan: DataLoader<TrainingPlanById>,
    /// Open-resource lists by provider and version.
    pub resource_lists: DataLoader<ResourceLists>,
    /// Occupations and levels by resource.
    pub resource_occupations: DataLoader<ResourceOccupations>,
    /// Cohorts by demand.
    pub cohorts_by_demand: DataLoader<CohortsByDemand>,
    /// Demand ids by cohort.
    pub demands_by_cohort: DataLoader<DemandsByCohort>,
    /// Enrolments by cohort.
    pub enrollments_by_cohort: DataLoader<EnrollmentsByCohort>,
    /// Enrolments by id.
    pub enrollment: DataLoader<EnrollmentById>,
    /// The alliance ids of each demand.
    pub demand_alliances: DataLoader<DemandAlliances>,
    /// The alliances of each demand.
    pub alliances_by_demand: DataLoader<AlliancesByDemand>,
    /// Alliances by member organization.
    pub alliances_by_organization: DataLoader<AlliancesByOrganization>,
    /// The regions under each region.
    pub region_children: DataLoader<RegionChildren>,
    /// Memberships by organization.
    pub memberships_by_organization: DataLoader<MembershipsByOrganization>,
    /// Recommendations by learner.
    pub recommendations_by_learner: DataLoader<RecommendationsByLearner>,
    /// Recommendations by demand.
    pub recommendations_by_demand: DataLoader<RecommendationsByDemand>,
    /// Follow-ups by learner.
    pub follow_ups_by_learner: DataLoader<FollowUpsByLearner>,
    /// Follow-ups by completion.
    pub follow_ups_by_enrollment: DataLoader<FollowUpsByEnrollment>,
    /// 1131 service contacts by learner.
    pub contacts_by_learner: DataLoader<ContactsByLearner>,
    /// Work types by id.
    pub work_type: DataLoader<WorkTypeById>,
    /// Special-ability sessions by id.
    pub special_session: DataLoader<SpecialSessionById>,
    /// Special-ability candidates by session.
    pub special_candidates_by_session: DataLoader<SpecialCandidatesBySession>,
    /// Special-ability certificates by candidacy.
    pub special_certificate_by_candidate: DataLoader<SpecialCertificateByCandidate>,
    /// Special-ability certificates by learner.
    pub special_certificates_by_learner: DataLoader<SpecialCertificatesByLearner>,
    /// Special abilities by body.
    pub special_scopes_by_body: DataLoader<SpecialScopesByBody>,
    /// Special abilities by id.
    pub special_ability: DataLoader<SpecialAbilityById>,
    /// Work types by occupation.
    pub work_types_by_occupation: DataLoader<WorkTypesByOccupation>,
    /// 1131 progress by learner.
    pub service_progress_by_learner: DataLoader<ServiceProgressByLearner>,
    /// Class days by cohort.
    pub class_days_by_cohort: DataLoader<ClassDaysByCohort>,
    /// Claim lines by claim.
    pub lines_by_claim: DataLoader<LinesByClaim>,
    /// The latest confirmed evaluation by institution.
    pub latest_evaluation: DataLoader<LatestEvaluation>,
    /// Attendance by enrolment.
    pub attendance_by_enrollment: DataLoader<AttendanceByEnrollment>,
    /// Online study time by enrolment.
    pub online_hours_by_enrollment: DataLoader<OnlineHoursByEnrollment>,
}

impl Loaders {
    /// Builds every loader over one connection pool; each gathers keys for `delay`.
    pub fn new(db: &DatabaseConnection, delay: Duration) -> Self {
        fn dl<L: Send + Sync + 'static>(l: L, delay: Duration) -> DataLoader<L> {
            DataLoader::new(l, |f| tokio::spawn(crate::db::carry(f))).delay(delay)
        }
        Self {
            region: Reference::new(db, |db| Box::pin(regions::by_id_all(db))),
            industry: Reference::new(db, |db| {
                Box::pin(crate::domain::network::industries::by_code_all(db))
            }),
            alliance: dl(AllianceById(db.clone()), delay),
            organization: dl(OrganizationById(db.clone()), delay),
            membership: dl(MembershipById(db.clone()), delay),
            occupation: Reference::new(db, |db| {
                Box::pin(async move {
                    Ok(occupations::all(db)
                        .await?
                        .into_iter()
                        .map(|(code, o)| (code, Arc::new(o)))
                        .collect())
                })
            }),
            occupation_group: Reference::new(db, |db| Box::pin(occupations::groups_all(db))),
            learner: dl(LearnerById(db.clone()), delay),
            demand: dl(DemandById(db.clone()), delay),
            cohort: dl(CohortById(db.clone()), delay),
            open_resource: dl(OpenResourceById(db.clone()), delay),
            body: dl(BodyById(db.clone()), delay),
            body_by_organization: dl(BodyByOrganization(db.clone()), delay),
            scopes_by_body: dl(ScopesByBody(db.clone()), delay),
            session: dl(SessionById(db.clone()), delay),
            candidates_by_session: dl(CandidatesBySession(db.clone()), delay),
            certificates_by_learner: dl(CertificatesByLearner(db.clone()), delay),
            honours_by_learner: dl(HonoursByLearner(db.clone()), delay),
            appointments_by_learner: dl(AppointmentsByLearner(db.clone()), delay),
            certificate: dl(CertificateById(db.clone()), delay),
            competition: dl(CompetitionById(db.clone()), delay),
            occupations_by_competition: dl(OccupationsByCompetition(db.clone()), delay),
            alliances_by_competition: dl(AlliancesByCompetition(db.clone()), delay),
            rules_by_competition: dl(RulesByCompetition(db.clone()), delay),
            entrants_by_competition: dl(EntrantsByCompetition(db.clone()), delay),
            entries_by_learner: dl(EntriesByLearner(db.clone()), delay),
            target_groups_by_learner: dl(TargetGroupsByLearner(db.clone()), delay),
            programme: dl(ProgrammeById(db.clone()), delay),
            programme_scope: dl(ProgrammeScopes(db.clone()), delay),
            learner_facts: dl(LearnerFactsById(db.clone()), delay),
            catalogue_item: dl(CatalogueItemById(db.clone()), delay),
            training_plan: dl(TrainingPlanById(db.clone()), delay),
            resource_lists: dl(ResourceLists(db.clone()), delay),
            resource_occupations: dl(ResourceOccupations(db.clone()), delay),
            cohorts_by_demand: dl(CohortsByDemand(db.clone()), delay),
            demands_by_cohort: dl(DemandsByCohort(db.clone()), delay),
            enrollments_by_cohort: dl(EnrollmentsByCohort(db.clone()), delay),
            enrollment: dl(EnrollmentById(db.clone()), delay),
            demand_alliances: dl(DemandAlliances(db.clone()), delay),
            alliances_by_demand: dl(AlliancesByDemand(db.clone()), delay),
            alliances_by_organization: dl(AlliancesByOrganization(db.clone()), delay),
            region_children: dl(RegionChildren(db.clone()), delay),
            memberships_by_organization: dl(MembershipsByOrganization(db.clone()), delay),
            recommendations_by_learner: dl(RecommendationsByLearner(db.clone()), delay),
            recommendations_by_demand: dl(RecommendationsByDemand(db.clone()), delay),
            follow_ups_by_learner: dl(FollowUpsByLearner(db.clone()), delay),
            follow_ups_by_enrollment: dl(FollowUpsByEnrollment(db.clone()), delay),
            contacts_by_learner: dl(ContactsByLearner(db.clone()), delay),
            work_type: dl(WorkTypeById(db.clone()), delay),
            special_session: dl(SpecialSessionById(db.clone()), delay),
            special_candidates_by_session: dl(SpecialCandidatesBySession(db.clone()), delay),
            special_certificate_by_candidate: dl(SpecialCertificateByCandidate(db.clone()), delay),
            special_certificates_by_learner: dl(SpecialCertificatesByLearner(db.clone()), delay),
            special_scopes_by_body: dl(SpecialScopesByBody(db.clone()), delay),
            special_ability: dl(SpecialAbilityById(db.clone()), delay),
            work_types_by_occupation: dl(WorkTypesByOccupation(db.clone()), delay),
            service_progress_by_learner: dl(ServiceProgressByLearner(db.clone()), delay),
            class_days_by_cohort: dl(ClassDaysByCohort(db.clone()), delay),
            lines_by_claim: dl(LinesByClaim(db.clone()), delay),
            latest_evaluation: dl(LatestEvaluation(db.clone()), delay),
            attendance_by_enrollment: dl(AttendanceByEnrollment(db.clone()), delay),
            online_hours_by_enrollment: dl(OnlineHoursByEnrollment(db.clone()), delay),
        }
    }
}

/// A loader of one row by its key: batched ([`DataLoader`]) or reference data kept in memory
/// ([`Reference`]).
pub trait LoadOne<K>: Sync {
    /// The row.
    type Value;
    /// The row of `key`, if there is one.
    fn load(
        &self,
        key: K,
    ) -> impl std::future::Future<Output = async_graphql::Result<Option<Self::Value>>> + Send;
}

impl<K, L> LoadOne<K> for DataLoader<L>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    L: Loader<K>,
    async_graphql::Error: From<L::Error>,
{
    type Value = L::Value;

    async fn load(&self, key: K) -> async_graphql::Result<Option<L::Value>> {
        Ok(self.load_one(key).await?)
    }
}

impl<K, V> LoadOne<K> for Reference<K, V>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
{
    type Value = V;

    async fn load(&self, key: K) -> async_graphql::Result<Option<V>> {
        Ok(self.load_one(key).await?)
    }
}

/// A relation every row has (a foreign key the schema enforces), through its loader: the
/// related row, or `missing()` — an internal error, logged and shown as `INTERNAL` — when the
/// database broke the promise.
pub async fn required<K, L: LoadOne<K>>(
    loader: &L,
    key: K,
    missing: impl FnOnce() -> AppError,
) -> async_graphql::Result<L::Value> {
    Ok(loader.load(key).await?.ok_or_else(missing)?)
}
