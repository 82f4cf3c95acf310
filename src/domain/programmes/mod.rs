//! Programmes (专项 / 行动 / 工程 / 计划): what a region's bureau runs its skills actions as.
//!
//! A programme belongs to the region of the REGULATOR that keeps it (Zhenjiang's eight 专项,
//! Huai'an's yearly plan), runs over a period, serves target groups, trains for occupations (codes
//! or prefixes) in training modes, names the departments (GOVERNMENT organizations) that answer for
//! it, and carries yearly quotas per indicator. Cohorts, training orders, training plans and claim
//! lines name the programme they belong to, one each: a cohort joins one when it is formed (or
//! the programme's regulator moves it in or out), an order's cohort inherits the order's, a claim
//! line its cohort's. A cohort fits a programme when it trains in the programme's region, in its
//! period, for one of its occupations and in one of its modes (where the programme names any).

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use entity::{
    Indicator, OrganizationKind, ProgrammeKind, TrainingMode, alliance, cohort, organization,
    programme, programme_department, programme_mode, programme_occupation, programme_quota,
    programme_target_group, region, target_group,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use crate::auth::{Caller, policy};
use crate::domain::kernel::{audit, codes::OccupationPrefix, ids::NodeKey};
use crate::error::{AppError, AppResult};

pub mod listing;
mod targets;

pub use targets::set_target;

/// A quota: the target of one indicator in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// The year.
    pub year: i16,
    /// The indicator.
    pub indicator: Indicator,
    /// The target: a count, or basis points for a rate.
    pub target: i64,
}

/// A programme added or changed, as the caller wrote it; what it serves is replaced whole.
#[derive(Debug, Clone)]
pub struct ProgrammeChange {
    /// Its code, unique in the region: 2 to 40 lower-case letters, digits and hyphens.
    pub code: String,
    /// Its name, 1 to 100 characters.
    pub name: String,
    /// What kind.
    pub kind: ProgrammeKind,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// The codes of the target groups it serves.
    pub target_groups: Vec<String>,
    /// The occupations it trains for: codes or prefixes.
    pub occupations: Vec<OccupationPrefix>,
    /// The modes it trains in.
    pub modes: Vec<TrainingMode>,
    /// The departments that answer for it (GOVERNMENT organizations).
    pub departments: Vec<i32>,
    /// Its quotas.
    pub quotas: Vec<Quota>,
}

/// What a programme serves and who answers for it, read with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// The target groups.
    pub target_groups: Vec<target_group::Model>,
    /// The occupation codes or prefixes.
    pub occupations: Vec<String>,
    /// The modes.
    pub modes: Vec<TrainingMode>,
    /// The departments' organization ids.
    pub departments: Vec<i32>,
    /// The quotas, by year and indicator.
    pub quotas: Vec<Quota>,
}

