use async_graphql::{Context, ID, Object};
use entity::region;

use super::Alliance;
use crate::graphql::nested;
use crate::graphql::{connection::Connection, ids::NodeKey};

/// The GraphQL `Region` type over its row (its schema description is on the `#[Object]` impl).
pub struct Region(pub region::Model);

/// A region (地区): a city identified by its GB/T 2260 code. Alliances belong to a region.
#[Object]
impl Region {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Region(self.0.id).to_id().into()
    }

    /// GB/T 2260 administrative division code (Zhenjiang `321100`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Chinese name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// English name.
    async fn name_en(&self) -> &str {
        &self.0.name_en
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
