//! Appointments (评聘) of special technicians (特级技师) and chief technicians (首席技师): an
//! enterprise appoints one of its own employees in an occupation for a term. A special technician
//! holds a valid level 1 (高级技师) certificate in the occupation; a chief technician holds a
//! current special-technician appointment in it.

use entity::appointment;

use super::*;

/// The longest term, in days (five years).
pub const MAX_TERM_DAYS: i64 = 1_827;

/// An appointment to record.
#[derive(Debug, Clone)]
pub struct NewAppointment {
    /// The employee.
    pub learner_id: i32,
    /// The occupation.
    pub occupation: OccupationCode,
    /// SPECIAL_TECHNICIAN or CHIEF_TECHNICIAN.
    pub title: SkillLevel,
    /// The first day of the term, at most a year back.
    pub starts_on: NaiveDate,
    /// The last day, after the first and at most five years on.
    pub ends_on: NaiveDate,
}

/// Appoints one of the caller's enterprise's employees (seen through the person gate). Refused
/// with nothing written when the person does not qualify, the term is out of range, or a term
/// of the same title there overlaps it (`CONFLICT`).
pub async fn appoint_technician(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewAppointment,
) -> AppResult<appointment::Model> {
    let enterprise_id = policy::may_appoint_technician(&caller.viewer)?;
    let person = learner::Entity::find_by_id(new.learner_id)
        .one(db)
        .await?
        .filter(|l| l.erased_at.is_none())
        .ok_or_else(|| AppError::not_found("learner"))?;
    if gate::view_of(db, caller, &caller.access, &person)
        .await?
        .is_none()
        || !super::candidates::employee_of(db, enterprise_id, person.id).await?
    {
        return Err(AppError::validation(
            "input.learner",
            "an enterprise appoints its own employees",
        ));
    }
    let today = Utc::now().date_naive();
    if new.starts_on < today - chrono::Days::new(365) {
        return Err(AppError::validation(
            "input.startsOn",
            "at most a year back",
        ));
    }
    if new.ends_on <= new.starts_on || (new.ends_on - new.starts_on).num_days() > MAX_TERM_DAYS {
        return Err(AppError::validation(
            "input.endsOn",
            "after the first day, a term of at most five years",
        ));
    }
    let code = new.occupation.as_str().to_owned();
    let qualified = match new.title {
        SkillLevel::SpecialTechnician => certificate::Entity::find()
            .filter(certificate::Column::LearnerId.eq(person.id))
            .filter(certificate::Column::OccupationCode.eq(code.clone()))
            .filter(certificate::Column::Level.gte(SkillLevel::Level1))
            .filter(certificate::Column::Status.eq(CertificateStatus::Valid))
            .one(db)
            .await?
            .is_some(),
        SkillLevel::ChiefTechnician => appointment::Entity::find()
            .filter(appointment::Column::LearnerId.eq(person.id))
            .filter(appointment::Column::OccupationCode.eq(code.clone()))
            .filter(appointment::Column::Title.eq(SkillLevel::SpecialTechnician))
            .filter(appointment::Column::StartsOn.lte(new.starts_on))
            .filter(appointment::Column::EndsOn.gte(new.starts_on))
            .one(db)
            .await?
            .is_some(),
        _ => {
            return Err(AppError::validation(
                "input.title",
                "SPECIAL_TECHNICIAN or CHIEF_TECHNICIAN",
            ));
        }
    };
    if !qualified {
        return Err(AppError::validation(
            "input.title",
            if new.title == SkillLevel::SpecialTechnician {
                "a special technician holds a valid level 1 (高级技师) certificate in the occupation"
            } else {
                "a chief technician holds a special-technician appointment in the occupation when the term starts"
            },
        ));
    }
    let org = organization::Entity::find_by_id(enterprise_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a token for a missing organization"))?;
    let txn = crate::domain::begin_write(db).await?;
    let overlapping = appointment::Entity::find()
        .filter(appointment::Column::LearnerId.eq(person.id))
        .filter(appointment::Column::EnterpriseId.eq(enterprise_id))
        .filter(appointment::Column::OccupationCode.eq(code.clone()))
        .filter(appointment::Column::Title.eq(new.title))
        .filter(appointment::Column::StartsOn.lte(new.ends_on))
        .filter(appointment::Column::EndsOn.gte(new.starts_on))
        .one(&txn)
        .await?;
    if overlapping.is_some() {
        return Err(AppError::Conflict(
            "a term of this title overlaps another at this enterprise".to_owned(),
        ));
    }
    let saved = appointment::Entity::insert(appointment::ActiveModel {
        learner_id: Set(person.id),
        enterprise_id: Set(enterprise_id),
        occupation_code: Set(code),
        title: Set(new.title),
        starts_on: Set(new.starts_on),
        ends_on: Set(new.ends_on),
        region_id: Set(org.region_id),
        appointed_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| {
        crate::domain::conflict_on_duplicate(e, "a term of this title starts that day already")
    })?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "appointTechnician",
            target_type: "Learner",
            target_id: NodeKey::Learner(person.id).to_id().0,
            region_id: Some(org.region_id),
            changes: Some(json!({
                "title": format!("{:?}", saved.title),
                "occupation": saved.occupation_code,
                "startsOn": saved.starts_on,
                "endsOn": saved.ends_on,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The appointments of each learner, latest term first.
pub async fn appointments_by_learner(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<appointment::Model>>> {
    let mut by = crate::domain::children_of::<appointment::Entity>(
        db,
        appointment::Column::LearnerId,
        ids,
        appointment::Column::Id,
        |a| a.learner_id,
    )
    .await?;
    for rows in by.values_mut() {
        rows.sort_by_key(|a| std::cmp::Reverse((a.starts_on, a.id)));
    }
    Ok(by)
}
