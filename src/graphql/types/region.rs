use async_graphql::{Context, ID, InputObject, Object};
use entity::region;

use super::{Alliance, RegionLevel};
use crate::domain::{kernel::codes::RegionCode, kernel::input, network::regions};
use crate::error::{AppError, AppResult};
use crate::graphql::nested;
use crate::graphql::{connection::Connection, ids::NodeKey};

/// The GraphQL `Region` type over its row (its schema description is on the `#[Object]` impl).
pub struct Region(pub region::Model);

/// A region (地区): a province, city or county of the statistical division codes (GB/T 2260 and
/// the statistical areas), in a tree. Alliances and organizations belong to a region; a region
/// filter means the region and everything under it.
#[Object]
impl Region {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Region(self.0.id).to_id().into()
    }

    /// The six-digit division code (Jiangsu `320000`, Zhenjiang `321100`, Danyang `321181`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Chinese name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// English name: every province has one; a city or county where the deployment gave it (the
    /// demo names its cities), empty otherwise.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }

    /// Province, city or county.
    async fn level(&self) -> RegionLevel {
        self.0.level.into()
    }

    /// The region above: a county's city, a city's province; null for a province.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        let Some(id) = self.0.parent_id else {
            return Ok(None);
        };
        use crate::graphql::context::api;
        Ok(api(ctx)?.loaders.region.load_one(id).await?.map(Region))
    }

    /// When it was retired (its code still reads and resolves, and new rows go to its
    /// successor); null while current.
    async fn retired_at(&self) -> Option<crate::graphql::scalars::DateTime> {
        self.0.retired_at.map(Into::into)
    }

    /// The region that took over from a retired one; null while current.
    async fn successor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        let Some(id) = self.0.successor_id else {
            return Ok(None);
        };
        use crate::graphql::context::api;
        Ok(api(ctx)?.loaders.region.load_one(id).await?.map(Region))
    }

    /// The regions directly under this one, by code: a province's cities, a city's counties.
    async fn children(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Region>> {
        use crate::graphql::context::api;
        Ok(api(ctx)?
            .loaders
            .region_children
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Region)
            .collect())
    }

    /// The alliances of this region, in the order they were registered.
    async fn alliances(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Alliance>> {
        nested::list::<nested::RegionAlliances, _>(
            ctx,
            self.0.id,
            nested::PageArgs::new(first, after, last, before),
            Alliance,
        )
        .await
    }
}

impl Region {
    /// The region of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::graphql::context::api;
        let loaders = &api(ctx)?.loaders;
        Ok(loaders.region.load_one(id).await?.map(Self))
    }
}

/// Which regions to list; the fields narrow together.
#[derive(InputObject, Debug, Default)]
pub struct RegionFilter {
    /// Only these levels.
    pub levels: Option<Vec<RegionLevel>>,
    /// Only the regions directly under this one (a code, such as `210200` for Dalian's counties).
    pub parent: Option<String>,
    /// Only these codes (at most 100).
    pub codes: Option<Vec<String>>,
    /// Only regions in service (true: an organization or alliance is registered in them), or
    /// only those not in service (false); either when left out.
    pub in_service: Option<bool>,
}

impl RegionFilter {
    /// What `regions` lists without a filter: the regions in service.
    pub fn in_service() -> Self {
        Self {
            in_service: Some(true),
            ..Self::default()
        }
    }

    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<regions::RegionFilter> {
        let codes = input::listed::<RegionCode, _>("filter.codes", self.codes.as_deref())?;
        if codes.len() > 100 {
            return Err(AppError::validation(
                "filter.codes",
                "at most 100 region codes",
            ));
        }
        Ok(regions::RegionFilter {
            levels: self
                .levels
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            parent: self
                .parent
                .as_deref()
                .map(|p| input::one::<RegionCode>("filter.parent", p))
                .transpose()?,
            codes,
            in_service: self.in_service,
        })
    }
}
