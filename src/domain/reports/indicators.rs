//! The bureau's figures (`indicators`): training volume, completions, certificates and outcomes
//! of a region in a year or a quarter, by programme, target group, mode, occupation group, county
//! and quarter, against the targets the region set and its programmes' quotas.
//!
//! # What each indicator counts
//!
//! - TRAINED_PERSON_TIMES (培训人次): enrolments, not withdrawn, in cohorts that really started in
//!   the period (`startedOn`) and train in the region; SUBSIDISED_PERSON_TIMES those of subsidised
//!   cohorts. A person trained twice counts twice.
//! - COMPLETIONS (结业人次): enrolments COMPLETED in the period.
//! - CERTIFICATES (取证人次): certificates issued in the period and reached in the region (a
//!   session's venue, a competition's region, a recognising body's region), every route, revoked
//!   ones left out; SENIOR_CERTIFICATES at level 3 (高级工) and above, TECHNICIAN_CERTIFICATES at
//!   level 2 (技师) and above, DIGITAL_CERTIFICATES in the classification's digital occupations.
//!   Certificates belong to no programme and no mode.
//! - Of the completers of the period, at their month-6 follow-up: PLACEMENT_RATE employed by an
//!   employer (EMPLOYED); EMPLOYMENT_OR_BUSINESS_RATE working in any way (EMPLOYED,
//!   SELF_EMPLOYED, BUSINESS_STARTED) — 就业创业率; a completer not followed up counts as not
//!   placed. RETENTION_RATE (稳岗率): of the completers EMPLOYED at month 3, those EMPLOYED at
//!   month 6 by the same employer (the same organization, or the same name).
//!   SELF_EMPLOYMENT_RATE: SELF_EMPLOYED or BUSINESS_STARTED at month 6; JOBS_CREATED the jobs
//!   those businesses created, as recorded at month 6. STABLE_EMPLOYMENT_RATE (稳定就业): working
//!   in any way at both the month-3 and the month-6 follow-up. IN_POST_RETENTION_RATE (在岗培训
//!   稳岗率): of the completers of IN_POST and UPGRADE cohorts trained for an enterprise (its
//!   employees trained in post), those EMPLOYED by that enterprise at month 6. Rates are basis
//!   points (4500 = 45 %).
//!
//! - COMPETITIONS_HELD (职业技能竞赛场次): competitions held in the region whose last day falls
//!   in the period and whose results are published, enterprises' own contests (比武) left out;
//!   counted by quarter only (a competition belongs to no programme, mode, occupation group,
//!   county or target group) and never withheld (a competition is not a person).
//!   CITY_CLASS1_COMPETITIONS_HELD those of city class 1 (市级一类, the level the cities set
//!   yearly counts for).
//!
//! A learner counts in every target group they belong to, so rows by group do not add up to the
//! total. Figures are aggregates only: no person appears.
//!
//! # Disclosure
//!
//! For everyone but regulators ([`Precision::Protected`]) every figure is a sum of atomic cells
//! — quarter × programme × mode × occupation group × county (× target group when grouped by it),
//! one family of figures at a time (enrolments, completions with their outcomes, certificates) —
//! and a cell of fewer than [`disclosure::MIN_CELL`] people is left out of every figure, totals
//! included (`domain::read::disclosure`): two answers differ by whole released cells. Grouped by
//! target group (or purpose), the groups of a cell left out hold no one or at least five people
//! together (`disclosure::release_parts`), so the total less its groups recovers no small group.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use entity::{
    CertificateStatus, CompetitionLevel, CompetitionStatus, EnrollmentStatus, FollowUpOutcome,
    Indicator, SkillLevel, TrainingPurpose, alliance, certificate, cohort, competition, enrollment,
    follow_up, learner_target_group, occupation,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Alias, Condition, Expr, ExprTrait, Func, JoinType, Query, SelectStatement},
};

use super::placement::{c_col, e_col, period_bound, quarters};
use crate::domain::{
    kernel::codes::RegionCode,
    read::disclosure::{self, Precision},
};
use crate::error::AppResult;

