//! Supervision of subsidy claims (实名制、数字化、全流程监管): what a region's bureau pays, and the
//! records worth a second look.
//!
//! [`summary`] adds up a region's claims by provider, alliance and quarter (the quarter the claim
//! was submitted in): how many claims, and lines and fen by line status. [`flags`] walks the same
//! claims, newest first, and raises these kinds of flag:
//!
//! - **identical attendance**: every learner claimed for in a cohort (at least
//!   [`IDENTICAL_AT_LEAST`]) has the same attendance pattern: the same class days and, where the
//!   record has them, the same sign-in minutes. Real classes vary; copied rows do not.
//! - **two places on one day**: a learner claimed for is recorded attending another cohort on a
//!   day they attended this one (one flag per other cohort: the first such day, and how many).
//! - **employed elsewhere**: a learner claimed for was recorded, at a follow-up of another
//!   training, as employed full-time by someone other than the cohort's enterprise on a day
//!   within this cohort's training.
//! - **finished early**: the cohort really finished before its planned end.
//! - **few class days**: the cohort held fewer class days or teaching hours between its real
//!   start and finish than today's rules ask of its level (claims from before a rule changed,
//!   or from before the rule existed).
//! - **unconfirmed employer**: the enterprise the cohort names never confirmed it, or an
//!   apprentice's labour contract claimed for.
//! - **backdated start**: the cohort was recorded with a `startOn` further back than the rules
//!   allow.
//!
//! A flag is a reason to look, not a decision: the regulator still approves or rejects each line.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use entity::{ClaimLineStatus, attendance, claim_line, cohort, subsidy_claim};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Alias, Expr, ExprTrait, Func},
};

use crate::domain::training::cohorts::{HeldTraining, TrainingRules};
use crate::{
    auth::{Caller, policy},
    error::{AppError, AppResult},
};

/// The fewest learners of a claim whose attendance being identical raises a flag.
pub const IDENTICAL_AT_LEAST: usize = 3;
/// The most flags one request returns.
pub const MAX_FLAGS: usize = 200;
/// Claims examined together when raising flags.
const CLAIMS_PER_ROUND: u64 = 20;

/// Which claims to supervise.
#[derive(Debug, Clone, Default)]
pub struct SupervisionFilter {
    /// Only claims submitted in this year.
    pub year: Option<i32>,
    /// Only claims submitted in this quarter (1 to 4) of `year`.
    pub quarter: Option<u32>,
    /// Only this provider's.
    pub provider: Option<i32>,
    /// Only claims for cohorts of this alliance.
    pub alliance: Option<i32>,
}

/// The quarter (1 to 4) of a moment, in UTC+8 (China Standard Time), which is the bureau's.
pub fn quarter_of(t: DateTime<Utc>) -> (i32, u32) {
    let local = t + chrono::Duration::hours(8);
    (local.year(), (local.month() - 1) / 3 + 1)
}

fn quarter_start(year: i32, quarter: u32) -> AppResult<DateTime<Utc>> {
    let day = NaiveDate::from_ymd_opt(year, (quarter - 1) * 3 + 1, 1)
        .ok_or_else(|| AppError::validation("filter.year", "not a year"))?;
    Ok(
        Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
            - chrono::Duration::hours(8),
    )
}

fn claims_condition(region_id: i32, filter: &SupervisionFilter) -> AppResult<Condition> {
    let mut cond = Condition::all().add(subsidy_claim::Column::RegionId.eq(region_id));
    if let Some(p) = filter.provider {
        cond = cond.add(subsidy_claim::Column::ProviderId.eq(p));
    }
    if let Some(a) = filter.alliance {
        cond = cond.add(
            subsidy_claim::Column::CohortId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(cohort::Column::Id)
                    .from(cohort::Entity)
                    .and_where(cohort::Column::AllianceId.eq(a))
                    .to_owned(),
            ),
        );
    }
    match (filter.year, filter.quarter) {
        (None, Some(_)) => {
            return Err(AppError::validation(
                "filter.quarter",
                "a quarter needs its year",
            ));
        }
        (Some(y), q) => {
            if !(2000..=2100).contains(&y) {
                return Err(AppError::validation("filter.year", "2000 to 2100"));
            }
            let (from, to) = match q {
                Some(q @ 1..=4) => (
                    quarter_start(y, q)?,
                    if q == 4 {
                        quarter_start(y + 1, 1)?
                    } else {
                        quarter_start(y, q + 1)?
                    },
                ),
                Some(_) => return Err(AppError::validation("filter.quarter", "1 to 4")),
                None => (quarter_start(y, 1)?, quarter_start(y + 1, 1)?),
            };
            cond = cond
                .add(subsidy_claim::Column::CreatedAt.gte(from))
                .add(subsidy_claim::Column::CreatedAt.lt(to));
        }
        (None, None) => {}
    }
    Ok(cond)
}

