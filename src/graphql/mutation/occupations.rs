//! `Mutation`: the occupations area — the work types (工种) and special abilities (专项职业能力)
//! regions add beside the national classification.

use async_graphql::{Context, Object};

use crate::graphql::context::{api, caller};

/// Work types (工种) and special abilities (专项职业能力): the system administrator keeps the
/// national rows, a regulator its region's.
#[derive(Default)]
pub struct TradesMutation;

#[Object]
impl TradesMutation {
    /// Adds a work type under an occupation or changes one (its name, its occupation):
    /// SYSTEM_ADMIN (national rows, and any) or a REGULATOR (its region's). A name is unique
    /// under its occupation (`CONFLICT`). Audited.
    async fn upsert_work_type(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The work type.")] input: crate::graphql::types::UpsertWorkTypeInput,
    ) -> async_graphql::Result<crate::graphql::types::WorkType> {
        let change = input.into_domain()?;
        Ok(crate::graphql::types::WorkType(
            crate::domain::occupations::trades::upsert_work_type(
                &*api(ctx)?.db.turn().await?,
                &caller(ctx),
                change,
            )
            .await?,
        ))
    }

    /// Adds a special ability or changes one (its name, its occupation): SYSTEM_ADMIN (national
    /// rows, and any) or a REGULATOR (its region's). Audited.
    async fn upsert_special_ability(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The special ability.")]
        input: crate::graphql::types::UpsertSpecialAbilityInput,
    ) -> async_graphql::Result<crate::graphql::types::SpecialAbility> {
        let change = input.into_domain()?;
        Ok(crate::graphql::types::SpecialAbility(
            crate::domain::occupations::trades::upsert_special_ability(
                &*api(ctx)?.db.turn().await?,
                &caller(ctx),
                change,
            )
            .await?,
        ))
    }
}
