//! Publishing a competition's results, and the promotions its rules grant (以赛代评).

use entity::{
    CompetitionStatus, competition, competition_entrant, competition_occupation, competition_rule,
};

use super::*;
use crate::domain::certification::competitions::{MAX_RANK, PlacedEntrant, competition_facts};

/// The next national level above `held`; `None` above level 1.
pub fn next_level(held: SkillLevel) -> Option<SkillLevel> {
    Some(match held {
        SkillLevel::Apprentice => SkillLevel::Level5,
        SkillLevel::Level5 => SkillLevel::Level4,
        SkillLevel::Level4 => SkillLevel::Level3,
        SkillLevel::Level3 => SkillLevel::Level2,
        SkillLevel::Level2 => SkillLevel::Level1,
        _ => return None,
    })
}

/// The level a rank reaches under `rules` (sorted by `up_to_rank`) for a person who holds
/// `held` in the occupation: the first rule that covers the rank; its level, or the next above
/// `held` (nothing for a person who holds none); nothing at or below what they hold, nothing
/// above `scope_max` (what the issuing body may certify).
pub fn promotion(
    rules: &[competition_rule::Model],
    rank: i32,
    held: Option<SkillLevel>,
    scope_max: Option<SkillLevel>,
) -> Option<SkillLevel> {
    let rule = rules.iter().find(|r| rank <= i32::from(r.up_to_rank))?;
    let level = match rule.grant_level {
        Some(level) => level,
        None => next_level(held?)?,
    };
    (held.is_none_or(|h| level > h) && scope_max.is_some_and(|max| level <= max)).then_some(level)
}

/// Publishes a competition's results: by its organizer, once (a second publication is
/// `CONFLICT`), on or after its first day. Each row names an entrant of the competition, once,
/// with a rank unique in the entrant's occupation; any bad row refuses the batch, every one
/// named, nothing written. Entrants left out did not place. The promotions the rules grant are
/// issued, in the same transaction, as COMPETITION certificates of the competition's body,
/// reached in its region.
pub async fn publish_competition_results(
    db: &DatabaseConnection,
    caller: &Caller,
    competition_id: i32,
    rows: Vec<PlacedEntrant>,
) -> Result<(competition::Model, Vec<certificate::Model>), ResultsError> {
    let found = super::competitions::competition_by_id(db, competition_id)
        .await?
        .ok_or_else(|| AppError::not_found("competition"))?;
    let facts = competition_facts(db, &found).await?;
    policy::may_run_competition(&caller.viewer, &facts)?;
    if found.status != CompetitionStatus::Scheduled {
        return Err(AppError::Conflict("the results are published already".to_owned()).into());
    }
    if Utc::now().date_naive() < found.starts_on {
        return Err(AppError::validation(
            "input.competition",
            "results are published once the competition has begun",
        )
        .into());
    }
    let entrants: HashMap<i32, competition_entrant::Model> = competition_entrant::Entity::find()
        .filter(competition_entrant::Column::CompetitionId.eq(competition_id))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    let mut places = BTreeSet::new();
    for (i, row) in rows.iter().enumerate() {
        match entrants.get(&row.entrant_id) {
            None => problems.push(RowProblem {
                row: i,
                field: "entrant",
                message: "not an entrant of this competition".to_owned(),
            }),
            Some(_) if !seen.insert(row.entrant_id) => problems.push(RowProblem {
                row: i,
                field: "entrant",
                message: "the same entrant twice".to_owned(),
            }),
            Some(e) => {
                if (1..=MAX_RANK).contains(&row.rank)
                    && !places.insert((e.occupation_code.clone(), row.rank))
                {
                    problems.push(RowProblem {
                        row: i,
                        field: "rank",
                        message: "another entrant of the occupation holds this rank".to_owned(),
                    });
                }
            }
        }
        if !(1..=MAX_RANK).contains(&row.rank) {
            problems.push(RowProblem {
                row: i,
                field: "rank",
                message: format!("1 to {MAX_RANK}"),
            });
        }
    }
    if !problems.is_empty() {
        return Err(ResultsError::Rows(problems));
    }
    let rules: Vec<competition_rule::Model> = competition_rule::Entity::find()
        .filter(competition_rule::Column::CompetitionId.eq(competition_id))
        .order_by_asc(competition_rule::Column::UpToRank)
        .all(db)
        .await?;
    let txn = crate::domain::begin_write(db).await?;
    // First statement: the competition changes standing once, whoever publishes at the same time.
    let now = Utc::now();
    let published = competition::Entity::update_many()
        .col_expr(
            competition::Column::Status,
            Expr::value(CompetitionStatus::ResultsPublished),
        )
        .col_expr(competition::Column::ResultsPublishedAt, Expr::value(now))
        .filter(competition::Column::Id.eq(competition_id))
        .filter(competition::Column::Status.eq(CompetitionStatus::Scheduled))
        .exec(&txn)
        .await?;
    if published.rows_affected != 1 {
        return Err(AppError::Conflict("the results are published already".to_owned()).into());
    }
    for row in &rows {
        competition_entrant::Entity::update_many()
            .col_expr(
                competition_entrant::Column::Rank,
                Expr::value(row.rank as i16),
            )
            .col_expr(competition_entrant::Column::Award, Expr::value(row.award))
            .filter(competition_entrant::Column::Id.eq(row.entrant_id))
            .exec(&txn)
            .await?;
    }
    let certificates = match found.body_id {
        Some(body_id) if !rules.is_empty() => {
            promote(&txn, &found, body_id, &rules, &rows, &entrants).await?
        }
        _ => Vec::new(),
    };
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "publishCompetitionResults",
            target_type: "Competition",
            target_id: NodeKey::Competition(competition_id).to_id().0,
            region_id: Some(found.region_id),
            changes: Some(json!({ "placed": rows.len(), "promoted": certificates.len() })),
        },
    )
    .await?;
    txn.commit().await?;
    let saved = competition::Entity::find_by_id(competition_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the competition vanished"))?;
    Ok((saved, certificates))
}

