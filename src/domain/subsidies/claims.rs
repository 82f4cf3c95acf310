//! Submitting a claim: one line per completed learner of a finished subsidised cohort.

use super::*;

/// Claims for a FINISHED subsidised cohort, by its provider: a line for each of `enrollments`
/// (every COMPLETED enrolment when empty). Any line without its evidence refuses the claim,
/// naming the enrolment, and nothing is written; a cohort claimed already is a `CONFLICT`.
pub async fn submit(
    db: &DatabaseConnection,
    caller: &Caller,
    rule: CompletionRule,
    training: TrainingRules,
    cohort_id: i32,
    enrollments: &[i32],
) -> AppResult<(subsidy_claim::Model, Vec<claim_line::Model>)> {
    let found = claimable_cohort(db, caller, cohort_id).await?;
    if enrollments.len() > MAX_LINES {
        return Err(AppError::validation(
            "input.enrollments",
            format!("at most {MAX_LINES} lines"),
        ));
    }
    let region_id = region_of(db, &found).await?;
    let pricing = price(db, &found, region_id).await?;
    let chosen = choose_lines(db, &found, enrollments).await?;
    check_evidence(db, &found, &chosen, &pricing, rule).await?;
    // The cohort as a whole: the minimum class days and hours of its level, really held.
    let held = held_training(db, &[&found])
        .await?
        .remove(&found.id)
        .unwrap_or_default();
    if let Some(why) = training.shortfall(found.target_level, held) {
        return Err(AppError::validation("input.cohort", why));
    }
    let amounts = line_amounts(db, &found, &chosen, &pricing).await?;
    write_claim(db, caller, &found, region_id, &pricing, &chosen, &amounts).await
}

/// An enrolment a line is claimed for, with the input field that named it.
type Chosen = (String, enrollment::Model);

/// The cohort, if the caller is its provider and it may be claimed for: subsidised and FINISHED.
async fn claimable_cohort(
    db: &DatabaseConnection,
    caller: &Caller,
    cohort_id: i32,
) -> AppResult<cohort::Model> {
    let found = cohort::Entity::find_by_id(cohort_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("cohort"))?;
    policy::may_claim_subsidy(&caller.viewer, found.provider_id)?;
    if !found.subsidized {
        return Err(AppError::validation(
            "input.cohort",
            "the cohort is not subsidised",
        ));
    }
    if found.status != CohortStatus::Finished {
        return Err(AppError::validation(
            "input.cohort",
            "a claim is for a FINISHED cohort",
        ));
    }
    Ok(found)
}

/// The enrolments claimed for: those named, in their order (each once, each of this cohort), or
/// every COMPLETED one when none is named; never none.
async fn choose_lines(
    db: &DatabaseConnection,
    found: &cohort::Model,
    enrollments: &[i32],
) -> AppResult<Vec<Chosen>> {
    let all: Vec<enrollment::Model> = enrollment::Entity::find()
        .filter(enrollment::Column::CohortId.eq(found.id))
        .order_by_asc(enrollment::Column::Id)
        .all(db)
        .await?;
    let chosen: Vec<Chosen> = if enrollments.is_empty() {
        all.into_iter()
            .filter(|e| e.status == EnrollmentStatus::Completed)
            .map(|e| ("input.cohort".to_owned(), e))
            .collect()
    } else {
        let by_id: HashMap<i32, enrollment::Model> = all.into_iter().map(|e| (e.id, e)).collect();
        let mut picked: Vec<Chosen> = Vec::new();
        for (i, id) in enrollments.iter().enumerate() {
            let field = format!("input.enrollments[{i}]");
            match by_id.get(id) {
                Some(e) if !picked.iter().any(|(_, p)| p.id == e.id) => {
                    picked.push((field, e.clone()));
                }
                Some(_) => return Err(AppError::validation(field, "named twice")),
                None => {
                    return Err(AppError::validation(
                        field,
                        "not an enrolment of this cohort",
                    ));
                }
            }
        }
        picked
    };
    if chosen.is_empty() {
        return Err(AppError::validation(
            "input.cohort",
            "the cohort has no completed learner to claim for",
        ));
    }
    Ok(chosen)
}

