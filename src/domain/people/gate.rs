//! The person gate's reading side: the relations of learners that [`policy::learner_view`]
//! decides on, read in a fixed number of statements, and the view of one learner. Every domain
//! service that acts on a person for a caller asks here.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    EnrollmentStatus, alliance, assessment_body, assessment_session, candidate, cohort, demand,
    enrollment, learner, provider_link, recommendation, special_ability_candidate,
    special_ability_session,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter,
    QuerySelect, sea_query::Expr,
};

use crate::{
    auth::{
        Caller,
        policy::{self, AccessRules, EnrolmentFact, LearnerFacts, LearnerView},
    },
    error::AppResult,
};

/// The relations of each learner that [`policy::learner_view`] decides on, in six statements
/// whatever the number of learners.
pub async fn facts(
    db: &impl ConnectionTrait,
    learners: &[(i32, i32)],
) -> AppResult<HashMap<i32, LearnerFacts>> {
    let mut map: HashMap<i32, LearnerFacts> = learners
        .iter()
        .map(|&(id, region_id)| (id, LearnerFacts::bare(id, region_id)))
        .collect();
    if map.is_empty() {
        return Ok(map);
    }
    let ids: Vec<i32> = map.keys().copied().collect();
    add_links(db, &ids, &mut map).await?;
    add_enrolments(db, &ids, &mut map).await?;
    add_assessors(db, &ids, &mut map).await?;
    add_recommenders(db, &ids, &mut map).await?;
    add_departments(db, &ids, &mut map).await?;
    Ok(map)
}

/// The learners' facts, by learner.
type FactsMap = HashMap<i32, LearnerFacts>;

/// An enrolment's cohort, to join.
fn enrolment_cohort() -> sea_orm::RelationDef {
    enrollment::Entity::belongs_to(cohort::Entity)
        .from(enrollment::Column::CohortId)
        .to(cohort::Column::Id)
        .into()
}

/// The departments answering for the programmes of cohorts each learner trains in (not
/// withdrawn).
async fn add_departments(
    db: &impl ConnectionTrait,
    ids: &[i32],
    map: &mut FactsMap,
) -> AppResult<()> {
    use entity::programme_department;
    let rows = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::LearnerId)
        .column_as(
            Expr::col((
                programme_department::Entity,
                programme_department::Column::OrganizationId,
            )),
            "department",
        )
        .join(JoinType::InnerJoin, enrolment_cohort())
        .join(
            JoinType::InnerJoin,
            cohort::Entity::belongs_to(programme_department::Entity)
                .from(cohort::Column::ProgrammeId)
                .to(programme_department::Column::ProgrammeId)
                .into(),
        )
        .filter(enrollment::Column::LearnerId.is_in(ids.to_vec()))
        .filter(enrollment::Column::Status.ne(EnrollmentStatus::Withdrawn))
        .into_tuple::<(i32, i32)>()
        .all(db)
        .await?;
    for (learner, department) in rows {
        if let Some(f) = map.get_mut(&learner) {
            f.answered_by.insert(department);
        }
    }
    Ok(())
}

/// Who registered each learner, and when.
async fn add_links(db: &impl ConnectionTrait, ids: &[i32], map: &mut FactsMap) -> AppResult<()> {
    for l in provider_link::Entity::find()
        .filter(provider_link::Column::LearnerId.is_in(ids.to_vec()))
        .all(db)
        .await?
    {
        if let Some(f) = map.get_mut(&l.learner_id) {
            f.links.push((l.organization_id, l.linked_at));
        }
    }
    Ok(())
}

/// Each learner's enrolments, with their cohort's parties and dates.
async fn add_enrolments(
    db: &impl ConnectionTrait,
    ids: &[i32],
    map: &mut FactsMap,
) -> AppResult<()> {
    type EnrolmentRow = (
        i32,
        EnrollmentStatus,
        Option<DateTime<Utc>>,
        i32,
        Option<i32>,
        i32,
        i32,
        chrono::NaiveDate,
        Option<chrono::NaiveDate>,
        chrono::NaiveDate,
        Option<chrono::NaiveDate>,
    );
    let enrolments: Vec<EnrolmentRow> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::LearnerId)
        .column(enrollment::Column::Status)
        .column(enrollment::Column::EndedAt)
        .expr(Expr::col((cohort::Entity, cohort::Column::ProviderId)))
        .expr(Expr::col((cohort::Entity, cohort::Column::EnterpriseId)))
        .expr(Expr::col((cohort::Entity, cohort::Column::AllianceId)))
        .expr(Expr::col((alliance::Entity, alliance::Column::RegionId)))
        .expr(Expr::col((cohort::Entity, cohort::Column::StartOn)))
        .expr(Expr::col((cohort::Entity, cohort::Column::StartedOn)))
        .expr(Expr::col((cohort::Entity, cohort::Column::EndOn)))
        .expr(Expr::col((cohort::Entity, cohort::Column::FinishedOn)))
        .join(JoinType::InnerJoin, enrolment_cohort())
        .join(
            JoinType::InnerJoin,
            cohort::Entity::belongs_to(alliance::Entity)
                .from(cohort::Column::AllianceId)
                .to(alliance::Column::Id)
                .into(),
        )
        .filter(enrollment::Column::LearnerId.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    for (
        learner_id,
        status,
        ended_at,
        provider_id,
        enterprise_id,
        alliance_id,
        region_id,
        start_on,
        started_on,
        end_on,
        finished_on,
    ) in enrolments
    {
        if let Some(f) = map.get_mut(&learner_id) {
            f.enrolments.push(EnrolmentFact {
                provider_id,
                enterprise_id,
                alliance_id,
                region_id,
                status,
                ended_at,
                starts_on: started_on.unwrap_or(start_on),
                ends_on: finished_on.unwrap_or(end_on),
            });
        }
    }
    Ok(())
}

