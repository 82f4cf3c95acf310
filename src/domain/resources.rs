//! Open training-resource lists (培训资源开放清单): a provider publishes its list as a whole, as a new
//! version; earlier versions stay readable. A list with any invalid item is refused whole, with
//! every bad item and field named.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use entity::{
    FundingMode, InstitutionStatus, OrganizationKind, ResourceKind, ResourceStatus, Schedule,
    SkillLevel, alliance, membership, occupation, open_resource, organization, region,
    resource_occupation,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
    sea_query::{Expr, ExprTrait, LikeExpr, Query},
};
use sea_orm::{FromQueryResult, JoinType, QueryTrait, sea_query::Alias};
use serde_json::json;

use super::nested::NestedList;
use super::{
    audit,
    codes::{AllianceCode, OccupationPrefix, RegionCode},
    geo::Near,
    page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::{
    auth::{Caller, policy},
    domain::ids::NodeKey,
    error::{AppError, AppResult},
};

/// The most items one list may have.
pub const MAX_ITEMS: usize = 500;

/// One item as a provider writes it, its values typed but not yet checked.
#[derive(Debug, Clone)]
pub struct ItemInput {
    /// What it is.
    pub kind: ResourceKind,
    /// Its title.
    pub title: String,
    /// Occupation codes and levels it trains for.
    pub occupations: Vec<(String, SkillLevel)>,
    /// When it is offered.
    pub schedule: Schedule,
    /// Seats.
    pub seats: i32,
    /// Seats already taken.
    pub seats_taken: i32,
    /// Fee, CNY.
    pub fee: i32,
    /// How it is funded.
    pub funding_mode: FundingMode,
    /// Whether it may draw a subsidy.
    pub subsidy_eligible: bool,
    /// Region code of the address.
    pub region: String,
    /// Where.
    pub address: String,
    /// Coordinates.
    pub point: Option<(f64, f64)>,
    /// First day.
    pub start_on: NaiveDate,
    /// Last day.
    pub end_on: Option<NaiveDate>,
    /// Whom to contact.
    pub contact: String,
}

/// One problem with one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    /// The item's position in the list, from 0.
    pub item: usize,
    /// The field, as GraphQL names it (`seats`, `occupations[1]`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Why a list was not published.
#[derive(Debug)]
pub enum PublishError {
    /// Items are invalid; nothing was published.
    Invalid(Vec<ItemError>),
    /// Anything else.
    App(AppError),
}

impl From<AppError> for PublishError {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

impl From<sea_orm::DbErr> for PublishError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::App(err.into())
    }
}

/// Checks every item against the rules and the reference data; all problems, not the first.
async fn check(
    db: &DatabaseConnection,
    items: &[ItemInput],
) -> AppResult<(Vec<ItemError>, HashMap<String, i32>)> {
    let mut errors = Vec::new();
    let mut bad = |item: usize, field: &str, message: &str| {
        errors.push(ItemError {
            item,
            field: field.to_owned(),
            message: message.to_owned(),
        })
    };
    let codes: BTreeSet<String> = items
        .iter()
        .flat_map(|i| i.occupations.iter().map(|o| o.0.clone()))
        .collect();
    let known: BTreeSet<String> = occupation::Entity::find()
        .filter(occupation::Column::Code.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.code)
        .collect();
    let regions: HashMap<String, i32> = region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.code, r.id))
        .collect();
    for (i, item) in items.iter().enumerate() {
        let title = item.title.trim().chars().count();
        if title == 0 || title > 200 {
            bad(i, "title", "1 to 200 characters");
        }
        if item.occupations.is_empty() {
            bad(i, "occupations", "name at least one occupation");
        }
        for (k, (code, _)) in item.occupations.iter().enumerate() {
            if !known.contains(code) {
                bad(
                    i,
                    &format!("occupations[{k}]"),
                    &format!("{code} is not in the occupational classification"),
                );
            }
        }
        if !(1..=10_000).contains(&item.seats) {
            bad(i, "seats", "1 to 10,000");
        }
        if item.seats_taken < 0 || item.seats_taken > item.seats {
            bad(i, "seatsTaken", "0 to the number of seats");
        }
        if !(0..=1_000_000).contains(&item.fee) {
            bad(i, "fee", "0 to 1,000,000 CNY");
        }
        if RegionCode::parse(&item.region).is_err() || !regions.contains_key(item.region.trim()) {
            bad(i, "region", "not a region this server knows");
        }
        let address = item.address.trim().chars().count();
        if address == 0 || address > 200 {
            bad(i, "address", "1 to 200 characters");
        }
        if let Some((lat, lng)) = item.point
            && (!(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng))
        {
            bad(
                i,
                "location",
                "latitude is -90 to 90 and longitude -180 to 180",
            );
        }
        if item.end_on.is_some_and(|end| end < item.start_on) {
            bad(i, "endOn", "before startOn");
        }
        let contact = item.contact.trim().chars().count();
        if contact == 0 || contact > 100 {
            bad(i, "contact", "1 to 100 characters");
        }
    }
    Ok((errors, regions))
}

