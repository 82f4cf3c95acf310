//! Skill evaluation (技能评价): assessment bodies filed by the regulator, sessions they schedule,
//! candidates registered, results recorded as a validated batch, certificates issued once, and the
//! public verification of a certificate by its number.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, Utc};
use entity::{
    BodyStatus, BodyType, CertificateStatus, EnrollmentStatus, OrganizationKind, SessionStatus,
    SkillLevel, alliance, assessment_body, assessment_scope, assessment_session, candidate,
    certificate, cohort, enrollment, learner, membership, occupation, organization, region,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, ExprTrait, LikeExpr, Query},
};
use serde_json::json;

use super::{
    audit,
    codes::{AllianceCode, CertificateNumber, OccupationCode, OccupationPrefix, RegionCode},
    disclosure::{self, Precision},
    geo::Near,
    learners,
    page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
    personal::mask_name,
};
use crate::{
    auth::{Caller, policy},
    domain::ids::NodeKey,
    error::{AppError, AppResult},
};

/// The certificate level digit of a national level; `None` above and below the five levels.
pub fn level_digit(level: SkillLevel) -> Option<u8> {
    Some(match level {
        SkillLevel::Level1 => 1,
        SkillLevel::Level2 => 2,
        SkillLevel::Level3 => 3,
        SkillLevel::Level4 => 4,
        SkillLevel::Level5 => 5,
        _ => return None,
    })
}

fn digits(field: &str, value: &str, n: usize) -> AppResult<String> {
    let v = value.trim();
    if v.len() == n && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(v.to_owned())
    } else {
        Err(AppError::validation(field, format!("{n} digits")))
    }
}

