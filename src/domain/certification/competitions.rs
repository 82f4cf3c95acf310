//! Skills competitions (职业技能竞赛) and enterprises' contests (比武): announced by their
//! organizer, with entrants (people entered through the person gate, or entering themselves),
//! results, and the promotion their rules grant (以赛代评), issued as COMPETITION certificates
//! by the competition's assessment body.

use entity::{
    CompetitionAward, CompetitionLevel, CompetitionStatus, competition, competition_alliance,
    competition_entrant, competition_occupation, competition_rule,
};

use super::*;
use crate::domain::kernel::input::Text;

/// The most occupations a competition holds.
pub const MAX_OCCUPATIONS: usize = 20;
/// The longest a competition lasts, in days.
pub const MAX_DAYS: i64 = 60;
/// The lowest rank a result or a rule names.
pub const MAX_RANK: i32 = 10_000;

/// A promotion rule: the ranks up to `up_to_rank` reach `grant_level`, or the next level above
/// the one they hold when none is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromotionRule {
    /// The lowest rank covered, 1 to [`MAX_RANK`].
    pub up_to_rank: i32,
    /// The level granted; `None` for the next level.
    pub grant_level: Option<SkillLevel>,
}

/// A competition to announce.
#[derive(Debug, Clone)]
pub struct NewCompetition {
    /// Its name.
    pub name: Text<80>,
    /// Its level.
    pub level: CompetitionLevel,
    /// Its alliances (required for ALLIANCE).
    pub alliances: Vec<AllianceCode>,
    /// Its occupations, 1 to [`MAX_OCCUPATIONS`].
    pub occupations: Vec<OccupationCode>,
    /// The first day.
    pub starts_on: NaiveDate,
    /// The last day, at most [`MAX_DAYS`] after the first.
    pub ends_on: NaiveDate,
    /// The venue.
    pub venue: Text<200>,
    /// The assessment body that issues the promotions (an Organization id), required with rules.
    pub body_organization: Option<i32>,
    /// The promotion rules (national, provincial and city class 1 competitions only).
    pub rules: Vec<PromotionRule>,
}

/// The levels whose results may promote (以赛代评): national, provincial, city class 1.
pub fn promotes(level: CompetitionLevel) -> bool {
    matches!(
        level,
        CompetitionLevel::National | CompetitionLevel::Provincial | CompetitionLevel::CityClass1
    )
}

/// What the policy decides a competition on.
pub async fn competition_facts(
    db: &impl ConnectionTrait,
    c: &competition::Model,
) -> AppResult<policy::CompetitionFacts> {
    Ok(policy::CompetitionFacts {
        level: c.level,
        region_id: c.region_id,
        organizer_id: c.organizer_id,
        alliance_ids: competition_alliance::Entity::find()
            .filter(competition_alliance::Column::CompetitionId.eq(c.id))
            .all(db)
            .await?
            .into_iter()
            .map(|a| a.alliance_id)
            .collect(),
    })
}

