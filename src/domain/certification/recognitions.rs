//! Direct recognition (职业技能等级直接认定): an employer body proposes a level for one of its
//! own employees with its justification; the regulator of the body's region approves (the
//! certificate is issued, route DIRECT) or rejects it with a reason.

use entity::{RecognitionStatus, direct_recognition};

use super::*;
use crate::domain::kernel::input::{Reason, Text};

/// A recognition to propose.
#[derive(Debug, Clone)]
pub struct NewRecognition {
    /// The employee.
    pub learner_id: i32,
    /// The occupation, within the body's scope.
    pub occupation: OccupationCode,
    /// The level, one of the five national levels, within the body's scope.
    pub level: SkillLevel,
    /// Why: the work, the results, the years.
    pub justification: Text<2000>,
}

/// Proposes a direct recognition: a user of an ACTIVE employer body, for one of its employees
/// it sees through the person gate, in its scope, above any level the person holds in the
/// occupation. One open proposal a person, occupation and level (`CONFLICT`).
pub async fn propose_recognition(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewRecognition,
) -> AppResult<direct_recognition::Model> {
    let org_id = policy::may_assess(&caller.viewer)?;
    let body = body_of(db, org_id).await?;
    policy::may_propose_recognition(&caller.viewer, &body)?;
    let person = learner::Entity::find_by_id(new.learner_id)
        .one(db)
        .await?
        .filter(|l| l.erased_at.is_none())
        .ok_or_else(|| AppError::not_found("learner"))?;
    if gate::view_of(db, caller, &caller.access, &person)
        .await?
        .is_none()
        || !super::candidates::employee_of(db, body.organization_id, person.id).await?
    {
        return Err(AppError::validation(
            "input.learner",
            "an employer body recognises its own employees only",
        ));
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
    if holds_level(db, person.id, new.occupation.as_str(), new.level).await? {
        return Err(AppError::Conflict(
            "the person already holds a valid certificate for this occupation at this level or higher"
                .to_owned(),
        ));
    }
    let org = organization::Entity::find_by_id(body.organization_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a body without its organization"))?;
    let txn = crate::domain::begin_write(db).await?;
    let saved = direct_recognition::Entity::insert(direct_recognition::ActiveModel {
        body_id: Set(body.id),
        learner_id: Set(person.id),
        occupation_code: Set(new.occupation.as_str().to_owned()),
        level: Set(new.level),
        justification: Set(new.justification.as_str().to_owned()),
        status: Set(RecognitionStatus::Proposed),
        decision_reason: Set(None),
        region_id: Set(org.region_id),
        proposed_at: Set(Utc::now()),
        decided_at: Set(None),
        certificate_id: Set(None),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| {
        crate::domain::conflict_on_duplicate(
            e,
            "a recognition of this person at this level is proposed already",
        )
    })?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "proposeDirectRecognition",
            target_type: "DirectRecognition",
            target_id: NodeKey::DirectRecognition(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(json!({
                "learner": NodeKey::Learner(person.id).to_id().0,
                "occupation": saved.occupation_code,
                "level": format!("{:?}", saved.level),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

async fn holds_level(
    db: &impl ConnectionTrait,
    learner_id: i32,
    occupation: &str,
    level: SkillLevel,
) -> AppResult<bool> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::LearnerId.eq(learner_id))
        .filter(certificate::Column::OccupationCode.eq(occupation))
        .filter(certificate::Column::Level.gte(level))
        .filter(certificate::Column::Status.eq(CertificateStatus::Valid))
        .one(db)
        .await?
        .is_some())
}

/// Decides a PROPOSED recognition: the regulator of the body's region. Approval issues the
/// certificate (route DIRECT, reached in the body's region) in the same transaction, through
/// the body (which must still be ACTIVE); a rejection needs a reason. Decided once: a second
/// decision is `CONFLICT`.
pub async fn decide_recognition(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    approve: bool,
    reason: Option<Reason>,
) -> AppResult<direct_recognition::Model> {
    let found = direct_recognition::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("direct recognition"))?;
    let body = assessment_body::Entity::find_by_id(found.body_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a recognition without its body"))?;
    policy::may_decide_recognition(&caller.viewer, found.region_id)?;
    if !approve && reason.is_none() {
        return Err(AppError::validation(
            "input.reason",
            "a rejection gives its reason",
        ));
    }
    if approve {
        ensure_active(&body)?;
    }
    let status = if approve {
        RecognitionStatus::Approved
    } else {
        RecognitionStatus::Rejected
    };
    let txn = crate::domain::begin_write(db).await?;
    // First statement: decided once, whoever decides at the same time.
    let decided = direct_recognition::Entity::update_many()
        .col_expr(direct_recognition::Column::Status, Expr::value(status))
        .col_expr(
            direct_recognition::Column::DecisionReason,
            Expr::value(reason.as_ref().map(|r| r.as_str().to_owned())),
        )
        .col_expr(
            direct_recognition::Column::DecidedAt,
            Expr::value(Utc::now()),
        )
        .filter(direct_recognition::Column::Id.eq(id))
        .filter(direct_recognition::Column::Status.eq(RecognitionStatus::Proposed))
        .exec(&txn)
        .await?;
    if decided.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the recognition is decided already".to_owned(),
        ));
    }
    let mut issued = None;
    if approve {
        super::issue::lock_serials(&txn, body.id).await?;
        if holds_level(&txn, found.learner_id, &found.occupation_code, found.level).await? {
            return Err(AppError::Conflict(
                "the person holds a valid certificate at this level or higher since".to_owned(),
            ));
        }
        let certificate = super::issue::issue(
            &txn,
            body.id,
            &[super::issue::Issue {
                learner_id: found.learner_id,
                occupation_code: found.occupation_code.clone(),
                level: found.level,
                route: CertificateRoute::Direct,
                candidacy: None,
                region_id: found.region_id,
                county_id: None,
            }],
        )
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("no certificate issued"))?;
        direct_recognition::Entity::update_many()
            .col_expr(
                direct_recognition::Column::CertificateId,
                Expr::value(certificate.id),
            )
            .filter(direct_recognition::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        issued = Some(certificate);
    }
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "decideDirectRecognition",
            target_type: "DirectRecognition",
            target_id: NodeKey::DirectRecognition(id).to_id().0,
            region_id: Some(found.region_id),
            changes: Some(json!({
                "status": format!("{status:?}"),
                "certificate": issued.as_ref().map(|c| c.number.clone()),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    direct_recognition::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the recognition vanished"))
}

/// Which recognitions to list.
#[derive(Debug, Clone, Default)]
pub struct RecognitionFilter {
    /// In this standing.
    pub status: Option<RecognitionStatus>,
}

fn select_recognitions(
    scope: policy::RecognitionScope,
    filter: &RecognitionFilter,
) -> Select<direct_recognition::Entity> {
    let mut select = direct_recognition::Entity::find();
    select = match scope {
        policy::RecognitionScope::Region(region) => {
            select.filter(direct_recognition::Column::RegionId.eq(region))
        }
        policy::RecognitionScope::Body(org) => select.filter(
            direct_recognition::Column::BodyId.in_subquery(
                Query::select()
                    .column(assessment_body::Column::Id)
                    .from(assessment_body::Entity)
                    .and_where(Expr::col(assessment_body::Column::OrganizationId).eq(org))
                    .to_owned(),
            ),
        ),
    };
    if let Some(status) = filter.status {
        select = select.filter(direct_recognition::Column::Status.eq(status));
    }
    select
}

/// Newest proposal first.
fn ordering() -> Ordering<direct_recognition::Entity> {
    Ordering {
        name: "recognitions:id:desc".to_owned(),
        keys: vec![SortKey::column(
            direct_recognition::Column::Id,
            true,
            KeyKind::Int,
            |m: &direct_recognition::Model| CursorValue::Int(i64::from(m.id)),
        )],
    }
}

/// One page of the direct recognitions the caller sees ([`policy::recognition_scope`]), newest
/// first.
pub async fn list_recognitions(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &RecognitionFilter,
    request: &PageRequest,
) -> AppResult<Page<direct_recognition::Model>> {
    let scope = policy::recognition_scope(&caller.viewer)?;
    page::fetch_page(db, select_recognitions(scope, filter), &ordering(), request).await
}

/// How many direct recognitions the caller sees under `filter`.
pub async fn count_recognitions(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &RecognitionFilter,
) -> AppResult<u64> {
    let scope = policy::recognition_scope(&caller.viewer)?;
    page::count(db, select_recognitions(scope, filter)).await
}

/// One recognition by id, if the caller sees it.
pub async fn recognition_by_id(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<Option<direct_recognition::Model>> {
    let Some(found) = direct_recognition::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let body = assessment_body::Entity::find_by_id(found.body_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a recognition without its body"))?;
    Ok(
        policy::recognition_visible(&caller.viewer, found.region_id, body.organization_id)
            .then_some(found),
    )
}

/// The direct recognitions of each learner, newest first.
pub async fn recognitions_by_learner(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<direct_recognition::Model>>> {
    let mut by = crate::domain::children_of::<direct_recognition::Entity>(
        db,
        direct_recognition::Column::LearnerId,
        ids,
        direct_recognition::Column::Id,
        |r| r.learner_id,
    )
    .await?;
    for rows in by.values_mut() {
        rows.reverse();
    }
    Ok(by)
}
