//! Organizations (单位) and the filters portals use across alliances.

use std::collections::HashMap;

use chrono::Utc;
use entity::{OrganizationKind, alliance, membership, organization};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Select,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::domain::{
    SearchText,
    kernel::codes::{AllianceCode, CreditCode, RegionCode},
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::error::{AppError, AppResult};

/// Which organizations to list. Every field narrows; an empty filter lists every organization in
/// every alliance and region.
#[derive(Debug, Clone, Default)]
pub struct OrganizationFilter {
    /// Only these kinds (empty: every kind).
    pub kinds: Vec<OrganizationKind>,
    /// Only current members of at least one of these alliances (empty: no restriction).
    pub alliances: Vec<AllianceCode>,
    /// Only organizations located in this region (a province, city or county, and everything
    /// under it), or current members of an alliance of it.
    pub region: Option<RegionCode>,
    /// Only organizations whose name, English name or address match this text.
    pub name_contains: Option<SearchText>,
    /// Only organizations that currently belong to at least this many alliances.
    pub min_alliances: Option<u32>,
    /// Only organizations of this ownership.
    pub ownership: Option<entity::Ownership>,
    /// Only enterprises above (true) or below (false) the designated size.
    pub above_scale: Option<bool>,
    /// Only 专精特新 enterprises (true) or the others (false).
    pub specialized: Option<bool>,
    /// Only chain masters (true) or the others (false).
    pub chain_master: Option<bool>,
    /// Only the enterprises of this chain master's chain.
    pub chain_of: Option<i32>,
    /// Only colleges of these types (empty: any).
    pub college_types: Vec<entity::CollegeType>,
    /// Only enterprises with (true) or without (false) a registered training centre.
    pub training_centre: Option<bool>,
}

/// What organizations are ordered by; ties are broken by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrganizationOrderField {
    /// The Chinese name, by code point.
    #[default]
    Name,
    /// When the organization was registered in skillgraph.
    CreatedAt,
}

fn ordering(field: OrganizationOrderField, descending: bool) -> Ordering<organization::Entity> {
    let (name, key) = match field {
        OrganizationOrderField::Name => (
            "name",
            SortKey::column(
                organization::Column::Name,
                descending,
                KeyKind::Text,
                |m: &organization::Model| CursorValue::Text(m.name.clone()),
            ),
        ),
        OrganizationOrderField::CreatedAt => (
            "created",
            SortKey::column(
                organization::Column::CreatedAt,
                descending,
                KeyKind::Time,
                |m: &organization::Model| CursorValue::Time(m.created_at),
            ),
        ),
    };
    Ordering {
        name: format!(
            "organizations:{name}:{}",
            if descending { "desc" } else { "asc" }
        ),
        keys: vec![
            key,
            SortKey::column(
                organization::Column::Id,
                descending,
                KeyKind::Int,
                |m: &organization::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    }
}

/// `SELECT organization_id FROM memberships JOIN alliances … WHERE <alliance condition>` for
/// current memberships.
fn members_of(alliance_condition: Condition) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column((membership::Entity, membership::Column::OrganizationId))
        .from(membership::Entity)
        .inner_join(
            alliance::Entity,
            Expr::col((alliance::Entity, alliance::Column::Id))
                .equals((membership::Entity, membership::Column::AllianceId)),
        )
        .and_where(Expr::col((membership::Entity, membership::Column::LeftOn)).is_null())
        .cond_where(alliance_condition)
        .to_owned()
}

fn select(
    filter: &OrganizationFilter,
    backend: sea_orm::DbBackend,
) -> Select<organization::Entity> {
    let mut cond = Condition::all();
    if !filter.kinds.is_empty() {
        cond = cond.add(organization::Column::Kind.is_in(filter.kinds.iter().copied()));
    }
    if !filter.alliances.is_empty() {
        let codes = filter.alliances.iter().map(|c| c.as_str().to_owned());
        cond = cond.add(
            organization::Column::Id
                .in_subquery(members_of(Condition::all().add(
                    Expr::col((alliance::Entity, alliance::Column::Code)).is_in(codes),
                ))),
        );
    }
    if let Some(region) = &filter.region {
        let codes = std::slice::from_ref(region);
        cond = cond.add(
            crate::domain::network::regions::located_in(
                codes,
                (organization::Entity, organization::Column::RegionId),
                (organization::Entity, organization::Column::CountyId),
            )
            .add(
                organization::Column::Id.in_subquery(members_of(
                    Condition::all().add(
                        Expr::col((alliance::Entity, alliance::Column::RegionId))
                            .in_subquery(crate::domain::network::regions::within(codes)),
                    ),
                )),
            ),
        );
    }
    if let Some(needle) = &filter.name_contains {
        cond = cond.add(needle.matches(
            backend,
            entity::SearchKind::Organization,
            Expr::col((organization::Entity, organization::Column::Id)),
        ));
    }
    if let Some(min) = filter.min_alliances {
        let alliance_count = Query::select()
            .expr(Expr::col((membership::Entity, membership::Column::Id)).count())
            .from(membership::Entity)
            .and_where(
                Expr::col((membership::Entity, membership::Column::OrganizationId))
                    .equals((organization::Entity, organization::Column::Id)),
            )
            .and_where(Expr::col((membership::Entity, membership::Column::LeftOn)).is_null())
            .to_owned();
        cond = cond.add(Expr::expr(alliance_count).gte(i64::from(min)));
    }
    cond = cond.add(attribute_condition(filter));
    organization::Entity::find().filter(cond)
}

/// The filter's attributes, as a condition.
fn attribute_condition(filter: &OrganizationFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(o) = filter.ownership {
        cond = cond.add(organization::Column::Ownership.eq(o));
    }
    for (column, wanted) in [
        (organization::Column::AboveScale, filter.above_scale),
        (organization::Column::Specialized, filter.specialized),
        (organization::Column::ChainMaster, filter.chain_master),
        (organization::Column::TrainingCentre, filter.training_centre),
    ] {
        if let Some(v) = wanted {
            cond = cond.add(column.eq(v));
        }
    }
    if let Some(master) = filter.chain_of {
        cond = cond.add(organization::Column::ChainMasterId.eq(master));
    }
    if !filter.college_types.is_empty() {
        cond =
            cond.add(organization::Column::CollegeType.is_in(filter.college_types.iter().copied()));
    }
    cond
}

/// One page of organizations.
pub async fn list(
    db: &DatabaseConnection,
    filter: &OrganizationFilter,
    order: OrganizationOrderField,
    descending: bool,
    request: &PageRequest,
) -> AppResult<Page<organization::Model>> {
    page::fetch_page(
        db,
        select(filter, db.get_database_backend()),
        &ordering(order, descending),
        request,
    )
    .await
}

/// How many organizations match.
pub async fn count(db: &DatabaseConnection, filter: &OrganizationFilter) -> AppResult<u64> {
    page::count(db, select(filter, db.get_database_backend())).await
}

/// Organizations by id, in one statement.
pub async fn by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, organization::Model>> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect())
}

