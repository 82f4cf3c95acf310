//! Reading open resources: the public list with its filter and order, lists by provider and
//! version, items by id, and the nested lists of the graph.

use super::*;

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
    /// Matching this text (title, occupations, provider, address), through the search index.
    pub text: Option<crate::domain::SearchText>,
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
        .add(
            open_resource::Column::ProviderId
                .not_in_subquery(crate::domain::institutions::credit::barred_providers()),
        )
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
        cond = cond.add(crate::domain::network::regions::located_in(
            std::slice::from_ref(region),
            (open_resource::Entity, open_resource::Column::RegionId),
            (open_resource::Entity, open_resource::Column::CountyId),
        ));
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
    if let Some(text) = &filter.text {
        cond = cond.add(text.matches(
            backend,
            entity::SearchKind::OpenResource,
            Expr::col((open_resource::Entity, open_resource::Column::Id)),
        ));
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

/// The open-resource lists of providers, each as published in its version (the provider's
/// latest when `None`): every item of that version whatever became of it since. Two statements
/// for any number of keys: the latest versions asked for, then the items of every provider and
/// version named (a key with no list gets none).
pub async fn lists(
    db: &DatabaseConnection,
    keys: &[(i32, Option<i32>)],
) -> AppResult<HashMap<(i32, Option<i32>), Vec<open_resource::Model>>> {
    let latest_of: Vec<i32> = keys
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(p, _)| *p)
        .collect();
    let latest: HashMap<i32, i32> = if latest_of.is_empty() {
        HashMap::new()
    } else {
        open_resource::Entity::find()
            .select_only()
            .column(open_resource::Column::ProviderId)
            .column_as(open_resource::Column::ListVersion.max(), "v")
            .filter(open_resource::Column::ProviderId.is_in(latest_of))
            .group_by(open_resource::Column::ProviderId)
            .into_tuple::<(i32, i32)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let wanted: Vec<(i32, i32)> = keys
        .iter()
        .filter_map(|&(provider, version)| {
            Some((
                provider,
                version.or_else(|| latest.get(&provider).copied())?,
            ))
        })
        .collect();
    let mut found: HashMap<(i32, Option<i32>), Vec<open_resource::Model>> =
        keys.iter().map(|k| (*k, Vec::new())).collect();
    if wanted.is_empty() {
        return Ok(found);
    }
    let providers: std::collections::BTreeSet<i32> = wanted.iter().map(|(p, _)| *p).collect();
    let versions: std::collections::BTreeSet<i32> = wanted.iter().map(|(_, v)| *v).collect();
    let rows = open_resource::Entity::find()
        .filter(open_resource::Column::ProviderId.is_in(providers))
        .filter(open_resource::Column::ListVersion.is_in(versions))
        .order_by_asc(open_resource::Column::Id)
        .all(db)
        .await?;
    for row in rows {
        // Both keys can name one version (`None` and its number): each gets the items.
        for key in [
            (row.provider_id, None),
            (row.provider_id, Some(row.list_version)),
        ] {
            let asked = match key.1 {
                None => latest.get(&row.provider_id) == Some(&row.list_version),
                Some(_) => true,
            };
            if asked && let Some(items) = found.get_mut(&key) {
                items.push(row.clone());
            }
        }
    }
    Ok(found)
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
