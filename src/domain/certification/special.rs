//! Special-ability certificates (专项职业能力): an ability on a region's list (螃蟹养殖,
//! 数字新媒体制作) that a filed body may assess, with sessions, candidates and certificates of their
//! own (no occupation, no level). A certificate is numbered by the body's one counter, level
//! digit 0, so it verifies by its number like any other.

use entity::{
    special_ability, special_ability_candidate, special_ability_certificate, special_ability_scope,
    special_ability_session,
};

use super::*;

/// The special abilities named by code for a body of an organization in `city_id`: each must
/// be on the national list or the city's; repeated codes count once.
pub(super) async fn abilities_for_scope(
    db: &impl ConnectionTrait,
    city_id: i32,
    codes: &[String],
) -> AppResult<Vec<special_ability::Model>> {
    let mut out: Vec<special_ability::Model> = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let field = format!("input.specialAbilities[{i}]");
        let found = special_ability::Entity::find()
            .filter(special_ability::Column::Code.eq(code.trim()))
            .one(db)
            .await?
            .filter(|a| a.region_id.is_none_or(|r| r == city_id))
            .ok_or_else(|| {
                AppError::validation(&field, "not on the national list or the city's")
            })?;
        if out.iter().all(|a| a.id != found.id) {
            out.push(found);
        }
    }
    Ok(out)
}

/// Replaces a body's special abilities.
pub(super) async fn replace_scope(
    txn: &impl ConnectionTrait,
    body_id: i32,
    abilities: &[special_ability::Model],
) -> AppResult<()> {
    special_ability_scope::Entity::delete_many()
        .filter(special_ability_scope::Column::BodyId.eq(body_id))
        .exec(txn)
        .await?;
    if !abilities.is_empty() {
        special_ability_scope::Entity::insert_many(abilities.iter().map(|a| {
            special_ability_scope::ActiveModel {
                body_id: Set(body_id),
                special_ability_id: Set(a.id),
            }
        }))
        .exec(txn)
        .await?;
    }
    Ok(())
}