async fn check_rules(
    db: &DatabaseConnection,
    new: &NewCompetition,
) -> AppResult<Option<assessment_body::Model>> {
    if new.rules.is_empty() {
        return match new.body_organization {
            Some(_) => Err(AppError::validation(
                "input.body",
                "a body is named with promotion rules only",
            )),
            None => Ok(None),
        };
    }
    if !promotes(new.level) {
        return Err(AppError::validation(
            "input.rules",
            "only national, provincial and city class 1 competitions promote",
        ));
    }
    let mut ranks = BTreeSet::new();
    for (i, rule) in new.rules.iter().enumerate() {
        if !(1..=MAX_RANK).contains(&rule.up_to_rank) || !ranks.insert(rule.up_to_rank) {
            return Err(AppError::validation(
                format!("input.rules[{i}].upToRank"),
                format!("1 to {MAX_RANK}, each rank once"),
            ));
        }
        if rule.grant_level.is_some_and(|l| level_digit(l).is_none()) {
            return Err(AppError::validation(
                format!("input.rules[{i}].grantLevel"),
                "one of the five national levels",
            ));
        }
    }
    let org = new
        .body_organization
        .ok_or_else(|| AppError::validation("input.body", "promotion rules need a body"))?;
    let body = assessment_body::Entity::find()
        .filter(assessment_body::Column::OrganizationId.eq(org))
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.body", "not a filed assessment body"))?;
    if body.status != BodyStatus::Active {
        return Err(AppError::validation("input.body", "the body is not active"));
    }
    let scope: HashMap<String, SkillLevel> = assessment_scope::Entity::find()
        .filter(assessment_scope::Column::BodyId.eq(body.id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.occupation_code, s.max_level))
        .collect();
    let highest = new.rules.iter().filter_map(|r| r.grant_level).max();
    for code in &new.occupations {
        match scope.get(code.as_str()) {
            Some(max) if highest.is_none_or(|h| h <= *max) => {}
            Some(_) => {
                return Err(AppError::validation(
                    "input.rules",
                    format!("the body may not certify {code} at the level granted"),
                ));
            }
            None => {
                return Err(AppError::validation(
                    "input.body",
                    format!("{code} is outside the body's scope"),
                ));
            }
        }
    }
    Ok(Some(body))
}

