//! An application to join an alliance (入盟申请): an organization asks with a note; the
//! alliance's administrator or the regulator of its region admits or rejects it with a reason.
//! Or an invitation: the alliance offers a role, and the invited organization accepts or
//! declines.

use sea_orm::entity::prelude::*;

use crate::{ApplicationStatus, MembershipRole};

/// An application row. At most one per alliance and organization is PENDING.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "membership_applications")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The alliance applied to.
    pub alliance_id: i32,
    /// The applying organization.
    pub organization_id: i32,
    /// What the organization says of itself and why it joins.
    pub note: String,
    /// PENDING, ADMITTED or REJECTED.
    pub status: ApplicationStatus,
    /// Why it was rejected (or a note on admission).
    pub reason: Option<String>,
    /// When it was decided.
    pub decided_at: Option<DateTimeUtc>,
    /// The subject of the token that decided it.
    pub decided_by: Option<String>,
    /// When it was made.
    pub created_at: DateTimeUtc,
    /// The role offered when the alliance invited the organization (its founding invites a lead
    /// of another region); `None` for the organization's own application. An invitation is
    /// decided by the invited organization.
    pub invited_as: Option<MembershipRole>,
}

/// Relations of an application.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The alliance.
    #[sea_orm(
        belongs_to = "super::alliance::Entity",
        from = "Column::AllianceId",
        to = "super::alliance::Column::Id"
    )]
    Alliance,
    /// The organization.
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id"
    )]
    Organization,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::alliance::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Alliance.def()
    }
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}
