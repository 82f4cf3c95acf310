//! Memberships (联盟成员): which organizations belong to which alliances, and how.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{MembershipRole, OrganizationKind, alliance, membership, organization};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder,
};
use sea_orm::{FromQueryResult, IdenStatic, QueryTrait, SelectA, SelectB, sea_query::Expr};
use serde_json::json;

use crate::domain::kernel::{audit, codes::AllianceCode};
use crate::domain::read::nested::NestedList;
use crate::{
    auth::{Caller, policy},
    domain::kernel::ids::NodeKey,
    error::{AppError, AppResult},
};

/// A current membership with its member organization, read together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The membership.
    pub membership: membership::Model,
    /// The member organization.
    pub organization: organization::Model,
}

/// An alliance's current members with their organizations, in the order they joined the graph,
/// narrowed to `kinds` and `role`: the nested list of `Alliance.members`. The organization comes
/// from the same statement, so it is never loaded again.
pub fn current_of_alliance(
    kinds: Option<&[OrganizationKind]>,
    role: Option<MembershipRole>,
) -> NestedList<Member> {
    let mut select = membership::Entity::find()
        .filter(membership::Column::LeftOn.is_null())
        .inner_join(organization::Entity)
        .select_also(organization::Entity);
    if let Some(kinds) = kinds {
        select = select.filter(organization::Column::Kind.is_in(kinds.iter().copied()));
    }
    if let Some(role) = role {
        select = select.filter(membership::Column::Role.eq(role));
    }
    NestedList {
        name: "alliance.members",
        select: select.into_query(),
        parent: Expr::col((membership::Entity, membership::Column::AllianceId)),
        order: Expr::col((membership::Entity, membership::Column::Id)),
        parse: |row| {
            Ok(Member {
                membership: membership::Model::from_query_result(row, SelectA.as_str())?,
                organization: organization::Model::from_query_result(row, SelectB.as_str())?,
            })
        },
        key: |m| i64::from(m.membership.id),
    }
}

