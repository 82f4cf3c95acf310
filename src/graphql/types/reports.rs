//! Reports in the graph: placement rates and the skills balance (certificate statistics are beside the certificates).

use crate::domain::reports;
use crate::graphql::scalars::Date;
use async_graphql::{Context, Enum, ID, InputObject, Object};

use super::{Alliance, CohortKind, Occupation, Organization, Region, employment::organization};
use crate::{
    domain::kernel::input,
    error::{AppError, AppResult},
    graphql::{context::api, ids::NodeKey},
};

/// What placement rates can be grouped by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::reports::PlacementDimension")]
pub enum PlacementDimension {
    /// The cohort's alliance.
    Alliance,
    /// The alliance's region (its city; the same as CITY).
    Region,
    /// The county the cohort trains in (its provider's); completers of cohorts whose county is
    /// not known form a group of their own, whose region is null.
    County,
    /// The alliance's city.
    City,
    /// The province of the alliance's city.
    Province,
    /// The training provider.
    Provider,
    /// The occupation trained for.
    Occupation,
    /// The kind of cohort.
    CohortKind,
    /// The quarter of completion (`2026-Q2`).
    Quarter,
    /// The programme the cohort belongs to (completers of cohorts in none form a group whose
    /// programme is null).
    Programme,
    /// A target group the completer belongs to: a completer counts in each of their groups (so
    /// the groups do not add up to the completers), one with none in no group.
    TargetGroup,
}

/// The GraphQL `PlacementRate` type: a group of completers, and its target group when grouped
/// by one (read once for the whole answer).
pub struct PlacementRate(
    pub reports::PlacementRow,
    pub Option<entity::target_group::Model>,
);

/// Placement figures of one group of completers. A *completer* is a COMPLETED enrolment, dated by
/// the day it ended. **placementRateMonth3 = employedMonth3 ÷ completers**: the share employed at
/// their month-3 follow-up, a completer not followed up counting as not placed; month 6 likewise.
/// Aggregates only — no learner appears — and a group with fewer than 5 completers is
/// `suppressed`: its counts and rates are null. The dimensions not grouped by are null.
#[Object]
impl PlacementRate {
    /// The alliance, when grouped by it.
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        match self.0.alliance_id {
            Some(id) => Ok(api(ctx)?.loaders.alliance.load_one(id).await?.map(Alliance)),
            None => Ok(None),
        }
    }

    /// The region, when grouped by a region level (REGION, COUNTY, CITY or PROVINCE): the
    /// group's region at that level.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        match self.0.region_id {
            Some(id) => Ok(api(ctx)?.loaders.region.load_one(id).await?.map(Region)),
            None => Ok(None),
        }
    }

    /// The training provider, when grouped by it.
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization(ctx, self.0.provider_id).await
    }

    /// The occupation code, when grouped by it.
    async fn occupation_code(&self) -> Option<&str> {
        self.0.occupation.as_deref()
    }

    /// The occupation, when grouped by it.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Occupation>> {
        match &self.0.occupation {
            Some(code) => Ok(api(ctx)?
                .loaders
                .occupation
                .load_one(code.clone())
                .await?
                .map(Occupation)),
            None => Ok(None),
        }
    }

    /// The kind of cohort, when grouped by it.
    async fn cohort_kind(&self) -> Option<CohortKind> {
        self.0.cohort_kind.map(Into::into)
    }

    /// The quarter of completion (`2026-Q2`), when grouped by it.
    async fn quarter(&self) -> Option<&str> {
        self.0.quarter.as_deref()
    }

    /// The programme, when grouped by it.
    async fn programme(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::programme::Programme>> {
        super::programme::of(ctx, self.0.programme_id).await
    }

    /// The target group, when grouped by it.
    async fn target_group(&self) -> Option<super::TargetGroup> {
        self.1.clone().map(super::TargetGroup)
    }

    /// Whether the group has fewer than 5 completers, so nothing but the group is reported.
    async fn suppressed(&self) -> bool {
        self.0.counts.suppressed()
    }

    /// Completers.
    async fn completers(&self) -> Option<i32> {
        self.count(self.0.counts.completers)
    }

    /// Completers with a month-3 follow-up.
    async fn followed_up_month3(&self) -> Option<i32> {
        self.count(self.0.counts.followed_up_month3)
    }

    /// Employed at the month-3 follow-up.
    async fn employed_month3(&self) -> Option<i32> {
        self.count(self.0.counts.employed_month3)
    }

    /// Employed in the occupation trained for at month 3.
    async fn matched_month3(&self) -> Option<i32> {
        self.count(self.0.counts.matched_month3)
    }

    /// employedMonth3 ÷ completers, 0 to 1.
    async fn placement_rate_month3(&self) -> Option<f64> {
        self.rate(self.0.counts.rate_month3())
    }

    /// Completers with a month-6 follow-up.
    async fn followed_up_month6(&self) -> Option<i32> {
        self.count(self.0.counts.followed_up_month6)
    }

    /// Employed at the month-6 follow-up.
    async fn employed_month6(&self) -> Option<i32> {
        self.count(self.0.counts.employed_month6)
    }

    /// Employed in the occupation trained for at month 6.
    async fn matched_month6(&self) -> Option<i32> {
        self.count(self.0.counts.matched_month6)
    }

    /// employedMonth6 ÷ completers, 0 to 1.
    async fn placement_rate_month6(&self) -> Option<f64> {
        self.rate(self.0.counts.rate_month6())
    }
}

