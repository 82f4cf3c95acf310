//! Follow-ups of completers at months 1, 3 and 6, and the ones due.

use super::*;

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
    /// Whether the job is full-time, when employed and known.
    pub full_time: Option<bool>,
    /// A note, if any.
    pub note: Option<crate::domain::kernel::input::Note>,
    /// What the completer was doing; left out, EMPLOYED when employed and NOT_WORKING otherwise.
    pub outcome: Option<entity::FollowUpOutcome>,
    /// The jobs a business the completer started created (BUSINESS_STARTED only).
    pub jobs_created: Option<i32>,
}

pub(super) fn completion_day(e: &enrollment::Model) -> Option<NaiveDate> {
    e.ended_at.map(|t| t.date_naive())
}

/// Records a follow-up of a completer: by the cohort's provider, the regulator of the cohort's or
/// the learner's region, or a department answering for the cohort's programme. One per
/// completion and month.
pub async fn record_follow_up(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewFollowUp,
) -> AppResult<follow_up::Model> {
    let (completion, learner, completed_on) =
        followed_completion(db, caller, new.enrollment_id).await?;
    check_when(&new, completed_on)?;
    let outcome = the_outcome(&new)?;
    let (employer_id, employer_name) = the_job(db, &new).await?;
    let note = new
        .note
        .map(crate::domain::kernel::input::Note::into_string)
        .unwrap_or_default();
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
        full_time: Set(new.full_time),
        note: Set(note),
        outcome: Set(outcome),
        jobs_created: Set(new.jobs_created),
        recorded_by_id: Set(caller.viewer.organization_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await;
    let saved = inserted.map_err(|e| {
        crate::domain::conflict_on_duplicate(
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
                "outcome": format!("{:?}", saved.outcome),
                "jobsCreated": saved.jobs_created,
                "occupationMatch": saved.occupation_match,
                "fullTime": saved.full_time,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The completion followed up, its learner and its day, once the caller may record it.
async fn followed_completion(
    db: &DatabaseConnection,
    caller: &Caller,
    enrollment_id: i32,
) -> AppResult<(enrollment::Model, learner::Model, NaiveDate)> {
    let scope = policy::may_follow_up(&caller.viewer)?;
    let completion = enrollment::Entity::find_by_id(enrollment_id)
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
    let departments = match cohort.programme_id {
        Some(programme) => crate::domain::programmes::departments_of(db, programme).await?,
        None => Vec::new(),
    };
    policy::may_record_follow_up(
        &scope,
        cohort.provider_id,
        cohort_region,
        learner.region_id,
        &departments,
    )?;
    let Some(completed_on) =
        completion_day(&completion).filter(|_| completion.status == EnrollmentStatus::Completed)
    else {
        return Err(AppError::validation(
            "input.completion",
            "only a COMPLETED enrolment is followed up",
        ));
    };
    Ok((completion, learner, completed_on))
}

/// What the completer was doing: the outcome given, which must agree with `employed` (work of
/// any kind is employed), or the one `employed` implies; jobs created go with a business
/// started, 0 to 10,000.
fn the_outcome(new: &NewFollowUp) -> AppResult<entity::FollowUpOutcome> {
    use entity::FollowUpOutcome as Outcome;
    let outcome = new.outcome.unwrap_or(if new.employed {
        Outcome::Employed
    } else {
        Outcome::NotWorking
    });
    if outcome.works() != new.employed {
        return Err(AppError::validation(
            "input.outcome",
            if new.employed {
                "an employed learner is EMPLOYED, SELF_EMPLOYED or BUSINESS_STARTED"
            } else {
                "a learner who is not employed is in FURTHER_STUDY or NOT_WORKING"
            },
        ));
    }
    match (outcome, new.jobs_created) {
        (Outcome::BusinessStarted, Some(jobs)) if !(0..=10_000).contains(&jobs) => Err(
            AppError::validation("input.jobsCreated", "0 to 10,000 jobs"),
        ),
        (Outcome::BusinessStarted, _) | (_, None) => Ok(outcome),
        (_, Some(_)) => Err(AppError::validation(
            "input.jobsCreated",
            "jobs created go with a business started (BUSINESS_STARTED)",
        )),
    }
}

/// The month (1 to 6) and the day of contact (from the completion day to today).
fn check_when(new: &NewFollowUp, completed_on: NaiveDate) -> AppResult<()> {
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
    Ok(())
}

/// The employer (an organization or a name) of an employed learner; a learner who is not
/// employed has no employer, no full-time job, no matching job and no wage.
async fn the_job(
    db: &DatabaseConnection,
    new: &NewFollowUp,
) -> AppResult<(Option<i32>, Option<String>)> {
    let employer = match (&new.employer, new.employed) {
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
    if !new.employed && new.full_time.is_some() {
        return Err(AppError::validation(
            "input.fullTime",
            "only an employed learner has a job that is full-time or not",
        ));
    }
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
    Ok(employer)
}

/// The follow-ups of each of `enrollment_ids`, by month.
pub async fn follow_ups_by_enrollment(
    db: &DatabaseConnection,
    enrollment_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<follow_up::Model>>> {
    crate::domain::children_of::<follow_up::Entity>(
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
    crate::domain::children_of::<follow_up::Entity>(
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
/// regulator's region, a department's programmes), the longest overdue first.
pub async fn follow_ups_due(
    db: &DatabaseConnection,
    caller: &Caller,
    as_of: NaiveDate,
    filter: &DueFilter,
) -> AppResult<Vec<DueFollowUp>> {
    let scope = policy::may_follow_up(&caller.viewer)?;
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
        EmploymentScope::Department(org) => {
            cohorts.and_where(
                Expr::col((cohort::Entity, cohort::Column::ProgrammeId))
                    .in_subquery(crate::domain::programmes::answered_for(org)),
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
