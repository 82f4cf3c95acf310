use crate::graphql::loaders::required;
use crate::graphql::scalars::{Date, DateTime};
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::{training_intention, training_order};

use super::{Cohort, Learner, OpenResource, Organization, Region, Schedule, SkillLevel};
use crate::{
    domain::orders::{self, Suggested},
    error::AppError,
    graphql::{context::api, ids::NodeKey},
};

/// Where a training intention is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::IntentionStatus")]
pub enum IntentionStatus {
    /// Waiting for training.
    Open,
    /// Enrolled somewhere.
    Matched,
    /// Part of a dispatched order.
    Dispatched,
    /// Withdrawn.
    Withdrawn,
    /// Open too long.
    Expired,
}

/// Where a training order is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::OrderStatus")]
pub enum OrderStatus {
    /// Sent to the provider.
    Dispatched,
    /// Taken: a cohort was opened.
    Accepted,
    /// Refused, with a reason.
    Declined,
    /// Not answered by the deadline.
    Expired,
}

/// The GraphQL `TrainingIntention` type; built only for viewers in the learner's scope.
pub struct TrainingIntention(pub training_intention::Model);

/// A training intention (培训意向, 点单): what a person wants to learn, where and when.
#[Object]
impl TrainingIntention {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::TrainingIntention(self.0.id).to_id().into()
    }

    /// The learner, as the access policy shows them to this viewer (null when it shows nothing).
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.learner_id).await
    }

    /// The occupation code, or the group's prefix when the learner is unsure.
    async fn occupation(&self) -> &str {
        &self.0.occupation_prefix
    }

    /// The level wanted.
    async fn level(&self) -> SkillLevel {
        self.0.level.into()
    }

    /// Preferred schedules, most preferred first.
    async fn schedules(&self) -> Vec<Schedule> {
        orders::schedules_of(&self.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// Where the learner lives.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        Ok(Region(
            required(&api(ctx)?.loaders.region, self.0.region_id, || {
                AppError::internal("an intention without its region")
            })
            .await?,
        ))
    }

    /// How far the learner will travel, km.
    async fn max_distance_km(&self) -> Option<f64> {
        self.0.max_distance_km
    }

    /// The earliest day to start.
    async fn earliest_start(&self) -> Date {
        self.0.earliest_start.into()
    }

    /// Where it is.
    async fn status(&self) -> IntentionStatus {
        self.0.status.into()
    }

    /// When it was submitted.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// The day after which it expires if still open.
    async fn expires_on(&self) -> Date {
        self.0.expires_on.into()
    }

    /// Published resources and planned cohorts that fit, best first, each with its score and the
    /// reasons for it (the scoring is documented on `SuggestionReason`). Deterministic: ties are
    /// broken by kind and ID.
    async fn suggestions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 1 to 50 (10 when left out).")] first: Option<i32>,
    ) -> async_graphql::Result<Vec<Suggestion>> {
        let limit = match first {
            None => 10,
            Some(n @ 1..=50) => n as usize,
            Some(_) => return Err(AppError::validation("first", "1 to 50").into()),
        };
        let found = orders::suggestions(&*api(ctx)?.db.turn().await?, &self.0, limit).await?;
        Ok(found.into_iter().map(Suggestion).collect())
    }
}

/// The GraphQL `Suggestion` type.
pub struct Suggestion(pub orders::Suggestion);

/// A resource or cohort suggested for an intention, with why.
#[Object]
impl Suggestion {
    /// The score, 0 to 100: the sum of the reasons' points.
    async fn score(&self) -> f64 {
        self.0.score
    }

    /// The open resource suggested, if it is one.
    async fn resource(&self) -> Option<OpenResource> {
        match &self.0.item {
            Suggested::Resource(r) => Some(OpenResource(r.clone())),
            Suggested::Cohort(_) => None,
        }
    }

    /// The planned cohort suggested, if it is one.
    async fn cohort(&self) -> Option<Cohort> {
        match &self.0.item {
            Suggested::Cohort(c) => Some(Cohort(c.clone())),
            Suggested::Resource(_) => None,
        }
    }

