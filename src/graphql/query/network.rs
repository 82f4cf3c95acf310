//! `Query`: any object by its ID, and the network: regions, alliances, organizations and
//! applications to join alliances.

use async_graphql::{Context, ID, Object};
use futures_util::FutureExt;

use crate::graphql::{
    connection::{Connection, TotalCount},
    context::api,
    context::caller,
    ids::NodeKey,
    types::{
        Alliance, AllianceFilter, AllianceOrder, Industry, IndustryCluster, MembershipApplication,
        MembershipApplicationFilter, Node, Organization, OrganizationFilter, OrganizationOrder,
        OrganizationStatsDimension, OrganizationStatsRow, Region, RegionFilter, page_request,
    },
};
use crate::{
    domain::{
        kernel::{
            codes::{AllianceCode, RegionCode},
            input,
        },
        network::{alliances, applications, industries, organizations, regions},
    },
    error::AppError,
};

use super::{MAX_NODES, load_node};

/// Any object by its ID, and the network: regions, alliances and organizations.
#[derive(Default)]
pub struct NetworkQuery;

/// Any object by its ID, and the network: regions, alliances and organizations.
#[Object]
impl NetworkQuery {
    /// Fetches any object by its global ID; null when nothing has that ID.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let key = NodeKey::parse("id", &id)?;
        load_node(ctx, key).await
    }

    /// Fetches objects by global ID, in the order given; null where nothing has that ID. At most
    /// 100 IDs.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100.")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(
                AppError::validation("ids", format!("at most {MAX_NODES} IDs at once")).into(),
            );
        }
        let keys = ids
            .iter()
            .enumerate()
            .map(|(i, id)| NodeKey::parse(&format!("ids[{i}]"), id))
            .collect::<Result<Vec<_>, _>>()?;
        futures_util::future::try_join_all(keys.into_iter().map(|key| load_node(ctx, key))).await
    }

    /// Regions of the division tree, by code: every province, city and county is reference data.
    /// Without a filter, the regions in service (where an organization or alliance is
    /// registered); `filter: {levels: [PROVINCE]}` and `Region.children` walk the whole tree.
    async fn regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Narrows the list; the regions in service when left out.",
            default_with = "RegionFilter::in_service()"
        )]
        filter: RegionFilter,
    ) -> async_graphql::Result<Vec<Region>> {
        let filter = filter.into_domain()?;
        Ok(regions::list(&*api(ctx)?.db.turn().await?, &filter)
            .await?
            .into_iter()
            .map(Region)
            .collect())
    }

    /// Counts of the organizations a filter lists, grouped by kind and one region level (COUNTY,
    /// CITY or PROVINCE): how many colleges each county has. One total without `groupBy`.
    async fn organization_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which organizations; every one when left out.")] filter: Option<
            OrganizationFilter,
        >,
        #[graphql(desc = "The dimensions to group by; one total when left out.")] group_by: Option<
            Vec<OrganizationStatsDimension>,
        >,
    ) -> async_graphql::Result<Vec<OrganizationStatsRow>> {
        let filter = filter.unwrap_or_default().into_domain()?;
        let dims: Vec<_> = group_by
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        Ok(
            organizations::stats(&*api(ctx)?.db.turn().await?, &filter, &dims)
                .await?
                .into_iter()
                .map(OrganizationStatsRow)
                .collect(),
        )
    }

    /// Every industry alliances serve, by code: the national list and those regions added.
    async fn industries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Industry>> {
        Ok(industries::all(&*api(ctx)?.db.turn().await?)
            .await?
            .into_iter()
            .map(Industry)
            .collect())
    }

    /// The named clusters of industries of a city ("7+3", "353"), by code; every city's without
    /// `region`.
    async fn industry_clusters(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The city (GB/T 2260 code); every city's when left out.")] region: Option<
            String,
        >,
    ) -> async_graphql::Result<Vec<IndustryCluster>> {
        let region = input::optional::<RegionCode>("region", region.as_deref())?;
        let db = api(ctx)?.db.turn().await?;
        let clusters = industries::clusters(&db, region.as_ref()).await?;
        let ids: Vec<i32> = clusters.iter().map(|c| c.id).collect();
        let mut members = industries::industries_of_clusters(&db, &ids).await?;
        Ok(clusters
            .into_iter()
            .map(|c| {
                let of = members.remove(&c.id).unwrap_or_default();
                IndustryCluster(c, of)
            })
            .collect())
    }

    /// One region by its GB/T 2260 code; null if there is none.
    async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "GB/T 2260 code, such as 321100.")] code: String,
    ) -> async_graphql::Result<Option<Region>> {
        let code = input::one::<RegionCode>("code", &code)?;
        Ok(regions::by_code(&*api(ctx)?.db.turn().await?, &code)
            .await?
            .map(Region))
    }

    /// One alliance by its code (`zj-eyewear`); null if there is none.
    async fn alliance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The alliance's code, such as zj-eyewear.")] code: String,
    ) -> async_graphql::Result<Option<Alliance>> {
        let code = input::one::<AllianceCode>("code", &code)?;
        Ok(alliances::by_code(&*api(ctx)?.db.turn().await?, &code)
            .await?
            .map(Alliance))
    }

    /// Alliances across every region; `filter` narrows, `orderBy` orders (by code unless told).
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and order"
    )]
    async fn alliances(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every alliance when left out.")] filter: Option<
            AllianceFilter,
        >,
        #[graphql(desc = "The order; by code ascending when left out.")] order_by: Option<
            AllianceOrder,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Alliance>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let (field, descending) = order_by.unwrap_or_default().into_domain();
        let page =
            alliances::list(&*api.db.turn().await?, &filter, field, descending, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { alliances::count(&*db.turn().await?, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, Alliance))
    }

    /// Organizations across every alliance and region; `filter` narrows (by kind, alliances,
    /// region, name, number of alliances), `orderBy` orders (by name unless told).
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and order"
    )]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every organization when left out.")] filter: Option<
            OrganizationFilter,
        >,
        #[graphql(desc = "The order; by name ascending when left out.")] order_by: Option<
            OrganizationOrder,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Organization>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let (field, descending) = order_by.unwrap_or_default().into_domain();
        let page =
            organizations::list(&*api.db.turn().await?, &filter, field, descending, &request)
                .await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { organizations::count(&*db.turn().await?, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, Organization))
    }
}

/// Applications to join alliances.
#[derive(Default)]
pub struct ApplicationsQuery;

/// Applications to join alliances.
#[Object]
impl ApplicationsQuery {
    /// Applications to join alliances, oldest first: for an alliance's administrator those to
    /// its alliances, for a regulator those to its region's alliances, for an organization its
    /// own (SYSTEM_ADMIN: all). `filter: {statuses: [PENDING]}` is the work list.
    async fn membership_applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<MembershipApplicationFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<MembershipApplication>> {
        let api = api(ctx)?;
        let caller = caller(ctx);
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = applications::list(&*api.db.turn().await?, &caller, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, caller, filter) = (db.clone(), caller.clone(), filter.clone());
            async move { applications::count(&*db.turn().await?, &caller, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, MembershipApplication))
    }
}
