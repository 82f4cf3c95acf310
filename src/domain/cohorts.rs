//! Cohorts (学徒班, 订单班, 冠名班, 项目班) and enrolment (参训).
//!
//! A cohort is formed by a provider (college or training institution) with an enterprise, in an
//! alliance both belong to. Its life: PLANNED → RUNNING → FINISHED, or CANCELLED. Learners enrol
//! while it is PLANNED or RUNNING; a seat is reserved by one conditional `UPDATE` that is the
//! transaction's first statement, so concurrent enrolments into the last seat cannot both win on
//! PostgreSQL (row lock) or SQLite (the write lock), and a refused enrolment writes nothing.

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

/// An apprentice's labour contract with the enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contract {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

fn refuse(message: &str) -> AppError {
    AppError::Conflict(message.to_owned())
}

/// The learner a provider enrols.
#[derive(Debug, Clone)]
pub enum LearnerRef {
    /// By ID: the provider registered them, they are bundled in an order dispatched to it, or they
    /// applied to the cohort.
    Id(i32),
    /// By full name and national ID number, both matching the record (the real-name sign-up).
    Identity {
        /// The full name.
        name: String,
        /// The national ID number.
        national_id: NationalId,
    },
}

/// Why `provider_id` may enrol `learner_id` in `cohort_id`, if it may.
async fn enrolment_basis(
    conn: &impl ConnectionTrait,
    provider_id: i32,
    cohort_id: i32,
    learner_id: i32,
) -> AppResult<Option<EnrolmentBasis>> {
    let linked = provider_link::Entity::find()
        .filter(provider_link::Column::LearnerId.eq(learner_id))
        .filter(provider_link::Column::OrganizationId.eq(provider_id))
        .one(conn)
        .await?;
    if linked.is_some() {
        return Ok(Some(EnrolmentBasis::Registered));
    }
    let ordered = training_intention::Entity::find()
        .filter(training_intention::Column::LearnerId.eq(learner_id))
        .filter(
            training_intention::Column::OrderId.in_subquery(
                Query::select()
                    .column(training_order::Column::Id)
                    .from(training_order::Entity)
                    .and_where(Expr::col(training_order::Column::ProviderId).eq(provider_id))
                    .and_where(
                        Expr::col(training_order::Column::Status)
                            .is_in([OrderStatus::Dispatched, OrderStatus::Accepted]),
                    )
                    .to_owned(),
            ),
        )
        .one(conn)
        .await?;
    if ordered.is_some() {
        return Ok(Some(EnrolmentBasis::Ordered));
    }
    let applied = cohort_application::Entity::find()
        .filter(cohort_application::Column::CohortId.eq(cohort_id))
        .filter(cohort_application::Column::LearnerId.eq(learner_id))
        .one(conn)
        .await?;
    Ok(applied.map(|_| EnrolmentBasis::Applied))
}

/// Enrols a learner, by the cohort's provider, on one of the bases of [`policy::enrol`]; any other
/// learner is FORBIDDEN, the same answer whether or not that learner exists. Refused too, with
/// nothing written: a full cohort; a finished or cancelled one; the same learner twice; a learner
/// already in another running subsidised cohort for the same occupation and level; an apprentice
/// without a labour contract of at least a year.
pub async fn enroll(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &PersonalDataKey,
    cohort_id: i32,
    learner: LearnerRef,
    contract: Option<Contract>,
) -> AppResult<enrollment::Model> {
    let found = cohort::Entity::find_by_id(cohort_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("cohort"))?;
    policy::train_in_cohort(&caller.viewer, found.provider_id)?;
    let (learner_id, basis) = match learner {
        LearnerRef::Id(id) => (
            id,
            enrolment_basis(db, found.provider_id, cohort_id, id).await?,
        ),
        LearnerRef::Identity { name, national_id } => {
            match learners::identify(db, key, &name, &national_id).await? {
                Some(l) => (l.id, Some(EnrolmentBasis::Identified)),
                None => {
                    return Err(AppError::validation(
                        "input.identity",
                        "no learner is registered with this name and national ID number",
                    ));
                }
            }
        }
    };
    let basis = policy::enrol(&caller.viewer, found.provider_id, basis)?;
    if matches!(
        found.status,
        CohortStatus::Finished | CohortStatus::Cancelled
    ) {
        return Err(refuse(&format!(
            "the cohort is {}; it takes no more learners",
            status_name(found.status)
        )));
    }
    if found.kind == CohortKind::NewApprenticeship {
        let contract = contract.ok_or_else(|| {
            AppError::validation(
                "input.contract",
                "an apprentice needs a labour contract with the enterprise",
            )
        })?;
        let year = contract
            .start
            .checked_add_months(Months::new(12))
            .unwrap_or(contract.start);
        if contract.end < year {
            return Err(AppError::validation(
                "input.contract",
                "the labour contract must last at least one year",
            ));
        }
    }

    let txn = crate::domain::begin_write(db).await?;
    let saved = enroll_in(&txn, caller, &found, learner_id, basis, contract).await?;
    txn.commit().await?;
    Ok(saved)
}