/// Refuses the claim at the first enrolment, in the order named, without its evidence (or, for
/// an apprenticeship, without the enterprise's confirmation of the labour contract).
async fn check_evidence(
    db: &DatabaseConnection,
    found: &cohort::Model,
    chosen: &[Chosen],
    pricing: &Pricing,
    rule: CompletionRule,
) -> AppResult<()> {
    let missing = missing_evidence(
        db,
        found,
        &chosen.iter().map(|(_, e)| e).collect::<Vec<_>>(),
        pricing.evidence,
        rule,
    )
    .await?;
    for (field, e) in chosen {
        let why = missing.get(&e.id).cloned().or_else(|| {
            (pricing.apprenticeship && e.contract_confirmed_at.is_none()).then(|| {
                "the enterprise has not confirmed the apprentice's labour contract".to_owned()
            })
        });
        if let Some(why) = why {
            return Err(AppError::validation(
                field.clone(),
                format!("enrolment {}: {why}", NodeKey::Enrollment(e.id).to_id().0),
            ));
        }
    }
    Ok(())
}

/// Each line's amount: the standard, or for an apprenticeship the months really attended; a line
/// worth nothing refuses the claim.
async fn line_amounts(
    db: &DatabaseConnection,
    found: &cohort::Model,
    chosen: &[Chosen],
    pricing: &Pricing,
) -> AppResult<Vec<i64>> {
    let months = if pricing.apprenticeship {
        let ids: Vec<i32> = chosen.iter().map(|(_, e)| e.id).collect();
        months_attended(db, &ids, real_dates(found)?).await?
    } else {
        HashMap::new()
    };
    let amounts: Vec<i64> = chosen
        .iter()
        .map(|(_, e)| pricing.line_fen(months.get(&e.id).copied().unwrap_or(0)))
        .collect();
    if let Some(((field, e), _)) = chosen.iter().zip(&amounts).find(|(_, a)| **a <= 0) {
        return Err(AppError::validation(
            field.clone(),
            format!(
                "enrolment {}: the training that happened is worth nothing (no month attended)",
                NodeKey::Enrollment(e.id).to_id().0
            ),
        ));
    }
    Ok(amounts)
}

/// The claim, its lines (one statement) and the audit event, in one transaction; the unique
/// indexes make a second claim of the cohort or of an enrolment a `CONFLICT`.
async fn write_claim(
    db: &DatabaseConnection,
    caller: &Caller,
    found: &cohort::Model,
    region_id: i32,
    pricing: &Pricing,
    chosen: &[Chosen],
    amounts: &[i64],
) -> AppResult<(subsidy_claim::Model, Vec<claim_line::Model>)> {
    let txn = begin_write(db).await?;
    let now = Utc::now();
    let claim = subsidy_claim::Entity::insert(subsidy_claim::ActiveModel {
        cohort_id: Set(found.id),
        provider_id: Set(found.provider_id),
        region_id: Set(region_id),
        status: Set(ClaimStatus::Pending),
        claimed_fen: Set(amounts.iter().sum()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| crate::domain::conflict_on_duplicate(e, "the cohort is claimed for already"))?;
    // Every line in one statement (at most MAX_LINES rows of ten values each); a line belongs to
    // its cohort's programme.
    let mut lines =
        claim_line::Entity::insert_many(chosen.iter().zip(amounts).map(|((_, e), amount)| {
            claim_line::ActiveModel {
                claim_id: Set(claim.id),
                enrollment_id: Set(e.id),
                learner_id: Set(e.learner_id),
                occupation_code: Set(found.occupation_code.clone()),
                level: Set(found.target_level),
                evidence: Set(pricing.evidence),
                amount_fen: Set(*amount),
                status: Set(ClaimLineStatus::Pending),
                programme_id: Set(found.programme_id),
                ..Default::default()
            }
        }))
        .exec_with_returning(&txn)
        .await
        .map_err(|e| {
            crate::domain::conflict_on_duplicate(e, "an enrolment is claimed for already")
        })?;
    lines.sort_by_key(|l| l.id);
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "submitSubsidyClaim",
            target_type: "SubsidyClaim",
            target_id: NodeKey::SubsidyClaim(claim.id).to_id().0,
            region_id: Some(region_id),
            changes: Some(json!({
                "cohort": NodeKey::Cohort(found.id).to_id().0,
                "lines": lines.len(),
                "claimedFen": claim.claimed_fen,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((claim, lines))
}
