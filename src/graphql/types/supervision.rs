//! The regulator's view of subsidy claims: sums by provider, alliance and quarter, and flags.

use crate::graphql::scalars::Fen;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

use super::{Alliance, ClaimLine, ClaimLineStatus, Cohort, Learner, Organization, Region};
use crate::{
    domain::{
        kernel::{codes::AllianceCode, input},
        subsidies,
        subsidies::supervision::{self, FlagKind, SupervisionFilter},
    },
    error::{AppError, AppResult},
    graphql::{
        context::{api, caller},
        ids::NodeKey,
        loaders::required,
        scalars::Date,
    },
};

/// Which claims to supervise.
#[derive(InputObject, Debug, Default)]
pub struct SubsidySupervisionFilter {
    /// Only claims submitted in this year (China Standard Time).
    pub year: Option<i32>,
    /// Only claims submitted in this quarter, 1 to 4, of `year`.
    pub quarter: Option<i32>,
    /// Only this provider's.
    pub provider: Option<ID>,
    /// Only claims for cohorts of this alliance (its code).
    pub alliance: Option<String>,
}

impl SubsidySupervisionFilter {
    /// The domain filter (an unknown alliance matches nothing).
    pub async fn into_domain(self, ctx: &Context<'_>) -> AppResult<SupervisionFilter> {
        let alliance = match self.alliance {
            Some(raw) => {
                let code: AllianceCode = input::one("filter.alliance", &raw)?;
                Some(
                    crate::domain::network::alliances::by_code(&*api(ctx)?.db.turn().await?, &code)
                        .await?
                        .map_or(0, |a| a.id),
                )
            }
            None => None,
        };
        Ok(SupervisionFilter {
            year: self.year,
            quarter: self
                .quarter
                .map(|q| input::narrow::<u32>("filter.quarter", q, "1 to 4"))
                .transpose()?,
            provider: self
                .provider
                .map(|p| NodeKey::organization("filter.provider", &p))
                .transpose()?,
            alliance,
        })
    }
}

/// Lines and their amount of one status.
#[derive(SimpleObject)]
pub struct LineStatusTotal {
    /// The status.
    pub status: ClaimLineStatus,
    /// How many lines.
    pub lines: i64,
    /// What they come to, fen.
    pub amount_fen: Fen,
    /// The same in CNY, two decimals.
    pub amount_yuan: String,
}

impl From<supervision::StatusTotal> for LineStatusTotal {
    fn from(t: supervision::StatusTotal) -> Self {
        Self {
            status: t.status.into(),
            lines: t.lines,
            amount_fen: t.amount_fen.into(),
            amount_yuan: subsidies::yuan(t.amount_fen),
        }
    }
}

/// The GraphQL `SupervisionRow` type.
pub struct SupervisionRow(pub supervision::SummaryRow);

/// One provider's claims for cohorts of one alliance, submitted in one quarter.
#[Object]
impl SupervisionRow {
    /// The provider claiming.
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        Ok(Organization(
            required(&api(ctx)?.loaders.organization, self.0.provider_id, || {
                AppError::internal("a claim without its provider")
            })
            .await?,
        ))
    }

    /// The alliance the cohorts ran in.
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Alliance> {
        Ok(Alliance(
            required(&api(ctx)?.loaders.alliance, self.0.alliance_id, || {
                AppError::internal("a cohort without its alliance")
            })
            .await?,
        ))
    }

    /// The year submitted.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// The quarter submitted, 1 to 4.
    async fn quarter(&self) -> i32 {
        self.0.quarter as i32
    }

    /// How many claims.
    async fn claims(&self) -> i64 {
        self.0.claims
    }

    /// Lines and fen by status (PENDING, APPROVED, REJECTED, PAID; a status without lines left
    /// out).
    async fn by_status(&self) -> Vec<LineStatusTotal> {
        self.0.by_status.iter().copied().map(Into::into).collect()
    }

    /// What was claimed, fen: every line.
    async fn claimed_fen(&self) -> Fen {
        Fen(self.0.by_status.iter().map(|t| t.amount_fen).sum())
    }
}

