//! The employment service in the graph: recommendations, follow-ups, job suggestions and the
//! backlog (placement rates and the skills balance are in `reports`, the review in `review`).

use crate::graphql::scalars::{Date, DateTime};
use async_graphql::{Context, Enum, ID, InputObject, Object};
use entity::{follow_up, recommendation};

use super::{Cohort, Demand, Enrollment, Learner, Organization, SuggestionReason};
use crate::{
    domain::employment,
    domain::kernel::input,
    error::{AppError, AppResult},
    graphql::{context::api, ids::NodeKey},
};

/// Where a job recommendation is: SENT → VIEWED → APPLIED → INTERVIEWED → HIRED, or DECLINED
/// from any open step. The learner moves it to VIEWED, APPLIED or DECLINED; the demand's
/// enterprise to INTERVIEWED, HIRED or DECLINED.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::RecommendationOutcome")]
pub enum RecommendationOutcome {
    /// Sent to the learner.
    Sent,
    /// The learner has seen it.
    Viewed,
    /// The learner applied.
    Applied,
    /// The employer interviewed the learner.
    Interviewed,
    /// The employer hired the learner; one place of the demand is filled.
    Hired,
    /// Declined by the learner or the employer, with a reason.
    Declined,
}

/// A monthly wage band (CNY).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::WageBand")]
pub enum WageBand {
    /// Below 3,000.
    #[graphql(name = "UNDER_3000")]
    Under3000,
    /// 3,000 to 4,999.
    #[graphql(name = "FROM_3000_TO_4999")]
    From3000To4999,
    /// 5,000 to 7,999.
    #[graphql(name = "FROM_5000_TO_7999")]
    From5000To7999,
    /// 8,000 to 11,999.
    #[graphql(name = "FROM_8000_TO_11999")]
    From8000To11999,
    /// 12,000 or more.
    #[graphql(name = "FROM_12000")]
    From12000,
}

pub(super) async fn organization(
    ctx: &Context<'_>,
    id: Option<i32>,
) -> async_graphql::Result<Option<Organization>> {
    match id {
        Some(id) => Ok(api(ctx)?
            .loaders
            .organization
            .load_one(id)
            .await?
            .map(Organization)),
        None => Ok(None),
    }
}

/// The GraphQL `Recommendation` type; built only for viewers who may see it.
pub struct Recommendation(pub recommendation::Model);

/// A job recommendation (荐岗): an OPEN demand recommended to a certified or trained learner by a
/// provider, an alliance administrator or the bureau.
#[Object]
impl Recommendation {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Recommendation(self.0.id).to_id().into()
    }

    /// The learner, masked; null for viewers outside the learner's scope (the employer sees
    /// `candidateName` only).
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.learner_id).await
    }

    /// The learner's masked name (`王*`), for the employer.
    async fn candidate_name(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let found = api(ctx)?
            .loaders
            .learner
            .load_one(self.0.learner_id)
            .await?
            .ok_or_else(|| AppError::internal("a recommendation without its learner"))?;
        Ok(found.name_masked)
    }

    /// The demand recommended.
    async fn demand(&self, ctx: &Context<'_>) -> async_graphql::Result<Demand> {
        let found = api(ctx)?
            .loaders
            .demand
            .load_one(self.0.demand_id)
            .await?
            .ok_or_else(|| AppError::internal("a recommendation without its demand"))?;
        Ok(Demand(found))
    }

    /// The organization that recommended it; null for an alliance administrator acting for none.
    async fn recommended_by(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organization>> {
        organization(ctx, self.0.recommended_by_id).await
    }

    /// The role of whoever recommended it (COLLEGE, TRAINING_INSTITUTION, ALLIANCE_ADMIN or
    /// REGULATOR).
    async fn recommender_role(&self) -> &str {
        &self.0.recommender_role
    }

    /// A note for the learner.
    async fn note(&self) -> &str {
        &self.0.note
    }

    /// Where it is.
    async fn outcome(&self) -> RecommendationOutcome {
        self.0.outcome.into()
    }

    /// Why it was declined.
    async fn decline_reason(&self) -> Option<&str> {
        self.0.decline_reason.as_deref()
    }

    /// Who declined it: LEARNER or EMPLOYER.
    async fn declined_by(&self) -> Option<&str> {
        self.0.declined_by.as_deref()
    }

    /// When it was sent.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// When its outcome last changed.
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }
}

