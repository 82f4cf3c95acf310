//! Erasing a learner's personal data, on an approved request or when retention says it has
//! outlived its purpose.
//!
//! Erasure destroys the personal data and keeps the records the law requires (certificates
//! issued, subsidised enrolments, follow-ups, assessments) with nothing that identifies the
//! person: the learner row stays as a pseudonym (so every count and rate stays what it was) with
//! its ciphertexts and fingerprints removed and the name replaced by `*`; free-text notes about
//! the person are emptied (the basis of each target-group membership too: the group and its date
//! stay with the pseudonym; an employer's justification of a direct recognition, whose waiting
//! proposals are rejected); training intentions lose their location and, while open, are
//! withdrawn; provider links go; the masked values in the learner's audit events are redacted.
//! The same ID number registered again is a new person.

use chrono::Utc;
use entity::{
    DataRequestStatus, IntentionStatus, RecognitionStatus, audit_event, candidate, claim_line,
    data_request, direct_recognition, enrollment, follow_up, learner, learner_target_group,
    provider_link, recommendation, service_contact, training_intention,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr,
};

use crate::{
    auth::Caller,
    domain::kernel::{audit, ids::NodeKey},
    error::{AppError, AppResult},
};

/// What an erased learner's audit events keep of their changes.
const REDACTED: &str = r#"{"redacted":"the learner's personal data was erased"}"#;

/// Erases a learner's personal data on `conn` (inside the caller's transaction), as the module
/// documentation describes, and records it; an erased learner is a `CONFLICT`.
pub async fn erase(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    found: &learner::Model,
) -> AppResult<()> {
    let id = found.id;
    let now = Utc::now();
    erase_the_row(conn, id, now).await?;
    clear_free_texts(conn, id).await?;
    forget_where(conn, id).await?;
    close_requests(conn, id, now).await?;
    redact_the_trail(conn, caller, found).await
}

/// The learner's own row keeps no name, number or phone (a `CONFLICT` when erased already).
async fn erase_the_row(
    conn: &impl ConnectionTrait,
    id: i32,
    now: chrono::DateTime<Utc>,
) -> AppResult<()> {
    let erased = learner::Entity::update_many()
        .col_expr(learner::Column::NameMasked, Expr::value("*"))
        .col_expr(learner::Column::NameCipher, Expr::value(None::<String>))
        .col_expr(learner::Column::NameHash, Expr::value(None::<String>))
        .col_expr(learner::Column::NationalIdCipher, Expr::value(""))
        .col_expr(
            learner::Column::NationalIdHash,
            Expr::value(format!("erased:{id}")),
        )
        .col_expr(learner::Column::NationalIdMasked, Expr::value(""))
        .col_expr(learner::Column::PhoneCipher, Expr::value(None::<String>))
        .col_expr(learner::Column::PhoneMasked, Expr::value(""))
        .col_expr(learner::Column::SealedWith, Expr::value(None::<String>))
        .col_expr(learner::Column::ErasedAt, Expr::value(Some(now)))
        .filter(learner::Column::Id.eq(id))
        .filter(learner::Column::ErasedAt.is_null())
        .exec(conn)
        .await?;
    if erased.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the learner's personal data is erased already".to_owned(),
        ));
    }
    Ok(())
}