const DOUBLE_SUBSIDY: &str = "the learner already holds a subsidised training for this occupation and level \
     (enrolled or completed, in any cohort of any provider)";

/// The writes of an enrolment, inside the caller's transaction: a seat reserved by one
/// conditional `UPDATE` (the transaction's first statement), the enrolment, for a subsidised
/// cohort its subsidy slot (unique per learner, occupation and level: the database refuses a
/// second subsidised training), and the audit event. Any refusal leaves the transaction to be
/// rolled back.
pub(crate) async fn enroll_in(
    txn: &DatabaseTransaction,
    caller: &Caller,
    found: &cohort::Model,
    learner_id: i32,
    basis: EnrolmentBasis,
    contract: Option<Contract>,
) -> AppResult<enrollment::Model> {
    let cohort_id = found.id;
    // First statement: reserve a seat, or learn there is none.
    let reserved = cohort::Entity::update_many()
        .col_expr(
            cohort::Column::Enrolled,
            Expr::col(cohort::Column::Enrolled).add(1),
        )
        .filter(cohort::Column::Id.eq(cohort_id))
        .filter(Expr::col(cohort::Column::Enrolled).lt(Expr::col(cohort::Column::Capacity)))
        .filter(cohort::Column::Status.is_in([CohortStatus::Planned, CohortStatus::Running]))
        .exec(txn)
        .await?;
    if reserved.rows_affected != 1 {
        return Err(refuse("the cohort is full"));
    }
    let already = enrollment::Entity::find()
        .filter(enrollment::Column::CohortId.eq(cohort_id))
        .filter(enrollment::Column::LearnerId.eq(learner_id))
        .one(txn)
        .await?;
    if already.is_some() {
        return Err(refuse("the learner is already enrolled in this cohort"));
    }
    let inserted = enrollment::Entity::insert(enrollment::ActiveModel {
        cohort_id: Set(cohort_id),
        learner_id: Set(learner_id),
        status: Set(EnrollmentStatus::Enrolled),
        contract_start: Set(contract.map(|c| c.start)),
        contract_end: Set(contract.map(|c| c.end)),
        enrolled_at: Set(Utc::now()),
        ended_at: Set(None),
        end_reason: Set(None),
        ..Default::default()
    })
    .exec_with_returning(txn)
    .await;
    let saved = inserted.map_err(|e| {
        super::conflict_on_duplicate(e, "the learner is already enrolled in this cohort")
    })?;
    if found.subsidized {
        subsidy_slot::Entity::insert(subsidy_slot::ActiveModel {
            learner_id: Set(learner_id),
            occupation_code: Set(found.occupation_code.clone()),
            level: Set(found.target_level),
            enrollment_id: Set(saved.id),
            ..Default::default()
        })
        .exec(txn)
        .await
        .map_err(|e| super::conflict_on_duplicate(e, DOUBLE_SUBSIDY))?;
    }
    audit::record(
        txn,
        caller,
        audit::Entry {
            action: "enrollLearner",
            target_type: "Enrollment",
            target_id: NodeKey::Enrollment(saved.id).to_id().0,
            region_id: region_of(txn, found.alliance_id).await?,
            changes: Some(json!({
                "cohort": NodeKey::Cohort(cohort_id).to_id().0,
                "learner": NodeKey::Learner(learner_id).to_id().0,
                "basis": format!("{basis:?}"),
            })),
        },
    )
    .await?;
    Ok(saved)
}

/// How an enrolment ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrollmentEnd {
    /// The learner finished the training.
    Complete,
    /// The learner left, with a reason; the seat is freed.
    Withdraw(String),
}

