//! Institution evaluation (机构评估): credit stars from the four documented dimensions, and the
//! standing in the subsidised catalogue they lead to.
//!
//! Huai'an evaluates training institutions on "qualifications and credit, teachers, training
//! facilities and training results". The regulator of the institution's region scores the three
//! it inspects, 0 to 100 each ([`evaluate`]); the fourth, **training results**, is computed from
//! the graph: over the enrolments of the institution's cohorts FINISHED in the last three years
//! that ended (completed or withdrawn),
//!
//! - completion rate = completed / ended,
//! - certification rate = completed learners holding a VALID certificate of the cohort's
//!   occupation and level issued since the cohort began / completed,
//! - placement rate = completed learners employed at some follow-up / completed,
//!
//! and results = 40 × completion + 30 × certification + 30 × placement (rounded half up). An
//! institution with no ended enrolment has no results score yet, and its total is the mean of the
//! three inspected ones. Otherwise the **total** is the mean of the four, rounded half up, and the
//! **stars** follow from it: 90 and above five, 80 four, 70 three, 60 two, below 60 one. Three
//! stars or more propose ADMITTED, two SUSPENDED, one EXITED.
//!
//! An evaluation is PROPOSED until the regulator confirms the standing ([`confirm`]), which may
//! differ from the proposal (the reason says why). Confirming writes the stars and the standing
//! to the institution in the same transaction, and a SUSPENDED or EXITED institution's resources
//! and plans leave every public list at once (they are filtered by [`barred_providers`]). One
//! PROPOSED evaluation per institution at a time: evaluating again supersedes it, and of two
//! concurrent evaluations one is a `CONFLICT` (a partial unique index decides).

use std::collections::{HashMap, HashSet};

use chrono::{Days, Utc};
use entity::{
    CertificateStatus, CohortStatus, EnrollmentStatus, EvaluationStatus, InstitutionStatus,
    certificate, cohort, enrollment, follow_up, institution_evaluation, organization,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Select,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};
use serde_json::json;

use crate::domain::{
    begin_write,
    institutions::standing::institution,
    kernel::{
        audit,
        ids::NodeKey,
        input::{Note, Reason},
    },
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::{
    auth::{
        Caller,
        policy::{self, EvaluationScope},
    },
    error::{AppError, AppResult},
};

/// How far back the results dimension looks: cohorts finished in the last three years.
pub const RESULTS_WINDOW_DAYS: u64 = 3 * 365 + 1;

/// The organizations barred from public lists: training institutions SUSPENDED or EXITED.
pub fn barred_providers() -> SelectStatement {
    Query::select()
        .column(organization::Column::Id)
        .from(organization::Entity)
        .and_where(
            Expr::col(organization::Column::CatalogueStatus)
                .is_in([InstitutionStatus::Suspended, InstitutionStatus::Exited]),
        )
        .to_owned()
}

/// The three dimensions the regulator inspects, 0 to 100 each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspected {
    /// Qualifications and credit.
    pub qualification: i16,
    /// Teachers.
    pub teachers: i16,
    /// Training facilities.
    pub facilities: i16,
}

/// The training results of an institution, counted from the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Results {
    /// Enrolments of finished cohorts that ended.
    pub ended: i32,
    /// Of those, completed.
    pub completed: i32,
    /// Of the completed, certified in the occupation and level.
    pub certified: i32,
    /// Of the completed, employed at a follow-up.
    pub placed: i32,
}

/// `num / den` rounded half up, for non-negative figures.
fn rounded(num: i64, den: i64) -> i64 {
    (2 * num + den) / (2 * den)
}

impl Results {
    /// The results score, 0 to 100; `None` before any enrolment ended.
    pub fn score(&self) -> Option<i16> {
        let (e, c) = (i64::from(self.ended), i64::from(self.completed));
        if e == 0 {
            return None;
        }
        if c == 0 {
            return Some(0);
        }
        // 40·c/e + 30·k/c + 30·p/c over the common denominator e·c.
        let num = 40 * c * c + 30 * i64::from(self.certified) * e + 30 * i64::from(self.placed) * e;
        Some(rounded(num, e * c) as i16)
    }
}

/// The total of the scored dimensions, the stars and the standing they propose.
pub fn rate(inspected: Inspected, results: Option<i16>) -> (i16, i16, InstitutionStatus) {
    let mut scores = vec![
        inspected.qualification,
        inspected.teachers,
        inspected.facilities,
    ];
    scores.extend(results);
    let sum: i64 = scores.iter().map(|s| i64::from(*s)).sum();
    let total = rounded(sum, scores.len() as i64) as i16;
    let stars = match total {
        90.. => 5,
        80..=89 => 4,
        70..=79 => 3,
        60..=69 => 2,
        _ => 1,
    };
    let standing = match stars {
        3.. => InstitutionStatus::Admitted,
        2 => InstitutionStatus::Suspended,
        _ => InstitutionStatus::Exited,
    };
    (total, stars, standing)
}

