//! `Mutation`: subsidy standards, claims and their decisions.

use async_graphql::{Context, ID, InputObject, Object};

use crate::graphql::{
    context::{api, caller},
    ids::NodeKey,
    types::{ClaimLine, SubsidyClaim, SubsidyStandard},
};
use crate::{
    domain::{
        kernel::input::{self, Reason, Text},
        subsidies::{self, LineDecision, Standard},
        training::cohorts::CompletionRule,
    },
    error::AppError,
};

/// Subsidy standards and claims.
#[derive(Default)]
pub struct SubsidiesMutation;

#[Object]
impl SubsidiesMutation {
    /// Sets the REGULATOR's region's subsidy standard for a year (replacing it): the percent
    /// added for scarce occupations and the fen per new-type apprentice per year of training.
    async fn set_subsidy_standard(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The standard.")] input: SetSubsidyStandardInput,
    ) -> async_graphql::Result<SubsidyStandard> {
        let api = api(ctx)?;
        let standard = Standard {
            year: input::narrow::<i16>("input.year", input.year, "2000 to 2100")?,
            scarce_uplift_percent: input::narrow::<i16>(
                "input.scarceUpliftPercent",
                input.scarce_uplift_percent,
                "0 to 100 percent",
            )?,
            apprenticeship_fen_per_year: input.apprenticeship_fen_per_year.0,
        };
        Ok(
            subsidies::set_standard(&*api.db.turn().await?, &caller(ctx), standard)
                .await?
                .into(),
        )
    }

    /// Claims for a FINISHED subsidised cohort (its provider): one line per learner named (every
    /// COMPLETED learner when `enrollments` is left out), each with its amount in fen. A line
    /// without real-name attendance reaching the completion share, or without the evidence the
    /// catalogue item needs (a certificate, employment at month 3), refuses the claim on that
    /// enrolment, and nothing is written. A cohort claimed already is a CONFLICT.
    async fn submit_subsidy_claim(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort and, optionally, the enrolments.")]
        input: SubmitSubsidyClaimInput,
    ) -> async_graphql::Result<SubsidyClaim> {
        let api = api(ctx)?;
        let cohort = NodeKey::cohort("input.cohort", &input.cohort)?;
        let mut ids = Vec::new();
        for (i, id) in input.enrollments.unwrap_or_default().iter().enumerate() {
            ids.push(NodeKey::enrollment(&format!("input.enrollments[{i}]"), id)?);
        }
        let rule = ctx
            .data_opt::<CompletionRule>()
            .copied()
            .unwrap_or_default();
        let training = super::training_rules(ctx);
        let (claim, _) = subsidies::submit(
            &*api.db.turn().await?,
            &caller(ctx),
            rule,
            training,
            cohort,
            &ids,
        )
        .await?;
        Ok(SubsidyClaim(claim))
    }

    /// Approves a PENDING line (the REGULATOR of the claim's region), with an optional note.
    /// The database keeps one approved or paid line per person, occupation and level across
    /// providers and cities: a second is a CONFLICT, and nothing changes.
    async fn approve_claim_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The line.")] input: ApproveClaimLineInput,
    ) -> async_graphql::Result<ClaimLine> {
        let api = api(ctx)?;
        let line = NodeKey::claim_line("input.line", &input.line)?;
        let note = Reason::optional("input.note", input.note.as_deref())?;
        Ok(ClaimLine(
            subsidies::decide_line(
                &*api.db.turn().await?,
                &caller(ctx),
                line,
                LineDecision::Approve(note),
            )
            .await?,
        ))
    }

    /// Rejects a PENDING line with a reason the provider reads (the REGULATOR of its region).
    async fn reject_claim_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The line and why.")] input: RejectClaimLineInput,
    ) -> async_graphql::Result<ClaimLine> {
        let api = api(ctx)?;
        let line = NodeKey::claim_line("input.line", &input.line)?;
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        Ok(ClaimLine(
            subsidies::decide_line(
                &*api.db.turn().await?,
                &caller(ctx),
                line,
                LineDecision::Reject(reason),
            )
            .await?,
        ))
    }

    /// Marks APPROVED lines PAID with the payment's reference (the REGULATOR of their region):
    /// all of them, or none when any is not APPROVED.
    async fn mark_claim_lines_paid(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The lines and the payment.")] input: MarkClaimLinesPaidInput,
    ) -> async_graphql::Result<Vec<ClaimLine>> {
        let api = api(ctx)?;
        let mut ids = Vec::with_capacity(input.lines.len());
        for (i, id) in input.lines.iter().enumerate() {
            let id = NodeKey::claim_line(&format!("input.lines[{i}]"), id)?;
            if ids.contains(&id) {
                return Err(
                    AppError::validation(format!("input.lines[{i}]"), "named twice").into(),
                );
            }
            ids.push(id);
        }
        let reference =
            input::one::<Text<100>>("input.paymentReference", &input.payment_reference)?;
        Ok(subsidies::mark_paid(
            &*api.db.turn().await?,
            &caller(ctx),
            &ids,
            reference.as_str(),
        )
        .await?
        .into_iter()
        .map(ClaimLine)
        .collect())
    }
}

/// A region's standard for a year.
#[derive(InputObject)]
pub struct SetSubsidyStandardInput {
    /// The year.
    pub year: i32,
    /// Percent added to a scarce occupation's amount, 0 to 100.
    pub scarce_uplift_percent: i32,
    /// Fen per new-type apprentice per year, at least 500,000 (5,000 CNY).
    pub apprenticeship_fen_per_year: crate::graphql::scalars::Fen,
}

/// Claim for a cohort.
#[derive(InputObject)]
pub struct SubmitSubsidyClaimInput {
    /// The FINISHED subsidised cohort.
    pub cohort: ID,
    /// The enrolments to claim for (every COMPLETED one when left out).
    pub enrollments: Option<Vec<ID>>,
}

/// Approve a line.
#[derive(InputObject)]
pub struct ApproveClaimLineInput {
    /// The line.
    pub line: ID,
    /// A note, up to 500 characters.
    pub note: Option<String>,
}

/// Reject a line.
#[derive(InputObject)]
pub struct RejectClaimLineInput {
    /// The line.
    pub line: ID,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// Mark lines paid.
#[derive(InputObject)]
pub struct MarkClaimLinesPaidInput {
    /// The APPROVED lines paid, 1 to 500.
    pub lines: Vec<ID>,
    /// The payment's reference in the finance system, 1 to 100 characters.
    pub payment_reference: String,
}
