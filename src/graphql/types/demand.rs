use crate::graphql::loaders::required;
use crate::graphql::scalars::{Date, DateTime};
use async_graphql::{Context, Enum, ID, InputObject, Object};
use entity::demand;

use super::{Alliance, Location, Occupation, Organization, Region, SkillLevel, SortDirection};
use crate::{
    domain::kernel::input,
    domain::{
        SearchText,
        demands::{self, DemandContent},
        kernel::codes::AllianceCode,
    },
    error::{AppError, AppResult},
    graphql::{context::api, ids::NodeKey},
};

/// What a demand asks for.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::DemandKind")]
pub enum DemandKind {
    /// A job opening.
    Job,
    /// An apprenticeship place (新型学徒制).
    Apprenticeship,
}

/// Where a demand is in its life: DRAFT → OPEN → FILLED or CLOSED; an OPEN demand past its
/// `validUntil` reads as EXPIRED.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::DemandStatus")]
pub enum DemandStatus {
    /// Being written; only its enterprise (and its supervisors) see it.
    Draft,
    /// Published: public.
    Open,
    /// Every place was filled.
    Filled,
    /// Withdrawn, with a reason.
    Closed,
    /// Was OPEN and is past its `validUntil`: off every public list, no recommendations.
    Expired,
}

/// The GraphQL `Demand` type over its row; built only for rows the viewer may see.
pub struct Demand(pub demand::Model);

/// Job or apprenticeship demand (岗位需求) an enterprise posts to one or more of its alliances.
#[Object]
impl Demand {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Demand(self.0.id).to_id().into()
    }

    /// The enterprise that posts it.
    async fn enterprise(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        Ok(Organization(
            required(
                &api(ctx)?.loaders.organization,
                self.0.enterprise_id,
                || AppError::internal("a demand without its enterprise"),
            )
            .await?,
        ))
    }

    /// The alliances it is posted to.
    async fn alliances(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Alliance>> {
        Ok(api(ctx)?
            .loaders
            .alliances_by_demand
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Alliance)
            .collect())
    }

    /// The occupation wanted.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Occupation> {
        Ok(Occupation(
            required(
                &api(ctx)?.loaders.occupation,
                self.0.occupation_code.clone(),
                || AppError::internal("a demand without its occupation"),
            )
            .await?,
        ))
    }

    /// The skill level required.
    async fn level(&self) -> SkillLevel {
        self.0.level.into()
    }

    /// JOB or APPRENTICESHIP.
    async fn kind(&self) -> DemandKind {
        self.0.kind.into()
    }

    /// How many people.
    async fn headcount(&self) -> i32 {
        self.0.headcount
    }

    /// Places filled by HIRED job recommendations; the demand becomes FILLED when this reaches the
    /// headcount.
    async fn hired(&self) -> i32 {
        self.0.hired
    }

    /// Lowest monthly wage offered, CNY.
    async fn wage_min(&self) -> i32 {
        self.0.wage_min
    }

    /// Highest monthly wage offered, CNY.
    async fn wage_max(&self) -> i32 {
        self.0.wage_max
    }

    /// The workplace's region.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        self.place().load_region(ctx).await
    }

    /// The workplace's address.
    #[graphql(deprecation = "Use location.address.")]
    async fn address(&self) -> &str {
        &self.0.address
    }

    /// The workplace's latitude (WGS 84), where known.
    #[graphql(deprecation = "Use location.latitude.")]
    async fn latitude(&self) -> Option<f64> {
        self.0.latitude
    }

    /// The workplace's longitude (WGS 84), where known.
    #[graphql(deprecation = "Use location.longitude.")]
    async fn longitude(&self) -> Option<f64> {
        self.0.longitude
    }

    /// Kilometres from a point to the workplace (null without coordinates), by the same
    /// equirectangular approximation as `filter.near`.
    #[graphql(deprecation = "Use location.distanceKm.")]
    async fn distance_km(
        &self,
        #[graphql(desc = "Latitude of the point, WGS 84.")] latitude: f64,
        #[graphql(desc = "Longitude of the point, WGS 84.")] longitude: f64,
    ) -> async_graphql::Result<Option<f64>> {
        Ok(self.place().distance(latitude, longitude)?)
    }

    /// What the work is.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The work type (工种) of its occupation it names, if any.
    async fn work_type(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<super::WorkType>> {
        match self.0.work_type_id {
            Some(id) => Ok(api(ctx)?
                .loaders
                .work_type
                .load_one(id)
                .await?
                .map(super::WorkType)),
            None => Ok(None),
        }
    }

    /// The special ability (专项职业能力) it asks for, if any.
    async fn special_ability(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::SpecialAbility>> {
        match self.0.special_ability_id {
            Some(id) => Ok(api(ctx)?
                .loaders
                .special_ability
                .load_one(id)
                .await?
                .map(super::SpecialAbility)),
            None => Ok(None),
        }
    }

    /// The last day it is valid.
    async fn valid_until(&self) -> Date {
        self.0.valid_until.into()
    }

    /// Where it is in its life.
    async fn status(&self) -> DemandStatus {
        self.0
            .status
            .as_of(self.0.valid_until, chrono::Utc::now().date_naive())
            .into()
    }

    /// Why it was closed.
    async fn close_reason(&self) -> Option<&str> {
        self.0.close_reason.as_deref()
    }

    /// When it was opened.
    async fn posted_at(&self) -> Option<DateTime> {
        self.0.posted_at.map(Into::into)
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }

    /// The cohorts formed to answer it.
    async fn cohorts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<super::Cohort>> {
        let rows = api(ctx)?
            .loaders
            .cohorts_by_demand
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(super::Cohort).collect())
    }

    /// The job recommendations of this demand, oldest first: for its enterprise, the
    /// administrators of its alliances and the regulator of its region (FORBIDDEN otherwise).
    async fn recommendations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::Recommendation>> {
        let api = api(ctx)?;
        let viewer = crate::graphql::context::caller(ctx).viewer;
        let alliances = api
            .loaders
            .demand_alliances
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        crate::auth::policy::may_read_demand_recommendations(
            &viewer,
            self.0.enterprise_id,
            self.0.region_id,
            &alliances,
        )?;
        let rows = api
            .loaders
            .recommendations_by_demand
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(super::Recommendation).collect())
    }

    /// The version to name in `updateDemand`; every change increments it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Where it is: region, address and point.
    async fn location(&self) -> Location {
        self.place()
    }
}

