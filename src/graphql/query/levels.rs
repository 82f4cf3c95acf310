//! `Query`: the skill-level ladder.

use async_graphql::Object;

use crate::graphql::types::SkillLevelInfo;

/// The skill-level ladder.
#[derive(Default)]
pub struct LevelsQuery;

/// The skill-level ladder.
#[Object]
impl LevelsQuery {
    /// The skill-level ladder, lowest first.
    async fn skill_levels(&self) -> Vec<SkillLevelInfo> {
        SkillLevelInfo::ladder()
    }
}
