//! The regulator's decisions on lines, and their payment.

use super::*;

/// How a line is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineDecision {
    /// Approved (a note is optional).
    Approve(Option<Reason>),
    /// Rejected, with a reason the provider reads.
    Reject(Reason),
}

/// Moves the claim's status on from its lines, inside the deciding transaction.
pub(super) async fn restate(txn: &DatabaseTransaction, claim_id: i32) -> AppResult<()> {
    let lines = claim_line::Entity::find()
        .filter(claim_line::Column::ClaimId.eq(claim_id))
        .all(txn)
        .await?;
    let status = if lines.iter().any(|l| l.status == ClaimLineStatus::Pending) {
        ClaimStatus::Pending
    } else if lines.iter().any(|l| l.status == ClaimLineStatus::Approved) {
        ClaimStatus::Decided
    } else {
        ClaimStatus::Settled
    };
    subsidy_claim::Entity::update_many()
        .col_expr(subsidy_claim::Column::Status, Expr::value(status))
        .col_expr(subsidy_claim::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(subsidy_claim::Column::Id.eq(claim_id))
        .exec(txn)
        .await?;
    Ok(())
}

pub(super) async fn line_and_claim(
    conn: &impl ConnectionTrait,
    line_id: i32,
) -> AppResult<(claim_line::Model, subsidy_claim::Model)> {
    let line = claim_line::Entity::find_by_id(line_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("claim line"))?;
    let claim = subsidy_claim::Entity::find_by_id(line.claim_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::internal("a line without its claim"))?;
    Ok((line, claim))
}

pub(super) const GRANTED_ALREADY: &str = "the learner is subsidised for this occupation and level already (an approved or paid line of another claim)";

/// Decides a PENDING line once, by the regulator of the claim's region. Approval is refused by
/// the database when the person holds an approved or paid line for the occupation and level
/// already (`CONFLICT`); nothing is written then.
pub async fn decide_line(
    db: &DatabaseConnection,
    caller: &Caller,
    line_id: i32,
    decision: LineDecision,
) -> AppResult<claim_line::Model> {
    let (line, claim) = line_and_claim(db, line_id).await?;
    policy::may_decide_claims(&caller.viewer, claim.region_id)?;
    let (status, reason, action) = match &decision {
        LineDecision::Approve(note) => (
            ClaimLineStatus::Approved,
            note.as_ref().map(|r| r.as_str().to_owned()),
            "approveClaimLine",
        ),
        LineDecision::Reject(r) => (
            ClaimLineStatus::Rejected,
            Some(r.as_str().to_owned()),
            "rejectClaimLine",
        ),
    };
    let txn = begin_write(db).await?;
    let updated = claim_line::Entity::update_many()
        .col_expr(claim_line::Column::Status, Expr::value(status))
        .col_expr(claim_line::Column::Reason, Expr::value(reason.clone()))
        .col_expr(claim_line::Column::DecidedAt, Expr::value(Some(Utc::now())))
        .filter(claim_line::Column::Id.eq(line.id))
        .filter(claim_line::Column::Status.eq(ClaimLineStatus::Pending))
        .exec(&txn)
        .await;
    match updated {
        Ok(r) if r.rows_affected == 1 => {}
        Ok(_) => return Err(AppError::Conflict("the line is decided already".to_owned())),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(AppError::Conflict(GRANTED_ALREADY.to_owned()));
        }
        Err(e) => return Err(e.into()),
    }
    restate(&txn, claim.id).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action,
            target_type: "ClaimLine",
            target_id: NodeKey::ClaimLine(line.id).to_id().0,
            region_id: Some(claim.region_id),
            changes: Some(json!({
                "claim": NodeKey::SubsidyClaim(claim.id).to_id().0,
                "status": format!("{status:?}").to_uppercase(),
                "amountFen": line.amount_fen,
                "reason": reason,
            })),
        },
    )
    .await?;
    let saved = claim_line::Entity::find_by_id(line.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("a line vanished in its transaction"))?;
    txn.commit().await?;
    Ok(saved)
}

/// Marks APPROVED lines PAID with the payment's reference, by the regulator of their claims'
/// region: all of them or, if any is not APPROVED (or another region's), none.
pub async fn mark_paid(
    db: &DatabaseConnection,
    caller: &Caller,
    line_ids: &[i32],
    reference: &str,
) -> AppResult<Vec<claim_line::Model>> {
    if line_ids.is_empty() || line_ids.len() > MAX_LINES {
        return Err(AppError::validation(
            "input.lines",
            format!("1 to {MAX_LINES} lines"),
        ));
    }
    let txn = begin_write(db).await?;
    let mut claims = Vec::new();
    for (i, id) in line_ids.iter().enumerate() {
        let (line, claim) = line_and_claim(&txn, *id).await?;
        policy::may_decide_claims(&caller.viewer, claim.region_id)?;
        let paid = claim_line::Entity::update_many()
            .col_expr(
                claim_line::Column::Status,
                Expr::value(ClaimLineStatus::Paid),
            )
            .col_expr(
                claim_line::Column::PaymentReference,
                Expr::value(Some(reference.to_owned())),
            )
            .col_expr(claim_line::Column::PaidAt, Expr::value(Some(Utc::now())))
            .filter(claim_line::Column::Id.eq(line.id))
            .filter(claim_line::Column::Status.eq(ClaimLineStatus::Approved))
            .exec(&txn)
            .await?;
        if paid.rows_affected != 1 {
            return Err(AppError::validation(
                format!("input.lines[{i}]"),
                "only an APPROVED line is paid",
            ));
        }
        if !claims.contains(&claim.id) {
            claims.push(claim.id);
        }
        audit::record(
            &txn,
            caller,
            audit::Entry {
                action: "markClaimLinePaid",
                target_type: "ClaimLine",
                target_id: NodeKey::ClaimLine(line.id).to_id().0,
                region_id: Some(claim.region_id),
                changes: Some(
                    json!({ "paymentReference": reference, "amountFen": line.amount_fen }),
                ),
            },
        )
        .await?;
    }
    for claim in claims {
        restate(&txn, claim).await?;
    }
    let saved = claim_line::Entity::find()
        .filter(claim_line::Column::Id.is_in(line_ids.iter().copied()))
        .order_by_asc(claim_line::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(saved)
}
