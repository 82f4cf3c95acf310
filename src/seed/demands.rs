//! Demo data: job demand.

use super::*;

/// Occupations an alliance's enterprises demand, by industry code.
pub(super) fn industry_occupations(industry: &str) -> [&'static str; 2] {
    match industry {
        "EYEWEAR" => ["4-14-03-03", "4-14-03-04"],
        "MARINE_ENGINEERING_EQUIPMENT" => ["6-23-02-01", "6-18-02-04"],
        "DIGITAL_SKILLS" => ["4-04-05-05", "4-01-06-02"],
        "INTELLIGENT_MANUFACTURING" => ["6-31-07-03", "6-18-01-01"],
        "NEW_ENERGY" => ["6-24-02-04", "6-31-01-03"],
        "ELDERLY_CARE" => ["4-10-01-05", "4-10-01-03"],
        "CULINARY" => ["4-03-02-01", "4-03-02-11"],
        "FOOD_PROCESSING" => ["6-02-03-02", "4-08-05-01"],
        "BIOMEDICINE" => ["6-12-03-00", "6-12-01-00"],
        // New materials, and any industry the demo does not know.
        _ => ["6-18-01-01", "6-24-04-00"],
    }
}

/// Two open demands (a job and an apprenticeship) from up to two enterprises of every alliance,
/// posted through the same code path as the API; plus one draft and one closed demand.
pub(super) async fn demo_demands(db: &DatabaseConnection) -> anyhow::Result<usize> {
    use chrono::Utc;
    use entity::{DemandKind, SkillLevel, organization};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    use crate::domain::{
        demands::{self, DemandContent, Transition},
        kernel::codes::{AllianceCode, OccupationCode},
    };
    let alliances = alliance::Entity::find()
        .order_by_asc(alliance::Column::Id)
        .all(db)
        .await?;
    let regions: HashMap<i32, region::Model> = region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut posted = 0;
    for (a_index, alliance) in alliances.iter().enumerate() {
        let enterprises = organization::Entity::find()
            .inner_join(membership::Entity)
            .filter(membership::Column::AllianceId.eq(alliance.id))
            .filter(membership::Column::LeftOn.is_null())
            .filter(organization::Column::Kind.eq(entity::OrganizationKind::Enterprise))
            .order_by_asc(membership::Column::Id)
            .all(db)
            .await?;
        let occupations = industry_occupations(&alliance.industry);
        let region = regions
            .get(&alliance.region_id)
            .map(|r| r.code.clone())
            .unwrap_or_default();
        let (lat, lng) = match region.as_str() {
            "320800" => (33.61, 119.02),
            "320700" => (34.60, 119.22),
            _ => (32.19, 119.45),
        };
        for (i, enterprise) in enterprises.iter().take(2).enumerate() {
            let caller = staff(Role::Enterprise, enterprise.id);
            for (k, kind) in [DemandKind::Job, DemandKind::Apprenticeship]
                .into_iter()
                .enumerate()
            {
                let n = a_index * 4 + i * 2 + k;
                let content = DemandContent {
                    alliances: vec![AllianceCode::parse(&alliance.code)?],
                    occupation: OccupationCode::parse(occupations[(i + k) % 2])?,
                    level: [SkillLevel::Level5, SkillLevel::Level4, SkillLevel::Level3][n % 3],
                    kind,
                    headcount: [3, 5, 8, 12, 20][n % 5],
                    wage: {
                        let base = 4_500 + (n as i32 % 7) * 500;
                        (base, base + 2_500)
                    },
                    region: RegionCode::parse(&region)?,
                    address: format!(
                        "{}{}开发区{}号",
                        demo_seat(enterprise, &regions, ""),
                        enterprise.name.chars().take(2).collect::<String>(),
                        10 + n
                    ),
                    point: Some((lat + (n % 5) as f64 * 0.01, lng + (n % 3) as f64 * 0.012)),
                    description: match kind {
                        DemandKind::Job => format!("招聘{}，持证上岗，五险一金。", alliance.name),
                        DemandKind::Apprenticeship => {
                            "新型学徒制：签订一年以上劳动合同，校企双导师培养。".to_owned()
                        }
                    },
                    valid_until: Utc::now().date_naive() + Days::new(180),
                    work_type: None,
                    special_ability: None,
                };
                let created = demands::create(db, &caller, content)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo demand {n}: {e}"))?;
                posted += 1;
                let step = match (a_index, i, k) {
                    (0, 0, 1) => None,
                    (1, 0, 1) => Some(Transition::Close(crate::domain::kernel::input::one(
                        "reason",
                        "岗位已由内部调剂",
                    )?)),
                    _ => Some(Transition::Open),
                };
                if let Some(step) = step {
                    demands::transition(db, &caller, created.id, None, step)
                        .await
                        .map_err(|e| anyhow::anyhow!("demo demand {n}: {e}"))?;
                }
            }
        }
    }
    Ok(posted)
}
