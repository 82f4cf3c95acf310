//! The bureau's figures: indicators against targets and quotas.

use std::collections::HashMap;

use async_graphql::{Context, Enum, Object, SimpleObject};

use super::{Indicator, Programme, Region, TargetGroup, TrainingMode, TrainingPurpose};
use crate::domain::reports::{self, INDICATORS, IndicatorCounts, IndicatorKey};
use crate::graphql::scalars::Date;

/// A dimension the bureau's figures group by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::reports::IndicatorDimension")]
pub enum IndicatorDimension {
    /// The programme (certificates and cohorts in none form a row without one).
    Programme,
    /// A target group (a learner counts in each of theirs: rows do not add up to the total).
    TargetGroup,
    /// The cohort's training mode.
    Mode,
    /// The occupation's middle group (`4-14`).
    OccupationGroup,
    /// The county where the cohort trains or the session sits.
    County,
    /// The quarter (`2026-Q2`).
    Quarter,
    /// The cohort's training purpose (null: not recorded, and certificates). Purposes are parts
    /// of the atomic cells: for the public, the purposes of a cell left out hold nobody or at
    /// least five people together.
    Purpose,
}

/// One indicator's figure, with its target and the progress against it.
#[derive(SimpleObject, Debug, Clone)]
pub struct IndicatorValue {
    /// The indicator.
    pub indicator: Indicator,
    /// The figure: a count, or a rate in basis points; null with nobody to divide by.
    pub actual: Option<i64>,
    /// The target: the region's for the year (on the total), the programme's quota (on a
    /// programme's row); null where none is set.
    pub target: Option<i64>,
    /// `actual` ÷ `target` (1.0 is met); null without both.
    pub progress: Option<f64>,
}

/// Every indicator of `counts`, with the targets in `targets`.
pub fn indicator_values(
    counts: &IndicatorCounts,
    targets: &HashMap<entity::Indicator, i64>,
) -> Vec<IndicatorValue> {
    INDICATORS
        .iter()
        .map(|&indicator| {
            let actual = counts.value(indicator);
            let target = targets.get(&indicator).copied();
            IndicatorValue {
                indicator: indicator.into(),
                actual,
                target,
                progress: match (actual, target) {
                    (Some(a), Some(t)) if t > 0 => Some(a as f64 / t as f64),
                    _ => None,
                },
            }
        })
        .collect()
}

/// One row of the bureau's figures.
pub struct IndicatorRow {
    pub(crate) key: IndicatorKey,
    /// The row's target group, read once for the whole report.
    pub(crate) group: Option<entity::target_group::Model>,
    pub(crate) values: Vec<IndicatorValue>,
}

/// One group of the bureau's figures: the value of each dimension grouped by (null otherwise),
/// and every indicator.
#[Object]
impl IndicatorRow {
    /// The programme, when grouped by it (null: cohorts in none, and certificates).
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Programme>> {
        super::programme::of(ctx, self.key.programme).await
    }

    /// The target group, when grouped by it.
    async fn target_group(&self) -> Option<TargetGroup> {
        self.group.clone().map(TargetGroup)
    }

    /// The training mode, when grouped by it (null: not recorded, and certificates).
    async fn mode(&self) -> Option<TrainingMode> {
        use sea_orm::ActiveEnum;
        self.key
            .mode
            .as_deref()
            .and_then(|m| entity::TrainingMode::try_from_value(&m.to_owned()).ok())
            .map(Into::into)
    }

    /// The occupation group (`4-14`), when grouped by it.
    async fn occupation_group(&self) -> Option<&str> {
        self.key.occupation_group.as_deref()
    }

    /// The county, when grouped by it (null: not known).
    async fn county(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        super::location::county(ctx, self.key.county).await
    }

    /// The quarter (`2026-Q2`), when grouped by it.
    async fn quarter(&self) -> Option<&str> {
        self.key.quarter.as_deref()
    }

    /// The training purpose, when grouped by it (null: not recorded, and certificates).
    async fn purpose(&self) -> Option<TrainingPurpose> {
        use sea_orm::ActiveEnum;
        self.key
            .purpose
            .as_deref()
            .and_then(|p| entity::TrainingPurpose::try_from_value(&p.to_owned()).ok())
            .map(Into::into)
    }

    /// Every indicator.
    async fn values(&self) -> &[IndicatorValue] {
        &self.values
    }
}

/// A target the region set for a period of several years, with the figure of the period so far.
#[derive(SimpleObject, Debug, Clone)]
pub struct PeriodTarget {
    /// The indicator.
    pub indicator: Indicator,
    /// The first year.
    pub from_year: i32,
    /// The last year.
    pub to_year: i32,
    /// The target.
    pub target: i64,
    /// The figure from the first day of the period to the end of the report's period (rates over
    /// the same span).
    pub actual: Option<i64>,
    /// `actual` ÷ `target`.
    pub progress: Option<f64>,
}

/// The bureau's figures of a region for a year or a quarter.
pub struct IndicatorReport {
    pub(crate) region: entity::region::Model,
    pub(crate) report: reports::IndicatorReport,
    pub(crate) exact: bool,
    pub(crate) rows: Vec<IndicatorRow>,
    pub(crate) total: Vec<IndicatorValue>,
    pub(crate) period_targets: Vec<PeriodTarget>,
}

/// The bureau's figures (see `indicators`): rows by the dimensions asked, the total against the
/// region's targets for the year, and the targets of longer periods with their progress.
#[Object]
impl IndicatorReport {
    /// The region.
    async fn region(&self) -> Region {
        Region(self.region.clone())
    }

    /// The first day counted.
    async fn from(&self) -> Date {
        self.report.from.into()
    }

    /// The last day counted.
    async fn to(&self) -> Date {
        self.report.to.into()
    }

    /// Whether the figures are exact (the region's regulator) or released under the disclosure
    /// rule (everyone else: cells under five people left out of every figure).
    async fn exact(&self) -> bool {
        self.exact
    }

    /// The rows, by their keys.
    async fn rows(&self) -> &[IndicatorRow] {
        &self.rows
    }

    /// Every released figure added up, against the region's targets for the year.
    async fn total(&self) -> &[IndicatorValue] {
        &self.total
    }

    /// The region's targets for periods of several years that hold the report's year (a
    /// three-year action), with the figure from the period's first day to the report's last.
    async fn period_targets(&self) -> &[PeriodTarget] {
        &self.period_targets
    }
}

/// Set a target of the region's.
#[derive(async_graphql::InputObject, Debug)]
pub struct SetIndicatorTargetInput {
    /// The indicator.
    pub indicator: Indicator,
    /// The first year (the year of a yearly target).
    pub from_year: i32,
    /// The last year; the first when left out (a yearly target). At most ten years.
    pub to_year: Option<i32>,
    /// A count of 0 or more, or a rate in basis points from 0 to 10000.
    pub target: i64,
}

/// A target of a region's indicator.
#[derive(SimpleObject, Debug, Clone)]
pub struct IndicatorTarget {
    /// The indicator.
    pub indicator: Indicator,
    /// The first year.
    pub from_year: i32,
    /// The last year.
    pub to_year: i32,
    /// The target.
    pub target: i64,
}
