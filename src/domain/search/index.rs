//! Writing the search index: every write of a searchable object writes its entry in the same
//! transaction ([`write`]), and the server catches up on start ([`catch_up`]) with rows written
//! before the index existed or under an older version of the term rules.
//!
//! One builder per kind reads what the entry needs for many objects at once, so a write of one
//! object and a catch-up of thousands take the same path.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    SearchKind, SkillLevel, alliance, demand, demand_alliance, occupation, occupation_group,
    open_resource, organization, resource_occupation, search_entry, search_label, special_ability,
    work_type,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    RelationTrait, Set,
    sea_query::{Expr, OnConflict, Query},
};

use super::tokens;
use crate::error::AppResult;

/// How many objects a catch-up step indexes at once.
const BATCH: usize = 500;

/// What an entry says of its object, before its terms are cut.
struct Draft {
    key: String,
    id: Option<i32>,
    title: String,
    body: Vec<String>,
    region_id: Option<i32>,
    county_id: Option<i32>,
    occupation_code: Option<String>,
    level: Option<SkillLevel>,
    ranked_at: DateTime<Utc>,
}

impl Draft {
    fn of(id: i32, title: &str, ranked_at: DateTime<Utc>) -> Self {
        Self {
            key: id.to_string(),
            id: Some(id),
            title: title.to_owned(),
            body: Vec::new(),
            region_id: None,
            county_id: None,
            occupation_code: None,
            level: None,
            ranked_at,
        }
    }
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// The names of an occupation and of its groups, nearest first.
struct Names {
    occupations: HashMap<String, String>,
    groups: HashMap<String, String>,
}

impl Names {
    /// The occupations' names, and their groups' names when `groups` (the entries of demands and
    /// resources carry the occupation's name only).
    async fn load<C: ConnectionTrait>(
        conn: &C,
        codes: &BTreeSet<String>,
        groups: bool,
    ) -> AppResult<Self> {
        let occupations = occupation::Entity::find()
            .filter(occupation::Column::Code.is_in(codes.iter().cloned()))
            .all(conn)
            .await?
            .into_iter()
            .map(|o| (o.code, o.name))
            .collect();
        if !groups {
            return Ok(Self {
                occupations,
                groups: HashMap::new(),
            });
        }
        let group_codes: BTreeSet<String> = codes
            .iter()
            .flat_map(|c| crate::domain::occupations::ancestors(c))
            .map(str::to_owned)
            .collect();
        let groups = occupation_group::Entity::find()
            .filter(occupation_group::Column::Code.is_in(group_codes))
            .all(conn)
            .await?
            .into_iter()
            .map(|g| (g.code, g.name))
            .collect();
        Ok(Self {
            occupations,
            groups,
        })
    }

    fn occupation(&self, code: &str) -> String {
        self.occupations.get(code).cloned().unwrap_or_default()
    }