/// A new organization, every value already validated.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    /// Registered Chinese name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
    /// Its kind.
    pub kind: OrganizationKind,
    /// Its unified social credit code.
    pub credit_code: CreditCode,
    /// The city it is located in.
    pub region_id: i32,
    /// The county it is located in, when given; otherwise read from the address where certain.
    pub county_id: Option<i32>,
    /// Postal address.
    pub address: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Public description.
    pub description: Option<String>,
    /// A phone line or a person to ask for (not public).
    pub contact: Option<String>,
}

/// Registers an organization. A credit code already registered is a `CONFLICT` naming the field
/// and the organization that holds it.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewOrganization,
) -> AppResult<organization::Model> {
    if let Some(conflict) = taken_by(db, &new.credit_code).await? {
        return Err(conflict);
    }
    // A concurrent registration of the same code since the check loses on the unique index.
    let code = new.credit_code.to_string();
    let place = crate::domain::network::regions::with_county_from(
        db,
        crate::domain::network::regions::Place {
            city_id: new.region_id,
            county_id: new.county_id,
        },
        new.address.as_deref(),
    )
    .await?;
    let now = Utc::now();
    let model = organization::ActiveModel {
        name: Set(new.name),
        name_en: Set(new.name_en),
        kind: Set(new.kind),
        credit_code: Set(new.credit_code.as_str().to_owned()),
        region_id: Set(new.region_id),
        county_id: Set(place.county_id),
        address: Set(new.address),
        website: Set(new.website),
        description: Set(new.description),
        contact: Set(new.contact),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let saved = organization::Entity::insert(model)
        .exec_with_returning(db)
        .await
        .map_err(|e| {
            crate::domain::conflict_on_duplicate(
                e,
                &format!("input.creditCode: {code} is already registered"),
            )
        })?;
    crate::domain::network::regions::put_in_service(db, saved.region_id).await?;
    crate::domain::search::index::write_ids(db, entity::SearchKind::Organization, [saved.id])
        .await?;
    Ok(saved)
}

/// Registers an organization in skillgraph, by the regulator of its region (the system
/// administrator anywhere). A credit code already registered is a `CONFLICT` naming the
/// organization that holds it. The row and its audit event commit together.
pub async fn register(
    db: &DatabaseConnection,
    caller: &crate::auth::Caller,
    new: NewOrganization,
) -> AppResult<organization::Model> {
    crate::auth::policy::may_register_organization(&caller.viewer, new.region_id)?;
    let txn = crate::domain::begin_write(db).await?;
    let saved = register_in(&txn, caller, new).await?;
    txn.commit().await?;
    Ok(saved)
}

/// The existing organization a credit code is registered to, as a `CONFLICT`.
async fn taken_by(db: &impl ConnectionTrait, code: &CreditCode) -> AppResult<Option<AppError>> {
    Ok(organization::Entity::find()
        .filter(organization::Column::CreditCode.eq(code.as_str()))
        .one(db)
        .await?
        .map(|existing| {
            AppError::Conflict(format!(
                "input.creditCode: {code} is already registered to {} ({})",
                existing.name,
                crate::domain::kernel::ids::NodeKey::Organization(existing.id)
                    .to_id()
                    .0
            ))
        }))
}

/// [`register`] inside a transaction (an import registers many in one), authorised already.
pub(crate) async fn register_in(
    txn: &sea_orm::DatabaseTransaction,
    caller: &crate::auth::Caller,
    new: NewOrganization,
) -> AppResult<organization::Model> {
    let saved = create(txn, new).await?;
    crate::domain::kernel::audit::record(
        txn,
        caller,
        crate::domain::kernel::audit::Entry {
            action: "registerOrganization",
            target_type: "Organization",
            target_id: crate::domain::kernel::ids::NodeKey::Organization(saved.id)
                .to_id()
                .0,
            region_id: Some(saved.region_id),
            changes: Some(serde_json::json!({
                "name": saved.name,
                "kind": format!("{:?}", saved.kind),
                "creditCode": saved.credit_code,
                "address": saved.address,
            })),
        },
    )
    .await?;
    Ok(saved)
}

/// A change to an organization's public profile: `None` leaves a field as it is, `Some(None)`
/// clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    /// English name.
    pub name_en: Option<Option<String>>,
    /// Postal address.
    pub address: Option<Option<String>>,
    /// Website, `http://` or `https://`.
    pub website: Option<Option<String>>,
    /// Public description.
    pub description: Option<Option<String>>,
}

