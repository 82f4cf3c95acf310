use crate::graphql::loaders::required;
use crate::graphql::scalars::DateTime;
use async_graphql::{Context, Enum, ID, InputObject, Object};
use entity::organization;

use super::{Alliance, Membership, OrganizationKind, Region, SortDirection};
use crate::graphql::nested;
use crate::{
    domain::kernel::input,
    domain::{SearchText, network::organizations},
    error::{AppError, AppResult},
    graphql::{context::api, ids::NodeKey},
};

/// The GraphQL `Organization` type over its row (its schema description is on the `#[Object]` impl).
pub struct Organization(pub organization::Model);

/// An organization (单位) in the alliance graph: an enterprise, college, training institution,
/// assessment body or government department. One organization may belong to several alliances.
#[Object]
impl Organization {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Organization(self.0.id).to_id().into()
    }

    /// Registered Chinese name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// English name, where it has one.
    async fn name_en(&self) -> Option<&str> {
        self.0.name_en.as_deref()
    }

    /// What kind of organization it is.
    async fn kind(&self) -> OrganizationKind {
        self.0.kind.into()
    }

    /// Unified social credit code (统一社会信用代码), 18 characters, public by law.
    async fn credit_code(&self) -> &str {
        &self.0.credit_code
    }

    /// Postal address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }

    /// A phone line or a person to ask for: for the organization's own users, the REGULATOR of
    /// its region and SYSTEM_ADMIN; null for everyone else (and where none was given).
    async fn contact(&self, ctx: &Context<'_>) -> Option<&str> {
        let viewer = &crate::graphql::context::caller(ctx).viewer;
        crate::auth::policy::organization_contact_visible(viewer, self.0.id, self.0.region_id)
            .then_some(self.0.contact.as_deref())
            .flatten()
    }

    /// Public website.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// A short public description.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// When it was registered in skillgraph.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// The region it is located in (which may differ from the regions of its alliances).
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        Ok(Region(
            required(&api(ctx)?.loaders.region, self.0.region_id, || {
                AppError::internal(format!("organization {} has no region", self.0.id))
            })
            .await?,
        ))
    }

    /// The county-level region (区, 县, 县级市) of its city where it is, when known: named at
    /// registration, or read from its address where that names one for certain.
    async fn county(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        super::location::county(ctx, self.0.county_id).await
    }

    /// Who owns it (公办/民办); null where the bureau has not recorded it.
    async fn ownership(&self) -> Option<super::Ownership> {
        self.0.ownership.map(Into::into)
    }

    /// An enterprise above the designated size (规模以上企业).
    async fn above_scale(&self) -> bool {
        self.0.above_scale
    }

    /// A 专精特新 enterprise (specialized, refined, distinctive, innovative).
    async fn specialized(&self) -> bool {
        self.0.specialized
    }

    /// A chain master (链主企业); `organizations(filter: {chainOf: <its ID>})` lists its chain.
    async fn chain_master(&self) -> bool {
        self.0.chain_master
    }

    /// The chain master whose chain this enterprise belongs to; null for none.
    async fn chain_of(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let Some(id) = self.0.chain_master_id else {
            return Ok(None);
        };
        Ok(api(ctx)?
            .loaders
            .organization
            .load_one(id)
            .await?
            .map(Organization))
    }

    /// A college's type (技工院校, 高职, 中职, 本科); null where not recorded or not a college.
    async fn college_type(&self) -> Option<super::CollegeType> {
        self.0.college_type.map(Into::into)
    }

    /// An enterprise with a registered training centre (企业培训中心, 技能学堂).
    async fn training_centre(&self) -> bool {
        self.0.training_centre
    }

    /// Whom the organization trains as a provider: ANYONE for a college, a training institution
    /// or an enterprise with a training centre; CHAIN for a chain master without one; null for
    /// an organization that provides no training.
    async fn trains(&self) -> Option<super::TrainingReach> {
        crate::auth::policy::may_provide_training(&self.0)
            .ok()
            .map(Into::into)
    }

    /// All its memberships, past ones included. An organization belongs to a handful of alliances
    /// at most, so this is a plain list.
    async fn memberships(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Membership>> {
        let rows = api(ctx)?
            .loaders
            .memberships_by_organization
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(|m| Membership(m, None)).collect())
    }

    /// Its OPEN demand, oldest first.
    async fn demands(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<crate::graphql::connection::Connection<super::Demand>> {
        nested::list::<nested::EnterpriseDemands, _>(
            ctx,
            self.0.id,
            nested::PageArgs::new(first, after, last, before),
            super::Demand,
        )
        .await
    }

    /// Published open resources, oldest first.
    async fn open_resources(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<crate::graphql::connection::Connection<super::OpenResource>> {
        nested::list::<nested::ProviderResources, _>(
            ctx,
            self.0.id,
            nested::PageArgs::new(first, after, last, before),
            super::OpenResource,
        )
        .await
    }

    /// Its filing as an assessment body, if it is one (public: type, scope, status).
    async fn assessment_body(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::AssessmentBody>> {
        Ok(api(ctx)?
            .loaders
            .body_by_organization
            .load_one(self.0.id)
            .await?
            .map(super::AssessmentBody))
    }

    /// Credit stars, 1 to 5, from the latest confirmed evaluation (training institutions; null
    /// when unrated).
    async fn credit_stars(&self) -> Option<i32> {
        self.0.credit_stars.map(i32::from)
    }

    /// The latest confirmed evaluation, with the four dimensions its stars come from (training
    /// institutions; null before the first is confirmed).
    async fn credit_evaluation(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::InstitutionEvaluation>> {
        if self.0.kind != entity::OrganizationKind::TrainingInstitution {
            return Ok(None);
        }
        Ok(api(ctx)?
            .loaders
            .latest_evaluation
            .load_one(self.0.id)
            .await?
            .map(super::InstitutionEvaluation))
    }

    /// Standing in the subsidised catalogue (training institutions).
    async fn catalogue_status(&self) -> Option<super::InstitutionStatus> {
        self.0.catalogue_status.map(Into::into)
    }

    /// Its open-resource list as published in `version` (the latest when left out), every item
    /// of that version whatever became of it since.
    async fn resource_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A version number; the latest when left out.")] version: Option<i32>,
    ) -> async_graphql::Result<Vec<super::OpenResource>> {
        let rows = api(ctx)?
            .loaders
            .resource_lists
            .load_one((self.0.id, version))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(super::OpenResource).collect())
    }

    /// The alliances it currently belongs to.
    async fn alliances(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Alliance>> {
        let rows = api(ctx)?
            .loaders
            .alliances_by_organization
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Alliance).collect())
    }
}

