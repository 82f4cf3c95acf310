//! The search's GraphQL types: hits with their objects, scores and highlighted fragments, and the
//! facet counts of a whole search.

use std::sync::Arc;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, Union};

use crate::{
    domain::{
        kernel::input,
        search::{self, Fragment, Hit, Query, SearchFilter as DomainFilter},
    },
    error::{AppError, AppResult},
    graphql::{
        connection::{Connection, TotalCount},
        context::api,
        types::{
            Alliance, Demand, Occupation, OccupationGroup, OpenResource, Organization, Region,
            SkillLevel, SpecialAbility, WorkType, page_request,
        },
    },
};

/// What kind of object a search hit is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::SearchKind")]
pub enum SearchKind {
    /// An open job or apprenticeship demand.
    Demand,
    /// A current item of a provider's open-resource list.
    OpenResource,
    /// An organization.
    Organization,
    /// An occupation of the national classification (by its name, groups, definition and tasks).
    Occupation,
    /// A work type (工种).
    WorkType,
    /// A special ability (专项职业能力).
    SpecialAbility,
    /// An alliance.
    Alliance,
}

/// Narrows a search; every field narrows.
#[derive(InputObject, Debug, Default)]
pub struct SearchFilter {
    /// Only objects in this region or under it (a province, city or county code); objects
    /// without a place (occupations, national reference rows) are left out.
    pub region: Option<String>,
    /// Only objects about this occupation or group (`6-18`, `6-18-02-04`).
    pub occupation: Option<String>,
    /// Only objects asking or training for this level or above.
    pub min_level: Option<SkillLevel>,
}

/// Reads the search's arguments: the text (1–100 characters with a letter, digit or Chinese
/// character) and the filter.
pub fn search_input(
    text: &str,
    kinds: Option<Vec<SearchKind>>,
    filter: Option<SearchFilter>,
) -> AppResult<(Query, DomainFilter)> {
    let needle = text.trim();
    let len = needle.chars().count();
    if len == 0 || len > 100 {
        return Err(AppError::validation("text", "1 to 100 characters"));
    }
    let query = Query::parse(needle).ok_or_else(|| {
        AppError::validation(
            "text",
            "give a letter, a digit or a Chinese character to search for",
        )
    })?;
    let filter = filter.unwrap_or_default();
    let mut kinds: Vec<entity::SearchKind> = kinds
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect();
    kinds.sort();
    kinds.dedup();
    Ok((
        query,
        DomainFilter {
            kinds,
            region: filter
                .region
                .map(|r| input::one("filter.region", &r))
                .transpose()?,
            occupation: filter
                .occupation
                .map(|o| input::one("filter.occupation", &o))
                .transpose()?,
            min_level: filter.min_level.map(Into::into),
        },
    ))
}

/// Which text of a hit a fragment comes from.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchField {
    /// The hit's title (a demand's occupation, a resource's title, a name).
    Title,
    /// The text searched beside it (a description, a definition and tasks, group names).
    Body,
}

/// Characters of a fragment that matched, counted in Unicode characters from 0.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct TextRange {
    /// The first matched character.
    pub start: i32,
    /// One past the last matched character.
    pub end: i32,
}

/// A stretch of a hit's text around what matched, with the matched characters.
#[derive(SimpleObject, Debug, Clone)]
pub struct SearchHighlight {
    /// Which text it comes from.
    pub field: SearchField,
    /// The stretch, with "…" where it was cut.
    pub text: String,
    /// What matched within `text`, in order.
    pub ranges: Vec<TextRange>,
}

impl SearchHighlight {
    fn of(field: SearchField, fragment: Fragment) -> Self {
        Self {
            field,
            ranges: fragment
                .ranges
                .into_iter()
                .map(|(s, e)| TextRange {
                    start: i32::try_from(s).unwrap_or(i32::MAX),
                    end: i32::try_from(e).unwrap_or(i32::MAX),
                })
                .collect(),
            text: fragment.text,
        }
    }
}

