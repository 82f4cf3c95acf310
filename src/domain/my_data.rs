//! A learner's copy of what skillgraph holds about them (PIPL Arts. 44–45): their registration
//! with its personal data in clear, every row of every table that refers to them, and who read
//! their unmasked personal data and when, as one JSON document.

use entity::{
    audit_event, candidate, certificate, cohort_application, enrollment, follow_up, learner,
    organization, provider_link, recommendation, region, subsidy_slot, training_intention,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::{ids::NodeKey, personal::PersonalDataKey};
use crate::{
    auth::{Caller, policy},
    error::{AppError, AppResult},
};

/// The tables a learner's rows are in, by the column that names them: the export holds each.
pub const TABLES: &[&str] = &[
    "enrollments",
    "certificates",
    "candidates",
    "cohort_applications",
    "training_intentions",
    "recommendations",
    "follow_ups",
    "provider_links",
    "subsidy_slots",
];

macro_rules! rows_of {
    ($db:expr, $entity:ident, $id:expr) => {
        $entity::Entity::find()
            .filter($entity::Column::LearnerId.eq($id))
            .order_by_asc($entity::Column::Id)
            .into_json()
            .all($db)
            .await?
    };
}

/// Everything about the calling learner.
pub async fn export(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &PersonalDataKey,
) -> AppResult<Value> {
    let id = policy::own_data(&caller.viewer)?;
    let found = learner::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("learner"))?;
    let national_id = key.decrypt(&found.national_id_cipher)?;
    let region = region::Entity::find_by_id(found.region_id).one(db).await?;
    let registered_by = match found.registered_by_id {
        Some(org) => organization::Entity::find_by_id(org)
            .one(db)
            .await?
            .map(|o| o.name),
        None => None,
    };
    let reads = audit_event::Entity::find()
        .filter(audit_event::Column::TargetId.eq(NodeKey::Learner(id).to_id().0))
        .filter(audit_event::Column::Action.eq("readLearnerPersonalData"))
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await?;
    let readers: std::collections::HashMap<i32, String> = organization::Entity::find()
        .filter(
            organization::Column::Id.is_in(
                reads
                    .iter()
                    .filter_map(|r| r.organization_id)
                    .collect::<Vec<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let access_log: Vec<Value> = reads
        .iter()
        .map(|r| {
            json!({
                "at": r.occurred_at,
                "role": r.role,
                "organization": r.organization_id.and_then(|o| readers.get(&o)),
            })
        })
        .collect();
    Ok(json!({
        "learner": {
            "id": NodeKey::Learner(id).to_id().0,
            "name": found.name,
            "nationalId": national_id.reveal(),
            "phone": found.phone,
            "birthYear": found.birth_year,
            "region": region.map(|r| r.code),
            "targetGroup": format!("{:?}", found.target_group),
            "registeredBy": registered_by,
            "registeredAt": found.created_at,
        },
        "enrollments": rows_of!(db, enrollment, id),
        "certificates": rows_of!(db, certificate, id),
        "candidates": rows_of!(db, candidate, id),
        "cohort_applications": rows_of!(db, cohort_application, id),
        "training_intentions": rows_of!(db, training_intention, id),
        "recommendations": rows_of!(db, recommendation, id),
        "follow_ups": rows_of!(db, follow_up, id),
        "provider_links": rows_of!(db, provider_link, id),
        "subsidy_slots": rows_of!(db, subsidy_slot, id),
        "personalDataReads": access_log,
    }))
}
