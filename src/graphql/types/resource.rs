use crate::graphql::loaders::required;
use crate::graphql::scalars::{Date, DateTime};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{catalogue_item, open_resource, training_plan};

use super::{Location, Occupation, Organization, Region, SkillLevel, SortDirection};
use crate::{
    domain::kernel::input,
    domain::{
        kernel::geo::Near,
        training::{
            catalogue::{CatalogueFilter as DomainCatalogueFilter, PlanFilter as DomainPlanFilter},
            resources::{self, ItemInput, ResourceFilter as DomainFilter},
        },
    },
    error::{AppError, AppResult},
    graphql::{context::api, ids::NodeKey, types::demand::NearInput},
};

/// What an open resource is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::ResourceKind")]
pub enum ResourceKind {
    /// A course.
    Course,
    /// A training base (实训基地).
    TrainingBase,
    /// A pool of teachers.
    TeacherPool,
    /// Equipment.
    Equipment,
    /// An online course.
    OnlineCourse,
}

/// When a resource is offered.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::Schedule")]
pub enum Schedule {
    /// Working hours.
    Daytime,
    /// Evenings: the "skills night school" (技能夜校).
    Evening,
    /// Weekends.
    Weekend,
    /// Online.
    Online,
    /// By arrangement.
    Flexible,
}

/// How a resource is funded.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::FundingMode")]
pub enum FundingMode {
    /// Government purchase (政府购买).
    GovernmentPurchase,
    /// Market cooperation (市场合作).
    MarketCooperation,
    /// Public-good sharing (公益共享).
    PublicGood,
}

/// Where an item of a list is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::ResourceStatus")]
pub enum ResourceStatus {
    /// In the provider's current list.
    Published,
    /// Replaced by a later version of the list.
    Superseded,
    /// Taken off the list.
    Withdrawn,
}

/// A training institution's standing in the subsidised catalogue.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::InstitutionStatus")]
pub enum InstitutionStatus {
    /// May publish and train.
    Admitted,
    /// May neither publish nor be chosen as a provider.
    Suspended,
    /// Removed from the catalogue.
    Exited,
}

/// A catalogue item's category.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::CatalogueCategory")]
pub enum CatalogueCategory {
    /// Occupational qualification (职业资格).
    OccupationalQualification,
    /// Skill-level certificate (职业技能等级证书).
    SkillLevelCertificate,
    /// Special ability (专项职业能力).
    SpecialAbility,
}

/// A catalogue item's standing.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::CatalogueItemStatus")]
pub enum CatalogueItemStatus {
    /// Subsidised.
    Listed,
    /// Being reviewed.
    UnderReview,
    /// No longer subsidised.
    Removed,
}

/// The subsidy a training plan draws on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::SubsidyType")]
pub enum SubsidyType {
    /// Employment-skills training (就业技能培训).
    EmploymentSkills,
    /// On-the-job skill upgrading (岗位技能提升培训).
    SkillUpgrade,
    /// New-type apprenticeship (新型学徒制).
    NewApprenticeship,
    /// Entrepreneurship training (创业培训).
    Entrepreneurship,
}

/// An occupation and level a resource trains for.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct ResourceOccupation {
    /// The occupation code.
    pub code: String,
    /// The level.
    pub level: SkillLevel,
}

#[async_graphql::ComplexObject]
impl ResourceOccupation {
    /// The occupation.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Occupation>> {
        Ok(api(ctx)?
            .loaders
            .occupation
            .load_one(self.code.clone())
            .await?
            .map(Occupation))
    }
}

/// The GraphQL `OpenResource` type over its row.
pub struct OpenResource(pub open_resource::Model);