/// A published list version.
#[derive(Debug, Clone)]
pub struct Published {
    /// The provider.
    pub provider_id: i32,
    /// The new version number.
    pub version: i32,
    /// Its items.
    pub items: Vec<open_resource::Model>,
    /// The provider's alliances, for subscribers.
    pub alliance_ids: Vec<i32>,
}

/// Replaces the caller's published list with a new version, atomically: every item is checked
/// first, and one bad item publishes nothing.
pub async fn publish(
    db: &DatabaseConnection,
    caller: &Caller,
    items: Vec<ItemInput>,
) -> Result<Published, PublishError> {
    let provider_id = policy::publish_resources(&caller.viewer)?;
    let provider = organization::Entity::find_by_id(provider_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("organization"))?;
    ensure_admitted(&provider)?;
    if items.len() > MAX_ITEMS {
        return Err(
            AppError::validation("input.items", format!("at most {MAX_ITEMS} items")).into(),
        );
    }
    let (errors, regions) = check(db, &items).await?;
    if !errors.is_empty() {
        return Err(PublishError::Invalid(errors));
    }
    let txn = crate::domain::begin_write(db).await?;
    // Lock the provider's row first: concurrent publications take their version numbers in turn.
    crate::domain::lock_row::<organization::Entity>(&txn, organization::Column::Id, provider_id)
        .await?;
    let latest: Option<i32> = open_resource::Entity::find()
        .select_only()
        .column_as(open_resource::Column::ListVersion.max(), "v")
        .filter(open_resource::Column::ProviderId.eq(provider_id))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    let version = latest.unwrap_or(0) + 1;
    open_resource::Entity::update_many()
        .col_expr(
            open_resource::Column::Status,
            Expr::value(ResourceStatus::Superseded),
        )
        .filter(open_resource::Column::ProviderId.eq(provider_id))
        .filter(open_resource::Column::Status.eq(ResourceStatus::Published))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    let mut saved = Vec::with_capacity(items.len());
    for item in &items {
        let row = open_resource::Entity::insert(open_resource::ActiveModel {
            provider_id: Set(provider_id),
            list_version: Set(version),
            kind: Set(item.kind),
            title: Set(item.title.trim().to_owned()),
            schedule: Set(item.schedule),
            seats: Set(item.seats),
            seats_taken: Set(item.seats_taken),
            fee: Set(item.fee),
            funding_mode: Set(item.funding_mode),
            subsidy_eligible: Set(item.subsidy_eligible),
            region_id: Set(regions[item.region.trim()]),
            address: Set(item.address.trim().to_owned()),
            latitude: Set(item.point.map(|p| p.0)),
            longitude: Set(item.point.map(|p| p.1)),
            start_on: Set(item.start_on),
            end_on: Set(item.end_on),
            contact: Set(item.contact.trim().to_owned()),
            status: Set(ResourceStatus::Published),
            provider_stars: Set(provider.credit_stars.unwrap_or(0)),
            published_at: Set(now),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await?;
        let pairs: BTreeSet<(String, SkillLevel)> = item.occupations.iter().cloned().collect();
        resource_occupation::Entity::insert_many(pairs.into_iter().map(|(code, level)| {
            resource_occupation::ActiveModel {
                resource_id: Set(row.id),
                occupation_code: Set(code),
                level: Set(level),
            }
        }))
        .exec(&txn)
        .await?;
        saved.push(row);
    }
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "publishResourceList",
            target_type: "Organization",
            target_id: NodeKey::Organization(provider_id).to_id().0,
            region_id: Some(provider.region_id),
            changes: Some(json!({ "version": version, "items": saved.len() })),
        },
    )
    .await?;
    txn.commit().await?;
    let alliance_ids = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(provider_id))
        .filter(membership::Column::LeftOn.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.alliance_id)
        .collect();
    Ok(Published {
        provider_id,
        version,
        items: saved,
        alliance_ids,
    })
}

