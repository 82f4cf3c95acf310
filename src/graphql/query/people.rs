//! `Query`: the viewer, learners and the audit trail.

use async_graphql::{Context, Object};
use futures_util::FutureExt;

use crate::graphql::{
    connection::{Connection, TotalCount},
    context::api,
    context::caller,
    types::{
        AuditEvent, AuditEventFilter, DataRequest, DataRequestFilter, Learner, TargetGroup,
        TargetGroupCode, Viewer, page_request,
    },
};
use crate::{
    auth::policy,
    domain::kernel::input,
    domain::{
        kernel::audit,
        people::{data_requests, learners},
    },
};

/// The viewer, learners and the audit trail.
#[derive(Default)]
pub struct PeopleQuery;

/// The viewer, learners and the audit trail.
#[Object]
impl PeopleQuery {
    /// Who is calling: role, organization, scope and permissions.
    async fn viewer(&self, ctx: &Context<'_>) -> Viewer {
        Viewer(caller(ctx).viewer)
    }

    /// Every target group (重点群体), the national list first, then those regions added, each by
    /// code. Reference data, public; who belongs to a group is not.
    async fn target_groups(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TargetGroup>> {
        Ok(
            crate::domain::people::target_groups::all(&*api(ctx)?.db.turn().await?)
                .await?
                .into_iter()
                .map(TargetGroup)
                .collect(),
        )
    }

    /// The calling learner's copy of everything skillgraph holds about them (LEARNER only): the
    /// registration with its personal data in clear, every row of every table that refers to
    /// them (enrolments, certificates, candidacies, applications, intentions, recommendations,
    /// follow-ups, provider links, subsidy slots, requests about their data), the job and
    /// training suggestions made to them with their reasons, and who read their unmasked personal
    /// data and when, as one JSON document.
    async fn my_data(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<async_graphql::Json<serde_json::Value>> {
        let api = api(ctx)?;
        Ok(async_graphql::Json(
            crate::domain::people::my_data::export(
                &*api.db.turn().await?,
                &caller(ctx),
                &api.personal_data,
            )
            .await?,
        ))
    }

    /// Learners within the caller's scope (a regulator's region, a provider's own learners, a
    /// learner themself), in registration order, personal data masked.
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus three filters"
    )]
    async fn learners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only learners living in this region (GB/T 2260 code).")] region: Option<
            String,
        >,
        #[graphql(desc = "Only learners who belong to this group (a code of `targetGroups`).")]
        target_group: Option<TargetGroupCode>,
        #[graphql(
            desc = "Only learners who belong to one of these target groups (codes of `targetGroups`)."
        )]
        target_groups: Option<Vec<String>>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Learner>> {
        let api = api(ctx)?;
        let caller = caller(ctx);
        let request = page_request(first, after, last, before)?;
        let filter = learners::LearnerFilter {
            region: input::optional("region", region.as_deref())?,
            target_groups: target_groups
                .unwrap_or_default()
                .into_iter()
                .map(|c| c.trim().to_owned())
                .chain(target_group.map(|g| {
                    use sea_orm::ActiveEnum;
                    entity::TargetGroup::from(g).to_value()
                }))
                .collect(),
        };
        let page = learners::list(
            &*api.db.turn().await?,
            &caller,
            &caller.access,
            &filter,
            &request,
        )
        .await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, caller, filter) = (db.clone(), caller.clone(), filter.clone());
            async move { learners::count(&*db.turn().await?, &caller, &caller.access, &filter).await }.boxed()
        });
        // Every row still goes through the access policy (a summary for system administrators).
        let page = page.try_map_async(|row| Learner::resolve(ctx, row)).await?;
        Ok(Connection::from_page(page, total, |l| l))
    }

    /// The audit trail, newest first: the regulator's region, or everything for a system
    /// administrator. Read-only: nothing deletes an event; the events about a learner whose
    /// personal data was erased keep who did what and when, with their changed values redacted.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<AuditEventFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<AuditEvent>> {
        let api = api(ctx)?;
        let scope = policy::audit_scope(&caller(ctx).viewer)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = audit::list(&*api.db.turn().await?, scope, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { audit::count(&*db.turn().await?, scope, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, AuditEvent))
    }

    /// Learners' requests about their personal data, oldest first: the learner's own; for the
    /// regulator those of its region's learners; for a provider the
    /// corrections asked by learners it registered. `filter: {statuses: [PENDING]}` is the work
    /// list.
    async fn data_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<DataRequestFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<DataRequest>> {
        let api = api(ctx)?;
        let caller = caller(ctx);
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = data_requests::list(&*api.db.turn().await?, &caller, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, caller, filter) = (db.clone(), caller.clone(), filter.clone());
            async move { data_requests::count(&*db.turn().await?, &caller, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, DataRequest))
    }
}