/// One item of a provider's published list of open training resources (培训资源开放清单).
#[Object]
impl OpenResource {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::OpenResource(self.0.id).to_id().into()
    }

    /// The provider: a college, a training institution or an enterprise that trains.
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        Ok(Organization(
            required(&api(ctx)?.loaders.organization, self.0.provider_id, || {
                AppError::internal("a resource without its provider")
            })
            .await?,
        ))
    }

    /// The version of the provider's list it belongs to.
    async fn list_version(&self) -> i32 {
        self.0.list_version
    }

    /// What it is.
    async fn kind(&self) -> ResourceKind {
        self.0.kind.into()
    }

    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The occupations and levels it trains for.
    async fn occupations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ResourceOccupation>> {
        let rows = api(ctx)?
            .loaders
            .resource_occupations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|r| ResourceOccupation {
                code: r.occupation_code,
                level: r.level.into(),
            })
            .collect())
    }

    /// When it is offered.
    async fn schedule(&self) -> Schedule {
        self.0.schedule.into()
    }

    /// Seats.
    async fn seats(&self) -> i32 {
        self.0.seats
    }

    /// Seats taken.
    async fn seats_taken(&self) -> i32 {
        self.0.seats_taken
    }

    /// Seats free.
    async fn free_seats(&self) -> i32 {
        self.0.seats - self.0.seats_taken
    }

    /// Fee, CNY (0 for free).
    async fn fee(&self) -> i32 {
        self.0.fee
    }

    /// How it is funded.
    async fn funding_mode(&self) -> FundingMode {
        self.0.funding_mode.into()
    }

    /// Whether training here may draw a subsidy.
    async fn subsidy_eligible(&self) -> bool {
        self.0.subsidy_eligible
    }

    /// The region of its address.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        self.place().load_region(ctx).await
    }

    /// Where.
    #[graphql(deprecation = "Use location.address.")]
    async fn address(&self) -> &str {
        &self.0.address
    }

    /// Latitude, WGS 84.
    #[graphql(deprecation = "Use location.latitude.")]
    async fn latitude(&self) -> Option<f64> {
        self.0.latitude
    }

    /// Longitude, WGS 84.
    #[graphql(deprecation = "Use location.longitude.")]
    async fn longitude(&self) -> Option<f64> {
        self.0.longitude
    }

    /// Kilometres from a point (null without coordinates), as `filter.near` measures.
    #[graphql(deprecation = "Use location.distanceKm.")]
    async fn distance_km(
        &self,
        #[graphql(desc = "Latitude of the point, WGS 84.")] latitude: f64,
        #[graphql(desc = "Longitude of the point, WGS 84.")] longitude: f64,
    ) -> async_graphql::Result<Option<f64>> {
        Ok(self.place().distance(latitude, longitude)?)
    }

    /// First day.
    async fn start_on(&self) -> Date {
        self.0.start_on.into()
    }

    /// Last day, if it ends.
    async fn end_on(&self) -> Option<Date> {
        self.0.end_on.map(Into::into)
    }

    /// Whom to contact.
    async fn contact(&self) -> &str {
        &self.0.contact
    }

    /// PUBLISHED, SUPERSEDED or WITHDRAWN.
    async fn status(&self) -> ResourceStatus {
        self.0.status.into()
    }

    /// The provider's credit stars (0 when unrated).
    async fn provider_stars(&self) -> i32 {
        i32::from(self.0.provider_stars)
    }

    /// When its list version was published.
    async fn published_at(&self) -> DateTime {
        self.0.published_at.into()
    }

    /// Where it is: region, address and point.
    async fn location(&self) -> Location {
        self.place()
    }
}

impl OpenResource {
    fn place(&self) -> Location {
        Location::of(&self.0)
    }
}

