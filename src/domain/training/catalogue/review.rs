//! The catalogue review that placement rates decide.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::cohort;
use sea_orm::{ConnectionTrait, QueryOrder, sea_query::Alias};

use super::*;
use crate::domain::{
    orders::level_rank,
    read::disclosure::Precision,
    reports::{
        PlacementCounts, PlacementDimension, PlacementFilter, c_col, completers_select, counts_of,
        placement_rates,
    },
};

/// A catalogue item measured by the review.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewedItem {
    /// The item, after the review.
    pub item: catalogue_item::Model,
    /// Completers of that occupation and level in the region and year.
    pub completers: u64,
    /// Of them, employed at month 3.
    pub employed: u64,
    /// The month-3 placement rate.
    pub rate: f64,
    /// Whether this review moved it to UNDER_REVIEW (false: it was under review already).
    pub changed: bool,
}

/// A provider below the threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderBelow {
    /// The provider.
    pub provider_id: i32,
    /// Its completers in the region and year.
    pub completers: u64,
    /// Of them, employed at month 3.
    pub employed: u64,
    /// The month-3 placement rate.
    pub rate: f64,
}

/// What a catalogue review found.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewReport {
    /// The region reviewed.
    pub region_id: i32,
    /// The year reviewed.
    pub year: i16,
    /// The threshold.
    pub min_placement_rate: f64,
    /// Items below the threshold (with at least five completers), moved or already under review.
    pub items: Vec<ReviewedItem>,
    /// Providers below the threshold (with at least five completers).
    pub providers: Vec<ProviderBelow>,
}

/// The catalogue review of the regulator's region: items of `year` whose month-3 placement rate
/// for that year's completers (with at least five of them) is below `min_rate` move from LISTED to
/// UNDER_REVIEW with the measured rate as reason; providers below it are listed. Running it again
/// changes nothing more.
pub async fn review_catalogue(
    db: &DatabaseConnection,
    caller: &Caller,
    year: i32,
    min_rate: f64,
) -> AppResult<ReviewReport> {
    let region_id = policy::may_supervise_own_region(&caller.viewer)?;
    let filter = review_filter(db, region_id, year, min_rate).await?;
    let by_item = rates_by_item(db, &filter).await?;
    let providers = providers_below(db, &filter, min_rate).await?;
    let txn = crate::domain::begin_write(db).await?;
    let items = catalogue_item::Entity::find()
        .filter(catalogue_item::Column::RegionId.eq(region_id))
        .filter(catalogue_item::Column::Year.eq(year as i16))
        .filter(catalogue_item::Column::Status.is_in([
            CatalogueItemStatus::Listed,
            CatalogueItemStatus::UnderReview,
        ]))
        .order_by_asc(catalogue_item::Column::Id)
        .all(&txn)
        .await?;
    let mut reviewed = Vec::new();
    for item in items {
        let Some(counts) = by_item.get(&(item.occupation_code.clone(), level_rank(item.level)))
        else {
            continue;
        };
        let Some(rate) = counts.rate_month3().filter(|_| !counts.suppressed()) else {
            continue;
        };
        if rate >= min_rate {
            continue;
        }
        let changed = item.status == CatalogueItemStatus::Listed;
        let item = if changed {
            let reason = format!(
                "placement rate {:.1}% in {year} ({} of {} completers employed at month 3) is below the {:.1}% threshold",
                rate * 100.0,
                counts.employed_month3,
                counts.completers,
                min_rate * 100.0
            );
            put_under_review(&txn, caller, region_id, item, counts, reason).await?
        } else {
            item
        };
        reviewed.push(ReviewedItem {
            item,
            completers: counts.completers,
            employed: counts.employed_month3,
            rate,
            changed,
        });
    }
    txn.commit().await?;
    Ok(ReviewReport {
        region_id,
        year: year as i16,
        min_placement_rate: min_rate,
        items: reviewed,
        providers,
    })
}