/// Lines and fen of one line status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusTotal {
    /// The status.
    pub status: ClaimLineStatus,
    /// How many lines.
    pub lines: i64,
    /// What they come to, fen.
    pub amount_fen: i64,
}

/// One provider's claims in one alliance and quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    /// The provider.
    pub provider_id: i32,
    /// The alliance of the cohorts.
    pub alliance_id: i32,
    /// The year submitted.
    pub year: i32,
    /// The quarter submitted, 1 to 4.
    pub quarter: u32,
    /// How many claims.
    pub claims: i64,
    /// Lines and fen by status, in the order PENDING, APPROVED, REJECTED, PAID (statuses with
    /// no line left out).
    pub by_status: Vec<StatusTotal>,
}

const STATUSES: [ClaimLineStatus; 4] = [
    ClaimLineStatus::Pending,
    ClaimLineStatus::Approved,
    ClaimLineStatus::Rejected,
    ClaimLineStatus::Paid,
];

/// Lines and fen by status across `rows`, in the order of [`SummaryRow::by_status`].
pub fn totals(rows: &[SummaryRow]) -> Vec<StatusTotal> {
    STATUSES
        .iter()
        .filter_map(|status| {
            let of: Vec<&StatusTotal> = rows
                .iter()
                .flat_map(|r| r.by_status.iter())
                .filter(|t| t.status == *status)
                .collect();
            (!of.is_empty()).then(|| StatusTotal {
                status: *status,
                lines: of.iter().map(|t| t.lines).sum(),
                amount_fen: of.iter().map(|t| t.amount_fen).sum(),
            })
        })
        .collect()
}

/// The supervised region's claims by provider, alliance and quarter (ordered so), for its
/// regulator (SYSTEM_ADMIN: for the region it names).
pub async fn summary(
    db: &DatabaseConnection,
    caller: &Caller,
    region_id: Option<i32>,
    filter: &SupervisionFilter,
) -> AppResult<(i32, Vec<SummaryRow>)> {
    let region_id = policy::may_supervise_claims(&caller.viewer, region_id)?;
    let cond = claims_condition(region_id, filter)?;
    let claims = subsidy_claim::Entity::find()
        .filter(cond.clone())
        .all(db)
        .await?;
    let cohorts = crate::domain::training::cohorts::by_ids(
        db,
        &claims.iter().map(|c| c.cohort_id).collect::<Vec<_>>(),
    )
    .await?;
    let sums: Vec<(i32, ClaimLineStatus, i64, i64)> = claim_line::Entity::find()
        .select_only()
        .column(claim_line::Column::ClaimId)
        .column(claim_line::Column::Status)
        .column_as(claim_line::Column::Id.count(), "lines")
        .column_as(
            Expr::expr(Func::sum(Expr::col(claim_line::Column::AmountFen)))
                .cast_as(Alias::new("BIGINT")),
            "fen",
        )
        .filter(
            claim_line::Column::ClaimId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(subsidy_claim::Column::Id)
                    .from(subsidy_claim::Entity)
                    .cond_where(cond)
                    .to_owned(),
            ),
        )
        .group_by(claim_line::Column::ClaimId)
        .group_by(claim_line::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_claim: HashMap<i32, Vec<(ClaimLineStatus, i64, i64)>> = HashMap::new();
    for (claim, status, lines, fen) in sums {
        by_claim
            .entry(claim)
            .or_default()
            .push((status, lines, fen));
    }
    type Key = (i32, i32, i32, u32);
    type Cells = HashMap<ClaimLineStatus, (i64, i64)>;
    let mut rows: BTreeMap<Key, (i64, Cells)> = BTreeMap::new();
    for claim in &claims {
        let alliance_id = cohorts
            .get(&claim.cohort_id)
            .map(|c| c.alliance_id)
            .ok_or_else(|| AppError::internal("a claim without its cohort"))?;
        let (year, quarter) = quarter_of(claim.created_at);
        let row = rows
            .entry((claim.provider_id, alliance_id, year, quarter))
            .or_default();
        row.0 += 1;
        for (status, lines, fen) in by_claim.remove(&claim.id).unwrap_or_default() {
            let cell = row.1.entry(status).or_default();
            cell.0 += lines;
            cell.1 += fen;
        }
    }
    Ok((
        region_id,
        rows.into_iter()
            .map(
                |((provider_id, alliance_id, year, quarter), (claims, cells))| SummaryRow {
                    provider_id,
                    alliance_id,
                    year,
                    quarter,
                    claims,
                    by_status: STATUSES
                        .iter()
                        .filter_map(|s| {
                            cells.get(s).map(|(lines, fen)| StatusTotal {
                                status: *s,
                                lines: *lines,
                                amount_fen: *fen,
                            })
                        })
                        .collect(),
                },
            )
            .collect(),
    ))
}

