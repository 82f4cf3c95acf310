use sea_orm::entity::prelude::*;

/// The kind of an organization in an alliance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum OrganizationKind {
    /// An enterprise (企业); may also be a self-assessment body.
    #[sea_orm(string_value = "ENTERPRISE")]
    Enterprise,
    /// A public vocational college, technician college or university (院校).
    #[sea_orm(string_value = "COLLEGE")]
    College,
    /// A private or public training institution (培训机构), credit-star rated.
    #[sea_orm(string_value = "TRAINING_INSTITUTION")]
    TrainingInstitution,
    /// A skill-level assessment body (评价机构).
    #[sea_orm(string_value = "ASSESSMENT_BODY")]
    AssessmentBody,
    /// A government department, such as the HR bureau (人社部门).
    #[sea_orm(string_value = "GOVERNMENT")]
    Government,
}

/// The role of an organization in an alliance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum MembershipRole {
    /// A lead organization (牵头单位).
    #[sea_orm(string_value = "LEAD")]
    Lead,
    /// An ordinary member (成员单位).
    #[sea_orm(string_value = "MEMBER")]
    Member,
}

/// Where an application to join an alliance stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum ApplicationStatus {
    /// Waiting for the alliance's decision.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Admitted: the organization is a member.
    #[sea_orm(string_value = "ADMITTED")]
    Admitted,
    /// Rejected, with a reason.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

/// The leading industry an alliance serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum Industry {
    /// Eyewear (眼镜).
    #[sea_orm(string_value = "EYEWEAR")]
    Eyewear,
    /// Marine engineering equipment (海工装备).
    #[sea_orm(string_value = "MARINE_ENGINEERING_EQUIPMENT")]
    MarineEngineeringEquipment,
    /// Digital skills (数字技能).
    #[sea_orm(string_value = "DIGITAL_SKILLS")]
    DigitalSkills,
    /// Intelligent manufacturing and high-end equipment (智能制造).
    #[sea_orm(string_value = "INTELLIGENT_MANUFACTURING")]
    IntelligentManufacturing,
    /// New energy (新能源).
    #[sea_orm(string_value = "NEW_ENERGY")]
    NewEnergy,
    /// Elderly care and health services (养老服务).
    #[sea_orm(string_value = "ELDERLY_CARE")]
    ElderlyCare,
    /// Culinary arts and catering (烹饪餐饮).
    #[sea_orm(string_value = "CULINARY")]
    Culinary,
    /// New materials (新材料).
    #[sea_orm(string_value = "NEW_MATERIALS")]
    NewMaterials,
    /// Food processing (食品加工).
    #[sea_orm(string_value = "FOOD_PROCESSING")]
    FoodProcessing,
    /// Biomedicine and pharmaceuticals (生物医药).
    #[sea_orm(string_value = "BIOMEDICINE")]
    Biomedicine,
}

/// A skill level (技能等级), stored as its rank so that "at or above a level" is a numeric comparison.
///
/// The ranks follow the "new eight-grade" ladder: apprentice below the five national levels, then the
/// special and chief technicians above them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "i16", db_type = "SmallInteger")]
pub enum SkillLevel {
    /// Apprentice (学徒工).
    #[sea_orm(num_value = 1)]
    Apprentice,
    /// Level 5, elementary (初级工).
    #[sea_orm(num_value = 2)]
    Level5,
    /// Level 4, intermediate (中级工).
    #[sea_orm(num_value = 3)]
    Level4,
    /// Level 3, advanced (高级工).
    #[sea_orm(num_value = 4)]
    Level3,
    /// Level 2, technician (技师).
    #[sea_orm(num_value = 5)]
    Level2,
    /// Level 1, senior technician (高级技师).
    #[sea_orm(num_value = 6)]
    Level1,
    /// Special technician (特级技师).
    #[sea_orm(num_value = 7)]
    SpecialTechnician,
    /// Chief technician (首席技师).
    #[sea_orm(num_value = 8)]
    ChiefTechnician,
}

