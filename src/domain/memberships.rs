//! Memberships (联盟成员): which organizations belong to which alliances, and how.

use std::collections::HashMap;

use entity::{OrganizationKind, membership, organization};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppResult;

/// A current membership with the member's kind, so lists can be filtered by kind without
/// loading every organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The membership.
    pub membership: membership::Model,
    /// The kind of the member organization.
    pub kind: OrganizationKind,
}

/// The current members of each alliance, ordered by membership id, in one statement.
pub async fn by_alliance_ids(
    db: &DatabaseConnection,
    alliance_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<Member>>> {
    let rows = membership::Entity::find()
        .filter(membership::Column::AllianceId.is_in(alliance_ids.iter().copied()))
        .filter(membership::Column::LeftOn.is_null())
        .inner_join(organization::Entity)
        .select_also(organization::Entity)
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await?;
    let mut map: HashMap<i32, Vec<Member>> = HashMap::new();
    for (membership, organization) in rows {
        if let Some(org) = organization {
            map.entry(membership.alliance_id).or_default().push(Member {
                membership,
                kind: org.kind,
            });
        }
    }
    Ok(map)
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
