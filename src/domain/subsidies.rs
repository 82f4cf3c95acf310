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

use super::{
    audit, begin_write,
    cohorts::{CompletionRule, TrainingRules, attendance_shares, held_training},
    ids::NodeKey,
    input::Reason,
    page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::{
    auth::{
        Caller,
        policy::{self, ClaimScope},
    },
    error::{AppError, AppResult},
};

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
    let region_id = policy::supervised_region(&caller.viewer)?;
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

/// What a cohort's lines are priced from, and on what evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pricing {
    /// The item's amount per person (catalogue lines), or the yearly amount per apprentice
    /// (new-type apprenticeship), fen.
    pub base_fen: i64,
    /// What the line needs beyond the attendance record.
    pub evidence: ClaimEvidence,
    /// Whether the cohort is a new-type apprenticeship (priced by months attended).
    pub apprenticeship: bool,
    /// Calendar days of the planned training (`startOn` to `endOn`, both counted).
    pub planned_days: i64,
    /// Calendar days of the real training (started to finished, both counted).
    pub real_days: i64,
}

impl Pricing {
    /// What one learner's line is worth: a catalogue amount scaled down to the share of the
    /// planned days the cohort really ran (never up); an apprenticeship's yearly amount for
    /// each month the apprentice attended, at most 36 months. Rounded down to the fen.
    pub fn line_fen(&self, months_attended: u32) -> i64 {
        if self.apprenticeship {
            self.base_fen * i64::from(months_attended.min(36)) / 12
        } else {
            let real = self.real_days.clamp(0, self.planned_days.max(1));
            self.base_fen * real / self.planned_days.max(1)
        }
    }
}

/// The real training of a finished cohort: the days it started and finished. A cohort without
/// them never really ran and is priced at nothing.
pub fn real_dates(found: &cohort::Model) -> AppResult<(NaiveDate, NaiveDate)> {
    match (found.started_on, found.finished_on) {
        (Some(from), Some(to)) if to >= from => Ok((from, to)),
        _ => Err(AppError::validation(
            "input.cohort",
            "the cohort has no recorded real start and finish: a subsidy is priced from the training that happened",
        )),
    }
}

/// How a cohort's lines are priced, and the evidence they need, from the region's catalogue
/// and standard of the year the cohort really finished.
pub async fn price(
    conn: &impl ConnectionTrait,
    found: &cohort::Model,
    region_id: i32,
) -> AppResult<Pricing> {
    let (started, finished) = real_dates(found)?;
    let year = finished.year() as i16;
    let standard = subsidy_standard::Entity::find()
        .filter(subsidy_standard::Column::RegionId.eq(region_id))
        .filter(subsidy_standard::Column::Year.eq(year))
        .one(conn)
        .await?
        .ok_or_else(|| {
            AppError::validation(
                "input.cohort",
                format!("the region has set no subsidy standard for {year}"),
            )
        })?;
    let planned_days = (found.end_on - found.start_on).num_days() + 1;
    let real_days = (finished - started).num_days() + 1;
    if found.kind == CohortKind::NewApprenticeship {
        return Ok(Pricing {
            base_fen: standard.apprenticeship_fen_per_year,
            evidence: ClaimEvidence::Completion,
            apprenticeship: true,
            planned_days,
            real_days,
        });
    }
    let item = catalogue_item::Entity::find()
        .filter(catalogue_item::Column::RegionId.eq(region_id))
        .filter(catalogue_item::Column::Year.eq(year))
        .filter(catalogue_item::Column::OccupationCode.eq(found.occupation_code.as_str()))
        .filter(catalogue_item::Column::Level.eq(found.target_level))
        .filter(catalogue_item::Column::Status.eq(CatalogueItemStatus::Listed))
        .order_by_desc(catalogue_item::Column::SubsidyFen)
        .one(conn)
        .await?
        .ok_or_else(|| {
            AppError::validation(
                "input.cohort",
                format!("the occupation and level are not LISTED in the region's {year} catalogue"),
            )
        })?;
    let uplift = if item.scarce {
        item.subsidy_fen * i64::from(standard.scarce_uplift_percent) / 100
    } else {
        0
    };
    Ok(Pricing {
        base_fen: item.subsidy_fen + uplift,
        evidence: item.evidence,
        apprenticeship: false,
        planned_days,
        real_days,
    })
}