/// A dimension the figures group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndicatorDimension {
    /// The programme the cohort belongs to (none for certificates and cohorts in none).
    Programme,
    /// A target group the learner belongs to (a learner counts in each of theirs).
    TargetGroup,
    /// The cohort's training mode.
    Mode,
    /// The occupation's middle group (`4-14`).
    OccupationGroup,
    /// The county where the cohort trains or the session sits.
    County,
    /// The quarter (`2026-Q2`).
    Quarter,
    /// The cohort's training purpose (岗前, 转岗, 在岗, 提升).
    Purpose,
}

/// The key of a row: the value of each dimension grouped by (`None` otherwise, or unknown).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndicatorKey {
    /// The programme.
    pub programme: Option<i32>,
    /// The target group.
    pub target_group: Option<i32>,
    /// The training mode, as stored.
    pub mode: Option<String>,
    /// The occupation group.
    pub occupation_group: Option<String>,
    /// The county.
    pub county: Option<i32>,
    /// The quarter.
    pub quarter: Option<String>,
    /// The training purpose, as stored.
    pub purpose: Option<String>,
}

/// The counts behind a row's indicators.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndicatorCounts {
    /// Enrolments in cohorts that started.
    pub trained: u64,
    /// Those of subsidised cohorts.
    pub subsidised: u64,
    /// Completions.
    pub completions: u64,
    /// Completers EMPLOYED at month 6.
    pub employed6: u64,
    /// Completers working in any way at month 6.
    pub working6: u64,
    /// Completers EMPLOYED at month 3.
    pub employed3: u64,
    /// Of those, EMPLOYED by the same employer at month 6.
    pub retained6: u64,
    /// Completers SELF_EMPLOYED or BUSINESS_STARTED at month 6.
    pub self_employed6: u64,
    /// Jobs their businesses created, as recorded at month 6.
    pub jobs_created: u64,
    /// Completers working in any way at months 3 and 6.
    pub stable: u64,
    /// Completers of in-post cohorts trained for an enterprise.
    pub in_post: u64,
    /// Of those, EMPLOYED by that enterprise at month 6.
    pub in_post_retained: u64,
    /// Certificates.
    pub certificates: u64,
    /// At level 3 and above.
    pub senior: u64,
    /// At level 2 and above.
    pub technician: u64,
    /// In digital occupations.
    pub digital: u64,
    /// Competitions held.
    pub competitions: u64,
    /// Of those, city competitions of class 1.
    pub city_class1: u64,
}

impl IndicatorCounts {
    fn add(&mut self, o: &Self) {
        self.trained += o.trained;
        self.subsidised += o.subsidised;
        self.completions += o.completions;
        self.employed6 += o.employed6;
        self.working6 += o.working6;
        self.employed3 += o.employed3;
        self.retained6 += o.retained6;
        self.self_employed6 += o.self_employed6;
        self.jobs_created += o.jobs_created;
        self.stable += o.stable;
        self.in_post += o.in_post;
        self.in_post_retained += o.in_post_retained;
        self.certificates += o.certificates;
        self.senior += o.senior;
        self.technician += o.technician;
        self.digital += o.digital;
        self.competitions += o.competitions;
        self.city_class1 += o.city_class1;
    }

    /// The value of `indicator`: a count, or a rate in basis points (`None` without anyone to
    /// divide by).
    pub fn value(&self, indicator: Indicator) -> Option<i64> {
        let count = |n: u64| Some(i64::try_from(n).unwrap_or(i64::MAX));
        let rate =
            |n: u64, d: u64| (d > 0).then(|| i64::try_from(n * 10_000 / d).unwrap_or(i64::MAX));
        match indicator {
            Indicator::TrainedPersonTimes => count(self.trained),
            Indicator::SubsidisedPersonTimes => count(self.subsidised),
            Indicator::Completions => count(self.completions),
            Indicator::Certificates => count(self.certificates),
            Indicator::SeniorCertificates => count(self.senior),
            Indicator::TechnicianCertificates => count(self.technician),
            Indicator::DigitalCertificates => count(self.digital),
            Indicator::PlacementRate => rate(self.employed6, self.completions),
            Indicator::EmploymentOrBusinessRate => rate(self.working6, self.completions),
            Indicator::RetentionRate => rate(self.retained6, self.employed3),
            Indicator::SelfEmploymentRate => rate(self.self_employed6, self.completions),
            Indicator::JobsCreated => count(self.jobs_created),
            Indicator::StableEmploymentRate => rate(self.stable, self.completions),
            Indicator::InPostRetentionRate => rate(self.in_post_retained, self.in_post),
            Indicator::CompetitionsHeld => count(self.competitions),
            Indicator::CityClass1CompetitionsHeld => count(self.city_class1),
        }
    }
}