/// Counts an institution's training results over its cohorts finished since `since`.
pub async fn results_of(
    conn: &impl ConnectionTrait,
    institution_id: i32,
    since: chrono::NaiveDate,
) -> AppResult<Results> {
    let cohorts: HashMap<i32, cohort::Model> = cohort::Entity::find()
        .filter(cohort::Column::ProviderId.eq(institution_id))
        .filter(cohort::Column::Status.eq(CohortStatus::Finished))
        .filter(cohort::Column::EndOn.gte(since))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    if cohorts.is_empty() {
        return Ok(Results::default());
    }
    let ended = enrollment::Entity::find()
        .filter(enrollment::Column::CohortId.is_in(cohorts.keys().copied()))
        .filter(
            enrollment::Column::Status
                .is_in([EnrollmentStatus::Completed, EnrollmentStatus::Withdrawn]),
        )
        .all(conn)
        .await?;
    let completed: Vec<&enrollment::Model> = ended
        .iter()
        .filter(|e| e.status == EnrollmentStatus::Completed)
        .collect();
    let learners: Vec<i32> = completed.iter().map(|e| e.learner_id).collect();
    let mut certificates: HashMap<i32, Vec<certificate::Model>> = HashMap::new();
    let mut placed: HashSet<i32> = HashSet::new();
    if !learners.is_empty() {
        for c in certificate::Entity::find()
            .filter(certificate::Column::LearnerId.is_in(learners.iter().copied()))
            .filter(certificate::Column::Status.eq(CertificateStatus::Valid))
            .all(conn)
            .await?
        {
            certificates.entry(c.learner_id).or_default().push(c);
        }
        placed = follow_up::Entity::find()
            .filter(follow_up::Column::EnrollmentId.is_in(completed.iter().map(|e| e.id)))
            .filter(follow_up::Column::Employed.eq(true))
            .all(conn)
            .await?
            .into_iter()
            .map(|f| f.enrollment_id)
            .collect();
    }
    let certified = completed
        .iter()
        .filter(|e| {
            let c = &cohorts[&e.cohort_id];
            certificates.get(&e.learner_id).is_some_and(|held| {
                held.iter().any(|h| {
                    h.occupation_code == c.occupation_code
                        && h.level == c.target_level
                        && h.issued_on >= c.start_on
                })
            })
        })
        .count();
    Ok(Results {
        ended: ended.len() as i32,
        completed: completed.len() as i32,
        certified: certified as i32,
        placed: completed.iter().filter(|e| placed.contains(&e.id)).count() as i32,
    })
}

