//! `Mutation`: cohorts and enrolments.

use crate::graphql::scalars::Date;
use async_graphql::{Context, ID, InputObject, Object};

use crate::graphql::{
    context::{api, caller},
    ids::NodeKey,
    types::{Cohort, CohortKind, Enrollment, SkillLevel},
};
use crate::{
    domain::kernel::input::{self, Reason},
    domain::{
        kernel::personal::NationalId,
        people::learners,
        training::cohorts::{self, CohortStep, Contract, EnrollmentEnd, LearnerRef, NewCohort},
    },
    error::{AppError, AppResult},
    events::Event,
};

/// Cohorts and enrolments.
#[derive(Default)]
pub struct CohortsMutation;

#[Object]
impl CohortsMutation {
    /// Forms a PLANNED cohort, by its provider or its enterprise; both must be members of the
    /// cohort's alliance.
    async fn create_cohort(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort.")] input: CreateCohortInput,
    ) -> async_graphql::Result<Cohort> {
        let api = api(ctx)?;
        let new = NewCohort {
            kind: input.kind.into(),
            name: input.name,
            enterprise_id: input
                .enterprise
                .map(|e| NodeKey::organization("input.enterprise", &e))
                .transpose()?,
            provider_id: NodeKey::organization("input.provider", &input.provider)?,
            alliance: input::one("input.alliance", &input.alliance)?,
            occupation: input::one("input.occupation", &input.occupation)?,
            target_level: input.target_level.into(),
            capacity: input.capacity,
            start_on: input.start_on.into(),
            end_on: input.end_on.into(),
            subsidized: input.subsidized,
            demand_ids: input
                .demands
                .iter()
                .enumerate()
                .map(|(i, d)| NodeKey::demand(&format!("input.demands[{i}]"), d))
                .collect::<AppResult<Vec<_>>>()?,
            programme_id: input
                .programme
                .map(|p| NodeKey::programme("input.programme", &p))
                .transpose()?,
            mode: input.mode.map(Into::into),
            purpose: input.purpose.map(Into::into),
        };
        let saved = cohorts::create(
            &*api.db.turn().await?,
            &caller(ctx),
            new,
            training_rules(ctx),
        )
        .await?;
        api.events.publish(Event::CohortPlanned {
            cohort_id: saved.id,
        });
        Ok(Cohort(saved))
    }

    /// The enterprise a cohort names confirms, with its own token, that the cohort trains for
    /// it (FORBIDDEN for anyone else, the provider included). A cohort naming an enterprise
    /// starts only once confirmed; a second confirmation is a CONFLICT. Audited.
    async fn confirm_cohort(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort.")] input: CohortStepInput,
    ) -> async_graphql::Result<Cohort> {
        let api = api(ctx)?;
        let id = NodeKey::cohort("input.cohort", &input.cohort)?;
        Ok(Cohort(
            cohorts::confirm_cohort(&*api.db.turn().await?, &caller(ctx), id).await?,
        ))
    }

    /// The enterprise a cohort names confirms, with its own token, an ENROLLED apprentice's
    /// labour contract as the provider stated it (FORBIDDEN for anyone else). A new-type
    /// apprenticeship starts, and a subsidy line is claimed, only on confirmed contracts.
    /// Audited.
    async fn confirm_labour_contract(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The enrolment.")] input: EnrollmentStepInput,
    ) -> async_graphql::Result<Enrollment> {
        let api = api(ctx)?;
        let id = NodeKey::enrollment("input.enrollment", &input.enrollment)?;
        Ok(Enrollment(
            cohorts::confirm_contract(&*api.db.turn().await?, &caller(ctx), id).await?,
        ))
    }

    /// Starts a PLANNED cohort: the day it really started is recorded. A cohort naming an
    /// enterprise needs the enterprise's confirmation (its own start counts as one), and a
    /// new-type apprenticeship each current apprentice's confirmed labour contract.
    async fn start_cohort(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort.")] input: CohortStepInput,
    ) -> async_graphql::Result<Cohort> {
        cohort_step(ctx, input, CohortStep::Start).await
    }