/// One item of a list to publish.
#[derive(InputObject, Debug)]
pub struct ResourceItemInput {
    /// What it is.
    pub kind: ResourceKind,
    /// Its title, 1 to 200 characters.
    pub title: String,
    /// The occupations and levels it trains for.
    pub occupations: Vec<ResourceOccupationInput>,
    /// When it is offered.
    pub schedule: Schedule,
    /// Seats, 1 to 10,000.
    pub seats: i32,
    /// Seats already taken.
    #[graphql(default)]
    pub seats_taken: i32,
    /// Fee, CNY (0 for free).
    pub fee: i32,
    /// How it is funded.
    pub funding_mode: FundingMode,
    /// Whether it may draw a subsidy.
    pub subsidy_eligible: bool,
    /// The region of the address (GB/T 2260 code): its city, or a county under it; a city with an
    /// address that names one of its counties gets that county.
    pub region: String,
    /// Where.
    pub address: String,
    /// Latitude, WGS 84.
    pub latitude: Option<f64>,
    /// Longitude, WGS 84.
    pub longitude: Option<f64>,
    /// First day.
    pub start_on: Date,
    /// Last day, if it ends.
    pub end_on: Option<Date>,
    /// Whom to contact.
    pub contact: String,
}

/// An occupation and level.
#[derive(InputObject, Debug)]
pub struct ResourceOccupationInput {
    /// The occupation code.
    pub code: String,
    /// The level.
    pub level: SkillLevel,
}

impl ResourceItemInput {
    /// The domain item; field errors come from `resources::publish`, which checks every item.
    pub fn into_domain(self) -> ItemInput {
        ItemInput {
            kind: self.kind.into(),
            title: self.title,
            occupations: self
                .occupations
                .into_iter()
                .map(|o| (o.code.trim().to_owned(), o.level.into()))
                .collect(),
            schedule: self.schedule.into(),
            seats: self.seats,
            seats_taken: self.seats_taken,
            fee: self.fee,
            funding_mode: self.funding_mode.into(),
            subsidy_eligible: self.subsidy_eligible,
            region: self.region,
            address: self.address,
            point: self.latitude.zip(self.longitude),
            start_on: self.start_on.into(),
            end_on: self.end_on.map(Into::into),
            contact: self.contact,
        }
    }
}

/// Which published resources to list; every field narrows.
#[derive(InputObject, Debug, Default)]
pub struct OpenResourceFilter {
    /// Offered by a current member of any of these alliances (codes).
    pub alliances: Option<Vec<String>>,
    /// At an address in this region or under it (a province, city or county code).
    pub region: Option<String>,
    /// Training for this occupation, or a group of it (`4-14`).
    pub occupation: Option<String>,
    /// Training for this level.
    pub level: Option<SkillLevel>,
    /// Of this kind.
    pub kind: Option<ResourceKind>,
    /// On any of these schedules.
    pub schedules: Option<Vec<Schedule>>,
    /// Subsidy-eligible (or not).
    pub subsidy_eligible: Option<bool>,
    /// Only those with a free seat.
    #[graphql(default)]
    pub free_seats_only: bool,
    /// Costing at most this, CNY.
    pub fee_at_most: Option<i32>,
    /// Within a radius of a point.
    pub near: Option<NearInput>,
    /// Matching this text: the title, the occupations, the provider's name or the address
    /// (Chinese by characters and words, pinyin, letters and digits by the start of a word).
    pub text: Option<String>,
}

impl OpenResourceFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<DomainFilter> {
        Ok(DomainFilter {
            alliances: input::listed("filter.alliances", self.alliances.as_deref())?,
            region: input::optional("filter.region", self.region.as_deref())?,
            occupation: input::optional("filter.occupation", self.occupation.as_deref())?,
            level: self.level.map(Into::into),
            kind: self.kind.map(Into::into),
            schedules: self
                .schedules
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            subsidy_eligible: self.subsidy_eligible,
            free_seats_only: self.free_seats_only,
            fee_at_most: self.fee_at_most,
            provider_id: None,
            near: self
                .near
                .map(|n| Near::parse("filter.near", n.latitude, n.longitude, n.radius_km))
                .transpose()?,
            text: self
                .text
                .map(|t| crate::domain::SearchText::parse("filter.text", &t))
                .transpose()?,
        })
    }
}

/// What published resources can be ordered by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(remote = "crate::domain::training::resources::ResourceOrderField")]
pub enum OpenResourceOrderField {
    /// First day.
    #[default]
    StartOn,
    /// Fee.
    Fee,
    /// The provider's credit stars (DESC for the best first).
    CreditStars,
    /// Distance from `filter.near` (needs it).
    Distance,
}

