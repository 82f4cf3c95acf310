//! Placement rates of completers at months 3 and 6, by period and dimension.

use super::*;

/// A dimension to group placement rates by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlacementDimension {
    /// The cohort's alliance.
    Alliance,
    /// The alliance's region (its city; the same as [`PlacementDimension::City`]).
    Region,
    /// The county the cohort trains in (its provider's); completers of cohorts whose county is
    /// not known form a group of their own, without a region.
    County,
    /// The alliance's city.
    City,
    /// The province of the alliance's city.
    Province,
    /// The training provider.
    Provider,
    /// The occupation trained for.
    Occupation,
    /// The kind of cohort.
    CohortKind,
    /// The quarter of completion (`2026-Q2`).
    Quarter,
    /// The programme the cohort belongs to (completers of cohorts in none form a group of their
    /// own, without a programme).
    Programme,
    /// A target group the completer belongs to: a completer counts in each of their groups, so
    /// the groups do not add up to the completers.
    TargetGroup,
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

pub(super) fn ratio(n: u64, d: u64) -> Option<f64> {
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
    /// The programme, when grouped by it.
    pub programme_id: Option<i32>,
    /// The target group, when grouped by it.
    pub target_group_id: Option<i32>,
    /// The counts.
    pub counts: PlacementCounts,
}

pub(super) fn day_start(d: NaiveDate) -> chrono::DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

/// The start of a day as a bound of the period scanned. PostgreSQL plans a prepared statement
/// once for any parameters after a few runs, guessing that a range keeps a fraction of a percent
/// of the rows — for a year of completers it then picks nested loops and runs twice as long — so
/// there the bound is written into the statement. It comes from a `NaiveDate`, never from text a
/// client sent, so nothing can be injected.
pub(super) fn period_bound(backend: DbBackend, d: NaiveDate) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust(format!(
            "TIMESTAMPTZ '{} 00:00:00+00'",
            d.format("%Y-%m-%d")
        )),
        _ => Expr::val(day_start(d)),
    }
}

