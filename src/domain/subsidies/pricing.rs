//! How a line is priced: from the training that happened (real days, months attended), with
//! the evidence its catalogue item asks.

use super::*;

/// What a cohort's lines are priced from, and on what evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pricing {
    /// The item's amount per person (catalogue lines), or the yearly amount per apprentice
    /// (new-type apprenticeship), fen.
    pub base_fen: i64,
    /// What the line needs beyond the attendance record.
    pub evidence: ClaimEvidence,
    /// Whether the cohort is a new-type apprenticeship (priced by months attended).
    pub apprenticeship: bool,
    /// Calendar days of the planned training (`startOn` to `endOn`, both counted).
    pub planned_days: i64,
    /// Calendar days of the real training (started to finished, both counted).
    pub real_days: i64,
}

impl Pricing {
    /// What one learner's line is worth: a catalogue amount scaled down to the share of the
    /// planned days the cohort really ran (never up); an apprenticeship's yearly amount for
    /// each month the apprentice attended, at most 36 months. Rounded down to the fen.
    pub fn line_fen(&self, months_attended: u32) -> i64 {
        if self.apprenticeship {
            self.base_fen * i64::from(months_attended.min(36)) / 12
        } else {
            let real = self.real_days.clamp(0, self.planned_days.max(1));
            self.base_fen * real / self.planned_days.max(1)
        }
    }
}

/// The real training of a finished cohort: the days it started and finished. A cohort without
/// them never really ran and is priced at nothing.
pub fn real_dates(found: &cohort::Model) -> AppResult<(NaiveDate, NaiveDate)> {
    match (found.started_on, found.finished_on) {
        (Some(from), Some(to)) if to >= from => Ok((from, to)),
        _ => Err(AppError::validation(
            "input.cohort",
            "the cohort has no recorded real start and finish: a subsidy is priced from the training that happened",
        )),
    }
}

/// How a cohort's lines are priced, and the evidence they need, from the region's catalogue
/// and standard of the year the cohort really finished.
pub async fn price(
    conn: &impl ConnectionTrait,
    found: &cohort::Model,
    region_id: i32,
) -> AppResult<Pricing> {
    let (started, finished) = real_dates(found)?;
    let year = finished.year() as i16;
    let standard = subsidy_standard::Entity::find()
        .filter(subsidy_standard::Column::RegionId.eq(region_id))
        .filter(subsidy_standard::Column::Year.eq(year))
        .one(conn)
        .await?
        .ok_or_else(|| {
            AppError::validation(
                "input.cohort",
                format!("the region has set no subsidy standard for {year}"),
            )
        })?;
    let planned_days = (found.end_on - found.start_on).num_days() + 1;
    let real_days = (finished - started).num_days() + 1;
    if found.kind == CohortKind::NewApprenticeship {
        return Ok(Pricing {
            base_fen: standard.apprenticeship_fen_per_year,
            evidence: ClaimEvidence::Completion,
            apprenticeship: true,
            planned_days,
            real_days,
        });
    }
    let item = catalogue_item::Entity::find()
        .filter(catalogue_item::Column::RegionId.eq(region_id))
        .filter(catalogue_item::Column::Year.eq(year))
        .filter(catalogue_item::Column::OccupationCode.eq(found.occupation_code.as_str()))
        .filter(catalogue_item::Column::Level.eq(found.target_level))
        .filter(catalogue_item::Column::Status.eq(CatalogueItemStatus::Listed))
        .order_by_desc(catalogue_item::Column::SubsidyFen)
        .one(conn)
        .await?
        .ok_or_else(|| {
            AppError::validation(
                "input.cohort",
                format!("the occupation and level are not LISTED in the region's {year} catalogue"),
            )
        })?;
    let uplift = if item.scarce {
        item.subsidy_fen * i64::from(standard.scarce_uplift_percent) / 100
    } else {
        0
    };
    Ok(Pricing {
        base_fen: item.subsidy_fen + uplift,
        evidence: item.evidence,
        apprenticeship: false,
        planned_days,
        real_days,
    })
}

