//! Demo data: three regions, twelve alliances (Zhenjiang's eight among them) and 66 organizations
//! of every kind, several in two or more alliances. Illustrative, as `demo.toml` says at its top.
//!
//! `skillgraph seed --demo` loads it, and `serve` loads it into an empty database unless told not
//! to. The occupation catalogue is not demo data: the migrations load it.

use std::collections::HashMap;

use anyhow::{Context as _, bail};
use chrono::{Days, NaiveDate};
use entity::{MembershipRole, alliance, membership, organization, region};
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use serde::Deserialize;

use crate::{
    auth::{Actor, Caller, Role, Staff},
    domain::{
        kernel::{
            codes::{CreditCode, RegionCode},
            personal::{NationalId, PersonalDataKey, PhoneNumber},
        },
        network::organizations,
        people::learners,
    },
};

/// The demo loader acting as staff of `organization` in `role` (ENTERPRISE, COLLEGE,
/// TRAINING_INSTITUTION or ASSESSMENT_BODY).
fn staff(role: Role, organization: i32) -> Caller {
    Caller::acting(
        "demo-seed",
        Actor::staff(role, Staff::of(organization))
            .expect("the demo acts for organizations in their own roles"),
    )
    .quietly()
}

/// The demo loader acting as the provider `provider` (a college or a training institution).
fn provider_staff(provider: &organization::Model) -> Caller {
    let role = if provider.kind == entity::OrganizationKind::College {
        Role::College
    } else {
        Role::TrainingInstitution
    };
    staff(role, provider.id)
}

/// The demo loader acting as the regulator of `region`.
fn regulator_of(region: i32) -> Caller {
    Caller::acting(
        "demo-seed",
        Actor::Regulator {
            region,
            bureau: None,
        },
    )
    .quietly()
}

/// The demo learner `learner` acting for themself.
fn learner_self(learner: i32) -> Caller {
    Caller::acting(
        crate::domain::kernel::ids::NodeKey::Learner(learner)
            .to_id()
            .0,
        Actor::Learner { learner },
    )
    .quietly()
}

mod certification;
mod competitions;
mod demands;
mod employment;
mod orders;
mod people;
mod programmes;
mod special_abilities;
mod subsidies;
mod training;

use certification::demo_evaluation;
use demands::{demo_demands, industry_occupations};
use employment::demo_employment;
use orders::demo_orders;
use people::demo_learners;
use training::{demo_cohorts, demo_resources};

const DEMO: &str = include_str!("demo.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Demo {
    regions: Vec<DemoRegion>,
    alliances: Vec<DemoAlliance>,
    organizations: Vec<DemoOrganization>,
    assessment_bodies: Vec<DemoBody>,
    published_sessions: Vec<DemoPublishedSession>,
    intentions: Vec<DemoIntention>,
    membership_applications: Vec<DemoApplication>,
}

/// An organization's pending application to join an alliance.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoApplication {
    organization: String,
    alliance: String,
    note: String,
}

/// An assessment body as the regulator files it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoBody {
    organization: String,
    #[serde(rename = "type")]
    body_type: String,
    body_code: String,
    site_serial: String,
    acts_as: Role,
    scope: Vec<DemoScope>,
}

/// One occupation a body may assess, up to a level.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoScope {
    occupation: String,
    max_level: String,
}

/// A session held today and published, with its candidates' scores.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPublishedSession {
    body: String,
    acts_as: Role,
    occupation: String,
    level: String,
    trainees_of: String,
    registered_by: DemoRegistrar,
    note: Option<String>,
    scores: Vec<DemoScore>,
    revoke_first: Option<String>,
}

/// Who registers a session's candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum DemoRegistrar {
    Body,
    Provider,
}

/// A candidate's two scores.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoScore {
    theory: i32,
    practical: i32,
}

/// What a provider's first two trainees want to learn.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoIntention {
    provider: String,
    occupation: String,
    level: String,
    schedules: Vec<String>,
    region: String,
    travel: Option<DemoTravel>,
}

/// Where a learner starts from and how far they would go.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoTravel {
    latitude: f64,
    longitude: f64,
    km: f64,
}

