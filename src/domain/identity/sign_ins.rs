//! Sign-ins: every token by its `jti`, recorded the first time it is used, so the sign-ins that
//! act for an organization can be listed and revoked before they expire. A revoked token is
//! refused on its next request and its open sockets are closed.

use chrono::{DateTime, Utc};
use entity::{sign_in, subject_revocation};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Select,
    sea_query::Expr,
};
use serde_json::json;

use crate::domain::{
    kernel::{audit, input::Reason},
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::{
    auth::{
        Caller, Claims, Viewer,
        policy::{self, SignInScope},
    },
    error::{AppError, AppResult},
};

/// Admits a verified token: refused if it was revoked (by its `jti`, or with every token of its
/// subject issued until then); recorded the first time it is seen.
pub async fn admit(db: &DatabaseConnection, claims: &Claims, viewer: &Viewer) -> AppResult<()> {
    if let Some(revoked) = subject_revocation::Entity::find_by_id(claims.sub.clone())
        .one(db)
        .await?
        && i64::try_from(claims.iat).unwrap_or(i64::MAX) <= revoked.revoked_before.timestamp()
    {
        return Err(AppError::Unauthenticated(
            "the token's subject was signed out everywhere after it was issued".to_owned(),
        ));
    }
    if let Some(seen) = sign_in::Entity::find_by_id(claims.jti.clone())
        .one(db)
        .await?
    {
        if seen.revoked_at.is_some() {
            return Err(AppError::Unauthenticated(
                "the token was revoked".to_owned(),
            ));
        }
        if seen.subject != claims.sub {
            return Err(AppError::Unauthenticated(
                "the token's id was used by another subject".to_owned(),
            ));
        }
        return Ok(());
    }
    let region_id = match viewer.organization_id() {
        Some(org) => entity::organization::Entity::find_by_id(org)
            .one(db)
            .await?
            .map(|o| o.region_id),
        None => viewer.region_id(),
    };
    let expires_at =
        DateTime::<Utc>::from_timestamp(i64::try_from(claims.exp).unwrap_or(i64::MAX), 0)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
    sign_in::Entity::insert(sign_in::ActiveModel {
        jti: Set(claims.jti.clone()),
        subject: Set(claims.sub.clone()),
        role: Set(claims.role.as_str().to_owned()),
        organization_id: Set(viewer.organization_id()),
        region_id: Set(region_id),
        first_seen_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        revoked_by: Set(None),
        reason: Set(None),
    })
    .on_conflict_do_nothing_on([sign_in::Column::Jti])
    .exec(db)
    .await?;
    Ok(())
}

/// Whether the token with this id was revoked (an open socket asks now and then).
pub async fn is_revoked(db: &DatabaseConnection, jti: &str) -> AppResult<bool> {
    Ok(sign_in::Entity::find_by_id(jti.to_owned())
        .one(db)
        .await?
        .is_some_and(|s| s.revoked_at.is_some()))
}

/// Revokes a sign-in, once: the token itself (signing out), the regulator of the region of the
/// organization it acts for, or the system administrator. Audited.
pub async fn revoke(
    db: &DatabaseConnection,
    caller: &Caller,
    jti: &str,
    reason: Reason,
) -> AppResult<sign_in::Model> {
    let Some(found) = sign_in::Entity::find_by_id(jti.to_owned()).one(db).await? else {
        return revoke_unseen(db, caller, jti, reason).await;
    };
    policy::may_revoke_sign_in(
        &caller.viewer,
        &found.subject,
        found.organization_id,
        found.region_id,
    )?;
    let txn = crate::domain::begin_write(db).await?;
    crate::domain::decisive(
        &txn,
        sign_in::Entity::update_many()
            .col_expr(sign_in::Column::RevokedAt, Expr::value(Some(Utc::now())))
            .col_expr(
                sign_in::Column::RevokedBy,
                Expr::value(Some(caller.viewer.subject.clone())),
            )
            .col_expr(
                sign_in::Column::Reason,
                Expr::value(Some(reason.as_str().to_owned())),
            )
            .filter(sign_in::Column::Jti.eq(found.jti.clone()))
            .filter(sign_in::Column::RevokedAt.is_null()),
        "the sign-in is revoked already",
    )
    .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "revokeSignIn",
            target_type: "SignIn",
            target_id: found.jti.clone(),
            region_id: found.region_id,
            changes: Some(json!({ "subject": found.subject, "reason": reason.as_str() })),
        },
    )
    .await?;
    let saved = sign_in::Entity::find_by_id(found.jti.clone())
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("a sign-in vanished in its transaction"))?;
    txn.commit().await?;
    Ok(saved)
}

