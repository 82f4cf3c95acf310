//! Demo data: open-resource lists, the catalogue and plans.

use crate::seed::*;

/// Every college and training institution publishes a list for the industries of its alliances;
/// regulators rate the institutions, keep a catalogue and see quarterly plans.
pub(in crate::seed) async fn demo_resources(db: &DatabaseConnection) -> anyhow::Result<usize> {
    use chrono::{Datelike, Utc};
    use entity::{
        CatalogueCategory, FundingMode, InstitutionStatus, OrganizationKind, ResourceKind,
        Schedule, SkillLevel, SubsidyType, organization,
    };
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    use crate::domain::{
        kernel::codes::OccupationCode,
        training::{
            catalogue::{self, CatalogueEntry, PlanEntry},
            resources::{self, ItemInput},
        },
    };
    let today = Utc::now().date_naive();
    let regions: HashMap<i32, region::Model> = region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let alliances: HashMap<i32, alliance::Model> = alliance::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let providers = organization::Entity::find()
        .filter(organization::Column::Kind.is_in([
            OrganizationKind::College,
            OrganizationKind::TrainingInstitution,
        ]))
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?;
    let regulator = |region_id: i32| regulator_of(region_id);
    let mut published = 0;
    for (n, provider) in providers.iter().enumerate() {
        if provider.kind == OrganizationKind::TrainingInstitution {
            crate::domain::institutions::standing::rate_institution(
                db,
                &regulator(provider.region_id),
                provider.id,
                [3, 4, 5, 4, 2][n % 5],
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            crate::domain::institutions::standing::set_institution_status(
                db,
                &regulator(provider.region_id),
                provider.id,
                InstitutionStatus::Admitted,
                crate::domain::kernel::input::one("reason", "年度审核通过")?,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        let industries: Vec<String> = membership::Entity::find()
            .filter(membership::Column::OrganizationId.eq(provider.id))
            .all(db)
            .await?
            .iter()
            .filter_map(|m| alliances.get(&m.alliance_id).map(|a| a.industry.clone()))
            .collect();
        let role = if provider.kind == OrganizationKind::College {
            Role::College
        } else {
            Role::TrainingInstitution
        };
        let caller = staff(role, provider.id);
        let region = &regions[&provider.region_id];
        let (lat, lng) = match region.code.as_str() {
            "320800" => (33.60, 119.03),
            "320700" => (34.59, 119.21),
            _ => (32.20, 119.44),
        };
        let mut items = Vec::new();
        for (k, industry) in industries.iter().take(2).enumerate() {
            let occupations = industry_occupations(industry);
            let m = n * 2 + k;
            items.push(ItemInput {
                kind: [
                    ResourceKind::Course,
                    ResourceKind::TrainingBase,
                    ResourceKind::OnlineCourse,
                ][m % 3],
                title: format!(
                    "{}{}",
                    provider.name.chars().take(6).collect::<String>(),
                    ["夜校班", "周末班", "线上课程", "日间班"][m % 4]
                ),
                occupations: vec![
                    (occupations[0].to_owned(), SkillLevel::Level4),
                    (occupations[1].to_owned(), SkillLevel::Level5),
                ],
                schedule: [
                    Schedule::Evening,
                    Schedule::Weekend,
                    Schedule::Online,
                    Schedule::Daytime,
                ][m % 4],
                seats: 20 + (m as i32 % 4) * 10,
                seats_taken: if m % 7 == 0 {
                    20 + (m as i32 % 4) * 10
                } else {
                    (m as i32 * 3) % 15
                },
                fee: [0, 0, 300, 800][m % 4],
                funding_mode: [
                    FundingMode::GovernmentPurchase,
                    FundingMode::PublicGood,
                    FundingMode::MarketCooperation,
                ][m % 3],
                subsidy_eligible: m % 3 != 2,
                region: region.code.clone(),
                address: format!(
                    "{}校区 {} 号楼",
                    demo_seat(provider, &regions, &region.name),
                    1 + m % 9
                ),
                point: Some((lat + (m % 6) as f64 * 0.015, lng + (m % 4) as f64 * 0.02)),
                start_on: today + Days::new((m % 5) as u64 * 14),
                end_on: Some(today + Days::new(120 + (m % 5) as u64 * 14)),
                contact: format!("招生办 0511-8600{:04}", m),
            });
        }
        if items.is_empty() {
            continue;
        }
        let list = resources::publish(db, &caller, items)
            .await
            .map_err(|e| anyhow::anyhow!("demo list {n}: {e:?}"))?;
        published += list.items.len();
        for quarter in [1, 2] {
            if let Some(industry) = industries.first() {
                catalogue::publish_plan(
                    db,
                    &caller,
                    PlanEntry {
                        region: RegionCode::parse(&region.code)?,
                        year: today.year() as i16,
                        quarter,
                        occupation: OccupationCode::parse(industry_occupations(industry)[0])?,
                        planned_classes: 2 + (n as i32 % 3),
                        planned_headcount: 60 + (n as i32 % 4) * 20,
                        subsidy_type: [
                            SubsidyType::EmploymentSkills,
                            SubsidyType::SkillUpgrade,
                            SubsidyType::NewApprenticeship,
                        ][n % 3],
                        programme_id: None,
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("demo plan {n}: {e}"))?;
            }
        }
    }
    // Each region's catalogue lists its alliances' occupations, advanced levels paying more.
    for alliance in alliances.values() {
        for (k, code) in industry_occupations(&alliance.industry).iter().enumerate() {
            for (level, amount) in [(SkillLevel::Level4, 1_500), (SkillLevel::Level3, 2_000)] {
                catalogue::upsert_item(
                    db,
                    &regulator(alliance.region_id),
                    CatalogueEntry {
                        occupation: OccupationCode::parse(code)?,
                        level,
                        category: CatalogueCategory::SkillLevelCertificate,
                        subsidy_fen: i64::from(amount + if k == 0 { 500 } else { 0 }) * 100,
                        evidence: None,
                        scarce: k == 0,
                        year: today.year() as i16,
                        work_type: None,
                        special_ability: None,
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("demo catalogue: {e}"))?;
            }
        }
    }
    Ok(published)
}
