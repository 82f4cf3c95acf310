//! Training records ("no record, no subsidy"): the class days a provider schedules for a cohort,
//! each learner's real-name attendance on them (recorded, or imported from the provider's
//! attendance export), and online study time imported from an online-course platform. A learner
//! completes only with the configured share of the class days held ([`CompletionRule`]); a
//! subsidised cohort completes nobody without class days.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use entity::{
    AttendanceSource, CohortStatus, EnrollmentStatus, attendance, class_day, cohort, enrollment,
    learner, online_hours,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::OnConflict,
};
use serde_json::json;

use super::region_of;
use crate::{
    auth::{Caller, policy},
    domain::{
        begin_write,
        kernel::{
            audit,
            ids::NodeKey,
            import::{Columns, Format, ImportError, Limits, RowError, read_rows},
            personal::{NationalId, PersonalDataKey},
        },
    },
    error::{AppError, AppResult},
};

mod imports;
pub use imports::*;

/// The most class days one call schedules, and one file's rows.
pub const MAX_CLASS_DAYS: usize = 400;
/// The most rows an attendance or online-hours file holds.
pub const MAX_IMPORT_ROWS: usize = 20_000;

/// What completing a cohort asks of a learner's attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompletionRule {
    /// The share of the class days held so far, in percent, the learner attended.
    pub attendance_percent: u8,
}

impl Default for CompletionRule {
    fn default() -> Self {
        Self {
            attendance_percent: 80,
        }
    }
}

/// A class day to schedule, validated but for what needs the cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClassDay {
    /// The date.
    pub day: NaiveDate,
    /// Teaching hours, 1 to 12.
    pub hours: i16,
    /// What is taught.
    pub topic: String,
}

/// Attendance is kept for a cohort that has started (RUNNING, or FINISHED for a late export).
fn attending(found: &cohort::Model, field: &str) -> AppResult<()> {
    if matches!(found.status, CohortStatus::Running | CohortStatus::Finished) {
        Ok(())
    } else {
        Err(AppError::validation(
            field,
            "attendance is kept for a cohort that has started",
        ))
    }
}

async fn provider_cohort(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    cohort_id: i32,
) -> AppResult<cohort::Model> {
    let found = cohort::Entity::find_by_id(cohort_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("cohort"))?;
    policy::may_record_training(&caller.viewer, found.provider_id)?;
    Ok(found)
}

