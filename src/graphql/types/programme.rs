//! Programmes (专项 / 行动 / 工程 / 计划) of a region.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::programme;

use super::{Cohort, Indicator, Organization, ProgrammeKind, Region, TargetGroup, TrainingMode};
use crate::{
    domain::{
        kernel::{codes::RegionCode, ids::NodeKey, input},
        programmes::{self, listing::ProgrammeFilter as DomainFilter},
    },
    error::{AppError, AppResult},
    graphql::{connection::Connection, context::api, loaders::required, scalars::Date},
};

/// The GraphQL `Programme` type over its row.
pub struct Programme(pub programme::Model);

/// A programme's quota for one indicator in one year.
#[derive(SimpleObject)]
pub struct ProgrammeQuota {
    /// The year.
    pub year: i32,
    /// The indicator.
    pub indicator: Indicator,
    /// The quota: a count, or basis points for a rate (9000 = 90 %).
    pub target: i64,
}

/// The programme of `id`, if there is one: for the rows that name their programme.
pub(crate) async fn of(
    ctx: &Context<'_>,
    id: Option<i32>,
) -> async_graphql::Result<Option<Programme>> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(api(ctx)?
        .loaders
        .programme
        .load_one(id)
        .await?
        .map(Programme))
}

impl Programme {
    async fn scope(&self, ctx: &Context<'_>) -> async_graphql::Result<programmes::Scope> {
        Ok(api(ctx)?
            .loaders
            .programme_scope
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    /// The programme of `id` (`node(id:)`): programmes are published plans.
    pub(crate) async fn by_id(ctx: &Context<'_>, id: i32) -> async_graphql::Result<Option<Self>> {
        Ok(api(ctx)?.loaders.programme.load_one(id).await?.map(Self))
    }
}

/// A programme (专项 / 行动 / 工程 / 计划) a region's bureau runs: its period, the target groups
/// it serves, the occupations and modes it trains in, the departments that answer for it, its
/// yearly quotas, and the cohorts that belong to it. Public: a programme is a published plan;
/// who takes part is behind the person gate.
#[Object]
impl Programme {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Programme(self.0.id).to_id().into()
    }

    /// Its code, unique in its region (`zj-2026-key-groups`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Its name as the region writes it.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What kind of programme.
    async fn kind(&self) -> ProgrammeKind {
        self.0.kind.into()
    }

    /// The region whose bureau runs it.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        Ok(Region(
            required(&api(ctx)?.loaders.region, self.0.region_id, || {
                AppError::internal("a programme without its region")
            })
            .await?,
        ))
    }

    /// First day.
    async fn starts_on(&self) -> Date {
        self.0.starts_on.into()
    }

    /// Last day.
    async fn ends_on(&self) -> Date {
        self.0.ends_on.into()
    }

    /// The target groups it serves, by code.
    async fn target_groups(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TargetGroup>> {
        Ok(self
            .scope(ctx)
            .await?
            .target_groups
            .into_iter()
            .map(TargetGroup)
            .collect())
    }

    /// The occupations it trains for: codes or prefixes (`6-18` is every welding occupation);
    /// empty for any.
    async fn occupations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(self.scope(ctx).await?.occupations)
    }

    /// The modes it trains in; empty for any.
    async fn modes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TrainingMode>> {
        Ok(self
            .scope(ctx)
            .await?
            .modes
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The departments that answer for it (GOVERNMENT organizations: 民政局, 妇联, 残联, …).
    async fn departments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Organization>> {
        let ids = self.scope(ctx).await?.departments;
        let mut found: Vec<_> = api(ctx)?
            .loaders
            .organization
            .load_many(ids)
            .await?
            .into_values()
            .collect();
        found.sort_by_key(|o| o.id);
        Ok(found.into_iter().map(Organization).collect())
    }

    /// Its quotas, by year and indicator.
    async fn quotas(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProgrammeQuota>> {
        Ok(self
            .scope(ctx)
            .await?
            .quotas
            .into_iter()
            .map(|q| ProgrammeQuota {
                year: i32::from(q.year),
                indicator: q.indicator.into(),
                target: q.target,
            })
            .collect())
    }

    /// The cohorts that belong to it, in the order they were formed (one statement for every
    /// programme of a page).
    async fn cohorts(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Cohort>> {
        crate::graphql::nested::list::<crate::graphql::nested::ProgrammeCohorts, _>(
            ctx,
            self.0.id,
            crate::graphql::nested::PageArgs::new(first, after, last, before),
            Cohort,
        )
        .await
    }
}

/// Which programmes to list; every field narrows.
#[derive(InputObject, Debug, Default)]
pub struct ProgrammeFilter {
    /// Of these regions or any under them (GB/T 2260 codes).
    pub regions: Option<Vec<String>>,
    /// Of these kinds.
    pub kinds: Option<Vec<ProgrammeKind>>,
    /// Running on some day of this year.
    pub year: Option<i32>,
    /// Serving one of these target groups (codes).
    pub target_groups: Option<Vec<String>>,
    /// That this department (an organization) answers for.
    pub department: Option<ID>,
}

impl ProgrammeFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<DomainFilter> {
        Ok(DomainFilter {
            regions: input::listed::<RegionCode, _>("filter.regions", self.regions.as_deref())?,
            kinds: self
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            year: self.year,
            target_groups: self.target_groups.unwrap_or_default(),
            department_id: self
                .department
                .map(|d| NodeKey::organization("filter.department", &d))
                .transpose()?,
        })
    }
}