/// The calendar months in which each enrolment attended a class day between the cohort's real
/// start and finish, in one statement.
async fn months_attended(
    conn: &impl ConnectionTrait,
    ids: &[i32],
    (from, to): (NaiveDate, NaiveDate),
) -> AppResult<HashMap<i32, u32>> {
    use sea_orm::QuerySelect;
    let mut months: HashMap<i32, std::collections::BTreeSet<(i32, u32)>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let days: Vec<(i32, NaiveDate)> = attendance::Entity::find()
            .select_only()
            .column(attendance::Column::EnrollmentId)
            .column(attendance::Column::Day)
            .filter(attendance::Column::EnrollmentId.is_in(chunk.iter().copied()))
            .filter(attendance::Column::Day.gte(from))
            .filter(attendance::Column::Day.lte(to))
            .into_tuple()
            .all(conn)
            .await?;
        for (e, day) in days {
            months
                .entry(e)
                .or_default()
                .insert((day.year(), day.month()));
        }
    }
    Ok(months
        .into_iter()
        .map(|(e, m)| (e, m.len() as u32))
        .collect())
}

async fn region_of(conn: &impl ConnectionTrait, found: &cohort::Model) -> AppResult<i32> {
    alliance::Entity::find_by_id(found.alliance_id)
        .one(conn)
        .await?
        .map(|a| a.region_id)
        .ok_or_else(|| AppError::internal("a cohort without its alliance"))
}

/// Why each completion has no line (absent when it has all the evidence), read for all of them
/// at once: the attendance in two statements, and the certificates or follow-ups in one.
async fn missing_evidence(
    conn: &impl ConnectionTrait,
    found: &cohort::Model,
    chosen: &[&enrollment::Model],
    evidence: ClaimEvidence,
    rule: CompletionRule,
) -> AppResult<HashMap<i32, String>> {
    let ids: Vec<i32> = chosen.iter().map(|e| e.id).collect();
    let shares = attendance_shares(conn, found.id, &ids).await?;
    let learners: Vec<i32> = chosen.iter().map(|e| e.learner_id).collect();
    let mut with_evidence: std::collections::HashSet<i32> = Default::default();
    for (learner_chunk, id_chunk) in learners.chunks(500).zip(ids.chunks(500)) {
        match evidence {
            ClaimEvidence::Completion => {}
            ClaimEvidence::Certificate => {
                for c in certificate::Entity::find()
                    .filter(certificate::Column::LearnerId.is_in(learner_chunk.iter().copied()))
                    .filter(certificate::Column::OccupationCode.eq(found.occupation_code.as_str()))
                    .filter(certificate::Column::Level.eq(found.target_level))
                    .filter(certificate::Column::Status.eq(CertificateStatus::Valid))
                    .filter(certificate::Column::IssuedOn.gte(found.start_on))
                    .all(conn)
                    .await?
                {
                    with_evidence.insert(c.learner_id);
                }
            }
            ClaimEvidence::Employment => {
                for f in follow_up::Entity::find()
                    .filter(follow_up::Column::EnrollmentId.is_in(id_chunk.iter().copied()))
                    .filter(follow_up::Column::Month.eq(3))
                    .filter(follow_up::Column::Employed.eq(true))
                    .all(conn)
                    .await?
                {
                    with_evidence.insert(f.enrollment_id);
                }
            }
        }
    }
    let mut missing = HashMap::new();
    for e in chosen {
        let why = if e.status != EnrollmentStatus::Completed {
            Some("not a COMPLETED enrolment of the cohort".to_owned())
        } else if let Some(share) = shares
            .get(&e.id)
            .filter(|s| !s.reaches(rule.attendance_percent))
        {
            Some(format!(
                "no real-name attendance record for the completion: attended {} of {} class days, {}% needed",
                share.attended, share.held, rule.attendance_percent
            ))
        } else {
            match evidence {
                ClaimEvidence::Completion => None,
                ClaimEvidence::Certificate => (!with_evidence.contains(&e.learner_id)).then(|| {
                    "no valid certificate of the occupation and level since the training began"
                        .to_owned()
                }),
                ClaimEvidence::Employment => (!with_evidence.contains(&e.id))
                    .then(|| "no employment at the month-3 follow-up".to_owned()),
            }
        };
        if let Some(why) = why {
            missing.insert(e.id, why);
        }
    }
    Ok(missing)
}