/// An ordering of published resources; ties are broken by ID.
#[derive(InputObject, Debug, Default)]
pub struct OpenResourceOrder {
    /// The field to order by.
    pub field: OpenResourceOrderField,
    /// Ascending unless told otherwise.
    #[graphql(default)]
    pub direction: SortDirection,
}

impl OpenResourceOrder {
    /// The domain ordering.
    pub fn into_domain(self) -> (resources::ResourceOrderField, bool) {
        (self.field.into(), self.direction == SortDirection::Desc)
    }
}

/// The GraphQL `CatalogueItem` type.
pub struct CatalogueItem(pub catalogue_item::Model);

/// An item of a region's subsidised-training catalogue (补贴目录).
#[Object]
impl CatalogueItem {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::CatalogueItem(self.0.id).to_id().into()
    }

    /// The region whose bureau keeps it.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        Ok(Region(
            required(&api(ctx)?.loaders.region, self.0.region_id, || {
                AppError::internal("a catalogue item without its region")
            })
            .await?,
        ))
    }

    /// The occupation.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Occupation> {
        Ok(Occupation(
            required(
                &api(ctx)?.loaders.occupation,
                self.0.occupation_code.clone(),
                || AppError::internal("a catalogue item without its occupation"),
            )
            .await?,
        ))
    }

    /// The level.
    async fn level(&self) -> SkillLevel {
        self.0.level.into()
    }

    /// The category.
    async fn category(&self) -> CatalogueCategory {
        self.0.category.into()
    }

    /// Subsidy per person, whole CNY (`subsidyFen` is exact).
    async fn subsidy_amount(&self) -> i32 {
        self.0.subsidy_amount
    }

    /// Subsidy per person, fen (1 CNY = 100 fen); claims are computed from it.
    async fn subsidy_fen(&self) -> crate::graphql::scalars::Fen {
        self.0.subsidy_fen.into()
    }

    /// What a claim line needs beyond the completion's attendance record.
    async fn evidence(&self) -> crate::graphql::types::ClaimEvidence {
        self.0.evidence.into()
    }

    /// A scarce occupation (紧缺职业).
    async fn scarce(&self) -> bool {
        self.0.scarce
    }

    /// The work type (工种) of the occupation it subsidises, when it names one.
    async fn work_type(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<super::WorkType>> {
        match self.0.work_type_id {
            Some(id) => Ok(crate::graphql::context::api(ctx)?
                .loaders
                .work_type
                .load_one(id)
                .await?
                .map(super::WorkType)),
            None => Ok(None),
        }
    }

    /// The special ability (专项职业能力) a SPECIAL_ABILITY item subsidises, when it names one.
    async fn special_ability(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::SpecialAbility>> {
        match self.0.special_ability_id {
            Some(id) => Ok(crate::graphql::context::api(ctx)?
                .loaders
                .special_ability
                .load_one(id)
                .await?
                .map(super::SpecialAbility)),
            None => Ok(None),
        }
    }

    /// The catalogue year.
    async fn year(&self) -> i32 {
        i32::from(self.0.year)
    }

    /// LISTED, UNDER_REVIEW or REMOVED.
    async fn status(&self) -> CatalogueItemStatus {
        self.0.status.into()
    }

    /// Why its status last changed.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
}

/// Which catalogue items to list.
#[derive(InputObject, Debug, Default)]
pub struct CatalogueItemFilter {
    /// Of the catalogues of this region or of the regions under it.
    pub region: Option<String>,
    /// Of this year.
    pub year: Option<i32>,
    /// For this occupation or group.
    pub occupation: Option<String>,
    /// For this level.
    pub level: Option<SkillLevel>,
    /// Of this category.
    pub category: Option<CatalogueCategory>,
    /// In any of these statuses (LISTED when left out).
    pub statuses: Option<Vec<CatalogueItemStatus>>,
    /// Scarce occupations only (or not).
    pub scarce: Option<bool>,
}

impl CatalogueItemFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<DomainCatalogueFilter> {
        Ok(DomainCatalogueFilter {
            region: input::optional("filter.region", self.region.as_deref())?,
            year: self
                .year
                .map(|y| input::narrow::<i16>("filter.year", y, "not a year"))
                .transpose()?,
            occupation: input::optional("filter.occupation", self.occupation.as_deref())?,
            level: self.level.map(Into::into),
            category: self.category.map(Into::into),
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            scarce: self.scarce,
        })
    }
}

