//! Listing programmes: the filter, the order, pages and counts. Programmes are public: what a
//! bureau runs, for whom, and its quotas, are published plans; who takes part is not here.

use chrono::NaiveDate;
use entity::{
    ProgrammeKind, cohort, programme, programme_department, programme_target_group, target_group,
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Select,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::domain::kernel::codes::RegionCode;
use crate::domain::read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey};
use crate::error::AppResult;

/// Which programmes to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeFilter {
    /// Of these regions or any under them.
    pub regions: Vec<RegionCode>,
    /// Of these kinds.
    pub kinds: Vec<ProgrammeKind>,
    /// Running on some day of this year.
    pub year: Option<i32>,
    /// Serving one of these target groups (codes).
    pub target_groups: Vec<String>,
    /// That this department (an organization) answers for.
    pub department_id: Option<i32>,
}

fn select(filter: &ProgrammeFilter) -> Select<programme::Entity> {
    let mut cond = Condition::all();
    if !filter.regions.is_empty() {
        cond = cond.add(
            programme::Column::RegionId
                .in_subquery(crate::domain::network::regions::within(&filter.regions)),
        );
    }
    if !filter.kinds.is_empty() {
        cond = cond.add(programme::Column::Kind.is_in(filter.kinds.clone()));
    }
    if let Some(year) = filter.year {
        let (first, last) = (
            NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN),
            NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX),
        );
        cond = cond
            .add(programme::Column::StartsOn.lte(last))
            .add(programme::Column::EndsOn.gte(first));
    }
    if !filter.target_groups.is_empty() {
        cond = cond.add(
            programme::Column::Id.in_subquery(
                Query::select()
                    .column(programme_target_group::Column::ProgrammeId)
                    .from(programme_target_group::Entity)
                    .inner_join(
                        target_group::Entity,
                        Expr::col((target_group::Entity, target_group::Column::Id)).equals((
                            programme_target_group::Entity,
                            programme_target_group::Column::TargetGroupId,
                        )),
                    )
                    .and_where(
                        Expr::col((target_group::Entity, target_group::Column::Code))
                            .is_in(filter.target_groups.iter().cloned()),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(department) = filter.department_id {
        cond = cond.add(
            programme::Column::Id.in_subquery(
                Query::select()
                    .column(programme_department::Column::ProgrammeId)
                    .from(programme_department::Entity)
                    .and_where(
                        Expr::col(programme_department::Column::OrganizationId).eq(department),
                    )
                    .to_owned(),
            ),
        );
    }
    programme::Entity::find().filter(cond)
}

fn ordering() -> Ordering<programme::Entity> {
    Ordering {
        name: "programmes:start:asc".to_owned(),
        keys: vec![
            SortKey::column(
                programme::Column::StartsOn,
                false,
                KeyKind::Date,
                |m: &programme::Model| CursorValue::Date(m.starts_on),
            ),
            SortKey::column(
                programme::Column::Id,
                false,
                KeyKind::Int,
                |m: &programme::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    }
}

/// One page of programmes, by first day.
pub async fn list(
    db: &DatabaseConnection,
    filter: &ProgrammeFilter,
    request: &PageRequest,
) -> AppResult<Page<programme::Model>> {
    page::fetch_page(db, select(filter), &ordering(), request).await
}

/// How many programmes match.
pub async fn count(db: &DatabaseConnection, filter: &ProgrammeFilter) -> AppResult<u64> {
    page::count(db, select(filter)).await
}

/// A programme's cohorts, in the order they were formed: the nested list of
/// `Programme.cohorts` (one statement for every programme of a page).
pub fn cohorts_of_programme() -> crate::domain::read::nested::NestedList<cohort::Model> {
    use sea_orm::{FromQueryResult, QueryTrait};
    crate::domain::read::nested::NestedList {
        name: "programme.cohorts",
        select: cohort::Entity::find().into_query(),
        parent: sea_orm::sea_query::Expr::col((cohort::Entity, cohort::Column::ProgrammeId)),
        order: sea_orm::sea_query::Expr::col((cohort::Entity, cohort::Column::Id)),
        parse: |row| cohort::Model::from_query_result(row, ""),
        key: |c| i64::from(c.id),
    }
}
