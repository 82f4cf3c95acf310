//! The mutation root. Every mutation is authorized by `auth::policy` inside the domain function it
//! calls, runs in one transaction with its audit event, and changes nothing when it fails.

use crate::graphql::scalars::Date;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};

use super::{
    context::{api, caller},
    ids::NodeKey,
    types::{
        AssessmentBody, AssessmentSession, BodyStatus, BodyType, Candidate, CatalogueCategory,
        CatalogueItem, CatalogueItemStatus, Certificate, Cohort, CohortKind, Demand, DemandInput,
        Enrollment, InstitutionStatus, Learner, Membership, MembershipRole, OpenResource,
        Organization, ResourceItemInput, Schedule, SkillLevel, SubsidyType, TargetGroup,
        TrainingIntention, TrainingOrder, TrainingPlan,
    },
    types::{
        CatalogueReview, FollowUp, RecommendJobInput, Recommendation, RecommendationOutcomeInput,
        RecordFollowUpInput, ReviewCatalogueInput,
    },
};
use crate::{
    domain::{
        catalogue::{self, CatalogueEntry, PlanEntry},
        codes::{AllianceCode, RegionCode},
        cohorts::{self, CohortStep, Contract, EnrollmentEnd, LearnerRef, NewCohort},
        demands::{self, Transition},
        employment::{self, Party},
        evaluation::{self, NewSession, ResultRow, ResultsError},
        import::{self, ImportError},
        learners::{self, NewLearner},
        memberships,
        orders::{self, IntentionRules, NewIntention, NewOrder},
        organizations::{self, ProfileChange},
        personal::{NationalId, PhoneNumber},
        resources::{self, PublishError},
    },
    error::{AppError, AppResult},
    events::Event,
};

/// Publish a new version of the caller's open-resource list.
#[derive(InputObject, Debug)]
pub struct PublishResourceListInput {
    /// Every item of the new list (at most 500); the previous list is superseded.
    pub items: Vec<ResourceItemInput>,
}

/// Take one item off the list.
#[derive(InputObject, Debug)]
pub struct WithdrawResourceInput {
    /// The item.
    pub resource: ID,
}

/// Spreadsheet formats an import reads.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// Comma-separated values, UTF-8.
    Csv,
    /// An Excel workbook (its first sheet).
    Xlsx,
}

/// Publish a list from a spreadsheet.
#[derive(InputObject, Debug)]
pub struct ImportResourceListInput {
    /// The file's format.
    pub format: ImportFormat,
    /// The file, base64-encoded (at most the request body limit).
    pub content_base64: String,
}

/// Rate a training institution.
#[derive(InputObject, Debug)]
pub struct RateInstitutionInput {
    /// The training institution.
    pub institution: ID,
    /// Credit stars, 1 to 5.
    pub stars: i32,
}

