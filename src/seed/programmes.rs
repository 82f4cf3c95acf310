//! Demo programmes and targets, from the cities' plans, made through the domain's own code path:
//! Zhenjiang's 专项 of its three-year action (six named in its plan — 重点群体, 技能强企, 新兴产业,
//! 传统产业, 服务业, 乡村振兴 — and two the demo adds, 数字技能 and 高技能人才) with its three-year
//! targets (补贴性培训 8 万人次, …); Huai'an's yearly targets (职业技能培训 10 万人次, 其中政府补贴性
//! 培训 6 万, 新增取证 3.3 万人次, 高级工及以上 8000, 技师及以上 600, 数字技能人才 9000);
//! Lianyungang's 培训后就业创业率 45 %. Zhenjiang's demo cohorts join the programme they fit, so
//! `indicators` shows real progress.

use chrono::{Datelike, Utc};
use entity::{Indicator, ProgrammeKind, TrainingMode, cohort, region};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::regulator_of;
use crate::domain::kernel::codes::{OccupationCode, OccupationPrefix};
use crate::domain::programmes::{self, ProgrammeChange, Quota};

/// A demo programme: code, name, target groups, occupation prefixes, modes.
type DemoProgramme = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [TrainingMode],
);

/// Zhenjiang's 专项.
const ZHENJIANG: &[DemoProgramme] = &[
    (
        "zj-key-groups",
        "重点群体专项",
        &[
            "UNPLACED_GRADUATE",
            "GRADUATING_STUDENT",
            "RURAL_MIGRANT_WORKER",
            "EMPLOYMENT_DIFFICULTY",
            "VETERAN",
            "DISABLED",
        ],
        &[],
        &[],
    ),
    (
        "zj-strong-enterprises",
        "技能强企专项",
        &["EMPLOYEE"],
        &[],
        &[TrainingMode::Order, TrainingMode::Post],
    ),
    (
        "zj-emerging-industries",
        "新兴产业专项",
        &[],
        &["6-25", "6-31", "4-04"],
        &[],
    ),
    (
        "zj-traditional-industries",
        "传统产业专项",
        &["EMPLOYEE"],
        &["4-14", "6-05", "6-18"],
        &[],
    ),
    ("zj-services", "服务业专项", &[], &["4-03", "4-10"], &[]),
    (
        "zj-rural-revitalisation",
        "乡村振兴专项",
        &["HIGH_QUALITY_FARMER", "RETURNEE", "LEFT_BEHIND_WOMEN"],
        &["5"],
        &[],
    ),
    ("zj-digital-skills", "数字技能专项", &[], &["4-04"], &[]),
    ("zj-high-skills", "高技能人才专项", &["EMPLOYEE"], &[], &[]),
];