/// The object a hit found.
#[derive(Union)]
pub enum SearchResult {
    /// A demand.
    Demand(Demand),
    /// An open resource.
    OpenResource(OpenResource),
    /// An organization.
    Organization(Organization),
    /// An occupation.
    Occupation(Occupation),
    /// A work type.
    WorkType(WorkType),
    /// A special ability.
    SpecialAbility(SpecialAbility),
    /// An alliance.
    Alliance(Alliance),
}

/// One hit of a search.
pub struct SearchHit {
    hit: Hit,
    query: Arc<Query>,
}

impl SearchHit {
    /// A hit of `query`.
    pub fn new(hit: Hit, query: Arc<Query>) -> Self {
        Self { hit, query }
    }
}

/// One hit of a search: the object, its score and where the text matched it.
#[Object]
impl SearchHit {
    /// What kind of object it is.
    async fn kind(&self) -> SearchKind {
        self.hit.entry.kind.into()
    }

    /// Its relevance: 1 for a match, 4 more when the title alone matches, 2 more when the text is
    /// the title itself. Hits are ordered by it, then newest first.
    async fn score(&self) -> i32 {
        i32::try_from(self.hit.score).unwrap_or(i32::MAX)
    }

    /// The hit's title as searched (a demand's occupation and work type, a name).
    async fn title(&self) -> &str {
        &self.hit.entry.title
    }

    /// Where the text matched: the title's fragment first, then the body's, each when it matched.
    async fn highlights(&self) -> Vec<SearchHighlight> {
        let (title, body) = search::highlights(&self.query, &self.hit.entry);
        title
            .map(|f| SearchHighlight::of(SearchField::Title, f))
            .into_iter()
            .chain(body.map(|f| SearchHighlight::of(SearchField::Body, f)))
            .collect()
    }

    /// The object itself (null if it was removed since the page was read).
    async fn node(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SearchResult>> {
        let loaders = &api(ctx)?.loaders;
        let entry = &self.hit.entry;
        let id = entry.object_id.unwrap_or_default();
        use entity::SearchKind as K;
        Ok(match entry.kind {
            K::Demand => loaders
                .demand
                .load_one(id)
                .await?
                .map(|d| SearchResult::Demand(Demand(d))),
            K::OpenResource => loaders
                .open_resource
                .load_one(id)
                .await?
                .map(|r| SearchResult::OpenResource(OpenResource(r))),
            K::Organization => loaders
                .organization
                .load_one(id)
                .await?
                .map(|o| SearchResult::Organization(Organization(o))),
            K::Occupation => loaders
                .occupation
                .load_one(entry.object_key.clone())
                .await?
                .map(|o| SearchResult::Occupation(Occupation(o))),
            K::WorkType => loaders
                .work_type
                .load_one(id)
                .await?
                .map(|w| SearchResult::WorkType(WorkType(w))),
            K::SpecialAbility => loaders
                .special_ability
                .load_one(id)
                .await?
                .map(|s| SearchResult::SpecialAbility(SpecialAbility(s))),
            K::Alliance => loaders
                .alliance
                .load_one(id)
                .await?
                .map(|a| SearchResult::Alliance(Alliance(a))),
        })
    }
}

/// How many hits are of one kind.
#[derive(SimpleObject, Debug, Clone)]
pub struct KindCount {
    /// The kind.
    pub kind: SearchKind,
    /// Its hits.
    pub count: i32,
}

/// How many hits are in one city.
pub struct RegionCount {
    region_id: i32,
    count: i32,
}

/// How many hits are in one city.
#[Object]
impl RegionCount {
    /// The city.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        Ok(api(ctx)?
            .loaders
            .region
            .load_one(self.region_id)
            .await?
            .map(Region))
    }

    /// Its hits.
    async fn count(&self) -> i32 {
        self.count
    }
}

/// How many hits are about one occupation group (中类).
pub struct GroupCount {
    code: String,
    count: i32,
}