/// Admit, suspend or exit a training institution.
#[derive(InputObject, Debug)]
pub struct SetInstitutionStatusInput {
    /// The training institution.
    pub institution: ID,
    /// Its new standing.
    pub status: InstitutionStatus,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// List an item in the regulator's region's catalogue (or update the existing one).
#[derive(InputObject, Debug)]
pub struct UpsertCatalogueItemInput {
    /// The occupation code.
    pub occupation: String,
    /// The level.
    pub level: SkillLevel,
    /// The category.
    pub category: CatalogueCategory,
    /// Subsidy per person, CNY.
    pub subsidy_amount: i32,
    /// A scarce occupation.
    #[graphql(default)]
    pub scarce: bool,
    /// The catalogue year.
    pub year: i32,
}

/// Change a catalogue item's standing.
#[derive(InputObject, Debug)]
pub struct SetCatalogueItemStatusInput {
    /// The item.
    pub item: ID,
    /// LISTED, UNDER_REVIEW or REMOVED.
    pub status: CatalogueItemStatus,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// Publish a quarterly training plan (or update the provider's plan for the same quarter and
/// occupation).
#[derive(InputObject, Debug)]
pub struct PublishTrainingPlanInput {
    /// The region it trains in.
    pub region: String,
    /// The year.
    pub year: i32,
    /// The quarter, 1 to 4.
    pub quarter: i32,
    /// The occupation code.
    pub occupation: String,
    /// Classes planned.
    pub planned_classes: i32,
    /// People planned.
    pub planned_headcount: i32,
    /// The subsidy it draws on.
    pub subsidy_type: SubsidyType,
}

/// File an organization as an assessment body.
#[derive(InputObject, Debug)]
pub struct FileAssessmentBodyInput {
    /// The organization: an enterprise (EMPLOYER) or an assessment body, training institution or
    /// college (SOCIAL).
    pub organization: ID,
    /// EMPLOYER or SOCIAL.
    #[graphql(name = "type")]
    pub body_type: BodyType,
    /// The 4-digit body code (0000 when filed with the province).
    pub body_code: String,
    /// The 6-digit site serial.
    pub site_serial: String,
    /// What it may evaluate.
    pub scope: Vec<ScopeInput>,
}

/// An occupation a body may evaluate, up to a level.
#[derive(InputObject, Debug)]
pub struct ScopeInput {
    /// The occupation code.
    pub occupation: String,
    /// The highest level, LEVEL_5 to LEVEL_1.
    pub max_level: SkillLevel,
}

/// Change an assessment body's standing.
#[derive(InputObject, Debug)]
pub struct SetAssessmentBodyStatusInput {
    /// The body's organization.
    pub organization: ID,
    /// ACTIVE, SUSPENDED or REVOKED.
    pub status: BodyStatus,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// Schedule an assessment session.
#[derive(InputObject, Debug)]
pub struct ScheduleSessionInput {
    /// The occupation code, within the body's scope.
    pub occupation: String,
    /// The level, up to the scope's highest.
    pub level: SkillLevel,
    /// The exam day.
    pub exam_date: Date,
    /// The last day to register.
    pub registration_deadline: Date,
    /// The venue's region.
    pub region: String,
    /// The venue's address.
    pub address: String,
    /// The venue's latitude.
    pub latitude: Option<f64>,
    /// The venue's longitude.
    pub longitude: Option<f64>,
    /// Places, 1 to 1,000.
    pub capacity: i32,
}

/// Register a learner for a session.
#[derive(InputObject, Debug)]
pub struct RegisterCandidateInput {
    /// The session.
    pub session: ID,
    /// The learner.
    pub learner: ID,
    /// An employer body's attestation that the learner is its employee.
    pub attestation: Option<String>,
}

/// Record a session's results.
#[derive(InputObject, Debug)]
pub struct RecordResultsInput {
    /// The session.
    pub session: ID,
    /// One row per candidate.
    pub results: Vec<ResultInput>,
}

/// One candidate's scores.
#[derive(InputObject, Debug)]
pub struct ResultInput {
    /// The candidate.
    pub candidate: ID,
    /// Theory score, 0–100.
    pub theory_score: i32,
    /// Practical score, 0–100.
    pub practical_score: i32,
}

/// Publish a session's results.
#[derive(InputObject, Debug)]
pub struct PublishResultsInput {
    /// The session.
    pub session: ID,
}

/// Revoke a certificate.
#[derive(InputObject, Debug)]
pub struct RevokeCertificateInput {
    /// The certificate.
    pub certificate: ID,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// State what a learner wants to learn.
#[derive(InputObject, Debug)]
pub struct SubmitTrainingIntentionInput {
    /// The learner; the caller's own learner ID for a LEARNER token.
    pub learner: ID,
    /// An occupation code, or a group's prefix (`6-18`) when unsure.
    pub occupation: String,
    /// The level wanted.
    pub level: SkillLevel,
    /// Preferred schedules, most preferred first.
    pub schedules: Vec<Schedule>,
    /// Where the learner lives (GB/T 2260 code).
    pub region: String,
    /// The learner's latitude.
    pub latitude: Option<f64>,
    /// The learner's longitude.
    pub longitude: Option<f64>,
    /// How far the learner will travel, km (with a point).
    pub max_distance_km: Option<f64>,
    /// The earliest day to start; today when left out.
    pub earliest_start: Option<Date>,
}

/// Withdraw a training intention.
#[derive(InputObject, Debug)]
pub struct WithdrawTrainingIntentionInput {
    /// The intention.
    pub intention: ID,
}

/// Dispatch a training order.
#[derive(InputObject, Debug)]
pub struct DispatchTrainingOrderInput {
    /// The occupation code.
    pub occupation: String,
    /// The level.
    pub level: SkillLevel,
    /// The schedule.
    pub schedule: Schedule,
    /// Seats; at least the intentions bundled.
    pub seats: i32,
    /// The last day to accept or decline.
    pub deadline: Date,
    /// The provider: an admitted college or training institution of an alliance of the region.
    pub provider: ID,
    /// OPEN intentions of the region for this occupation and level.
    pub intentions: Vec<ID>,
}

/// Answer a training order.
#[derive(InputObject, Debug)]
pub struct TrainingOrderInput {
    /// The order.
    pub order: ID,
}

/// Decline a training order.
#[derive(InputObject, Debug)]
pub struct DeclineTrainingOrderInput {
    /// The order.
    pub order: ID,
    /// Why, 1 to 500 characters.
    pub reason: String,
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
    /// The college or training institution that trains; a member of the alliance.
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

/// Post new demand.
#[derive(InputObject, Debug)]
pub struct CreateDemandInput {
    /// The demand's content.
    pub demand: DemandInput,
}

/// Replace a demand's content.
#[derive(InputObject, Debug)]
pub struct UpdateDemandInput {
    /// The demand.
    pub id: ID,
    /// The version read; a stale one is a CONFLICT that changes nothing.
    pub version: i32,
    /// The new content.
    pub demand: DemandInput,
}

/// Move a demand through its lifecycle.
#[derive(InputObject, Debug)]
pub struct DemandTransitionInput {
    /// The demand.
    pub id: ID,
    /// The version read, if the caller wants the step refused when the demand changed since.
    pub version: Option<i32>,
}

/// Close a demand.
#[derive(InputObject, Debug)]
pub struct CloseDemandInput {
    /// The demand.
    pub id: ID,
    /// Why, 1 to 500 characters.
    pub reason: String,
    /// The version read, if the caller wants the step refused when the demand changed since.
    pub version: Option<i32>,
}

/// The mutation root type.
#[derive(Default)]
pub struct MutationRoot;

/// Admit an organization to an alliance.
#[derive(InputObject, Debug)]
pub struct AdmitMemberInput {
    /// The alliance's code (`zj-eyewear`); one the token administers.
    pub alliance: String,
    /// The organization to admit.
    pub organization: ID,
    /// Its role; MEMBER unless told otherwise.
    #[graphql(default_with = "MembershipRole::Member")]
    pub role: MembershipRole,
    /// The day it joins; today unless told otherwise.
    pub joined_on: Option<Date>,
}

/// Change a member's role.
#[derive(InputObject, Debug)]
pub struct ChangeMemberRoleInput {
    /// The membership.
    pub membership: ID,
    /// The new role.
    pub role: MembershipRole,
}

/// End a membership.
#[derive(InputObject, Debug)]
pub struct RemoveMemberInput {
    /// The membership.
    pub membership: ID,
    /// The day the organization leaves; today unless told otherwise.
    pub left_on: Option<Date>,
}

/// Change an organization's public profile. A field left out stays as it is; null clears it.
#[derive(InputObject, Debug)]
pub struct UpdateOrganizationProfileInput {
    /// The organization; the token's own.
    pub organization: ID,
    /// English name, at most 200 characters.
    pub name_en: MaybeUndefined<String>,
    /// Postal address, at most 200 characters.
    pub address: MaybeUndefined<String>,
    /// Website, `http://` or `https://`, at most 200 characters.
    pub website: MaybeUndefined<String>,
    /// Public description, at most 2,000 characters.
    pub description: MaybeUndefined<String>,
}

/// Register a learner by real name.
#[derive(InputObject)]
pub struct RegisterLearnerInput {
    /// Real name.
    pub name: String,
    /// The 18-character national ID number; stored encrypted, shown masked.
    pub national_id: String,
    /// Mobile number, 11 digits.
    pub phone: String,
    /// The region the learner lives in (GB/T 2260 code).
    pub region: String,
    /// The employment-support group.
    pub target_group: TargetGroup,
}

fn text_change(
    field: &str,
    value: MaybeUndefined<String>,
    max: usize,
    website: bool,
) -> AppResult<Option<Option<String>>> {
    let parse = |v: Option<&str>| {
        if website {
            organizations::profile_website(field, v)
        } else {
            organizations::profile_text(field, v, max)
        }
    };
    match value {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(v) => parse(Some(&v)).map(Some),
    }
}

/// Changes to the graph, each on behalf of the token's organization, authorized and audited.
#[Object(name = "Mutation")]
impl MutationRoot {
    /// Admits an organization to an alliance the token administers (ALLIANCE_ADMIN), or re-admits
    /// a former member. CONFLICT for a current member.
    async fn admit_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to admit.")] input: AdmitMemberInput,
    ) -> async_graphql::Result<Membership> {
        let api = api(ctx)?;
        let alliance = AllianceCode::parse(&input.alliance)
            .map_err(|e| AppError::validation("input.alliance", e))?;
        let organization = NodeKey::organization("input.organization", &input.organization)?;
        let saved = memberships::admit(
            &api.db,
            &caller(ctx),
            &alliance,
            organization,
            input.role.into(),
            input.joined_on.map(Into::into),
        )
        .await?;
        Ok(Membership(saved, None))
    }

