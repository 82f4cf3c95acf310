//! Suggested resources for an intention, scored with their reasons.

use super::*;

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
    let preferred = schedules_of(intention);
    let (resources, resource_codes) = open_resources(db, intention, &prefix, &preferred).await?;
    let cohorts = if preferred.contains(&Schedule::Daytime) {
        planned_cohorts(db, intention, &prefix).await?
    } else {
        vec![]
    };
    let provider_ids: Vec<i32> = resources
        .iter()
        .map(|r| r.provider_id)
        .chain(cohorts.iter().map(|c| c.provider_id))
        .collect();
    let scorer = Scorer {
        intention,
        exact: prefix.as_str().len() == 10,
        prefix,
        preferred,
        providers: organization::Entity::find()
            .filter(organization::Column::Id.is_in(provider_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect(),
        listed: listed_occupations(db, intention).await?,
        travel: match (
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
        },
    };
    let mut out: Vec<Suggestion> = resources
        .into_iter()
        .filter_map(|r| {
            let codes = resource_codes.get(&r.id).cloned().unwrap_or_default();
            scorer.resource(r, &codes)
        })
        .chain(cohorts.into_iter().map(|c| scorer.cohort(c)))
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.rank_key().cmp(&b.rank_key()))
    });
    out.truncate(limit);
    Ok(out)
}

/// Current open resources with free seats that train for the intention's occupations at its
/// level, on a schedule it accepts, from its earliest start; with the matching occupation codes of
/// each.
async fn open_resources(
    db: &DatabaseConnection,
    intention: &training_intention::Model,
    prefix: &OccupationPrefix,
    preferred: &[Schedule],
) -> AppResult<(Vec<open_resource::Model>, HashMap<i32, Vec<String>>)> {
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
    if resource_codes.is_empty() {
        return Ok((vec![], resource_codes));
    }
    let resources = open_resource::Entity::find()
        .filter(open_resource::Column::Id.is_in(resource_codes.keys().copied()))
        .filter(crate::domain::training::resources::current())
        .filter(
            Expr::col(open_resource::Column::SeatsTaken)
                .lt(Expr::col(open_resource::Column::Seats)),
        )
        .filter(open_resource::Column::Schedule.is_in(preferred.to_vec()))
        .filter(open_resource::Column::StartOn.gte(intention.earliest_start))
        .all(db)
        .await?;
    Ok((resources, resource_codes))
}

/// PLANNED cohorts with free places in the intention's region, for its occupations at its level,
/// starting from its earliest start (and not before today), of providers not barred.
async fn planned_cohorts(
    db: &DatabaseConnection,
    intention: &training_intention::Model,
    prefix: &OccupationPrefix,
) -> AppResult<Vec<cohort::Model>> {
    let today = Utc::now().date_naive();
    let in_region = Query::select()
        .column(alliance::Column::Id)
        .from(alliance::Entity)
        .and_where(Expr::col(alliance::Column::RegionId).eq(intention.region_id))
        .to_owned();
    Ok(cohort::Entity::find()
        .filter(
            Expr::col(cohort::Column::OccupationCode).like(LikeExpr::new(prefix.like_pattern())),
        )
        .filter(cohort::Column::TargetLevel.eq(intention.level))
        .filter(cohort::Column::Status.eq(CohortStatus::Planned))
        .filter(Expr::col(cohort::Column::Enrolled).lt(Expr::col(cohort::Column::Capacity)))
        .filter(cohort::Column::StartOn.gte(std::cmp::max(intention.earliest_start, today)))
        .filter(cohort::Column::AllianceId.in_subquery(in_region))
        .filter(
            cohort::Column::ProviderId
                .not_in_subquery(crate::domain::institutions::credit::barred_providers()),
        )
        .all(db)
        .await?)
}

/// The occupations the region's catalogue lists at the intention's level (subsidised there).
async fn listed_occupations(
    db: &DatabaseConnection,
    intention: &training_intention::Model,
) -> AppResult<Vec<String>> {
    Ok(catalogue_item::Entity::find()
        .filter(catalogue_item::Column::RegionId.eq(intention.region_id))
        .filter(catalogue_item::Column::Level.eq(intention.level))
        .filter(catalogue_item::Column::Status.eq(CatalogueItemStatus::Listed))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.occupation_code)
        .collect())
}

/// Scores candidates against one intention, criterion by criterion.
struct Scorer<'a> {
    intention: &'a training_intention::Model,
    prefix: OccupationPrefix,
    /// The intention names one occupation, not a group.
    exact: bool,
    preferred: Vec<Schedule>,
    providers: HashMap<i32, organization::Model>,
    listed: Vec<String>,
    travel: Option<Near>,
}

