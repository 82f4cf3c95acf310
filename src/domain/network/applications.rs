//! Applications to join an alliance (入盟申请): an organization asks with a note; the alliance's
//! administrator or the regulator of its region admits it (it becomes a MEMBER that day) or
//! rejects it with a reason. Pending applications are the deciders' work list. An invitation is
//! the other way round: the alliance offers a role (its founding invites a lead of another
//! region) and the invited organization accepts (a member in that role that day) or declines.

use chrono::Utc;
use entity::{
    ApplicationStatus, MembershipRole, alliance, membership, membership_application as application,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Select,
    sea_query::Expr,
};
use serde_json::json;

use crate::domain::{
    kernel::{
        audit,
        codes::AllianceCode,
        ids::NodeKey,
        input::{Note, Reason},
    },
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::{
    auth::{
        Caller,
        policy::{self, ApplicationScope},
    },
    error::{AppError, AppResult},
};

const PENDING_ALREADY: &str = "the organization has a pending application to this alliance";

/// Asks for the caller's organization to join an alliance. A current member, or an organization
/// with a pending application there, is a `CONFLICT`.
pub async fn apply(
    db: &DatabaseConnection,
    caller: &Caller,
    alliance_code: &AllianceCode,
    note: Option<Note>,
) -> AppResult<application::Model> {
    let organization_id = policy::may_apply_for_membership(&caller.viewer)?;
    let alliance = alliance::Entity::find()
        .filter(alliance::Column::Code.eq(alliance_code.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("alliance \"{}\"", alliance_code.as_str())))?;
    let txn = crate::domain::begin_write(db).await?;
    let member = membership::Entity::find()
        .filter(membership::Column::AllianceId.eq(alliance.id))
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .filter(membership::Column::LeftOn.is_null())
        .one(&txn)
        .await?;
    if member.is_some() {
        return Err(AppError::Conflict(
            "the organization is already a member of this alliance".to_owned(),
        ));
    }
    let saved = application::Entity::insert(application::ActiveModel {
        alliance_id: Set(alliance.id),
        organization_id: Set(organization_id),
        note: Set(note.map(Note::into_string).unwrap_or_default()),
        status: Set(ApplicationStatus::Pending),
        reason: Set(None),
        decided_at: Set(None),
        decided_by: Set(None),
        created_at: Set(Utc::now()),
        invited_as: Set(None),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| crate::domain::conflict_on_duplicate(e, PENDING_ALREADY))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "applyForMembership",
            target_type: "MembershipApplication",
            target_id: NodeKey::MembershipApplication(saved.id).to_id().0,
            region_id: Some(alliance.region_id),
            changes: Some(json!({
                "alliance": alliance.code,
                "organization": NodeKey::Organization(organization_id).to_id().0,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Invites an organization to an alliance as `role`, inside the caller's transaction (the
/// founding's): a PENDING invitation the organization accepts or declines with its own token.
pub(crate) async fn invite_in(
    txn: &sea_orm::DatabaseTransaction,
    caller: &Caller,
    alliance: &alliance::Model,
    organization_id: i32,
    role: MembershipRole,
) -> AppResult<application::Model> {
    let saved = application::Entity::insert(application::ActiveModel {
        alliance_id: Set(alliance.id),
        organization_id: Set(organization_id),
        note: Set(String::new()),
        status: Set(ApplicationStatus::Pending),
        reason: Set(None),
        decided_at: Set(None),
        decided_by: Set(None),
        created_at: Set(Utc::now()),
        invited_as: Set(Some(role)),
        ..Default::default()
    })
    .exec_with_returning(txn)
    .await
    .map_err(|e| crate::domain::conflict_on_duplicate(e, PENDING_ALREADY))?;
    audit::record(
        txn,
        caller,
        audit::Entry {
            action: "inviteToAlliance",
            target_type: "MembershipApplication",
            target_id: NodeKey::MembershipApplication(saved.id).to_id().0,
            region_id: Some(alliance.region_id),
            changes: Some(json!({
                "alliance": alliance.code,
                "organization": NodeKey::Organization(organization_id).to_id().0,
                "role": format!("{role:?}").to_uppercase(),
            })),
        },
    )
    .await?;
    Ok(saved)
}

/// How an application is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Admitted: a MEMBER from today.
    Admit,
    /// Rejected, with a reason the applicant reads.
    Reject(Reason),
}

/// Decides a PENDING application, once: by the alliance's administrator, the regulator of its
/// region, or the system administrator. Admission makes the organization a MEMBER from today in
/// the same transaction; a decided application is a `CONFLICT`.
pub async fn decide(
    db: &DatabaseConnection,
    caller: &Caller,
    application_id: i32,
    decision: Decision,
) -> AppResult<(application::Model, Option<membership::Model>)> {
    let (found, alliance) = application::Entity::find_by_id(application_id)
        .find_also_related(alliance::Entity)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("membership application"))?;
    let alliance =
        alliance.ok_or_else(|| AppError::internal("an application without its alliance"))?;
    // An invitation is the invited organization's to decide; an application, the alliance's.
    match found.invited_as {
        Some(_) => policy::may_decide_invitation(&caller.viewer, found.organization_id)?,
        None => {
            policy::may_decide_membership_application(
                &caller.viewer,
                alliance.id,
                alliance.region_id,
            )?;
        }
    }
    let txn = crate::domain::begin_write(db).await?;
    let invited = found.invited_as.is_some();
    let (status, reason, action) = match &decision {
        Decision::Admit => (
            ApplicationStatus::Admitted,
            None,
            if invited {
                "acceptInvitation"
            } else {
                "admitMembershipApplication"
            },
        ),
        Decision::Reject(reason) => (
            ApplicationStatus::Rejected,
            Some(reason.as_str().to_owned()),
            if invited {
                "declineInvitation"
            } else {
                "rejectMembershipApplication"
            },
        ),
    };
    let now = Utc::now();
    crate::domain::decisive(
        &txn,
        application::Entity::update_many()
            .col_expr(application::Column::Status, Expr::value(status))
            .col_expr(application::Column::Reason, Expr::value(reason.clone()))
            .col_expr(application::Column::DecidedAt, Expr::value(Some(now)))
            .col_expr(
                application::Column::DecidedBy,
                Expr::value(Some(caller.viewer.subject.clone())),
            )
            .filter(application::Column::Id.eq(found.id))
            .filter(application::Column::Status.eq(ApplicationStatus::Pending)),
        "the application is decided already",
    )
    .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action,
            target_type: "MembershipApplication",
            target_id: NodeKey::MembershipApplication(found.id).to_id().0,
            region_id: Some(alliance.region_id),
            changes: Some(
                json!({ "status": format!("{status:?}").to_uppercase(), "reason": reason }),
            ),
        },
    )
    .await?;
    let membership = match decision {
        Decision::Admit => Some(
            crate::domain::network::memberships::admit_in(
                &txn,
                caller,
                &alliance,
                found.organization_id,
                found.invited_as.unwrap_or(MembershipRole::Member),
                now.date_naive(),
            )
            .await?,
        ),
        Decision::Reject(_) => None,
    };
    let saved = application::Entity::find_by_id(found.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("an application vanished in its transaction"))?;
    txn.commit().await?;
    Ok((saved, membership))
}

/// Which applications to list.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    /// Only these statuses (empty: every status).
    pub statuses: Vec<ApplicationStatus>,
    /// Only to this alliance.
    pub alliance: Option<AllianceCode>,
}

fn select(scope: &ApplicationScope, filter: &ApplicationFilter) -> Select<application::Entity> {
    let mut cond = Condition::all();
    if let ApplicationScope::Some {
        alliances,
        region_id,
        organization_id,
    } = scope
    {
        let mut visible =
            Condition::any().add(application::Column::AllianceId.is_in(alliances.iter().copied()));
        if let Some(region) = region_id {
            visible = visible.add(
                application::Column::AllianceId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(alliance::Column::Id)
                        .from(alliance::Entity)
                        .and_where(alliance::Column::RegionId.eq(*region))
                        .to_owned(),
                ),
            );
        }
        if let Some(org) = organization_id {
            visible = visible.add(application::Column::OrganizationId.eq(*org));
        }
        cond = cond.add(visible);
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(application::Column::Status.is_in(filter.statuses.clone()));
    }
    if let Some(code) = &filter.alliance {
        cond = cond.add(
            application::Column::AllianceId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(alliance::Column::Id)
                    .from(alliance::Entity)
                    .and_where(alliance::Column::Code.eq(code.as_str()))
                    .to_owned(),
            ),
        );
    }
    application::Entity::find().filter(cond)
}

fn ordering() -> Ordering<application::Entity> {
    Ordering {
        name: "applications:id".to_owned(),
        keys: vec![SortKey::column(
            application::Column::Id,
            false,
            KeyKind::Int,
            |m: &application::Model| CursorValue::Int(i64::from(m.id)),
        )],
    }
}

/// One page of the applications the caller may see, oldest first (a work list is worked from
/// its oldest).
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &ApplicationFilter,
    request: &PageRequest,
) -> AppResult<Page<application::Model>> {
    let scope = policy::application_scope(&caller.viewer)?;
    page::fetch_page(db, select(&scope, filter), &ordering(), request).await
}

/// How many applications the caller may see match.
pub async fn count(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &ApplicationFilter,
) -> AppResult<u64> {
    let scope = policy::application_scope(&caller.viewer)?;
    page::count(db, select(&scope, filter)).await
}

/// An application by id, if the caller may see it.
pub async fn by_id(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<Option<application::Model>> {
    let Some((found, Some(alliance))) = application::Entity::find_by_id(id)
        .find_also_related(alliance::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(policy::membership_application_visible(
        &caller.viewer,
        alliance.id,
        alliance.region_id,
        Some(found.organization_id),
    )
    .then_some(found))
}
