//! An assessment body (评价机构) filed by the regulator: an employer evaluating its own staff (Y) or
//! a social training-evaluation organization (S).

use sea_orm::entity::prelude::*;

use crate::{BodyStatus, BodyType};

/// An assessment body row; one per organization.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_bodies")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The organization.
    #[sea_orm(unique)]
    pub organization_id: i32,
    /// EMPLOYER (Y) or SOCIAL (S).
    pub body_type: BodyType,
    /// The 4-digit body code (0000 when filed with the province).
    pub body_code: String,
    /// The 6-digit site serial.
    pub site_serial: String,
    /// ACTIVE, SUSPENDED or REVOKED.
    pub status: BodyStatus,
    /// Why the status last changed.
    pub status_reason: Option<String>,
    /// The year `last_serial` counts in.
    pub serial_year: i16,
    /// The last certificate serial issued in `serial_year`.
    pub last_serial: i32,
    /// The key (32 bytes, hex) that turns the body's running count of certificates into the
    /// serials it prints, so a number says nothing of its neighbours; never shown.
    pub serial_key: String,
    /// When it was filed.
    pub filed_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
