//! The targets and quotas the bureau's figures are measured against, and the periods they
//! cover.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use entity::{Indicator, indicator_target, programme_quota};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::AppResult;

/// The region's targets that cover `year`: yearly ones (`from_year == to_year == year`) and
/// those of periods of several years that hold it.
pub async fn targets(
    db: &impl ConnectionTrait,
    region_id: i32,
    year: i32,
) -> AppResult<Vec<indicator_target::Model>> {
    let year = i16::try_from(year).unwrap_or(i16::MAX);
    Ok(indicator_target::Entity::find()
        .filter(indicator_target::Column::RegionId.eq(region_id))
        .filter(indicator_target::Column::FromYear.lte(year))
        .filter(indicator_target::Column::ToYear.gte(year))
        .all(db)
        .await?)
}

/// The quotas of `programmes` for `year`, by programme and indicator.
pub async fn quotas(
    db: &impl ConnectionTrait,
    programmes: &[i32],
    year: i32,
) -> AppResult<HashMap<(i32, Indicator), i64>> {
    Ok(programme_quota::Entity::find()
        .filter(programme_quota::Column::ProgrammeId.is_in(programmes.iter().copied()))
        .filter(programme_quota::Column::Year.eq(i16::try_from(year).unwrap_or(i16::MAX)))
        .all(db)
        .await?
        .into_iter()
        .map(|q| ((q.programme_id, q.indicator), q.target))
        .collect())
}

/// The first and last day of `year`, or of its `quarter` (1 to 4).
pub fn period_of(year: i32, quarter: Option<u32>) -> Option<(NaiveDate, NaiveDate)> {
    let (first_month, months) = match quarter {
        None => (1, 12),
        Some(q @ 1..=4) => (q * 3 - 2, 3),
        Some(_) => return None,
    };
    let first = NaiveDate::from_ymd_opt(year, first_month, 1)?;
    let last = first
        .checked_add_months(chrono::Months::new(months))?
        .pred_opt()?;
    (first.year() == year).then_some((first, last))
}
