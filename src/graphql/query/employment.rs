//! `Query`: the employment service: recommendations, follow-ups, placement and the skills balance.

use crate::domain::reports;
use crate::graphql::scalars::Date;
use async_graphql::{Context, Object};
use chrono::Datelike;

use crate::graphql::{
    connection::{Connection, TotalCount},
    context::api,
    context::caller,
    types::page_request,
    types::{
        DueFollowUp, FollowUpsDueFilter, PlacementDimension, PlacementRate, PlacementRateFilter,
        RecommendationBacklogEntry, RecommendationBacklogFilter, ServiceProgress,
        ServiceWorkListFilter, SkillsBalanceFilter, SkillsBalanceRow,
    },
};
use crate::{auth::policy, domain::employment};

/// The employment service: recommendations, follow-ups, placement and the skills balance.
#[derive(Default)]
pub struct EmploymentQuery;

/// The employment service: recommendations, follow-ups, placement and the skills balance.
#[Object]
impl EmploymentQuery {
    /// The bureau's daily work list (regulators: their region; alliance administrators: learners
    /// who completed training in their alliances): learners certified or trained who have fewer
    /// than three job recommendations and were not hired through one, the longest waiting first.
    async fn recommendation_backlog(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<RecommendationBacklogFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<RecommendationBacklogEntry>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let days = ctx.data::<crate::graphql::RecommendationDays>()?.0;
        let filter = filter.unwrap_or_default().into_domain(days)?;
        let rows = employment::backlog(&*api.db.turn().await?, &caller(ctx), &filter).await?;
        Ok(crate::graphql::connection::in_memory(
            "recommendationBacklog",
            &rows,
            |e| (i64::from(e.qualified_on.num_days_from_ce()) << 32) | i64::from(e.learner_id),
            &request,
            RecommendationBacklogEntry,
        )?)
    }

    /// The 1131 work list (1 policy briefing, 1 career guidance, 3 job recommendations, 1
    /// training): learners in the caller's scope — a regulator's region, the completers of an
    /// alliance administrator's alliances, the learners of a department's programmes — whose
    /// service is not complete and who were not hired through a recommendation, in
    /// registration order. Each entry says what is missing; the learner shows as the viewer may
    /// see them.
    async fn service_work_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<ServiceWorkListFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<ServiceProgress>> {
        use futures_util::FutureExt;
        let api = api(ctx)?;
        let caller = caller(ctx);
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let db = api.db.turn().await?;
        let page = employment::work_list(&db, &caller, &filter, &request).await?;
        let ids: Vec<i32> = page.items.iter().map(|(_, l)| l.id).collect();
        let progress = employment::progress_by_learner(&db, &ids).await?;
        let pool = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (pool, caller, filter) = (pool.clone(), caller.clone(), filter.clone());
            async move { employment::work_list_count(&*pool.turn().await?, &caller, &filter).await }
                .boxed()
        });
        let page = page.map(|l| ServiceProgress(progress.get(&l.id).copied().unwrap_or_default()));
        Ok(Connection::from_page(page, total, |p| p))
    }

    /// Completers whose month-1, -3 or -6 follow-up is due or overdue and not recorded (for the
    /// completions of the last twelve months): a provider's own cohorts, the regulator's region,
    /// a department's programmes.
    /// The longest overdue first.
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus the day and the filter"
    )]
    async fn follow_ups_due(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day to measure on (today when left out).")] as_of: Option<Date>,
        #[graphql(desc = "Narrows the list.")] filter: Option<FollowUpsDueFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<DueFollowUp>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive().into());
        let rows =
            employment::follow_ups_due(&*api.db.turn().await?, &caller(ctx), as_of.into(), &filter)
                .await?;
        Ok(crate::graphql::connection::in_memory(
            "followUpsDue",
            &rows,
            |d| {
                (i64::from(d.due_on.num_days_from_ce()) << 32)
                    | (i64::from(d.enrollment.id) << 3)
                    | i64::from(d.month)
            },
            &request,
            DueFollowUp,
        )?)
    }

    /// Placement rates of the completers of a period, grouped by any of alliance, region,
    /// provider, occupation, cohort kind, quarter, programme and target group (one total when
    /// `groupBy` is empty). The
    /// month-3 rate is the number employed at their month-3 follow-up divided by the completers (a
    /// completer not followed up counts as not placed); month 6 likewise. Aggregates only: no
    /// learner appears, and a group with fewer than 5 completers is reported as `suppressed`.
    /// Without a regulator's token the period snaps to whole quarters and the figures are sums of
    /// atomic cells (quarter × alliance × provider × occupation × cohort kind) of at least 5
    /// completers; a smaller cell is left out of every figure, totals included, so no two answers
    /// (a day or a provider apart) subtract to one person's outcome. Programmes and target groups
    /// are parts of those cells: in each cell, the parts left out hold no completer or at least
    /// 5 together (the smallest shown parts are left out with a small one), so a cell less its
    /// shown parts tells no small group's outcome.
    async fn placement_rates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which completers to count.")] filter: PlacementRateFilter,
        #[graphql(desc = "The dimensions to group by; one total when empty.")] group_by: Option<
            Vec<PlacementDimension>,
        >,
    ) -> async_graphql::Result<Vec<PlacementRate>> {
        let filter = filter.into_domain()?;
        let dims: Vec<_> = group_by
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let precision = policy::aggregate_precision(&caller(ctx).viewer);
        let db = api(ctx)?.db.turn().await?;
        let rows = reports::placement_rates(&db, precision, &filter, &dims).await?;
        // The rows' target groups, in one statement for the answer.
        let group_ids: Vec<i32> = rows.iter().filter_map(|r| r.target_group_id).collect();
        let groups = if group_ids.is_empty() {
            Default::default()
        } else {
            crate::domain::people::target_groups::by_ids(&*db, &group_ids).await?
        };
        Ok(rows
            .into_iter()
            .map(|r| {
                let group = r.target_group_id.and_then(|g| groups.get(&g).cloned());
                PlacementRate(r, group)
            })
            .collect())
    }

    /// Supply and demand per occupation across alliances: open demanded headcount, planned and
    /// running cohort seats, certificates issued and hires. Aggregates only. Without a
    /// regulator's token the period snaps to whole quarters and certificates count only from
    /// cells (occupation × body × quarter) of at least 5.
    async fn skills_balance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which alliances, regions, occupations and period.")] filter: Option<
            SkillsBalanceFilter,
        >,
    ) -> async_graphql::Result<Vec<SkillsBalanceRow>> {
        let filter = filter.unwrap_or_default().into_domain()?;
        let precision = policy::aggregate_precision(&caller(ctx).viewer);
        let rows =
            reports::skills_balance(&*api(ctx)?.db.turn().await?, precision, &filter).await?;
        Ok(rows.into_iter().map(SkillsBalanceRow).collect())
    }
}
