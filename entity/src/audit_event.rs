//! One entry of the append-only audit trail: who did what to which record, and when.

use sea_orm::entity::prelude::*;

/// An audit event row. Rows are only ever inserted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    /// Surrogate key, increasing with time.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// When it happened.
    pub occurred_at: DateTimeUtc,
    /// The token subject that acted (`anonymous` for none).
    pub actor: String,
    /// The role the actor acted in.
    pub role: String,
    /// The organization the actor acted for.
    pub organization_id: Option<i32>,
    /// The region the target belongs to, so a regulator sees its region's events.
    pub region_id: Option<i32>,
    /// What was done (`admitMember`, `readLearnerPersonalData`, ...).
    pub action: String,
    /// The type of the record acted on.
    pub target_type: String,
    /// The global ID of the record acted on.
    pub target_id: String,
    /// For mutations, the changed fields as JSON, personal data masked.
    pub changes: Option<String>,
    /// The request that did it.
    pub request_id: Option<String>,
}

/// Audit events have no relations: they must outlive what they name.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
