//! The query root: entry points into the graph. Every list is across all alliances and regions
//! unless a filter narrows it.
//!
//! One module per area, each an object of its own, merged into `Query` in this order (the order
//! of the SDL): graph, training, evaluation, orders, people, employment, levels.

mod employment;
mod evaluation;
mod graph;
mod levels;
mod onboarding;
mod orders;
mod people;
mod subsidies;
mod training;

use async_graphql::Context;

use crate::graphql::{
    context::api,
    context::caller,
    ids::NodeKey,
    types::{
        Alliance, AssessmentSession, AuditEvent, Candidate, CatalogueItem, Certificate, Cohort,
        Demand, Enrollment, Learner, Membership, Node, Occupation, OpenResource, Organization,
        Region, TrainingIntention, TrainingOrder, TrainingPlan,
    },
    types::{FollowUp, Recommendation},
};
use crate::{auth::policy, domain, error::AppError};

/// The most IDs `nodes(ids:)` takes at once.
const MAX_NODES: usize = super::ids::MOST_IDS;

/// Every field of `Query`: the areas, merged (into [`PublicQuery`], and into the federation's
/// root beside the entity resolvers).
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "QueryFields")]
pub struct QueryRoot(
    graph::GraphQuery,
    training::TrainingQuery,
    evaluation::EvaluationQuery,
    orders::OrdersQuery,
    people::PeopleQuery,
    onboarding::OnboardingQuery,
    employment::EmploymentQuery,
    levels::LevelsQuery,
    subsidies::SubsidiesQuery,
);

// The query root of the public schema (its description is the SDL's).
/// Reads of the alliance graph: every list spans all alliances and regions unless filtered.
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Query")]
pub struct PublicQuery(QueryRoot);

