//! Open training-resource lists (培训资源开放清单): a provider publishes its list as a whole, as a new
//! version; earlier versions stay readable. A list with any invalid item is refused whole, with
//! every bad item and field named.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use entity::{
    FundingMode, ResourceKind, ResourceStatus, Schedule, SkillLevel, alliance, membership,
    occupation, open_resource, organization, resource_occupation,
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

use crate::domain::network::regions::Place;
use crate::domain::read::nested::NestedList;
use crate::domain::{
    kernel::{
        audit,
        codes::{AllianceCode, OccupationPrefix, RegionCode},
        geo::Near,
    },
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::{
    auth::{Caller, policy},
    domain::kernel::ids::NodeKey,
    error::{AppError, AppResult},
};

pub mod import;
mod reads;

pub use reads::*;

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
) -> AppResult<(Vec<ItemError>, HashMap<usize, Place>)> {
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
    let places = crate::domain::network::regions::Places::read(
        db,
        items.iter().map(|i| i.region.trim().to_owned()),
    )
    .await?;
    let mut regions: HashMap<usize, Place> = HashMap::new();
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
        match places.get_at(item.region.trim(), &item.address) {
            Some(Ok(place)) if RegionCode::parse(&item.region).is_ok() => {
                regions.insert(i, place);
            }
            Some(Err(why)) => bad(i, "region", &why),
            _ => bad(i, "region", "not a region this server knows"),
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
    let provider_id = policy::may_publish_resources(&caller.viewer)?;
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
    for (i, item) in items.iter().enumerate() {
        let place = regions[&i];
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
            region_id: Set(place.city_id),
            county_id: Set(place.county_id),
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
    crate::domain::search::index::write_ids(
        &txn,
        entity::SearchKind::OpenResource,
        saved.iter().map(|r: &open_resource::Model| r.id),
    )
    .await?;
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
    policy::may_train(provider)
}

/// Takes one PUBLISHED item off the caller's list.
pub async fn withdraw(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<open_resource::Model> {
    let provider_id = policy::may_publish_resources(&caller.viewer)?;
    let txn = crate::domain::begin_write(db).await?;
    let found = open_resource::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("open resource"))?;
    policy::may_withdraw_resource(provider_id, &found)?;
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