/// The GraphQL `FollowUp` type; built only for viewers in the learner's scope.
pub struct FollowUp(pub follow_up::Model);

/// A follow-up (跟踪服务) of a learner who completed training, in month 1 to 6 after completion.
#[Object]
impl FollowUp {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::FollowUp(self.0.id).to_id().into()
    }

    /// The learner, masked.
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.learner_id).await
    }

    /// The completed enrolment followed up.
    async fn completion(&self, ctx: &Context<'_>) -> async_graphql::Result<Enrollment> {
        let found = api(ctx)?
            .loaders
            .enrollment
            .load_one(self.0.enrollment_id)
            .await?
            .ok_or_else(|| AppError::internal("a follow-up without its enrolment"))?;
        Ok(Enrollment(found))
    }

    /// The month after completion, 1 to 6.
    async fn month(&self) -> i32 {
        i32::from(self.0.month)
    }

    /// The day the learner was contacted.
    async fn contacted_on(&self) -> Date {
        self.0.contacted_on.into()
    }

    /// Whether the learner is employed.
    async fn employed(&self) -> bool {
        self.0.employed
    }

    /// What the learner was doing (work of any kind is `employed`).
    async fn outcome(&self) -> FollowUpOutcome {
        self.0.outcome.into()
    }

    /// The jobs a business the learner started created (BUSINESS_STARTED only).
    async fn jobs_created(&self) -> Option<i32> {
        self.0.jobs_created
    }

    /// The employer, when it is an organization in the graph.
    async fn employer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization(ctx, self.0.employer_id).await
    }

    /// The employer's name: the organization's, or the name recorded for one outside the graph.
    async fn employer_name(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        if let Some(name) = &self.0.employer_name {
            return Ok(Some(name.clone()));
        }
        Ok(organization(ctx, self.0.employer_id)
            .await?
            .map(|o| o.0.name.clone()))
    }

    /// Whether the job is in the occupation trained for.
    async fn occupation_match(&self) -> bool {
        self.0.occupation_match
    }

    /// The monthly wage band.
    async fn wage_band(&self) -> Option<WageBand> {
        self.0.wage_band.map(Into::into)
    }

    /// Whether the job is full-time (null where the record does not say).
    async fn full_time(&self) -> Option<bool> {
        self.0.full_time
    }

    /// A note.
    async fn note(&self) -> &str {
        &self.0.note
    }

    /// The organization that recorded it.
    async fn recorded_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization(ctx, self.0.recorded_by_id).await
    }

    /// When it was recorded.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}

/// The GraphQL `JobSuggestion` type.
pub struct JobSuggestion(pub employment::JobSuggestion);

/// An OPEN demand that fits a learner's certificates or completed training, with why. The
/// criteria and weights: OCCUPATION 40 (the exact occupation 40, the same major group 25), LEVEL
/// 20 (the learner's level 20, one below 14, lower 8), DISTANCE 20 (from the learner's point:
/// 20 × (1 − km / 100); without one, the learner's region 12), WAGE 10 (10 × (top of the range −
/// 3,000) / 7,000, 0 to 10), RECENCY 10 (posted within 7 days 10, 30 days 6, 90 days 3).
#[Object]
impl JobSuggestion {
    /// The score, 0 to 100: the sum of the reasons' points.
    async fn score(&self) -> f64 {
        self.0.score
    }

    /// The demand.
    async fn demand(&self) -> Demand {
        Demand(self.0.demand.clone())
    }

    /// Why, criterion by criterion (OCCUPATION, LEVEL, DISTANCE, WAGE, RECENCY).
    async fn reasons(&self) -> Vec<SuggestionReason> {
        self.0
            .reasons
            .iter()
            .map(|r| SuggestionReason {
                criterion: r.criterion.to_owned(),
                value: r.value.clone(),
                points: r.points,
                weight: r.weight,
                text: r.text.clone(),
            })
            .collect()
    }
}

/// The GraphQL `RecommendationBacklogEntry` type.
pub struct RecommendationBacklogEntry(pub employment::BacklogEntry);

