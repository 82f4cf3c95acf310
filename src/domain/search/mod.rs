//! Search across the graph: one index of demands, open resources, organizations, occupations,
//! work types, special abilities and alliances, ranked the same on both databases.
//!
//! The server cuts text into terms ([`tokens`]) and stores them per object ([`index`], written in
//! the transaction of every write); each database matches the terms exactly with its own
//! full-text engine (PostgreSQL `tsvector` under a GIN index, SQLite FTS5), so both find the same
//! rows. The score is an integer both compute alike: 1 for a match, 4 more when the title alone
//! matches, 2 more when the query is the title itself (or its pinyin, or its initials); ties go to the newer object, then to the
//! later entry. Pages are keyset pages on (score, recency, entry) like every other list.
//!
//! What a viewer finds is what the lists show them: open demands, current open resources, and
//! the public reference lists. The `text` filters of the lists use the same index
//! ([`matching`]), so no list scans a table for text.

pub mod index;
pub mod suggest;
pub mod tokens;

use std::collections::{BTreeMap, HashSet};

use entity::{SearchKind, SkillLevel, demand, open_resource, search_entry};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QuerySelect, Select,
    sea_query::{Expr, ExprTrait, LikeExpr, Query as SqlQuery, SelectStatement, SimpleExpr},
};

pub use tokens::{Fragment, Query};

use crate::{
    domain::{
        kernel::codes::{OccupationPrefix, RegionCode},
        read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
    },
    error::AppResult,
};

/// What to search among; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    /// Only these kinds (every kind when empty).
    pub kinds: Vec<SearchKind>,
    /// Only objects in this region or under it (objects without a place are left out).
    pub region: Option<RegionCode>,
    /// Only objects about this occupation or group.
    pub occupation: Option<OccupationPrefix>,
    /// Only objects asking or training for this level or above.
    pub min_level: Option<SkillLevel>,
}

/// One hit: the entry and its score.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The entry, with the object's kind and key.
    pub entry: search_entry::Model,
    /// Its score (see the module docs).
    pub score: i64,
}

/// `search_entries` rows of any of `kinds` (every kind when empty) whose terms match `query`,
/// as each database says it. On PostgreSQL the kinds are terms of the document (`_demand`), so
/// the whole condition is one search of the GIN index; on SQLite the FTS5 table finds the
/// entries and the kind is checked on each.
fn matches(backend: DbBackend, query: &Query, kinds: &[SearchKind]) -> SimpleExpr {
    use sea_orm::ActiveEnum;
    match backend {
        DbBackend::Postgres => {
            let mut tsquery = query.tsquery();
            if !kinds.is_empty() {
                let any: Vec<String> = kinds
                    .iter()
                    .map(|k| format!("'_{}'", k.to_value().to_lowercase()))
                    .collect();
                tsquery = format!("({tsquery}) & ({})", any.join(" | "));
            }
            Expr::cust_with_values("search_entries.document @@ CAST($1 AS tsquery)", [tsquery])
        }
        _ => {
            use sea_orm::ActiveEnum;
            let found = Expr::cust_with_values(
                "search_entries.id IN (SELECT rowid FROM search_terms WHERE search_terms MATCH ?)",
                [query.fts5()],
            );
            if kinds.is_empty() {
                found
            } else {
                // `+kind`: checked on each entry the FTS5 table found, not read through the
                // (kind, key) index, which would walk every entry of the kind.
                let names: Vec<String> = kinds.iter().map(|k| k.to_value()).collect();
                let marks = vec!["?"; names.len()].join(", ");
                found.and(Expr::cust_with_values(
                    format!("+search_entries.kind IN ({marks})"),
                    names,
                ))
            }
        }
    }
}

/// The score of an entry in SQL (see the module docs).
fn score_sql(backend: DbBackend, query: &Query) -> SimpleExpr {
    match backend {
        DbBackend::Postgres => Expr::cust_with_values(
            "(CASE WHEN search_entries.title_document @@ CAST($1 AS tsquery) THEN 4 ELSE 0 END \
             + CASE WHEN ' ' || search_entries.title_key || ' ' LIKE $2 THEN 2 ELSE 0 END + 1)",
            [query.tsquery(), format!("% {} %", query.key)],
        ),
        _ => Expr::cust_with_values(
            "(CASE WHEN search_entries.id IN (SELECT rowid FROM search_terms \
             WHERE search_terms MATCH ?) THEN 4 ELSE 0 END \
             + CASE WHEN ' ' || search_entries.title_key || ' ' LIKE ? THEN 2 ELSE 0 END + 1)",
            [
                format!("title_terms : ({})", query.fts5()),
                format!("% {} %", query.key),
            ],
        ),
    }
}

