//! Demand (岗位需求): enterprises post job and apprenticeship openings to their alliances.
//!
//! Lifecycle: DRAFT → OPEN → FILLED or CLOSED (a draft may also be closed). Every change bumps
//! `version`; an update names the version it read, and a stale one is a `CONFLICT` that changes
//! nothing. OPEN demand is public; other statuses are visible to the enterprise, the admins of the
//! alliances it is posted to, the regulator of its region, and system administrators.

mod listing;

pub use listing::{
    DemandFilter, DemandOrderField, alliance_ids, alliances_of, by_ids, can_see, count,
    ids_by_cohort, list, open_now, open_of_alliance, open_of_enterprise, open_of_occupation,
};

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    DemandKind, DemandStatus, SkillLevel, alliance, demand, demand_alliance, membership, occupation,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, Select,
    sea_query::{Expr, ExprTrait, Query},
};
use sea_orm::{FromQueryResult, QueryTrait};
use serde_json::json;

pub use crate::domain::kernel::geo::Near;
use crate::domain::network::regions::Place;
use crate::domain::read::nested::NestedList;
use crate::domain::{
    SearchText,
    kernel::{
        audit,
        codes::{AllianceCode, OccupationCode, OccupationPrefix, RegionCode},
    },
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::{
    auth::{
        Caller, Viewer,
        policy::{self, DemandScope},
    },
    domain::kernel::ids::NodeKey,
    error::{AppError, AppResult},
};

/// The most people one demand asks for.
pub const MAX_HEADCOUNT: i32 = 10_000;

/// The content of a demand, validated except for what needs the database (occupation, alliances).
#[derive(Debug, Clone)]
pub struct DemandContent {
    /// The alliances to post to: one or more of the enterprise's own.
    pub alliances: Vec<AllianceCode>,
    /// The occupation.
    pub occupation: OccupationCode,
    /// The level required.
    pub level: SkillLevel,
    /// JOB or APPRENTICESHIP.
    pub kind: DemandKind,
    /// 1 to 10,000.
    pub headcount: i32,
    /// Monthly wage range, CNY, min ≤ max.
    pub wage: (i32, i32),
    /// The workplace's region.
    pub region: RegionCode,
    /// The workplace's address.
    pub address: String,
    /// The workplace's coordinates.
    pub point: Option<(f64, f64)>,
    /// What the work is.
    pub description: String,
    /// The last valid day; not in the past.
    pub valid_until: NaiveDate,
    /// The work type (工种) of the occupation, by code, if any.
    pub work_type: Option<String>,
    /// The special ability (专项职业能力) asked for, by code, if any.
    pub special_ability: Option<String>,
}

/// Validates the parts of a demand that need no database; `prefix` is the input's path.
#[expect(clippy::too_many_arguments, reason = "one argument per input field")]
pub fn validate(
    prefix: &str,
    headcount: i32,
    wage_min: i32,
    wage_max: i32,
    latitude: Option<f64>,
    longitude: Option<f64>,
    address: &str,
    description: &str,
    valid_until: NaiveDate,
) -> AppResult<()> {
    let field = |name: &str| format!("{prefix}.{name}");
    if !(1..=MAX_HEADCOUNT).contains(&headcount) {
        return Err(AppError::validation(
            field("headcount"),
            format!("must be 1 to {MAX_HEADCOUNT}"),
        ));
    }
    if wage_min < 0 || wage_max > 1_000_000 {
        return Err(AppError::validation(
            field("wage"),
            "monthly wages are 0 to 1,000,000 CNY",
        ));
    }
    if wage_min > wage_max {
        return Err(AppError::validation(
            field("wage"),
            "the minimum is above the maximum",
        ));
    }
    match (latitude, longitude) {
        (None, None) => {}
        (Some(lat), Some(lng))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng) => {}
        (Some(_), Some(_)) => {
            return Err(AppError::validation(
                field("location"),
                "latitude is -90 to 90 and longitude -180 to 180",
            ));
        }
        _ => {
            return Err(AppError::validation(
                field("location"),
                "give both latitude and longitude, or neither",
            ));
        }
    }
    let address_len = address.trim().chars().count();
    if address_len == 0 || address_len > 200 {
        return Err(AppError::validation(
            field("address"),
            "1 to 200 characters",
        ));
    }
    if description.chars().count() > 5_000 {
        return Err(AppError::validation(
            field("description"),
            "at most 5,000 characters",
        ));
    }
    if valid_until < Utc::now().date_naive() {
        return Err(AppError::validation(
            field("validUntil"),
            "must not be in the past",
        ));
    }
    Ok(())
}