/// The employment-support group a learner belongs to (重点群体).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum TargetGroup {
    /// A college graduate (高校毕业生).
    #[sea_orm(string_value = "GRADUATE")]
    Graduate,
    /// A rural migrant worker (农民工).
    #[sea_orm(string_value = "RURAL_MIGRANT_WORKER")]
    RuralMigrantWorker,
    /// Unemployed (失业人员).
    #[sea_orm(string_value = "UNEMPLOYED")]
    Unemployed,
    /// A veteran (退役军人).
    #[sea_orm(string_value = "VETERAN")]
    Veteran,
    /// A person with a disability (残疾人).
    #[sea_orm(string_value = "DISABLED")]
    Disabled,
    /// Anyone else.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// What a demand asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DemandKind {
    /// A job opening.
    #[sea_orm(string_value = "JOB")]
    Job,
    /// An apprenticeship place (新型学徒制).
    #[sea_orm(string_value = "APPRENTICESHIP")]
    Apprenticeship,
}

/// Where a demand is in its life: DRAFT → OPEN → FILLED or CLOSED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum DemandStatus {
    /// Being written; only its enterprise sees it.
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    /// Published.
    #[sea_orm(string_value = "OPEN")]
    Open,
    /// Every place was filled.
    #[sea_orm(string_value = "FILLED")]
    Filled,
    /// Withdrawn, with a reason.
    #[sea_orm(string_value = "CLOSED")]
    Closed,
    /// OPEN but past its `valid_until`: derived when read, never stored. It leaves every public
    /// list and takes no recommendation.
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
}

impl DemandStatus {
    /// The status as of `today`: an OPEN demand past its last day is EXPIRED.
    pub fn as_of(self, valid_until: chrono::NaiveDate, today: chrono::NaiveDate) -> Self {
        if self == Self::Open && valid_until < today {
            Self::Expired
        } else {
            self
        }
    }
}

/// The kinds of cohort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum CohortKind {
    /// Enterprise new-type apprenticeship (企业新型学徒制): labour contract of a year or more,
    /// at most three years of training.
    #[sea_orm(string_value = "NEW_APPRENTICESHIP")]
    NewApprenticeship,
    /// Order class (订单班): trained for an enterprise's order.
    #[sea_orm(string_value = "ORDER_CLASS")]
    OrderClass,
    /// Named class (冠名班): named after the enterprise that sponsors it.
    #[sea_orm(string_value = "NAMED_CLASS")]
    NamedClass,
    /// Project-based training (项目制培训).
    #[sea_orm(string_value = "PROJECT_TRAINING")]
    ProjectTraining,
}

/// Where a cohort is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum CohortStatus {
    /// Enrolling, not started.
    #[sea_orm(string_value = "PLANNED")]
    Planned,
    /// Training.
    #[sea_orm(string_value = "RUNNING")]
    Running,
    /// Done.
    #[sea_orm(string_value = "FINISHED")]
    Finished,
    /// Called off.
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

/// Where an enrolment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum EnrollmentStatus {
    /// Training.
    #[sea_orm(string_value = "ENROLLED")]
    Enrolled,
    /// Finished the training.
    #[sea_orm(string_value = "COMPLETED")]
    Completed,
    /// Left before the end.
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
}

/// A training institution's standing in the subsidised catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum InstitutionStatus {
    /// Admitted: may publish and train.
    #[sea_orm(string_value = "ADMITTED")]
    Admitted,
    /// Suspended: may neither publish nor be chosen as a provider.
    #[sea_orm(string_value = "SUSPENDED")]
    Suspended,
    /// Removed from the catalogue.
    #[sea_orm(string_value = "EXITED")]
    Exited,
}

/// What an open resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ResourceKind {
    /// A course.
    #[sea_orm(string_value = "COURSE")]
    Course,
    /// A training base (实训基地).
    #[sea_orm(string_value = "TRAINING_BASE")]
    TrainingBase,
    /// A pool of teachers.
    #[sea_orm(string_value = "TEACHER_POOL")]
    TeacherPool,
    /// Equipment.
    #[sea_orm(string_value = "EQUIPMENT")]
    Equipment,
    /// An online course.
    #[sea_orm(string_value = "ONLINE_COURSE")]
    OnlineCourse,
}

/// When a resource is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum Schedule {
    /// Working hours.
    #[sea_orm(string_value = "DAYTIME")]
    Daytime,
    /// Evening, "skills night school" (技能夜校).
    #[sea_orm(string_value = "EVENING")]
    Evening,
    /// Weekends.
    #[sea_orm(string_value = "WEEKEND")]
    Weekend,
    /// Online.
    #[sea_orm(string_value = "ONLINE")]
    Online,
    /// By arrangement.
    #[sea_orm(string_value = "FLEXIBLE")]
    Flexible,
}

