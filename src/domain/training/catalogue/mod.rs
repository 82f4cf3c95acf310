//! The subsidised-training catalogue (补贴目录) a regulator keeps for its region, and the quarterly
//! training plans (培训计划) providers publish.

mod review;
pub use review::*;

use chrono::Utc;
use entity::{
    CatalogueCategory, CatalogueItemStatus, SkillLevel, SubsidyType, catalogue_item, occupation,
    organization, region, training_plan,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Select,
    sea_query::{Expr, ExprTrait, LikeExpr},
};
use serde_json::json;

use crate::domain::{
    kernel::{
        audit,
        codes::{OccupationCode, OccupationPrefix, RegionCode},
    },
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
    training::resources::ensure_admitted,
};
use crate::{
    auth::{Caller, policy},
    domain::kernel::ids::NodeKey,
    error::{AppError, AppResult},
};

/// A catalogue item to list (or to update, when one exists for the same region, year, occupation,
/// level, category, work type and special ability).
#[derive(Debug, Clone)]
pub struct CatalogueEntry {
    /// The occupation.
    pub occupation: OccupationCode,
    /// The level.
    pub level: SkillLevel,
    /// The category.
    pub category: CatalogueCategory,
    /// Subsidy per person, fen: 0 to 10,000,000 (100,000 CNY).
    pub subsidy_fen: i64,
    /// What a claim needs beyond the completion's attendance; by default a certificate for the
    /// certificate categories and the completion alone for a special ability.
    pub evidence: Option<entity::ClaimEvidence>,
    /// A scarce occupation.
    pub scarce: bool,
    /// The catalogue year, 2000 to 2100.
    pub year: i16,
    /// The code of the work type (工种) of the occupation it subsidises (national or of the
    /// regulator's region).
    pub work_type: Option<String>,
    /// For a SPECIAL_ABILITY item, the code of the special ability it subsidises (national or of
    /// the regulator's region).
    pub special_ability: Option<String>,
}

async fn occupation_exists(
    db: &DatabaseConnection,
    field: &str,
    code: &OccupationCode,
) -> AppResult<()> {
    occupation::Entity::find_by_id(code.as_str().to_owned())
        .one(db)
        .await?
        .map(|_| ())
        .ok_or_else(|| AppError::validation(field, "not in the occupational classification"))
}

