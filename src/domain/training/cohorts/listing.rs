//! Listing cohorts: the filter, the order, pages and counts, and loads by id.

use super::*;

/// Which cohorts to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct CohortFilter {
    /// In any of these alliances.
    pub alliances: Vec<AllianceCode>,
    /// Trained by this provider.
    pub provider_id: Option<i32>,
    /// For this enterprise.
    pub enterprise_id: Option<i32>,
    /// For this occupation.
    pub occupation: Option<OccupationCode>,
    /// In any of these statuses.
    pub statuses: Vec<CohortStatus>,
    /// Starting on or after this day.
    pub starting_after: Option<NaiveDate>,
    /// Only PLANNED or RUNNING cohorts waiting for their enterprise's confirmation: of the
    /// cohort itself, or of a current apprentice's labour contract (the enterprise's work list).
    pub awaiting_confirmation: bool,
    /// In this programme.
    pub programme_id: Option<i32>,
    /// Training in any of these modes.
    pub modes: Vec<entity::TrainingMode>,
    /// Training for any of these purposes.
    pub purposes: Vec<entity::TrainingPurpose>,
}

pub(super) fn select(filter: &CohortFilter) -> Select<cohort::Entity> {
    let mut cond = Condition::all();
    if !filter.alliances.is_empty() {
        cond = cond.add(
            cohort::Column::AllianceId.in_subquery(
                Query::select()
                    .column(alliance::Column::Id)
                    .from(alliance::Entity)
                    .and_where(
                        Expr::col(alliance::Column::Code)
                            .is_in(filter.alliances.iter().map(|c| c.as_str().to_owned())),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(p) = filter.provider_id {
        cond = cond.add(cohort::Column::ProviderId.eq(p));
    }
    if let Some(e) = filter.enterprise_id {
        cond = cond.add(cohort::Column::EnterpriseId.eq(e));
    }
    if let Some(o) = &filter.occupation {
        cond = cond.add(cohort::Column::OccupationCode.eq(o.as_str()));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(cohort::Column::Status.is_in(filter.statuses.clone()));
    }
    if let Some(d) = filter.starting_after {
        cond = cond.add(cohort::Column::StartOn.gte(d));
    }
    if let Some(p) = filter.programme_id {
        cond = cond.add(cohort::Column::ProgrammeId.eq(p));
    }
    if !filter.modes.is_empty() {
        cond = cond.add(cohort::Column::Mode.is_in(filter.modes.clone()));
    }
    if !filter.purposes.is_empty() {
        cond = cond.add(cohort::Column::Purpose.is_in(filter.purposes.clone()));
    }
    if filter.awaiting_confirmation {
        cond = cond
            .add(cohort::Column::EnterpriseId.is_not_null())
            .add(cohort::Column::Status.is_in([CohortStatus::Planned, CohortStatus::Running]))
            .add(
                Condition::any()
                    .add(cohort::Column::EmployerConfirmedAt.is_null())
                    .add(
                        cohort::Column::Id.in_subquery(
                            Query::select()
                                .column(enrollment::Column::CohortId)
                                .from(enrollment::Entity)
                                .and_where(
                                    Expr::col(enrollment::Column::Status)
                                        .eq(EnrollmentStatus::Enrolled),
                                )
                                .and_where(
                                    Expr::col(enrollment::Column::ContractStart).is_not_null(),
                                )
                                .and_where(
                                    Expr::col(enrollment::Column::ContractConfirmedAt).is_null(),
                                )
                                .to_owned(),
                        ),
                    ),
            );
    }
    cohort::Entity::find().filter(cond)
}

pub(super) fn ordering() -> Ordering<cohort::Entity> {
    Ordering {
        name: "cohorts:start:asc".to_owned(),
        keys: vec![
            SortKey::column(
                cohort::Column::StartOn,
                false,
                KeyKind::Date,
                |m: &cohort::Model| CursorValue::Date(m.start_on),
            ),
            SortKey::column(
                cohort::Column::Id,
                false,
                KeyKind::Int,
                |m: &cohort::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    }
}

/// One page of cohorts (public), by start date.
pub async fn list(
    db: &DatabaseConnection,
    filter: &CohortFilter,
    request: &PageRequest,
) -> AppResult<Page<cohort::Model>> {
    page::fetch_page(db, select(filter), &ordering(), request).await
}

/// How many cohorts match.
pub async fn count(db: &DatabaseConnection, filter: &CohortFilter) -> AppResult<u64> {
    page::count(db, select(filter)).await
}

/// Cohorts by id.
pub async fn by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, cohort::Model>> {
    Ok(cohort::Entity::find()
        .filter(cohort::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}

/// The cohorts answering each demand.
pub async fn by_demand_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<cohort::Model>>> {
    let links = cohort_demand::Entity::find()
        .filter(cohort_demand::Column::DemandId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let cohorts = by_ids(db, &links.iter().map(|l| l.cohort_id).collect::<Vec<_>>()).await?;
    let mut map: HashMap<i32, Vec<cohort::Model>> = HashMap::new();
    for link in links {
        if let Some(c) = cohorts.get(&link.cohort_id) {
            map.entry(link.demand_id).or_default().push(c.clone());
        }
    }
    for list in map.values_mut() {
        list.sort_by_key(|c| c.id);
    }
    Ok(map)
}
