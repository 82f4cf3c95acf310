//! Demo data: training intentions and orders.

use super::*;

/// Open intentions in both regions — some that published resources fit, some that nothing fits —
/// and two dispatched orders, one of them accepted.
pub(super) async fn demo_orders(
    db: &DatabaseConnection,
    intentions: &[DemoIntention],
) -> anyhow::Result<usize> {
    use chrono::Utc;
    use entity::{Schedule, SkillLevel, learner, organization};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    use crate::domain::{
        kernel::codes::{OccupationCode, OccupationPrefix},
        orders::{self, IntentionRules, NewIntention, NewOrder},
    };
    let err = |e: crate::error::AppError| anyhow::anyhow!("demo orders: {e}");
    let today = Utc::now().date_naive();
    let orgs: HashMap<String, organization::Model> = organization::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.name.clone(), o))
        .collect();
    let provider = |name: &str| -> anyhow::Result<(organization::Model, Caller)> {
        let o = orgs
            .get(name)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("demo provider {name}"))?;
        let role = if o.kind == entity::OrganizationKind::College {
            Role::College
        } else {
            Role::TrainingInstitution
        };
        let caller = staff(role, o.id);
        Ok((o, caller))
    };
    let mut submitted = Vec::new();
    for wish in intentions {
        let (o, caller) = provider(&wish.provider)?;
        let level: SkillLevel = named("skill level", &wish.level)?;
        let schedules = wish
            .schedules
            .iter()
            .map(|s| named("schedule", s))
            .collect::<anyhow::Result<Vec<Schedule>>>()?;
        let trainees = learner::Entity::find()
            .filter(learner::Column::RegisteredById.eq(o.id))
            .order_by_asc(learner::Column::Id)
            .all(db)
            .await?;
        for l in trainees.iter().take(2) {
            let intention = orders::submit(
                db,
                &caller,
                IntentionRules::default(),
                NewIntention {
                    learner_id: l.id,
                    occupation: OccupationPrefix::parse(&wish.occupation)?,
                    level,
                    schedules: schedules.clone(),
                    region: RegionCode::parse(&wish.region)?,
                    travel: wish
                        .travel
                        .as_ref()
                        .map(|t| (t.latitude, t.longitude, t.km)),
                    earliest_start: today,
                },
            )
            .await
            .map_err(err)?;
            submitted.push(intention);
        }
    }
    // Nothing offers elderly care at level 2 on weekends in Zhenjiang: two orders to a college.
    let zj_regulator = regulator_of(
        orgs.get("镇江市人力资源和社会保障局")
            .map(|o| o.region_id)
            .context("the demo bureau 镇江市人力资源和社会保障局")?,
    );
    let (danyang, _) = provider("丹阳中等专业学校")?;
    for (k, intention) in submitted
        .iter()
        .filter(|i| i.occupation_prefix == "4-10-01-05")
        .enumerate()
    {
        orders::dispatch(
            db,
            &zj_regulator,
            NewOrder {
                occupation: OccupationCode::parse("4-10-01-05")?,
                level: SkillLevel::Level2,
                schedule: Schedule::Weekend,
                seats: 10 + k as i32,
                deadline: today + Days::new(10 + k as u64),
                provider_id: danyang.id,
                intention_ids: vec![intention.id],
                programme_id: None,
            },
        )
        .await
        .map_err(err)?;
    }
    // Nothing offers AI-trainer training at level 2 in Huai'an: the bureau dispatches it.
    let regulator = regulator_of(
        orgs.get("淮安市人力资源和社会保障局")
            .map(|o| o.region_id)
            .context("the demo bureau 淮安市人力资源和社会保障局")?,
    );
    let unmet: Vec<i32> = submitted
        .iter()
        .filter(|i| i.occupation_prefix == "4-04-05-05")
        .map(|i| i.id)
        .collect();
    let (zhilian, zhilian_caller) = provider("淮安智联职业培训学校")?;
    let (techcollege, _) = provider("淮安技师学院")?;
    let first = orders::dispatch(
        db,
        &regulator,
        NewOrder {
            occupation: OccupationCode::parse("4-04-05-05")?,
            level: SkillLevel::Level2,
            schedule: Schedule::Evening,
            seats: 20,
            deadline: today + Days::new(14),
            provider_id: zhilian.id,
            intention_ids: unmet[..2].to_vec(),
            programme_id: None,
        },
    )
    .await
    .map_err(err)?;
    orders::accept(db, &zhilian_caller, first.id)
        .await
        .map_err(err)?;
    orders::dispatch(
        db,
        &regulator,
        NewOrder {
            occupation: OccupationCode::parse("4-04-05-05")?,
            level: SkillLevel::Level2,
            schedule: Schedule::Weekend,
            seats: 15,
            deadline: today + Days::new(21),
            provider_id: techcollege.id,
            intention_ids: unmet[2..].to_vec(),
            programme_id: None,
        },
    )
    .await
    .map_err(err)?;
    Ok(submitted.len())
}
