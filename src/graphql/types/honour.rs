//! Honours (荣誉) conferred on a person: the title, who confers it, the year, the award and the
//! employer; appointments (评聘) of special and chief technicians.

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

/// The GraphQL `Appointment` type.
pub struct Appointment(pub entity::appointment::Model);

/// An appointment (评聘) of a special technician (特级技师) or a chief technician (首席技师) by the
/// person's employer, for a term; shown with the person's full record only.
#[Object]
impl Appointment {
    /// SPECIAL_TECHNICIAN or CHIEF_TECHNICIAN.
    async fn title(&self) -> super::SkillLevel {
        self.0.title.into()
    }

    /// The occupation.
    async fn occupation(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::Occupation>> {
        Ok(api(ctx)?
            .loaders
            .occupation
            .load_one(self.0.occupation_code.clone())
            .await?
            .map(super::Occupation))
    }

    /// The appointing enterprise.
    async fn enterprise(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Ok(api(ctx)?
            .loaders
            .organization
            .load_one(self.0.enterprise_id)
            .await?
            .map(Organization))
    }

    /// The first day of the term.
    async fn starts_on(&self) -> crate::graphql::scalars::Date {
        self.0.starts_on.into()
    }

    /// The last day of the term.
    async fn ends_on(&self) -> crate::graphql::scalars::Date {
        self.0.ends_on.into()
    }

    /// Whether the term holds today.
    async fn current(&self) -> bool {
        let today = chrono::Utc::now().date_naive();
        self.0.starts_on <= today && today <= self.0.ends_on
    }
}