/// What a demand names, resolved: its place, its alliances, its work type and special ability.
struct Resolved {
    place: Place,
    alliances: Vec<alliance::Model>,
    work_type_id: Option<i32>,
    special_ability_id: Option<i32>,
}

/// Resolves and checks what needs the database: the occupation exists, the region exists, every
/// alliance is one the enterprise currently belongs to, and the work type and special ability
/// are usable here (`trades::named_by_demand`).
async fn resolve(
    txn: &DatabaseTransaction,
    prefix: &str,
    enterprise_id: i32,
    content: &DemandContent,
) -> AppResult<Resolved> {
    if occupation::Entity::find_by_id(content.occupation.as_str().to_owned())
        .one(txn)
        .await?
        .is_none()
    {
        return Err(AppError::validation(
            format!("{prefix}.occupation"),
            format!(
                "{} is not in the occupational classification",
                content.occupation
            ),
        ));
    }
    let place = crate::domain::network::regions::place_for_new_rows(
        txn,
        &format!("{prefix}.region"),
        &content.region,
        Some(&content.address),
    )
    .await?;
    if content.alliances.is_empty() {
        return Err(AppError::validation(
            format!("{prefix}.alliances"),
            "post to at least one alliance",
        ));
    }
    let mine: HashMap<String, alliance::Model> = alliance::Entity::find()
        .inner_join(membership::Entity)
        .filter(membership::Column::OrganizationId.eq(enterprise_id))
        .filter(membership::Column::LeftOn.is_null())
        .all(txn)
        .await?
        .into_iter()
        .map(|a| (a.code.clone(), a))
        .collect();
    let mut chosen = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, code) in content.alliances.iter().enumerate() {
        let found = mine.get(code.as_str()).ok_or_else(|| {
            AppError::validation(
                format!("{prefix}.alliances[{i}]"),
                format!("the enterprise is not a member of {}", code.as_str()),
            )
        })?;
        if seen.insert(found.id) {
            chosen.push(found.clone());
        }
    }
    let (work_type_id, special_ability_id) = crate::domain::occupations::trades::named_by_demand(
        txn,
        prefix,
        &content.occupation,
        place.city_id,
        content.work_type.as_deref(),
        content.special_ability.as_deref(),
    )
    .await?;
    Ok(Resolved {
        place,
        alliances: chosen,
        work_type_id,
        special_ability_id,
    })
}

async fn set_alliances(
    txn: &DatabaseTransaction,
    demand_id: i32,
    alliances: &[alliance::Model],
) -> AppResult<()> {
    demand_alliance::Entity::delete_many()
        .filter(demand_alliance::Column::DemandId.eq(demand_id))
        .exec(txn)
        .await?;
    demand_alliance::Entity::insert_many(alliances.iter().map(|a| demand_alliance::ActiveModel {
        demand_id: Set(demand_id),
        alliance_id: Set(a.id),
    }))
    .exec(txn)
    .await?;
    Ok(())
}

fn content_json(content: &DemandContent, alliances: &[alliance::Model]) -> serde_json::Value {
    json!({
        "alliances": alliances.iter().map(|a| a.code.clone()).collect::<Vec<_>>(),
        "occupation": content.occupation.as_str(),
        "level": format!("{:?}", content.level),
        "kind": format!("{:?}", content.kind),
        "headcount": content.headcount,
        "wage": [content.wage.0, content.wage.1],
        "region": content.region.as_str(),
        "address": content.address,
        "validUntil": content.valid_until,
        "workType": content.work_type,
        "specialAbility": content.special_ability,
    })
}

