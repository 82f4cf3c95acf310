//! GraphQL enums, mirrored from the entity enums they are stored as.

use async_graphql::Enum;

/// The kind of an organization.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::OrganizationKind")]
pub enum OrganizationKind {
    /// An enterprise (企业); may also be a self-assessment body.
    Enterprise,
    /// A public vocational college, technician college or university (院校).
    College,
    /// A training institution (培训机构), rated with credit stars.
    TrainingInstitution,
    /// A skill-level assessment body (评价机构).
    AssessmentBody,
    /// A government department, such as the HR bureau (人社部门).
    Government,
}

/// The role of an organization in an alliance.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::MembershipRole")]
pub enum MembershipRole {
    /// A lead organization (牵头单位).
    Lead,
    /// An ordinary member (成员单位).
    Member,
}

/// The leading industry of an alliance.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::Industry")]
pub enum Industry {
    /// Eyewear (眼镜).
    Eyewear,
    /// Marine engineering equipment (海工装备).
    MarineEngineeringEquipment,
    /// Digital skills (数字技能).
    DigitalSkills,
    /// Intelligent manufacturing and high-end equipment (智能制造).
    IntelligentManufacturing,
    /// New energy (新能源).
    NewEnergy,
    /// Elderly care and health services (养老服务).
    ElderlyCare,
    /// Culinary arts and catering (烹饪餐饮).
    Culinary,
    /// New materials (新材料).
    NewMaterials,
    /// Food processing (食品加工).
    FoodProcessing,
    /// Biomedicine and pharmaceuticals (生物医药).
    Biomedicine,
}

/// A skill level (技能等级), declared from lowest to highest: the "new eight-grade" ladder. A filter
/// for "a level or above" includes every later value.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::SkillLevel")]
pub enum SkillLevel {
    /// Apprentice (学徒工), below the five national levels.
    Apprentice,
    /// Level 5, elementary (初级工); certificate level digit 5.
    #[graphql(name = "LEVEL_5")]
    Level5,
    /// Level 4, intermediate (中级工); certificate level digit 4.
    #[graphql(name = "LEVEL_4")]
    Level4,
    /// Level 3, advanced (高级工); certificate level digit 3.
    #[graphql(name = "LEVEL_3")]
    Level3,
    /// Level 2, technician (技师); certificate level digit 2.
    #[graphql(name = "LEVEL_2")]
    Level2,
    /// Level 1, senior technician (高级技师); certificate level digit 1.
    #[graphql(name = "LEVEL_1")]
    Level1,
    /// Special technician (特级技师).
    SpecialTechnician,
    /// Chief technician (首席技师).
    ChiefTechnician,
}

/// The direction of an ordering.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDirection {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// A region's level in the division tree.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::RegionLevel")]
pub enum RegionLevel {
    /// A province, autonomous region or municipality (省级).
    Province,
    /// A prefecture-level city (地级), or a municipality's 市辖区.
    City,
    /// A county-level division (县级): a district, county, county-level city or statistical area.
    County,
}
