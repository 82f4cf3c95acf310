//! Keeping the reference data of the network: the system administrator adds, renames and retires
//! regions when divisions are redrawn; the system administrator and regulators add industries,
//! and a city's regulator its named clusters of them.

use async_graphql::{Context, InputObject, Object};

use crate::{
    domain::{
        kernel::{codes::RegionCode, input},
        network::{
            industries::{self, ClusterChange, IndustryChange},
            regions::{self, RegionChange},
        },
    },
    events::Event,
    graphql::{
        context::{api, caller},
        types::{Industry, IndustryCluster, Region, RegionLevel},
    },
};

/// Adding, renaming and retiring regions; adding industries and clusters.
#[derive(Default)]
pub struct ReferenceMutation;

/// An industry to add, or the new names of one that exists.
#[derive(InputObject, Debug)]
pub struct UpsertIndustryInput {
    /// Its code: upper-case letters, digits and underscores (`SHIPBUILDING`); an existing code
    /// changes that industry.
    pub code: String,
    /// Its Chinese name, 1 to 50 characters.
    pub name: String,
    /// Its English name (empty or absent: none known).
    pub name_en: Option<String>,
    /// Its GB/T 4754-2017 section, one letter A to T (C: manufacturing).
    pub section: String,
}

/// A city's cluster of industries to add, or the new name and industries of one.
#[derive(InputObject, Debug)]
pub struct UpsertIndustryClusterInput {
    /// Its code: lower-case letters, digits and hyphens (`ha-7-plus-3`).
    pub code: String,
    /// Its name as the city writes it.
    pub name: String,
    /// The city that names it.
    pub region: String,
    /// The codes of its industries (they replace those it had).
    pub industries: Vec<String>,
}

/// A region to add, or the new name, level and parent of one that exists.
#[derive(InputObject, Debug)]
pub struct UpsertRegionInput {
    /// Its six-digit code; an existing code changes that region.
    pub code: String,
    /// Its Chinese name, 1 to 50 characters.
    pub name: String,
    /// Its English name (empty or absent: none known), at most 100 characters.
    pub name_en: Option<String>,
    /// Its level.
    pub level: RegionLevel,
    /// The current region above it, one level up (a city's province, a county's city); absent
    /// for a province.
    pub parent: Option<String>,
}

/// A region to retire, and the region that takes over.
#[derive(InputObject, Debug)]
pub struct RetireRegionInput {
    /// The region's code.
    pub code: String,
    /// The current region of the same level that takes over.
    pub successor: String,
}

#[Object]
impl ReferenceMutation {
    /// Adds a region or changes one (SYSTEM_ADMIN): when divisions are redrawn, a new code is
    /// added under its parent, and a renamed or moved one keeps its rows. A parent that does not
    /// exist, is retired, is not one level up, or is the region itself or under it is refused
    /// naming `input.parent`. Audited.
    async fn upsert_region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region.")] input: UpsertRegionInput,
    ) -> async_graphql::Result<Region> {
        let api = api(ctx)?;
        let change = RegionChange {
            code: input::one::<RegionCode>("input.code", &input.code)?,
            name: input.name,
            name_en: input.name_en.unwrap_or_default(),
            level: input.level.into(),
            parent: input
                .parent
                .as_deref()
                .map(|p| input::one::<RegionCode>("input.parent", p))
                .transpose()?,
        };
        let saved = regions::upsert(&*api.db.turn().await?, &caller(ctx), change).await?;
        forget_regions(ctx);
        Ok(Region(saved))
    }

    /// Retires a region (SYSTEM_ADMIN), naming the current region of the same level that takes
    /// over: its code still reads and still resolves, every row that names it keeps it, and new
    /// rows are refused there. A region with current regions under it is refused (retire or move
    /// them first). Audited.
    async fn retire_region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region and its successor.")] input: RetireRegionInput,
    ) -> async_graphql::Result<Region> {
        let api = api(ctx)?;
        let code = input::one::<RegionCode>("input.code", &input.code)?;
        let successor = input::one::<RegionCode>("input.successor", &input.successor)?;
        let saved =
            regions::retire(&*api.db.turn().await?, &caller(ctx), &code, &successor).await?;
        forget_regions(ctx);
        Ok(Region(saved))
    }
}

