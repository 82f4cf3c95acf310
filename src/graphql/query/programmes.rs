//! `Query`: programmes.

use async_graphql::{Context, Object};
use futures_util::FutureExt;

use crate::domain::programmes::listing;
use crate::graphql::{
    connection::{Connection, TotalCount},
    context::api,
    types::{Programme, ProgrammeFilter, page_request},
};

/// Programmes of the regions' bureaus.
#[derive(Default)]
pub struct ProgrammesQuery;

/// Programmes of the regions' bureaus.
#[Object]
impl ProgrammesQuery {
    /// Programmes (专项 / 行动 / 工程 / 计划) of every region, by first day; `filter` narrows.
    /// Public: they are published plans.
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every programme when left out.")] filter: Option<
            ProgrammeFilter,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Programme>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = listing::list(&*api.db.turn().await?, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { listing::count(&*db.turn().await?, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, Programme))
    }
}
