//! Assessment bodies: filing one, and its status.

use super::*;

/// An organization's filing as an assessment body.
#[derive(Debug, Clone)]
pub struct Filing {
    /// EMPLOYER or SOCIAL.
    pub body_type: BodyType,
    /// The 4-digit body code.
    pub body_code: String,
    /// The 6-digit site serial.
    pub site_serial: String,
    /// The occupations it may evaluate, each up to a level.
    pub scope: Vec<(OccupationCode, SkillLevel)>,
    /// The special abilities (专项职业能力) it may assess, by code: national or of the
    /// organization's city.
    pub special_abilities: Vec<String>,
}

/// Files (or re-files) an organization as an assessment body, with its scope, by the regulator of
/// its region. Re-filing replaces the scope and makes the body ACTIVE.
pub async fn file_body(
    db: &DatabaseConnection,
    caller: &Caller,
    organization_id: i32,
    filing: Filing,
) -> AppResult<assessment_body::Model> {
    let Filing {
        body_type,
        body_code,
        site_serial,
        scope,
        special_abilities,
    } = filing;
    let org = organization::Entity::find_by_id(organization_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("organization"))?;
    policy::may_supervise(&caller.viewer, org.region_id)?;
    check_kind(&org, body_type)?;
    let body_code = digits("input.bodyCode", &body_code, 4)?;
    let site_serial = digits("input.siteSerial", &site_serial, 6)?;
    check_scope(db, &scope, !special_abilities.is_empty()).await?;
    let abilities =
        super::special::abilities_for_scope(db, org.region_id, &special_abilities).await?;
    let txn = crate::domain::begin_write(db).await?;
    let saved = put_body(&txn, organization_id, body_type, body_code, site_serial).await?;
    assessment_scope::Entity::delete_many()
        .filter(assessment_scope::Column::BodyId.eq(saved.id))
        .exec(&txn)
        .await?;
    super::special::replace_scope(&txn, saved.id, &abilities).await?;
    let unique: HashMap<String, SkillLevel> = scope
        .iter()
        .map(|(c, l)| (c.as_str().to_owned(), *l))
        .collect();
    if !unique.is_empty() {
        assessment_scope::Entity::insert_many(unique.iter().map(|(code, level)| {
            assessment_scope::ActiveModel {
                body_id: Set(saved.id),
                occupation_code: Set(code.clone()),
                max_level: Set(*level),
            }
        }))
        .exec(&txn)
        .await?;
    }
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "fileAssessmentBody",
            target_type: "Organization",
            target_id: NodeKey::Organization(organization_id).to_id().0,
            region_id: Some(org.region_id),
            changes: Some(json!({
                "type": format!("{body_type:?}"), "bodyCode": saved.body_code, "siteSerial": saved.site_serial,
                "scope": unique.iter().map(|(c, l)| json!({ "occupation": c, "maxLevel": format!("{l:?}") })).collect::<Vec<_>>(),
                "specialAbilities": abilities.iter().map(|a| a.code.clone()).collect::<Vec<_>>(),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// An EMPLOYER body is an enterprise; a SOCIAL body an assessment body, training institution or
/// college.
fn check_kind(org: &organization::Model, body_type: BodyType) -> AppResult<()> {
    let kind_ok = match body_type {
        BodyType::Employer => org.kind == OrganizationKind::Enterprise,
        BodyType::Social => matches!(
            org.kind,
            OrganizationKind::AssessmentBody
                | OrganizationKind::TrainingInstitution
                | OrganizationKind::College
        ),
    };
    if !kind_ok {
        return Err(AppError::validation(
            "input.type",
            "an EMPLOYER body is an enterprise; a SOCIAL body an assessment body, training institution or college",
        ));
    }
    Ok(())
}

/// Occupations of the classification, each at one of the five national levels; at least one
/// unless the body assesses special abilities.
async fn check_scope(
    db: &DatabaseConnection,
    scope: &[(OccupationCode, SkillLevel)],
    special_abilities: bool,
) -> AppResult<()> {
    if scope.is_empty() && !special_abilities {
        return Err(AppError::validation(
            "input.scope",
            "name at least one occupation or special ability",
        ));
    }
    for (i, (code, level)) in scope.iter().enumerate() {
        if level_digit(*level).is_none() {
            return Err(AppError::validation(
                format!("input.scope[{i}].maxLevel"),
                "one of the five national levels",
            ));
        }
        if occupation::Entity::find_by_id(code.as_str().to_owned())
            .one(db)
            .await?
            .is_none()
        {
            return Err(AppError::validation(
                format!("input.scope[{i}].occupation"),
                "not in the occupational classification",
            ));
        }
    }
    Ok(())
}

/// The body filed anew, or re-filed (its codes replaced, ACTIVE again).
async fn put_body(
    txn: &sea_orm::DatabaseTransaction,
    organization_id: i32,
    body_type: BodyType,
    body_code: String,
    site_serial: String,
) -> AppResult<assessment_body::Model> {
    let existing = assessment_body::Entity::find()
        .filter(assessment_body::Column::OrganizationId.eq(organization_id))
        .one(txn)
        .await?;
    let now = Utc::now();
    Ok(match existing {
        Some(body) => {
            let mut active: assessment_body::ActiveModel = body.into();
            active.body_type = Set(body_type);
            active.body_code = Set(body_code);
            active.site_serial = Set(site_serial);
            active.status = Set(BodyStatus::Active);
            active.status_reason = Set(None);
            active.update(txn).await?
        }
        None => {
            assessment_body::Entity::insert(assessment_body::ActiveModel {
                organization_id: Set(organization_id),
                body_type: Set(body_type),
                body_code: Set(body_code),
                site_serial: Set(site_serial),
                status: Set(BodyStatus::Active),
                status_reason: Set(None),
                serial_year: Set(now.year() as i16),
                last_serial: Set(0),
                serial_key: Set(super::serials::new_key()),
                filed_at: Set(now),
                ..Default::default()
            })
            .exec_with_returning(txn)
            .await?
        }
    })
}

/// Sets a body ACTIVE, SUSPENDED or REVOKED, with a reason, by the regulator of its region.
pub async fn set_body_status(
    db: &DatabaseConnection,
    caller: &Caller,
    organization_id: i32,
    status: BodyStatus,
    reason: crate::domain::kernel::input::Reason,
) -> AppResult<assessment_body::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let body = body_of(&txn, organization_id).await?;
    let org = organization::Entity::find_by_id(organization_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("organization"))?;
    policy::may_supervise(&caller.viewer, org.region_id)?;
    let before = body.status;
    let mut active: assessment_body::ActiveModel = body.into();
    active.status = Set(status);
    active.status_reason = Set(Some(reason.as_str().to_owned()));
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "setAssessmentBodyStatus",
            target_type: "Organization",
            target_id: NodeKey::Organization(organization_id).to_id().0,
            region_id: Some(org.region_id),
            changes: Some(json!({ "status": { "from": format!("{before:?}"), "to": format!("{status:?}") }, "reason": reason.as_str() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

pub(super) async fn body_of(
    conn: &impl ConnectionTrait,
    organization_id: i32,
) -> AppResult<assessment_body::Model> {
    let body = assessment_body::Entity::find()
        .filter(assessment_body::Column::OrganizationId.eq(organization_id))
        .one(conn)
        .await?;
    policy::may_act_as_body(body.is_some())?;
    body.ok_or_else(|| AppError::internal("a filed body that is not there"))
}

pub(super) fn ensure_active(body: &assessment_body::Model) -> AppResult<()> {
    policy::may_evaluate(body)
}