/// Every membership of each organization, past ones included, ordered by id, in one statement.
pub async fn by_organization_ids(
    db: &DatabaseConnection,
    organization_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<membership::Model>>> {
    let rows = membership::Entity::find()
        .filter(membership::Column::OrganizationId.is_in(organization_ids.iter().copied()))
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await?;
    let mut map: HashMap<i32, Vec<membership::Model>> = HashMap::new();
    for row in rows {
        map.entry(row.organization_id).or_default().push(row);
    }
    Ok(map)
}

/// Memberships by id, in one statement.
pub async fn by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, membership::Model>> {
    Ok(membership::Entity::find()
        .filter(membership::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}

const DUPLICATE_MEMBER: &str = "the organization is already a member of this alliance";

/// Admits an organization to an alliance (or re-admits a former member). A current member is a
/// `CONFLICT`. The change and its audit event commit together.
pub async fn admit(
    db: &DatabaseConnection,
    caller: &Caller,
    alliance_code: &AllianceCode,
    organization_id: i32,
    role: MembershipRole,
    joined_on: Option<NaiveDate>,
) -> AppResult<membership::Model> {
    let alliance = alliance::Entity::find()
        .filter(alliance::Column::Code.eq(alliance_code.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("alliance \"{}\"", alliance_code.as_str())))?;
    policy::may_manage_membership(&caller.viewer, alliance.id)?;
    let joined_on = joined_on.unwrap_or_else(|| Utc::now().date_naive());
    if joined_on < alliance.founded_on {
        return Err(AppError::validation(
            "input.joinedOn",
            "a member cannot join before the alliance was founded",
        ));
    }
    let txn = crate::domain::begin_write(db).await?;
    organization::Entity::find_by_id(organization_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("organization"))?;
    let saved = admit_in(&txn, caller, &alliance, organization_id, role, joined_on).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Makes `organization_id` a current member of `alliance` inside `txn` (a new membership, or a
/// former one re-admitted), and records it; a current member is a `CONFLICT`. The caller has
/// been authorised.
pub(crate) async fn admit_in(
    txn: &DatabaseTransaction,
    caller: &Caller,
    alliance: &alliance::Model,
    organization_id: i32,
    role: MembershipRole,
    joined_on: NaiveDate,
) -> AppResult<membership::Model> {
    let existing = membership::Entity::find()
        .filter(membership::Column::AllianceId.eq(alliance.id))
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .one(txn)
        .await?;
    let saved = match existing {
        Some(m) if m.left_on.is_none() => {
            return Err(AppError::Conflict(DUPLICATE_MEMBER.to_owned()));
        }
        Some(m) => {
            // Re-admitted: only while the membership is still one that was left.
            let moved = membership::Entity::update_many()
                .col_expr(
                    membership::Column::Role,
                    sea_orm::sea_query::Expr::value(role),
                )
                .col_expr(
                    membership::Column::JoinedOn,
                    sea_orm::sea_query::Expr::value(joined_on),
                )
                .col_expr(
                    membership::Column::LeftOn,
                    sea_orm::sea_query::Expr::value(Option::<chrono::NaiveDate>::None),
                )
                .filter(membership::Column::Id.eq(m.id))
                .filter(membership::Column::LeftOn.is_not_null())
                .exec(txn)
                .await?;
            if moved.rows_affected != 1 {
                return Err(AppError::Conflict(DUPLICATE_MEMBER.to_owned()));
            }
            membership::Entity::find_by_id(m.id)
                .one(txn)
                .await?
                .ok_or_else(|| AppError::internal("a membership vanished in its transaction"))?
        }
        None => membership::Entity::insert(membership::ActiveModel {
            alliance_id: Set(alliance.id),
            organization_id: Set(organization_id),
            role: Set(role),
            joined_on: Set(joined_on),
            left_on: Set(None),
            ..Default::default()
        })
        .exec_with_returning(txn)
        .await
        .map_err(|e| crate::domain::conflict_on_duplicate(e, DUPLICATE_MEMBER))?,
    };
    audit::record(
        txn,
        caller,
        audit::Entry {
            action: "admitMember",
            target_type: "Membership",
            target_id: NodeKey::Membership(saved.id).to_id().0,
            region_id: Some(alliance.region_id),
            changes: Some(json!({
                "alliance": alliance.code,
                "organization": NodeKey::Organization(organization_id).to_id().0,
                "role": role_name(role),
                "joinedOn": joined_on,
            })),
        },
    )
    .await?;
    Ok(saved)
}

fn role_name(role: MembershipRole) -> &'static str {
    match role {
        MembershipRole::Lead => "LEAD",
        MembershipRole::Member => "MEMBER",
    }
}

/// Loads a current membership and its alliance for a change by `caller`.
async fn current_for_change(
    txn: &DatabaseTransaction,
    caller: &Caller,
    membership_id: i32,
) -> AppResult<(membership::Model, alliance::Model)> {
    let (found, alliance) = membership::Entity::find_by_id(membership_id)
        .find_also_related(alliance::Entity)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("membership"))?;
    let alliance =
        alliance.ok_or_else(|| AppError::internal("a membership without its alliance"))?;
    policy::may_manage_membership(&caller.viewer, alliance.id)?;
    if found.left_on.is_some() {
        return Err(AppError::Conflict(
            "the organization has already left this alliance".to_owned(),
        ));
    }
    Ok((found, alliance))
}

/// Changes a current member's role.
pub async fn change_role(
    db: &DatabaseConnection,
    caller: &Caller,
    membership_id: i32,
    role: MembershipRole,
) -> AppResult<membership::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let (found, alliance) = current_for_change(&txn, caller, membership_id).await?;
    let before = found.role;
    let mut active: membership::ActiveModel = found.into();
    active.role = Set(role);
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "changeMemberRole",
            target_type: "Membership",
            target_id: NodeKey::Membership(saved.id).to_id().0,
            region_id: Some(alliance.region_id),
            changes: Some(json!({ "role": { "from": role_name(before), "to": role_name(role) } })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Ends a current membership (it stays in the record with its `leftOn` date).
pub async fn remove(
    db: &DatabaseConnection,
    caller: &Caller,
    membership_id: i32,
    left_on: Option<NaiveDate>,
) -> AppResult<membership::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let (found, alliance) = current_for_change(&txn, caller, membership_id).await?;
    let left_on = left_on.unwrap_or_else(|| Utc::now().date_naive());
    if left_on < found.joined_on {
        return Err(AppError::validation(
            "input.leftOn",
            "a member cannot leave before it joined",
        ));
    }
    let mut active: membership::ActiveModel = found.into();
    active.left_on = Set(Some(left_on));
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "removeMember",
            target_type: "Membership",
            target_id: NodeKey::Membership(saved.id).to_id().0,
            region_id: Some(alliance.region_id),
            changes: Some(json!({ "leftOn": left_on })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}