/// What a supervision flag points at.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::subsidies::supervision::FlagKind")]
pub enum SupervisionFlagKind {
    /// Every learner claimed for in the cohort (three or more) has the same attendance: the same
    /// class days and, where recorded, the same sign-in minutes.
    IdenticalAttendance,
    /// A learner claimed for is recorded attending another cohort on a day they attended this
    /// one (one flag per other cohort, with the first such day).
    TwoPlacesOneDay,
    /// A learner claimed for was recorded, at a follow-up of another training, employed
    /// full-time by someone other than the cohort's enterprise during this training.
    EmployedElsewhere,
    /// The cohort really finished before its planned end (its lines are priced pro rata).
    FinishedEarly,
    /// The cohort held fewer class days or teaching hours between its real start and finish
    /// than the rules (`rules.subsidised_min_class_days`, `rules.subsidised_min_hours`) ask of
    /// its level today.
    FewClassDays,
    /// The enterprise the cohort names never confirmed it (a whole-cohort flag), or an
    /// apprentice's labour contract claimed for (a flag per line).
    UnconfirmedEmployer,
    /// The cohort was recorded with a `startOn` further before the day it was formed than
    /// `rules.cohort_backdate_days` allows.
    BackdatedStart,
}

/// The GraphQL `SupervisionFlag` type.
pub struct SupervisionFlag(pub supervision::Flag);

/// A record worth a second look before a line is approved or paid (not a decision).
#[Object]
impl SupervisionFlag {
    /// What kind of flag.
    async fn kind(&self) -> SupervisionFlagKind {
        self.0.kind.into()
    }

    /// The claim's global ID.
    async fn claim_id(&self) -> ID {
        NodeKey::SubsidyClaim(self.0.claim_id).to_id().into()
    }

    /// The cohort claimed for.
    async fn cohort(&self, ctx: &Context<'_>) -> async_graphql::Result<Cohort> {
        Ok(Cohort(
            required(&api(ctx)?.loaders.cohort, self.0.cohort_id, || {
                AppError::internal("a flag without its cohort")
            })
            .await?,
        ))
    }

    /// The line in question (null for a whole cohort's flag).
    async fn line(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ClaimLine>> {
        let Some(id) = self.0.line_id else {
            return Ok(None);
        };
        Ok(
            subsidies::line_by_id(&*api(ctx)?.db.turn().await?, &caller(ctx), id)
                .await?
                .map(ClaimLine),
        )
    }

    /// The learner, as the access policy shows them to this viewer (null for a whole cohort's
    /// flag, or when not visible).
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        match self.0.learner_id {
            Some(id) => Learner::by_id(ctx, id).await,
            None => Ok(None),
        }
    }

    /// The day in question (the first, where several clash).
    async fn day(&self) -> Option<Date> {
        self.0.day.map(Into::into)
    }

    /// The other cohort the learner is recorded in that day (two places on one day).
    async fn other_cohort(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Cohort>> {
        let Some(id) = self.0.other_cohort_id else {
            return Ok(None);
        };
        Ok(api(ctx)?.loaders.cohort.load_one(id).await?.map(Cohort))
    }

    /// What was found, in words.
    async fn detail(&self) -> &str {
        &self.0.detail
    }
}

/// A region's subsidy claims as its regulator supervises them.
pub struct SubsidySupervision {
    /// The region supervised.
    pub region_id: i32,
    /// The claims' filter.
    pub filter: SupervisionFilter,
    /// The sums, computed once.
    pub rows: Vec<supervision::SummaryRow>,
}

/// A region's subsidy claims by provider, alliance and quarter, and the flags on them.
#[Object]
impl SubsidySupervision {
    /// The region supervised.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        Ok(Region(
            required(&api(ctx)?.loaders.region, self.region_id, || {
                AppError::internal("a supervised region vanished")
            })
            .await?,
        ))
    }

    /// One row per provider, alliance and quarter submitted, ordered so.
    async fn rows(&self) -> Vec<SupervisionRow> {
        self.rows.iter().cloned().map(SupervisionRow).collect()
    }

    /// Lines and fen by status across every row.
    async fn totals(&self) -> Vec<LineStatusTotal> {
        supervision::totals(&self.rows)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// The flags on these claims, newest claim first.
    async fn flags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these kinds (every kind when left out).")] kinds: Option<
            Vec<SupervisionFlagKind>,
        >,
        #[graphql(desc = "At most this many, 1 to 200 (50 when left out).")] first: Option<i32>,
    ) -> async_graphql::Result<Vec<SupervisionFlag>> {
        let kinds: Vec<FlagKind> = kinds
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let limit = usize::try_from(first.unwrap_or(50))
            .map_err(|_| AppError::validation("first", "1 to 200 flags"))?;
        Ok(supervision::flags(
            &*api(ctx)?.db.turn().await?,
            &caller(ctx),
            crate::graphql::mutation::training_rules(ctx),
            Some(self.region_id),
            &self.filter,
            &kinds,
            limit,
        )
        .await?
        .into_iter()
        .map(SupervisionFlag)
        .collect())
    }
}
