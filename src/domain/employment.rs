//! The employment service (就业服务), the last link of the four-in-one chain: job recommendations
//! ("certified means recommended": at least three for every certified or trained learner), the
//! 3–6 month follow-up of completers, placement rates and the catalogue review they decide.
//!
//! # Who is qualified for a demand
//!
//! A learner's *qualifications* are their VALID certificates (occupation and level) and their
//! COMPLETED enrolments (the cohort's occupation and target level). A demand matches a
//! qualification when it wants the same occupation, or one in the same *major group* — the first
//! two parts of the code (中类, `6-18` for welders and lathe operators) — at a level not above the
//! qualification's.
//!
//! # How job suggestions are scored
//!
//! `Learner.jobSuggestions` ranks the OPEN, unexpired demands that match a qualification and were
//! not recommended to the learner yet. Each scores out of 100:
//!
//! | criterion | weight | how |
//! |---|---|---|
//! | occupation | 40 | the exact occupation of a qualification 40; the same major group 25 |
//! | level | 20 | the qualification's own level 20; one level below 14; two or more below 8 |
//! | distance | 20 | from the learner's point (their latest intention's): 20 × (1 − km / 100), at least 0; without a point, a demand in the learner's region 12, elsewhere 0 |
//! | wage | 10 | 10 × (top of the range − 3,000) / 7,000, between 0 and 10 (10,000 or more gives 10) |
//! | recency | 10 | posted within 7 days 10, within 30 days 6, within 90 days 3, older 0 |
//!
//! The best-fitting qualification decides occupation and level. Ties go to the more recently
//! posted demand, then the lower id: the same inputs always give the same ranking.
//!
//! # Placement rates
//!
//! A *completer* is a COMPLETED enrolment; its completion day is the day the enrolment ended. For
//! the completers of a period, the **month-3 placement rate** is the number employed at their
//! month-3 follow-up divided by the number of completers — a completer not followed up counts as
//! not placed — and likewise for month 6. Groups of fewer than [`MIN_GROUP`] completers are
//! suppressed: no counts and no rate, only the group.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{Datelike, Months, NaiveDate, NaiveTime, Utc};
use entity::{
    CatalogueItemStatus, CertificateStatus, CohortKind, CohortStatus, DemandStatus,
    EnrollmentStatus, RecommendationOutcome, SkillLevel, WageBand, alliance, assessment_body,
    catalogue_item, certificate, cohort, demand, demand_alliance, enrollment, follow_up, learner,
    membership, organization, recommendation, region, training_intention,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder,
    sea_query::{Alias, Expr, ExprTrait, Func, JoinType, LikeExpr, Query, SelectStatement},
};
use serde_json::json;

use super::{
    audit,
    codes::{AllianceCode, OccupationPrefix, RegionCode},
    disclosure::{self, Precision},
    geo::Near,
    learners,
    orders::{Reason, level_rank, round},
};
use crate::{
    auth::{
        Caller,
        policy::{self, AccessRules, EmploymentScope},
    },
    domain::ids::NodeKey,
    error::{AppError, AppResult},
};

/// Recommendations every certified or trained learner should have.
pub const REQUIRED_RECOMMENDATIONS: u64 = 3;

/// The smallest group whose placement figures are reported; smaller groups are suppressed.
pub const MIN_GROUP: u64 = 5;

/// The follow-up months that are due (others may be recorded but are not chased).
pub const DUE_MONTHS: [i16; 3] = [1, 3, 6];

/// How many months after completion follow-ups are chased.
pub const FOLLOW_UP_WINDOW_MONTHS: u32 = 12;

/// The major group of an occupation code: its first two parts (`6-18-02-04` → `6-18`).
pub fn major_group(code: &str) -> &str {
    match code.match_indices('-').nth(1) {
        Some((i, _)) => &code[..i],
        None => code,
    }
}

/// What qualifies a learner for work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qualification {
    /// The occupation.
    pub occupation_code: String,
    /// The level.
    pub level: SkillLevel,
    /// The day it was earned: a certificate's day of issue, a completion's last day.
    pub on: NaiveDate,
    /// A certificate (`true`) or completed training.
    pub certified: bool,
}

/// How well a qualification fits a demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OccupationFit {
    /// The same major group.
    Group,
    /// The same occupation.
    Exact,
}

/// The fit of `q` for a demand, if it matches (see the module docs).
pub fn fit(q: &Qualification, occupation: &str, level: SkillLevel) -> Option<OccupationFit> {
    if level > q.level {
        return None;
    }
    if q.occupation_code == occupation {
        Some(OccupationFit::Exact)
    } else if major_group(&q.occupation_code) == major_group(occupation) {
        Some(OccupationFit::Group)
    } else {
        None
    }
}

