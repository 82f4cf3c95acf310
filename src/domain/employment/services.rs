//! The "1131" employment service (Lianyungang's 1131 就业服务): every person served gets **1**
//! policy briefing, **1** career guidance, **3** job recommendations and **1** training.
//!
//! Recommendations and enrolments are in the graph already; policy briefings and career guidance
//! are recorded as *service contacts* by whoever runs the learner's employment service (the
//! provider training them, the alliance administrators of their completed training, the bureau
//! of their region, a department answering for a programme they train in).
//!
//! # When a learner's 1131 is complete
//!
//! At least one POLICY_BRIEFING contact, one CAREER_GUIDANCE contact, three job recommendations
//! (any outcome) and one training (an enrolment that was not withdrawn). A learner hired
//! through a recommendation needs no more service and leaves the work list, complete or not.

use entity::{ContactChannel, ServiceContactKind, service_contact};
use sea_orm::{QuerySelect, Select};

use super::*;
use crate::domain::kernel::input::Note;
use crate::domain::read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey};

/// A step of the 1131 service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServiceStep {
    /// A policy briefing.
    PolicyBriefing,
    /// Career guidance.
    CareerGuidance,
    /// Three job recommendations.
    JobRecommendations,
    /// A training.
    Training,
}

/// The job recommendations the 1131 service owes each learner.
pub const SERVICE_RECOMMENDATIONS: u64 = 3;

/// A service contact to record.
#[derive(Debug, Clone)]
pub struct NewContact {
    /// The learner served.
    pub learner_id: i32,
    /// A policy briefing or career guidance.
    pub kind: ServiceContactKind,
    /// How it was made.
    pub channel: ContactChannel,
    /// The day.
    pub contacted_on: NaiveDate,
    /// A note, if any.
    pub note: Option<Note>,
}

/// How far a learner's 1131 service has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServiceProgress {
    /// The learner.
    pub learner_id: i32,
    /// Policy briefings.
    pub policy_briefings: u64,
    /// Career guidance contacts.
    pub career_guidance: u64,
    /// Job recommendations made.
    pub recommendations: u64,
    /// Enrolments, withdrawn ones left out.
    pub trainings: u64,
    /// Whether a recommendation hired the learner.
    pub hired: bool,
}

impl ServiceProgress {
    /// The steps still owed, in the order of the service.
    pub fn missing(&self) -> Vec<ServiceStep> {
        let mut out = Vec::new();
        if self.policy_briefings == 0 {
            out.push(ServiceStep::PolicyBriefing);
        }
        if self.career_guidance == 0 {
            out.push(ServiceStep::CareerGuidance);
        }
        if self.recommendations < SERVICE_RECOMMENDATIONS {
            out.push(ServiceStep::JobRecommendations);
        }
        if self.trainings == 0 {
            out.push(ServiceStep::Training);
        }
        out
    }
}

