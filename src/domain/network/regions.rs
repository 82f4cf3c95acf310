//! Regions (地区): every province, city and county of the statistical division codes, loaded by a
//! migration as reference data, in a tree (`parent`, `level`). A region filter anywhere means the
//! region and everything under it ([`within`]).

use std::collections::HashMap;

use entity::{RegionLevel, region};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement},
};

use crate::domain::kernel::codes::RegionCode;
use crate::error::{AppError, AppResult};

/// Which regions to list; the fields narrow together.
#[derive(Debug, Clone, Default)]
pub struct RegionFilter {
    /// Only these levels.
    pub levels: Vec<RegionLevel>,
    /// Only the regions directly under this one.
    pub parent: Option<RegionCode>,
    /// Only these codes.
    pub codes: Vec<RegionCode>,
    /// Only regions in service (true): an organization or alliance is registered in them; or
    /// only regions not in service (false).
    pub in_service: Option<bool>,
}

/// The regions `filter` names, by code. The whole tree is 3,348 rows; a portal narrows it by
/// level, parent or service.
pub async fn list(db: &DatabaseConnection, filter: &RegionFilter) -> AppResult<Vec<region::Model>> {
    let mut cond = Condition::all();
    if !filter.levels.is_empty() {
        cond = cond.add(region::Column::Level.is_in(filter.levels.clone()));
    }
    if let Some(parent) = &filter.parent {
        cond = cond.add(
            region::Column::ParentId.in_subquery(
                Query::select()
                    .column(region::Column::Id)
                    .from(region::Entity)
                    .and_where(Expr::col(region::Column::Code).eq(parent.as_str()))
                    .to_owned(),
            ),
        );
    }
    if !filter.codes.is_empty() {
        cond = cond
            .add(region::Column::Code.is_in(filter.codes.iter().map(|c| c.as_str().to_owned())));
    }
    if let Some(wanted) = filter.in_service {
        cond = cond.add(region::Column::InService.eq(wanted));
    }
    Ok(region::Entity::find()
        .filter(cond)
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?)
}

/// Marks `region_id` in service (an organization or alliance is registered in it), in the
/// transaction of the write that registers it.
pub async fn put_in_service<C: ConnectionTrait>(db: &C, region_id: i32) -> AppResult<()> {
    region::Entity::update_many()
        .col_expr(region::Column::InService, Expr::value(true))
        .filter(region::Column::Id.eq(region_id))
        .filter(region::Column::InService.eq(false))
        .exec(db)
        .await?;
    Ok(())
}

/// The ids of the regions `codes` name and of every region under them (a province's cities and
/// their counties, a city's counties), as a subquery: `region_id IN (within(…))` is what a region
/// filter means. Each step is an index lookup (the unique code, then `idx_regions_parent`).
pub fn within(codes: &[RegionCode]) -> SelectStatement {
    let named = || {
        Query::select()
            .column(region::Column::Id)
            .from(region::Entity)
            .and_where(
                Expr::col(region::Column::Code).is_in(codes.iter().map(|c| c.as_str().to_owned())),
            )
            .to_owned()
    };
    let children = Query::select()
        .column(region::Column::Id)
        .from(region::Entity)
        .and_where(Expr::col(region::Column::ParentId).in_subquery(named()))
        .to_owned();
    Query::select()
        .column(region::Column::Id)
        .from(region::Entity)
        .cond_where(
            Condition::any()
                .add(
                    Expr::col(region::Column::Code)
                        .is_in(codes.iter().map(|c| c.as_str().to_owned())),
                )
                .add(Expr::col(region::Column::ParentId).in_subquery(named()))
                .add(Expr::col(region::Column::ParentId).in_subquery(children)),
        )
        .to_owned()
}