/// Schedules class days of a cohort, by its provider: each within the cohort's dates, a date
/// once (in the call and in the cohort: `CONFLICT` for a date scheduled already); a finished or
/// cancelled cohort takes none. All or nothing, audited.
pub async fn schedule(
    db: &DatabaseConnection,
    caller: &Caller,
    cohort_id: i32,
    days: Vec<NewClassDay>,
) -> AppResult<Vec<class_day::Model>> {
    let found = provider_cohort(db, caller, cohort_id).await?;
    if matches!(
        found.status,
        CohortStatus::Finished | CohortStatus::Cancelled
    ) {
        return Err(AppError::validation(
            "input.cohort",
            "a finished or cancelled cohort takes no more class days",
        ));
    }
    if days.is_empty() || days.len() > MAX_CLASS_DAYS {
        return Err(AppError::validation(
            "input.days",
            format!("1 to {MAX_CLASS_DAYS} class days"),
        ));
    }
    let mut seen = HashSet::new();
    for (i, d) in days.iter().enumerate() {
        if d.day < found.start_on || d.day > found.end_on {
            return Err(AppError::validation(
                format!("input.days[{i}].day"),
                format!(
                    "outside the cohort's dates ({} to {})",
                    found.start_on, found.end_on
                ),
            ));
        }
        if !seen.insert(d.day) {
            return Err(AppError::validation(
                format!("input.days[{i}].day"),
                "the same date twice",
            ));
        }
    }
    let txn = begin_write(db).await?;
    let now = Utc::now();
    let mut saved = Vec::with_capacity(days.len());
    for d in &days {
        let row = class_day::Entity::insert(class_day::ActiveModel {
            cohort_id: Set(found.id),
            day: Set(d.day),
            hours: Set(d.hours),
            topic: Set(d.topic.clone()),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await
        .map_err(|e| {
            crate::domain::conflict_on_duplicate(
                e,
                &format!("{} is a class day of the cohort already", d.day),
            )
        })?;
        saved.push(row);
    }
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "scheduleClassDays",
            target_type: "Cohort",
            target_id: NodeKey::Cohort(found.id).to_id().0,
            region_id: region_of(&txn, found.alliance_id).await?,
            changes: Some(json!({
                "days": days.iter().map(|d| d.day.to_string()).collect::<Vec<_>>(),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Records who attended a class day, by the cohort's provider: ENROLLED learners of the cohort,
/// on a day that has come. Recording a learner twice keeps the first record. Returns the day's
/// attendance of the learners named.
pub async fn record(
    db: &DatabaseConnection,
    caller: &Caller,
    class_day_id: i32,
    enrollment_ids: &[i32],
) -> AppResult<Vec<attendance::Model>> {
    let day = class_day::Entity::find_by_id(class_day_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("class day"))?;
    let found = provider_cohort(db, caller, day.cohort_id).await?;
    attending(&found, "input.classDay")?;
    if day.day > Utc::now().date_naive() {
        return Err(AppError::validation(
            "input.classDay",
            "attendance is recorded on or after the day, not before",
        ));
    }
    if enrollment_ids.is_empty() || enrollment_ids.len() > 500 {
        return Err(AppError::validation(
            "input.enrollments",
            "1 to 500 enrolments",
        ));
    }
    let enrolled: HashMap<i32, enrollment::Model> = enrollment::Entity::find()
        .filter(enrollment::Column::CohortId.eq(found.id))
        .filter(enrollment::Column::Id.is_in(enrollment_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    for (i, id) in enrollment_ids.iter().enumerate() {
        match enrolled.get(id) {
            Some(e) if e.status == EnrollmentStatus::Enrolled => {}
            _ => {
                return Err(AppError::validation(
                    format!("input.enrollments[{i}]"),
                    "not an ENROLLED learner of this cohort",
                ));
            }
        }
    }
    let txn = begin_write(db).await?;
    let now = Utc::now();
    attendance::Entity::insert_many(enrollment_ids.iter().map(|id| attendance::ActiveModel {
        class_day_id: Set(day.id),
        enrollment_id: Set(*id),
        learner_id: Set(enrolled[id].learner_id),
        day: Set(day.day),
        signed_in_at: Set(None),
        source: Set(AttendanceSource::Recorded),
        recorded_at: Set(now),
        ..Default::default()
    }))
    .on_conflict_do_nothing_on([
        attendance::Column::ClassDayId,
        attendance::Column::EnrollmentId,
    ])
    .exec(&txn)
    .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "recordAttendance",
            target_type: "Cohort",
            target_id: NodeKey::Cohort(found.id).to_id().0,
            region_id: region_of(&txn, found.alliance_id).await?,
            changes: Some(json!({ "day": day.day.to_string(), "learners": enrollment_ids.len() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(attendance::Entity::find()
        .filter(attendance::Column::ClassDayId.eq(day.id))
        .filter(attendance::Column::EnrollmentId.is_in(enrollment_ids.iter().copied()))
        .order_by_asc(attendance::Column::Id)
        .all(db)
        .await?)
}

/// An enrolment's attendance: class days attended of those held so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AttendanceShare {
    /// Class days attended.
    pub attended: u64,
    /// Class days of the cohort held so far (on or before today).
    pub held: u64,
}

impl AttendanceShare {
    /// Whether the share reaches `percent`.
    pub fn reaches(&self, percent: u8) -> bool {
        self.held > 0 && self.attended * 100 >= self.held * u64::from(percent)
    }
}

/// The attendance of one enrolment.
pub async fn share(
    conn: &impl ConnectionTrait,
    cohort_id: i32,
    enrollment_id: i32,
) -> AppResult<AttendanceShare> {
    let today = Utc::now().date_naive();
    let held = class_day::Entity::find()
        .filter(class_day::Column::CohortId.eq(cohort_id))
        .filter(class_day::Column::Day.lte(today))
        .count(conn)
        .await?;
    let attended = attendance::Entity::find()
        .filter(attendance::Column::EnrollmentId.eq(enrollment_id))
        .filter(attendance::Column::Day.lte(today))
        .count(conn)
        .await?;
    Ok(AttendanceShare { attended, held })
}

/// The attendance of several enrolments of one cohort, in two statements whatever their number.
pub async fn shares(
    conn: &impl ConnectionTrait,
    cohort_id: i32,
    enrollment_ids: &[i32],
) -> AppResult<HashMap<i32, AttendanceShare>> {
    let today = Utc::now().date_naive();
    let held = class_day::Entity::find()
        .filter(class_day::Column::CohortId.eq(cohort_id))
        .filter(class_day::Column::Day.lte(today))
        .count(conn)
        .await?;
    let mut attended: HashMap<i32, u64> = HashMap::new();
    for chunk in enrollment_ids.chunks(500) {
        let counts: Vec<(i32, i64)> = attendance::Entity::find()
            .select_only()
            .column(attendance::Column::EnrollmentId)
            .column_as(attendance::Column::Id.count(), "n")
            .filter(attendance::Column::EnrollmentId.is_in(chunk.iter().copied()))
            .filter(attendance::Column::Day.lte(today))
            .group_by(attendance::Column::EnrollmentId)
            .into_tuple()
            .all(conn)
            .await?;
        attended.extend(counts.into_iter().map(|(e, n)| (e, n.max(0) as u64)));
    }
    Ok(enrollment_ids
        .iter()
        .map(|e| {
            (
                *e,
                AttendanceShare {
                    attended: attended.get(e).copied().unwrap_or(0),
                    held,
                },
            )
        })
        .collect())
}

/// Whether a learner may complete: a subsidised cohort needs class days recorded, and any cohort
/// with class days needs the rule's share of them attended. The refusal says which.
pub async fn check_completion(
    conn: &impl ConnectionTrait,
    cohort: &cohort::Model,
    enrollment_id: i32,
    rule: CompletionRule,
) -> AppResult<()> {
    let share = share(conn, cohort.id, enrollment_id).await?;
    if share.held == 0 {
        if cohort.subsidized {
            return Err(AppError::validation(
                "input.enrollment",
                "no class day of this subsidised cohort is recorded: a subsidised training completes on its attendance record",
            ));
        }
        return Ok(());
    }
    if share.reaches(rule.attendance_percent) {
        Ok(())
    } else {
        Err(AppError::validation(
            "input.enrollment",
            format!(
                "attended {} of {} class days held; completion needs {}%",
                share.attended, share.held, rule.attendance_percent
            ),
        ))
    }
}

/// The class days of each cohort, by date.
pub async fn class_days_by_cohort(
    db: &DatabaseConnection,
    cohort_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<class_day::Model>>> {
    crate::domain::children_of::<class_day::Entity>(
        db,
        class_day::Column::CohortId,
        cohort_ids,
        class_day::Column::Day,
        |d| d.cohort_id,
    )
    .await
}

/// The attendance of each enrolment, by date.
pub async fn attendance_by_enrollment(
    db: &DatabaseConnection,
    enrollment_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<attendance::Model>>> {
    crate::domain::children_of::<attendance::Entity>(
        db,
        attendance::Column::EnrollmentId,
        enrollment_ids,
        attendance::Column::Day,
        |a| a.enrollment_id,
    )
    .await
}

/// The online study time of each enrolment, by date.
pub async fn online_hours_by_enrollment(
    db: &DatabaseConnection,
    enrollment_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<online_hours::Model>>> {
    crate::domain::children_of::<online_hours::Entity>(
        db,
        online_hours::Column::EnrollmentId,
        enrollment_ids,
        online_hours::Column::Day,
        |o| o.enrollment_id,
    )
    .await
}

/// A class day by id (class days are as public as their cohort).
pub async fn class_day_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<class_day::Model>> {
    Ok(class_day::Entity::find_by_id(id).one(db).await?)
}
