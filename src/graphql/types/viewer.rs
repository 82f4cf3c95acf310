use async_graphql::{Context, Enum, Object};

use super::{Alliance, Learner, Organization, Region};
use crate::{
    auth::{self, policy},
    graphql::context::api,
};

/// A role of skillgraph.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::auth::Role")]
pub enum Role {
    /// No token: reads published information only.
    Public,
    /// A learner, acting for themself.
    Learner,
    /// A user of an enterprise.
    Enterprise,
    /// A user of a college.
    College,
    /// A user of a training institution.
    TrainingInstitution,
    /// A user of an assessment body.
    AssessmentBody,
    /// An administrator of one or more alliances.
    AllianceAdmin,
    /// The HR bureau of a region.
    Regulator,
    /// An operator of skillgraph itself.
    SystemAdmin,
    /// A department (a GOVERNMENT organization other than the HR bureau: 民政局, 妇联, 残联, …)
    /// answering for programmes: it reads their figures exactly and the learners of their cohorts
    /// in summary.
    Department,
}

/// Something a role may do in principle; each use is still checked against the record's scope.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::auth::policy::Permission")]
pub enum Permission {
    /// Read published information (everyone).
    ReadPublic,
    /// Admit, re-role and remove members of the alliances the token administers.
    ManageMembership,
    /// Change the public profile of the token's own organization.
    UpdateOwnOrganization,
    /// Register learners.
    RegisterLearner,
    /// List learners within the token's scope, masked.
    ReadLearners,
    /// Read unmasked personal data of learners within the token's purpose; every read is audited.
    ReadPersonalData,
    /// Read the audit trail of the token's region.
    ReadAuditTrail,
    /// Post and manage the demand of the token's own enterprise.
    PostDemand,
    /// Form and run cohorts the token's organization trains or trains for.
    ManageCohorts,
    /// Publish the open-resource list and training plans of the token's own organization.
    PublishResources,
    /// Rate and admit training institutions, keep the subsidised catalogue of the token's region.
    SuperviseTraining,
    /// Register organizations in the token's region (anywhere, for SYSTEM_ADMIN).
    RegisterOrganizations,
    /// Found alliances in the token's region (anywhere, for SYSTEM_ADMIN).
    FoundAlliances,
    /// Ask for the token's own organization to join an alliance.
    ApplyForMembership,
    /// Add, rename and retire regions of the division tree.
    KeepRegions,
}

/// The GraphQL `Viewer` type over the authenticated caller.
pub struct Viewer(pub auth::Viewer);

/// Who is calling: the role, the organization acted for, the scope, and what the role permits.
#[Object]
impl Viewer {
    /// The token's subject (`anonymous` without a token).
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// The role.
    async fn role(&self) -> Role {
        self.0.role().into()
    }

    /// The organization the caller acts for.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let Some(id) = self.0.organization_id() else {
            return Ok(None);
        };
        Ok(api(ctx)?
            .loaders
            .organization
            .load_one(id)
            .await?
            .map(Organization))
    }

    /// The alliances an ALLIANCE_ADMIN administers.
    async fn alliances(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Alliance>> {
        let ids: Vec<i32> = self.0.alliance_ids().iter().copied().collect();
        let found = api(ctx)?.loaders.alliance.load_many(ids).await?;
        let mut alliances: Vec<_> = found.into_values().collect();
        alliances.sort_by_key(|a| a.id);
        Ok(alliances.into_iter().map(Alliance).collect())
    }

    /// The region a REGULATOR supervises.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        let Some(id) = self.0.region_id() else {
            return Ok(None);
        };
        Ok(api(ctx)?.loaders.region.load_one(id).await?.map(Region))
    }

    /// The learner a LEARNER token belongs to.
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        let Some(id) = self.0.learner_id() else {
            return Ok(None);
        };
        Learner::by_id(ctx, id).await
    }

    /// Whom the organization acted for trains as a provider, when it provides training (a
    /// college's, a training institution's, an enterprise's with a training centre or a chain);
    /// read when the token was resolved.
    async fn trains(&self) -> Option<super::TrainingReach> {
        self.0.actor.provider().map(|(_, reach)| reach.into())
    }

    /// What the role permits in principle.
    async fn permissions(&self) -> Vec<Permission> {
        policy::permissions(&self.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }
}
