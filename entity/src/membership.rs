//! A membership (联盟成员): an organization in an alliance, with its role and dates.

use sea_orm::entity::prelude::*;

use crate::MembershipRole;

/// A membership row. An organization holds at most one membership per alliance.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "memberships")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The alliance.
    pub alliance_id: i32,
    /// The member organization.
    pub organization_id: i32,
    /// LEAD or MEMBER.
    pub role: MembershipRole,
    /// The day the organization joined.
    pub joined_on: Date,
    /// The day it left; `None` while it is a member.
    pub left_on: Option<Date>,
}

/// Relations of a membership.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The alliance.
    #[sea_orm(
        belongs_to = "super::alliance::Entity",
        from = "Column::AllianceId",
        to = "super::alliance::Column::Id"
    )]
    Alliance,
    /// The member organization.
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id"
    )]
    Organization,
}

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

impl ActiveModelBehavior for ActiveModel {}