    /// Changes the role of a current member of an alliance the token administers.
    async fn change_member_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership and its new role.")] input: ChangeMemberRoleInput,
    ) -> async_graphql::Result<Membership> {
        let api = api(ctx)?;
        let membership = NodeKey::membership("input.membership", &input.membership)?;
        let saved =
            memberships::change_role(&api.db, &caller(ctx), membership, input.role.into()).await?;
        Ok(Membership(saved, None))
    }

    /// Ends a membership of an alliance the token administers; the record stays, with its
    /// `leftOn` date.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership to end.")] input: RemoveMemberInput,
    ) -> async_graphql::Result<Membership> {
        let api = api(ctx)?;
        let membership = NodeKey::membership("input.membership", &input.membership)?;
        let saved = memberships::remove(
            &api.db,
            &caller(ctx),
            membership,
            input.left_on.map(Into::into),
        )
        .await?;
        Ok(Membership(saved, None))
    }

    /// Changes the public profile of the token's own organization.
    async fn update_organization_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and the fields to change.")]
        input: UpdateOrganizationProfileInput,
    ) -> async_graphql::Result<Organization> {
        let api = api(ctx)?;
        let organization = NodeKey::organization("input.organization", &input.organization)?;
        let change = ProfileChange {
            name_en: text_change("input.nameEn", input.name_en, 200, false)?,
            address: text_change("input.address", input.address, 200, false)?,
            website: text_change("input.website", input.website, 200, true)?,
            description: text_change("input.description", input.description, 2000, false)?,
        };
        let saved =
            organizations::update_profile(&api.db, &caller(ctx), organization, change).await?;
        Ok(Organization(saved))
    }

