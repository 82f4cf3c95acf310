//! The schema as an Apollo Federation v2 subgraph (setting `federation`): the public entities —
//! Region, Alliance, Organization, Occupation, Demand and OpenResource — carry `@key(fields:
//! "id")`, `_service { sdl }` prints the subgraph's SDL, and `_entities` resolves references
//! through `node(id:)`'s own path: the same loaders, and the same rule that an entity the viewer
//! may not see is null, exactly like one that does not exist. Without the setting, none of this
//! is in the schema.

use async_graphql::{Context, ID, MergedObject, Object};

use super::{
    QueryRoot,
    ids::NodeKey,
    query::load_node,
    types::{Alliance, Demand, Node, Occupation, OpenResource, Organization, Region},
};

/// The entity resolvers (hidden: only `_entities` calls them).
#[derive(Default)]
pub struct EntityRoot;

/// The node `id` names, if it is one the viewer may see and of the kind `pick` takes.
async fn entity<T>(
    ctx: &Context<'_>,
    id: &ID,
    pick: impl FnOnce(Node) -> Option<T>,
) -> async_graphql::Result<Option<T>> {
    let key = NodeKey::parse("id", id)?;
    Ok(load_node(ctx, key).await?.and_then(pick))
}

#[Object]
impl EntityRoot {
    /// A region by its global ID.
    #[graphql(entity)]
    async fn find_region_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Region>> {
        entity(ctx, &id, |n| match n {
            Node::Region(r) => Some(r),
            _ => None,
        })
        .await
    }

    /// An alliance by its global ID.
    #[graphql(entity)]
    async fn find_alliance_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Alliance>> {
        entity(ctx, &id, |n| match n {
            Node::Alliance(a) => Some(a),
            _ => None,
        })
        .await
    }

    /// An organization by its global ID.
    #[graphql(entity)]
    async fn find_organization_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Organization>> {
        entity(ctx, &id, |n| match n {
            Node::Organization(o) => Some(o),
            _ => None,
        })
        .await
    }

    /// An occupation by its global ID.
    #[graphql(entity)]
    async fn find_occupation_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Occupation>> {
        entity(ctx, &id, |n| match n {
            Node::Occupation(o) => Some(o),
            _ => None,
        })
        .await
    }

    /// A demand by its global ID (null when the viewer may not see it).
    #[graphql(entity)]
    async fn find_demand_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Demand>> {
        entity(ctx, &id, |n| match n {
            Node::Demand(d) => Some(d),
            _ => None,
        })
        .await
    }

    /// An open resource by its global ID.
    #[graphql(entity)]
    async fn find_open_resource_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<OpenResource>> {
        entity(ctx, &id, |n| match n {
            Node::OpenResource(r) => Some(r),
            _ => None,
        })
        .await
    }
}

/// The query root of the subgraph: every public field, and the entity resolvers.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct FederatedQuery(QueryRoot, EntityRoot);
