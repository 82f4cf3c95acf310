//! The audit trail: append-only, written in the same transaction as the change it records.

use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, Select,
};
use serde_json::Value;

use crate::domain::read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey};
use crate::{
    auth::{Caller, policy::AuditScope},
    error::AppResult,
};

/// What happened to which record.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The action (`admitMember`, `readLearnerPersonalData`, ...).
    pub action: &'static str,
    /// The type of the record.
    pub target_type: &'static str,
    /// The record's global ID.
    pub target_id: String,
    /// The region the record belongs to.
    pub region_id: Option<i32>,
    /// For mutations: the changed fields, personal data masked.
    pub changes: Option<Value>,
}

/// Appends an event on `conn` (a transaction, when recording a change).
pub async fn record(conn: &impl ConnectionTrait, caller: &Caller, entry: Entry) -> AppResult<()> {
    // The log line names the action and the record, never the changed values.
    macro_rules! logged {
        ($level:ident) => {
            tracing::$level!(
                action = entry.action,
                target = %entry.target_id,
                actor = %caller.viewer.subject,
                role = caller.viewer.role().as_str(),
                request_id = caller.request_id.as_deref().unwrap_or("-"),
                "audit"
            )
        };
    }
    if caller.log_changes {
        logged!(info);
    } else {
        logged!(debug);
    }
    audit_event::Entity::insert(audit_event::ActiveModel {
        occurred_at: Set(Utc::now()),
        actor: Set(caller.viewer.subject.clone()),
        role: Set(caller.viewer.role().as_str().to_owned()),
        organization_id: Set(caller.viewer.organization_id()),
        region_id: Set(entry.region_id),
        action: Set(entry.action.to_owned()),
        target_type: Set(entry.target_type.to_owned()),
        target_id: Set(entry.target_id),
        changes: Set(entry.changes.map(|c| c.to_string())),
        request_id: Set(caller.request_id.clone()),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only these actions.
    pub actions: Vec<String>,
    /// Only this actor (token subject).
    pub actor: Option<String>,
    /// Only events by users of this organization.
    pub organization_id: Option<i32>,
    /// Only events about this record (global ID).
    pub target_id: Option<String>,
    /// Only events at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Only events before this instant.
    pub until: Option<DateTime<Utc>>,
}

fn select(scope: AuditScope, filter: &AuditFilter) -> Select<audit_event::Entity> {
    let mut cond = Condition::all();
    if let AuditScope::Region(region) = scope {
        cond = cond.add(audit_event::Column::RegionId.eq(region));
    }
    if !filter.actions.is_empty() {
        cond = cond.add(audit_event::Column::Action.is_in(filter.actions.clone()));
    }
    if let Some(actor) = &filter.actor {
        cond = cond.add(audit_event::Column::Actor.eq(actor.clone()));
    }
    if let Some(org) = filter.organization_id {
        cond = cond.add(audit_event::Column::OrganizationId.eq(org));
    }
    if let Some(target) = &filter.target_id {
        cond = cond.add(audit_event::Column::TargetId.eq(target.clone()));
    }
    if let Some(since) = filter.since {
        cond = cond.add(audit_event::Column::OccurredAt.gte(since));
    }
    if let Some(until) = filter.until {
        cond = cond.add(audit_event::Column::OccurredAt.lt(until));
    }
    audit_event::Entity::find().filter(cond)
}

fn ordering() -> Ordering<audit_event::Entity> {
    Ordering {
        name: "audit:id:desc".to_owned(),
        keys: vec![SortKey::column(
            audit_event::Column::Id,
            true,
            KeyKind::Int,
            |m: &audit_event::Model| CursorValue::Int(i64::from(m.id)),
        )],
    }
}

/// One page of events, newest first.
pub async fn list(
    db: &DatabaseConnection,
    scope: AuditScope,
    filter: &AuditFilter,
    request: &PageRequest,
) -> AppResult<Page<audit_event::Model>> {
    page::fetch_page(db, select(scope, filter), &ordering(), request).await
}

/// How many events match.
pub async fn count(
    db: &DatabaseConnection,
    scope: AuditScope,
    filter: &AuditFilter,
) -> AppResult<u64> {
    page::count(db, select(scope, filter)).await
}

/// One event by id, if the scope covers it.
pub async fn by_id(
    db: &DatabaseConnection,
    scope: AuditScope,
    id: i32,
) -> AppResult<Option<audit_event::Model>> {
    Ok(select(scope, &AuditFilter::default())
        .filter(audit_event::Column::Id.eq(id))
        .one(db)
        .await?)
}
