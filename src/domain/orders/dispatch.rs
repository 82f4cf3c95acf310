//! Training orders: dispatched by the bureau, accepted or declined by providers.

use super::*;

/// An order to dispatch.
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// The occupation.
    pub occupation: OccupationCode,
    /// The level.
    pub level: SkillLevel,
    /// The schedule.
    pub schedule: Schedule,
    /// Seats, at least the bundled intentions.
    pub seats: i32,
    /// The last day to answer.
    pub deadline: NaiveDate,
    /// The provider.
    pub provider_id: i32,
    /// The intentions bundled.
    pub intention_ids: Vec<i32>,
    /// The programme of the bureau's region the order (and its cohort) belongs to, if any.
    pub programme_id: Option<i32>,
}

/// Dispatches an order (the regulator, in its region) to an admitted provider that belongs to an
/// alliance of the region, bundling OPEN intentions that match its occupation and level.
pub async fn dispatch(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewOrder,
) -> AppResult<training_order::Model> {
    expire_due(db).await?;
    let region_id = policy::may_supervise_own_region(&caller.viewer)?;
    let provider = dispatchable_provider(db, region_id, new.provider_id).await?;
    check_order(&new)?;
    check_intentions(db, region_id, &new).await?;
    if let Some(programme) = new.programme_id {
        crate::domain::programmes::for_order(db, region_id, programme, new.occupation.as_str())
            .await?;
    }
    let txn = crate::domain::begin_write(db).await?;
    let saved = training_order::Entity::insert(training_order::ActiveModel {
        region_id: Set(region_id),
        occupation_code: Set(new.occupation.as_str().to_owned()),
        level: Set(new.level),
        schedule: Set(new.schedule),
        seats: Set(new.seats),
        deadline: Set(new.deadline),
        provider_id: Set(provider.id),
        status: Set(OrderStatus::Dispatched),
        decline_reason: Set(None),
        cohort_id: Set(None),
        programme_id: Set(new.programme_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await?;
    let moved = training_intention::Entity::update_many()
        .col_expr(
            training_intention::Column::Status,
            Expr::value(IntentionStatus::Dispatched),
        )
        .col_expr(training_intention::Column::OrderId, Expr::value(saved.id))
        .filter(training_intention::Column::Id.is_in(new.intention_ids.clone()))
        .filter(training_intention::Column::Status.eq(IntentionStatus::Open))
        .exec(&txn)
        .await?;
    if moved.rows_affected != new.intention_ids.len() as u64 {
        return Err(AppError::Conflict(
            "an intention changed meanwhile; try again".to_owned(),
        ));
    }
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "dispatchTrainingOrder",
            target_type: "TrainingOrder",
            target_id: NodeKey::TrainingOrder(saved.id).to_id().0,
            region_id: Some(region_id),
            changes: Some(json!({ "provider": NodeKey::Organization(provider.id).to_id().0, "occupation": saved.occupation_code, "seats": saved.seats, "intentions": new.intention_ids.len() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The provider an order goes to: an admitted provider that trains anyone
/// ([`policy::may_provide_training`]: a college, a training institution, an enterprise with a
/// training centre), a member of an alliance of the region.
async fn dispatchable_provider(
    db: &DatabaseConnection,
    region_id: i32,
    provider_id: i32,
) -> AppResult<organization::Model> {
    let provider = organization::Entity::find_by_id(provider_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.provider", "no organization has this ID"))?;
    if policy::may_provide_training(&provider).ok() != Some(crate::auth::Reach::Anyone)
        || matches!(
            provider.catalogue_status,
            Some(InstitutionStatus::Suspended | InstitutionStatus::Exited)
        )
    {
        return Err(AppError::validation(
            "input.provider",
            "an admitted provider that trains anyone: a college, a training institution or an \
             enterprise with a training centre",
        ));
    }
    let in_region = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(provider.id))
        .filter(membership::Column::LeftOn.is_null())
        .filter(
            membership::Column::AllianceId.in_subquery(
                Query::select()
                    .column(alliance::Column::Id)
                    .from(alliance::Entity)
                    .and_where(Expr::col(alliance::Column::RegionId).eq(region_id))
                    .to_owned(),
            ),
        )
        .one(db)
        .await?;
    if in_region.is_none() {
        return Err(AppError::validation(
            "input.provider",
            "not a member of an alliance of your region",
        ));
    }
    Ok(provider)
}

/// The deadline (not past), the intentions (at least one) and the seats (at least those, at most
/// 500).
fn check_order(new: &NewOrder) -> AppResult<()> {
    if new.deadline < Utc::now().date_naive() {
        return Err(AppError::validation(
            "input.deadline",
            "must not be in the past",
        ));
    }
    if new.intention_ids.is_empty() {
        return Err(AppError::validation(
            "input.intentions",
            "bundle at least one intention",
        ));
    }
    if new.seats < new.intention_ids.len() as i32 || new.seats > 500 {
        return Err(AppError::validation(
            "input.seats",
            "at least the intentions bundled, at most 500",
        ));
    }
    Ok(())
}

/// Every bundled intention is OPEN, of the region, and of the order's occupation and level.
async fn check_intentions(
    db: &DatabaseConnection,
    region_id: i32,
    new: &NewOrder,
) -> AppResult<()> {
    let found = intentions_by_ids(db, &new.intention_ids).await?;
    for (i, id) in new.intention_ids.iter().enumerate() {
        let ok = found.get(id).is_some_and(|it| {
            it.status == IntentionStatus::Open
                && it.region_id == region_id
                && it.level == new.level
                && (new.occupation.as_str() == it.occupation_prefix
                    || new
                        .occupation
                        .as_str()
                        .starts_with(&format!("{}-", it.occupation_prefix)))
        });
        if !ok {
            return Err(AppError::validation(
                format!("input.intentions[{i}]"),
                "not an open intention of your region for this occupation and level",
            ));
        }
    }
    Ok(())
}

pub(super) async fn order_for_provider(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<training_order::Model> {
    let provider_id = policy::may_take_orders(&caller.viewer)?;
    let order = training_order::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("training order"))?;
    policy::may_take_order(provider_id, &order)?;
    if order.status != OrderStatus::Dispatched {
        return Err(AppError::Conflict(
            "the order is no longer DISPATCHED".to_owned(),
        ));
    }
    if order.deadline < Utc::now().date_naive() {
        return Err(AppError::validation(
            "status",
            "the order's deadline has passed",
        ));
    }
    Ok(order)
}

/// Accepts an order (its provider), in one transaction: the order moves DISPATCHED → ACCEPTED by
/// a conditional `UPDATE` (its first statement: of two concurrent accepts, or an accept and a
/// decline, one wins and the other gets `CONFLICT` with nothing written), a PROJECT_TRAINING
/// cohort opens with the order's occupation, level and seats in one of the provider's alliances
/// of the region, and the bundled learners are enrolled; their intentions become MATCHED (one
/// whose learner cannot be enrolled, say because they hold a subsidised training of this
/// occupation and level already, opens again). A failure half-way leaves nothing behind.
pub async fn accept(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<training_order::Model> {
    expire_due(db).await?;
    let order = order_for_provider(db, caller, id).await?;
    let alliance = alliance::Entity::find()
        .inner_join(membership::Entity)
        .filter(membership::Column::OrganizationId.eq(order.provider_id))
        .filter(membership::Column::LeftOn.is_null())
        .filter(alliance::Column::RegionId.eq(order.region_id))
        .order_by_asc(alliance::Column::Id)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::Conflict(
                "the provider no longer belongs to an alliance of the region".to_owned(),
            )
        })?;
    let txn = crate::domain::begin_write(db).await?;
    crate::domain::decisive(
        &txn,
        training_order::Entity::update_many()
            .col_expr(
                training_order::Column::Status,
                Expr::value(OrderStatus::Accepted),
            )
            .filter(training_order::Column::Id.eq(order.id))
            .filter(training_order::Column::Status.eq(OrderStatus::Dispatched)),
        "the order was accepted or declined meanwhile",
    )
    .await?;
    let cohort = open_cohort(&txn, caller, &order, &alliance).await?;
    let (matched, reopened) = enrol_bundled(&txn, caller, &cohort, order.id).await?;
    settle(&txn, order.id, cohort.id, &matched, &reopened).await?;
    let saved = training_order::Entity::find_by_id(order.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("an order vanished in its transaction"))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "acceptTrainingOrder",
            target_type: "TrainingOrder",
            target_id: NodeKey::TrainingOrder(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(json!({ "cohort": NodeKey::Cohort(cohort.id).to_id().0, "enrolled": matched.len(), "reopened": reopened.len() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The PROJECT_TRAINING cohort an accepted order opens: its occupation, level and seats, in two
/// weeks for 90 days, subsidised, in the order's programme (项目制).
async fn open_cohort(
    txn: &sea_orm::DatabaseTransaction,
    caller: &Caller,
    order: &training_order::Model,
    alliance: &alliance::Model,
) -> AppResult<cohort::Model> {
    let start = Utc::now().date_naive() + Days::new(14);
    cohorts::create_in(
        txn,
        caller,
        NewCohort {
            kind: CohortKind::ProjectTraining,
            name: format!("派单项目班 {}", order.id),
            enterprise_id: None,
            provider_id: order.provider_id,
            alliance: AllianceCode::parse(&alliance.code).map_err(AppError::internal)?,
            occupation: OccupationCode::parse(&order.occupation_code)
                .map_err(AppError::internal)?,
            target_level: order.level,
            capacity: order.seats,
            start_on: start,
            end_on: start + Days::new(90),
            subsidized: true,
            demand_ids: vec![],
            // The order's programme, trained as a project bought by the bureau (项目制).
            programme_id: order.programme_id,
            mode: Some(entity::TrainingMode::Project),
            purpose: None,
        },
    )
    .await
}

/// Enrols each bundled learner in a savepoint of its own: the intentions matched, and those
/// whose learner could not be enrolled (a second subsidy, a full cohort).
async fn enrol_bundled(
    txn: &sea_orm::DatabaseTransaction,
    caller: &Caller,
    cohort: &cohort::Model,
    order_id: i32,
) -> AppResult<(Vec<i32>, Vec<i32>)> {
    let bundled = training_intention::Entity::find()
        .filter(training_intention::Column::OrderId.eq(order_id))
        .filter(training_intention::Column::Status.eq(IntentionStatus::Dispatched))
        .order_by_asc(training_intention::Column::Id)
        .all(txn)
        .await?;
    let mut matched = Vec::new();
    let mut reopened = Vec::new();
    for intention in &bundled {
        // Each enrolment in a savepoint: a learner refused (a second subsidy, a full cohort)
        // rolls back their enrolment only.
        let savepoint = sea_orm::TransactionTrait::begin(txn).await?;
        match cohorts::enroll_in(
            &savepoint,
            caller,
            cohort,
            intention.learner_id,
            policy::EnrolmentBasis::Ordered,
            None,
        )
        .await
        {
            Ok(_) => {
                savepoint.commit().await?;
                matched.push(intention.id);
            }
            Err(err @ (AppError::Conflict(_) | AppError::Validation { .. })) => {
                savepoint.rollback().await?;
                tracing::info!(intention = intention.id, error = %err, "an accepted order could not enrol a learner");
                reopened.push(intention.id);
            }
            Err(err) => return Err(err),
        }
    }
    Ok((matched, reopened))
}

/// The matched intentions become MATCHED, the others OPEN again, and the order names its cohort.
async fn settle(
    txn: &sea_orm::DatabaseTransaction,
    order_id: i32,
    cohort_id: i32,
    matched: &[i32],
    reopened: &[i32],
) -> AppResult<()> {
    training_intention::Entity::update_many()
        .col_expr(
            training_intention::Column::Status,
            Expr::value(IntentionStatus::Matched),
        )
        .filter(training_intention::Column::Id.is_in(matched.to_vec()))
        .exec(txn)
        .await?;
    training_intention::Entity::update_many()
        .col_expr(
            training_intention::Column::Status,
            Expr::value(IntentionStatus::Open),
        )
        .col_expr(
            training_intention::Column::OrderId,
            Expr::value(Option::<i32>::None),
        )
        .filter(training_intention::Column::Id.is_in(reopened.to_vec()))
        .exec(txn)
        .await?;
    training_order::Entity::update_many()
        .col_expr(
            training_order::Column::CohortId,
            Expr::value(Some(cohort_id)),
        )
        .filter(training_order::Column::Id.eq(order_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Declines an order (its provider), with a reason; its intentions open again.
pub async fn decline(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    reason: crate::domain::kernel::input::Reason,
) -> AppResult<training_order::Model> {
    expire_due(db).await?;
    let order = order_for_provider(db, caller, id).await?;
    let txn = crate::domain::begin_write(db).await?;
    // The decisive statement: of a decline and a concurrent accept or decline, one wins.
    crate::domain::decisive(
        &txn,
        training_order::Entity::update_many()
            .col_expr(
                training_order::Column::Status,
                Expr::value(OrderStatus::Declined),
            )
            .col_expr(
                training_order::Column::DeclineReason,
                Expr::value(Some(reason.as_str().to_owned())),
            )
            .filter(training_order::Column::Id.eq(order.id))
            .filter(training_order::Column::Status.eq(OrderStatus::Dispatched)),
        "the order was accepted or declined meanwhile",
    )
    .await?;
    let saved = training_order::Entity::find_by_id(order.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("an order vanished in its transaction"))?;
    reopen(&txn, &[order.id]).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "declineTrainingOrder",
            target_type: "TrainingOrder",
            target_id: NodeKey::TrainingOrder(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(json!({ "reason": reason.as_str() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}