/// A learner certified or trained in the viewer's scope with fewer than three job recommendations
/// (and not hired through one): a line of the bureau's daily work list.
#[Object]
impl RecommendationBacklogEntry {
    /// The learner, as the access policy shows them to this viewer (null when it shows nothing).
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.learner_id).await
    }

    /// The first day the learner was certified or completed training.
    async fn qualified_on(&self) -> Date {
        self.0.qualified_on.into()
    }

    /// Recommendations made so far.
    async fn recommendation_count(&self) -> i32 {
        i32::try_from(self.0.recommendations).unwrap_or(i32::MAX)
    }

    /// Recommendations still missing to reach three.
    async fn missing(&self) -> i32 {
        i32::try_from(employment::REQUIRED_RECOMMENDATIONS.saturating_sub(self.0.recommendations))
            .unwrap_or(0)
    }

    /// The day the learner should have three by: `qualifiedOn` plus the configured days.
    async fn due_on(&self) -> Date {
        self.0.due_on.into()
    }

    /// Whether that day has passed.
    async fn overdue(&self) -> bool {
        self.0.overdue
    }
}

/// The GraphQL `DueFollowUp` type.
pub struct DueFollowUp(pub employment::DueFollowUp);

/// A follow-up that is due or overdue and not recorded.
#[Object]
impl DueFollowUp {
    /// The completed enrolment to follow up.
    async fn completion(&self) -> Enrollment {
        Enrollment(self.0.enrollment.clone())
    }

    /// The learner, as the access policy shows them to this viewer (null when it shows nothing).
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.enrollment.learner_id).await
    }

    /// The cohort completed.
    async fn cohort(&self, ctx: &Context<'_>) -> async_graphql::Result<Cohort> {
        let found = api(ctx)?
            .loaders
            .cohort
            .load_one(self.0.enrollment.cohort_id)
            .await?
            .ok_or_else(|| AppError::internal("a completion without its cohort"))?;
        Ok(Cohort(found))
    }

    /// The month due: 1, 3 or 6.
    async fn month(&self) -> i32 {
        i32::from(self.0.month)
    }

    /// The day it fell due: the completion day plus `month` months.
    async fn due_on(&self) -> Date {
        self.0.due_on.into()
    }

    /// Days past the due day (0 on it).
    async fn days_overdue(&self) -> i32 {
        i32::try_from(self.0.days_overdue).unwrap_or(i32::MAX)
    }
}

/// Which learners the recommendation backlog lists.
#[derive(InputObject, Debug, Clone, Default)]
pub struct RecommendationBacklogFilter {
    /// Days a learner may wait for three recommendations after qualifying (the server's
    /// configured `recommendation_days`, 30 by default, when left out).
    pub within_days: Option<i32>,
    /// Only learners living in this region or under it (a province, city or county code).
    pub region: Option<String>,
    /// Only learners who completed training in this alliance.
    pub alliance: Option<String>,
    /// Only learners past their due day.
    #[graphql(default)]
    pub overdue_only: bool,
}

impl RecommendationBacklogFilter {
    /// The validated domain filter.
    pub fn into_domain(self, default_days: u64) -> AppResult<employment::BacklogFilter> {
        let days = match self.within_days {
            None => default_days,
            Some(d @ 0..=3650) => d as u64,
            Some(_) => return Err(AppError::validation("filter.withinDays", "0 to 3650")),
        };
        Ok(employment::BacklogFilter {
            days,
            region: input::optional("filter.region", self.region.as_deref())?,
            alliance: input::optional("filter.alliance", self.alliance.as_deref())?,
            overdue_only: self.overdue_only,
        })
    }
}

/// Which due follow-ups to list.
#[derive(InputObject, Debug, Clone, Default)]
pub struct FollowUpsDueFilter {
    /// Only completions in this alliance.
    pub alliance: Option<String>,
    /// Only these months: 1, 3 or 6 (all three when left out).
    pub months: Option<Vec<i32>>,
}

impl FollowUpsDueFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<employment::DueFilter> {
        Ok(employment::DueFilter {
            alliance: input::optional("filter.alliance", self.alliance.as_deref())?,
            months: self
                .months
                .unwrap_or_default()
                .into_iter()
                .map(|m| input::narrow::<i16>("filter.months", m, "1, 3 or 6"))
                .collect::<AppResult<_>>()?,
        })
    }
}

/// Recommending a job.
#[derive(InputObject, Debug, Clone)]
pub struct RecommendJobInput {
    /// The learner: certified or trained, in the recommender's scope.
    pub learner: ID,
    /// An OPEN demand matching the learner's certificate or completed training.
    pub demand: ID,
    /// A note for the learner, at most 500 characters.
    #[graphql(default)]
    pub note: String,
}

