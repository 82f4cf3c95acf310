//! Learners (学员): registration by real name, masked listing, and audited reads of personal data.

use std::collections::HashMap;

use chrono::Utc;
use entity::{TargetGroup, learner, region};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Select,
    SqlErr, TransactionTrait,
};
use serde_json::json;

use super::{
    audit,
    codes::RegionCode,
    page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
    personal::{NationalId, PersonalDataKey, PhoneNumber, mask_name, mask_phone},
};
use crate::{
    auth::{
        Caller,
        policy::{self, LearnerScope},
    },
    error::{AppError, AppResult},
    graphql::ids::NodeKey,
};

/// A learner to register, every value validated.
#[derive(Debug, Clone)]
pub struct NewLearner {
    /// Real name, 1 to 50 characters.
    pub name: String,
    /// National ID number.
    pub national_id: NationalId,
    /// Mobile number.
    pub phone: PhoneNumber,
    /// The region the learner lives in.
    pub region: RegionCode,
    /// The employment-support group.
    pub target_group: TargetGroup,
}

/// Validates a real name for `field`.
pub fn parse_name(field: &str, input: &str) -> AppResult<String> {
    let name = input.trim();
    let len = name.chars().count();
    if len == 0 || len > 50 {
        return Err(AppError::validation(field, "a name has 1 to 50 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::validation(
            field,
            "a name has no control characters",
        ));
    }
    Ok(name.to_owned())
}

const DUPLICATE: &str = "nationalId: a learner with this national ID number is already registered";

