//! Work types (工种) and special abilities (专项职业能力): reference lists below and beside the
//! occupational classification that regions extend.
//!
//! A *work type* is a trade under one occupation (电焊工 under 焊工); a *special ability* is an
//! assessed ability not tied to a skill level (螃蟹养殖, 数字新媒体制作; Huai'an lists 123, Dalian
//! 50), related to an occupation or to none. The classification prints no 工种 and no national
//! list of special abilities is published in full, so both lists start empty: the system
//! administrator adds national rows, a region's regulator its own (`policy::
//! may_keep_reference_data`), and each changes only the rows it added. A demand may name a work
//! type of its occupation and a special ability, national or of the demand's city.

use std::collections::HashMap;

use chrono::Utc;
use entity::{SearchKind, demand, special_ability, work_type};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::auth::{Caller, policy};
use crate::domain::kernel::{audit, codes::OccupationCode};
use crate::error::{AppError, AppResult};

/// A work type or special ability added or changed, as the caller wrote it.
#[derive(Debug, Clone)]
pub struct TradeChange {
    /// Its code (`ELECTRIC_WELDER`).
    pub code: String,
    /// Its Chinese name.
    pub name: String,
    /// The occupation: required for a work type, optional for a special ability.
    pub occupation: Option<OccupationCode>,
}

/// The occupation named, which must be in the classification.
async fn occupation_of(db: &impl ConnectionTrait, code: &OccupationCode) -> AppResult<String> {
    entity::occupation::Entity::find_by_id(code.as_str().to_owned())
        .one(db)
        .await?
        .map(|o| o.code)
        .ok_or_else(|| {
            AppError::validation("input.occupation", "not in the occupational classification")
        })
}