/// Claims for a FINISHED subsidised cohort, by its provider: a line for each of `enrollments`
/// (every COMPLETED enrolment when empty). Any line without its evidence refuses the claim,
/// naming the enrolment, and nothing is written; a cohort claimed already is a `CONFLICT`.
pub async fn submit(
    db: &DatabaseConnection,
    caller: &Caller,
    rule: CompletionRule,
    training: TrainingRules,
    cohort_id: i32,
    enrollments: &[i32],
) -> AppResult<(subsidy_claim::Model, Vec<claim_line::Model>)> {
    let found = cohort::Entity::find_by_id(cohort_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("cohort"))?;
    policy::claim_subsidy(&caller.viewer, found.provider_id)?;
    if !found.subsidized {
        return Err(AppError::validation(
            "input.cohort",
            "the cohort is not subsidised",
        ));
    }
    if found.status != CohortStatus::Finished {
        return Err(AppError::validation(
            "input.cohort",
            "a claim is for a FINISHED cohort",
        ));
    }
    if enrollments.len() > MAX_LINES {
        return Err(AppError::validation(
            "input.enrollments",
            format!("at most {MAX_LINES} lines"),
        ));
    }
    let region_id = region_of(db, &found).await?;
    let pricing = price(db, &found, region_id).await?;
    let all: Vec<enrollment::Model> = enrollment::Entity::find()
        .filter(enrollment::Column::CohortId.eq(found.id))
        .order_by_asc(enrollment::Column::Id)
        .all(db)
        .await?;
    let chosen: Vec<(String, enrollment::Model)> = if enrollments.is_empty() {
        all.into_iter()
            .filter(|e| e.status == EnrollmentStatus::Completed)
            .map(|e| ("input.cohort".to_owned(), e))
            .collect()
    } else {
        let by_id: HashMap<i32, enrollment::Model> = all.into_iter().map(|e| (e.id, e)).collect();
        let mut picked = Vec::new();
        for (i, id) in enrollments.iter().enumerate() {
            let field = format!("input.enrollments[{i}]");
            match by_id.get(id) {
                Some(e)
                    if !picked
                        .iter()
                        .any(|(_, p): &(String, enrollment::Model)| p.id == e.id) =>
                {
                    picked.push((field, e.clone()));
                }
                Some(_) => return Err(AppError::validation(field, "named twice")),
                None => {
                    return Err(AppError::validation(
                        field,
                        "not an enrolment of this cohort",
                    ));
                }
            }
        }
        picked
    };
    if chosen.is_empty() {
        return Err(AppError::validation(
            "input.cohort",
            "the cohort has no completed learner to claim for",
        ));
    }
    let missing = missing_evidence(
        db,
        &found,
        &chosen.iter().map(|(_, e)| e).collect::<Vec<_>>(),
        pricing.evidence,
        rule,
    )
    .await?;
    // The first enrolment without its evidence, in the order named, refuses the claim.
    for (field, e) in &chosen {
        let why = missing.get(&e.id).cloned().or_else(|| {
            (pricing.apprenticeship && e.contract_confirmed_at.is_none()).then(|| {
                "the enterprise has not confirmed the apprentice's labour contract".to_owned()
            })
        });
        if let Some(why) = why {
            return Err(AppError::validation(
                field.clone(),
                format!("enrolment {}: {why}", NodeKey::Enrollment(e.id).to_id().0),
            ));
        }
    }
    // The cohort as a whole: the minimum class days and hours of its level, really held.
    let held = held_training(db, &[&found])
        .await?
        .remove(&found.id)
        .unwrap_or_default();
    if let Some(why) = training.shortfall(found.target_level, held) {
        return Err(AppError::validation("input.cohort", why));
    }
    let months = if pricing.apprenticeship {
        let ids: Vec<i32> = chosen.iter().map(|(_, e)| e.id).collect();
        months_attended(db, &ids, real_dates(&found)?).await?
    } else {
        HashMap::new()
    };
    let amounts: Vec<i64> = chosen
        .iter()
        .map(|(_, e)| pricing.line_fen(months.get(&e.id).copied().unwrap_or(0)))
        .collect();
    if let Some(((field, e), _)) = chosen.iter().zip(&amounts).find(|(_, a)| **a <= 0) {
        return Err(AppError::validation(
            field.clone(),
            format!(
                "enrolment {}: the training that happened is worth nothing (no month attended)",
                NodeKey::Enrollment(e.id).to_id().0
            ),
        ));
    }
    let txn = begin_write(db).await?;
    let now = Utc::now();
    let claim = subsidy_claim::Entity::insert(subsidy_claim::ActiveModel {
        cohort_id: Set(found.id),
        provider_id: Set(found.provider_id),
        region_id: Set(region_id),
        status: Set(ClaimStatus::Pending),
        claimed_fen: Set(amounts.iter().sum()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| super::conflict_on_duplicate(e, "the cohort is claimed for already"))?;
    // Every line in one statement (at most MAX_LINES rows of nine values each).
    let mut lines =
        claim_line::Entity::insert_many(chosen.iter().zip(&amounts).map(|((_, e), amount)| {
            claim_line::ActiveModel {
                claim_id: Set(claim.id),
                enrollment_id: Set(e.id),
                learner_id: Set(e.learner_id),
                occupation_code: Set(found.occupation_code.clone()),
                level: Set(found.target_level),
                evidence: Set(pricing.evidence),
                amount_fen: Set(*amount),
                status: Set(ClaimLineStatus::Pending),
                ..Default::default()
            }
        }))
        .exec_with_returning(&txn)
        .await
        .map_err(|e| super::conflict_on_duplicate(e, "an enrolment is claimed for already"))?;
    lines.sort_by_key(|l| l.id);
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "submitSubsidyClaim",
            target_type: "SubsidyClaim",
            target_id: NodeKey::SubsidyClaim(claim.id).to_id().0,
            region_id: Some(region_id),
            changes: Some(json!({
                "cohort": NodeKey::Cohort(found.id).to_id().0,
                "lines": lines.len(),
                "claimedFen": claim.claimed_fen,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((claim, lines))
}

/// How a line is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineDecision {
    /// Approved (a note is optional).
    Approve(Option<Reason>),
    /// Rejected, with a reason the provider reads.
    Reject(Reason),
}

/// Moves the claim's status on from its lines, inside the deciding transaction.
async fn restate(txn: &DatabaseTransaction, claim_id: i32) -> AppResult<()> {
    let lines = claim_line::Entity::find()
        .filter(claim_line::Column::ClaimId.eq(claim_id))
        .all(txn)
        .await?;
    let status = if lines.iter().any(|l| l.status == ClaimLineStatus::Pending) {
        ClaimStatus::Pending
    } else if lines.iter().any(|l| l.status == ClaimLineStatus::Approved) {
        ClaimStatus::Decided
    } else {
        ClaimStatus::Settled
    };
    subsidy_claim::Entity::update_many()
        .col_expr(subsidy_claim::Column::Status, Expr::value(status))
        .col_expr(subsidy_claim::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(subsidy_claim::Column::Id.eq(claim_id))
        .exec(txn)
        .await?;
    Ok(())
}

async fn line_and_claim(
    conn: &impl ConnectionTrait,
    line_id: i32,
) -> AppResult<(claim_line::Model, subsidy_claim::Model)> {
    let line = claim_line::Entity::find_by_id(line_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("claim line"))?;
    let claim = subsidy_claim::Entity::find_by_id(line.claim_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::internal("a line without its claim"))?;
    Ok((line, claim))
}

const GRANTED_ALREADY: &str = "the learner is subsidised for this occupation and level already (an approved or paid line of another claim)";

/// Decides a PENDING line once, by the regulator of the claim's region. Approval is refused by
/// the database when the person holds an approved or paid line for the occupation and level
/// already (`CONFLICT`); nothing is written then.
pub async fn decide_line(
    db: &DatabaseConnection,
    caller: &Caller,
    line_id: i32,
    decision: LineDecision,
) -> AppResult<claim_line::Model> {
    let (line, claim) = line_and_claim(db, line_id).await?;
    policy::decide_claims(&caller.viewer, claim.region_id)?;
    let (status, reason, action) = match &decision {
        LineDecision::Approve(note) => (
            ClaimLineStatus::Approved,
            note.as_ref().map(|r| r.as_str().to_owned()),
            "approveClaimLine",
        ),
        LineDecision::Reject(r) => (
            ClaimLineStatus::Rejected,
            Some(r.as_str().to_owned()),
            "rejectClaimLine",
        ),
    };
    let txn = begin_write(db).await?;
    let updated = claim_line::Entity::update_many()
        .col_expr(claim_line::Column::Status, Expr::value(status))
        .col_expr(claim_line::Column::Reason, Expr::value(reason.clone()))
        .col_expr(claim_line::Column::DecidedAt, Expr::value(Some(Utc::now())))
        .filter(claim_line::Column::Id.eq(line.id))
        .filter(claim_line::Column::Status.eq(ClaimLineStatus::Pending))
        .exec(&txn)
        .await;
    match updated {
        Ok(r) if r.rows_affected == 1 => {}
        Ok(_) => return Err(AppError::Conflict("the line is decided already".to_owned())),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(AppError::Conflict(GRANTED_ALREADY.to_owned()));
        }
        Err(e) => return Err(e.into()),
    }
    restate(&txn, claim.id).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action,
            target_type: "ClaimLine",
            target_id: NodeKey::ClaimLine(line.id).to_id().0,
            region_id: Some(claim.region_id),
            changes: Some(json!({
                "claim": NodeKey::SubsidyClaim(claim.id).to_id().0,
                "status": format!("{status:?}").to_uppercase(),
                "amountFen": line.amount_fen,
                "reason": reason,
            })),
        },
    )
    .await?;
    let saved = claim_line::Entity::find_by_id(line.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("a line vanished in its transaction"))?;
    txn.commit().await?;
    Ok(saved)
}

/// Marks APPROVED lines PAID with the payment's reference, by the regulator of their claims'
/// region: all of them or, if any is not APPROVED (or another region's), none.
pub async fn mark_paid(
    db: &DatabaseConnection,
    caller: &Caller,
    line_ids: &[i32],
    reference: &str,
) -> AppResult<Vec<claim_line::Model>> {
    if line_ids.is_empty() || line_ids.len() > MAX_LINES {
        return Err(AppError::validation(
            "input.lines",
            format!("1 to {MAX_LINES} lines"),
        ));
    }
    let txn = begin_write(db).await?;
    let mut claims = Vec::new();
    for (i, id) in line_ids.iter().enumerate() {
        let (line, claim) = line_and_claim(&txn, *id).await?;
        policy::decide_claims(&caller.viewer, claim.region_id)?;
        let paid = claim_line::Entity::update_many()
            .col_expr(
                claim_line::Column::Status,
                Expr::value(ClaimLineStatus::Paid),
            )
            .col_expr(
                claim_line::Column::PaymentReference,
                Expr::value(Some(reference.to_owned())),
            )
            .col_expr(claim_line::Column::PaidAt, Expr::value(Some(Utc::now())))
            .filter(claim_line::Column::Id.eq(line.id))
            .filter(claim_line::Column::Status.eq(ClaimLineStatus::Approved))
            .exec(&txn)
            .await?;
        if paid.rows_affected != 1 {
            return Err(AppError::validation(
                format!("input.lines[{i}]"),
                "only an APPROVED line is paid",
            ));
        }
        if !claims.contains(&claim.id) {
            claims.push(claim.id);
        }
        audit::record(
            &txn,
            caller,
            audit::Entry {
                action: "markClaimLinePaid",
                target_type: "ClaimLine",
                target_id: NodeKey::ClaimLine(line.id).to_id().0,
                region_id: Some(claim.region_id),
                changes: Some(
                    json!({ "paymentReference": reference, "amountFen": line.amount_fen }),
                ),
            },
        )
        .await?;
    }
    for claim in claims {
        restate(&txn, claim).await?;
    }
    let saved = claim_line::Entity::find()
        .filter(claim_line::Column::Id.is_in(line_ids.iter().copied()))
        .order_by_asc(claim_line::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Which claims to list.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    /// Only these statuses (empty: every status).
    pub statuses: Vec<ClaimStatus>,
    /// Only this provider's.
    pub provider: Option<i32>,
}

fn select(scope: ClaimScope, filter: &ClaimFilter) -> Select<subsidy_claim::Entity> {
    let mut cond = Condition::all();
    cond = match scope {
        ClaimScope::All => cond,
        ClaimScope::Region(region) => cond.add(subsidy_claim::Column::RegionId.eq(region)),
        ClaimScope::Provider(org) => cond.add(subsidy_claim::Column::ProviderId.eq(org)),
    };
    if !filter.statuses.is_empty() {
        cond = cond.add(subsidy_claim::Column::Status.is_in(filter.statuses.clone()));
    }
    if let Some(org) = filter.provider {
        cond = cond.add(subsidy_claim::Column::ProviderId.eq(org));
    }
    subsidy_claim::Entity::find().filter(cond)
}

fn ordering() -> Ordering<subsidy_claim::Entity> {
    Ordering {
        name: "subsidy-claims:id".to_owned(),
        keys: vec![SortKey::column(
            subsidy_claim::Column::Id,
            false,
            KeyKind::Int,
            |m: &subsidy_claim::Model| CursorValue::Int(i64::from(m.id)),
        )],
    }
}

/// One page of the claims the caller may see, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &ClaimFilter,
    request: &PageRequest,
) -> AppResult<Page<subsidy_claim::Model>> {
    let scope = policy::claim_scope(&caller.viewer)?;
    page::fetch_page(db, select(scope, filter), &ordering(), request).await
}

/// How many claims the caller may see match.
pub async fn count(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &ClaimFilter,
) -> AppResult<u64> {
    let scope = policy::claim_scope(&caller.viewer)?;
    page::count(db, select(scope, filter)).await
}

/// A claim by id, if the caller may see it.
pub async fn by_id(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<Option<subsidy_claim::Model>> {
    let Some(found) = subsidy_claim::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(policy::see_claim(&caller.viewer, found.provider_id, found.region_id).then_some(found))
}

/// A line by id, if the caller may see its claim.
pub async fn line_by_id(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<Option<claim_line::Model>> {
    let Some(line) = claim_line::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(by_id(db, caller, line.claim_id).await?.map(|_| line))
}

/// The lines of each claim, in order.
pub async fn lines_by_claim(
    db: &DatabaseConnection,
    claim_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<claim_line::Model>>> {
    super::children_of::<claim_line::Entity>(
        db,
        claim_line::Column::ClaimId,
        claim_ids,
        claim_line::Column::Id,
        |l| l.claim_id,
    )
    .await
}

/// Fen as yuan with two decimals (`123456` → `1234.56`), for people and the finance system.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    format!("{sign}{}.{:02}", fen / 100, fen % 100)
}

/// The columns of an export, one row per claim line.
pub const EXPORT_COLUMNS: [&str; 13] = [
    "claim",
    "line",
    "provider",
    "cohort",
    "learner",
    "occupation",
    "level",
    "evidence",
    "amount_fen",
    "amount_yuan",
    "status",
    "payment_reference",
    "paid_at",
];

/// The claim lines the caller may see (narrowed by `filter`), as rows of [`EXPORT_COLUMNS`] for
/// the finance system: the learner by global ID and masked name, never more of the person.
pub async fn export_rows(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &ClaimFilter,
) -> AppResult<Vec<Vec<String>>> {
    let scope = policy::claim_scope(&caller.viewer)?;
    let claims = select(scope, filter)
        .order_by_asc(subsidy_claim::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = claims.iter().map(|c| c.id).collect();
    let mut lines = lines_by_claim(db, &ids).await?;
    let providers = super::organizations::by_ids(
        db,
        &claims.iter().map(|c| c.provider_id).collect::<Vec<_>>(),
    )
    .await?;
    let cohorts =
        super::cohorts::by_ids(db, &claims.iter().map(|c| c.cohort_id).collect::<Vec<_>>()).await?;
    let learner_ids: Vec<i32> = lines.values().flatten().map(|l| l.learner_id).collect();
    let learners = super::learners::by_ids(db, &learner_ids).await?;
    let mut rows = Vec::new();
    for claim in &claims {
        for line in lines.remove(&claim.id).unwrap_or_default() {
            rows.push(vec![
                NodeKey::SubsidyClaim(claim.id).to_id().0,
                NodeKey::ClaimLine(line.id).to_id().0,
                providers
                    .get(&claim.provider_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                cohorts
                    .get(&claim.cohort_id)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                format!(
                    "{} {}",
                    NodeKey::Learner(line.learner_id).to_id().0,
                    learners
                        .get(&line.learner_id)
                        .map(|l| l.name_masked.as_str())
                        .unwrap_or_default()
                ),
                line.occupation_code.clone(),
                super::import::level_name(line.level).to_owned(),
                line.evidence.to_value(),
                line.amount_fen.to_string(),
                yuan(line.amount_fen),
                line.status.to_value(),
                line.payment_reference.clone().unwrap_or_default(),
                line.paid_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            ]);
        }
    }
    Ok(rows)
}

/// An export's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// UTF-8 CSV with a byte-order mark (so spreadsheet programs read the Chinese right).
    Csv,
    /// An Excel workbook of one sheet.
    Xlsx,
}

/// Writes export rows under their header in `format`.
/// A CSV cell a spreadsheet reads as text: one that begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be taken for a formula (a provider's cohort name turned into
/// `=HYPERLINK(...)` in the bureau's workbook), so it is written behind an apostrophe, which
/// spreadsheets show as text and do not evaluate. (The XLSX export writes text cells as strings,
/// which are never evaluated.)
pub fn spreadsheet_text(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The export's bytes: a CSV with a byte-order mark (cells that would read as formulas written
/// as text, see [`spreadsheet_text`]), or an XLSX workbook with the fen as numbers.
pub fn write_export(format: ExportFormat, rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    match format {
        ExportFormat::Csv => {
            let mut out = "\u{feff}".as_bytes().to_vec();
            {
                let mut writer = csv::Writer::from_writer(&mut out);
                writer
                    .write_record(EXPORT_COLUMNS)
                    .map_err(AppError::internal)?;
                for row in rows {
                    let cells: Vec<_> = row.iter().map(|cell| spreadsheet_text(cell)).collect();
                    writer
                        .write_record(cells.iter().map(|cell| cell.as_bytes()))
                        .map_err(AppError::internal)?;
                }
                writer.flush().map_err(AppError::internal)?;
            }
            Ok(out)
        }
        ExportFormat::Xlsx => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            sheet.set_name("claims").map_err(AppError::internal)?;
            for (c, name) in EXPORT_COLUMNS.iter().enumerate() {
                sheet
                    .write_string(0, c as u16, *name)
                    .map_err(AppError::internal)?;
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let at = (r as u32 + 1, c as u16);
                    // The amount in fen as a number the finance system sums; the rest as text.
                    if EXPORT_COLUMNS[c] == "amount_fen"
                        && let Ok(fen) = cell.parse::<i64>()
                    {
                        sheet
                            .write_number(at.0, at.1, fen as f64)
                            .map_err(AppError::internal)?;
                    } else {
                        sheet
                            .write_string(at.0, at.1, cell)
                            .map_err(AppError::internal)?;
                    }
                }
            }
            book.save_to_buffer().map_err(AppError::internal)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_would_be_a_formula_is_exported_as_text() {
        let mut row: Vec<String> = vec![String::new(); EXPORT_COLUMNS.len()];
        let hostile = [
            "=HYPERLINK(\"http://x\",\"点此\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tcmd",
            "\rcmd",
        ];
        let mut rows = Vec::new();
        for h in hostile {
            row[0] = h.to_owned();
            row[1] = "眼镜验光学徒班".to_owned();
            rows.push(row.clone());
        }
        let bytes = write_export(ExportFormat::Csv, &rows).expect("csv");
        let text = String::from_utf8(bytes).expect("utf-8");
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let read: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert_eq!(read.len(), hostile.len());
        for (record, h) in read.iter().zip(hostile) {
            assert_eq!(&record[0], format!("'{h}"), "written as text");
            assert_eq!(
                &record[1], "眼镜验光学徒班",
                "an ordinary cell is as it was"
            );
        }
    }

    #[test]
    fn fen_read_as_yuan_exactly() {
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(123_456), "1234.56");
        assert_eq!(yuan(-250), "-2.50");
    }
}