/// The year's completers in the region, once the year and the threshold are checked.
async fn review_filter(
    db: &DatabaseConnection,
    region_id: i32,
    year: i32,
    min_rate: f64,
) -> AppResult<PlacementFilter> {
    if !(2000..=2100).contains(&year) {
        return Err(AppError::validation("input.year", "2000 to 2100"));
    }
    if !(0.0..=1.0).contains(&min_rate) || !min_rate.is_finite() {
        return Err(AppError::validation(
            "input.minPlacementRate",
            "a share from 0 to 1 (0.45 for 45%)",
        ));
    }
    let from = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| AppError::validation("input.year", "not a year"))?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| AppError::validation("input.year", "not a year"))?;
    let region_code = region::Entity::find_by_id(region_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the token's region is gone"))?
        .code;
    Ok(PlacementFilter {
        from,
        to,
        alliances: vec![],
        regions: vec![RegionCode::parse(&region_code).map_err(AppError::internal)?],
        providers: vec![],
        occupation: None,
        cohort_kinds: vec![],
    })
}

/// The placement counts of each occupation and level.
async fn rates_by_item(
    db: &DatabaseConnection,
    filter: &PlacementFilter,
) -> AppResult<HashMap<(String, i16), PlacementCounts>> {
    let mut q = completers_select(db.get_database_backend(), filter);
    q.expr_as(
        c_col(cohort::Column::OccupationCode),
        Alias::new("occupation"),
    )
    .expr_as(c_col(cohort::Column::TargetLevel), Alias::new("level"))
    .add_group_by([
        c_col(cohort::Column::OccupationCode),
        c_col(cohort::Column::TargetLevel),
    ]);
    let mut by_item: HashMap<(String, i16), PlacementCounts> = HashMap::new();
    for row in db.query_all(&q).await? {
        let code: String = row.try_get("", "occupation")?;
        let level: i16 = row.try_get("", "level")?;
        by_item.insert((code, level), counts_of(&row)?);
    }
    Ok(by_item)
}

/// The providers below the threshold, with at least five completers.
async fn providers_below(
    db: &DatabaseConnection,
    filter: &PlacementFilter,
    min_rate: f64,
) -> AppResult<Vec<ProviderBelow>> {
    Ok(placement_rates(
        db,
        Precision::Exact,
        filter,
        &[PlacementDimension::Provider],
    )
    .await?
    .into_iter()
    .filter(|r| !r.counts.suppressed())
    .filter_map(|r| {
        let rate = r.counts.rate_month3()?;
        (rate < min_rate).then_some(ProviderBelow {
            provider_id: r.provider_id?,
            completers: r.counts.completers,
            employed: r.counts.employed_month3,
            rate,
        })
    })
    .collect())
}

/// A LISTED item moved to UNDER_REVIEW with the measured rate as its reason, and audited.
async fn put_under_review(
    txn: &sea_orm::DatabaseTransaction,
    caller: &Caller,
    region_id: i32,
    item: catalogue_item::Model,
    counts: &PlacementCounts,
    reason: String,
) -> AppResult<catalogue_item::Model> {
    let mut active: catalogue_item::ActiveModel = item.into();
    active.status = Set(CatalogueItemStatus::UnderReview);
    active.reason = Set(Some(reason.clone()));
    active.updated_at = Set(Utc::now());
    let saved = active.update(txn).await?;
    audit::record(
        txn,
        caller,
        audit::Entry {
            action: "reviewCatalogue",
            target_type: "CatalogueItem",
            target_id: NodeKey::CatalogueItem(saved.id).to_id().0,
            region_id: Some(region_id),
            changes: Some(json!({
                "status": { "from": "LISTED", "to": "UNDER_REVIEW" },
                "reason": reason,
                "completers": counts.completers,
                "employedMonth3": counts.employed_month3,
            })),
        },
    )
    .await?;
    Ok(saved)
}