/// What a flag points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlagKind {
    /// Every learner claimed for in the cohort has the same attendance pattern.
    IdenticalAttendance,
    /// A learner claimed for is recorded in another cohort on a class day of this one.
    TwoPlacesOneDay,
    /// A learner claimed for was recorded employed full-time elsewhere during the training.
    EmployedElsewhere,
    /// The cohort really finished before its planned end (the claim is priced pro rata; a
    /// training cut short is worth a look).
    FinishedEarly,
    /// The cohort held fewer class days or teaching hours than the rules ask of its level.
    FewClassDays,
    /// The enterprise the cohort names never confirmed it, or an apprentice's labour contract.
    UnconfirmedEmployer,
    /// The cohort was recorded with a start further in the past than the rules allow.
    BackdatedStart,
}

/// A record worth a second look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// What kind.
    pub kind: FlagKind,
    /// The claim.
    pub claim_id: i32,
    /// The cohort claimed for.
    pub cohort_id: i32,
    /// The line (none for a whole cohort's flag).
    pub line_id: Option<i32>,
    /// The learner (none for a whole cohort's flag).
    pub learner_id: Option<i32>,
    /// The day in question.
    pub day: Option<NaiveDate>,
    /// The other cohort (two places on one day).
    pub other_cohort_id: Option<i32>,
    /// What was found, in words (no personal data).
    pub detail: String,
}

/// The flags on the supervised region's claims (narrowed by `filter`, and to `kinds` unless
/// empty), newest claim first, at most `limit` (1 to [`MAX_FLAGS`]).
#[allow(clippy::too_many_arguments)]
pub async fn flags(
    db: &DatabaseConnection,
    caller: &Caller,
    rules: TrainingRules,
    region_id: Option<i32>,
    filter: &SupervisionFilter,
    kinds: &[FlagKind],
    limit: usize,
) -> AppResult<Vec<Flag>> {
    let region_id = policy::may_supervise_claims(&caller.viewer, region_id)?;
    if !(1..=MAX_FLAGS).contains(&limit) {
        return Err(AppError::validation(
            "first",
            format!("1 to {MAX_FLAGS} flags"),
        ));
    }
    let wants = Wants(kinds);
    let cond = claims_condition(region_id, filter)?;
    let mut out = Vec::new();
    let mut before: Option<i32> = None;
    while out.len() < limit {
        let mut round = subsidy_claim::Entity::find().filter(cond.clone());
        if let Some(id) = before {
            round = round.filter(subsidy_claim::Column::Id.lt(id));
        }
        let claims = round
            .order_by_desc(subsidy_claim::Column::Id)
            .limit(CLAIMS_PER_ROUND)
            .all(db)
            .await?;
        let Some(last) = claims.last() else { break };
        before = Some(last.id);
        let evidence = Evidence::read(db, &claims, wants).await?;
        for claim in &claims {
            out.extend(evidence.flags(claim, &rules, wants));
        }
        if (claims.len() as u64) < CLAIMS_PER_ROUND {
            break;
        }
    }
    out.truncate(limit);
    Ok(out)
}

/// The kinds of flag asked for (all when none is named).
#[derive(Clone, Copy)]
struct Wants<'a>(&'a [FlagKind]);

impl Wants<'_> {
    fn get(self, kind: FlagKind) -> bool {
        self.0.is_empty() || self.0.contains(&kind)
    }
}

