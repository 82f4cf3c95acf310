//! Job suggestions: the open demands a learner qualifies for, scored (see the module's docs).

use super::*;

/// A demand suggested for a learner, with its score and reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSuggestion {
    /// The demand.
    pub demand: demand::Model,
    /// The total, 0–100.
    pub score: f64,
    /// Why, criterion by criterion.
    pub reasons: Vec<Reason>,
}

/// The job suggestions for a learner, best first (see the module docs for the score).
pub async fn job_suggestions(
    db: &DatabaseConnection,
    learner: &learner::Model,
    limit: usize,
) -> AppResult<Vec<JobSuggestion>> {
    let quals = qualifications(db, &[learner.id])
        .await?
        .remove(&learner.id)
        .unwrap_or_default();
    if quals.is_empty() {
        return Ok(vec![]);
    }
    let candidates = open_demands_for(db, learner, &quals).await?;
    let point = training_intention::Entity::find()
        .filter(training_intention::Column::LearnerId.eq(learner.id))
        .filter(training_intention::Column::Latitude.is_not_null())
        .filter(training_intention::Column::Longitude.is_not_null())
        .order_by_desc(training_intention::Column::Id)
        .one(db)
        .await?
        .and_then(|i| i.latitude.zip(i.longitude));
    let now = Utc::now();
    let mut out = Vec::new();
    for d in candidates {
        let Some((fit, q)) = quals
            .iter()
            .filter_map(|q| fit(q, &d.occupation_code, d.level).map(|f| (f, q)))
            .max_by_key(|(f, q)| (*f, std::cmp::Reverse(level_rank(q.level))))
        else {
            continue;
        };
        let reasons = vec![
            occupation_reason(fit, q, &d),
            level_reason(q, &d),
            distance_reason(point, learner, &d),
            wage_reason(&d),
            recency_reason(now, &d),
        ];
        let score = round(reasons.iter().map(|r| r.points).sum());
        out.push(JobSuggestion {
            demand: d,
            score,
            reasons,
        });
    }
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.demand.posted_at.cmp(&a.demand.posted_at))
            .then(a.demand.id.cmp(&b.demand.id))
    });
    out.truncate(limit);
    Ok(out)
}

/// Open, unexpired demands in the major groups of the learner's qualifications that nobody has
/// recommended to the learner yet.
async fn open_demands_for(
    db: &DatabaseConnection,
    learner: &learner::Model,
    quals: &[Qualification],
) -> AppResult<Vec<demand::Model>> {
    let mut occupations = Condition::any();
    for group in quals
        .iter()
        .map(|q| major_group(&q.occupation_code).to_owned())
        .collect::<BTreeSet<_>>()
    {
        occupations = occupations.add(
            Expr::col(demand::Column::OccupationCode).like(LikeExpr::new(format!("{group}-%"))),
        );
    }
    let recommended = Query::select()
        .column(recommendation::Column::DemandId)
        .from(recommendation::Entity)
        .and_where(Expr::col(recommendation::Column::LearnerId).eq(learner.id))
        .to_owned();
    Ok(demand::Entity::find()
        .filter(demand::Column::Status.eq(DemandStatus::Open))
        .filter(demand::Column::ValidUntil.gte(Utc::now().date_naive()))
        .filter(occupations)
        .filter(demand::Column::Id.not_in_subquery(recommended))
        .all(db)
        .await?)
}

fn occupation_reason(fit: OccupationFit, q: &Qualification, d: &demand::Model) -> Reason {
    match fit {
        OccupationFit::Exact => Reason {
            criterion: "OCCUPATION",
            value: d.occupation_code.clone(),
            points: 40.0,
            weight: 40.0,
            text: format!(
                "wants {}, the occupation of your {}",
                d.occupation_code,
                if q.certified {
                    "certificate"
                } else {
                    "training"
                }
            ),
        },
        OccupationFit::Group => Reason {
            criterion: "OCCUPATION",
            value: d.occupation_code.clone(),
            points: 25.0,
            weight: 40.0,
            text: format!(
                "wants {}, in the major group {} of your {}",
                d.occupation_code,
                major_group(&d.occupation_code),
                q.occupation_code
            ),
        },
    }
}

fn level_reason(q: &Qualification, d: &demand::Model) -> Reason {
    let below = level_rank(q.level) - level_rank(d.level);
    Reason {
        criterion: "LEVEL",
        value: format!("{:?}", d.level),
        points: match below {
            0 => 20.0,
            1 => 14.0,
            _ => 8.0,
        },
        weight: 20.0,
        text: match below {
            0 => "at your level".to_owned(),
            n => format!("{n} level(s) below yours"),
        },
    }
}

/// How far the work is: from the learner's point (their latest intention's) when both have one,
/// else the same region or another.
fn distance_reason(
    point: Option<(f64, f64)>,
    learner: &learner::Model,
    d: &demand::Model,
) -> Reason {
    match (point, d.latitude.zip(d.longitude)) {
        (Some((lat, lng)), Some((dlat, dlng))) => {
            let km = Near {
                latitude: lat,
                longitude: lng,
                radius_km: 100.0,
            }
            .distance_km(dlat, dlng);
            Reason {
                criterion: "DISTANCE",
                value: format!("{km:.1} km"),
                points: round((20.0 * (1.0 - km / 100.0)).max(0.0)),
                weight: 20.0,
                text: format!("{km:.1} km from you"),
            }
        }
        _ if d.region_id == learner.region_id => Reason {
            criterion: "DISTANCE",
            value: "same region".to_owned(),
            points: 12.0,
            weight: 20.0,
            text: "in your region".to_owned(),
        },
        _ => Reason {
            criterion: "DISTANCE",
            value: "other region".to_owned(),
            points: 0.0,
            weight: 20.0,
            text: "in another region".to_owned(),
        },
    }
}

fn wage_reason(d: &demand::Model) -> Reason {
    Reason {
        criterion: "WAGE",
        value: format!("{}–{} CNY", d.wage_min, d.wage_max),
        points: round((10.0 * f64::from(d.wage_max - 3_000) / 7_000.0).clamp(0.0, 10.0)),
        weight: 10.0,
        text: format!("pays up to {} CNY a month", d.wage_max),
    }
}

fn recency_reason(now: chrono::DateTime<Utc>, d: &demand::Model) -> Reason {
    let age = d
        .posted_at
        .map(|p| (now - p).num_days())
        .unwrap_or(i64::MAX);
    Reason {
        criterion: "RECENCY",
        value: if age == i64::MAX {
            "unknown".to_owned()
        } else {
            format!("{age} days")
        },
        points: match age {
            ..=7 => 10.0,
            8..=30 => 6.0,
            31..=90 => 3.0,
            _ => 0.0,
        },
        weight: 10.0,
        text: if age == i64::MAX {
            "posting day unknown".to_owned()
        } else {
            format!("posted {age} days ago")
        },
    }
}