fn demand_target(id: i32) -> String {
    NodeKey::Demand(id).to_id().0
}

/// Creates a DRAFT demand for the caller's enterprise.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    content: DemandContent,
) -> AppResult<demand::Model> {
    let enterprise_id = policy::may_post_demand(&caller.viewer)?;
    let txn = crate::domain::begin_write(db).await?;
    let Resolved {
        place,
        alliances,
        work_type_id,
        special_ability_id,
    } = resolve(&txn, "input", enterprise_id, &content).await?;
    let region_id = place.city_id;
    let now = Utc::now();
    let saved = demand::Entity::insert(demand::ActiveModel {
        enterprise_id: Set(enterprise_id),
        occupation_code: Set(content.occupation.as_str().to_owned()),
        level: Set(content.level),
        kind: Set(content.kind),
        headcount: Set(content.headcount),
        wage_min: Set(content.wage.0),
        wage_max: Set(content.wage.1),
        region_id: Set(region_id),
        county_id: Set(place.county_id),
        address: Set(content.address.trim().to_owned()),
        latitude: Set(content.point.map(|p| p.0)),
        longitude: Set(content.point.map(|p| p.1)),
        description: Set(content.description.clone()),
        valid_until: Set(content.valid_until),
        status: Set(DemandStatus::Draft),
        close_reason: Set(None),
        posted_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        hired: Set(0),
        work_type_id: Set(work_type_id),
        special_ability_id: Set(special_ability_id),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await?;
    set_alliances(&txn, saved.id, &alliances).await?;
    crate::domain::search::index::write_ids(&txn, entity::SearchKind::Demand, [saved.id]).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "createDemand",
            target_type: "Demand",
            target_id: demand_target(saved.id),
            region_id: Some(region_id),
            changes: Some(content_json(&content, &alliances)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Loads a demand for a change by its enterprise, checking the version the caller read.
async fn for_change(
    txn: &DatabaseTransaction,
    caller: &Caller,
    id: i32,
    version: Option<i32>,
) -> AppResult<demand::Model> {
    let found = demand::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("demand"))?;
    policy::may_manage_demand(&caller.viewer, found.enterprise_id)?;
    if let Some(version) = version
        && version != found.version
    {
        return Err(AppError::Conflict(format!(
            "the demand changed since it was read (version {version}, now {}); read it again",
            found.version
        )));
    }
    Ok(found)
}

/// Replaces a DRAFT or OPEN demand's content, if `version` is still current.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    version: i32,
    content: DemandContent,
) -> AppResult<demand::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let found = for_change(&txn, caller, id, Some(version)).await?;
    if !matches!(found.status, DemandStatus::Draft | DemandStatus::Open) {
        return Err(AppError::validation(
            "input.id",
            format!("a {:?} demand cannot be changed", found.status).to_uppercase(),
        ));
    }
    if content.headcount < found.hired {
        return Err(AppError::validation(
            "input.demand.headcount",
            format!(
                "{} places are filled already; the headcount cannot go below that",
                found.hired
            ),
        ));
    }
    let Resolved {
        place,
        alliances,
        work_type_id,
        special_ability_id,
    } = resolve(&txn, "input.demand", found.enterprise_id, &content).await?;
    let region_id = place.city_id;
    let mut active: demand::ActiveModel = found.clone().into();
    active.occupation_code = Set(content.occupation.as_str().to_owned());
    active.level = Set(content.level);
    active.kind = Set(content.kind);
    active.headcount = Set(content.headcount);
    active.wage_min = Set(content.wage.0);
    active.wage_max = Set(content.wage.1);
    active.region_id = Set(region_id);
    active.county_id = Set(place.county_id);
    active.address = Set(content.address.trim().to_owned());
    active.latitude = Set(content.point.map(|p| p.0));
    active.longitude = Set(content.point.map(|p| p.1));
    active.description = Set(content.description.clone());
    active.valid_until = Set(content.valid_until);
    active.work_type_id = Set(work_type_id);
    active.special_ability_id = Set(special_ability_id);
    let saved = bump(&txn, active, found.version).await?;
    set_alliances(&txn, saved.id, &alliances).await?;
    crate::domain::search::index::write_ids(&txn, entity::SearchKind::Demand, [saved.id]).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "updateDemand",
            target_type: "Demand",
            target_id: demand_target(saved.id),
            region_id: Some(region_id),
            changes: Some(content_json(&content, &alliances)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Saves a change with `version + 1`, but only if the row still has `version`: two writers that
/// read the same version cannot both win.
async fn bump(
    txn: &DatabaseTransaction,
    mut active: demand::ActiveModel,
    version: i32,
) -> AppResult<demand::Model> {
    let id = match &active.id {
        sea_orm::ActiveValue::Set(id) | sea_orm::ActiveValue::Unchanged(id) => *id,
        sea_orm::ActiveValue::NotSet => {
            return Err(AppError::internal("a demand change without its id"));
        }
    };
    active.version = Set(version + 1);
    active.updated_at = Set(Utc::now());
    let result = demand::Entity::update_many()
        .set(active)
        .filter(demand::Column::Id.eq(id))
        .filter(demand::Column::Version.eq(version))
        .exec(txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the demand changed meanwhile; read it again".to_owned(),
        ));
    }
    demand::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("a demand vanished inside its transaction"))
}