/// Adds a programme of the caller's region or changes one (its REGULATOR). Audited.
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    change: ProgrammeChange,
) -> AppResult<programme::Model> {
    let region_id = policy::may_keep_programmes(&caller.viewer)?;
    let change = checked(change)?;
    let txn = crate::domain::begin_write(db).await?;
    let groups = groups_of(&txn, &change.target_groups).await?;
    check_departments(&txn, &change.departments).await?;
    let existing = programme::Entity::find()
        .filter(programme::Column::RegionId.eq(region_id))
        .filter(programme::Column::Code.eq(change.code.as_str()))
        .one(&txn)
        .await?;
    let now = Utc::now();
    let saved = match existing.clone() {
        Some(found) => {
            let mut active: programme::ActiveModel = found.into();
            active.name = Set(change.name.clone());
            active.kind = Set(change.kind);
            active.starts_on = Set(change.starts_on);
            active.ends_on = Set(change.ends_on);
            active.updated_at = Set(now);
            active.update(&txn).await?
        }
        None => programme::Entity::insert(programme::ActiveModel {
            region_id: Set(region_id),
            code: Set(change.code.clone()),
            name: Set(change.name.clone()),
            kind: Set(change.kind),
            starts_on: Set(change.starts_on),
            ends_on: Set(change.ends_on),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await
        .map_err(|e| crate::domain::conflict_on_duplicate(e, "input.code: added meanwhile"))?,
    };
    replace_scope(&txn, saved.id, &change, &groups).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: if existing.is_some() {
                "updateProgramme"
            } else {
                "addProgramme"
            },
            target_type: "Programme",
            target_id: NodeKey::Programme(saved.id).to_id().0,
            region_id: Some(region_id),
            changes: Some(json!({
                "code": saved.code,
                "name": saved.name,
                "kind": format!("{:?}", saved.kind),
                "startsOn": saved.starts_on,
                "endsOn": saved.ends_on,
                "targetGroups": change.target_groups,
                "occupations": change.occupations.iter().map(|o| o.as_str()).collect::<Vec<_>>(),
                "modes": change.modes.iter().map(|m| format!("{m:?}")).collect::<Vec<_>>(),
                "departments": change.departments.len(),
                "quotas": change.quotas.len(),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The change trimmed and checked, each refusal naming its field.
fn checked(mut change: ProgrammeChange) -> AppResult<ProgrammeChange> {
    change.code = change.code.trim().to_owned();
    if !(2..=40).contains(&change.code.len())
        || !change
            .code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(AppError::validation(
            "input.code",
            "2 to 40 lower-case letters, digits and hyphens (zj-2026-key-groups)",
        ));
    }
    change.name = change.name.trim().to_owned();
    if change.name.is_empty() || change.name.chars().count() > 100 {
        return Err(AppError::validation("input.name", "1 to 100 characters"));
    }
    if change.ends_on < change.starts_on {
        return Err(AppError::validation(
            "input.endsOn",
            "on or after the first day",
        ));
    }
    if change.target_groups.len() > 30 || change.occupations.len() > 100 {
        return Err(AppError::validation(
            if change.target_groups.len() > 30 {
                "input.targetGroups"
            } else {
                "input.occupations"
            },
            "at most 30 target groups and 100 occupations",
        ));
    }
    if change.departments.len() > 30 {
        return Err(AppError::validation(
            "input.departments",
            "at most 30 departments",
        ));
    }
    let (first, last) = (
        chrono::Datelike::year(&change.starts_on),
        chrono::Datelike::year(&change.ends_on),
    );
    let mut seen = BTreeSet::new();
    for (i, quota) in change.quotas.iter().enumerate() {
        if !(first..=last).contains(&i32::from(quota.year)) {
            return Err(AppError::validation(
                format!("input.quotas[{i}].year"),
                format!("a year of the programme's period, {first} to {last}"),
            ));
        }
        if quota.target < 0 || (is_rate(quota.indicator) && quota.target > 10_000) {
            return Err(AppError::validation(
                format!("input.quotas[{i}].target"),
                "a count of 0 or more, or a rate in basis points from 0 to 10000",
            ));
        }
        if !seen.insert((quota.year, quota.indicator)) {
            return Err(AppError::validation(
                format!("input.quotas[{i}]"),
                "one quota per year and indicator",
            ));
        }
    }
    change.target_groups = change
        .target_groups
        .iter()
        .map(|g| g.trim().to_owned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut modes = Vec::new();
    for mode in change.modes {
        if !modes.contains(&mode) {
            modes.push(mode);
        }
    }
    change.modes = modes;
    Ok(change)
}

/// Whether an indicator is a rate (basis points) rather than a count.
pub fn is_rate(indicator: Indicator) -> bool {
    matches!(
        indicator,
        Indicator::PlacementRate
            | Indicator::EmploymentOrBusinessRate
            | Indicator::RetentionRate
            | Indicator::SelfEmploymentRate
            | Indicator::StableEmploymentRate
            | Indicator::InPostRetentionRate
    )
}

/// The target groups of `codes`, every one of which must exist.
async fn groups_of(
    txn: &DatabaseTransaction,
    codes: &[String],
) -> AppResult<Vec<target_group::Model>> {
    let found = target_group::Entity::find()
        .filter(target_group::Column::Code.is_in(codes.iter().cloned()))
        .all(txn)
        .await?;
    if let Some(missing) = codes.iter().find(|c| !found.iter().any(|g| &g.code == *c)) {
        return Err(AppError::validation(
            "input.targetGroups",
            format!("no target group has the code {missing}"),
        ));
    }
    Ok(found)
}

/// Every department must be a GOVERNMENT organization.
async fn check_departments(txn: &DatabaseTransaction, ids: &[i32]) -> AppResult<()> {
    let found = organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids.iter().copied()))
        .filter(organization::Column::Kind.eq(OrganizationKind::Government))
        .all(txn)
        .await?;
    let unique: BTreeSet<i32> = ids.iter().copied().collect();
    if found.len() != unique.len() {
        return Err(AppError::validation(
            "input.departments",
            "every department is a GOVERNMENT organization (民政局, 妇联, 残联, 退役军人事务局, …)",
        ));
    }
    Ok(())
}

/// Replaces what a programme serves, who answers for it and its quotas.
async fn replace_scope(
    txn: &DatabaseTransaction,
    id: i32,
    change: &ProgrammeChange,
    groups: &[target_group::Model],
) -> AppResult<()> {
    programme_target_group::Entity::delete_many()
        .filter(programme_target_group::Column::ProgrammeId.eq(id))
        .exec(txn)
        .await?;
    programme_occupation::Entity::delete_many()
        .filter(programme_occupation::Column::ProgrammeId.eq(id))
        .exec(txn)
        .await?;
    programme_mode::Entity::delete_many()
        .filter(programme_mode::Column::ProgrammeId.eq(id))
        .exec(txn)
        .await?;
    programme_department::Entity::delete_many()
        .filter(programme_department::Column::ProgrammeId.eq(id))
        .exec(txn)
        .await?;
    programme_quota::Entity::delete_many()
        .filter(programme_quota::Column::ProgrammeId.eq(id))
        .exec(txn)
        .await?;
    if !groups.is_empty() {
        programme_target_group::Entity::insert_many(groups.iter().map(|g| {
            programme_target_group::ActiveModel {
                programme_id: Set(id),
                target_group_id: Set(g.id),
            }
        }))
        .exec(txn)
        .await?;
    }
    let occupations: BTreeSet<&str> = change.occupations.iter().map(|o| o.as_str()).collect();
    if !occupations.is_empty() {
        programme_occupation::Entity::insert_many(occupations.into_iter().map(|o| {
            programme_occupation::ActiveModel {
                programme_id: Set(id),
                prefix: Set(o.to_owned()),
            }
        }))
        .exec(txn)
        .await?;
    }
    if !change.modes.is_empty() {
        programme_mode::Entity::insert_many(change.modes.iter().map(|m| {
            programme_mode::ActiveModel {
                programme_id: Set(id),
                mode: Set(*m),
            }
        }))
        .exec(txn)
        .await?;
    }
    let departments: BTreeSet<i32> = change.departments.iter().copied().collect();
    if !departments.is_empty() {
        programme_department::Entity::insert_many(departments.into_iter().map(|d| {
            programme_department::ActiveModel {
                programme_id: Set(id),
                organization_id: Set(d),
            }
        }))
        .exec(txn)
        .await?;
    }
    if !change.quotas.is_empty() {
        programme_quota::Entity::insert_many(change.quotas.iter().map(|q| {
            programme_quota::ActiveModel {
                programme_id: Set(id),
                year: Set(q.year),
                indicator: Set(q.indicator),
                target: Set(q.target),
            }
        }))
        .exec(txn)
        .await?;
    }
    Ok(())
}

/// Programmes by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> AppResult<HashMap<i32, programme::Model>> {
    Ok(programme::Entity::find()
        .filter(programme::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// What each programme serves, who answers for it, and its quotas, in five statements.
pub async fn scopes(db: &impl ConnectionTrait, ids: &[i32]) -> AppResult<HashMap<i32, Scope>> {
    let mut map: HashMap<i32, Scope> = ids.iter().map(|&id| (id, Scope::default())).collect();
    let links = programme_target_group::Entity::find()
        .filter(programme_target_group::Column::ProgrammeId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let groups = crate::domain::people::target_groups::by_ids(
        db,
        &links.iter().map(|l| l.target_group_id).collect::<Vec<_>>(),
    )
    .await?;
    for link in links {
        if let (Some(scope), Some(group)) = (
            map.get_mut(&link.programme_id),
            groups.get(&link.target_group_id),
        ) {
            scope.target_groups.push(group.clone());
        }
    }
    for o in programme_occupation::Entity::find()
        .filter(programme_occupation::Column::ProgrammeId.is_in(ids.iter().copied()))
        .order_by_asc(programme_occupation::Column::Prefix)
        .all(db)
        .await?
    {
        if let Some(scope) = map.get_mut(&o.programme_id) {
            scope.occupations.push(o.prefix);
        }
    }
    for m in programme_mode::Entity::find()
        .filter(programme_mode::Column::ProgrammeId.is_in(ids.iter().copied()))
        .all(db)
        .await?
    {
        if let Some(scope) = map.get_mut(&m.programme_id) {
            scope.modes.push(m.mode);
        }
    }
    for d in programme_department::Entity::find()
        .filter(programme_department::Column::ProgrammeId.is_in(ids.iter().copied()))
        .order_by_asc(programme_department::Column::OrganizationId)
        .all(db)
        .await?
    {
        if let Some(scope) = map.get_mut(&d.programme_id) {
            scope.departments.push(d.organization_id);
        }
    }
    for q in programme_quota::Entity::find()
        .filter(programme_quota::Column::ProgrammeId.is_in(ids.iter().copied()))
        .order_by_asc(programme_quota::Column::Year)
        .order_by_asc(programme_quota::Column::Indicator)
        .all(db)
        .await?
    {
        if let Some(scope) = map.get_mut(&q.programme_id) {
            scope.quotas.push(Quota {
                year: q.year,
                indicator: q.indicator,
                target: q.target,
            });
        }
    }
    for scope in map.values_mut() {
        scope.target_groups.sort_by(|a, b| a.code.cmp(&b.code));
        scope.modes.sort_by_key(|m| format!("{m:?}"));
    }
    Ok(map)
}

/// What a cohort is, as far as fitting a programme goes.
#[derive(Debug, Clone, Copy)]
pub struct CohortFit<'a> {
    /// The cohort's alliance (its region is the cohort's city).
    pub alliance: &'a alliance::Model,
    /// The cohort's county, if known.
    pub county_id: Option<i32>,
    /// The occupation it trains for.
    pub occupation: &'a str,
    /// Its mode, if recorded.
    pub mode: Option<TrainingMode>,
    /// Its first day.
    pub start_on: NaiveDate,
}

/// What a row that names a programme is: where, when, for what and how it trains.
struct Wanted<'a> {
    /// The regions a programme of it may be of (a city, the province above, a county).
    places: [Option<i32>; 3],
    /// The days it trains: a programme's period must overlap them.
    days: (NaiveDate, NaiveDate),
    /// The occupation.
    occupation: &'a str,
    /// The mode, where modes matter (`None`: not checked), and the field a misfit names.
    mode: Option<(Option<TrainingMode>, &'a str)>,
}

/// The programme `id` once a row fits it, each refusal naming `field` (or `input.mode`): it is
/// of one of the row's places, its period overlaps the row's days, and it names the row's
/// occupation and mode where it names any.
async fn fit(
    db: &impl ConnectionTrait,
    field: &str,
    id: i32,
    wanted: Wanted<'_>,
) -> AppResult<programme::Model> {
    let found = by_ids(db, &[id])
        .await?
        .remove(&id)
        .ok_or_else(|| AppError::validation(field, "no programme has this ID"))?;
    if !wanted.places.contains(&Some(found.region_id)) {
        return Err(AppError::validation(
            field,
            "the programme is another region's: a row joins a programme of where it trains",
        ));
    }
    let (first, last) = wanted.days;
    if last < found.starts_on || first > found.ends_on {
        return Err(AppError::validation(
            field,
            format!(
                "outside the programme's period, {} to {}",
                found.starts_on, found.ends_on
            ),
        ));
    }
    let scope = scopes(db, &[found.id])
        .await?
        .remove(&found.id)
        .unwrap_or_default();
    check_scope(field, &scope, wanted.occupation, wanted.mode)?;
    Ok(found)
}

/// Whether training for `occupation` in `mode` fits what a programme names (any occupation or
/// mode when it names none): an occupation fits a code equal to it or a prefix of it.
fn check_scope(
    field: &str,
    scope: &Scope,
    occupation: &str,
    mode: Option<(Option<TrainingMode>, &str)>,
) -> AppResult<()> {
    let trains_for = |prefix: &String| {
        occupation == prefix
            || occupation
                .strip_prefix(prefix.as_str())
                .is_some_and(|rest| rest.starts_with('-'))
    };
    if !scope.occupations.is_empty() && !scope.occupations.iter().any(trains_for) {
        return Err(AppError::validation(
            field,
            format!(
                "the programme trains for {}, not {occupation}",
                scope.occupations.join(", ")
            ),
        ));
    }
    if let Some((mode, mode_field)) = mode
        && !scope.modes.is_empty()
        && !mode.is_some_and(|m| scope.modes.contains(&m))
    {
        return Err(AppError::validation(
            mode_field,
            format!(
                "the programme trains in {}",
                scope
                    .modes
                    .iter()
                    .map(|m| format!("{m:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(())
}

/// The regions a row of `city` (and `county`) may name a programme of: the city, the province
/// above it, the county.
async fn places_of(
    db: &impl ConnectionTrait,
    city_id: i32,
    county_id: Option<i32>,
) -> AppResult<[Option<i32>; 3]> {
    let city = region::Entity::find_by_id(city_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a row of a region that does not exist"))?;
    Ok([Some(city.id), city.parent_id, county_id])
}

/// The programme `id`, once a cohort fits it: it trains in the programme's region (its city, a
/// county of it, or the province above), starts in its period, for one of its occupations and in
/// one of its modes, where the programme names any.
pub async fn fitting(
    db: &impl ConnectionTrait,
    field: &str,
    id: i32,
    cohort: CohortFit<'_>,
) -> AppResult<programme::Model> {
    let places = places_of(db, cohort.alliance.region_id, cohort.county_id).await?;
    fit(
        db,
        field,
        id,
        Wanted {
            places,
            days: (cohort.start_on, cohort.start_on),
            occupation: cohort.occupation,
            mode: Some((cohort.mode, "input.mode")),
        },
    )
    .await
}

/// The programme `id` of the bureau's region `region_id`, running today, for a training order
/// for `occupation` (a project the bureau buys, 项目制): the order's cohort will belong to it.
pub async fn for_order(
    db: &impl ConnectionTrait,
    region_id: i32,
    id: i32,
    occupation: &str,
) -> AppResult<programme::Model> {
    let today = Utc::now().date_naive();
    fit(
        db,
        "input.programme",
        id,
        Wanted {
            places: [Some(region_id), None, None],
            days: (today, today),
            occupation,
            mode: Some((Some(TrainingMode::Project), "input.programme")),
        },
    )
    .await
}

/// The programme `id` for a provider's quarterly plan in `city_id`: of the city or its province,
/// running in the quarter, for the plan's occupation.
pub async fn for_plan(
    db: &impl ConnectionTrait,
    city_id: i32,
    id: i32,
    (year, quarter): (i16, i16),
    occupation: &str,
) -> AppResult<programme::Model> {
    let month = u32::try_from(quarter.clamp(1, 4) * 3 - 2).unwrap_or(1);
    let first = NaiveDate::from_ymd_opt(i32::from(year), month, 1)
        .ok_or_else(|| AppError::validation("input.year", "2000 to 2100"))?;
    let last = first
        .checked_add_months(chrono::Months::new(3))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first);
    let places = places_of(db, city_id, None).await?;
    fit(
        db,
        "input.programme",
        id,
        Wanted {
            places,
            days: (first, last),
            occupation,
            mode: None,
        },
    )
    .await
}

/// Moves a cohort into a programme of the caller's region, or out of one (`None`): the
/// programme's REGULATOR, for a cohort that fits it. Audited.
pub async fn assign_cohort(
    db: &DatabaseConnection,
    caller: &Caller,
    cohort_id: i32,
    programme_id: Option<i32>,
) -> AppResult<cohort::Model> {
    let region_id = policy::may_keep_programmes(&caller.viewer)?;
    let txn = crate::domain::begin_write(db).await?;
    let found = cohort::Entity::find_by_id(cohort_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("cohort"))?;
    // The programme it leaves must be the caller's to take it out of.
    if let Some(current) = found.programme_id
        && let Some(current) = by_ids(&txn, &[current]).await?.remove(&current)
    {
        policy::may_change_programme(&caller.viewer, current.region_id)?;
    }
    if let Some(id) = programme_id {
        let alliance = alliance::Entity::find_by_id(found.alliance_id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::internal("a cohort without its alliance"))?;
        let programme = fitting(
            &txn,
            "input.programme",
            id,
            CohortFit {
                alliance: &alliance,
                county_id: found.county_id,
                occupation: &found.occupation_code,
                mode: found.mode,
                start_on: found.start_on,
            },
        )
        .await?;
        policy::may_change_programme(&caller.viewer, programme.region_id)?;
    }
    let mut active: cohort::ActiveModel = found.clone().into();
    active.programme_id = Set(programme_id);
    active.updated_at = Set(Utc::now());
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "assignCohortProgramme",
            target_type: "Cohort",
            target_id: NodeKey::Cohort(saved.id).to_id().0,
            region_id: Some(region_id),
            changes: Some(json!({
                "from": found.programme_id.map(|p| NodeKey::Programme(p).to_id().0),
                "to": programme_id.map(|p| NodeKey::Programme(p).to_id().0),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The ids of the learners training (not withdrawn) in cohorts of the programmes department
/// `org` answers for, as a subquery.
pub fn learners_answered_for(org: i32) -> sea_orm::sea_query::SelectStatement {
    use entity::{EnrollmentStatus, enrollment};
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    Query::select()
        .column((enrollment::Entity, enrollment::Column::LearnerId))
        .from(enrollment::Entity)
        .inner_join(
            cohort::Entity,
            Expr::col((cohort::Entity, cohort::Column::Id))
                .equals((enrollment::Entity, enrollment::Column::CohortId)),
        )
        .inner_join(
            programme_department::Entity,
            Expr::col((
                programme_department::Entity,
                programme_department::Column::ProgrammeId,
            ))
            .equals((cohort::Entity, cohort::Column::ProgrammeId)),
        )
        .and_where(
            Expr::col((
                programme_department::Entity,
                programme_department::Column::OrganizationId,
            ))
            .eq(org),
        )
        .and_where(
            Expr::col((enrollment::Entity, enrollment::Column::Status))
                .ne(EnrollmentStatus::Withdrawn),
        )
        .to_owned()
}

/// The ids of the programmes department `org` answers for, as a subquery.
pub fn answered_for(org: i32) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    Query::select()
        .column(programme_department::Column::ProgrammeId)
        .from(programme_department::Entity)
        .and_where(Expr::col(programme_department::Column::OrganizationId).eq(org))
        .to_owned()
}

/// The departments answering for a programme.
pub async fn departments_of(db: &impl ConnectionTrait, programme: i32) -> AppResult<Vec<i32>> {
    Ok(programme_department::Entity::find()
        .filter(programme_department::Column::ProgrammeId.eq(programme))
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.organization_id)
        .collect())
}
