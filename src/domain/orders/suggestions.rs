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
    let exact = prefix.as_str().len() == 10;
    let preferred = schedules_of(intention);
    let today = Utc::now().date_naive();
    let barred = crate::domain::institutions::credit::barred_providers();
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
            .filter(crate::domain::training::resources::current())
            .filter(
                Expr::col(open_resource::Column::SeatsTaken)
                    .lt(Expr::col(open_resource::Column::Seats)),
            )
            .filter(open_resource::Column::Schedule.is_in(preferred.clone()))
            .filter(open_resource::Column::StartOn.gte(intention.earliest_start))
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