/// Registers a learner; a second learner with the same ID number is a `CONFLICT` and writes
/// nothing. The change and its audit event commit together.
pub async fn register(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &PersonalDataKey,
    new: NewLearner,
) -> AppResult<learner::Model> {
    let region = region::Entity::find()
        .filter(region::Column::Code.eq(new.region.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.region", "no region has this code"))?;
    policy::register_learner(&caller.viewer, region.id)?;
    let fingerprint = key.fingerprint(&new.national_id);
    let txn = db.begin().await?;
    let taken = learner::Entity::find()
        .filter(learner::Column::NationalIdHash.eq(fingerprint.clone()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(AppError::Conflict(DUPLICATE.to_owned()));
    }
    let inserted = learner::Entity::insert(learner::ActiveModel {
        name: Set(new.name.clone()),
        national_id_cipher: Set(key.encrypt(&new.national_id)?),
        national_id_hash: Set(fingerprint),
        national_id_masked: Set(new.national_id.masked()),
        phone: Set(new.phone.as_str().to_owned()),
        birth_year: Set(new.national_id.birth_year()),
        region_id: Set(region.id),
        target_group: Set(new.target_group),
        registered_by_id: Set(caller.viewer.organization_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await;
    let learner = match inserted {
        Ok(l) => l,
        // Two registrations of one number racing: the unique fingerprint decides.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(AppError::Conflict(DUPLICATE.to_owned()));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "registerLearner",
            target_type: "Learner",
            target_id: NodeKey::Learner(learner.id).to_id().0,
            region_id: Some(region.id),
            changes: Some(json!({
                "name": mask_name(&learner.name),
                "nationalId": learner.national_id_masked,
                "phone": mask_phone(&learner.phone),
                "region": region.code,
                "targetGroup": format!("{:?}", learner.target_group),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(learner)
}

/// Which learners to list, within the caller's scope.
#[derive(Debug, Clone, Default)]
pub struct LearnerFilter {
    /// Only learners living in this region.
    pub region: Option<RegionCode>,
    /// Only learners of this group.
    pub target_group: Option<TargetGroup>,
}

fn select(scope: LearnerScope, filter: &LearnerFilter) -> Select<learner::Entity> {
    let mut cond = Condition::all();
    cond = match scope {
        LearnerScope::All => cond,
        LearnerScope::Region(region) => cond.add(learner::Column::RegionId.eq(region)),
        LearnerScope::Provider(org) => cond.add(
            Condition::any()
                .add(learner::Column::RegisteredById.eq(org))
                .add(learner::Column::Id.in_subquery(trained_by(org))),
        ),
        LearnerScope::Only(id) => cond.add(learner::Column::Id.eq(id)),
    };
    if let Some(region) = &filter.region {
        cond = cond.add(
            learner::Column::RegionId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(region::Column::Id)
                    .from(region::Entity)
                    .and_where(region::Column::Code.eq(region.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(group) = filter.target_group {
        cond = cond.add(learner::Column::TargetGroup.eq(group));
    }
    learner::Entity::find().filter(cond)
}

fn ordering() -> Ordering<learner::Entity> {
    Ordering {
        name: "learners:id:asc".to_owned(),
        keys: vec![SortKey::column(
            learner::Column::Id,
            false,
            KeyKind::Int,
            |m: &learner::Model| CursorValue::Int(i64::from(m.id)),
        )],
    }
}

/// One page of the learners the caller may see, in registration order.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &LearnerFilter,
    request: &PageRequest,
) -> AppResult<Page<learner::Model>> {
    let scope = policy::learner_scope(&caller.viewer)?;
    page::fetch_page(db, select(scope, filter), &ordering(), request).await
}

/// How many learners the caller may see match.
pub async fn count(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &LearnerFilter,
) -> AppResult<u64> {
    let scope = policy::learner_scope(&caller.viewer)?;
    page::count(db, select(scope, filter)).await
}

/// `SELECT learner_id` of every enrolment in a cohort the provider trains.
pub(crate) fn trained_by(provider_id: i32) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    Query::select()
        .column((
            entity::enrollment::Entity,
            entity::enrollment::Column::LearnerId,
        ))
        .from(entity::enrollment::Entity)
        .inner_join(
            entity::cohort::Entity,
            Expr::col((entity::cohort::Entity, entity::cohort::Column::Id)).equals((
                entity::enrollment::Entity,
                entity::enrollment::Column::CohortId,
            )),
        )
        .and_where(
            Expr::col((entity::cohort::Entity, entity::cohort::Column::ProviderId)).eq(provider_id),
        )
        .to_owned()
}

/// Whether a learner is within a scope: for a provider, one it registered or trains in one of its
/// cohorts.
pub async fn in_scope(
    db: &DatabaseConnection,
    scope: LearnerScope,
    learner: &learner::Model,
) -> AppResult<bool> {
    if policy::in_scope(scope, learner) {
        return Ok(true);
    }
    let LearnerScope::Provider(org) = scope else {
        return Ok(false);
    };
    Ok(learner::Entity::find()
        .filter(learner::Column::Id.eq(learner.id))
        .filter(learner::Column::Id.in_subquery(trained_by(org)))
        .one(db)
        .await?
        .is_some())
}

/// Learners by id, unscoped: callers check [`policy::in_scope`] per row.
pub async fn by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, learner::Model>> {
    Ok(learner::Entity::find()
        .filter(learner::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect())
}

/// A learner's unmasked personal data.
#[derive(Clone)]
pub struct PersonalData {
    /// Real name.
    pub name: String,
    /// National ID number.
    pub national_id: NationalId,
    /// Mobile number.
    pub phone: String,
}

/// Reads a learner's personal data for an authorized caller, recording the read in the audit
/// trail first: no record, no data.
pub async fn personal_data(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &PersonalDataKey,
    learner: &learner::Model,
) -> AppResult<PersonalData> {
    let scope = policy::personal_data_scope(&caller.viewer)?;
    if !in_scope(db, scope, learner).await? {
        return Err(AppError::Forbidden(
            "this learner's personal data is not yours to read".to_owned(),
        ));
    }
    let national_id = key.decrypt(&learner.national_id_cipher)?;
    audit::record(
        db,
        caller,
        audit::Entry {
            action: "readLearnerPersonalData",
            target_type: "Learner",
            target_id: NodeKey::Learner(learner.id).to_id().0,
            region_id: Some(learner.region_id),
            changes: None,
        },
    )
    .await?;
    Ok(PersonalData {
        name: learner.name.clone(),
        national_id,
        phone: learner.phone.clone(),
    })
}
