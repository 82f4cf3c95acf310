//! `Query`: assessment sessions, certificate verification and statistics.

use crate::domain::reports;
use async_graphql::{Context, Object};
use futures_util::FutureExt;

use crate::graphql::{
    connection::{Connection, TotalCount},
    context::api,
    context::caller,
    context::{client_address, verification_budgets},
    types::{
        AssessmentBody, AssessmentBodyFilter, AssessmentSession, AssessmentSessionFilter,
        AssessmentSessionOrder, CertificateStatsDimension, CertificateStatsFilter,
        CertificateStatsRow, CertificateVerification, Competition, CompetitionFilter,
        DirectRecognition, DirectRecognitionFilter, SpecialAbilitySession,
        SpecialAbilitySessionFilter, page_request,
    },
};
use crate::{auth::policy, domain::certification};

/// Assessment sessions, certificate verification and statistics.
#[derive(Default)]
pub struct CertificationQuery;

/// Assessment sessions, certificate verification and statistics.
#[Object]
impl CertificationQuery {
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
        let descending = order.direction == crate::graphql::types::SortDirection::Desc;
        let page = certification::list_sessions(
            &*api.db.turn().await?,
            &filter,
            order.field.into(),
            descending,
            &request,
        )
        .await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { certification::count_sessions(&*db.turn().await?, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, AssessmentSession))
    }

    /// Special-ability sessions (专项职业能力考核) across regions, soonest first (SCHEDULED
    /// unless `filter.statuses` says otherwise); public.
    async fn special_ability_sessions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every scheduled session when left out.")]
        filter: Option<SpecialAbilitySessionFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<SpecialAbilitySession>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page =
            certification::list_special_sessions(&*api.db.turn().await?, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { certification::count_special_sessions(&*db.turn().await?, &filter).await }
                .boxed()
        });
        Ok(Connection::from_page(page, total, SpecialAbilitySession))
    }

    /// The public register of assessment bodies (职业技能评价机构目录): every body the
    /// regulators filed, with its kind, scope, filing date and standing; no token needed. Newest
    /// filing first.
    async fn assessment_bodies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every filed body when left out.")] filter: Option<
            AssessmentBodyFilter,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<AssessmentBody>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = certification::list_bodies(&*api.db.turn().await?, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { certification::count_bodies(&*db.turn().await?, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, AssessmentBody))
    }

    /// Skills competitions and enterprises' contests, as announced (public): latest first day
    /// first.
    async fn competitions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; every competition when left out.")] filter: Option<
            CompetitionFilter,
        >,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<Competition>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page =
            certification::list_competitions(&*api.db.turn().await?, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { certification::count_competitions(&*db.turn().await?, &filter).await }
                .boxed()
        });
        Ok(Connection::from_page(page, total, Competition))
    }

    /// Direct recognitions (直接认定): the regulator's region's, or those the caller's employer
    /// body proposed; newest first.
    async fn direct_recognitions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<DirectRecognitionFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<DirectRecognition>> {
        let api = api(ctx)?;
        let request = page_request(first, after, last, before)?;
        let filter = certification::RecognitionFilter {
            status: filter.and_then(|f| f.status).map(Into::into),
        };
        let who = caller(ctx);
        let page =
            certification::list_recognitions(&*api.db.turn().await?, &who, &filter, &request)
                .await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, filter, who) = (db.clone(), filter.clone(), who.clone());
            async move { certification::count_recognitions(&*db.turn().await?, &who, &filter).await }
                .boxed()
        });
        Ok(Connection::from_page(page, total, DirectRecognition))
    }

    /// Verifies a certificate by its number: public, no token. Spaces and lower case are fine; a
    /// malformed number is BAD_USER_INPUT. The answer says whether it stands, what it certifies,
    /// how and by whom, and nothing of its holder (`checkCertificateHolder` asks whether a named
    /// person holds it). Each client address has a budget of lookups (30 at once, then one every
    /// 2 s by default); over it, THROTTLED with `extensions.retryAfter`.
    async fn verify_certificate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The 22-character certificate number.")] number: String,
    ) -> async_graphql::Result<CertificateVerification> {
        verification_budgets(ctx)?
            .lookup(client_address(ctx))
            .await?;
        Ok(CertificateVerification(
            certification::verify(&*api(ctx)?.db.turn().await?, &number).await?,
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
        let rows =
            reports::certificate_stats(&*api(ctx)?.db.turn().await?, precision, &filter, &dims)
                .await?;
        Ok(rows.into_iter().map(CertificateStatsRow).collect())
    }
}