    /// Finishes a RUNNING cohort: the day it really finished is recorded (a subsidy for a
    /// cohort that finishes before its `endOn` is priced pro rata, see `submitSubsidyClaim`).
    async fn finish_cohort(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort.")] input: CohortStepInput,
    ) -> async_graphql::Result<Cohort> {
        cohort_step(ctx, input, CohortStep::Finish).await
    }

    /// Cancels a PLANNED or RUNNING cohort.
    async fn cancel_cohort(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort.")] input: CohortStepInput,
    ) -> async_graphql::Result<Cohort> {
        cohort_step(ctx, input, CohortStep::Cancel).await
    }

    /// Enrols a learner in a PLANNED or RUNNING cohort, by its provider: one it registered, one
    /// bundled in a training order dispatched to it, one who applied to the cohort, or one it
    /// names by full name and national ID number (FORBIDDEN for anyone else, whether or not they
    /// exist). CONFLICT for a full cohort or a learner enrolled twice. One subsidised training per
    /// person, occupation and level, decided by the database: an ENROLLED or COMPLETED enrolment
    /// in a subsidised cohort of any provider and city, PLANNED, RUNNING or FINISHED, holds it, so
    /// a second one is CONFLICT; a withdrawal or a cancelled cohort frees it, and an unsubsidised
    /// cohort needs none. Nothing is written on any refusal.
    async fn enroll_learner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort and the learner.")] input: EnrollLearnerInput,
    ) -> async_graphql::Result<Enrollment> {
        let api = api(ctx)?;
        let cohort = NodeKey::cohort("input.cohort", &input.cohort)?;
        let learner = match (input.learner, input.identity) {
            (Some(id), None) => LearnerRef::Id(NodeKey::learner("input.learner", &id)?),
            (None, Some(who)) => LearnerRef::Identity {
                name: learners::parse_name("input.identity.name", &who.name)?,
                national_id: NationalId::parse("input.identity.nationalId", &who.national_id)?,
            },
            _ => {
                return Err(AppError::validation(
                    "input.learner",
                    "give either the learner's ID or their identity, not both",
                )
                .into());
            }
        };
        let contract = input.contract.map(|c| Contract {
            start: c.start.into(),
            end: c.end.into(),
        });
        Ok(Enrollment(
            cohorts::enroll(
                &*api.db.turn().await?,
                &caller(ctx),
                &api.personal_data,
                cohort,
                learner,
                contract,
            )
            .await?,
        ))
    }

    /// A learner applies to a PLANNED or RUNNING cohort with their own token, so that its
    /// provider may enrol them. Applying twice is a CONFLICT.
    async fn apply_to_cohort(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort.")] input: ApplyToCohortInput,
    ) -> async_graphql::Result<Cohort> {
        let api = api(ctx)?;
        let id = NodeKey::cohort("input.cohort", &input.cohort)?;
        let application = cohorts::apply(&*api.db.turn().await?, &caller(ctx), id).await?;
        let found = api
            .loaders
            .cohort
            .load_one(application.cohort_id)
            .await?
            .ok_or_else(|| AppError::internal("an application without its cohort"))?;
        Ok(Cohort(found))
    }

    /// Withdraws an ENROLLED learner, freeing the seat.
    async fn withdraw_enrollment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The enrolment and why.")] input: WithdrawEnrollmentInput,
    ) -> async_graphql::Result<Enrollment> {
        let api = api(ctx)?;
        let id = NodeKey::enrollment("input.enrollment", &input.enrollment)?;
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        Ok(Enrollment(
            cohorts::end_enrollment(
                &*api.db.turn().await?,
                &caller(ctx),
                id,
                EnrollmentEnd::Withdraw(reason),
                completion_rule(ctx),
            )
            .await?,
        ))
    }

    /// Marks an ENROLLED learner as having completed the training.
    async fn complete_enrollment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The enrolment.")] input: EnrollmentStepInput,
    ) -> async_graphql::Result<Enrollment> {
        let api = api(ctx)?;
        let id = NodeKey::enrollment("input.enrollment", &input.enrollment)?;
        Ok(Enrollment(
            cohorts::end_enrollment(
                &*api.db.turn().await?,
                &caller(ctx),
                id,
                EnrollmentEnd::Complete,
                completion_rule(ctx),
            )
            .await?,
        ))
    }
}

