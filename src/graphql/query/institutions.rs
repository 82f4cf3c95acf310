//! `Query`: institution evaluations.

use async_graphql::{Context, Object};
use futures_util::FutureExt;

use crate::domain::institutions::credit;
use crate::graphql::{
    connection::{Connection, TotalCount},
    context::{api, caller},
    types::{InstitutionEvaluation, InstitutionEvaluationFilter, page_request},
};

/// Institution evaluations.
#[derive(Default)]
pub struct InstitutionsQuery;

/// Institution evaluations.
#[Object]
impl InstitutionsQuery {
    /// Institution evaluations, newest first, proposed ones included: a REGULATOR's those of its
    /// region, a TRAINING_INSTITUTION its own (SYSTEM_ADMIN: all). `filter: {statuses:
    /// [PROPOSED]}` is the regulator's list to confirm. A confirmed evaluation is also public,
    /// as `Organization.creditEvaluation`.
    async fn institution_evaluations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<InstitutionEvaluationFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<InstitutionEvaluation>> {
        let api = api(ctx)?;
        let caller = caller(ctx);
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = credit::list(&*api.db.turn().await?, &caller, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, caller, filter) = (db.clone(), caller.clone(), filter.clone());
            async move { credit::count(&*db.turn().await?, &caller, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, InstitutionEvaluation))
    }
}
