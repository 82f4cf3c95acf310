//! Listing intentions and orders.

use super::*;

/// Which intentions to list, within the caller's learner scope.
#[derive(Debug, Clone, Default)]
pub struct IntentionFilter {
    /// In these statuses (all when empty).
    pub statuses: Vec<IntentionStatus>,
}

pub(super) fn select_intentions(
    scope: policy::LearnerScope,
    filter: &IntentionFilter,
) -> Select<training_intention::Entity> {
    let mut cond = Condition::all();
    if !filter.statuses.is_empty() {
        cond = cond.add(training_intention::Column::Status.is_in(filter.statuses.clone()));
    }
    cond = match scope {
        policy::LearnerScope::All => cond,
        policy::LearnerScope::Region(r) => cond.add(training_intention::Column::RegionId.eq(r)),
        policy::LearnerScope::Provider { org, .. } => {
            cond.add(training_intention::Column::SubmittedById.eq(org))
        }
        policy::LearnerScope::Only(l) => cond.add(training_intention::Column::LearnerId.eq(l)),
        // `intention_scope` gives a department none; nothing if it ever reached here.
        policy::LearnerScope::Department(_) => cond.add(sea_orm::sea_query::Expr::val(false)),
    };
    training_intention::Entity::find().filter(cond)
}

/// One training order by id, unscoped: callers check [`policy::order_visible`].
pub async fn order_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<training_order::Model>> {
    Ok(training_order::Entity::find_by_id(id).one(db).await?)
}

/// One page of intentions the caller may see.
pub async fn list_intentions(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &IntentionFilter,
    request: &PageRequest,
) -> AppResult<Page<training_intention::Model>> {
    expire_due(db).await?;
    let scope = policy::learner_scope(&caller.viewer, &caller.access)?;
    let ordering = Ordering {
        name: "intentions:id:asc".to_owned(),
        keys: vec![SortKey::column(
            training_intention::Column::Id,
            false,
            KeyKind::Int,
            |m: &training_intention::Model| CursorValue::Int(i64::from(m.id)),
        )],
    };
    page::fetch_page(db, select_intentions(scope, filter), &ordering, request).await
}

/// Orders the caller may see: the regulator's region, a provider's own, everything for a system
/// administrator.
pub async fn list_orders(
    db: &DatabaseConnection,
    caller: &Caller,
    request: &PageRequest,
) -> AppResult<Page<training_order::Model>> {
    expire_due(db).await?;
    let cond = match policy::order_scope(&caller.viewer)? {
        OrderScope::All => Condition::all(),
        OrderScope::Region(r) => Condition::all().add(training_order::Column::RegionId.eq(r)),
        OrderScope::Provider(p) => Condition::all().add(training_order::Column::ProviderId.eq(p)),
    };
    let ordering = Ordering {
        name: "orders:id:asc".to_owned(),
        keys: vec![SortKey::column(
            training_order::Column::Id,
            false,
            KeyKind::Int,
            |m: &training_order::Model| CursorValue::Int(i64::from(m.id)),
        )],
    };
    page::fetch_page(
        db,
        training_order::Entity::find().filter(cond),
        &ordering,
        request,
    )
    .await
}