/// Every indicator, in the order reports list them.
pub const INDICATORS: [Indicator; 16] = [
    Indicator::TrainedPersonTimes,
    Indicator::SubsidisedPersonTimes,
    Indicator::Completions,
    Indicator::Certificates,
    Indicator::SeniorCertificates,
    Indicator::TechnicianCertificates,
    Indicator::DigitalCertificates,
    Indicator::PlacementRate,
    Indicator::EmploymentOrBusinessRate,
    Indicator::RetentionRate,
    Indicator::SelfEmploymentRate,
    Indicator::JobsCreated,
    Indicator::StableEmploymentRate,
    Indicator::InPostRetentionRate,
    Indicator::CompetitionsHeld,
    Indicator::CityClass1CompetitionsHeld,
];

/// One row of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorRow {
    /// Its key.
    pub key: IndicatorKey,
    /// Its counts.
    pub counts: IndicatorCounts,
}

/// The figures of a region for a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorReport {
    /// The first day counted.
    pub from: NaiveDate,
    /// The last day counted.
    pub to: NaiveDate,
    /// The rows, by key (one row, the total, when nothing is grouped by).
    pub rows: Vec<IndicatorRow>,
    /// Every released cell added up.
    pub total: IndicatorCounts,
}

/// An atomic cell: one family's counts under its full key.
struct Cell {
    key: IndicatorKey,
    counts: IndicatorCounts,
    people: u64,
    family: u8,
}

/// Which figures: a region (and everything under it), a period, and optionally one programme
/// (its cohorts only; certificates belong to none).
#[derive(Debug, Clone)]
pub struct IndicatorScope {
    /// The region.
    pub region: RegionCode,
    /// The first day.
    pub from: NaiveDate,
    /// The last day.
    pub to: NaiveDate,
    /// Only this programme's cohorts.
    pub programme: Option<i32>,
}

/// The figures of `scope`, grouped by `group_by`, released as `precision` allows.
pub async fn indicators(
    db: &DatabaseConnection,
    precision: Precision,
    scope: &IndicatorScope,
    group_by: &[IndicatorDimension],
) -> AppResult<IndicatorReport> {
    let region = &scope.region;
    let (from, to) = (scope.from, scope.to);
    let (from, to) = disclosure::period(precision, from, to);
    let by_group = group_by.contains(&IndicatorDimension::TargetGroup);
    let by_purpose = group_by.contains(&IndicatorDimension::Purpose);
    // Target groups and purposes break an atomic cell into parts.
    let by_parts = by_group || by_purpose;
    let mut cells = Vec::new();
    for (label, first, next) in quarters(from, to) {
        let (first, last) = (
            Ord::max(first, from),
            Ord::min(next.pred_opt().unwrap_or(next), to),
        );
        if first > last {
            continue;
        }
        let q = Quarter {
            label: &label,
            first,
            last,
            region,
            by_group,
            by_purpose,
            programme: scope.programme,
        };
        cells.extend(enrolment_cells(db, &q).await?);
        cells.extend(completion_cells(db, &q).await?);
        if scope.programme.is_none() {
            cells.extend(certificate_cells(db, &q).await?);
        }
    }
    let cells = if by_parts {
        // A learner counts in each of their groups: a cell's groups overlap, and the cell less
        // its released groups (or purposes) must not be a small group (the secondary rule).
        disclosure::release_parts(
            precision,
            cells,
            |c| {
                let whole = IndicatorKey {
                    target_group: None,
                    purpose: None,
                    ..c.key.clone()
                };
                (c.family, whole)
            },
            |c| (c.key.target_group, c.key.purpose.clone()),
            |c| c.people,
        )
    } else {
        disclosure::release(
            precision,
            cells,
            |c| (c.family, c.key.clone()),
            |c| c.people,
        )
    };
    let mut cells = cells;
    if scope.programme.is_none() {
        // Not about people: nothing to withhold.
        cells.extend(competition_cells(db, region, from, to).await?);
    }
    let wanted: BTreeSet<IndicatorDimension> = group_by.iter().copied().collect();
    let has = |d: IndicatorDimension| wanted.contains(&d);
    let mut groups: BTreeMap<IndicatorKey, IndicatorCounts> = BTreeMap::new();
    let mut total = IndicatorCounts::default();
    for cell in &cells {
        let key = IndicatorKey {
            programme: cell
                .key
                .programme
                .filter(|_| has(IndicatorDimension::Programme)),
            target_group: cell
                .key
                .target_group
                .filter(|_| has(IndicatorDimension::TargetGroup)),
            mode: cell
                .key
                .mode
                .clone()
                .filter(|_| has(IndicatorDimension::Mode)),
            occupation_group: cell
                .key
                .occupation_group
                .clone()
                .filter(|_| has(IndicatorDimension::OccupationGroup)),
            county: cell.key.county.filter(|_| has(IndicatorDimension::County)),
            quarter: cell
                .key
                .quarter
                .clone()
                .filter(|_| has(IndicatorDimension::Quarter)),
            purpose: cell
                .key
                .purpose
                .clone()
                .filter(|_| has(IndicatorDimension::Purpose)),
        };
        groups.entry(key).or_default().add(&cell.counts);
        // A learner in several groups is one person in the total: the total adds the cells
        // fetched without the group, so only when grouping by none of them.
        if !by_parts {
            total.add(&cell.counts);
        }
    }
    if by_parts {
        let whole = IndicatorScope {
            from,
            to,
            ..scope.clone()
        };
        total = Box::pin(indicators(db, precision, &whole, &[]))
            .await?
            .total;
    }
    Ok(IndicatorReport {
        from,
        to,
        rows: groups
            .into_iter()
            .map(|(key, counts)| IndicatorRow { key, counts })
            .collect(),
        total,
    })
}

