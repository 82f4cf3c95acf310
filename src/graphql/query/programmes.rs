//! `Query`: programmes.

use async_graphql::{Context, Object};
use futures_util::FutureExt;

use std::collections::HashMap;

use crate::auth::policy;
use crate::domain::{
    kernel::{codes::RegionCode, input},
    network::regions,
    programmes::listing,
    reports,
};
use crate::error::AppError;
use crate::graphql::{
    connection::{Connection, TotalCount},
    context::{api, caller},
    types::{
        ExportFile, IndicatorDimension, IndicatorReport, IndicatorRow, PeriodTarget, Programme,
        ProgrammeFilter, indicator_values, page_request,
    },
};

/// Programmes of the regions' bureaus.
#[derive(Default)]
pub struct ProgrammesQuery;

/// Programmes of the regions' bureaus.
#[Object]
impl ProgrammesQuery {
    /// Programmes (专项 / 行动 / 工程 / 计划) of every region, by first day; `filter` narrows.
    /// Public: they are published plans.
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every programme when left out.")] filter: Option<
            ProgrammeFilter,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Programme>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = listing::list(&*api.db.turn().await?, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { listing::count(&*db.turn().await?, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, Programme))
    }

    /// The bureau's figures of a region (a province, city or county, and everything under it)
    /// for a year or one quarter of it: training volume in person-times (all and subsidised),
    /// completions, certificates (all, level 3 and above, level 2 and above, digital),
    /// placement, employment-or-business and retention rates (basis points), grouped by
    /// `groupBy`; the total against the region's targets for the year, each programme's row
    /// against its quotas, and the region's targets of longer periods with their progress.
    /// `docs/api/programmes.md` says what each figure counts. Public: exact for the region's
    /// regulator (or the city's, for a county), and for a programme (`programme`) to the
    /// departments answering for it; under the disclosure rule for everyone else — cells under
    /// five people are left out of every figure, totals included.
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region (GB/T 2260 code).")] region: String,
        #[graphql(desc = "The year.")] year: i32,
        #[graphql(desc = "One quarter of it, 1 to 4; the whole year when left out.")]
        quarter: Option<i32>,
        #[graphql(desc = "The dimensions to group by; the total alone when left out.")]
        group_by: Option<Vec<IndicatorDimension>>,
        #[graphql(
            desc = "Only this programme's cohorts (a programme of the region; no certificates: they belong to none)."
        )]
        programme: Option<async_graphql::ID>,
    ) -> async_graphql::Result<IndicatorReport> {
        let api = api(ctx)?;
        let db = api.db.turn().await?;
        let programme = programme
            .map(|p| crate::domain::kernel::ids::NodeKey::programme("programme", &p))
            .transpose()?;
        let (code, found, precision) = figures_of(ctx, &db, &region, programme).await?;
        let quarter = quarter
            .map(|q| u32::try_from(q).ok().filter(|q| (1..=4).contains(q)))
            .map(|q| q.ok_or_else(|| AppError::validation("quarter", "1 to 4")))
            .transpose()?;
        let period = reports::period_of(year, quarter)
            .filter(|_| (2000..=2100).contains(&year))
            .ok_or_else(|| AppError::validation("year", "2000 to 2100"))?;
        let dims: Vec<_> = group_by
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let scope = reports::IndicatorScope {
            region: code,
            from: period.0,
            to: period.1,
            programme,
        };
        let report = reports::indicators(&db, precision, &scope, &dims).await?;
        let targets = reports::targets(&*db, found.id, year).await?;
        let yearly: HashMap<_, _> = targets
            .iter()
            .filter(|t| t.from_year == t.to_year)
            .map(|t| (t.indicator, t.target))
            .collect();
        let programmes: Vec<i32> = report.rows.iter().filter_map(|r| r.key.programme).collect();
        let quotas = reports::quotas(&*db, &programmes, year).await?;
        // The rows' target groups, in one statement for the report.
        let group_ids: Vec<i32> = report
            .rows
            .iter()
            .filter_map(|r| r.key.target_group)
            .collect();
        let groups = crate::domain::people::target_groups::by_ids(&*db, &group_ids).await?;
        let rows = report
            .rows
            .iter()
            .map(|row| {
                let quota: HashMap<_, _> = row
                    .key
                    .programme
                    .map(|p| {
                        quotas
                            .iter()
                            .filter(|((id, _), _)| *id == p)
                            .map(|((_, i), t)| (*i, *t))
                            .collect()
                    })
                    .unwrap_or_default();
                IndicatorRow {
                    key: row.key.clone(),
                    group: row.key.target_group.and_then(|g| groups.get(&g).cloned()),
                    values: indicator_values(&row.counts, &quota),
                }
            })
            .collect();
        let mut period_targets = Vec::new();
        for t in targets.iter().filter(|t| t.from_year < t.to_year) {
            let first = reports::period_of(i32::from(t.from_year), None)
                .map(|(first, _)| first)
                .unwrap_or(period.0);
            let so_far_scope = reports::IndicatorScope {
                from: first,
                to: report.to,
                ..scope.clone()
            };
            let so_far = reports::indicators(&db, precision, &so_far_scope, &[]).await?;
            let actual = so_far.total.value(t.indicator);
            period_targets.push(PeriodTarget {
                indicator: t.indicator.into(),
                from_year: i32::from(t.from_year),
                to_year: i32::from(t.to_year),
                target: t.target,
                actual,
                progress: actual
                    .filter(|_| t.target > 0)
                    .map(|a| a as f64 / t.target as f64),
            });
        }
        Ok(IndicatorReport {
            total: indicator_values(&report.total, &yearly),
            region: found,
            exact: precision == policy::Precision::Exact,
            report,
            rows,
            period_targets,
        })
    }

    /// The year's figures of a region as the workbook the bureau works in (XLSX): a sheet of
    /// figures — a row per quarter, the year, its targets and the progress against them, a
    /// column per indicator (rates in percent) — a sheet with a column chart per indicator, and a
    /// sheet of the year's certificates by level and route (reached in the region, as
    /// CERTIFICATES counts them; for anyone but a regulator, a cell of fewer than five is left
    /// out).
    /// The same figures as `indicators`, under the same rule.
    async fn indicator_workbook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region (GB/T 2260 code).")] region: String,
        #[graphql(desc = "The year.")] year: i32,
    ) -> async_graphql::Result<ExportFile> {
        use base64::Engine;
        let api = api(ctx)?;
        let db = api.db.turn().await?;
        let (code, found, precision) = figures_of(ctx, &db, &region, None).await?;
        let period = reports::period_of(year, None)
            .filter(|_| (2000..=2100).contains(&year))
            .ok_or_else(|| AppError::validation("year", "2000 to 2100"))?;
        let scope = reports::IndicatorScope {
            region: code,
            from: period.0,
            to: period.1,
            programme: None,
        };
        let report = reports::indicators(
            &db,
            precision,
            &scope,
            &[reports::IndicatorDimension::Quarter],
        )
        .await?;
        let quarters: Vec<(String, reports::IndicatorCounts)> = (1..=4)
            .map(|q| {
                let label = format!("{year}-Q{q}");
                let counts = report
                    .rows
                    .iter()
                    .find(|r| r.key.quarter.as_deref() == Some(label.as_str()))
                    .map(|r| r.counts)
                    .unwrap_or_default();
                (label, counts)
            })
            .collect();
        let yearly: HashMap<_, _> = reports::targets(&*db, found.id, year)
            .await?
            .into_iter()
            .filter(|t| t.from_year == t.to_year)
            .map(|t| (t.indicator, t.target))
            .collect();
        // The year's certificates by level and route, reached in the region.
        let by_route = reports::certificates_by_route(&db, precision, &scope.region, year).await?;
        let title = format!("{} {year} 年职业技能培训指标", found.name);
        let total = report.total;
        let bytes = tokio::task::spawn_blocking(move || {
            reports::write_workbook(&title, &quarters, &total, &yearly, &by_route)
        })
        .await
        .map_err(AppError::internal)??;
        Ok(ExportFile {
            filename: format!("indicators-{}-{year}.xlsx", found.code),
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                .to_owned(),
            content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
            rows: 4,
        })
    }
}

/// The region a caller asks the figures of (of one of its programmes, when `programme`), and
/// how exactly they see them.
async fn figures_of(
    ctx: &Context<'_>,
    db: &sea_orm::DatabaseConnection,
    region: &str,
    programme: Option<i32>,
) -> async_graphql::Result<(RegionCode, entity::region::Model, policy::Precision)> {
    let code = input::one::<RegionCode>("region", region)?;
    let found = regions::by_code(db, &code)
        .await?
        .ok_or_else(|| AppError::validation("region", "no region has this code"))?;
    let departments = match programme {
        Some(id) => Some(
            crate::domain::programmes::scopes(db, &[id])
                .await?
                .remove(&id)
                .unwrap_or_default()
                .departments,
        ),
        None => None,
    };
    let precision = policy::figures_view(
        &caller(ctx).viewer,
        (found.id, found.parent_id),
        departments.as_deref(),
    );
    Ok((code, found, precision))
}
