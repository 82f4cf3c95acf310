//! Keeping the division tree: the system administrator adds, renames and retires regions when
//! divisions are redrawn.

use async_graphql::{Context, InputObject, Object};

use crate::{
    domain::{
        kernel::{codes::RegionCode, input},
        network::regions::{self, RegionChange},
    },
    events::Event,
    graphql::{
        context::{api, caller},
        types::{Region, RegionLevel},
    },
};

/// Adding, renaming and retiring regions.
#[derive(Default)]
pub struct RegionsMutation;

/// A region to add, or the new name, level and parent of one that exists.
#[derive(InputObject, Debug)]
pub struct UpsertRegionInput {
    /// Its six-digit code; an existing code changes that region.
    pub code: String,
    /// Its Chinese name, 1 to 50 characters.
    pub name: String,
    /// Its English name (empty or absent: none known), at most 100 characters.
    pub name_en: Option<String>,
    /// Its level.
    pub level: RegionLevel,
    /// The current region above it, one level up (a city's province, a county's city); absent
    /// for a province.
    pub parent: Option<String>,
}

/// A region to retire, and the region that takes over.
#[derive(InputObject, Debug)]
pub struct RetireRegionInput {
    /// The region's code.
    pub code: String,
    /// The current region of the same level that takes over.
    pub successor: String,
}

#[Object]
impl RegionsMutation {
    /// Adds a region or changes one (SYSTEM_ADMIN): when divisions are redrawn, a new code is
    /// added under its parent, and a renamed or moved one keeps its rows. A parent that does not
    /// exist, is retired, is not one level up, or is the region itself or under it is refused
    /// naming `input.parent`. Audited.
    async fn upsert_region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region.")] input: UpsertRegionInput,
    ) -> async_graphql::Result<Region> {
        let api = api(ctx)?;
        let change = RegionChange {
            code: input::one::<RegionCode>("input.code", &input.code)?,
            name: input.name,
            name_en: input.name_en.unwrap_or_default(),
            level: input.level.into(),
            parent: input
                .parent
                .as_deref()
                .map(|p| input::one::<RegionCode>("input.parent", p))
                .transpose()?,
        };
        let saved = regions::upsert(&*api.db.turn().await?, &caller(ctx), change).await?;
        forget_regions(ctx);
        Ok(Region(saved))
    }

    /// Retires a region (SYSTEM_ADMIN), naming the current region of the same level that takes
    /// over: its code still reads and still resolves, every row that names it keeps it, and new
    /// rows are refused there. A region with current regions under it is refused (retire or move
    /// them first). Audited.
    async fn retire_region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region and its successor.")] input: RetireRegionInput,
    ) -> async_graphql::Result<Region> {
        let api = api(ctx)?;
        let code = input::one::<RegionCode>("input.code", &input.code)?;
        let successor = input::one::<RegionCode>("input.successor", &input.successor)?;
        let saved =
            regions::retire(&*api.db.turn().await?, &caller(ctx), &code, &successor).await?;
        forget_regions(ctx);
        Ok(Region(saved))
    }
}

/// The regions held in memory are stale: this instance forgets them now, and every instance
/// that hears the event forgets its own.
fn forget_regions(ctx: &Context<'_>) {
    if let Ok(api) = api(ctx) {
        api.loaders.region.forget();
        api.events.publish(Event::RegionsChanged);
    }
}