/// How a resource is funded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum FundingMode {
    /// Government purchase (政府购买).
    #[sea_orm(string_value = "GOVERNMENT_PURCHASE")]
    GovernmentPurchase,
    /// Market cooperation (市场合作).
    #[sea_orm(string_value = "MARKET_COOPERATION")]
    MarketCooperation,
    /// Public-good sharing (公益共享).
    #[sea_orm(string_value = "PUBLIC_GOOD")]
    PublicGood,
}

/// Where an item of a published list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum ResourceStatus {
    /// In the provider's current list.
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
    /// Replaced by a later version of the list.
    #[sea_orm(string_value = "SUPERSEDED")]
    Superseded,
    /// Taken off the list by the provider.
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
}

/// A catalogue item's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum CatalogueCategory {
    /// Occupational qualification (职业资格).
    #[sea_orm(string_value = "OCCUPATIONAL_QUALIFICATION")]
    OccupationalQualification,
    /// Skill-level certificate (职业技能等级证书).
    #[sea_orm(string_value = "SKILL_LEVEL_CERTIFICATE")]
    SkillLevelCertificate,
    /// Special ability (专项职业能力).
    #[sea_orm(string_value = "SPECIAL_ABILITY")]
    SpecialAbility,
}

/// A catalogue item's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CatalogueItemStatus {
    /// Subsidised.
    #[sea_orm(string_value = "LISTED")]
    Listed,
    /// Being reviewed (placement rate below target, say).
    #[sea_orm(string_value = "UNDER_REVIEW")]
    UnderReview,
    /// No longer subsidised.
    #[sea_orm(string_value = "REMOVED")]
    Removed,
}

/// The subsidy a training plan draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum SubsidyType {
    /// Employment-skills training (就业技能培训).
    #[sea_orm(string_value = "EMPLOYMENT_SKILLS")]
    EmploymentSkills,
    /// On-the-job skill upgrading (岗位技能提升培训).
    #[sea_orm(string_value = "SKILL_UPGRADE")]
    SkillUpgrade,
    /// New-type apprenticeship (新型学徒制).
    #[sea_orm(string_value = "NEW_APPRENTICESHIP")]
    NewApprenticeship,
    /// Entrepreneurship training (创业培训).
    #[sea_orm(string_value = "ENTREPRENEURSHIP")]
    Entrepreneurship,
}

/// The two types of assessment body, with the letter certificate numbers start with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum BodyType {
    /// An employer evaluating its own employees (Y).
    #[sea_orm(string_value = "EMPLOYER")]
    Employer,
    /// A social training-evaluation organization (S).
    #[sea_orm(string_value = "SOCIAL")]
    Social,
}

/// An assessment body's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum BodyStatus {
    /// May schedule sessions and issue certificates.
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// Temporarily may not.
    #[sea_orm(string_value = "SUSPENDED")]
    Suspended,
    /// No longer an assessment body.
    #[sea_orm(string_value = "REVOKED")]
    Revoked,
}

/// Where an assessment session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum SessionStatus {
    /// Taking registrations.
    #[sea_orm(string_value = "SCHEDULED")]
    Scheduled,
    /// Held; results being recorded.
    #[sea_orm(string_value = "HELD")]
    Held,
    /// Results published; certificates issued.
    #[sea_orm(string_value = "RESULTS_PUBLISHED")]
    ResultsPublished,
    /// Called off.
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

/// A certificate's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum CertificateStatus {
    /// Valid.
    #[sea_orm(string_value = "VALID")]
    Valid,
    /// Revoked, with a reason.
    #[sea_orm(string_value = "REVOKED")]
    Revoked,
}

/// How a certificate's level was reached (评价方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum CertificateRoute {
    /// An exam session of an assessment body (考试).
    #[sea_orm(string_value = "EXAM")]
    Exam,
    /// An employer body assessing its own employees at work (车间+考场).
    #[sea_orm(string_value = "WORKPLACE")]
    Workplace,
    /// Direct recognition (直接认定), proposed by an employer body and approved by the region's
    /// regulator.
    #[sea_orm(string_value = "DIRECT")]
    Direct,
    /// A competition result whose rules grant the level (以赛代评).
    #[sea_orm(string_value = "COMPETITION")]
    Competition,
}

