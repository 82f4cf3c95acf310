//! Demo data: subsidy standards for every region; claims at every status (PENDING on the
//! finished demo cohort, DECIDED and SETTLED on two earlier cohorts of the same provider); and
//! institution evaluations, confirmed and proposed — made through the domain's own code path.

use super::*;

/// Standards from last year to two years ahead in every region (20 % for scarce occupations,
/// 6,000 CNY a year per apprentice); then the provider of the finished demo cohort claims for
/// its three completers, the regulator approves the first line and marks it paid, and the other
/// two wait. Returns the claims made.
pub(super) async fn demo_claims(
    db: &DatabaseConnection,
    key: &PersonalDataKey,
) -> anyhow::Result<usize> {
    use crate::domain::{
        kernel::input::{FromInput, Reason},
        subsidies::{self, LineDecision, Standard},
        training::{
            catalogue::{self, CatalogueEntry},
            cohorts::CompletionRule,
        },
    };
    use chrono::Datelike;
    use entity::{CohortStatus, cohort};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    let this_year = chrono::Utc::now().year() as i16;
    // The standards of the demo's regions (those in service).
    for r in region::Entity::find()
        .filter(region::Column::InService.eq(true))
        .all(db)
        .await?
    {
        for year in this_year - 1..=this_year + 2 {
            subsidies::set_standard(
                db,
                &regulator_of(r.id),
                Standard {
                    year,
                    scarce_uplift_percent: 20,
                    apprenticeship_fen_per_year: 600_000,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo standard: {e}"))?;
        }
    }
    // The finished demo cohort that kept its training record.
    let finished = cohort::Entity::find()
        .filter(cohort::Column::Status.eq(CohortStatus::Finished))
        .filter(cohort::Column::Subsidized.eq(true))
        .order_by_asc(cohort::Column::Id)
        .all(db)
        .await?;
    let mut target = None;
    for c in finished {
        if !crate::domain::training::cohorts::class_days_by_cohort(db, &[c.id])
            .await?
            .is_empty()
        {
            target = Some(c);
            break;
        }
    }
    let Some(target) = target else {
        return Ok(0);
    };
    let region_id = alliance::Entity::find_by_id(target.alliance_id)
        .one(db)
        .await?
        .context("the cohort's alliance")?
        .region_id;
    let regulator = regulator_of(region_id);
    // A special ability (专项职业能力): the completion with its attendance is the evidence.
    catalogue::upsert_item(
        db,
        &regulator,
        CatalogueEntry {
            occupation: crate::domain::kernel::codes::OccupationCode::parse(
                &target.occupation_code,
            )?,
            level: target.target_level,
            category: entity::CatalogueCategory::SpecialAbility,
            subsidy_fen: 180_000,
            evidence: None,
            scarce: true,
            year: target.end_on.year() as i16,
            work_type: None,
            special_ability: None,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo catalogue: {e}"))?;
    let provider = organization::Entity::find_by_id(target.provider_id)
        .one(db)
        .await?
        .context("the cohort's provider")?;
    let role = if provider.kind == entity::OrganizationKind::College {
        Role::College
    } else {
        Role::TrainingInstitution
    };
    let (_, lines) = subsidies::submit(
        db,
        &staff(role, provider.id),
        CompletionRule::default(),
        Default::default(),
        target.id,
        &[],
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo claim: {e}"))?;
    let reason = |t: &str| Reason::from_input(t).map_err(anyhow::Error::msg);
    if let Some(first) = lines.first() {
        subsidies::decide_line(
            db,
            &regulator,
            first.id,
            LineDecision::Approve(Some(reason("考勤与结业记录齐全")?)),
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo claim line: {e}"))?;
        subsidies::mark_paid(db, &regulator, &[first.id], "ZJCZ-2026-000118")
            .await
            .map_err(|e| anyhow::anyhow!("demo payment: {e}"))?;
    }
    let provider_caller = staff(role, provider.id);
    let learners: Vec<i32> = entity::enrollment::Entity::find()
        .filter(entity::enrollment::Column::CohortId.eq(target.id))
        .order_by_asc(entity::enrollment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.learner_id)
        .take(3)
        .collect();
    let industry = alliance::Entity::find_by_id(target.alliance_id)
        .one(db)
        .await?
        .context("the cohort's alliance")?;
    let occupations = super::demands::industry_occupations(&industry.industry);
    let today = chrono::Utc::now().date_naive();
    let mut claims = 1;
    // Two short project trainings at the entry level (a special ability the catalogue lists at
    // no other level) earlier this year: the first claim is DECIDED (two lines approved, one
    // rejected, none paid yet), the second SETTLED (all approved and paid).
    let level = entity::SkillLevel::Level5;
    for (n, occupation) in [occupations[1], occupations[0]].into_iter().enumerate() {
        let start = today - Days::new(200 - n as u64 * 60);
        let end = start + Days::new(40);
        let earlier = earlier_cohort(
            db,
            &provider_caller,
            key,
            &industry,
            &target,
            occupation,
            level,
            (start, end),
            &learners,
            n == 1,
        )
        .await?;
        catalogue::upsert_item(
            db,
            &regulator,
            CatalogueEntry {
                occupation: crate::domain::kernel::codes::OccupationCode::parse(occupation)?,
                level,
                category: entity::CatalogueCategory::SpecialAbility,
                subsidy_fen: 120_000,
                evidence: None,
                scarce: false,
                year: end.year() as i16,
                work_type: None,
                special_ability: None,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo catalogue: {e}"))?;
        let (_, lines) = subsidies::submit(
            db,
            &provider_caller,
            CompletionRule::default(),
            Default::default(),
            earlier,
            &[],
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo claim: {e}"))?;
        for (i, line) in lines.iter().enumerate() {
            let decision = if n == 0 && i == 2 {
                LineDecision::Reject(reason("同期另有全职就业记录，请补充说明")?)
            } else {
                LineDecision::Approve(None)
            };
            subsidies::decide_line(db, &regulator, line.id, decision)
                .await
                .map_err(|e| anyhow::anyhow!("demo claim line: {e}"))?;
        }
        if n == 1 {
            let ids: Vec<i32> = lines.iter().map(|l| l.id).collect();
            subsidies::mark_paid(db, &regulator, &ids, "ZJCZ-2026-000342")
                .await
                .map_err(|e| anyhow::anyhow!("demo payment: {e}"))?;
        }
        claims += 1;
    }
    Ok(claims)
}

/// A FINISHED project-training cohort of `target`'s provider, alliance and enterprise, with
/// weekday class days between `dates`, the `learners` present (every day when `uniform`, the
/// last of them missing every sixth day otherwise) and each one completed.
#[allow(clippy::too_many_arguments)]
async fn earlier_cohort(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &PersonalDataKey,
    alliance: &alliance::Model,
    target: &entity::cohort::Model,
    occupation: &str,
    level: entity::SkillLevel,
    dates: (chrono::NaiveDate, chrono::NaiveDate),
    learners: &[i32],
    uniform: bool,
) -> anyhow::Result<i32> {
    use crate::domain::{
        kernel::codes::{AllianceCode, OccupationCode},
        training::cohorts::{self, CohortStep, EnrollmentEnd, NewClassDay, NewCohort},
    };
    use chrono::Datelike;
    let cohort = cohorts::create(
        db,
        caller,
        NewCohort {
            kind: entity::CohortKind::ProjectTraining,
            name: format!("{}项目制培训（{}）", alliance.name, dates.0.format("%m月")),
            enterprise_id: None,
            provider_id: target.provider_id,
            alliance: AllianceCode::parse(&alliance.code)?,
            occupation: OccupationCode::parse(occupation)?,
            target_level: level,
            capacity: 20,
            start_on: dates.0,
            end_on: dates.1,
            subsidized: true,
            demand_ids: vec![],
            programme_id: None,
            mode: None,
            purpose: None,
        },
        super::history_rules(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo cohort: {e}"))?;
    let mut enrolled = Vec::new();
    for l in learners {
        enrolled.push(
            cohorts::enroll(
                db,
                caller,
                key,
                cohort.id,
                cohorts::LearnerRef::Id(*l),
                None,
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo enrolment: {e}"))?,
        );
    }
    cohorts::transition(db, caller, cohort.id, CohortStep::Start)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    super::ran_between(db, cohort.id, dates.0, None).await?;
    let days: Vec<NewClassDay> = dates
        .0
        .iter_days()
        .take_while(|d| *d <= dates.1)
        .filter(|d| d.weekday().number_from_monday() <= 5)
        .map(|day| NewClassDay {
            day,
            hours: 4,
            topic: "专项能力实训".to_owned(),
        })
        .collect();
    let scheduled = cohorts::schedule_class_days(db, caller, cohort.id, days)
        .await
        .map_err(|e| anyhow::anyhow!("demo class days: {e}"))?;
    for (n, day) in scheduled.iter().enumerate() {
        let present: Vec<i32> = enrolled
            .iter()
            .enumerate()
            .filter(|(i, _)| uniform || !(*i + 1 == enrolled.len() && n % 6 == 5))
            .map(|(_, e)| e.id)
            .collect();
        cohorts::record_attendance(db, caller, day.id, &present)
            .await
            .map_err(|e| anyhow::anyhow!("demo attendance: {e}"))?;
    }
    for e in &enrolled {
        cohorts::end_enrollment(
            db,
            caller,
            e.id,
            EnrollmentEnd::Complete,
            cohorts::CompletionRule::default(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    cohorts::transition(db, caller, cohort.id, CohortStep::Finish)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    super::ran_between(db, cohort.id, dates.0, Some(dates.1)).await?;
    Ok(cohort.id)
}

/// Every training institution is evaluated, with inspected scores that reproduce its demo
/// rating given its computed results, and the evaluation confirmed (a two-star institution
/// kept ADMITTED by the regulator, against the proposal, for the period it has to improve);
/// the first is then evaluated again, and that evaluation waits for confirmation. Returns the
/// evaluations made.
pub(super) async fn demo_institution_evaluations(db: &DatabaseConnection) -> anyhow::Result<usize> {
    use crate::domain::{
        institutions::credit::{self, Inspected},
        kernel::input::{FromInput, Note, Reason},
    };
    use entity::{InstitutionStatus, OrganizationKind};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    let institutions = organization::Entity::find()
        .filter(organization::Column::Kind.eq(OrganizationKind::TrainingInstitution))
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?;
    let since = chrono::Utc::now().date_naive() - Days::new(credit::RESULTS_WINDOW_DAYS);
    let mut made = 0;
    for org in &institutions {
        let Some(stars) = org.credit_stars else {
            continue;
        };
        let regulator = regulator_of(org.region_id);
        let results = credit::results_of(db, org.id, since).await?.score();
        // The middle of the star's band: 5 → 94, 4 → 85, 3 → 75, 2 → 65, 1 → 50.
        let aim: i32 = [50, 65, 75, 85, 94][(stars.clamp(1, 5) - 1) as usize];
        let x = match results {
            Some(r) => ((4 * aim - i32::from(r)) / 3).clamp(0, 100),
            None => aim,
        } as i16;
        let inspected = Inspected {
            qualification: x,
            teachers: x,
            facilities: x,
        };
        let evaluation = credit::evaluate(
            db,
            &regulator,
            org.id,
            inspected,
            Some(Note::from_input("年度现场评估：资质、师资、场地").map_err(anyhow::Error::msg)?),
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo evaluation: {e}"))?;
        let (standing, why) = if evaluation.proposed_standing == InstitutionStatus::Admitted {
            (None, "年度评估通过")
        } else {
            (
                Some(InstitutionStatus::Admitted),
                "整改期内保留资格，下季度复评",
            )
        };
        credit::confirm(
            db,
            &regulator,
            evaluation.id,
            standing,
            Reason::from_input(why).map_err(anyhow::Error::msg)?,
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo confirmation: {e}"))?;
        made += 1;
    }
    if let Some(first) = institutions.first() {
        let regulator = regulator_of(first.region_id);
        credit::evaluate(
            db,
            &regulator,
            first.id,
            Inspected {
                qualification: 80,
                teachers: 72,
                facilities: 78,
            },
            Some(Note::from_input("季度复评：新增实训场地待核验").map_err(anyhow::Error::msg)?),
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo evaluation: {e}"))?;
        made += 1;
    }
    Ok(made)
}
