//! Demo data: training intentions and orders.

use super::*;

/// Open intentions in both regions — some that published resources fit, some that nothing fits —
/// and two dispatched orders, one of them accepted.
pub(super) async fn demo_orders(db: &DatabaseConnection) -> anyhow::Result<usize> {
    use chrono::Utc;
    use entity::{Schedule, SkillLevel, learner, organization};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    use crate::domain::{
        codes::{OccupationCode, OccupationPrefix},
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
        let caller = Caller {
            viewer: Viewer {
                subject: "demo-seed".to_owned(),
                role,
                organization_id: Some(o.id),
                ..Viewer::public()
            },
            request_id: None,
            access: Default::default(),
        };
        Ok((o, caller))
    };
    // (provider, occupation or group, level, schedules, region, point, km)
    type Wish<'a> = (
        &'a str,
        &'a str,
        SkillLevel,
        &'a [Schedule],
        &'a str,
        Option<(f64, f64, f64)>,
    );
    let wishes: [Wish<'_>; 6] = [
        (
            "丹阳市视界眼镜技能培训中心",
            "4-14-03-03",
            SkillLevel::Level4,
            &[
                Schedule::Evening,
                Schedule::Weekend,
                Schedule::Online,
                Schedule::Daytime,
            ],
            "321100",
            Some((32.0, 119.58, 60.0)),
        ),
        (
            "镇江市明德职业培训学校",
            "4-04",
            SkillLevel::Level4,
            &[
                Schedule::Online,
                Schedule::Evening,
                Schedule::Daytime,
                Schedule::Weekend,
            ],
            "321100",
            None,
        ),
        (
            "镇江康颐养老护理培训中心",
            "4-10-01-05",
            SkillLevel::Level2,
            &[Schedule::Weekend],
            "321100",
            Some((32.2, 119.45, 20.0)),
        ),
        (
            "淮安市淮扬菜烹饪培训学校",
            "6-02-03-02",
            SkillLevel::Level4,
            &[
                Schedule::Evening,
                Schedule::Daytime,
                Schedule::Weekend,
                Schedule::Online,
            ],
            "320800",
            Some((33.6, 119.03, 40.0)),
        ),
        (
            "淮安智联职业培训学校",
            "4-04-05-05",
            SkillLevel::Level2,
            &[Schedule::Evening],
            "320800",
            None,
        ),
        (
            "淮安市康乐家政养老培训学校",
            "4-04-05-05",
            SkillLevel::Level2,
            &[Schedule::Weekend, Schedule::Evening],
            "320800",
            None,
        ),
    ];
    let mut submitted = Vec::new();
    for (name, occupation, level, schedules, region, travel) in wishes {
        let (o, caller) = provider(name)?;
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
                    occupation: OccupationPrefix::parse(occupation)?,
                    level,
                    schedules: schedules.to_vec(),
                    region: RegionCode::parse(region)?,
                    travel,
                    earliest_start: today,
                },
            )
            .await
            .map_err(err)?;
            submitted.push(intention);
        }
    }
    // Nothing offers elderly care at level 2 on weekends in Zhenjiang: two orders to a college.
    let zj_regulator = Caller {
        viewer: Viewer {
            subject: "demo-seed".to_owned(),
            role: Role::Regulator,
            region_id: orgs.get("镇江市人力资源和社会保障局").map(|o| o.region_id),
            ..Viewer::public()
        },
        request_id: None,
        access: Default::default(),
    };
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
            },
        )
        .await
        .map_err(err)?;
    }
    // Nothing offers AI-trainer training at level 2 in Huai'an: the bureau dispatches it.
    let regulator = Caller {
        viewer: Viewer {
            subject: "demo-seed".to_owned(),
            role: Role::Regulator,
            region_id: orgs.get("淮安市人力资源和社会保障局").map(|o| o.region_id),
            ..Viewer::public()
        },
        request_id: None,
        access: Default::default(),
    };
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
        },
    )
    .await
    .map_err(err)?;
    Ok(submitted.len())
}