/// The level of a skills competition (职业技能竞赛).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CompetitionLevel {
    /// A national competition (全国职业技能大赛).
    #[sea_orm(string_value = "NATIONAL")]
    National,
    /// A provincial competition.
    #[sea_orm(string_value = "PROVINCIAL")]
    Provincial,
    /// A city competition of class 1 (市级一类).
    #[sea_orm(string_value = "CITY_CLASS1")]
    CityClass1,
    /// A city competition of class 2 (市级二类).
    #[sea_orm(string_value = "CITY_CLASS2")]
    CityClass2,
    /// An industry competition (行业).
    #[sea_orm(string_value = "INDUSTRY")]
    Industry,
    /// An alliance's competition.
    #[sea_orm(string_value = "ALLIANCE")]
    Alliance,
    /// An enterprise's own contest among its employees (岗位练兵、技术比武).
    #[sea_orm(string_value = "ENTERPRISE")]
    Enterprise,
}

/// Where a competition stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum CompetitionStatus {
    /// Announced; entrants are taken.
    #[sea_orm(string_value = "SCHEDULED")]
    Scheduled,
    /// Its results are published (and the promotions its rules grant issued).
    #[sea_orm(string_value = "RESULTS_PUBLISHED")]
    ResultsPublished,
}

/// An award at a competition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum CompetitionAward {
    /// Gold, first prize (金牌、一等奖).
    #[sea_orm(string_value = "GOLD")]
    Gold,
    /// Silver, second prize (银牌、二等奖).
    #[sea_orm(string_value = "SILVER")]
    Silver,
    /// Bronze, third prize (铜牌、三等奖).
    #[sea_orm(string_value = "BRONZE")]
    Bronze,
    /// Excellence (优胜奖).
    #[sea_orm(string_value = "EXCELLENCE")]
    Excellence,
}

/// Where a direct recognition (直接认定) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum RecognitionStatus {
    /// Proposed by the employer body; the regulator decides.
    #[sea_orm(string_value = "PROPOSED")]
    Proposed,
    /// Approved: the certificate is issued.
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    /// Rejected, with a reason.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

/// Who confers an honour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum HonourLevel {
    /// The state (全国技术能手, 中华技能大奖).
    #[sea_orm(string_value = "NATIONAL")]
    National,
    /// A province (江苏大工匠, 江苏工匠).
    #[sea_orm(string_value = "PROVINCIAL")]
    Provincial,
    /// A city (大连工匠, 金山英才).
    #[sea_orm(string_value = "CITY")]
    City,
    /// An industry body.
    #[sea_orm(string_value = "INDUSTRY")]
    Industry,
    /// An enterprise (首席员工).
    #[sea_orm(string_value = "ENTERPRISE")]
    Enterprise,
}

/// Where a training intention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum IntentionStatus {
    /// Waiting for training.
    #[sea_orm(string_value = "OPEN")]
    Open,
    /// Enrolled somewhere.
    #[sea_orm(string_value = "MATCHED")]
    Matched,
    /// Part of a dispatched order.
    #[sea_orm(string_value = "DISPATCHED")]
    Dispatched,
    /// Withdrawn by the learner.
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
    /// Open too long.
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
}

/// Where a training order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum OrderStatus {
    /// Sent to the provider.
    #[sea_orm(string_value = "DISPATCHED")]
    Dispatched,
    /// Taken: a cohort was opened.
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    /// Refused, with a reason.
    #[sea_orm(string_value = "DECLINED")]
    Declined,
    /// Not answered by the deadline.
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
}

/// Where a job recommendation (荐岗) is: SENT → VIEWED → APPLIED → INTERVIEWED → HIRED, or DECLINED
/// from any open step. The order of the variants is the order of the steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum RecommendationOutcome {
    /// Sent to the learner.
    #[sea_orm(string_value = "SENT")]
    Sent,
    /// The learner has seen it.
    #[sea_orm(string_value = "VIEWED")]
    Viewed,
    /// The learner applied.
    #[sea_orm(string_value = "APPLIED")]
    Applied,
    /// The employer interviewed the learner.
    #[sea_orm(string_value = "INTERVIEWED")]
    Interviewed,
    /// The employer hired the learner; a place of the demand is filled.
    #[sea_orm(string_value = "HIRED")]
    Hired,
    /// Declined by the learner or the employer, with a reason.
    #[sea_orm(string_value = "DECLINED")]
    Declined,
}

