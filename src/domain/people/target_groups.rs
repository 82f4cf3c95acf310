//! Target groups (重点群体) as data, and learners' memberships of them.
//!
//! The system administrator keeps the national list, a region's regulator adds the groups its
//! seeds name, without a release. A learner belongs to several groups, each with the date and the
//! basis of it; the group declared at registration is the first. A membership is personal data
//! (some groups — disability, poverty — are sensitive): it is read in the full view only, recorded
//! and removed by those who see the learner in full for a purpose (the regulator of the learner's
//! region, a provider in a current relation), audited without the basis's words, and erased with
//! the person.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{learner, learner_target_group, target_group};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait, OnConflict, Query, SelectStatement},
};
use serde_json::json;

use crate::auth::{Caller, policy};
use crate::domain::kernel::{audit, ids::NodeKey};
use crate::error::{AppError, AppResult};

/// Every target group, national first, then by code.
pub async fn all(db: &impl ConnectionTrait) -> AppResult<Vec<target_group::Model>> {
    Ok(target_group::Entity::find()
        .order_by_with_nulls(
            target_group::Column::RegionId,
            sea_orm::Order::Asc,
            sea_orm::sea_query::NullOrdering::First,
        )
        .order_by_asc(target_group::Column::Code)
        .all(db)
        .await?)
}

