//! Enrolments: who may be enrolled, enrolling (by the provider, or a learner's application) and how an enrolment ends.

use super::*;
use crate::domain::kernel::input;

/// An apprentice's labour contract with the enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contract {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

pub(super) fn refuse(message: &str) -> AppError {
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

/// Why `provider_id` may enrol `learner_id` in `cohort_id`, if it may: a registration within the
/// access period, an accepted order whose cohort this is, or the learner's application to it.
pub(super) async fn enrolment_basis(
    conn: &impl ConnectionTrait,
    rules: &policy::AccessRules,
    provider_id: i32,
    cohort_id: i32,
    learner_id: i32,
) -> AppResult<Option<EnrolmentBasis>> {
    let linked = provider_link::Entity::find()
        .filter(provider_link::Column::LearnerId.eq(learner_id))
        .filter(provider_link::Column::OrganizationId.eq(provider_id))
        .filter(provider_link::Column::LinkedAt.gte(rules.provider_cutoff(Utc::now())))
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
                    .and_where(Expr::col(training_order::Column::Status).eq(OrderStatus::Accepted))
                    .and_where(Expr::col(training_order::Column::CohortId).eq(cohort_id))
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

/// Enrols a learner, by the cohort's provider, on one of the bases of [`policy::may_enrol`]; any other
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
    policy::may_train_in_cohort(&caller.viewer, found.provider_id)?;
    let (learner_id, basis) = match learner {
        LearnerRef::Id(id) => (
            id,
            enrolment_basis(db, &caller.access, found.provider_id, cohort_id, id).await?,
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
    let basis = policy::may_enrol(&caller.viewer, found.provider_id, basis)?;
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
        crate::domain::conflict_on_duplicate(e, "the learner is already enrolled in this cohort")
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
        .map_err(|e| crate::domain::conflict_on_duplicate(e, DOUBLE_SUBSIDY))?;
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
    Withdraw(crate::domain::kernel::input::Reason),
}

/// Ends an ENROLLED enrolment, by the cohort's provider; a completion needs the attendance
/// `rule` asks ([`super::records::check_completion`]).
pub async fn end_enrollment(
    db: &DatabaseConnection,
    caller: &Caller,
    enrollment_id: i32,
    end: EnrollmentEnd,
    rule: super::CompletionRule,
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
    policy::may_train_in_cohort(&caller.viewer, cohort.provider_id)?;
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
    if end == EnrollmentEnd::Complete {
        super::records::check_completion(&txn, &cohort, found.id, rule).await?;
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
            .col_expr(
                enrollment::Column::EndReason,
                Expr::value(reason.map(input::Text::into_string)),
            )
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

/// The enrolments of each cohort, by id.
pub async fn enrollments_by_cohort(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<enrollment::Model>>> {
    crate::domain::children_of::<enrollment::Entity>(
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
    let learner_id = policy::may_apply_to_cohort(&caller.viewer)?;
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
    let saved = inserted.map_err(|e| {
        crate::domain::conflict_on_duplicate(e, "you have applied to this cohort already")
    })?;
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
