//! The skills balance: demand against supply of each occupation.

use super::*;

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
    let scope = Scope::of(db, precision, filter).await?;
    let mut rows: BTreeMap<String, BalanceRow> = BTreeMap::new();
    for (code, n) in open_headcount(db, &scope).await? {
        row(&mut rows, code).open_headcount = n;
    }
    for (code, planned, n) in cohort_seats(db, &scope).await? {
        if planned {
            row(&mut rows, code).planned_seats = n;
        } else {
            row(&mut rows, code).running_seats = n;
        }
    }
    for (code, n) in certificates(db, precision, &scope).await? {
        row(&mut rows, code).certificates = n;
    }
    for (code, n) in hires(db, &scope).await? {
        row(&mut rows, code).hires = n;
    }
    Ok(rows.into_values().collect())
}

/// The row of an occupation, made on first sight.
fn row(rows: &mut BTreeMap<String, BalanceRow>, code: String) -> &mut BalanceRow {
    rows.entry(code.clone()).or_insert_with(|| BalanceRow {
        occupation: code,
        ..Default::default()
    })
}

/// What a balance counts: the filter's period (snapped to the precision), alliances, regions
/// and occupation prefix, resolved to ids once for the four statements.
struct Scope {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    alliance_ids: Option<Vec<i32>>,
    region_ids: Option<Vec<i32>>,
    like: Option<String>,
}

impl Scope {
    async fn of(
        db: &DatabaseConnection,
        precision: Precision,
        filter: &BalanceFilter,
    ) -> AppResult<Self> {
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
                    region::Column::Id
                        .in_subquery(crate::domain::network::regions::within(&filter.regions)),
                )
                .all(db)
                .await?;
            Some(found.into_iter().map(|r| r.id).collect())
        };
        Ok(Self {
            from,
            to,
            alliance_ids,
            region_ids,
            like: filter.occupation.as_ref().map(|p| p.like_pattern()),
        })
    }

    /// Narrows a statement over demands to the scope's alliances, regions and occupations.
    fn demands(&self, q: &mut SelectStatement) {
        if let Some(ids) = &self.alliance_ids {
            q.and_where(
                dcol(demand::Column::Id).in_subquery(
                    Query::select()
                        .column(demand_alliance::Column::DemandId)
                        .from(demand_alliance::Entity)
                        .and_where(
                            Expr::col(demand_alliance::Column::AllianceId)
                                .is_in(ids.iter().copied()),
                        )
                        .to_owned(),
                ),
            );
        }
        if let Some(ids) = &self.region_ids {
            q.and_where(dcol(demand::Column::RegionId).is_in(ids.iter().copied()));
        }
        if let Some(like) = &self.like {
            q.and_where(dcol(demand::Column::OccupationCode).like(LikeExpr::new(like.clone())));
        }
    }
}

fn dcol(c: demand::Column) -> Expr {
    Expr::col((demand::Entity, c))
}

/// Demand: open places of OPEN demands, by occupation.
async fn open_headcount(db: &DatabaseConnection, scope: &Scope) -> AppResult<Vec<(String, i64)>> {
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
        .and_where(dcol(demand::Column::ValidUntil).gte(chrono::Utc::now().date_naive()))
        .add_group_by([dcol(demand::Column::OccupationCode)]);
    scope.demands(&mut q);
    let mut out = Vec::new();
    for r in db.query_all(&q).await? {
        let n: Option<i64> = r.try_get("", "n")?;
        out.push((r.try_get("", "occupation")?, n.unwrap_or(0)));
    }
    Ok(out)
}

/// Training: seats of PLANNED (true) and RUNNING (false) cohorts, by occupation.
async fn cohort_seats(
    db: &DatabaseConnection,
    scope: &Scope,
) -> AppResult<Vec<(String, bool, i64)>> {
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
    if let Some(ids) = &scope.alliance_ids {
        q.and_where(c_col(cohort::Column::AllianceId).is_in(ids.iter().copied()));
    }
    if let Some(ids) = &scope.region_ids {
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
    if let Some(like) = &scope.like {
        q.and_where(c_col(cohort::Column::OccupationCode).like(LikeExpr::new(like.clone())));
    }
    let mut out = Vec::new();
    for r in db.query_all(&q).await? {
        let code: String = r.try_get("", "occupation")?;
        let status: String = r.try_get("", "status")?;
        let n: Option<i64> = r.try_get("", "n")?;
        out.push((
            code,
            status == CohortStatus::Planned.to_value(),
            n.unwrap_or(0),
        ));
    }
    Ok(out)
}

/// Evaluation: VALID certificates by occupation, counted by the issuing body's organization from
/// the cells the precision releases.
async fn certificates(
    db: &DatabaseConnection,
    precision: Precision,
    scope: &Scope,
) -> AppResult<BTreeMap<String, i64>> {
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
    if let Some(from) = scope.from {
        q.and_where(ccol(certificate::Column::IssuedOn).gte(from));
    }
    if let Some(to) = scope.to {
        q.and_where(ccol(certificate::Column::IssuedOn).lte(to));
    }
    if let Some(ids) = &scope.alliance_ids {
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
    if let Some(ids) = &scope.region_ids {
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
    if let Some(like) = &scope.like {
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
    // People: the atomic cell is occupation × body × quarter (`domain::read::disclosure`).
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
    Ok(certificates)
}

/// Employment: HIRED recommendations, by the demand's occupation.
async fn hires(db: &DatabaseConnection, scope: &Scope) -> AppResult<Vec<(String, i64)>> {
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
    if let Some(from) = scope.from {
        q.and_where(rcol(recommendation::Column::UpdatedAt).gte(day_start(from)));
    }
    if let Some(to) = scope.to {
        q.and_where(
            rcol(recommendation::Column::UpdatedAt).lt(day_start(to + chrono::Days::new(1))),
        );
    }
    scope.demands(&mut q);
    let mut out = Vec::new();
    for r in db.query_all(&q).await? {
        out.push((r.try_get("", "occupation")?, r.try_get("", "n")?));
    }
    Ok(out)
}
