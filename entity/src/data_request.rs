//! A learner's request about their own personal data: a correction of the name or the phone
//! number, or an erasure. The value asked for is sealed like the learner's own data.

use sea_orm::entity::prelude::*;

use crate::{DataRequestKind, DataRequestStatus, PersonalField};

/// A request row. At most one of a kind is PENDING per learner.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "data_requests")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The learner asking.
    pub learner_id: i32,
    /// CORRECTION or ERASURE.
    pub kind: DataRequestKind,
    /// The field to correct (corrections only).
    pub field: Option<PersonalField>,
    /// The corrected value, sealed (nonce and ciphertext, base64) until the request is decided.
    pub proposed_cipher: Option<String>,
    /// The corrected value, masked.
    pub proposed_masked: Option<String>,
    /// The check value of the key that sealed `proposed_cipher`.
    pub sealed_with: Option<String>,
    /// Why the learner asks.
    pub reason: String,
    /// PENDING, APPROVED or REJECTED.
    pub status: DataRequestStatus,
    /// The decider's reason.
    pub decision: Option<String>,
    /// The subject of the token that decided it.
    pub decided_by: Option<String>,
    /// The role it decided as.
    pub decided_role: Option<String>,
    /// When it was decided.
    pub decided_at: Option<DateTimeUtc>,
    /// When it was made.
    pub created_at: DateTimeUtc,
}

/// Debug output leaves the sealed value out.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("data_request::Model")
            .field("id", &self.id)
            .field("learner_id", &self.learner_id)
            .field("kind", &self.kind)
            .field("field", &self.field)
            .field("proposed_masked", &self.proposed_masked)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// Relations of a request.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The learner.
    #[sea_orm(
        belongs_to = "super::learner::Entity",
        from = "Column::LearnerId",
        to = "super::learner::Column::Id"
    )]
    Learner,
}

impl Related<super::learner::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Learner.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