    /// The groups' names, nearest first.
    fn groups(&self, code: &str) -> Vec<String> {
        crate::domain::occupations::ancestors(code)
            .into_iter()
            .filter_map(|g| self.groups.get(g).cloned())
            .collect()
    }
}

fn ids(keys: &[String]) -> Vec<i32> {
    keys.iter().filter_map(|k| k.parse().ok()).collect()
}

async fn demands<C: ConnectionTrait>(conn: &C, keys: &[String]) -> AppResult<Vec<Draft>> {
    let rows = demand::Entity::find()
        .filter(demand::Column::Id.is_in(ids(keys)))
        .all(conn)
        .await?;
    let codes: BTreeSet<String> = rows.iter().map(|d| d.occupation_code.clone()).collect();
    let names = Names::load(conn, &codes, false).await?;
    let mut alliances: HashMap<i32, Vec<String>> = HashMap::new();
    let linked: Vec<(i32, String)> = demand_alliance::Entity::find()
        .select_only()
        .column(demand_alliance::Column::DemandId)
        .column(alliance::Column::Name)
        .join(
            sea_orm::JoinType::InnerJoin,
            demand_alliance::Relation::Alliance.def(),
        )
        .filter(demand_alliance::Column::DemandId.is_in(rows.iter().map(|d| d.id)))
        .into_tuple()
        .all(conn)
        .await?;
    for (demand_id, name) in linked {
        alliances.entry(demand_id).or_default().push(name);
    }
    let enterprises = organization_names(conn, rows.iter().map(|d| d.enterprise_id)).await?;
    let work_types: HashMap<i32, String> = work_type::Entity::find()
        .filter(work_type::Column::Id.is_in(rows.iter().filter_map(|d| d.work_type_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|w| (w.id, w.name))
        .collect();
    let abilities: HashMap<i32, String> = special_ability::Entity::find()
        .filter(special_ability::Column::Id.is_in(rows.iter().filter_map(|d| d.special_ability_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|d| {
            let mut title = names.occupation(&d.occupation_code);
            for name in [
                d.work_type_id.and_then(|w| work_types.get(&w)),
                d.special_ability_id.and_then(|s| abilities.get(&s)),
            ]
            .into_iter()
            .flatten()
            {
                title.push_str(" · ");
                title.push_str(name);
            }
            let mut draft = Draft::of(d.id, &title, d.posted_at.unwrap_or(d.created_at));
            draft.body.push(d.description.clone());
            draft
                .body
                .extend(enterprises.get(&d.enterprise_id).cloned());
            draft
                .body
                .extend(alliances.remove(&d.id).unwrap_or_default());
            draft.region_id = Some(d.region_id);
            draft.county_id = d.county_id;
            draft.occupation_code = Some(d.occupation_code);
            draft.level = Some(d.level);
            draft
        })
        .collect())
}

async fn organization_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i32>,
) -> AppResult<HashMap<i32, String>> {
    let ids: BTreeSet<i32> = ids.into_iter().collect();
    Ok(organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::Name)
        .filter(organization::Column::Id.is_in(ids))
        .into_tuple::<(i32, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

async fn resources<C: ConnectionTrait>(conn: &C, keys: &[String]) -> AppResult<Vec<Draft>> {
    let rows = open_resource::Entity::find()
        .filter(open_resource::Column::Id.is_in(ids(keys)))
        .all(conn)
        .await?;
    let mut taught: HashMap<i32, Vec<(String, SkillLevel)>> = HashMap::new();
    for link in resource_occupation::Entity::find()
        .filter(resource_occupation::Column::ResourceId.is_in(rows.iter().map(|r| r.id)))
        .all(conn)
        .await?
    {
        taught
            .entry(link.resource_id)
            .or_default()
            .push((link.occupation_code, link.level));
    }
    let codes: BTreeSet<String> = taught.values().flatten().map(|(c, _)| c.clone()).collect();
    let names = Names::load(conn, &codes, false).await?;
    let providers = organization_names(conn, rows.iter().map(|r| r.provider_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut draft = Draft::of(r.id, &r.title, r.published_at);
            let mut pairs = taught.remove(&r.id).unwrap_or_default();
            pairs.sort();
            for (code, _) in &pairs {
                draft.body.push(names.occupation(code));
            }
            draft.body.extend(providers.get(&r.provider_id).cloned());
            draft.body.push(r.address.clone());
            draft.region_id = Some(r.region_id);
            draft.county_id = r.county_id;
            draft.occupation_code = pairs.first().map(|(c, _)| c.clone());
            draft.level = pairs.iter().map(|(_, l)| *l).max();
            draft
        })
        .collect())
}

async fn organizations<C: ConnectionTrait>(conn: &C, keys: &[String]) -> AppResult<Vec<Draft>> {
    let rows = organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids(keys)))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|o| {
            let mut draft = Draft::of(o.id, &o.name, o.created_at);
            draft.body.extend(o.name_en.clone());
            draft.body.extend(o.address.clone());
            draft.region_id = Some(o.region_id);
            draft.county_id = o.county_id;
            draft
        })
        .collect())
}

/// Occupations carry no date; they rank after dated hits of the same score.
fn classification_day() -> DateTime<Utc> {
    midnight(NaiveDate::from_ymd_opt(2022, 9, 28).unwrap_or_default())
}

async fn occupations<C: ConnectionTrait>(conn: &C, keys: &[String]) -> AppResult<Vec<Draft>> {
    let rows = occupation::Entity::find()
        .filter(occupation::Column::Code.is_in(keys.iter().cloned()))
        .all(conn)
        .await?;
    let codes: BTreeSet<String> = rows.iter().map(|o| o.code.clone()).collect();
    let names = Names::load(conn, &codes, true).await?;
    let mut trades: HashMap<String, Vec<String>> = HashMap::new();
    for w in work_type::Entity::find()
        .filter(work_type::Column::OccupationCode.is_in(codes.iter().cloned()))
        .all(conn)
        .await?
    {
        trades.entry(w.occupation_code).or_default().push(w.name);
    }
    Ok(rows
        .into_iter()
        .map(|o| {
            let mut draft = Draft {
                key: o.code.clone(),
                id: None,
                title: o.name.clone(),
                body: vec![o.definition.clone(), o.tasks.clone()],
                region_id: None,
                county_id: None,
                occupation_code: Some(o.code.clone()),
                level: None,
                ranked_at: classification_day(),
            };
            draft.body.extend(names.groups(&o.code));
            draft
                .body
                .extend(trades.remove(&o.code).unwrap_or_default());
            draft
        })
        .collect())
}

