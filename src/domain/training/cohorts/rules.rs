//! What a subsidised training must really have been: the bureau's minimum class days and hours
//! by level, how far back a cohort may say it began, and the class days a cohort really held.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{class_day, cohort};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::error::AppResult;

/// What a subsidised training must really have been (the bureau's minimums), and how far in the
/// past a cohort may say it began. Configured under `rules`; the defaults are the ones the
/// bureaus' project-training rules use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TrainingRules {
    /// Days before today a new cohort's `startOn` may lie (default 14): a provider records a
    /// cohort when it forms, not years later.
    pub max_backdate_days: u32,
    /// The fewest class days a subsidised cohort holds between its real start and finish
    /// (default 10).
    pub min_class_days: u32,
    /// The fewest teaching hours a subsidised cohort holds, by the level it aims at: elementary
    /// (apprentice and level 5), intermediate (level 4), advanced (level 3), technician and
    /// above (levels 2 and 1). Default 80, 100, 120 and 150 hours.
    pub min_hours: [u32; 4],
}

impl Default for TrainingRules {
    fn default() -> Self {
        Self {
            max_backdate_days: 14,
            min_class_days: 10,
            min_hours: [80, 100, 120, 150],
        }
    }
}

impl TrainingRules {
    /// The fewest teaching hours a subsidised cohort aiming at `level` holds.
    pub fn min_hours_for(&self, level: entity::SkillLevel) -> u32 {
        use entity::SkillLevel::*;
        match level {
            Apprentice | Level5 => self.min_hours[0],
            Level4 => self.min_hours[1],
            Level3 => self.min_hours[2],
            _ => self.min_hours[3],
        }
    }

    /// Why `held` falls short of the minimum for a cohort aiming at `level`; none when it
    /// does not.
    pub fn shortfall(&self, level: entity::SkillLevel, held: HeldTraining) -> Option<String> {
        let hours = self.min_hours_for(level);
        (held.days < u64::from(self.min_class_days) || held.hours < u64::from(hours)).then(|| {
            format!(
                "held {} class days and {} teaching hours between its real start and finish; a subsidised cohort at this level holds at least {} days and {} hours",
                held.days, held.hours, self.min_class_days, hours
            )
        })
    }
}

/// The class days a cohort held between its real start and finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HeldTraining {
    /// Class days.
    pub days: u64,
    /// Their teaching hours.
    pub hours: u64,
}

/// The class days each cohort held between its real start and finish (all of them when it has
/// not finished, none before it started), in one statement.
pub async fn held_training(
    conn: &impl ConnectionTrait,
    cohorts: &[&cohort::Model],
) -> AppResult<HashMap<i32, HeldTraining>> {
    let ids: Vec<i32> = cohorts.iter().map(|c| c.id).collect();
    let mut out: HashMap<i32, HeldTraining> =
        ids.iter().map(|i| (*i, Default::default())).collect();
    let window: HashMap<i32, (Option<NaiveDate>, Option<NaiveDate>)> = cohorts
        .iter()
        .map(|c| (c.id, (c.started_on, c.finished_on)))
        .collect();
    for chunk in ids.chunks(500) {
        let days: Vec<(i32, NaiveDate, i16)> = class_day::Entity::find()
            .select_only()
            .column(class_day::Column::CohortId)
            .column(class_day::Column::Day)
            .column(class_day::Column::Hours)
            .filter(class_day::Column::CohortId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        for (cohort_id, day, hours) in days {
            let Some((Some(from), until)) = window.get(&cohort_id) else {
                continue;
            };
            if day >= *from && until.is_none_or(|u| day <= u) {
                let held = out.entry(cohort_id).or_default();
                held.days += 1;
                held.hours += u64::try_from(hours).unwrap_or(0);
            }
        }
    }
    Ok(out)
}