/// What one round of claims is checked against, read in a few statements for all of them:
/// their cohorts and lines, every attendance of the learners claimed for, and, as the kinds
/// asked for need them, their follow-ups, the class days held and the claimed enrolments.
struct Evidence {
    cohorts: HashMap<i32, cohort::Model>,
    lines: HashMap<i32, Vec<claim_line::Model>>,
    /// The claimed enrolments' own attendance: their patterns.
    attended: HashMap<i32, Vec<attendance::Model>>,
    /// A claimed attendance and another enrolment's on the same day.
    elsewhere: Vec<(attendance::Model, attendance::Model)>,
    other_cohorts: HashMap<i32, entity::enrollment::Model>,
    jobs: HashMap<i32, Vec<entity::follow_up::Model>>,
    held: HashMap<i32, HeldTraining>,
    claimed_enrolments: HashMap<i32, entity::enrollment::Model>,
}

impl Evidence {
    async fn read(
        db: &DatabaseConnection,
        claims: &[subsidy_claim::Model],
        wants: Wants<'_>,
    ) -> AppResult<Self> {
        let cohorts = crate::domain::training::cohorts::by_ids(
            db,
            &claims.iter().map(|c| c.cohort_id).collect::<Vec<_>>(),
        )
        .await?;
        let lines = crate::domain::subsidies::lines_by_claim(
            db,
            &claims.iter().map(|c| c.id).collect::<Vec<_>>(),
        )
        .await?;
        let mut learners: Vec<i32> = lines.values().flatten().map(|l| l.learner_id).collect();
        learners.sort_unstable();
        learners.dedup();
        // Every attendance of the learners claimed for, read once: the claimed enrolments' own
        // rows are their patterns, the others' the clashes.
        let claimed: HashSet<i32> = lines.values().flatten().map(|l| l.enrollment_id).collect();
        let everywhere = crate::domain::children_of::<attendance::Entity>(
            db,
            attendance::Column::LearnerId,
            &learners,
            attendance::Column::Day,
            |a| a.learner_id,
        )
        .await?;
        let mut attended: HashMap<i32, Vec<attendance::Model>> = HashMap::new();
        for a in everywhere.values().flatten() {
            if claimed.contains(&a.enrollment_id) {
                attended.entry(a.enrollment_id).or_default().push(a.clone());
            }
        }
        let elsewhere = if wants.get(FlagKind::TwoPlacesOneDay) {
            same_day_elsewhere(&everywhere, &claimed)
        } else {
            Vec::new()
        };
        let jobs = if wants.get(FlagKind::EmployedElsewhere) {
            crate::domain::employment::follow_ups_by_learner(db, &learners).await?
        } else {
            HashMap::new()
        };
        let other_cohorts = {
            let ids: Vec<i32> = elsewhere.iter().map(|(_, b)| b.enrollment_id).collect();
            crate::domain::training::cohorts::enrollments_by_ids(db, &ids).await?
        };
        let held = if wants.get(FlagKind::FewClassDays) {
            crate::domain::training::cohorts::held_training(
                db,
                &cohorts.values().collect::<Vec<_>>(),
            )
            .await?
        } else {
            HashMap::new()
        };
        let claimed_enrolments = if wants.get(FlagKind::UnconfirmedEmployer) {
            let mut ids: Vec<i32> = claimed.iter().copied().collect();
            ids.sort_unstable();
            crate::domain::training::cohorts::enrollments_by_ids(db, &ids).await?
        } else {
            HashMap::new()
        };
        Ok(Self {
            cohorts,
            lines,
            attended,
            elsewhere,
            other_cohorts,
            jobs,
            held,
            claimed_enrolments,
        })
    }

    /// The flags of one claim: its cohort's, then identical attendance, then its lines'.
    fn flags(
        &self,
        claim: &subsidy_claim::Model,
        rules: &TrainingRules,
        wants: Wants<'_>,
    ) -> Vec<Flag> {
        let Some(c) = self.cohorts.get(&claim.cohort_id) else {
            return Vec::new();
        };
        let claim_lines = self.lines.get(&claim.id).cloned().unwrap_or_default();
        let mut out = cohort_flags(claim.id, c, rules, self.held.get(&c.id).copied(), wants);
        if wants.get(FlagKind::UnconfirmedEmployer) {
            out.extend(
                claim_lines
                    .iter()
                    .filter_map(|line| self.unconfirmed_employer(claim.id, c, line)),
            );
        }
        if wants.get(FlagKind::IdenticalAttendance)
            && let Some(flag) = identical(claim.id, c, &claim_lines, &self.attended)
        {
            out.push(flag);
        }
        for line in &claim_lines {
            if wants.get(FlagKind::TwoPlacesOneDay) {
                out.extend(self.two_places_one_day(claim.id, c, line));
            }
            if wants.get(FlagKind::EmployedElsewhere) {
                out.extend(self.employed_elsewhere(claim.id, c, line));
            }
        }
        out
    }

