//! Nested connections: a list under a parent, paged in SQL for every parent of a level at once.
//!
//! Each nested list is a type implementing [`Nested`]. Its pages come through one DataLoader
//! keyed by (parent, filter, paging arguments): the resolvers of one level ask within one tick,
//! the loader groups their keys by filter and arguments and answers each group with one statement
//! ([`NestedList::pages`]). `totalCount` goes through a second loader, one grouped `COUNT` for
//! the level, and only when a client selects it.

use std::{collections::HashMap, hash::Hash, marker::PhantomData, sync::Arc};

use async_graphql::{
    Context,
    dataloader::{DataLoader, Loader},
};
use entity::{
    MembershipRole, OrganizationKind, alliance, cohort, demand, enrollment, open_resource,
};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseConnection;

use super::{
    connection::{Connection, CountSource, TotalCount},
    loaders::LoadError,
};
use crate::domain::{
    demands,
    network::{alliances, memberships},
    programmes,
    read::{
        nested::{NestedList, ParentKey},
        page::{Page, PageRequest},
    },
    training::{cohorts, resources},
};

/// A nested list the schema serves.
pub trait Nested: Sized + Send + Sync + 'static {
    /// The parent's key.
    type Parent: ParentKey;
    /// What narrows the list (`()` when nothing does).
    type Filter: Clone + Eq + Hash + Send + Sync + 'static;
    /// One row.
    type Row: Clone + Send + Sync + 'static;
    /// The list's definition for a filter.
    fn list(filter: &Self::Filter) -> NestedList<Self::Row>;
    /// Its pages' loader.
    fn pages(loaders: &NestedLoaders) -> &DataLoader<PagesOf<Self>>;
    /// Its counts' loader.
    fn counts(loaders: &NestedLoaders) -> &DataLoader<CountsOf<Self>>;
}

/// The paging arguments of a connection field as the client gave them (already validated).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PageArgs {
    /// `first`.
    pub first: Option<i32>,
    /// `after`.
    pub after: Option<String>,
    /// `last`.
    pub last: Option<i32>,
    /// `before`.
    pub before: Option<String>,
}

impl PageArgs {
    /// The arguments of a connection field.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        Self {
            first,
            after,
            last,
            before,
        }
    }

    fn request(&self) -> crate::error::AppResult<PageRequest> {
        PageRequest::new(
            self.first,
            self.after.as_deref(),
            self.last,
            self.before.as_deref(),
        )
    }
}

/// The key of one parent's page.
pub type PageKey<L> = (<L as Nested>::Parent, <L as Nested>::Filter, Arc<PageArgs>);

/// A filter and paging arguments that parents share.
type Group<L> = (<L as Nested>::Filter, Arc<PageArgs>);

/// Loads pages of `L`, one statement per distinct filter and arguments.
pub struct PagesOf<L>(DatabaseConnection, PhantomData<fn() -> L>);

impl<L: Nested> Loader<PageKey<L>> for PagesOf<L> {
    type Value = Arc<Page<L::Row>>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[PageKey<L>],
    ) -> Result<HashMap<PageKey<L>, Self::Value>, Self::Error> {
        let mut groups: HashMap<Group<L>, Vec<L::Parent>> = HashMap::new();
        for (parent, filter, args) in keys {
            groups
                .entry((filter.clone(), args.clone()))
                .or_default()
                .push(parent.clone());
        }
        let mut out = HashMap::with_capacity(keys.len());
        for ((filter, args), parents) in groups {
            let request = args.request()?;
            let pages = L::list(&filter).pages(&self.0, &parents, &request).await?;
            for (parent, page) in pages {
                out.insert((parent, filter.clone(), args.clone()), Arc::new(page));
            }
        }
        Ok(out)
    }
}

/// Counts the rows of `L` per parent, one grouped statement per distinct filter.
pub struct CountsOf<L>(DatabaseConnection, PhantomData<fn() -> L>);

impl<L: Nested> Loader<(L::Parent, L::Filter)> for CountsOf<L> {
    type Value = u64;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(L::Parent, L::Filter)],
    ) -> Result<HashMap<(L::Parent, L::Filter), u64>, Self::Error> {
        let mut groups: HashMap<L::Filter, Vec<L::Parent>> = HashMap::new();
        for (parent, filter) in keys {
            groups
                .entry(filter.clone())
                .or_default()
                .push(parent.clone());
        }
        let mut out = HashMap::with_capacity(keys.len());
        for (filter, parents) in groups {
            let counts = L::list(&filter).counts(&self.0, &parents).await?;
            for (parent, n) in counts {
                out.insert((parent, filter.clone()), n);
            }
        }
        Ok(out)
    }
}

/// Builds the two loaders of a nested list.
pub fn loaders<L: Nested>(
    db: &DatabaseConnection,
    delay: std::time::Duration,
) -> (DataLoader<PagesOf<L>>, DataLoader<CountsOf<L>>) {
    (
        DataLoader::new(PagesOf(db.clone(), PhantomData), |f| {
            tokio::spawn(crate::db::carry(f))
        })
        .delay(delay),
        DataLoader::new(CountsOf(db.clone(), PhantomData), |f| {
            tokio::spawn(crate::db::carry(f))
        })
        .delay(delay),
    )
}

