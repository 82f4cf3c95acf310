//! The bureau's backlog: certified or trained learners still short of three recommendations.

use super::*;

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
    let scope = policy::may_read_recommendation_backlog(&caller.viewer)?;
    let mut alliance_ids: Option<BTreeSet<i32>> = match &scope {
        EmploymentScope::Alliances(a) => Some(a.clone()),
        _ => None,
    };
    if let Some(code) = &filter.alliance {
        let found = crate::domain::network::alliances::by_code(db, code)
            .await?
            .ok_or_else(|| AppError::validation("filter.alliance", "no alliance has this code"))?;
        policy::may_read_alliance_backlog(&scope, found.id)?;
        alliance_ids = Some(BTreeSet::from([found.id]));
    }
    let mut region_id = match scope {
        EmploymentScope::Region(r) => Some(r),
        _ => None,
    };
    if let Some(code) = &filter.region {
        let found = crate::domain::network::regions::by_code(db, code)
            .await?
            .ok_or_else(|| AppError::validation("filter.region", "no region has this code"))?;
        policy::may_read_region_backlog(&scope, found.id)?;
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