    /// An apprentice's labour contract the enterprise never confirmed.
    fn unconfirmed_employer(
        &self,
        claim_id: i32,
        c: &cohort::Model,
        line: &claim_line::Model,
    ) -> Option<Flag> {
        let unconfirmed = self
            .claimed_enrolments
            .get(&line.enrollment_id)
            .is_some_and(|e| e.contract_start.is_some() && e.contract_confirmed_at.is_none());
        unconfirmed.then(|| Flag {
            kind: FlagKind::UnconfirmedEmployer,
            claim_id,
            cohort_id: c.id,
            line_id: Some(line.id),
            learner_id: Some(line.learner_id),
            day: None,
            other_cohort_id: None,
            detail: "the enterprise never confirmed the apprentice's labour contract".to_owned(),
        })
    }

    /// One flag per other enrolment the learner attended on a day attended here: the first
    /// day, and how many days clash.
    fn two_places_one_day(
        &self,
        claim_id: i32,
        c: &cohort::Model,
        line: &claim_line::Model,
    ) -> Vec<Flag> {
        let mut clashes: BTreeMap<i32, (NaiveDate, usize)> = BTreeMap::new();
        for (a, b) in self
            .elsewhere
            .iter()
            .filter(|(a, _)| a.enrollment_id == line.enrollment_id)
        {
            let clash = clashes.entry(b.enrollment_id).or_insert((a.day, 0));
            clash.0 = std::cmp::min(clash.0, a.day);
            clash.1 += 1;
        }
        clashes
            .into_iter()
            .map(|(other, (first, days))| Flag {
                kind: FlagKind::TwoPlacesOneDay,
                claim_id,
                cohort_id: c.id,
                line_id: Some(line.id),
                learner_id: Some(line.learner_id),
                day: Some(first),
                other_cohort_id: self.other_cohorts.get(&other).map(|e| e.cohort_id),
                detail: format!(
                    "recorded attending another cohort on {days} of the days attended here, the first on {first}"
                ),
            })
            .collect()
    }

    /// Full-time work, not for the cohort's enterprise, recorded at a follow-up of another
    /// training during this one.
    fn employed_elsewhere(
        &self,
        claim_id: i32,
        c: &cohort::Model,
        line: &claim_line::Model,
    ) -> Vec<Flag> {
        self.jobs
            .get(&line.learner_id)
            .into_iter()
            .flatten()
            .filter(|f| {
                f.employed
                    && f.full_time == Some(true)
                    && f.enrollment_id != line.enrollment_id
                    && f.contacted_on >= c.start_on
                    && f.contacted_on <= c.end_on
                    && (f.employer_id.is_none() || f.employer_id != c.enterprise_id)
            })
            .map(|f| Flag {
                kind: FlagKind::EmployedElsewhere,
                claim_id,
                cohort_id: c.id,
                line_id: Some(line.id),
                learner_id: Some(line.learner_id),
                day: Some(f.contacted_on),
                other_cohort_id: None,
                detail: format!(
                    "recorded employed full-time, not by the cohort's enterprise, at a month-{} follow-up of another training on {}, during this training ({} to {})",
                    f.month, f.contacted_on, c.start_on, c.end_on
                ),
            })
            .collect()
    }
}

