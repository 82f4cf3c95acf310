//! Intentions grouped as demand for training, for the bureau.

use super::*;

/// Intentions by id (unscoped: callers check the learner's scope).
pub async fn intentions_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, training_intention::Model>> {
    Ok(training_intention::Entity::find()
        .filter(training_intention::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect())
}

/// One group of open intentions: where people want training, counts only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemandGroup {
    /// The region.
    pub region_id: i32,
    /// The occupation or group wanted.
    pub occupation: String,
    /// The level wanted.
    pub level: SkillLevel,
    /// The most preferred schedule.
    pub schedule: Schedule,
    /// How many open intentions.
    pub count: u64,
}

/// Open intentions counted by region, occupation, level and first-choice schedule. With
/// [`Precision::Protected`] a group of fewer than [`disclosure::MIN_CELL`] intentions is left
/// out (each group is an atomic cell: the filters are unions of whole groups).
pub async fn intention_demand(
    db: &DatabaseConnection,
    precision: Precision,
    region: Option<&RegionCode>,
    occupation: Option<&OccupationPrefix>,
) -> AppResult<Vec<DemandGroup>> {
    expire_due(db).await?;
    let mut select = training_intention::Entity::find()
        .filter(training_intention::Column::Status.eq(IntentionStatus::Open));
    if let Some(region) = region {
        select = select.filter(training_intention::Column::RegionId.in_subquery(
            crate::domain::network::regions::within(std::slice::from_ref(region)),
        ));
    }
    if let Some(prefix) = occupation {
        select = select.filter(
            Expr::col(training_intention::Column::OccupationPrefix)
                .like(LikeExpr::new(format!("{}%", prefix.as_str()))),
        );
    }
    let mut groups: BTreeMap<(i32, String, i16, String), u64> = BTreeMap::new();
    for i in select.all(db).await? {
        let first = schedules_of(&i)
            .first()
            .copied()
            .unwrap_or(Schedule::Flexible);
        *groups
            .entry((
                i.region_id,
                i.occupation_prefix.clone(),
                level_rank(i.level),
                schedule_name(first).to_owned(),
            ))
            .or_default() += 1;
    }
    use sea_orm::ActiveEnum;
    let groups = disclosure::release(
        precision,
        groups.into_iter().collect(),
        |g| g.0.clone(),
        |g| g.1,
    );
    Ok(groups
        .into_iter()
        .filter_map(|((region_id, occupation, level, schedule), count)| {
            Some(DemandGroup {
                region_id,
                occupation,
                level: SkillLevel::try_from_value(&level).ok()?,
                schedule: Schedule::try_from_value(&schedule).ok()?,
                count,
            })
        })
        .collect())
}

/// A level's rank, as stored.
pub(crate) fn level_rank(level: SkillLevel) -> i16 {
    use sea_orm::ActiveEnum;
    level.to_value()
}