/// The qualifications of learners, in two statements.
pub async fn qualifications(
    db: &impl ConnectionTrait,
    learner_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<Qualification>>> {
    let mut out: HashMap<i32, Vec<Qualification>> = HashMap::new();
    for c in certificate::Entity::find()
        .filter(certificate::Column::LearnerId.is_in(learner_ids.iter().copied()))
        .filter(certificate::Column::Status.eq(CertificateStatus::Valid))
        .all(db)
        .await?
    {
        out.entry(c.learner_id).or_default().push(Qualification {
            occupation_code: c.occupation_code,
            level: c.level,
            on: c.issued_on,
            certified: true,
        });
    }
    let completions = enrollment::Entity::find()
        .filter(enrollment::Column::LearnerId.is_in(learner_ids.iter().copied()))
        .filter(enrollment::Column::Status.eq(EnrollmentStatus::Completed))
        .all(db)
        .await?;
    let cohorts: HashMap<i32, cohort::Model> = cohort::Entity::find()
        .filter(cohort::Column::Id.is_in(completions.iter().map(|e| e.cohort_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    for e in completions {
        if let Some(c) = cohorts.get(&e.cohort_id) {
            out.entry(e.learner_id).or_default().push(Qualification {
                occupation_code: c.occupation_code.clone(),
                level: c.target_level,
                on: e.ended_at.map(|t| t.date_naive()).unwrap_or(c.end_on),
                certified: false,
            });
        }
    }
    Ok(out)
}

/// Learners who completed training in a cohort of one of `alliances`.
fn completed_in(alliances: &BTreeSet<i32>) -> SelectStatement {
    Query::select()
        .column((enrollment::Entity, enrollment::Column::LearnerId))
        .from(enrollment::Entity)
        .inner_join(
            cohort::Entity,
            Expr::col((cohort::Entity, cohort::Column::Id))
                .equals((enrollment::Entity, enrollment::Column::CohortId)),
        )
        .and_where(
            Expr::col((enrollment::Entity, enrollment::Column::Status))
                .eq(EnrollmentStatus::Completed),
        )
        .and_where(
            Expr::col((cohort::Entity, cohort::Column::AllianceId))
                .is_in(alliances.iter().copied()),
        )
        .to_owned()
}

/// Whether a learner is one whose employment service `scope` runs.
async fn in_employment_scope(
    db: &impl ConnectionTrait,
    rules: &AccessRules,
    scope: &EmploymentScope,
    learner: &learner::Model,
) -> AppResult<bool> {
    Ok(match scope {
        EmploymentScope::Region(region) => learner.region_id == *region,
        EmploymentScope::Provider(org) => {
            let facts = learners::facts(db, &[(learner.id, learner.region_id)])
                .await?
                .remove(&learner.id)
                .unwrap_or_default();
            policy::provider_in_relation(&facts, *org, rules, Utc::now())
        }
        EmploymentScope::Alliances(alliances) => learner::Entity::find()
            .filter(learner::Column::Id.eq(learner.id))
            .filter(learner::Column::Id.in_subquery(completed_in(alliances)))
            .one(db)
            .await?
            .is_some(),
    })
}

fn outcome_name(o: RecommendationOutcome) -> String {
    o.to_value()
}

/// Recommends an OPEN demand to a learner whose certificate or completed training matches it; the
/// same learner and demand once only.
pub async fn recommend(
    db: &DatabaseConnection,
    caller: &Caller,
    learner_id: i32,
    demand_id: i32,
    note: String,
) -> AppResult<recommendation::Model> {
    let scope = policy::recommend_jobs(&caller.viewer)?;
    let note = note.trim().to_owned();
    if note.chars().count() > 500 {
        return Err(AppError::validation("input.note", "at most 500 characters"));
    }
    let learner = learner::Entity::find_by_id(learner_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.learner", "no learner has this ID"))?;
    if !in_employment_scope(db, &caller.access, &scope, &learner).await? {
        return Err(AppError::Forbidden(
            "this learner is not one whose employment service you run".to_owned(),
        ));
    }
    let found = demand::Entity::find_by_id(demand_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.demand", "no demand has this ID"))?;
    if found.status != DemandStatus::Open {
        return Err(AppError::validation(
            "input.demand",
            "only an OPEN demand can be recommended",
        ));
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
        recommended_by_id: Set(caller.viewer.organization_id),
        recommender_role: Set(caller.viewer.role.as_str().to_owned()),
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
        super::conflict_on_duplicate(e, "this demand was recommended to this learner already")
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
    reason: Option<String>,
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
        Party::Learner => policy::respond_to_recommendation(&caller.viewer, found.learner_id)?,
        Party::Employer => policy::manage_demand(&caller.viewer, target.enterprise_id)?,
    }
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
    if !may_move(party, found.outcome, to) {
        return Err(AppError::validation(
            "input.outcome",
            format!(
                "a {} recommendation cannot move to {}",
                outcome_name(found.outcome),
                outcome_name(to)
            ),
        ));
    }
    let reason = reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if to == RecommendationOutcome::Declined && reason.is_none() {
        return Err(AppError::validation(
            "input.reason",
            "say why the recommendation is declined",
        ));
    }
    if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(AppError::validation(
            "input.reason",
            "at most 500 characters",
        ));
    }
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
    let mut filled = false;
    if to == RecommendationOutcome::Hired {
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
            .exec(&txn)
            .await?;
        if taken.rows_affected != 1 {
            return Err(AppError::Conflict(
                "the demand is no longer OPEN: every place is filled or it was closed".to_owned(),
            ));
        }
        let after = demand::Entity::find_by_id(target.id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::internal("a demand vanished inside its transaction"))?;
        filled = after.status == DemandStatus::Filled;
        if filled {
            audit::record(
                &txn,
                caller,
                audit::Entry {
                    action: "markDemandFilled",
                    target_type: "Demand",
                    target_id: NodeKey::Demand(target.id).to_id().0,
                    region_id: Some(target.region_id),
                    changes: Some(json!({
                        "status": { "from": "OPEN", "to": "FILLED" },
                        "hired": after.hired,
                        "by": NodeKey::Recommendation(found.id).to_id().0,
                    })),
                },
            )
            .await?;
        }
    }
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

/// Whether a viewer may see a recommendation: whoever may see its learner, and those who may read
/// its demand's recommendations ([`policy::read_demand_recommendations`]).
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
    Ok(policy::read_demand_recommendations(
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
    super::children_of::<recommendation::Entity>(
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
    super::children_of::<recommendation::Entity>(
        db,
        recommendation::Column::DemandId,
        demand_ids,
        recommendation::Column::Id,
        |r| r.demand_id,
    )
    .await
}

/// A demand suggested for a learner, with its score and reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSuggestion {
    /// The demand.
    pub demand: demand::Model,
    /// The total, 0–100.
    pub score: f64,
    /// Why, criterion by criterion.
    pub reasons: Vec<Reason>,
}

/// The job suggestions for a learner, best first (see the module docs for the score).
pub async fn job_suggestions(
    db: &DatabaseConnection,
    learner: &learner::Model,
    limit: usize,
) -> AppResult<Vec<JobSuggestion>> {
    let quals = qualifications(db, &[learner.id])
        .await?
        .remove(&learner.id)
        .unwrap_or_default();
    if quals.is_empty() {
        return Ok(vec![]);
    }
    let mut occupations = Condition::any();
    for group in quals
        .iter()
        .map(|q| major_group(&q.occupation_code).to_owned())
        .collect::<BTreeSet<_>>()
    {
        occupations = occupations.add(
            Expr::col(demand::Column::OccupationCode).like(LikeExpr::new(format!("{group}-%"))),
        );
    }
    let recommended = Query::select()
        .column(recommendation::Column::DemandId)
        .from(recommendation::Entity)
        .and_where(Expr::col(recommendation::Column::LearnerId).eq(learner.id))
        .to_owned();
    let today = Utc::now().date_naive();
    let candidates = demand::Entity::find()
        .filter(demand::Column::Status.eq(DemandStatus::Open))
        .filter(demand::Column::ValidUntil.gte(today))
        .filter(occupations)
        .filter(demand::Column::Id.not_in_subquery(recommended))
        .all(db)
        .await?;
    let point = training_intention::Entity::find()
        .filter(training_intention::Column::LearnerId.eq(learner.id))
        .filter(training_intention::Column::Latitude.is_not_null())
        .filter(training_intention::Column::Longitude.is_not_null())
        .order_by_desc(training_intention::Column::Id)
        .one(db)
        .await?
        .and_then(|i| i.latitude.zip(i.longitude));
    let now = Utc::now();
    let mut out = Vec::new();
    for d in candidates {
        let Some((fit, q)) = quals
            .iter()
            .filter_map(|q| fit(q, &d.occupation_code, d.level).map(|f| (f, q)))
            .max_by_key(|(f, q)| (*f, std::cmp::Reverse(level_rank(q.level))))
        else {
            continue;
        };
        let occupation = match fit {
            OccupationFit::Exact => Reason {
                criterion: "OCCUPATION",
                value: d.occupation_code.clone(),
                points: 40.0,
                weight: 40.0,
                text: format!(
                    "wants {}, the occupation of your {}",
                    d.occupation_code,
                    if q.certified {
                        "certificate"
                    } else {
                        "training"
                    }
                ),
            },
            OccupationFit::Group => Reason {
                criterion: "OCCUPATION",
                value: d.occupation_code.clone(),
                points: 25.0,
                weight: 40.0,
                text: format!(
                    "wants {}, in the major group {} of your {}",
                    d.occupation_code,
                    major_group(&d.occupation_code),
                    q.occupation_code
                ),
            },
        };
        let below = level_rank(q.level) - level_rank(d.level);
        let level = Reason {
            criterion: "LEVEL",
            value: format!("{:?}", d.level),
            points: match below {
                0 => 20.0,
                1 => 14.0,
                _ => 8.0,
            },
            weight: 20.0,
            text: match below {
                0 => "at your level".to_owned(),
                n => format!("{n} level(s) below yours"),
            },
        };
        let distance = match (point, d.latitude.zip(d.longitude)) {
            (Some((lat, lng)), Some((dlat, dlng))) => {
                let km = Near {
                    latitude: lat,
                    longitude: lng,
                    radius_km: 100.0,
                }
                .distance_km(dlat, dlng);
                Reason {
                    criterion: "DISTANCE",
                    value: format!("{km:.1} km"),
                    points: round((20.0 * (1.0 - km / 100.0)).max(0.0)),
                    weight: 20.0,
                    text: format!("{km:.1} km from you"),
                }
            }
            _ if d.region_id == learner.region_id => Reason {
                criterion: "DISTANCE",
                value: "same region".to_owned(),
                points: 12.0,
                weight: 20.0,
                text: "in your region".to_owned(),
            },
            _ => Reason {
                criterion: "DISTANCE",
                value: "other region".to_owned(),
                points: 0.0,
                weight: 20.0,
                text: "in another region".to_owned(),
            },
        };
        let wage = Reason {
            criterion: "WAGE",
            value: format!("{}–{} CNY", d.wage_min, d.wage_max),
            points: round((10.0 * f64::from(d.wage_max - 3_000) / 7_000.0).clamp(0.0, 10.0)),
            weight: 10.0,
            text: format!("pays up to {} CNY a month", d.wage_max),
        };
        let age = d
            .posted_at
            .map(|p| (now - p).num_days())
            .unwrap_or(i64::MAX);
        let recency = Reason {
            criterion: "RECENCY",
            value: if age == i64::MAX {
                "unknown".to_owned()
            } else {
                format!("{age} days")
            },
            points: match age {
                ..=7 => 10.0,
                8..=30 => 6.0,
                31..=90 => 3.0,
                _ => 0.0,
            },
            weight: 10.0,
            text: if age == i64::MAX {
                "posting day unknown".to_owned()
            } else {
                format!("posted {age} days ago")
            },
        };
        let reasons = vec![occupation, level, distance, wage, recency];
        let score = round(reasons.iter().map(|r| r.points).sum());
        out.push(JobSuggestion {
            demand: d,
            score,
            reasons,
        });
    }
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.demand.posted_at.cmp(&a.demand.posted_at))
            .then(a.demand.id.cmp(&b.demand.id))
    });
    out.truncate(limit);
    Ok(out)
}

/// Which backlog to list.
#[derive(Debug, Clone, Default)]
pub struct BacklogFilter {
    /// Days a learner may wait for three recommendations after qualifying.
    pub days: u64,
    /// Only learners living in this region.
    pub region: Option<RegionCode>,
    /// Only learners who completed training in this alliance.
    pub alliance: Option<AllianceCode>,
    /// Only learners past their due day.
    pub overdue_only: bool,
}

/// A learner in the recommendation backlog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacklogEntry {
    /// The learner.
    pub learner_id: i32,
    /// The first day they were certified or completed training (in scope).
    pub qualified_on: NaiveDate,
    /// Recommendations made to them so far.
    pub recommendations: u64,
    /// The day they should have three by.
    pub due_on: NaiveDate,
    /// Whether that day has passed.
    pub overdue: bool,
}

/// The bureau's daily work list: learners certified or trained in the caller's scope who have
/// fewer than three recommendations and were not hired through one, oldest first.
pub async fn backlog(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &BacklogFilter,
) -> AppResult<Vec<BacklogEntry>> {
    let scope = policy::read_recommendation_backlog(&caller.viewer)?;
    let mut alliance_ids: Option<BTreeSet<i32>> = match &scope {
        EmploymentScope::Alliances(a) => Some(a.clone()),
        _ => None,
    };
    if let Some(code) = &filter.alliance {
        let found = super::alliances::by_code(db, code)
            .await?
            .ok_or_else(|| AppError::validation("filter.alliance", "no alliance has this code"))?;
        if let Some(allowed) = &alliance_ids
            && !allowed.contains(&found.id)
        {
            return Err(AppError::Forbidden(
                "this alliance is not one the token administers".to_owned(),
            ));
        }
        alliance_ids = Some(BTreeSet::from([found.id]));
    }
    let mut region_id = match scope {
        EmploymentScope::Region(r) => Some(r),
        _ => None,
    };
    if let Some(code) = &filter.region {
        let found = super::regions::by_code(db, code)
            .await?
            .ok_or_else(|| AppError::validation("filter.region", "no region has this code"))?;
        if region_id.is_some_and(|r| r != found.id) {
            return Err(AppError::Forbidden(
                "this is another region's backlog".to_owned(),
            ));
        }
        region_id = Some(found.id);
    }
    let in_region = |r: Option<i32>| {
        r.map(|r| {
            Query::select()
                .column(learner::Column::Id)
                .from(learner::Entity)
                .and_where(Expr::col(learner::Column::RegionId).eq(r))
                .to_owned()
        })
    };
    let mut first: HashMap<i32, NaiveDate> = HashMap::new();
    // Completions (the only qualifications an alliance scope sees).
    let mut completions = enrollment::Entity::find()
        .filter(enrollment::Column::Status.eq(EnrollmentStatus::Completed));
    if let Some(alliances) = &alliance_ids {
        completions = completions.filter(
            enrollment::Column::CohortId.in_subquery(
                Query::select()
                    .column(cohort::Column::Id)
                    .from(cohort::Entity)
                    .and_where(
                        Expr::col(cohort::Column::AllianceId).is_in(alliances.iter().copied()),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(sub) = in_region(region_id) {
        completions = completions.filter(enrollment::Column::LearnerId.in_subquery(sub));
    }
    for e in completions.all(db).await? {
        if let Some(on) = e.ended_at.map(|t| t.date_naive()) {
            let entry = first.entry(e.learner_id).or_insert(on);
            *entry = std::cmp::min(*entry, on);
        }
    }
    if alliance_ids.is_none() {
        let mut certs = certificate::Entity::find()
            .filter(certificate::Column::Status.eq(CertificateStatus::Valid));
        if let Some(sub) = in_region(region_id) {
            certs = certs.filter(certificate::Column::LearnerId.in_subquery(sub));
        }
        for c in certs.all(db).await? {
            let entry = first.entry(c.learner_id).or_insert(c.issued_on);
            *entry = std::cmp::min(*entry, c.issued_on);
        }
    }
    let ids: Vec<i32> = first.keys().copied().collect();
    let mut counts: HashMap<i32, u64> = HashMap::new();
    let mut hired: HashSet<i32> = HashSet::new();
    for chunk in ids.chunks(5_000) {
        for r in recommendation::Entity::find()
            .filter(recommendation::Column::LearnerId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            *counts.entry(r.learner_id).or_default() += 1;
            if r.outcome == RecommendationOutcome::Hired {
                hired.insert(r.learner_id);
            }
        }
    }
    let today = Utc::now().date_naive();
    let mut out: Vec<BacklogEntry> = first
        .into_iter()
        .filter(|(id, _)| !hired.contains(id))
        .map(|(learner_id, qualified_on)| {
            let due_on = qualified_on + chrono::Days::new(filter.days);
            BacklogEntry {
                learner_id,
                qualified_on,
                recommendations: counts.get(&learner_id).copied().unwrap_or(0),
                due_on,
                overdue: due_on < today,
            }
        })
        .filter(|e| e.recommendations < REQUIRED_RECOMMENDATIONS)
        .filter(|e| !filter.overdue_only || e.overdue)
        .collect();
    out.sort_by_key(|e| (e.qualified_on, e.learner_id));
    Ok(out)
}

/// The employer named at a follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Employer {
    /// An organization in the graph.
    Organization(i32),
    /// A name, for employers outside the graph.
    Name(String),
}

/// A follow-up to record.
#[derive(Debug, Clone)]
pub struct NewFollowUp {
    /// The completed enrolment.
    pub enrollment_id: i32,
    /// The month after completion, 1 to 6.
    pub month: i16,
    /// The day of contact.
    pub contacted_on: NaiveDate,
    /// Employed?
    pub employed: bool,
    /// The employer, when employed.
    pub employer: Option<Employer>,
    /// Whether the job is in the occupation trained for.
    pub occupation_match: bool,
    /// The monthly wage band, when employed.
    pub wage_band: Option<WageBand>,
    /// A note.
    pub note: String,
}

fn completion_day(e: &enrollment::Model) -> Option<NaiveDate> {
    e.ended_at.map(|t| t.date_naive())
}

/// Records a follow-up of a completer: by the cohort's provider or the regulator of the cohort's
/// or the learner's region. One per completion and month.
pub async fn record_follow_up(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewFollowUp,
) -> AppResult<follow_up::Model> {
    let scope = policy::follow_up(&caller.viewer)?;
    let completion = enrollment::Entity::find_by_id(new.enrollment_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.completion", "no enrolment has this ID"))?;
    let cohort = cohort::Entity::find_by_id(completion.cohort_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("an enrolment without its cohort"))?;
    let learner = learner::Entity::find_by_id(completion.learner_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("an enrolment without its learner"))?;
    let cohort_region = alliance::Entity::find_by_id(cohort.alliance_id)
        .one(db)
        .await?
        .map(|a| a.region_id);
    let allowed = match scope {
        EmploymentScope::Provider(org) => org == cohort.provider_id,
        EmploymentScope::Region(r) => cohort_region == Some(r) || learner.region_id == r,
        EmploymentScope::Alliances(_) => false,
    };
    if !allowed {
        return Err(AppError::Forbidden(
            "a follow-up is recorded by the cohort's provider or the bureau".to_owned(),
        ));
    }
    let Some(completed_on) =
        completion_day(&completion).filter(|_| completion.status == EnrollmentStatus::Completed)
    else {
        return Err(AppError::validation(
            "input.completion",
            "only a COMPLETED enrolment is followed up",
        ));
    };
    if !(1..=6).contains(&new.month) {
        return Err(AppError::validation("input.month", "1 to 6"));
    }
    let today = Utc::now().date_naive();
    if new.contacted_on < completed_on || new.contacted_on > today {
        return Err(AppError::validation(
            "input.contactedOn",
            format!("between the completion day ({completed_on}) and today"),
        ));
    }
    let note = new.note.trim().to_owned();
    if note.chars().count() > 500 {
        return Err(AppError::validation("input.note", "at most 500 characters"));
    }
    let (employer_id, employer_name) = match (&new.employer, new.employed) {
        (None, true) => {
            return Err(AppError::validation(
                "input.employer",
                "name the employer of an employed learner (employer or employerName)",
            ));
        }
        (Some(_), false) => {
            return Err(AppError::validation(
                "input.employer",
                "a learner who is not employed has no employer",
            ));
        }
        (None, false) => (None, None),
        (Some(Employer::Organization(id)), true) => {
            organization::Entity::find_by_id(*id)
                .one(db)
                .await?
                .ok_or_else(|| {
                    AppError::validation("input.employer", "no organization has this ID")
                })?;
            (Some(*id), None)
        }
        (Some(Employer::Name(name)), true) => {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 100 {
                return Err(AppError::validation(
                    "input.employerName",
                    "1 to 100 characters",
                ));
            }
            (None, Some(name.to_owned()))
        }
    };
    if !new.employed && (new.occupation_match || new.wage_band.is_some()) {
        return Err(AppError::validation(
            if new.occupation_match {
                "input.occupationMatch"
            } else {
                "input.wageBand"
            },
            "only an employed learner has a job that matches or a wage",
        ));
    }
    let txn = crate::domain::begin_write(db).await?;
    let inserted = follow_up::Entity::insert(follow_up::ActiveModel {
        enrollment_id: Set(completion.id),
        learner_id: Set(completion.learner_id),
        month: Set(new.month),
        contacted_on: Set(new.contacted_on),
        employed: Set(new.employed),
        employer_id: Set(employer_id),
        employer_name: Set(employer_name),
        occupation_match: Set(new.occupation_match),
        wage_band: Set(new.wage_band),
        note: Set(note),
        recorded_by_id: Set(caller.viewer.organization_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await;
    let saved = inserted.map_err(|e| {
        super::conflict_on_duplicate(
            e,
            &format!("month {} of this completion is recorded already", new.month),
        )
    })?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "recordFollowUp",
            target_type: "FollowUp",
            target_id: NodeKey::FollowUp(saved.id).to_id().0,
            region_id: Some(learner.region_id),
            changes: Some(json!({
                "completion": NodeKey::Enrollment(completion.id).to_id().0,
                "month": saved.month,
                "employed": saved.employed,
                "occupationMatch": saved.occupation_match,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The follow-ups of each of `enrollment_ids`, by month.
pub async fn follow_ups_by_enrollment(
    db: &DatabaseConnection,
    enrollment_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<follow_up::Model>>> {
    super::children_of::<follow_up::Entity>(
        db,
        follow_up::Column::EnrollmentId,
        enrollment_ids,
        follow_up::Column::Month,
        |f| f.enrollment_id,
    )
    .await
}

/// The follow-ups of each of `learner_ids`, in the order they were recorded.
pub async fn follow_ups_by_learner(
    db: &DatabaseConnection,
    learner_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<follow_up::Model>>> {
    super::children_of::<follow_up::Entity>(
        db,
        follow_up::Column::LearnerId,
        learner_ids,
        follow_up::Column::Id,
        |f| f.learner_id,
    )
    .await
}

/// A follow-up by id, unscoped: callers check the learner's scope.
pub async fn follow_up_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<follow_up::Model>> {
    Ok(follow_up::Entity::find_by_id(id).one(db).await?)
}

/// Which due follow-ups to list.
#[derive(Debug, Clone, Default)]
pub struct DueFilter {
    /// Only completions in this alliance.
    pub alliance: Option<AllianceCode>,
    /// Only these months (1, 3, 6; all three when empty).
    pub months: Vec<i16>,
}

/// A follow-up that is due and not recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueFollowUp {
    /// The completion.
    pub enrollment: enrollment::Model,
    /// The month due: 1, 3 or 6.
    pub month: i16,
    /// The day it fell due: the completion day plus `month` months.
    pub due_on: NaiveDate,
    /// Days past the due day (0 on it).
    pub days_overdue: i64,
}

/// Completers whose month-1, -3 or -6 follow-up is due or overdue on `as_of` and not recorded,
/// for the completions of the last twelve months in the caller's scope (a provider's cohorts, the
/// regulator's region), the longest overdue first.
pub async fn follow_ups_due(
    db: &DatabaseConnection,
    caller: &Caller,
    as_of: NaiveDate,
    filter: &DueFilter,
) -> AppResult<Vec<DueFollowUp>> {
    let scope = policy::follow_up(&caller.viewer)?;
    if let Some(m) = filter.months.iter().find(|m| !DUE_MONTHS.contains(m)) {
        return Err(AppError::validation(
            "filter.months",
            format!("month {m} is not chased: 1, 3 or 6"),
        ));
    }
    let months: Vec<i16> = if filter.months.is_empty() {
        DUE_MONTHS.to_vec()
    } else {
        filter.months.clone()
    };
    let mut cohorts = Query::select()
        .column((cohort::Entity, cohort::Column::Id))
        .from(cohort::Entity)
        .to_owned();
    match scope {
        EmploymentScope::Provider(org) => {
            cohorts.and_where(Expr::col((cohort::Entity, cohort::Column::ProviderId)).eq(org));
        }
        EmploymentScope::Region(r) => {
            cohorts.and_where(
                Expr::col((cohort::Entity, cohort::Column::AllianceId)).in_subquery(
                    Query::select()
                        .column(alliance::Column::Id)
                        .from(alliance::Entity)
                        .and_where(Expr::col(alliance::Column::RegionId).eq(r))
                        .to_owned(),
                ),
            );
        }
        EmploymentScope::Alliances(_) => {}
    }
    if let Some(code) = &filter.alliance {
        cohorts.and_where(
            Expr::col((cohort::Entity, cohort::Column::AllianceId)).in_subquery(
                Query::select()
                    .column(alliance::Column::Id)
                    .from(alliance::Entity)
                    .and_where(Expr::col(alliance::Column::Code).eq(code.as_str()))
                    .to_owned(),
            ),
        );
    }
    let window_start = as_of
        .checked_sub_months(Months::new(FOLLOW_UP_WINDOW_MONTHS))
        .unwrap_or(as_of);
    let completions = enrollment::Entity::find()
        .filter(enrollment::Column::Status.eq(EnrollmentStatus::Completed))
        .filter(enrollment::Column::EndedAt.gte(window_start.and_time(NaiveTime::MIN).and_utc()))
        .filter(
            enrollment::Column::EndedAt.lt((as_of + chrono::Days::new(1))
                .and_time(NaiveTime::MIN)
                .and_utc()),
        )
        .filter(enrollment::Column::CohortId.in_subquery(cohorts))
        .all(db)
        .await?;
    let ids: Vec<i32> = completions.iter().map(|e| e.id).collect();
    let mut recorded: HashSet<(i32, i16)> = HashSet::new();
    for chunk in ids.chunks(5_000) {
        for f in follow_up::Entity::find()
            .filter(follow_up::Column::EnrollmentId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            recorded.insert((f.enrollment_id, f.month));
        }
    }
    let mut out = Vec::new();
    for e in completions {
        let Some(done) = completion_day(&e) else {
            continue;
        };
        for &m in &months {
            let Some(due_on) = done.checked_add_months(Months::new(m as u32)) else {
                continue;
            };
            if due_on <= as_of && !recorded.contains(&(e.id, m)) {
                out.push(DueFollowUp {
                    enrollment: e.clone(),
                    month: m,
                    due_on,
                    days_overdue: (as_of - due_on).num_days(),
                });
            }
        }
    }
    out.sort_by_key(|d| (d.due_on, d.enrollment.id, d.month));
    Ok(out)
}

/// A dimension to group placement rates by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlacementDimension {
    /// The cohort's alliance.
    Alliance,
    /// The alliance's region.
    Region,
    /// The training provider.
    Provider,
    /// The occupation trained for.
    Occupation,
    /// The kind of cohort.
    CohortKind,
    /// The quarter of completion (`2026-Q2`).
    Quarter,
}

/// Which completers to count.
#[derive(Debug, Clone)]
pub struct PlacementFilter {
    /// The first completion day counted.
    pub from: NaiveDate,
    /// The last completion day counted.
    pub to: NaiveDate,
    /// Only these alliances.
    pub alliances: Vec<AllianceCode>,
    /// Only these regions.
    pub regions: Vec<RegionCode>,
    /// Only these providers.
    pub providers: Vec<i32>,
    /// Only occupations under this prefix.
    pub occupation: Option<OccupationPrefix>,
    /// Only these kinds of cohort.
    pub cohort_kinds: Vec<CohortKind>,
}

/// The counts behind a group's placement rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlacementCounts {
    /// Completers.
    pub completers: u64,
    /// Completers with a month-3 follow-up.
    pub followed_up_month3: u64,
    /// Employed at the month-3 follow-up.
    pub employed_month3: u64,
    /// Employed in the occupation trained for at month 3.
    pub matched_month3: u64,
    /// Completers with a month-6 follow-up.
    pub followed_up_month6: u64,
    /// Employed at the month-6 follow-up.
    pub employed_month6: u64,
    /// Employed in the occupation trained for at month 6.
    pub matched_month6: u64,
}

impl PlacementCounts {
    /// Adds another cell's counts to these.
    pub fn add(&mut self, other: &Self) {
        self.completers += other.completers;
        self.followed_up_month3 += other.followed_up_month3;
        self.employed_month3 += other.employed_month3;
        self.matched_month3 += other.matched_month3;
        self.followed_up_month6 += other.followed_up_month6;
        self.employed_month6 += other.employed_month6;
        self.matched_month6 += other.matched_month6;
    }

    /// Whether the group is too small to report.
    pub fn suppressed(&self) -> bool {
        self.completers < MIN_GROUP
    }

    /// Employed at month 3 ÷ completers.
    pub fn rate_month3(&self) -> Option<f64> {
        ratio(self.employed_month3, self.completers)
    }

    /// Employed at month 6 ÷ completers.
    pub fn rate_month6(&self) -> Option<f64> {
        ratio(self.employed_month6, self.completers)
    }
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// One group of placement figures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlacementRow {
    /// The alliance, when grouped by it.
    pub alliance_id: Option<i32>,
    /// The region, when grouped by it.
    pub region_id: Option<i32>,
    /// The provider, when grouped by it.
    pub provider_id: Option<i32>,
    /// The occupation, when grouped by it.
    pub occupation: Option<String>,
    /// The kind of cohort, when grouped by it.
    pub cohort_kind: Option<CohortKind>,
    /// The quarter, when grouped by it (`2026-Q2`).
    pub quarter: Option<String>,
    /// The counts.
    pub counts: PlacementCounts,
}

fn day_start(d: NaiveDate) -> chrono::DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

/// The start of a day as a bound of the period scanned. PostgreSQL plans a prepared statement
/// once for any parameters after a few runs, guessing that a range keeps a fraction of a percent
/// of the rows — for a year of completers it then picks nested loops and runs twice as long — so
/// there the bound is written into the statement. It comes from a `NaiveDate`, never from text a
/// client sent, so nothing can be injected.
fn period_bound(backend: DbBackend, d: NaiveDate) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust(format!(
            "TIMESTAMPTZ '{} 00:00:00+00'",
            d.format("%Y-%m-%d")
        )),
        _ => Expr::val(day_start(d)),
    }
}

/// The quarters from `from` to `to`, as (label, first day, first day of the next).
fn quarters(from: NaiveDate, to: NaiveDate) -> Vec<(String, NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let q0 = (from.month0() / 3) * 3 + 1;
    let mut start = NaiveDate::from_ymd_opt(from.year(), q0, 1).unwrap_or(from);
    while start <= to {
        let next = start.checked_add_months(Months::new(3)).unwrap_or(to);
        out.push((
            format!("{}-Q{}", start.year(), start.month0() / 3 + 1),
            start,
            next,
        ));
        if next <= start {
            break;
        }
        start = next;
    }
    out
}

fn e_col(c: enrollment::Column) -> Expr {
    Expr::col((enrollment::Entity, c))
}

fn c_col(c: cohort::Column) -> Expr {
    Expr::col((cohort::Entity, c))
}

/// Completers of a period joined to their cohort, alliance and month-3 and month-6 follow-ups,
/// filtered; the caller adds the grouping.
fn completers_select(backend: DbBackend, filter: &PlacementFilter) -> SelectStatement {
    let f3 = Alias::new("f3");
    let f6 = Alias::new("f6");
    let employed = |t: &Alias| {
        Expr::case(
            Expr::col((t.clone(), follow_up::Column::Employed)).eq(true),
            1,
        )
        .finally(0)
    };
    let matched = |t: &Alias| {
        Expr::case(
            Expr::col((t.clone(), follow_up::Column::Employed))
                .eq(true)
                .and(Expr::col((t.clone(), follow_up::Column::OccupationMatch)).eq(true)),
            1,
        )
        .finally(0)
    };
    let mut q = Query::select();
    q.from(enrollment::Entity)
        .inner_join(
            cohort::Entity,
            c_col(cohort::Column::Id).equals((enrollment::Entity, enrollment::Column::CohortId)),
        )
        .inner_join(
            alliance::Entity,
            Expr::col((alliance::Entity, alliance::Column::Id))
                .equals((cohort::Entity, cohort::Column::AllianceId)),
        )
        .join_as(
            JoinType::LeftJoin,
            follow_up::Entity,
            f3.clone(),
            Condition::all()
                .add(
                    Expr::col((f3.clone(), follow_up::Column::EnrollmentId))
                        .equals((enrollment::Entity, enrollment::Column::Id)),
                )
                .add(Expr::col((f3.clone(), follow_up::Column::Month)).eq(3)),
        )
        .join_as(
            JoinType::LeftJoin,
            follow_up::Entity,
            f6.clone(),
            Condition::all()
                .add(
                    Expr::col((f6.clone(), follow_up::Column::EnrollmentId))
                        .equals((enrollment::Entity, enrollment::Column::Id)),
                )
                .add(Expr::col((f6.clone(), follow_up::Column::Month)).eq(6)),
        )
        .expr_as(
            Func::count(e_col(enrollment::Column::Id)),
            Alias::new("completers"),
        )
        .expr_as(
            Func::count(Expr::col((f3.clone(), follow_up::Column::Id))),
            Alias::new("followed3"),
        )
        .expr_as(Func::sum(employed(&f3)), Alias::new("employed3"))
        .expr_as(Func::sum(matched(&f3)), Alias::new("matched3"))
        .expr_as(
            Func::count(Expr::col((f6.clone(), follow_up::Column::Id))),
            Alias::new("followed6"),
        )
        .expr_as(Func::sum(employed(&f6)), Alias::new("employed6"))
        .expr_as(Func::sum(matched(&f6)), Alias::new("matched6"))
        .and_where(e_col(enrollment::Column::Status).eq(EnrollmentStatus::Completed))
        .and_where(e_col(enrollment::Column::EndedAt).gte(period_bound(backend, filter.from)))
        .and_where(
            e_col(enrollment::Column::EndedAt)
                .lt(period_bound(backend, filter.to + chrono::Days::new(1))),
        );
    if !filter.alliances.is_empty() {
        q.and_where(
            Expr::col((alliance::Entity, alliance::Column::Code))
                .is_in(filter.alliances.iter().map(|a| a.as_str().to_owned())),
        );
    }
    if !filter.regions.is_empty() {
        q.and_where(
            Expr::col((alliance::Entity, alliance::Column::RegionId)).in_subquery(
                Query::select()
                    .column(region::Column::Id)
                    .from(region::Entity)
                    .and_where(
                        Expr::col(region::Column::Code)
                            .is_in(filter.regions.iter().map(|r| r.as_str().to_owned())),
                    )
                    .to_owned(),
            ),
        );
    }
    if !filter.providers.is_empty() {
        q.and_where(c_col(cohort::Column::ProviderId).is_in(filter.providers.iter().copied()));
    }
    if let Some(prefix) = &filter.occupation {
        q.and_where(
            c_col(cohort::Column::OccupationCode).like(LikeExpr::new(prefix.like_pattern())),
        );
    }
    if !filter.cohort_kinds.is_empty() {
        q.and_where(c_col(cohort::Column::Kind).is_in(filter.cohort_kinds.iter().copied()));
    }
    q
}

fn count_of(row: &sea_orm::QueryResult, name: &str) -> AppResult<u64> {
    let v: Option<i64> = row.try_get("", name)?;
    Ok(u64::try_from(v.unwrap_or(0)).unwrap_or(0))
}

fn counts_of(row: &sea_orm::QueryResult) -> AppResult<PlacementCounts> {
    Ok(PlacementCounts {
        completers: count_of(row, "completers")?,
        followed_up_month3: count_of(row, "followed3")?,
        employed_month3: count_of(row, "employed3")?,
        matched_month3: count_of(row, "matched3")?,
        followed_up_month6: count_of(row, "followed6")?,
        employed_month6: count_of(row, "employed6")?,
        matched_month6: count_of(row, "matched6")?,
    })
}

/// Placement figures for the completers of a period, grouped by `dims` (one total when empty), in
/// one aggregate statement. Aggregates only: no learner appears. Groups are ordered by their keys.
///
/// With [`Precision::Protected`] the period snaps to whole quarters and the figures are sums of
/// the atomic cells (quarter × alliance × provider × occupation × cohort kind) of at least
/// [`disclosure::MIN_CELL`] completers; smaller cells are left out of every figure, so no two
/// answers can be differenced into one person's outcome (`domain::disclosure`). A group whose
/// cells are all left out is reported as suppressed.
pub async fn placement_rates(
    db: &DatabaseConnection,
    precision: Precision,
    filter: &PlacementFilter,
    dims: &[PlacementDimension],
) -> AppResult<Vec<PlacementRow>> {
    if precision == Precision::Exact {
        return placement_rates_exact(db, filter, dims).await;
    }
    let (from, to) = disclosure::period(precision, filter.from, filter.to);
    let snapped = PlacementFilter {
        from,
        to,
        ..filter.clone()
    };
    use PlacementDimension::*;
    let cells = placement_rates_exact(
        db,
        &snapped,
        &[Alliance, Region, Provider, Occupation, CohortKind, Quarter],
    )
    .await?;
    let wanted: BTreeSet<PlacementDimension> = dims.iter().copied().collect();
    let key_of = |c: &PlacementRow| PlacementRow {
        alliance_id: c.alliance_id.filter(|_| wanted.contains(&Alliance)),
        region_id: c.region_id.filter(|_| wanted.contains(&Region)),
        provider_id: c.provider_id.filter(|_| wanted.contains(&Provider)),
        occupation: c
            .occupation
            .clone()
            .filter(|_| wanted.contains(&Occupation)),
        cohort_kind: c.cohort_kind.filter(|_| wanted.contains(&CohortKind)),
        quarter: c.quarter.clone().filter(|_| wanted.contains(&Quarter)),
        counts: PlacementCounts::default(),
    };
    type GroupKey = (
        Option<i32>,
        Option<i32>,
        Option<i32>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let group_of = |row: &PlacementRow| -> GroupKey {
        (
            row.alliance_id,
            row.region_id,
            row.provider_id,
            row.occupation.clone(),
            row.cohort_kind.map(|k| k.to_value()),
            row.quarter.clone(),
        )
    };
    // Every group that has completers at all, so that a group of small cells only is reported
    // suppressed rather than silently missing.
    let mut groups: HashMap<GroupKey, PlacementRow> = HashMap::new();
    for cell in &cells {
        let key = key_of(cell);
        groups.entry(group_of(&key)).or_insert(key);
    }
    let released = disclosure::release(
        precision,
        cells,
        |c| {
            (
                c.quarter.clone(),
                c.alliance_id,
                c.provider_id,
                c.occupation.clone(),
                c.cohort_kind.map(|k| k.to_value()),
            )
        },
        |c| c.counts.completers,
    );
    for cell in released {
        if let Some(group) = groups.get_mut(&group_of(&key_of(&cell))) {
            group.counts.add(&cell.counts);
        }
    }
    let mut groups: Vec<PlacementRow> = groups.into_values().collect();
    sort_rows(&mut groups);
    Ok(groups)
}

async fn placement_rates_exact(
    db: &DatabaseConnection,
    filter: &PlacementFilter,
    dims: &[PlacementDimension],
) -> AppResult<Vec<PlacementRow>> {
    if filter.to < filter.from {
        return Err(AppError::validation("filter.to", "must not be before from"));
    }
    if (filter.to - filter.from).num_days() > 366 * 10 {
        return Err(AppError::validation(
            "filter.to",
            "a period of at most ten years",
        ));
    }
    let dims: BTreeSet<PlacementDimension> = dims.iter().copied().collect();
    let mut q = completers_select(db.get_database_backend(), filter);
    for d in &dims {
        let (expr, alias) = match d {
            PlacementDimension::Alliance => (c_col(cohort::Column::AllianceId), "g_alliance"),
            PlacementDimension::Region => (
                Expr::col((alliance::Entity, alliance::Column::RegionId)),
                "g_region",
            ),
            PlacementDimension::Provider => (c_col(cohort::Column::ProviderId), "g_provider"),
            PlacementDimension::Occupation => {
                (c_col(cohort::Column::OccupationCode), "g_occupation")
            }
            PlacementDimension::CohortKind => (c_col(cohort::Column::Kind), "g_kind"),
            PlacementDimension::Quarter => {
                // Arithmetic on the timestamp would differ by backend; comparisons do not.
                let mut case = sea_orm::sea_query::CaseStatement::new();
                for (label, _, next) in quarters(filter.from, filter.to) {
                    case = case.case(
                        e_col(enrollment::Column::EndedAt).lt(day_start(next)),
                        Expr::val(label),
                    );
                }
                (case.finally(Expr::val("")).into(), "g_quarter")
            }
        };
        // Grouped by the output name: the same expression written twice would carry its
        // parameters twice, and PostgreSQL could not tell the two apart.
        q.expr_as(expr, Alias::new(alias));
        q.add_group_by([Expr::col(Alias::new(alias))]);
    }
    let rows = db.query_all(&q).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut r = PlacementRow {
            counts: counts_of(&row)?,
            ..Default::default()
        };
        for d in &dims {
            match d {
                PlacementDimension::Alliance => r.alliance_id = row.try_get("", "g_alliance")?,
                PlacementDimension::Region => r.region_id = row.try_get("", "g_region")?,
                PlacementDimension::Provider => r.provider_id = row.try_get("", "g_provider")?,
                PlacementDimension::Occupation => {
                    r.occupation = row.try_get("", "g_occupation")?;
                }
                PlacementDimension::CohortKind => {
                    let kind: Option<String> = row.try_get("", "g_kind")?;
                    r.cohort_kind = kind.and_then(|k| CohortKind::try_from_value(&k).ok());
                }
                PlacementDimension::Quarter => r.quarter = row.try_get("", "g_quarter")?,
            }
        }
        if r.counts.completers > 0 {
            out.push(r);
        }
    }
    sort_rows(&mut out);
    Ok(out)
}

fn sort_rows(out: &mut [PlacementRow]) {
    out.sort_by(|a, b| {
        (
            a.alliance_id,
            a.region_id,
            a.provider_id,
            &a.occupation,
            a.cohort_kind.map(|k| k.to_value()),
            &a.quarter,
        )
            .cmp(&(
                b.alliance_id,
                b.region_id,
                b.provider_id,
                &b.occupation,
                b.cohort_kind.map(|k| k.to_value()),
                &b.quarter,
            ))
    });
}

/// Which occupations to balance.
#[derive(Debug, Clone, Default)]
pub struct BalanceFilter {
    /// Only these alliances (demands posted to them, cohorts in them, bodies that are members).
    pub alliances: Vec<AllianceCode>,
    /// Only these regions.
    pub regions: Vec<RegionCode>,
    /// Only occupations under this prefix.
    pub occupation: Option<OccupationPrefix>,
    /// Certificates issued and hires made from this day.
    pub from: Option<NaiveDate>,
    /// ... to this day.
    pub to: Option<NaiveDate>,
}

/// Supply and demand of one occupation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BalanceRow {
    /// The occupation.
    pub occupation: String,
    /// Open demanded headcount: places of OPEN demands not yet filled.
    pub open_headcount: i64,
    /// Seats of PLANNED cohorts.
    pub planned_seats: i64,
    /// Seats of RUNNING cohorts.
    pub running_seats: i64,
    /// VALID certificates issued.
    pub certificates: i64,
    /// HIRED recommendations.
    pub hires: i64,
}

/// Supply and demand per occupation across alliances, in four aggregate statements. With
/// [`Precision::Protected`] the period snaps to whole quarters and certificates are counted from
/// cells (occupation × body × quarter) of at least [`disclosure::MIN_CELL`] only. Hires are
/// places filled, public per demand as `Demand.hired`.
pub async fn skills_balance(
    db: &DatabaseConnection,
    precision: Precision,
    filter: &BalanceFilter,
) -> AppResult<Vec<BalanceRow>> {
    let (from, to) = match (filter.from, filter.to) {
        (Some(f), Some(t)) => {
            let (f, t) = disclosure::period(precision, f, t);
            (Some(f), Some(t))
        }
        (f, t) => (
            f.map(|f| disclosure::period(precision, f, f).0),
            t.map(|t| disclosure::period(precision, t, t).1),
        ),
    };
    let alliance_ids: Option<Vec<i32>> = if filter.alliances.is_empty() {
        None
    } else {
        let found = alliance::Entity::find()
            .filter(
                alliance::Column::Code
                    .is_in(filter.alliances.iter().map(|a| a.as_str().to_owned())),
            )
            .all(db)
            .await?;
        Some(found.into_iter().map(|a| a.id).collect())
    };
    let region_ids: Option<Vec<i32>> = if filter.regions.is_empty() {
        None
    } else {
        let found = region::Entity::find()
            .filter(
                region::Column::Code.is_in(filter.regions.iter().map(|r| r.as_str().to_owned())),
            )
            .all(db)
            .await?;
        Some(found.into_iter().map(|r| r.id).collect())
    };
    let like = filter.occupation.as_ref().map(|p| p.like_pattern());
    let mut rows: BTreeMap<String, BalanceRow> = BTreeMap::new();
    let mut add = |code: String, f: &dyn Fn(&mut BalanceRow)| {
        let r = rows.entry(code.clone()).or_insert_with(|| BalanceRow {
            occupation: code,
            ..Default::default()
        });
        f(r);
    };

    // Demand: open places of OPEN demands.
    let dcol = |c: demand::Column| Expr::col((demand::Entity, c));
    let mut q = Query::select();
    q.from(demand::Entity)
        .expr_as(
            dcol(demand::Column::OccupationCode),
            Alias::new("occupation"),
        )
        .expr_as(
            Func::sum(dcol(demand::Column::Headcount).sub(dcol(demand::Column::Hired))),
            Alias::new("n"),
        )
        .and_where(dcol(demand::Column::Status).eq(DemandStatus::Open))
        .add_group_by([dcol(demand::Column::OccupationCode)]);
    if let Some(ids) = &alliance_ids {
        q.and_where(
            dcol(demand::Column::Id).in_subquery(
                Query::select()
                    .column(demand_alliance::Column::DemandId)
                    .from(demand_alliance::Entity)
                    .and_where(
                        Expr::col(demand_alliance::Column::AllianceId).is_in(ids.iter().copied()),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(ids) = &region_ids {
        q.and_where(dcol(demand::Column::RegionId).is_in(ids.iter().copied()));
    }
    if let Some(like) = &like {
        q.and_where(dcol(demand::Column::OccupationCode).like(LikeExpr::new(like.clone())));
    }
    for r in db.query_all(&q).await? {
        let code: String = r.try_get("", "occupation")?;
        let n: Option<i64> = r.try_get("", "n")?;
        add(code, &|row| row.open_headcount = n.unwrap_or(0));
    }

    // Training: seats of PLANNED and RUNNING cohorts.
    let mut q = Query::select();
    q.from(cohort::Entity)
        .expr_as(
            c_col(cohort::Column::OccupationCode),
            Alias::new("occupation"),
        )
        .expr_as(c_col(cohort::Column::Status), Alias::new("status"))
        .expr_as(Func::sum(c_col(cohort::Column::Capacity)), Alias::new("n"))
        .and_where(
            c_col(cohort::Column::Status).is_in([CohortStatus::Planned, CohortStatus::Running]),
        )
        .add_group_by([
            c_col(cohort::Column::OccupationCode),
            c_col(cohort::Column::Status),
        ]);
    if let Some(ids) = &alliance_ids {
        q.and_where(c_col(cohort::Column::AllianceId).is_in(ids.iter().copied()));
    }
    if let Some(ids) = &region_ids {
        q.and_where(
            c_col(cohort::Column::AllianceId).in_subquery(
                Query::select()
                    .column(alliance::Column::Id)
                    .from(alliance::Entity)
                    .and_where(Expr::col(alliance::Column::RegionId).is_in(ids.iter().copied()))
                    .to_owned(),
            ),
        );
    }
    if let Some(like) = &like {
        q.and_where(c_col(cohort::Column::OccupationCode).like(LikeExpr::new(like.clone())));
    }
    for r in db.query_all(&q).await? {
        let code: String = r.try_get("", "occupation")?;
        let status: String = r.try_get("", "status")?;
        let n: Option<i64> = r.try_get("", "n")?;
        let n = n.unwrap_or(0);
        if status == CohortStatus::Planned.to_value() {
            add(code, &|row| row.planned_seats = n);
        } else {
            add(code, &|row| row.running_seats = n);
        }
    }

    // Evaluation: VALID certificates, by the issuing body's organization.
    let mut q = Query::select();
    let ccol = |c: certificate::Column| Expr::col((certificate::Entity, c));
    q.from(certificate::Entity)
        .expr_as(
            ccol(certificate::Column::OccupationCode),
            Alias::new("occupation"),
        )
        .expr_as(ccol(certificate::Column::BodyId), Alias::new("body"))
        .expr_as(ccol(certificate::Column::IssuedOn), Alias::new("issued"))
        .expr_as(Func::count(ccol(certificate::Column::Id)), Alias::new("n"))
        .and_where(ccol(certificate::Column::Status).eq(CertificateStatus::Valid))
        .add_group_by([
            ccol(certificate::Column::OccupationCode),
            ccol(certificate::Column::BodyId),
            ccol(certificate::Column::IssuedOn),
        ]);
    if let Some(from) = from {
        q.and_where(ccol(certificate::Column::IssuedOn).gte(from));
    }
    if let Some(to) = to {
        q.and_where(ccol(certificate::Column::IssuedOn).lte(to));
    }
    if let Some(ids) = &alliance_ids {
        q.and_where(
            ccol(certificate::Column::BodyId).in_subquery(
                Query::select()
                    .column((assessment_body::Entity, assessment_body::Column::Id))
                    .from(assessment_body::Entity)
                    .inner_join(
                        membership::Entity,
                        Expr::col((membership::Entity, membership::Column::OrganizationId)).equals(
                            (
                                assessment_body::Entity,
                                assessment_body::Column::OrganizationId,
                            ),
                        ),
                    )
                    .and_where(
                        Expr::col((membership::Entity, membership::Column::AllianceId))
                            .is_in(ids.iter().copied()),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(ids) = &region_ids {
        q.and_where(
            ccol(certificate::Column::BodyId).in_subquery(
                Query::select()
                    .column((assessment_body::Entity, assessment_body::Column::Id))
                    .from(assessment_body::Entity)
                    .inner_join(
                        organization::Entity,
                        Expr::col((organization::Entity, organization::Column::Id)).equals((
                            assessment_body::Entity,
                            assessment_body::Column::OrganizationId,
                        )),
                    )
                    .and_where(
                        Expr::col((organization::Entity, organization::Column::RegionId))
                            .is_in(ids.iter().copied()),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(like) = &like {
        q.and_where(ccol(certificate::Column::OccupationCode).like(LikeExpr::new(like.clone())));
    }
    let mut cells: Vec<(String, i32, NaiveDate, i64)> = Vec::new();
    for r in db.query_all(&q).await? {
        cells.push((
            r.try_get("", "occupation")?,
            r.try_get("", "body")?,
            r.try_get("", "issued")?,
            r.try_get("", "n")?,
        ));
    }
    // People: the atomic cell is occupation × body × quarter (`domain::disclosure`).
    let released = disclosure::release(
        precision,
        cells,
        |(code, body, day, _)| (code.clone(), *body, disclosure::quarter_start(*day)),
        |(.., n)| u64::try_from(*n).unwrap_or_default(),
    );
    let mut certificates: BTreeMap<String, i64> = BTreeMap::new();
    for (code, _, _, n) in released {
        *certificates.entry(code).or_default() += n;
    }
    for (code, n) in certificates {
        add(code, &|row| row.certificates = n);
    }

    // Employment: HIRED recommendations, by the demand's occupation.
    let rcol = |c: recommendation::Column| Expr::col((recommendation::Entity, c));
    let mut q = Query::select();
    q.from(recommendation::Entity)
        .inner_join(
            demand::Entity,
            dcol(demand::Column::Id)
                .equals((recommendation::Entity, recommendation::Column::DemandId)),
        )
        .expr_as(
            dcol(demand::Column::OccupationCode),
            Alias::new("occupation"),
        )
        .expr_as(
            Func::count(rcol(recommendation::Column::Id)),
            Alias::new("n"),
        )
        .and_where(rcol(recommendation::Column::Outcome).eq(RecommendationOutcome::Hired))
        .add_group_by([dcol(demand::Column::OccupationCode)]);
    if let Some(from) = from {
        q.and_where(rcol(recommendation::Column::UpdatedAt).gte(day_start(from)));
    }
    if let Some(to) = to {
        q.and_where(
            rcol(recommendation::Column::UpdatedAt).lt(day_start(to + chrono::Days::new(1))),
        );
    }
    if let Some(ids) = &alliance_ids {
        q.and_where(
            dcol(demand::Column::Id).in_subquery(
                Query::select()
                    .column(demand_alliance::Column::DemandId)
                    .from(demand_alliance::Entity)
                    .and_where(
                        Expr::col(demand_alliance::Column::AllianceId).is_in(ids.iter().copied()),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(ids) = &region_ids {
        q.and_where(dcol(demand::Column::RegionId).is_in(ids.iter().copied()));
    }
    if let Some(like) = &like {
        q.and_where(dcol(demand::Column::OccupationCode).like(LikeExpr::new(like.clone())));
    }
    for r in db.query_all(&q).await? {
        let code: String = r.try_get("", "occupation")?;
        let n: i64 = r.try_get("", "n")?;
        add(code, &|row| row.hires = n);
    }
    Ok(rows.into_values().collect())
}

/// A catalogue item measured by the review.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewedItem {
    /// The item, after the review.
    pub item: catalogue_item::Model,
    /// Completers of that occupation and level in the region and year.
    pub completers: u64,
    /// Of them, employed at month 3.
    pub employed: u64,
    /// The month-3 placement rate.
    pub rate: f64,
    /// Whether this review moved it to UNDER_REVIEW (false: it was under review already).
    pub changed: bool,
}

/// A provider below the threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderBelow {
    /// The provider.
    pub provider_id: i32,
    /// Its completers in the region and year.
    pub completers: u64,
    /// Of them, employed at month 3.
    pub employed: u64,
    /// The month-3 placement rate.
    pub rate: f64,
}

/// What a catalogue review found.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewReport {
    /// The region reviewed.
    pub region_id: i32,
    /// The year reviewed.
    pub year: i16,
    /// The threshold.
    pub min_placement_rate: f64,
    /// Items below the threshold (with at least five completers), moved or already under review.
    pub items: Vec<ReviewedItem>,
    /// Providers below the threshold (with at least five completers).
    pub providers: Vec<ProviderBelow>,
}

/// The catalogue review of the regulator's region: items of `year` whose month-3 placement rate
/// for that year's completers (with at least five of them) is below `min_rate` move from LISTED to
/// UNDER_REVIEW with the measured rate as reason; providers below it are listed. Running it again
/// changes nothing more.
pub async fn review_catalogue(
    db: &DatabaseConnection,
    caller: &Caller,
    year: i32,
    min_rate: f64,
) -> AppResult<ReviewReport> {
    let region_id = policy::supervised_region(&caller.viewer)?;
    if !(2000..=2100).contains(&year) {
        return Err(AppError::validation("input.year", "2000 to 2100"));
    }
    if !(0.0..=1.0).contains(&min_rate) || !min_rate.is_finite() {
        return Err(AppError::validation(
            "input.minPlacementRate",
            "a share from 0 to 1 (0.45 for 45%)",
        ));
    }
    let from = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| AppError::validation("input.year", "not a year"))?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| AppError::validation("input.year", "not a year"))?;
    let region_code = region::Entity::find_by_id(region_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the token's region is gone"))?
        .code;
    let filter = PlacementFilter {
        from,
        to,
        alliances: vec![],
        regions: vec![RegionCode::parse(&region_code).map_err(AppError::internal)?],
        providers: vec![],
        occupation: None,
        cohort_kinds: vec![],
    };
    // Per occupation and level.
    let mut q = completers_select(db.get_database_backend(), &filter);
    q.expr_as(
        c_col(cohort::Column::OccupationCode),
        Alias::new("occupation"),
    )
    .expr_as(c_col(cohort::Column::TargetLevel), Alias::new("level"))
    .add_group_by([
        c_col(cohort::Column::OccupationCode),
        c_col(cohort::Column::TargetLevel),
    ]);
    let mut by_item: HashMap<(String, i16), PlacementCounts> = HashMap::new();
    for row in db.query_all(&q).await? {
        let code: String = row.try_get("", "occupation")?;
        let level: i16 = row.try_get("", "level")?;
        by_item.insert((code, level), counts_of(&row)?);
    }
    let providers = placement_rates(
        db,
        Precision::Exact,
        &filter,
        &[PlacementDimension::Provider],
    )
    .await?
    .into_iter()
    .filter(|r| !r.counts.suppressed())
    .filter_map(|r| {
        let rate = r.counts.rate_month3()?;
        (rate < min_rate).then_some(ProviderBelow {
            provider_id: r.provider_id?,
            completers: r.counts.completers,
            employed: r.counts.employed_month3,
            rate,
        })
    })
    .collect();
    let txn = crate::domain::begin_write(db).await?;
    let items = catalogue_item::Entity::find()
        .filter(catalogue_item::Column::RegionId.eq(region_id))
        .filter(catalogue_item::Column::Year.eq(year as i16))
        .filter(catalogue_item::Column::Status.is_in([
            CatalogueItemStatus::Listed,
            CatalogueItemStatus::UnderReview,
        ]))
        .order_by_asc(catalogue_item::Column::Id)
        .all(&txn)
        .await?;
    let mut reviewed = Vec::new();
    for item in items {
        let Some(counts) = by_item.get(&(item.occupation_code.clone(), level_rank(item.level)))
        else {
            continue;
        };
        let Some(rate) = counts.rate_month3().filter(|_| !counts.suppressed()) else {
            continue;
        };
        if rate >= min_rate {
            continue;
        }
        let changed = item.status == CatalogueItemStatus::Listed;
        let item = if changed {
            let reason = format!(
                "placement rate {:.1}% in {year} ({} of {} completers employed at month 3) is below the {:.1}% threshold",
                rate * 100.0,
                counts.employed_month3,
                counts.completers,
                min_rate * 100.0
            );
            let mut active: catalogue_item::ActiveModel = item.into();
            active.status = Set(CatalogueItemStatus::UnderReview);
            active.reason = Set(Some(reason.clone()));
            active.updated_at = Set(Utc::now());
            let saved = active.update(&txn).await?;
            audit::record(
                &txn,
                caller,
                audit::Entry {
                    action: "reviewCatalogue",
                    target_type: "CatalogueItem",
                    target_id: NodeKey::CatalogueItem(saved.id).to_id().0,
                    region_id: Some(region_id),
                    changes: Some(json!({
                        "status": { "from": "LISTED", "to": "UNDER_REVIEW" },
                        "reason": reason,
                        "completers": counts.completers,
                        "employedMonth3": counts.employed_month3,
                    })),
                },
            )
            .await?;
            saved
        } else {
            item
        };
        reviewed.push(ReviewedItem {
            item,
            completers: counts.completers,
            employed: counts.employed_month3,
            rate,
            changed,
        });
    }
    txn.commit().await?;
    Ok(ReviewReport {
        region_id,
        year: year as i16,
        min_placement_rate: min_rate,
        items: reviewed,
        providers,
    })
}

/// Whether a viewer may read a learner's follow-ups and recommendations: the full view of the
/// learner ([`policy::learner_view`]).
pub async fn may_see_learner(
    db: &DatabaseConnection,
    caller: &Caller,
    learner_id: i32,
) -> AppResult<bool> {
    learners::is_full(db, caller, &caller.access, learner_id).await
}
