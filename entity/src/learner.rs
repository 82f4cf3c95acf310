//! A learner (学员), managed by real name. Personal data: the name, the national ID number and
//! the phone number are stored only encrypted (AES-256-GCM, each bound to its field), with keyed
//! fingerprints where lookup needs them and masked forms for display. `sealed_with` names the key.

use sea_orm::entity::prelude::*;

use crate::TargetGroup;

/// A learner row.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "learners")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The name, masked (`张*`); `*` once the learner's personal data is erased.
    pub name_masked: String,
    /// Nonce and AES-256-GCM ciphertext of the real name, base64; none once erased.
    pub name_cipher: Option<String>,
    /// HMAC-SHA256 of the real name under the sealing key, hex: matching a name given with an ID
    /// number without decrypting; none once erased.
    pub name_hash: Option<String>,
    /// Nonce and AES-256-GCM ciphertext of the national ID number, base64; empty once erased.
    pub national_id_cipher: String,
    /// HMAC-SHA256 of the ID number under the sealing key, hex; unique. Once erased, `erased:`
    /// and the row's id, which names no number.
    pub national_id_hash: String,
    /// The masked ID number, `320111********1234`; empty once erased.
    pub national_id_masked: String,
    /// Nonce and AES-256-GCM ciphertext of the mobile number, base64; none once erased.
    pub phone_cipher: Option<String>,
    /// The mobile number, masked (`138****1234`); empty once erased.
    pub phone_masked: String,
    /// The check value of the key that sealed the row's personal data; none once erased (and,
    /// until the server first sealed them, for rows written before names and phones were
    /// encrypted).
    pub sealed_with: Option<String>,
    /// When the learner's personal data was erased, if it was.
    pub erased_at: Option<DateTimeUtc>,
    /// Year of birth.
    pub birth_year: i16,
    /// The region the learner lives in.
    pub region_id: i32,
    /// The employment-support group the learner belongs to.
    pub target_group: TargetGroup,
    /// The provider or bureau that registered the learner.
    pub registered_by_id: Option<i32>,
    /// When the learner was registered.
    pub created_at: DateTimeUtc,
}

/// Debug output masks every personal field, so a stray `{:?}` cannot leak them to a log.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("learner::Model")
            .field("id", &self.id)
            .field("name_masked", &self.name_masked)
            .field("national_id_masked", &self.national_id_masked)
            .field("region_id", &self.region_id)
            .finish_non_exhaustive()
    }
}

/// Relations of a learner.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The region the learner lives in.
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::RegionId",
        to = "super::region::Column::Id"
    )]
    Region,
}

impl Related<super::region::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Region.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
