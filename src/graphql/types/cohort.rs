use crate::graphql::loaders::required;
use crate::graphql::scalars::{Date, DateTime};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{EnrollmentStatus as Status, cohort, enrollment};

use super::{Alliance, Demand, Learner, Occupation, Organization, SkillLevel};
use crate::graphql::nested;
use crate::{
    auth::policy,
    domain::kernel::input,
    domain::{demands, training::cohorts::CohortFilter as DomainFilter},
    error::{AppError, AppResult},
    graphql::{
        connection::Connection,
        context::{api, caller},
        ids::NodeKey,
    },
};

/// The kinds of cohort.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::CohortKind")]
pub enum CohortKind {
    /// Enterprise new-type apprenticeship (企业新型学徒制): each apprentice has a labour contract of
    /// a year or more; at most three years of training.
    NewApprenticeship,
    /// Order class (订单班).
    OrderClass,
    /// Named class (冠名班).
    NamedClass,
    /// Project-based training (项目制培训).
    ProjectTraining,
}

/// Where a cohort is in its life: PLANNED → RUNNING → FINISHED, or CANCELLED.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::CohortStatus")]
pub enum CohortStatus {
    /// Enrolling, not started.
    Planned,
    /// Training.
    Running,
    /// Done.
    Finished,
    /// Called off.
    Cancelled,
}

/// Where an enrolment is: ENROLLED → COMPLETED or WITHDRAWN.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::EnrollmentStatus")]
pub enum EnrollmentStatus {
    /// Training.
    Enrolled,
    /// Finished the training.
    Completed,
    /// Left before the end.
    Withdrawn,
}

/// Whether an enterprise has vouched for what a provider stated about it.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// Nothing to confirm (no enterprise named, no contract stated).
    NotNeeded,
    /// Waiting for the enterprise's own token.
    Pending,
    /// Confirmed by the enterprise.
    Confirmed,
}

/// How many learners a cohort has, by status: public, unlike who they are.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct EnrollmentCounts {
    /// Training now.
    pub enrolled: i32,
    /// Finished.
    pub completed: i32,
    /// Left.
    pub withdrawn: i32,
}

/// The GraphQL `Cohort` type over its row.
pub struct Cohort(pub cohort::Model);

