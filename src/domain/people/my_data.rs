//! A learner's copy of what skillgraph holds about them (PIPL Arts. 44–45): their registration
//! with its personal data in clear, every row of every table that refers to them, and who read
//! their unmasked personal data and when, as one JSON document.

use entity::{
    appointment, attendance, audit_event, candidate, certificate, claim_line, cohort_application,
    competition_entrant, data_request, direct_recognition, enrollment, follow_up, honour, learner,
    online_hours, organization, provider_link, recommendation, region, service_contact,
    special_ability_candidate, special_ability_certificate, subsidy_slot, training_intention,
};
use sea_orm::{ActiveEnum, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::domain::kernel::{ids::NodeKey, personal::PersonalDataKey};
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
    "data_requests",
    "attendances",
    "online_hours",
    "claim_lines",
    "learner_target_groups",
    "service_contacts",
    "honours",
    "competition_entrants",
    "direct_recognitions",
    "appointments",
    "special_ability_candidates",
    "special_ability_certificates",
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
    let id = policy::may_read_own_data(&caller.viewer)?;
    let found = learner::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("learner"))?;
    let person = key.open(&found)?;
    let region = region::Entity::find_by_id(found.region_id).one(db).await?;
    let registered_by = match found.registered_by_id {
        Some(org) => organization::Entity::find_by_id(org)
            .one(db)
            .await?
            .map(|o| o.name),
        None => None,
    };
    let groups: Vec<Value> = super::target_groups::of_learners(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .map(|(membership, group)| {
            json!({
                "code": group.code,
                "name": group.name,
                "since": membership.since,
                "basis": membership.basis,
            })
        })
        .collect();
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
            "name": person.name,
            "nationalId": person.national_id.reveal(),
            "phone": person.phone.as_str(),
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
        "attendances": rows_of!(db, attendance, id),
        "online_hours": rows_of!(db, online_hours, id),
        "claim_lines": rows_of!(db, claim_line, id),
        "service_contacts": rows_of!(db, service_contact, id),
        "honours": rows_of!(db, honour, id),
        "competition_entrants": rows_of!(db, competition_entrant, id),
        "direct_recognitions": rows_of!(db, direct_recognition, id),
        "appointments": rows_of!(db, appointment, id),
        "special_ability_candidates": rows_of!(db, special_ability_candidate, id),
        "special_ability_certificates": rows_of!(db, special_ability_certificate, id),
        // The target groups they belong to, by the group's code and name.
        "learner_target_groups": groups,
        // The learner's own requests, the value asked for masked (its ciphertext is no use).
        "data_requests": data_request::Entity::find()
            .filter(data_request::Column::LearnerId.eq(id))
            .order_by_asc(data_request::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|r| json!({
                "id": NodeKey::DataRequest(r.id).to_id().0,
                "kind": r.kind.to_value(),
                "field": r.field.map(|f| f.to_value()),
                "proposed": r.proposed_masked,
                "reason": r.reason,
                "status": r.status.to_value(),
                "decision": r.decision,
                "decidedRole": r.decided_role,
                "createdAt": r.created_at,
                "decidedAt": r.decided_at,
            }))
            .collect::<Vec<_>>(),
        // What skillgraph suggests to them, each with its reasons (PIPL Art. 24): jobs, and
        // training for each open intention.
        "jobSuggestions": crate::domain::employment::job_suggestions(db, &found, 10)
            .await?
            .into_iter()
            .map(|s| json!({
                "demand": NodeKey::Demand(s.demand.id).to_id().0,
                "occupation": s.demand.occupation_code,
                "score": s.score,
                "reasons": reasons(&s.reasons),
            }))
            .collect::<Vec<_>>(),
        "trainingSuggestions": training_suggestions(db, id).await?,
        "personalDataReads": access_log,
    }))
}

fn reasons(reasons: &[crate::domain::orders::Reason]) -> Vec<Value> {
    reasons
        .iter()
        .map(|r| {
            json!({
                "criterion": r.criterion,
                "value": r.value,
                "points": r.points,
                "weight": r.weight,
                "text": r.text,
            })
        })
        .collect()
}

/// The suggestions for each of the learner's OPEN intentions.
async fn training_suggestions(db: &DatabaseConnection, learner_id: i32) -> AppResult<Vec<Value>> {
    let open = training_intention::Entity::find()
        .filter(training_intention::Column::LearnerId.eq(learner_id))
        .filter(training_intention::Column::Status.eq(entity::IntentionStatus::Open))
        .order_by_asc(training_intention::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for intention in open {
        for s in crate::domain::orders::suggestions(db, &intention, 10).await? {
            let item = match &s.item {
                crate::domain::orders::Suggested::Resource(r) => {
                    NodeKey::OpenResource(r.id).to_id().0
                }
                crate::domain::orders::Suggested::Cohort(c) => NodeKey::Cohort(c.id).to_id().0,
            };
            out.push(json!({
                "intention": NodeKey::TrainingIntention(intention.id).to_id().0,
                "suggested": item,
                "score": s.score,
                "reasons": reasons(&s.reasons),
            }));
        }
    }
    Ok(out)
}