#[Object]
impl IndustriesMutation {
    /// Adds an industry or renames one: SYSTEM_ADMIN (to the national list, and any industry) or
    /// a REGULATOR (for its region, and those its region added). Audited; every instance reads
    /// the industries again.
    async fn upsert_industry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The industry.")] input: UpsertIndustryInput,
    ) -> async_graphql::Result<Industry> {
        let api = api(ctx)?;
        let change = IndustryChange {
            code: input.code,
            name: input.name,
            name_en: input.name_en.unwrap_or_default(),
            section: input.section,
        };
        let saved = industries::upsert(&*api.db.turn().await?, &caller(ctx), change).await?;
        api.loaders.industry.forget();
        api.events.publish(Event::IndustriesChanged);
        Ok(Industry(saved))
    }

    /// Records an organization's attributes — ownership, 规上, 专精特新, 链主 and the chain it
    /// belongs to, a college's type, an enterprise's training centre — by the REGULATOR of its
    /// region or SYSTEM_ADMIN. An enterprise's attribute on another kind, or a college type on
    /// anything but a college, is refused naming the field. Audited.
    async fn set_organization_attributes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and its attributes.")]
        input: SetOrganizationAttributesInput,
    ) -> async_graphql::Result<crate::graphql::types::Organization> {
        use crate::domain::kernel::ids::NodeKey;
        let api = api(ctx)?;
        let organization = NodeKey::organization("input.organization", &input.organization)?;
        let change = crate::domain::network::attributes::AttributesChange {
            ownership: maybe(input.ownership, |o| Ok(o.into()))?,
            above_scale: input.above_scale,
            specialized: input.specialized,
            chain_master: input.chain_master,
            chain_of: maybe(input.chain_of, |id| {
                NodeKey::organization("input.chainOf", &id)
            })?,
            college_type: maybe(input.college_type, |c| Ok(c.into()))?,
            training_centre: input.training_centre,
        };
        let saved = crate::domain::network::attributes::record(
            &*api.db.turn().await?,
            &caller(ctx),
            organization,
            change,
        )
        .await?;
        Ok(crate::graphql::types::Organization(saved))
    }

    /// Adds a city's cluster of industries or changes one (its REGULATOR, or SYSTEM_ADMIN); the
    /// industries given replace those it had. Audited.
    async fn upsert_industry_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cluster.")] input: UpsertIndustryClusterInput,
    ) -> async_graphql::Result<IndustryCluster> {
        let api = api(ctx)?;
        let db = api.db.turn().await?;
        let change = ClusterChange {
            code: input.code,
            name: input.name,
            region: input::one::<RegionCode>("input.region", &input.region)?,
            industries: input.industries,
        };
        let saved = industries::upsert_cluster(&db, &caller(ctx), change).await?;
        let members = industries::industries_of_clusters(&db, &[saved.id])
            .await?
            .remove(&saved.id)
            .unwrap_or_default();
        Ok(IndustryCluster(saved, members))
    }
}

/// Adding industries and a city's clusters of them; recording organizations' attributes.
#[derive(Default)]
pub struct IndustriesMutation;

/// The attributes of an organization to record; a field left out stays as it is, and `null`
/// clears ownership, chainOf or collegeType.
#[derive(InputObject, Debug)]
pub struct SetOrganizationAttributesInput {
    /// The organization.
    pub organization: async_graphql::ID,
    /// Who owns it.
    pub ownership: async_graphql::MaybeUndefined<crate::graphql::types::Ownership>,
    /// Above the designated size (规上; enterprises).
    pub above_scale: Option<bool>,
    /// 专精特新 (enterprises).
    pub specialized: Option<bool>,
    /// A chain master (链主; enterprises).
    pub chain_master: Option<bool>,
    /// The chain master whose chain it belongs to (enterprises).
    pub chain_of: async_graphql::MaybeUndefined<async_graphql::ID>,
    /// A college's type (colleges).
    pub college_type: async_graphql::MaybeUndefined<crate::graphql::types::CollegeType>,
    /// A registered training centre (enterprises).
    pub training_centre: Option<bool>,
}

/// A field's change: absent leaves it, `null` clears it, a value sets it.
fn maybe<T, U>(
    value: async_graphql::MaybeUndefined<T>,
    map: impl FnOnce(T) -> crate::error::AppResult<U>,
) -> crate::error::AppResult<Option<Option<U>>> {
    Ok(match value {
        async_graphql::MaybeUndefined::Undefined => None,
        async_graphql::MaybeUndefined::Null => Some(None),
        async_graphql::MaybeUndefined::Value(v) => Some(Some(map(v)?)),
    })
}

/// The regions held in memory are stale: this instance forgets them now, and every instance
/// that hears the event forgets its own.
fn forget_regions(ctx: &Context<'_>) {
    if let Ok(api) = api(ctx) {
        api.loaders.region.forget();
        api.events.publish(Event::RegionsChanged);
    }
}
