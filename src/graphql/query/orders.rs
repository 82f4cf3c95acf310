//! `Query`: training intentions, orders, and the demand for training.

use async_graphql::{Context, Object};

use crate::graphql::{
    connection::{Connection, TotalCount},
    context::api,
    context::caller,
    types::{
        IntentionDemandGroup, IntentionStatus, TrainingIntention, TrainingOrder, page_request,
    },
};
use crate::{
    auth::policy,
    domain::kernel::input,
    domain::{kernel::codes::RegionCode, orders},
    error::AppError,
};

/// Training intentions, orders, and the demand for training.
#[derive(Default)]
pub struct OrdersQuery;

/// Training intentions, orders, and the demand for training.
#[Object]
impl OrdersQuery {
    /// Training intentions within the caller's scope (the learner's own, a provider's, the
    /// regulator's region), oldest first.
    async fn training_intentions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these statuses (all when left out).")] statuses: Option<
            Vec<IntentionStatus>,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<TrainingIntention>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = orders::IntentionFilter {
            statuses: statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        let page = orders::list_intentions(&*api.db.turn().await?, &caller(ctx), &filter, &request)
            .await?;
        let n = page.items.len() as u64;
        Ok(Connection::from_page(
            page,
            TotalCount::Known(n),
            TrainingIntention,
        ))
    }

    /// Training orders: the regulator's region, a provider's own.
    async fn training_orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<TrainingOrder>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let page = orders::list_orders(&*api.db.turn().await?, &caller(ctx), &request).await?;
        let n = page.items.len() as u64;
        Ok(Connection::from_page(
            page,
            TotalCount::Known(n),
            TrainingOrder,
        ))
    }

    /// Open training intentions counted by region, occupation, level and first-choice schedule:
    /// where people want training. Counts only, no learner; public. Without a regulator's token a
    /// group of fewer than 5 intentions is left out.
    async fn intention_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this region (GB/T 2260 code).")] region: Option<String>,
        #[graphql(desc = "Only this occupation or group.")] occupation: Option<String>,
    ) -> async_graphql::Result<Vec<IntentionDemandGroup>> {
        let region = input::optional::<RegionCode>("region", region.as_deref())?;
        let occupation = occupation
            .map(|o| {
                crate::domain::kernel::codes::OccupationPrefix::parse(&o)
                    .map_err(|e| AppError::validation("occupation", e))
            })
            .transpose()?;
        let precision = policy::aggregate_precision(&caller(ctx).viewer);
        let groups = orders::intention_demand(
            &*api(ctx)?.db.turn().await?,
            precision,
            region.as_ref(),
            occupation.as_ref(),
        )
        .await?;
        Ok(groups.into_iter().map(IntentionDemandGroup).collect())
    }
}
