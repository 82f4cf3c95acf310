//! Sign-ins: the tokens seen, whom they act for, and their revocation.

use crate::graphql::scalars::DateTime;
use async_graphql::{Context, ID, InputObject, Object};
use entity::sign_in;

use super::Organization;
use crate::{
    domain::identity::sign_ins,
    error::AppResult,
    graphql::{context::api, ids::NodeKey},
};

/// The GraphQL `SignIn` type over its row.
pub struct SignIn(pub sign_in::Model);

/// A token seen by skillgraph (by its `jti`), from its first use: whom it acts for, until when,
/// and whether it was revoked. Seen by its own subject, the regulator of its region and the
/// system administrator.
#[Object]
impl SignIn {
    /// The token's id (`jti`).
    async fn jti(&self) -> &str {
        &self.0.jti
    }

    /// The token's subject.
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// The role it grants (`ENTERPRISE`, `REGULATOR`, ...).
    async fn role(&self) -> &str {
        &self.0.role
    }

    /// The organization it acts for, if any.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let Some(id) = self.0.organization_id else {
            return Ok(None);
        };
        Ok(api(ctx)?
            .loaders
            .organization
            .load_one(id)
            .await?
            .map(Organization))
    }

    /// When it was first used.
    async fn first_seen_at(&self) -> DateTime {
        self.0.first_seen_at.into()
    }

    /// When it expires.
    async fn expires_at(&self) -> DateTime {
        self.0.expires_at.into()
    }

    /// When it was revoked; null while it is good.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(Into::into)
    }

    /// Why it was revoked.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// Neither revoked nor expired.
    async fn active(&self) -> bool {
        self.0.revoked_at.is_none() && self.0.expires_at > chrono::Utc::now()
    }
}

/// Which sign-ins to list.
#[derive(InputObject, Debug, Default)]
pub struct SignInFilter {
    /// Only those acting for this organization.
    pub organization: Option<ID>,
    /// Only this subject's.
    pub subject: Option<String>,
    /// Only those neither revoked nor expired.
    #[graphql(default)]
    pub active_only: bool,
}

impl SignInFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<sign_ins::SignInFilter> {
        Ok(sign_ins::SignInFilter {
            organization_id: self
                .organization
                .map(|o| NodeKey::organization("filter.organization", &o))
                .transpose()?,
            subject: self.subject,
            active_only: self.active_only,
        })
    }
}
