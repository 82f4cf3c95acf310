//! Learners (学员): registration by real name, masked listing, and audited reads of personal data.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{EnrollmentStatus, TargetGroup, cohort, enrollment, learner, provider_link};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, Select, SqlErr,
    sea_query::{Expr, ExprTrait, Func, OnConflict, Query, SelectStatement},
};
use serde_json::json;

use crate::domain::{
    kernel::{
        audit,
        codes::RegionCode,
        personal::{NationalId, Person, PersonalDataKey, PhoneNumber},
    },
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::{
    auth::{
        Caller,
        policy::{self, AccessRules, LearnerScope},
    },
    domain::kernel::ids::NodeKey,
    error::{AppError, AppResult},
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

/// What registering a learner did.
#[derive(Debug, Clone)]
pub enum Registered {
    /// A new person was registered.
    New(learner::Model),
    /// The person was already registered under this name and number; the caller's organization
    /// is now linked to them (as at the counter, with the person present).
    Linked(learner::Model),
}

impl Registered {
    /// The learner, new or linked.
    pub fn learner(&self) -> &learner::Model {
        match self {
            Self::New(l) | Self::Linked(l) => l,
        }
    }
}

const MISMATCH: &str = "the name does not match the record of this national ID number";

/// Links an organization to a learner as of now (a new link, or a renewed one).
async fn link(conn: &impl ConnectionTrait, learner_id: i32, organization_id: i32) -> AppResult<()> {
    provider_link::Entity::insert(provider_link::ActiveModel {
        learner_id: Set(learner_id),
        organization_id: Set(organization_id),
        linked_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            provider_link::Column::LearnerId,
            provider_link::Column::OrganizationId,
        ])
        .update_column(provider_link::Column::LinkedAt)
        .to_owned(),
    )
    .exec(conn)
    .await?;
    Ok(())
}

/// Registers a learner. A person already registered is not a second learner: when the name
/// matches the record of that ID number, the caller's organization is linked to them (the answer
/// is the existing learner); when it does not, the registration is refused on `input.name` and
/// nothing is written. The change and its audit event commit together.
pub async fn register(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &PersonalDataKey,
    new: NewLearner,
) -> AppResult<Registered> {
    let region =
        crate::domain::network::regions::for_new_rows(db, "input.region", &new.region).await?;
    policy::may_register_learner(&caller.viewer, region.id)?;
    // Under every key of the ring: during a rotation the person may be sealed under the old one.
    let fingerprints = key.fingerprints(&new.national_id);
    let txn = crate::domain::begin_write(db).await?;
    let existing = learner::Entity::find()
        .filter(learner::Column::NationalIdHash.is_in(fingerprints.clone()))
        .one(&txn)
        .await?;
    if let Some(found) = existing {
        return link_existing(txn, caller, key, found, &new.name).await;
    }
    let mut row = learner::ActiveModel {
        region_id: Set(region.id),
        target_group: Set(new.target_group),
        registered_by_id: Set(caller.viewer.organization_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    key.seal(&Person {
        name: new.name.clone(),
        national_id: new.national_id.clone(),
        phone: new.phone.clone(),
    })?
    .apply(&mut row);
    let inserted = learner::Entity::insert(row).exec_with_returning(&txn).await;
    let learner = match inserted {
        Ok(l) => l,
        // Two registrations of one number racing: the unique fingerprint decides, and the loser
        // is handled as a re-registration.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            drop(txn);
            let txn = crate::domain::begin_write(db).await?;
            let found = learner::Entity::find()
                .filter(learner::Column::NationalIdHash.is_in(fingerprints))
                .one(&txn)
                .await?
                .ok_or_else(|| AppError::internal("a duplicate fingerprint without its row"))?;
            return link_existing(txn, caller, key, found, &new.name).await;
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(org) = caller.viewer.organization_id() {
        link(&txn, learner.id, org).await?;
    }
    super::target_groups::declare(&txn, &learner, caller.viewer.organization_id()).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "registerLearner",
            target_type: "Learner",
            target_id: NodeKey::Learner(learner.id).to_id().0,
            region_id: Some(region.id),
            changes: Some(json!({
                "name": learner.name_masked,
                "nationalId": learner.national_id_masked,
                "phone": learner.phone_masked,
                "region": region.code,
                "targetGroup": format!("{:?}", learner.target_group),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Registered::New(learner))
}

async fn link_existing(
    txn: DatabaseTransaction,
    caller: &Caller,
    key: &PersonalDataKey,
    found: learner::Model,
    name: &str,
) -> AppResult<Registered> {
    if !key.name_matches(&found, name) {
        tracing::warn!(
            actor = %caller.viewer.subject,
            request_id = caller.request_id.as_deref().unwrap_or("-"),
            "a registration named an existing ID number with another name"
        );
        return Err(AppError::validation("input.name", MISMATCH));
    }
    if let Some(org) = caller.viewer.organization_id() {
        link(&txn, found.id, org).await?;
    }
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "linkLearner",
            target_type: "Learner",
            target_id: NodeKey::Learner(found.id).to_id().0,
            region_id: Some(found.region_id),
            changes: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Registered::Linked(found))
}

/// Finds the learner a provider names by full name and national ID number; `None` when no record
/// has both (the same answer whether the number is unknown or the name differs).
pub async fn identify(
    conn: &impl ConnectionTrait,
    key: &PersonalDataKey,
    name: &str,
    national_id: &NationalId,
) -> AppResult<Option<learner::Model>> {
    Ok(learner::Entity::find()
        .filter(learner::Column::NationalIdHash.is_in(key.fingerprints(national_id)))
        .one(conn)
        .await?
        .filter(|l| key.name_matches(l, name)))
}

/// Which learners to list, within the caller's scope.
#[derive(Debug, Clone, Default)]
pub struct LearnerFilter {
    /// Only learners living in this region.
    pub region: Option<RegionCode>,
    /// Only learners who belong to one of these target groups (codes).
    pub target_groups: Vec<String>,
}

fn select(scope: LearnerScope, filter: &LearnerFilter) -> Select<learner::Entity> {
    let mut cond = Condition::all();
    cond = match scope {
        LearnerScope::All => cond,
        LearnerScope::Region(region) => cond.add(learner::Column::RegionId.eq(region)),
        LearnerScope::Provider { org, since } => cond.add(
            Condition::any()
                .add(learner::Column::Id.in_subquery(linked_to(org, since)))
                .add(learner::Column::Id.in_subquery(trained_by(org, since))),
        ),
        LearnerScope::Only(id) => cond.add(learner::Column::Id.eq(id)),
        LearnerScope::Department(org) => cond.add(
            learner::Column::Id.in_subquery(crate::domain::programmes::learners_answered_for(org)),
        ),
    };
    if let Some(region) = &filter.region {
        cond = cond.add(learner::Column::RegionId.in_subquery(
            crate::domain::network::regions::within(std::slice::from_ref(region)),
        ));
    }
    if !filter.target_groups.is_empty() {
        cond = cond.add(
            learner::Column::Id
                .in_subquery(super::target_groups::members_of(&filter.target_groups)),
        );
    }
    learner::Entity::find().filter(cond)
}

/// A viewer who sees summaries only cannot filter by what summaries hide: the filter itself would
/// tell which learners are in a sensitive group.
fn summary_filters(scope: LearnerScope, filter: &LearnerFilter) -> AppResult<()> {
    if scope == LearnerScope::All && (!filter.target_groups.is_empty() || filter.region.is_some()) {
        return Err(AppError::validation(
            "targetGroup",
            "filtering learners by group or region needs the full view of them",
        ));
    }
    Ok(())
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
    rules: &AccessRules,
    filter: &LearnerFilter,
    request: &PageRequest,
) -> AppResult<Page<learner::Model>> {
    let scope = policy::learner_scope(&caller.viewer, rules)?;
    summary_filters(scope, filter)?;
    page::fetch_page(db, select(scope, filter), &ordering(), request).await
}

/// How many learners the caller may see match.
pub async fn count(
    db: &DatabaseConnection,
    caller: &Caller,
    rules: &AccessRules,
    filter: &LearnerFilter,
) -> AppResult<u64> {
    let scope = policy::learner_scope(&caller.viewer, rules)?;
    summary_filters(scope, filter)?;
    page::count(db, select(scope, filter)).await
}

/// `SELECT learner_id` of the learners linked to a provider since `since`.
fn linked_to(org: i32, since: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .column(provider_link::Column::LearnerId)
        .from(provider_link::Entity)
        .and_where(Expr::col(provider_link::Column::OrganizationId).eq(org))
        .and_where(Expr::col(provider_link::Column::LinkedAt).gte(since))
        .to_owned()
}

/// `SELECT learner_id` of the enrolments that keep a provider in a current relation: ENROLLED in
/// one of its cohorts from the cohort's first day until `since` is past its last, or COMPLETED
/// there since `since` ([`AccessRules`]; the same rule as [`policy::provider_in_relation`]).
pub(crate) fn trained_by(provider_id: i32, since: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .expr(Expr::col((
            enrollment::Entity,
            enrollment::Column::LearnerId,
        )))
        .from(enrollment::Entity)
        .inner_join(
            cohort::Entity,
            Expr::col((cohort::Entity, cohort::Column::Id))
                .equals((enrollment::Entity, enrollment::Column::CohortId)),
        )
        .and_where(Expr::col((cohort::Entity, cohort::Column::ProviderId)).eq(provider_id))
        .cond_where(
            Condition::any()
                .add(
                    Condition::all()
                        .add(
                            Expr::col((enrollment::Entity, enrollment::Column::Status))
                                .eq(EnrollmentStatus::Enrolled),
                        )
                        .add(
                            Func::coalesce([
                                Expr::col((cohort::Entity, cohort::Column::StartedOn)),
                                Expr::col((cohort::Entity, cohort::Column::StartOn)),
                            ])
                            .lte(Utc::now().date_naive()),
                        )
                        .add(
                            Func::coalesce([
                                Expr::col((cohort::Entity, cohort::Column::FinishedOn)),
                                Expr::col((cohort::Entity, cohort::Column::EndOn)),
                            ])
                            .gte(since.date_naive()),
                        ),
                )
                .add(
                    Condition::all()
                        .add(
                            Expr::col((enrollment::Entity, enrollment::Column::Status))
                                .eq(EnrollmentStatus::Completed),
                        )
                        .add(
                            Expr::col((enrollment::Entity, enrollment::Column::EndedAt)).gte(since),
                        ),
                ),
        )
        .to_owned()
}

/// Learners by id, unscoped: callers decide each row with [`policy::learner_view`].
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
    rules: &AccessRules,
    key: &PersonalDataKey,
    learner: &learner::Model,
) -> AppResult<PersonalData> {
    let view = super::gate::view_of(db, caller, rules, learner).await?;
    policy::may_read_personal_data(&caller.viewer, view)?;
    let person = key.open(learner)?;
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
        name: person.name,
        national_id: person.national_id,
        phone: person.phone.as_str().to_owned(),
    })
}
