//! A cohort (班): learners trained together by a provider, usually for an enterprise.

use sea_orm::entity::prelude::*;

use crate::{CohortKind, CohortStatus, SkillLevel};

/// A cohort row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cohorts")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Apprenticeship, order class, named class or project training.
    pub kind: CohortKind,
    /// Its name (`2026 级眼镜验光学徒班`).
    pub name: String,
    /// The enterprise it trains for (none for open project training).
    pub enterprise_id: Option<i32>,
    /// The college or training institution that trains.
    pub provider_id: i32,
    /// The alliance it runs in.
    pub alliance_id: i32,
    /// The county-level region where it trains, when known (its provider's county unless given).
    pub county_id: Option<i32>,
    /// The occupation trained for.
    pub occupation_code: String,
    /// The level aimed at.
    pub target_level: SkillLevel,
    /// Seats.
    pub capacity: i32,
    /// Seats taken by current (enrolled or completed) learners.
    pub enrolled: i32,
    /// First day.
    pub start_on: Date,
    /// Last day.
    pub end_on: Date,
    /// Whether training here claims a government subsidy.
    pub subsidized: bool,
    /// The day it really started (none before `startCohort`).
    pub started_on: Option<Date>,
    /// The day it really finished (none before `finishCohort`).
    pub finished_on: Option<Date>,
    /// When the enterprise it names confirmed it with its own token (none while pending, and
    /// for a cohort that names no enterprise).
    pub employer_confirmed_at: Option<DateTimeUtc>,
    /// PLANNED → RUNNING → FINISHED, or CANCELLED.
    pub status: CohortStatus,
    /// The programme it belongs to, if any (one per cohort).
    pub programme_id: Option<i32>,
    /// How it trains (扫盲式, 订单式, 定岗式, 定向式, 项目制, 套餐制), when recorded.
    pub mode: Option<crate::TrainingMode>,
    /// What it trains for (岗前, 转岗, 在岗, 提升), when recorded.
    pub purpose: Option<crate::TrainingPurpose>,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Cohorts are related through their ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
