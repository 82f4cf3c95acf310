use crate::graphql::loaders::required;
use crate::graphql::scalars::Date;
use async_graphql::{Context, Enum, ID, InputObject, Object};
use entity::alliance;

use super::{
    Industry, IndustryCode, Membership, MembershipRole, OrganizationKind, Region, SortDirection,
};
use crate::graphql::nested;
use crate::{
    domain::kernel::input,
    domain::network::alliances::{self, AllianceOrderField as DomainOrderField},
    error::{AppError, AppResult},
    graphql::{connection::Connection, context::api, ids::NodeKey},
};

/// The GraphQL `Alliance` type over its row (its schema description is on the `#[Object]` impl).
pub struct Alliance(pub alliance::Model);

/// A regional vocational-training alliance (区域职业培训联盟): enterprises, colleges, training
/// institutions, assessment bodies and the HR bureau of one region working for one leading industry.
#[Object]
impl Alliance {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Alliance(self.0.id).to_id().into()
    }

    /// Stable public code (`zj-eyewear`), for `alliance(code:)` and filters.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Chinese name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// English name.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }

    /// The leading industry, from the closed list of the first release (OTHER for an industry
    /// added since).
    #[graphql(deprecation = "industries are data now: read `sector` (its `code` is this value)")]
    async fn industry(&self) -> IndustryCode {
        IndustryCode::of_code(&self.0.industry)
    }

    /// The leading industry it serves.
    async fn sector(&self, ctx: &Context<'_>) -> async_graphql::Result<Industry> {
        Ok(Industry(
            crate::graphql::loaders::required(
                &crate::graphql::context::api(ctx)?.loaders.industry,
                self.0.industry.clone(),
                || AppError::internal(format!("alliance {} has no industry", self.0.id)),
            )
            .await?,
        ))
    }

    /// The day it was founded.
    async fn founded_on(&self) -> Date {
        self.0.founded_on.into()
    }

    /// What it does.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The region it belongs to.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        Ok(Region(
            required(&api(ctx)?.loaders.region, self.0.region_id, || {
                AppError::internal(format!("alliance {} has no region", self.0.id))
            })
            .await?,
        ))
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
        nested::list::<nested::AllianceDemands, _>(
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
        nested::list::<nested::AllianceResources, _>(
            ctx,
            self.0.id,
            nested::PageArgs::new(first, after, last, before),
            super::OpenResource,
        )
        .await
    }

    /// Its current members, in the order they joined the graph. `kind` and `role` narrow the list.
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus two filters"
    )]
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only members of this kind, or of any of these kinds (`kind: COLLEGE` or `kind: [COLLEGE, ENTERPRISE]`)."
        )]
        kind: Option<Vec<OrganizationKind>>,
        #[graphql(desc = "Only members with this role.")] role: Option<MembershipRole>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Membership>> {
        let kinds: Option<Vec<entity::OrganizationKind>> =
            kind.map(|ks| ks.into_iter().map(Into::into).collect());
        let role: Option<entity::MembershipRole> = role.map(Into::into);
        nested::connection::<nested::AllianceMembers, _>(
            ctx,
            self.0.id,
            (kinds, role),
            nested::PageArgs::new(first, after, last, before),
            |m| Membership::with_organization(m.membership, m.organization),
        )
        .await
    }
}

/// Which alliances to list. Every field narrows the list; leave the filter out to list every
/// alliance of every region.
#[derive(InputObject, Debug, Default)]
pub struct AllianceFilter {
    /// Only alliances of this region or under it (a province, city or county code, such as
    /// `320000` or `321100`).
    pub region: Option<String>,
    /// Only alliances of this industry of the closed list.
    #[graphql(deprecation = "use industries, which takes any industry's code")]
    pub industry: Option<IndustryCode>,
    /// Only alliances of these industries (codes such as `EYEWEAR`).
    pub industries: Option<Vec<String>>,
    /// Only alliances of an industry of these clusters (codes such as `ha-7-plus-3`).
    pub clusters: Option<Vec<String>>,
}

impl AllianceFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<alliances::AllianceFilter> {
        Ok(alliances::AllianceFilter {
            region: input::optional("filter.region", self.region.as_deref())?,
            industries: match self.industry {
                Some(code) => vec![code.code().ok_or_else(|| {
                    AppError::validation(
                        "filter.industry",
                        "OTHER names no one industry; use filter.industries",
                    )
                })?],
                None => vec![],
            }
            .into_iter()
            .chain(self.industries.unwrap_or_default())
            .collect(),
            clusters: self.clusters.unwrap_or_default(),
        })
    }
}

/// What alliances can be ordered by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(remote = "crate::domain::network::alliances::AllianceOrderField")]
pub enum AllianceOrderField {
    /// The public code.
    #[default]
    Code,
    /// The Chinese name, by Unicode code point.
    Name,
    /// The founding date.
    FoundedOn,
}

/// An ordering of alliances; ties are broken by ID.
#[derive(InputObject, Debug, Default)]
pub struct AllianceOrder {
    /// The field to order by.
    pub field: AllianceOrderField,
    /// Ascending unless told otherwise.
    #[graphql(default)]
    pub direction: SortDirection,
}

impl AllianceOrder {
    /// The domain ordering: the field and whether it is descending.
    pub fn into_domain(self) -> (DomainOrderField, bool) {
        (self.field.into(), self.direction == SortDirection::Desc)
    }
}

impl Alliance {
    /// The alliance of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::graphql::context::api;
        let loaders = &api(ctx)?.loaders;
        Ok(loaders.alliance.load_one(id).await?.map(Self))
    }
}
