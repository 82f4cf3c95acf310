//! Work types (工种) and special abilities (专项职业能力) in the graph.

use async_graphql::{Context, InputObject, Object};
use entity::{special_ability, work_type};

use super::{Occupation, Region};
use crate::{
    domain::{kernel::input, occupations::trades},
    error::AppResult,
    graphql::context::api,
};

/// The GraphQL `WorkType` type.
pub struct WorkType(pub work_type::Model);

/// A work type (工种): a trade under one occupation (电焊工 under 焊工), national or added by a
/// region's regulator.
#[Object]
impl WorkType {
    /// Its code (`ELECTRIC_WELDER`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Its Chinese name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The occupation it belongs to.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Occupation>> {
        Ok(api(ctx)?
            .loaders
            .occupation
            .load_one(self.0.occupation_code.clone())
            .await?
            .map(Occupation))
    }

    /// The region that added it; null for the national list.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        region(ctx, self.0.region_id).await
    }
}

/// The GraphQL `SpecialAbility` type.
pub struct SpecialAbility(pub special_ability::Model);

/// A special ability (专项职业能力): an assessed ability not tied to a skill level (螃蟹养殖,
/// 数字新媒体制作), national or added by a region's regulator.
#[Object]
impl SpecialAbility {
    /// Its code (`HA_CRAB_FARMING`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Its Chinese name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The occupation it relates to, if any.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Occupation>> {
        match &self.0.occupation_code {
            Some(code) => Ok(api(ctx)?
                .loaders
                .occupation
                .load_one(code.clone())
                .await?
                .map(Occupation)),
            None => Ok(None),
        }
    }

    /// The region that added it; null for the national list.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        region(ctx, self.0.region_id).await
    }
}

/// The region of `id`, if any (a reference row's, a venue's county).
pub(super) async fn region(
    ctx: &Context<'_>,
    id: Option<i32>,
) -> async_graphql::Result<Option<Region>> {
    match id {
        Some(id) => Ok(api(ctx)?.loaders.region.load_one(id).await?.map(Region)),
        None => Ok(None),
    }
}

/// Adds a work type or changes one: the system administrator (national rows), a regulator (its
/// region's rows).
#[derive(InputObject, Debug)]
pub struct UpsertWorkTypeInput {
    /// Its code: 2 to 40 upper-case letters, digits and underscores (`ELECTRIC_WELDER`).
    pub code: String,
    /// Its Chinese name, 1 to 50 characters, unique under its occupation.
    pub name: String,
    /// The occupation it belongs to (a full code, `6-18-02-04`).
    pub occupation: String,
}

impl UpsertWorkTypeInput {
    /// The validated domain change.
    pub fn into_domain(self) -> AppResult<trades::TradeChange> {
        Ok(trades::TradeChange {
            code: self.code,
            name: self.name,
            occupation: Some(input::one("input.occupation", &self.occupation)?),
        })
    }
}

/// Adds a special ability or changes one: the system administrator (national rows), a regulator
/// (its region's rows).
#[derive(InputObject, Debug)]
pub struct UpsertSpecialAbilityInput {
    /// Its code: 2 to 40 upper-case letters, digits and underscores (`HA_CRAB_FARMING`).
    pub code: String,
    /// Its Chinese name, 1 to 50 characters.
    pub name: String,
    /// The occupation it relates to, if any (a full code).
    pub occupation: Option<String>,
}

impl UpsertSpecialAbilityInput {
    /// The validated domain change.
    pub fn into_domain(self) -> AppResult<trades::TradeChange> {
        Ok(trades::TradeChange {
            code: self.code,
            name: self.name,
            occupation: input::optional("input.occupation", self.occupation.as_deref())?,
        })
    }
}
