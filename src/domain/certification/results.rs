//! Recording and publishing results; certificates issued and revoked.

use super::*;

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
    let txn = crate::domain::begin_write(db).await?;
    // First statement: lock the body's serial counter for this transaction.
    super::issue::lock_serials(&txn, body.id).await?;
    let issued: BTreeSet<i32> = certificate::Entity::find()
        .filter(certificate::Column::SessionId.eq(session_id))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|c| c.candidate_id)
        .collect();
    let passing: Vec<super::issue::Issue> = candidate::Entity::find()
        .filter(candidate::Column::SessionId.eq(session_id))
        .order_by_asc(candidate::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .filter(|c| passes(c.theory_score, c.practical_score) && !issued.contains(&c.id))
        .map(|c| super::issue::Issue {
            learner_id: c.learner_id,
            occupation_code: session.occupation_code.clone(),
            level: session.level,
            route: session.route,
            candidacy: Some((session_id, c.id)),
            region_id: session.region_id,
            county_id: session.county_id,
        })
        .collect();
    let certificates = super::issue::issue(&txn, body.id, &passing).await?;
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
    reason: crate::domain::kernel::input::Reason,
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
    policy::may_revoke_certificate(&caller.viewer, body.organization_id, org.region_id)?;
    if found.status != CertificateStatus::Valid {
        return Err(AppError::validation(
            "status",
            "the certificate is revoked already",
        ));
    }
    let mut active: certificate::ActiveModel = found.into();
    active.status = Set(CertificateStatus::Revoked);
    active.revoked_reason = Set(Some(reason.as_str().to_owned()));
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
            changes: Some(json!({ "number": saved.number, "reason": reason.as_str() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}