/// Which organizations to list. Every field narrows the list; leave the filter out to list every
/// organization across every alliance and region.
#[derive(InputObject, Debug, Default)]
pub struct OrganizationFilter {
    /// Only these kinds.
    pub kinds: Option<Vec<OrganizationKind>>,
    /// Only current members of any of these alliances (codes such as `zj-eyewear`).
    pub alliances: Option<Vec<String>>,
    /// Only organizations located in this region or under it (a province, city or county code,
    /// such as `321100` or `321102`), or current members of an alliance of it.
    pub region: Option<String>,
    /// Only organizations matching this text: the name, the English name or the address
    /// (Chinese by characters and words, pinyin, letters and digits by the start of a word; the search index, as `search` uses it).
    pub name_contains: Option<String>,
    /// Only organizations that currently belong to at least this many alliances.
    pub min_alliances: Option<i32>,
    /// Only organizations of this ownership.
    pub ownership: Option<super::Ownership>,
    /// Only enterprises above (true) or below (false) the designated size (规上).
    pub above_scale: Option<bool>,
    /// Only 专精特新 enterprises (true) or the others (false).
    pub specialized: Option<bool>,
    /// Only chain masters (链主, true) or the others (false).
    pub chain_master: Option<bool>,
    /// Only the enterprises of this chain master's chain (its ID).
    pub chain_of: Option<ID>,
    /// Only colleges of these types.
    pub college_types: Option<Vec<super::CollegeType>>,
    /// Only enterprises with (true) or without (false) a registered training centre.
    pub training_centre: Option<bool>,
}

