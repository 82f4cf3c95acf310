//! What every resolver reads from the schema's data.

use std::sync::Arc;

use async_graphql::Context;

use super::loaders::Loaders;
use crate::{
    auth::Caller,
    domain::kernel::personal::PersonalDataKey,
    error::{AppError, AppResult},
    events::EventBroker,
};

/// The services a resolver needs, set once on the schema.
pub struct ApiContext {
    /// The connection pool, a turn at a time (see [`crate::db::Gated`]).
    pub db: crate::db::Gated,
    /// The relation loaders (also in the schema's data on their own, see [`super::loaders::of`]).
    pub loaders: Arc<Loaders>,
    /// Encrypts and fingerprints national ID numbers.
    pub personal_data: PersonalDataKey,
    /// Where mutations publish events and subscriptions hear them.
    pub events: Arc<dyn EventBroker>,
}

/// The caller of this request, set by the HTTP layer; without one, the public.
pub fn caller(ctx: &Context<'_>) -> Caller {
    ctx.data_opt::<Caller>()
        .cloned()
        .unwrap_or_else(Caller::public)
}

/// The address a request came from, set by the HTTP layer: an anonymous caller's rate-limit key.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub std::net::IpAddr);

/// The client's address, as the HTTP layer saw it (none in process).
pub fn client_address(ctx: &Context<'_>) -> Option<std::net::IpAddr> {
    ctx.data_opt::<ClientAddress>().map(|a| a.0)
}

/// The budgets of certificate verification the pipeline hands every request; without them
/// nothing is verified.
pub fn verification_budgets<'a>(
    ctx: &Context<'a>,
) -> AppResult<&'a crate::throttle::VerificationBudgets> {
    ctx.data::<crate::throttle::VerificationBudgets>()
        .map_err(|_| AppError::internal("a request without its verification budgets"))
}

/// The signer of the credentials people carry, which the pipeline hands every request when a
/// credential key is configured.
pub fn credential_issuer<'a>(
    ctx: &Context<'a>,
) -> AppResult<&'a Arc<crate::domain::kernel::credentials::CredentialIssuer>> {
    ctx.data::<Arc<crate::domain::kernel::credentials::CredentialIssuer>>()
        .map_err(|_| {
            AppError::internal(
                "certificates cannot be carried: no credential key is configured (identity.credential_key)",
            )
        })
}

/// The request's id, set by the HTTP layer (from `x-request-id`), used in logs of internal errors.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The [`ApiContext`] of a resolver.
pub fn api<'a>(ctx: &Context<'a>) -> AppResult<&'a ApiContext> {
    ctx.data::<ApiContext>()
        .map_err(|_| AppError::internal("the schema was built without its ApiContext"))
}