/// Lists (or updates) an item in the regulator's region's catalogue, as LISTED.
pub async fn upsert_item(
    db: &DatabaseConnection,
    caller: &Caller,
    entry: CatalogueEntry,
) -> AppResult<catalogue_item::Model> {
    let region_id = policy::may_supervise_own_region(&caller.viewer)?;
    if !(0..=10_000_000).contains(&entry.subsidy_fen) {
        return Err(AppError::validation(
            "input.subsidyFen",
            "0 to 10,000,000 fen (100,000 CNY)",
        ));
    }
    let evidence = entry.evidence.unwrap_or(match entry.category {
        CatalogueCategory::SpecialAbility => entity::ClaimEvidence::Completion,
        _ => entity::ClaimEvidence::Certificate,
    });
    // The whole-yuan column older clients read, rounded down.
    let yuan = i32::try_from(entry.subsidy_fen / 100).unwrap_or(i32::MAX);
    if !(2000..=2100).contains(&entry.year) {
        return Err(AppError::validation("input.year", "2000 to 2100"));
    }
    occupation_exists(db, "input.occupation", &entry.occupation).await?;
    if entry.special_ability.is_some() && entry.category != CatalogueCategory::SpecialAbility {
        return Err(AppError::validation(
            "input.specialAbility",
            "only an item of the SPECIAL_ABILITY category names a special ability",
        ));
    }
    let (work_type_id, special_ability_id) = crate::domain::occupations::trades::named_by_demand(
        db,
        "input",
        &entry.occupation,
        region_id,
        entry.work_type.as_deref(),
        entry.special_ability.as_deref(),
    )
    .await?;
    let txn = crate::domain::begin_write(db).await?;
    let existing = catalogue_item::Entity::find()
        .filter(catalogue_item::Column::RegionId.eq(region_id))
        .filter(catalogue_item::Column::Year.eq(entry.year))
        .filter(catalogue_item::Column::OccupationCode.eq(entry.occupation.as_str()))
        .filter(catalogue_item::Column::Level.eq(entry.level))
        .filter(catalogue_item::Column::Category.eq(entry.category))
        .filter(match work_type_id {
            Some(id) => catalogue_item::Column::WorkTypeId.eq(id),
            None => catalogue_item::Column::WorkTypeId.is_null(),
        })
        .filter(match special_ability_id {
            Some(id) => catalogue_item::Column::SpecialAbilityId.eq(id),
            None => catalogue_item::Column::SpecialAbilityId.is_null(),
        })
        .one(&txn)
        .await?;
    let now = Utc::now();
    let saved = match existing {
        Some(item) => {
            let mut active: catalogue_item::ActiveModel = item.into();
            active.subsidy_amount = Set(yuan);
            active.subsidy_fen = Set(entry.subsidy_fen);
            active.evidence = Set(evidence);
            active.scarce = Set(entry.scarce);
            active.status = Set(CatalogueItemStatus::Listed);
            active.reason = Set(None);
            active.updated_at = Set(now);
            active.update(&txn).await?
        }
        None => catalogue_item::Entity::insert(catalogue_item::ActiveModel {
            region_id: Set(region_id),
            occupation_code: Set(entry.occupation.as_str().to_owned()),
            level: Set(entry.level),
            category: Set(entry.category),
            subsidy_amount: Set(yuan),
            subsidy_fen: Set(entry.subsidy_fen),
            evidence: Set(evidence),
            scarce: Set(entry.scarce),
            year: Set(entry.year),
            status: Set(CatalogueItemStatus::Listed),
            reason: Set(None),
            updated_at: Set(now),
            work_type_id: Set(work_type_id),
            special_ability_id: Set(special_ability_id),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await
        .map_err(|e| {
            crate::domain::conflict_on_duplicate(e, "input: the item was listed meanwhile")
        })?,
    };
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "upsertCatalogueItem",
            target_type: "CatalogueItem",
            target_id: NodeKey::CatalogueItem(saved.id).to_id().0,
            region_id: Some(region_id),
            changes: Some(json!({
                "occupation": saved.occupation_code, "level": format!("{:?}", saved.level),
                "category": format!("{:?}", saved.category), "subsidyFen": saved.subsidy_fen, "evidence": format!("{:?}", saved.evidence),
                "scarce": saved.scarce, "year": saved.year,
                "workType": entry.work_type, "specialAbility": entry.special_ability,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Moves a catalogue item to LISTED, UNDER_REVIEW or REMOVED, with a reason.
pub async fn set_item_status(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    status: CatalogueItemStatus,
    reason: crate::domain::kernel::input::Reason,
) -> AppResult<catalogue_item::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let found = catalogue_item::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("catalogue item"))?;
    policy::may_supervise(&caller.viewer, found.region_id)?;
    let before = found.status;
    let mut active: catalogue_item::ActiveModel = found.into();
    active.status = Set(status);
    active.reason = Set(Some(reason.as_str().to_owned()));
    active.updated_at = Set(Utc::now());
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "setCatalogueItemStatus",
            target_type: "CatalogueItem",
            target_id: NodeKey::CatalogueItem(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(json!({ "status": { "from": format!("{before:?}"), "to": format!("{status:?}") }, "reason": reason.as_str() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Which catalogue items to list.
#[derive(Debug, Clone, Default)]
pub struct CatalogueFilter {
    /// Of this region's catalogue.
    pub region: Option<RegionCode>,
    /// Of this year.
    pub year: Option<i16>,
    /// For this occupation or group.
    pub occupation: Option<OccupationPrefix>,
    /// For this level.
    pub level: Option<SkillLevel>,
    /// Of this category.
    pub category: Option<CatalogueCategory>,
    /// In any of these statuses (LISTED when empty).
    pub statuses: Vec<CatalogueItemStatus>,
    /// Scarce occupations only (or not).
    pub scarce: Option<bool>,
}

/// The regions a filter's region means: it and everything under it.
fn region_subquery(code: &RegionCode) -> sea_orm::sea_query::SelectStatement {
    crate::domain::network::regions::within(std::slice::from_ref(code))
}

fn select_items(filter: &CatalogueFilter) -> Select<catalogue_item::Entity> {
    let statuses = if filter.statuses.is_empty() {
        vec![CatalogueItemStatus::Listed]
    } else {
        filter.statuses.clone()
    };
    let mut cond = Condition::all().add(catalogue_item::Column::Status.is_in(statuses));
    if let Some(region) = &filter.region {
        cond = cond.add(catalogue_item::Column::RegionId.in_subquery(region_subquery(region)));
    }
    if let Some(year) = filter.year {
        cond = cond.add(catalogue_item::Column::Year.eq(year));
    }
    if let Some(prefix) = &filter.occupation {
        cond = cond.add(
            Expr::col(catalogue_item::Column::OccupationCode)
                .like(LikeExpr::new(prefix.like_pattern())),
        );
    }
    if let Some(level) = filter.level {
        cond = cond.add(catalogue_item::Column::Level.eq(level));
    }
    if let Some(category) = filter.category {
        cond = cond.add(catalogue_item::Column::Category.eq(category));
    }
    if let Some(scarce) = filter.scarce {
        cond = cond.add(catalogue_item::Column::Scarce.eq(scarce));
    }
    catalogue_item::Entity::find().filter(cond)
}

fn item_ordering() -> Ordering<catalogue_item::Entity> {
    Ordering {
        name: "catalogue:code:asc".to_owned(),
        keys: vec![
            SortKey::column(
                catalogue_item::Column::OccupationCode,
                false,
                KeyKind::Text,
                |m: &catalogue_item::Model| CursorValue::Text(m.occupation_code.clone()),
            ),
            SortKey::column(
                catalogue_item::Column::Id,
                false,
                KeyKind::Int,
                |m: &catalogue_item::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    }
}

/// One page of catalogue items (public), by occupation code.
pub async fn list_items(
    db: &DatabaseConnection,
    filter: &CatalogueFilter,
    request: &PageRequest,
) -> AppResult<Page<catalogue_item::Model>> {
    page::fetch_page(db, select_items(filter), &item_ordering(), request).await
}

/// How many catalogue items match.
pub async fn count_items(db: &DatabaseConnection, filter: &CatalogueFilter) -> AppResult<u64> {
    page::count(db, select_items(filter)).await
}

/// A quarterly plan to publish (or to update, for the same provider, quarter and occupation).
#[derive(Debug, Clone)]
pub struct PlanEntry {
    /// The region it trains in.
    pub region: RegionCode,
    /// The year.
    pub year: i16,
    /// The quarter, 1 to 4.
    pub quarter: i16,
    /// The occupation.
    pub occupation: OccupationCode,
    /// Classes planned, 1 to 1,000.
    pub planned_classes: i32,
    /// People planned, 1 to 100,000.
    pub planned_headcount: i32,
    /// The subsidy it draws on.
    pub subsidy_type: SubsidyType,
    /// The programme it belongs to, if any: of the plan's city or its province, running in the
    /// quarter, for its occupation.
    pub programme_id: Option<i32>,
}

/// Publishes a quarterly plan for the caller's provider.
pub async fn publish_plan(
    db: &DatabaseConnection,
    caller: &Caller,
    entry: PlanEntry,
) -> AppResult<training_plan::Model> {
    let provider_id = policy::may_publish_resources(&caller.viewer)?;
    let provider = organization::Entity::find_by_id(provider_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("organization"))?;
    ensure_admitted(&provider)?;
    if !(1..=4).contains(&entry.quarter) {
        return Err(AppError::validation("input.quarter", "1 to 4"));
    }
    if !(2000..=2100).contains(&entry.year) {
        return Err(AppError::validation("input.year", "2000 to 2100"));
    }
    if !(1..=1_000).contains(&entry.planned_classes) {
        return Err(AppError::validation("input.plannedClasses", "1 to 1,000"));
    }
    if !(1..=100_000).contains(&entry.planned_headcount) {
        return Err(AppError::validation(
            "input.plannedHeadcount",
            "1 to 100,000",
        ));
    }
    occupation_exists(db, "input.occupation", &entry.occupation).await?;
    let region =
        crate::domain::network::regions::for_new_rows(db, "input.region", &entry.region).await?;
    if let Some(programme) = entry.programme_id {
        crate::domain::programmes::for_plan(
            db,
            region.id,
            programme,
            (entry.year, entry.quarter),
            entry.occupation.as_str(),
        )
        .await?;
    }
    let txn = crate::domain::begin_write(db).await?;
    let existing = training_plan::Entity::find()
        .filter(training_plan::Column::ProviderId.eq(provider_id))
        .filter(training_plan::Column::Year.eq(entry.year))
        .filter(training_plan::Column::Quarter.eq(entry.quarter))
        .filter(training_plan::Column::OccupationCode.eq(entry.occupation.as_str()))
        .one(&txn)
        .await?;
    let saved = match existing {
        Some(plan) => {
            let mut active: training_plan::ActiveModel = plan.into();
            active.region_id = Set(region.id);
            active.planned_classes = Set(entry.planned_classes);
            active.planned_headcount = Set(entry.planned_headcount);
            active.subsidy_type = Set(entry.subsidy_type);
            active.programme_id = Set(entry.programme_id);
            active.update(&txn).await?
        }
        None => {
            training_plan::Entity::insert(training_plan::ActiveModel {
                region_id: Set(region.id),
                year: Set(entry.year),
                quarter: Set(entry.quarter),
                occupation_code: Set(entry.occupation.as_str().to_owned()),
                provider_id: Set(provider_id),
                planned_classes: Set(entry.planned_classes),
                planned_headcount: Set(entry.planned_headcount),
                subsidy_type: Set(entry.subsidy_type),
                programme_id: Set(entry.programme_id),
                created_at: Set(Utc::now()),
                ..Default::default()
            })
            .exec_with_returning(&txn)
            .await?
        }
    };
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "publishTrainingPlan",
            target_type: "TrainingPlan",
            target_id: NodeKey::TrainingPlan(saved.id).to_id().0,
            region_id: Some(region.id),
            changes: Some(json!({
                "year": saved.year, "quarter": saved.quarter, "occupation": saved.occupation_code,
                "plannedClasses": saved.planned_classes, "plannedHeadcount": saved.planned_headcount,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Which plans to list.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    /// In this region.
    pub region: Option<RegionCode>,
    /// Of this year.
    pub year: Option<i16>,
    /// Of this quarter.
    pub quarter: Option<i16>,
    /// For this occupation or group.
    pub occupation: Option<OccupationPrefix>,
    /// By this provider.
    pub provider_id: Option<i32>,
}

fn select_plans(filter: &PlanFilter) -> Select<training_plan::Entity> {
    let mut cond = Condition::all();
    if let Some(region) = &filter.region {
        cond = cond.add(training_plan::Column::RegionId.in_subquery(region_subquery(region)));
    }
    if let Some(year) = filter.year {
        cond = cond.add(training_plan::Column::Year.eq(year));
    }
    if let Some(quarter) = filter.quarter {
        cond = cond.add(training_plan::Column::Quarter.eq(quarter));
    }
    if let Some(prefix) = &filter.occupation {
        cond = cond.add(
            Expr::col(training_plan::Column::OccupationCode)
                .like(LikeExpr::new(prefix.like_pattern())),
        );
    }
    if let Some(p) = filter.provider_id {
        cond = cond.add(training_plan::Column::ProviderId.eq(p));
    }
    // A SUSPENDED or EXITED provider's plans leave the public list with it.
    cond = cond.add(
        training_plan::Column::ProviderId
            .not_in_subquery(crate::domain::institutions::credit::barred_providers()),
    );
    training_plan::Entity::find().filter(cond)
}

fn plan_ordering() -> Ordering<training_plan::Entity> {
    Ordering {
        name: "plans:id:asc".to_owned(),
        keys: vec![SortKey::column(
            training_plan::Column::Id,
            false,
            KeyKind::Int,
            |m: &training_plan::Model| CursorValue::Int(i64::from(m.id)),
        )],
    }
}

/// One page of plans (public).
pub async fn list_plans(
    db: &DatabaseConnection,
    filter: &PlanFilter,
    request: &PageRequest,
) -> AppResult<Page<training_plan::Model>> {
    page::fetch_page(db, select_plans(filter), &plan_ordering(), request).await
}

/// How many plans match.
pub async fn count_plans(db: &DatabaseConnection, filter: &PlanFilter) -> AppResult<u64> {
    page::count(db, select_plans(filter)).await
}

/// Catalogue items by id.
pub async fn items_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<std::collections::HashMap<i32, catalogue_item::Model>> {
    Ok(catalogue_item::Entity::find()
        .filter(catalogue_item::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}

/// Training plans by id.
pub async fn plans_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<std::collections::HashMap<i32, training_plan::Model>> {
    Ok(training_plan::Entity::find()
        .filter(training_plan::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}
