//! Whom a token names: the organization, alliances, region and learner its claims point at,
//! read for [`crate::auth::viewer_from_claims`], which turns them into an actor. It names no
//! other domain module: the policy those modules call is built on what this one reads.

pub mod sign_ins;

use std::collections::BTreeSet;

use entity::{alliance, learner, organization, region};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::domain::kernel::codes::{AllianceCode, CreditCode, RegionCode};
use crate::error::AppResult;

/// How a token names its organization.
#[derive(Debug, Clone)]
pub enum OrganizationRef {
    /// By id (skillgraph's own tokens carry its global ID).
    Id(i32),
    /// By unified social credit code (an identity provider's tokens).
    CreditCode(CreditCode),
}

/// The organization a token names, if it exists.
pub async fn organization(
    db: &DatabaseConnection,
    reference: &OrganizationRef,
) -> AppResult<Option<organization::Model>> {
    let select = organization::Entity::find();
    let select = match reference {
        OrganizationRef::Id(id) => select.filter(organization::Column::Id.eq(*id)),
        OrganizationRef::CreditCode(code) => {
            select.filter(organization::Column::CreditCode.eq(code.as_str()))
        }
    };
    Ok(select.one(db).await?)
}

/// The ids of the alliances of `codes` that exist.
pub async fn alliances(
    db: &DatabaseConnection,
    codes: &[AllianceCode],
) -> AppResult<BTreeSet<i32>> {
    Ok(alliance::Entity::find()
        .select_only()
        .column(alliance::Column::Id)
        .filter(alliance::Column::Code.is_in(codes.iter().map(|c| c.as_str().to_owned())))
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The id of the region of `code`, if it exists.
pub async fn region(db: &DatabaseConnection, code: &RegionCode) -> AppResult<Option<i32>> {
    Ok(region::Entity::find()
        .select_only()
        .column(region::Column::Id)
        .filter(region::Column::Code.eq(code.as_str()))
        .into_tuple::<i32>()
        .one(db)
        .await?)
}

/// Whether the learner of `id` exists.
pub async fn learner_exists(db: &DatabaseConnection, id: i32) -> AppResult<bool> {
    Ok(learner::Entity::find_by_id(id)
        .select_only()
        .column(learner::Column::Id)
        .into_tuple::<i32>()
        .one(db)
        .await?
        .is_some())
}
