//! A learner (学员), managed by real name. Personal data: the national ID number is stored only
//! encrypted, with a keyed hash for de-duplication and a masked form for display.

use sea_orm::entity::prelude::*;

use crate::TargetGroup;

/// A learner row.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "learners")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Real name.
    pub name: String,
    /// Nonce and AES-256-GCM ciphertext of the national ID number, base64.
    pub national_id_cipher: String,
    /// HMAC-SHA256 of the ID number under a server key, hex; unique.
    pub national_id_hash: String,
    /// The masked ID number, `320111********1234`.
    pub national_id_masked: String,
    /// Mobile phone number, 11 digits.
    pub phone: String,
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