/// A monthly wage band (CNY) recorded at a follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum WageBand {
    /// Below 3,000.
    #[sea_orm(string_value = "UNDER_3000")]
    Under3000,
    /// 3,000 to 4,999.
    #[sea_orm(string_value = "FROM_3000_TO_4999")]
    From3000To4999,
    /// 5,000 to 7,999.
    #[sea_orm(string_value = "FROM_5000_TO_7999")]
    From5000To7999,
    /// 8,000 to 11,999.
    #[sea_orm(string_value = "FROM_8000_TO_11999")]
    From8000To11999,
    /// 12,000 or more.
    #[sea_orm(string_value = "FROM_12000")]
    From12000,
}

/// What a learner asks about their own personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum DataRequestKind {
    /// Correct the name or the phone number.
    #[sea_orm(string_value = "CORRECTION")]
    Correction,
    /// Erase the personal data.
    #[sea_orm(string_value = "ERASURE")]
    Erasure,
}

/// Where a learner's request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum DataRequestStatus {
    /// Waiting for a decision.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Approved and carried out.
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    /// Rejected, with a reason.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

/// A personal field a learner may ask to have corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum PersonalField {
    /// The real name.
    #[sea_orm(string_value = "NAME")]
    Name,
    /// The mobile number.
    #[sea_orm(string_value = "PHONE")]
    Phone,
}

/// How an attendance came into the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum AttendanceSource {
    /// Recorded through the API by the provider.
    #[sea_orm(string_value = "RECORDED")]
    Recorded,
    /// Imported from the provider's attendance export.
    #[sea_orm(string_value = "IMPORTED")]
    Imported,
}

/// What a subsidy claim line must show beyond the real-name attendance of a completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum ClaimEvidence {
    /// The completion with its attendance record alone.
    #[sea_orm(string_value = "COMPLETION")]
    Completion,
    /// A valid certificate of the occupation and level, issued since the training began.
    #[sea_orm(string_value = "CERTIFICATE")]
    Certificate,
    /// Employment at the month-3 follow-up.
    #[sea_orm(string_value = "EMPLOYMENT")]
    Employment,
}

/// Where a subsidy claim stands, from its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum ClaimStatus {
    /// Some line waits for the regulator's decision.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Every line is decided; some approved line is not paid yet.
    #[sea_orm(string_value = "DECIDED")]
    Decided,
    /// Every approved line is paid (or none was approved).
    #[sea_orm(string_value = "SETTLED")]
    Settled,
}

/// Where a claim line stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum ClaimLineStatus {
    /// Waiting for the regulator.
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Approved, to be paid.
    #[sea_orm(string_value = "APPROVED")]
    Approved,
    /// Rejected, with a reason.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    /// Paid, with the payment's reference.
    #[sea_orm(string_value = "PAID")]
    Paid,
}

/// Where an institution evaluation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum EvaluationStatus {
    /// Scored, waiting for the regulator to confirm the standing.
    #[sea_orm(string_value = "PROPOSED")]
    Proposed,
    /// Confirmed: its stars and standing are the institution's.
    #[sea_orm(string_value = "CONFIRMED")]
    Confirmed,
    /// Replaced by a later evaluation before it was confirmed.
    #[sea_orm(string_value = "SUPERSEDED")]
    Superseded,
}

/// A region's level in the division tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
pub enum RegionLevel {
    /// A province, autonomous region or municipality (省级).
    #[sea_orm(string_value = "PROVINCE")]
    Province,
    /// A prefecture-level city (地级), or a municipality's 市辖区 row.
    #[sea_orm(string_value = "CITY")]
    City,
    /// A county-level division (县级): a district, county, county-level city or statistical area.
    #[sea_orm(string_value = "COUNTY")]
    County,
}

/// Who owns an organization (所有制).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum Ownership {
    /// Public (公办, 国有): founded or owned by the state.
    #[sea_orm(string_value = "PUBLIC")]
    Public,
    /// Private (民办, 民营).
    #[sea_orm(string_value = "PRIVATE")]
    Private,
}

