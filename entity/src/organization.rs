//! An organization (单位): enterprise, college, training institution, assessment body or government.

use sea_orm::entity::prelude::*;

use crate::OrganizationKind;

/// An organization row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Registered Chinese name.
    pub name: String,
    /// English name, where the organization has one.
    pub name_en: Option<String>,
    /// What kind of organization it is.
    pub kind: OrganizationKind,
    /// Unified social credit code (统一社会信用代码), 18 characters, validated before it is written.
    #[sea_orm(unique)]
    pub credit_code: String,
    /// The region the organization is located in.
    pub region_id: i32,
    /// The county-level region under its city where it is, when known (given, or read from the
    /// address where that is certain).
    pub county_id: Option<i32>,
    /// Postal address.
    pub address: Option<String>,
    /// Public website.
    pub website: Option<String>,
    /// A short public description.
    pub description: Option<String>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Credit stars, 1 to 5, set by the regulator (training institutions).
    pub credit_stars: Option<i16>,
    /// Standing in the subsidised catalogue (training institutions).
    pub catalogue_status: Option<crate::InstitutionStatus>,
    /// Why the standing was last changed.
    pub status_reason: Option<String>,
    /// A phone line or a person to ask for, given at registration; it may name a person, so it
    /// is shown to the organization's own users and its regulator only.
    pub contact: Option<String>,
    /// Who owns it (公办/民办), where the bureau recorded it.
    pub ownership: Option<crate::Ownership>,
    /// An enterprise above the designated size (规模以上企业, 规上).
    pub above_scale: bool,
    /// A specialized, refined, distinctive and innovative enterprise (专精特新).
    pub specialized: bool,
    /// A chain master (链主企业), which trains the enterprises of its chain.
    pub chain_master: bool,
    /// The chain master whose chain this enterprise belongs to.
    pub chain_master_id: Option<i32>,
    /// A college's type (技工院校, 高职, 中职, 本科).
    pub college_type: Option<crate::CollegeType>,
    /// An enterprise's registered training centre (企业培训中心, 技能学堂).
    pub training_centre: bool,
}

/// Relations of an organization.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The region it is located in.
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::RegionId",
        to = "super::region::Column::Id"
    )]
    Region,
    /// Its memberships in alliances.
    #[sea_orm(has_many = "super::membership::Entity")]
    Membership,
}

impl Related<super::region::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Region.def()
    }
}

impl Related<super::membership::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Membership.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
