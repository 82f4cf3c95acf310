//! A skills competition (职业技能竞赛) or an enterprise's contest (比武).

use sea_orm::entity::prelude::*;

use crate::{CompetitionLevel, CompetitionStatus};

/// A competition row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competitions")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Its name (2026年镇江市眼镜验光员职业技能竞赛).
    pub name: String,
    /// Its level.
    pub level: CompetitionLevel,
    /// The region it is held in, whose regulator supervises it.
    pub region_id: i32,
    /// The organizing organization: the enterprise of a contest, the bureau when known.
    pub organizer_id: Option<i32>,
    /// The assessment body that issues the certificates its promotion rules grant.
    pub body_id: Option<i32>,
    /// Its first day.
    pub starts_on: Date,
    /// Its last day.
    pub ends_on: Date,
    /// The venue.
    pub venue: String,
    /// SCHEDULED → RESULTS_PUBLISHED.
    pub status: CompetitionStatus,
    /// When it was announced.
    pub created_at: DateTimeUtc,
    /// When its results were published.
    pub results_published_at: Option<DateTimeUtc>,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
