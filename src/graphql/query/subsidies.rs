//! `Query`: subsidy standards, claims and their export for the finance system, and the
//! regulator's supervision of claims.

use async_graphql::{Context, Enum, Object};
use base64::Engine;
use futures_util::FutureExt;

use crate::domain::{kernel::input, subsidies, subsidies::supervision};
use crate::graphql::{
    connection::{Connection, TotalCount},
    context::{api, caller},
    types::{
        ExportFile, SubsidyClaim, SubsidyClaimFilter, SubsidyStandard, SubsidySupervision,
        SubsidySupervisionFilter, page_request,
    },
};

/// An export's format.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// UTF-8 CSV (with a byte-order mark, for spreadsheet programs).
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// Subsidy standards and claims, and the regulator's supervision of claims.
#[derive(Default)]
pub struct SubsidiesQuery;

/// Subsidy standards and claims, and the regulator's supervision of claims.
#[Object]
impl SubsidiesQuery {
    /// A region's subsidy standards, newest year first (public: they are the bureau's policy).
    async fn subsidy_standards(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region's code (GB/T 2260).")] region: String,
    ) -> async_graphql::Result<Vec<SubsidyStandard>> {
        let api = api(ctx)?;
        let code: crate::domain::kernel::codes::RegionCode = input::one("region", &region)?;
        let Some(found) =
            crate::domain::network::regions::by_code(&*api.db.turn().await?, &code).await?
        else {
            return Ok(vec![]);
        };
        Ok(subsidies::standards_of(&*api.db.turn().await?, found.id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Subsidy claims, oldest first: a regulator's those its region pays, a provider its own
    /// (SYSTEM_ADMIN: all). `filter: {statuses: [PENDING]}` is the regulator's work list.
    async fn subsidy_claims(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<SubsidyClaimFilter>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Connection<SubsidyClaim>> {
        let api = api(ctx)?;
        let caller = caller(ctx);
        let request = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let page = subsidies::list(&*api.db.turn().await?, &caller, &filter, &request).await?;
        let db = api.db.clone();
        let total = TotalCount::deferred(move || {
            let (db, caller, filter) = (db.clone(), caller.clone(), filter.clone());
            async move { subsidies::count(&*db.turn().await?, &caller, &filter).await }.boxed()
        });
        Ok(Connection::from_page(page, total, SubsidyClaim))
    }

    /// A region's subsidy claims as its REGULATOR supervises them (SYSTEM_ADMIN: the region
    /// named): claims, lines and fen by status per provider, alliance and quarter submitted, and
    /// the flags worth a look (identical attendance across a cohort, a learner in two places on
    /// one day, a learner employed full-time elsewhere during the training).
    async fn subsidy_supervision(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region's code (GB/T 2260); the regulator's own when left out.")]
        region: Option<String>,
        #[graphql(desc = "Narrows the claims.")] filter: Option<SubsidySupervisionFilter>,
    ) -> async_graphql::Result<SubsidySupervision> {
        let api = api(ctx)?;
        let region_id = match region {
            Some(raw) => {
                let code: crate::domain::kernel::codes::RegionCode = input::one("region", &raw)?;
                Some(
                    crate::domain::network::regions::by_code(&*api.db.turn().await?, &code)
                        .await?
                        .ok_or_else(|| {
                            crate::error::AppError::validation("region", "no region has this code")
                        })?
                        .id,
                )
            }
            None => None,
        };
        let filter = filter.unwrap_or_default().into_domain(ctx).await?;
        let (region_id, rows) =
            supervision::summary(&*api.db.turn().await?, &caller(ctx), region_id, &filter).await?;
        Ok(SubsidySupervision {
            region_id,
            filter,
            rows,
        })
    }
}

/// The export of claim lines for the finance system.
#[derive(Default)]
pub struct ClaimExportQuery;

/// The export of claim lines for the finance system.
#[Object]
impl ClaimExportQuery {
    /// The claim lines the caller may see, one row each, as a CSV or XLSX file for the finance
    /// system (claim, line, provider, cohort, learner by ID and masked name, occupation, level,
    /// evidence, amount in fen and CNY, status, payment reference, paid at).
    async fn subsidy_claim_export(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file's format.")] format: ExportFormat,
        #[graphql(desc = "Narrows the claims.")] filter: Option<SubsidyClaimFilter>,
    ) -> async_graphql::Result<ExportFile> {
        let api = api(ctx)?;
        let filter = filter.unwrap_or_default().into_domain()?;
        let rows = subsidies::export_rows(&*api.db.turn().await?, &caller(ctx), &filter).await?;
        let (domain_format, ext, content_type) = match format {
            ExportFormat::Csv => (
                subsidies::ExportFormat::Csv,
                "csv",
                "text/csv; charset=utf-8",
            ),
            ExportFormat::Xlsx => (
                subsidies::ExportFormat::Xlsx,
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        };
        let count = rows.len();
        let bytes =
            tokio::task::spawn_blocking(move || subsidies::write_export(domain_format, &rows))
                .await
                .map_err(crate::error::AppError::internal)??;
        Ok(ExportFile {
            filename: format!(
                "subsidy-claims-{}.{ext}",
                chrono::Utc::now().format("%Y%m%d")
            ),
            content_type: content_type.to_owned(),
            content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
            rows: count as i32,
        })
    }
}
