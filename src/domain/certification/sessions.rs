//! Assessment sessions a body schedules.

use super::*;

/// The most candidates a session seats.
pub const MAX_CAPACITY: i32 = 1_000;

/// A session to schedule.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The occupation.
    pub occupation: OccupationCode,
    /// The level: one of the five national levels, within the body's scope.
    pub level: SkillLevel,
    /// The exam day, not in the past.
    pub exam_date: NaiveDate,
    /// The last day to register, on or before the exam day.
    pub registration_deadline: NaiveDate,
    /// The venue's region.
    pub region: RegionCode,
    /// The venue's address.
    pub address: String,
    /// The venue's coordinates.
    pub point: Option<(f64, f64)>,
    /// Places, 1 to 1,000.
    pub capacity: i32,
    /// EXAM, or WORKPLACE (车间+考场) for an employer body assessing its own employees at work.
    pub route: CertificateRoute,
}

/// Schedules a session for the caller's ACTIVE assessment body, within its scope.
pub async fn schedule_session(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewSession,
) -> AppResult<assessment_session::Model> {
    let org_id = policy::may_assess(&caller.viewer)?;
    let body = body_of(db, org_id).await?;
    ensure_active(&body)?;
    match new.route {
        CertificateRoute::Exam => {}
        CertificateRoute::Workplace if body.body_type == BodyType::Employer => {}
        CertificateRoute::Workplace => {
            return Err(AppError::validation(
                "input.route",
                "only an employer body evaluates at the workplace",
            ));
        }
        _ => {
            return Err(AppError::validation(
                "input.route",
                "a session is held as an EXAM or at the WORKPLACE",
            ));
        }
    }
    if level_digit(new.level).is_none() {
        return Err(AppError::validation(
            "input.level",
            "one of the five national levels (LEVEL_5 to LEVEL_1)",
        ));
    }
    let scope = assessment_scope::Entity::find()
        .filter(assessment_scope::Column::BodyId.eq(body.id))
        .filter(assessment_scope::Column::OccupationCode.eq(new.occupation.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.occupation", "outside the body's scope"))?;
    if new.level > scope.max_level {
        return Err(AppError::validation(
            "input.level",
            "above the highest level the body may evaluate for this occupation",
        ));
    }
    let (address, place) = session_terms(
        db,
        new.exam_date,
        new.registration_deadline,
        new.capacity,
        &new.region,
        &new.address,
    )
    .await?;
    let txn = crate::domain::begin_write(db).await?;
    let saved = assessment_session::Entity::insert(assessment_session::ActiveModel {
        body_id: Set(body.id),
        occupation_code: Set(new.occupation.as_str().to_owned()),
        level: Set(new.level),
        exam_date: Set(new.exam_date),
        registration_deadline: Set(new.registration_deadline),
        region_id: Set(place.city_id),
        county_id: Set(place.county_id),
        address: Set(address),
        latitude: Set(new.point.map(|p| p.0)),
        longitude: Set(new.point.map(|p| p.1)),
        capacity: Set(new.capacity),
        registered: Set(0),
        status: Set(SessionStatus::Scheduled),
        created_at: Set(Utc::now()),
        route: Set(new.route),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "scheduleSession",
            target_type: "AssessmentSession",
            target_id: NodeKey::AssessmentSession(saved.id).to_id().0,
            region_id: Some(place.city_id),
            changes: Some(json!({ "occupation": saved.occupation_code, "level": format!("{:?}", saved.level), "examDate": saved.exam_date, "capacity": saved.capacity, "route": format!("{:?}", saved.route) })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// A new session's day (not past), deadline (on or before it), places (1 to 1,000) and venue
/// (an address of 1 to 200 characters in a region that takes new rows): the trimmed address
/// and the place, or the field that is wrong.
pub(super) async fn session_terms(
    db: &DatabaseConnection,
    exam_date: NaiveDate,
    registration_deadline: NaiveDate,
    capacity: i32,
    region: &RegionCode,
    address: &str,
) -> AppResult<(String, crate::domain::network::regions::Place)> {
    if exam_date < Utc::now().date_naive() {
        return Err(AppError::validation(
            "input.examDate",
            "must not be in the past",
        ));
    }
    if registration_deadline > exam_date {
        return Err(AppError::validation(
            "input.registrationDeadline",
            "must be on or before the exam day",
        ));
    }
    if !(1..=MAX_CAPACITY).contains(&capacity) {
        return Err(AppError::validation("input.capacity", "1 to 1,000"));
    }
    let address = address.trim();
    if address.is_empty() || address.chars().count() > 200 {
        return Err(AppError::validation("input.address", "1 to 200 characters"));
    }
    let place = crate::domain::network::regions::place_for_new_rows(
        db,
        "input.region",
        region,
        Some(address),
    )
    .await?;
    Ok((address.to_owned(), place))
}

pub(super) async fn session_for_body(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    session_id: i32,
) -> AppResult<(assessment_session::Model, assessment_body::Model)> {
    let session = assessment_session::Entity::find_by_id(session_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("assessment session"))?;
    let org_id = policy::may_assess(&caller.viewer)?;
    let body = body_of(conn, org_id).await?;
    policy::may_manage_session(body.id, session.body_id)?;
    Ok((session, body))
}
