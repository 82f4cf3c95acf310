//! Listing and counting the public assessment sessions.

use super::*;

/// Which sessions to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// Held by a body that is a current member of any of these alliances.
    pub alliances: Vec<AllianceCode>,
    /// With a venue in this region.
    pub region: Option<RegionCode>,
    /// For this occupation or group.
    pub occupation: Option<OccupationPrefix>,
    /// At this level.
    pub level: Option<SkillLevel>,
    /// By bodies of this type.
    pub body_type: Option<BodyType>,
    /// On or after this day.
    pub from: Option<NaiveDate>,
    /// On or before this day.
    pub to: Option<NaiveDate>,
    /// With a free place.
    pub open_seats_only: bool,
    /// In these statuses (SCHEDULED when empty).
    pub statuses: Vec<SessionStatus>,
    /// Within a radius of a point.
    pub near: Option<Near>,
}

/// What sessions are ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionOrderField {
    /// The exam day.
    #[default]
    Date,
    /// Distance from the filter's point.
    Distance,
}

pub(super) fn bodies_where(cond: Condition) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column((assessment_body::Entity, assessment_body::Column::Id))
        .from(assessment_body::Entity)
        .cond_where(cond)
        .to_owned()
}

pub(super) fn select_sessions(
    filter: &SessionFilter,
    backend: DbBackend,
) -> Select<assessment_session::Entity> {
    let statuses = if filter.statuses.is_empty() {
        vec![SessionStatus::Scheduled]
    } else {
        filter.statuses.clone()
    };
    let mut cond = Condition::all().add(assessment_session::Column::Status.is_in(statuses));
    if !filter.alliances.is_empty() {
        let members = Query::select()
            .column((membership::Entity, membership::Column::OrganizationId))
            .from(membership::Entity)
            .inner_join(
                alliance::Entity,
                Expr::col((alliance::Entity, alliance::Column::Id))
                    .equals((membership::Entity, membership::Column::AllianceId)),
            )
            .and_where(Expr::col((membership::Entity, membership::Column::LeftOn)).is_null())
            .and_where(
                Expr::col((alliance::Entity, alliance::Column::Code))
                    .is_in(filter.alliances.iter().map(|c| c.as_str().to_owned())),
            )
            .to_owned();
        cond = cond.add(
            assessment_session::Column::BodyId.in_subquery(bodies_where(
                Condition::all().add(
                    Expr::col((
                        assessment_body::Entity,
                        assessment_body::Column::OrganizationId,
                    ))
                    .in_subquery(members),
                ),
            )),
        );
    }
    if let Some(t) = filter.body_type {
        cond = cond.add(assessment_session::Column::BodyId.in_subquery(
            bodies_where(Condition::all().add(
                Expr::col((assessment_body::Entity, assessment_body::Column::BodyType)).eq(t),
            )),
        ));
    }
    if let Some(region) = &filter.region {
        cond = cond.add(crate::domain::network::regions::located_in(
            std::slice::from_ref(region),
            (
                assessment_session::Entity,
                assessment_session::Column::RegionId,
            ),
            (
                assessment_session::Entity,
                assessment_session::Column::CountyId,
            ),
        ));
    }
    if let Some(prefix) = &filter.occupation {
        cond = cond.add(
            Expr::col(assessment_session::Column::OccupationCode)
                .like(LikeExpr::new(prefix.like_pattern())),
        );
    }
    if let Some(level) = filter.level {
        cond = cond.add(assessment_session::Column::Level.eq(level));
    }
    if let Some(from) = filter.from {
        cond = cond.add(assessment_session::Column::ExamDate.gte(from));
    }
    if let Some(to) = filter.to {
        cond = cond.add(assessment_session::Column::ExamDate.lte(to));
    }
    if filter.open_seats_only {
        cond = cond.add(
            Expr::col(assessment_session::Column::Registered)
                .lt(Expr::col(assessment_session::Column::Capacity)),
        );
    }
    if let Some(near) = &filter.near {
        cond = cond.add(near.within(
            backend,
            assessment_session::Column::Latitude,
            assessment_session::Column::Longitude,
            near.radius_km,
        ));
    }
    assessment_session::Entity::find().filter(cond)
}

pub(super) fn session_ordering(
    field: SessionOrderField,
    descending: bool,
    near: Option<Near>,
) -> AppResult<Ordering<assessment_session::Entity>> {
    let (name, key) = match field {
        SessionOrderField::Date => (
            "date".to_owned(),
            SortKey::column(
                assessment_session::Column::ExamDate,
                descending,
                KeyKind::Date,
                |m: &assessment_session::Model| CursorValue::Date(m.exam_date),
            ),
        ),
        SessionOrderField::Distance => {
            let near = near.ok_or_else(|| {
                AppError::validation("orderBy.field", "ordering by distance needs filter.near")
            })?;
            (
                format!("distance:{},{}", near.latitude, near.longitude),
                SortKey::distance(
                    near,
                    (
                        assessment_session::Column::Latitude,
                        assessment_session::Column::Longitude,
                    ),
                    descending,
                    |m: &assessment_session::Model| m.latitude.zip(m.longitude),
                ),
            )
        }
    };
    Ok(Ordering {
        name: format!(
            "sessions:{name}:{}",
            if descending { "desc" } else { "asc" }
        ),
        keys: vec![
            key,
            SortKey::column(
                assessment_session::Column::Id,
                descending,
                KeyKind::Int,
                |m: &assessment_session::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    })
}

/// One page of sessions (public).
pub async fn list_sessions(
    db: &DatabaseConnection,
    filter: &SessionFilter,
    order: SessionOrderField,
    descending: bool,
    request: &PageRequest,
) -> AppResult<Page<assessment_session::Model>> {
    let ordering = session_ordering(order, descending, filter.near)?;
    let select = select_sessions(filter, db.get_database_backend());
    page::fetch_page(db, select, &ordering, request).await
}

/// How many sessions match.
pub async fn count_sessions(db: &DatabaseConnection, filter: &SessionFilter) -> AppResult<u64> {
    page::count(db, select_sessions(filter, db.get_database_backend())).await
}
