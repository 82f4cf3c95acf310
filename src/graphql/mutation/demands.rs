//! `Mutation`: job demand: posting, changing, opening, closing and filling it.

use async_graphql::{Context, ID, InputObject, Object};

use crate::graphql::{
    context::{api, caller},
    ids::NodeKey,
    types::{Demand, DemandInput},
};
use crate::{
    domain::demands::{self, Transition},
    domain::kernel::input::{self, Reason},
    events::Event,
};

/// Job demand: posting, changing, opening, closing and filling it.
#[derive(Default)]
pub struct DemandsMutation;

#[Object]
impl DemandsMutation {
    /// Creates a DRAFT demand for the token's enterprise (ENTERPRISE), posted to one or more of
    /// its alliances.
    async fn create_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The demand.")] input: CreateDemandInput,
    ) -> async_graphql::Result<Demand> {
        let api = api(ctx)?;
        let content = input.demand.into_domain("input")?;
        Ok(Demand(
            demands::create(&*api.db.turn().await?, &caller(ctx), content).await?,
        ))
    }

    /// Replaces the content of a DRAFT or OPEN demand, if `version` is still current.
    async fn update_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The demand, the version read, and the new content.")]
        input: UpdateDemandInput,
    ) -> async_graphql::Result<Demand> {
        let api = api(ctx)?;
        let id = NodeKey::demand("input.id", &input.id)?;
        let content = input.demand.into_domain("input.demand")?;
        Ok(Demand(
            demands::update(
                &*api.db.turn().await?,
                &caller(ctx),
                id,
                input.version,
                content,
            )
            .await?,
        ))
    }

    /// Opens (publishes) a DRAFT demand; subscribers of `demandPosted` hear of it.
    async fn open_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The demand.")] input: DemandTransitionInput,
    ) -> async_graphql::Result<Demand> {
        let api = api(ctx)?;
        let id = NodeKey::demand("input.id", &input.id)?;
        let (saved, alliance_ids) = demands::transition(
            &*api.db.turn().await?,
            &caller(ctx),
            id,
            input.version,
            Transition::Open,
        )
        .await?;
        api.events.publish(Event::DemandOpened {
            demand_id: saved.id,
            alliance_ids,
            occupation_code: saved.occupation_code.clone(),
        });
        Ok(Demand(saved))
    }

    /// Closes a DRAFT or OPEN demand, with a reason.
    async fn close_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The demand and why it closes.")] input: CloseDemandInput,
    ) -> async_graphql::Result<Demand> {
        let api = api(ctx)?;
        let id = NodeKey::demand("input.id", &input.id)?;
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        let (saved, _) = demands::transition(
            &*api.db.turn().await?,
            &caller(ctx),
            id,
            input.version,
            Transition::Close(reason),
        )
        .await?;
        Ok(Demand(saved))
    }

    /// Marks an OPEN demand as FILLED.
    async fn mark_demand_filled(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The demand.")] input: DemandTransitionInput,
    ) -> async_graphql::Result<Demand> {
        let api = api(ctx)?;
        let id = NodeKey::demand("input.id", &input.id)?;
        let (saved, _) = demands::transition(
            &*api.db.turn().await?,
            &caller(ctx),
            id,
            input.version,
            Transition::Fill,
        )
        .await?;
        Ok(Demand(saved))
    }
}

/// Post new demand.
#[derive(InputObject, Debug)]
pub struct CreateDemandInput {
    /// The demand's content.
    pub demand: DemandInput,
}

/// Replace a demand's content.
#[derive(InputObject, Debug)]
pub struct UpdateDemandInput {
    /// The demand.
    pub id: ID,
    /// The version read; a stale one is a CONFLICT that changes nothing.
    pub version: i32,
    /// The new content.
    pub demand: DemandInput,
}

/// Move a demand through its lifecycle.
#[derive(InputObject, Debug)]
pub struct DemandTransitionInput {
    /// The demand.
    pub id: ID,
    /// The version read, if the caller wants the step refused when the demand changed since.
    pub version: Option<i32>,
}

/// Close a demand.
#[derive(InputObject, Debug)]
pub struct CloseDemandInput {
    /// The demand.
    pub id: ID,
    /// Why, 1 to 500 characters.
    pub reason: String,
    /// The version read, if the caller wants the step refused when the demand changed since.
    pub version: Option<i32>,
}
