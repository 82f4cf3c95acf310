use crate::graphql::loaders::required;
use crate::graphql::scalars::Date;
use async_graphql::{Context, ID, Object};
use entity::{membership, organization};

use super::{Alliance, MembershipRole, Organization};
use crate::{
    error::AppError,
    graphql::{context::api, ids::NodeKey},
};

/// The GraphQL `Membership` type over its row (its schema description is on the `#[Object]` impl),
/// with the member organization when the statement that read the row joined it.
pub struct Membership(pub membership::Model, pub Option<organization::Model>);

impl Membership {
    /// A membership whose organization was read with it.
    pub fn with_organization(row: membership::Model, organization: organization::Model) -> Self {
        Self(row, Some(organization))
    }
}

/// An organization's membership of an alliance (联盟成员).
#[Object]
impl Membership {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Membership(self.0.id).to_id().into()
    }

    /// LEAD (牵头单位) or MEMBER.
    async fn role(&self) -> MembershipRole {
        self.0.role.into()
    }

    /// The day the organization joined.
    async fn joined_on(&self) -> Date {
        self.0.joined_on.into()
    }

    /// The day it left; null while it is a member.
    async fn left_on(&self) -> Option<Date> {
        self.0.left_on.map(Into::into)
    }

    /// Whether the organization is a member now.
    async fn is_current(&self) -> bool {
        self.0.left_on.is_none()
    }

    /// The alliance.
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Alliance> {
        Ok(Alliance(
            required(&api(ctx)?.loaders.alliance, self.0.alliance_id, || {
                AppError::internal(format!("membership {} lost its alliance", self.0.id))
            })
            .await?,
        ))
    }

    /// The member organization.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        if let Some(org) = &self.1 {
            return Ok(Organization(org.clone()));
        }
        Ok(Organization(
            required(
                &api(ctx)?.loaders.organization,
                self.0.organization_id,
                || AppError::internal(format!("membership {} lost its organization", self.0.id)),
            )
            .await?,
        ))
    }
}

impl Membership {
    /// The membership of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::graphql::context::api;
        let loaders = &api(ctx)?.loaders;
        Ok(loaders
            .membership
            .load_one(id)
            .await?
            .map(|m| Self(m, None)))
    }
}