pub(super) async fn load_node(
    ctx: &Context<'_>,
    key: NodeKey,
) -> async_graphql::Result<Option<Node>> {
    let loaders = &api(ctx)?.loaders;
    Ok(match key {
        NodeKey::SubsidyClaim(id) => {
            domain::subsidies::by_id(&*api(ctx)?.db.turn().await?, &caller(ctx), id)
                .await?
                .map(|m| Node::SubsidyClaim(crate::graphql::types::SubsidyClaim(m)))
        }
        NodeKey::ClaimLine(id) => {
            domain::subsidies::line_by_id(&*api(ctx)?.db.turn().await?, &caller(ctx), id)
                .await?
                .map(|m| Node::ClaimLine(crate::graphql::types::ClaimLine(m)))
        }
        NodeKey::InstitutionEvaluation(id) => {
            domain::credit::by_id(&*api(ctx)?.db.turn().await?, &caller(ctx), id)
                .await?
                .map(|m| {
                    Node::InstitutionEvaluation(crate::graphql::types::InstitutionEvaluation(m))
                })
        }
        NodeKey::ClassDay(id) => domain::cohorts::class_day_by_id(&*api(ctx)?.db.turn().await?, id)
            .await?
            .map(|m| Node::ClassDay(crate::graphql::types::ClassDay(m))),
        NodeKey::DataRequest(id) => {
            domain::data_requests::by_id(&*api(ctx)?.db.turn().await?, &caller(ctx), id)
                .await?
                .map(|m| Node::DataRequest(crate::graphql::types::DataRequest(m)))
        }
        NodeKey::MembershipApplication(id) => {
            domain::applications::by_id(&*api(ctx)?.db.turn().await?, &caller(ctx), id)
                .await?
                .map(|m| {
                    Node::MembershipApplication(crate::graphql::types::MembershipApplication(m))
                })
        }
        NodeKey::Region(id) => loaders
            .region
            .load_one(id)
            .await?
            .map(|m| Node::Region(Region(m))),
        NodeKey::Alliance(id) => loaders
            .alliance
            .load_one(id)
            .await?
            .map(|m| Node::Alliance(Alliance(m))),
        NodeKey::Organization(id) => loaders
            .organization
            .load_one(id)
            .await?
            .map(|m| Node::Organization(Organization(m))),
        NodeKey::Membership(id) => loaders
            .membership
            .load_one(id)
            .await?
            .map(|m| Node::Membership(Membership(m, None))),
        NodeKey::Occupation(code) => loaders
            .occupation
            .load_one(code)
            .await?
            .map(|m| Node::Occupation(Occupation(m))),
        NodeKey::Learner(id) => Learner::by_id(ctx, id).await?.map(Node::Learner),
        NodeKey::Demand(id) => match loaders.demand.load_one(id).await? {
            Some(m) => {
                let alliances = loaders
                    .demand_alliances
                    .load_one(id)
                    .await?
                    .unwrap_or_default();
                if domain::demands::can_see(&caller(ctx).viewer, &m, &alliances) {
                    Some(Node::Demand(Demand(m)))
                } else {
                    None
                }
            }
            None => None,
        },
        NodeKey::Cohort(id) => loaders
            .cohort
            .load_one(id)
            .await?
            .map(|m| Node::Cohort(Cohort(m))),
        NodeKey::Enrollment(id) => match loaders.enrollment.load_one(id).await? {
            Some(e) => {
                let cohort = loaders
                    .cohort
                    .load_one(e.cohort_id)
                    .await?
                    .ok_or_else(|| AppError::internal("an enrollment without its cohort"))?;
                let region = loaders
                    .alliance
                    .load_one(cohort.alliance_id)
                    .await?
                    .map(|a| a.region_id);
                policy::list_cohort_learners(
                    &caller(ctx).viewer,
                    cohort.provider_id,
                    cohort.enterprise_id,
                    region,
                )
                .is_ok()
                .then_some(Node::Enrollment(Enrollment(e)))
            }
            None => None,
        },
        NodeKey::OpenResource(id) => loaders
            .open_resource
            .load_one(id)
            .await?
            .map(|m| Node::OpenResource(OpenResource(m))),
        NodeKey::CatalogueItem(id) => loaders
            .catalogue_item
            .load_one(id)
            .await?
            .map(|m| Node::CatalogueItem(CatalogueItem(m))),
        NodeKey::TrainingPlan(id) => loaders
            .training_plan
            .load_one(id)
            .await?
            .map(|m| Node::TrainingPlan(TrainingPlan(m))),
        NodeKey::AssessmentSession(id) => loaders
            .session
            .load_one(id)
            .await?
            .map(|m| Node::AssessmentSession(AssessmentSession(m))),
        NodeKey::Candidate(id) => {
            let db = &api(ctx)?.db;
            let found = domain::evaluation::candidate_by_id(&*db.turn().await?, id).await?;
            match found {
                Some(c) => {
                    let session = loaders
                        .session
                        .load_one(c.session_id)
                        .await?
                        .ok_or_else(|| AppError::internal("a candidate without its session"))?;
                    domain::evaluation::may_see_candidates(
                        &*db.turn().await?,
                        &caller(ctx).viewer,
                        &session,
                    )
                    .await?
                    .then_some(Node::Candidate(Candidate(c)))
                }
                None => None,
            }
        }
        NodeKey::Certificate(id) => {
            let found =
                domain::evaluation::certificate_by_id(&*api(ctx)?.db.turn().await?, id).await?;
            match found {
                // A certificate is shown with the full learner only; anyone verifies one by
                // its number instead.
                Some(c) if full_learner(ctx, c.learner_id).await? => {
                    Some(Node::Certificate(Certificate(c)))
                }
                _ => None,
            }
        }
        NodeKey::TrainingIntention(id) => {
            let db = &api(ctx)?.db;
            let found = domain::orders::intentions_by_ids(&*db.turn().await?, &[id])
                .await?
                .remove(&id);
            match found {
                Some(i) if full_learner(ctx, i.learner_id).await? => {
                    Some(Node::TrainingIntention(TrainingIntention(i)))
                }
                _ => None,
            }
        }
        NodeKey::TrainingOrder(id) => {
            let found = domain::orders::order_by_id(&*api(ctx)?.db.turn().await?, id).await?;
            found
                .filter(|o| policy::see_order(&caller(ctx).viewer, o.region_id, o.provider_id))
                .map(|o| Node::TrainingOrder(TrainingOrder(o)))
        }
        NodeKey::Recommendation(id) => {
            let db = &api(ctx)?.db;
            let found = domain::employment::recommendations_by_ids(&*db.turn().await?, &[id])
                .await?
                .remove(&id);
            match found {
                Some(r)
                    if domain::employment::may_see(&*db.turn().await?, &caller(ctx), &r)
                        .await? =>
                {
                    Some(Node::Recommendation(Recommendation(r)))
                }
                _ => None,
            }
        }
        NodeKey::FollowUp(id) => {
            let db = &api(ctx)?.db;
            let found = domain::employment::follow_up_by_id(&*db.turn().await?, id).await?;
            match found {
                Some(f) if full_learner(ctx, f.learner_id).await? => {
                    Some(Node::FollowUp(FollowUp(f)))
                }
                _ => None,
            }
        }
        NodeKey::AuditEvent(id) => match policy::read_audit_trail(&caller(ctx).viewer) {
            Ok(scope) => domain::audit::by_id(&*api(ctx)?.db.turn().await?, scope, id)
                .await?
                .map(|m| Node::AuditEvent(AuditEvent(m))),
            Err(_) => None,
        },
    })
}

/// Whether the viewer sees this learner in full (the access policy's decision).
async fn full_learner(ctx: &Context<'_>, learner_id: i32) -> async_graphql::Result<bool> {
    Ok(Learner::by_id(ctx, learner_id)
        .await?
        .is_some_and(|l| l.is_full()))
}