/// Files (or re-files) an organization as an assessment body, with its scope, by the regulator of
/// its region. Re-filing replaces the scope and makes the body ACTIVE.
pub async fn file_body(
    db: &DatabaseConnection,
    caller: &Caller,
    organization_id: i32,
    body_type: BodyType,
    body_code: &str,
    site_serial: &str,
    scope: Vec<(OccupationCode, SkillLevel)>,
) -> AppResult<assessment_body::Model> {
    let org = organization::Entity::find_by_id(organization_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("organization"))?;
    policy::supervise(&caller.viewer, org.region_id)?;
    let kind_ok = match body_type {
        BodyType::Employer => org.kind == OrganizationKind::Enterprise,
        BodyType::Social => matches!(
            org.kind,
            OrganizationKind::AssessmentBody
                | OrganizationKind::TrainingInstitution
                | OrganizationKind::College
        ),
    };
    if !kind_ok {
        return Err(AppError::validation(
            "input.type",
            "an EMPLOYER body is an enterprise; a SOCIAL body an assessment body, training institution or college",
        ));
    }
    let body_code = digits("input.bodyCode", body_code, 4)?;
    let site_serial = digits("input.siteSerial", site_serial, 6)?;
    if scope.is_empty() {
        return Err(AppError::validation(
            "input.scope",
            "name at least one occupation",
        ));
    }
    for (i, (code, level)) in scope.iter().enumerate() {
        if level_digit(*level).is_none() {
            return Err(AppError::validation(
                format!("input.scope[{i}].maxLevel"),
                "one of the five national levels",
            ));
        }
        if occupation::Entity::find_by_id(code.as_str().to_owned())
            .one(db)
            .await?
            .is_none()
        {
            return Err(AppError::validation(
                format!("input.scope[{i}].occupation"),
                "not in the occupational classification",
            ));
        }
    }
    let txn = crate::domain::begin_write(db).await?;
    let existing = assessment_body::Entity::find()
        .filter(assessment_body::Column::OrganizationId.eq(organization_id))
        .one(&txn)
        .await?;
    let now = Utc::now();
    let saved = match existing {
        Some(body) => {
            let mut active: assessment_body::ActiveModel = body.into();
            active.body_type = Set(body_type);
            active.body_code = Set(body_code);
            active.site_serial = Set(site_serial);
            active.status = Set(BodyStatus::Active);
            active.status_reason = Set(None);
            active.update(&txn).await?
        }
        None => {
            assessment_body::Entity::insert(assessment_body::ActiveModel {
                organization_id: Set(organization_id),
                body_type: Set(body_type),
                body_code: Set(body_code),
                site_serial: Set(site_serial),
                status: Set(BodyStatus::Active),
                status_reason: Set(None),
                serial_year: Set(now.year() as i16),
                last_serial: Set(0),
                filed_at: Set(now),
                ..Default::default()
            })
            .exec_with_returning(&txn)
            .await?
        }
    };
    assessment_scope::Entity::delete_many()
        .filter(assessment_scope::Column::BodyId.eq(saved.id))
        .exec(&txn)
        .await?;
    let unique: HashMap<String, SkillLevel> = scope
        .iter()
        .map(|(c, l)| (c.as_str().to_owned(), *l))
        .collect();
    assessment_scope::Entity::insert_many(unique.iter().map(|(code, level)| {
        assessment_scope::ActiveModel {
            body_id: Set(saved.id),
            occupation_code: Set(code.clone()),
            max_level: Set(*level),
        }
    }))
    .exec(&txn)
    .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "fileAssessmentBody",
            target_type: "Organization",
            target_id: NodeKey::Organization(organization_id).to_id().0,
            region_id: Some(org.region_id),
            changes: Some(json!({
                "type": format!("{body_type:?}"), "bodyCode": saved.body_code, "siteSerial": saved.site_serial,
                "scope": unique.iter().map(|(c, l)| json!({ "occupation": c, "maxLevel": format!("{l:?}") })).collect::<Vec<_>>(),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Sets a body ACTIVE, SUSPENDED or REVOKED, with a reason, by the regulator of its region.
pub async fn set_body_status(
    db: &DatabaseConnection,
    caller: &Caller,
    organization_id: i32,
    status: BodyStatus,
    reason: String,
) -> AppResult<assessment_body::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let body = body_of(&txn, organization_id).await?;
    let org = organization::Entity::find_by_id(organization_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("organization"))?;
    policy::supervise(&caller.viewer, org.region_id)?;
    let before = body.status;
    let mut active: assessment_body::ActiveModel = body.into();
    active.status = Set(status);
    active.status_reason = Set(Some(reason.clone()));
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "setAssessmentBodyStatus",
            target_type: "Organization",
            target_id: NodeKey::Organization(organization_id).to_id().0,
            region_id: Some(org.region_id),
            changes: Some(json!({ "status": { "from": format!("{before:?}"), "to": format!("{status:?}") }, "reason": reason })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

async fn body_of(
    conn: &impl ConnectionTrait,
    organization_id: i32,
) -> AppResult<assessment_body::Model> {
    assessment_body::Entity::find()
        .filter(assessment_body::Column::OrganizationId.eq(organization_id))
        .one(conn)
        .await?
        .ok_or_else(|| {
            AppError::Forbidden("the organization is not a filed assessment body".to_owned())
        })
}

fn ensure_active(body: &assessment_body::Model) -> AppResult<()> {
    if body.status == BodyStatus::Active {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            format!(
                "the assessment body is {:?}; it may not evaluate",
                body.status
            )
            .to_uppercase(),
        ))
    }
}

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
}

/// Schedules a session for the caller's ACTIVE assessment body, within its scope.
pub async fn schedule_session(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewSession,
) -> AppResult<assessment_session::Model> {
    let org_id = policy::assess(&caller.viewer)?;
    let body = body_of(db, org_id).await?;
    ensure_active(&body)?;
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
    let today = Utc::now().date_naive();
    if new.exam_date < today {
        return Err(AppError::validation(
            "input.examDate",
            "must not be in the past",
        ));
    }
    if new.registration_deadline > new.exam_date {
        return Err(AppError::validation(
            "input.registrationDeadline",
            "must be on or before the exam day",
        ));
    }
    if !(1..=1_000).contains(&new.capacity) {
        return Err(AppError::validation("input.capacity", "1 to 1,000"));
    }
    let address = new.address.trim();
    if address.is_empty() || address.chars().count() > 200 {
        return Err(AppError::validation("input.address", "1 to 200 characters"));
    }
    let region = region::Entity::find()
        .filter(region::Column::Code.eq(new.region.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.region", "no region has this code"))?;
    let txn = crate::domain::begin_write(db).await?;
    let saved = assessment_session::Entity::insert(assessment_session::ActiveModel {
        body_id: Set(body.id),
        occupation_code: Set(new.occupation.as_str().to_owned()),
        level: Set(new.level),
        exam_date: Set(new.exam_date),
        registration_deadline: Set(new.registration_deadline),
        region_id: Set(region.id),
        address: Set(address.to_owned()),
        latitude: Set(new.point.map(|p| p.0)),
        longitude: Set(new.point.map(|p| p.1)),
        capacity: Set(new.capacity),
        registered: Set(0),
        status: Set(SessionStatus::Scheduled),
        created_at: Set(Utc::now()),
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
            region_id: Some(region.id),
            changes: Some(json!({ "occupation": saved.occupation_code, "level": format!("{:?}", saved.level), "examDate": saved.exam_date, "capacity": saved.capacity })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

async fn session_for_body(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    session_id: i32,
) -> AppResult<(assessment_session::Model, assessment_body::Model)> {
    let session = assessment_session::Entity::find_by_id(session_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("assessment session"))?;
    let org_id = policy::assess(&caller.viewer)?;
    let body = body_of(conn, org_id).await?;
    if body.id != session.body_id {
        return Err(AppError::Forbidden(
            "the session belongs to another assessment body".to_owned(),
        ));
    }
    Ok((session, body))
}

fn conflict(message: &str) -> AppError {
    AppError::Conflict(message.to_owned())
}

/// Whether `provider_id` trains or registered the learner.
async fn provider_of_learner(
    db: &DatabaseConnection,
    rules: &policy::AccessRules,
    provider_id: i32,
    learner_id: i32,
) -> AppResult<bool> {
    let Some(found) = learner::Entity::find_by_id(learner_id).one(db).await? else {
        return Ok(false);
    };
    let facts = learners::facts(db, &[(found.id, found.region_id)])
        .await?
        .remove(&found.id)
        .unwrap_or_default();
    Ok(policy::provider_in_relation(
        &facts,
        provider_id,
        rules,
        chrono::Utc::now(),
    ))
}

/// Whether the learner works for `enterprise_id`: enrolled in one of its cohorts under a labour
/// contract.
async fn employee_of(
    db: &DatabaseConnection,
    enterprise_id: i32,
    learner_id: i32,
) -> AppResult<bool> {
    Ok(enrollment::Entity::find()
        .filter(enrollment::Column::LearnerId.eq(learner_id))
        .filter(enrollment::Column::ContractStart.is_not_null())
        .filter(enrollment::Column::Status.ne(EnrollmentStatus::Withdrawn))
        .filter(
            enrollment::Column::CohortId.in_subquery(
                Query::select()
                    .column(cohort::Column::Id)
                    .from(cohort::Entity)
                    .and_where(Expr::col(cohort::Column::EnterpriseId).eq(enterprise_id))
                    .to_owned(),
            ),
        )
        .one(db)
        .await?
        .is_some())
}

/// Registers a learner for a session: by the session's body, or by the learner's training
/// provider. Refused with nothing written when the session is full, past its deadline or not
/// SCHEDULED, when the learner is registered already or holds a valid certificate for the
/// occupation at that level or higher; an EMPLOYER body registers only its own employees, with
/// its attestation.
pub async fn register_candidate(
    db: &DatabaseConnection,
    caller: &Caller,
    session_id: i32,
    learner_id: i32,
    attestation: Option<String>,
) -> AppResult<candidate::Model> {
    let session = assessment_session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("assessment session"))?;
    let body = assessment_body::Entity::find_by_id(session.body_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a session without its body"))?;
    learner::Entity::find_by_id(learner_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.learner", "no learner has this ID"))?;
    let org_id = policy::assess_or_train(&caller.viewer)?;
    let by_body = org_id == body.organization_id;
    if !by_body && !provider_of_learner(db, &caller.access, org_id, learner_id).await? {
        return Err(AppError::Forbidden(
            "candidates are registered by the session's body or the learner's training provider"
                .to_owned(),
        ));
    }
    ensure_active(&body)?;
    if body.body_type == BodyType::Employer {
        if !employee_of(db, body.organization_id, learner_id).await? {
            return Err(AppError::validation(
                "input.learner",
                "an employer body evaluates its own employees only",
            ));
        }
        if attestation.as_deref().is_none_or(|a| a.trim().is_empty()) {
            return Err(AppError::validation(
                "input.attestation",
                "an employer body attests that the learner is its employee",
            ));
        }
    }
    if session.status != SessionStatus::Scheduled {
        return Err(conflict("the session takes no registrations"));
    }
    if Utc::now().date_naive() > session.registration_deadline {
        return Err(conflict("the registration deadline has passed"));
    }
    let txn = crate::domain::begin_write(db).await?;
    // First statement: reserve a place, or learn there is none.
    let reserved = assessment_session::Entity::update_many()
        .col_expr(
            assessment_session::Column::Registered,
            Expr::col(assessment_session::Column::Registered).add(1),
        )
        .filter(assessment_session::Column::Id.eq(session_id))
        .filter(
            Expr::col(assessment_session::Column::Registered)
                .lt(Expr::col(assessment_session::Column::Capacity)),
        )
        .filter(assessment_session::Column::Status.eq(SessionStatus::Scheduled))
        .exec(&txn)
        .await?;
    if reserved.rows_affected != 1 {
        return Err(conflict("the session is full"));
    }
    if candidate::Entity::find()
        .filter(candidate::Column::SessionId.eq(session_id))
        .filter(candidate::Column::LearnerId.eq(learner_id))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(conflict(
            "the learner is registered for this session already",
        ));
    }
    if certificate::Entity::find()
        .filter(certificate::Column::LearnerId.eq(learner_id))
        .filter(certificate::Column::OccupationCode.eq(session.occupation_code.clone()))
        .filter(certificate::Column::Level.gte(session.level))
        .filter(certificate::Column::Status.eq(CertificateStatus::Valid))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(conflict(
            "the learner already holds a valid certificate for this occupation at this level or higher",
        ));
    }
    let inserted = candidate::Entity::insert(candidate::ActiveModel {
        session_id: Set(session_id),
        learner_id: Set(learner_id),
        attestation: Set(attestation
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())),
        theory_score: Set(None),
        practical_score: Set(None),
        registered_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await;
    let saved = inserted.map_err(|e| {
        super::conflict_on_duplicate(e, "the learner is registered for this session already")
    })?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "registerCandidate",
            target_type: "Candidate",
            target_id: NodeKey::Candidate(saved.id).to_id().0,
            region_id: Some(session.region_id),
            changes: Some(json!({ "session": NodeKey::AssessmentSession(session_id).to_id().0, "learner": NodeKey::Learner(learner_id).to_id().0, "attested": saved.attestation.is_some() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// One result to record.
#[derive(Debug, Clone, Copy)]
pub struct ResultRow {
    /// The candidate.
    pub candidate_id: i32,
    /// Theory score, 0–100.
    pub theory: i32,
    /// Practical score, 0–100.
    pub practical: i32,
}

/// One problem with one row of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The row's position, from 0.
    pub row: usize,
    /// The field.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

/// Why a batch of results was refused.
#[derive(Debug)]
pub enum ResultsError {
    /// Rows are bad; every one is named and nothing was written.
    Rows(Vec<RowProblem>),
    /// Anything else.
    App(AppError),
}

impl From<AppError> for ResultsError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl From<sea_orm::DbErr> for ResultsError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::App(e.into())
    }
}

/// Records scores for a SCHEDULED or HELD session (which becomes HELD). Every row is validated
/// first; any bad row refuses the whole batch.
pub async fn record_results(
    db: &DatabaseConnection,
    caller: &Caller,
    session_id: i32,
    rows: Vec<ResultRow>,
) -> Result<assessment_session::Model, ResultsError> {
    let (session, _) = session_for_body(db, caller, session_id).await?;
    if !matches!(
        session.status,
        SessionStatus::Scheduled | SessionStatus::Held
    ) {
        return Err(AppError::validation(
            "status",
            "results are recorded for a scheduled or held session",
        )
        .into());
    }
    let candidates: BTreeSet<i32> = candidate::Entity::find()
        .filter(candidate::Column::SessionId.eq(session_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, row) in rows.iter().enumerate() {
        if !candidates.contains(&row.candidate_id) {
            problems.push(RowProblem {
                row: i,
                field: "candidate",
                message: "not a candidate of this session".to_owned(),
            });
        } else if !seen.insert(row.candidate_id) {
            problems.push(RowProblem {
                row: i,
                field: "candidate",
                message: "the same candidate twice".to_owned(),
            });
        }
        if !(0..=100).contains(&row.theory) {
            problems.push(RowProblem {
                row: i,
                field: "theoryScore",
                message: "0 to 100".to_owned(),
            });
        }
        if !(0..=100).contains(&row.practical) {
            problems.push(RowProblem {
                row: i,
                field: "practicalScore",
                message: "0 to 100".to_owned(),
            });
        }
    }
    if rows.is_empty() {
        problems.push(RowProblem {
            row: 0,
            field: "candidate",
            message: "no results".to_owned(),
        });
    }
    if !problems.is_empty() {
        return Err(ResultsError::Rows(problems));
    }
    let txn = crate::domain::begin_write(db).await?;
    for row in &rows {
        candidate::Entity::update_many()
            .col_expr(
                candidate::Column::TheoryScore,
                Expr::value(row.theory as i16),
            )
            .col_expr(
                candidate::Column::PracticalScore,
                Expr::value(row.practical as i16),
            )
            .filter(candidate::Column::Id.eq(row.candidate_id))
            .exec(&txn)
            .await?;
    }
    let mut active: assessment_session::ActiveModel = session.clone().into();
    active.status = Set(SessionStatus::Held);
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "recordResults",
            target_type: "AssessmentSession",
            target_id: NodeKey::AssessmentSession(session_id).to_id().0,
            region_id: Some(session.region_id),
            changes: Some(json!({ "results": rows.len() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Whether scores pass: both at least 60.
pub fn passes(theory: Option<i16>, practical: Option<i16>) -> bool {
    theory.is_some_and(|t| t >= 60) && practical.is_some_and(|p| p >= 60)
}

/// Issues a certificate to every passing candidate without one, in one transaction, and marks the
/// session RESULTS_PUBLISHED. Calling it again issues nothing new.
pub async fn publish_results(
    db: &DatabaseConnection,
    caller: &Caller,
    session_id: i32,
) -> AppResult<Vec<certificate::Model>> {
    let (session, body) = session_for_body(db, caller, session_id).await?;
    ensure_active(&body)?;
    if !matches!(
        session.status,
        SessionStatus::Held | SessionStatus::ResultsPublished
    ) {
        return Err(AppError::validation(
            "status",
            "record the results of a held session first",
        ));
    }
    let org = organization::Entity::find_by_id(body.organization_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a body without its organization"))?;
    let province = region::Entity::find_by_id(org.region_id)
        .one(db)
        .await?
        .map(|r| r.code[..2].to_owned())
        .unwrap_or_else(|| "32".to_owned());
    let txn = crate::domain::begin_write(db).await?;
    // First statement: lock the body's serial counter for this transaction.
    assessment_body::Entity::update_many()
        .col_expr(
            assessment_body::Column::LastSerial,
            Expr::col(assessment_body::Column::LastSerial),
        )
        .filter(assessment_body::Column::Id.eq(body.id))
        .exec(&txn)
        .await?;
    let issued: BTreeSet<i32> = certificate::Entity::find()
        .filter(certificate::Column::SessionId.eq(session_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|c| c.candidate_id)
        .collect();
    let passing: Vec<candidate::Model> = candidate::Entity::find()
        .filter(candidate::Column::SessionId.eq(session_id))
        .order_by_asc(candidate::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .filter(|c| passes(c.theory_score, c.practical_score) && !issued.contains(&c.id))
        .collect();
    let counter = assessment_body::Entity::find_by_id(body.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("the body vanished"))?;
    let today = Utc::now().date_naive();
    let year = today.year();
    let mut serial = if i32::from(counter.serial_year) == year {
        counter.last_serial
    } else {
        0
    };
    let digit = level_digit(session.level)
        .ok_or_else(|| AppError::internal("a session above the national levels"))?;
    let mut certificates = Vec::new();
    for c in &passing {
        serial += 1;
        let number = CertificateNumber::compose(
            body.body_type == BodyType::Employer,
            &body.body_code,
            &province,
            &body.site_serial,
            year,
            digit,
            u32::try_from(serial).map_err(AppError::internal)?,
        )
        .ok_or_else(|| AppError::internal("a certificate number out of range"))?;
        let saved = certificate::Entity::insert(certificate::ActiveModel {
            number: Set(number.as_str().to_owned()),
            learner_id: Set(c.learner_id),
            occupation_code: Set(session.occupation_code.clone()),
            level: Set(session.level),
            body_id: Set(body.id),
            session_id: Set(session_id),
            candidate_id: Set(c.id),
            issued_on: Set(today),
            status: Set(CertificateStatus::Valid),
            revoked_reason: Set(None),
            revoked_at: Set(None),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await?;
        certificates.push(saved);
    }
    let mut counter: assessment_body::ActiveModel = counter.into();
    counter.serial_year = Set(year as i16);
    counter.last_serial = Set(serial);
    counter.update(&txn).await?;
    let mut active: assessment_session::ActiveModel = session.clone().into();
    active.status = Set(SessionStatus::ResultsPublished);
    active.update(&txn).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "publishResults",
            target_type: "AssessmentSession",
            target_id: NodeKey::AssessmentSession(session_id).to_id().0,
            region_id: Some(session.region_id),
            changes: Some(json!({ "certificatesIssued": certificates.len() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(certificates)
}

/// Revokes a VALID certificate, with a reason: by its issuing body or the regulator of the body's
/// region.
pub async fn revoke_certificate(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    reason: String,
) -> AppResult<certificate::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let found = certificate::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("certificate"))?;
    let body = assessment_body::Entity::find_by_id(found.body_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("a certificate without its body"))?;
    let org = organization::Entity::find_by_id(body.organization_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("a body without its organization"))?;
    let by_body = policy::assess(&caller.viewer).ok() == Some(body.organization_id);
    if !by_body {
        policy::supervise(&caller.viewer, org.region_id).map_err(|e| match e {
            AppError::Unauthenticated(_) => e,
            _ => AppError::Forbidden(
                "a certificate is revoked by its body or its region's regulator".to_owned(),
            ),
        })?;
    }
    if found.status != CertificateStatus::Valid {
        return Err(AppError::validation(
            "status",
            "the certificate is revoked already",
        ));
    }
    let mut active: certificate::ActiveModel = found.into();
    active.status = Set(CertificateStatus::Revoked);
    active.revoked_reason = Set(Some(reason.clone()));
    active.revoked_at = Set(Some(Utc::now()));
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "revokeCertificate",
            target_type: "Certificate",
            target_id: NodeKey::Certificate(saved.id).to_id().0,
            region_id: Some(org.region_id),
            changes: Some(json!({ "number": saved.number, "reason": reason })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// What anyone may learn of a certificate by its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The number, normalised.
    pub number: String,
    /// What was found.
    pub found: Option<VerifiedCertificate>,
}

/// A certificate as verification shows it: no personal data but the masked name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCertificate {
    /// VALID or REVOKED.
    pub status: CertificateStatus,
    /// The occupation.
    pub occupation_code: String,
    /// The level.
    pub level: SkillLevel,
    /// The issuing body's organization.
    pub body_organization_id: i32,
    /// The day of issue.
    pub issued_on: NaiveDate,
    /// The holder's name, masked.
    pub holder_masked: String,
}

/// Verifies a number (public): a malformed one is `BAD_USER_INPUT`, an unknown one NOT_FOUND in
/// the answer.
pub async fn verify(db: &DatabaseConnection, input: &str) -> AppResult<Verification> {
    let number = CertificateNumber::parse(input).map_err(|e| AppError::validation("number", e))?;
    let Some(found) = certificate::Entity::find()
        .filter(certificate::Column::Number.eq(number.as_str()))
        .one(db)
        .await?
    else {
        return Ok(Verification {
            number: number.as_str().to_owned(),
            found: None,
        });
    };
    let holder = learner::Entity::find_by_id(found.learner_id)
        .one(db)
        .await?;
    let body = assessment_body::Entity::find_by_id(found.body_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a certificate without its body"))?;
    Ok(Verification {
        number: number.as_str().to_owned(),
        found: Some(VerifiedCertificate {
            status: found.status,
            occupation_code: found.occupation_code,
            level: found.level,
            body_organization_id: body.organization_id,
            issued_on: found.issued_on,
            holder_masked: holder.map(|h| mask_name(&h.name)).unwrap_or_default(),
        }),
    })
}

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

fn bodies_where(cond: Condition) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column((assessment_body::Entity, assessment_body::Column::Id))
        .from(assessment_body::Entity)
        .cond_where(cond)
        .to_owned()
}

fn select_sessions(
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
        cond = cond.add(
            assessment_session::Column::RegionId.in_subquery(
                Query::select()
                    .column(region::Column::Id)
                    .from(region::Entity)
                    .and_where(Expr::col(region::Column::Code).eq(region.as_str()))
                    .to_owned(),
            ),
        );
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

fn session_ordering(
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
                SortKey {
                    expr: near.squared_km_sql(
                        assessment_session::Column::Latitude,
                        assessment_session::Column::Longitude,
                    ),
                    descending,
                    kind: KeyKind::Float,
                    value: Box::new(move |m: &assessment_session::Model| {
                        CursorValue::Float(
                            m.latitude
                                .zip(m.longitude)
                                .map(|(a, b)| near.squared_km(a, b))
                                .unwrap_or(0.0),
                        )
                    }),
                },
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
    match filter.near {
        Some(near) if order == SessionOrderField::Distance && !descending => {
            let columns = (
                assessment_session::Column::Latitude,
                assessment_session::Column::Longitude,
            );
            page::fetch_page_nearest(db, select, &ordering, request, &near, columns).await
        }
        _ => page::fetch_page(db, select, &ordering, request).await,
    }
}

/// How many sessions match.
pub async fn count_sessions(db: &DatabaseConnection, filter: &SessionFilter) -> AppResult<u64> {
    page::count(db, select_sessions(filter, db.get_database_backend())).await
}

/// Which certificates to count.
#[derive(Debug, Clone, Default)]
pub struct StatsFilter {
    /// Issued by bodies in any of these alliances.
    pub alliances: Vec<AllianceCode>,
    /// Issued by bodies of this region.
    pub region: Option<RegionCode>,
    /// For this occupation or group.
    pub occupation: Option<OccupationPrefix>,
    /// At this level or above.
    pub min_level: Option<SkillLevel>,
    /// By bodies of this type.
    pub body_type: Option<BodyType>,
    /// Issued in this year.
    pub year: Option<i32>,
    /// VALID ones only (default) or revoked ones too.
    pub include_revoked: bool,
}

/// The dimensions counts can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatsDimension {
    /// The body's alliances (a certificate counts once in each).
    Alliance,
    /// The body's region.
    Region,
    /// The occupation.
    Occupation,
    /// The level.
    Level,
    /// The body type.
    BodyType,
    /// The year of issue.
    Year,
}

/// One group of certificates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatsRow {
    /// The alliance, when grouped by it.
    pub alliance_id: Option<i32>,
    /// The region, when grouped by it.
    pub region_id: Option<i32>,
    /// The occupation, when grouped by it.
    pub occupation_code: Option<String>,
    /// The level, when grouped by it.
    pub level: Option<SkillLevel>,
    /// The body type, when grouped by it.
    pub body_type: Option<BodyType>,
    /// The year, when grouped by it.
    pub year: Option<i32>,
    /// How many certificates.
    pub count: u64,
}

#[derive(Debug, FromQueryResult)]
struct StatsSource {
    occupation_code: String,
    level: i16,
    status: String,
    issued_on: NaiveDate,
    body_type: String,
    region_id: i32,
    organization_id: i32,
}

/// A group's key: alliance, region, occupation, level rank, body type, year.
type GroupKey = (
    Option<i32>,
    Option<i32>,
    Option<String>,
    Option<i16>,
    Option<String>,
    Option<i32>,
);

/// Counts certificates in groups: aggregates only, no learner in them. With
/// [`Precision::Protected`] only atomic cells (issuing organization × occupation × level × year
/// × status) of at least [`disclosure::MIN_CELL`] certificates count (`domain::disclosure`).
pub async fn certificate_stats(
    db: &DatabaseConnection,
    precision: Precision,
    filter: &StatsFilter,
    group_by: &[StatsDimension],
) -> AppResult<Vec<StatsRow>> {
    let mut select = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::OccupationCode)
        .column(certificate::Column::Level)
        .column(certificate::Column::Status)
        .column(certificate::Column::IssuedOn)
        .column_as(
            Expr::col((assessment_body::Entity, assessment_body::Column::BodyType)),
            "body_type",
        )
        .column_as(
            Expr::col((organization::Entity, organization::Column::RegionId)),
            "region_id",
        )
        .column_as(
            Expr::col((organization::Entity, organization::Column::Id)),
            "organization_id",
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            certificate::Entity::belongs_to(assessment_body::Entity)
                .from(certificate::Column::BodyId)
                .to(assessment_body::Column::Id)
                .into(),
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            assessment_body::Entity::belongs_to(organization::Entity)
                .from(assessment_body::Column::OrganizationId)
                .to(organization::Column::Id)
                .into(),
        );
    if !filter.include_revoked {
        select = select.filter(certificate::Column::Status.eq(CertificateStatus::Valid));
    }
    if let Some(prefix) = &filter.occupation {
        select = select.filter(
            Expr::col((certificate::Entity, certificate::Column::OccupationCode))
                .like(LikeExpr::new(prefix.like_pattern())),
        );
    }
    if let Some(level) = filter.min_level {
        select = select.filter(certificate::Column::Level.gte(level));
    }
    if let Some(t) = filter.body_type {
        select = select
            .filter(Expr::col((assessment_body::Entity, assessment_body::Column::BodyType)).eq(t));
    }
    if let Some(region) = &filter.region {
        select = select.filter(
            Expr::col((organization::Entity, organization::Column::RegionId)).in_subquery(
                Query::select()
                    .column(region::Column::Id)
                    .from(region::Entity)
                    .and_where(Expr::col(region::Column::Code).eq(region.as_str()))
                    .to_owned(),
            ),
        );
    }
    let rows: Vec<StatsSource> = select.into_model().all(db).await?;
    let rows = disclosure::release(
        precision,
        rows,
        |r| {
            (
                r.organization_id,
                r.occupation_code.clone(),
                r.level,
                r.issued_on.year(),
                r.status.clone(),
            )
        },
        |_| 1,
    );
    let members: Vec<membership::Model> = membership::Entity::find()
        .filter(membership::Column::LeftOn.is_null())
        .all(db)
        .await?;
    let alliance_ids: HashMap<String, i32> = alliance::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.code, a.id))
        .collect();
    let wanted: Option<BTreeSet<i32>> = (!filter.alliances.is_empty()).then(|| {
        filter
            .alliances
            .iter()
            .filter_map(|c| alliance_ids.get(c.as_str()).copied())
            .collect()
    });
    let mut by_org: HashMap<i32, Vec<i32>> = HashMap::new();
    for m in members {
        by_org
            .entry(m.organization_id)
            .or_default()
            .push(m.alliance_id);
    }
    let dims: BTreeSet<StatsDimension> = group_by.iter().copied().collect();
    let mut groups: std::collections::BTreeMap<GroupKey, u64> = Default::default();
    for row in rows {
        let year = row.issued_on.year();
        if filter.year.is_some_and(|y| y != year) {
            continue;
        }
        let orgs_alliances = by_org
            .get(&row.organization_id)
            .cloned()
            .unwrap_or_default();
        let relevant: Vec<i32> = match &wanted {
            Some(w) => orgs_alliances
                .iter()
                .copied()
                .filter(|a| w.contains(a))
                .collect(),
            None => orgs_alliances.clone(),
        };
        if wanted.is_some() && relevant.is_empty() {
            continue;
        }
        let alliance_keys: Vec<Option<i32>> = if dims.contains(&StatsDimension::Alliance) {
            relevant.into_iter().map(Some).collect()
        } else {
            vec![None]
        };
        for alliance in alliance_keys {
            let key = (
                alliance,
                dims.contains(&StatsDimension::Region)
                    .then_some(row.region_id),
                dims.contains(&StatsDimension::Occupation)
                    .then(|| row.occupation_code.clone()),
                dims.contains(&StatsDimension::Level).then_some(row.level),
                dims.contains(&StatsDimension::BodyType)
                    .then(|| row.body_type.clone()),
                dims.contains(&StatsDimension::Year).then_some(year),
            );
            *groups.entry(key).or_default() += 1;
        }
    }
    use sea_orm::ActiveEnum;
    if groups.is_empty() && dims.is_empty() {
        // One total, even when it is zero.
        return Ok(vec![StatsRow::default()]);
    }
    Ok(groups
        .into_iter()
        .map(
            |((alliance_id, region_id, occupation_code, level, body_type, year), count)| StatsRow {
                alliance_id,
                region_id,
                occupation_code,
                level: level.and_then(|l| SkillLevel::try_from_value(&l).ok()),
                body_type: body_type.and_then(|t| BodyType::try_from_value(&t).ok()),
                year,
                count,
            },
        )
        .collect())
}

/// Bodies by organization id.
pub async fn bodies_by_organization(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, assessment_body::Model>> {
    Ok(assessment_body::Entity::find()
        .filter(assessment_body::Column::OrganizationId.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.organization_id, b))
        .collect())
}

/// Bodies by id.
pub async fn bodies_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, assessment_body::Model>> {
    Ok(assessment_body::Entity::find()
        .filter(assessment_body::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect())
}

/// The scope of each body.
pub async fn scopes_by_body(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<assessment_scope::Model>>> {
    super::children_of::<assessment_scope::Entity>(
        db,
        assessment_scope::Column::BodyId,
        ids,
        assessment_scope::Column::OccupationCode,
        |s| s.body_id,
    )
    .await
}

/// The certificates of each learner.
pub async fn certificates_by_learner(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<certificate::Model>>> {
    super::children_of::<certificate::Entity>(
        db,
        certificate::Column::LearnerId,
        ids,
        certificate::Column::Id,
        |c| c.learner_id,
    )
    .await
}

/// Sessions by id.
pub async fn sessions_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, assessment_session::Model>> {
    Ok(assessment_session::Entity::find()
        .filter(assessment_session::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

/// The candidates of each session.
pub async fn candidates_by_session(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<candidate::Model>>> {
    super::children_of::<candidate::Entity>(
        db,
        candidate::Column::SessionId,
        ids,
        candidate::Column::Id,
        |c| c.session_id,
    )
    .await
}

/// One candidate by id, unscoped: callers check [`may_see_candidates`].
pub async fn candidate_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<candidate::Model>> {
    Ok(candidate::Entity::find_by_id(id).one(db).await?)
}

/// Whether a viewer may see a session's candidates: its body, its region's regulator.
pub async fn may_see_candidates(
    db: &DatabaseConnection,
    viewer: &crate::auth::Viewer,
    session: &assessment_session::Model,
) -> AppResult<bool> {
    Ok(assessment_body::Entity::find_by_id(session.body_id)
        .one(db)
        .await?
        .is_some_and(|b| policy::see_candidates(viewer, session.region_id, b.organization_id)))
}