/// The children of each of `ids`, by code.
pub async fn children_of(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<region::Model>>> {
    let mut map: HashMap<i32, Vec<region::Model>> = HashMap::new();
    for r in region::Entity::find()
        .filter(region::Column::ParentId.is_in(ids.iter().copied()))
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?
    {
        if let Some(parent) = r.parent_id {
            map.entry(parent).or_default().push(r);
        }
    }
    Ok(map)
}

/// Every region, by id (the in-memory reference table).
pub async fn by_id_all(db: &DatabaseConnection) -> AppResult<HashMap<i32, region::Model>> {
    Ok(region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}

/// One region by its code.
pub async fn by_code<C: ConnectionTrait>(
    db: &C,
    code: &RegionCode,
) -> AppResult<Option<region::Model>> {
    Ok(region::Entity::find()
        .filter(region::Column::Code.eq(code.as_str()))
        .one(db)
        .await?)
}

/// The region a new row names by `code`: it must exist, be current (a retired region's rows stay,
/// new ones go to its successor) and be a city — rows belong to a city, which its regulator
/// supervises. A refusal names `field`.
pub async fn for_new_rows<C: ConnectionTrait>(
    db: &C,
    field: &str,
    code: &RegionCode,
) -> AppResult<region::Model> {
    let found = by_code(db, code)
        .await?
        .ok_or_else(|| AppError::validation(field, "no region has this code"))?;
    check_for_new_rows(field, &found)?;
    Ok(found)
}

/// Why `region` takes no new rows, if it does not.
pub fn check_for_new_rows(field: &str, region: &region::Model) -> AppResult<()> {
    match why_no_new_rows(region) {
        Some(why) => Err(AppError::validation(field, why)),
        None => Ok(()),
    }
}

/// The reason `region` takes no new rows (retired, or not a city), if there is one: for callers
/// that name the field themselves (a spreadsheet's row and column).
pub fn why_no_new_rows(region: &region::Model) -> Option<String> {
    if let Some(why) = retired(region) {
        return Some(why);
    }
    if region.level != RegionLevel::City {
        return Some(format!(
            "{} is not a city; rows belong to a city (地级市)",
            region.code
        ));
    }
    None
}

/// Where a new row is: its city (what `region_id` holds, and whose regulator supervises it) and,
/// when known, its county.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The city.
    pub city_id: i32,
    /// The county-level region under it.
    pub county_id: Option<i32>,
}

/// The places of the regions some new rows name, read in three statements whatever their number:
/// each code's city and county, or why it takes no new rows.
#[derive(Debug, Default)]
pub struct Places {
    by_code: HashMap<String, Result<Place, String>>,
    /// The current counties of each city named, by id and name, to read addresses with.
    counties: HashMap<i32, Vec<(i32, String)>>,
}

impl Places {
    /// Reads the regions `codes` name, and the cities above the counties among them.
    pub async fn read<C: ConnectionTrait>(
        db: &C,
        codes: impl IntoIterator<Item = String>,
    ) -> AppResult<Self> {
        let named = region::Entity::find()
            .filter(region::Column::Code.is_in(codes))
            .all(db)
            .await?;
        let parents: HashMap<i32, region::Model> = region::Entity::find()
            .filter(
                region::Column::Id.is_in(
                    named
                        .iter()
                        .filter(|r| r.level == RegionLevel::County)
                        .filter_map(|r| r.parent_id),
                ),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let by_code: HashMap<String, Result<Place, String>> = named
            .into_iter()
            .map(|r| {
                let parent = r.parent_id.and_then(|p| parents.get(&p));
                let place = place_of(&r, parent);
                (r.code, place)
            })
            .collect();
        let cities: Vec<i32> = by_code
            .values()
            .filter_map(|p| p.as_ref().ok())
            .filter(|p| p.county_id.is_none())
            .map(|p| p.city_id)
            .collect();
        let counties = current_counties(db, cities).await?;
        Ok(Self { by_code, counties })
    }

    /// [`Places::get`], with the county read from `address` when a city is named and the address
    /// names one of its counties for certain.
    pub fn get_at(&self, code: &str, address: &str) -> Option<Result<Place, String>> {
        let place = self.get(code)?.clone();
        Some(
            place.map(|p| match (p.county_id, self.counties.get(&p.city_id)) {
                (None, Some(counties)) => Place {
                    county_id: county_named(counties, address),
                    ..p
                },
                _ => p,
            }),
        )
    }

    /// The place `code` names: `None` when no region has the code, the reason when it takes no
    /// new rows.
    pub fn get(&self, code: &str) -> Option<&Result<Place, String>> {
        self.by_code.get(code)
    }
}

/// The place a region gives a new row: a current city is the row's city; a current county is the
/// row's county, under its city; anything else (a province, a retired region) is refused with the
/// reason.
fn place_of(r: &region::Model, parent: Option<&region::Model>) -> Result<Place, String> {
    if let Some(why) = retired(r) {
        return Err(why);
    }
    match r.level {
        RegionLevel::City => Ok(Place {
            city_id: r.id,
            county_id: None,
        }),
        RegionLevel::County => match parent {
            Some(city) if city.level == RegionLevel::City && city.retired_at.is_none() => {
                Ok(Place {
                    city_id: city.id,
                    county_id: Some(r.id),
                })
            }
            _ => Err(format!("{} is not under a current city", r.code)),
        },
        RegionLevel::Province => Err(format!(
            "{} is a province; rows belong to a city (地级市) or a county under it",
            r.code
        )),
    }
}

fn retired(r: &region::Model) -> Option<String> {
    r.retired_at
        .is_some()
        .then(|| format!("{} is retired; use the region that took over", r.code))
}

/// The place a new row names by `code` (a current city or county), refused naming `field`. When
/// `code` is a city and `address` names one of its counties for certain, that is the county.
pub async fn place_for_new_rows<C: ConnectionTrait>(
    db: &C,
    field: &str,
    code: &RegionCode,
    address: Option<&str>,
) -> AppResult<Place> {
    let places = Places::read(db, [code.as_str().to_owned()]).await?;
    match places.get_at(code.as_str(), address.unwrap_or_default()) {
        None => Err(AppError::validation(field, "no region has this code")),
        Some(Err(why)) => Err(AppError::validation(field, why)),
        Some(Ok(place)) => Ok(place),
    }
}

/// `place` with its county read from `address` when it has none and the address names one of the
/// city's current counties for certain (`entity::region::county_in_address`).
pub async fn with_county_from<C: ConnectionTrait>(
    db: &C,
    place: Place,
    address: Option<&str>,
) -> AppResult<Place> {
    let Some(address) = address.filter(|a| !a.trim().is_empty()) else {
        return Ok(place);
    };
    if place.county_id.is_some() {
        return Ok(place);
    }
    let counties = current_counties(db, [place.city_id]).await?;
    Ok(Place {
        county_id: counties
            .get(&place.city_id)
            .and_then(|c| county_named(c, address)),
        ..place
    })
}

/// The current counties of each of `cities`, by id and name (one statement).
async fn current_counties<C: ConnectionTrait>(
    db: &C,
    cities: impl IntoIterator<Item = i32>,
) -> AppResult<HashMap<i32, Vec<(i32, String)>>> {
    let cities: Vec<i32> = cities.into_iter().collect();
    let mut counties: HashMap<i32, Vec<(i32, String)>> = HashMap::new();
    if cities.is_empty() {
        return Ok(counties);
    }
    let rows: Vec<(i32, String, Option<i32>)> = region::Entity::find()
        .select_only()
        .column(region::Column::Id)
        .column(region::Column::Name)
        .column(region::Column::ParentId)
        .filter(region::Column::ParentId.is_in(cities))
        .filter(region::Column::Level.eq(RegionLevel::County))
        .filter(region::Column::RetiredAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    for (id, name, parent) in rows {
        if let Some(city) = parent {
            counties.entry(city).or_default().push((id, name));
        }
    }
    Ok(counties)
}

/// The one of `counties` that `address` names for certain (`entity::region::county_in_address`).
fn county_named(counties: &[(i32, String)], address: &str) -> Option<i32> {
    let named: Vec<(i32, &str)> = counties.iter().map(|(i, n)| (*i, n.as_str())).collect();
    region::county_in_address(address, &named)
}

/// An aggregate groups its rows by one region level at most (a row has one region): `chosen`
/// is how many of `levels` (their names, for the message) the request asked for.
pub fn one_region_level(chosen: usize, levels: &str) -> AppResult<()> {
    if chosen > 1 {
        return Err(AppError::validation(
            "groupBy",
            format!("group by one region level at a time ({levels})"),
        ));
    }
    Ok(())
}

/// A region filter on a table that carries a city (`city`) and a county (`county`): rows whose
/// city or county is the named region or under it. Both columns are indexed, so the `OR` is two
/// index lookups.
pub fn located_in(
    codes: &[RegionCode],
    city: impl sea_orm::sea_query::IntoColumnRef,
    county: impl sea_orm::sea_query::IntoColumnRef,
) -> Condition {
    Condition::any()
        .add(Expr::col(city).in_subquery(within(codes)))
        .add(Expr::col(county).in_subquery(within(codes)))
}

/// The parent of the region whose id `region` gives, as an expression (a scalar subquery on the
/// primary key): a city's province, a county's city.
pub fn parent_of(region: Expr) -> Expr {
    Expr::expr(
        Query::select()
            .column((Alias::new("parent_region"), region::Column::ParentId))
            .from_as(region::Entity, Alias::new("parent_region"))
            .and_where(Expr::col((Alias::new("parent_region"), region::Column::Id)).eq(region))
            .to_owned(),
    )
}

/// A region added or changed by the system administrator, every value parsed already.
#[derive(Debug, Clone)]
pub struct RegionChange {
    /// Its code (six digits).
    pub code: RegionCode,
    /// Its Chinese name.
    pub name: String,
    /// Its English name (empty: none known).
    pub name_en: String,
    /// Its level.
    pub level: RegionLevel,
    /// The region above it: none for a province, a province for a city, a city for a county.
    pub parent: Option<RegionCode>,
}

/// Adds a region, or renames (and moves, and re-levels) one, by the system administrator: the
/// parent must exist, be current and sit one level up, and may not be the region itself or under
/// it (no cycle). A retired region keeps its place and may be renamed. The change and its audit
/// event commit together.
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &crate::auth::Caller,
    change: RegionChange,
) -> AppResult<region::Model> {
    crate::auth::policy::may_keep_regions(&caller.viewer)?;
    let name = change.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(AppError::validation("input.name", "1 to 50 characters"));
    }
    let name_en = change.name_en.trim().to_owned();
    if name_en.chars().count() > 100 {
        return Err(AppError::validation(
            "input.nameEn",
            "at most 100 characters",
        ));
    }
    let txn = crate::domain::begin_write(db).await?;
    let existing = by_code(&txn, &change.code).await?;
    let parent_id = checked_parent(&txn, &change, existing.as_ref()).await?;
    if let Some(found) = existing.as_ref().filter(|r| r.level != change.level) {
        let under = region::Entity::find()
            .filter(region::Column::ParentId.eq(found.id))
            .count(&txn)
            .await?;
        if under > 0 {
            return Err(AppError::validation(
                "input.level",
                format!("{under} regions are under it; move them before changing its level"),
            ));
        }
    }
    let saved = match &existing {
        Some(found) => {
            let mut active: region::ActiveModel = found.clone().into();
            active.name = Set(name);
            active.name_en = Set(name_en);
            active.level = Set(change.level);
            active.parent_id = Set(parent_id);
            active.update(&txn).await?
        }
        None => region::Entity::insert(region::ActiveModel {
            code: Set(change.code.as_str().to_owned()),
            name: Set(name),
            name_en: Set(name_en),
            level: Set(change.level),
            parent_id: Set(parent_id),
            retired_at: Set(None),
            successor_id: Set(None),
            in_service: Set(false),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await
        .map_err(|e| {
            crate::domain::conflict_on_duplicate(e, "input.code: added meanwhile; try again")
        })?,
    };
    crate::domain::kernel::audit::record(
        &txn,
        caller,
        crate::domain::kernel::audit::Entry {
            action: if existing.is_some() {
                "updateRegion"
            } else {
                "addRegion"
            },
            target_type: "Region",
            target_id: saved.code.clone(),
            region_id: Some(saved.id),
            changes: Some(serde_json::json!({
                "from": existing.as_ref().map(|r| serde_json::json!({
                    "name": r.name, "nameEn": r.name_en, "level": level_name(r.level), "parent": r.parent_id,
                })),
                "to": { "name": saved.name, "nameEn": saved.name_en, "level": level_name(saved.level), "parent": saved.parent_id },
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The id of the parent a change names, checked: one level up, current, and not the region or
/// below it.
async fn checked_parent(
    txn: &sea_orm::DatabaseTransaction,
    change: &RegionChange,
    existing: Option<&region::Model>,
) -> AppResult<Option<i32>> {
    let wanted = match change.level {
        RegionLevel::Province => None,
        RegionLevel::City => Some(RegionLevel::Province),
        RegionLevel::County => Some(RegionLevel::City),
    };
    let (Some(wanted), Some(code)) = (wanted, &change.parent) else {
        return match (wanted, &change.parent) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(AppError::validation(
                "input.parent",
                "a province has no parent",
            )),
            _ => Err(AppError::validation(
                "input.parent",
                "name the region above it (a city's province, a county's city)",
            )),
        };
    };
    let parent = by_code(txn, code)
        .await?
        .ok_or_else(|| AppError::validation("input.parent", "no region has this code"))?;
    if let Some(why) = retired(&parent) {
        return Err(AppError::validation("input.parent", why));
    }
    if parent.level != wanted {
        return Err(AppError::validation(
            "input.parent",
            format!("{} is not a {}", parent.code, level_name(wanted)),
        ));
    }
    // No cycle: the parent is not the region itself, nor anything under it.
    if let Some(found) = existing {
        let mut at = Some(parent.clone());
        while let Some(step) = at {
            if step.id == found.id {
                return Err(AppError::validation(
                    "input.parent",
                    format!("{} is {} itself or under it", parent.code, found.code),
                ));
            }
            at = match step.parent_id {
                Some(up) => region::Entity::find_by_id(up).one(txn).await?,
                None => None,
            };
        }
    }
    Ok(Some(parent.id))
}

fn level_name(level: RegionLevel) -> &'static str {
    match level {
        RegionLevel::Province => "province",
        RegionLevel::City => "city",
        RegionLevel::County => "county",
    }
}

/// Retires a region, naming the current region of the same level that takes over (the system
/// administrator): its code still reads and still resolves, every row that points at it keeps
/// pointing at it, and new rows go to the successor. A region with current regions under it is
/// refused (retire or move them first), so nothing current hangs under a retired region.
pub async fn retire(
    db: &DatabaseConnection,
    caller: &crate::auth::Caller,
    code: &RegionCode,
    successor: &RegionCode,
) -> AppResult<region::Model> {
    crate::auth::policy::may_keep_regions(&caller.viewer)?;
    let txn = crate::domain::begin_write(db).await?;
    let unknown =
        |field: &'static str| move || AppError::validation(field, "no region has this code");
    let found = by_code(&txn, code)
        .await?
        .ok_or_else(unknown("input.code"))?;
    let next = by_code(&txn, successor)
        .await?
        .ok_or_else(unknown("input.successor"))?;
    if found.retired_at.is_some() {
        return Err(AppError::Conflict(format!(
            "input.code: {} is retired already",
            found.code
        )));
    }
    if next.id == found.id || next.level != found.level {
        return Err(AppError::validation(
            "input.successor",
            format!("another {}", level_name(found.level)),
        ));
    }
    if let Some(why) = retired(&next) {
        return Err(AppError::validation("input.successor", why));
    }
    let under = region::Entity::find()
        .filter(region::Column::ParentId.eq(found.id))
        .filter(region::Column::RetiredAt.is_null())
        .count(&txn)
        .await?;
    if under > 0 {
        return Err(AppError::validation(
            "input.code",
            format!("{under} current regions are under it; retire or move them first"),
        ));
    }
    crate::domain::decisive(
        &txn,
        region::Entity::update_many()
            .col_expr(
                region::Column::RetiredAt,
                Expr::value(Some(chrono::Utc::now())),
            )
            .col_expr(region::Column::SuccessorId, Expr::value(Some(next.id)))
            .filter(region::Column::Id.eq(found.id))
            .filter(region::Column::RetiredAt.is_null()),
        "input.code: retired meanwhile",
    )
    .await?;
    crate::domain::kernel::audit::record(
        &txn,
        caller,
        crate::domain::kernel::audit::Entry {
            action: "retireRegion",
            target_type: "Region",
            target_id: found.code.clone(),
            region_id: Some(found.id),
            changes: Some(serde_json::json!({ "successor": next.code })),
        },
    )
    .await?;
    let saved = region::Entity::find_by_id(found.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("a region vanished in its transaction"))?;
    txn.commit().await?;
    Ok(saved)
}
