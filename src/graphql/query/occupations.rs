//! `Query`: the national occupational classification and the skill-level ladder.

use async_graphql::{Context, Object};
use futures_util::FutureExt;

use crate::domain::{
    kernel::{codes::OccupationCode, input},
    occupations,
};
use crate::graphql::{
    connection::{Connection, TotalCount},
    context::api,
    types::{Occupation, OccupationFilter, SkillLevelInfo, page_request},
};

/// The national occupational classification.
#[derive(Default)]
pub struct OccupationsQuery;

/// The national occupational classification.
#[Object]
impl OccupationsQuery {
    /// Occupations of the national classification, by code; `filter` narrows.
    async fn occupations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every occupation when left out.")] filter: Option<
            OccupationFilter,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Occupation>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = occupations::list(&*api.db.turn().await?, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { occupations::count(&*db.turn().await?, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, Occupation::owned))
    }

    /// One occupation by its code (`6-18-02-04`); null if the classification has no such code.
    async fn occupation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A full code, 1-2-2-2 digits, such as 6-18-02-04.")] code: String,
    ) -> async_graphql::Result<Option<Occupation>> {
        let code = input::one::<OccupationCode>("code", &code)?;
        Ok(occupations::by_code(&*api(ctx)?.db.turn().await?, &code)
            .await?
            .map(Occupation::owned))
    }
}

/// The skill-level ladder.
#[derive(Default)]
pub struct LevelsQuery;

/// The skill-level ladder.
#[Object]
impl LevelsQuery {
    /// The skill-level ladder, lowest first.
    async fn skill_levels(&self) -> Vec<SkillLevelInfo> {
        SkillLevelInfo::ladder()
    }
}
