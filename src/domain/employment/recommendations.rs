//! Recommendations of a demand to a learner, and the outcomes each party may move them to.

use super::*;
use crate::domain::kernel::input::{Note, Reason};

/// Recommends an OPEN demand to a learner whose certificate or completed training matches it; the
/// same learner and demand once only.
pub async fn recommend(
    db: &DatabaseConnection,
    caller: &Caller,
    learner_id: i32,
    demand_id: i32,
    note: Option<Note>,
) -> AppResult<recommendation::Model> {
    let scope = policy::may_recommend_jobs(&caller.viewer)?;
    let note = note.map(Note::into_string).unwrap_or_default();
    let learner = learner::Entity::find_by_id(learner_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.learner", "no learner has this ID"))?;
    policy::may_recommend_to(in_employment_scope(db, &caller.access, &scope, &learner).await?)?;
    let found = demand::Entity::find_by_id(demand_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.demand", "no demand has this ID"))?;
    match found
        .status
        .as_of(found.valid_until, Utc::now().date_naive())
    {
        DemandStatus::Open => {}
        DemandStatus::Expired => {
            return Err(AppError::validation(
                "input.demand",
                format!(
                    "the demand expired on {}; an expired demand takes no recommendation",
                    found.valid_until
                ),
            ));
        }
        _ => {
            return Err(AppError::validation(
                "input.demand",
                "only an OPEN demand can be recommended",
            ));
        }
    }
    let quals = qualifications(db, &[learner.id])
        .await?
        .remove(&learner.id)
        .unwrap_or_default();
    let best = quals
        .iter()
        .filter_map(|q| fit(q, &found.occupation_code, found.level).map(|f| (f, q)))
        .max_by_key(|(f, q)| (*f, q.level));
    let Some((fit, qualification)) = best else {
        return Err(AppError::validation(
            "input.demand",
            format!(
                "the demand ({} at {:?}) matches no certificate or completed training of the learner: the same occupation or major group is needed, at a level not above theirs",
                found.occupation_code, found.level
            ),
        ));
    };
    let now = Utc::now();
    let txn = crate::domain::begin_write(db).await?;
    let inserted = recommendation::Entity::insert(recommendation::ActiveModel {
        learner_id: Set(learner.id),
        demand_id: Set(found.id),
        recommended_by_id: Set(caller.viewer.organization_id()),
        recommender_role: Set(caller.viewer.role().as_str().to_owned()),
        note: Set(note.clone()),
        outcome: Set(RecommendationOutcome::Sent),
        decline_reason: Set(None),
        declined_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await;
    let saved = inserted.map_err(|e| {
        crate::domain::conflict_on_duplicate(
            e,
            "this demand was recommended to this learner already",
        )
    })?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "recommendJob",
            target_type: "Recommendation",
            target_id: NodeKey::Recommendation(saved.id).to_id().0,
            region_id: Some(learner.region_id),
            changes: Some(json!({
                "learner": NodeKey::Learner(learner.id).to_id().0,
                "demand": NodeKey::Demand(found.id).to_id().0,
                "fit": format!("{fit:?}").to_uppercase(),
                "qualification": { "occupation": qualification.occupation_code, "level": format!("{:?}", qualification.level), "certified": qualification.certified },
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Who moves a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The learner it was made to.
    Learner,
    /// The demand's enterprise.
    Employer,
}

impl Party {
    fn as_str(self) -> &'static str {
        match self {
            Self::Learner => "LEARNER",
            Self::Employer => "EMPLOYER",
        }
    }
}

/// Whether `party` may move a recommendation from `from` to `to`: the learner to VIEWED (from
/// SENT) or APPLIED (from SENT or VIEWED); the employer to INTERVIEWED (from APPLIED) or HIRED
/// (from INTERVIEWED); either to DECLINED from any open step.
pub fn may_move(party: Party, from: RecommendationOutcome, to: RecommendationOutcome) -> bool {
    use RecommendationOutcome::*;
    let open = !matches!(from, Hired | Declined);
    match (party, to) {
        (Party::Learner, Viewed) => from == Sent,
        (Party::Learner, Applied) => matches!(from, Sent | Viewed),
        (Party::Employer, Interviewed) => from == Applied,
        (Party::Employer, Hired) => from == Interviewed,
        (_, Declined) => open,
        _ => false,
    }
}

/// Moves a recommendation's outcome, by the learner or by the demand's enterprise. HIRED fills a
/// place of the demand in the same transaction and marks the demand FILLED when the last place is
/// taken; when every place is taken already, HIRED is a `CONFLICT` and nothing changes.
pub async fn move_outcome(
    db: &DatabaseConnection,
    caller: &Caller,
    party: Party,
    id: i32,
    to: RecommendationOutcome,
    reason: Option<Reason>,
) -> AppResult<recommendation::Model> {
    let found = recommendation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("recommendation"))?;
    let target = demand::Entity::find_by_id(found.demand_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a recommendation without its demand"))?;
    match party {
        Party::Learner => policy::may_respond_to_recommendation(&caller.viewer, found.learner_id)?,
        Party::Employer => policy::may_manage_demand(&caller.viewer, target.enterprise_id)?,
    }
    let reason = check_move(party, found.outcome, to, reason)?;
    let now = Utc::now();
    let txn = crate::domain::begin_write(db).await?;
    // The first statement writes, so concurrent moves queue on the write lock and each sees the
    // other's result.
    let mut update = recommendation::Entity::update_many()
        .col_expr(recommendation::Column::Outcome, Expr::value(to))
        .col_expr(recommendation::Column::UpdatedAt, Expr::value(now))
        .filter(recommendation::Column::Id.eq(found.id))
        .filter(recommendation::Column::Outcome.eq(found.outcome));
    if to == RecommendationOutcome::Declined {
        update = update
            .col_expr(
                recommendation::Column::DeclineReason,
                Expr::value(reason.clone()),
            )
            .col_expr(
                recommendation::Column::DeclinedBy,
                Expr::value(party.as_str()),
            );
    }
    if update.exec(&txn).await?.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the recommendation changed meanwhile; read it again".to_owned(),
        ));
    }
    let filled = to == RecommendationOutcome::Hired
        && fill_a_place(&txn, caller, found.id, &target, now).await?;
    let region_id = learner::Entity::find_by_id(found.learner_id)
        .one(&txn)
        .await?
        .map(|l| l.region_id);
    let mut changes = json!({
        "outcome": { "from": outcome_name(found.outcome), "to": outcome_name(to) },
        "by": party.as_str(),
    });
    if let Some(reason) = &reason {
        changes["reason"] = json!(reason);
    }
    if filled {
        changes["demandFilled"] = json!(true);
    }
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: match party {
                Party::Learner => "respondToRecommendation",
                Party::Employer => "recordRecommendationOutcome",
            },
            target_type: "Recommendation",
            target_id: NodeKey::Recommendation(found.id).to_id().0,
            region_id,
            changes: Some(changes),
        },
    )
    .await?;
    let saved = recommendation::Entity::find_by_id(found.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("a recommendation vanished inside its transaction"))?;
    txn.commit().await?;
    Ok(saved)
}

/// What the outcome may move to for `party` from `from`, and the reason a decline needs; the
/// reason as stored.
fn check_move(
    party: Party,
    from: RecommendationOutcome,
    to: RecommendationOutcome,
    reason: Option<Reason>,
) -> AppResult<Option<String>> {
    let allowed: &[RecommendationOutcome] = match party {
        Party::Learner => &[
            RecommendationOutcome::Viewed,
            RecommendationOutcome::Applied,
            RecommendationOutcome::Declined,
        ],
        Party::Employer => &[
            RecommendationOutcome::Interviewed,
            RecommendationOutcome::Hired,
            RecommendationOutcome::Declined,
        ],
    };
    if !allowed.contains(&to) {
        return Err(AppError::validation(
            "input.outcome",
            format!(
                "the {} moves a recommendation to {} only",
                party.as_str().to_lowercase(),
                allowed
                    .iter()
                    .map(|o| outcome_name(*o))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if !may_move(party, from, to) {
        return Err(AppError::validation(
            "input.outcome",
            format!(
                "a {} recommendation cannot move to {}",
                outcome_name(from),
                outcome_name(to)
            ),
        ));
    }
    let reason = reason.map(Reason::into_string);
    if to == RecommendationOutcome::Declined && reason.is_none() {
        return Err(AppError::validation(
            "input.reason",
            "say why the recommendation is declined",
        ));
    }
    Ok(reason)
}

/// HIRED fills a place of the demand (FILLED with the last one, audited), by a conditional
/// update that refuses when every place is taken or the demand is no longer OPEN; whether the
/// demand is now filled.
async fn fill_a_place(
    txn: &sea_orm::DatabaseTransaction,
    caller: &Caller,
    recommendation_id: i32,
    target: &demand::Model,
    now: chrono::DateTime<Utc>,
) -> AppResult<bool> {
    let taken = demand::Entity::update_many()
        .col_expr(
            demand::Column::Hired,
            Expr::col(demand::Column::Hired).add(1),
        )
        .col_expr(
            demand::Column::Status,
            Expr::case(
                Expr::col(demand::Column::Hired)
                    .add(1)
                    .gte(Expr::col(demand::Column::Headcount)),
                Expr::value(DemandStatus::Filled),
            )
            .finally(Expr::col(demand::Column::Status))
            .into(),
        )
        .col_expr(
            demand::Column::Version,
            Expr::col(demand::Column::Version).add(1),
        )
        .col_expr(demand::Column::UpdatedAt, Expr::value(now))
        .filter(demand::Column::Id.eq(target.id))
        .filter(demand::Column::Status.eq(DemandStatus::Open))
        .filter(Expr::col(demand::Column::Hired).lt(Expr::col(demand::Column::Headcount)))
        .exec(txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the demand is no longer OPEN: every place is filled or it was closed".to_owned(),
        ));
    }
    let after = demand::Entity::find_by_id(target.id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("a demand vanished inside its transaction"))?;
    let filled = after.status == DemandStatus::Filled;
    if filled {
        audit::record(
            txn,
            caller,
            audit::Entry {
                action: "markDemandFilled",
                target_type: "Demand",
                target_id: NodeKey::Demand(target.id).to_id().0,
                region_id: Some(target.region_id),
                changes: Some(json!({
                    "status": { "from": "OPEN", "to": "FILLED" },
                    "hired": after.hired,
                    "by": NodeKey::Recommendation(recommendation_id).to_id().0,
                })),
            },
        )
        .await?;
    }
    Ok(filled)
}

/// Whether a viewer may see a recommendation: whoever may see its learner, and those who may read
/// its demand's recommendations ([`policy::demand_recommendations_visible`]).
pub async fn may_see(
    db: &DatabaseConnection,
    caller: &Caller,
    rec: &recommendation::Model,
) -> AppResult<bool> {
    if may_see_learner(db, caller, rec.learner_id).await? {
        return Ok(true);
    }
    let Some(d) = demand::Entity::find_by_id(rec.demand_id).one(db).await? else {
        return Ok(false);
    };
    let alliances: Vec<i32> = demand_alliance::Entity::find()
        .filter(demand_alliance::Column::DemandId.eq(d.id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.alliance_id)
        .collect();
    Ok(policy::demand_recommendations_visible(
        &caller.viewer,
        d.enterprise_id,
        d.region_id,
        &alliances,
    ))
}

/// Recommendations by id, unscoped: callers check [`may_see`].
pub async fn recommendations_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, recommendation::Model>> {
    Ok(recommendation::Entity::find()
        .filter(recommendation::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}

/// The recommendations made to each of `learner_ids`, oldest first.
pub async fn recommendations_by_learner(
    db: &DatabaseConnection,
    learner_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<recommendation::Model>>> {
    crate::domain::children_of::<recommendation::Entity>(
        db,
        recommendation::Column::LearnerId,
        learner_ids,
        recommendation::Column::Id,
        |r| r.learner_id,
    )
    .await
}

/// The recommendations of each of `demand_ids`, oldest first.
pub async fn recommendations_by_demand(
    db: &DatabaseConnection,
    demand_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<recommendation::Model>>> {
    crate::domain::children_of::<recommendation::Entity>(
        db,
        recommendation::Column::DemandId,
        demand_ids,
        recommendation::Column::Id,
        |r| r.demand_id,
    )
    .await
}
