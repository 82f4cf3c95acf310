//! The mutation root. Every mutation is authorized by `auth::policy` inside the domain function it
//! calls, runs in one transaction with its audit event, and changes nothing when it fails.
//!
//! One module per area, each an object of its own with its input types beside its resolvers,
//! merged into `Mutation` in this order (the order of the SDL):
//! members, demands, cohorts, resources, evaluation, orders, employment, learners, records,
//! subsidies, institution evaluations (credit), onboarding.

mod cohorts;
pub(crate) use cohorts::training_rules;
mod certification;
mod demands;
mod employment;
mod institutions;
mod learners;
mod members;
mod onboarding;
mod orders;
mod records;
mod resources;
mod subsidies;

use async_graphql::Context;

use crate::error::AppError;

// The mutation root (its description is the SDL's).
/// Changes to the graph, each on behalf of the token's organization, authorized and audited.
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    members::MembersMutation,
    demands::DemandsMutation,
    cohorts::CohortsMutation,
    resources::ResourcesMutation,
    certification::EvaluationMutation,
    orders::OrdersMutation,
    employment::EmploymentMutation,
    learners::LearnersMutation,
    learners::DataRequestsMutation,
    records::RecordsMutation,
    subsidies::SubsidiesMutation,
    institutions::CreditMutation,
    onboarding::OnboardingMutation,
);

/// A spreadsheet a client sent: its bytes out of `input.contentBase64`, in the reader's format.
fn upload(
    format: resources::ImportFormat,
    content_base64: &str,
) -> crate::error::AppResult<(crate::domain::import::Format, Vec<u8>)> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content_base64.trim())
        .map_err(|_| AppError::validation("input.contentBase64", "not base64"))?;
    let format = match format {
        resources::ImportFormat::Csv => crate::domain::import::Format::Csv,
        resources::ImportFormat::Xlsx => crate::domain::import::Format::Xlsx,
    };
    Ok((format, bytes))
}

/// Why an import kept nothing, as GraphQL errors: each bad row its own, on the field
/// `input.contentBase64.row[N]`.
fn import_refused(
    ctx: &Context<'_>,
    error: crate::domain::import::ImportError,
) -> async_graphql::Error {
    match error {
        crate::domain::import::ImportError::App(e) => e.into(),
        crate::domain::import::ImportError::Rows(rows) => report(
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
fn report(ctx: &Context<'_>, mut errors: Vec<AppError>) -> async_graphql::Error {
    let last = errors
        .pop()
        .unwrap_or_else(|| AppError::internal("a refused batch without errors"));
    for err in errors {
        ctx.add_error(async_graphql::Error::from(err).into_server_error(ctx.item.pos));
    }
    last.into()
}
