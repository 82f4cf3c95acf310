//! Industries (产业) as data, and each city's named clusters of them ("7+3", "353"): the system
//! administrator keeps the national list, a region's regulator adds the industries its seeds name
//! (化工, 港口机械, 绿色石化, 船舶) and its clusters, without a release.

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use entity::{industry, industry_cluster, industry_cluster_member, region};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};

use crate::auth::{Caller, policy};
use crate::domain::kernel::{audit, codes::RegionCode};
use crate::error::{AppError, AppResult};

/// Every industry, by code (the in-memory reference table).
pub async fn by_code_all(db: &DatabaseConnection) -> AppResult<HashMap<String, industry::Model>> {
    Ok(industry::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.code.clone(), i))
        .collect())
}

/// Every industry, by code.
pub async fn all(db: &DatabaseConnection) -> AppResult<Vec<industry::Model>> {
    Ok(industry::Entity::find()
        .order_by_asc(industry::Column::Code)
        .all(db)
        .await?)
}

/// One industry by its code.
pub async fn by_code<C: ConnectionTrait>(db: &C, code: &str) -> AppResult<Option<industry::Model>> {
    Ok(industry::Entity::find()
        .filter(industry::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// The codes of the industries of the clusters `codes` name, as a subquery.
pub fn in_clusters(codes: &[String]) -> SelectStatement {
    Query::select()
        .column((industry::Entity, industry::Column::Code))
        .from(industry::Entity)
        .inner_join(
            industry_cluster_member::Entity,
            Expr::col((
                industry_cluster_member::Entity,
                industry_cluster_member::Column::IndustryId,
            ))
            .equals((industry::Entity, industry::Column::Id)),
        )
        .inner_join(
            industry_cluster::Entity,
            Expr::col((industry_cluster::Entity, industry_cluster::Column::Id)).equals((
                industry_cluster_member::Entity,
                industry_cluster_member::Column::ClusterId,
            )),
        )
        .and_where(
            Expr::col((industry_cluster::Entity, industry_cluster::Column::Code))
                .is_in(codes.iter().cloned()),
        )
        .to_owned()
}

/// An industry added or changed, as the caller wrote it.
#[derive(Debug, Clone)]
pub struct IndustryChange {
    /// Its code, upper-case letters, digits and underscores (`SHIPBUILDING`).
    pub code: String,
    /// Its Chinese name.
    pub name: String,
    /// Its English name (empty: none known).
    pub name_en: String,
    /// Its GB/T 4754 section, one letter A to T.
    pub section: String,
}

/// Adds an industry, or renames one: the system administrator any (an added one is national), a
/// regulator those its region added (an added one is its region's). Audited.
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    change: IndustryChange,
) -> AppResult<industry::Model> {
    let region_id = policy::may_keep_reference_data(&caller.viewer, "industries")?;
    let IndustryChange {
        code,
        name,
        name_en,
        section,
    } = checked(change)?;
    let txn = crate::domain::begin_write(db).await?;
    let existing = by_code(&txn, &code).await?;
    let saved = match &existing {
        Some(found) => {
            policy::may_change_reference_row(&caller.viewer, found.region_id, "industry")?;
            let mut active: industry::ActiveModel = found.clone().into();
            active.name = Set(name);
            active.name_en = Set(name_en);
            active.section = Set(section);
            active.update(&txn).await?
        }
        None => industry::Entity::insert(industry::ActiveModel {
            code: Set(code),
            name: Set(name),
            name_en: Set(name_en),
            section: Set(section),
            region_id: Set(region_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await
        .map_err(|e| crate::domain::conflict_on_duplicate(e, "input.code: added meanwhile"))?,
    };
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: if existing.is_some() {
                "updateIndustry"
            } else {
                "addIndustry"
            },
            target_type: "Industry",
            target_id: saved.code.clone(),
            region_id: saved.region_id,
            changes: Some(serde_json::json!({
                "name": saved.name, "nameEn": saved.name_en, "section": saved.section,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The change trimmed and checked, each refusal naming its field.
fn checked(change: IndustryChange) -> AppResult<IndustryChange> {
    let (code, name, name_en) =
        crate::domain::kernel::codes::reference_names(&change.code, &change.name, &change.name_en)?;
    let section = change.section.trim().to_ascii_uppercase();
    if section.len() != 1 || !("A"..="T").contains(&section.as_str()) {
        return Err(AppError::validation(
            "input.section",
            "a GB/T 4754 section letter, A to T (C: manufacturing)",
        ));
    }
    Ok(IndustryChange {
        code,
        name,
        name_en,
        section,
    })
}

/// A cluster added or changed, as the caller wrote it.
#[derive(Debug, Clone)]
pub struct ClusterChange {
    /// Its code, lower-case letters, digits and hyphens (`ha-7-plus-3`).
    pub code: String,
    /// Its name as the city writes it.
    pub name: String,
    /// The city that names it.
    pub region: RegionCode,
    /// The codes of its industries.
    pub industries: Vec<String>,
}

/// Adds a city's cluster or changes one (its name and its industries, replaced): the regulator of
/// the city, or the system administrator. Audited.
pub async fn upsert_cluster(
    db: &DatabaseConnection,
    caller: &Caller,
    change: ClusterChange,
) -> AppResult<industry_cluster::Model> {
    let (code, name) = checked_cluster(&change)?;
    let txn = crate::domain::begin_write(db).await?;
    let city =
        crate::domain::network::regions::for_new_rows(&txn, "input.region", &change.region).await?;
    policy::may_keep_clusters(&caller.viewer, city.id)?;
    // Every industry named, in one statement; the first unknown one is refused by its position.
    let known: HashMap<String, i32> = industry::Entity::find()
        .filter(industry::Column::Code.is_in(change.industries.iter().map(|c| c.trim())))
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| (i.code, i.id))
        .collect();
    let mut ids = BTreeSet::new();
    for (i, industry_code) in change.industries.iter().enumerate() {
        let id = known.get(industry_code.trim()).ok_or_else(|| {
            AppError::validation(
                format!("input.industries[{i}]"),
                "no industry has this code",
            )
        })?;
        ids.insert(*id);
    }
    let saved = put_cluster(&txn, city.id, code, name).await?;
    industry_cluster_member::Entity::delete_many()
        .filter(industry_cluster_member::Column::ClusterId.eq(saved.id))
        .exec(&txn)
        .await?;
    industry_cluster_member::Entity::insert_many(ids.iter().map(|id| {
        industry_cluster_member::ActiveModel {
            cluster_id: Set(saved.id),
            industry_id: Set(*id),
        }
    }))
    .exec(&txn)
    .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "upsertIndustryCluster",
            target_type: "IndustryCluster",
            target_id: saved.code.clone(),
            region_id: Some(city.id),
            changes: Some(serde_json::json!({
                "name": saved.name,
                "industries": change.industries,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// A cluster's code and name, checked.
fn checked_cluster(change: &ClusterChange) -> AppResult<(String, String)> {
    let code = change.code.trim().to_owned();
    if !(2..=40).contains(&code.len())
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(AppError::validation(
            "input.code",
            "2 to 40 lower-case letters, digits and hyphens (ha-7-plus-3)",
        ));
    }
    let name = change.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(AppError::validation("input.name", "1 to 50 characters"));
    }
    if change.industries.is_empty() || change.industries.len() > 50 {
        return Err(AppError::validation(
            "input.industries",
            "1 to 50 industries",
        ));
    }
    Ok((code, name))
}

/// The cluster of `code` in city `city_id`: added, or renamed when the city has it already (one
/// of another city's is refused).
async fn put_cluster(
    txn: &sea_orm::DatabaseTransaction,
    city_id: i32,
    code: String,
    name: String,
) -> AppResult<industry_cluster::Model> {
    let existing = industry_cluster::Entity::find()
        .filter(industry_cluster::Column::Code.eq(&code))
        .one(txn)
        .await?;
    Ok(match existing {
        Some(found) if found.region_id != city_id => {
            return Err(AppError::validation(
                "input.code",
                "another city's cluster has this code",
            ));
        }
        Some(found) => {
            let mut active: industry_cluster::ActiveModel = found.into();
            active.name = Set(name);
            active.update(txn).await?
        }
        None => industry_cluster::Entity::insert(industry_cluster::ActiveModel {
            code: Set(code),
            name: Set(name),
            region_id: Set(city_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        })
        .exec_with_returning(txn)
        .await
        .map_err(|e| crate::domain::conflict_on_duplicate(e, "input.code: added meanwhile"))?,
    })
}

/// The clusters of a city (every city's without one), by code.
pub async fn clusters(
    db: &DatabaseConnection,
    region: Option<&RegionCode>,
) -> AppResult<Vec<industry_cluster::Model>> {
    let mut select = industry_cluster::Entity::find().order_by_asc(industry_cluster::Column::Code);
    if let Some(code) = region {
        select = select.filter(
            industry_cluster::Column::RegionId.in_subquery(
                Query::select()
                    .column(region::Column::Id)
                    .from(region::Entity)
                    .and_where(Expr::col(region::Column::Code).eq(code.as_str()))
                    .to_owned(),
            ),
        );
    }
    Ok(select.all(db).await?)
}

/// The industries of each of `cluster_ids`, by code.
pub async fn industries_of_clusters(
    db: &DatabaseConnection,
    cluster_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<industry::Model>>> {
    let members = industry_cluster_member::Entity::find()
        .filter(industry_cluster_member::Column::ClusterId.is_in(cluster_ids.iter().copied()))
        .all(db)
        .await?;
    let industries: HashMap<i32, industry::Model> = industry::Entity::find()
        .filter(industry::Column::Id.is_in(members.iter().map(|m| m.industry_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let mut out: HashMap<i32, Vec<industry::Model>> = HashMap::new();
    for m in members {
        if let Some(i) = industries.get(&m.industry_id) {
            out.entry(m.cluster_id).or_default().push(i.clone());
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.code.cmp(&b.code));
    }
    Ok(out)
}