/// A work type or special ability: id, name, occupation, region, when added.
type TradeRow = (i32, String, Option<String>, Option<i32>, DateTime<Utc>);

async fn trades<C: ConnectionTrait>(
    conn: &C,
    kind: SearchKind,
    keys: &[String],
) -> AppResult<Vec<Draft>> {
    let rows: Vec<TradeRow> = if kind == SearchKind::WorkType {
        work_type::Entity::find()
            .filter(work_type::Column::Id.is_in(ids(keys)))
            .all(conn)
            .await?
            .into_iter()
            .map(|w| {
                (
                    w.id,
                    w.name,
                    Some(w.occupation_code),
                    w.region_id,
                    w.created_at,
                )
            })
            .collect()
    } else {
        special_ability::Entity::find()
            .filter(special_ability::Column::Id.is_in(ids(keys)))
            .all(conn)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name, s.occupation_code, s.region_id, s.created_at))
            .collect()
    };
    let codes: BTreeSet<String> = rows.iter().filter_map(|r| r.2.clone()).collect();
    let names = Names::load(conn, &codes, true).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, code, region, created)| {
            let mut draft = Draft::of(id, &name, created);
            if let Some(code) = &code {
                draft.body.push(names.occupation(code));
                draft.body.extend(names.groups(code));
            }
            draft.region_id = region;
            draft.occupation_code = code;
            draft
        })
        .collect())
}

async fn alliances<C: ConnectionTrait>(conn: &C, keys: &[String]) -> AppResult<Vec<Draft>> {
    let rows = alliance::Entity::find()
        .filter(alliance::Column::Id.is_in(ids(keys)))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let mut draft = Draft::of(a.id, &a.name, midnight(a.founded_on));
            draft.body.push(a.name_en.clone());
            draft.body.push(a.description.clone());
            draft.region_id = Some(a.region_id);
            draft
        })
        .collect())
}

async fn drafts<C: ConnectionTrait>(
    conn: &C,
    kind: SearchKind,
    keys: &[String],
) -> AppResult<Vec<Draft>> {
    match kind {
        SearchKind::Demand => demands(conn, keys).await,
        SearchKind::OpenResource => resources(conn, keys).await,
        SearchKind::Organization => organizations(conn, keys).await,
        SearchKind::Occupation => occupations(conn, keys).await,
        SearchKind::WorkType | SearchKind::SpecialAbility => trades(conn, kind, keys).await,
        SearchKind::Alliance => alliances(conn, keys).await,
    }
}

/// Writes the entries of these objects of one kind (their ids in decimal, or occupation codes),
/// replacing what the index held of them. Call it in the transaction that wrote them.
pub async fn write<C: ConnectionTrait>(
    conn: &C,
    kind: SearchKind,
    keys: &[String],
) -> AppResult<()> {
    if keys.is_empty() {
        return Ok(());
    }
    let mut drafts = drafts(conn, kind, keys).await?;
    if drafts.is_empty() {
        return Ok(());
    }
    // In key order (numeric for ids), whatever order the database read them in: new entries are
    // numbered alike on both databases.
    drafts.sort_by(|a, b| (a.key.len(), &a.key).cmp(&(b.key.len(), &b.key)));
    let labels: BTreeSet<String> = drafts.iter().map(|d| d.title.clone()).collect();
    let rows = drafts.into_iter().map(|d| {
        let body = d.body.join("\n");
        search_entry::ActiveModel {
            kind: Set(kind),
            object_id: Set(d.id),
            object_key: Set(d.key),
            title_terms: Set(tokens::document(&d.title, true)),
            body_terms: Set(tokens::document(&body, false)),
            title_key: Set(tokens::title_keys(&d.title)),
            title: Set(d.title),
            body: Set(body),
            region_id: Set(d.region_id),
            county_id: Set(d.county_id),
            occupation_code: Set(d.occupation_code),
            level: Set(d.level),
            ranked_at: Set(d.ranked_at),
            version: Set(tokens::VERSION),
            ..Default::default()
        }
    });
    use search_entry::Column as C;
    search_entry::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([C::Kind, C::ObjectKey])
                .update_columns([
                    C::ObjectId,
                    C::Title,
                    C::Body,
                    C::TitleTerms,
                    C::BodyTerms,
                    C::TitleKey,
                    C::RegionId,
                    C::CountyId,
                    C::OccupationCode,
                    C::Level,
                    C::RankedAt,
                    C::Version,
                ])
                .to_owned(),
        )
        .exec(conn)
        .await?;
    write_labels(conn, labels).await
}

