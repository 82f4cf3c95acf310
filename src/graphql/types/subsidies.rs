//! Subsidy standards, claims and their lines.

use crate::graphql::loaders::required;
use crate::graphql::scalars::{DateTime, Fen};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{claim_line, subsidy_claim, subsidy_standard};

use super::{Cohort, Learner, Organization, SkillLevel};
use crate::{
    domain::subsidies,
    error::{AppError, AppResult},
    graphql::{context::api, ids::NodeKey},
};

/// What a claim line must show beyond the real-name attendance of a completion.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::ClaimEvidence")]
pub enum ClaimEvidence {
    /// The completion with its attendance record alone.
    Completion,
    /// A valid certificate of the occupation and level, issued since the training began.
    Certificate,
    /// Employment at the month-3 follow-up.
    Employment,
}

/// Where a claim stands, from its lines.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::ClaimStatus")]
pub enum ClaimStatus {
    /// Some line waits for the regulator.
    Pending,
    /// Every line decided; some approved line not paid yet.
    Decided,
    /// Every approved line paid (or none approved).
    Settled,
}

/// Where a claim line stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::ClaimLineStatus")]
pub enum ClaimLineStatus {
    /// Waiting for the regulator.
    Pending,
    /// Approved, to be paid.
    Approved,
    /// Rejected, with a reason.
    Rejected,
    /// Paid, with the payment's reference.
    Paid,
}

/// A region's subsidy standard for a year.
#[derive(SimpleObject)]
pub struct SubsidyStandard {
    /// The year.
    pub year: i32,
    /// Percent added to a scarce occupation's catalogue amount.
    pub scarce_uplift_percent: i32,
    /// Fen per new-type apprentice per year of training.
    pub apprenticeship_fen_per_year: Fen,
    /// The same in CNY, two decimals.
    pub apprenticeship_yuan_per_year: String,
}

impl From<subsidy_standard::Model> for SubsidyStandard {
    fn from(m: subsidy_standard::Model) -> Self {
        Self {
            year: i32::from(m.year),
            scarce_uplift_percent: i32::from(m.scarce_uplift_percent),
            apprenticeship_fen_per_year: m.apprenticeship_fen_per_year.into(),
            apprenticeship_yuan_per_year: subsidies::yuan(m.apprenticeship_fen_per_year),
        }
    }
}

/// The GraphQL `SubsidyClaim` type over its row.
pub struct SubsidyClaim(pub subsidy_claim::Model);

/// A provider's subsidy claim for a finished cohort (补贴申领), seen by the provider and the
/// regulator who pays it. Amounts are integer fen, with CNY strings beside them.
#[Object]
impl SubsidyClaim {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::SubsidyClaim(self.0.id).to_id().into()
    }

    /// The cohort claimed for.
    async fn cohort(&self, ctx: &Context<'_>) -> async_graphql::Result<Cohort> {
        Ok(Cohort(
            required(&api(ctx)?.loaders.cohort, self.0.cohort_id, || {
                AppError::internal("a claim without its cohort")
            })
            .await?,
        ))
    }

    /// The provider claiming.
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        Ok(Organization(
            required(&api(ctx)?.loaders.organization, self.0.provider_id, || {
                AppError::internal("a claim without its provider")
            })
            .await?,
        ))
    }

    /// PENDING, DECIDED or SETTLED.
    async fn status(&self) -> ClaimStatus {
        self.0.status.into()
    }

    /// What was claimed, fen.
    async fn claimed_fen(&self) -> Fen {
        self.0.claimed_fen.into()
    }

    /// What was claimed, CNY.
    async fn claimed_yuan(&self) -> String {
        subsidies::yuan(self.0.claimed_fen)
    }

    /// What the approved and paid lines come to, fen.
    async fn approved_fen(&self, ctx: &Context<'_>) -> async_graphql::Result<Fen> {
        Ok(Fen(self
            .rows(ctx)
            .await?
            .iter()
            .filter(|l| {
                matches!(
                    l.status,
                    entity::ClaimLineStatus::Approved | entity::ClaimLineStatus::Paid
                )
            })
            .map(|l| l.amount_fen)
            .sum()))
    }

    /// What the paid lines come to, fen.
    async fn paid_fen(&self, ctx: &Context<'_>) -> async_graphql::Result<Fen> {
        Ok(Fen(self
            .rows(ctx)
            .await?
            .iter()
            .filter(|l| l.status == entity::ClaimLineStatus::Paid)
            .map(|l| l.amount_fen)
            .sum()))
    }

    /// One line per learner, in order.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ClaimLine>> {
        Ok(self.rows(ctx).await?.into_iter().map(ClaimLine).collect())
    }

    /// When it was submitted.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// When a line last changed.
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }
}