/// Pending applications to join alliances, made as the organizations make them.
async fn demo_applications(
    db: &DatabaseConnection,
    applications: &[DemoApplication],
) -> anyhow::Result<()> {
    use sea_orm::{ColumnTrait, QueryFilter};
    for a in applications {
        let org = entity::organization::Entity::find()
            .filter(entity::organization::Column::Name.eq(&a.organization))
            .one(db)
            .await?
            .with_context(|| format!("demo application: organization {}", a.organization))?;
        let role = match org.kind {
            entity::OrganizationKind::College => Role::College,
            entity::OrganizationKind::TrainingInstitution => Role::TrainingInstitution,
            entity::OrganizationKind::AssessmentBody => Role::AssessmentBody,
            _ => Role::Enterprise,
        };
        let caller = staff(role, org.id);
        crate::domain::network::applications::apply(
            db,
            &caller,
            &crate::domain::kernel::codes::AllianceCode::parse(&a.alliance)?,
            Some(crate::domain::kernel::input::one("note", &a.note)?),
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo application of {}: {e}", a.organization))?;
    }
    Ok(())
}

/// The variant of an entity enum named as its Rust name (`Level4`, `Employer`, `Weekend`).
fn named<E: sea_orm::Iterable + std::fmt::Debug>(what: &str, name: &str) -> anyhow::Result<E> {
    E::iter()
        .find(|e| format!("{e:?}") == name)
        .with_context(|| format!("demo.toml: {name} is not a {what}"))
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
        /// Learners' requests about their personal data.
        data_requests: usize,
        /// Subsidy claims.
        claims: usize,
        /// Institution evaluations.
        evaluations: usize,
        /// Programmes of the cities' bureaus.
        programmes: usize,
        /// Competitions announced.
        competitions: usize,
    },
    /// The database already had organizations; nothing was written.
    AlreadyPopulated,
}

/// Whether the database has no graph data yet: no organization (occupations and regions do not
/// count: migrations load them).
pub async fn is_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    Ok(organization::Entity::find().count(db).await? == 0)
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

