//! Demo data: three regions, twelve alliances (Zhenjiang's eight among them) and 66 organizations
//! of every kind, several in two or more alliances. Illustrative, as `demo.toml` says at its top.
//!
//! `skillgraph seed --demo` loads it, and `serve` loads it into an empty database unless told not
//! to. The occupation catalogue is not demo data: the migrations load it.

use std::collections::HashMap;

use anyhow::{Context as _, bail};
use chrono::{Days, NaiveDate};
use entity::{MembershipRole, alliance, membership, region};
use sea_orm::{ActiveEnum, ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait};
use serde::Deserialize;

use crate::{
    auth::{Caller, Role, Viewer},
    domain::{
        codes::{CreditCode, RegionCode},
        learners, organizations,
        personal::{NationalId, PersonalDataKey, PhoneNumber},
    },
};

const DEMO: &str = include_str!("demo.toml");

#[derive(Debug, Deserialize)]
struct Demo {
    regions: Vec<DemoRegion>,
    alliances: Vec<DemoAlliance>,
    organizations: Vec<DemoOrganization>,
}

#[derive(Debug, Deserialize)]
struct DemoRegion {
    code: String,
    name: String,
    name_en: String,
}

#[derive(Debug, Deserialize)]
struct DemoAlliance {
    code: String,
    name: String,
    name_en: String,
    industry: String,
    region: String,
    founded_on: NaiveDate,
    description: String,
}

#[derive(Debug, Deserialize)]
struct DemoOrganization {
    name: String,
    name_en: Option<String>,
    kind: String,
    region: String,
    #[serde(default)]
    lead: Vec<String>,
    #[serde(default)]
    member: Vec<String>,
    description: Option<String>,
}

/// What a demo load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedOutcome {
    /// Loaded this many regions, alliances, organizations and memberships.
    Loaded {
        /// Regions written.
        regions: usize,
        /// Alliances written.
        alliances: usize,
        /// Organizations written.
        organizations: usize,
        /// Memberships written.
        memberships: usize,
        /// Learners registered.
        learners: usize,
        /// Demands posted (most of them opened).
        demands: usize,
        /// Cohorts formed, with learners enrolled.
        cohorts: usize,
        /// Open-resource items published.
        resources: usize,
        /// Certificates issued.
        certificates: usize,
        /// Training intentions submitted.
        intentions: usize,
        /// Learners who completed training in earlier cohorts (followed up at months 1, 3, 6).
        completers: usize,
        /// Job recommendations made.
        recommendations: usize,
    },
    /// The database already had regions; nothing was written.
    AlreadyPopulated,
}

/// Whether the database has no graph data yet (occupations do not count: migrations load them).
pub async fn is_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    Ok(region::Entity::find().count(db).await? == 0)
}

/// A synthetic but valid unified social credit code: the registration-authority and type digits
/// fitting the kind, the region's code, a made-up body, and the GB 32100 check character.
fn demo_credit_code(
    kind: entity::OrganizationKind,
    region: &str,
    serial: usize,
) -> anyhow::Result<CreditCode> {
    use entity::OrganizationKind::*;
    let authority = match kind {
        Enterprise => "91",
        College => "12",
        TrainingInstitution | AssessmentBody => "52",
        Government => "11",
    };
    let first17 = format!("{authority}{region}MA{serial:07}");
    let check = CreditCode::check_char(&first17).context("demo credit code alphabet")?;
    Ok(CreditCode::parse(&format!(
        "{first17}{}",
        char::from(check)
    ))?)
}

