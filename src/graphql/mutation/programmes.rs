//! `Mutation`: programmes, kept by the regulator of their region.

use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::{
    kernel::{ids::NodeKey, input},
    programmes::{self, ProgrammeChange, Quota},
};
use crate::error::AppResult;
use crate::graphql::{
    context::{api, caller},
    scalars::Date,
    types::{Cohort, Indicator, Programme, ProgrammeKind, TrainingMode},
};

/// Programmes of the caller's region.
#[derive(Default)]
pub struct ProgrammesMutation;

#[Object]
impl ProgrammesMutation {
    /// Adds a programme of the REGULATOR's region, or changes one (by its code): its name, kind,
    /// period, and — replaced whole — the target groups it serves, the occupations and modes it
    /// trains in, the departments that answer for it (GOVERNMENT organizations) and its yearly
    /// quotas (one per year of its period and indicator). Audited.
    async fn upsert_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The programme.")] input: UpsertProgrammeInput,
    ) -> async_graphql::Result<Programme> {
        let change = ProgrammeChange {
            code: input.code,
            name: input.name,
            kind: input.kind.into(),
            starts_on: input.starts_on.0,
            ends_on: input.ends_on.0,
            target_groups: input.target_groups,
            occupations: input::listed("input.occupations", Some(&input.occupations))?,
            modes: input.modes.into_iter().map(Into::into).collect(),
            departments: input
                .departments
                .iter()
                .enumerate()
                .map(|(i, d)| NodeKey::organization(&format!("input.departments[{i}]"), d))
                .collect::<AppResult<Vec<_>>>()?,
            quotas: input
                .quotas
                .iter()
                .enumerate()
                .map(|(i, q)| {
                    Ok(Quota {
                        year: i16::try_from(q.year).map_err(|_| {
                            crate::error::AppError::validation(
                                format!("input.quotas[{i}].year"),
                                "a year",
                            )
                        })?,
                        indicator: q.indicator.into(),
                        target: q.target,
                    })
                })
                .collect::<AppResult<Vec<_>>>()?,
        };
        let api = api(ctx)?;
        let saved = programmes::upsert(&*api.db.turn().await?, &caller(ctx), change).await?;
        Ok(Programme(saved))
    }

    /// Moves a cohort into a programme of the REGULATOR's region (one it fits: the region, the
    /// period, the occupations and modes), or out of one (`programme: null`). Audited.
    async fn assign_cohort_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort and the programme.")] input: AssignCohortProgrammeInput,
    ) -> async_graphql::Result<Cohort> {
        let cohort = NodeKey::cohort("input.cohort", &input.cohort)?;
        let programme = input
            .programme
            .map(|p| NodeKey::programme("input.programme", &p))
            .transpose()?;
        Ok(Cohort(
            programmes::assign_cohort(
                &*api(ctx)?.db.turn().await?,
                &caller(ctx),
                cohort,
                programme,
            )
            .await?,
        ))
    }
}

/// A quota: the target of one indicator in one year.
#[derive(InputObject, Debug)]
pub struct QuotaInput {
    /// A year of the programme's period.
    pub year: i32,
    /// The indicator.
    pub indicator: Indicator,
    /// A count of 0 or more, or a rate in basis points from 0 to 10000 (9000 = 90 %).
    pub target: i64,
}

/// Add or change a programme of the caller's region.
#[derive(InputObject, Debug)]
pub struct UpsertProgrammeInput {
    /// Its code, unique in the region: 2 to 40 lower-case letters, digits and hyphens; an
    /// existing code changes that programme.
    pub code: String,
    /// Its name, 1 to 100 characters.
    pub name: String,
    /// What kind of programme.
    pub kind: ProgrammeKind,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
    /// The target groups it serves (codes of `targetGroups`).
    #[graphql(default)]
    pub target_groups: Vec<String>,
    /// The occupations it trains for: codes or prefixes (`6-18`); none for any.
    #[graphql(default)]
    pub occupations: Vec<String>,
    /// The modes it trains in; none for any.
    #[graphql(default)]
    pub modes: Vec<TrainingMode>,
    /// The departments that answer for it (GOVERNMENT organizations).
    #[graphql(default)]
    pub departments: Vec<ID>,
    /// Its quotas.
    #[graphql(default)]
    pub quotas: Vec<QuotaInput>,
}

/// Move a cohort into a programme or out of one.
#[derive(InputObject, Debug)]
pub struct AssignCohortProgrammeInput {
    /// The cohort.
    pub cohort: ID,
    /// The programme; null takes the cohort out of its programme.
    pub programme: Option<ID>,
}

/// The region's targets.
#[derive(Default)]
pub struct TargetsMutation;

#[Object]
impl TargetsMutation {
    /// Sets a target of the REGULATOR's region for an indicator: for a year, or for a period of
    /// up to ten years (a three-year action); setting it again replaces it. `indicators` reports
    /// the figures against it. Audited.
    async fn set_indicator_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator, the years and the target.")]
        input: crate::graphql::types::SetIndicatorTargetInput,
    ) -> async_graphql::Result<crate::graphql::types::IndicatorTarget> {
        let saved = programmes::set_target(
            &*api(ctx)?.db.turn().await?,
            &caller(ctx),
            input.indicator.into(),
            (input.from_year, input.to_year.unwrap_or(input.from_year)),
            input.target,
        )
        .await?;
        Ok(crate::graphql::types::IndicatorTarget {
            indicator: saved.indicator.into(),
            from_year: i32::from(saved.from_year),
            to_year: i32::from(saved.to_year),
            target: saved.target,
        })
    }
}