/// The score of an entry computed from the row, exactly as [`score_sql`] computes it.
pub fn score_of(query: &Query, entry: &search_entry::Model) -> i64 {
    let title: HashSet<&str> = entry.title_terms.split(' ').collect();
    let mut score = 1;
    if query.matches(&title) {
        score += 4;
    }
    if entry.title_key.split(' ').any(|k| k == query.key) {
        score += 2;
    }
    score
}

/// The keys of the objects of `kind` whose entries match `query`: for a list's `text` filter
/// (`id IN (…)`, or `code IN (…)` for occupations).
pub fn matching(backend: DbBackend, kind: SearchKind, query: &Query) -> SelectStatement {
    let column = if kind == SearchKind::Occupation {
        search_entry::Column::ObjectKey
    } else {
        search_entry::Column::ObjectId
    };
    SqlQuery::select()
        .column((search_entry::Entity, column))
        .from(search_entry::Entity)
        .and_where(matches(backend, query, &[kind]))
        .to_owned()
}

/// The entries a viewer may find: open demands, current open resources and every public
/// reference row. (Written so that no branch is a bare condition on the kind, which PostgreSQL
/// would rather serve from the unique index than let the GIN index find the few matches.)
pub(super) fn visible() -> Condition {
    let kind = || Expr::col((search_entry::Entity, search_entry::Column::Kind));
    let object = || Expr::col((search_entry::Entity, search_entry::Column::ObjectId));
    // Asked per matched entry by primary key, not as a set of every open demand: a search
    // matches a few hundred entries, the city has hundreds of thousands of open demands. A
    // scalar subquery (`(SELECT 1 … LIMIT 1) IS NOT NULL`), since PostgreSQL turns an EXISTS
    // under an OR into a hashed set of every open demand and every current resource when it
    // expects a thousand matches (170 ms a search at 200,000 demands); a scalar subquery it
    // runs per row.
    let open_demand = SqlQuery::select()
        .expr(Expr::val(1))
        .from(demand::Entity)
        .and_where(Expr::col((demand::Entity, demand::Column::Id)).eq(object()))
        .cond_where(crate::domain::demands::open_now())
        .limit(1)
        .to_owned();
    let current_resource = SqlQuery::select()
        .expr(Expr::val(1))
        .from(open_resource::Entity)
        .and_where(Expr::col((open_resource::Entity, open_resource::Column::Id)).eq(object()))
        .cond_where(crate::domain::training::resources::current())
        .limit(1)
        .to_owned();
    let per_row = |statement: sea_orm::sea_query::SelectStatement| {
        Expr::SubQuery(
            None,
            Box::new(sea_orm::sea_query::SubQueryStatement::SelectStatement(
                statement,
            )),
        )
        .is_not_null()
    };
    Condition::any()
        .add(kind().is_not_in([SearchKind::Demand, SearchKind::OpenResource]))
        .add(
            Condition::all()
                .add(kind().eq(SearchKind::Demand))
                .add(per_row(open_demand)),
        )
        .add(
            Condition::all()
                .add(kind().eq(SearchKind::OpenResource))
                .add(per_row(current_resource)),
        )
}

/// The entries matching `query` that the filter and the viewer's visibility leave.
fn select(
    backend: DbBackend,
    query: &Query,
    filter: &SearchFilter,
) -> Select<search_entry::Entity> {
    let mut cond = Condition::all()
        .add(matches(backend, query, &filter.kinds))
        .add(visible());
    if let Some(region) = &filter.region {
        cond = cond.add(crate::domain::network::regions::located_in(
            std::slice::from_ref(region),
            (search_entry::Entity, search_entry::Column::RegionId),
            (search_entry::Entity, search_entry::Column::CountyId),
        ));
    }
    if let Some(prefix) = &filter.occupation {
        cond = cond.add(
            Expr::col((search_entry::Entity, search_entry::Column::OccupationCode))
                .like(LikeExpr::new(prefix.like_pattern())),
        );
    }
    if let Some(level) = filter.min_level {
        cond = cond.add(search_entry::Column::Level.gte(level));
    }
    search_entry::Entity::find().filter(cond)
}

