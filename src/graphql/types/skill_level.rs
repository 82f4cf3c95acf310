use async_graphql::SimpleObject;

use super::SkillLevel;

/// One step of the skill-level ladder, with what portals print for it.
#[derive(SimpleObject, Debug, Clone)]
pub struct SkillLevelInfo {
    /// The level.
    pub level: SkillLevel,
    /// Its rank on the ladder, 1 (apprentice) to 8 (chief technician); higher is more skilled.
    pub rank: i32,
    /// The Chinese name (初级工, 高级技师, ...).
    pub name: String,
    /// The English name.
    pub name_en: String,
    /// The digit that stands for this level in a certificate number (1 = 高级技师 … 5 = 初级工);
    /// null for levels outside the five national ones.
    pub certificate_digit: Option<i32>,
}

impl SkillLevelInfo {
    /// The whole ladder, lowest first.
    pub fn ladder() -> Vec<Self> {
        use SkillLevel::*;
        [
            (Apprentice, "学徒工", "Apprentice", None),
            (Level5, "初级工", "Elementary (level 5)", Some(5)),
            (Level4, "中级工", "Intermediate (level 4)", Some(4)),
            (Level3, "高级工", "Advanced (level 3)", Some(3)),
            (Level2, "技师", "Technician (level 2)", Some(2)),
            (Level1, "高级技师", "Senior technician (level 1)", Some(1)),
            (SpecialTechnician, "特级技师", "Special technician", None),
            (ChiefTechnician, "首席技师", "Chief technician", None),
        ]
        .into_iter()
        .zip(1..)
        .map(|((level, name, name_en, digit), rank)| Self {
            level,
            rank,
            name: name.to_owned(),
            name_en: name_en.to_owned(),
            certificate_digit: digit,
        })
        .collect()
    }
}