/// Evaluates a training institution, by the regulator of its region: scores the inspected
/// dimensions, computes the results and proposes stars and a standing. A PROPOSED evaluation of
/// the institution is superseded. Audited.
pub async fn evaluate(
    db: &DatabaseConnection,
    caller: &Caller,
    institution_id: i32,
    inspected: Inspected,
    note: Option<Note>,
) -> AppResult<institution_evaluation::Model> {
    for (field, score) in [
        ("input.qualificationScore", inspected.qualification),
        ("input.teachersScore", inspected.teachers),
        ("input.facilitiesScore", inspected.facilities),
    ] {
        if !(0..=100).contains(&score) {
            return Err(AppError::validation(field, "0 to 100"));
        }
    }
    let found = institution(db, institution_id).await?;
    policy::may_evaluate_institution(&caller.viewer, found.region_id)?;
    let now = Utc::now();
    let since = now.date_naive() - Days::new(RESULTS_WINDOW_DAYS);
    let txn = begin_write(db).await?;
    let results = results_of(&txn, found.id, since).await?;
    let results_score = results.score();
    let (total, stars, proposed) = rate(inspected, results_score);
    let superseded = institution_evaluation::Entity::update_many()
        .col_expr(
            institution_evaluation::Column::Status,
            Expr::value(EvaluationStatus::Superseded),
        )
        .filter(institution_evaluation::Column::InstitutionId.eq(found.id))
        .filter(institution_evaluation::Column::Status.eq(EvaluationStatus::Proposed))
        .exec(&txn)
        .await?
        .rows_affected;
    let saved = institution_evaluation::Entity::insert(institution_evaluation::ActiveModel {
        institution_id: Set(found.id),
        region_id: Set(found.region_id),
        qualification_score: Set(inspected.qualification),
        teachers_score: Set(inspected.teachers),
        facilities_score: Set(inspected.facilities),
        results_score: Set(results_score),
        ended_enrollments: Set(results.ended),
        completed: Set(results.completed),
        certified: Set(results.certified),
        placed: Set(results.placed),
        total_score: Set(total),
        stars: Set(stars),
        proposed_standing: Set(proposed),
        status: Set(EvaluationStatus::Proposed),
        standing: Set(None),
        note: Set(note.map(Note::into_string).unwrap_or_default()),
        reason: Set(None),
        evaluated_by: Set(caller.viewer.subject.clone()),
        created_at: Set(now),
        confirmed_by: Set(None),
        confirmed_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| {
        crate::domain::conflict_on_duplicate(
            e,
            "another evaluation of the institution is being proposed",
        )
    })?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "evaluateInstitution",
            target_type: "Organization",
            target_id: NodeKey::Organization(found.id).to_id().0,
            region_id: Some(found.region_id),
            changes: Some(json!({
                "evaluation": NodeKey::InstitutionEvaluation(saved.id).to_id().0,
                "scores": {
                    "qualification": inspected.qualification,
                    "teachers": inspected.teachers,
                    "facilities": inspected.facilities,
                    "results": results_score,
                },
                "total": total,
                "stars": stars,
                "proposedStanding": format!("{proposed:?}").to_uppercase(),
                "superseded": superseded,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Confirms a PROPOSED evaluation once, by the regulator of the institution's region, with the
/// standing it decides (the proposed one when `None`) and a reason. The institution takes the
/// stars and the standing, and its published items the stars, in the same transaction. Audited.
pub async fn confirm(
    db: &DatabaseConnection,
    caller: &Caller,
    evaluation_id: i32,
    standing: Option<InstitutionStatus>,
    reason: Reason,
) -> AppResult<institution_evaluation::Model> {
    let found = institution_evaluation::Entity::find_by_id(evaluation_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("institution evaluation"))?;
    policy::may_evaluate_institution(&caller.viewer, found.region_id)?;
    let standing = standing.unwrap_or(found.proposed_standing);
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let confirmed = institution_evaluation::Entity::update_many()
        .col_expr(
            institution_evaluation::Column::Status,
            Expr::value(EvaluationStatus::Confirmed),
        )
        .col_expr(
            institution_evaluation::Column::Standing,
            Expr::value(Some(standing)),
        )
        .col_expr(
            institution_evaluation::Column::Reason,
            Expr::value(Some(reason.as_str().to_owned())),
        )
        .col_expr(
            institution_evaluation::Column::ConfirmedBy,
            Expr::value(Some(caller.viewer.subject.clone())),
        )
        .col_expr(
            institution_evaluation::Column::ConfirmedAt,
            Expr::value(Some(now)),
        )
        .filter(institution_evaluation::Column::Id.eq(found.id))
        .filter(institution_evaluation::Column::Status.eq(EvaluationStatus::Proposed))
        .exec(&txn)
        .await?;
    if confirmed.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the evaluation is not PROPOSED any more (confirmed or superseded)".to_owned(),
        ));
    }
    let before = institution(&txn, found.institution_id).await?;
    organization::Entity::update_many()
        .col_expr(
            organization::Column::CreditStars,
            Expr::value(Some(found.stars)),
        )
        .col_expr(
            organization::Column::CatalogueStatus,
            Expr::value(Some(standing)),
        )
        .col_expr(
            organization::Column::StatusReason,
            Expr::value(Some(reason.as_str().to_owned())),
        )
        .col_expr(organization::Column::UpdatedAt, Expr::value(now))
        .filter(organization::Column::Id.eq(found.institution_id))
        .exec(&txn)
        .await?;
    crate::domain::institutions::standing::stars_reach_the_items(
        &txn,
        found.institution_id,
        found.stars,
    )
    .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "confirmInstitutionEvaluation",
            target_type: "Organization",
            target_id: NodeKey::Organization(found.institution_id).to_id().0,
            region_id: Some(found.region_id),
            changes: Some(json!({
                "evaluation": NodeKey::InstitutionEvaluation(found.id).to_id().0,
                "creditStars": { "from": before.credit_stars, "to": found.stars },
                "status": {
                    "from": before.catalogue_status.map(|s| format!("{s:?}").to_uppercase()),
                    "to": format!("{standing:?}").to_uppercase(),
                },
                "proposed": format!("{:?}", found.proposed_standing).to_uppercase(),
                "reason": reason.as_str(),
            })),
        },
    )
    .await?;
    let saved = institution_evaluation::Entity::find_by_id(found.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("an evaluation vanished in its transaction"))?;
    txn.commit().await?;
    Ok(saved)
}

/// Which evaluations to list.
#[derive(Debug, Clone, Default)]
pub struct EvaluationFilter {
    /// Only this institution's.
    pub institution: Option<i32>,
    /// Only these statuses (empty: every status).
    pub statuses: Vec<EvaluationStatus>,
}

