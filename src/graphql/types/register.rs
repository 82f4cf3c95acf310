//! The public register of assessment bodies (职业技能评价机构目录): the body type, its scope,
//! filing date and standing, and the filter that lists them.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use entity::assessment_body;

use super::{BodyStatus, BodyType, Occupation, Organization, SkillLevel};
use crate::{
    domain::{SearchText, certification::BodyFilter, kernel::input},
    error::{AppError, AppResult},
    graphql::{context::api, loaders::required, scalars::DateTime},
};

/// One occupation an assessment body may evaluate, up to a level.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct AssessmentScopeEntry {
    /// The occupation code.
    pub occupation_code: String,
    /// The highest level it may evaluate.
    pub max_level: SkillLevel,
}

#[async_graphql::ComplexObject]
impl AssessmentScopeEntry {
    /// The occupation, with its name.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Occupation>> {
        Ok(api(ctx)?
            .loaders
            .occupation
            .load_one(self.occupation_code.clone())
            .await?
            .map(Occupation))
    }
}

/// The GraphQL `AssessmentBody` type.
pub struct AssessmentBody(pub assessment_body::Model);

/// An organization filed as an assessment body (评价机构): its type, codes, scope and standing.
#[Object]
impl AssessmentBody {
    /// EMPLOYER (Y) or SOCIAL (S).
    async fn body_type(&self) -> BodyType {
        self.0.body_type.into()
    }

    /// The 4-digit body code.
    async fn body_code(&self) -> &str {
        &self.0.body_code
    }

    /// The 6-digit site serial.
    async fn site_serial(&self) -> &str {
        &self.0.site_serial
    }

    /// ACTIVE, SUSPENDED or REVOKED.
    async fn status(&self) -> BodyStatus {
        self.0.status.into()
    }

    /// Why the status last changed.
    async fn status_reason(&self) -> Option<&str> {
        self.0.status_reason.as_deref()
    }

    /// When the regulator filed it (last filed, when filed again).
    async fn filed_at(&self) -> DateTime {
        self.0.filed_at.into()
    }

    /// What it may evaluate.
    async fn scope(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AssessmentScopeEntry>> {
        let rows = api(ctx)?
            .loaders
            .scopes_by_body
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|s| AssessmentScopeEntry {
                occupation_code: s.occupation_code,
                max_level: s.max_level.into(),
            })
            .collect())
    }

    /// The special abilities (专项职业能力) it may assess, by code.
    async fn special_abilities(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::SpecialAbility>> {
        Ok(api(ctx)?
            .loaders
            .special_scopes_by_body
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(super::SpecialAbility)
            .collect())
    }

    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        Ok(Organization(
            required(
                &api(ctx)?.loaders.organization,
                self.0.organization_id,
                || AppError::internal("a body without its organization"),
            )
            .await?,
        ))
    }
}

/// Which bodies the register lists; every field narrows.
#[derive(InputObject, Debug, Default)]
pub struct AssessmentBodyFilter {
    /// Words of the organization's name, in Chinese, pinyin or initials (the search index).
    pub text: Option<String>,
    /// EMPLOYER or SOCIAL.
    pub body_type: Option<BodyType>,
    /// In these standings (every standing when left out).
    pub statuses: Option<Vec<BodyStatus>>,
    /// Whose scope holds this occupation, or an occupation of this group (`6-18`).
    pub occupation: Option<String>,
    /// Whose scope reaches this level (for `occupation`, when given).
    pub level: Option<SkillLevel>,
    /// Whose organization is in this region or under it (a province, city or county code).
    pub region: Option<String>,
    /// Who may assess this special ability (专项职业能力), by code.
    pub special_ability: Option<String>,
}

impl AssessmentBodyFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<BodyFilter> {
        Ok(BodyFilter {
            text: self
                .text
                .map(|t| SearchText::parse("filter.text", &t))
                .transpose()?,
            body_type: self.body_type.map(Into::into),
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            occupation: input::optional("filter.occupation", self.occupation.as_deref())?,
            level: self.level.map(Into::into),
            region: input::optional("filter.region", self.region.as_deref())?,
            special_ability: self.special_ability,
        })
    }
}
