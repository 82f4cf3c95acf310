//! Demo data: cohorts and enrolments.

use crate::seed::*;

/// A cohort in each of the first nine alliances: a provider and an enterprise of the alliance,
/// the provider's own learners enrolled, most of them running, one planned and one finished.
pub(in crate::seed) async fn demo_cohorts(
    db: &DatabaseConnection,
    key: &PersonalDataKey,
) -> anyhow::Result<usize> {
    use chrono::Utc;
    use entity::{CohortKind, OrganizationKind, SkillLevel, learner, organization};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    use crate::domain::{
        kernel::codes::{AllianceCode, OccupationCode},
        training::cohorts::{self, CohortStep, Contract, EnrollmentEnd, NewCohort},
    };
    let alliances = alliance::Entity::find()
        .order_by_asc(alliance::Column::Id)
        .all(db)
        .await?;
    let today = Utc::now().date_naive();
    let mut formed = 0;
    for (index, alliance) in alliances.iter().take(9).enumerate() {
        let members = organization::Entity::find()
            .inner_join(membership::Entity)
            .filter(membership::Column::AllianceId.eq(alliance.id))
            .filter(membership::Column::LeftOn.is_null())
            .order_by_asc(membership::Column::Id)
            .all(db)
            .await?;
        let provider = members.iter().find(|o| {
            matches!(
                o.kind,
                OrganizationKind::College | OrganizationKind::TrainingInstitution
            )
        });
        let enterprise = members
            .iter()
            .find(|o| o.kind == OrganizationKind::Enterprise);
        let (Some(provider), Some(enterprise)) = (provider, enterprise) else {
            continue;
        };
        let role = if provider.kind == OrganizationKind::College {
            Role::College
        } else {
            Role::TrainingInstitution
        };
        let caller = staff(role, provider.id);
        let kind = match alliance.industry.as_str() {
            "EYEWEAR" | "MARINE_ENGINEERING_EQUIPMENT" => CohortKind::NewApprenticeship,
            "DIGITAL_SKILLS" => CohortKind::NamedClass,
            _ => CohortKind::OrderClass,
        };
        let start = today - Days::new(30 + index as u64 * 10);
        let cohort = cohorts::create(
            db,
            &caller,
            NewCohort {
                kind,
                name: format!(
                    "{}{}",
                    enterprise.name.chars().take(4).collect::<String>(),
                    match kind {
                        CohortKind::NewApprenticeship => "学徒班",
                        CohortKind::NamedClass => "冠名班",
                        _ => "订单班",
                    }
                ),
                enterprise_id: Some(enterprise.id),
                provider_id: provider.id,
                alliance: AllianceCode::parse(&alliance.code)?,
                occupation: OccupationCode::parse(industry_occupations(&alliance.industry)[0])?,
                // The cohort that finishes (index 3) aims at a level the region's certificate
                // catalogue does not list, so its special ability is what it claims.
                target_level: if index == 3 {
                    SkillLevel::Level2
                } else {
                    [SkillLevel::Level4, SkillLevel::Level3][index % 2]
                },
                capacity: 10 + (index as i32 % 3) * 5,
                start_on: start,
                // The cohort that finishes today was planned to end today.
                end_on: start
                    + Days::new(if index == 3 {
                        30 + index as u64 * 10
                    } else if kind == CohortKind::NewApprenticeship {
                        540
                    } else {
                        120
                    }),
                subsidized: true,
                demand_ids: vec![],
                programme_id: None,
                mode: None,
                purpose: None,
            },
            crate::seed::history_rules(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo cohort {index}: {e}"))?;
        formed += 1;
        let learners = learner::Entity::find()
            .filter(learner::Column::RegisteredById.eq(provider.id))
            .order_by_asc(learner::Column::Id)
            .all(db)
            .await?;
        let mut enrolled = Vec::new();
        // The cohort that finishes trains all four of its provider's learners.
        for l in learners.iter().take(if index == 3 { 4 } else { 3 }) {
            let contract = (kind == CohortKind::NewApprenticeship).then(|| Contract {
                start,
                end: start + Days::new(730),
            });
            let e = cohorts::enroll(
                db,
                &caller,
                key,
                cohort.id,
                cohorts::LearnerRef::Id(l.id),
                contract,
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo enrolment {index}: {e}"))?;
            enrolled.push(e);
        }
        // The enterprise vouches for the cohort and its apprentices' contracts.
        let employer = staff(Role::Enterprise, enterprise.id);
        cohorts::confirm_cohort(db, &employer, cohort.id)
            .await
            .map_err(|e| anyhow::anyhow!("demo confirmation: {e}"))?;
        for e in enrolled.iter().filter(|e| e.contract_start.is_some()) {
            cohorts::confirm_contract(db, &employer, e.id)
                .await
                .map_err(|e| anyhow::anyhow!("demo contract: {e}"))?;
        }
        if index == 0 {
            // Its class days are scheduled; nobody attended yet, for it has not started.
            demo_training_record(db, &caller, &cohort, &enrolled, false).await?;
            // A second cohort of the same provider, still being planned: it waits for the
            // enterprise's confirmation, and so does the contract of its one learner so far
            // (the enterprise's work list).
            let spare = cohorts::create(
                db,
                &caller,
                NewCohort {
                    kind: CohortKind::OrderClass,
                    name: format!(
                        "{}预备订单班",
                        enterprise.name.chars().take(4).collect::<String>()
                    ),
                    enterprise_id: Some(enterprise.id),
                    provider_id: provider.id,
                    alliance: AllianceCode::parse(&alliance.code)?,
                    occupation: OccupationCode::parse(industry_occupations(&alliance.industry)[1])?,
                    target_level: SkillLevel::Level5,
                    capacity: 20,
                    start_on: today + Days::new(60),
                    end_on: today + Days::new(150),
                    subsidized: false,
                    demand_ids: vec![],
                    programme_id: None,
                    mode: None,
                    purpose: None,
                },
                crate::seed::history_rules(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo cohort: {e}"))?;
            formed += 1;
            if let Some(l) = learners.get(3) {
                cohorts::enroll(
                    db,
                    &caller,
                    key,
                    spare.id,
                    cohorts::LearnerRef::Id(l.id),
                    Some(Contract {
                        start: spare.start_on,
                        end: spare.start_on + Days::new(730),
                    }),
                )
                .await
                .map_err(|e| anyhow::anyhow!("demo spare enrolment: {e}"))?;
            }
        } else {
            cohorts::transition(db, &caller, cohort.id, CohortStep::Start)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            crate::seed::ran_between(db, cohort.id, start, None).await?;
            demo_training_record(db, &caller, &cohort, &enrolled, true).await?;
        }
        if index == 3 {
            for e in &enrolled[..3] {
                cohorts::end_enrollment(
                    db,
                    &caller,
                    e.id,
                    EnrollmentEnd::Complete,
                    cohorts::CompletionRule::default(),
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            if let Some(e) = enrolled.get(3) {
                cohorts::end_enrollment(
                    db,
                    &caller,
                    e.id,
                    EnrollmentEnd::Withdraw(crate::domain::kernel::input::one("reason", "转岗")?),
                    cohorts::CompletionRule::default(),
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            cohorts::transition(db, &caller, cohort.id, CohortStep::Finish)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            crate::seed::ran_between(db, cohort.id, start, Some(today)).await?;
        }
    }
    Ok(formed)
}

/// A cohort's training record: a class day every weekday from its start to two weeks ahead,
/// and, when `attended`, real-name attendance on the days held (the third learner misses every
/// fifth).
async fn demo_training_record(
    db: &DatabaseConnection,
    caller: &Caller,
    cohort: &entity::cohort::Model,
    enrolled: &[entity::enrollment::Model],
    attended: bool,
) -> anyhow::Result<()> {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let last = cohort.end_on.min(today + Days::new(14));
    let days: Vec<crate::domain::training::cohorts::NewClassDay> = cohort
        .start_on
        .iter_days()
        .take_while(|d| *d <= last)
        .filter(|d| d.weekday().number_from_monday() <= 5)
        .map(|day| crate::domain::training::cohorts::NewClassDay {
            day,
            hours: 6,
            topic: "理论与实操".to_owned(),
        })
        .collect();
    let scheduled =
        crate::domain::training::cohorts::schedule_class_days(db, caller, cohort.id, days)
            .await
            .map_err(|e| anyhow::anyhow!("demo class days: {e}"))?;
    if !attended {
        return Ok(());
    }
    for (n, day) in scheduled.iter().filter(|d| d.day <= today).enumerate() {
        let present: Vec<i32> = enrolled
            .iter()
            .enumerate()
            .filter(|(i, _)| !(*i == 2 && n % 5 == 4))
            .map(|(_, e)| e.id)
            .collect();
        if present.is_empty() {
            continue;
        }
        crate::domain::training::cohorts::record_attendance(db, caller, day.id, &present)
            .await
            .map_err(|e| anyhow::anyhow!("demo attendance: {e}"))?;
    }
    Ok(())
}