    /// Criterion by criterion, the points given and why.
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

/// One criterion of a suggestion's score. The criteria and their weights: OCCUPATION 30 (the exact
/// occupation 30, one within the wanted group 20), LEVEL 20, DISTANCE 20 (20 × (1 − distance /
/// travel limit); online 20; same region, distance unknown, 10), SCHEDULE 10 (first preference 10,
/// second 6, later 3), PROVIDER 10 (2 per credit star; an unrated public college counts 3 stars),
/// SUBSIDY 10 (subsidy-eligible and LISTED in the region's catalogue).
#[derive(SimpleObject, Debug, Clone)]
pub struct SuggestionReason {
    /// OCCUPATION, LEVEL, DISTANCE, SCHEDULE, PROVIDER or SUBSIDY.
    pub criterion: String,
    /// What was measured (`8.4 km`, `4 stars`).
    pub value: String,
    /// The points given.
    pub points: f64,
    /// The most points this criterion gives.
    pub weight: f64,
    /// For a person to read: "why this course".
    pub text: String,
}

/// The GraphQL `TrainingOrder` type.
pub struct TrainingOrder(pub training_order::Model);

/// A training order (派单): intentions bundled by the bureau and dispatched to a provider.
#[Object]
impl TrainingOrder {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::TrainingOrder(self.0.id).to_id().into()
    }

    /// The occupation code.
    async fn occupation_code(&self) -> &str {
        &self.0.occupation_code
    }

    /// The level.
    async fn level(&self) -> SkillLevel {
        self.0.level.into()
    }

    /// The schedule.
    async fn schedule(&self) -> Schedule {
        self.0.schedule.into()
    }

    /// Seats.
    async fn seats(&self) -> i32 {
        self.0.seats
    }

    /// The last day to answer.
    async fn deadline(&self) -> Date {
        self.0.deadline.into()
    }

    /// The provider.
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        Ok(Organization(
            required(&api(ctx)?.loaders.organization, self.0.provider_id, || {
                AppError::internal("an order without its provider")
            })
            .await?,
        ))
    }

    /// Where it is.
    async fn status(&self) -> OrderStatus {
        self.0.status.into()
    }

    /// Why it was declined.
    async fn decline_reason(&self) -> Option<&str> {
        self.0.decline_reason.as_deref()
    }

    /// The cohort opened when it was accepted.
    async fn cohort(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Cohort>> {
        let Some(id) = self.0.cohort_id else {
            return Ok(None);
        };
        Ok(api(ctx)?.loaders.cohort.load_one(id).await?.map(Cohort))
    }

    /// The programme it belongs to, if any (its cohort belongs to it too).
    async fn programme(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::Programme>> {
        super::programme::of(ctx, self.0.programme_id).await
    }
}

/// Open intentions of one kind: where people want training, counts only.
pub struct IntentionDemandGroup(pub orders::DemandGroup);

/// A count of open training intentions in one region, for one occupation (or group), level and
/// first-choice schedule. No learner is in it.
#[Object]
impl IntentionDemandGroup {
    /// The region.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        Ok(api(ctx)?
            .loaders
            .region
            .load_one(self.0.region_id)
            .await?
            .map(Region))
    }

    /// The occupation code or group prefix.
    async fn occupation(&self) -> &str {
        &self.0.occupation
    }

    /// The level.
    async fn level(&self) -> SkillLevel {
        self.0.level.into()
    }

    /// The first-choice schedule.
    async fn schedule(&self) -> Schedule {
        self.0.schedule.into()
    }

    /// How many open intentions.
    async fn count(&self) -> i64 {
        i64::try_from(self.0.count).unwrap_or(i64::MAX)
    }
}

impl TrainingIntention {
    /// The training intention of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{domain, graphql::context::api};
        let db = &api(ctx)?.db;
        let found = domain::orders::intentions_by_ids(&*db.turn().await?, &[id])
            .await?
            .remove(&id);
        Ok(match found {
            Some(i) if Learner::seen_in_full(ctx, i.learner_id).await? => Some(Self(i)),
            _ => None,
        })
    }
}

impl TrainingOrder {
    /// The training order of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{
            auth::policy,
            domain,
            graphql::context::{api, caller},
        };
        let found = domain::orders::order_by_id(&*api(ctx)?.db.turn().await?, id).await?;
        Ok(found
            .filter(|o| policy::order_visible(&caller(ctx).viewer, o.region_id, o.provider_id))
            .map(Self))
    }
}
