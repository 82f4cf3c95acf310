//! `Query`: demand across every alliance.

use async_graphql::{Context, Object};
use futures_util::FutureExt;

use crate::domain::demands;
use crate::graphql::{
    connection::{Connection, TotalCount},
    context::{api, caller},
    types::{Demand, DemandFilter, DemandOrder, page_request},
};

/// Demand across every alliance.
#[derive(Default)]
pub struct DemandsQuery;

/// Demand across every alliance.
#[Object]
impl DemandsQuery {
    /// Demand across every alliance: OPEN demand for everyone (the default); drafts, filled and
    /// closed demand for its enterprise, the admins of its alliances, the regulator of its region.
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and order"
    )]
    async fn demands(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; OPEN demand in every alliance when left out.")] filter: Option<DemandFilter>,
        #[graphql(desc = "The order; newest first when left out.")] order_by: Option<DemandOrder>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Demand>> {
        let api = api(ctx)?;
        let viewer = caller(ctx).viewer;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let (field, descending) = order_by.unwrap_or_default().into_domain();
        let page = demands::list(
            &*api.db.turn().await?,
            &viewer,
            &filter,
            field,
            descending,
            &request,
        )
        .await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, viewer, filter) = (db.clone(), viewer.clone(), filter.clone());
            async move { demands::count(&*db.turn().await?, &viewer, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, Demand))
    }
}