impl OrganizationFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<organizations::OrganizationFilter> {
        let alliances = input::listed("filter.alliances", self.alliances.as_deref())?;
        if alliances.len() > 100 {
            return Err(AppError::validation(
                "filter.alliances",
                "at most 100 alliance codes",
            ));
        }
        let min_alliances = self
            .min_alliances
            .map(|n| input::narrow::<u32>("filter.minAlliances", n, "must not be negative"))
            .transpose()?;
        Ok(organizations::OrganizationFilter {
            kinds: self
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            alliances,
            region: input::optional("filter.region", self.region.as_deref())?,
            name_contains: self
                .name_contains
                .map(|n| SearchText::parse("filter.nameContains", &n))
                .transpose()?,
            min_alliances,
            ownership: self.ownership.map(Into::into),
            above_scale: self.above_scale,
            specialized: self.specialized,
            chain_master: self.chain_master,
            chain_of: self
                .chain_of
                .map(|id| NodeKey::organization("filter.chainOf", &id))
                .transpose()?,
            college_types: self
                .college_types
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            training_centre: self.training_centre,
        })
    }
}

/// What organizations can be ordered by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(remote = "crate::domain::network::organizations::OrganizationOrderField")]
pub enum OrganizationOrderField {
    /// The Chinese name, by Unicode code point.
    #[default]
    Name,
    /// When it was registered in skillgraph.
    CreatedAt,
}

/// An ordering of organizations; ties are broken by ID.
#[derive(InputObject, Debug, Default)]
pub struct OrganizationOrder {
    /// The field to order by.
    pub field: OrganizationOrderField,
    /// Ascending unless told otherwise.
    #[graphql(default)]
    pub direction: SortDirection,
}

impl OrganizationOrder {
    /// The domain ordering: the field and whether it is descending.
    pub fn into_domain(self) -> (organizations::OrganizationOrderField, bool) {
        (self.field.into(), self.direction == SortDirection::Desc)
    }
}

impl Organization {
    /// The organization of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::graphql::context::api;
        let loaders = &api(ctx)?.loaders;
        Ok(loaders.organization.load_one(id).await?.map(Self))
    }
}

/// What organization counts can be grouped by.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::network::organizations::OrganizationStatsDimension")]
pub enum OrganizationStatsDimension {
    /// The kind.
    Kind,
    /// The ownership; organizations whose ownership is not recorded form a group of their own.
    Ownership,
    /// The county it is located in; organizations whose county is not known form a group of
    /// their own, whose region is null.
    County,
    /// The city it is located in.
    City,
    /// The province of its city.
    Province,
}

/// The GraphQL `OrganizationStatsRow` type.
pub struct OrganizationStatsRow(pub organizations::OrganizationStatsRow);

/// A count of organizations in one group; the dimensions not grouped by are null.
#[Object]
impl OrganizationStatsRow {
    /// The kind, when grouped by it.
    async fn kind(&self) -> Option<OrganizationKind> {
        self.0.kind.map(Into::into)
    }

    /// The ownership, when grouped by it.
    async fn ownership(&self) -> Option<super::Ownership> {
        self.0.ownership.map(Into::into)
    }

    /// The region at the level grouped by (COUNTY, CITY or PROVINCE).
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        let Some(id) = self.0.region_id else {
            return Ok(None);
        };
        Ok(api(ctx)?.loaders.region.load_one(id).await?.map(Region))
    }

    /// How many organizations.
    async fn count(&self) -> u64 {
        self.0.count
    }
}