/// Issues the promotions of the placed entrants through `body_id`, and links each entrant to
/// their certificate.
async fn promote(
    txn: &sea_orm::DatabaseTransaction,
    found: &competition::Model,
    body_id: i32,
    rules: &[competition_rule::Model],
    rows: &[PlacedEntrant],
    entrants: &HashMap<i32, competition_entrant::Model>,
) -> AppResult<Vec<certificate::Model>> {
    super::issue::lock_serials(txn, body_id).await?;
    let body = assessment_body::Entity::find_by_id(body_id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("a competition without its body"))?;
    // A body suspended since the competition was announced certifies no one.
    super::ensure_active(&body)?;
    let people: Vec<i32> = rows
        .iter()
        .filter_map(|r| entrants.get(&r.entrant_id))
        .map(|e| e.learner_id)
        .collect();
    let erased: BTreeSet<i32> = learner::Entity::find()
        .filter(learner::Column::Id.is_in(people.iter().copied()))
        .filter(learner::Column::ErasedAt.is_not_null())
        .all(txn)
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let occupations: Vec<String> = competition_occupation::Entity::find()
        .filter(competition_occupation::Column::CompetitionId.eq(found.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|o| o.occupation_code)
        .collect();
    // The highest valid level each person holds in each occupation.
    let mut held: HashMap<(i32, String), SkillLevel> = HashMap::new();
    for c in certificate::Entity::find()
        .filter(certificate::Column::LearnerId.is_in(people.iter().copied()))
        .filter(certificate::Column::OccupationCode.is_in(occupations.iter().cloned()))
        .filter(certificate::Column::Status.eq(CertificateStatus::Valid))
        .all(txn)
        .await?
    {
        let level = held
            .entry((c.learner_id, c.occupation_code))
            .or_insert(c.level);
        *level = Ord::max(*level, c.level);
    }
    let scope: HashMap<String, SkillLevel> = assessment_scope::Entity::find()
        .filter(assessment_scope::Column::BodyId.eq(body_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| (s.occupation_code, s.max_level))
        .collect();
    let mut issues = Vec::new();
    let mut promoted = Vec::new();
    for row in rows {
        let Some(e) = entrants.get(&row.entrant_id) else {
            continue;
        };
        if erased.contains(&e.learner_id) {
            continue;
        }
        let holds = held
            .get(&(e.learner_id, e.occupation_code.clone()))
            .copied();
        if let Some(level) = promotion(
            rules,
            row.rank,
            holds,
            scope.get(&e.occupation_code).copied(),
        ) {
            issues.push(super::issue::Issue {
                learner_id: e.learner_id,
                occupation_code: e.occupation_code.clone(),
                level,
                route: CertificateRoute::Competition,
                candidacy: None,
                region_id: found.region_id,
                county_id: None,
            });
            promoted.push(e.id);
        }
    }
    let certificates = super::issue::issue(txn, body_id, &issues).await?;
    for (entrant, certificate) in promoted.iter().zip(&certificates) {
        competition_entrant::Entity::update_many()
            .col_expr(
                competition_entrant::Column::CertificateId,
                Expr::value(certificate.id),
            )
            .filter(competition_entrant::Column::Id.eq(*entrant))
            .exec(txn)
            .await?;
    }
    Ok(certificates)
}