/// Loads the demo data, unless the database already has organizations: the graph in one transaction,
/// then the learners, registered by their providers through the same code path as the API (so
/// their ID numbers are encrypted with `key`, and the registrations are in the audit trail).
pub async fn demo(db: &DatabaseConnection, key: &PersonalDataKey) -> anyhow::Result<SeedOutcome> {
    let demo: Demo = toml::from_str(DEMO).context("parsing demo.toml")?;
    let txn = crate::domain::begin_write(db).await?;
    if organization::Entity::find().count(&txn).await? > 0 {
        return Ok(SeedOutcome::AlreadyPopulated);
    }

    // The regions are reference data (a migration loads every one); the demo names its cities
    // in English.
    let mut regions = HashMap::new();
    for r in &demo.regions {
        let model = region::Entity::find()
            .filter(region::Column::Code.eq(r.code.as_str()))
            .one(&txn)
            .await?
            .with_context(|| format!("region {} is not in the reference data", r.code))?;
        anyhow::ensure!(
            model.name == r.name,
            "region {} is {} in the reference data, not {}",
            r.code,
            model.name,
            r.name
        );
        region::Entity::update_many()
            .col_expr(
                region::Column::NameEn,
                sea_orm::sea_query::Expr::value(r.name_en.clone()),
            )
            .filter(region::Column::Id.eq(model.id))
            .exec(&txn)
            .await?;
        regions.insert(r.code.clone(), model.id);
    }
    // Each city's counties (the statistical areas, codes ending 71 to 79, left out), for the
    // organizations' made-up addresses.
    let mut counties: HashMap<i32, Vec<region::Model>> = HashMap::new();
    for id in regions.values() {
        let mut under = region::Entity::find()
            .filter(region::Column::ParentId.eq(*id))
            .all(&txn)
            .await?;
        under.retain(|c| !("71"..="79").contains(&&c.code[4..]));
        under.sort_by(|a, b| a.code.cmp(&b.code));
        counties.insert(*id, under);
    }

    let mut alliances = HashMap::new();
    for a in &demo.alliances {
        let region_id = *regions
            .get(&a.region)
            .with_context(|| format!("alliance {} names unknown region {}", a.code, a.region))?;
        let industry = entity::Industry::try_from_value(&a.industry)
            .with_context(|| format!("alliance {}: industry {}", a.code, a.industry))?
            .to_value();
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
        crate::domain::network::regions::put_in_service(&txn, region_id).await?;
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
                county_id: None,
                address: demo_address(&o.name, counties.get(&region_id), serial),
                website: None,
                description: o.description.clone(),
                contact: None,
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
    demo_applications(db, &demo.membership_applications).await?;
    let learners = demo_learners(db, key, &providers).await?;
    let demands = demo_demands(db).await?;
    let cohorts = demo_cohorts(db, key).await?;
    let resources = demo_resources(db).await?;
    let certificates =
        demo_evaluation(db, &demo.assessment_bodies, &demo.published_sessions).await?;
    let beyond_exams = competitions::demo_competitions(db).await?;
    let intentions = demo_orders(db, &demo.intentions).await?;
    let (completers, recommendations) = demo_employment(db).await?;
    let data_requests = people::demo_data_requests(db, key).await?;
    let claims = subsidies::demo_claims(db, key).await?;
    let evaluations = subsidies::demo_institution_evaluations(db).await?;
    let programmes = programmes::demo_programmes(db).await?;
    let special = special_abilities::demo_special_abilities(db).await?;
    // The alliances and reference rows above were written directly: index what they lack.
    crate::domain::search::index::catch_up(db).await?;
    Ok(SeedOutcome::Loaded {
        regions: demo.regions.len(),
        alliances: demo.alliances.len(),
        organizations: demo.organizations.len(),
        memberships,
        learners,
        demands,
        cohorts,
        resources,
        certificates: certificates + beyond_exams.certificates + special,
        intentions,
        completers,
        recommendations,
        data_requests,
        claims,
        evaluations,
        programmes,
        competitions: beyond_exams.competitions,
    })
}

/// The demo's history: the days a cohort really started (and finished), and formed on its first
/// day. The domain records the
/// day of `startCohort` and `finishCohort`; the demo's cohorts ran in the past, so the seed
/// writes the days they ran.
async fn ran_between(
    db: &DatabaseConnection,
    cohort_id: i32,
    started: NaiveDate,
    finished: Option<NaiveDate>,
) -> anyhow::Result<()> {
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    entity::cohort::Entity::update_many()
        .col_expr(entity::cohort::Column::StartedOn, Expr::value(started))
        .col_expr(entity::cohort::Column::FinishedOn, Expr::value(finished))
        .col_expr(
            entity::cohort::Column::CreatedAt,
            Expr::value(started.and_time(chrono::NaiveTime::MIN).and_utc()),
        )
        .filter(entity::cohort::Column::Id.eq(cohort_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The seed forms cohorts that began in the past (the demo's history); the API's rules
/// otherwise.
fn history_rules() -> crate::domain::training::cohorts::TrainingRules {
    crate::domain::training::cohorts::TrainingRules {
        max_backdate_days: 3_650,
        ..Default::default()
    }
}

/// A made-up address for a demo organization, in the county its name names (丹阳中等专业学校 in
/// 丹阳市) or else in one of its city's counties in turn; skillgraph then reads the county from
/// it, as it does for a real address.
fn demo_address(
    name: &str,
    counties: Option<&Vec<region::Model>>,
    serial: usize,
) -> Option<String> {
    let counties = counties.filter(|c| !c.is_empty())?;
    let stem = |c: &region::Model| c.name.trim_end_matches(['区', '市', '县']).to_owned();
    let county = counties
        .iter()
        .find(|c| stem(c).chars().count() >= 2 && name.contains(&stem(c)))
        .unwrap_or(&counties[serial % counties.len()]);
    Some(format!("{}人民路{}号", county.name, 10 + serial))
}

/// The name of a demo organization's county ([`demo_address`] put it there), or `fallback` when
/// it has none: where its demand, sites and venues are.
fn demo_seat(
    org: &organization::Model,
    regions: &HashMap<i32, region::Model>,
    fallback: &str,
) -> String {
    org.county_id
        .and_then(|county| regions.get(&county))
        .map_or_else(|| fallback.to_owned(), |county| county.name.clone())
}