/// The configured training rules (the defaults when a schema was built without them).
pub(crate) fn training_rules(ctx: &Context<'_>) -> cohorts::TrainingRules {
    ctx.data_opt::<cohorts::TrainingRules>()
        .copied()
        .unwrap_or_default()
}

/// The configured completion rule (the default when a schema was built without one).
fn completion_rule(ctx: &Context<'_>) -> cohorts::CompletionRule {
    ctx.data_opt::<cohorts::CompletionRule>()
        .copied()
        .unwrap_or_default()
}

/// Form a cohort.
#[derive(InputObject, Debug)]
pub struct CreateCohortInput {
    /// Its kind.
    pub kind: CohortKind,
    /// Its name, 1 to 100 characters.
    pub name: String,
    /// The enterprise it trains for (required except for PROJECT_TRAINING); a member of the alliance.
    pub enterprise: Option<ID>,
    /// The provider that trains (`Organization.trains`), a member of the alliance; a chain
    /// master trains for itself or an enterprise of its chain, named as `enterprise`.
    pub provider: ID,
    /// The alliance's code.
    pub alliance: String,
    /// The occupation code.
    pub occupation: String,
    /// The level aimed at.
    pub target_level: SkillLevel,
    /// Seats, 1 to 500.
    pub capacity: i32,
    /// First day.
    pub start_on: Date,
    /// Last day; at most three years after the first for a NEW_APPRENTICESHIP.
    pub end_on: Date,
    /// Whether it claims a subsidy; true unless told otherwise.
    #[graphql(default = true)]
    pub subsidized: bool,
    /// The enterprise's demand it answers.
    #[graphql(default)]
    pub demands: Vec<ID>,
    /// The programme it belongs to (`programmes`): one of the region where it trains, whose
    /// period holds its first day, and whose occupations and modes (where it names any) it fits.
    pub programme: Option<ID>,
    /// How it trains (扫盲式, 订单式, …); required when the programme names modes.
    pub mode: Option<crate::graphql::types::TrainingMode>,
    /// What it trains for (岗前, 转岗, 在岗, 提升).
    pub purpose: Option<crate::graphql::types::TrainingPurpose>,
}

/// Move a cohort through its life.
#[derive(InputObject, Debug)]
pub struct CohortStepInput {
    /// The cohort.
    pub cohort: ID,
}

/// An apprentice's labour contract with the enterprise.
#[derive(InputObject, Debug, Clone, Copy)]
pub struct ContractInput {
    /// First day.
    pub start: Date,
    /// Last day; at least a year after the first.
    pub end: Date,
}

/// Enrol a learner.
#[derive(InputObject, Debug)]
pub struct EnrollLearnerInput {
    /// The cohort.
    pub cohort: ID,
    /// The learner, by ID: one the provider registered, one bundled in a training order
    /// dispatched to it, or one who applied to the cohort. Give this or `identity`.
    pub learner: Option<ID>,
    /// The learner, by full name and national ID number as at the counter (both must match the
    /// record). Give this or `learner`.
    pub identity: Option<LearnerIdentityInput>,
    /// The labour contract; required in a NEW_APPRENTICESHIP.
    pub contract: Option<ContractInput>,
}

/// A person named by full name and national ID number.
#[derive(InputObject, Debug)]
pub struct LearnerIdentityInput {
    /// The full name.
    pub name: String,
    /// The 18-character national ID number.
    pub national_id: String,
}

/// Apply to a cohort.
#[derive(InputObject, Debug)]
pub struct ApplyToCohortInput {
    /// The cohort.
    pub cohort: ID,
}

/// End an enrolment.
#[derive(InputObject, Debug)]
pub struct EnrollmentStepInput {
    /// The enrolment.
    pub enrollment: ID,
}

/// Withdraw a learner.
#[derive(InputObject, Debug)]
pub struct WithdrawEnrollmentInput {
    /// The enrolment.
    pub enrollment: ID,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

async fn cohort_step(
    ctx: &Context<'_>,
    input: CohortStepInput,
    step: CohortStep,
) -> async_graphql::Result<Cohort> {
    let api = api(ctx)?;
    let id = NodeKey::cohort("input.cohort", &input.cohort)?;
    Ok(Cohort(
        cohorts::transition(&*api.db.turn().await?, &caller(ctx), id, step).await?,
    ))
}
