//! A contact of the "1131" employment service (政策宣讲, 职业指导) with a learner.

use sea_orm::entity::prelude::*;

/// A service contact row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_contacts")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The learner served.
    pub learner_id: i32,
    /// A policy briefing or career guidance.
    pub kind: crate::ServiceContactKind,
    /// In person, by phone or online.
    pub channel: crate::ContactChannel,
    /// The day of the contact.
    pub contacted_on: Date,
    /// A note (personal data: erased with the person).
    pub note: String,
    /// The organization that made it (none for the bureau without a bureau organization).
    pub recorded_by_id: Option<i32>,
    /// When it was recorded.
    pub created_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
