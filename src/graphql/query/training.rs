//! `Query`: cohorts, open resources, the catalogue and training plans.

use async_graphql::{Context, Object};
use futures_util::FutureExt;

use crate::domain::training::{catalogue, cohorts, resources};
use crate::graphql::{
    connection::{Connection, TotalCount},
    context::api,
    types::{
        CatalogueItem, CatalogueItemFilter, Cohort, CohortFilter, OpenResource, OpenResourceFilter,
        OpenResourceOrder, TrainingPlan, TrainingPlanFilter, page_request,
    },
};

/// Cohorts, open resources, the catalogue and training plans.
#[derive(Default)]
pub struct TrainingQuery;

/// Cohorts, open resources, the catalogue and training plans.
#[Object]
impl TrainingQuery {
    /// Cohorts across every alliance, by start date; `filter` narrows. Public; who is enrolled is
    /// shown only to those who may see it.
    async fn cohorts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every cohort when left out.")] filter: Option<
            CohortFilter,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Cohort>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = cohorts::list(&*api.db.turn().await?, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { cohorts::count(&*db.turn().await?, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, Cohort))
    }

    /// Published open training resources across every alliance; `filter` narrows, `orderBy`
    /// orders (by start date unless told).
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and order"
    )]
    async fn open_resources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every published item when left out.")] filter: Option<
            OpenResourceFilter,
        >,
        #[graphql(desc = "The order; by start date when left out.")] order_by: Option<
            OpenResourceOrder,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<OpenResource>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let (field, descending) = order_by.unwrap_or_default().into_domain();
        let page =
            resources::list(&*api.db.turn().await?, &filter, field, descending, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { resources::count(&*db.turn().await?, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, OpenResource))
    }

    /// The subsidised-training catalogue of every region (LISTED items unless `filter.statuses`
    /// says otherwise), by occupation code.
    async fn catalogue_items(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<CatalogueItemFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<CatalogueItem>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = catalogue::list_items(&*api.db.turn().await?, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { catalogue::count_items(&*db.turn().await?, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, CatalogueItem))
    }

    /// Quarterly training plans of every provider.
    async fn training_plans(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<TrainingPlanFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<TrainingPlan>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = catalogue::list_plans(&*api.db.turn().await?, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { catalogue::count_plans(&*db.turn().await?, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, TrainingPlan))
    }
}
