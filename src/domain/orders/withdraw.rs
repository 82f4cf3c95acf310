//! Withdrawing an intention.

use super::*;

/// Withdraws an OPEN intention: the learner, or a provider or regulator with the learner in scope.
pub async fn withdraw(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<training_intention::Model> {
    let found = intentions_by_ids(db, &[id])
        .await?
        .remove(&id)
        .ok_or_else(|| AppError::not_found("training intention"))?;
    policy::intention_scope(&caller.viewer, &caller.access)?;
    policy::may_reach_intention(
        gate::is_full(db, caller, &caller.access, found.learner_id).await?,
    )?;
    if found.status != IntentionStatus::Open {
        return Err(AppError::Conflict(
            "only an OPEN intention can be withdrawn".to_owned(),
        ));
    }
    let txn = crate::domain::begin_write(db).await?;
    // The decisive statement: an intention dispatched meanwhile is not withdrawn under the order.
    crate::domain::decisive(
        &txn,
        training_intention::Entity::update_many()
            .col_expr(
                training_intention::Column::Status,
                Expr::value(IntentionStatus::Withdrawn),
            )
            .filter(training_intention::Column::Id.eq(found.id))
            .filter(training_intention::Column::Status.eq(IntentionStatus::Open)),
        "the intention was dispatched or withdrawn meanwhile",
    )
    .await?;
    let saved = training_intention::Entity::find_by_id(found.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("an intention vanished in its transaction"))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "withdrawTrainingIntention",
            target_type: "TrainingIntention",
            target_id: NodeKey::TrainingIntention(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(json!({ "status": { "from": "OPEN", "to": "WITHDRAWN" } })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}
