//! Honours (荣誉): titles such as 江苏工匠, 大连工匠 or 技能大师 conferred on a person, recorded by
//! the regulator of their region with the year, the level that confers it, the award and the
//! employer they worked for.

use entity::{HonourLevel, honour};

use super::*;

/// An honour to record.
#[derive(Debug, Clone)]
pub struct NewHonour {
    /// The person.
    pub learner_id: i32,
    /// The title, 1 to 50 characters.
    pub title: String,
    /// Who confers it.
    pub level: HonourLevel,
    /// The year, 1978 to next year.
    pub year: i32,
    /// The award in fen, if any; not negative.
    pub award_fen: Option<i64>,
    /// Their employer, an enterprise.
    pub employer_id: Option<i32>,
}

/// Records an honour: the regulator of the person's region, who sees the person in full through
/// the person gate. Refused with nothing written when a field is out of range, the employer is
/// not an enterprise, or the person holds that title for that year already (`CONFLICT`).
pub async fn record_honour(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewHonour,
) -> AppResult<honour::Model> {
    let person = learner::Entity::find_by_id(new.learner_id)
        .one(db)
        .await?
        .filter(|l| l.erased_at.is_none())
        .ok_or_else(|| AppError::not_found("learner"))?;
    policy::may_record_honour(&caller.viewer, person.region_id)?;
    if gate::view_of(db, caller, &caller.access, &person).await? != Some(policy::LearnerView::Full)
    {
        return Err(AppError::not_found("learner"));
    }
    let title = new.title.trim();
    if title.is_empty() || title.chars().count() > 50 {
        return Err(AppError::validation("input.title", "1 to 50 characters"));
    }
    let this_year = Utc::now().year();
    if !(1978..=this_year + 1).contains(&new.year) {
        return Err(AppError::validation(
            "input.year",
            format!("1978 to {}", this_year + 1),
        ));
    }
    if new.award_fen.is_some_and(|a| a < 0) {
        return Err(AppError::validation("input.awardFen", "not negative"));
    }
    if let Some(employer) = new.employer_id {
        let is_enterprise = organization::Entity::find_by_id(employer)
            .one(db)
            .await?
            .is_some_and(|o| o.kind == OrganizationKind::Enterprise);
        if !is_enterprise {
            return Err(AppError::validation("input.employer", "an enterprise"));
        }
    }
    let txn = crate::domain::begin_write(db).await?;
    // The unique index decides between two recorders at once.
    let saved = honour::Entity::insert(honour::ActiveModel {
        learner_id: Set(person.id),
        employer_id: Set(new.employer_id),
        title: Set(title.to_owned()),
        level: Set(new.level),
        year: Set(new.year as i16),
        award_fen: Set(new.award_fen),
        region_id: Set(person.region_id),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| {
        crate::domain::conflict_on_duplicate(e, "the person holds this title for this year already")
    })?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "recordHonour",
            target_type: "Learner",
            target_id: NodeKey::Learner(person.id).to_id().0,
            region_id: Some(person.region_id),
            changes: Some(
                json!({ "title": saved.title, "year": saved.year, "awardFen": saved.award_fen }),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The honours of each learner, newest year first.
pub async fn honours_by_learner(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<honour::Model>>> {
    let mut by = crate::domain::children_of::<honour::Entity>(
        db,
        honour::Column::LearnerId,
        ids,
        honour::Column::Id,
        |h| h.learner_id,
    )
    .await?;
    for honours in by.values_mut() {
        honours.sort_by_key(|h| std::cmp::Reverse(h.year));
    }
    Ok(by)
}