impl Demand {
    fn place(&self) -> Location {
        Location::of(&self.0)
    }
}

/// The content of a demand.
#[derive(InputObject, Debug)]
pub struct DemandInput {
    /// Alliance codes to post to: one or more of the enterprise's own.
    pub alliances: Vec<String>,
    /// The occupation code (`6-18-02-04`).
    pub occupation: String,
    /// The skill level required.
    pub level: SkillLevel,
    /// JOB or APPRENTICESHIP.
    pub kind: DemandKind,
    /// How many people, 1 to 10,000.
    pub headcount: i32,
    /// Lowest monthly wage, CNY.
    pub wage_min: i32,
    /// Highest monthly wage, CNY; at least `wageMin`.
    pub wage_max: i32,
    /// The workplace's region (GB/T 2260 code): its city, or a county under it (the row then
    /// keeps the city and the county); a city with an address that names one of its counties
    /// gets that county.
    pub region: String,
    /// The workplace's address.
    pub address: String,
    /// The workplace's latitude (WGS 84).
    pub latitude: Option<f64>,
    /// The workplace's longitude (WGS 84).
    pub longitude: Option<f64>,
    /// What the work is.
    #[graphql(default)]
    pub description: String,
    /// The last valid day; not in the past.
    pub valid_until: Date,
    /// The work type (工种) of the occupation, by code (`workTypes` lists them), if any:
    /// national or of the demand's city.
    pub work_type: Option<String>,
    /// The special ability (专项职业能力) asked for, by code (`specialAbilities` lists them), if
    /// any: national or of the demand's city.
    pub special_ability: Option<String>,
}

impl DemandInput {
    /// Validates into domain content; `prefix` is the input's path for error fields.
    pub fn into_domain(self, prefix: &str) -> AppResult<DemandContent> {
        demands::validate(
            prefix,
            self.headcount,
            self.wage_min,
            self.wage_max,
            self.latitude,
            self.longitude,
            &self.address,
            &self.description,
            self.valid_until.into(),
        )?;
        let alliances =
            input::each::<AllianceCode, _>(&format!("{prefix}.alliances"), &self.alliances)?;
        Ok(DemandContent {
            alliances,
            occupation: input::one(&format!("{prefix}.occupation"), &self.occupation)?,
            level: self.level.into(),
            kind: self.kind.into(),
            headcount: self.headcount,
            wage: (self.wage_min, self.wage_max),
            region: input::one(&format!("{prefix}.region"), &self.region)?,
            address: self.address,
            point: self.latitude.zip(self.longitude),
            description: self.description,
            valid_until: self.valid_until.into(),
            work_type: self.work_type,
            special_ability: self.special_ability,
        })
    }
}

