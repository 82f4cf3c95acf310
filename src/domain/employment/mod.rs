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

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{Months, NaiveDate, NaiveTime, Utc};
use entity::{
    CertificateStatus, DemandStatus, EnrollmentStatus, RecommendationOutcome, SkillLevel, WageBand,
    alliance, certificate, cohort, demand, demand_alliance, enrollment, follow_up, learner,
    organization, recommendation, training_intention,
};
use sea_orm::{
    ActiveEnum,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
    sea_query::{Expr, ExprTrait, LikeExpr, Query, SelectStatement},
};
use serde_json::json;

use crate::domain::{
    kernel::{
        audit,
        codes::{AllianceCode, RegionCode},
        geo::Near,
    },
    orders::{Reason, level_rank, round},
    people::gate,
};
use crate::{
    auth::{
        Caller,
        policy::{self, AccessRules, EmploymentScope},
    },
    domain::kernel::ids::NodeKey,
    error::{AppError, AppResult},
};

/// Recommendations every certified or trained learner should have.
pub const REQUIRED_RECOMMENDATIONS: u64 = 3;

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
            policy::provider_in_relation(&facts_of(db, learner).await?, *org, rules, Utc::now())
        }
        EmploymentScope::Department(org) => {
            policy::department_in_relation(&facts_of(db, learner).await?, *org)
        }
        EmploymentScope::Alliances(alliances) => learner::Entity::find()
            .filter(learner::Column::Id.eq(learner.id))
            .filter(learner::Column::Id.in_subquery(completed_in(alliances)))
            .one(db)
            .await?
            .is_some(),
    })
}

/// What the graph holds about a learner's relations (`gate::facts` of one learner).
async fn facts_of(
    db: &impl ConnectionTrait,
    learner: &learner::Model,
) -> AppResult<policy::LearnerFacts> {
    Ok(gate::facts(db, &[(learner.id, learner.region_id)])
        .await?
        .remove(&learner.id)
        .unwrap_or_default())
}

fn outcome_name(o: RecommendationOutcome) -> String {
    o.to_value()
}

mod backlog;
mod follow_ups;
mod recommendations;
mod services;
mod suggestions;

pub use backlog::*;
pub use follow_ups::*;
pub use recommendations::*;
pub use services::*;
pub use suggestions::*;

/// Whether a viewer may read a learner's follow-ups and recommendations: the full view of the
/// learner ([`policy::learner_view`]).
pub async fn may_see_learner(
    db: &DatabaseConnection,
    caller: &Caller,
    learner_id: i32,
) -> AppResult<bool> {
    gate::is_full(db, caller, &caller.access, learner_id).await
}
