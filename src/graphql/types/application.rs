//! Applications to join an alliance, and who registers and founds what.

use crate::graphql::loaders::required;
use crate::graphql::scalars::DateTime;
use async_graphql::{Context, Enum, ID, InputObject, Object};
use entity::membership_application as application;

use super::{Alliance, Organization};
use crate::{
    domain::{kernel::input, network::applications},
    error::{AppError, AppResult},
    graphql::{context::api, ids::NodeKey},
};

/// Where an application stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::ApplicationStatus")]
pub enum ApplicationStatus {
    /// Waiting for the alliance's decision.
    Pending,
    /// Admitted: the organization is a member.
    Admitted,
    /// Rejected, with a reason.
    Rejected,
}

/// The GraphQL `MembershipApplication` type over its row.
pub struct MembershipApplication(pub application::Model);

/// An organization's application to join an alliance (入盟申请), seen by the applicant and by
/// those who decide it: the alliance's administrators and the regulator of its region.
#[Object]
impl MembershipApplication {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::MembershipApplication(self.0.id).to_id().into()
    }

    /// The alliance applied to.
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Alliance> {
        Ok(Alliance(
            required(&api(ctx)?.loaders.alliance, self.0.alliance_id, || {
                AppError::internal("an application without its alliance")
            })
            .await?,
        ))
    }

    /// The applying organization.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        Ok(Organization(
            required(
                &api(ctx)?.loaders.organization,
                self.0.organization_id,
                || AppError::internal("an application without its organization"),
            )
            .await?,
        ))
    }

    /// What the organization says of itself and why it joins.
    async fn note(&self) -> &str {
        &self.0.note
    }

    /// Where it stands.
    async fn status(&self) -> ApplicationStatus {
        self.0.status.into()
    }

    /// Why it was rejected; null otherwise.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// When it was made.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// When it was decided; null while pending.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(Into::into)
    }

    /// The role offered when this is the alliance's invitation (its founding invites a lead of
    /// another region), which the invited organization accepts or declines; null for the
    /// organization's own application.
    async fn invited_as(&self) -> Option<super::MembershipRole> {
        self.0.invited_as.map(Into::into)
    }
}

/// Which applications to list.
#[derive(InputObject, Debug, Default)]
pub struct MembershipApplicationFilter {
    /// Only these statuses (every status when left out).
    pub statuses: Option<Vec<ApplicationStatus>>,
    /// Only to this alliance (its code).
    pub alliance: Option<String>,
}

impl MembershipApplicationFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<applications::ApplicationFilter> {
        Ok(applications::ApplicationFilter {
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            alliance: input::optional("filter.alliance", self.alliance.as_deref())?,
        })
    }
}

impl MembershipApplication {
    /// The membership application of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{
            domain,
            graphql::context::{api, caller},
        };
        Ok(
            domain::network::applications::by_id(&*api(ctx)?.db.turn().await?, &caller(ctx), id)
                .await?
                .map(Self),
        )
    }
}