/// Announces a competition ([`policy::may_organize_competition`] decides who and for which
/// region). Refused with nothing written on a bad field.
pub async fn announce_competition(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewCompetition,
) -> AppResult<competition::Model> {
    let alliance_ids: BTreeSet<i32> =
        crate::domain::network::alliances::ids_of_codes(db, &new.alliances).await?;
    if alliance_ids.len()
        != new
            .alliances
            .iter()
            .map(|a| a.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    {
        return Err(AppError::validation(
            "input.alliances",
            "no alliance has a code given",
        ));
    }
    let organizer = policy::may_organize_competition(&caller.viewer, new.level, &alliance_ids)?;
    let (region_id, organizer_id) = match organizer {
        policy::CompetitionOrganizer::Regulator { region, bureau } => {
            // A regulator's competition names alliances of its own region.
            let code = region::Entity::find_by_id(region)
                .one(db)
                .await?
                .ok_or_else(|| AppError::internal("a token for a missing region"))?
                .code;
            let ours = alliance::Entity::find()
                .filter(alliance::Column::Id.is_in(alliance_ids.iter().copied()))
                .filter(alliance::Column::RegionId.in_subquery(
                    crate::domain::network::regions::within(&[
                        RegionCode::parse(&code).map_err(|e| AppError::internal(e.to_string()))?,
                    ]),
                ))
                .all(db)
                .await?
                .len();
            if ours != alliance_ids.len() {
                return Err(AppError::validation(
                    "input.alliances",
                    "alliances of the regulator's region",
                ));
            }
            (region, bureau)
        }
        policy::CompetitionOrganizer::Enterprise(org) => (
            organization::Entity::find_by_id(org)
                .one(db)
                .await?
                .ok_or_else(|| AppError::internal("a token for a missing organization"))?
                .region_id,
            Some(org),
        ),
        policy::CompetitionOrganizer::Alliances => {
            let regions: BTreeSet<i32> = alliance::Entity::find()
                .filter(alliance::Column::Id.is_in(alliance_ids.iter().copied()))
                .all(db)
                .await?
                .into_iter()
                .map(|a| a.region_id)
                .collect();
            match regions.into_iter().collect::<Vec<_>>()[..] {
                [region] => (region, None),
                _ => {
                    return Err(AppError::validation(
                        "input.alliances",
                        "alliances of one region",
                    ));
                }
            }
        }
    };
    let codes: BTreeSet<&str> = new.occupations.iter().map(|c| c.as_str()).collect();
    if codes.is_empty() || codes.len() > MAX_OCCUPATIONS || codes.len() != new.occupations.len() {
        return Err(AppError::validation(
            "input.occupations",
            format!("1 to {MAX_OCCUPATIONS} occupations, each once"),
        ));
    }
    let known = occupation::Entity::find()
        .filter(occupation::Column::Code.is_in(codes.iter().copied()))
        .all(db)
        .await?
        .len();
    if known != codes.len() {
        return Err(AppError::validation(
            "input.occupations",
            "not an occupation of the classification",
        ));
    }
    if new.ends_on < new.starts_on || (new.ends_on - new.starts_on).num_days() > MAX_DAYS {
        return Err(AppError::validation(
            "input.endsOn",
            format!("on or after the first day, at most {MAX_DAYS} days later"),
        ));
    }
    let body = check_rules(db, &new).await?;
    let txn = crate::domain::begin_write(db).await?;
    let saved = competition::Entity::insert(competition::ActiveModel {
        name: Set(new.name.as_str().to_owned()),
        level: Set(new.level),
        region_id: Set(region_id),
        organizer_id: Set(organizer_id),
        body_id: Set(body.as_ref().map(|b| b.id)),
        starts_on: Set(new.starts_on),
        ends_on: Set(new.ends_on),
        venue: Set(new.venue.as_str().to_owned()),
        status: Set(CompetitionStatus::Scheduled),
        created_at: Set(Utc::now()),
        results_published_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await?;
    for code in &codes {
        competition_occupation::Entity::insert(competition_occupation::ActiveModel {
            competition_id: Set(saved.id),
            occupation_code: Set((*code).to_owned()),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    for id in &alliance_ids {
        competition_alliance::Entity::insert(competition_alliance::ActiveModel {
            competition_id: Set(saved.id),
            alliance_id: Set(*id),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    for rule in &new.rules {
        competition_rule::Entity::insert(competition_rule::ActiveModel {
            competition_id: Set(saved.id),
            up_to_rank: Set(rule.up_to_rank as i16),
            grant_level: Set(rule.grant_level),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "announceCompetition",
            target_type: "Competition",
            target_id: NodeKey::Competition(saved.id).to_id().0,
            region_id: Some(region_id),
            changes: Some(json!({
                "name": saved.name,
                "level": format!("{:?}", saved.level),
                "occupations": codes,
                "rules": new.rules.len(),
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// One competition by id (public).
pub async fn competition_by_id(
    db: &impl ConnectionTrait,
    id: i32,
) -> AppResult<Option<competition::Model>> {
    Ok(competition::Entity::find_by_id(id).one(db).await?)
}

/// One entrant by id, unscoped: callers check [`policy::competition_entrants_visible`].
pub async fn entrant_by_id(
    db: &impl ConnectionTrait,
    id: i32,
) -> AppResult<Option<competition_entrant::Model>> {
    Ok(competition_entrant::Entity::find_by_id(id).one(db).await?)
}

/// Competitions by id.
pub async fn competitions_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, competition::Model>> {
    Ok(competition::Entity::find()
        .filter(competition::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}

/// Enters a person in a SCHEDULED competition, in one of its occupations: the person themself
/// (`learner` none or their own), or its organizer ([`policy::may_run_competition`]) for a
/// person it sees through the person gate — in an enterprise's contest, one of its employees.
/// A person enters a competition once (`CONFLICT`).
pub async fn enter_competition(
    db: &DatabaseConnection,
    caller: &Caller,
    competition_id: i32,
    learner_id: Option<i32>,
    occupation: &OccupationCode,
) -> AppResult<competition_entrant::Model> {
    let found = competition_by_id(db, competition_id)
        .await?
        .ok_or_else(|| AppError::not_found("competition"))?;
    let (learner_id, entered_by, self_entered) = match (
        policy::may_enter_competition(&caller.viewer, found.level, learner_id)?,
        learner_id,
    ) {
        (Some(own), _) => (own, None, true),
        (None, None) => return Err(AppError::internal("nobody named to enter")),
        (None, Some(id)) => {
            let facts = competition_facts(db, &found).await?;
            policy::may_run_competition(&caller.viewer, &facts)?;
            let person = learner::Entity::find_by_id(id)
                .one(db)
                .await?
                .filter(|l| l.erased_at.is_none())
                .ok_or_else(|| AppError::not_found("learner"))?;
            if gate::view_of(db, caller, &caller.access, &person)
                .await?
                .is_none()
            {
                return Err(AppError::not_found("learner"));
            }
            if found.level == CompetitionLevel::Enterprise {
                let org = found.organizer_id.unwrap_or_default();
                if !super::candidates::employee_of(db, org, id).await? {
                    return Err(AppError::validation(
                        "input.learner",
                        "an enterprise's contest is among its own employees",
                    ));
                }
            }
            (id, caller.viewer.organization_id(), false)
        }
    };
    if found.status != CompetitionStatus::Scheduled {
        return Err(AppError::Conflict(
            "the competition's results are published; it takes no entrants".to_owned(),
        ));
    }
    let held = competition_occupation::Entity::find_by_id((
        competition_id,
        occupation.as_str().to_owned(),
    ))
    .one(db)
    .await?;
    if held.is_none() {
        return Err(AppError::validation(
            "input.occupation",
            "not an occupation of this competition",
        ));
    }
    let txn = crate::domain::begin_write(db).await?;
    let saved = competition_entrant::Entity::insert(competition_entrant::ActiveModel {
        competition_id: Set(competition_id),
        learner_id: Set(learner_id),
        occupation_code: Set(occupation.as_str().to_owned()),
        entered_by_id: Set(entered_by),
        self_entered: Set(self_entered),
        entered_at: Set(Utc::now()),
        rank: Set(None),
        award: Set(None),
        certificate_id: Set(None),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| {
        crate::domain::conflict_on_duplicate(e, "the person is entered in this competition already")
    })?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "enterCompetition",
            target_type: "Competition",
            target_id: NodeKey::Competition(competition_id).to_id().0,
            region_id: Some(found.region_id),
            changes: Some(json!({
                "learner": NodeKey::Learner(learner_id).to_id().0,
                "occupation": saved.occupation_code,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Which competitions to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct CompetitionFilter {
    /// Held in this region or under it.
    pub region: Option<RegionCode>,
    /// Of these levels (every level when empty).
    pub levels: Vec<CompetitionLevel>,
    /// Ending in this year.
    pub year: Option<i32>,
    /// Held by or for this alliance.
    pub alliance: Option<AllianceCode>,
    /// In this occupation or an occupation of this group.
    pub occupation: Option<OccupationPrefix>,
    /// In this standing.
    pub status: Option<CompetitionStatus>,
}

fn select_competitions(filter: &CompetitionFilter) -> Select<competition::Entity> {
    let mut cond = Condition::all();
    if let Some(region) = &filter.region {
        cond = cond.add(competition::Column::RegionId.in_subquery(
            crate::domain::network::regions::within(std::slice::from_ref(region)),
        ));
    }
    if !filter.levels.is_empty() {
        cond = cond.add(competition::Column::Level.is_in(filter.levels.clone()));
    }
    if let Some(year) = filter.year
        && let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        )
    {
        cond = cond.add(competition::Column::EndsOn.between(first, last));
    }
    if let Some(code) = &filter.alliance {
        cond = cond.add(
            competition::Column::Id.in_subquery(
                Query::select()
                    .column((
                        competition_alliance::Entity,
                        competition_alliance::Column::CompetitionId,
                    ))
                    .from(competition_alliance::Entity)
                    .inner_join(
                        alliance::Entity,
                        Expr::col((alliance::Entity, alliance::Column::Id)).equals((
                            competition_alliance::Entity,
                            competition_alliance::Column::AllianceId,
                        )),
                    )
                    .and_where(
                        Expr::col((alliance::Entity, alliance::Column::Code)).eq(code.as_str()),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(prefix) = &filter.occupation {
        cond = cond.add(
            competition::Column::Id.in_subquery(
                Query::select()
                    .column(competition_occupation::Column::CompetitionId)
                    .from(competition_occupation::Entity)
                    .and_where(
                        Expr::col(competition_occupation::Column::OccupationCode)
                            .like(LikeExpr::new(prefix.like_pattern())),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(status) = filter.status {
        cond = cond.add(competition::Column::Status.eq(status));
    }
    competition::Entity::find().filter(cond)
}

/// Latest first day first, then by id.
fn ordering() -> Ordering<competition::Entity> {
    Ordering {
        name: "competitions:starts:desc".to_owned(),
        keys: vec![
            SortKey::column(
                competition::Column::StartsOn,
                true,
                KeyKind::Date,
                |m: &competition::Model| CursorValue::Date(m.starts_on),
            ),
            SortKey::column(
                competition::Column::Id,
                true,
                KeyKind::Int,
                |m: &competition::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    }
}

/// One page of competitions (public: a competition is announced to everyone), latest first.
pub async fn list_competitions(
    db: &DatabaseConnection,
    filter: &CompetitionFilter,
    request: &PageRequest,
) -> AppResult<Page<competition::Model>> {
    page::fetch_page(db, select_competitions(filter), &ordering(), request).await
}

/// How many competitions `filter` holds.
pub async fn count_competitions(
    db: &DatabaseConnection,
    filter: &CompetitionFilter,
) -> AppResult<u64> {
    page::count(db, select_competitions(filter)).await
}

/// The occupations of each competition.
pub async fn occupations_by_competition(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<competition_occupation::Model>>> {
    crate::domain::children_of::<competition_occupation::Entity>(
        db,
        competition_occupation::Column::CompetitionId,
        ids,
        competition_occupation::Column::OccupationCode,
        |o| o.competition_id,
    )
    .await
}

/// The alliances of each competition.
pub async fn alliances_by_competition(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<competition_alliance::Model>>> {
    crate::domain::children_of::<competition_alliance::Entity>(
        db,
        competition_alliance::Column::CompetitionId,
        ids,
        competition_alliance::Column::AllianceId,
        |a| a.competition_id,
    )
    .await
}

/// The promotion rules of each competition, highest place first.
pub async fn rules_by_competition(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<competition_rule::Model>>> {
    crate::domain::children_of::<competition_rule::Entity>(
        db,
        competition_rule::Column::CompetitionId,
        ids,
        competition_rule::Column::UpToRank,
        |r| r.competition_id,
    )
    .await
}

/// The entrants of each competition, by occupation and rank (unranked last), then by entry.
pub async fn entrants_by_competition(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<competition_entrant::Model>>> {
    let mut by = crate::domain::children_of::<competition_entrant::Entity>(
        db,
        competition_entrant::Column::CompetitionId,
        ids,
        competition_entrant::Column::Id,
        |e| e.competition_id,
    )
    .await?;
    for entrants in by.values_mut() {
        entrants.sort_by(|a, b| {
            (&a.occupation_code, a.rank.is_none(), a.rank, a.id).cmp(&(
                &b.occupation_code,
                b.rank.is_none(),
                b.rank,
                b.id,
            ))
        });
    }
    Ok(by)
}

/// The competitions each learner entered, newest entry first.
pub async fn entries_by_learner(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<competition_entrant::Model>>> {
    let mut by = crate::domain::children_of::<competition_entrant::Entity>(
        db,
        competition_entrant::Column::LearnerId,
        ids,
        competition_entrant::Column::Id,
        |e| e.learner_id,
    )
    .await?;
    for entries in by.values_mut() {
        entries.reverse();
    }
    Ok(by)
}

/// A result to publish.
#[derive(Debug, Clone, Copy)]
pub struct PlacedEntrant {
    /// The entrant.
    pub entrant_id: i32,
    /// The rank in the entrant's occupation, 1 to [`MAX_RANK`].
    pub rank: i32,
    /// The award, if any.
    pub award: Option<CompetitionAward>,
}
