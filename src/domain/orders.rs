//! "The public orders, the government dispatches, institutions take the order" (群众点单、政府派单、
//! 机构接单): training intentions, suggestions that explain themselves, and training orders.
//!
//! # How suggestions are scored
//!
//! A suggestion is a published open resource or a PLANNED cohort that fits an OPEN intention: it
//! trains for the occupation (or one within the intention's prefix) at the wanted level, on one of
//! the preferred schedules (a cohort counts as DAYTIME), has a free seat, starts no earlier than the
//! learner can, lies within the travel distance (online items always do; a cohort must be in the
//! learner's region), and its provider is not suspended or exited. Each fitting item scores out of
//! 100:
//!
//! | criterion | weight | how |
//! |---|---|---|
//! | occupation | 30 | the exact occupation wanted 30; an occupation within the wanted group 20 |
//! | level | 20 | the wanted level (always, as it is required) |
//! | distance | 20 | 20 × (1 − distance / travel limit); online 20; in the region, distance unknown, 10 |
//! | schedule | 10 | first preference 10, second 6, any later 3 |
//! | provider | 10 | 2 per credit star; a public college, unrated, counts as 3 stars |
//! | subsidy | 10 | subsidy-eligible and LISTED in the region's catalogue for that occupation and level |
//!
//! Items are ranked by score, then resources before cohorts, then by id: the same inputs always
//! give the same ranking.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate, Utc};
use entity::{
    CatalogueItemStatus, CohortKind, CohortStatus, InstitutionStatus, IntentionStatus, OrderStatus,
    OrganizationKind, ResourceStatus, Schedule, SkillLevel, alliance, catalogue_item, cohort,
    learner, membership, open_resource, organization, region, resource_occupation,
    training_intention, training_order,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Select,
    sea_query::{Expr, ExprTrait, LikeExpr, Query},
};
use serde_json::json;

use super::{
    audit,
    codes::{AllianceCode, OccupationCode, OccupationPrefix, RegionCode},
    cohorts::{self, NewCohort},
    disclosure::{self, Precision},
    geo::Near,
    learners,
    page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::{
    auth::{
        Caller,
        policy::{self, LearnerView, OrderScope},
    },
    domain::ids::NodeKey,
    error::{AppError, AppResult},
};

/// How long an intention stays open, and how many one learner may have open.
#[derive(Debug, Clone, Copy)]
pub struct IntentionRules {
    /// Days until an OPEN intention expires.
    pub expiry_days: u64,
    /// The most OPEN intentions per learner.
    pub max_open: u64,
}

impl Default for IntentionRules {
    fn default() -> Self {
        Self {
            expiry_days: 90,
            max_open: 3,
        }
    }
}

/// An intention to submit.
#[derive(Debug, Clone)]
pub struct NewIntention {
    /// The learner.
    pub learner_id: i32,
    /// The occupation, or a group when unsure.
    pub occupation: OccupationPrefix,
    /// The level wanted.
    pub level: SkillLevel,
    /// Preferred schedules, most preferred first (not empty).
    pub schedules: Vec<Schedule>,
    /// Where the learner lives.
    pub region: RegionCode,
    /// The learner's point and how far they will travel.
    pub travel: Option<(f64, f64, f64)>,
    /// The earliest day to start.
    pub earliest_start: NaiveDate,
}

fn schedule_name(s: Schedule) -> &'static str {
    match s {
        Schedule::Daytime => "DAYTIME",
        Schedule::Evening => "EVENING",
        Schedule::Weekend => "WEEKEND",
        Schedule::Online => "ONLINE",
        Schedule::Flexible => "FLEXIBLE",
    }
}

/// The preferred schedules of an intention, most preferred first.
pub fn schedules_of(intention: &training_intention::Model) -> Vec<Schedule> {
    intention
        .schedules
        .split(',')
        .filter_map(|s| match s.trim() {
            "DAYTIME" => Some(Schedule::Daytime),
            "EVENING" => Some(Schedule::Evening),
            "WEEKEND" => Some(Schedule::Weekend),
            "ONLINE" => Some(Schedule::Online),
            "FLEXIBLE" => Some(Schedule::Flexible),
            _ => None,
        })
        .collect()
}

