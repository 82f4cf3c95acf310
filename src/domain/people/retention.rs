//! Retention (PIPL Art. 47: erasure once the purpose is over): the personal data of learners
//! inactive for `rules.learner_retention_days` is erased by `skillgraph retention`, a command
//! the operator schedules, with a dry run that reports what it would erase and changes nothing.
//!
//! A learner is inactive when nothing about them happened since the cut-off: no registration or
//! provider link, enrolment or end of training, assessment, certificate, follow-up, intention,
//! recommendation or request; a learner still ENROLLED somewhere is never inactive.

use chrono::{DateTime, Days, Utc};
use entity::{
    EnrollmentStatus, candidate, certificate, data_request, enrollment, follow_up, learner,
    provider_link, recommendation, training_intention,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Query, SelectStatement},
};

use crate::domain::{begin_write, kernel::ids::NodeKey, people::erasure};
use crate::{
    auth::{Caller, Viewer},
    error::{AppError, AppResult},
};

/// What a retention run found, and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionReport {
    /// Activity before this instant counts as old.
    pub cutoff: DateTime<Utc>,
    /// The learners inactive since the cut-off, as the API shows their IDs.
    pub inactive: Vec<String>,
    /// How many of them were erased (none in a dry run).
    pub erased: usize,
}

fn learners_in(table: SelectStatement) -> sea_orm::sea_query::SimpleExpr {
    learner::Column::Id.in_subquery(table)
}

fn recent<C: ColumnTrait>(learner: C, at: C, cutoff: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .column(learner)
        .from(learner.entity_name())
        .and_where(at.gte(cutoff))
        .to_owned()
}

/// The learners with no activity since `cutoff`, not erased, in id order (only `only`, when
/// given).
pub async fn inactive_since(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    only: Option<i32>,
) -> AppResult<Vec<i32>> {
    let active = Condition::any()
        .add(learners_in(recent(
            provider_link::Column::LearnerId,
            provider_link::Column::LinkedAt,
            cutoff,
        )))
        .add(learners_in(recent(
            enrollment::Column::LearnerId,
            enrollment::Column::EnrolledAt,
            cutoff,
        )))
        .add(learners_in(recent(
            enrollment::Column::LearnerId,
            enrollment::Column::EndedAt,
            cutoff,
        )))
        .add(learners_in(
            Query::select()
                .column(enrollment::Column::LearnerId)
                .from(enrollment::Entity)
                .and_where(enrollment::Column::Status.eq(EnrollmentStatus::Enrolled))
                .to_owned(),
        ))
        .add(learners_in(recent(
            candidate::Column::LearnerId,
            candidate::Column::RegisteredAt,
            cutoff,
        )))
        .add(learners_in(
            Query::select()
                .column(certificate::Column::LearnerId)
                .from(certificate::Entity)
                .and_where(certificate::Column::IssuedOn.gte(cutoff.date_naive()))
                .to_owned(),
        ))
        .add(learners_in(recent(
            follow_up::Column::LearnerId,
            follow_up::Column::CreatedAt,
            cutoff,
        )))
        .add(learners_in(recent(
            training_intention::Column::LearnerId,
            training_intention::Column::CreatedAt,
            cutoff,
        )))
        .add(learners_in(recent(
            recommendation::Column::LearnerId,
            recommendation::Column::UpdatedAt,
            cutoff,
        )))
        .add(learners_in(recent(
            data_request::Column::LearnerId,
            data_request::Column::CreatedAt,
            cutoff,
        )));
    Ok(learner::Entity::find()
        .select_only()
        .column(learner::Column::Id)
        .filter(learner::Column::ErasedAt.is_null())
        .filter(learner::Column::CreatedAt.lt(cutoff))
        .filter(active.not())
        .apply_if(only, |q, id| q.filter(learner::Column::Id.eq(id)))
        .order_by_asc(learner::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// The caller retention erases as, in the audit trail.
fn retention_caller() -> Caller {
    Caller {
        viewer: Viewer::new("skillgraph-retention", crate::auth::Actor::SystemAdmin),
        request_id: None,
        access: Default::default(),
        log_changes: true,
    }
}

/// Finds the learners inactive for `days` days and, unless `dry_run`, erases each in its own
/// transaction (a learner who became active meanwhile, or was erased meanwhile, is left).
pub async fn run(db: &DatabaseConnection, days: u32, dry_run: bool) -> AppResult<RetentionReport> {
    let cutoff = Utc::now()
        .checked_sub_days(Days::new(u64::from(days)))
        .ok_or_else(|| AppError::validation("days", "the retention period is too long"))?;
    let inactive = inactive_since(db, cutoff, None).await?;
    let mut erased = 0;
    if !dry_run {
        let caller = retention_caller();
        for id in &inactive {
            let txn = begin_write(db).await?;
            // Asked again inside the transaction: activity since the list was made keeps them.
            if inactive_since(&txn, cutoff, Some(*id)).await?.is_empty() {
                continue;
            }
            let Some(found) = learner::Entity::find_by_id(*id).one(&txn).await? else {
                continue;
            };
            match erasure::erase(&txn, &caller, &found).await {
                Ok(()) => {
                    txn.commit().await?;
                    erased += 1;
                }
                Err(AppError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    if erased > 0 {
        erasure::scrub_log(db).await;
    }
    Ok(RetentionReport {
        cutoff,
        inactive: inactive
            .into_iter()
            .map(|id| NodeKey::Learner(id).to_id().0)
            .collect(),
        erased,
    })
}
