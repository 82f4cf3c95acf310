//! Demo data: assessment bodies, sessions, candidates and certificates.

use super::*;

/// Self-assessing enterprises (eyewear and marine in Zhenjiang, food in Huai'an), social bodies,
/// scheduled sessions on the evaluation map, two published sessions with certificates, one of them
/// revoked.
pub(super) async fn demo_evaluation(
    db: &DatabaseConnection,
    bodies: &[DemoBody],
    published: &[DemoPublishedSession],
) -> anyhow::Result<usize> {
    use chrono::Utc;
    use entity::{BodyType, SkillLevel, assessment_session, organization};
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QueryOrder};

    use crate::domain::{
        certification::{self, NewSession, ResultRow},
        kernel::codes::OccupationCode,
    };
    let err = |e: crate::error::AppError| anyhow::anyhow!("demo evaluation: {e}");
    let today = Utc::now().date_naive();
    let orgs: HashMap<String, organization::Model> = organization::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.name.clone(), o))
        .collect();
    let regions: HashMap<i32, region::Model> = region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let org = |name: &str| {
        orgs.get(name)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("demo organization {name}"))
    };
    let as_role = |o: &organization::Model, role: Role| staff(role, o.id);
    let mut issued = 0;
    for (n, body) in bodies.iter().enumerate() {
        let o = org(&body.organization)?;
        let role = body.acts_as;
        let scope = body
            .scope
            .iter()
            .map(|s| {
                Ok((
                    OccupationCode::parse(&s.occupation)?,
                    named::<SkillLevel>("skill level", &s.max_level)?,
                ))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        certification::file_body(
            db,
            &regulator_of(o.region_id),
            o.id,
            certification::Filing {
                body_type: named::<BodyType>("body type", &body.body_type)?,
                body_code: body.body_code.clone(),
                site_serial: body.site_serial.clone(),
                scope: scope.clone(),
                special_abilities: Vec::new(),
            },
        )
        .await
        .map_err(err)?;
        let region = &regions[&o.region_id];
        let (lat, lng) = match region.code.as_str() {
            "320800" => (33.59, 119.05),
            _ => (32.18, 119.47),
        };
        // Two scheduled sessions on the evaluation map.
        for k in 0..2u64 {
            certification::schedule_session(
                db,
                &as_role(&o, role),
                NewSession {
                    occupation: scope[0].0.clone(),
                    level: if k == 0 {
                        SkillLevel::Level5
                    } else {
                        SkillLevel::Level4
                    },
                    exam_date: today + Days::new(20 + 15 * k + n as u64),
                    registration_deadline: today + Days::new(10 + 15 * k + n as u64),
                    region: RegionCode::parse(&region.code)?,
                    address: format!("{}考点 {} 号", region.name, n + 1),
                    point: Some((lat + n as f64 * 0.01, lng + k as f64 * 0.015)),
                    capacity: 30 + 10 * k as i32,
                    route: entity::CertificateRoute::Exam,
                },
            )
            .await
            .map_err(err)?;
        }
    }
    // A college registers a trainee for the eyewear centre's first session: results pending.
    {
        let centre = org("江苏眼镜行业职业技能评价中心")?;
        let college = org("丹阳中等专业学校")?;
        let body = entity::assessment_body::Entity::find()
            .filter(entity::assessment_body::Column::OrganizationId.eq(centre.id))
            .one(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the eyewear centre's filing"))?;
        let session = assessment_session::Entity::find()
            .filter(assessment_session::Column::BodyId.eq(body.id))
            .order_by_asc(assessment_session::Column::Id)
            .one(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the eyewear centre's session"))?;
        let trainee = entity::learner::Entity::find()
            .filter(entity::learner::Column::RegisteredById.eq(college.id))
            .order_by_asc(entity::learner::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .nth(3)
            .ok_or_else(|| anyhow::anyhow!("a fourth trainee"))?;
        certification::register_candidate(
            db,
            &as_role(&college, Role::College),
            session.id,
            trainee.id,
            None,
        )
        .await
        .map_err(err)?;
    }
    // Published sessions: the eyewear employer evaluates its apprentices; the digital-skills
    // centre evaluates a college's trainees.
    for held in published {
        let body_org = org(&held.body)?;
        let provider = org(&held.trainees_of)?;
        let body_caller = as_role(&body_org, held.acts_as);
        let session = certification::schedule_session(
            db,
            &body_caller,
            NewSession {
                occupation: OccupationCode::parse(&held.occupation)?,
                level: named("skill level", &held.level)?,
                exam_date: today,
                registration_deadline: today,
                region: RegionCode::parse(&regions[&body_org.region_id].code)?,
                address: "镇江市技能评价考点".to_owned(),
                point: Some((32.2, 119.45)),
                capacity: 20,
                route: entity::CertificateRoute::Exam,
            },
        )
        .await
        .map_err(err)?;
        let provider_caller = provider_staff(&provider);
        let trainees = entity::learner::Entity::find()
            .filter(entity::learner::Column::RegisteredById.eq(provider.id))
            .order_by_asc(entity::learner::Column::Id)
            .all(db)
            .await?;
        let mut rows = Vec::new();
        for (score, l) in held.scores.iter().zip(&trainees) {
            let registrar = match held.registered_by {
                DemoRegistrar::Body => &body_caller,
                DemoRegistrar::Provider => &provider_caller,
            };
            let candidate = certification::register_candidate(
                db,
                registrar,
                session.id,
                l.id,
                held.note.clone(),
            )
            .await
            .map_err(err)?;
            rows.push(ResultRow {
                candidate_id: candidate.id,
                theory: score.theory,
                practical: score.practical,
            });
        }
        certification::record_results(db, &body_caller, session.id, rows)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let certificates = certification::publish_results(db, &body_caller, session.id)
            .await
            .map_err(err)?;
        issued += certificates.len();
        if let Some(reason) = &held.revoke_first
            && let Some(first) = certificates.first()
        {
            certification::revoke_certificate(
                db,
                &body_caller,
                first.id,
                crate::domain::kernel::input::one("revoke_first", reason)?,
            )
            .await
            .map_err(err)?;
        }
        // The exam took place three weeks ago.
        let mut active: assessment_session::ActiveModel =
            assessment_session::Entity::find_by_id(session.id)
                .one(db)
                .await?
                .ok_or_else(|| anyhow::anyhow!("the demo session"))?
                .into();
        active.exam_date = sea_orm::ActiveValue::Set(today - Days::new(21));
        active.registration_deadline = sea_orm::ActiveValue::Set(today - Days::new(28));
        active.update(db).await?;
    }
    Ok(issued)
}
