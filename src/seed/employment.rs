//! Demo data: recommendations and follow-ups.

use super::*;

/// The employment service's history: in every alliance with a training provider, an earlier
/// cohort of up to eight learners of its region that finished about seven months ago, each
/// completer followed up at months 1, 3 and 6 (some not reached), employed at rates that differ by
/// alliance; the 1131 service's policy briefing for each completer and career guidance for every
/// other one; the region's catalogue for the year of completion; and in each alliance job
/// recommendations on its open demand — in the eyewear alliance one at every outcome.
///
/// The past cohorts and their completions are written as records (the platform's rules for
/// enrolling do not apply to history); follow-ups and recommendations go through the API's code.
pub(super) async fn demo_employment(db: &DatabaseConnection) -> anyhow::Result<(usize, usize)> {
    use chrono::{Datelike, Months, Utc};
    use entity::{
        CatalogueCategory, CohortKind, CohortStatus, DemandStatus, EnrollmentStatus,
        OrganizationKind, RecommendationOutcome, SkillLevel, WageBand, cohort, demand,
        demand_alliance, enrollment, learner, organization,
    };
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    use crate::domain::{
        employment::{self, Employer, NewFollowUp, Party},
        kernel::codes::OccupationCode,
        training::catalogue::{self, CatalogueEntry},
    };
    let today = Utc::now().date_naive();
    let alliances = alliance::Entity::find()
        .order_by_asc(alliance::Column::Id)
        .all(db)
        .await?;
    let mut completers = 0;
    let mut recommended = 0;
    let mut used_in_region: HashMap<i32, usize> = HashMap::new();
    for (a_index, alliance) in alliances.iter().enumerate() {
        let members = organization::Entity::find()
            .inner_join(membership::Entity)
            .filter(membership::Column::AllianceId.eq(alliance.id))
            .filter(membership::Column::LeftOn.is_null())
            .order_by_asc(membership::Column::Id)
            .all(db)
            .await?;
        let Some(provider) = members.iter().find(|o| {
            matches!(
                o.kind,
                OrganizationKind::College | OrganizationKind::TrainingInstitution
            )
        }) else {
            continue;
        };
        let enterprise = members
            .iter()
            .find(|o| o.kind == OrganizationKind::Enterprise);
        let region_learners = learner::Entity::find()
            .filter(learner::Column::RegionId.eq(alliance.region_id))
            .order_by_asc(learner::Column::Id)
            .all(db)
            .await?;
        if region_learners.is_empty() {
            continue;
        }
        // Each alliance of a region trains the next eight of its learners, wrapping around.
        let offset = used_in_region.entry(alliance.region_id).or_default();
        let picked: Vec<&learner::Model> = (0..region_learners.len().min(8))
            .map(|j| &region_learners[(*offset + j) % region_learners.len()])
            .collect();
        *offset += picked.len();
        let occupation = industry_occupations(&alliance.industry)[0];
        let ended = today - Days::new(200 + (a_index as u64 % 4) * 10);
        let started = ended - Days::new(120);
        let past = cohort::Entity::insert(cohort::ActiveModel {
            kind: Set(match a_index % 3 {
                0 => CohortKind::OrderClass,
                1 => CohortKind::ProjectTraining,
                _ => CohortKind::NamedClass,
            }),
            name: Set(format!("{}届{}订单班", ended.year(), alliance.name)),
            enterprise_id: Set(enterprise.map(|e| e.id)),
            provider_id: Set(provider.id),
            alliance_id: Set(alliance.id),
            county_id: Set(provider.county_id),
            occupation_code: Set(occupation.to_owned()),
            target_level: Set(SkillLevel::Level4),
            capacity: Set(8),
            enrolled: Set(picked.len() as i32),
            start_on: Set(started),
            end_on: Set(ended),
            subsidized: Set(true),
            status: Set(CohortStatus::Finished),
            started_on: Set(Some(started)),
            finished_on: Set(Some(ended)),
            employer_confirmed_at: Set(enterprise
                .is_some()
                .then(|| started.and_time(chrono::NaiveTime::MIN).and_utc())),
            created_at: Set(started.and_time(chrono::NaiveTime::MIN).and_utc()),
            updated_at: Set(ended.and_time(chrono::NaiveTime::MIN).and_utc()),
            ..Default::default()
        })
        .exec_with_returning(db)
        .await?;
        let provider_caller = provider_staff(provider);
        // How many of the eight are employed at month 3: some alliances fall below 45%.
        let employed_at_3 = [5, 3, 6, 2, 7, 4][a_index % 6];
        let mut completions = Vec::new();
        for (j, l) in picked.iter().enumerate() {
            let e = enrollment::Entity::insert(enrollment::ActiveModel {
                cohort_id: Set(past.id),
                learner_id: Set(l.id),
                status: Set(EnrollmentStatus::Completed),
                contract_start: Set(None),
                contract_end: Set(None),
                enrolled_at: Set(started.and_time(chrono::NaiveTime::MIN).and_utc()),
                ended_at: Set(Some(ended.and_time(chrono::NaiveTime::MIN).and_utc())),
                end_reason: Set(None),
                ..Default::default()
            })
            .exec_with_returning(db)
            .await?;
            completers += 1;
            let rank = (j + a_index) % 8;
            for month in [1i16, 3, 6] {
                // One completer is never reached at month 3, two at month 6.
                if (month == 3 && j == 7) || (month == 6 && j >= 6) {
                    continue;
                }
                let employed = match month {
                    1 => rank + 1 < employed_at_3,
                    3 => rank < employed_at_3,
                    _ => rank <= employed_at_3,
                };
                let employer = employed.then(|| match (enterprise, j % 2) {
                    (Some(e), 0) => Employer::Organization(e.id),
                    _ => Employer::Name(format!("{}本地企业", &alliance.name)),
                });
                employment::record_follow_up(
                    db,
                    &provider_caller,
                    NewFollowUp {
                        enrollment_id: e.id,
                        month,
                        contacted_on: ended
                            .checked_add_months(Months::new(month as u32))
                            .unwrap_or(ended),
                        employed,
                        employer,
                        occupation_match: employed && j % 3 != 0,
                        wage_band: employed.then_some(if j % 2 == 0 {
                            WageBand::From5000To7999
                        } else {
                            WageBand::From3000To4999
                        }),
                        full_time: employed.then_some(true),
                        note: None,
                        // Every fifth job is the completer's own business.
                        outcome: (employed && j % 5 == 4)
                            .then_some(entity::FollowUpOutcome::BusinessStarted),
                        jobs_created: (employed && j % 5 == 4).then_some(2),
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("demo follow-up: {e}"))?;
            }
            completions.push((l.id, e));
        }
        // The 1131 service: the bureau briefed every completer on the subsidies when they
        // finished, and guided every other one.
        let regulator = regulator_of(alliance.region_id);
        for (j, (learner_id, _)) in completions.iter().enumerate() {
            for kind in [
                Some(entity::ServiceContactKind::PolicyBriefing),
                (j % 2 == 0).then_some(entity::ServiceContactKind::CareerGuidance),
            ]
            .into_iter()
            .flatten()
            {
                employment::record_contact(
                    db,
                    &regulator,
                    employment::NewContact {
                        learner_id: *learner_id,
                        kind,
                        channel: if j % 3 == 0 {
                            entity::ContactChannel::InPerson
                        } else {
                            entity::ContactChannel::Phone
                        },
                        contacted_on: ended + Days::new(3),
                        note: None,
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("demo service contact: {e}"))?;
            }
        }
        // The region's catalogue for the year of completion.
        catalogue::upsert_item(
            db,
            &regulator,
            CatalogueEntry {
                occupation: OccupationCode::parse(occupation)?,
                level: SkillLevel::Level4,
                category: CatalogueCategory::SkillLevelCertificate,
                subsidy_fen: 200_000,
                evidence: None,
                scarce: true,
                year: ended.year() as i16,
                work_type: None,
                special_ability: None,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo catalogue: {e}"))?;
        // Recommendations on the alliance's first open demand the completers qualify for.
        let open_here: Vec<demand::Model> = demand::Entity::find()
            .filter(demand::Column::Status.eq(DemandStatus::Open))
            .filter(
                demand::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(demand_alliance::Column::DemandId)
                        .from(demand_alliance::Entity)
                        .and_where(sea_orm::sea_query::ExprTrait::eq(
                            sea_orm::sea_query::Expr::col(demand_alliance::Column::AllianceId),
                            alliance.id,
                        ))
                        .to_owned(),
                ),
            )
            .order_by_asc(demand::Column::Id)
            .all(db)
            .await?;
        let qualification = employment::Qualification {
            occupation_code: occupation.to_owned(),
            level: SkillLevel::Level4,
            on: ended,
            certified: false,
        };
        let Some(target) = open_here
            .iter()
            .find(|d| employment::fit(&qualification, &d.occupation_code, d.level).is_some())
        else {
            continue;
        };
        use RecommendationOutcome::*;
        let plan: &[(RecommendationOutcome, Option<Party>)] = if a_index == 0 {
            &[
                (Sent, None),
                (Viewed, None),
                (Applied, None),
                (Interviewed, None),
                (Hired, None),
                (Declined, Some(Party::Learner)),
                (Declined, Some(Party::Employer)),
            ]
        } else {
            &[(Sent, None), (Viewed, None)]
        };
        for ((learner_id, _), (outcome, decliner)) in completions.iter().zip(plan) {
            let rec = employment::recommend(
                db,
                &regulator,
                *learner_id,
                target.id,
                Some(crate::domain::kernel::input::one(
                    "note",
                    "符合您的培训专业，欢迎投递。",
                )?),
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo recommendation: {e}"))?;
            recommended += 1;
            let me = learner_self(*learner_id);
            let employer = staff(Role::Enterprise, target.enterprise_id);
            let steps: Vec<(Party, RecommendationOutcome, Option<&str>)> = match (outcome, decliner)
            {
                (Sent, _) => vec![],
                (Viewed, _) => vec![(Party::Learner, Viewed, None)],
                (Applied, _) => vec![
                    (Party::Learner, Viewed, None),
                    (Party::Learner, Applied, None),
                ],
                (Interviewed, _) => vec![
                    (Party::Learner, Applied, None),
                    (Party::Employer, Interviewed, None),
                ],
                (Hired, _) => vec![
                    (Party::Learner, Applied, None),
                    (Party::Employer, Interviewed, None),
                    (Party::Employer, Hired, None),
                ],
                (Declined, Some(Party::Learner)) => vec![
                    (Party::Learner, Viewed, None),
                    (Party::Learner, Declined, Some("通勤距离太远")),
                ],
                (Declined, _) => vec![
                    (Party::Learner, Applied, None),
                    (Party::Employer, Declined, Some("岗位要求两年以上经验")),
                ],
            };
            for (party, to, reason) in steps {
                let who = if party == Party::Learner {
                    &me
                } else {
                    &employer
                };
                employment::move_outcome(
                    db,
                    who,
                    party,
                    rec.id,
                    to,
                    crate::domain::kernel::input::Reason::optional("reason", reason)?,
                )
                .await
                .map_err(|e| anyhow::anyhow!("demo recommendation outcome: {e}"))?;
            }
        }
    }
    Ok((completers, recommended))
}