/// A lifecycle step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// DRAFT → OPEN.
    Open,
    /// DRAFT or OPEN → CLOSED, with a reason.
    Close(crate::domain::kernel::input::Reason),
    /// OPEN → FILLED.
    Fill,
}

/// Moves a demand through its lifecycle. An impossible step is `BAD_USER_INPUT` on `status`.
pub async fn transition(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    version: Option<i32>,
    step: Transition,
) -> AppResult<(demand::Model, Vec<i32>)> {
    let txn = crate::domain::begin_write(db).await?;
    let found = for_change(&txn, caller, id, version).await?;
    use DemandStatus::*;
    let (to, action) = match (&step, found.status) {
        (Transition::Open, Draft) => (Open, "openDemand"),
        (Transition::Close(_), Draft | Open) => (Closed, "closeDemand"),
        (Transition::Fill, Open) => (Filled, "markDemandFilled"),
        (_, from) => {
            return Err(AppError::validation(
                "status",
                format!(
                    "a {} demand cannot be {}",
                    status_name(from),
                    match step {
                        Transition::Open => "opened",
                        Transition::Close(_) => "closed",
                        Transition::Fill => "marked filled",
                    }
                ),
            ));
        }
    };
    if to == Open && found.valid_until < Utc::now().date_naive() {
        return Err(AppError::validation(
            "validUntil",
            "the demand expired; update validUntil first",
        ));
    }
    let from = found.status;
    let mut active: demand::ActiveModel = found.clone().into();
    active.status = Set(to);
    if to == Open {
        active.posted_at = Set(Some(Utc::now()));
    }
    if let Transition::Close(reason) = &step {
        active.close_reason = Set(Some(reason.as_str().to_owned()));
    }
    let saved = bump(&txn, active, found.version).await?;
    crate::domain::search::index::write_ids(&txn, entity::SearchKind::Demand, [saved.id]).await?;
    let alliances: Vec<i32> = demand_alliance::Entity::find()
        .filter(demand_alliance::Column::DemandId.eq(saved.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|d| d.alliance_id)
        .collect();
    let mut changes = json!({ "status": { "from": status_name(from), "to": status_name(to) } });
    if let Transition::Close(reason) = &step {
        changes["reason"] = json!(reason);
    }
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action,
            target_type: "Demand",
            target_id: demand_target(saved.id),
            region_id: Some(saved.region_id),
            changes: Some(changes),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((saved, alliances))
}

fn status_name(status: DemandStatus) -> &'static str {
    match status {
        DemandStatus::Draft => "DRAFT",
        DemandStatus::Open => "OPEN",
        DemandStatus::Expired => "EXPIRED",
        DemandStatus::Filled => "FILLED",
        DemandStatus::Closed => "CLOSED",
    }
}