/// A cohort (班) trained by a provider (a college, a training institution, an enterprise that trains), usually for an enterprise, in one
/// alliance. Counts are public; who is enrolled is shown (masked) to its provider and enterprise,
/// the regulator of its region and system administrators.
#[Object]
impl Cohort {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Cohort(self.0.id).to_id().into()
    }

    /// The class days its provider scheduled, by date.
    async fn class_days(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<super::ClassDay>> {
        Ok(api(ctx)?
            .loaders
            .class_days_by_cohort
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(super::ClassDay)
            .collect())
    }

    /// Its kind.
    async fn kind(&self) -> CohortKind {
        self.0.kind.into()
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The enterprise it trains for.
    async fn enterprise(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let Some(id) = self.0.enterprise_id else {
            return Ok(None);
        };
        Ok(api(ctx)?
            .loaders
            .organization
            .load_one(id)
            .await?
            .map(Organization))
    }

    /// The provider that trains: a college, a training institution or an enterprise that trains.
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        Ok(Organization(
            required(&api(ctx)?.loaders.organization, self.0.provider_id, || {
                AppError::internal("a cohort without its provider")
            })
            .await?,
        ))
    }

    /// The alliance it runs in.
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Alliance> {
        Ok(Alliance(
            required(&api(ctx)?.loaders.alliance, self.0.alliance_id, || {
                AppError::internal("a cohort without its alliance")
            })
            .await?,
        ))
    }

    /// The county-level region (区, 县, 县级市) where it trains, when known: its provider's.
    async fn county(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<super::Region>> {
        super::location::county(ctx, self.0.county_id).await
    }

    /// The programme it belongs to, if any.
    async fn programme(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::Programme>> {
        super::programme::of(ctx, self.0.programme_id).await
    }

    /// How it trains (扫盲式, 订单式, 定岗式, 定向式, 项目制, 套餐制), when recorded.
    async fn mode(&self) -> Option<super::TrainingMode> {
        self.0.mode.map(Into::into)
    }

    /// What it trains for (岗前, 转岗, 在岗, 提升), when recorded.
    async fn purpose(&self) -> Option<super::TrainingPurpose> {
        self.0.purpose.map(Into::into)
    }

    /// The occupation trained for.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Occupation> {
        Ok(Occupation(
            required(
                &api(ctx)?.loaders.occupation,
                self.0.occupation_code.clone(),
                || AppError::internal("a cohort without its occupation"),
            )
            .await?,
        ))
    }

    /// The level aimed at.
    async fn target_level(&self) -> SkillLevel {
        self.0.target_level.into()
    }

    /// Seats.
    async fn capacity(&self) -> i32 {
        self.0.capacity
    }

    /// Seats still free.
    async fn free_seats(&self) -> i32 {
        self.0.capacity - self.0.enrolled
    }

    /// First day.
    async fn start_on(&self) -> Date {
        self.0.start_on.into()
    }

    /// Last day.
    async fn end_on(&self) -> Date {
        self.0.end_on.into()
    }

    /// The day it really started (null before `startCohort`): a subsidy is priced from the real
    /// dates, never from the planned ones.
    async fn started_on(&self) -> Option<Date> {
        self.0.started_on.map(Into::into)
    }

    /// The day it really finished (null before `finishCohort`).
    async fn finished_on(&self) -> Option<Date> {
        self.0.finished_on.map(Into::into)
    }

    /// Whether the enterprise it names has confirmed it with its own token (a cohort naming an
    /// enterprise starts only once it has).
    async fn employer_confirmation(&self) -> Confirmation {
        match (self.0.enterprise_id, self.0.employer_confirmed_at) {
            (None, _) => Confirmation::NotNeeded,
            (Some(_), None) => Confirmation::Pending,
            (Some(_), Some(_)) => Confirmation::Confirmed,
        }
    }

    /// When the enterprise confirmed it.
    async fn employer_confirmed_at(&self) -> Option<DateTime> {
        self.0.employer_confirmed_at.map(Into::into)
    }

    /// Whether training here claims a government subsidy (one subsidised training per person,
    /// occupation and level: see `enrollLearner`).
    async fn subsidized(&self) -> bool {
        self.0.subsidized
    }

    /// Where it is in its life.
    async fn status(&self) -> CohortStatus {
        self.0.status.into()
    }

    /// The demand it answers (what the viewer may see of it).
    async fn demands(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Demand>> {
        let api = api(ctx)?;
        let ids = api
            .loaders
            .demands_by_cohort
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let found = api.loaders.demand.load_many(ids.iter().copied()).await?;
        let links = api
            .loaders
            .demand_alliances
            .load_many(ids.iter().copied())
            .await?;
        let viewer = caller(ctx).viewer;
        Ok(ids
            .iter()
            .filter_map(|id| found.get(id))
            .filter(|d| {
                demands::can_see(
                    &viewer,
                    d,
                    links.get(&d.id).map(Vec::as_slice).unwrap_or_default(),
                )
            })
            .cloned()
            .map(Demand)
            .collect())
    }

    /// How many learners it has, by status.
    async fn enrollment_counts(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<EnrollmentCounts> {
        let rows = api(ctx)?
            .loaders
            .enrollments_by_cohort
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let count = |s: Status| rows.iter().filter(|e| e.status == s).count() as i32;
        Ok(EnrollmentCounts {
            enrolled: count(Status::Enrolled),
            completed: count(Status::Completed),
            withdrawn: count(Status::Withdrawn),
        })
    }

    /// Who is enrolled, learners masked: for its provider and enterprise, the regulator of its
    /// region and system administrators (FORBIDDEN for others; the counts are public).
    async fn enrollments(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Enrollment>> {
        let api = api(ctx)?;
        let viewer = caller(ctx).viewer;
        let region = api
            .loaders
            .alliance
            .load_one(self.0.alliance_id)
            .await?
            .map(|a| a.region_id);
        policy::may_list_cohort_learners(
            &viewer,
            self.0.provider_id,
            self.0.enterprise_id,
            region,
        )?;
        nested::list::<nested::CohortEnrollments, _>(
            ctx,
            self.0.id,
            nested::PageArgs::new(first, after, last, before),
            Enrollment,
        )
        .await
    }
}

/// The GraphQL `Enrollment` type over its row; built only for viewers who may see it.
pub struct Enrollment(pub enrollment::Model);

/// A learner's enrolment (参训) in a cohort.
#[Object]
impl Enrollment {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Enrollment(self.0.id).to_id().into()
    }

    /// ENROLLED, COMPLETED or WITHDRAWN.
    async fn status(&self) -> EnrollmentStatus {
        self.0.status.into()
    }

    /// The cohort.
    async fn cohort(&self, ctx: &Context<'_>) -> async_graphql::Result<Cohort> {
        Ok(Cohort(
            required(&api(ctx)?.loaders.cohort, self.0.cohort_id, || {
                AppError::internal("an enrollment without its cohort")
            })
            .await?,
        ))
    }

    /// The follow-ups of this completion, by month (empty until it is COMPLETED).
    async fn follow_ups(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<super::FollowUp>> {
        let rows = api(ctx)?
            .loaders
            .follow_ups_by_enrollment
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(super::FollowUp).collect())
    }

    /// The learner, as the access policy shows them to this viewer (null when it shows nothing).
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.learner_id).await
    }

    /// For apprentices: the labour contract's first day.
    async fn contract_start(&self) -> Option<Date> {
        self.0.contract_start.map(Into::into)
    }

    /// For apprentices: the labour contract's last day.
    async fn contract_end(&self) -> Option<Date> {
        self.0.contract_end.map(Into::into)
    }

    /// Whether the cohort's enterprise has confirmed the labour contract with its own token
    /// (NOT_NEEDED without a contract): an apprenticeship starts, and a line is claimed, only on
    /// confirmed contracts.
    async fn contract_confirmation(&self) -> Confirmation {
        match (self.0.contract_start, self.0.contract_confirmed_at) {
            (None, _) => Confirmation::NotNeeded,
            (Some(_), None) => Confirmation::Pending,
            (Some(_), Some(_)) => Confirmation::Confirmed,
        }
    }

    /// When the enterprise confirmed the labour contract.
    async fn contract_confirmed_at(&self) -> Option<DateTime> {
        self.0.contract_confirmed_at.map(Into::into)
    }

    /// When the learner was enrolled.
    async fn enrolled_at(&self) -> DateTime {
        self.0.enrolled_at.into()
    }

    /// When the enrolment completed or was withdrawn.
    async fn ended_at(&self) -> Option<DateTime> {
        self.0.ended_at.map(Into::into)
    }

    /// Why it was withdrawn.
    async fn end_reason(&self) -> Option<&str> {
        self.0.end_reason.as_deref()
    }

    /// The training record: class days attended of those held, and online study.
    async fn attendance(&self) -> super::EnrollmentAttendance {
        super::EnrollmentAttendance {
            enrollment_id: self.0.id,
            cohort_id: self.0.cohort_id,
        }
    }
}

/// Which cohorts to list; every field narrows.
#[derive(InputObject, Debug, Default)]
pub struct CohortFilter {
    /// In any of these alliances (codes).
    pub alliances: Option<Vec<String>>,
    /// Trained by this provider.
    pub provider: Option<ID>,
    /// For this enterprise.
    pub enterprise: Option<ID>,
    /// For this occupation (a full code).
    pub occupation: Option<String>,
    /// In any of these statuses.
    pub statuses: Option<Vec<CohortStatus>>,
    /// Starting on or after this day.
    pub starting_after: Option<Date>,
    /// Only PLANNED or RUNNING cohorts waiting for their enterprise's confirmation, of the
    /// cohort or of a current apprentice's labour contract (with `enterprise`, an enterprise's
    /// work list).
    pub awaiting_confirmation: Option<bool>,
    /// In this programme.
    pub programme: Option<ID>,
    /// Training in any of these modes.
    pub modes: Option<Vec<super::TrainingMode>>,
    /// Training for any of these purposes.
    pub purposes: Option<Vec<super::TrainingPurpose>>,
}

impl CohortFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<DomainFilter> {
        Ok(DomainFilter {
            alliances: input::listed("filter.alliances", self.alliances.as_deref())?,
            provider_id: self
                .provider
                .map(|p| NodeKey::organization("filter.provider", &p))
                .transpose()?,
            enterprise_id: self
                .enterprise
                .map(|p| NodeKey::organization("filter.enterprise", &p))
                .transpose()?,
            occupation: input::optional("filter.occupation", self.occupation.as_deref())?,
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            starting_after: self.starting_after.map(Into::into),
            awaiting_confirmation: self.awaiting_confirmation.unwrap_or(false),
            programme_id: self
                .programme
                .map(|p| NodeKey::programme("filter.programme", &p))
                .transpose()?,
            modes: self
                .modes
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            purposes: self
                .purposes
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        })
    }
}

impl Cohort {
    /// The cohort of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::graphql::context::api;
        let loaders = &api(ctx)?.loaders;
        Ok(loaders.cohort.load_one(id).await?.map(Self))
    }
}

impl Enrollment {
    /// The enrollment of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{
            auth::policy,
            error::AppError,
            graphql::context::{api, caller},
        };
        let loaders = &api(ctx)?.loaders;
        Ok(match loaders.enrollment.load_one(id).await? {
            Some(e) => {
                let cohort = loaders
                    .cohort
                    .load_one(e.cohort_id)
                    .await?
                    .ok_or_else(|| AppError::internal("an enrollment without its cohort"))?;
                let region = loaders
                    .alliance
                    .load_one(cohort.alliance_id)
                    .await?
                    .map(|a| a.region_id);
                policy::may_list_cohort_learners(
                    &caller(ctx).viewer,
                    cohort.provider_id,
                    cohort.enterprise_id,
                    region,
                )
                .is_ok()
                .then_some(Self(e))
            }
            None => None,
        })
    }
}