/// The organizations of the assessment bodies each learner is a candidate of, in an exam
/// session or a special-ability session.
async fn add_assessors(
    db: &impl ConnectionTrait,
    ids: &[i32],
    map: &mut FactsMap,
) -> AppResult<()> {
    let assessed: Vec<(i32, i32)> = candidate::Entity::find()
        .select_only()
        .column(candidate::Column::LearnerId)
        .expr(Expr::col((
            assessment_body::Entity,
            assessment_body::Column::OrganizationId,
        )))
        .join(
            JoinType::InnerJoin,
            candidate::Entity::belongs_to(assessment_session::Entity)
                .from(candidate::Column::SessionId)
                .to(assessment_session::Column::Id)
                .into(),
        )
        .join(
            JoinType::InnerJoin,
            assessment_session::Entity::belongs_to(assessment_body::Entity)
                .from(assessment_session::Column::BodyId)
                .to(assessment_body::Column::Id)
                .into(),
        )
        .filter(candidate::Column::LearnerId.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    // And the bodies of the special-ability sessions they are candidates of.
    let special: Vec<(i32, i32)> = special_ability_candidate::Entity::find()
        .select_only()
        .column(special_ability_candidate::Column::LearnerId)
        .expr(Expr::col((
            assessment_body::Entity,
            assessment_body::Column::OrganizationId,
        )))
        .join(
            JoinType::InnerJoin,
            special_ability_candidate::Entity::belongs_to(special_ability_session::Entity)
                .from(special_ability_candidate::Column::SessionId)
                .to(special_ability_session::Column::Id)
                .into(),
        )
        .join(
            JoinType::InnerJoin,
            special_ability_session::Entity::belongs_to(assessment_body::Entity)
                .from(special_ability_session::Column::BodyId)
                .to(assessment_body::Column::Id)
                .into(),
        )
        .filter(special_ability_candidate::Column::LearnerId.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    for (learner_id, org) in assessed.into_iter().chain(special) {
        if let Some(f) = map.get_mut(&learner_id) {
            f.assessed_by.insert(org);
        }
    }
    Ok(())
}

/// The enterprises whose demands were recommended to each learner.
async fn add_recommenders(
    db: &impl ConnectionTrait,
    ids: &[i32],
    map: &mut FactsMap,
) -> AppResult<()> {
    let recommended: Vec<(i32, i32)> = recommendation::Entity::find()
        .select_only()
        .column(recommendation::Column::LearnerId)
        .expr(Expr::col((demand::Entity, demand::Column::EnterpriseId)))
        .join(
            JoinType::InnerJoin,
            recommendation::Entity::belongs_to(demand::Entity)
                .from(recommendation::Column::DemandId)
                .to(demand::Column::Id)
                .into(),
        )
        .filter(recommendation::Column::LearnerId.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    for (learner_id, org) in recommended {
        if let Some(f) = map.get_mut(&learner_id) {
            f.recommended_to.insert(org);
        }
    }
    Ok(())
}

/// [`facts`] by learner id alone (the region is left 0: the caller sets it from the row).
pub async fn facts_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, LearnerFacts>> {
    let keys: Vec<(i32, i32)> = ids.iter().map(|&id| (id, 0)).collect();
    facts(db, &keys).await
}

/// How much of one learner the viewer sees ([`policy::learner_view`]), or `None`.
pub async fn view_of(
    db: &impl ConnectionTrait,
    caller: &Caller,
    rules: &AccessRules,
    learner: &learner::Model,
) -> AppResult<Option<LearnerView>> {
    view_of_id(db, caller, rules, learner.id, learner.region_id).await
}

/// [`view_of`] for a learner known by id and region.
pub async fn view_of_id(
    db: &impl ConnectionTrait,
    caller: &Caller,
    rules: &AccessRules,
    learner_id: i32,
    region_id: i32,
) -> AppResult<Option<LearnerView>> {
    let facts = if policy::learner_view_needs_relations(&caller.viewer, region_id) {
        facts(db, &[(learner_id, region_id)])
            .await?
            .remove(&learner_id)
            .unwrap_or_default()
    } else {
        LearnerFacts::bare(learner_id, region_id)
    };
    Ok(policy::learner_view(
        &caller.viewer,
        &facts,
        rules,
        Utc::now(),
    ))
}

/// Whether the viewer sees the full learner.
pub async fn is_full(
    db: &impl ConnectionTrait,
    caller: &Caller,
    rules: &AccessRules,
    learner_id: i32,
) -> AppResult<bool> {
    let Some(found) = learner::Entity::find_by_id(learner_id).one(db).await? else {
        return Ok(false);
    };
    Ok(view_of(db, caller, rules, &found).await? == Some(LearnerView::Full))
}