/// Loads the demo data, unless the database already has regions: the graph in one transaction,
/// then the learners, registered by their providers through the same code path as the API (so
/// their ID numbers are encrypted with `key`, and the registrations are in the audit trail).
pub async fn demo(db: &DatabaseConnection, key: &PersonalDataKey) -> anyhow::Result<SeedOutcome> {
    let demo: Demo = toml::from_str(DEMO).context("parsing demo.toml")?;
    let txn = crate::domain::begin_write(db).await?;
    if region::Entity::find().count(&txn).await? > 0 {
        return Ok(SeedOutcome::AlreadyPopulated);
    }

    let mut regions = HashMap::new();
    for r in &demo.regions {
        let model = region::Entity::insert(region::ActiveModel {
            code: Set(r.code.clone()),
            name: Set(r.name.clone()),
            name_en: Set(r.name_en.clone()),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await?;
        regions.insert(r.code.clone(), model.id);
    }

    let mut alliances = HashMap::new();
    for a in &demo.alliances {
        let region_id = *regions
            .get(&a.region)
            .with_context(|| format!("alliance {} names unknown region {}", a.code, a.region))?;
        let industry = entity::Industry::try_from_value(&a.industry)
            .with_context(|| format!("alliance {}: industry {}", a.code, a.industry))?;
        let model = alliance::Entity::insert(alliance::ActiveModel {
            code: Set(a.code.clone()),
            name: Set(a.name.clone()),
            name_en: Set(a.name_en.clone()),
            industry: Set(industry),
            region_id: Set(region_id),
            founded_on: Set(a.founded_on),
            description: Set(a.description.clone()),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await?;
        alliances.insert(a.code.clone(), (model.id, a.founded_on));
    }

    let mut memberships = 0;
    let mut providers = Vec::new();
    for (serial, o) in demo.organizations.iter().enumerate() {
        let kind = entity::OrganizationKind::try_from_value(&o.kind)
            .with_context(|| format!("organization {}: kind {}", o.name, o.kind))?;
        let region_id = *regions.get(&o.region).with_context(|| {
            format!("organization {} names unknown region {}", o.name, o.region)
        })?;
        let org = organizations::create(
            &txn,
            organizations::NewOrganization {
                name: o.name.clone(),
                name_en: o.name_en.clone(),
                kind,
                credit_code: demo_credit_code(kind, &o.region, serial + 1)?,
                region_id,
                address: None,
                website: None,
                description: o.description.clone(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("organization {}: {e}", o.name))?;
        if matches!(
            kind,
            entity::OrganizationKind::College | entity::OrganizationKind::TrainingInstitution
        ) {
            providers.push((org.id, kind, o.region.clone()));
        }

        let roles = o
            .lead
            .iter()
            .map(|c| (c, MembershipRole::Lead))
            .chain(o.member.iter().map(|c| (c, MembershipRole::Member)));
        for (i, (code, role)) in roles.enumerate() {
            let Some(&(alliance_id, founded_on)) = alliances.get(code) else {
                bail!("organization {} names unknown alliance {code}", o.name);
            };
            // Leads join on the founding day; members over the following months.
            let joined_on = match role {
                MembershipRole::Lead => founded_on,
                MembershipRole::Member => founded_on
                    .checked_add_days(Days::new(((serial * 13 + i * 29) % 150) as u64))
                    .unwrap_or(founded_on),
            };
            membership::Entity::insert(membership::ActiveModel {
                alliance_id: Set(alliance_id),
                organization_id: Set(org.id),
                role: Set(role),
                joined_on: Set(joined_on),
                left_on: Set(None),
                ..Default::default()
            })
            .exec(&txn)
            .await?;
            memberships += 1;
        }
    }
    txn.commit().await?;
    let learners = demo_learners(db, key, &providers).await?;
    let demands = demo_demands(db).await?;
    let cohorts = demo_cohorts(db, key).await?;
    let resources = demo_resources(db).await?;
    let certificates = demo_evaluation(db).await?;
    let intentions = demo_orders(db).await?;
    let (completers, recommendations) = demo_employment(db).await?;
    Ok(SeedOutcome::Loaded {
        regions: demo.regions.len(),
        alliances: demo.alliances.len(),
        organizations: demo.organizations.len(),
        memberships,
        learners,
        demands,
        cohorts,
        resources,
        certificates,
        intentions,
        completers,
        recommendations,
    })
}

/// Open intentions in both regions — some that published resources fit, some that nothing fits —
/// and two dispatched orders, one of them accepted.
async fn demo_orders(db: &DatabaseConnection) -> anyhow::Result<usize> {
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

/// Self-assessing enterprises (eyewear and marine in Zhenjiang, food in Huai'an), social bodies,
/// scheduled sessions on the evaluation map, two published sessions with certificates, one of them
/// revoked.
async fn demo_evaluation(db: &DatabaseConnection) -> anyhow::Result<usize> {
    use chrono::Utc;
    use entity::{BodyType, SkillLevel, assessment_session, organization};
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QueryOrder};

    use crate::domain::{
        codes::OccupationCode,
        evaluation::{self, NewSession, ResultRow},
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
    let as_role = |o: &organization::Model, role: Role| Caller {
        viewer: Viewer {
            subject: "demo-seed".to_owned(),
            role,
            organization_id: Some(o.id),
            region_id: None,
            ..Viewer::public()
        },
        request_id: None,
        access: Default::default(),
    };
    let regulator = |region_id: i32| Caller {
        viewer: Viewer {
            subject: "demo-seed".to_owned(),
            role: Role::Regulator,
            region_id: Some(region_id),
            ..Viewer::public()
        },
        request_id: None,
        access: Default::default(),
    };
    type Filing<'a> = (
        &'a str,
        BodyType,
        &'a str,
        &'a str,
        &'a [(&'a str, SkillLevel)],
        Role,
    );
    let bodies: [Filing<'_>; 6] = [
        (
            "丹阳明视眼镜有限公司",
            BodyType::Employer,
            "0021",
            "000118",
            &[
                ("4-14-03-03", SkillLevel::Level3),
                ("4-14-03-04", SkillLevel::Level4),
            ],
            Role::Enterprise,
        ),
        (
            "镇江海弘船舶重工有限公司",
            BodyType::Employer,
            "0035",
            "000209",
            &[
                ("6-23-02-01", SkillLevel::Level2),
                ("6-18-02-04", SkillLevel::Level2),
            ],
            Role::Enterprise,
        ),
        (
            "淮安淮扬食品集团有限公司",
            BodyType::Employer,
            "0042",
            "000305",
            &[("6-02-03-02", SkillLevel::Level3)],
            Role::Enterprise,
        ),
        (
            "江苏眼镜行业职业技能评价中心",
            BodyType::Social,
            "0000",
            "000101",
            &[
                ("4-14-03-03", SkillLevel::Level2),
                ("4-14-03-04", SkillLevel::Level2),
            ],
            Role::AssessmentBody,
        ),
        (
            "镇江数字技能评价中心",
            BodyType::Social,
            "0000",
            "000156",
            &[
                ("4-04-05-05", SkillLevel::Level3),
                ("4-01-06-02", SkillLevel::Level3),
            ],
            Role::AssessmentBody,
        ),
        (
            "淮安市职业技能评价服务中心",
            BodyType::Social,
            "0000",
            "000412",
            &[
                ("4-10-01-05", SkillLevel::Level3),
                ("4-04-05-05", SkillLevel::Level4),
            ],
            Role::AssessmentBody,
        ),
    ];
    let mut issued = 0;
    for (n, (name, body_type, code, site, scope, role)) in bodies.iter().enumerate() {
        let o = org(name)?;
        let scope = scope
            .iter()
            .map(|(c, l)| Ok((OccupationCode::parse(c)?, *l)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        evaluation::file_body(
            db,
            &regulator(o.region_id),
            o.id,
            *body_type,
            code,
            site,
            scope.clone(),
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
            evaluation::schedule_session(
                db,
                &as_role(&o, *role),
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
        evaluation::register_candidate(
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
    let published: [(&str, Role, &str, SkillLevel, &str); 2] = [
        (
            "丹阳明视眼镜有限公司",
            Role::Enterprise,
            "4-14-03-03",
            SkillLevel::Level4,
            "丹阳中等专业学校",
        ),
        (
            "镇江数字技能评价中心",
            Role::AssessmentBody,
            "4-04-05-05",
            SkillLevel::Level4,
            "镇江高等职业技术学校",
        ),
    ];
    for (index, (body_name, role, occupation, level, provider_name)) in published.iter().enumerate()
    {
        let body_org = org(body_name)?;
        let provider = org(provider_name)?;
        let body_caller = as_role(&body_org, *role);
        let session = evaluation::schedule_session(
            db,
            &body_caller,
            NewSession {
                occupation: OccupationCode::parse(occupation)?,
                level: *level,
                exam_date: today,
                registration_deadline: today,
                region: RegionCode::parse(&regions[&body_org.region_id].code)?,
                address: "镇江市技能评价考点".to_owned(),
                point: Some((32.2, 119.45)),
                capacity: 20,
            },
        )
        .await
        .map_err(err)?;
        let provider_caller = as_role(
            &provider,
            if provider.kind == entity::OrganizationKind::College {
                Role::College
            } else {
                Role::TrainingInstitution
            },
        );
        let trainees = entity::learner::Entity::find()
            .filter(entity::learner::Column::RegisteredById.eq(provider.id))
            .order_by_asc(entity::learner::Column::Id)
            .all(db)
            .await?;
        let mut rows = Vec::new();
        for (k, l) in trainees.iter().take(3).enumerate() {
            let candidate = if index == 0 {
                evaluation::register_candidate(
                    db,
                    &body_caller,
                    session.id,
                    l.id,
                    Some("本企业学徒，劳动合同在期".to_owned()),
                )
                .await
            } else {
                evaluation::register_candidate(db, &provider_caller, session.id, l.id, None).await
            }
            .map_err(err)?;
            rows.push(ResultRow {
                candidate_id: candidate.id,
                theory: [82, 75, 48][k],
                practical: [88, 66, 71][k],
            });
        }
        evaluation::record_results(db, &body_caller, session.id, rows)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let certificates = evaluation::publish_results(db, &body_caller, session.id)
            .await
            .map_err(err)?;
        issued += certificates.len();
        if index == 0
            && let Some(first) = certificates.first()
        {
            evaluation::revoke_certificate(db, &body_caller, first.id, "考核材料不实".to_owned())
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

/// Every college and training institution publishes a list for the industries of its alliances;
/// regulators rate the institutions, keep a catalogue and see quarterly plans.
async fn demo_resources(db: &DatabaseConnection) -> anyhow::Result<usize> {
    use chrono::{Datelike, Utc};
    use entity::{
        CatalogueCategory, FundingMode, InstitutionStatus, OrganizationKind, ResourceKind,
        Schedule, SkillLevel, SubsidyType, organization,
    };
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    use crate::domain::{
        catalogue::{self, CatalogueEntry, PlanEntry},
        codes::OccupationCode,
        resources::{self, ItemInput},
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
    let regulator = |region_id: i32| Caller {
        viewer: Viewer {
            subject: "demo-seed".to_owned(),
            role: Role::Regulator,
            region_id: Some(region_id),
            ..Viewer::public()
        },
        request_id: None,
        access: Default::default(),
    };
    let mut published = 0;
    for (n, provider) in providers.iter().enumerate() {
        if provider.kind == OrganizationKind::TrainingInstitution {
            resources::rate_institution(
                db,
                &regulator(provider.region_id),
                provider.id,
                [3, 4, 5, 4, 2][n % 5],
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            resources::set_institution_status(
                db,
                &regulator(provider.region_id),
                provider.id,
                InstitutionStatus::Admitted,
                "年度审核通过".to_owned(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        let industries: Vec<entity::Industry> = membership::Entity::find()
            .filter(membership::Column::OrganizationId.eq(provider.id))
            .all(db)
            .await?
            .iter()
            .filter_map(|m| alliances.get(&m.alliance_id).map(|a| a.industry))
            .collect();
        let role = if provider.kind == OrganizationKind::College {
            Role::College
        } else {
            Role::TrainingInstitution
        };
        let caller = Caller {
            viewer: Viewer {
                subject: "demo-seed".to_owned(),
                role,
                organization_id: Some(provider.id),
                ..Viewer::public()
            },
            request_id: None,
            access: Default::default(),
        };
        let region = &regions[&provider.region_id];
        let (lat, lng) = match region.code.as_str() {
            "320800" => (33.60, 119.03),
            "320700" => (34.59, 119.21),
            _ => (32.20, 119.44),
        };
        let mut items = Vec::new();
        for (k, industry) in industries.iter().take(2).enumerate() {
            let occupations = industry_occupations(*industry);
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
                address: format!("{}校区 {} 号楼", region.name, 1 + m % 9),
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
                        occupation: OccupationCode::parse(industry_occupations(*industry)[0])?,
                        planned_classes: 2 + (n as i32 % 3),
                        planned_headcount: 60 + (n as i32 % 4) * 20,
                        subsidy_type: [
                            SubsidyType::EmploymentSkills,
                            SubsidyType::SkillUpgrade,
                            SubsidyType::NewApprenticeship,
                        ][n % 3],
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("demo plan {n}: {e}"))?;
            }
        }
    }
    // Each region's catalogue lists its alliances' occupations, advanced levels paying more.
    for alliance in alliances.values() {
        for (k, code) in industry_occupations(alliance.industry).iter().enumerate() {
            for (level, amount) in [(SkillLevel::Level4, 1_500), (SkillLevel::Level3, 2_000)] {
                catalogue::upsert_item(
                    db,
                    &regulator(alliance.region_id),
                    CatalogueEntry {
                        occupation: OccupationCode::parse(code)?,
                        level,
                        category: CatalogueCategory::SkillLevelCertificate,
                        subsidy_amount: amount + if k == 0 { 500 } else { 0 },
                        scarce: k == 0,
                        year: today.year() as i16,
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("demo catalogue: {e}"))?;
            }
        }
    }
    Ok(published)
}

/// A cohort in each of the first nine alliances: a provider and an enterprise of the alliance,
/// the provider's own learners enrolled, most of them running, one planned and one finished.
async fn demo_cohorts(db: &DatabaseConnection, key: &PersonalDataKey) -> anyhow::Result<usize> {
    use chrono::Utc;
    use entity::{CohortKind, OrganizationKind, SkillLevel, learner, organization};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    use crate::domain::{
        codes::{AllianceCode, OccupationCode},
        cohorts::{self, CohortStep, Contract, EnrollmentEnd, NewCohort},
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
        let caller = Caller {
            viewer: Viewer {
                subject: "demo-seed".to_owned(),
                role,
                organization_id: Some(provider.id),
                ..Viewer::public()
            },
            request_id: None,
            access: Default::default(),
        };
        let kind = match alliance.industry {
            entity::Industry::Eyewear | entity::Industry::MarineEngineeringEquipment => {
                CohortKind::NewApprenticeship
            }
            entity::Industry::DigitalSkills => CohortKind::NamedClass,
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
                occupation: OccupationCode::parse(industry_occupations(alliance.industry)[0])?,
                target_level: [SkillLevel::Level4, SkillLevel::Level3][index % 2],
                capacity: 10 + (index as i32 % 3) * 5,
                start_on: start,
                end_on: start
                    + Days::new(if kind == CohortKind::NewApprenticeship {
                        540
                    } else {
                        120
                    }),
                subsidized: true,
                demand_ids: vec![],
            },
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
        for l in learners.iter().take(3) {
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
        if index == 0 {
            // A second, empty cohort of the same provider, still being planned.
            cohorts::create(
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
                    occupation: OccupationCode::parse(industry_occupations(alliance.industry)[1])?,
                    target_level: SkillLevel::Level5,
                    capacity: 20,
                    start_on: today + Days::new(60),
                    end_on: today + Days::new(150),
                    subsidized: false,
                    demand_ids: vec![],
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo cohort: {e}"))?;
            formed += 1;
        } else {
            cohorts::transition(db, &caller, cohort.id, CohortStep::Start)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        if index == 3 {
            for e in &enrolled[..2] {
                cohorts::end_enrollment(db, &caller, e.id, EnrollmentEnd::Complete)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            if let Some(e) = enrolled.get(2) {
                cohorts::end_enrollment(
                    db,
                    &caller,
                    e.id,
                    EnrollmentEnd::Withdraw("转岗".to_owned()),
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            cohorts::transition(db, &caller, cohort.id, CohortStep::Finish)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    Ok(formed)
}

/// The employment service's history: in every alliance with a training provider, an earlier
/// cohort of up to eight learners of its region that finished about seven months ago, each
/// completer followed up at months 1, 3 and 6 (some not reached), employed at rates that differ by
/// alliance; the region's catalogue for the year of completion; and in each alliance job
/// recommendations on its open demand — in the eyewear alliance one at every outcome.
///
/// The past cohorts and their completions are written as records (the platform's rules for
/// enrolling do not apply to history); follow-ups and recommendations go through the API's code.
async fn demo_employment(db: &DatabaseConnection) -> anyhow::Result<(usize, usize)> {
    use chrono::{Datelike, Months, Utc};
    use entity::{
        CatalogueCategory, CohortKind, CohortStatus, DemandStatus, EnrollmentStatus,
        OrganizationKind, RecommendationOutcome, SkillLevel, WageBand, cohort, demand,
        demand_alliance, enrollment, learner, organization,
    };
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    use crate::domain::{
        catalogue::{self, CatalogueEntry},
        codes::OccupationCode,
        employment::{self, Employer, NewFollowUp, Party},
    };
    let today = Utc::now().date_naive();
    let alliances = alliance::Entity::find()
        .order_by_asc(alliance::Column::Id)
        .all(db)
        .await?;
    let as_role =
        |role: Role, org: Option<i32>, region: Option<i32>, learner: Option<i32>| Caller {
            viewer: Viewer {
                subject: "demo-seed".to_owned(),
                role,
                organization_id: org,
                region_id: region,
                learner_id: learner,
                ..Viewer::public()
            },
            request_id: None,
            access: Default::default(),
        };
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
        let occupation = industry_occupations(alliance.industry)[0];
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
            occupation_code: Set(occupation.to_owned()),
            target_level: Set(SkillLevel::Level4),
            capacity: Set(8),
            enrolled: Set(picked.len() as i32),
            start_on: Set(started),
            end_on: Set(ended),
            subsidized: Set(true),
            status: Set(CohortStatus::Finished),
            created_at: Set(started.and_time(chrono::NaiveTime::MIN).and_utc()),
            updated_at: Set(ended.and_time(chrono::NaiveTime::MIN).and_utc()),
            ..Default::default()
        })
        .exec_with_returning(db)
        .await?;
        let provider_caller = as_role(
            if provider.kind == OrganizationKind::College {
                Role::College
            } else {
                Role::TrainingInstitution
            },
            Some(provider.id),
            None,
            None,
        );
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
                        note: String::new(),
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("demo follow-up: {e}"))?;
            }
            completions.push((l.id, e));
        }
        // The region's catalogue for the year of completion.
        let regulator = as_role(Role::Regulator, None, Some(alliance.region_id), None);
        catalogue::upsert_item(
            db,
            &regulator,
            CatalogueEntry {
                occupation: OccupationCode::parse(occupation)?,
                level: SkillLevel::Level4,
                category: CatalogueCategory::SkillLevelCertificate,
                subsidy_amount: 2_000,
                scarce: true,
                year: ended.year() as i16,
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
                "符合您的培训专业，欢迎投递。".to_owned(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo recommendation: {e}"))?;
            recommended += 1;
            let me = as_role(Role::Learner, None, None, Some(*learner_id));
            let employer = as_role(Role::Enterprise, Some(target.enterprise_id), None, None);
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
                employment::move_outcome(db, who, party, rec.id, to, reason.map(str::to_owned))
                    .await
                    .map_err(|e| anyhow::anyhow!("demo recommendation outcome: {e}"))?;
            }
        }
    }
    Ok((completers, recommended))
}

/// Occupations an alliance's enterprises demand, by industry.
fn industry_occupations(industry: entity::Industry) -> [&'static str; 2] {
    use entity::Industry::*;
    match industry {
        Eyewear => ["4-14-03-03", "4-14-03-04"],
        MarineEngineeringEquipment => ["6-23-02-01", "6-18-02-04"],
        DigitalSkills => ["4-04-05-05", "4-01-06-02"],
        IntelligentManufacturing => ["6-31-07-03", "6-18-01-01"],
        NewEnergy => ["6-24-02-04", "6-31-01-03"],
        ElderlyCare => ["4-10-01-05", "4-10-01-03"],
        Culinary => ["4-03-02-01", "4-03-02-11"],
        NewMaterials => ["6-18-01-01", "6-24-04-00"],
        FoodProcessing => ["6-02-03-02", "4-08-05-01"],
        Biomedicine => ["6-12-03-00", "6-12-01-00"],
    }
}

/// Two open demands (a job and an apprenticeship) from up to two enterprises of every alliance,
/// posted through the same code path as the API; plus one draft and one closed demand.
async fn demo_demands(db: &DatabaseConnection) -> anyhow::Result<usize> {
    use chrono::Utc;
    use entity::{DemandKind, SkillLevel, organization};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    use crate::domain::{
        codes::{AllianceCode, OccupationCode},
        demands::{self, DemandContent, Transition},
    };
    let alliances = alliance::Entity::find()
        .order_by_asc(alliance::Column::Id)
        .all(db)
        .await?;
    let regions: HashMap<i32, String> = region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.code))
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
        let occupations = industry_occupations(alliance.industry);
        let region = regions
            .get(&alliance.region_id)
            .cloned()
            .unwrap_or_default();
        let (lat, lng) = match region.as_str() {
            "320800" => (33.61, 119.02),
            "320700" => (34.60, 119.22),
            _ => (32.19, 119.45),
        };
        for (i, enterprise) in enterprises.iter().take(2).enumerate() {
            let caller = Caller {
                viewer: Viewer {
                    subject: "demo-seed".to_owned(),
                    role: Role::Enterprise,
                    organization_id: Some(enterprise.id),
                    ..Viewer::public()
                },
                request_id: None,
                access: Default::default(),
            };
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
                        "{}开发区{}号",
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
                };
                let created = demands::create(db, &caller, content)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo demand {n}: {e}"))?;
                posted += 1;
                let step = match (a_index, i, k) {
                    (0, 0, 1) => None,
                    (1, 0, 1) => Some(Transition::Close("岗位已由内部调剂".to_owned())),
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

const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];
const GIVEN: [&str; 12] = [
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "欣怡",
];
const GROUPS: [entity::TargetGroup; 6] = [
    entity::TargetGroup::Graduate,
    entity::TargetGroup::RuralMigrantWorker,
    entity::TargetGroup::Unemployed,
    entity::TargetGroup::Veteran,
    entity::TargetGroup::Disabled,
    entity::TargetGroup::Other,
];

/// A synthetic but valid ID number: a county of the region, a birth date, a sequence and the
/// GB 11643 check character.
fn demo_national_id(region: &str, n: usize) -> anyhow::Result<NationalId> {
    let county = format!("{}{:02}", &region[..4], 2 + n % 9);
    let year = 1975 + (n * 7) % 30;
    let month = 1 + (n * 5) % 12;
    let day = 1 + (n * 11) % 28;
    let first17 = format!("{county}{year:04}{month:02}{day:02}{:03}", 100 + n);
    let check = NationalId::check_char(&first17).context("demo ID digits")?;
    Ok(NationalId::parse("demo", &format!("{first17}{check}"))?)
}

/// Four learners per training provider, living in the provider's region.
async fn demo_learners(
    db: &DatabaseConnection,
    key: &PersonalDataKey,
    providers: &[(i32, entity::OrganizationKind, String)],
) -> anyhow::Result<usize> {
    let mut n = 0;
    for (org, kind, region) in providers {
        let role = match kind {
            entity::OrganizationKind::College => Role::College,
            _ => Role::TrainingInstitution,
        };
        let caller = Caller {
            viewer: Viewer {
                subject: "demo-seed".to_owned(),
                role,
                organization_id: Some(*org),
                ..Viewer::public()
            },
            request_id: None,
            access: Default::default(),
        };
        for _ in 0..4 {
            let phone = format!("1{}{:09}", 3 + n % 7, 800_000_000 + n * 7_919);
            let new = learners::NewLearner {
                name: format!("{}{}", SURNAMES[n % 12], GIVEN[(n / 12 + n) % 12]),
                national_id: demo_national_id(region, n)?,
                phone: PhoneNumber::parse("demo", &phone)?,
                region: RegionCode::parse(region)?,
                target_group: GROUPS[n % GROUPS.len()],
            };
            learners::register(db, &caller, key, new)
                .await
                .map_err(|e| anyhow::anyhow!("demo learner {n}: {e}"))?;
            n += 1;
        }
    }
    Ok(n)
}
