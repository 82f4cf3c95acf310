//! Demo data: competitions of several levels with results and promotions, an enterprise's
//! contest, direct recognitions (one approved, one waiting) and honours. Every row is written
//! through the domain, as the organizers, bodies and regulators would.

use super::*;

/// What the demo's skill evaluation beyond exams holds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DemoCompetitions {
    /// Competitions announced.
    pub competitions: usize,
    /// Certificates their rules and the recognitions granted.
    pub certificates: usize,
}

/// The first learners `provider` registered, oldest first.
async fn trainees_of(
    db: &DatabaseConnection,
    provider: i32,
) -> anyhow::Result<Vec<entity::learner::Model>> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    Ok(entity::learner::Entity::find()
        .filter(entity::learner::Column::RegisteredById.eq(provider))
        .order_by_asc(entity::learner::Column::Id)
        .all(db)
        .await?)
}

/// - 镇江市数字技能职业技能竞赛 (city class 1, held three weeks ago) for 互联网营销师: the
///   digital-skills trainees of 镇江高等职业技术学校; its rule gives the first place level 4.
/// - 镇江市眼镜验光员职业技能竞赛 (city class 1, under way): one entrant so far.
/// - 丹阳明视眼镜有限公司's 岗位练兵技术比武 among its apprentices, with its awards.
/// - 丹阳明视's body proposes two apprentices for direct recognition in 4-14-03-04; the bureau
///   approved the first.
/// - 江苏工匠 2025 for the first apprentice.
pub(super) async fn demo_competitions(db: &DatabaseConnection) -> anyhow::Result<DemoCompetitions> {
    use chrono::Utc;
    use entity::{CompetitionAward, CompetitionLevel, HonourLevel, SkillLevel, organization};
    use sea_orm::{ColumnTrait, QueryFilter};

    use crate::domain::{
        certification::{
            self, NewHonour, NewRecognition, PlacedEntrant, PromotionRule,
            competitions::NewCompetition,
        },
        kernel::{
            codes::{AllianceCode, OccupationCode},
            input,
        },
    };
    let err = |e: crate::error::AppError| anyhow::anyhow!("demo competitions: {e}");
    let results_err = |e: certification::ResultsError| anyhow::anyhow!("demo results: {e:?}");
    let today = Utc::now().date_naive();
    let org = |name: &'static str| async move {
        organization::Entity::find()
            .filter(organization::Column::Name.eq(name))
            .one(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo organization {name}"))
    };
    let college = org("镇江高等职业技术学校").await?;
    let centre = org("镇江数字技能评价中心").await?;
    let employer = org("丹阳明视眼镜有限公司").await?;
    let school = org("丹阳中等专业学校").await?;
    let bureau = regulator_of(college.region_id);
    let employer_staff = staff(Role::Enterprise, employer.id);
    let digital = trainees_of(db, college.id).await?;
    let apprentices = trainees_of(db, school.id).await?;
    if digital.len() < 4 || apprentices.len() < 3 {
        anyhow::bail!("demo competitions: too few demo trainees");
    }
    let occupation = |code: &str| OccupationCode::parse(code).map_err(anyhow::Error::from);
    let mut outcome = DemoCompetitions::default();

    // A city class 1 competition, held and published, with its promotions.
    let held = certification::announce_competition(
        db,
        &bureau,
        NewCompetition {
            name: input::one("name", "2026年镇江市数字技能职业技能竞赛")?,
            level: CompetitionLevel::CityClass1,
            alliances: vec![AllianceCode::parse("zj-digital-skills")?],
            occupations: vec![occupation("4-01-06-02")?],
            starts_on: today - Days::new(21),
            ends_on: today - Days::new(20),
            venue: input::one("venue", "镇江高等职业技术学校实训中心")?,
            body_organization: Some(centre.id),
            rules: vec![PromotionRule {
                up_to_rank: 1,
                grant_level: Some(SkillLevel::Level4),
            }],
        },
    )
    .await
    .map_err(err)?;
    let mut entrants = Vec::new();
    for person in &digital[..4] {
        let entrant = certification::enter_competition(
            db,
            &bureau,
            held.id,
            Some(person.id),
            &occupation("4-01-06-02")?,
        )
        .await
        .map_err(err)?;
        entrants.push(entrant.id);
    }
    let placed = [
        (entrants[0], 1, Some(CompetitionAward::Gold)),
        (entrants[2], 2, Some(CompetitionAward::Silver)),
        (entrants[1], 3, Some(CompetitionAward::Bronze)),
        (entrants[3], 4, Some(CompetitionAward::Excellence)),
    ];
    let (_, promoted) = certification::publish_competition_results(
        db,
        &bureau,
        held.id,
        placed
            .iter()
            .map(|&(entrant_id, rank, award)| PlacedEntrant {
                entrant_id,
                rank,
                award,
            })
            .collect(),
    )
    .await
    .map_err(results_err)?;
    outcome.certificates += promoted.len();

    // A city class 1 competition under way, taking entrants.
    let open = certification::announce_competition(
        db,
        &bureau,
        NewCompetition {
            name: input::one("name", "2026年镇江市眼镜验光员职业技能竞赛")?,
            level: CompetitionLevel::CityClass1,
            alliances: vec![AllianceCode::parse("zj-eyewear")?],
            occupations: vec![occupation("4-14-03-03")?, occupation("4-14-03-04")?],
            starts_on: today - Days::new(1),
            ends_on: today + Days::new(2),
            venue: input::one("venue", "丹阳眼镜城会展中心")?,
            body_organization: None,
            rules: Vec::new(),
        },
    )
    .await
    .map_err(err)?;
    certification::enter_competition(
        db,
        &bureau,
        open.id,
        Some(apprentices[0].id),
        &occupation("4-14-03-03")?,
    )
    .await
    .map_err(err)?;

    // The enterprise's own contest among its apprentices.
    let contest = certification::announce_competition(
        db,
        &employer_staff,
        NewCompetition {
            name: input::one("name", "明视眼镜岗位练兵技术比武")?,
            level: CompetitionLevel::Enterprise,
            alliances: Vec::new(),
            occupations: vec![occupation("4-14-03-03")?],
            starts_on: today - Days::new(40),
            ends_on: today - Days::new(40),
            venue: input::one("venue", "明视眼镜磨片车间")?,
            body_organization: None,
            rules: Vec::new(),
        },
    )
    .await
    .map_err(err)?;
    let mut contestants = Vec::new();
    for person in &apprentices[..3] {
        contestants.push(
            certification::enter_competition(
                db,
                &employer_staff,
                contest.id,
                Some(person.id),
                &occupation("4-14-03-03")?,
            )
            .await
            .map_err(err)?
            .id,
        );
    }
    certification::publish_competition_results(
        db,
        &employer_staff,
        contest.id,
        vec![
            PlacedEntrant {
                entrant_id: contestants[1],
                rank: 1,
                award: Some(CompetitionAward::Gold),
            },
            PlacedEntrant {
                entrant_id: contestants[0],
                rank: 2,
                award: Some(CompetitionAward::Silver),
            },
        ],
    )
    .await
    .map_err(results_err)?;
    outcome.competitions = 3;

    // Direct recognition: two proposals by the employer's body, the first approved.
    let justification = "从事验光配镜工作八年，主持企业验光工艺改进，带徒五名";
    let mut proposals = Vec::new();
    for person in &apprentices[1..3] {
        proposals.push(
            certification::propose_recognition(
                db,
                &employer_staff,
                NewRecognition {
                    learner_id: person.id,
                    occupation: occupation("4-14-03-04")?,
                    level: SkillLevel::Level4,
                    justification: input::one("justification", justification)?,
                },
            )
            .await
            .map_err(err)?,
        );
    }
    let approved = certification::decide_recognition(
        db,
        &bureau,
        proposals[0].id,
        true,
        Some(input::one("reason", "业绩材料经核实")?),
    )
    .await
    .map_err(err)?;
    outcome.certificates += usize::from(approved.certificate_id.is_some());

    // An honour of the first apprentice.
    certification::record_honour(
        db,
        &bureau,
        NewHonour {
            learner_id: apprentices[0].id,
            title: "江苏工匠".to_owned(),
            level: HonourLevel::Provincial,
            year: 2025,
            award_fen: Some(5_000_000),
            employer_id: Some(employer.id),
        },
    )
    .await
    .map_err(err)?;
    Ok(outcome)
}
