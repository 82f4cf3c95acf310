//! `Query`: sign-ins, the tokens seen.

use async_graphql::{Context, Object};
use futures_util::FutureExt;

use crate::domain::identity::sign_ins;
use crate::graphql::{
    connection::{Connection, TotalCount},
    context::{api, caller},
    types::{SignIn, SignInFilter, page_request},
};

/// Sign-ins: the tokens seen.
#[derive(Default)]
pub struct IdentityQuery;

/// Sign-ins: the tokens seen.
#[Object]
impl IdentityQuery {
    /// The sign-ins (tokens seen, by `jti`) the caller may see: a regulator those acting for its
    /// region's organizations, SYSTEM_ADMIN all, anyone else its own.
    async fn sign_ins(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<SignInFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<SignIn>> {
        let api = api(ctx)?;
        let caller = caller(ctx);
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = sign_ins::list(&*api.db.turn().await?, &caller, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, caller, filter) = (db.clone(), caller.clone(), filter.clone());
            async move { sign_ins::count(&*db.turn().await?, &caller, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, SignIn))
    }
}
