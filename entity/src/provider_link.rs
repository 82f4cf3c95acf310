//! A provider's link to a learner: it registered the person, or re-registered them at its counter
//! by name and national ID number. A link lets the provider enrol the learner and, for a
//! configured time, read their full record (see `auth::policy`).

use sea_orm::entity::prelude::*;

/// A link row; one per learner and organization.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_links")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The learner.
    pub learner_id: i32,
    /// The provider or bureau.
    pub organization_id: i32,
    /// When the person was (last) registered there.
    pub linked_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