impl PlacementRate {
    fn count(&self, n: u64) -> Option<i32> {
        (!self.0.counts.suppressed()).then(|| i32::try_from(n).unwrap_or(i32::MAX))
    }

    fn rate(&self, r: Option<f64>) -> Option<f64> {
        if self.0.counts.suppressed() { None } else { r }
    }
}

/// Which completers placement rates count.
#[derive(InputObject, Debug, Clone)]
pub struct PlacementRateFilter {
    /// The first completion day counted.
    pub completed_from: Date,
    /// The last completion day counted.
    pub completed_to: Date,
    /// Only cohorts of these alliances.
    pub alliances: Option<Vec<String>>,
    /// Only alliances of these regions or under them (province, city or county codes).
    pub regions: Option<Vec<String>>,
    /// Only these training providers.
    pub providers: Option<Vec<ID>>,
    /// Only occupations under this code or prefix.
    pub occupation: Option<String>,
    /// Only these kinds of cohort.
    pub cohort_kinds: Option<Vec<CohortKind>>,
}

impl PlacementRateFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<reports::PlacementFilter> {
        Ok(reports::PlacementFilter {
            from: self.completed_from.into(),
            to: self.completed_to.into(),
            alliances: input::listed("filter.alliances", self.alliances.as_deref())?,
            regions: input::listed("filter.regions", self.regions.as_deref())?,
            providers: self
                .providers
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(|(i, id)| NodeKey::organization(&format!("filter.providers[{i}]"), id))
                .collect::<AppResult<_>>()?,
            occupation: input::optional("filter.occupation", self.occupation.as_deref())?,
            cohort_kinds: self
                .cohort_kinds
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        })
    }
}

/// Which occupations the skills balance covers.
#[derive(InputObject, Debug, Clone, Default)]
pub struct SkillsBalanceFilter {
    /// Only these alliances: demands posted to them, cohorts in them, certificates of bodies that
    /// are their members.
    pub alliances: Option<Vec<String>>,
    /// Only these regions and those under them (province, city or county codes).
    pub regions: Option<Vec<String>>,
    /// Only occupations under this code or prefix.
    pub occupation: Option<String>,
    /// Certificates issued and hires made from this day.
    pub from: Option<Date>,
    /// Certificates issued and hires made up to this day.
    pub to: Option<Date>,
}

impl SkillsBalanceFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<reports::BalanceFilter> {
        if let (Some(from), Some(to)) = (self.from, self.to)
            && to < from
        {
            return Err(AppError::validation("filter.to", "must not be before from"));
        }
        Ok(reports::BalanceFilter {
            alliances: input::listed("filter.alliances", self.alliances.as_deref())?,
            regions: input::listed("filter.regions", self.regions.as_deref())?,
            occupation: input::optional("filter.occupation", self.occupation.as_deref())?,
            from: self.from.map(Into::into),
            to: self.to.map(Into::into),
        })
    }
}

/// The GraphQL `SkillsBalanceRow` type.
pub struct SkillsBalanceRow(pub reports::BalanceRow);

/// Supply and demand of one occupation across the alliances filtered: aggregates only.
#[Object]
impl SkillsBalanceRow {
    /// The occupation code.
    async fn occupation_code(&self) -> &str {
        &self.0.occupation
    }

    /// The occupation.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Occupation>> {
        Ok(api(ctx)?
            .loaders
            .occupation
            .load_one(self.0.occupation.clone())
            .await?
            .map(Occupation))
    }

    /// Places of OPEN demands not yet filled.
    async fn open_headcount(&self) -> i64 {
        self.0.open_headcount
    }

    /// Seats of PLANNED cohorts.
    async fn planned_seats(&self) -> i64 {
        self.0.planned_seats
    }

    /// Seats of RUNNING cohorts.
    async fn running_seats(&self) -> i64 {
        self.0.running_seats
    }

    /// VALID certificates issued (in the period, when one is given).
    async fn certificates_issued(&self) -> i64 {
        self.0.certificates
    }

    /// Hires through job recommendations (in the period, when one is given).
    async fn hires(&self) -> i64 {
        self.0.hires
    }
}