/// Adds the titles the label list lacks (a label stays; it is suggested only while an entry of
/// that title is visible).
async fn write_labels<C: ConnectionTrait>(conn: &C, labels: BTreeSet<String>) -> AppResult<()> {
    let rows: Vec<search_label::ActiveModel> = labels
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .map(|label| {
            let (key, pinyin, initials) = tokens::spellings(&label);
            search_label::ActiveModel {
                label: Set(label),
                key: Set(key),
                pinyin: Set(pinyin),
                initials: Set(initials),
                ..Default::default()
            }
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    search_label::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([search_label::Column::Label])
        .exec(conn)
        .await?;
    Ok(())
}

/// [`write`] for objects known by integer id.
pub async fn write_ids<C: ConnectionTrait>(
    conn: &C,
    kind: SearchKind,
    ids: impl IntoIterator<Item = i32>,
) -> AppResult<()> {
    let keys: Vec<String> = ids.into_iter().map(|i| i.to_string()).collect();
    write(conn, kind, &keys).await
}

/// The keys of every object of `kind` whose entry is missing or older than the term rules, in
/// key order (numeric for ids, so both databases number new entries alike).
///
/// One anti-join over the whole table: the planner hashes the index's keys once. (Asking again
/// for the next few hundred after the last batch made PostgreSQL's generic plan of the prepared
/// statement hash every entry each time: 2.5 s a batch at 60,000 demands.)
async fn stale(db: &DatabaseConnection, kind: SearchKind) -> AppResult<Vec<String>> {
    use sea_orm::sea_query::{Alias, ExprTrait};
    let (table, key): (Alias, Alias) = match kind {
        SearchKind::Demand => (Alias::new("demands"), Alias::new("id")),
        SearchKind::OpenResource => (Alias::new("open_resources"), Alias::new("id")),
        SearchKind::Organization => (Alias::new("organizations"), Alias::new("id")),
        SearchKind::Occupation => (Alias::new("occupations"), Alias::new("code")),
        SearchKind::WorkType => (Alias::new("work_types"), Alias::new("id")),
        SearchKind::SpecialAbility => (Alias::new("special_abilities"), Alias::new("id")),
        SearchKind::Alliance => (Alias::new("alliances"), Alias::new("id")),
    };
    let object_key = if kind == SearchKind::Occupation {
        Expr::col((table.clone(), key.clone()))
    } else {
        Expr::col((table.clone(), key.clone())).cast_as(Alias::new(
            if db.get_database_backend() == sea_orm::DbBackend::Postgres {
                "varchar"
            } else {
                "text"
            },
        ))
    };
    let current = Query::select()
        .expr(Expr::val(1))
        .from(search_entry::Entity)
        .and_where(Expr::col((search_entry::Entity, search_entry::Column::Kind)).eq(kind))
        .and_where(
            Expr::col((search_entry::Entity, search_entry::Column::ObjectKey))
                .eq(object_key.clone()),
        )
        .and_where(
            Expr::col((search_entry::Entity, search_entry::Column::Version)).eq(tokens::VERSION),
        )
        .to_owned();
    let statement = Query::select()
        .expr_as(object_key, Alias::new("k"))
        .from(table)
        .and_where(Expr::exists(current).not())
        .to_owned();
    let built = db.get_database_backend().build(&statement);
    let rows = db.query_all_raw(built).await?;
    let mut keys: Vec<String> = rows
        .into_iter()
        .filter_map(|r| r.try_get::<String>("", "k").ok())
        .collect();
    // Text keys (occupation codes) sort alike here whatever each database's collation.
    keys.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
    Ok(keys)
}

/// Indexes every object the index lacks or holds under older term rules, in batches; returns how
/// many it wrote. Run at start, after the migrations.
pub async fn catch_up(db: &DatabaseConnection) -> AppResult<usize> {
    use sea_orm::Iterable;
    let mut written = 0;
    for kind in SearchKind::iter() {
        for chunk in stale(db, kind).await?.chunks(BATCH) {
            let txn = crate::domain::begin_write(db).await?;
            write(&txn, kind, chunk).await?;
            txn.commit().await?;
            written += chunk.len();
        }
    }
    Ok(written)
}