/// Moving a recommendation's outcome.
#[derive(InputObject, Debug, Clone)]
pub struct RecommendationOutcomeInput {
    /// The recommendation.
    pub recommendation: ID,
    /// The new outcome.
    pub outcome: RecommendationOutcome,
    /// Why, when DECLINED (required then).
    pub reason: Option<String>,
}

/// Recording a follow-up.
#[derive(InputObject, Debug, Clone)]
pub struct RecordFollowUpInput {
    /// The COMPLETED enrolment followed up.
    pub completion: ID,
    /// The month after completion, 1 to 6.
    pub month: i32,
    /// The day of contact: from the completion day to today.
    pub contacted_on: Date,
    /// Whether the learner is employed.
    pub employed: bool,
    /// The employer, when it is an organization in the graph.
    pub employer: Option<ID>,
    /// The employer's name, when it is not (1 to 100 characters).
    pub employer_name: Option<String>,
    /// Whether the job is in the occupation trained for (employed learners only).
    #[graphql(default)]
    pub occupation_match: bool,
    /// The monthly wage band (employed learners only).
    pub wage_band: Option<WageBand>,
    /// Whether the job is full-time (employed learners only; leave out when not known).
    pub full_time: Option<bool>,
    /// A note, at most 500 characters.
    #[graphql(default)]
    pub note: String,
    /// What the learner is doing, agreeing with `employed`: EMPLOYED, SELF_EMPLOYED or
    /// BUSINESS_STARTED when employed (the employer then names the business), FURTHER_STUDY or
    /// NOT_WORKING otherwise; left out, EMPLOYED or NOT_WORKING.
    pub outcome: Option<FollowUpOutcome>,
    /// The jobs a business the learner started created (BUSINESS_STARTED only), 0 to 10,000.
    pub jobs_created: Option<i32>,
}

/// What a completer was doing at a follow-up.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::FollowUpOutcome")]
pub enum FollowUpOutcome {
    /// Employed by an employer (就业).
    Employed,
    /// Self-employed, flexible employment included (自主就业、灵活就业).
    SelfEmployed,
    /// Started a business (创业), with the jobs it created.
    BusinessStarted,
    /// In further study (升学).
    FurtherStudy,
    /// Not working.
    NotWorking,
}

impl RecordFollowUpInput {
    /// The validated domain input.
    pub fn into_domain(self) -> AppResult<employment::NewFollowUp> {
        let employer = match (self.employer, self.employer_name) {
            (Some(_), Some(_)) => {
                return Err(AppError::validation(
                    "input.employerName",
                    "give employer or employerName, not both",
                ));
            }
            (Some(id), None) => Some(employment::Employer::Organization(NodeKey::organization(
                "input.employer",
                &id,
            )?)),
            (None, Some(name)) => Some(employment::Employer::Name(name)),
            (None, None) => None,
        };
        Ok(employment::NewFollowUp {
            enrollment_id: NodeKey::enrollment("input.completion", &self.completion)?,
            month: input::narrow::<i16>("input.month", self.month, "1 to 6")?,
            contacted_on: self.contacted_on.into(),
            employed: self.employed,
            employer,
            occupation_match: self.occupation_match,
            wage_band: self.wage_band.map(Into::into),
            full_time: self.full_time,
            note: input::Note::optional("input.note", Some(&self.note))?,
            outcome: self.outcome.map(Into::into),
            jobs_created: self.jobs_created,
        })
    }
}

impl Recommendation {
    /// The recommendation of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{
            domain,
            graphql::context::{api, caller},
        };
        let db = &api(ctx)?.db;
        let found = domain::employment::recommendations_by_ids(&*db.turn().await?, &[id])
            .await?
            .remove(&id);
        Ok(match found {
            Some(r)
                if domain::employment::may_see(&*db.turn().await?, &caller(ctx), &r).await? =>
            {
                Some(Self(r))
            }
            _ => None,
        })
    }
}

impl FollowUp {
    /// The follow up of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{domain, graphql::context::api};
        let db = &api(ctx)?.db;
        let found = domain::employment::follow_up_by_id(&*db.turn().await?, id).await?;
        Ok(match found {
            Some(f) if Learner::seen_in_full(ctx, f.learner_id).await? => Some(Self(f)),
            _ => None,
        })
    }
}