/// Which demands to list. Every field narrows; leave it out for OPEN demand in every alliance.
#[derive(InputObject, Debug, Default)]
pub struct DemandFilter {
    /// Only demand posted to any of these alliances (codes).
    pub alliances: Option<Vec<String>>,
    /// Only workplaces in this region or under it (a province, city or county code).
    pub region: Option<String>,
    /// Only this occupation, or a group of it: a code or a prefix (`6-18`).
    pub occupation: Option<String>,
    /// Only this level or above.
    pub min_level: Option<SkillLevel>,
    /// Only this kind.
    pub kind: Option<DemandKind>,
    /// Only these statuses (OPEN when left out); other statuses list only what the caller may see.
    pub statuses: Option<Vec<DemandStatus>>,
    /// Only demand opened at or after this instant.
    pub posted_since: Option<DateTime>,
    /// Only demand whose top wage is at least this, CNY a month.
    pub wage_at_least: Option<i32>,
    /// Only demands matching this text: the occupation and work type, the description, the
    /// enterprise and the alliances (Chinese by characters and words, pinyin, letters and digits by the start of a word; the search index, as `search` uses it).
    pub text: Option<String>,
    /// Only workplaces within a radius of a point (demand without coordinates is left out).
    pub near: Option<NearInput>,
}

/// A point and a radius.
#[derive(InputObject, Debug, Clone, Copy)]
pub struct NearInput {
    /// Latitude, WGS 84.
    pub latitude: f64,
    /// Longitude, WGS 84.
    pub longitude: f64,
    /// Radius in kilometres, above 0 and at most 500.
    pub radius_km: f64,
}

impl DemandFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<demands::DemandFilter> {
        Ok(demands::DemandFilter {
            alliances: input::listed("filter.alliances", self.alliances.as_deref())?,
            region: input::optional("filter.region", self.region.as_deref())?,
            occupation: input::optional("filter.occupation", self.occupation.as_deref())?,
            min_level: self.min_level.map(Into::into),
            kind: self.kind.map(Into::into),
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            posted_since: self.posted_since.map(Into::into),
            wage_at_least: self.wage_at_least,
            text: self
                .text
                .map(|t| SearchText::parse("filter.text", &t))
                .transpose()?,
            enterprise_id: None,
            near: self
                .near
                .map(|n| demands::Near::parse("filter.near", n.latitude, n.longitude, n.radius_km))
                .transpose()?,
        })
    }
}

/// What demands can be ordered by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(remote = "crate::domain::demands::DemandOrderField")]
pub enum DemandOrderField {
    /// When it was posted (drafts: created).
    #[default]
    PostedAt,
    /// The top of the wage range.
    Wage,
    /// Headcount.
    Headcount,
    /// Distance from `filter.near` (needs it); give direction ASC for nearest first.
    Distance,
}

/// An ordering of demands; ties are broken by ID.
#[derive(InputObject, Debug)]
pub struct DemandOrder {
    /// The field to order by.
    pub field: DemandOrderField,
    /// Descending unless told otherwise (newest, best-paid, largest first).
    #[graphql(default_with = "SortDirection::Desc")]
    pub direction: SortDirection,
}

impl Default for DemandOrder {
    fn default() -> Self {
        Self {
            field: DemandOrderField::PostedAt,
            direction: SortDirection::Desc,
        }
    }
}

impl DemandOrder {
    /// The domain ordering.
    pub fn into_domain(self) -> (demands::DemandOrderField, bool) {
        (self.field.into(), self.direction == SortDirection::Desc)
    }
}

impl Demand {
    /// The demand of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{
            domain,
            graphql::context::{api, caller},
        };
        let loaders = &api(ctx)?.loaders;
        Ok(match loaders.demand.load_one(id).await? {
            Some(m) => {
                let alliances = loaders
                    .demand_alliances
                    .load_one(id)
                    .await?
                    .unwrap_or_default();
                if domain::demands::can_see(&caller(ctx).viewer, &m, &alliances) {
                    Some(Self(m))
                } else {
                    None
                }
            }
            None => None,
        })
    }
}
