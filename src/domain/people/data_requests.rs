//! A learner's rights over their personal data (PIPL Arts. 46–47): asking for a correction of the
//! name or the phone number, decided by the provider that registered them or the regulator of
//! their region; asking for erasure, decided by that regulator. Each decision commits with its
//! audit event, which names the values only masked. An approved erasure erases as
//! [`super::erasure`] describes.

use chrono::Utc;
use entity::{DataRequestKind, DataRequestStatus, PersonalField, data_request, learner};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, Select, sea_query::Expr,
};
use serde_json::json;

use crate::domain::{
    begin_write, decisive,
    kernel::{
        audit,
        ids::NodeKey,
        input::Reason,
        personal::{Field, PersonalDataKey, PhoneNumber, mask_name, mask_phone},
    },
    people::learners,
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::{
    auth::{
        Caller,
        policy::{self, DataRequestScope, RequestSubject},
    },
    error::{AppError, AppResult},
};

const PENDING_ALREADY: &str = "a request of this kind is pending already; wait for its decision";

/// A corrected value, validated for its field.
#[derive(Clone, PartialEq, Eq)]
pub enum Correction {
    /// A new real name.
    Name(String),
    /// A new mobile number.
    Phone(PhoneNumber),
}

impl std::fmt::Debug for Correction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Name(name) => write!(f, "Name({})", mask_name(name)),
            Self::Phone(phone) => write!(f, "Phone({phone:?})"),
        }
    }
}

impl Correction {
    /// Validates `value` as the new value of `field`, the error naming `input`.
    pub fn parse(field: PersonalField, input: &str, value: &str) -> AppResult<Self> {
        Ok(match field {
            PersonalField::Name => Self::Name(learners::parse_name(input, value)?),
            PersonalField::Phone => Self::Phone(PhoneNumber::parse(input, value)?),
        })
    }

    fn field(&self) -> PersonalField {
        match self {
            Self::Name(_) => PersonalField::Name,
            Self::Phone(_) => PersonalField::Phone,
        }
    }

    fn plain(&self) -> &str {
        match self {
            Self::Name(name) => name,
            Self::Phone(phone) => phone.as_str(),
        }
    }

    fn masked(&self) -> String {
        match self {
            Self::Name(name) => mask_name(name),
            Self::Phone(phone) => mask_phone(phone.as_str()),
        }
    }
}

fn sealed_field(field: PersonalField) -> Field {
    match field {
        PersonalField::Name => Field::Name,
        PersonalField::Phone => Field::Phone,
    }
}

fn field_name(field: PersonalField) -> &'static str {
    match field {
        PersonalField::Name => "NAME",
        PersonalField::Phone => "PHONE",
    }
}

fn subject_of(found: &learner::Model) -> RequestSubject {
    RequestSubject {
        learner_id: found.id,
        region_id: found.region_id,
        registered_by_id: found.registered_by_id,
    }
}

async fn own_learner(db: &DatabaseConnection, caller: &Caller) -> AppResult<learner::Model> {
    let id = policy::may_request_about_own_data(&caller.viewer)?;
    let found = learner::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("learner"))?;
    if found.erased_at.is_some() {
        return Err(AppError::Conflict(
            "the learner's personal data is erased already".to_owned(),
        ));
    }
    Ok(found)
}