/// Adds a work type or changes one (its name and occupation), audited.
pub async fn upsert_work_type(
    db: &DatabaseConnection,
    caller: &Caller,
    change: TradeChange,
) -> AppResult<work_type::Model> {
    let region_id = policy::may_keep_reference_data(&caller.viewer, "work types")?;
    let (code, name, _) =
        crate::domain::kernel::codes::reference_names(&change.code, &change.name, "")?;
    let occupation = change.occupation.as_ref().ok_or_else(|| {
        AppError::validation("input.occupation", "a work type belongs to an occupation")
    })?;
    let occupation = occupation_of(db, occupation).await?;
    let txn = crate::domain::begin_write(db).await?;
    let existing = work_type::Entity::find()
        .filter(work_type::Column::Code.eq(&code))
        .one(&txn)
        .await?;
    let written = match &existing {
        Some(found) => {
            policy::may_change_reference_row(&caller.viewer, found.region_id, "work type")?;
            let mut active: work_type::ActiveModel = found.clone().into();
            active.name = Set(name);
            active.occupation_code = Set(occupation);
            active.update(&txn).await
        }
        None => {
            work_type::Entity::insert(work_type::ActiveModel {
                code: Set(code),
                name: Set(name),
                occupation_code: Set(occupation),
                region_id: Set(region_id),
                created_at: Set(Utc::now()),
                ..Default::default()
            })
            .exec_with_returning(&txn)
            .await
        }
    };
    let saved = written.map_err(|e| {
        crate::domain::conflict_on_duplicate(
            e,
            "input.name: the occupation has a work type of this name (or the code was added meanwhile)",
        )
    })?;
    let mut occupations = vec![saved.occupation_code.clone()];
    occupations.extend(existing.as_ref().map(|w| w.occupation_code.clone()));
    reindex_namers(
        &txn,
        SearchKind::WorkType,
        saved.id,
        &occupations,
        demand::Column::WorkTypeId,
    )
    .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: if existing.is_some() {
                "updateWorkType"
            } else {
                "addWorkType"
            },
            target_type: "WorkType",
            target_id: saved.code.clone(),
            region_id: saved.region_id,
            changes: Some(json!({ "name": saved.name, "occupation": saved.occupation_code })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Adds a special ability or changes one (its name and occupation), audited.
pub async fn upsert_special_ability(
    db: &DatabaseConnection,
    caller: &Caller,
    change: TradeChange,
) -> AppResult<special_ability::Model> {
    let region_id = policy::may_keep_reference_data(&caller.viewer, "special abilities")?;
    let (code, name, _) =
        crate::domain::kernel::codes::reference_names(&change.code, &change.name, "")?;
    let occupation = match &change.occupation {
        Some(code) => Some(occupation_of(db, code).await?),
        None => None,
    };
    let txn = crate::domain::begin_write(db).await?;
    let existing = special_ability::Entity::find()
        .filter(special_ability::Column::Code.eq(&code))
        .one(&txn)
        .await?;
    let saved = match &existing {
        Some(found) => {
            policy::may_change_reference_row(&caller.viewer, found.region_id, "special ability")?;
            let mut active: special_ability::ActiveModel = found.clone().into();
            active.name = Set(name);
            active.occupation_code = Set(occupation);
            active.update(&txn).await?
        }
        None => special_ability::Entity::insert(special_ability::ActiveModel {
            code: Set(code),
            name: Set(name),
            occupation_code: Set(occupation),
            region_id: Set(region_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await
        .map_err(|e| crate::domain::conflict_on_duplicate(e, "input.code: added meanwhile"))?,
    };
    reindex_namers(
        &txn,
        SearchKind::SpecialAbility,
        saved.id,
        &[],
        demand::Column::SpecialAbilityId,
    )
    .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: if existing.is_some() {
                "updateSpecialAbility"
            } else {
                "addSpecialAbility"
            },
            target_type: "SpecialAbility",
            target_id: saved.code.clone(),
            region_id: saved.region_id,
            changes: Some(json!({ "name": saved.name, "occupation": saved.occupation_code })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Writes the search entries of a work type or special ability, of the occupations whose entries
/// list it, and of the demands that name it (their titles carry its name).
async fn reindex_namers(
    txn: &sea_orm::DatabaseTransaction,
    kind: SearchKind,
    id: i32,
    occupations: &[String],
    named_by: demand::Column,
) -> AppResult<()> {
    use crate::domain::search::index;
    index::write_ids(txn, kind, [id]).await?;
    index::write(txn, SearchKind::Occupation, occupations).await?;
    let demands: Vec<i32> = demand::Entity::find()
        .select_only()
        .column(demand::Column::Id)
        .filter(named_by.eq(id))
        .into_tuple()
        .all(txn)
        .await?;
    index::write_ids(txn, SearchKind::Demand, demands).await
}

/// National rows, and those of `region` when one is named (every row otherwise).
fn of_region(column: impl ColumnTrait, region: Option<i32>) -> Condition {
    match region {
        Some(r) => Condition::any().add(column.is_null()).add(column.eq(r)),
        None => Condition::all(),
    }
}

/// Work types, national first, then by code: those of an occupation or group (`occupation`
/// a code prefix's `LIKE` pattern), national and of `region`.
pub async fn work_types(
    db: &impl ConnectionTrait,
    occupation_like: Option<String>,
    region: Option<i32>,
) -> AppResult<Vec<work_type::Model>> {
    let mut q = work_type::Entity::find().filter(of_region(work_type::Column::RegionId, region));
    if let Some(pattern) = occupation_like {
        q = q.filter(work_type::Column::OccupationCode.like(pattern));
    }
    Ok(q.order_by_with_nulls(
        work_type::Column::RegionId,
        sea_orm::Order::Asc,
        sea_orm::sea_query::NullOrdering::First,
    )
    .order_by_asc(work_type::Column::Code)
    .all(db)
    .await?)
}

/// Special abilities, national first, then by code: national and of `region`.
pub async fn special_abilities(
    db: &impl ConnectionTrait,
    region: Option<i32>,
) -> AppResult<Vec<special_ability::Model>> {
    Ok(special_ability::Entity::find()
        .filter(of_region(special_ability::Column::RegionId, region))
        .order_by_with_nulls(
            special_ability::Column::RegionId,
            sea_orm::Order::Asc,
            sea_orm::sea_query::NullOrdering::First,
        )
        .order_by_asc(special_ability::Column::Code)
        .all(db)
        .await?)
}

/// The work types of each occupation, by code.
pub async fn work_types_by_occupation(
    db: &DatabaseConnection,
    codes: &[String],
) -> AppResult<HashMap<String, Vec<work_type::Model>>> {
    let mut out: HashMap<String, Vec<work_type::Model>> = HashMap::new();
    for w in work_type::Entity::find()
        .filter(work_type::Column::OccupationCode.is_in(codes.iter().cloned()))
        .order_by_asc(work_type::Column::Code)
        .all(db)
        .await?
    {
        out.entry(w.occupation_code.clone()).or_default().push(w);
    }
    Ok(out)
}

/// Work types by id.
pub async fn work_types_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, work_type::Model>> {
    Ok(work_type::Entity::find()
        .filter(work_type::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect())
}

/// Special abilities by id.
pub async fn special_abilities_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, special_ability::Model>> {
    Ok(special_ability::Entity::find()
        .filter(special_ability::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

/// The work type and special ability a demand or a catalogue item names, by code: each must
/// exist and be national or of the city (`city_id`), and the work type must belong to the
/// occupation. `prefix` is the input's path.
pub async fn named_by_demand(
    db: &impl ConnectionTrait,
    prefix: &str,
    occupation: &OccupationCode,
    city_id: i32,
    work_type: Option<&str>,
    special_ability: Option<&str>,
) -> AppResult<(Option<i32>, Option<i32>)> {
    let usable = |region: Option<i32>| region.is_none_or(|r| r == city_id);
    let work_type_id = match work_type {
        None => None,
        Some(code) => {
            let field = format!("{prefix}.workType");
            let found = work_type::Entity::find()
                .filter(work_type::Column::Code.eq(code.trim()))
                .one(db)
                .await?
                .filter(|w| usable(w.region_id))
                .ok_or_else(|| {
                    AppError::validation(&field, "no work type of this code, here or nationally")
                })?;
            if found.occupation_code != occupation.as_str() {
                return Err(AppError::validation(
                    field,
                    format!(
                        "{} is a work type of {}, not of {}",
                        found.name, found.occupation_code, occupation
                    ),
                ));
            }
            Some(found.id)
        }
    };
    let special_ability_id = match special_ability {
        None => None,
        Some(code) => Some(
            special_ability::Entity::find()
                .filter(special_ability::Column::Code.eq(code.trim()))
                .one(db)
                .await?
                .filter(|s| usable(s.region_id))
                .ok_or_else(|| {
                    AppError::validation(
                        format!("{prefix}.specialAbility"),
                        "no special ability of this code, here or nationally",
                    )
                })?
                .id,
        ),
    };
    Ok((work_type_id, special_ability_id))
}
