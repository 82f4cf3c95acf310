//! Reports: what the chain adds up to, for the bureau and the alliances — placement rates of
//! completers, the skills balance of demand against supply, and certificate statistics — each
//! with disclosure control (small groups suppressed, counts rounded where they could identify a
//! person).
//!
//! # Placement rates
//!
//! A *completer* is a COMPLETED enrolment; its completion day is the day the enrolment ended. For
//! the completers of a period, the **month-3 placement rate** is the number employed at their
//! month-3 follow-up divided by the number of completers — a completer not followed up counts as
//! not placed — and likewise for month 6. Groups of fewer than [`MIN_GROUP`] completers are
//! suppressed: no counts and no rate, only the group.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Months, NaiveDate, NaiveTime, Utc};
use entity::{
    BodyType, CertificateRoute, CertificateStatus, CohortKind, CohortStatus, DemandStatus,
    EnrollmentStatus, RecommendationOutcome, SkillLevel, alliance, assessment_body, certificate,
    cohort, demand, demand_alliance, enrollment, follow_up, learner_target_group, membership,
    organization, recommendation, region,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    sea_query::{Alias, Expr, ExprTrait, Func, JoinType, LikeExpr, Query, SelectStatement},
};

use crate::domain::{
    kernel::codes::{AllianceCode, OccupationPrefix, RegionCode},
    read::disclosure::{self, Precision},
};
use crate::error::{AppError, AppResult};

mod balance;
mod certificates;
mod indicators;
mod placement;
mod targets;
mod workbook;

pub use balance::*;
pub use certificates::*;
pub use indicators::*;
pub use placement::*;
pub use targets::*;
pub use workbook::*;

/// The smallest group whose placement figures are reported; smaller groups are suppressed.
pub const MIN_GROUP: u64 = 5;
