use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::learner;

use super::{Organization, Region};
use crate::{
    domain::{
        learners,
        personal::{mask_name, mask_phone},
    },
    error::AppError,
    graphql::{
        context::{api, caller},
        ids::NodeKey,
    },
};

/// The employment-support group a learner belongs to (重点群体).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::TargetGroup")]
pub enum TargetGroup {
    /// A college graduate (高校毕业生).
    Graduate,
    /// A rural migrant worker (农民工).
    RuralMigrantWorker,
    /// Unemployed (失业人员).
    Unemployed,
    /// A veteran (退役军人).
    Veteran,
    /// A person with a disability (残疾人).
    Disabled,
    /// Anyone else.
    Other,
}

/// The GraphQL `Learner` type over its row; built only for rows the viewer may see.
pub struct Learner(pub learner::Model);

/// A learner (学员), managed by real name. Personal data is masked here; `personalData` shows it
/// whole to the learner, the regulator of the learner's region and the learner's providers, and
/// records every such read in the audit trail.
#[Object]
impl Learner {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Learner(self.0.id).to_id()
    }

    /// The name, masked (`张*`).
    async fn name(&self) -> String {
        mask_name(&self.0.name)
    }

    /// The national ID number, masked (`320111********1234`).
    async fn national_id(&self) -> &str {
        &self.0.national_id_masked
    }

    /// The mobile number, masked (`138****1234`).
    async fn phone(&self) -> String {
        mask_phone(&self.0.phone)
    }

    /// Year of birth.
    async fn birth_year(&self) -> i32 {
        i32::from(self.0.birth_year)
    }

    /// The employment-support group.
    async fn target_group(&self) -> TargetGroup {
        self.0.target_group.into()
    }

    /// When the learner was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The region the learner lives in.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        let found = api(ctx)?.loaders.region.load_one(self.0.region_id).await?;
        Ok(Region(found.ok_or_else(|| {
            AppError::internal("a learner without a region")
        })?))
    }

    /// The provider or bureau that registered the learner.
    async fn registered_by(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organization>> {
        let Some(id) = self.0.registered_by_id else {
            return Ok(None);
        };
        Ok(api(ctx)?
            .loaders
            .organization
            .load_one(id)
            .await?
            .map(Organization))
    }

    /// The learner's skill-level certificates.
    async fn certificates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::Certificate>> {
        let rows = api(ctx)?
            .loaders
            .certificates_by_learner
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(super::Certificate).collect())
    }

    /// The job recommendations made to the learner, oldest first.
    async fn recommendations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::Recommendation>> {
        let rows = api(ctx)?
            .loaders
            .recommendations_by_learner
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(super::Recommendation).collect())
    }

    /// The follow-ups of the learner's completed training, by completion and month.
    async fn follow_ups(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<super::FollowUp>> {
        let rows = api(ctx)?
            .loaders
            .follow_ups_by_learner
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(super::FollowUp).collect())
    }

    /// OPEN demands that fit the learner's certificates or completed training and were not
    /// recommended to them yet, best first, each with the reasons for its score (the scoring is
    /// documented on `JobSuggestion`). Deterministic: ties go to the newer demand, then the lower
    /// ID.
    async fn job_suggestions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 1 to 50 (10 when left out).")] first: Option<i32>,
    ) -> async_graphql::Result<Vec<super::JobSuggestion>> {
        let limit = match first {
            None => 10,
            Some(n @ 1..=50) => n as usize,
            Some(_) => return Err(AppError::validation("first", "1 to 50").into()),
        };
        let found =
            crate::domain::employment::job_suggestions(&api(ctx)?.db, &self.0, limit).await?;
        Ok(found.into_iter().map(super::JobSuggestion).collect())
    }

    /// The unmasked personal data, for the learner, the regulator of the learner's region and
    /// the learner's providers only (FORBIDDEN otherwise). Every read is recorded in the audit
    /// trail before the data is returned.
    async fn personal_data(&self, ctx: &Context<'_>) -> async_graphql::Result<LearnerPersonalData> {
        let api = api(ctx)?;
        let data =
            learners::personal_data(&api.db, &caller(ctx), &api.personal_data, &self.0).await?;
        Ok(LearnerPersonalData(data))
    }
}

/// The GraphQL `LearnerPersonalData` type.
pub struct LearnerPersonalData(learners::PersonalData);

/// A learner's personal data, unmasked. Reading it is recorded in the audit trail.
#[Object]
impl LearnerPersonalData {
    /// The real name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The national ID number.
    async fn national_id(&self) -> &str {
        self.0.national_id.reveal()
    }

    /// The mobile number.
    async fn phone(&self) -> &str {
        &self.0.phone
    }
}
