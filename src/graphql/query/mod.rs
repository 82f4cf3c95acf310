//! The query root: entry points into the graph. Every list is across all alliances and regions
//! unless a filter narrows it.
//!
//! One module per area, each with an object of its own, merged into `Query` in the order of the
//! published SDL: network, occupations, demands, training, certification, orders, people,
//! applications (network), identity, employment, the skill-level ladder (occupations),
//! subsidies, institutions, the claim export (subsidies), programmes, search.

mod certification;
mod demands;
mod employment;
mod identity;
mod institutions;
mod network;
mod occupations;
mod orders;
mod people;
mod programmes;
mod search;
mod subsidies;
mod training;

use async_graphql::Context;

use crate::graphql::{
    ids::NodeKey,
    types::{
        Alliance, AssessmentSession, AuditEvent, Candidate, CatalogueItem, Certificate, ClaimLine,
        ClassDay, Cohort, DataRequest, Demand, Enrollment, FollowUp, InstitutionEvaluation,
        Learner, Membership, MembershipApplication, Node, Occupation, OpenResource, Organization,
        Recommendation, Region, SubsidyClaim, TrainingIntention, TrainingOrder, TrainingPlan,
    },
};

/// The most IDs `nodes(ids:)` takes at once.
const MAX_NODES: usize = super::ids::MOST_IDS;

/// Every field of `Query`: the areas, merged (into [`PublicQuery`], and into the federation's
/// root beside the entity resolvers).
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "QueryFields")]
pub struct QueryRoot(
    network::NetworkQuery,
    occupations::OccupationsQuery,
    demands::DemandsQuery,
    training::TrainingQuery,
    certification::CertificationQuery,
    orders::OrdersQuery,
    people::PeopleQuery,
    network::ApplicationsQuery,
    identity::IdentityQuery,
    employment::EmploymentQuery,
    occupations::LevelsQuery,
    subsidies::SubsidiesQuery,
    institutions::InstitutionsQuery,
    subsidies::ClaimExportQuery,
    programmes::ProgrammesQuery,
    search::SearchQuery,
);

// The query root of the public schema (its description is the SDL's).
/// Reads of the alliance graph: every list spans all alliances and regions unless filtered.
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Query")]
pub struct PublicQuery(QueryRoot);

/// The node of `key`, if there is one and the caller may see it: one row per node type, each
/// type deciding what it shows (`by_id`, beside the type).
pub(super) async fn load_node(
    ctx: &Context<'_>,
    key: NodeKey,
) -> async_graphql::Result<Option<Node>> {
    Ok(match key {
        NodeKey::SubsidyClaim(id) => SubsidyClaim::by_id(ctx, id).await?.map(Node::SubsidyClaim),
        NodeKey::ClaimLine(id) => ClaimLine::by_id(ctx, id).await?.map(Node::ClaimLine),
        NodeKey::InstitutionEvaluation(id) => InstitutionEvaluation::by_id(ctx, id)
            .await?
            .map(Node::InstitutionEvaluation),
        NodeKey::ClassDay(id) => ClassDay::by_id(ctx, id).await?.map(Node::ClassDay),
        NodeKey::DataRequest(id) => DataRequest::by_id(ctx, id).await?.map(Node::DataRequest),
        NodeKey::MembershipApplication(id) => MembershipApplication::by_id(ctx, id)
            .await?
            .map(Node::MembershipApplication),
        NodeKey::Region(id) => Region::by_id(ctx, id).await?.map(Node::Region),
        NodeKey::Alliance(id) => Alliance::by_id(ctx, id).await?.map(Node::Alliance),
        NodeKey::Organization(id) => Organization::by_id(ctx, id).await?.map(Node::Organization),
        NodeKey::Membership(id) => Membership::by_id(ctx, id).await?.map(Node::Membership),
        NodeKey::Occupation(id) => Occupation::by_id(ctx, id).await?.map(Node::Occupation),
        NodeKey::Learner(id) => Learner::by_id(ctx, id).await?.map(Node::Learner),
        NodeKey::Demand(id) => Demand::by_id(ctx, id).await?.map(Node::Demand),
        NodeKey::Cohort(id) => Cohort::by_id(ctx, id).await?.map(Node::Cohort),
        NodeKey::Enrollment(id) => Enrollment::by_id(ctx, id).await?.map(Node::Enrollment),
        NodeKey::OpenResource(id) => OpenResource::by_id(ctx, id).await?.map(Node::OpenResource),
        NodeKey::CatalogueItem(id) => CatalogueItem::by_id(ctx, id)
            .await?
            .map(Node::CatalogueItem),
        NodeKey::TrainingPlan(id) => TrainingPlan::by_id(ctx, id).await?.map(Node::TrainingPlan),
        NodeKey::AssessmentSession(id) => AssessmentSession::by_id(ctx, id)
            .await?
            .map(Node::AssessmentSession),
        NodeKey::Candidate(id) => Candidate::by_id(ctx, id).await?.map(Node::Candidate),
        NodeKey::Certificate(id) => Certificate::by_id(ctx, id).await?.map(Node::Certificate),
        NodeKey::Competition(id) => crate::graphql::types::Competition::by_id(ctx, id)
            .await?
            .map(Node::Competition),
        NodeKey::CompetitionEntrant(id) => {
            crate::graphql::types::CompetitionEntrant::by_id(ctx, id)
                .await?
                .map(Node::CompetitionEntrant)
        }
        NodeKey::DirectRecognition(id) => crate::graphql::types::DirectRecognition::by_id(ctx, id)
            .await?
            .map(Node::DirectRecognition),
        NodeKey::SpecialAbilitySession(id) => {
            crate::graphql::types::SpecialAbilitySession::by_id(ctx, id)
                .await?
                .map(Node::SpecialAbilitySession)
        }
        NodeKey::SpecialAbilityCandidate(id) => {
            crate::graphql::types::SpecialAbilityCandidate::by_id(ctx, id)
                .await?
                .map(Node::SpecialAbilityCandidate)
        }
        NodeKey::SpecialAbilityCertificate(id) => {
            crate::graphql::types::SpecialAbilityCertificate::by_id(ctx, id)
                .await?
                .map(Node::SpecialAbilityCertificate)
        }
        NodeKey::TrainingIntention(id) => TrainingIntention::by_id(ctx, id)
            .await?
            .map(Node::TrainingIntention),
        NodeKey::TrainingOrder(id) => TrainingOrder::by_id(ctx, id)
            .await?
            .map(Node::TrainingOrder),
        NodeKey::Recommendation(id) => Recommendation::by_id(ctx, id)
            .await?
            .map(Node::Recommendation),
        NodeKey::FollowUp(id) => FollowUp::by_id(ctx, id).await?.map(Node::FollowUp),
        NodeKey::ServiceContact(id) => crate::graphql::types::ServiceContact::by_id(ctx, id)
            .await?
            .map(Node::ServiceContact),
        NodeKey::AuditEvent(id) => AuditEvent::by_id(ctx, id).await?.map(Node::AuditEvent),
        NodeKey::Programme(id) => crate::graphql::types::Programme::by_id(ctx, id)
            .await?
            .map(Node::Programme),
    })
}