/// The loaders of every nested list, built once per schema and kept in its data.
pub struct NestedLoaders {
    /// Pages of `EnterpriseDemands`.
    pub enterprise_demands: DataLoader<PagesOf<EnterpriseDemands>>,
    /// Counts of `EnterpriseDemands`.
    pub enterprise_demands_count: DataLoader<CountsOf<EnterpriseDemands>>,
    /// Pages of `AllianceDemands`.
    pub alliance_demands: DataLoader<PagesOf<AllianceDemands>>,
    /// Counts of `AllianceDemands`.
    pub alliance_demands_count: DataLoader<CountsOf<AllianceDemands>>,
    /// Pages of `OccupationDemands`.
    pub occupation_demands: DataLoader<PagesOf<OccupationDemands>>,
    /// Counts of `OccupationDemands`.
    pub occupation_demands_count: DataLoader<CountsOf<OccupationDemands>>,
    /// Pages of `ProviderResources`.
    pub provider_resources: DataLoader<PagesOf<ProviderResources>>,
    /// Counts of `ProviderResources`.
    pub provider_resources_count: DataLoader<CountsOf<ProviderResources>>,
    /// Pages of `OccupationResources`.
    pub occupation_resources: DataLoader<PagesOf<OccupationResources>>,
    /// Counts of `OccupationResources`.
    pub occupation_resources_count: DataLoader<CountsOf<OccupationResources>>,
    /// Pages of `AllianceResources`.
    pub alliance_resources: DataLoader<PagesOf<AllianceResources>>,
    /// Counts of `AllianceResources`.
    pub alliance_resources_count: DataLoader<CountsOf<AllianceResources>>,
    /// Pages of `RegionAlliances`.
    pub region_alliances: DataLoader<PagesOf<RegionAlliances>>,
    /// Counts of `RegionAlliances`.
    pub region_alliances_count: DataLoader<CountsOf<RegionAlliances>>,
    /// Pages of `CohortEnrollments`.
    pub cohort_enrollments: DataLoader<PagesOf<CohortEnrollments>>,
    /// Counts of `CohortEnrollments`.
    pub cohort_enrollments_count: DataLoader<CountsOf<CohortEnrollments>>,
    /// Pages of `AllianceMembers`.
    pub alliance_members: DataLoader<PagesOf<AllianceMembers>>,
    /// Counts of `AllianceMembers`.
    pub alliance_members_count: DataLoader<CountsOf<AllianceMembers>>,
    /// Pages of `ProgrammeCohorts`.
    pub programme_cohorts: DataLoader<PagesOf<ProgrammeCohorts>>,
    /// Counts of `ProgrammeCohorts`.
    pub programme_cohorts_count: DataLoader<CountsOf<ProgrammeCohorts>>,
}

impl NestedLoaders {
    /// Builds the two loaders of every nested list over one pool; each gathers keys for `delay`.
    pub fn new(db: &DatabaseConnection, delay: std::time::Duration) -> Self {
        let (enterprise_demands, enterprise_demands_count) =
            loaders::<EnterpriseDemands>(db, delay);
        let (alliance_demands, alliance_demands_count) = loaders::<AllianceDemands>(db, delay);
        let (occupation_demands, occupation_demands_count) =
            loaders::<OccupationDemands>(db, delay);
        let (provider_resources, provider_resources_count) =
            loaders::<ProviderResources>(db, delay);
        let (occupation_resources, occupation_resources_count) =
            loaders::<OccupationResources>(db, delay);
        let (alliance_resources, alliance_resources_count) =
            loaders::<AllianceResources>(db, delay);
        let (region_alliances, region_alliances_count) = loaders::<RegionAlliances>(db, delay);
        let (cohort_enrollments, cohort_enrollments_count) =
            loaders::<CohortEnrollments>(db, delay);
        let (alliance_members, alliance_members_count) = loaders::<AllianceMembers>(db, delay);
        let (programme_cohorts, programme_cohorts_count) = loaders::<ProgrammeCohorts>(db, delay);
        Self {
            enterprise_demands,
            enterprise_demands_count,
            alliance_demands,
            alliance_demands_count,
            occupation_demands,
            occupation_demands_count,
            provider_resources,
            provider_resources_count,
            occupation_resources,
            occupation_resources_count,
            alliance_resources,
            alliance_resources_count,
            region_alliances,
            region_alliances_count,
            cohort_enrollments,
            cohort_enrollments_count,
            alliance_members,
            alliance_members_count,
            programme_cohorts,
            programme_cohorts_count,
        }
    }
}

/// The schema's nested-list loaders, from a resolver's context.
pub fn of<'a>(ctx: &Context<'a>) -> crate::error::AppResult<&'a NestedLoaders> {
    ctx.data::<Arc<NestedLoaders>>()
        .map(AsRef::as_ref)
        .map_err(|_| {
            crate::error::AppError::internal("the schema was built without its nested loaders")
        })
}