/// The demo's programmes and targets; the number of programmes.
pub(super) async fn demo_programmes(db: &DatabaseConnection) -> anyhow::Result<usize> {
    let year = Utc::now().year();
    let region = |code: &'static str| async move {
        region::Entity::find()
            .filter(region::Column::Code.eq(code))
            .one(db)
            .await?
            .map(|r| r.id)
            .ok_or_else(|| anyhow::anyhow!("the demo's region {code}"))
    };
    let zhenjiang = regulator_of(region("321100").await?);
    let starts_on = chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("a year");
    let ends_on = chrono::NaiveDate::from_ymd_opt(year + 2, 12, 31).expect("a year");
    let mut ids = Vec::new();
    for (code, name, groups, occupations, modes) in ZHENJIANG {
        let saved = programmes::upsert(
            db,
            &zhenjiang,
            ProgrammeChange {
                code: (*code).to_owned(),
                name: (*name).to_owned(),
                kind: ProgrammeKind::Special,
                starts_on,
                ends_on,
                target_groups: groups.iter().map(|g| (*g).to_owned()).collect(),
                occupations: occupations
                    .iter()
                    .map(|o| OccupationPrefix::parse(o))
                    .collect::<Result<_, _>>()?,
                modes: modes.to_vec(),
                departments: vec![],
                quotas: vec![Quota {
                    year: i16::try_from(year)?,
                    indicator: Indicator::SubsidisedPersonTimes,
                    target: 3_000,
                }],
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo programme {code}: {e}"))?;
        ids.push(saved.id);
    }
    // Zhenjiang's cohorts join the first programme they fit: the key groups take any.
    let city = region("321100").await?;
    let alliances: Vec<i32> = entity::alliance::Entity::find()
        .filter(entity::alliance::Column::RegionId.eq(city))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    for found in cohort::Entity::find()
        .filter(cohort::Column::AllianceId.is_in(alliances))
        .filter(cohort::Column::StartOn.gte(starts_on))
        .all(db)
        .await?
    {
        for id in ids.iter().rev() {
            if programmes::assign_cohort(db, &zhenjiang, found.id, Some(*id))
                .await
                .is_ok()
            {
                break;
            }
        }
    }
    // The cities' targets.
    let targets: [(&str, Indicator, (i32, i32), i64); 11] = [
        (
            "321100",
            Indicator::SubsidisedPersonTimes,
            (year, year + 2),
            80_000,
        ),
        (
            "321100",
            Indicator::SeniorCertificates,
            (year, year + 2),
            15_000,
        ),
        (
            "320800",
            Indicator::TrainedPersonTimes,
            (year, year),
            100_000,
        ),
        (
            "320800",
            Indicator::SubsidisedPersonTimes,
            (year, year),
            60_000,
        ),
        ("320800", Indicator::Certificates, (year, year), 33_000),
        ("320800", Indicator::SeniorCertificates, (year, year), 8_000),
        (
            "320800",
            Indicator::TechnicianCertificates,
            (year, year),
            600,
        ),
        (
            "320800",
            Indicator::DigitalCertificates,
            (year, year),
            9_000,
        ),
        ("320800", Indicator::RetentionRate, (year, year), 9_000),
        // "市级一类职业技能竞赛30场次以上".
        (
            "320800",
            Indicator::CityClass1CompetitionsHeld,
            (year, year),
            30,
        ),
        (
            "320700",
            Indicator::EmploymentOrBusinessRate,
            (year, year),
            4_500,
        ),
    ];
    for (code, indicator, years, target) in targets {
        programmes::set_target(
            db,
            &regulator_of(region(code).await?),
            indicator,
            years,
            target,
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo target {code} {indicator:?}: {e}"))?;
    }
    // The special abilities (专项职业能力) and work types (工种) the cities' plans name.
    for (code, ability, name, occupation) in [
        ("320800", "HA_SHRIMP_RICE", "虾稻共生种养", None),
        ("320800", "HA_CRAB_FARMING", "螃蟹养殖", None),
        ("320700", "LYG_SEAWEED_FARMING", "紫菜养殖", None),
        (
            "321100",
            "ZJ_NEW_MEDIA",
            "数字新媒体制作",
            Some("4-13-02-02"),
        ),
    ] {
        crate::domain::occupations::trades::upsert_special_ability(
            db,
            &regulator_of(region(code).await?),
            crate::domain::occupations::trades::TradeChange {
                code: ability.to_owned(),
                name: name.to_owned(),
                occupation: occupation.map(OccupationCode::parse).transpose()?,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo special ability {ability}: {e}"))?;
    }
    crate::domain::occupations::trades::upsert_work_type(
        db,
        &zhenjiang,
        crate::domain::occupations::trades::TradeChange {
            code: "ZJ_LENS_EDGER".to_owned(),
            name: "眼镜磨边工".to_owned(),
            occupation: Some(OccupationCode::parse("4-14-03-04")?),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo work type: {e}"))?;
    // Zhenjiang subsidises the new-media special ability by name.
    crate::domain::training::catalogue::upsert_item(
        db,
        &zhenjiang,
        crate::domain::training::catalogue::CatalogueEntry {
            occupation: OccupationCode::parse("4-13-02-02")?,
            level: entity::SkillLevel::Level4,
            category: entity::CatalogueCategory::SpecialAbility,
            subsidy_fen: 80_000,
            evidence: None,
            scarce: false,
            year: chrono::Datelike::year(&chrono::Utc::now()) as i16,
            work_type: None,
            special_ability: Some("ZJ_NEW_MEDIA".to_owned()),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo special-ability item: {e}"))?;
    Ok(ids.len())
}
