//! What every resolver reads from the schema's data.

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use super::loaders::Loaders;
use crate::error::{AppError, AppResult};

/// The services a resolver needs, set once on the schema.
pub struct ApiContext {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// The relation loaders.
    pub loaders: Loaders,
}

/// The request's id, set by the HTTP layer (from `x-request-id`), used in logs of internal errors.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The [`ApiContext`] of a resolver.
pub fn api<'a>(ctx: &Context<'a>) -> AppResult<&'a ApiContext> {
    ctx.data::<ApiContext>()
        .map_err(|_| AppError::internal("the schema was built without its ApiContext"))
}