/// Moves OPEN intentions past their day to EXPIRED, and unanswered orders past their deadline to
/// EXPIRED (their intentions open again).
pub async fn expire_due(db: &DatabaseConnection) -> AppResult<()> {
    let today = Utc::now().date_naive();
    training_intention::Entity::update_many()
        .col_expr(
            training_intention::Column::Status,
            Expr::value(IntentionStatus::Expired),
        )
        .filter(training_intention::Column::Status.eq(IntentionStatus::Open))
        .filter(training_intention::Column::ExpiresOn.lt(today))
        .exec(db)
        .await?;
    let overdue: Vec<i32> = training_order::Entity::find()
        .filter(training_order::Column::Status.eq(OrderStatus::Dispatched))
        .filter(training_order::Column::Deadline.lt(today))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    if !overdue.is_empty() {
        let txn = crate::domain::begin_write(db).await?;
        training_order::Entity::update_many()
            .col_expr(
                training_order::Column::Status,
                Expr::value(OrderStatus::Expired),
            )
            .filter(training_order::Column::Id.is_in(overdue.clone()))
            .exec(&txn)
            .await?;
        reopen(&txn, &overdue).await?;
        txn.commit().await?;
    }
    Ok(())
}

async fn reopen(txn: &sea_orm::DatabaseTransaction, order_ids: &[i32]) -> AppResult<()> {
    training_intention::Entity::update_many()
        .col_expr(
            training_intention::Column::Status,
            Expr::value(IntentionStatus::Open),
        )
        .col_expr(
            training_intention::Column::OrderId,
            Expr::value(Option::<i32>::None),
        )
        .filter(training_intention::Column::OrderId.is_in(order_ids.iter().copied()))
        .filter(training_intention::Column::Status.eq(IntentionStatus::Dispatched))
        .exec(txn)
        .await?;
    Ok(())
}

