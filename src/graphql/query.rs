//! The query root: entry points into the graph. Every list is across all alliances and regions
//! unless a filter narrows it.

use crate::graphql::scalars::Date;
use async_graphql::{Context, ID, Object};
use chrono::Datelike;
use futures_util::FutureExt;
use sea_orm::EntityTrait;

use super::{
    connection::{Connection, TotalCount},
    context::api,
    context::caller,
    ids::NodeKey,
    types::{
        Alliance, AllianceFilter, AllianceOrder, AssessmentSession, AssessmentSessionFilter,
        AssessmentSessionOrder, AuditEvent, AuditEventFilter, Candidate, CatalogueItem,
        CatalogueItemFilter, Certificate, CertificateStatsDimension, CertificateStatsFilter,
        CertificateStatsRow, CertificateVerification, Cohort, CohortFilter, Demand, DemandFilter,
        DemandOrder, Enrollment, IntentionDemandGroup, IntentionStatus, Learner, Membership, Node,
        Occupation, OccupationFilter, OpenResource, OpenResourceFilter, OpenResourceOrder,
        Organization, OrganizationFilter, OrganizationOrder, Region, SkillLevelInfo, TargetGroup,
        TrainingIntention, TrainingOrder, TrainingPlan, TrainingPlanFilter, Viewer, page_request,
    },
    types::{
        DueFollowUp, FollowUp, FollowUpsDueFilter, PlacementDimension, PlacementRate,
        PlacementRateFilter, Recommendation, RecommendationBacklogEntry,
        RecommendationBacklogFilter, SkillsBalanceFilter, SkillsBalanceRow,
    },
};
use crate::{
    auth::policy,
    domain::{
        alliances, audit, catalogue,
        codes::{AllianceCode, OccupationCode, RegionCode},
        cohorts, demands, employment, evaluation, learners, occupations, orders, organizations,
        regions, resources,
    },
    error::AppError,
};

/// The most IDs `nodes(ids:)` takes at once.
const MAX_NODES: usize = 100;

/// Reads of the alliance graph: the fields of `Query`, merged into [`PublicQuery`] (and into
/// the federation's root, beside the entity resolvers).
#[derive(Default)]
pub struct QueryRoot;

// The query root of the public schema (its description is the SDL's).
/// Reads of the alliance graph: every list spans all alliances and regions unless filtered.
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Query")]
pub struct PublicQuery(QueryRoot);

