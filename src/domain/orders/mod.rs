//! "The public orders, the government dispatches, institutions take the order" (群众点单、政府派单、
//! 机构接单): training intentions, suggestions that explain themselves, and training orders.
//!
//! # How suggestions are scored
//!
//! A suggestion is a published open resource or a PLANNED cohort that fits an OPEN intention: it
//! trains for the occupation (or one within the intention's prefix) at the wanted level, on one of
//! the preferred schedules (a cohort counts as DAYTIME), has a free seat, starts no earlier than the
//! learner can, lies within the travel distance (online items always do; a cohort must be in the
//! learner's region), and its provider is not suspended or exited. Each fitting item scores out of
//! 100:
//!
//! | criterion | weight | how |
//! |---|---|---|
//! | occupation | 30 | the exact occupation wanted 30; an occupation within the wanted group 20 |
//! | level | 20 | the wanted level (always, as it is required) |
//! | distance | 20 | 20 × (1 − distance / travel limit); online 20; in the region, distance unknown, 10 |
//! | schedule | 10 | first preference 10, second 6, any later 3 |
//! | provider | 10 | 2 per credit star; a public college, unrated, counts as 3 stars |
//! | subsidy | 10 | subsidy-eligible and LISTED in the region's catalogue for that occupation and level |
//!
//! Items are ranked by score, then resources before cohorts, then by id: the same inputs always
//! give the same ranking.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate, Utc};
use entity::{
    CatalogueItemStatus, CohortKind, CohortStatus, InstitutionStatus, IntentionStatus, OrderStatus,
    OrganizationKind, Schedule, SkillLevel, alliance, catalogue_item, cohort, learner, membership,
    open_resource, organization, resource_occupation, training_intention, training_order,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Select,
    sea_query::{Expr, ExprTrait, LikeExpr, Query},
};
use serde_json::json;

use crate::domain::{
    kernel::{
        audit,
        codes::{AllianceCode, OccupationCode, OccupationPrefix, RegionCode},
        geo::Near,
    },
    people::gate,
    read::{
        disclosure::{self, Precision},
        page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
    },
    training::cohorts::{self, NewCohort},
};
use crate::{
    auth::{
        Caller,
        policy::{self, LearnerView, OrderScope},
    },
    domain::kernel::ids::NodeKey,
    error::{AppError, AppResult},
};

mod demand;
mod dispatch;
mod intentions;
mod listing;
mod suggestions;
mod withdraw;

pub use demand::*;
pub use dispatch::*;
pub use intentions::*;
pub use listing::*;
pub use suggestions::*;
pub use withdraw::*;