    /// Creates a DRAFT demand for the token's enterprise (ENTERPRISE), posted to one or more of
    /// its alliances.
    async fn create_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The demand.")] input: CreateDemandInput,
    ) -> async_graphql::Result<Demand> {
        let api = api(ctx)?;
        let content = input.demand.into_domain("input")?;
        Ok(Demand(
            demands::create(&api.db, &caller(ctx), content).await?,
        ))
    }

    /// Replaces the content of a DRAFT or OPEN demand, if `version` is still current.
    async fn update_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The demand, the version read, and the new content.")]
        input: UpdateDemandInput,
    ) -> async_graphql::Result<Demand> {
        let api = api(ctx)?;
        let id = NodeKey::demand("input.id", &input.id)?;
        let content = input.demand.into_domain("input.demand")?;
        Ok(Demand(
            demands::update(&api.db, &caller(ctx), id, input.version, content).await?,
        ))
    }

    /// Opens (publishes) a DRAFT demand; subscribers of `demandPosted` hear of it.
    async fn open_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The demand.")] input: DemandTransitionInput,
    ) -> async_graphql::Result<Demand> {
        let api = api(ctx)?;
        let id = NodeKey::demand("input.id", &input.id)?;
        let (saved, alliance_ids) =
            demands::transition(&api.db, &caller(ctx), id, input.version, Transition::Open).await?;
        api.events.publish(Event::DemandOpened {
            demand_id: saved.id,
            alliance_ids,
            occupation_code: saved.occupation_code.clone(),
        });
        Ok(Demand(saved))
    }

    /// Closes a DRAFT or OPEN demand, with a reason.
    async fn close_demand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The demand and why it closes.")] input: CloseDemandInput,
    ) -> async_graphql::Result<Demand> {
        let api = api(ctx)?;
        let id = NodeKey::demand("input.id", &input.id)?;
        let reason = organizations::profile_text("input.reason", Some(&input.reason), 500)?
            .ok_or_else(|| AppError::validation("input.reason", "say why the demand closes"))?;
        let (saved, _) = demands::transition(
            &api.db,
            &caller(ctx),
            id,
            input.version,
            Transition::Close(reason),
        )
        .await?;
        Ok(Demand(saved))
    }

    /// Marks an OPEN demand as FILLED.
    async fn mark_demand_filled(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The demand.")] input: DemandTransitionInput,
    ) -> async_graphql::Result<Demand> {
        let api = api(ctx)?;
        let id = NodeKey::demand("input.id", &input.id)?;
        let (saved, _) =
            demands::transition(&api.db, &caller(ctx), id, input.version, Transition::Fill).await?;
        Ok(Demand(saved))
    }

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
            alliance: AllianceCode::parse(&input.alliance)
                .map_err(|e| AppError::validation("input.alliance", e))?,
            occupation: crate::domain::codes::OccupationCode::parse(&input.occupation)
                .map_err(|e| AppError::validation("input.occupation", e))?,
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
        };
        let saved = cohorts::create(&api.db, &caller(ctx), new).await?;
        api.events.publish(Event::CohortPlanned {
            cohort_id: saved.id,
        });
        Ok(Cohort(saved))
    }

    /// Starts a PLANNED cohort.
    async fn start_cohort(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort.")] input: CohortStepInput,
    ) -> async_graphql::Result<Cohort> {
        cohort_step(ctx, input, CohortStep::Start).await
    }

    /// Finishes a RUNNING cohort.
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
                &api.db,
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
        let application = cohorts::apply(&api.db, &caller(ctx), id).await?;
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
        let reason = organizations::profile_text("input.reason", Some(&input.reason), 500)?
            .ok_or_else(|| AppError::validation("input.reason", "say why the learner withdraws"))?;
        Ok(Enrollment(
            cohorts::end_enrollment(&api.db, &caller(ctx), id, EnrollmentEnd::Withdraw(reason))
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
            cohorts::end_enrollment(&api.db, &caller(ctx), id, EnrollmentEnd::Complete).await?,
        ))
    }

    /// Replaces the caller's published open-resource list with a new version (colleges and
    /// training institutions; not while suspended or exited). Every item is checked first: any
    /// bad item publishes nothing, and every bad item and field is named in the errors.
    async fn publish_resource_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The whole new list.")] input: PublishResourceListInput,
    ) -> async_graphql::Result<Vec<OpenResource>> {
        let api = api(ctx)?;
        let items = input
            .items
            .into_iter()
            .map(ResourceItemInput::into_domain)
            .collect();
        match resources::publish(&api.db, &caller(ctx), items).await {
            Ok(published) => {
                announce(api, &published);
                Ok(published.items.into_iter().map(OpenResource).collect())
            }
            Err(PublishError::App(e)) => Err(e.into()),
            Err(PublishError::Invalid(errors)) => Err(report(
                ctx,
                errors
                    .into_iter()
                    .map(|e| {
                        AppError::validation(
                            format!("input.items[{}].{}", e.item, e.field),
                            e.message,
                        )
                    })
                    .collect(),
            )),
        }
    }

    /// Publishes the caller's list from a CSV or XLSX spreadsheet (headers in Chinese or English),
    /// as `skillgraph import resources` does; any bad row publishes nothing, and every bad row is
    /// named with its row number.
    async fn import_resource_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file.")] input: ImportResourceListInput,
    ) -> async_graphql::Result<Vec<OpenResource>> {
        use base64::Engine;
        let api = api(ctx)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(input.content_base64.trim())
            .map_err(|_| AppError::validation("input.contentBase64", "not base64"))?;
        let format = match input.format {
            ImportFormat::Csv => import::Format::Csv,
            ImportFormat::Xlsx => import::Format::Xlsx,
        };
        match import::import(&api.db, &caller(ctx), format, bytes).await {
            Ok(published) => {
                announce(api, &published);
                Ok(published.items.into_iter().map(OpenResource).collect())
            }
            Err(ImportError::App(e)) => Err(e.into()),
            Err(ImportError::Rows(rows)) => Err(report(
                ctx,
                rows.into_iter()
                    .map(|r| {
                        AppError::validation(
                            format!("input.contentBase64.row[{}]", r.row),
                            r.to_string(),
                        )
                    })
                    .collect(),
            )),
        }
    }

    /// Takes one PUBLISHED item off the caller's list.
    async fn withdraw_resource(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item.")] input: WithdrawResourceInput,
    ) -> async_graphql::Result<OpenResource> {
        let api = api(ctx)?;
        let id = NodeKey::open_resource("input.resource", &input.resource)?;
        Ok(OpenResource(
            resources::withdraw(&api.db, &caller(ctx), id).await?,
        ))
    }

    /// Rates a training institution 1 to 5 credit stars (the regulator of its region).
    async fn rate_institution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The institution and its stars.")] input: RateInstitutionInput,
    ) -> async_graphql::Result<Organization> {
        let api = api(ctx)?;
        let id = NodeKey::organization("input.institution", &input.institution)?;
        let stars = i16::try_from(input.stars)
            .map_err(|_| AppError::validation("input.stars", "1 to 5"))?;
        Ok(Organization(
            resources::rate_institution(&api.db, &caller(ctx), id, stars).await?,
        ))
    }

    /// Admits, suspends or exits a training institution (the regulator of its region). A
    /// suspended or exited institution can neither publish nor be chosen as a cohort's provider.
    async fn set_institution_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The institution, its standing and why.")]
        input: SetInstitutionStatusInput,
    ) -> async_graphql::Result<Organization> {
        let api = api(ctx)?;
        let id = NodeKey::organization("input.institution", &input.institution)?;
        let reason = organizations::profile_text("input.reason", Some(&input.reason), 500)?
            .ok_or_else(|| AppError::validation("input.reason", "say why"))?;
        Ok(Organization(
            resources::set_institution_status(
                &api.db,
                &caller(ctx),
                id,
                input.status.into(),
                reason,
            )
            .await?,
        ))
    }

    /// Lists an item in the regulator's region's subsidised catalogue, or updates it.
    async fn upsert_catalogue_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item.")] input: UpsertCatalogueItemInput,
    ) -> async_graphql::Result<CatalogueItem> {
        let api = api(ctx)?;
        let entry = CatalogueEntry {
            occupation: crate::domain::codes::OccupationCode::parse(&input.occupation)
                .map_err(|e| AppError::validation("input.occupation", e))?,
            level: input.level.into(),
            category: input.category.into(),
            subsidy_amount: input.subsidy_amount,
            scarce: input.scarce,
            year: i16::try_from(input.year)
                .map_err(|_| AppError::validation("input.year", "2000 to 2100"))?,
        };
        Ok(CatalogueItem(
            catalogue::upsert_item(&api.db, &caller(ctx), entry).await?,
        ))
    }

    /// Moves a catalogue item to LISTED, UNDER_REVIEW or REMOVED, with a reason.
    async fn set_catalogue_item_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item, its standing and why.")] input: SetCatalogueItemStatusInput,
    ) -> async_graphql::Result<CatalogueItem> {
        let api = api(ctx)?;
        let id = NodeKey::catalogue_item("input.item", &input.item)?;
        let reason = organizations::profile_text("input.reason", Some(&input.reason), 500)?
            .ok_or_else(|| AppError::validation("input.reason", "say why"))?;
        Ok(CatalogueItem(
            catalogue::set_item_status(&api.db, &caller(ctx), id, input.status.into(), reason)
                .await?,
        ))
    }

    /// Publishes a quarterly training plan for the caller's provider.
    async fn publish_training_plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The plan.")] input: PublishTrainingPlanInput,
    ) -> async_graphql::Result<TrainingPlan> {
        let api = api(ctx)?;
        let entry = PlanEntry {
            region: RegionCode::parse(&input.region)
                .map_err(|e| AppError::validation("input.region", e))?,
            year: i16::try_from(input.year)
                .map_err(|_| AppError::validation("input.year", "2000 to 2100"))?,
            quarter: i16::try_from(input.quarter)
                .map_err(|_| AppError::validation("input.quarter", "1 to 4"))?,
            occupation: crate::domain::codes::OccupationCode::parse(&input.occupation)
                .map_err(|e| AppError::validation("input.occupation", e))?,
            planned_classes: input.planned_classes,
            planned_headcount: input.planned_headcount,
            subsidy_type: input.subsidy_type.into(),
        };
        Ok(TrainingPlan(
            catalogue::publish_plan(&api.db, &caller(ctx), entry).await?,
        ))
    }

    /// Files an organization as an assessment body with its scope (the regulator of its region);
    /// filing again replaces the scope and makes it ACTIVE.
    async fn file_assessment_body(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The filing.")] input: FileAssessmentBodyInput,
    ) -> async_graphql::Result<AssessmentBody> {
        let api = api(ctx)?;
        let org = NodeKey::organization("input.organization", &input.organization)?;
        let scope = input
            .scope
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                crate::domain::codes::OccupationCode::parse(&s.occupation)
                    .map(|c| (c, s.max_level.into()))
                    .map_err(|e| AppError::validation(format!("input.scope[{i}].occupation"), e))
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(AssessmentBody(
            evaluation::file_body(
                &api.db,
                &caller(ctx),
                org,
                input.body_type.into(),
                &input.body_code,
                &input.site_serial,
                scope,
            )
            .await?,
        ))
    }

    /// Sets an assessment body ACTIVE, SUSPENDED or REVOKED (the regulator of its region); only
    /// an ACTIVE body schedules sessions or issues certificates.
    async fn set_assessment_body_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The body, its standing and why.")] input: SetAssessmentBodyStatusInput,
    ) -> async_graphql::Result<AssessmentBody> {
        let api = api(ctx)?;
        let org = NodeKey::organization("input.organization", &input.organization)?;
        let reason = organizations::profile_text("input.reason", Some(&input.reason), 500)?
            .ok_or_else(|| AppError::validation("input.reason", "say why"))?;
        Ok(AssessmentBody(
            evaluation::set_body_status(&api.db, &caller(ctx), org, input.status.into(), reason)
                .await?,
        ))
    }

    /// Schedules a session for the token's ACTIVE assessment body, within its scope.
    async fn schedule_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session.")] input: ScheduleSessionInput,
    ) -> async_graphql::Result<AssessmentSession> {
        let api = api(ctx)?;
        let new = NewSession {
            occupation: crate::domain::codes::OccupationCode::parse(&input.occupation)
                .map_err(|e| AppError::validation("input.occupation", e))?,
            level: input.level.into(),
            exam_date: input.exam_date.into(),
            registration_deadline: input.registration_deadline.into(),
            region: RegionCode::parse(&input.region)
                .map_err(|e| AppError::validation("input.region", e))?,
            address: input.address,
            point: input.latitude.zip(input.longitude),
            capacity: input.capacity,
        };
        Ok(AssessmentSession(
            evaluation::schedule_session(&api.db, &caller(ctx), new).await?,
        ))
    }

    /// Registers a learner for a session (the session's body, or the learner's training
    /// provider). CONFLICT when the session is full, closed for registration, or the learner is
    /// registered already or holds a valid certificate at that level or higher.
    async fn register_candidate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session and the learner.")] input: RegisterCandidateInput,
    ) -> async_graphql::Result<Candidate> {
        let api = api(ctx)?;
        let session = NodeKey::session("input.session", &input.session)?;
        let learner = NodeKey::learner("input.learner", &input.learner)?;
        Ok(Candidate(
            evaluation::register_candidate(
                &api.db,
                &caller(ctx),
                session,
                learner,
                input.attestation,
            )
            .await?,
        ))
    }

    /// Records scores (0–100; a candidate passes with both at least 60). Every row is checked
    /// first; any bad row refuses the whole batch, and every bad row is named.
    async fn record_results(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session and its results.")] input: RecordResultsInput,
    ) -> async_graphql::Result<AssessmentSession> {
        let api = api(ctx)?;
        let session = NodeKey::session("input.session", &input.session)?;
        let rows = input
            .results
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Ok(ResultRow {
                    candidate_id: NodeKey::candidate(
                        &format!("input.results[{i}].candidate"),
                        &r.candidate,
                    )?,
                    theory: r.theory_score,
                    practical: r.practical_score,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        match evaluation::record_results(&api.db, &caller(ctx), session, rows).await {
            Ok(saved) => Ok(AssessmentSession(saved)),
            Err(ResultsError::App(e)) => Err(e.into()),
            Err(ResultsError::Rows(problems)) => Err(report(
                ctx,
                problems
                    .into_iter()
                    .map(|p| {
                        AppError::validation(
                            format!("input.results[{}].{}", p.row, p.field),
                            p.message,
                        )
                    })
                    .collect(),
            )),
        }
    }

    /// Issues a certificate to every passing candidate, in one transaction; calling it again
    /// issues nothing new. Returns the certificates this call issued.
    async fn publish_results(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session.")] input: PublishResultsInput,
    ) -> async_graphql::Result<Vec<Certificate>> {
        let api = api(ctx)?;
        let session = NodeKey::session("input.session", &input.session)?;
        let issued = evaluation::publish_results(&api.db, &caller(ctx), session).await?;
        Ok(issued.into_iter().map(Certificate).collect())
    }

    /// Revokes a certificate, with a reason (its issuing body or the regulator of the body's
    /// region).
    async fn revoke_certificate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The certificate and why.")] input: RevokeCertificateInput,
    ) -> async_graphql::Result<Certificate> {
        let api = api(ctx)?;
        let id = NodeKey::certificate("input.certificate", &input.certificate)?;
        let reason = organizations::profile_text("input.reason", Some(&input.reason), 500)?
            .ok_or_else(|| AppError::validation("input.reason", "say why"))?;
        Ok(Certificate(
            evaluation::revoke_certificate(&api.db, &caller(ctx), id, reason).await?,
        ))
    }

    /// Submits a training intention: the learner's own, or on their behalf by a provider that
    /// registered or trains them or by the regulator of their region. At most a configurable
    /// number of open intentions per learner.
    async fn submit_training_intention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intention.")] input: SubmitTrainingIntentionInput,
    ) -> async_graphql::Result<TrainingIntention> {
        let api = api(ctx)?;
        let rules = ctx
            .data_opt::<IntentionRules>()
            .copied()
            .unwrap_or_default();
        let travel = match (input.latitude, input.longitude, input.max_distance_km) {
            (Some(a), Some(b), Some(c)) => Some((a, b, c)),
            (None, None, None) => None,
            _ => {
                return Err(AppError::validation(
                    "input.maxDistanceKm",
                    "give a point and a travel distance together",
                )
                .into());
            }
        };
        let new = NewIntention {
            learner_id: NodeKey::learner("input.learner", &input.learner)?,
            occupation: crate::domain::codes::OccupationPrefix::parse(&input.occupation)
                .map_err(|e| AppError::validation("input.occupation", e))?,
            level: input.level.into(),
            schedules: input.schedules.into_iter().map(Into::into).collect(),
            region: RegionCode::parse(&input.region)
                .map_err(|e| AppError::validation("input.region", e))?,
            travel,
            earliest_start: input
                .earliest_start
                .unwrap_or_else(|| chrono::Utc::now().date_naive().into())
                .into(),
        };
        Ok(TrainingIntention(
            orders::submit(&api.db, &caller(ctx), rules, new).await?,
        ))
    }

    /// Withdraws an OPEN training intention (the learner, or a provider or regulator with the
    /// learner in scope).
    async fn withdraw_training_intention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intention.")] input: WithdrawTrainingIntentionInput,
    ) -> async_graphql::Result<TrainingIntention> {
        let api = api(ctx)?;
        let id = NodeKey::intention("input.intention", &input.intention)?;
        Ok(TrainingIntention(
            orders::withdraw(&api.db, &caller(ctx), id).await?,
        ))
    }

    /// Dispatches a training order (the regulator, in its region), bundling open intentions that
    /// match its occupation and level; they become DISPATCHED.
    async fn dispatch_training_order(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order.")] input: DispatchTrainingOrderInput,
    ) -> async_graphql::Result<TrainingOrder> {
        let api = api(ctx)?;
        let new = NewOrder {
            occupation: crate::domain::codes::OccupationCode::parse(&input.occupation)
                .map_err(|e| AppError::validation("input.occupation", e))?,
            level: input.level.into(),
            schedule: input.schedule.into(),
            seats: input.seats,
            deadline: input.deadline.into(),
            provider_id: NodeKey::organization("input.provider", &input.provider)?,
            intention_ids: input
                .intentions
                .iter()
                .enumerate()
                .map(|(i, id)| NodeKey::intention(&format!("input.intentions[{i}]"), id))
                .collect::<AppResult<Vec<_>>>()?,
        };
        Ok(TrainingOrder(
            orders::dispatch(&api.db, &caller(ctx), new).await?,
        ))
    }

    /// Accepts a DISPATCHED order before its deadline (its provider): opens a PROJECT_TRAINING
    /// cohort and enrols the bundled learners.
    async fn accept_training_order(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order.")] input: TrainingOrderInput,
    ) -> async_graphql::Result<TrainingOrder> {
        let api = api(ctx)?;
        let id = NodeKey::order("input.order", &input.order)?;
        let saved = orders::accept(&api.db, &caller(ctx), id).await?;
        if let Some(cohort_id) = saved.cohort_id {
            api.events.publish(Event::CohortPlanned { cohort_id });
        }
        Ok(TrainingOrder(saved))
    }

    /// Declines a DISPATCHED order before its deadline (its provider); its intentions open again.
    async fn decline_training_order(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order and why.")] input: DeclineTrainingOrderInput,
    ) -> async_graphql::Result<TrainingOrder> {
        let api = api(ctx)?;
        let id = NodeKey::order("input.order", &input.order)?;
        let reason = organizations::profile_text("input.reason", Some(&input.reason), 500)?
            .ok_or_else(|| AppError::validation("input.reason", "say why"))?;
        Ok(TrainingOrder(
            orders::decline(&api.db, &caller(ctx), id, reason).await?,
        ))
    }

    /// Recommends an OPEN demand to a learner (a training provider for its learners, an alliance
    /// administrator for learners who completed training in its alliances, the regulator for its
    /// region). The demand must match the learner's VALID certificate or completed training: the
    /// same occupation or major group (the first two parts of the code), at a level not above
    /// the learner's. CONFLICT when the same demand was recommended to the learner before.
    async fn recommend_job(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The learner, the demand and a note.")] input: RecommendJobInput,
    ) -> async_graphql::Result<Recommendation> {
        let api = api(ctx)?;
        let learner = NodeKey::learner("input.learner", &input.learner)?;
        let demand = NodeKey::demand("input.demand", &input.demand)?;
        Ok(Recommendation(
            employment::recommend(&api.db, &caller(ctx), learner, demand, input.note).await?,
        ))
    }

    /// The learner answers a recommendation made to them: VIEWED (from SENT), APPLIED (from SENT
    /// or VIEWED) or DECLINED with a reason (from any open step).
    async fn respond_to_recommendation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation and the new outcome.")]
        input: RecommendationOutcomeInput,
    ) -> async_graphql::Result<Recommendation> {
        move_recommendation(ctx, input, Party::Learner).await
    }

    /// The demand's enterprise records what came of a recommendation: INTERVIEWED (from APPLIED),
    /// HIRED (from INTERVIEWED) or DECLINED with a reason (from any open step). HIRED fills one
    /// place of the demand in the same transaction, and the last place marks it FILLED; when
    /// every place is taken already it is a CONFLICT and nothing changes.
    async fn record_recommendation_outcome(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recommendation and the new outcome.")]
        input: RecommendationOutcomeInput,
    ) -> async_graphql::Result<Recommendation> {
        move_recommendation(ctx, input, Party::Employer).await
    }

    /// Records the month-1 to month-6 follow-up of a completer (the cohort's provider, or the
    /// regulator of the cohort's or learner's region). One per completion and month: CONFLICT
    /// for a second.
    async fn record_follow_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the follow-up found.")] input: RecordFollowUpInput,
    ) -> async_graphql::Result<FollowUp> {
        let api = api(ctx)?;
        let new = input.into_domain()?;
        Ok(FollowUp(
            employment::record_follow_up(&api.db, &caller(ctx), new).await?,
        ))
    }

    /// The regulator's catalogue review: the region's catalogue items of `year` whose month-3
    /// placement rate for that year's completers (at least 5) is below `minPlacementRate` move
    /// from LISTED to UNDER_REVIEW with the measured rate as reason; providers below it are
    /// listed. Running it again changes nothing more.
    async fn review_catalogue(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year and the threshold.")] input: ReviewCatalogueInput,
    ) -> async_graphql::Result<CatalogueReview> {
        let api = api(ctx)?;
        Ok(CatalogueReview(
            employment::review_catalogue(
                &api.db,
                &caller(ctx),
                input.year,
                input.min_placement_rate,
            )
            .await?,
        ))
    }

    /// Registers a learner (training providers, and the regulator for its region). CONFLICT when a
    /// learner with the same national ID number exists; the number is never echoed back.
    async fn register_learner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The learner's details.")] input: RegisterLearnerInput,
    ) -> async_graphql::Result<Learner> {
        let api = api(ctx)?;
        let new = NewLearner {
            name: learners::parse_name("input.name", &input.name)?,
            national_id: NationalId::parse("input.nationalId", &input.national_id)?,
            phone: PhoneNumber::parse("input.phone", &input.phone)?,
            region: RegionCode::parse(&input.region)
                .map_err(|e| AppError::validation("input.region", e))?,
            target_group: input.target_group.into(),
        };
        let registered = learners::register(&api.db, &caller(ctx), &api.personal_data, new).await?;
        Learner::resolve(ctx, registered.learner().clone())
            .await?
            .ok_or_else(|| {
                AppError::Forbidden(
                    "the person is registered, and their record is not yours to see".to_owned(),
                )
                .into()
            })
    }
}