/// The flags about a claimed cohort as a whole: finished early, too few class days, an
/// employer that never confirmed, a start recorded too far back.
fn cohort_flags(
    claim_id: i32,
    c: &cohort::Model,
    rules: &TrainingRules,
    held: Option<HeldTraining>,
    wants: Wants<'_>,
) -> Vec<Flag> {
    let flag = |kind: FlagKind, day: Option<NaiveDate>, detail: String| Flag {
        kind,
        claim_id,
        cohort_id: c.id,
        line_id: None,
        learner_id: None,
        day,
        other_cohort_id: None,
        detail,
    };
    let mut out = Vec::new();
    if wants.get(FlagKind::FinishedEarly)
        && let Some(finished) = c.finished_on.filter(|f| *f < c.end_on)
    {
        out.push(flag(
            FlagKind::FinishedEarly,
            Some(finished),
            format!(
                "finished on {finished}, {} days before its planned end on {}",
                (c.end_on - finished).num_days(),
                c.end_on
            ),
        ));
    }
    if wants.get(FlagKind::FewClassDays)
        && let Some(why) = rules.shortfall(c.target_level, held.unwrap_or_default())
    {
        out.push(flag(FlagKind::FewClassDays, None, why));
    }
    if wants.get(FlagKind::UnconfirmedEmployer)
        && c.enterprise_id.is_some()
        && c.employer_confirmed_at.is_none()
    {
        out.push(flag(
            FlagKind::UnconfirmedEmployer,
            None,
            "the enterprise the cohort names never confirmed it".to_owned(),
        ));
    }
    let formed = (c.created_at + chrono::Duration::hours(8)).date_naive();
    if wants.get(FlagKind::BackdatedStart)
        && (formed - c.start_on).num_days() > i64::from(rules.max_backdate_days)
    {
        out.push(flag(
            FlagKind::BackdatedStart,
            Some(c.start_on),
            format!(
                "recorded on {formed} with a start {} days earlier, on {}",
                (formed - c.start_on).num_days(),
                c.start_on
            ),
        ));
    }
    out
}

/// An attendance pattern: the days, and the sign-in minute where recorded.
fn pattern(rows: &[attendance::Model]) -> Vec<(NaiveDate, Option<(u32, u32)>)> {
    let mut p: Vec<_> = rows
        .iter()
        .map(|a| (a.day, a.signed_in_at.map(|t| (t.hour(), t.minute()))))
        .collect();
    p.sort();
    p
}

fn identical(
    claim_id: i32,
    c: &cohort::Model,
    lines: &[claim_line::Model],
    attended: &HashMap<i32, Vec<attendance::Model>>,
) -> Option<Flag> {
    if lines.len() < IDENTICAL_AT_LEAST {
        return None;
    }
    let first = pattern(attended.get(&lines[0].enrollment_id)?);
    if first.is_empty() {
        return None;
    }
    let same = lines[1..].iter().all(|l| {
        attended
            .get(&l.enrollment_id)
            .is_some_and(|rows| pattern(rows) == first)
    });
    same.then(|| Flag {
        kind: FlagKind::IdenticalAttendance,
        claim_id,
        cohort_id: c.id,
        line_id: None,
        learner_id: None,
        day: None,
        other_cohort_id: None,
        detail: format!(
            "all {} learners claimed for have the same attendance: {} class days{}",
            lines.len(),
            first.len(),
            if first.iter().all(|(_, t)| t.is_some()) {
                ", signed in at the same minutes"
            } else {
                ""
            }
        ),
    })
}

/// The learners' rows in a claimed enrolment, each paired with a row of the same learner and day
/// in another enrolment.
fn same_day_elsewhere(
    everywhere: &HashMap<i32, Vec<attendance::Model>>,
    claimed: &HashSet<i32>,
) -> Vec<(attendance::Model, attendance::Model)> {
    let mut out = Vec::new();
    for rows in everywhere.values() {
        let mut by_day: HashMap<NaiveDate, Vec<&attendance::Model>> = HashMap::new();
        for a in rows {
            by_day.entry(a.day).or_default().push(a);
        }
        for same_day in by_day.values() {
            for a in same_day
                .iter()
                .filter(|a| claimed.contains(&a.enrollment_id))
            {
                for b in same_day
                    .iter()
                    .filter(|b| b.enrollment_id != a.enrollment_id)
                {
                    out.push(((*a).clone(), (*b).clone()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_are_the_bureaus_in_china_standard_time() {
        let t = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .expect("t")
                .with_timezone(&Utc)
        };
        assert_eq!(quarter_of(t("2026-03-31T15:59:59Z")), (2026, 1));
        assert_eq!(quarter_of(t("2026-03-31T16:00:00Z")), (2026, 2));
        assert_eq!(quarter_of(t("2026-12-31T16:30:00Z")), (2027, 1));
        assert_eq!(
            quarter_start(2026, 2).expect("q"),
            t("2026-03-31T16:00:00Z")
        );
    }
}