impl SubsidyClaim {
    async fn rows(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<claim_line::Model>> {
        Ok(api(ctx)?
            .loaders
            .lines_by_claim
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }
}

/// The GraphQL `ClaimLine` type over its row.
pub struct ClaimLine(pub claim_line::Model);

/// One learner's line of a claim: the amount, the evidence and the regulator's decision.
#[Object]
impl ClaimLine {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::ClaimLine(self.0.id).to_id().into()
    }

    /// The learner, as the access policy shows them to this viewer (null when not at all).
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.learner_id).await
    }

    /// The programme it belongs to: its cohort's, when the claim was made.
    async fn programme(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::Programme>> {
        super::programme::of(ctx, self.0.programme_id).await
    }

    /// The enrolment's global ID.
    async fn enrollment_id(&self) -> ID {
        NodeKey::Enrollment(self.0.enrollment_id).to_id().into()
    }

    /// The occupation code trained.
    async fn occupation_code(&self) -> &str {
        &self.0.occupation_code
    }

    /// The level trained.
    async fn level(&self) -> SkillLevel {
        self.0.level.into()
    }

    /// The evidence it rests on (beyond the attendance record every line has).
    async fn evidence(&self) -> ClaimEvidence {
        self.0.evidence.into()
    }

    /// The amount, fen.
    async fn amount_fen(&self) -> Fen {
        self.0.amount_fen.into()
    }

    /// The amount, CNY.
    async fn amount_yuan(&self) -> String {
        subsidies::yuan(self.0.amount_fen)
    }

    /// PENDING, APPROVED, REJECTED or PAID.
    async fn status(&self) -> ClaimLineStatus {
        self.0.status.into()
    }

    /// The regulator's reason (a rejection's, or an approval's note).
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// The payment's reference, once paid.
    async fn payment_reference(&self) -> Option<&str> {
        self.0.payment_reference.as_deref()
    }

    /// When it was decided.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(Into::into)
    }

    /// When it was paid.
    async fn paid_at(&self) -> Option<DateTime> {
        self.0.paid_at.map(Into::into)
    }
}

/// Which claims to list.
#[derive(InputObject, Debug, Default)]
pub struct SubsidyClaimFilter {
    /// Only these statuses (every status when left out).
    pub statuses: Option<Vec<ClaimStatus>>,
    /// Only this provider's.
    pub provider: Option<ID>,
}

impl SubsidyClaimFilter {
    /// The domain filter.
    pub fn into_domain(self) -> AppResult<subsidies::ClaimFilter> {
        Ok(subsidies::ClaimFilter {
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            provider: self
                .provider
                .map(|p| NodeKey::organization("filter.provider", &p))
                .transpose()?,
        })
    }
}

/// A file for download: its name, type and bytes (base64).
#[derive(SimpleObject)]
pub struct ExportFile {
    /// A file name to save it as.
    pub filename: String,
    /// Its media type.
    pub content_type: String,
    /// The bytes, base64.
    pub content_base64: String,
    /// Rows below the header.
    pub rows: i32,
}

impl SubsidyClaim {
    /// The subsidy claim of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{
            domain,
            graphql::context::{api, caller},
        };
        Ok(
            domain::subsidies::by_id(&*api(ctx)?.db.turn().await?, &caller(ctx), id)
                .await?
                .map(Self),
        )
    }
}

impl ClaimLine {
    /// The claim line of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{
            domain,
            graphql::context::{api, caller},
        };
        Ok(
            domain::subsidies::line_by_id(&*api(ctx)?.db.turn().await?, &caller(ctx), id)
                .await?
                .map(Self),
        )
    }
}