/// Revokes a token before its first use (a leaked one): its sign-in is recorded as revoked, so
/// it is refused when it comes. The system administrator alone, who cannot know whose it is.
async fn revoke_unseen(
    db: &DatabaseConnection,
    caller: &Caller,
    jti: &str,
    reason: Reason,
) -> AppResult<sign_in::Model> {
    policy::may_revoke_unseen(&caller.viewer, None)?;
    let jti = crate::domain::kernel::input::one::<crate::domain::kernel::input::Text<200>>(
        "input.jti",
        jti,
    )?;
    let now = Utc::now();
    let txn = crate::domain::begin_write(db).await?;
    let inserted = sign_in::Entity::insert(sign_in::ActiveModel {
        jti: Set(jti.as_str().to_owned()),
        subject: Set(String::new()),
        role: Set(String::new()),
        organization_id: Set(None),
        region_id: Set(None),
        first_seen_at: Set(now),
        // Kept as long as any token may live, then retention may drop it.
        expires_at: Set(now + chrono::Duration::days(366)),
        revoked_at: Set(Some(now)),
        revoked_by: Set(Some(caller.viewer.subject.clone())),
        reason: Set(Some(reason.as_str().to_owned())),
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| crate::domain::conflict_on_duplicate(e, "the sign-in is revoked already"))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "revokeSignIn",
            target_type: "SignIn",
            target_id: inserted.jti.clone(),
            region_id: None,
            changes: Some(json!({ "unseen": true, "reason": reason.as_str() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(inserted)
}

/// What revoking a subject did.
#[derive(Debug, Clone)]
pub struct SubjectRevoked {
    /// The subject.
    pub subject: String,
    /// Its tokens issued at or before this moment are refused.
    pub revoked_before: DateTime<Utc>,
    /// Sign-ins of it that were active and are now revoked.
    pub sign_ins: u64,
}

/// Signs a subject out everywhere: every token of it issued until now is refused, seen or not,
/// and its active sign-ins are revoked (their sockets close). The subject itself or the system
/// administrator. Audited.
pub async fn revoke_subject(
    db: &DatabaseConnection,
    caller: &Caller,
    subject: &str,
    reason: Reason,
) -> AppResult<SubjectRevoked> {
    let subject = crate::domain::kernel::input::one::<crate::domain::kernel::input::Text<200>>(
        "input.subject",
        subject,
    )?;
    let subject = subject.as_str().to_owned();
    policy::may_revoke_unseen(&caller.viewer, Some(&subject))?;
    let now = Utc::now();
    let txn = crate::domain::begin_write(db).await?;
    subject_revocation::Entity::insert(subject_revocation::ActiveModel {
        subject: Set(subject.clone()),
        revoked_before: Set(now),
        revoked_by: Set(caller.viewer.subject.clone()),
        reason: Set(reason.as_str().to_owned()),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(subject_revocation::Column::Subject)
            .update_columns([
                subject_revocation::Column::RevokedBefore,
                subject_revocation::Column::RevokedBy,
                subject_revocation::Column::Reason,
            ])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    let revoked = sign_in::Entity::update_many()
        .col_expr(sign_in::Column::RevokedAt, Expr::value(Some(now)))
        .col_expr(
            sign_in::Column::RevokedBy,
            Expr::value(Some(caller.viewer.subject.clone())),
        )
        .col_expr(
            sign_in::Column::Reason,
            Expr::value(Some(reason.as_str().to_owned())),
        )
        .filter(sign_in::Column::Subject.eq(subject.clone()))
        .filter(sign_in::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "revokeSubject",
            target_type: "Subject",
            target_id: subject.clone(),
            region_id: None,
            changes: Some(json!({ "reason": reason.as_str(), "signIns": revoked.rows_affected })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(SubjectRevoked {
        subject,
        revoked_before: now,
        sign_ins: revoked.rows_affected,
    })
}

/// Which sign-ins to list.
#[derive(Debug, Clone, Default)]
pub struct SignInFilter {
    /// Only those acting for this organization.
    pub organization_id: Option<i32>,
    /// Only this subject's.
    pub subject: Option<String>,
    /// Only those not revoked and not expired.
    pub active_only: bool,
}

fn select(scope: &SignInScope, filter: &SignInFilter) -> Select<sign_in::Entity> {
    let mut cond = Condition::all();
    match scope {
        SignInScope::All => {}
        SignInScope::Region(region) => cond = cond.add(sign_in::Column::RegionId.eq(*region)),
        SignInScope::Subject(subject) => {
            cond = cond.add(sign_in::Column::Subject.eq(subject.clone()));
        }
        SignInScope::Organization(org, own) => {
            cond = cond.add(
                Condition::any()
                    .add(sign_in::Column::OrganizationId.eq(*org))
                    .add(sign_in::Column::Subject.eq(own.clone())),
            );
        }
    }
    if let Some(org) = filter.organization_id {
        cond = cond.add(sign_in::Column::OrganizationId.eq(org));
    }
    if let Some(subject) = &filter.subject {
        cond = cond.add(sign_in::Column::Subject.eq(subject.clone()));
    }
    if filter.active_only {
        cond = cond
            .add(sign_in::Column::RevokedAt.is_null())
            .add(sign_in::Column::ExpiresAt.gt(Utc::now()));
    }
    sign_in::Entity::find().filter(cond)
}

fn ordering() -> Ordering<sign_in::Entity> {
    Ordering {
        name: "sign-ins:jti".to_owned(),
        keys: vec![SortKey::column(
            sign_in::Column::Jti,
            false,
            KeyKind::Text,
            |m: &sign_in::Model| CursorValue::Text(m.jti.clone()),
        )],
    }
}

/// One page of the sign-ins the caller may see.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &SignInFilter,
    request: &PageRequest,
) -> AppResult<Page<sign_in::Model>> {
    let scope = policy::sign_in_scope(&caller.viewer)?;
    page::fetch_page(db, select(&scope, filter), &ordering(), request).await
}

/// How many of them match.
pub async fn count(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &SignInFilter,
) -> AppResult<u64> {
    let scope = policy::sign_in_scope(&caller.viewer)?;
    page::count(db, select(&scope, filter)).await
}