/// Reads of the alliance graph: every list spans all alliances and regions unless filtered.
#[Object(name = "QueryFields")]
impl QueryRoot {
    /// Fetches any object by its global ID; null when nothing has that ID.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let key = NodeKey::parse("id", &id)?;
        load_node(ctx, key).await
    }

    /// Fetches objects by global ID, in the order given; null where nothing has that ID. At most
    /// 100 IDs.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100.")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(
                AppError::validation("ids", format!("at most {MAX_NODES} IDs at once")).into(),
            );
        }
        let keys = ids
            .iter()
            .enumerate()
            .map(|(i, id)| NodeKey::parse(&format!("ids[{i}]"), id))
            .collect::<Result<Vec<_>, _>>()?;
        futures_util::future::try_join_all(keys.into_iter().map(|key| load_node(ctx, key))).await
    }

    /// Every region, by code.
    async fn regions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Region>> {
        Ok(regions::all(&api(ctx)?.db)
            .await?
            .into_iter()
            .map(Region)
            .collect())
    }

    /// One region by its GB/T 2260 code; null if there is none.
    async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "GB/T 2260 code, such as 321100.")] code: String,
    ) -> async_graphql::Result<Option<Region>> {
        let code = RegionCode::parse(&code).map_err(|e| AppError::validation("code", e))?;
        Ok(regions::by_code(&api(ctx)?.db, &code).await?.map(Region))
    }

    /// One alliance by its code (`zj-eyewear`); null if there is none.
    async fn alliance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The alliance's code, such as zj-eyewear.")] code: String,
    ) -> async_graphql::Result<Option<Alliance>> {
        let code = AllianceCode::parse(&code).map_err(|e| AppError::validation("code", e))?;
        Ok(alliances::by_code(&api(ctx)?.db, &code)
            .await?
            .map(Alliance))
    }

    /// Alliances across every region; `filter` narrows, `orderBy` orders (by code unless told).
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and order"
    )]
    async fn alliances(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every alliance when left out.")] filter: Option<
            AllianceFilter,
        >,
        #[graphql(desc = "The order; by code ascending when left out.")] order_by: Option<
            AllianceOrder,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Alliance>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let (field, descending) = order_by.unwrap_or_default().into_domain();
        let page = alliances::list(&api.db, &filter, field, descending, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { alliances::count(&db, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, Alliance))
    }

    /// Organizations across every alliance and region; `filter` narrows (by kind, alliances,
    /// region, name, number of alliances), `orderBy` orders (by name unless told).
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and order"
    )]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every organization when left out.")] filter: Option<
            OrganizationFilter,
        >,
        #[graphql(desc = "The order; by name ascending when left out.")] order_by: Option<
            OrganizationOrder,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Organization>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let (field, descending) = order_by.unwrap_or_default().into_domain();
        let page = organizations::list(&api.db, &filter, field, descending, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { organizations::count(&db, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, Organization))
    }

    /// Occupations of the national classification, by code; `filter` narrows.
    async fn occupations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every occupation when left out.")] filter: Option<
            OccupationFilter,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Occupation>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = occupations::list(&api.db, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { occupations::count(&db, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, Occupation::owned))
    }

    /// One occupation by its code (`6-18-02-04`); null if the classification has no such code.
    async fn occupation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A full code, 1-2-2-2 digits, such as 6-18-02-04.")] code: String,
    ) -> async_graphql::Result<Option<Occupation>> {
        let code = OccupationCode::parse(&code).map_err(|e| AppError::validation("code", e))?;
        Ok(occupations::by_code(&api(ctx)?.db, &code)
            .await?
            .map(Occupation::owned))
    }

    /// Demand across every alliance: OPEN demand for everyone (the default); drafts, filled and
    /// closed demand for its enterprise, the admins of its alliances, the regulator of its region.
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and order"
    )]
    async fn demands(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; OPEN demand in every alliance when left out.")] filter: Option<DemandFilter>,
        #[graphql(desc = "The order; newest first when left out.")] order_by: Option<DemandOrder>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Demand>> {
        let api = api(ctx)?;
        let viewer = caller(ctx).viewer;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let (field, descending) = order_by.unwrap_or_default().into_domain();
        let page = demands::list(&api.db, &viewer, &filter, field, descending, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, viewer, filter) = (db.clone(), viewer.clone(), filter.clone());
            async move { demands::count(&db, &viewer, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, Demand))
    }

    /// Cohorts across every alliance, by start date; `filter` narrows. Public; who is enrolled is
    /// shown only to those who may see it.
    async fn cohorts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every cohort when left out.")] filter: Option<
            CohortFilter,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Cohort>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = cohorts::list(&api.db, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { cohorts::count(&db, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, Cohort))
    }

    /// Published open training resources across every alliance; `filter` narrows, `orderBy`
    /// orders (by start date unless told).
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and order"
    )]
    async fn open_resources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every published item when left out.")] filter: Option<
            OpenResourceFilter,
        >,
        #[graphql(desc = "The order; by start date when left out.")] order_by: Option<
            OpenResourceOrder,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<OpenResource>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let (field, descending) = order_by.unwrap_or_default().into_domain();
        let page = resources::list(&api.db, &filter, field, descending, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { resources::count(&db, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, OpenResource))
    }

    /// The subsidised-training catalogue of every region (LISTED items unless `filter.statuses`
    /// says otherwise), by occupation code.
    async fn catalogue_items(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<CatalogueItemFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<CatalogueItem>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = catalogue::list_items(&api.db, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { catalogue::count_items(&db, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, CatalogueItem))
    }

    /// Quarterly training plans of every provider.
    async fn training_plans(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<TrainingPlanFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<TrainingPlan>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = catalogue::list_plans(&api.db, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { catalogue::count_plans(&db, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, TrainingPlan))
    }

    /// The training and evaluation map: assessment sessions across alliances (SCHEDULED unless
    /// `filter.statuses` says otherwise), by date unless told.
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and order"
    )]
    async fn assessment_sessions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every scheduled session when left out.")]
        filter: Option<AssessmentSessionFilter>,
        #[graphql(desc = "The order; by exam day when left out.")] order_by: Option<
            AssessmentSessionOrder,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<AssessmentSession>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let order = order_by.unwrap_or_default();
        let descending = order.direction == super::types::SortDirection::Desc;
        let page =
            evaluation::list_sessions(&api.db, &filter, order.field.into(), descending, &request)
                .await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { evaluation::count_sessions(&db, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, AssessmentSession))
    }

    /// Verifies a certificate by its number: public, no token. Spaces and lower case are fine; a
    /// malformed number is BAD_USER_INPUT; the answer holds the holder's masked name and no other
    /// personal data.
    async fn verify_certificate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The 22-character certificate number.")] number: String,
    ) -> async_graphql::Result<CertificateVerification> {
        Ok(CertificateVerification(
            evaluation::verify(&api(ctx)?.db, &number).await?,
        ))
    }

    /// Certificates counted in groups (by alliance, region, occupation, level, body type, year):
    /// aggregates only, no learner in them. VALID certificates unless told otherwise. Without a
    /// regulator's token only atomic cells (issuing organization × occupation × level × year ×
    /// status) of at least 5 certificates count, in every group and total, so no two answers
    /// subtract to one person.
    async fn certificate_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which certificates to count.")] filter: Option<CertificateStatsFilter>,
        #[graphql(desc = "The dimensions to group by; one total when empty.")] group_by: Option<
            Vec<CertificateStatsDimension>,
        >,
    ) -> async_graphql::Result<Vec<CertificateStatsRow>> {
        let filter = filter.unwrap_or_default().into_domain()?;
        let dims: Vec<_> = group_by
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let precision = policy::aggregate_precision(&caller(ctx).viewer);
        let rows = evaluation::certificate_stats(&api(ctx)?.db, precision, &filter, &dims).await?;
        Ok(rows.into_iter().map(CertificateStatsRow).collect())
    }

    /// Training intentions within the caller's scope (the learner's own, a provider's, the
    /// regulator's region), oldest first.
    async fn training_intentions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these statuses (all when left out).")] statuses: Option<
            Vec<IntentionStatus>,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<TrainingIntention>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = orders::IntentionFilter {
            statuses: statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        let page = orders::list_intentions(&api.db, &caller(ctx), &filter, &request).await?;
        let n = page.items.len() as u64;
        Ok(Connection::from_page(
            page,
            TotalCount::Known(n),
            TrainingIntention,
        ))
    }

    /// Training orders: the regulator's region, a provider's own.
    async fn training_orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<TrainingOrder>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let page = orders::list_orders(&api.db, &caller(ctx), &request).await?;
        let n = page.items.len() as u64;
        Ok(Connection::from_page(
            page,
            TotalCount::Known(n),
            TrainingOrder,
        ))
    }

    /// Open training intentions counted by region, occupation, level and first-choice schedule:
    /// where people want training. Counts only, no learner; public. Without a regulator's token a
    /// group of fewer than 5 intentions is left out.
    async fn intention_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this region (GB/T 2260 code).")] region: Option<String>,
        #[graphql(desc = "Only this occupation or group.")] occupation: Option<String>,
    ) -> async_graphql::Result<Vec<IntentionDemandGroup>> {
        let region = region
            .map(|r| RegionCode::parse(&r).map_err(|e| AppError::validation("region", e)))
            .transpose()?;
        let occupation = occupation
            .map(|o| {
                crate::domain::codes::OccupationPrefix::parse(&o)
                    .map_err(|e| AppError::validation("occupation", e))
            })
            .transpose()?;
        let precision = policy::aggregate_precision(&caller(ctx).viewer);
        let groups = orders::intention_demand(
            &api(ctx)?.db,
            precision,
            region.as_ref(),
            occupation.as_ref(),
        )
        .await?;
        Ok(groups.into_iter().map(IntentionDemandGroup).collect())
    }

    /// Who is calling: role, organization, scope and permissions.
    async fn viewer(&self, ctx: &Context<'_>) -> Viewer {
        Viewer(caller(ctx).viewer)
    }

    /// Learners within the caller's scope (a regulator's region, a provider's own learners, a
    /// learner themself), in registration order, personal data masked.
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus two filters"
    )]
    async fn learners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only learners living in this region (GB/T 2260 code).")] region: Option<
            String,
        >,
        #[graphql(desc = "Only learners of this group.")] target_group: Option<TargetGroup>,
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
            region: region
                .map(|r| RegionCode::parse(&r).map_err(|e| AppError::validation("region", e)))
                .transpose()?,
            target_group: target_group.map(Into::into),
        };
        let page = learners::list(&api.db, &caller, &caller.access, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, caller, filter) = (db.clone(), caller.clone(), filter.clone());
            async move { learners::count(&db, &caller, &caller.access, &filter).await }.boxed()
        });
        // Every row still goes through the access policy (a summary for system administrators).
        let page = page.try_map_async(|row| Learner::resolve(ctx, row)).await?;
        Ok(Connection::from_page(page, total, |l| l))
    }

    /// The audit trail, newest first: the regulator's region, or everything for a system
    /// administrator. Read-only: nothing changes or deletes it.
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
        let scope = policy::read_audit_trail(&caller(ctx).viewer)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = audit::list(&api.db, scope, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { audit::count(&db, scope, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, AuditEvent))
    }

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
        let days = ctx.data::<super::RecommendationDays>()?.0;
        let filter = filter.unwrap_or_default().into_domain(days)?;
        let rows = employment::backlog(&api.db, &caller(ctx), &filter).await?;
        Ok(crate::graphql::connection::in_memory(
            "recommendationBacklog",
            &rows,
            |e| (i64::from(e.qualified_on.num_days_from_ce()) << 32) | i64::from(e.learner_id),
            &request,
            RecommendationBacklogEntry,
        )?)
    }

    /// Completers whose month-1, -3 or -6 follow-up is due or overdue and not recorded (for the
    /// completions of the last twelve months): a provider's own cohorts, the regulator's region.
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
        let rows = employment::follow_ups_due(&api.db, &caller(ctx), as_of.into(), &filter).await?;
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
    /// provider, occupation, cohort kind and quarter (one total when `groupBy` is empty). The
    /// month-3 rate is the number employed at their month-3 follow-up divided by the completers (a
    /// completer not followed up counts as not placed); month 6 likewise. Aggregates only: no
    /// learner appears, and a group with fewer than 5 completers is reported as `suppressed`.
    /// Without a regulator's token the period snaps to whole quarters and the figures are sums of
    /// atomic cells (quarter × alliance × provider × occupation × cohort kind) of at least 5
    /// completers; a smaller cell is left out of every figure, totals included, so no two answers
    /// (a day or a provider apart) subtract to one person's outcome.
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
        let rows = employment::placement_rates(&api(ctx)?.db, precision, &filter, &dims).await?;
        Ok(rows.into_iter().map(PlacementRate).collect())
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
        let rows = employment::skills_balance(&api(ctx)?.db, precision, &filter).await?;
        Ok(rows.into_iter().map(SkillsBalanceRow).collect())
    }

    /// The skill-level ladder, lowest first.
    async fn skill_levels(&self) -> Vec<SkillLevelInfo> {
        SkillLevelInfo::ladder()
    }
}

