//! Cohorts (学徒班, 订单班, 冠名班, 项目班) and enrolment (参训).
//!
//! A cohort is formed by a provider (`policy::may_provide_training`) with an enterprise, in an
//! alliance both belong to. Its life: PLANNED → RUNNING → FINISHED, or CANCELLED. Learners enrol
//! while it is PLANNED or RUNNING; a seat is reserved by one conditional `UPDATE` that is the
//! transaction's first statement, so concurrent enrolments into the last seat cannot both win on
//! PostgreSQL (row lock) or SQLite (the write lock), and a refused enrolment writes nothing.

mod enrolments;
mod listing;
mod records;
mod rules;

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
pub use rules::{HeldTraining, TrainingRules, held_training};

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

use crate::domain::read::nested::NestedList;
use crate::domain::{
    kernel::{
        audit,
        codes::{AllianceCode, OccupationCode},
        personal::{NationalId, PersonalDataKey},
    },
    people::learners,
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::{
    auth::{
        Caller,
        policy::{self, EnrolmentBasis},
    },
    domain::kernel::ids::NodeKey,
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
    /// The provider.
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
    /// The programme it belongs to, if any: one whose region, period, occupations and modes it
    /// fits.
    pub programme_id: Option<i32>,
    /// How it trains, when recorded.
    pub mode: Option<entity::TrainingMode>,
    /// What it trains for, when recorded.
    pub purpose: Option<entity::TrainingPurpose>,
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

/// Creates a PLANNED cohort, by the provider or the enterprise it names; its `startOn` lies at
/// most `rules.max_backdate_days` before today. A cohort the enterprise creates itself is
/// confirmed by it at once; one the provider creates waits for the enterprise's
/// [`confirm_cohort`].
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewCohort,
    rules: TrainingRules,
) -> AppResult<cohort::Model> {
    validate(&new)?;
    let earliest = Utc::now()
        .date_naive()
        .checked_sub_days(chrono::Days::new(u64::from(rules.max_backdate_days)))
        .unwrap_or(NaiveDate::MIN);
    if new.start_on < earliest {
        return Err(AppError::validation(
            "input.startOn",
            format!(
                "a cohort is recorded when it forms: startOn lies at most {} days before today",
                rules.max_backdate_days
            ),
        ));
    }
    policy::may_manage_cohort(&caller.viewer, new.provider_id, new.enterprise_id)?;
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
    policy::may_manage_cohort(&caller.viewer, new.provider_id, new.enterprise_id)?;
    let (alliance, county_id) = cohort_alliance(txn, &new).await?;
    check_what(txn, &new).await?;
    if let Some(programme) = new.programme_id {
        crate::domain::programmes::fitting(
            txn,
            "input.programme",
            programme,
            crate::domain::programmes::CohortFit {
                alliance: &alliance,
                county_id,
                occupation: new.occupation.as_str(),
                mode: new.mode,
                start_on: new.start_on,
            },
        )
        .await?;
    }
    let now = Utc::now();
    let saved = cohort::Entity::insert(cohort::ActiveModel {
        kind: Set(new.kind),
        name: Set(new.name.trim().to_owned()),
        enterprise_id: Set(new.enterprise_id),
        provider_id: Set(new.provider_id),
        alliance_id: Set(alliance.id),
        county_id: Set(county_id),
        occupation_code: Set(new.occupation.as_str().to_owned()),
        target_level: Set(new.target_level),
        capacity: Set(new.capacity),
        enrolled: Set(0),
        start_on: Set(new.start_on),
        end_on: Set(new.end_on),
        subsidized: Set(new.subsidized),
        programme_id: Set(new.programme_id),
        mode: Set(new.mode),
        purpose: Set(new.purpose),
        status: Set(CohortStatus::Planned),
        started_on: Set(None),
        finished_on: Set(None),
        employer_confirmed_at: Set(
            policy::is_employer(&caller.viewer, new.enterprise_id).then_some(now)
        ),
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

/// The alliance a new cohort trains in, once its parties are checked (an admitted provider —
/// whoever [`policy::may_provide_training`] says trains, for the enterprise named — and, when
/// named, an enterprise, both members of the alliance), and the county it trains in: its
/// provider's.
async fn cohort_alliance(
    txn: &DatabaseTransaction,
    new: &NewCohort,
) -> AppResult<(alliance::Model, Option<i32>)> {
    let provider = organization::Entity::find_by_id(new.provider_id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::validation("input.provider", "no organization has this ID"))?;
    let reach = policy::may_provide_training(&provider)
        .map_err(|e| AppError::validation("input.provider", e.to_string()))?;
    crate::domain::training::resources::ensure_admitted(&provider)
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
    let enterprise = match new.enterprise_id {
        Some(enterprise_id) => {
            let enterprise = organization_of_kind(
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
            Some(enterprise)
        }
        None => None,
    };
    policy::may_train_for(&provider, reach, enterprise.as_ref())
        .map_err(|e| AppError::validation("input.enterprise", e.to_string()))?;
    Ok((alliance, provider.county_id))
}

/// What a new cohort trains for: an occupation of the classification, and demands of its
/// enterprise.
async fn check_what(txn: &DatabaseTransaction, new: &NewCohort) -> AppResult<()> {
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
    Ok(())
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
    policy::may_manage_cohort(&caller.viewer, found.provider_id, found.enterprise_id)?;
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
    let today = Utc::now().date_naive();
    let employer = policy::is_employer(&caller.viewer, found.enterprise_id);
    if to == Running {
        ready_to_start(&txn, &found, employer).await?;
    }
    let mut step_update = cohort::Entity::update_many()
        .col_expr(cohort::Column::Status, Expr::value(to))
        .col_expr(cohort::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(cohort::Column::Id.eq(found.id))
        .filter(cohort::Column::Status.eq(from));
    // The real dates, which a subsidy is priced from: the day of the step, never the plan.
    match to {
        Running => {
            step_update = step_update.col_expr(cohort::Column::StartedOn, Expr::value(today));
            if employer && found.employer_confirmed_at.is_none() {
                // The enterprise starting its own cohort vouches for it.
                step_update = step_update
                    .col_expr(cohort::Column::EmployerConfirmedAt, Expr::value(Utc::now()));
            }
        }
        Finished => {
            step_update = step_update.col_expr(cohort::Column::FinishedOn, Expr::value(today));
        }
        _ => {}
    }
    // The decisive statement: the step happens once, from the status read.
    crate::domain::decisive(
        &txn,
        step_update,
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

/// A cohort starts only once the enterprise it names has confirmed it (unless the enterprise is
/// the one starting it) and, for new-type apprentices, each current apprentice's labour contract.
async fn ready_to_start(
    txn: &DatabaseTransaction,
    found: &cohort::Model,
    by_employer: bool,
) -> AppResult<()> {
    if found.enterprise_id.is_some() && found.employer_confirmed_at.is_none() && !by_employer {
        return Err(AppError::validation(
            "input.cohort",
            "the enterprise the cohort names has not confirmed it: it starts once the enterprise confirms it with its own token (confirmCohort)",
        ));
    }
    if found.kind == CohortKind::NewApprenticeship {
        let waiting = enrollment::Entity::find()
            .filter(enrollment::Column::CohortId.eq(found.id))
            .filter(enrollment::Column::Status.eq(EnrollmentStatus::Enrolled))
            .filter(enrollment::Column::ContractConfirmedAt.is_null())
            .all(txn)
            .await?;
        if !waiting.is_empty() {
            return Err(AppError::validation(
                "input.cohort",
                format!(
                    "the enterprise has not confirmed the labour contract of {} apprentice(s) ({}): it confirms each with its own token (confirmLabourContract)",
                    waiting.len(),
                    waiting
                        .iter()
                        .map(|e| NodeKey::Enrollment(e.id).to_id().0)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The enterprise a cohort names confirms, with its own token, that the cohort trains for it.
/// Once (a second confirmation is a `CONFLICT`), for a PLANNED or RUNNING cohort; audited.
pub async fn confirm_cohort(
    db: &DatabaseConnection,
    caller: &Caller,
    cohort_id: i32,
) -> AppResult<cohort::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let found = cohort::Entity::find_by_id(cohort_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("cohort"))?;
    policy::may_confirm_as_employer(&caller.viewer, found.enterprise_id)?;
    if !matches!(found.status, CohortStatus::Planned | CohortStatus::Running) {
        return Err(AppError::validation(
            "input.cohort",
            format!("a {} cohort is not confirmed", status_name(found.status)),
        ));
    }
    let now = Utc::now();
    crate::domain::decisive(
        &txn,
        cohort::Entity::update_many()
            .col_expr(cohort::Column::EmployerConfirmedAt, Expr::value(now))
            .filter(cohort::Column::Id.eq(found.id))
            .filter(cohort::Column::EmployerConfirmedAt.is_null()),
        "the cohort is confirmed already",
    )
    .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "confirmCohort",
            target_type: "Cohort",
            target_id: NodeKey::Cohort(found.id).to_id().0,
            region_id: region_of(&txn, found.alliance_id).await?,
            changes: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(cohort::Model {
        employer_confirmed_at: Some(now),
        ..found
    })
}

/// The enterprise a cohort names confirms, with its own token, an apprentice's labour contract
/// as the provider stated it. Once, for an ENROLLED enrolment with a contract; audited.
pub async fn confirm_contract(
    db: &DatabaseConnection,
    caller: &Caller,
    enrollment_id: i32,
) -> AppResult<enrollment::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let found = enrollment::Entity::find_by_id(enrollment_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("enrollment"))?;
    let of = cohort::Entity::find_by_id(found.cohort_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("an enrolment without its cohort"))?;
    policy::may_confirm_as_employer(&caller.viewer, of.enterprise_id)?;
    if found.contract_start.is_none() {
        return Err(AppError::validation(
            "input.enrollment",
            "the enrolment states no labour contract",
        ));
    }
    if found.status != EnrollmentStatus::Enrolled {
        return Err(AppError::validation(
            "input.enrollment",
            "a contract is confirmed while the apprentice is ENROLLED",
        ));
    }
    let now = Utc::now();
    crate::domain::decisive(
        &txn,
        enrollment::Entity::update_many()
            .col_expr(enrollment::Column::ContractConfirmedAt, Expr::value(now))
            .filter(enrollment::Column::Id.eq(found.id))
            .filter(enrollment::Column::ContractConfirmedAt.is_null()),
        "the labour contract is confirmed already",
    )
    .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "confirmLabourContract",
            target_type: "Enrollment",
            target_id: NodeKey::Enrollment(found.id).to_id().0,
            region_id: region_of(&txn, of.alliance_id).await?,
            changes: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(enrollment::Model {
        contract_confirmed_at: Some(now),
        ..found
    })
}

const DOUBLE_SUBSIDY: &str = "the learner already holds a subsidised training for this occupation and level \
     (enrolled or completed, in any cohort of any provider)";
