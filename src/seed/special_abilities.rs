//! Demo data: special-ability certificates (专项职业能力). Written through the domain, as the
//! bureau and the bodies would.

use super::*;

/// - The Huai'an bureau files 淮安市职业技能评价服务中心 for 螃蟹养殖 (HA_CRAB_FARMING) beside its
///   occupations; the centre assesses two Huai'an learners today and publishes: one passes and
///   holds the certificate.
/// - 镇江数字技能评价中心 is filed for 数字新媒体制作 (ZJ_NEW_MEDIA) and schedules a session in
///   three weeks, open for registration.
///
/// Returns the certificates issued.
pub(super) async fn demo_special_abilities(db: &DatabaseConnection) -> anyhow::Result<usize> {
    use chrono::{Days, Utc};
    use entity::{assessment_body, assessment_scope, learner, organization, special_ability_scope};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    use crate::domain::{
        certification::{self, Filing, NewSpecialSession, SpecialResult},
        kernel::codes::{OccupationCode, RegionCode},
    };
    let err = |e: crate::error::AppError| anyhow::anyhow!("demo special abilities: {e}");
    let today = Utc::now().date_naive();
    let mut issued = 0;
    for (name, ability, address, in_days) in [
        (
            "淮安市职业技能评价服务中心",
            "HA_CRAB_FARMING",
            "淮安市洪泽区湖滨大道88号 螃蟹养殖实训基地",
            0u64,
        ),
        (
            "镇江数字技能评价中心",
            "ZJ_NEW_MEDIA",
            "镇江市京口区学府路301号 数字技能实训楼",
            21,
        ),
    ] {
        let org = organization::Entity::find()
            .filter(organization::Column::Name.eq(name))
            .one(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo organization {name}"))?;
        let body = assessment_body::Entity::find()
            .filter(assessment_body::Column::OrganizationId.eq(org.id))
            .one(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo body {name}"))?;
        let scope = assessment_scope::Entity::find()
            .filter(assessment_scope::Column::BodyId.eq(body.id))
            .all(db)
            .await?
            .into_iter()
            .map(|s| Ok((OccupationCode::parse(&s.occupation_code)?, s.max_level)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        if special_ability_scope::Entity::find()
            .filter(special_ability_scope::Column::BodyId.eq(body.id))
            .one(db)
            .await?
            .is_none()
        {
            certification::file_body(
                db,
                &regulator_of(org.region_id),
                org.id,
                Filing {
                    body_type: body.body_type,
                    body_code: body.body_code.clone(),
                    site_serial: body.site_serial.clone(),
                    scope,
                    special_abilities: vec![ability.to_owned()],
                },
            )
            .await
            .map_err(err)?;
        }
        let city = region::Entity::find_by_id(org.region_id)
            .one(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo region of {name}"))?;
        let body_staff = staff(Role::AssessmentBody, org.id);
        let day = today + Days::new(in_days);
        let session = certification::schedule_special_session(
            db,
            &body_staff,
            NewSpecialSession {
                special_ability: ability.to_owned(),
                exam_date: day,
                registration_deadline: day,
                region: RegionCode::parse(&city.code)?,
                address: address.to_owned(),
                capacity: 30,
            },
        )
        .await
        .map_err(err)?;
        if in_days > 0 {
            continue;
        }
        let people = learner::Entity::find()
            .filter(learner::Column::RegionId.eq(org.region_id))
            .order_by_asc(learner::Column::Id)
            .all(db)
            .await?;
        let mut results = Vec::new();
        for (n, person) in people.iter().take(2).enumerate() {
            let candidate =
                certification::register_special_candidate(db, &body_staff, session.id, person.id)
                    .await
                    .map_err(err)?;
            results.push(SpecialResult {
                candidate_id: candidate.id,
                passed: n == 0,
            });
        }
        let (_, certificates) =
            certification::publish_special_results(db, &body_staff, session.id, results)
                .await
                .map_err(|e| anyhow::anyhow!("demo special-ability results: {e:?}"))?;
        issued += certificates.len();
    }
    Ok(issued)
}