/// Free text on the rows about the person that may describe them: notes, attestations, the
/// reasons of an enrolment's end, of a declined job, of a rejected claim line, of their requests
/// and the decisions on them.
async fn clear_free_texts(conn: &impl ConnectionTrait, id: i32) -> AppResult<()> {
    recommendation::Entity::update_many()
        .col_expr(recommendation::Column::Note, Expr::value(""))
        .filter(recommendation::Column::LearnerId.eq(id))
        .exec(conn)
        .await?;
    follow_up::Entity::update_many()
        .col_expr(follow_up::Column::Note, Expr::value(""))
        .filter(follow_up::Column::LearnerId.eq(id))
        .exec(conn)
        .await?;
    service_contact::Entity::update_many()
        .col_expr(service_contact::Column::Note, Expr::value(""))
        .filter(service_contact::Column::LearnerId.eq(id))
        .exec(conn)
        .await?;
    candidate::Entity::update_many()
        .col_expr(candidate::Column::Attestation, Expr::value(None::<String>))
        .filter(candidate::Column::LearnerId.eq(id))
        .exec(conn)
        .await?;
    enrollment::Entity::update_many()
        .col_expr(enrollment::Column::EndReason, Expr::value(None::<String>))
        .filter(enrollment::Column::LearnerId.eq(id))
        .exec(conn)
        .await?;
    // What the learner wrote in declining a job, and what a regulator wrote in rejecting a
    // line of a claim for them.
    recommendation::Entity::update_many()
        .col_expr(
            recommendation::Column::DeclineReason,
            Expr::value(None::<String>),
        )
        .filter(recommendation::Column::LearnerId.eq(id))
        .exec(conn)
        .await?;
    claim_line::Entity::update_many()
        .col_expr(claim_line::Column::Reason, Expr::value(None::<String>))
        .filter(claim_line::Column::LearnerId.eq(id))
        .exec(conn)
        .await?;
    // The basis of each target-group membership (a certificate's number, a register's entry);
    // the group and its date stay with the pseudonym, so every figure by group stays what it was.
    learner_target_group::Entity::update_many()
        .col_expr(learner_target_group::Column::Basis, Expr::value(""))
        .filter(learner_target_group::Column::LearnerId.eq(id))
        .exec(conn)
        .await?;
    // The reasons of the learner's requests and the decisions on them (this one included).
    data_request::Entity::update_many()
        .col_expr(data_request::Column::Reason, Expr::value(""))
        .col_expr(data_request::Column::Decision, Expr::value(None::<String>))
        .filter(data_request::Column::LearnerId.eq(id))
        .exec(conn)
        .await?;
    // What an employer wrote to justify recognising them, and the bureau's answer; a proposal
    // still waiting is rejected (no certificate is issued to a pseudonym).
    direct_recognition::Entity::update_many()
        .col_expr(
            direct_recognition::Column::Status,
            Expr::value(RecognitionStatus::Rejected),
        )
        .col_expr(
            direct_recognition::Column::DecidedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(direct_recognition::Column::LearnerId.eq(id))
        .filter(direct_recognition::Column::Status.eq(RecognitionStatus::Proposed))
        .exec(conn)
        .await?;
    direct_recognition::Entity::update_many()
        .col_expr(direct_recognition::Column::Justification, Expr::value(""))
        .col_expr(
            direct_recognition::Column::DecisionReason,
            Expr::value(None::<String>),
        )
        .filter(direct_recognition::Column::LearnerId.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Where the person wanted to train (near home, often) goes, an open wish is withdrawn, and no
/// provider keeps a link to them.
async fn forget_where(conn: &impl ConnectionTrait, id: i32) -> AppResult<()> {
    training_intention::Entity::update_many()
        .col_expr(
            training_intention::Column::Latitude,
            Expr::value(None::<f64>),
        )
        .col_expr(
            training_intention::Column::Longitude,
            Expr::value(None::<f64>),
        )
        .col_expr(
            training_intention::Column::MaxDistanceKm,
            Expr::value(None::<f64>),
        )
        .filter(training_intention::Column::LearnerId.eq(id))
        .exec(conn)
        .await?;
    training_intention::Entity::update_many()
        .col_expr(
            training_intention::Column::Status,
            Expr::value(IntentionStatus::Withdrawn),
        )
        .filter(training_intention::Column::LearnerId.eq(id))
        .filter(training_intention::Column::Status.eq(IntentionStatus::Open))
        .exec(conn)
        .await?;
    provider_link::Entity::delete_many()
        .filter(provider_link::Column::LearnerId.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// A pending correction is moot, and every sealed value asked for goes.
async fn close_requests(
    conn: &impl ConnectionTrait,
    id: i32,
    now: chrono::DateTime<Utc>,
) -> AppResult<()> {
    data_request::Entity::update_many()
        .col_expr(
            data_request::Column::Status,
            Expr::value(DataRequestStatus::Rejected),
        )
        .col_expr(
            data_request::Column::Decision,
            Expr::value(Some("the learner's personal data was erased".to_owned())),
        )
        .col_expr(data_request::Column::DecidedAt, Expr::value(Some(now)))
        .filter(data_request::Column::LearnerId.eq(id))
        .filter(data_request::Column::Status.eq(DataRequestStatus::Pending))
        .exec(conn)
        .await?;
    data_request::Entity::update_many()
        .col_expr(
            data_request::Column::ProposedCipher,
            Expr::value(None::<String>),
        )
        .col_expr(
            data_request::Column::ProposedMasked,
            Expr::value(None::<String>),
        )
        .col_expr(
            data_request::Column::SealedWith,
            Expr::value(None::<String>),
        )
        .filter(data_request::Column::LearnerId.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Every audit event about the person keeps no change of theirs, and the erasure is recorded.
async fn redact_the_trail(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    found: &learner::Model,
) -> AppResult<()> {
    let id = found.id;
    let target = NodeKey::Learner(id).to_id().0;
    // Every audit event that concerns the person keeps no change of theirs: those on the learner
    // and those on the rows about them (enrolments, recommendations, follow-ups, candidacies,
    // intentions, requests, claim lines), whose changes may quote a reason naming them.
    let mut targets = vec![target.clone()];
    targets.extend(about_the_person(conn, id).await?);
    for chunk in targets.chunks(500) {
        audit_event::Entity::update_many()
            .col_expr(audit_event::Column::Changes, Expr::value(Some(REDACTED)))
            .filter(audit_event::Column::TargetId.is_in(chunk.iter().cloned()))
            .filter(audit_event::Column::Changes.is_not_null())
            .exec(conn)
            .await?;
    }
    audit::record(
        conn,
        caller,
        audit::Entry {
            action: "eraseLearner",
            target_type: "Learner",
            target_id: target,
            region_id: Some(found.region_id),
            changes: None,
        },
    )
    .await?;
    Ok(())
}

/// After an erasure on SQLite, the write-ahead log still holds the pages as they were before it
/// (the person's ciphertexts and free texts) until a checkpoint: the log is checkpointed into
/// the database file (where `secure_delete` has zeroed what was removed) and truncated. A
/// checkpoint kept from completing by a long reader is logged, and the next one finishes it.
/// PostgreSQL keeps no such copy that a reader of its files could not already read.
pub async fn scrub_log(db: &DatabaseConnection) {
    if db.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
        return;
    }
    if let Err(err) = db
        .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
    {
        tracing::warn!(error = %err, "could not checkpoint the log after an erasure");
    }
}

/// The global IDs of the rows about a learner that audit events may target.
async fn about_the_person(conn: &impl ConnectionTrait, id: i32) -> AppResult<Vec<String>> {
    use sea_orm::QuerySelect;
    async fn ids<E: EntityTrait>(
        conn: &impl ConnectionTrait,
        key: E::Column,
        learner: E::Column,
        id: i32,
    ) -> AppResult<Vec<i32>> {
        Ok(E::find()
            .select_only()
            .column(key)
            .filter(learner.eq(id))
            .into_tuple()
            .all(conn)
            .await?)
    }
    let mut out = Vec::new();
    let mut add = |make: fn(i32) -> NodeKey, found: Vec<i32>| {
        out.extend(found.into_iter().map(|i| make(i).to_id().0));
    };
    add(
        NodeKey::Enrollment,
        ids::<enrollment::Entity>(
            conn,
            enrollment::Column::Id,
            enrollment::Column::LearnerId,
            id,
        )
        .await?,
    );
    add(
        NodeKey::Recommendation,
        ids::<recommendation::Entity>(
            conn,
            recommendation::Column::Id,
            recommendation::Column::LearnerId,
            id,
        )
        .await?,
    );
    add(
        NodeKey::FollowUp,
        ids::<follow_up::Entity>(
            conn,
            follow_up::Column::Id,
            follow_up::Column::LearnerId,
            id,
        )
        .await?,
    );
    add(
        NodeKey::ServiceContact,
        ids::<service_contact::Entity>(
            conn,
            service_contact::Column::Id,
            service_contact::Column::LearnerId,
            id,
        )
        .await?,
    );
    add(
        NodeKey::Candidate,
        ids::<candidate::Entity>(
            conn,
            candidate::Column::Id,
            candidate::Column::LearnerId,
            id,
        )
        .await?,
    );
    add(
        NodeKey::SpecialAbilityCandidate,
        ids::<entity::special_ability_candidate::Entity>(
            conn,
            entity::special_ability_candidate::Column::Id,
            entity::special_ability_candidate::Column::LearnerId,
            id,
        )
        .await?,
    );
    add(
        NodeKey::TrainingIntention,
        ids::<training_intention::Entity>(
            conn,
            training_intention::Column::Id,
            training_intention::Column::LearnerId,
            id,
        )
        .await?,
    );
    add(
        NodeKey::DataRequest,
        ids::<data_request::Entity>(
            conn,
            data_request::Column::Id,
            data_request::Column::LearnerId,
            id,
        )
        .await?,
    );
    add(
        NodeKey::ClaimLine,
        ids::<claim_line::Entity>(
            conn,
            claim_line::Column::Id,
            claim_line::Column::LearnerId,
            id,
        )
        .await?,
    );
    Ok(out)
}