/// One quarter (or part of one) of a report.
struct Quarter<'a> {
    label: &'a str,
    first: NaiveDate,
    last: NaiveDate,
    region: &'a RegionCode,
    by_group: bool,
    by_purpose: bool,
    programme: Option<i32>,
}

/// The atomic columns of rows about a cohort: programme, mode, occupation group, county.
fn cohort_columns(q: &mut SelectStatement) {
    q.expr_as(c_col(cohort::Column::ProgrammeId), Alias::new("programme"))
        .expr_as(c_col(cohort::Column::Mode), Alias::new("mode"))
        .expr_as(
            Expr::cust(r#"SUBSTR("cohorts"."occupation_code", 1, 4)"#),
            Alias::new("og"),
        )
        .expr_as(c_col(cohort::Column::CountyId), Alias::new("county"))
        .group_by_col((cohort::Entity, cohort::Column::ProgrammeId))
        .group_by_col((cohort::Entity, cohort::Column::Mode))
        .add_group_by([Expr::cust(r#"SUBSTR("cohorts"."occupation_code", 1, 4)"#)])
        .group_by_col((cohort::Entity, cohort::Column::CountyId));
}

/// Joins a learner's target groups (one row each) and groups by them.
fn group_columns(q: &mut SelectStatement, learner: Expr) {
    q.inner_join(
        learner_target_group::Entity,
        Expr::col((
            learner_target_group::Entity,
            learner_target_group::Column::LearnerId,
        ))
        .eq(learner),
    )
    .expr_as(
        Expr::col((
            learner_target_group::Entity,
            learner_target_group::Column::TargetGroupId,
        )),
        Alias::new("tg"),
    )
    .group_by_col((
        learner_target_group::Entity,
        learner_target_group::Column::TargetGroupId,
    ));
}

/// A cohort's rows in the region (its alliance's city, or its county, under the region), and in
/// the programme when one is asked.
fn cohort_in_region(q: &mut SelectStatement, region: &RegionCode, programme: Option<i32>) {
    if let Some(programme) = programme {
        q.and_where(c_col(cohort::Column::ProgrammeId).eq(programme));
    }
    q.inner_join(
        alliance::Entity,
        Expr::col((alliance::Entity, alliance::Column::Id))
            .equals((cohort::Entity, cohort::Column::AllianceId)),
    )
    .cond_where(crate::domain::network::regions::located_in(
        std::slice::from_ref(region),
        (alliance::Entity, alliance::Column::RegionId),
        (cohort::Entity, cohort::Column::CountyId),
    ));
}

/// The key of a fetched row.
fn key_of(row: &sea_orm::QueryResult, quarter: &str) -> AppResult<IndicatorKey> {
    Ok(IndicatorKey {
        programme: row.try_get("", "programme")?,
        target_group: row.try_get::<Option<i32>>("", "tg").unwrap_or(None),
        purpose: row.try_get::<Option<String>>("", "purpose").unwrap_or(None),
        mode: row.try_get("", "mode")?,
        occupation_group: row.try_get("", "og")?,
        county: row.try_get("", "county")?,
        quarter: Some(quarter.to_owned()),
    })
}

fn n(row: &sea_orm::QueryResult, name: &str) -> AppResult<u64> {
    let v: Option<i64> = row.try_get("", name)?;
    Ok(u64::try_from(v.unwrap_or(0)).unwrap_or(0))
}

/// The cells of one family a statement fetches: each row's key, its counts (`read`) and the
/// people they are about.
async fn fetch(
    db: &DatabaseConnection,
    statement: &SelectStatement,
    q: &Quarter<'_>,
    family: u8,
    read: impl Fn(&sea_orm::QueryResult) -> AppResult<(IndicatorCounts, u64)>,
) -> AppResult<Vec<Cell>> {
    let mut cells = Vec::new();
    for row in db.query_all(statement).await? {
        let (counts, people) = read(&row)?;
        cells.push(Cell {
            key: key_of(&row, q.label)?,
            counts,
            people,
            family,
        });
    }
    Ok(cells)
}

/// `1` where `condition` holds, summed.
fn sum_if(condition: impl Into<Condition>) -> Expr {
    Func::sum(Expr::case(condition, 1).finally(0)).into()
}

async fn enrolment_cells(db: &DatabaseConnection, q: &Quarter<'_>) -> AppResult<Vec<Cell>> {
    let mut s = Query::select();
    s.from(enrollment::Entity).inner_join(
        cohort::Entity,
        c_col(cohort::Column::Id).equals((enrollment::Entity, enrollment::Column::CohortId)),
    );
    cohort_in_region(&mut s, q.region, q.programme);
    cohort_columns(&mut s);
    if q.by_purpose {
        s.expr_as(c_col(cohort::Column::Purpose), Alias::new("purpose"))
            .group_by_col((cohort::Entity, cohort::Column::Purpose));
    }
    if q.by_group {
        group_columns(&mut s, e_col(enrollment::Column::LearnerId));
    }
    s.expr_as(
        Func::count(e_col(enrollment::Column::Id)),
        Alias::new("trained"),
    )
    .expr_as(
        sum_if(c_col(cohort::Column::Subsidized).eq(true)),
        Alias::new("subsidised"),
    )
    .and_where(c_col(cohort::Column::StartedOn).gte(q.first))
    .and_where(c_col(cohort::Column::StartedOn).lte(q.last))
    .and_where(e_col(enrollment::Column::Status).ne(EnrollmentStatus::Withdrawn));
    fetch(db, &s, q, 0, |row| {
        let counts = IndicatorCounts {
            trained: n(row, "trained")?,
            subsidised: n(row, "subsidised")?,
            ..Default::default()
        };
        Ok((counts, counts.trained))
    })
    .await
}

async fn completion_cells(db: &DatabaseConnection, q: &Quarter<'_>) -> AppResult<Vec<Cell>> {
    let backend = db.get_database_backend();
    let (f3, f6) = (Alias::new("f3"), Alias::new("f6"));
    let outcome_is =
        |t: &Alias, o: FollowUpOutcome| Expr::col((t.clone(), follow_up::Column::Outcome)).eq(o);
    let follow = |t: &Alias, month: i16| {
        Condition::all()
            .add(
                Expr::col((t.clone(), follow_up::Column::EnrollmentId))
                    .equals((enrollment::Entity, enrollment::Column::Id)),
            )
            .add(Expr::col((t.clone(), follow_up::Column::Month)).eq(month))
    };
    let same_employer = Condition::any()
        .add(
            Expr::col((f3.clone(), follow_up::Column::EmployerId))
                .equals((f6.clone(), follow_up::Column::EmployerId)),
        )
        .add(
            Expr::col((f3.clone(), follow_up::Column::EmployerName))
                .equals((f6.clone(), follow_up::Column::EmployerName)),
        );
    // Employees trained in post for their employer.
    let in_post = Condition::all()
        .add(
            c_col(cohort::Column::Purpose)
                .is_in([TrainingPurpose::InPost, TrainingPurpose::Upgrade]),
        )
        .add(c_col(cohort::Column::EnterpriseId).is_not_null());
    let mut s = Query::select();
    s.from(enrollment::Entity)
        .inner_join(
            cohort::Entity,
            c_col(cohort::Column::Id).equals((enrollment::Entity, enrollment::Column::CohortId)),
        )
        .join_as(
            JoinType::LeftJoin,
            follow_up::Entity,
            f3.clone(),
            follow(&f3, 3),
        )
        .join_as(
            JoinType::LeftJoin,
            follow_up::Entity,
            f6.clone(),
            follow(&f6, 6),
        );
    cohort_in_region(&mut s, q.region, q.programme);
    cohort_columns(&mut s);
    if q.by_purpose {
        s.expr_as(c_col(cohort::Column::Purpose), Alias::new("purpose"))
            .group_by_col((cohort::Entity, cohort::Column::Purpose));
    }
    if q.by_group {
        group_columns(&mut s, e_col(enrollment::Column::LearnerId));
    }
    s.expr_as(
        Func::count(e_col(enrollment::Column::Id)),
        Alias::new("completions"),
    )
    .expr_as(
        sum_if(outcome_is(&f6, FollowUpOutcome::Employed)),
        Alias::new("employed6"),
    )
    .expr_as(
        sum_if(Expr::col((f6.clone(), follow_up::Column::Employed)).eq(true)),
        Alias::new("working6"),
    )
    .expr_as(
        sum_if(outcome_is(&f3, FollowUpOutcome::Employed)),
        Alias::new("employed3"),
    )
    .expr_as(
        sum_if(
            Condition::all()
                .add(outcome_is(&f3, FollowUpOutcome::Employed))
                .add(outcome_is(&f6, FollowUpOutcome::Employed))
                .add(same_employer),
        ),
        Alias::new("retained6"),
    )
    .expr_as(
        sum_if(
            Condition::any()
                .add(outcome_is(&f6, FollowUpOutcome::SelfEmployed))
                .add(outcome_is(&f6, FollowUpOutcome::BusinessStarted)),
        ),
        Alias::new("self_employed6"),
    )
    .expr_as(
        Func::sum(
            Expr::case(
                outcome_is(&f6, FollowUpOutcome::BusinessStarted),
                Func::coalesce([
                    Expr::col((f6.clone(), follow_up::Column::JobsCreated)),
                    Expr::val(0),
                ]),
            )
            .finally(0),
        ),
        Alias::new("jobs_created"),
    )
    .expr_as(
        sum_if(
            Condition::all()
                .add(Expr::col((f3.clone(), follow_up::Column::Employed)).eq(true))
                .add(Expr::col((f6.clone(), follow_up::Column::Employed)).eq(true)),
        ),
        Alias::new("stable"),
    )
    .expr_as(sum_if(in_post.clone()), Alias::new("in_post"))
    .expr_as(
        sum_if(
            in_post.add(outcome_is(&f6, FollowUpOutcome::Employed)).add(
                Expr::col((f6.clone(), follow_up::Column::EmployerId))
                    .equals((cohort::Entity, cohort::Column::EnterpriseId)),
            ),
        ),
        Alias::new("in_post_retained"),
    )
    .and_where(e_col(enrollment::Column::Status).eq(EnrollmentStatus::Completed))
    .and_where(e_col(enrollment::Column::EndedAt).gte(period_bound(backend, q.first)))
    .and_where(
        e_col(enrollment::Column::EndedAt).lt(period_bound(backend, q.last + chrono::Days::new(1))),
    );
    fetch(db, &s, q, 1, |row| {
        let counts = IndicatorCounts {
            completions: n(row, "completions")?,
            employed6: n(row, "employed6")?,
            working6: n(row, "working6")?,
            employed3: n(row, "employed3")?,
            retained6: n(row, "retained6")?,
            self_employed6: n(row, "self_employed6")?,
            jobs_created: n(row, "jobs_created")?,
            stable: n(row, "stable")?,
            in_post: n(row, "in_post")?,
            in_post_retained: n(row, "in_post_retained")?,
            ..Default::default()
        };
        Ok((counts, counts.completions))
    })
    .await
}

async fn certificate_cells(db: &DatabaseConnection, q: &Quarter<'_>) -> AppResult<Vec<Cell>> {
    let cert = |c: certificate::Column| Expr::col((certificate::Entity, c));
    // Written out, not bound: a bound argument is a new parameter in each clause, and
    // PostgreSQL would not see the grouped expression in the selected one.
    let og = || Expr::cust(r#"SUBSTR("certificates"."occupation_code", 1, 4)"#);
    let mut s = Query::select();
    s.from(certificate::Entity)
        .inner_join(
            occupation::Entity,
            Expr::col((occupation::Entity, occupation::Column::Code))
                .equals((certificate::Entity, certificate::Column::OccupationCode)),
        )
        .expr_as(Expr::cust("CAST(NULL AS INTEGER)"), Alias::new("programme"))
        .expr_as(Expr::cust("CAST(NULL AS VARCHAR(12))"), Alias::new("mode"))
        .expr_as(og(), Alias::new("og"))
        .expr_as(cert(certificate::Column::CountyId), Alias::new("county"))
        .add_group_by([og()])
        .group_by_col((certificate::Entity, certificate::Column::CountyId))
        // Where the level was reached, whatever the route.
        .cond_where(crate::domain::network::regions::located_in(
            std::slice::from_ref(q.region),
            (certificate::Entity, certificate::Column::RegionId),
            (certificate::Entity, certificate::Column::CountyId),
        ));
    if q.by_group {
        group_columns(&mut s, cert(certificate::Column::LearnerId));
    }
    s.expr_as(
        Func::count(cert(certificate::Column::Id)),
        Alias::new("certificates"),
    )
    .expr_as(
        sum_if(cert(certificate::Column::Level).is_in([
            SkillLevel::Level1,
            SkillLevel::Level2,
            SkillLevel::Level3,
        ])),
        Alias::new("senior"),
    )
    .expr_as(
        sum_if(cert(certificate::Column::Level).is_in([SkillLevel::Level1, SkillLevel::Level2])),
        Alias::new("technician"),
    )
    .expr_as(
        sum_if(Expr::col((occupation::Entity, occupation::Column::Digital)).eq(true)),
        Alias::new("digital"),
    )
    .and_where(cert(certificate::Column::IssuedOn).gte(q.first))
    .and_where(cert(certificate::Column::IssuedOn).lte(q.last))
    .and_where(cert(certificate::Column::Status).ne(CertificateStatus::Revoked));
    fetch(db, &s, q, 2, |row| {
        let counts = IndicatorCounts {
            certificates: n(row, "certificates")?,
            senior: n(row, "senior")?,
            technician: n(row, "technician")?,
            digital: n(row, "digital")?,
            ..Default::default()
        };
        Ok((counts, counts.certificates))
    })
    .await
}

/// Competitions held in `region` (or under it) whose last day falls between `from` and `to`,
/// with published results, enterprises' contests left out: one cell a quarter.
async fn competition_cells(
    db: &DatabaseConnection,
    region: &RegionCode,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<Cell>> {
    let held =
        competition::Entity::find()
            .filter(competition::Column::Status.eq(CompetitionStatus::ResultsPublished))
            .filter(competition::Column::Level.ne(CompetitionLevel::Enterprise))
            .filter(competition::Column::EndsOn.between(from, to))
            .filter(competition::Column::RegionId.in_subquery(
                crate::domain::network::regions::within(std::slice::from_ref(region)),
            ))
            .all(db)
            .await?;
    let mut by_quarter: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for c in held {
        let quarter = format!("{}-Q{}", c.ends_on.year(), c.ends_on.month0() / 3 + 1);
        let counted = by_quarter.entry(quarter).or_default();
        counted.0 += 1;
        counted.1 += u64::from(c.level == CompetitionLevel::CityClass1);
    }
    Ok(by_quarter
        .into_iter()
        .map(|(quarter, (n, class1))| Cell {
            key: IndicatorKey {
                quarter: Some(quarter),
                ..Default::default()
            },
            counts: IndicatorCounts {
                competitions: n,
                city_class1: class1,
                ..Default::default()
            },
            people: 0,
            family: 3,
        })
        .collect())
}