/// A suspended or exited training institution may neither publish nor train.
pub fn ensure_admitted(provider: &organization::Model) -> AppResult<()> {
    match provider.catalogue_status {
        Some(InstitutionStatus::Suspended | InstitutionStatus::Exited) => {
            Err(AppError::Forbidden(format!(
                "{} is {} from the catalogue",
                provider.name,
                if provider.catalogue_status == Some(InstitutionStatus::Suspended) {
                    "suspended"
                } else {
                    "exited"
                }
            )))
        }
        _ => Ok(()),
    }
}

/// Takes one PUBLISHED item off the caller's list.
pub async fn withdraw(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<open_resource::Model> {
    let provider_id = policy::publish_resources(&caller.viewer)?;
    let txn = crate::domain::begin_write(db).await?;
    let found = open_resource::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("open resource"))?;
    if found.provider_id != provider_id {
        return Err(AppError::Forbidden(
            "a resource is withdrawn by its own provider".to_owned(),
        ));
    }
    if found.status != ResourceStatus::Published {
        return Err(AppError::validation(
            "status",
            "only a PUBLISHED item can be withdrawn",
        ));
    }
    let region_id = found.region_id;
    let mut active: open_resource::ActiveModel = found.into();
    active.status = Set(ResourceStatus::Withdrawn);
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "withdrawResource",
            target_type: "OpenResource",
            target_id: NodeKey::OpenResource(saved.id).to_id().0,
            region_id: Some(region_id),
            changes: Some(json!({ "status": { "from": "PUBLISHED", "to": "WITHDRAWN" } })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Which published items to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct ResourceFilter {
    /// Offered by a current member of any of these alliances.
    pub alliances: Vec<AllianceCode>,
    /// At an address in this region.
    pub region: Option<RegionCode>,
    /// Training for this occupation or group.
    pub occupation: Option<OccupationPrefix>,
    /// Training for this level.
    pub level: Option<SkillLevel>,
    /// Of this kind.
    pub kind: Option<ResourceKind>,
    /// On any of these schedules.
    pub schedules: Vec<Schedule>,
    /// Subsidy-eligible (or not).
    pub subsidy_eligible: Option<bool>,
    /// With a free seat.
    pub free_seats_only: bool,
    /// Costing at most this.
    pub fee_at_most: Option<i32>,
    /// Offered by this provider.
    pub provider_id: Option<i32>,
    /// Within a radius of a point.
    pub near: Option<Near>,
}

/// What published items are ordered by; ties are broken by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResourceOrderField {
    /// First day.
    #[default]
    StartOn,
    /// Fee.
    Fee,
    /// The provider's credit stars.
    CreditStars,
    /// Distance from the filter's point.
    Distance,
}

/// Published, not past its end date, and of a provider neither SUSPENDED nor EXITED: what public
/// lists hold (a resource whose `end_on` has passed leaves them the day after, whatever its
/// status; a provider's suspension takes its items off at once, and re-admission brings them
/// back).
pub fn current() -> Condition {
    Condition::all()
        .add(open_resource::Column::Status.eq(ResourceStatus::Published))
        .add(open_resource::Column::ProviderId.not_in_subquery(super::credit::barred_providers()))
        .add(
            Condition::any()
                .add(open_resource::Column::EndOn.is_null())
                .add(open_resource::Column::EndOn.gte(Utc::now().date_naive())),
        )
}

fn select(filter: &ResourceFilter, backend: DbBackend) -> Select<open_resource::Entity> {
    let mut cond = Condition::all().add(current());
    if !filter.alliances.is_empty() {
        cond = cond.add(
            open_resource::Column::ProviderId.in_subquery(
                Query::select()
                    .column((membership::Entity, membership::Column::OrganizationId))
                    .from(membership::Entity)
                    .inner_join(
                        alliance::Entity,
                        Expr::col((alliance::Entity, alliance::Column::Id))
                            .equals((membership::Entity, membership::Column::AllianceId)),
                    )
                    .and_where(
                        Expr::col((membership::Entity, membership::Column::LeftOn)).is_null(),
                    )
                    .and_where(
                        Expr::col((alliance::Entity, alliance::Column::Code))
                            .is_in(filter.alliances.iter().map(|c| c.as_str().to_owned())),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(region) = &filter.region {
        cond = cond.add(
            open_resource::Column::RegionId.in_subquery(
                Query::select()
                    .column(region::Column::Id)
                    .from(region::Entity)
                    .and_where(Expr::col(region::Column::Code).eq(region.as_str()))
                    .to_owned(),
            ),
        );
    }
    if filter.occupation.is_some() || filter.level.is_some() {
        let mut sub = Query::select();
        sub.column(resource_occupation::Column::ResourceId)
            .from(resource_occupation::Entity);
        if let Some(prefix) = &filter.occupation {
            sub.and_where(
                Expr::col(resource_occupation::Column::OccupationCode)
                    .like(LikeExpr::new(prefix.like_pattern())),
            );
        }
        if let Some(level) = filter.level {
            sub.and_where(Expr::col(resource_occupation::Column::Level).eq(level));
        }
        cond = cond.add(open_resource::Column::Id.in_subquery(sub.to_owned()));
    }
    if let Some(kind) = filter.kind {
        cond = cond.add(open_resource::Column::Kind.eq(kind));
    }
    if !filter.schedules.is_empty() {
        cond = cond.add(open_resource::Column::Schedule.is_in(filter.schedules.clone()));
    }
    if let Some(eligible) = filter.subsidy_eligible {
        cond = cond.add(open_resource::Column::SubsidyEligible.eq(eligible));
    }
    if filter.free_seats_only {
        cond = cond.add(
            Expr::col(open_resource::Column::SeatsTaken)
                .lt(Expr::col(open_resource::Column::Seats)),
        );
    }
    if let Some(fee) = filter.fee_at_most {
        cond = cond.add(open_resource::Column::Fee.lte(fee));
    }
    if let Some(p) = filter.provider_id {
        cond = cond.add(open_resource::Column::ProviderId.eq(p));
    }
    if let Some(near) = &filter.near {
        cond = cond.add(near.within(
            backend,
            open_resource::Column::Latitude,
            open_resource::Column::Longitude,
            near.radius_km,
        ));
    }
    open_resource::Entity::find().filter(cond)
}

fn ordering(
    field: ResourceOrderField,
    descending: bool,
    near: Option<Near>,
) -> AppResult<Ordering<open_resource::Entity>> {
    let (name, key) = match field {
        ResourceOrderField::StartOn => (
            "start".to_owned(),
            SortKey::column(
                open_resource::Column::StartOn,
                descending,
                KeyKind::Date,
                |m: &open_resource::Model| CursorValue::Date(m.start_on),
            ),
        ),
        ResourceOrderField::Fee => (
            "fee".to_owned(),
            SortKey::column(
                open_resource::Column::Fee,
                descending,
                KeyKind::Int,
                |m: &open_resource::Model| CursorValue::Int(i64::from(m.fee)),
            ),
        ),
        ResourceOrderField::CreditStars => (
            "stars".to_owned(),
            SortKey::column(
                open_resource::Column::ProviderStars,
                descending,
                KeyKind::Int,
                |m: &open_resource::Model| CursorValue::Int(i64::from(m.provider_stars)),
            ),
        ),
        ResourceOrderField::Distance => {
            let near = near.ok_or_else(|| {
                AppError::validation("orderBy.field", "ordering by distance needs filter.near")
            })?;
            (
                format!("distance:{},{}", near.latitude, near.longitude),
                SortKey::distance(
                    near,
                    (
                        open_resource::Column::Latitude,
                        open_resource::Column::Longitude,
                    ),
                    descending,
                    |m: &open_resource::Model| m.latitude.zip(m.longitude),
                ),
            )
        }
    };
    Ok(Ordering {
        name: format!(
            "resources:{name}:{}",
            if descending { "desc" } else { "asc" }
        ),
        keys: vec![
            key,
            SortKey::column(
                open_resource::Column::Id,
                descending,
                KeyKind::Int,
                |m: &open_resource::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    })
}

/// One page of published items.
pub async fn list(
    db: &DatabaseConnection,
    filter: &ResourceFilter,
    order: ResourceOrderField,
    descending: bool,
    request: &PageRequest,
) -> AppResult<Page<open_resource::Model>> {
    let ordering = ordering(order, descending, filter.near)?;
    let select = select(filter, db.get_database_backend());
    page::fetch_page(db, select, &ordering, request).await
}

/// How many published items match.
pub async fn count(db: &DatabaseConnection, filter: &ResourceFilter) -> AppResult<u64> {
    page::count(db, select(filter, db.get_database_backend())).await
}

/// A provider's list as it was at `version` (the current one when `None`), every item of it.
pub async fn list_version(
    db: &DatabaseConnection,
    provider_id: i32,
    version: Option<i32>,
) -> AppResult<Vec<open_resource::Model>> {
    let version = match version {
        Some(v) => v,
        None => {
            let latest: Option<i32> = open_resource::Entity::find()
                .select_only()
                .column_as(open_resource::Column::ListVersion.max(), "v")
                .filter(open_resource::Column::ProviderId.eq(provider_id))
                .into_tuple::<Option<i32>>()
                .one(db)
                .await?
                .flatten();
            match latest {
                Some(v) => v,
                None => return Ok(vec![]),
            }
        }
    };
    Ok(open_resource::Entity::find()
        .filter(open_resource::Column::ProviderId.eq(provider_id))
        .filter(open_resource::Column::ListVersion.eq(version))
        .order_by_asc(open_resource::Column::Id)
        .all(db)
        .await?)
}

/// Items by id.
pub async fn by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, open_resource::Model>> {
    Ok(open_resource::Entity::find()
        .filter(open_resource::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}

/// The occupations and levels of each item.
pub async fn occupations_by_resource(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<resource_occupation::Model>>> {
    let rows = resource_occupation::Entity::find()
        .filter(resource_occupation::Column::ResourceId.is_in(ids.iter().copied()))
        .order_by_asc(resource_occupation::Column::OccupationCode)
        .all(db)
        .await?;
    let mut map: HashMap<i32, Vec<resource_occupation::Model>> = HashMap::new();
    for row in rows {
        map.entry(row.resource_id).or_default().push(row);
    }
    Ok(map)
}

/// A provider's published items, oldest first: the nested list of `Organization.openResources`.
pub fn published_of_provider() -> NestedList<open_resource::Model> {
    NestedList {
        name: "organization.openResources",
        select: open_resource::Entity::find().filter(current()).into_query(),
        parent: Expr::col((open_resource::Entity, open_resource::Column::ProviderId)),
        order: Expr::col((open_resource::Entity, open_resource::Column::Id)),
        parse: |row| open_resource::Model::from_query_result(row, ""),
        key: |r| i64::from(r.id),
    }
}

/// The published items training for an occupation (at any level), oldest first: the nested list
/// of `Occupation.openResources`.
pub fn published_of_occupation() -> NestedList<open_resource::Model> {
    let links = Alias::new("sg_links");
    let mut distinct = Query::select();
    distinct
        .distinct()
        .columns([
            resource_occupation::Column::ResourceId,
            resource_occupation::Column::OccupationCode,
        ])
        .from(resource_occupation::Entity);
    NestedList {
        name: "occupation.openResources",
        select: open_resource::Entity::find()
            .filter(current())
            .into_query()
            .join_subquery(
                JoinType::InnerJoin,
                distinct,
                links.clone(),
                Expr::col((links.clone(), resource_occupation::Column::ResourceId))
                    .equals((open_resource::Entity, open_resource::Column::Id)),
            )
            .to_owned(),
        parent: Expr::col((links, resource_occupation::Column::OccupationCode)),
        order: Expr::col((open_resource::Entity, open_resource::Column::Id)),
        parse: |row| open_resource::Model::from_query_result(row, ""),
        key: |r| i64::from(r.id),
    }
}

/// The published items of an alliance's current members, oldest first: the nested list of
/// `Alliance.openResources`.
pub fn published_of_alliance() -> NestedList<open_resource::Model> {
    NestedList {
        name: "alliance.openResources",
        select: open_resource::Entity::find()
            .filter(current())
            .into_query()
            .inner_join(
                membership::Entity,
                Expr::col((membership::Entity, membership::Column::OrganizationId))
                    .equals((open_resource::Entity, open_resource::Column::ProviderId))
                    .and(Expr::col((membership::Entity, membership::Column::LeftOn)).is_null()),
            )
            .to_owned(),
        parent: Expr::col((membership::Entity, membership::Column::AllianceId)),
        order: Expr::col((open_resource::Entity, open_resource::Column::Id)),
        parse: |row| open_resource::Model::from_query_result(row, ""),
        key: |r| i64::from(r.id),
    }
}

/// Rates a training institution (1–5 stars), by the regulator of its region; its published items
/// carry the new rating from the same transaction on.
pub async fn rate_institution(
    db: &DatabaseConnection,
    caller: &Caller,
    institution_id: i32,
    stars: i16,
) -> AppResult<organization::Model> {
    if !(1..=5).contains(&stars) {
        return Err(AppError::validation("input.stars", "1 to 5"));
    }
    let txn = crate::domain::begin_write(db).await?;
    let found = institution(&txn, institution_id).await?;
    policy::supervise(&caller.viewer, found.region_id)?;
    let before = found.credit_stars;
    let mut active: organization::ActiveModel = found.into();
    active.credit_stars = Set(Some(stars));
    active.updated_at = Set(Utc::now());
    let saved = active.update(&txn).await?;
    stars_reach_the_items(&txn, saved.id, stars).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "rateInstitution",
            target_type: "Organization",
            target_id: NodeKey::Organization(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(json!({ "creditStars": { "from": before, "to": stars } })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// A provider's published items carry its credit stars (for ordering by them): written in the
/// transaction that rates it.
pub(crate) async fn stars_reach_the_items(
    txn: &sea_orm::DatabaseTransaction,
    provider_id: i32,
    stars: i16,
) -> AppResult<()> {
    open_resource::Entity::update_many()
        .col_expr(open_resource::Column::ProviderStars, Expr::value(stars))
        .filter(open_resource::Column::ProviderId.eq(provider_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// A training institution by id: `NOT_FOUND`, or a validation error on `input.institution` when
/// the organization is of another kind.
pub(crate) async fn institution(
    conn: &impl sea_orm::ConnectionTrait,
    id: i32,
) -> AppResult<organization::Model> {
    let found = organization::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("organization"))?;
    if found.kind != OrganizationKind::TrainingInstitution {
        return Err(AppError::validation(
            "input.institution",
            "not a training institution",
        ));
    }
    Ok(found)
}

/// Admits, suspends or exits a training institution, with a reason, by the regulator of its region.
pub async fn set_institution_status(
    db: &DatabaseConnection,
    caller: &Caller,
    institution_id: i32,
    status: InstitutionStatus,
    reason: crate::domain::input::Reason,
) -> AppResult<organization::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let found = institution(&txn, institution_id).await?;
    policy::supervise(&caller.viewer, found.region_id)?;
    let before = found.catalogue_status;
    let mut active: organization::ActiveModel = found.into();
    active.catalogue_status = Set(Some(status));
    active.status_reason = Set(Some(reason.as_str().to_owned()));
    active.updated_at = Set(Utc::now());
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "setInstitutionStatus",
            target_type: "Organization",
            target_id: NodeKey::Organization(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(json!({ "status": { "from": before.map(|s| format!("{s:?}")), "to": format!("{status:?}") }, "reason": reason.as_str() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}
