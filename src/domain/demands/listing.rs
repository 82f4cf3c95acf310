//! Reading demand: who sees which demand, the filter and the orders, pages and counts, loads by id and the nested lists.

use super::*;

/// Which demands to list. Every field narrows; no filter means OPEN demand in every alliance.
#[derive(Debug, Clone, Default)]
pub struct DemandFilter {
    /// Posted to any of these alliances.
    pub alliances: Vec<AllianceCode>,
    /// Workplace in this region.
    pub region: Option<RegionCode>,
    /// This occupation or group.
    pub occupation: Option<OccupationPrefix>,
    /// At this level or above.
    pub min_level: Option<SkillLevel>,
    /// JOB or APPRENTICESHIP.
    pub kind: Option<DemandKind>,
    /// These statuses (OPEN when empty); others only where the viewer may see them.
    pub statuses: Vec<DemandStatus>,
    /// Opened at or after this instant.
    pub posted_since: Option<DateTime<Utc>>,
    /// Paying at least this much a month at the top of the range.
    pub wage_at_least: Option<i32>,
    /// Matching this text (occupation, work type, description, enterprise, alliances).
    pub text: Option<SearchText>,
    /// Posted by this enterprise.
    pub enterprise_id: Option<i32>,
    /// Workplace within a radius of a point (demand without coordinates is left out).
    pub near: Option<Near>,
}

/// What demands are ordered by; ties are broken by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DemandOrderField {
    /// When it was opened (newest first is `descending`).
    #[default]
    PostedAt,
    /// The top of the wage range.
    Wage,
    /// Headcount.
    Headcount,
    /// Distance from the filter's `near` point (needs it).
    Distance,
}

/// OPEN and not past its last day (an OPEN demand past `valid_until` reads as EXPIRED).
pub fn open_now() -> Condition {
    Condition::all()
        .add(demand::Column::Status.eq(DemandStatus::Open))
        .add(demand::Column::ValidUntil.gte(chrono::Utc::now().date_naive()))
}

/// The rows of any of `statuses`, EXPIRED and OPEN told apart by the day.
fn of_statuses(statuses: &[DemandStatus]) -> Condition {
    let today = chrono::Utc::now().date_naive();
    let mut any = Condition::any();
    let stored: Vec<DemandStatus> = statuses
        .iter()
        .copied()
        .filter(|s| !matches!(s, DemandStatus::Open | DemandStatus::Expired))
        .collect();
    if !stored.is_empty() {
        any = any.add(demand::Column::Status.is_in(stored));
    }
    if statuses.contains(&DemandStatus::Open) {
        any = any.add(open_now());
    }
    if statuses.contains(&DemandStatus::Expired) {
        any = any.add(
            Condition::all()
                .add(demand::Column::Status.eq(DemandStatus::Open))
                .add(demand::Column::ValidUntil.lt(today)),
        );
    }
    any
}

/// The rows a viewer may see: OPEN ones and those [`policy::demand_scope`] adds.
pub(super) fn visible(viewer: &Viewer) -> Condition {
    let (enterprise, alliances, region) = match policy::demand_scope(viewer) {
        DemandScope::All => return Condition::all(),
        DemandScope::OpenAnd {
            enterprise,
            alliances,
            region,
        } => (enterprise, alliances, region),
    };
    let mut any = Condition::any().add(open_now());
    if let Some(org) = enterprise {
        any = any.add(demand::Column::EnterpriseId.eq(org));
    }
    if !alliances.is_empty() {
        any = any.add(
            demand::Column::Id.in_subquery(
                Query::select()
                    .column(demand_alliance::Column::DemandId)
                    .from(demand_alliance::Entity)
                    .and_where(Expr::col(demand_alliance::Column::AllianceId).is_in(alliances))
                    .to_owned(),
            ),
        );
    }
    if let Some(region) = region {
        any = any.add(demand::Column::RegionId.eq(region));
    }
    any
}

