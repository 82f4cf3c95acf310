//! Training intentions: the rules, submitting one, expiry.

use super::*;

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

pub(super) fn schedule_name(s: Schedule) -> &'static str {
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

pub(super) async fn reopen(txn: &sea_orm::DatabaseTransaction, order_ids: &[i32]) -> AppResult<()> {
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
        Some(l) => gate::view_of(db, caller, &caller.access, l).await? == Some(LearnerView::Full),
        None => false,
    };
    policy::may_submit_intention_for(full)?;
    let Some(learner) = learner else {
        return Err(AppError::internal(
            "a learner seen in full that is not there",
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
    let region =
        crate::domain::network::regions::for_new_rows(db, "input.region", &new.region).await?;
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
        submitted_by_id: Set(caller.viewer.organization_id()),
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
