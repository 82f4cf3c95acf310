//! A subject signed out everywhere: every token of it issued at or before `revoked_before` is
//! refused, seen or not.

use sea_orm::entity::prelude::*;

/// A revocation row; one per subject (a later revocation moves the moment on).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subject_revocations")]
pub struct Model {
    /// The tokens' subject.
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject: String,
    /// Tokens issued (`iat`) at or before this moment are refused.
    pub revoked_before: DateTimeUtc,
    /// Who revoked (a token subject, or `cli`).
    pub revoked_by: String,
    /// Why.
    pub reason: String,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
