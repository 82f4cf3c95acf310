//! A sign-in: a token seen by its `jti`, whom it acts for, and whether it was revoked.

use sea_orm::entity::prelude::*;

/// A sign-in row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_ins")]
pub struct Model {
    /// The token's id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub jti: String,
    /// The token's subject.
    pub subject: String,
    /// The role it grants.
    pub role: String,
    /// The organization it acts for.
    pub organization_id: Option<i32>,
    /// The region of that organization (or the regulator's region).
    pub region_id: Option<i32>,
    /// When it was first used.
    pub first_seen_at: DateTimeUtc,
    /// When it expires.
    pub expires_at: DateTimeUtc,
    /// When it was revoked; `None` while it is good.
    pub revoked_at: Option<DateTimeUtc>,
    /// Who revoked it (a token subject).
    pub revoked_by: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

/// A sign-in has no relations the API walks.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