/// Records a policy briefing or career guidance for a learner whose employment service the
/// caller runs ([`policy::may_serve_learners`]), on a day from five years ago to today.
pub async fn record_contact(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewContact,
) -> AppResult<service_contact::Model> {
    let scope = policy::may_serve_learners(&caller.viewer)?;
    let learner = learner::Entity::find_by_id(new.learner_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.learner", "no learner has this ID"))?;
    policy::may_serve(in_employment_scope(db, &caller.access, &scope, &learner).await?)?;
    let today = Utc::now().date_naive();
    let earliest = today.checked_sub_months(Months::new(60)).unwrap_or(today);
    if new.contacted_on > today || new.contacted_on < earliest {
        return Err(AppError::validation(
            "input.contactedOn",
            format!("from {earliest} to today"),
        ));
    }
    let txn = crate::domain::begin_write(db).await?;
    let saved = service_contact::Entity::insert(service_contact::ActiveModel {
        learner_id: Set(learner.id),
        kind: Set(new.kind),
        channel: Set(new.channel),
        contacted_on: Set(new.contacted_on),
        note: Set(new.note.map(Note::into_string).unwrap_or_default()),
        recorded_by_id: Set(caller.viewer.organization_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "recordServiceContact",
            target_type: "ServiceContact",
            target_id: NodeKey::ServiceContact(saved.id).to_id().0,
            region_id: Some(learner.region_id),
            changes: Some(json!({
                "learner": NodeKey::Learner(learner.id).to_id().0,
                "kind": saved.kind.to_value(),
                "channel": saved.channel.to_value(),
                "contactedOn": saved.contacted_on,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The service contacts of each learner, oldest first.
pub async fn contacts_by_learner(
    db: &DatabaseConnection,
    learner_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<service_contact::Model>>> {
    crate::domain::children_of::<service_contact::Entity>(
        db,
        service_contact::Column::LearnerId,
        learner_ids,
        service_contact::Column::Id,
        |c| c.learner_id,
    )
    .await
}

/// The 1131 progress of each learner, in three statements.
pub async fn progress_by_learner(
    db: &DatabaseConnection,
    learner_ids: &[i32],
) -> AppResult<HashMap<i32, ServiceProgress>> {
    let mut out: HashMap<i32, ServiceProgress> = learner_ids
        .iter()
        .map(|&id| {
            (
                id,
                ServiceProgress {
                    learner_id: id,
                    ..Default::default()
                },
            )
        })
        .collect();
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let contacts: Vec<(i32, ServiceContactKind, i64)> = service_contact::Entity::find()
        .select_only()
        .column(service_contact::Column::LearnerId)
        .column(service_contact::Column::Kind)
        .column_as(service_contact::Column::Id.count(), "n")
        .filter(service_contact::Column::LearnerId.is_in(learner_ids.iter().copied()))
        .group_by(service_contact::Column::LearnerId)
        .group_by(service_contact::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    for (learner, kind, n) in contacts {
        if let Some(p) = out.get_mut(&learner) {
            match kind {
                ServiceContactKind::PolicyBriefing => p.policy_briefings = count(n),
                ServiceContactKind::CareerGuidance => p.career_guidance = count(n),
            }
        }
    }
    let recommended: Vec<(i32, RecommendationOutcome)> = recommendation::Entity::find()
        .select_only()
        .column(recommendation::Column::LearnerId)
        .column(recommendation::Column::Outcome)
        .filter(recommendation::Column::LearnerId.is_in(learner_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    for (learner, outcome) in recommended {
        if let Some(p) = out.get_mut(&learner) {
            p.recommendations += 1;
            p.hired |= outcome == RecommendationOutcome::Hired;
        }
    }
    let trained: Vec<(i32, i64)> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::LearnerId)
        .column_as(enrollment::Column::Id.count(), "n")
        .filter(enrollment::Column::LearnerId.is_in(learner_ids.iter().copied()))
        .filter(enrollment::Column::Status.ne(EnrollmentStatus::Withdrawn))
        .group_by(enrollment::Column::LearnerId)
        .into_tuple()
        .all(db)
        .await?;
    for (learner, n) in trained {
        if let Some(p) = out.get_mut(&learner) {
            p.trainings = count(n);
        }
    }
    Ok(out)
}

/// Which learners the work list shows.
#[derive(Debug, Clone, Default)]
pub struct WorkListFilter {
    /// Only learners living in this region (or under it).
    pub region: Option<RegionCode>,
    /// Only learners who completed training in this alliance.
    pub alliance: Option<AllianceCode>,
    /// Only learners still owed this step.
    pub missing: Option<ServiceStep>,
}

/// `NOT EXISTS (statement)`: `statement` selects the rows of the learner of the outer row
/// (correlated on `learners.id`), so each database checks it by index, row by row, as far as a
/// page reads — a `NOT IN` over the whole table would be one big set PostgreSQL cannot hash once
/// it outgrows its memory.
fn without(statement: SelectStatement) -> Condition {
    Condition::all().add(Expr::not_exists(statement))
}

/// `learner_id = learners.id` on `table`'s column.
fn of_the_learner<T: sea_orm::Iden + Copy + 'static, C: sea_orm::Iden + 'static>(
    table: T,
    column: C,
) -> Expr {
    Expr::col((table, column)).equals((learner::Entity, learner::Column::Id))
}

/// The learner's service contacts of `kind`.
fn contacted(kind: ServiceContactKind) -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(service_contact::Entity)
        .and_where(of_the_learner(
            service_contact::Entity,
            service_contact::Column::LearnerId,
        ))
        .and_where(Expr::col((service_contact::Entity, service_contact::Column::Kind)).eq(kind))
        .to_owned()
}

/// Whether the learner has fewer than three recommendations: a count of the learner's rows
/// (correlated on `learners.id`, read by the index on recommendations' learner).
fn recommended_too_few() -> Condition {
    let count = Query::select()
        .expr(Expr::col((recommendation::Entity, recommendation::Column::Id)).count())
        .from(recommendation::Entity)
        .and_where(of_the_learner(
            recommendation::Entity,
            recommendation::Column::LearnerId,
        ))
        .to_owned();
    Condition::all().add(
        Expr::SubQuery(
            None,
            Box::new(sea_orm::sea_query::SubQueryStatement::SelectStatement(
                count,
            )),
        )
        .lt(i64::try_from(SERVICE_RECOMMENDATIONS).unwrap_or(3)),
    )
}

/// The learner's enrolments that were not withdrawn.
fn trained() -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(enrollment::Entity)
        .and_where(of_the_learner(
            enrollment::Entity,
            enrollment::Column::LearnerId,
        ))
        .and_where(
            Expr::col((enrollment::Entity, enrollment::Column::Status))
                .ne(EnrollmentStatus::Withdrawn),
        )
        .to_owned()
}

/// The recommendations that hired the learner.
fn hired() -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(recommendation::Entity)
        .and_where(of_the_learner(
            recommendation::Entity,
            recommendation::Column::LearnerId,
        ))
        .and_where(
            Expr::col((recommendation::Entity, recommendation::Column::Outcome))
                .eq(RecommendationOutcome::Hired),
        )
        .to_owned()
}

fn work_list_ordering() -> Ordering<learner::Entity> {
    Ordering {
        name: "serviceWorkList:id:asc".to_owned(),
        keys: vec![SortKey::column(
            learner::Column::Id,
            false,
            KeyKind::Int,
            |m: &learner::Model| CursorValue::Int(i64::from(m.id)),
        )],
    }
}

/// The learners of the work list as one statement: those in the caller's scope, not hired
/// through a recommendation, still owed a step (the one asked for, or any).
async fn work_list_select(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &WorkListFilter,
) -> AppResult<Select<learner::Entity>> {
    let scope = policy::may_read_service_work_list(&caller.viewer)?;
    let mut cond = Condition::all();
    match &scope {
        EmploymentScope::Region(r) => cond = cond.add(learner::Column::RegionId.eq(*r)),
        EmploymentScope::Alliances(alliances) => {
            cond = cond.add(learner::Column::Id.in_subquery(completed_in(alliances)));
        }
        EmploymentScope::Department(org) => {
            cond = cond.add(
                learner::Column::Id
                    .in_subquery(crate::domain::programmes::learners_answered_for(*org)),
            );
        }
        EmploymentScope::Provider(_) => {
            return Err(AppError::internal("a provider has no 1131 work list"));
        }
    }
    if let Some(code) = &filter.alliance {
        let found = crate::domain::network::alliances::by_code(db, code)
            .await?
            .ok_or_else(|| AppError::validation("filter.alliance", "no alliance has this code"))?;
        policy::may_read_alliance_backlog(&scope, found.id)?;
        cond = cond.add(learner::Column::Id.in_subquery(completed_in(&BTreeSet::from([found.id]))));
    }
    if let Some(region) = &filter.region {
        cond = cond.add(learner::Column::RegionId.in_subquery(
            crate::domain::network::regions::within(std::slice::from_ref(region)),
        ));
    }
    let owed = |step: ServiceStep| match step {
        ServiceStep::PolicyBriefing => without(contacted(ServiceContactKind::PolicyBriefing)),
        ServiceStep::CareerGuidance => without(contacted(ServiceContactKind::CareerGuidance)),
        ServiceStep::JobRecommendations => recommended_too_few(),
        ServiceStep::Training => without(trained()),
    };
    cond = cond.add(match filter.missing {
        Some(step) => owed(step),
        None => Condition::any()
            .add(owed(ServiceStep::PolicyBriefing))
            .add(owed(ServiceStep::CareerGuidance))
            .add(owed(ServiceStep::JobRecommendations))
            .add(owed(ServiceStep::Training)),
    });
    cond = cond.add(without(hired()));
    Ok(learner::Entity::find().filter(cond))
}

/// One page of the 1131 work list: the learners in the caller's scope (a regulator's region,
/// an alliance administrator's completers, a department's programmes) whose service is not
/// complete and who were not hired through a recommendation, in registration order.
pub async fn work_list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &WorkListFilter,
    request: &PageRequest,
) -> AppResult<Page<learner::Model>> {
    let select = work_list_select(db, caller, filter).await?;
    page::fetch_page(db, select, &work_list_ordering(), request).await
}

/// How many learners the work list holds.
pub async fn work_list_count(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &WorkListFilter,
) -> AppResult<u64> {
    let select = work_list_select(db, caller, filter).await?;
    page::count(db, select).await
}

/// A service contact by id, unscoped: callers check the learner's view.
pub async fn contact_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<service_contact::Model>> {
    Ok(service_contact::Entity::find_by_id(id).one(db).await?)
}