async fn cohort_step(
    ctx: &Context<'_>,
    input: CohortStepInput,
    step: CohortStep,
) -> async_graphql::Result<Cohort> {
    let api = api(ctx)?;
    let id = NodeKey::cohort("input.cohort", &input.cohort)?;
    Ok(Cohort(
        cohorts::transition(&api.db, &caller(ctx), id, step).await?,
    ))
}

/// Tells subscribers about a published list.
fn announce(api: &super::ApiContext, published: &resources::Published) {
    api.events.publish(Event::ResourceListPublished {
        provider_id: published.provider_id,
        alliance_ids: published.alliance_ids.clone(),
        resource_ids: published.items.iter().map(|i| i.id).collect(),
    });
}

/// Reports every error of a refused batch, in order: all but the last are added to the response,
/// and the last is returned (the response lists it after the added ones).
fn report(ctx: &Context<'_>, mut errors: Vec<AppError>) -> async_graphql::Error {
    let last = errors
        .pop()
        .unwrap_or_else(|| AppError::internal("a refused batch without errors"));
    for err in errors {
        ctx.add_error(async_graphql::Error::from(err).into_server_error(ctx.item.pos));
    }
    last.into()
}

async fn move_recommendation(
    ctx: &Context<'_>,
    input: RecommendationOutcomeInput,
    party: Party,
) -> async_graphql::Result<Recommendation> {
    let api = api(ctx)?;
    let id = NodeKey::recommendation("input.recommendation", &input.recommendation)?;
    Ok(Recommendation(
        employment::move_outcome(
            &api.db,
            &caller(ctx),
            party,
            id,
            input.outcome.into(),
            input.reason,
        )
        .await?,
    ))
}
