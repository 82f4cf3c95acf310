//! Cohorts (学徒班, 订单班, 冠名班, 项目班) and enrolment (参训).
//!
//! A cohort is formed by a provider (college or training institution) with an enterprise, in an
//! alliance both belong to. Its life: PLANNED → RUNNING → FINISHED, or CANCELLED. Learners enrol
//! while it is PLANNED or RUNNING; a seat is reserved by one conditional `UPDATE` that is the
//! transaction's first statement, so concurrent enrolments into the last seat cannot both win on
//! PostgreSQL (row lock) or SQLite (the write lock), and a refused enrolment writes nothing.

mod enrolments;
mod listing;
mod records;

pub(crate) use enrolments::enroll_in;
pub use enrolments::{
    Contract, EnrollmentEnd, LearnerRef, apply, end_enrollment, enroll, enrollments_by_cohort,
    enrollments_by_ids, enrollments_of_cohort,
};
pub use listing::{CohortFilter, by_demand_ids, by_ids, count, list};
pub use records::{
    AttendanceShare, CompletionRule, ImportedAttendance, MAX_CLASS_DAYS, NewClassDay,
    attendance_by_enrollment, class_day_by_id, class_days_by_cohort, import_attendance,
    import_online_hours, online_hours_by_enrollment, record as record_attendance,
    schedule as schedule_class_days, share as attendance_share, shares as attendance_shares,
};

use std::collections::HashMap;

use chrono::{Months, NaiveDate, Utc};
use entity::{
    CohortKind, CohortStatus, EnrollmentStatus, OrderStatus, OrganizationKind, SkillLevel,
    alliance, cohort, cohort_application, cohort_demand, demand, enrollment, membership,
    occupation, organization, provider_link, subsidy_slot, training_intention, training_order,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, Select,
    sea_query::{Expr, ExprTrait, Query},
};
use sea_orm::{FromQueryResult, QueryTrait};
use serde_json::json;

use super::nested::NestedList;
use super::{
    audit,
    codes::{AllianceCode, OccupationCode},
    learners,
    page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
    personal::{NationalId, PersonalDataKey},
};
use crate::{
    auth::{
        Caller,
        policy::{self, EnrolmentBasis},
    },
    domain::ids::NodeKey,
    error::{AppError, AppResult},
};

/// The most seats a cohort has.
pub const MAX_CAPACITY: i32 = 500;

/// A cohort to create, validated except for what needs the database.
#[derive(Debug, Clone)]
pub struct NewCohort {
    /// Its kind.
    pub kind: CohortKind,
    /// Its name.
    pub name: String,
    /// The enterprise (required except for project training).
    pub enterprise_id: Option<i32>,
    /// The college or training institution.
    pub provider_id: i32,
    /// The alliance.
    pub alliance: AllianceCode,
    /// The occupation.
    pub occupation: OccupationCode,
    /// The level aimed at.
    pub target_level: SkillLevel,
    /// Seats, 1 to 500.
    pub capacity: i32,
    /// First day.
    pub start_on: NaiveDate,
    /// Last day.
    pub end_on: NaiveDate,
    /// Whether it claims a subsidy.
    pub subsidized: bool,
    /// The demand it answers (the enterprise's own).
    pub demand_ids: Vec<i32>,
}

fn status_name(status: CohortStatus) -> &'static str {
    match status {
        CohortStatus::Planned => "PLANNED",
        CohortStatus::Running => "RUNNING",
        CohortStatus::Finished => "FINISHED",
        CohortStatus::Cancelled => "CANCELLED",
    }
}

/// Checks the parts of a cohort that need no database.
pub fn validate(new: &NewCohort) -> AppResult<()> {
    let name_len = new.name.trim().chars().count();
    if name_len == 0 || name_len > 100 {
        return Err(AppError::validation("input.name", "1 to 100 characters"));
    }
    if !(1..=MAX_CAPACITY).contains(&new.capacity) {
        return Err(AppError::validation(
            "input.capacity",
            format!("1 to {MAX_CAPACITY} seats"),
        ));
    }
    if new.end_on <= new.start_on {
        return Err(AppError::validation("input.endOn", "must be after startOn"));
    }
    if new.kind != CohortKind::ProjectTraining && new.enterprise_id.is_none() {
        return Err(AppError::validation(
            "input.enterprise",
            "this kind of cohort trains for an enterprise",
        ));
    }
    if new.kind == CohortKind::NewApprenticeship {
        let limit = new
            .start_on
            .checked_add_months(Months::new(36))
            .unwrap_or(new.start_on);
        if new.end_on > limit {
            return Err(AppError::validation(
                "input.endOn",
                "a new-type apprenticeship lasts at most three years",
            ));
        }
    }
    Ok(())
}