/// Ends an ENROLLED enrolment, by the cohort's provider.
pub async fn end_enrollment(
    db: &DatabaseConnection,
    caller: &Caller,
    enrollment_id: i32,
    end: EnrollmentEnd,
) -> AppResult<enrollment::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let found = enrollment::Entity::find_by_id(enrollment_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("enrollment"))?;
    let cohort = cohort::Entity::find_by_id(found.cohort_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("an enrollment without its cohort"))?;
    policy::train_in_cohort(&caller.viewer, cohort.provider_id)?;
    if found.status != EnrollmentStatus::Enrolled {
        return Err(refuse(
            "the enrolment has ended already: only an ENROLLED learner completes or withdraws",
        ));
    }
    if end == EnrollmentEnd::Complete
        && !matches!(
            cohort.status,
            CohortStatus::Running | CohortStatus::Finished
        )
    {
        return Err(AppError::validation(
            "status",
            "a learner completes a cohort that has started",
        ));
    }
    let now = Utc::now();
    let (to, reason, action, changes) = match &end {
        EnrollmentEnd::Complete => (
            EnrollmentStatus::Completed,
            None,
            "completeEnrollment",
            json!({ "status": { "from": "ENROLLED", "to": "COMPLETED" } }),
        ),
        EnrollmentEnd::Withdraw(reason) => (
            EnrollmentStatus::Withdrawn,
            Some(reason.clone()),
            "withdrawEnrollment",
            json!({ "status": { "from": "ENROLLED", "to": "WITHDRAWN" }, "reason": reason }),
        ),
    };
    // The decisive statement: only one of concurrent ends of an ENROLLED enrolment changes it.
    crate::domain::decisive(
        &txn,
        enrollment::Entity::update_many()
            .col_expr(enrollment::Column::Status, Expr::value(to))
            .col_expr(enrollment::Column::EndedAt, Expr::value(now))
            .col_expr(enrollment::Column::EndReason, Expr::value(reason))
            .filter(enrollment::Column::Id.eq(found.id))
            .filter(enrollment::Column::Status.eq(EnrollmentStatus::Enrolled)),
        "the enrolment was ended by someone else meanwhile",
    )
    .await?;
    if to == EnrollmentStatus::Withdrawn {
        cohort::Entity::update_many()
            .col_expr(
                cohort::Column::Enrolled,
                Expr::col(cohort::Column::Enrolled).sub(1),
            )
            .filter(cohort::Column::Id.eq(cohort.id))
            .exec(&txn)
            .await?;
        // A withdrawal frees the subsidy slot: the training did not happen.
        subsidy_slot::Entity::delete_many()
            .filter(subsidy_slot::Column::EnrollmentId.eq(found.id))
            .exec(&txn)
            .await?;
    }
    let saved = enrollment::Entity::find_by_id(found.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("an enrolment vanished in its transaction"))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action,
            target_type: "Enrollment",
            target_id: NodeKey::Enrollment(saved.id).to_id().0,
            region_id: region_of(&txn, cohort.alliance_id).await?,
            changes: Some(changes),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Which cohorts to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct CohortFilter {
    /// In any of these alliances.
    pub alliances: Vec<AllianceCode>,
    /// Trained by this provider.
    pub provider_id: Option<i32>,
    /// For this enterprise.
    pub enterprise_id: Option<i32>,
    /// For this occupation.
    pub occupation: Option<OccupationCode>,
    /// In any of these statuses.
    pub statuses: Vec<CohortStatus>,
    /// Starting on or after this day.
    pub starting_after: Option<NaiveDate>,
}