/// The quarters from `from` to `to`, as (label, first day, first day of the next).
pub(super) fn quarters(from: NaiveDate, to: NaiveDate) -> Vec<(String, NaiveDate, NaiveDate)> {
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

pub(super) fn e_col(c: enrollment::Column) -> Expr {
    Expr::col((enrollment::Entity, c))
}

pub(crate) fn c_col(c: cohort::Column) -> Expr {
    Expr::col((cohort::Entity, c))
}

/// Completers of a period joined to their cohort, alliance and month-3 and month-6 follow-ups,
/// filtered; the caller adds the grouping.
pub(crate) fn completers_select(backend: DbBackend, filter: &PlacementFilter) -> SelectStatement {
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
            Expr::col((alliance::Entity, alliance::Column::RegionId))
                .in_subquery(crate::domain::network::regions::within(&filter.regions)),
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

pub(super) fn count_of(row: &sea_orm::QueryResult, name: &str) -> AppResult<u64> {
    let v: Option<i64> = row.try_get("", name)?;
    Ok(u64::try_from(v.unwrap_or(0)).unwrap_or(0))
}

pub(crate) fn counts_of(row: &sea_orm::QueryResult) -> AppResult<PlacementCounts> {
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
/// answers can be differenced into one person's outcome (`domain::read::disclosure`). A group whose
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
    let level = region_level(dims)?.unwrap_or(Region);
    let wanted: BTreeSet<PlacementDimension> = dims.iter().copied().collect();
    // Programmes and target groups break a cell into parts (disjoint for programmes, overlapping
    // for groups): asked for, they are parts of the cell under the secondary rule.
    let parts: Vec<PlacementDimension> = [Programme, TargetGroup]
        .into_iter()
        .filter(|d| wanted.contains(d))
        .collect();
    let mut cell_dims = vec![Alliance, level, Provider, Occupation, CohortKind, Quarter];
    cell_dims.extend(&parts);
    let cells = placement_rates_exact(db, &snapped, &cell_dims).await?;
    let key_of = |c: &PlacementRow| PlacementRow {
        alliance_id: c.alliance_id.filter(|_| wanted.contains(&Alliance)),
        region_id: c.region_id.filter(|_| wanted.contains(&level)),
        provider_id: c.provider_id.filter(|_| wanted.contains(&Provider)),
        occupation: c
            .occupation
            .clone()
            .filter(|_| wanted.contains(&Occupation)),
        cohort_kind: c.cohort_kind.filter(|_| wanted.contains(&CohortKind)),
        quarter: c.quarter.clone().filter(|_| wanted.contains(&Quarter)),
        programme_id: c.programme_id.filter(|_| wanted.contains(&Programme)),
        target_group_id: c.target_group_id.filter(|_| wanted.contains(&TargetGroup)),
        counts: PlacementCounts::default(),
    };
    type GroupKey = (
        (Option<i32>, Option<i32>, Option<i32>),
        (Option<String>, Option<String>, Option<String>),
        (Option<i32>, Option<i32>),
    );
    let group_of = |row: &PlacementRow| -> GroupKey {
        (
            (row.alliance_id, row.region_id, row.provider_id),
            (
                row.occupation.clone(),
                row.cohort_kind.map(|k| k.to_value()),
                row.quarter.clone(),
            ),
            (row.programme_id, row.target_group_id),
        )
    };
    // Every group that has completers at all, so that a group of small cells only is reported
    // suppressed rather than silently missing.
    let mut groups: HashMap<GroupKey, PlacementRow> = HashMap::new();
    for cell in &cells {
        let key = key_of(cell);
        groups.entry(group_of(&key)).or_insert(key);
    }
    let whole = |c: &PlacementRow| {
        (
            c.quarter.clone(),
            c.alliance_id,
            c.provider_id,
            c.occupation.clone(),
            c.cohort_kind.map(|k| k.to_value()),
        )
    };
    let released = if parts.is_empty() {
        disclosure::release(precision, cells, whole, |c| c.counts.completers)
    } else {
        disclosure::release_parts(
            precision,
            cells,
            whole,
            |c| (c.programme_id, c.target_group_id),
            |c| c.counts.completers,
        )
    };
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
    region_level(dims)?;
    let dims: BTreeSet<PlacementDimension> = dims.iter().copied().collect();
    let mut q = completers_select(db.get_database_backend(), filter);
    for d in &dims {
        let (expr, alias) = match d {
            PlacementDimension::Alliance => (c_col(cohort::Column::AllianceId), "g_alliance"),
            PlacementDimension::Region | PlacementDimension::City => (
                Expr::col((alliance::Entity, alliance::Column::RegionId)),
                "g_region",
            ),
            PlacementDimension::County => (c_col(cohort::Column::CountyId), "g_region"),
            PlacementDimension::Province => (
                crate::domain::network::regions::parent_of(Expr::col((
                    alliance::Entity,
                    alliance::Column::RegionId,
                ))),
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
            PlacementDimension::Programme => (c_col(cohort::Column::ProgrammeId), "g_programme"),
            PlacementDimension::TargetGroup => {
                q.inner_join(
                    learner_target_group::Entity,
                    Expr::col((
                        learner_target_group::Entity,
                        learner_target_group::Column::LearnerId,
                    ))
                    .equals((enrollment::Entity, enrollment::Column::LearnerId)),
                );
                (
                    Expr::col((
                        learner_target_group::Entity,
                        learner_target_group::Column::TargetGroupId,
                    )),
                    "g_target_group",
                )
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
                PlacementDimension::Region
                | PlacementDimension::City
                | PlacementDimension::County
                | PlacementDimension::Province => r.region_id = row.try_get("", "g_region")?,
                PlacementDimension::Provider => r.provider_id = row.try_get("", "g_provider")?,
                PlacementDimension::Occupation => {
                    r.occupation = row.try_get("", "g_occupation")?;
                }
                PlacementDimension::CohortKind => {
                    let kind: Option<String> = row.try_get("", "g_kind")?;
                    r.cohort_kind = kind.and_then(|k| CohortKind::try_from_value(&k).ok());
                }
                PlacementDimension::Quarter => r.quarter = row.try_get("", "g_quarter")?,
                PlacementDimension::Programme => {
                    r.programme_id = row.try_get("", "g_programme")?;
                }
                PlacementDimension::TargetGroup => {
                    r.target_group_id = row.try_get("", "g_target_group")?;
                }
            }
        }
        if r.counts.completers > 0 {
            out.push(r);
        }
    }
    sort_rows(&mut out);
    Ok(out)
}

/// The one region level `dims` group by, if any; two at once is refused (a row has one region).
fn region_level(dims: &[PlacementDimension]) -> AppResult<Option<PlacementDimension>> {
    use PlacementDimension::*;
    let levels: BTreeSet<PlacementDimension> = dims
        .iter()
        .copied()
        .filter(|d| matches!(d, Region | County | City | Province))
        .collect();
    crate::domain::network::regions::one_region_level(
        levels.len(),
        "REGION, COUNTY, CITY or PROVINCE",
    )?;
    Ok(levels.into_iter().next())
}

pub(super) fn sort_rows(out: &mut [PlacementRow]) {
    out.sort_by(|a, b| {
        (
            a.alliance_id,
            a.region_id,
            a.provider_id,
            &a.occupation,
            a.cohort_kind.map(|k| k.to_value()),
            &a.quarter,
            (a.programme_id, a.target_group_id),
        )
            .cmp(&(
                b.alliance_id,
                b.region_id,
                b.provider_id,
                &b.occupation,
                b.cohort_kind.map(|k| k.to_value()),
                &b.quarter,
                (b.programme_id, b.target_group_id),
            ))
    });
}
