//! One item of a provider's published list of open training resources (培训资源开放清单).

use sea_orm::entity::prelude::*;

use crate::{FundingMode, ResourceKind, ResourceStatus, Schedule};

/// An open-resource row; a list version is all the rows of one provider with one `list_version`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "open_resources")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The college or training institution.
    pub provider_id: i32,
    /// The version of the provider's list this item belongs to.
    pub list_version: i32,
    /// What it is.
    pub kind: ResourceKind,
    /// Its title.
    pub title: String,
    /// When it is offered.
    pub schedule: Schedule,
    /// Seats.
    pub seats: i32,
    /// Seats taken.
    pub seats_taken: i32,
    /// Fee, CNY (0 for free).
    pub fee: i32,
    /// How it is funded.
    pub funding_mode: FundingMode,
    /// Whether training here may draw a subsidy.
    pub subsidy_eligible: bool,
    /// The region of the address.
    pub region_id: i32,
    /// The county-level region under its city where it is, when known (given, or read from the
    /// address where that is certain).
    pub county_id: Option<i32>,
    /// Where.
    pub address: String,
    /// Latitude, WGS 84.
    pub latitude: Option<f64>,
    /// Longitude, WGS 84.
    pub longitude: Option<f64>,
    /// First day.
    pub start_on: Date,
    /// Last day, if it ends.
    pub end_on: Option<Date>,
    /// Whom to contact.
    pub contact: String,
    /// PUBLISHED, SUPERSEDED or WITHDRAWN.
    pub status: ResourceStatus,
    /// The provider's credit stars when last rated (0 for unrated).
    pub provider_stars: i16,
    /// When its list version was published.
    pub published_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