/// The type of a college (院校类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum CollegeType {
    /// A technician college or technical school (技工院校: 技师学院, 高级技工学校, 技工学校).
    #[sea_orm(string_value = "TECHNICIAN")]
    Technician,
    /// A higher vocational college (高职).
    #[sea_orm(string_value = "HIGHER_VOCATIONAL")]
    HigherVocational,
    /// A secondary vocational school (中职).
    #[sea_orm(string_value = "SECONDARY_VOCATIONAL")]
    SecondaryVocational,
    /// An undergraduate university (本科).
    #[sea_orm(string_value = "UNDERGRADUATE")]
    Undergraduate,
}

/// What kind of programme a region runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum ProgrammeKind {
    /// A special programme (专项) of a larger action.
    #[sea_orm(string_value = "SPECIAL")]
    Special,
    /// An action (行动), usually over several years.
    #[sea_orm(string_value = "ACTION")]
    Action,
    /// A project or "engineering" programme (工程).
    #[sea_orm(string_value = "PROJECT")]
    Project,
    /// A plan (计划).
    #[sea_orm(string_value = "PLAN")]
    Plan,
}

/// How a cohort trains (培训模式), as the cities' plans name the modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum TrainingMode {
    /// Broad basic training for everyone in a group (扫盲式).
    #[sea_orm(string_value = "LITERACY")]
    Literacy,
    /// Trained to an employer's order (订单式).
    #[sea_orm(string_value = "ORDER")]
    Order,
    /// Trained for a known post (定岗式).
    #[sea_orm(string_value = "POST")]
    Post,
    /// Trained for a named employer or sector (定向式).
    #[sea_orm(string_value = "DIRECTED")]
    Directed,
    /// Project-based, bought by the bureau (项目制).
    #[sea_orm(string_value = "PROJECT")]
    Project,
    /// A package of courses the learner chooses from (套餐制).
    #[sea_orm(string_value = "PACKAGE")]
    Package,
}

/// What a cohort trains for, in the learner's working life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(12))")]
pub enum TrainingPurpose {
    /// Before taking up a job (岗前).
    #[sea_orm(string_value = "PRE_JOB")]
    PreJob,
    /// Changing to another post (转岗).
    #[sea_orm(string_value = "TRANSFER")]
    Transfer,
    /// In post (在岗).
    #[sea_orm(string_value = "IN_POST")]
    InPost,
    /// Raising the skill level (提升).
    #[sea_orm(string_value = "UPGRADE")]
    Upgrade,
}

/// A figure the bureau sets targets for and reports (see the programmes domain).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
pub enum Indicator {
    /// Training volume in person-times (培训人次): enrolments in cohorts that started.
    #[sea_orm(string_value = "TRAINED_PERSON_TIMES")]
    TrainedPersonTimes,
    /// Subsidised training in person-times (补贴性培训人次).
    #[sea_orm(string_value = "SUBSIDISED_PERSON_TIMES")]
    SubsidisedPersonTimes,
    /// Completions (结业人次).
    #[sea_orm(string_value = "COMPLETIONS")]
    Completions,
    /// Certificates issued (取证人次), every level.
    #[sea_orm(string_value = "CERTIFICATES")]
    Certificates,
    /// Certificates at senior worker (高级工, level 3) and above.
    #[sea_orm(string_value = "SENIOR_CERTIFICATES")]
    SeniorCertificates,
    /// Certificates at technician (技师, level 2) and above.
    #[sea_orm(string_value = "TECHNICIAN_CERTIFICATES")]
    TechnicianCertificates,
    /// Certificates in digital occupations (数字技能人才).
    #[sea_orm(string_value = "DIGITAL_CERTIFICATES")]
    DigitalCertificates,
    /// Placement after training, in basis points (就业率; 4500 = 45 %).
    #[sea_orm(string_value = "PLACEMENT_RATE")]
    PlacementRate,
    /// Employment or self-employment after training, in basis points (就业创业率).
    #[sea_orm(string_value = "EMPLOYMENT_OR_BUSINESS_RATE")]
    EmploymentOrBusinessRate,
    /// Retention, in basis points (稳岗率; 9000 = 90 %).
    #[sea_orm(string_value = "RETENTION_RATE")]
    RetentionRate,
    /// Self-employment or a business started after training, in basis points (自主创业率).
    #[sea_orm(string_value = "SELF_EMPLOYMENT_RATE")]
    SelfEmploymentRate,
    /// Jobs created by the businesses completers started (创业带动就业).
    #[sea_orm(string_value = "JOBS_CREATED")]
    JobsCreated,
    /// Stable employment, in basis points (稳定就业率): working at months 3 and 6.
    #[sea_orm(string_value = "STABLE_EMPLOYMENT_RATE")]
    StableEmploymentRate,
    /// In-post retention, in basis points (在岗培训稳岗率): employees trained in post for their
    /// employer, still with it at month 6.
    #[sea_orm(string_value = "IN_POST_RETENTION_RATE")]
    InPostRetentionRate,
    /// Skills competitions held (职业技能竞赛场次): results published, enterprises' own
    /// contests left out.
    #[sea_orm(string_value = "COMPETITIONS_HELD")]
    CompetitionsHeld,
    /// City competitions of class 1 held (市级一类职业技能竞赛场次).
    #[sea_orm(string_value = "CITY_CLASS1_COMPETITIONS_HELD")]
    CityClass1CompetitionsHeld,
}

