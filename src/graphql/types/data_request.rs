//! A learner's requests about their own personal data: corrections and erasure.

use crate::graphql::scalars::DateTime;
use async_graphql::{Context, Enum, ID, InputObject, Object};
use entity::data_request;

use super::Learner;
use crate::{error::AppResult, graphql::ids::NodeKey};

/// What a learner asks about their personal data.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::DataRequestKind")]
pub enum DataRequestKind {
    /// Correct the name or the phone number.
    Correction,
    /// Erase the personal data (irreversible).
    Erasure,
}

/// Where a request stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::DataRequestStatus")]
pub enum DataRequestStatus {
    /// Waiting for a decision.
    Pending,
    /// Approved and carried out.
    Approved,
    /// Rejected, with a reason.
    Rejected,
}

/// A personal field a learner may have corrected (the national ID number is corrected by
/// registering anew: it identifies the person).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::PersonalField")]
pub enum PersonalField {
    /// The real name.
    Name,
    /// The mobile number.
    Phone,
}

/// The GraphQL `DataRequest` type over its row.
pub struct DataRequest(pub data_request::Model);

/// A learner's request about their own personal data (PIPL Arts. 46–47), seen by the learner and
/// by those who decide it: a correction by the provider that registered the learner or the
/// regulator of the learner's region, an erasure by that regulator. Values are shown masked.
#[Object]
impl DataRequest {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::DataRequest(self.0.id).to_id().into()
    }

    /// The learner asking, as the viewer may see them (null when not at all; once erased, a
    /// record naming nobody).
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.learner_id).await
    }

    /// CORRECTION or ERASURE.
    async fn kind(&self) -> DataRequestKind {
        self.0.kind.into()
    }

    /// The field to correct; null for an erasure.
    async fn field(&self) -> Option<PersonalField> {
        self.0.field.map(Into::into)
    }

    /// The corrected value, masked (`李*`, `139****5678`); null for an erasure.
    async fn proposed(&self) -> Option<&str> {
        self.0.proposed_masked.as_deref()
    }

    /// Why the learner asks.
    async fn reason(&self) -> &str {
        &self.0.reason
    }

    /// Where it stands.
    async fn status(&self) -> DataRequestStatus {
        self.0.status.into()
    }

    /// The decider's reason; null while pending.
    async fn decision(&self) -> Option<&str> {
        self.0.decision.as_deref()
    }

    /// The role that decided it; null while pending.
    async fn decided_role(&self) -> Option<&str> {
        self.0.decided_role.as_deref()
    }

    /// When it was made.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// When it was decided; null while pending.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(Into::into)
    }
}

/// Which requests to list.
#[derive(InputObject, Debug, Default)]
pub struct DataRequestFilter {
    /// Only these statuses (every status when left out).
    pub statuses: Option<Vec<DataRequestStatus>>,
    /// Only of this kind.
    pub kind: Option<DataRequestKind>,
}

impl DataRequestFilter {
    /// The domain filter.
    pub fn into_domain(self) -> AppResult<crate::domain::people::data_requests::DataRequestFilter> {
        Ok(crate::domain::people::data_requests::DataRequestFilter {
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            kind: self.kind.map(Into::into),
        })
    }
}

impl DataRequest {
    /// The data request of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{
            domain,
            graphql::context::{api, caller},
        };
        Ok(
            domain::people::data_requests::by_id(&*api(ctx)?.db.turn().await?, &caller(ctx), id)
                .await?
                .map(Self),
        )
    }
}