/// Submits an intention: by the learner (their own), or on their behalf by a provider that
/// registered or trains them or by the regulator of their region (audited either way).
pub async fn submit(
    db: &DatabaseConnection,
    caller: &Caller,
    rules: IntentionRules,
    new: NewIntention,
) -> AppResult<training_intention::Model> {
    expire_due(db).await?;
    policy::intention_scope(&caller.viewer, &caller.access)?;
    // The same answer whether the learner does not exist or is not the caller's to act for.
    let learner = learner::Entity::find_by_id(new.learner_id).one(db).await?;
    let full = match &learner {
        Some(l) => {
            learners::view_of(db, caller, &caller.access, l).await? == Some(LearnerView::Full)
        }
        None => false,
    };
    let Some(learner) = learner.filter(|_| full) else {
        return Err(AppError::Forbidden(
            "an intention is submitted by the learner or for a learner in your scope".to_owned(),
        ));
    };
    if new.schedules.is_empty() {
        return Err(AppError::validation(
            "input.schedules",
            "name at least one schedule",
        ));
    }
    if let Some((lat, lng, km)) = new.travel {
        Near::parse("input.location", lat, lng, km).map_err(|_| {
            AppError::validation(
                "input.maxDistanceKm",
                "a point and a travel distance above 0 and at most 500 km",
            )
        })?;
    }
    let region = region::Entity::find()
        .filter(region::Column::Code.eq(new.region.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.region", "no region has this code"))?;
    let txn = crate::domain::begin_write(db).await?;
    // Lock the learner's row first: concurrent submissions for one learner count in turn.
    crate::domain::lock_row::<learner::Entity>(&txn, learner::Column::Id, learner.id).await?;
    let open = training_intention::Entity::find()
        .filter(training_intention::Column::LearnerId.eq(learner.id))
        .filter(training_intention::Column::Status.eq(IntentionStatus::Open))
        .all(&txn)
        .await?
        .len() as u64;
    if open >= rules.max_open {
        return Err(AppError::Conflict(format!(
            "the learner has {open} open intentions already, the most allowed"
        )));
    }
    let today = Utc::now().date_naive();
    let saved = training_intention::Entity::insert(training_intention::ActiveModel {
        learner_id: Set(learner.id),
        occupation_prefix: Set(new.occupation.as_str().to_owned()),
        level: Set(new.level),
        schedules: Set(new
            .schedules
            .iter()
            .map(|s| schedule_name(*s))
            .collect::<Vec<_>>()
            .join(",")),
        region_id: Set(region.id),
        latitude: Set(new.travel.map(|t| t.0)),
        longitude: Set(new.travel.map(|t| t.1)),
        max_distance_km: Set(new.travel.map(|t| t.2)),
        earliest_start: Set(new.earliest_start),
        status: Set(IntentionStatus::Open),
        order_id: Set(None),
        submitted_by_id: Set(caller.viewer.organization_id),
        created_at: Set(Utc::now()),
        expires_on: Set(today + Days::new(rules.expiry_days)),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "submitTrainingIntention",
            target_type: "TrainingIntention",
            target_id: NodeKey::TrainingIntention(saved.id).to_id().0,
            region_id: Some(region.id),
            changes: Some(json!({ "learner": NodeKey::Learner(learner.id).to_id().0, "occupation": saved.occupation_prefix, "level": format!("{:?}", saved.level), "schedules": saved.schedules })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// One reason behind a suggestion's score.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// The criterion (`OCCUPATION`, `LEVEL`, `DISTANCE`, `SCHEDULE`, `PROVIDER`, `SUBSIDY`).
    pub criterion: &'static str,
    /// The value measured, as text (`8.4 km`, `4 stars`).
    pub value: String,
    /// The points it gave, out of its weight.
    pub points: f64,
    /// The criterion's weight.
    pub weight: f64,
    /// For a person to read.
    pub text: String,
}

/// What is suggested.
#[derive(Debug, Clone, PartialEq)]
pub enum Suggested {
    /// A published open resource.
    Resource(open_resource::Model),
    /// A PLANNED cohort.
    Cohort(cohort::Model),
}

/// One suggestion with its score and reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// What is suggested.
    pub item: Suggested,
    /// The total, 0–100.
    pub score: f64,
    /// Why, criterion by criterion.
    pub reasons: Vec<Reason>,
}

impl Suggestion {
    fn rank_key(&self) -> (u8, i32) {
        match &self.item {
            Suggested::Resource(r) => (0, r.id),
            Suggested::Cohort(c) => (1, c.id),
        }
    }
}

/// Rounds a score to two decimals.
pub(crate) fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The suggestions for an intention, best first (see the module docs for the score).
pub async fn suggestions(
    db: &DatabaseConnection,
    intention: &training_intention::Model,
    limit: usize,
) -> AppResult<Vec<Suggestion>> {
    let prefix =
        OccupationPrefix::parse(&intention.occupation_prefix).map_err(AppError::internal)?;
    let exact = prefix.as_str().len() == 10;
    let preferred = schedules_of(intention);
    let today = Utc::now().date_naive();
    let barred = Query::select()
        .column(organization::Column::Id)
        .from(organization::Entity)
        .and_where(
            Expr::col(organization::Column::CatalogueStatus)
                .is_in([InstitutionStatus::Suspended, InstitutionStatus::Exited]),
        )
        .to_owned();
    let links: Vec<resource_occupation::Model> = resource_occupation::Entity::find()
        .filter(
            Expr::col(resource_occupation::Column::OccupationCode)
                .like(LikeExpr::new(prefix.like_pattern())),
        )
        .filter(resource_occupation::Column::Level.eq(intention.level))
        .all(db)
        .await?;
    let mut resource_codes: HashMap<i32, Vec<String>> = HashMap::new();
    for l in links {
        resource_codes
            .entry(l.resource_id)
            .or_default()
            .push(l.occupation_code);
    }
    let resources = if resource_codes.is_empty() {
        vec![]
    } else {
        open_resource::Entity::find()
            .filter(open_resource::Column::Id.is_in(resource_codes.keys().copied()))
            .filter(open_resource::Column::Status.eq(ResourceStatus::Published))
            .filter(
                Expr::col(open_resource::Column::SeatsTaken)
                    .lt(Expr::col(open_resource::Column::Seats)),
            )
            .filter(open_resource::Column::Schedule.is_in(preferred.clone()))
            .filter(open_resource::Column::StartOn.gte(intention.earliest_start))
            .filter(open_resource::Column::ProviderId.not_in_subquery(barred.clone()))
            .all(db)
            .await?
    };
    let cohorts = if preferred.contains(&Schedule::Daytime) {
        let in_region = Query::select()
            .column(alliance::Column::Id)
            .from(alliance::Entity)
            .and_where(Expr::col(alliance::Column::RegionId).eq(intention.region_id))
            .to_owned();
        cohort::Entity::find()
            .filter(
                Expr::col(cohort::Column::OccupationCode)
                    .like(LikeExpr::new(prefix.like_pattern())),
            )
            .filter(cohort::Column::TargetLevel.eq(intention.level))
            .filter(cohort::Column::Status.eq(CohortStatus::Planned))
            .filter(Expr::col(cohort::Column::Enrolled).lt(Expr::col(cohort::Column::Capacity)))
            .filter(cohort::Column::StartOn.gte(std::cmp::max(intention.earliest_start, today)))
            .filter(cohort::Column::AllianceId.in_subquery(in_region))
            .filter(cohort::Column::ProviderId.not_in_subquery(barred))
            .all(db)
            .await?
    } else {
        vec![]
    };
    let provider_ids: Vec<i32> = resources
        .iter()
        .map(|r| r.provider_id)
        .chain(cohorts.iter().map(|c| c.provider_id))
        .collect();
    let providers: HashMap<i32, organization::Model> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(provider_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let listed: Vec<String> = catalogue_item::Entity::find()
        .filter(catalogue_item::Column::RegionId.eq(intention.region_id))
        .filter(catalogue_item::Column::Level.eq(intention.level))
        .filter(catalogue_item::Column::Status.eq(CatalogueItemStatus::Listed))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.occupation_code)
        .collect();
    let travel = match (
        intention.latitude,
        intention.longitude,
        intention.max_distance_km,
    ) {
        (Some(lat), Some(lng), Some(km)) => Some(Near {
            latitude: lat,
            longitude: lng,
            radius_km: km,
        }),
        _ => None,
    };
    let provider_reason = |provider_id: i32| -> Reason {
        let org = providers.get(&provider_id);
        let (stars, text) = match org.and_then(|o| o.credit_stars) {
            Some(s) => (
                f64::from(s),
                format!(
                    "{} is rated {s} credit stars",
                    org.map(|o| o.name.as_str()).unwrap_or_default()
                ),
            ),
            None if org.is_some_and(|o| o.kind == OrganizationKind::College) => (
                3.0,
                format!(
                    "{} is a public college",
                    org.map(|o| o.name.as_str()).unwrap_or_default()
                ),
            ),
            None => (0.0, "the provider is not rated yet".to_owned()),
        };
        Reason {
            criterion: "PROVIDER",
            value: format!("{stars} stars"),
            points: stars * 2.0,
            weight: 10.0,
            text,
        }
    };
    let schedule_reason = |s: Schedule| -> Reason {
        let rank = preferred.iter().position(|p| *p == s).unwrap_or(usize::MAX);
        let points = match rank {
            0 => 10.0,
            1 => 6.0,
            _ => 3.0,
        };
        Reason {
            criterion: "SCHEDULE",
            value: schedule_name(s).to_owned(),
            points,
            weight: 10.0,
            text: format!(
                "{} is preference {} of yours",
                schedule_name(s),
                rank.saturating_add(1)
            ),
        }
    };
    let occupation_reason = |codes: &[String]| -> Reason {
        let hit = codes.iter().find(|c| c.as_str() == prefix.as_str());
        match (exact, hit) {
            (true, _) => Reason {
                criterion: "OCCUPATION",
                value: prefix.as_str().to_owned(),
                points: 30.0,
                weight: 30.0,
                text: format!("trains for {}, the occupation you want", prefix.as_str()),
            },
            (false, _) => Reason {
                criterion: "OCCUPATION",
                value: codes.first().cloned().unwrap_or_default(),
                points: 20.0,
                weight: 30.0,
                text: format!(
                    "trains for {}, within the group {} you want",
                    codes.first().map(String::as_str).unwrap_or_default(),
                    prefix.as_str()
                ),
            },
        }
    };
    let level_reason = Reason {
        criterion: "LEVEL",
        value: format!("{:?}", intention.level),
        points: 20.0,
        weight: 20.0,
        text: "at the level you want".to_owned(),
    };
    let mut out = Vec::new();
    for r in resources {
        let distance = match (
            &travel,
            r.latitude.zip(r.longitude),
            r.schedule == Schedule::Online,
        ) {
            (_, _, true) => Reason {
                criterion: "DISTANCE",
                value: "online".to_owned(),
                points: 20.0,
                weight: 20.0,
                text: "online: no travel".to_owned(),
            },
            (Some(near), Some((lat, lng)), false) => {
                let km = near.distance_km(lat, lng);
                if km > near.radius_km {
                    continue;
                }
                Reason {
                    criterion: "DISTANCE",
                    value: format!("{km:.1} km"),
                    points: round(20.0 * (1.0 - km / near.radius_km)),
                    weight: 20.0,
                    text: format!("{km:.1} km away, within your {} km", near.radius_km),
                }
            }
            (Some(_), None, false) => continue,
            (None, _, false) if r.region_id == intention.region_id => Reason {
                criterion: "DISTANCE",
                value: "same region".to_owned(),
                points: 10.0,
                weight: 20.0,
                text: "in your region".to_owned(),
            },
            (None, _, false) => continue,
        };
        let codes = resource_codes.get(&r.id).cloned().unwrap_or_default();
        let subsidised = r.subsidy_eligible && codes.iter().any(|c| listed.contains(c));
        let reasons = vec![
            occupation_reason(&codes),
            level_reason.clone(),
            distance,
            schedule_reason(r.schedule),
            provider_reason(r.provider_id),
            Reason {
                criterion: "SUBSIDY",
                value: subsidised.to_string(),
                points: if subsidised { 10.0 } else { 0.0 },
                weight: 10.0,
                text: if subsidised {
                    "subsidised: in the catalogue for this occupation and level".to_owned()
                } else {
                    "not subsidised here".to_owned()
                },
            },
        ];
        let score = round(reasons.iter().map(|x| x.points).sum());
        out.push(Suggestion {
            item: Suggested::Resource(r),
            score,
            reasons,
        });
    }
    for c in cohorts {
        let codes = vec![c.occupation_code.clone()];
        let subsidised = c.subsidized && listed.contains(&c.occupation_code);
        let reasons = vec![
            occupation_reason(&codes),
            level_reason.clone(),
            Reason {
                criterion: "DISTANCE",
                value: "same region".to_owned(),
                points: 10.0,
                weight: 20.0,
                text: "a class in your region".to_owned(),
            },
            schedule_reason(Schedule::Daytime),
            provider_reason(c.provider_id),
            Reason {
                criterion: "SUBSIDY",
                value: subsidised.to_string(),
                points: if subsidised { 10.0 } else { 0.0 },
                weight: 10.0,
                text: if subsidised {
                    "subsidised: in the catalogue for this occupation and level".to_owned()
                } else {
                    "not subsidised here".to_owned()
                },
            },
        ];
        let score = round(reasons.iter().map(|x| x.points).sum());
        out.push(Suggestion {
            item: Suggested::Cohort(c),
            score,
            reasons,
        });
    }
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.rank_key().cmp(&b.rank_key()))
    });
    out.truncate(limit);
    Ok(out)
}

/// Intentions by id (unscoped: callers check the learner's scope).
pub async fn intentions_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, training_intention::Model>> {
    Ok(training_intention::Entity::find()
        .filter(training_intention::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect())
}

/// One group of open intentions: where people want training, counts only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemandGroup {
    /// The region.
    pub region_id: i32,
    /// The occupation or group wanted.
    pub occupation: String,
    /// The level wanted.
    pub level: SkillLevel,
    /// The most preferred schedule.
    pub schedule: Schedule,
    /// How many open intentions.
    pub count: u64,
}

/// Open intentions counted by region, occupation, level and first-choice schedule. With
/// [`Precision::Protected`] a group of fewer than [`disclosure::MIN_CELL`] intentions is left
/// out (each group is an atomic cell: the filters are unions of whole groups).
pub async fn intention_demand(
    db: &DatabaseConnection,
    precision: Precision,
    region: Option<&RegionCode>,
    occupation: Option<&OccupationPrefix>,
) -> AppResult<Vec<DemandGroup>> {
    expire_due(db).await?;
    let mut select = training_intention::Entity::find()
        .filter(training_intention::Column::Status.eq(IntentionStatus::Open));
    if let Some(region) = region {
        select = select.filter(
            training_intention::Column::RegionId.in_subquery(
                Query::select()
                    .column(region::Column::Id)
                    .from(region::Entity)
                    .and_where(Expr::col(region::Column::Code).eq(region.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(prefix) = occupation {
        select = select.filter(
            Expr::col(training_intention::Column::OccupationPrefix)
                .like(LikeExpr::new(format!("{}%", prefix.as_str()))),
        );
    }
    let mut groups: BTreeMap<(i32, String, i16, String), u64> = BTreeMap::new();
    for i in select.all(db).await? {
        let first = schedules_of(&i)
            .first()
            .copied()
            .unwrap_or(Schedule::Flexible);
        *groups
            .entry((
                i.region_id,
                i.occupation_prefix.clone(),
                level_rank(i.level),
                schedule_name(first).to_owned(),
            ))
            .or_default() += 1;
    }
    use sea_orm::ActiveEnum;
    let groups = disclosure::release(
        precision,
        groups.into_iter().collect(),
        |g| g.0.clone(),
        |g| g.1,
    );
    Ok(groups
        .into_iter()
        .filter_map(|((region_id, occupation, level, schedule), count)| {
            Some(DemandGroup {
                region_id,
                occupation,
                level: SkillLevel::try_from_value(&level).ok()?,
                schedule: Schedule::try_from_value(&schedule).ok()?,
                count,
            })
        })
        .collect())
}

/// A level's rank, as stored.
pub(crate) fn level_rank(level: SkillLevel) -> i16 {
    use sea_orm::ActiveEnum;
    level.to_value()
}

/// An order to dispatch.
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// The occupation.
    pub occupation: OccupationCode,
    /// The level.
    pub level: SkillLevel,
    /// The schedule.
    pub schedule: Schedule,
    /// Seats, at least the bundled intentions.
    pub seats: i32,
    /// The last day to answer.
    pub deadline: NaiveDate,
    /// The provider.
    pub provider_id: i32,
    /// The intentions bundled.
    pub intention_ids: Vec<i32>,
}

/// Dispatches an order (the regulator, in its region) to an admitted provider that belongs to an
/// alliance of the region, bundling OPEN intentions that match its occupation and level.
pub async fn dispatch(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewOrder,
) -> AppResult<training_order::Model> {
    expire_due(db).await?;
    let region_id = policy::supervised_region(&caller.viewer)?;
    let provider = organization::Entity::find_by_id(new.provider_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.provider", "no organization has this ID"))?;
    if !matches!(
        provider.kind,
        OrganizationKind::College | OrganizationKind::TrainingInstitution
    ) || matches!(
        provider.catalogue_status,
        Some(InstitutionStatus::Suspended | InstitutionStatus::Exited)
    ) {
        return Err(AppError::validation(
            "input.provider",
            "an admitted college or training institution",
        ));
    }
    let in_region = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(provider.id))
        .filter(membership::Column::LeftOn.is_null())
        .filter(
            membership::Column::AllianceId.in_subquery(
                Query::select()
                    .column(alliance::Column::Id)
                    .from(alliance::Entity)
                    .and_where(Expr::col(alliance::Column::RegionId).eq(region_id))
                    .to_owned(),
            ),
        )
        .one(db)
        .await?;
    if in_region.is_none() {
        return Err(AppError::validation(
            "input.provider",
            "not a member of an alliance of your region",
        ));
    }
    if new.deadline < Utc::now().date_naive() {
        return Err(AppError::validation(
            "input.deadline",
            "must not be in the past",
        ));
    }
    if new.intention_ids.is_empty() {
        return Err(AppError::validation(
            "input.intentions",
            "bundle at least one intention",
        ));
    }
    if new.seats < new.intention_ids.len() as i32 || new.seats > 500 {
        return Err(AppError::validation(
            "input.seats",
            "at least the intentions bundled, at most 500",
        ));
    }
    let found = intentions_by_ids(db, &new.intention_ids).await?;
    for (i, id) in new.intention_ids.iter().enumerate() {
        let ok = found.get(id).is_some_and(|it| {
            it.status == IntentionStatus::Open
                && it.region_id == region_id
                && it.level == new.level
                && (new.occupation.as_str() == it.occupation_prefix
                    || new
                        .occupation
                        .as_str()
                        .starts_with(&format!("{}-", it.occupation_prefix)))
        });
        if !ok {
            return Err(AppError::validation(
                format!("input.intentions[{i}]"),
                "not an open intention of your region for this occupation and level",
            ));
        }
    }
    let txn = crate::domain::begin_write(db).await?;
    let saved = training_order::Entity::insert(training_order::ActiveModel {
        region_id: Set(region_id),
        occupation_code: Set(new.occupation.as_str().to_owned()),
        level: Set(new.level),
        schedule: Set(new.schedule),
        seats: Set(new.seats),
        deadline: Set(new.deadline),
        provider_id: Set(provider.id),
        status: Set(OrderStatus::Dispatched),
        decline_reason: Set(None),
        cohort_id: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await?;
    let moved = training_intention::Entity::update_many()
        .col_expr(
            training_intention::Column::Status,
            Expr::value(IntentionStatus::Dispatched),
        )
        .col_expr(training_intention::Column::OrderId, Expr::value(saved.id))
        .filter(training_intention::Column::Id.is_in(new.intention_ids.clone()))
        .filter(training_intention::Column::Status.eq(IntentionStatus::Open))
        .exec(&txn)
        .await?;
    if moved.rows_affected != new.intention_ids.len() as u64 {
        return Err(AppError::Conflict(
            "an intention changed meanwhile; try again".to_owned(),
        ));
    }
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "dispatchTrainingOrder",
            target_type: "TrainingOrder",
            target_id: NodeKey::TrainingOrder(saved.id).to_id().0,
            region_id: Some(region_id),
            changes: Some(json!({ "provider": NodeKey::Organization(provider.id).to_id().0, "occupation": saved.occupation_code, "seats": saved.seats, "intentions": new.intention_ids.len() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

async fn order_for_provider(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<training_order::Model> {
    let provider_id = policy::publish_resources(&caller.viewer)?;
    let order = training_order::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("training order"))?;
    if order.provider_id != provider_id {
        return Err(AppError::Forbidden(
            "the order was dispatched to another provider".to_owned(),
        ));
    }
    if order.status != OrderStatus::Dispatched {
        return Err(AppError::Conflict(
            "the order is no longer DISPATCHED".to_owned(),
        ));
    }
    if order.deadline < Utc::now().date_naive() {
        return Err(AppError::validation(
            "status",
            "the order's deadline has passed",
        ));
    }
    Ok(order)
}

/// Accepts an order (its provider), in one transaction: the order moves DISPATCHED → ACCEPTED by
/// a conditional `UPDATE` (its first statement: of two concurrent accepts, or an accept and a
/// decline, one wins and the other gets `CONFLICT` with nothing written), a PROJECT_TRAINING
/// cohort opens with the order's occupation, level and seats in one of the provider's alliances
/// of the region, and the bundled learners are enrolled; their intentions become MATCHED (one
/// whose learner cannot be enrolled, say because they hold a subsidised training of this
/// occupation and level already, opens again). A failure half-way leaves nothing behind.
pub async fn accept(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<training_order::Model> {
    expire_due(db).await?;
    let order = order_for_provider(db, caller, id).await?;
    let alliance = alliance::Entity::find()
        .inner_join(membership::Entity)
        .filter(membership::Column::OrganizationId.eq(order.provider_id))
        .filter(membership::Column::LeftOn.is_null())
        .filter(alliance::Column::RegionId.eq(order.region_id))
        .order_by_asc(alliance::Column::Id)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::Conflict(
                "the provider no longer belongs to an alliance of the region".to_owned(),
            )
        })?;
    let txn = crate::domain::begin_write(db).await?;
    crate::domain::decisive(
        &txn,
        training_order::Entity::update_many()
            .col_expr(
                training_order::Column::Status,
                Expr::value(OrderStatus::Accepted),
            )
            .filter(training_order::Column::Id.eq(order.id))
            .filter(training_order::Column::Status.eq(OrderStatus::Dispatched)),
        "the order was accepted or declined meanwhile",
    )
    .await?;
    let start = Utc::now().date_naive() + Days::new(14);
    let cohort = cohorts::create_in(
        &txn,
        caller,
        NewCohort {
            kind: CohortKind::ProjectTraining,
            name: format!("派单项目班 {}", order.id),
            enterprise_id: None,
            provider_id: order.provider_id,
            alliance: AllianceCode::parse(&alliance.code).map_err(AppError::internal)?,
            occupation: OccupationCode::parse(&order.occupation_code)
                .map_err(AppError::internal)?,
            target_level: order.level,
            capacity: order.seats,
            start_on: start,
            end_on: start + Days::new(90),
            subsidized: true,
            demand_ids: vec![],
        },
    )
    .await?;
    let bundled = training_intention::Entity::find()
        .filter(training_intention::Column::OrderId.eq(order.id))
        .filter(training_intention::Column::Status.eq(IntentionStatus::Dispatched))
        .order_by_asc(training_intention::Column::Id)
        .all(&txn)
        .await?;
    let mut matched = Vec::new();
    let mut reopened = Vec::new();
    for intention in &bundled {
        // Each enrolment in a savepoint: a learner refused (a second subsidy, a full cohort)
        // rolls back their enrolment only.
        let savepoint = sea_orm::TransactionTrait::begin(&txn).await?;
        match cohorts::enroll_in(
            &savepoint,
            caller,
            &cohort,
            intention.learner_id,
            policy::EnrolmentBasis::Ordered,
            None,
        )
        .await
        {
            Ok(_) => {
                savepoint.commit().await?;
                matched.push(intention.id);
            }
            Err(err @ (AppError::Conflict(_) | AppError::Validation { .. })) => {
                savepoint.rollback().await?;
                tracing::info!(intention = intention.id, error = %err, "an accepted order could not enrol a learner");
                reopened.push(intention.id);
            }
            Err(err) => return Err(err),
        }
    }
    training_intention::Entity::update_many()
        .col_expr(
            training_intention::Column::Status,
            Expr::value(IntentionStatus::Matched),
        )
        .filter(training_intention::Column::Id.is_in(matched.clone()))
        .exec(&txn)
        .await?;
    training_intention::Entity::update_many()
        .col_expr(
            training_intention::Column::Status,
            Expr::value(IntentionStatus::Open),
        )
        .col_expr(
            training_intention::Column::OrderId,
            Expr::value(Option::<i32>::None),
        )
        .filter(training_intention::Column::Id.is_in(reopened.clone()))
        .exec(&txn)
        .await?;
    training_order::Entity::update_many()
        .col_expr(
            training_order::Column::CohortId,
            Expr::value(Some(cohort.id)),
        )
        .filter(training_order::Column::Id.eq(order.id))
        .exec(&txn)
        .await?;
    let saved = training_order::Entity::find_by_id(order.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("an order vanished in its transaction"))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "acceptTrainingOrder",
            target_type: "TrainingOrder",
            target_id: NodeKey::TrainingOrder(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(json!({ "cohort": NodeKey::Cohort(cohort.id).to_id().0, "enrolled": matched.len(), "reopened": reopened.len() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Declines an order (its provider), with a reason; its intentions open again.
pub async fn decline(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    reason: String,
) -> AppResult<training_order::Model> {
    expire_due(db).await?;
    let order = order_for_provider(db, caller, id).await?;
    let txn = crate::domain::begin_write(db).await?;
    // The decisive statement: of a decline and a concurrent accept or decline, one wins.
    crate::domain::decisive(
        &txn,
        training_order::Entity::update_many()
            .col_expr(
                training_order::Column::Status,
                Expr::value(OrderStatus::Declined),
            )
            .col_expr(
                training_order::Column::DeclineReason,
                Expr::value(Some(reason.clone())),
            )
            .filter(training_order::Column::Id.eq(order.id))
            .filter(training_order::Column::Status.eq(OrderStatus::Dispatched)),
        "the order was accepted or declined meanwhile",
    )
    .await?;
    let saved = training_order::Entity::find_by_id(order.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("an order vanished in its transaction"))?;
    reopen(&txn, &[order.id]).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "declineTrainingOrder",
            target_type: "TrainingOrder",
            target_id: NodeKey::TrainingOrder(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(json!({ "reason": reason })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Which intentions to list, within the caller's learner scope.
#[derive(Debug, Clone, Default)]
pub struct IntentionFilter {
    /// In these statuses (all when empty).
    pub statuses: Vec<IntentionStatus>,
}

fn select_intentions(
    scope: policy::LearnerScope,
    filter: &IntentionFilter,
) -> Select<training_intention::Entity> {
    let mut cond = Condition::all();
    if !filter.statuses.is_empty() {
        cond = cond.add(training_intention::Column::Status.is_in(filter.statuses.clone()));
    }
    cond = match scope {
        policy::LearnerScope::All => cond,
        policy::LearnerScope::Region(r) => cond.add(training_intention::Column::RegionId.eq(r)),
        policy::LearnerScope::Provider { org, .. } => {
            cond.add(training_intention::Column::SubmittedById.eq(org))
        }
        policy::LearnerScope::Only(l) => cond.add(training_intention::Column::LearnerId.eq(l)),
    };
    training_intention::Entity::find().filter(cond)
}

/// One page of intentions the caller may see.
pub async fn list_intentions(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &IntentionFilter,
    request: &PageRequest,
) -> AppResult<Page<training_intention::Model>> {
    expire_due(db).await?;
    let scope = policy::learner_scope(&caller.viewer, &caller.access)?;
    let ordering = Ordering {
        name: "intentions:id:asc".to_owned(),
        keys: vec![SortKey::column(
            training_intention::Column::Id,
            false,
            KeyKind::Int,
            |m: &training_intention::Model| CursorValue::Int(i64::from(m.id)),
        )],
    };
    page::fetch_page(db, select_intentions(scope, filter), &ordering, request).await
}

/// Orders the caller may see: the regulator's region, a provider's own, everything for a system
/// administrator.
pub async fn list_orders(
    db: &DatabaseConnection,
    caller: &Caller,
    request: &PageRequest,
) -> AppResult<Page<training_order::Model>> {
    expire_due(db).await?;
    let cond = match policy::order_scope(&caller.viewer)? {
        OrderScope::All => Condition::all(),
        OrderScope::Region(r) => Condition::all().add(training_order::Column::RegionId.eq(r)),
        OrderScope::Provider(p) => Condition::all().add(training_order::Column::ProviderId.eq(p)),
    };
    let ordering = Ordering {
        name: "orders:id:asc".to_owned(),
        keys: vec![SortKey::column(
            training_order::Column::Id,
            false,
            KeyKind::Int,
            |m: &training_order::Model| CursorValue::Int(i64::from(m.id)),
        )],
    };
    page::fetch_page(
        db,
        training_order::Entity::find().filter(cond),
        &ordering,
        request,
    )
    .await
}

/// Withdraws an OPEN intention: the learner, or a provider or regulator with the learner in scope.
pub async fn withdraw(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<training_intention::Model> {
    let found = intentions_by_ids(db, &[id])
        .await?
        .remove(&id)
        .ok_or_else(|| AppError::not_found("training intention"))?;
    policy::intention_scope(&caller.viewer, &caller.access)?;
    if !learners::is_full(db, caller, &caller.access, found.learner_id).await? {
        return Err(AppError::Forbidden(
            "this intention is outside your scope".to_owned(),
        ));
    }
    if found.status != IntentionStatus::Open {
        return Err(AppError::Conflict(
            "only an OPEN intention can be withdrawn".to_owned(),
        ));
    }
    let txn = crate::domain::begin_write(db).await?;
    // The decisive statement: an intention dispatched meanwhile is not withdrawn under the order.
    crate::domain::decisive(
        &txn,
        training_intention::Entity::update_many()
            .col_expr(
                training_intention::Column::Status,
                Expr::value(IntentionStatus::Withdrawn),
            )
            .filter(training_intention::Column::Id.eq(found.id))
            .filter(training_intention::Column::Status.eq(IntentionStatus::Open)),
        "the intention was dispatched or withdrawn meanwhile",
    )
    .await?;
    let saved = training_intention::Entity::find_by_id(found.id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("an intention vanished in its transaction"))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "withdrawTrainingIntention",
            target_type: "TrainingIntention",
            target_id: NodeKey::TrainingIntention(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(json!({ "status": { "from": "OPEN", "to": "WITHDRAWN" } })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}