pub(super) async fn load_node(
    ctx: &Context<'_>,
    key: NodeKey,
) -> async_graphql::Result<Option<Node>> {
    let loaders = &api(ctx)?.loaders;
    Ok(match key {
        NodeKey::Region(id) => loaders
            .region
            .load_one(id)
            .await?
            .map(|m| Node::Region(Region(m))),
        NodeKey::Alliance(id) => loaders
            .alliance
            .load_one(id)
            .await?
            .map(|m| Node::Alliance(Alliance(m))),
        NodeKey::Organization(id) => loaders
            .organization
            .load_one(id)
            .await?
            .map(|m| Node::Organization(Organization(m))),
        NodeKey::Membership(id) => loaders
            .membership
            .load_one(id)
            .await?
            .map(|m| Node::Membership(Membership(m, None))),
        NodeKey::Occupation(code) => loaders
            .occupation
            .load_one(code)
            .await?
            .map(|m| Node::Occupation(Occupation(m))),
        NodeKey::Learner(id) => Learner::by_id(ctx, id).await?.map(Node::Learner),
        NodeKey::Demand(id) => match loaders.demand.load_one(id).await? {
            Some(m) => {
                let alliances = loaders
                    .demand_alliances
                    .load_one(id)
                    .await?
                    .unwrap_or_default();
                if demands::can_see(&caller(ctx).viewer, &m, &alliances) {
                    Some(Node::Demand(Demand(m)))
                } else {
                    None
                }
            }
            None => None,
        },
        NodeKey::Cohort(id) => loaders
            .cohort
            .load_one(id)
            .await?
            .map(|m| Node::Cohort(Cohort(m))),
        NodeKey::Enrollment(id) => match loaders.enrollment.load_one(id).await? {
            Some(e) => {
                let cohort = loaders
                    .cohort
                    .load_one(e.cohort_id)
                    .await?
                    .ok_or_else(|| AppError::internal("an enrollment without its cohort"))?;
                let region = loaders
                    .alliance
                    .load_one(cohort.alliance_id)
                    .await?
                    .map(|a| a.region_id);
                policy::list_cohort_learners(
                    &caller(ctx).viewer,
                    cohort.provider_id,
                    cohort.enterprise_id,
                    region,
                )
                .is_ok()
                .then_some(Node::Enrollment(Enrollment(e)))
            }
            None => None,
        },
        NodeKey::OpenResource(id) => loaders
            .open_resource
            .load_one(id)
            .await?
            .map(|m| Node::OpenResource(OpenResource(m))),
        NodeKey::CatalogueItem(id) => loaders
            .catalogue_item
            .load_one(id)
            .await?
            .map(|m| Node::CatalogueItem(CatalogueItem(m))),
        NodeKey::TrainingPlan(id) => loaders
            .training_plan
            .load_one(id)
            .await?
            .map(|m| Node::TrainingPlan(TrainingPlan(m))),
        NodeKey::AssessmentSession(id) => loaders
            .session
            .load_one(id)
            .await?
            .map(|m| Node::AssessmentSession(AssessmentSession(m))),
        NodeKey::Candidate(id) => {
            let db = &api(ctx)?.db;
            match evaluation::candidate_by_id(db, id).await? {
                Some(c) => {
                    let session = loaders
                        .session
                        .load_one(c.session_id)
                        .await?
                        .ok_or_else(|| AppError::internal("a candidate without its session"))?;
                    evaluation::may_see_candidates(db, &caller(ctx).viewer, &session)
                        .await?
                        .then_some(Node::Candidate(Candidate(c)))
                }
                None => None,
            }
        }
        NodeKey::Certificate(id) => {
            let found = entity::certificate::Entity::find_by_id(id)
                .one(&api(ctx)?.db)
                .await
                .map_err(AppError::from)?;
            match found {
                // A certificate is shown with the full learner only; anyone verifies one by
                // its number instead.
                Some(c) if full_learner(ctx, c.learner_id).await? => {
                    Some(Node::Certificate(Certificate(c)))
                }
                _ => None,
            }
        }
        NodeKey::TrainingIntention(id) => {
            let db = &api(ctx)?.db;
            match orders::intentions_by_ids(db, &[id]).await?.remove(&id) {
                Some(i) if full_learner(ctx, i.learner_id).await? => {
                    Some(Node::TrainingIntention(TrainingIntention(i)))
                }
                _ => None,
            }
        }
        NodeKey::TrainingOrder(id) => {
            let found = entity::training_order::Entity::find_by_id(id)
                .one(&api(ctx)?.db)
                .await
                .map_err(AppError::from)?;
            found
                .filter(|o| policy::see_order(&caller(ctx).viewer, o.region_id, o.provider_id))
                .map(|o| Node::TrainingOrder(TrainingOrder(o)))
        }
        NodeKey::Recommendation(id) => {
            let db = &api(ctx)?.db;
            match employment::recommendations_by_ids(db, &[id])
                .await?
                .remove(&id)
            {
                Some(r) if employment::may_see(db, &caller(ctx), &r).await? => {
                    Some(Node::Recommendation(Recommendation(r)))
                }
                _ => None,
            }
        }
        NodeKey::FollowUp(id) => {
            let db = &api(ctx)?.db;
            match employment::follow_up_by_id(db, id).await? {
                Some(f) if full_learner(ctx, f.learner_id).await? => {
                    Some(Node::FollowUp(FollowUp(f)))
                }
                _ => None,
            }
        }
        NodeKey::AuditEvent(id) => match policy::read_audit_trail(&caller(ctx).viewer) {
            Ok(scope) => audit::by_id(&api(ctx)?.db, scope, id)
                .await?
                .map(|m| Node::AuditEvent(AuditEvent(m))),
            Err(_) => None,
        },
    })
}

/// Whether the viewer sees this learner in full (the access policy's decision).
async fn full_learner(ctx: &Context<'_>, learner_id: i32) -> async_graphql::Result<bool> {
    Ok(Learner::by_id(ctx, learner_id)
        .await?
        .is_some_and(|l| l.is_full()))
}