/// Asks, as the learner, for a correction: the new value is kept sealed until decided.
pub async fn request_correction(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &PersonalDataKey,
    correction: Correction,
    reason: Reason,
) -> AppResult<data_request::Model> {
    let found = own_learner(db, caller).await?;
    let (cipher, sealed_with) =
        key.seal_value(sealed_field(correction.field()), correction.plain())?;
    let txn = begin_write(db).await?;
    let saved = data_request::Entity::insert(data_request::ActiveModel {
        learner_id: Set(found.id),
        kind: Set(DataRequestKind::Correction),
        field: Set(Some(correction.field())),
        proposed_cipher: Set(Some(cipher)),
        proposed_masked: Set(Some(correction.masked())),
        sealed_with: Set(Some(sealed_with)),
        reason: Set(reason.into_string()),
        status: Set(DataRequestStatus::Pending),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| crate::domain::conflict_on_duplicate(e, PENDING_ALREADY))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "requestDataCorrection",
            target_type: "Learner",
            target_id: NodeKey::Learner(found.id).to_id().0,
            region_id: Some(found.region_id),
            changes: Some(json!({
                "request": NodeKey::DataRequest(saved.id).to_id().0,
                "field": field_name(correction.field()),
                "to": correction.masked(),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Asks, as the learner, for the erasure of their personal data.
pub async fn request_erasure(
    db: &DatabaseConnection,
    caller: &Caller,
    reason: Reason,
) -> AppResult<data_request::Model> {
    let found = own_learner(db, caller).await?;
    let txn = begin_write(db).await?;
    let saved = data_request::Entity::insert(data_request::ActiveModel {
        learner_id: Set(found.id),
        kind: Set(DataRequestKind::Erasure),
        reason: Set(reason.into_string()),
        status: Set(DataRequestStatus::Pending),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| crate::domain::conflict_on_duplicate(e, PENDING_ALREADY))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "requestDataErasure",
            target_type: "Learner",
            target_id: NodeKey::Learner(found.id).to_id().0,
            region_id: Some(found.region_id),
            changes: Some(json!({ "request": NodeKey::DataRequest(saved.id).to_id().0 })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// How a request is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Approved (and carried out at once), with a reason.
    Approve(Reason),
    /// Rejected, with a reason the learner reads.
    Reject(Reason),
}

/// Decides a PENDING request once, by those [`policy::may_decide_data_request`] names. An approved
/// correction re-seals the learner's row with the new value; an approved erasure erases. The
/// decision, its effect and its audit event commit together; a decided request is a
/// `CONFLICT`, and so is a learner's row changed by someone else meanwhile (nothing is written).
pub async fn decide(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &PersonalDataKey,
    request_id: i32,
    decision: Decision,
) -> AppResult<data_request::Model> {
    let (found, learner) = data_request::Entity::find_by_id(request_id)
        .find_also_related(learner::Entity)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("data request"))?;
    let learner = learner.ok_or_else(|| AppError::internal("a request without its learner"))?;
    let subject = subject_of(&learner);
    policy::may_decide_data_request(&caller.viewer, found.kind, subject)?;
    let (status, reason) = match &decision {
        Decision::Approve(r) => (DataRequestStatus::Approved, r.as_str().to_owned()),
        Decision::Reject(r) => (DataRequestStatus::Rejected, r.as_str().to_owned()),
    };
    let txn = begin_write(db).await?;
    mark_decided(&txn, caller, found.id, status, &reason).await?;
    let target = NodeKey::Learner(learner.id).to_id().0;
    let request = NodeKey::DataRequest(found.id).to_id().0;
    match (found.kind, &decision) {
        (DataRequestKind::Correction, Decision::Approve(_)) => {
            apply_correction(&txn, caller, key, &found, &learner, &reason).await?;
        }
        (DataRequestKind::Erasure, Decision::Approve(_)) => {
            super::erasure::erase(&txn, caller, &learner).await?;
            // After the erasure, which redacts the learner's earlier events.
            audit::record(
                &txn,
                caller,
                audit::Entry {
                    action: "approveDataErasure",
                    target_type: "Learner",
                    target_id: target,
                    region_id: Some(learner.region_id),
                    // The decision's words may name the person: they are not kept.
                    changes: Some(json!({ "request": request })),
                },
            )
            .await?;
        }
        (kind, Decision::Reject(_)) => {
            audit::record(
                &txn,
                caller,
                audit::Entry {
                    action: match kind {
                        DataRequestKind::Correction => "rejectDataCorrection",
                        DataRequestKind::Erasure => "rejectDataErasure",
                    },
                    target_type: "Learner",
                    target_id: target,
                    region_id: Some(learner.region_id),
                    changes: Some(json!({ "request": request, "reason": reason })),
                },
            )
            .await?;
        }
    }
    let saved = data_request::Entity::find_by_id(found.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("a request vanished in its transaction"))?;
    txn.commit().await?;
    if found.kind == DataRequestKind::Erasure && status == DataRequestStatus::Approved {
        super::erasure::scrub_log(db).await;
    }
    Ok(saved)
}

/// The request decided, once: a conditional update from PENDING (a `CONFLICT` when decided
/// already), which also drops the value asked for, needed no longer whatever the decision.
async fn mark_decided(
    txn: &sea_orm::DatabaseTransaction,
    caller: &Caller,
    request_id: i32,
    status: DataRequestStatus,
    reason: &str,
) -> AppResult<()> {
    decisive(
        txn,
        data_request::Entity::update_many()
            .col_expr(data_request::Column::Status, Expr::value(status))
            .col_expr(
                data_request::Column::Decision,
                Expr::value(Some(reason.to_owned())),
            )
            .col_expr(
                data_request::Column::DecidedBy,
                Expr::value(Some(caller.viewer.subject.clone())),
            )
            .col_expr(
                data_request::Column::DecidedRole,
                Expr::value(Some(caller.viewer.role().as_str().to_owned())),
            )
            .col_expr(
                data_request::Column::DecidedAt,
                Expr::value(Some(Utc::now())),
            )
            // The value asked for is needed no longer, whatever the decision.
            .col_expr(
                data_request::Column::ProposedCipher,
                Expr::value(None::<String>),
            )
            .col_expr(
                data_request::Column::SealedWith,
                Expr::value(None::<String>),
            )
            .filter(data_request::Column::Id.eq(request_id))
            .filter(data_request::Column::Status.eq(DataRequestStatus::Pending)),
        "the request is decided already",
    )
    .await?;
    Ok(())
}

/// An approved correction: the learner's row re-sealed with the new value, unless someone
/// changed it meanwhile (a `CONFLICT`), and the change audited with masked values.
async fn apply_correction(
    txn: &sea_orm::DatabaseTransaction,
    caller: &Caller,
    key: &PersonalDataKey,
    found: &data_request::Model,
    learner: &learner::Model,
    reason: &str,
) -> AppResult<()> {
    let target = NodeKey::Learner(learner.id).to_id().0;
    let request = NodeKey::DataRequest(found.id).to_id().0;
    let field = found
        .field
        .ok_or_else(|| AppError::internal("a correction without its field"))?;
    let value = key.open_field(
        sealed_field(field),
        found.sealed_with.as_deref(),
        found.proposed_cipher.as_deref().unwrap_or_default(),
    )?;
    let mut person = key.open(learner)?;
    let from = match field {
        PersonalField::Name => {
            let old = mask_name(&person.name);
            person.name = value;
            old
        }
        PersonalField::Phone => {
            let old = mask_phone(person.phone.as_str());
            person.phone = PhoneNumber::parse("input.value", &value)?;
            old
        }
    };
    let version = learner.national_id_cipher.clone();
    let mut row = learner.clone().into_active_model();
    key.seal(&person)?.apply(&mut row);
    decisive(
        txn,
        learner::Entity::update_many()
            .set(row)
            .filter(learner::Column::Id.eq(learner.id))
            .filter(learner::Column::NationalIdCipher.eq(version))
            .filter(learner::Column::ErasedAt.is_null()),
        "the learner's record changed meanwhile; decide again",
    )
    .await?;
    audit::record(
        txn,
        caller,
        audit::Entry {
            action: "approveDataCorrection",
            target_type: "Learner",
            target_id: target,
            region_id: Some(learner.region_id),
            changes: Some(json!({
                "request": request,
                "field": field_name(field),
                "from": from,
                "to": found.proposed_masked,
                "reason": reason,
            })),
        },
    )
    .await?;
    Ok(())
}

/// Which requests to list.
#[derive(Debug, Clone, Default)]
pub struct DataRequestFilter {
    /// Only these statuses (empty: every status).
    pub statuses: Vec<DataRequestStatus>,
    /// Only of this kind.
    pub kind: Option<DataRequestKind>,
}

fn select(scope: DataRequestScope, filter: &DataRequestFilter) -> Select<data_request::Entity> {
    let learners_where = |cond: Condition| {
        data_request::Column::LearnerId.in_subquery(
            sea_orm::sea_query::Query::select()
                .column(learner::Column::Id)
                .from(learner::Entity)
                .cond_where(cond)
                .to_owned(),
        )
    };
    let mut cond = Condition::all();
    cond = match scope {
        DataRequestScope::Learner(id) => cond.add(data_request::Column::LearnerId.eq(id)),
        DataRequestScope::Region(region) => cond.add(learners_where(
            Condition::all().add(learner::Column::RegionId.eq(region)),
        )),
        DataRequestScope::RegisteredBy(org) => cond
            .add(data_request::Column::Kind.eq(DataRequestKind::Correction))
            .add(learners_where(
                Condition::all().add(learner::Column::RegisteredById.eq(org)),
            )),
    };
    if !filter.statuses.is_empty() {
        cond = cond.add(data_request::Column::Status.is_in(filter.statuses.clone()));
    }
    if let Some(kind) = filter.kind {
        cond = cond.add(data_request::Column::Kind.eq(kind));
    }
    data_request::Entity::find().filter(cond)
}

fn ordering() -> Ordering<data_request::Entity> {
    Ordering {
        name: "data-requests:id".to_owned(),
        keys: vec![SortKey::column(
            data_request::Column::Id,
            false,
            KeyKind::Int,
            |m: &data_request::Model| CursorValue::Int(i64::from(m.id)),
        )],
    }
}

/// One page of the requests the caller may see, oldest first (a work list).
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &DataRequestFilter,
    request: &PageRequest,
) -> AppResult<Page<data_request::Model>> {
    let scope = policy::data_request_scope(&caller.viewer)?;
    page::fetch_page(db, select(scope, filter), &ordering(), request).await
}

/// How many requests the caller may see match.
pub async fn count(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &DataRequestFilter,
) -> AppResult<u64> {
    let scope = policy::data_request_scope(&caller.viewer)?;
    page::count(db, select(scope, filter)).await
}

/// A request by id, if the caller may see it.
pub async fn by_id(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<Option<data_request::Model>> {
    let Some((found, Some(learner))) = data_request::Entity::find_by_id(id)
        .find_also_related(learner::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(
        policy::data_request_visible(&caller.viewer, found.kind, subject_of(&learner))
            .then_some(found),
    )
}
