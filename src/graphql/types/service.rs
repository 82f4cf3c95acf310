//! The "1131" employment service in the graph: service contacts (policy briefings, career
//! guidance), a learner's progress and the work list of learners whose 1131 is incomplete.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use entity::service_contact;

use super::{Learner, Organization, employment::organization};
use crate::graphql::scalars::{Date, DateTime};
use crate::{
    domain::{employment, kernel::input},
    error::AppResult,
    graphql::ids::NodeKey,
};

/// A contact of the 1131 service besides job recommendations and training.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::ServiceContactKind")]
pub enum ServiceContactKind {
    /// A policy briefing (政策宣讲): the subsidies and services the person may use.
    PolicyBriefing,
    /// Career guidance (职业指导).
    CareerGuidance,
}

/// How a service contact was made.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::ContactChannel")]
pub enum ContactChannel {
    /// Face to face (a service station, a job fair, a home visit).
    InPerson,
    /// By telephone.
    Phone,
    /// Online (a message, a video call, a WeChat service account).
    Online,
}

/// A step of the 1131 service: 1 policy briefing, 1 career guidance, 3 job recommendations, 1
/// training.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::employment::ServiceStep")]
pub enum ServiceStep {
    /// At least one POLICY_BRIEFING contact.
    PolicyBriefing,
    /// At least one CAREER_GUIDANCE contact.
    CareerGuidance,
    /// At least three job recommendations (any outcome).
    JobRecommendations,
    /// At least one training: an enrolment that was not withdrawn.
    Training,
}

/// The GraphQL `ServiceContact` type; built only for viewers who see the learner in full.
pub struct ServiceContact(pub service_contact::Model);

/// A policy briefing or career guidance given to a learner (the 1131 service).
#[Object]
impl ServiceContact {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::ServiceContact(self.0.id).to_id().into()
    }

    /// The learner served.
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.learner_id).await
    }

    /// A policy briefing or career guidance.
    async fn kind(&self) -> ServiceContactKind {
        self.0.kind.into()
    }

    /// In person, by phone or online.
    async fn channel(&self) -> ContactChannel {
        self.0.channel.into()
    }

    /// The day of the contact.
    async fn contacted_on(&self) -> Date {
        self.0.contacted_on.into()
    }

    /// A note.
    async fn note(&self) -> &str {
        &self.0.note
    }

    /// The organization that made it (null for the bureau without an organization).
    async fn recorded_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization(ctx, self.0.recorded_by_id).await
    }

    /// When it was recorded.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}

impl ServiceContact {
    /// The contact of `id`, if there is one and the caller sees its learner in full
    /// (`node(id:)`).
    pub(crate) async fn by_id(ctx: &Context<'_>, id: i32) -> async_graphql::Result<Option<Self>> {
        let db = &crate::graphql::context::api(ctx)?.db;
        let found = employment::contact_by_id(&*db.turn().await?, id).await?;
        Ok(match found {
            Some(c) if Learner::seen_in_full(ctx, c.learner_id).await? => Some(Self(c)),
            _ => None,
        })
    }
}

/// The GraphQL `ServiceProgress` type.
pub struct ServiceProgress(pub employment::ServiceProgress);

/// How far a learner's 1131 service has come: 1 policy briefing, 1 career guidance, 3 job
/// recommendations, 1 training. Complete when nothing is `missing`.
#[Object]
impl ServiceProgress {
    /// The learner, as the viewer may see them (a summary for departments and alliance
    /// administrators).
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.learner_id).await
    }

    /// Policy briefings given.
    async fn policy_briefings(&self) -> i32 {
        count(self.0.policy_briefings)
    }

    /// Career guidance contacts.
    async fn career_guidance(&self) -> i32 {
        count(self.0.career_guidance)
    }

    /// Job recommendations made (any outcome).
    async fn job_recommendations(&self) -> i32 {
        count(self.0.recommendations)
    }

    /// Trainings: enrolments, withdrawn ones left out.
    async fn trainings(&self) -> i32 {
        count(self.0.trainings)
    }

    /// Whether a recommendation hired the learner (the service then ends).
    async fn hired(&self) -> bool {
        self.0.hired
    }

    /// The steps still owed, in the order of the service.
    async fn missing(&self) -> Vec<ServiceStep> {
        self.0.missing().into_iter().map(Into::into).collect()
    }

    /// Whether every step is done.
    async fn complete(&self) -> bool {
        self.0.missing().is_empty()
    }
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Records a policy briefing or career guidance.
#[derive(InputObject, Debug)]
pub struct RecordServiceContactInput {
    /// The learner served.
    pub learner: ID,
    /// A policy briefing or career guidance.
    pub kind: ServiceContactKind,
    /// In person, by phone or online.
    pub channel: ContactChannel,
    /// The day of the contact: from five years ago to today.
    pub contacted_on: Date,
    /// A note, at most 500 characters.
    #[graphql(default)]
    pub note: String,
}

impl RecordServiceContactInput {
    /// The validated domain input.
    pub fn into_domain(self) -> AppResult<employment::NewContact> {
        Ok(employment::NewContact {
            learner_id: NodeKey::learner("input.learner", &self.learner)?,
            kind: self.kind.into(),
            channel: self.channel.into(),
            contacted_on: self.contacted_on.into(),
            note: input::Note::optional("input.note", Some(&self.note))?,
        })
    }
}

/// Narrows the 1131 work list.
#[derive(InputObject, Debug, Default)]
pub struct ServiceWorkListFilter {
    /// Only learners living in this region or under it (GB/T 2260 code).
    pub region: Option<String>,
    /// Only learners who completed training in this alliance (its code).
    pub alliance: Option<String>,
    /// Only learners still owed this step.
    pub missing: Option<ServiceStep>,
}

impl ServiceWorkListFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<employment::WorkListFilter> {
        Ok(employment::WorkListFilter {
            region: input::optional("filter.region", self.region.as_deref())?,
            alliance: input::optional("filter.alliance", self.alliance.as_deref())?,
            missing: self.missing.map(Into::into),
        })
    }
}
