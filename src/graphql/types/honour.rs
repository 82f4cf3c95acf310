//! Honours (荣誉) conferred on a person: the title, who confers it, the year, the award and the
//! employer.

use async_graphql::{Context, Enum, Object};
use entity::honour;

use super::{Organization, Region};
use crate::graphql::{context::api, scalars::Fen};

/// Who confers an honour.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::HonourLevel")]
pub enum HonourLevel {
    /// The state (全国技术能手, 中华技能大奖).
    National,
    /// A province (江苏大工匠, 江苏工匠).
    Provincial,
    /// A city (大连工匠).
    City,
    /// An industry body.
    Industry,
    /// An enterprise (首席员工).
    Enterprise,
}

/// The GraphQL `Honour` type.
pub struct Honour(pub honour::Model);

/// An honour conferred on a person (江苏工匠, 大连工匠, 技能大师 …), shown with the person's full
/// record only.
#[Object]
impl Honour {
    /// The title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Who confers it.
    async fn level(&self) -> HonourLevel {
        self.0.level.into()
    }

    /// The year it was conferred.
    async fn year(&self) -> i32 {
        i32::from(self.0.year)
    }

    /// The award that came with it, in fen, if any.
    async fn award_fen(&self) -> Option<Fen> {
        self.0.award_fen.map(Fen)
    }

    /// The employer the person worked for, if recorded.
    async fn employer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let Some(id) = self.0.employer_id else {
            return Ok(None);
        };
        Ok(api(ctx)?
            .loaders
            .organization
            .load_one(id)
            .await?
            .map(Organization))
    }

    /// The region whose regulator recorded it.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        Ok(api(ctx)?
            .loaders
            .region
            .load_one(self.0.region_id)
            .await?
            .map(Region))
    }
}
