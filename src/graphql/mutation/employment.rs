//! `Mutation`: the employment service: recommendations, outcomes, follow-ups and the catalogue review.

use crate::domain::kernel::input::{Note, Reason};
use crate::domain::training::catalogue;
use async_graphql::{Context, Object};

use crate::domain::employment::{self, Party};
use crate::graphql::{
    context::{api, caller},
    ids::NodeKey,
    types::{
        CatalogueReview, FollowUp, RecommendJobInput, Recommendation, RecommendationOutcomeInput,
        RecordFollowUpInput, ReviewCatalogueInput,
    },
};

/// The employment service: recommendations, outcomes, follow-ups and the catalogue review.
#[derive(Default)]
pub struct EmploymentMutation;

#[Object]
impl EmploymentMutation {
    /// Recommends an OPEN demand to a learner (a training provider for its learners, an alliance
    /// administrator for learners who completed training in its alliances, the regulator for its
    /// region). The demand must match the learner's VALID certificate or completed training: the
    /// same occupation or major group (the first two parts of the code), at a level not above
    /// the learner's. CONFLICT when the same demand was recommended to the learner before.
    async fn recommend_job(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The learner, the demand and a note.")] input: RecommendJobInput,
    ) -> async_graphql::Result<Recommendation> {
        let api = api(ctx)?;
        let learner = NodeKey::learner("input.learner", &input.learner)?;
        let demand = NodeKey::demand("input.demand", &input.demand)?;
        Ok(Recommendation(
            employment::recommend(
                &*api.db.turn().await?,
                &caller(ctx),
                learner,
                demand,
                Note::optional("input.note", Some(&input.note))?,
            )
            .await?,
        ))
    }

    /// The learner answers a recommendation made to them: VIEWED (from SENT), APPLIED (from SENT
    /// or VIEWED) or DECLINED with a reason (from any open step).
    async fn respond_to_recommendation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation and the new outcome.")]
        input: RecommendationOutcomeInput,
    ) -> async_graphql::Result<Recommendation> {
        move_recommendation(ctx, input, Party::Learner).await
    }

    /// The demand's enterprise records what came of a recommendation: INTERVIEWED (from APPLIED),
    /// HIRED (from INTERVIEWED) or DECLINED with a reason (from any open step). HIRED fills one
    /// place of the demand in the same transaction, and the last place marks it FILLED; when
    /// every place is taken already it is a CONFLICT and nothing changes.
    async fn record_recommendation_outcome(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation and the new outcome.")]
        input: RecommendationOutcomeInput,
    ) -> async_graphql::Result<Recommendation> {
        move_recommendation(ctx, input, Party::Employer).await
    }

    /// Records the month-1 to month-6 follow-up of a completer (the cohort's provider, the
    /// regulator of the cohort's or learner's region, or a department answering for the
    /// cohort's programme). One per completion and month: CONFLICT
    /// for a second.
    async fn record_follow_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the follow-up found.")] input: RecordFollowUpInput,
    ) -> async_graphql::Result<FollowUp> {
        let api = api(ctx)?;
        let new = input.into_domain()?;
        Ok(FollowUp(
            employment::record_follow_up(&*api.db.turn().await?, &caller(ctx), new).await?,
        ))
    }

    /// Records a policy briefing or career guidance of the 1131 service for a learner whose
    /// employment service the caller runs: the provider training them, an alliance
    /// administrator of their completed training, the regulator of their region, a department
    /// answering for a programme they train in.
    async fn record_service_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact.")] input: crate::graphql::types::RecordServiceContactInput,
    ) -> async_graphql::Result<crate::graphql::types::ServiceContact> {
        let api = api(ctx)?;
        let new = input.into_domain()?;
        Ok(crate::graphql::types::ServiceContact(
            employment::record_contact(&*api.db.turn().await?, &caller(ctx), new).await?,
        ))
    }

    /// The regulator's catalogue review: the region's catalogue items of `year` whose month-3
    /// placement rate for that year's completers (at least 5) is below `minPlacementRate` move
    /// from LISTED to UNDER_REVIEW with the measured rate as reason; providers below it are
    /// listed. Running it again changes nothing more.
    async fn review_catalogue(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year and the threshold.")] input: ReviewCatalogueInput,
    ) -> async_graphql::Result<CatalogueReview> {
        let api = api(ctx)?;
        Ok(CatalogueReview(
            catalogue::review_catalogue(
                &*api.db.turn().await?,
                &caller(ctx),
                input.year,
                input.min_placement_rate,
            )
            .await?,
        ))
    }
}

async fn move_recommendation(
    ctx: &Context<'_>,
    input: RecommendationOutcomeInput,
    party: Party,
) -> async_graphql::Result<Recommendation> {
    let api = api(ctx)?;
    let id = NodeKey::recommendation("input.recommendation", &input.recommendation)?;
    Ok(Recommendation(
        employment::move_outcome(
            &*api.db.turn().await?,
            &caller(ctx),
            party,
            id,
            input.outcome.into(),
            Reason::optional("input.reason", input.reason.as_deref())?,
        )
        .await?,
    ))
}
