//! Subsidy claims on real-name training records (补贴申领, "no record, no subsidy").
//!
//! A region's standard for a year ([`set_standard`]) sets the uplift for scarce occupations and
//! the yearly amount per new-type apprentice; catalogue items carry the amount per person in fen
//! and the evidence a claim needs. A provider claims for a FINISHED subsidised cohort
//! ([`submit`]): one line per completed learner, each with its amount in integer fen, and only
//! for a completion that has the attendance record and the item's evidence (a certificate, or
//! employment at month 3). The regulator of the cohort's region approves or rejects each line
//! ([`decide_line`]) and marks approved lines paid with the payment's reference
//! ([`mark_paid`]). The database keeps one APPROVED or PAID line per person, occupation and
//! level, across providers and cities: of two concurrent approvals for the same person one is a
//! `CONFLICT`.
//!
//! Amounts are priced from the training that happened, never from the plan: the days the cohort
//! really started and finished (`startCohort`, `finishCohort`) and the attendance record.
//!
//! - A catalogue line is the item's `subsidy_fen`, plus `scarce_uplift_percent` of it for a
//!   scarce occupation, scaled by the share of the planned days the cohort really ran (a cohort
//!   that finishes early is paid pro rata, never more than the item), rounded down to the fen.
//! - A new-type apprenticeship line is `apprenticeship_fen_per_year` / 12 for each calendar
//!   month in which the apprentice attended a class day between the real start and finish, at
//!   most 36 months, rounded down to the fen; the apprentice's labour contract must have been
//!   confirmed by the enterprise.
//! - The standard and catalogue are those of the year the cohort really finished.
//! - A subsidised cohort is claimed for only when it held the minimum class days and teaching
//!   hours of its level between its real start and finish ([`cohorts::TrainingRules`]).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use entity::{
    CatalogueItemStatus, CertificateStatus, ClaimEvidence, ClaimLineStatus, ClaimStatus,
    CohortKind, CohortStatus, EnrollmentStatus, alliance, attendance, catalogue_item, certificate,
    claim_line, cohort, enrollment, follow_up, subsidy_claim, subsidy_standard,
};
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Select, SqlErr, sea_query::Expr,
};
use serde_json::json;

use crate::domain::{
    begin_write,
    kernel::{audit, ids::NodeKey, input::Reason},
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
    training::cohorts::{CompletionRule, TrainingRules, attendance_shares, held_training},
};
use crate::{
    auth::{
        Caller,
        policy::{self, ClaimScope},
    },
    error::{AppError, AppResult},
};

mod claims;
mod decisions;
mod export;
mod pricing;
mod reads;
pub mod supervision;

pub use claims::*;
pub use decisions::*;
pub use export::*;
pub use pricing::*;
pub use reads::*;

/// The most lines one claim holds.
pub const MAX_LINES: usize = 500;

/// A region's standard for a year, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standard {
    /// The year, 2000 to 2100.
    pub year: i16,
    /// Percent added for a scarce occupation, 0 to 100.
    pub scarce_uplift_percent: i16,
    /// Fen per new-type apprentice per year of training, at least 500,000 (5,000 CNY).
    pub apprenticeship_fen_per_year: i64,
}

/// Sets (or replaces) the regulator's region's standard for a year. Audited.
pub async fn set_standard(
    db: &DatabaseConnection,
    caller: &Caller,
    standard: Standard,
) -> AppResult<subsidy_standard::Model> {
    let region_id = policy::may_supervise_own_region(&caller.viewer)?;
    if !(2000..=2100).contains(&standard.year) {
        return Err(AppError::validation("input.year", "2000 to 2100"));
    }
    if !(0..=100).contains(&standard.scarce_uplift_percent) {
        return Err(AppError::validation(
            "input.scarceUpliftPercent",
            "0 to 100 percent",
        ));
    }
    if !(500_000..=100_000_000).contains(&standard.apprenticeship_fen_per_year) {
        return Err(AppError::validation(
            "input.apprenticeshipFenPerYear",
            "at least 500,000 fen (5,000 CNY) a year, at most 1,000,000 CNY",
        ));
    }
    let txn = begin_write(db).await?;
    subsidy_standard::Entity::insert(subsidy_standard::ActiveModel {
        region_id: Set(region_id),
        year: Set(standard.year),
        scarce_uplift_percent: Set(standard.scarce_uplift_percent),
        apprenticeship_fen_per_year: Set(standard.apprenticeship_fen_per_year),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([
            subsidy_standard::Column::RegionId,
            subsidy_standard::Column::Year,
        ])
        .update_columns([
            subsidy_standard::Column::ScarceUpliftPercent,
            subsidy_standard::Column::ApprenticeshipFenPerYear,
            subsidy_standard::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec(&txn)
    .await?;
    let saved = subsidy_standard::Entity::find()
        .filter(subsidy_standard::Column::RegionId.eq(region_id))
        .filter(subsidy_standard::Column::Year.eq(standard.year))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("a standard vanished in its transaction"))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "setSubsidyStandard",
            target_type: "Region",
            target_id: NodeKey::Region(region_id).to_id().0,
            region_id: Some(region_id),
            changes: Some(json!({
                "year": standard.year,
                "scarceUpliftPercent": standard.scarce_uplift_percent,
                "apprenticeshipFenPerYear": standard.apprenticeship_fen_per_year,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The standards of a region, newest year first.
pub async fn standards_of(
    db: &DatabaseConnection,
    region_id: i32,
) -> AppResult<Vec<subsidy_standard::Model>> {
    Ok(subsidy_standard::Entity::find()
        .filter(subsidy_standard::Column::RegionId.eq(region_id))
        .order_by_desc(subsidy_standard::Column::Year)
        .all(db)
        .await?)
}
