//! `Mutation`: training intentions and training orders.

use crate::graphql::scalars::Date;
use async_graphql::{Context, ID, InputObject, Object};

use crate::graphql::{
    context::{api, caller},
    ids::NodeKey,
    types::{Schedule, SkillLevel, TrainingIntention, TrainingOrder},
};
use crate::{
    domain::kernel::input::{self, Reason},
    domain::orders::{self, IntentionRules, NewIntention, NewOrder},
    error::{AppError, AppResult},
    events::Event,
};

/// Training intentions and training orders.
#[derive(Default)]
pub struct OrdersMutation;

#[Object]
impl OrdersMutation {
    /// Submits a training intention: the learner's own, or on their behalf by a provider that
    /// registered or trains them or by the regulator of their region. At most a configurable
    /// number of open intentions per learner.
    async fn submit_training_intention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intention.")] input: SubmitTrainingIntentionInput,
    ) -> async_graphql::Result<TrainingIntention> {
        let api = api(ctx)?;
        let rules = ctx
            .data_opt::<IntentionRules>()
            .copied()
            .unwrap_or_default();
        let travel = match (input.latitude, input.longitude, input.max_distance_km) {
            (Some(a), Some(b), Some(c)) => Some((a, b, c)),
            (None, None, None) => None,
            _ => {
                return Err(AppError::validation(
                    "input.maxDistanceKm",
                    "give a point and a travel distance together",
                )
                .into());
            }
        };
        let new = NewIntention {
            learner_id: NodeKey::learner("input.learner", &input.learner)?,
            occupation: input::one("input.occupation", &input.occupation)?,
            level: input.level.into(),
            schedules: input.schedules.into_iter().map(Into::into).collect(),
            region: input::one("input.region", &input.region)?,
            travel,
            earliest_start: input
                .earliest_start
                .unwrap_or_else(|| chrono::Utc::now().date_naive().into())
                .into(),
        };
        Ok(TrainingIntention(
            orders::submit(&*api.db.turn().await?, &caller(ctx), rules, new).await?,
        ))
    }

    /// Withdraws an OPEN training intention (the learner, or a provider or regulator with the
    /// learner in scope).
    async fn withdraw_training_intention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intention.")] input: WithdrawTrainingIntentionInput,
    ) -> async_graphql::Result<TrainingIntention> {
        let api = api(ctx)?;
        let id = NodeKey::intention("input.intention", &input.intention)?;
        Ok(TrainingIntention(
            orders::withdraw(&*api.db.turn().await?, &caller(ctx), id).await?,
        ))
    }

    /// Dispatches a training order (the regulator, in its region), bundling open intentions that
    /// match its occupation and level; they become DISPATCHED.
    async fn dispatch_training_order(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order.")] input: DispatchTrainingOrderInput,
    ) -> async_graphql::Result<TrainingOrder> {
        let api = api(ctx)?;
        let new = NewOrder {
            occupation: input::one("input.occupation", &input.occupation)?,
            level: input.level.into(),
            schedule: input.schedule.into(),
            seats: input.seats,
            deadline: input.deadline.into(),
            provider_id: NodeKey::organization("input.provider", &input.provider)?,
            intention_ids: input
                .intentions
                .iter()
                .enumerate()
                .map(|(i, id)| NodeKey::intention(&format!("input.intentions[{i}]"), id))
                .collect::<AppResult<Vec<_>>>()?,
            programme_id: input
                .programme
                .map(|p| NodeKey::programme("input.programme", &p))
                .transpose()?,
        };
        Ok(TrainingOrder(
            orders::dispatch(&*api.db.turn().await?, &caller(ctx), new).await?,
        ))
    }

    /// Accepts a DISPATCHED order before its deadline (its provider): opens a PROJECT_TRAINING
    /// cohort and enrols the bundled learners.
    async fn accept_training_order(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order.")] input: TrainingOrderInput,
    ) -> async_graphql::Result<TrainingOrder> {
        let api = api(ctx)?;
        let id = NodeKey::order("input.order", &input.order)?;
        let saved = orders::accept(&*api.db.turn().await?, &caller(ctx), id).await?;
        if let Some(cohort_id) = saved.cohort_id {
            api.events.publish(Event::CohortPlanned { cohort_id });
        }
        Ok(TrainingOrder(saved))
    }

    /// Declines a DISPATCHED order before its deadline (its provider); its intentions open again.
    async fn decline_training_order(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order and why.")] input: DeclineTrainingOrderInput,
    ) -> async_graphql::Result<TrainingOrder> {
        let api = api(ctx)?;
        let id = NodeKey::order("input.order", &input.order)?;
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        Ok(TrainingOrder(
            orders::decline(&*api.db.turn().await?, &caller(ctx), id, reason).await?,
        ))
    }
}

/// State what a learner wants to learn.
#[derive(InputObject, Debug)]
pub struct SubmitTrainingIntentionInput {
    /// The learner; the caller's own learner ID for a LEARNER token.
    pub learner: ID,
    /// An occupation code, or a group's prefix (`6-18`) when unsure.
    pub occupation: String,
    /// The level wanted.
    pub level: SkillLevel,
    /// Preferred schedules, most preferred first.
    pub schedules: Vec<Schedule>,
    /// Where the learner lives (GB/T 2260 code).
    pub region: String,
    /// The learner's latitude.
    pub latitude: Option<f64>,
    /// The learner's longitude.
    pub longitude: Option<f64>,
    /// How far the learner will travel, km (with a point).
    pub max_distance_km: Option<f64>,
    /// The earliest day to start; today when left out.
    pub earliest_start: Option<Date>,
}

/// Withdraw a training intention.
#[derive(InputObject, Debug)]
pub struct WithdrawTrainingIntentionInput {
    /// The intention.
    pub intention: ID,
}

/// Dispatch a training order.
#[derive(InputObject, Debug)]
pub struct DispatchTrainingOrderInput {
    /// The occupation code.
    pub occupation: String,
    /// The level.
    pub level: SkillLevel,
    /// The schedule.
    pub schedule: Schedule,
    /// Seats; at least the intentions bundled.
    pub seats: i32,
    /// The last day to accept or decline.
    pub deadline: Date,
    /// The provider: an admitted provider that trains anyone (`Organization.trains: ANYONE`), a
    /// member of an alliance of the region.
    pub provider: ID,
    /// OPEN intentions of the region for this occupation and level.
    pub intentions: Vec<ID>,
    /// The programme of the bureau's region the order belongs to (running today, for this
    /// occupation, in the PROJECT mode where it names modes); the cohort accepting it opens
    /// belongs to it too.
    pub programme: Option<ID>,
}

/// Answer a training order.
#[derive(InputObject, Debug)]
pub struct TrainingOrderInput {
    /// The order.
    pub order: ID,
}

/// Decline a training order.
#[derive(InputObject, Debug)]
pub struct DeclineTrainingOrderInput {
    /// The order.
    pub order: ID,
    /// Why, 1 to 500 characters.
    pub reason: String,
}
