use crate::graphql::scalars::DateTime;
use async_graphql::{Context, ID, InputObject, Json, Object};
use entity::audit_event;

use super::Organization;
use crate::{
    domain::kernel::audit::AuditFilter as DomainFilter,
    error::{AppError, AppResult},
    graphql::{context::api, ids::NodeKey},
};

/// The GraphQL `AuditEvent` type over its row.
pub struct AuditEvent(pub audit_event::Model);

/// One entry of the audit trail: who did what to which record, and when. The trail is
/// append-only: no operation changes or deletes it.
#[Object]
impl AuditEvent {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::AuditEvent(self.0.id).to_id().into()
    }

    /// When it happened.
    async fn occurred_at(&self) -> DateTime {
        self.0.occurred_at.into()
    }

    /// The token subject that acted.
    async fn actor(&self) -> &str {
        &self.0.actor
    }

    /// The role the actor acted in.
    async fn role(&self) -> &str {
        &self.0.role
    }

    /// The organization the actor acted for.
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

    /// What was done: the mutation's name, or `readLearnerPersonalData`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The type of the record acted on.
    async fn target_type(&self) -> &str {
        &self.0.target_type
    }

    /// The global ID of the record acted on.
    async fn target_id(&self) -> ID {
        ID(self.0.target_id.clone())
    }

    /// For mutations, the changed fields (personal data masked).
    async fn changes(&self) -> Option<Json<serde_json::Value>> {
        self.0
            .changes
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .map(Json)
    }

    /// The request that did it, to find it in the server's logs.
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
}

/// Which audit events to list.
#[derive(InputObject, Debug, Default)]
pub struct AuditEventFilter {
    /// Only these actions (`admitMember`, `readLearnerPersonalData`, ...).
    pub actions: Option<Vec<String>>,
    /// Only this actor (token subject).
    pub actor: Option<String>,
    /// Only events by users of this organization.
    pub organization: Option<ID>,
    /// Only events about this record.
    pub target: Option<ID>,
    /// Only events at or after this instant.
    pub since: Option<DateTime>,
    /// Only events before this instant.
    pub until: Option<DateTime>,
}

impl AuditEventFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<DomainFilter> {
        if let (Some(since), Some(until)) = (self.since, self.until)
            && until <= since
        {
            return Err(AppError::validation("filter.until", "must be after since"));
        }
        Ok(DomainFilter {
            actions: self.actions.unwrap_or_default(),
            actor: self.actor,
            organization_id: self
                .organization
                .map(|id| NodeKey::organization("filter.organization", &id))
                .transpose()?,
            target_id: self
                .target
                .map(|id| NodeKey::parse("filter.target", &id).map(|k| k.to_id().0))
                .transpose()?,
            since: self.since.map(Into::into),
            until: self.until.map(Into::into),
        })
    }
}

impl AuditEvent {
    /// The audit event of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{
            auth::policy,
            domain,
            graphql::context::{api, caller},
        };
        Ok(match policy::audit_scope(&caller(ctx).viewer) {
            Ok(scope) => domain::kernel::audit::by_id(&*api(ctx)?.db.turn().await?, scope, id)
                .await?
                .map(Self),
            Err(_) => None,
        })
    }
}