pub(super) fn select(
    viewer: &Viewer,
    filter: &DemandFilter,
    backend: DbBackend,
) -> Select<demand::Entity> {
    let mut cond = Condition::all().add(visible(viewer));
    let statuses = if filter.statuses.is_empty() {
        vec![DemandStatus::Open]
    } else {
        filter.statuses.clone()
    };
    cond = cond.add(of_statuses(&statuses));
    if !filter.alliances.is_empty() {
        cond = cond.add(
            demand::Column::Id.in_subquery(
                Query::select()
                    .column((demand_alliance::Entity, demand_alliance::Column::DemandId))
                    .from(demand_alliance::Entity)
                    .inner_join(
                        alliance::Entity,
                        Expr::col((alliance::Entity, alliance::Column::Id))
                            .equals((demand_alliance::Entity, demand_alliance::Column::AllianceId)),
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
        cond = cond.add(crate::domain::network::regions::located_in(
            std::slice::from_ref(region),
            (demand::Entity, demand::Column::RegionId),
            (demand::Entity, demand::Column::CountyId),
        ));
    }
    if let Some(prefix) = &filter.occupation {
        cond = cond.add(
            Expr::col(demand::Column::OccupationCode)
                .like(sea_orm::sea_query::LikeExpr::new(prefix.like_pattern())),
        );
    }
    if let Some(level) = filter.min_level {
        cond = cond.add(demand::Column::Level.gte(level));
    }
    if let Some(kind) = filter.kind {
        cond = cond.add(demand::Column::Kind.eq(kind));
    }
    if let Some(since) = filter.posted_since {
        cond = cond.add(demand::Column::PostedAt.gte(since));
    }
    if let Some(wage) = filter.wage_at_least {
        cond = cond.add(demand::Column::WageMax.gte(wage));
    }
    if let Some(text) = &filter.text {
        cond = cond.add(text.matches(
            backend,
            entity::SearchKind::Demand,
            Expr::col((demand::Entity, demand::Column::Id)),
        ));
    }
    if let Some(org) = filter.enterprise_id {
        cond = cond.add(demand::Column::EnterpriseId.eq(org));
    }
    if let Some(near) = &filter.near {
        cond = cond.add(near.within(
            backend,
            demand::Column::Latitude,
            demand::Column::Longitude,
            near.radius_km,
        ));
    }
    demand::Entity::find().filter(cond)
}

pub(super) fn ordering(
    field: DemandOrderField,
    descending: bool,
    near: Option<Near>,
) -> AppResult<Ordering<demand::Entity>> {
    let (name, key) = match field {
        DemandOrderField::Distance => {
            let near = near.ok_or_else(|| {
                AppError::validation("orderBy.field", "ordering by distance needs filter.near")
            })?;
            (
                "distance",
                SortKey::distance(
                    near,
                    (demand::Column::Latitude, demand::Column::Longitude),
                    descending,
                    |m: &demand::Model| m.latitude.zip(m.longitude),
                ),
            )
        }
        // Drafts have no posting time; they sort by creation, which a draft's cursor carries.
        DemandOrderField::PostedAt => (
            "created",
            SortKey::column(
                demand::Column::CreatedAt,
                descending,
                KeyKind::Time,
                |m: &demand::Model| CursorValue::Time(m.created_at),
            ),
        ),
        DemandOrderField::Wage => (
            "wage",
            SortKey::column(
                demand::Column::WageMax,
                descending,
                KeyKind::Int,
                |m: &demand::Model| CursorValue::Int(i64::from(m.wage_max)),
            ),
        ),
        DemandOrderField::Headcount => (
            "headcount",
            SortKey::column(
                demand::Column::Headcount,
                descending,
                KeyKind::Int,
                |m: &demand::Model| CursorValue::Int(i64::from(m.headcount)),
            ),
        ),
    };
    // A distance cursor belongs to its point: another point makes it meaningless.
    let point = near
        .filter(|_| field == DemandOrderField::Distance)
        .map(|n| format!(":{},{}", n.latitude, n.longitude))
        .unwrap_or_default();
    Ok(Ordering {
        name: format!(
            "demands:{name}{point}:{}",
            if descending { "desc" } else { "asc" }
        ),
        keys: vec![
            key,
            SortKey::column(
                demand::Column::Id,
                descending,
                KeyKind::Int,
                |m: &demand::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    })
}

/// One page of the demands the viewer may see.
pub async fn list(
    db: &DatabaseConnection,
    viewer: &Viewer,
    filter: &DemandFilter,
    order: DemandOrderField,
    descending: bool,
    request: &PageRequest,
) -> AppResult<Page<demand::Model>> {
    let ordering = ordering(order, descending, filter.near)?;
    let select = select(viewer, filter, db.get_database_backend());
    page::fetch_page(db, select, &ordering, request).await
}

/// How many demands the viewer may see match.
pub async fn count(
    db: &DatabaseConnection,
    viewer: &Viewer,
    filter: &DemandFilter,
) -> AppResult<u64> {
    page::count(db, select(viewer, filter, db.get_database_backend())).await
}

/// Whether a viewer may see one demand.
pub fn can_see(viewer: &Viewer, demand: &demand::Model, alliance_ids: &[i32]) -> bool {
    policy::demand_visible(
        viewer,
        demand
            .status
            .as_of(demand.valid_until, chrono::Utc::now().date_naive())
            == DemandStatus::Open,
        demand.enterprise_id,
        demand.region_id,
        alliance_ids,
    )
}

/// Demands by id, unscoped: callers check [`can_see`].
pub async fn by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, demand::Model>> {
    Ok(demand::Entity::find()
        .filter(demand::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect())
}

/// The alliances of each demand, in one statement.
pub async fn alliance_ids(
    db: &DatabaseConnection,
    demand_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<i32>>> {
    let rows = demand_alliance::Entity::find()
        .filter(demand_alliance::Column::DemandId.is_in(demand_ids.iter().copied()))
        .order_by_asc(demand_alliance::Column::AllianceId)
        .all(db)
        .await?;
    let mut map: HashMap<i32, Vec<i32>> = HashMap::new();
    for row in rows {
        map.entry(row.demand_id).or_default().push(row.alliance_id);
    }
    Ok(map)
}

/// The alliances each demand is posted to, ordered by alliance id, in one statement.
pub async fn alliances_of(
    db: &DatabaseConnection,
    demand_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<alliance::Model>>> {
    let rows = sea_orm::QuerySelect::join(
        demand_alliance::Entity::find(),
        sea_orm::JoinType::InnerJoin,
        sea_orm::RelationTrait::def(&demand_alliance::Relation::Alliance),
    )
    .filter(demand_alliance::Column::DemandId.is_in(demand_ids.iter().copied()))
    .select_also(alliance::Entity)
    .order_by_asc(demand_alliance::Column::AllianceId)
    .all(db)
    .await?;
    let mut map: HashMap<i32, Vec<alliance::Model>> = HashMap::new();
    for (link, alliance) in rows {
        if let Some(alliance) = alliance {
            map.entry(link.demand_id).or_default().push(alliance);
        }
    }
    Ok(map)
}

/// The demand ids each cohort answers, in one statement.
pub async fn ids_by_cohort(
    db: &DatabaseConnection,
    cohort_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<i32>>> {
    let rows = entity::cohort_demand::Entity::find()
        .filter(entity::cohort_demand::Column::CohortId.is_in(cohort_ids.iter().copied()))
        .order_by_asc(entity::cohort_demand::Column::DemandId)
        .all(db)
        .await?;
    let mut map: HashMap<i32, Vec<i32>> = HashMap::new();
    for row in rows {
        map.entry(row.cohort_id).or_default().push(row.demand_id);
    }
    Ok(map)
}

/// An enterprise's OPEN demands, oldest first: the nested list of `Organization.demands`.
pub fn open_of_enterprise() -> NestedList<demand::Model> {
    NestedList {
        name: "organization.demands",
        select: demand::Entity::find().filter(open_now()).into_query(),
        parent: Expr::col((demand::Entity, demand::Column::EnterpriseId)),
        order: Expr::col((demand::Entity, demand::Column::Id)),
        parse: |row| demand::Model::from_query_result(row, ""),
        key: |d| i64::from(d.id),
    }
}

/// The OPEN demands posted to an alliance, oldest first: the nested list of `Alliance.demands`.
pub fn open_of_alliance() -> NestedList<demand::Model> {
    NestedList {
        name: "alliance.demands",
        select: demand::Entity::find()
            .inner_join(demand_alliance::Entity)
            .filter(open_now())
            .into_query(),
        parent: Expr::col((demand_alliance::Entity, demand_alliance::Column::AllianceId)),
        order: Expr::col((demand_alliance::Entity, demand_alliance::Column::DemandId)),
        parse: |row| demand::Model::from_query_result(row, ""),
        key: |d| i64::from(d.id),
    }
}

/// The OPEN demands for an occupation, oldest first: the nested list of `Occupation.demands`.
pub fn open_of_occupation() -> NestedList<demand::Model> {
    NestedList {
        name: "occupation.demands",
        select: demand::Entity::find().filter(open_now()).into_query(),
        parent: Expr::col((demand::Entity, demand::Column::OccupationCode)),
        order: Expr::col((demand::Entity, demand::Column::Id)),
        parse: |row| demand::Model::from_query_result(row, ""),
        key: |d| i64::from(d.id),
    }
}