impl Scorer<'_> {
    /// An open resource's suggestion; none when it is out of the learner's reach.
    fn resource(&self, r: open_resource::Model, codes: &[String]) -> Option<Suggestion> {
        let distance = self.distance(&r)?;
        let subsidised = r.subsidy_eligible && codes.iter().any(|c| self.listed.contains(c));
        let reasons = vec![
            self.occupation(codes),
            self.level(),
            distance,
            self.schedule(r.schedule),
            self.provider(r.provider_id),
            subsidy(subsidised),
        ];
        Some(suggestion(Suggested::Resource(r), reasons))
    }

    /// A planned cohort's suggestion (a daytime class in the learner's region).
    fn cohort(&self, c: cohort::Model) -> Suggestion {
        let subsidised = c.subsidized && self.listed.contains(&c.occupation_code);
        let reasons = vec![
            self.occupation(std::slice::from_ref(&c.occupation_code)),
            self.level(),
            Reason {
                criterion: "DISTANCE",
                value: "same region".to_owned(),
                points: 10.0,
                weight: 20.0,
                text: "a class in your region".to_owned(),
            },
            self.schedule(Schedule::Daytime),
            self.provider(c.provider_id),
            subsidy(subsidised),
        ];
        suggestion(Suggested::Cohort(c), reasons)
    }

    /// How far a resource is: online is no travel; within the learner's radius scores by
    /// distance; without a radius, the learner's region scores half; anything else is out of
    /// reach (`None`).
    fn distance(&self, r: &open_resource::Model) -> Option<Reason> {
        match (
            &self.travel,
            r.latitude.zip(r.longitude),
            r.schedule == Schedule::Online,
        ) {
            (_, _, true) => Some(Reason {
                criterion: "DISTANCE",
                value: "online".to_owned(),
                points: 20.0,
                weight: 20.0,
                text: "online: no travel".to_owned(),
            }),
            (Some(near), Some((lat, lng)), false) => {
                let km = near.distance_km(lat, lng);
                (km <= near.radius_km).then(|| Reason {
                    criterion: "DISTANCE",
                    value: format!("{km:.1} km"),
                    points: round(20.0 * (1.0 - km / near.radius_km)),
                    weight: 20.0,
                    text: format!("{km:.1} km away, within your {} km", near.radius_km),
                })
            }
            (Some(_), None, false) => None,
            (None, _, false) if r.region_id == self.intention.region_id => Some(Reason {
                criterion: "DISTANCE",
                value: "same region".to_owned(),
                points: 10.0,
                weight: 20.0,
                text: "in your region".to_owned(),
            }),
            (None, _, false) => None,
        }
    }

    fn occupation(&self, codes: &[String]) -> Reason {
        if self.exact {
            Reason {
                criterion: "OCCUPATION",
                value: self.prefix.as_str().to_owned(),
                points: 30.0,
                weight: 30.0,
                text: format!(
                    "trains for {}, the occupation you want",
                    self.prefix.as_str()
                ),
            }
        } else {
            Reason {
                criterion: "OCCUPATION",
                value: codes.first().cloned().unwrap_or_default(),
                points: 20.0,
                weight: 30.0,
                text: format!(
                    "trains for {}, within the group {} you want",
                    codes.first().map(String::as_str).unwrap_or_default(),
                    self.prefix.as_str()
                ),
            }
        }
    }

    fn level(&self) -> Reason {
        Reason {
            criterion: "LEVEL",
            value: format!("{:?}", self.intention.level),
            points: 20.0,
            weight: 20.0,
            text: "at the level you want".to_owned(),
        }
    }

    fn schedule(&self, s: Schedule) -> Reason {
        let rank = self
            .preferred
            .iter()
            .position(|p| *p == s)
            .unwrap_or(usize::MAX);
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
    }

    fn provider(&self, provider_id: i32) -> Reason {
        let org = self.providers.get(&provider_id);
        let name = org.map(|o| o.name.as_str()).unwrap_or_default();
        let (stars, text) = match org.and_then(|o| o.credit_stars) {
            Some(s) => (f64::from(s), format!("{name} is rated {s} credit stars")),
            None if org.is_some_and(|o| o.kind == OrganizationKind::College) => {
                (3.0, format!("{name} is a public college"))
            }
            None => (0.0, "the provider is not rated yet".to_owned()),
        };
        Reason {
            criterion: "PROVIDER",
            value: format!("{stars} stars"),
            points: stars * 2.0,
            weight: 10.0,
            text,
        }
    }
}

fn subsidy(subsidised: bool) -> Reason {
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
    }
}

/// A suggestion scored as the sum of its reasons' points.
fn suggestion(item: Suggested, reasons: Vec<Reason>) -> Suggestion {
    Suggestion {
        item,
        score: round(reasons.iter().map(|x| x.points).sum()),
        reasons,
    }
}