/// The calendar months in which each enrolment attended a class day between the cohort's real
/// start and finish, in one statement.
pub(super) async fn months_attended(
    conn: &impl ConnectionTrait,
    ids: &[i32],
    (from, to): (NaiveDate, NaiveDate),
) -> AppResult<HashMap<i32, u32>> {
    use sea_orm::QuerySelect;
    let mut months: HashMap<i32, std::collections::BTreeSet<(i32, u32)>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let days: Vec<(i32, NaiveDate)> = attendance::Entity::find()
            .select_only()
            .column(attendance::Column::EnrollmentId)
            .column(attendance::Column::Day)
            .filter(attendance::Column::EnrollmentId.is_in(chunk.iter().copied()))
            .filter(attendance::Column::Day.gte(from))
            .filter(attendance::Column::Day.lte(to))
            .into_tuple()
            .all(conn)
            .await?;
        for (e, day) in days {
            months
                .entry(e)
                .or_default()
                .insert((day.year(), day.month()));
        }
    }
    Ok(months
        .into_iter()
        .map(|(e, m)| (e, m.len() as u32))
        .collect())
}

pub(super) async fn region_of(
    conn: &impl ConnectionTrait,
    found: &cohort::Model,
) -> AppResult<i32> {
    alliance::Entity::find_by_id(found.alliance_id)
        .one(conn)
        .await?
        .map(|a| a.region_id)
        .ok_or_else(|| AppError::internal("a cohort without its alliance"))
}

/// Why each completion has no line (absent when it has all the evidence), read for all of them
/// at once: the attendance in two statements, and the certificates or follow-ups in one.
pub(super) async fn missing_evidence(
    conn: &impl ConnectionTrait,
    found: &cohort::Model,
    chosen: &[&enrollment::Model],
    evidence: ClaimEvidence,
    rule: CompletionRule,
) -> AppResult<HashMap<i32, String>> {
    let ids: Vec<i32> = chosen.iter().map(|e| e.id).collect();
    let shares = attendance_shares(conn, found.id, &ids).await?;
    let learners: Vec<i32> = chosen.iter().map(|e| e.learner_id).collect();
    let mut with_evidence: std::collections::HashSet<i32> = Default::default();
    for (learner_chunk, id_chunk) in learners.chunks(500).zip(ids.chunks(500)) {
        match evidence {
            ClaimEvidence::Completion => {}
            ClaimEvidence::Certificate => {
                for c in certificate::Entity::find()
                    .filter(certificate::Column::LearnerId.is_in(learner_chunk.iter().copied()))
                    .filter(certificate::Column::OccupationCode.eq(found.occupation_code.as_str()))
                    .filter(certificate::Column::Level.eq(found.target_level))
                    .filter(certificate::Column::Status.eq(CertificateStatus::Valid))
                    .filter(certificate::Column::IssuedOn.gte(found.start_on))
                    .all(conn)
                    .await?
                {
                    with_evidence.insert(c.learner_id);
                }
            }
            ClaimEvidence::Employment => {
                for f in follow_up::Entity::find()
                    .filter(follow_up::Column::EnrollmentId.is_in(id_chunk.iter().copied()))
                    .filter(follow_up::Column::Month.eq(3))
                    .filter(follow_up::Column::Employed.eq(true))
                    .all(conn)
                    .await?
                {
                    with_evidence.insert(f.enrollment_id);
                }
            }
        }
    }
    let mut missing = HashMap::new();
    for e in chosen {
        let why = if e.status != EnrollmentStatus::Completed {
            Some("not a COMPLETED enrolment of the cohort".to_owned())
        } else if let Some(share) = shares
            .get(&e.id)
            .filter(|s| !s.reaches(rule.attendance_percent))
        {
            Some(format!(
                "no real-name attendance record for the completion: attended {} of {} class days, {}% needed",
                share.attended, share.held, rule.attendance_percent
            ))
        } else {
            match evidence {
                ClaimEvidence::Completion => None,
                ClaimEvidence::Certificate => (!with_evidence.contains(&e.learner_id)).then(|| {
                    "no valid certificate of the occupation and level since the training began"
                        .to_owned()
                }),
                ClaimEvidence::Employment => (!with_evidence.contains(&e.id))
                    .then(|| "no employment at the month-3 follow-up".to_owned()),
            }
        };
        if let Some(why) = why {
            missing.insert(e.id, why);
        }
    }
    Ok(missing)
}
