//! `Query`: the national occupational classification and the skill-level ladder.

use async_graphql::{Context, Object};
use futures_util::FutureExt;

use crate::domain::{
    kernel::{
        codes::{OccupationCode, OccupationPrefix},
        input,
    },
    occupations::{self, trades},
};
use crate::graphql::{
    connection::{Connection, TotalCount},
    context::api,
    types::{
        Occupation, OccupationFilter, OccupationGroup, OccupationGroupLevel, SkillLevelInfo,
        SpecialAbility, WorkType, page_request,
    },
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

    /// One named group of the classification by its code (`6`, `6-18`, `6-18-02`), with its
    /// occupations; null if there is no such group.
    async fn occupation_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A group's code: `6`, `6-18` or `6-18-02`.")] code: String,
    ) -> async_graphql::Result<Option<OccupationGroup>> {
        let code = input::one::<OccupationPrefix>("code", &code)?;
        Ok(api(ctx)?
            .loaders
            .occupation_group
            .load_one(code.as_str().to_owned())
            .await?
            .map(OccupationGroup))
    }

    /// The named groups of the classification, by code: all 537, or those of one level, or
    /// those directly under one group.
    async fn occupation_groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only groups of this level.")] level: Option<OccupationGroupLevel>,
        #[graphql(desc = "Only groups directly under this one (`6` lists its 中类).")]
        parent: Option<String>,
    ) -> async_graphql::Result<Vec<OccupationGroup>> {
        let parent = input::optional::<OccupationPrefix>("parent", parent.as_deref())?;
        let level: Option<entity::OccupationGroupLevel> = level.map(Into::into);
        let table = api(ctx)?.loaders.occupation_group.table().await?;
        let mut out: Vec<OccupationGroup> = table
            .values()
            .filter(|g| level.is_none_or(|l| g.level == l))
            .filter(|g| {
                parent
                    .as_ref()
                    .is_none_or(|p| g.parent_code.as_deref() == Some(p.as_str()))
            })
            .cloned()
            .map(OccupationGroup)
            .collect();
        out.sort_by(|a, b| a.0.code.cmp(&b.0.code));
        Ok(out)
    }

    /// Work types (工种), national first, then by code: of an occupation or group when `occupation`
    /// is given (`6-18` lists every welding and machining trade), national and of `region` when
    /// it is given (every region's otherwise).
    async fn work_types(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An occupation's code or a group's (`6-18-02-04`, `6-18`).")]
        occupation: Option<String>,
        #[graphql(desc = "A city (GB/T 2260 code): its rows and the national ones.")]
        region: Option<String>,
    ) -> async_graphql::Result<Vec<WorkType>> {
        let occupation = input::optional::<OccupationPrefix>("occupation", occupation.as_deref())?;
        let db = api(ctx)?.db.turn().await?;
        let region = region_id(&db, region.as_deref()).await?;
        Ok(
            trades::work_types(&*db, occupation.map(|o| o.like_pattern()), region)
                .await?
                .into_iter()
                .map(WorkType)
                .collect(),
        )
    }

    /// Special abilities (专项职业能力), national first, then by code: national and of `region`
    /// when it is given (every region's otherwise).
    async fn special_abilities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A city (GB/T 2260 code): its rows and the national ones.")]
        region: Option<String>,
    ) -> async_graphql::Result<Vec<SpecialAbility>> {
        let db = api(ctx)?.db.turn().await?;
        let region = region_id(&db, region.as_deref()).await?;
        Ok(trades::special_abilities(&*db, region)
            .await?
            .into_iter()
            .map(SpecialAbility)
            .collect())
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

/// The id of the region `code` names (`region` the argument), if one is given.
async fn region_id(
    db: &sea_orm::DatabaseConnection,
    code: Option<&str>,
) -> async_graphql::Result<Option<i32>> {
    let Some(code) = input::optional::<crate::domain::kernel::codes::RegionCode>("region", code)?
    else {
        return Ok(None);
    };
    let found = crate::domain::network::regions::by_code(db, &code)
        .await?
        .ok_or_else(|| crate::error::AppError::validation("region", "no region has this code"))?;
    Ok(Some(found.id))
}
