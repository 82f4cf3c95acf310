//! The mutation root. Every mutation is authorized by `auth::policy` inside the domain function it
//! calls, runs in one transaction with its audit event, and changes nothing when it fails.
//!
//! One module per area, each with objects of its own and its input types beside its resolvers,
//! merged into `Mutation` in the order of the published SDL: network (members), demands,
//! training (cohorts, resources), certification, orders, employment, people, training (records),
//! subsidies, institutions, network (onboarding).

mod certification;
mod competitions;
mod demands;
mod employment;
mod institutions;
mod network;
mod occupations;
mod orders;
mod people;
mod programmes;
mod special_abilities;
mod subsidies;
mod training;

pub(crate) use training::training_rules;

use async_graphql::Context;

use crate::error::AppError;

// The mutation root (its description is the SDL's).
/// Changes to the graph, each on behalf of the token's organization, authorized and audited.
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    network::MembersMutation,
    demands::DemandsMutation,
    training::CohortsMutation,
    training::ResourcesMutation,
    certification::CertificationMutation,
    competitions::CompetitionsMutation,
    special_abilities::SpecialAbilitiesMutation,
    orders::OrdersMutation,
    employment::EmploymentMutation,
    people::LearnersMutation,
    people::DataRequestsMutation,
    training::RecordsMutation,
    subsidies::SubsidiesMutation,
    institutions::InstitutionsMutation,
    network::OnboardingMutation,
    network::ReferenceMutation,
    network::IndustriesMutation,
    people::TargetGroupsMutation,
    programmes::ProgrammesMutation,
    programmes::TargetsMutation,
    occupations::TradesMutation,
);

/// A spreadsheet a client sent: its bytes out of `input.contentBase64`, in the reader's format.
fn upload(
    format: training::ImportFormat,
    content_base64: &str,
) -> crate::error::AppResult<(crate::domain::kernel::import::Format, Vec<u8>)> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content_base64.trim())
        .map_err(|_| AppError::validation("input.contentBase64", "not base64"))?;
    let format = match format {
        training::ImportFormat::Csv => crate::domain::kernel::import::Format::Csv,
        training::ImportFormat::Xlsx => crate::domain::kernel::import::Format::Xlsx,
    };
    Ok((format, bytes))
}

/// Why an import kept nothing, as GraphQL errors: each bad row its own, on the field
/// `input.contentBase64.row[N]`.
fn import_refused(
    ctx: &Context<'_>,
    error: crate::domain::kernel::import::ImportError,
) -> async_graphql::Error {
    match error {
        crate::domain::kernel::import::ImportError::App(e) => e.into(),
        crate::domain::kernel::import::ImportError::Rows(rows) => report(
            ctx,
            rows.into_iter()
                .map(|r| {
                    AppError::validation(
                        format!("input.contentBase64.row[{}]", r.row),
                        r.to_string(),
                    )
                })
                .collect(),
        ),
    }
}

/// Reports every error of a refused batch, in order: all but the last are added to the response,
/// and the last is returned (the response lists it after the added ones).
/// A refused batch of results (an exam session's or a competition's): each bad row as its own
/// error, named `input.results[i].<field>`.
fn results_refused(
    ctx: &Context<'_>,
    err: crate::domain::certification::ResultsError,
) -> async_graphql::Error {
    match err {
        crate::domain::certification::ResultsError::App(e) => e.into(),
        crate::domain::certification::ResultsError::Rows(problems) => report(
            ctx,
            problems
                .into_iter()
                .map(|p| {
                    AppError::validation(format!("input.results[{}].{}", p.row, p.field), p.message)
                })
                .collect(),
        ),
    }
}

fn report(ctx: &Context<'_>, mut errors: Vec<AppError>) -> async_graphql::Error {
    let last = errors
        .pop()
        .unwrap_or_else(|| AppError::internal("a refused batch without errors"));
    for err in errors {
        ctx.add_error(async_graphql::Error::from(err).into_server_error(ctx.item.pos));
    }
    last.into()
}