/// How many hits are about one occupation group (中类).
#[Object]
impl GroupCount {
    /// The group's code (`6-18`).
    async fn code(&self) -> &str {
        &self.code
    }

    /// The group.
    async fn group(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OccupationGroup>> {
        Ok(api(ctx)?
            .loaders
            .occupation_group
            .load_one(self.code.clone())
            .await?
            .map(OccupationGroup))
    }

    /// Its hits.
    async fn count(&self) -> i32 {
        self.count
    }
}

/// How many hits ask or train for one level.
#[derive(SimpleObject, Debug, Clone)]
pub struct LevelCount {
    /// The level.
    pub level: SkillLevel,
    /// Its hits.
    pub count: i32,
}

fn small(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The results of a search: pages of hits, and counts over every hit.
pub struct SearchResults {
    /// The parsed text.
    pub query: Arc<Query>,
    /// The filter.
    pub filter: DomainFilter,
}

/// The results of a search: pages of hits, and counts over every hit.
#[Object]
impl SearchResults {
    /// The hits, best first (a Relay connection; `totalCount` counts every hit).
    async fn hits(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Read forwards: at most this many hits, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many hits, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<SearchHit>> {
        use futures_util::FutureExt;
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let page =
            search::search(&*api.db.turn().await?, &self.query, &self.filter, &request).await?;
        let db = api.db.clone();
        let (query, filter) = (self.query.clone(), self.filter.clone());
        let total = TotalCount::deferred(move || {
            let (db, query, filter) = (db.clone(), query.clone(), filter.clone());
            async move { search::count(&*db.turn().await?, &query, &filter).await }.boxed()
        });
        let query = self.query.clone();
        Ok(Connection::from_page(page, total, move |hit| {
            SearchHit::new(hit, query.clone())
        }))
    }

    /// Every hit counted by kind, by city, by occupation group (中类) and by level, one grouped
    /// statement each (hits without a city, group or level are left out of that count).
    async fn facets(&self, ctx: &Context<'_>) -> async_graphql::Result<SearchFacets> {
        let api = api(ctx)?;
        let facets = search::facets(&*api.db.turn().await?, &self.query, &self.filter).await?;
        Ok(SearchFacets {
            kinds: facets
                .kinds
                .into_iter()
                .map(|f| KindCount {
                    kind: f.value.into(),
                    count: small(f.count),
                })
                .collect(),
            regions: facets
                .regions
                .into_iter()
                .map(|f| RegionCount {
                    region_id: f.value,
                    count: small(f.count),
                })
                .collect(),
            groups: facets
                .groups
                .into_iter()
                .map(|f| GroupCount {
                    code: f.value,
                    count: small(f.count),
                })
                .collect(),
            levels: facets
                .levels
                .into_iter()
                .map(|f| LevelCount {
                    level: f.value.into(),
                    count: small(f.count),
                })
                .collect(),
        })
    }
}

/// Counts over every hit of a search.
#[derive(SimpleObject)]
pub struct SearchFacets {
    /// By kind.
    pub kinds: Vec<KindCount>,
    /// By city.
    pub regions: Vec<RegionCount>,
    /// By occupation group (中类).
    pub groups: Vec<GroupCount>,
    /// By level.
    pub levels: Vec<LevelCount>,
}

/// Which spelling of a title a prefix began.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::search::suggest::Spelling")]
pub enum CompletionMatch {
    /// The title itself (焊 → 焊工).
    Name,
    /// Its pinyin in full (hang → 焊工).
    Pinyin,
    /// Its pinyin initials (hg → 焊工).
    Initials,
}

/// A title to complete what was typed.
#[derive(SimpleObject, Debug, Clone)]
pub struct Completion {
    /// The title, to show and to search for.
    pub text: String,
    /// Which spelling of it the prefix began.
    pub matched: CompletionMatch,
}

impl From<crate::domain::search::suggest::Suggestion> for Completion {
    fn from(s: crate::domain::search::suggest::Suggestion) -> Self {
        Self {
            text: s.label,
            matched: s.matched.into(),
        }
    }
}