fn select(filter: &CohortFilter) -> Select<cohort::Entity> {
    let mut cond = Condition::all();
    if !filter.alliances.is_empty() {
        cond = cond.add(
            cohort::Column::AllianceId.in_subquery(
                Query::select()
                    .column(alliance::Column::Id)
                    .from(alliance::Entity)
                    .and_where(
                        Expr::col(alliance::Column::Code)
                            .is_in(filter.alliances.iter().map(|c| c.as_str().to_owned())),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(p) = filter.provider_id {
        cond = cond.add(cohort::Column::ProviderId.eq(p));
    }
    if let Some(e) = filter.enterprise_id {
        cond = cond.add(cohort::Column::EnterpriseId.eq(e));
    }
    if let Some(o) = &filter.occupation {
        cond = cond.add(cohort::Column::OccupationCode.eq(o.as_str()));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(cohort::Column::Status.is_in(filter.statuses.clone()));
    }
    if let Some(d) = filter.starting_after {
        cond = cond.add(cohort::Column::StartOn.gte(d));
    }
    cohort::Entity::find().filter(cond)
}

fn ordering() -> Ordering<cohort::Entity> {
    Ordering {
        name: "cohorts:start:asc".to_owned(),
        keys: vec![
            SortKey::column(
                cohort::Column::StartOn,
                false,
                KeyKind::Date,
                |m: &cohort::Model| CursorValue::Date(m.start_on),
            ),
            SortKey::column(
                cohort::Column::Id,
                false,
                KeyKind::Int,
                |m: &cohort::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    }
}

/// One page of cohorts (public), by start date.
pub async fn list(
    db: &DatabaseConnection,
    filter: &CohortFilter,
    request: &PageRequest,
) -> AppResult<Page<cohort::Model>> {
    page::fetch_page(db, select(filter), &ordering(), request).await
}

/// How many cohorts match.
pub async fn count(db: &DatabaseConnection, filter: &CohortFilter) -> AppResult<u64> {
    page::count(db, select(filter)).await
}

/// Cohorts by id.
pub async fn by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, cohort::Model>> {
    Ok(cohort::Entity::find()
        .filter(cohort::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}

/// The cohorts answering each demand.
pub async fn by_demand_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<cohort::Model>>> {
    let links = cohort_demand::Entity::find()
        .filter(cohort_demand::Column::DemandId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let cohorts = by_ids(db, &links.iter().map(|l| l.cohort_id).collect::<Vec<_>>()).await?;
    let mut map: HashMap<i32, Vec<cohort::Model>> = HashMap::new();
    for link in links {
        if let Some(c) = cohorts.get(&link.cohort_id) {
            map.entry(link.demand_id).or_default().push(c.clone());
        }
    }
    for list in map.values_mut() {
        list.sort_by_key(|c| c.id);
    }
    Ok(map)
}

/// The enrolments of each cohort, by id.
pub async fn enrollments_by_cohort(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<enrollment::Model>>> {
    super::children_of::<enrollment::Entity>(
        db,
        enrollment::Column::CohortId,
        ids,
        enrollment::Column::Id,
        |e| e.cohort_id,
    )
    .await
}

/// A cohort's enrolments, in the order they were made: the nested list of `Cohort.enrollments`.
pub fn enrollments_of_cohort() -> NestedList<enrollment::Model> {
    NestedList {
        name: "cohort.enrollments",
        select: enrollment::Entity::find().into_query(),
        parent: Expr::col((enrollment::Entity, enrollment::Column::CohortId)),
        order: Expr::col((enrollment::Entity, enrollment::Column::Id)),
        parse: |row| enrollment::Model::from_query_result(row, ""),
        key: |e| i64::from(e.id),
    }
}

/// Enrolments by id.
pub async fn enrollments_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, enrollment::Model>> {
    Ok(enrollment::Entity::find()
        .filter(enrollment::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect())
}

/// A learner applies to a PLANNED or RUNNING cohort with their own token; the provider may then
/// enrol them. Applying twice is a CONFLICT.
pub async fn apply(
    db: &DatabaseConnection,
    caller: &Caller,
    cohort_id: i32,
) -> AppResult<cohort_application::Model> {
    let learner_id = policy::apply_to_cohort(&caller.viewer)?;
    let txn = crate::domain::begin_write(db).await?;
    let found = cohort::Entity::find_by_id(cohort_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("cohort"))?;
    if !matches!(found.status, CohortStatus::Planned | CohortStatus::Running) {
        return Err(refuse(&format!(
            "the cohort is {}; it takes no applications",
            status_name(found.status)
        )));
    }
    let inserted = cohort_application::Entity::insert(cohort_application::ActiveModel {
        cohort_id: Set(cohort_id),
        learner_id: Set(learner_id),
        applied_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await;
    let saved = inserted
        .map_err(|e| super::conflict_on_duplicate(e, "you have applied to this cohort already"))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "applyToCohort",
            target_type: "Cohort",
            target_id: NodeKey::Cohort(cohort_id).to_id().0,
            region_id: region_of(&txn, found.alliance_id).await?,
            changes: Some(json!({ "learner": NodeKey::Learner(learner_id).to_id().0 })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}