/// What a completer was doing at a follow-up, as the cities count outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum FollowUpOutcome {
    /// Employed by an employer (就业).
    #[sea_orm(string_value = "EMPLOYED")]
    Employed,
    /// Self-employed, flexible employment included (自主就业、灵活就业).
    #[sea_orm(string_value = "SELF_EMPLOYED")]
    SelfEmployed,
    /// Started a business (创业), with the jobs it created.
    #[sea_orm(string_value = "BUSINESS_STARTED")]
    BusinessStarted,
    /// In further study (升学).
    #[sea_orm(string_value = "FURTHER_STUDY")]
    FurtherStudy,
    /// Not working.
    #[sea_orm(string_value = "NOT_WORKING")]
    NotWorking,
}

impl FollowUpOutcome {
    /// Whether the outcome is work of any kind (employment, self-employment, a business).
    pub fn works(self) -> bool {
        matches!(
            self,
            Self::Employed | Self::SelfEmployed | Self::BusinessStarted
        )
    }
}

/// A contact of the "1131" employment service besides job recommendations and training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum ServiceContactKind {
    /// A policy briefing (政策宣讲): the subsidies and services the person may use.
    #[sea_orm(string_value = "POLICY_BRIEFING")]
    PolicyBriefing,
    /// Career guidance (职业指导).
    #[sea_orm(string_value = "CAREER_GUIDANCE")]
    CareerGuidance,
}

/// How a service contact was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum ContactChannel {
    /// Face to face (at a service station, a job fair, a home visit).
    #[sea_orm(string_value = "IN_PERSON")]
    InPerson,
    /// By telephone.
    #[sea_orm(string_value = "PHONE")]
    Phone,
    /// Online (a message, a video call, a WeChat service account).
    #[sea_orm(string_value = "ONLINE")]
    Online,
}

/// The level of a named group of the occupational classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
pub enum OccupationGroupLevel {
    /// A 大类 (`6`), eight in all.
    #[sea_orm(string_value = "MAJOR")]
    Major,
    /// A 中类 (`6-18`), 79 in all.
    #[sea_orm(string_value = "MIDDLE")]
    Middle,
    /// A 小类 (`6-18-02`), 450 in all.
    #[sea_orm(string_value = "MINOR")]
    Minor,
}

/// What kind of object a search hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum SearchKind {
    /// A job or apprenticeship demand.
    #[sea_orm(string_value = "DEMAND")]
    Demand,
    /// An item of a provider's open-resource list.
    #[sea_orm(string_value = "OPEN_RESOURCE")]
    OpenResource,
    /// An organization.
    #[sea_orm(string_value = "ORGANIZATION")]
    Organization,
    /// An occupation of the classification.
    #[sea_orm(string_value = "OCCUPATION")]
    Occupation,
    /// A work type (工种).
    #[sea_orm(string_value = "WORK_TYPE")]
    WorkType,
    /// A special ability (专项职业能力).
    #[sea_orm(string_value = "SPECIAL_ABILITY")]
    SpecialAbility,
    /// An alliance.
    #[sea_orm(string_value = "ALLIANCE")]
    Alliance,
}
