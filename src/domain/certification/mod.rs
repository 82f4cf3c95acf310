//! Skill evaluation (技能评价): assessment bodies filed by the regulator, sessions they schedule,
//! candidates registered, results recorded as a validated batch, certificates issued once, and the
//! public verification of a certificate by its number.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, Utc};
use entity::{
    BodyStatus, BodyType, CertificateRoute, CertificateStatus, EnrollmentStatus, OrganizationKind,
    SessionStatus, SkillLevel, alliance, assessment_body, assessment_scope, assessment_session,
    candidate, certificate, cohort, enrollment, learner, membership, occupation, organization,
    region,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, Select,
    sea_query::{Expr, ExprTrait, LikeExpr, Query},
};
use serde_json::json;

use crate::domain::{
    kernel::{
        audit,
        codes::{AllianceCode, CertificateNumber, OccupationCode, OccupationPrefix, RegionCode},
        geo::Near,
    },
    people::gate,
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::{
    auth::{Caller, policy},
    domain::kernel::ids::NodeKey,
    error::{AppError, AppResult},
};

/// The certificate level digit of a national level; `None` above and below the five levels.
pub fn level_digit(level: SkillLevel) -> Option<u8> {
    Some(match level {
        SkillLevel::Level1 => 1,
        SkillLevel::Level2 => 2,
        SkillLevel::Level3 => 3,
        SkillLevel::Level4 => 4,
        SkillLevel::Level5 => 5,
        _ => return None,
    })
}

fn digits(field: &str, value: &str, n: usize) -> AppResult<String> {
    let v = value.trim();
    if v.len() == n && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(v.to_owned())
    } else {
        Err(AppError::validation(field, format!("{n} digits")))
    }
}

mod appointments;
pub mod badges;
mod bodies;
mod candidates;
mod competition_results;
pub mod competitions;
mod honours;
mod issue;
mod recognitions;
mod register;
mod results;
mod search;
pub mod serials;
mod sessions;
mod special;
mod special_reads;
mod verify;

pub use appointments::*;
pub use bodies::*;
pub use candidates::*;
pub use competition_results::*;
pub use competitions::*;
pub use honours::*;
pub use recognitions::*;
pub use register::*;
pub use results::*;
pub use search::*;
pub use sessions::*;
pub use special::*;
pub use special_reads::*;
pub use verify::*;

/// Bodies by organization id.
pub async fn bodies_by_organization(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, assessment_body::Model>> {
    Ok(assessment_body::Entity::find()
        .filter(assessment_body::Column::OrganizationId.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.organization_id, b))
        .collect())
}

/// Bodies by id.
pub async fn bodies_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, assessment_body::Model>> {
    Ok(assessment_body::Entity::find()
        .filter(assessment_body::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect())
}

/// The scope of each body.
pub async fn scopes_by_body(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<assessment_scope::Model>>> {
    crate::domain::children_of::<assessment_scope::Entity>(
        db,
        assessment_scope::Column::BodyId,
        ids,
        assessment_scope::Column::OccupationCode,
        |s| s.body_id,
    )
    .await
}

/// The certificates of each learner.
pub async fn certificates_by_learner(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<certificate::Model>>> {
    crate::domain::children_of::<certificate::Entity>(
        db,
        certificate::Column::LearnerId,
        ids,
        certificate::Column::Id,
        |c| c.learner_id,
    )
    .await
}

/// Sessions by id.
pub async fn sessions_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, assessment_session::Model>> {
    Ok(assessment_session::Entity::find()
        .filter(assessment_session::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

/// The candidates of each session.
pub async fn candidates_by_session(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<candidate::Model>>> {
    crate::domain::children_of::<candidate::Entity>(
        db,
        candidate::Column::SessionId,
        ids,
        candidate::Column::Id,
        |c| c.session_id,
    )
    .await
}

/// One certificate by id, unscoped: callers show it with the full learner only.
pub async fn certificate_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<certificate::Model>> {
    Ok(certificate::Entity::find_by_id(id).one(db).await?)
}

/// Certificates by id, unscoped: callers show their holders' data through the gate.
pub async fn certificates_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, certificate::Model>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}

/// One candidate by id, unscoped: callers check [`may_see_candidates`].
pub async fn candidate_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<candidate::Model>> {
    Ok(candidate::Entity::find_by_id(id).one(db).await?)
}

/// Whether a viewer may see the candidates of a session (an exam session or a special-ability
/// one) of `body_id` held in `region_id`: its body, its region's regulator.
pub async fn may_see_candidates(
    db: &DatabaseConnection,
    viewer: &crate::auth::Viewer,
    body_id: i32,
    region_id: i32,
) -> AppResult<bool> {
    Ok(assessment_body::Entity::find_by_id(body_id)
        .one(db)
        .await?
        .is_some_and(|b| policy::candidates_visible(viewer, region_id, b.organization_id)))
}