/// The GraphQL `TrainingPlan` type.
pub struct TrainingPlan(pub training_plan::Model);

/// A provider's quarterly training plan (培训计划).
#[Object]
impl TrainingPlan {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::TrainingPlan(self.0.id).to_id().into()
    }

    /// The programme it belongs to, if any.
    async fn programme(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::Programme>> {
        super::programme::of(ctx, self.0.programme_id).await
    }

    /// The region it trains in.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        Ok(Region(
            required(&api(ctx)?.loaders.region, self.0.region_id, || {
                AppError::internal("a plan without its region")
            })
            .await?,
        ))
    }

    /// The year.
    async fn year(&self) -> i32 {
        i32::from(self.0.year)
    }

    /// The quarter, 1 to 4.
    async fn quarter(&self) -> i32 {
        i32::from(self.0.quarter)
    }

    /// The occupation.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Occupation> {
        Ok(Occupation(
            required(
                &api(ctx)?.loaders.occupation,
                self.0.occupation_code.clone(),
                || AppError::internal("a plan without its occupation"),
            )
            .await?,
        ))
    }

    /// The provider.
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        Ok(Organization(
            required(&api(ctx)?.loaders.organization, self.0.provider_id, || {
                AppError::internal("a plan without its provider")
            })
            .await?,
        ))
    }

    /// Classes planned.
    async fn planned_classes(&self) -> i32 {
        self.0.planned_classes
    }

    /// People planned.
    async fn planned_headcount(&self) -> i32 {
        self.0.planned_headcount
    }

    /// The subsidy it draws on.
    async fn subsidy_type(&self) -> SubsidyType {
        self.0.subsidy_type.into()
    }
}

/// Which plans to list.
#[derive(InputObject, Debug, Default)]
pub struct TrainingPlanFilter {
    /// In this region.
    pub region: Option<String>,
    /// Of this year.
    pub year: Option<i32>,
    /// Of this quarter.
    pub quarter: Option<i32>,
    /// For this occupation or group.
    pub occupation: Option<String>,
    /// By this provider.
    pub provider: Option<ID>,
}

impl TrainingPlanFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<DomainPlanFilter> {
        Ok(DomainPlanFilter {
            region: input::optional("filter.region", self.region.as_deref())?,
            year: self
                .year
                .map(|y| input::narrow::<i16>("filter.year", y, "not a year"))
                .transpose()?,
            quarter: self
                .quarter
                .map(|q| input::narrow::<i16>("filter.quarter", q, "1 to 4"))
                .transpose()?,
            occupation: input::optional("filter.occupation", self.occupation.as_deref())?,
            provider_id: self
                .provider
                .map(|p| NodeKey::organization("filter.provider", &p))
                .transpose()?,
        })
    }
}

impl OpenResource {
    /// The open resource of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::graphql::context::api;
        let loaders = &api(ctx)?.loaders;
        Ok(loaders.open_resource.load_one(id).await?.map(Self))
    }
}

impl CatalogueItem {
    /// The catalogue item of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::graphql::context::api;
        let loaders = &api(ctx)?.loaders;
        Ok(loaders.catalogue_item.load_one(id).await?.map(Self))
    }
}

impl TrainingPlan {
    /// The training plan of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::graphql::context::api;
        let loaders = &api(ctx)?.loaders;
        Ok(loaders.training_plan.load_one(id).await?.map(Self))
    }
}