/// Validates one optional text field: trimmed, at most `max` characters, empty means cleared.
pub fn profile_text(field: &str, value: Option<&str>, max: usize) -> AppResult<Option<String>> {
    let Some(value) = value else {
        return Ok(None);
    };
    crate::domain::kernel::input::bounded(value, max)
        .map(|text| text.map(str::to_owned))
        .map_err(|e| AppError::validation(field, e))
}

/// Validates a website address.
pub fn profile_website(field: &str, value: Option<&str>) -> AppResult<Option<String>> {
    let website = profile_text(field, value, 200)?;
    if let Some(url) = &website {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| AppError::validation(field, "starts with http:// or https://"))?;
        if rest.is_empty() || rest.contains(char::is_whitespace) || rest.starts_with('/') {
            return Err(AppError::validation(field, "is not a web address"));
        }
    }
    Ok(website)
}

/// Changes an organization's public profile, for its own users. The change and its audit event
/// (with the changed fields, before and after) commit together.
pub async fn update_profile(
    db: &DatabaseConnection,
    caller: &crate::auth::Caller,
    organization_id: i32,
    change: ProfileChange,
) -> AppResult<organization::Model> {
    use sea_orm::ActiveModelTrait;
    crate::auth::policy::may_update_organization(&caller.viewer, organization_id)?;
    let txn = crate::domain::begin_write(db).await?;
    let found = organization::Entity::find_by_id(organization_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("organization"))?;
    let mut changes = serde_json::Map::new();
    let mut active: organization::ActiveModel = found.clone().into();
    let mut apply = |name: &str, old: &Option<String>, new: Option<Option<String>>| match new {
        Some(new) if &new != old => {
            changes.insert(
                name.to_owned(),
                serde_json::json!({ "from": old, "to": new }),
            );
            Some(new)
        }
        _ => None,
    };
    if let Some(v) = apply("nameEn", &found.name_en, change.name_en) {
        active.name_en = Set(v);
    }
    let new_address = apply("address", &found.address, change.address);
    if let Some(v) = &new_address {
        active.address = Set(v.clone());
    }
    if let Some(v) = apply("website", &found.website, change.website) {
        active.website = Set(v);
    }
    if let Some(v) = apply("description", &found.description, change.description) {
        active.description = Set(v);
    }
    if changes.is_empty() {
        return Ok(found);
    }
    // A new address that names a county of the city for certain moves the organization there;
    // otherwise its county stays.
    if let Some(Some(address)) = &new_address
        && let Some(moved) = moved_county(&txn, &found, address).await?
    {
        active.county_id = Set(Some(moved));
        changes.insert(
            "county".to_owned(),
            serde_json::json!({ "from": found.county_id, "to": moved }),
        );
    }
    active.updated_at = Set(Utc::now());
    let saved = active.update(&txn).await?;
    crate::domain::search::index::write_ids(&txn, entity::SearchKind::Organization, [saved.id])
        .await?;
    crate::domain::kernel::audit::record(
        &txn,
        caller,
        crate::domain::kernel::audit::Entry {
            action: "updateOrganizationProfile",
            target_type: "Organization",
            target_id: crate::domain::kernel::ids::NodeKey::Organization(saved.id)
                .to_id()
                .0,
            region_id: Some(saved.region_id),
            changes: Some(serde_json::Value::Object(changes)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The county a new address moves an organization to: one of its city's the address names for
/// certain, other than the one it is in.
async fn moved_county(
    txn: &sea_orm::DatabaseTransaction,
    found: &organization::Model,
    address: &str,
) -> AppResult<Option<i32>> {
    let read = crate::domain::network::regions::with_county_from(
        txn,
        crate::domain::network::regions::Place {
            city_id: found.region_id,
            county_id: None,
        },
        Some(address),
    )
    .await?
    .county_id;
    Ok(read.filter(|county| Some(*county) != found.county_id))
}

/// What organization counts can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrganizationStatsDimension {
    /// The kind.
    Kind,
    /// The ownership (none where not recorded).
    Ownership,
    /// The county it is located in (none where unknown).
    County,
    /// The city it is located in.
    City,
    /// The province of its city.
    Province,
}

/// One group of organizations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrganizationStatsRow {
    /// The kind, when grouped by it.
    pub kind: Option<OrganizationKind>,
    /// The ownership, when grouped by it.
    pub ownership: Option<entity::Ownership>,
    /// The region at the level grouped by, when grouped by one.
    pub region_id: Option<i32>,
    /// How many organizations.
    pub count: u64,
}

/// The region column the counts group by, at the level `dims` ask for.
fn stats_region(dims: &std::collections::BTreeSet<OrganizationStatsDimension>) -> Option<Expr> {
    use OrganizationStatsDimension::*;
    if dims.contains(&County) {
        Some(Expr::col((
            organization::Entity,
            organization::Column::CountyId,
        )))
    } else if dims.contains(&City) {
        Some(Expr::col((
            organization::Entity,
            organization::Column::RegionId,
        )))
    } else if dims.contains(&Province) {
        Some(crate::domain::network::regions::parent_of(Expr::col((
            organization::Entity,
            organization::Column::RegionId,
        ))))
    } else {
        None
    }
}

/// A group's count, kind, ownership and region as the statement answers them.
type StatsTuple = (
    i64,
    Option<OrganizationKind>,
    Option<entity::Ownership>,
    Option<i32>,
);

/// Counts the organizations `filter` lists, in groups (one statement). Organizations are public,
/// so are their counts.
pub async fn stats(
    db: &DatabaseConnection,
    filter: &OrganizationFilter,
    group_by: &[OrganizationStatsDimension],
) -> AppResult<Vec<OrganizationStatsRow>> {
    use OrganizationStatsDimension::*;
    use sea_orm::{QuerySelect, sea_query::Alias};
    let dims: std::collections::BTreeSet<OrganizationStatsDimension> =
        group_by.iter().copied().collect();
    crate::domain::network::regions::one_region_level(
        [County, City, Province]
            .iter()
            .filter(|l| dims.contains(l))
            .count(),
        "COUNTY, CITY or PROVINCE",
    )?;
    let mut query = select(filter, db.get_database_backend())
        .select_only()
        .column_as(
            Expr::col((organization::Entity, organization::Column::Id)).count(),
            "total",
        );
    query = if dims.contains(&Kind) {
        query
            .column_as(organization::Column::Kind, "g_kind")
            .group_by(organization::Column::Kind)
    } else {
        query.column_as(Expr::cust("NULL"), "g_kind")
    };
    query = if dims.contains(&Ownership) {
        query
            .column_as(organization::Column::Ownership, "g_ownership")
            .group_by(organization::Column::Ownership)
    } else {
        query.column_as(Expr::cust("NULL"), "g_ownership")
    };
    let region = stats_region(&dims);
    query = match region {
        Some(expr) => query
            .column_as(expr, "g_region")
            .group_by(Expr::col(Alias::new("g_region"))),
        None => query.column_as(Expr::cust("NULL"), "g_region"),
    };
    let rows: Vec<StatsTuple> = query.into_tuple().all(db).await?;
    let mut out: Vec<OrganizationStatsRow> = rows
        .into_iter()
        .map(|(total, kind, ownership, region_id)| OrganizationStatsRow {
            kind,
            ownership,
            region_id,
            count: u64::try_from(total).unwrap_or(0),
        })
        .filter(|r| r.count > 0 || dims.is_empty())
        .collect();
    out.sort_by_key(|r| {
        (
            r.region_id,
            r.kind.map(|k| k as u8),
            r.ownership.map(|o| o as u8),
        )
    });
    Ok(out)
}
