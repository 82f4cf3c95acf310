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

/// The leading industry of an alliance from the closed list of the first release. Deprecated:
/// industries are data now (`Alliance.sector`, `industries`, `upsertIndustry`); OTHER stands for
/// every industry added since.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "IndustryCode")]
pub enum IndustryCode {
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
    /// An industry added since the closed list (read `Alliance.sector`).
    Other,
}

impl IndustryCode {
    /// The value of an industry's code: one of the closed list, or OTHER.
    pub fn of_code(code: &str) -> Self {
        use sea_orm::ActiveEnum;
        match entity::Industry::try_from_value(&code.to_owned()) {
            Ok(entity::Industry::Eyewear) => Self::Eyewear,
            Ok(entity::Industry::MarineEngineeringEquipment) => Self::MarineEngineeringEquipment,
            Ok(entity::Industry::DigitalSkills) => Self::DigitalSkills,
            Ok(entity::Industry::IntelligentManufacturing) => Self::IntelligentManufacturing,
            Ok(entity::Industry::NewEnergy) => Self::NewEnergy,
            Ok(entity::Industry::ElderlyCare) => Self::ElderlyCare,
            Ok(entity::Industry::Culinary) => Self::Culinary,
            Ok(entity::Industry::NewMaterials) => Self::NewMaterials,
            Ok(entity::Industry::FoodProcessing) => Self::FoodProcessing,
            Ok(entity::Industry::Biomedicine) => Self::Biomedicine,
            Err(_) => Self::Other,
        }
    }

    /// The industry code this value names (`EYEWEAR`); none for OTHER.
    pub fn code(self) -> Option<String> {
        use sea_orm::ActiveEnum;
        let known = match self {
            Self::Eyewear => entity::Industry::Eyewear,
            Self::MarineEngineeringEquipment => entity::Industry::MarineEngineeringEquipment,
            Self::DigitalSkills => entity::Industry::DigitalSkills,
            Self::IntelligentManufacturing => entity::Industry::IntelligentManufacturing,
            Self::NewEnergy => entity::Industry::NewEnergy,
            Self::ElderlyCare => entity::Industry::ElderlyCare,
            Self::Culinary => entity::Industry::Culinary,
            Self::NewMaterials => entity::Industry::NewMaterials,
            Self::FoodProcessing => entity::Industry::FoodProcessing,
            Self::Biomedicine => entity::Industry::Biomedicine,
            Self::Other => return None,
        };
        Some(known.to_value())
    }
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

/// Who owns an organization (所有制).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::Ownership")]
pub enum Ownership {
    /// Public (公办, 国有).
    Public,
    /// Private (民办, 民营).
    Private,
}

/// The type of a college (院校类型).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::CollegeType")]
pub enum CollegeType {
    /// A technician college or technical school (技工院校).
    Technician,
    /// A higher vocational college (高职).
    HigherVocational,
    /// A secondary vocational school (中职).
    SecondaryVocational,
    /// An undergraduate university (本科).
    Undergraduate,
}

/// Whom an organization trains as a provider (see `Organization.trains`).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::auth::Reach")]
pub enum TrainingReach {
    /// Anyone: a college, a training institution, an enterprise with a registered training
    /// centre. Such a provider forms cohorts, publishes resources, takes training orders and
    /// claims subsidies.
    Anyone,
    /// The employees of its industrial chain: a chain master (链主企业) without a training
    /// centre, whose cohorts train for itself or an enterprise of its chain. It takes no
    /// training orders.
    Chain,
}

/// What kind of programme a region runs.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::ProgrammeKind")]
pub enum ProgrammeKind {
    /// A special programme (专项) of a larger action.
    Special,
    /// An action (行动), usually over several years.
    Action,
    /// A project or "engineering" programme (工程).
    Project,
    /// A plan (计划).
    Plan,
}

/// How a cohort trains (培训模式).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::TrainingMode")]
pub enum TrainingMode {
    /// Broad basic training for everyone in a group (扫盲式).
    Literacy,
    /// Trained to an employer's order (订单式).
    Order,
    /// Trained for a known post (定岗式).
    Post,
    /// Trained for a named employer or sector (定向式).
    Directed,
    /// Project-based, bought by the bureau (项目制).
    Project,
    /// A package of courses the learner chooses from (套餐制).
    Package,
}

/// What a cohort trains for, in the learner's working life.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::TrainingPurpose")]
pub enum TrainingPurpose {
    /// Before taking up a job (岗前).
    PreJob,
    /// Changing to another post (转岗).
    Transfer,
    /// In post (在岗).
    InPost,
    /// Raising the skill level (提升).
    Upgrade,
}

/// A figure the bureau sets targets and quotas for. Counts are person-times or certificates;
/// rates are in basis points (4500 = 45 %).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::Indicator")]
pub enum Indicator {
    /// Training volume in person-times (培训人次): enrolments in cohorts that started.
    TrainedPersonTimes,
    /// Subsidised training in person-times (补贴性培训人次).
    SubsidisedPersonTimes,
    /// Completions (结业人次).
    Completions,
    /// Certificates issued (取证人次), every level.
    Certificates,
    /// Certificates at senior worker (高级工, level 3) and above.
    SeniorCertificates,
    /// Certificates at technician (技师, level 2) and above.
    TechnicianCertificates,
    /// Certificates in digital occupations (数字技能人才).
    DigitalCertificates,
    /// Placement after training, in basis points (就业率).
    PlacementRate,
    /// Employment or self-employment after training, in basis points (就业创业率).
    EmploymentOrBusinessRate,
    /// Retention, in basis points (稳岗率): of the completers employed at month 3, those with the
    /// same employer at month 6.
    RetentionRate,
    /// Self-employment or a business started after training, in basis points (自主创业率).
    SelfEmploymentRate,
    /// Jobs created by the businesses completers started (创业带动就业), as recorded at month 6.
    JobsCreated,
    /// Stable employment, in basis points (稳定就业率): of the completers, those working (in any
    /// way) at both their month-3 and month-6 follow-ups.
    StableEmploymentRate,
    /// In-post retention, in basis points (在岗培训稳岗率): of the completers of IN_POST and
    /// UPGRADE cohorts trained for an enterprise, those employed by that enterprise at month 6.
    InPostRetentionRate,
    /// Skills competitions held (职业技能竞赛场次): those whose last day falls in the period and
    /// whose results are published, held in the region; enterprises' own contests left out.
    CompetitionsHeld,
    /// City competitions of class 1 held (市级一类职业技能竞赛场次), counted as COMPETITIONS_HELD.
    #[graphql(name = "CITY_CLASS1_COMPETITIONS_HELD")]
    CityClass1CompetitionsHeld,
}