/// The special abilities each body may assess, by code.
pub async fn special_scopes_by_body(
    db: &DatabaseConnection,
    body_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<special_ability::Model>>> {
    let scopes = special_ability_scope::Entity::find()
        .filter(special_ability_scope::Column::BodyId.is_in(body_ids.iter().copied()))
        .all(db)
        .await?;
    let abilities = crate::domain::occupations::trades::special_abilities_by_ids(
        db,
        &scopes
            .iter()
            .map(|s| s.special_ability_id)
            .collect::<Vec<_>>(),
    )
    .await?;
    let mut out: HashMap<i32, Vec<special_ability::Model>> = HashMap::new();
    for s in scopes {
        if let Some(a) = abilities.get(&s.special_ability_id) {
            out.entry(s.body_id).or_default().push(a.clone());
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.code.cmp(&b.code));
    }
    Ok(out)
}

/// A special-ability session to schedule.
#[derive(Debug, Clone)]
pub struct NewSpecialSession {
    /// The special ability's code, in the body's scope.
    pub special_ability: String,
    /// The assessment day, not in the past.
    pub exam_date: NaiveDate,
    /// The last day to register, on or before the assessment day.
    pub registration_deadline: NaiveDate,
    /// The venue's region.
    pub region: RegionCode,
    /// The venue's address.
    pub address: String,
    /// Places, 1 to 1,000.
    pub capacity: i32,
}

/// Schedules a special-ability session for the caller's ACTIVE body, for an ability of its
/// scope.
pub async fn schedule_special_session(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewSpecialSession,
) -> AppResult<special_ability_session::Model> {
    let org_id = policy::may_assess(&caller.viewer)?;
    let body = body_of(db, org_id).await?;
    ensure_active(&body)?;
    let ability = special_ability::Entity::find()
        .filter(special_ability::Column::Code.eq(new.special_ability.trim()))
        .filter(
            special_ability::Column::Id.in_subquery(
                Query::select()
                    .column(special_ability_scope::Column::SpecialAbilityId)
                    .from(special_ability_scope::Entity)
                    .and_where(Expr::col(special_ability_scope::Column::BodyId).eq(body.id))
                    .to_owned(),
            ),
        )
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.specialAbility", "outside the body's scope"))?;
    let (address, place) = super::sessions::session_terms(
        db,
        new.exam_date,
        new.registration_deadline,
        new.capacity,
        &new.region,
        &new.address,
    )
    .await?;
    let txn = crate::domain::begin_write(db).await?;
    let saved = special_ability_session::Entity::insert(special_ability_session::ActiveModel {
        body_id: Set(body.id),
        special_ability_id: Set(ability.id),
        exam_date: Set(new.exam_date),
        registration_deadline: Set(new.registration_deadline),
        region_id: Set(place.city_id),
        county_id: Set(place.county_id),
        address: Set(address),
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
            action: "scheduleSpecialAbilitySession",
            target_type: "SpecialAbilitySession",
            target_id: NodeKey::SpecialAbilitySession(saved.id).to_id().0,
            region_id: Some(place.city_id),
            changes: Some(json!({ "specialAbility": ability.code, "examDate": saved.exam_date, "capacity": saved.capacity })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

async fn holds_ability(
    db: &impl ConnectionTrait,
    learner_id: i32,
    ability_id: i32,
) -> AppResult<bool> {
    Ok(special_ability_certificate::Entity::find()
        .filter(special_ability_certificate::Column::LearnerId.eq(learner_id))
        .filter(special_ability_certificate::Column::SpecialAbilityId.eq(ability_id))
        .filter(special_ability_certificate::Column::Status.eq(CertificateStatus::Valid))
        .one(db)
        .await?
        .is_some())
}

/// Registers a learner for a special-ability session: by the session's body, or by the
/// learner's training provider, as for an exam session. Refused with nothing written when the
/// session is full, past its deadline or not SCHEDULED, when the learner is registered already
/// or holds a valid certificate of the ability; an EMPLOYER body registers its own employees
/// only.
pub async fn register_special_candidate(
    db: &DatabaseConnection,
    caller: &Caller,
    session_id: i32,
    learner_id: i32,
) -> AppResult<special_ability_candidate::Model> {
    use super::candidates::conflict;
    let session = special_ability_session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("special-ability session"))?;
    let body = assessment_body::Entity::find_by_id(session.body_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a session without its body"))?;
    super::candidates::may_register(
        db,
        caller,
        &body,
        learner_id,
        (session.status, session.registration_deadline),
    )
    .await?;
    let txn = crate::domain::begin_write(db).await?;
    // First statement: reserve a place, or learn there is none.
    super::candidates::reserve_place::<special_ability_session::Entity>(
        &txn,
        session_id,
        [
            special_ability_session::Column::Id,
            special_ability_session::Column::Registered,
            special_ability_session::Column::Capacity,
            special_ability_session::Column::Status,
        ],
    )
    .await?;
    if holds_ability(&txn, learner_id, session.special_ability_id).await? {
        return Err(conflict(
            "the learner already holds a valid certificate of this special ability",
        ));
    }
    let saved = special_ability_candidate::Entity::insert(special_ability_candidate::ActiveModel {
        session_id: Set(session_id),
        learner_id: Set(learner_id),
        passed: Set(None),
        registered_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| {
        crate::domain::conflict_on_duplicate(
            e,
            "the learner is registered for this session already",
        )
    })?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "registerSpecialAbilityCandidate",
            target_type: "SpecialAbilityCandidate",
            target_id: NodeKey::SpecialAbilityCandidate(saved.id).to_id().0,
            region_id: Some(session.region_id),
            changes: Some(json!({
                "session": NodeKey::SpecialAbilitySession(session_id).to_id().0,
                "learner": NodeKey::Learner(learner_id).to_id().0,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// One candidate's result.
#[derive(Debug, Clone, Copy)]
pub struct SpecialResult {
    /// The candidate.
    pub candidate_id: i32,
    /// Whether they passed.
    pub passed: bool,
}

/// Publishes a special-ability session's results: by its body (ACTIVE), once (a second
/// publication is `CONFLICT`), on or after the assessment day, with every candidate's result
/// once; any bad row refuses the batch, every one named, nothing written. Each pass is issued a
/// certificate in the same transaction, reached at the session's venue, unless the person
/// holds a valid one of the ability by then.
pub async fn publish_special_results(
    db: &DatabaseConnection,
    caller: &Caller,
    session_id: i32,
    rows: Vec<SpecialResult>,
) -> Result<
    (
        special_ability_session::Model,
        Vec<special_ability_certificate::Model>,
    ),
    ResultsError,
> {
    let session = special_ability_session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("special-ability session"))?;
    let org_id = policy::may_assess(&caller.viewer)?;
    let body = body_of(db, org_id).await?;
    policy::may_manage_session(body.id, session.body_id)?;
    ensure_active(&body)?;
    if session.status != SessionStatus::Scheduled {
        return Err(AppError::Conflict("the results are published already".to_owned()).into());
    }
    if Utc::now().date_naive() < session.exam_date {
        return Err(AppError::validation(
            "input.session",
            "results are published on or after the assessment day",
        )
        .into());
    }
    let candidates: HashMap<i32, special_ability_candidate::Model> =
        special_ability_candidate::Entity::find()
            .filter(special_ability_candidate::Column::SessionId.eq(session_id))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, row) in rows.iter().enumerate() {
        if !candidates.contains_key(&row.candidate_id) {
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
    }
    if !problems.is_empty() {
        return Err(ResultsError::Rows(problems));
    }
    if seen.len() != candidates.len() {
        return Err(AppError::validation(
            "input.results",
            format!(
                "every candidate's result: {} of {} missing",
                candidates.len() - seen.len(),
                candidates.len()
            ),
        )
        .into());
    }
    let txn = crate::domain::begin_write(db).await?;
    // First statement: published once, whoever publishes at the same time.
    let published = special_ability_session::Entity::update_many()
        .col_expr(
            special_ability_session::Column::Status,
            Expr::value(SessionStatus::ResultsPublished),
        )
        .filter(special_ability_session::Column::Id.eq(session_id))
        .filter(special_ability_session::Column::Status.eq(SessionStatus::Scheduled))
        .exec(&txn)
        .await?;
    if published.rows_affected != 1 {
        return Err(AppError::Conflict("the results are published already".to_owned()).into());
    }
    super::issue::lock_serials(&txn, body.id).await?;
    for passed in [true, false] {
        let ids: Vec<i32> = rows
            .iter()
            .filter(|r| r.passed == passed)
            .map(|r| r.candidate_id)
            .collect();
        if !ids.is_empty() {
            special_ability_candidate::Entity::update_many()
                .col_expr(
                    special_ability_candidate::Column::Passed,
                    Expr::value(passed),
                )
                .filter(special_ability_candidate::Column::Id.is_in(ids))
                .exec(&txn)
                .await?;
        }
    }
    let mut passes = Vec::new();
    for row in rows.iter().filter(|r| r.passed) {
        let c = &candidates[&row.candidate_id];
        if !holds_ability(&txn, c.learner_id, session.special_ability_id).await? {
            passes.push(c.clone());
        }
    }
    let mut drawn = super::issue::draw(&txn, body.id, &vec![0; passes.len()]).await?;
    let today = Utc::now().date_naive();
    let mut issued = Vec::with_capacity(passes.len());
    for (c, number) in passes.iter().zip(std::mem::take(&mut drawn.numbers)) {
        issued.push(
            special_ability_certificate::Entity::insert(special_ability_certificate::ActiveModel {
                number: Set(number.as_str().to_owned()),
                learner_id: Set(c.learner_id),
                special_ability_id: Set(session.special_ability_id),
                body_id: Set(body.id),
                session_id: Set(session_id),
                candidate_id: Set(c.id),
                issued_on: Set(today),
                status: Set(CertificateStatus::Valid),
                revoked_reason: Set(None),
                revoked_at: Set(None),
                region_id: Set(session.region_id),
                county_id: Set(session.county_id),
                ..Default::default()
            })
            .exec_with_returning(&txn)
            .await?,
        );
    }
    if !issued.is_empty() {
        drawn.save(&txn).await?;
    }
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "publishSpecialAbilityResults",
            target_type: "SpecialAbilitySession",
            target_id: NodeKey::SpecialAbilitySession(session_id).to_id().0,
            region_id: Some(session.region_id),
            changes: Some(json!({
                "passed": rows.iter().filter(|r| r.passed).count(),
                "failed": rows.iter().filter(|r| !r.passed).count(),
                "certificates": issued.iter().map(|c| c.number.clone()).collect::<Vec<_>>(),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    let session = special_ability_session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the session vanished"))?;
    Ok((session, issued))
}