fn select(
    scope: EvaluationScope,
    filter: &EvaluationFilter,
) -> Select<institution_evaluation::Entity> {
    let mut cond = match scope {
        EvaluationScope::All => Condition::all(),
        EvaluationScope::Region(r) => {
            Condition::all().add(institution_evaluation::Column::RegionId.eq(r))
        }
        EvaluationScope::Institution(i) => {
            Condition::all().add(institution_evaluation::Column::InstitutionId.eq(i))
        }
    };
    if let Some(i) = filter.institution {
        cond = cond.add(institution_evaluation::Column::InstitutionId.eq(i));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(institution_evaluation::Column::Status.is_in(filter.statuses.clone()));
    }
    institution_evaluation::Entity::find().filter(cond)
}

fn ordering() -> Ordering<institution_evaluation::Entity> {
    Ordering {
        name: "institution-evaluations:id".to_owned(),
        keys: vec![SortKey::column(
            institution_evaluation::Column::Id,
            true,
            KeyKind::Int,
            |m: &institution_evaluation::Model| CursorValue::Int(i64::from(m.id)),
        )],
    }
}

/// One page of the evaluations the caller may see in full, newest first.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &EvaluationFilter,
    request: &PageRequest,
) -> AppResult<Page<institution_evaluation::Model>> {
    let scope = policy::evaluation_scope(&caller.viewer)?;
    page::fetch_page(db, select(scope, filter), &ordering(), request).await
}

/// How many evaluations the caller may see in full match.
pub async fn count(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &EvaluationFilter,
) -> AppResult<u64> {
    let scope = policy::evaluation_scope(&caller.viewer)?;
    page::count(db, select(scope, filter)).await
}

/// An evaluation by id, if the caller may see it.
pub async fn by_id(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<Option<institution_evaluation::Model>> {
    let Some(found) = institution_evaluation::Entity::find_by_id(id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(policy::evaluation_visible(
        &caller.viewer,
        found.institution_id,
        found.region_id,
        found.status == EvaluationStatus::Confirmed,
    )
    .then_some(found))
}

/// The latest CONFIRMED evaluation of each institution (the public rating and its parts).
pub async fn latest_confirmed(
    db: &DatabaseConnection,
    institution_ids: &[i32],
) -> AppResult<HashMap<i32, institution_evaluation::Model>> {
    let mut latest = HashMap::new();
    for e in institution_evaluation::Entity::find()
        .filter(
            institution_evaluation::Column::InstitutionId.is_in(institution_ids.iter().copied()),
        )
        .filter(institution_evaluation::Column::Status.eq(EvaluationStatus::Confirmed))
        .order_by_asc(institution_evaluation::Column::Id)
        .all(db)
        .await?
    {
        latest.insert(e.institution_id, e);
    }
    Ok(latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_weigh_completion_certification_and_placement() {
        let none = Results::default();
        assert_eq!(none.score(), None);
        let all = Results {
            ended: 10,
            completed: 10,
            certified: 10,
            placed: 10,
        };
        assert_eq!(all.score(), Some(100));
        // 40·8/10 + 30·6/8 + 30·4/8 = 32 + 22.5 + 15 = 69.5 → 70.
        let some = Results {
            ended: 10,
            completed: 8,
            certified: 6,
            placed: 4,
        };
        assert_eq!(some.score(), Some(70));
        let dropped = Results {
            ended: 3,
            completed: 0,
            certified: 0,
            placed: 0,
        };
        assert_eq!(dropped.score(), Some(0));
    }

    #[test]
    fn stars_and_standing_follow_the_total() {
        let s = |q, t, f| Inspected {
            qualification: q,
            teachers: t,
            facilities: f,
        };
        assert_eq!(
            rate(s(90, 90, 90), Some(90)),
            (90, 5, InstitutionStatus::Admitted)
        );
        // (80 + 70 + 70 + 69) / 4 = 72.25 → 72: three stars.
        assert_eq!(
            rate(s(80, 70, 70), Some(69)),
            (72, 3, InstitutionStatus::Admitted)
        );
        // Without results, the mean of three: (65 + 60 + 62) / 3 = 62.33 → 62.
        assert_eq!(
            rate(s(65, 60, 62), None),
            (62, 2, InstitutionStatus::Suspended)
        );
        assert_eq!(
            rate(s(40, 50, 30), Some(0)),
            (30, 1, InstitutionStatus::Exited)
        );
        // Half up: (90 + 90 + 89 + 89) / 4 = 89.5 → 90.
        assert_eq!(
            rate(s(90, 90, 89), Some(89)),
            (90, 5, InstitutionStatus::Admitted)
        );
    }
}