/// One target group by its code.
pub async fn by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> AppResult<Option<target_group::Model>> {
    Ok(target_group::Entity::find()
        .filter(target_group::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// Target groups by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> AppResult<HashMap<i32, target_group::Model>> {
    Ok(target_group::Entity::find()
        .filter(target_group::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect())
}

/// A target group added or changed, as the caller wrote it.
#[derive(Debug, Clone)]
pub struct GroupChange {
    /// Its code (`LEFT_BEHIND_WOMEN`).
    pub code: String,
    /// Its Chinese name.
    pub name: String,
    /// Its English name (empty: none known).
    pub name_en: String,
    /// Whether membership is sensitive personal information.
    pub sensitive: bool,
}

/// Adds a target group or changes one: the system administrator any (an added one is national),
/// a regulator those its region added (an added one is its region's). A group once sensitive
/// stays so: what was recorded under that promise keeps it. Audited.
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    change: GroupChange,
) -> AppResult<target_group::Model> {
    let region_id = policy::may_keep_reference_data(&caller.viewer, "target groups")?;
    let (code, name, name_en) =
        crate::domain::kernel::codes::reference_names(&change.code, &change.name, &change.name_en)?;
    let txn = crate::domain::begin_write(db).await?;
    let existing = by_code(&txn, &code).await?;
    let saved = match &existing {
        Some(found) => {
            policy::may_change_reference_row(&caller.viewer, found.region_id, "target group")?;
            if found.sensitive && !change.sensitive {
                return Err(AppError::validation(
                    "input.sensitive",
                    "a sensitive group stays sensitive: its memberships were recorded as such",
                ));
            }
            let mut active: target_group::ActiveModel = found.clone().into();
            active.name = Set(name);
            active.name_en = Set(name_en);
            active.sensitive = Set(change.sensitive);
            active.update(&txn).await?
        }
        None => target_group::Entity::insert(target_group::ActiveModel {
            code: Set(code),
            name: Set(name),
            name_en: Set(name_en),
            sensitive: Set(change.sensitive),
            region_id: Set(region_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await
        .map_err(|e| crate::domain::conflict_on_duplicate(e, "input.code: added meanwhile"))?,
    };
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: if existing.is_some() {
                "updateTargetGroup"
            } else {
                "addTargetGroup"
            },
            target_type: "TargetGroup",
            target_id: saved.code.clone(),
            region_id: saved.region_id,
            changes: Some(json!({
                "name": saved.name, "nameEn": saved.name_en, "sensitive": saved.sensitive,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// A membership to record, as the caller wrote it.
#[derive(Debug, Clone)]
pub struct NewMembership {
    /// The learner.
    pub learner_id: i32,
    /// The group's code.
    pub group: String,
    /// Since when.
    pub since: NaiveDate,
    /// On what basis (a certificate, a register entry), 1 to 200 characters.
    pub basis: String,
}

/// The learner, once the caller may record their memberships: someone who sees them in full
/// for a purpose ([`policy::may_record_target_group`]). Anyone else is told the learner is not
/// found or not theirs, the same way whether or not the learner exists.
async fn learner_in_full(
    db: &impl ConnectionTrait,
    caller: &Caller,
    learner_id: i32,
) -> AppResult<learner::Model> {
    let found = learner::Entity::find_by_id(learner_id)
        .one(db)
        .await?
        .filter(|l| l.erased_at.is_none());
    let view = match &found {
        Some(l) => super::gate::view_of(db, caller, &caller.access, l).await?,
        None => None,
    };
    policy::may_record_target_group(&caller.viewer, view)?;
    found.ok_or_else(|| AppError::not_found("learner"))
}

/// Records that a learner belongs to a group (or, when they do already, its date and basis
/// anew). Audited with the group and the date, not the basis's words.
pub async fn record(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewMembership,
) -> AppResult<(learner_target_group::Model, target_group::Model)> {
    let basis = new.basis.trim().to_owned();
    if basis.is_empty() || basis.chars().count() > 200 {
        return Err(AppError::validation("input.basis", "1 to 200 characters"));
    }
    if new.since > Utc::now().date_naive() {
        return Err(AppError::validation("input.since", "not in the future"));
    }
    let txn = crate::domain::begin_write(db).await?;
    let learner = learner_in_full(&txn, caller, new.learner_id).await?;
    let group = by_code(&txn, new.group.trim())
        .await?
        .ok_or_else(|| AppError::validation("input.group", "no target group has this code"))?;
    learner_target_group::Entity::insert(learner_target_group::ActiveModel {
        learner_id: Set(learner.id),
        target_group_id: Set(group.id),
        since: Set(new.since),
        basis: Set(basis),
        recorded_by_id: Set(caller.viewer.organization_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            learner_target_group::Column::LearnerId,
            learner_target_group::Column::TargetGroupId,
        ])
        .update_columns([
            learner_target_group::Column::Since,
            learner_target_group::Column::Basis,
            learner_target_group::Column::RecordedById,
            learner_target_group::Column::CreatedAt,
        ])
        .to_owned(),
    )
    .exec(&txn)
    .await?;
    let saved = learner_target_group::Entity::find()
        .filter(learner_target_group::Column::LearnerId.eq(learner.id))
        .filter(learner_target_group::Column::TargetGroupId.eq(group.id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("a recorded membership without its row"))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "recordTargetGroup",
            target_type: "Learner",
            target_id: NodeKey::Learner(learner.id).to_id().0,
            region_id: Some(learner.region_id),
            changes: Some(json!({ "group": group.code, "since": saved.since })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((saved, group))
}

/// Removes a learner from a group (a membership recorded in error, or one that ended). Audited.
pub async fn remove(
    db: &DatabaseConnection,
    caller: &Caller,
    learner_id: i32,
    group: &str,
) -> AppResult<()> {
    let txn = crate::domain::begin_write(db).await?;
    let learner = learner_in_full(&txn, caller, learner_id).await?;
    let group = by_code(&txn, group.trim())
        .await?
        .ok_or_else(|| AppError::validation("input.group", "no target group has this code"))?;
    let removed = learner_target_group::Entity::delete_many()
        .filter(learner_target_group::Column::LearnerId.eq(learner.id))
        .filter(learner_target_group::Column::TargetGroupId.eq(group.id))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::validation(
            "input.group",
            "the learner does not belong to this group",
        ));
    }
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "removeTargetGroup",
            target_type: "Learner",
            target_id: NodeKey::Learner(learner.id).to_id().0,
            region_id: Some(learner.region_id),
            changes: Some(json!({ "group": group.code })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The ids of the learners who belong to one of the groups `codes`, as a subquery.
pub fn members_of(codes: &[String]) -> SelectStatement {
    Query::select()
        .column((
            learner_target_group::Entity,
            learner_target_group::Column::LearnerId,
        ))
        .from(learner_target_group::Entity)
        .inner_join(
            target_group::Entity,
            Expr::col((target_group::Entity, target_group::Column::Id)).equals((
                learner_target_group::Entity,
                learner_target_group::Column::TargetGroupId,
            )),
        )
        .and_where(
            Expr::col((target_group::Entity, target_group::Column::Code))
                .is_in(codes.iter().cloned()),
        )
        .to_owned()
}

/// The group a learner declared at registration, as their first membership (in the
/// registration's transaction).
pub async fn declare(
    db: &impl ConnectionTrait,
    learner: &learner::Model,
    recorded_by: Option<i32>,
) -> AppResult<()> {
    use sea_orm::ActiveEnum;
    let group = by_code(db, &learner.target_group.to_value())
        .await?
        .ok_or_else(|| AppError::internal("a declared group missing from the reference data"))?;
    learner_target_group::Entity::insert(learner_target_group::ActiveModel {
        learner_id: Set(learner.id),
        target_group_id: Set(group.id),
        since: Set(learner.created_at.date_naive()),
        basis: Set("登记时申报".to_owned()),
        recorded_by_id: Set(recorded_by),
        created_at: Set(learner.created_at),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// The memberships of learners, with their groups, each learner's by date.
pub async fn of_learners(
    db: &impl ConnectionTrait,
    learner_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<(learner_target_group::Model, target_group::Model)>>> {
    let rows = learner_target_group::Entity::find()
        .filter(learner_target_group::Column::LearnerId.is_in(learner_ids.iter().copied()))
        .order_by_asc(learner_target_group::Column::Since)
        .order_by_asc(learner_target_group::Column::Id)
        .all(db)
        .await?;
    let group_ids: Vec<i32> = rows.iter().map(|m| m.target_group_id).collect();
    let groups = by_ids(db, &group_ids).await?;
    let mut by_learner: HashMap<i32, Vec<_>> = HashMap::new();
    for membership in rows {
        let group = groups
            .get(&membership.target_group_id)
            .cloned()
            .ok_or_else(|| AppError::internal("a membership of a group that does not exist"))?;
        by_learner
            .entry(membership.learner_id)
            .or_default()
            .push((membership, group));
    }
    Ok(by_learner)
}