async fn organization_of_kind(
    txn: &DatabaseTransaction,
    field: &str,
    id: i32,
    kinds: &[OrganizationKind],
) -> AppResult<organization::Model> {
    let found = organization::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::validation(field, "no organization has this ID"))?;
    if !kinds.contains(&found.kind) {
        return Err(AppError::validation(
            field,
            "this organization is not of the kind needed here",
        ));
    }
    Ok(found)
}

async fn is_member(
    txn: &DatabaseTransaction,
    alliance_id: i32,
    organization_id: i32,
) -> AppResult<bool> {
    Ok(membership::Entity::find()
        .filter(membership::Column::AllianceId.eq(alliance_id))
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .filter(membership::Column::LeftOn.is_null())
        .one(txn)
        .await?
        .is_some())
}

/// Creates a PLANNED cohort, by the provider or the enterprise it names.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewCohort,
) -> AppResult<cohort::Model> {
    validate(&new)?;
    policy::manage_cohort(&caller.viewer, new.provider_id, new.enterprise_id)?;
    let txn = crate::domain::begin_write(db).await?;
    let saved = create_in(&txn, caller, new).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The writes of [`create`], inside the caller's transaction (validated and authorized first).
pub(crate) async fn create_in(
    txn: &DatabaseTransaction,
    caller: &Caller,
    new: NewCohort,
) -> AppResult<cohort::Model> {
    validate(&new)?;
    policy::manage_cohort(&caller.viewer, new.provider_id, new.enterprise_id)?;
    let provider = organization_of_kind(
        txn,
        "input.provider",
        new.provider_id,
        &[
            OrganizationKind::College,
            OrganizationKind::TrainingInstitution,
        ],
    )
    .await?;
    super::resources::ensure_admitted(&provider)
        .map_err(|e| AppError::validation("input.provider", e.to_string()))?;
    let alliance = alliance::Entity::find()
        .filter(alliance::Column::Code.eq(new.alliance.as_str()))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::validation("input.alliance", "no alliance has this code"))?;
    if !is_member(txn, alliance.id, provider.id).await? {
        return Err(AppError::validation(
            "input.provider",
            "the provider is not a member of the alliance",
        ));
    }
    if let Some(enterprise_id) = new.enterprise_id {
        organization_of_kind(
            txn,
            "input.enterprise",
            enterprise_id,
            &[OrganizationKind::Enterprise],
        )
        .await?;
        if !is_member(txn, alliance.id, enterprise_id).await? {
            return Err(AppError::validation(
                "input.enterprise",
                "the enterprise is not a member of the alliance",
            ));
        }
    }
    if occupation::Entity::find_by_id(new.occupation.as_str().to_owned())
        .one(txn)
        .await?
        .is_none()
    {
        return Err(AppError::validation(
            "input.occupation",
            "not in the occupational classification",
        ));
    }
    for (i, demand_id) in new.demand_ids.iter().enumerate() {
        let found = demand::Entity::find_by_id(*demand_id).one(txn).await?;
        if found.is_none_or(|d| Some(d.enterprise_id) != new.enterprise_id) {
            return Err(AppError::validation(
                format!("input.demands[{i}]"),
                "not a demand of the cohort's enterprise",
            ));
        }
    }
    let now = Utc::now();
    let saved = cohort::Entity::insert(cohort::ActiveModel {
        kind: Set(new.kind),
        name: Set(new.name.trim().to_owned()),
        enterprise_id: Set(new.enterprise_id),
        provider_id: Set(new.provider_id),
        alliance_id: Set(alliance.id),
        occupation_code: Set(new.occupation.as_str().to_owned()),
        target_level: Set(new.target_level),
        capacity: Set(new.capacity),
        enrolled: Set(0),
        start_on: Set(new.start_on),
        end_on: Set(new.end_on),
        subsidized: Set(new.subsidized),
        status: Set(CohortStatus::Planned),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(txn)
    .await?;
    if !new.demand_ids.is_empty() {
        cohort_demand::Entity::insert_many(new.demand_ids.iter().map(|d| {
            cohort_demand::ActiveModel {
                cohort_id: Set(saved.id),
                demand_id: Set(*d),
            }
        }))
        .on_conflict_do_nothing()
        .exec(txn)
        .await?;
    }
    audit::record(
        txn,
        caller,
        audit::Entry {
            action: "createCohort",
            target_type: "Cohort",
            target_id: NodeKey::Cohort(saved.id).to_id().0,
            region_id: Some(alliance.region_id),
            changes: Some(json!({
                "kind": format!("{:?}", saved.kind),
                "name": saved.name,
                "alliance": alliance.code,
                "occupation": saved.occupation_code,
                "capacity": saved.capacity,
                "startOn": saved.start_on,
                "endOn": saved.end_on,
                "subsidized": saved.subsidized,
            })),
        },
    )
    .await?;
    Ok(saved)
}

async fn region_of(conn: &impl ConnectionTrait, alliance_id: i32) -> AppResult<Option<i32>> {
    Ok(alliance::Entity::find_by_id(alliance_id)
        .one(conn)
        .await?
        .map(|a| a.region_id))
}

/// A cohort lifecycle step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortStep {
    /// PLANNED → RUNNING.
    Start,
    /// RUNNING → FINISHED.
    Finish,
    /// PLANNED or RUNNING → CANCELLED.
    Cancel,
}

/// Moves a cohort through its life, by its provider or enterprise.
pub async fn transition(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    step: CohortStep,
) -> AppResult<cohort::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let found = cohort::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("cohort"))?;
    policy::manage_cohort(&caller.viewer, found.provider_id, found.enterprise_id)?;
    use CohortStatus::*;
    let (to, action) = match (step, found.status) {
        (CohortStep::Start, Planned) => (Running, "startCohort"),
        (CohortStep::Finish, Running) => (Finished, "finishCohort"),
        (CohortStep::Cancel, Planned | Running) => (Cancelled, "cancelCohort"),
        (_, from) => {
            return Err(AppError::validation(
                "status",
                format!(
                    "a {} cohort cannot be {}",
                    status_name(from),
                    match step {
                        CohortStep::Start => "started",
                        CohortStep::Finish => "finished",
                        CohortStep::Cancel => "cancelled",
                    }
                ),
            ));
        }
    };
    let from = found.status;
    // The decisive statement: the step happens once, from the status read.
    crate::domain::decisive(
        &txn,
        cohort::Entity::update_many()
            .col_expr(cohort::Column::Status, Expr::value(to))
            .col_expr(cohort::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(cohort::Column::Id.eq(found.id))
            .filter(cohort::Column::Status.eq(from)),
        "the cohort was moved by someone else meanwhile",
    )
    .await?;
    if to == Cancelled {
        // A cancelled cohort trains nobody: its subsidy slots are free again.
        subsidy_slot::Entity::delete_many()
            .filter(
                subsidy_slot::Column::EnrollmentId.in_subquery(
                    Query::select()
                        .column(enrollment::Column::Id)
                        .from(enrollment::Entity)
                        .and_where(Expr::col(enrollment::Column::CohortId).eq(found.id))
                        .to_owned(),
                ),
            )
            .exec(&txn)
            .await?;
    }
    let saved = cohort::Entity::find_by_id(found.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("a cohort vanished in its transaction"))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action,
            target_type: "Cohort",
            target_id: NodeKey::Cohort(saved.id).to_id().0,
            region_id: region_of(&txn, saved.alliance_id).await?,
            changes: Some(
                json!({ "status": { "from": status_name(from), "to": status_name(to) } }),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

const DOUBLE_SUBSIDY: &str = "the learner already holds a subsidised training for this occupation and level \
     (enrolled or completed, in any cohort of any provider)";