fn ordering(backend: DbBackend, query: &Query) -> Ordering<search_entry::Entity> {
    let scored = query.clone();
    Ordering {
        name: "search:score".to_owned(),
        keys: vec![
            SortKey {
                expr: score_sql(backend, query),
                descending: true,
                kind: KeyKind::Int,
                value: Box::new(move |m| CursorValue::Int(score_of(&scored, m))),
                nearest: None,
            },
            SortKey::column(
                search_entry::Column::RankedAt,
                true,
                KeyKind::Time,
                |m: &search_entry::Model| CursorValue::Time(m.ranked_at),
            ),
            SortKey::column(
                search_entry::Column::Id,
                true,
                KeyKind::Int,
                |m: &search_entry::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    }
}

/// One page of hits, best first.
pub async fn search<C: ConnectionTrait>(
    db: &C,
    query: &Query,
    filter: &SearchFilter,
    request: &PageRequest,
) -> AppResult<Page<Hit>> {
    let backend = db.get_database_backend();
    let page = page::fetch_page(
        db,
        select(backend, query, filter),
        &ordering(backend, query),
        request,
    )
    .await?;
    Ok(page.map(|entry| Hit {
        score: score_of(query, &entry),
        entry,
    }))
}

/// How many hits there are.
pub async fn count<C: ConnectionTrait>(
    db: &C,
    query: &Query,
    filter: &SearchFilter,
) -> AppResult<u64> {
    page::count(db, select(db.get_database_backend(), query, filter)).await
}

/// One facet: how many hits share a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount<V> {
    /// The value.
    pub value: V,
    /// How many hits have it.
    pub count: u64,
}

/// Hit counts by kind, city, occupation group (中类, `6-18`) and level, over every hit.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    /// By kind.
    pub kinds: Vec<FacetCount<SearchKind>>,
    /// By city (region id).
    pub regions: Vec<FacetCount<i32>>,
    /// By occupation group (中类 code).
    pub groups: Vec<FacetCount<String>>,
    /// By level.
    pub levels: Vec<FacetCount<SkillLevel>>,
}

async fn grouped<V, C>(
    db: &C,
    select: Select<search_entry::Entity>,
    by: SimpleExpr,
) -> AppResult<Vec<FacetCount<V>>>
where
    V: sea_orm::TryGetable + Ord,
    C: ConnectionTrait,
{
    let rows: Vec<(Option<V>, i64)> = select
        .select_only()
        .expr_as(by.clone(), "v")
        .expr_as(Expr::col(search_entry::Column::Id).count(), "n")
        .group_by(by)
        .into_tuple()
        .all(db)
        .await?;
    let counts: BTreeMap<V, u64> = rows
        .into_iter()
        .filter_map(|(v, n)| v.map(|v| (v, u64::try_from(n).unwrap_or(0))))
        .collect();
    Ok(counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect())
}

/// The facet counts of a search, one grouped statement each.
pub async fn facets(
    db: &DatabaseConnection,
    query: &Query,
    filter: &SearchFilter,
) -> AppResult<Facets> {
    let backend = db.get_database_backend();
    let base = || select(backend, query, filter);
    let group = Expr::cust("SUBSTR(search_entries.occupation_code, 1, 4)");
    Ok(Facets {
        kinds: grouped(db, base(), Expr::col(search_entry::Column::Kind)).await?,
        regions: grouped(db, base(), Expr::col(search_entry::Column::RegionId)).await?,
        groups: grouped(db, base(), group).await?,
        levels: grouped(db, base(), Expr::col(search_entry::Column::Level)).await?,
    })
}

/// The fragments of an entry's title and body that show where `query` matched them.
pub fn highlights(
    query: &Query,
    entry: &search_entry::Model,
) -> (Option<Fragment>, Option<Fragment>) {
    (
        tokens::highlight(&entry.title, true, query),
        tokens::highlight(&entry.body, false, query),
    )
}