struct NestedCount<L: Nested> {
    parent: L::Parent,
    filter: L::Filter,
}

impl<L: Nested> CountSource for NestedCount<L> {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<u64>> {
        Box::pin(async move {
            Ok(L::counts(of(ctx)?)
                .load_one((self.parent.clone(), self.filter.clone()))
                .await?
                .unwrap_or(0))
        })
    }
}

/// The connection of `parent`'s rows of `L`: the page through the level's loader (only when
/// edges, nodes or pageInfo are selected), `totalCount` through the counting one when selected. The arguments are validated here, so a bad one is
/// reported with its name before anything is read.
pub async fn connection<L: Nested, N>(
    ctx: &Context<'_>,
    parent: L::Parent,
    filter: L::Filter,
    args: PageArgs,
    f: impl Fn(L::Row) -> N,
) -> async_graphql::Result<Connection<N>> {
    let request = args.request()?;
    let loaders = of(ctx)?;
    let look = ctx.look_ahead();
    let rows_wanted = look.field("edges").exists()
        || look.field("nodes").exists()
        || look.field("pageInfo").exists();
    // The loader is shared by concurrent requests, so the same page may be handed to several: the
    // rows move into the connection when this resolver holds the page alone, else they are copied.
    let page = if rows_wanted {
        L::pages(loaders)
            .load_one((parent.clone(), filter.clone(), Arc::new(args)))
            .await?
            .map(|page| Arc::try_unwrap(page).unwrap_or_else(|shared| (*shared).clone()))
            .unwrap_or_else(|| Page::of(vec![], &request, false))
    } else {
        Page::of(vec![], &request, false)
    };
    let total = TotalCount::Source(Arc::new(NestedCount::<L> { parent, filter }));
    Ok(Connection::from_page(page, total, f))
}

/// [`connection`] for a list nothing narrows.
pub async fn list<L: Nested<Filter = ()>, N>(
    ctx: &Context<'_>,
    parent: L::Parent,
    args: PageArgs,
    f: impl Fn(L::Row) -> N,
) -> async_graphql::Result<Connection<N>> {
    connection::<L, N>(ctx, parent, (), args, f).await
}

macro_rules! nested {
    ($(#[$doc:meta])* $name:ident: $parent:ty, $filter:ty => $row:ty, |$f:ident| $list:expr, $pages:ident, $counts:ident) => {
        $(#[$doc])*
        pub struct $name;

        impl Nested for $name {
            type Parent = $parent;
            type Filter = $filter;
            type Row = $row;
            fn list($f: &Self::Filter) -> NestedList<Self::Row> {
                $list
            }
            fn pages(loaders: &NestedLoaders) -> &DataLoader<PagesOf<Self>> {
                &loaders.$pages
            }
            fn counts(loaders: &NestedLoaders) -> &DataLoader<CountsOf<Self>> {
                &loaders.$counts
            }
        }
    };
}

nested!(
    /// `Organization.demands`.
    EnterpriseDemands: i32, () => demand::Model, |_f| demands::open_of_enterprise(),
    enterprise_demands, enterprise_demands_count
);
nested!(
    /// `Alliance.demands`.
    AllianceDemands: i32, () => demand::Model, |_f| demands::open_of_alliance(),
    alliance_demands, alliance_demands_count
);
nested!(
    /// `Occupation.demands`.
    OccupationDemands: String, () => demand::Model, |_f| demands::open_of_occupation(),
    occupation_demands, occupation_demands_count
);
nested!(
    /// `Organization.openResources`.
    ProviderResources: i32, () => open_resource::Model, |_f| resources::published_of_provider(),
    provider_resources, provider_resources_count
);
nested!(
    /// `Occupation.openResources`.
    OccupationResources: String, () => open_resource::Model, |_f| resources::published_of_occupation(),
    occupation_resources, occupation_resources_count
);
nested!(
    /// `Alliance.openResources`.
    AllianceResources: i32, () => open_resource::Model, |_f| resources::published_of_alliance(),
    alliance_resources, alliance_resources_count
);
nested!(
    /// `Region.alliances`.
    RegionAlliances: i32, () => alliance::Model, |_f| alliances::of_region(),
    region_alliances, region_alliances_count
);
nested!(
    /// `Programme.cohorts`.
    ProgrammeCohorts: i32, () => cohort::Model, |_f| programmes::listing::cohorts_of_programme(),
    programme_cohorts, programme_cohorts_count
);
nested!(
    /// `Cohort.enrollments`.
    CohortEnrollments: i32, () => enrollment::Model, |_f| cohorts::enrollments_of_cohort(),
    cohort_enrollments, cohort_enrollments_count
);
nested!(
    /// `Alliance.members`, narrowed by kinds and role.
    AllianceMembers: i32, (Option<Vec<OrganizationKind>>, Option<MembershipRole>) => memberships::Member,
    |f| memberships::current_of_alliance(f.0.as_deref(), f.1),
    alliance_members, alliance_members_count
);
