//! Alliances (区域职业培训联盟).

use std::collections::HashMap;

use entity::{alliance, membership, region};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};
use sea_orm::{FromQueryResult, QueryTrait};

use crate::domain::read::nested::NestedList;
use crate::domain::{
    kernel::codes::{AllianceCode, RegionCode},
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::error::AppResult;

/// Which alliances to list. Every field narrows; an empty filter means every alliance of every
/// region, which is what queries across alliances rest on.
#[derive(Debug, Clone, Default)]
pub struct AllianceFilter {
    /// Only alliances of this region.
    pub region: Option<RegionCode>,
    /// Only alliances of these industries (codes; empty: any).
    pub industries: Vec<String>,
    /// Only alliances of an industry of these clusters (codes; empty: any).
    pub clusters: Vec<String>,
}

/// What alliances are ordered by; ties are broken by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AllianceOrderField {
    /// The public code.
    #[default]
    Code,
    /// The Chinese name, by code point.
    Name,
    /// The founding date.
    FoundedOn,
}

fn ordering(field: AllianceOrderField, descending: bool) -> Ordering<alliance::Entity> {
    let (name, key) = match field {
        AllianceOrderField::Code => (
            "code",
            SortKey::column(
                alliance::Column::Code,
                descending,
                KeyKind::Text,
                |m: &alliance::Model| CursorValue::Text(m.code.clone()),
            ),
        ),
        AllianceOrderField::Name => (
            "name",
            SortKey::column(
                alliance::Column::Name,
                descending,
                KeyKind::Text,
                |m: &alliance::Model| CursorValue::Text(m.name.clone()),
            ),
        ),
        AllianceOrderField::FoundedOn => (
            "founded",
            SortKey::column(
                alliance::Column::FoundedOn,
                descending,
                KeyKind::Date,
                |m: &alliance::Model| CursorValue::Date(m.founded_on),
            ),
        ),
    };
    Ordering {
        name: format!(
            "alliances:{name}:{}",
            if descending { "desc" } else { "asc" }
        ),
        keys: vec![
            key,
            SortKey::column(
                alliance::Column::Id,
                descending,
                KeyKind::Int,
                |m: &alliance::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    }
}

fn select(filter: &AllianceFilter) -> sea_orm::Select<alliance::Entity> {
    let mut cond = Condition::all();
    if let Some(region) = &filter.region {
        cond = cond.add(alliance::Column::RegionId.in_subquery(
            crate::domain::network::regions::within(std::slice::from_ref(region)),
        ));
    }
    if !filter.industries.is_empty() {
        cond = cond.add(alliance::Column::Industry.is_in(filter.industries.iter().cloned()));
    }
    if !filter.clusters.is_empty() {
        cond = cond.add(alliance::Column::Industry.in_subquery(
            crate::domain::network::industries::in_clusters(&filter.clusters),
        ));
    }
    alliance::Entity::find().filter(cond)
}

/// One page of alliances.
pub async fn list(
    db: &DatabaseConnection,
    filter: &AllianceFilter,
    order: AllianceOrderField,
    descending: bool,
    request: &PageRequest,
) -> AppResult<Page<alliance::Model>> {
    page::fetch_page(db, select(filter), &ordering(order, descending), request).await
}

/// How many alliances match.
pub async fn count(db: &DatabaseConnection, filter: &AllianceFilter) -> AppResult<u64> {
    page::count(db, select(filter)).await
}

/// One alliance by code.
pub async fn by_code(
    db: &DatabaseConnection,
    code: &AllianceCode,
) -> AppResult<Option<alliance::Model>> {
    Ok(alliance::Entity::find()
        .filter(alliance::Column::Code.eq(code.as_str()))
        .one(db)
        .await?)
}

/// The ids of the alliances of `codes` that exist, in one statement.
pub async fn ids_of_codes(
    db: &DatabaseConnection,
    codes: &[AllianceCode],
) -> AppResult<std::collections::BTreeSet<i32>> {
    crate::domain::identity::alliances(db, codes).await
}

/// Alliances by id, in one statement.
pub async fn by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, alliance::Model>> {
    Ok(alliance::Entity::find()
        .filter(alliance::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// The alliances of a region, in the order they were registered: the nested list of
/// `Region.alliances`.
pub fn of_region() -> NestedList<alliance::Model> {
    NestedList {
        name: "region.alliances",
        select: alliance::Entity::find().into_query(),
        parent: Expr::col((alliance::Entity, alliance::Column::RegionId)),
        order: Expr::col((alliance::Entity, alliance::Column::Id)),
        parse: |row| alliance::Model::from_query_result(row, ""),
        key: |a| i64::from(a.id),
    }
}

/// The alliances each organization currently belongs to, in one statement.
pub async fn by_organization_ids(
    db: &DatabaseConnection,
    organization_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<alliance::Model>>> {
    let rows = alliance::Entity::find()
        .inner_join(membership::Entity)
        .filter(membership::Column::OrganizationId.is_in(organization_ids.iter().copied()))
        .filter(membership::Column::LeftOn.is_null())
        .select_also(membership::Entity)
        .order_by_asc(alliance::Column::Id)
        .all(db)
        .await?;
    let mut map: HashMap<i32, Vec<alliance::Model>> = HashMap::new();
    for (alliance, membership) in rows {
        if let Some(m) = membership {
            map.entry(m.organization_id).or_default().push(alliance);
        }
    }
    Ok(map)
}

/// A new alliance, every value already validated.
#[derive(Debug, Clone)]
pub struct NewAlliance {
    /// Its code (`zj-eyewear`).
    pub code: AllianceCode,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// The code of the industry it serves (an industries row).
    pub industry: String,
    /// The region it is founded in.
    pub region_id: i32,
    /// The founding day (the signing ceremony).
    pub founded_on: chrono::NaiveDate,
    /// What it does.
    pub description: String,
    /// The lead organizations (牵头单位), members from the founding day.
    pub leads: Vec<i32>,
}

/// The leads of a new alliance, each an organization: those of its region (at least one), who
/// lead from the founding day, and those of another region, who are invited.
async fn split_leads(
    txn: &sea_orm::DatabaseTransaction,
    new: &NewAlliance,
) -> crate::error::AppResult<(Vec<i32>, Vec<i32>)> {
    use crate::error::AppError;
    let leads = entity::organization::Entity::find()
        .filter(entity::organization::Column::Id.is_in(new.leads.clone()))
        .all(txn)
        .await?;
    if let Some(missing) = new
        .leads
        .iter()
        .position(|id| !leads.iter().any(|o| o.id == *id))
    {
        return Err(AppError::validation(
            format!("input.leads[{missing}]"),
            "no organization has this ID",
        ));
    }
    // A founder makes leads of its own region's organizations; one of another region is
    // invited, and becomes a lead only when it accepts with its own token.
    let (local, invited): (Vec<i32>, Vec<i32>) = new.leads.iter().copied().partition(|id| {
        leads
            .iter()
            .any(|o| o.id == *id && o.region_id == new.region_id)
    });
    if local.is_empty() {
        return Err(AppError::validation(
            "input.leads",
            "at least one lead belongs to the alliance's region (one of another region is invited)",
        ));
    }
    Ok((local, invited))
}

/// Founds an alliance, by the regulator of its region (the system administrator anywhere), with
/// its lead organizations of that region as LEAD members from the founding day (at least one);
/// a lead of another region is invited, and is a LEAD member once it accepts. A code already taken is a
/// `CONFLICT`; the alliance, its leads and the audit events commit together.
pub async fn found(
    db: &DatabaseConnection,
    caller: &crate::auth::Caller,
    new: NewAlliance,
) -> crate::error::AppResult<alliance::Model> {
    use crate::error::AppError;
    use sea_orm::ActiveValue::Set;
    crate::auth::policy::may_found_alliance(&caller.viewer, new.region_id)?;
    if new.leads.is_empty() {
        return Err(AppError::validation(
            "input.leads",
            "an alliance is founded by at least one lead organization",
        ));
    }
    let txn = crate::domain::begin_write(db).await?;
    if crate::domain::network::industries::by_code(&txn, &new.industry)
        .await?
        .is_none()
    {
        return Err(AppError::validation(
            "input.sector",
            format!(
                "no industry has the code {}; add it first (upsertIndustry)",
                new.industry
            ),
        ));
    }
    region::Entity::find_by_id(new.region_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::validation("input.region", "no region has this code"))?;
    let (local, invited) = split_leads(&txn, &new).await?;
    let taken = format!(
        "input.code: an alliance with code {} exists",
        new.code.as_str()
    );
    if alliance::Entity::find()
        .filter(alliance::Column::Code.eq(new.code.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(taken));
    }
    let saved = alliance::Entity::insert(alliance::ActiveModel {
        code: Set(new.code.as_str().to_owned()),
        name: Set(new.name),
        name_en: Set(new.name_en),
        industry: Set(new.industry.clone()),
        region_id: Set(new.region_id),
        founded_on: Set(new.founded_on),
        description: Set(new.description),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| crate::domain::conflict_on_duplicate(e, &taken))?;
    crate::domain::network::regions::put_in_service(&txn, saved.region_id).await?;
    crate::domain::search::index::write_ids(&txn, entity::SearchKind::Alliance, [saved.id]).await?;
    crate::domain::kernel::audit::record(
        &txn,
        caller,
        crate::domain::kernel::audit::Entry {
            action: "foundAlliance",
            target_type: "Alliance",
            target_id: crate::domain::kernel::ids::NodeKey::Alliance(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(serde_json::json!({
                "code": saved.code,
                "name": saved.name,
                "industry": saved.industry,
                "foundedOn": saved.founded_on,
                "leads": new.leads.iter().map(|id| crate::domain::kernel::ids::NodeKey::Organization(*id).to_id().0).collect::<Vec<_>>(),
            })),
        },
    )
    .await?;
    for lead in &local {
        crate::domain::network::memberships::admit_in(
            &txn,
            caller,
            &saved,
            *lead,
            entity::MembershipRole::Lead,
            saved.founded_on,
        )
        .await?;
    }
    for lead in &invited {
        crate::domain::network::applications::invite_in(
            &txn,
            caller,
            &saved,
            *lead,
            entity::MembershipRole::Lead,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(saved)
}
