//! Who is calling: tokens, roles, the [`Viewer`], and the one module that decides what a viewer
//! may do ([`policy`]).
//!
//! A request without a token is [`Role::Public`]. A request with a token is authenticated by
//! [`jwt::TokenVerifier`] and [`viewer_from_claims`]; a refused token is `UNAUTHENTICATED` and never
//! falls back to public.

mod algorithm;
pub mod jwks;
pub mod jwt;
pub mod policy;

use std::collections::BTreeSet;

use entity::{OrganizationKind, alliance, learner, organization, region};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use crate::{
    domain::codes::{AllianceCode, RegionCode},
    domain::ids::NodeKey,
    error::{AppError, AppResult},
};

/// The roles of skillgraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// No token: reads published information only.
    Public,
    /// A learner, acting for themself.
    Learner,
    /// A user of an enterprise.
    Enterprise,
    /// A user of a college.
    College,
    /// A user of a training institution.
    TrainingInstitution,
    /// A user of an assessment body.
    AssessmentBody,
    /// An administrator of one or more alliances.
    AllianceAdmin,
    /// The HR bureau of a region.
    Regulator,
    /// An operator of skillgraph itself.
    SystemAdmin,
}

impl Role {
    /// The name used in tokens and the audit trail.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "PUBLIC",
            Self::Learner => "LEARNER",
            Self::Enterprise => "ENTERPRISE",
            Self::College => "COLLEGE",
            Self::TrainingInstitution => "TRAINING_INSTITUTION",
            Self::AssessmentBody => "ASSESSMENT_BODY",
            Self::AllianceAdmin => "ALLIANCE_ADMIN",
            Self::Regulator => "REGULATOR",
            Self::SystemAdmin => "SYSTEM_ADMIN",
        }
    }

    /// The organization kind a role acts for, where the role is tied to one.
    pub fn organization_kind(self) -> Option<OrganizationKind> {
        match self {
            Self::Enterprise => Some(OrganizationKind::Enterprise),
            Self::College => Some(OrganizationKind::College),
            Self::TrainingInstitution => Some(OrganizationKind::TrainingInstitution),
            Self::AssessmentBody => Some(OrganizationKind::AssessmentBody),
            Self::Regulator => Some(OrganizationKind::Government),
            _ => None,
        }
    }

    /// Every role, for matrices and help texts.
    pub const ALL: [Role; 9] = [
        Self::Public,
        Self::Learner,
        Self::Enterprise,
        Self::College,
        Self::TrainingInstitution,
        Self::AssessmentBody,
        Self::AllianceAdmin,
        Self::Regulator,
        Self::SystemAdmin,
    ];
}

/// The claims of a skillgraph token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The subject: a user id, or the learner's global ID for LEARNER tokens.
    pub sub: String,
    /// The role the token grants.
    pub role: Role,
    /// The global ID of the organization acted for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// The alliance codes an ALLIANCE_ADMIN administers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alliances: Vec<String>,
    /// The region code a REGULATOR supervises.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Expiry, seconds since the epoch.
    pub exp: u64,
    /// Issued at.
    pub iat: u64,
    /// Not before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    /// A unique token id.
    pub jti: String,
    /// The holder administers the organization it acts for: lists and revokes the sign-ins
    /// that act for it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub org_admin: bool,
}

/// The authenticated caller, with every scope resolved to ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The token subject (`anonymous` without a token).
    pub subject: String,
    /// The role.
    pub role: Role,
    /// The organization acted for.
    pub organization_id: Option<i32>,
    /// The alliances administered (ALLIANCE_ADMIN).
    pub alliance_ids: BTreeSet<i32>,
    /// The region supervised (REGULATOR).
    pub region_id: Option<i32>,
    /// The learner (LEARNER).
    pub learner_id: Option<i32>,
    /// The holder administers `organization_id` (its staff's sign-ins).
    pub organization_admin: bool,
}

impl Viewer {
    /// The caller without a token.
    pub fn public() -> Self {
        Self {
            subject: "anonymous".to_owned(),
            role: Role::Public,
            organization_id: None,
            alliance_ids: BTreeSet::new(),
            region_id: None,
            learner_id: None,
            organization_admin: false,
        }
    }
}

/// A viewer and the request it made: what the domain needs to authorize and to audit.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who.
    pub viewer: Viewer,
    /// The request id, for the audit trail.
    pub request_id: Option<String>,
    /// The deployment's rules of access to learners.
    pub access: policy::AccessRules,
}

impl Caller {
    /// A caller with no token and no request id (tests, the command line).
    pub fn public() -> Self {
        Self {
            viewer: Viewer::public(),
            request_id: None,
            access: Default::default(),
        }
    }
}

fn refused(message: impl Into<String>) -> AppError {
    AppError::Unauthenticated(message.into())
}

/// Resolves verified claims to a [`Viewer`]: the organization, alliances, region and learner they
/// name must exist, and each role carries the scope it needs.
pub async fn viewer_from_claims(db: &DatabaseConnection, claims: &Claims) -> AppResult<Viewer> {
    let mut viewer = Viewer {
        subject: claims.sub.clone(),
        role: claims.role,
        organization_id: None,
        alliance_ids: BTreeSet::new(),
        region_id: None,
        learner_id: None,
        organization_admin: false,
    };
    if claims.role == Role::Public {
        return Err(refused(
            "a token cannot grant the PUBLIC role; send no token instead",
        ));
    }
    // Each claim means something for some roles only; one that means nothing for the token's role
    // is refused rather than ignored.
    let role = claims.role.as_str();
    // An alliance administrator acts for alliances, never for an organization: a token naming
    // one would borrow that organization's standing (an assessment body's, a provider's).
    if claims.org.is_some()
        && matches!(
            claims.role,
            Role::SystemAdmin | Role::Learner | Role::AllianceAdmin
        )
    {
        return Err(refused(format!(
            "a {role} token names no organization (org)"
        )));
    }
    if !claims.alliances.is_empty() && claims.role != Role::AllianceAdmin {
        return Err(refused(format!(
            "only an ALLIANCE_ADMIN token names alliances, not a {role} token"
        )));
    }
    if claims.region.is_some() && claims.role != Role::Regulator {
        return Err(refused(format!(
            "only a REGULATOR token names a region, not a {role} token"
        )));
    }
    let mut org_region = None;
    if let Some(org) = &claims.org {
        // An organization by its global ID (skillgraph's tokens) or its unified social credit
        // code (an identity provider's).
        let found = match (
            NodeKey::organization("org", org),
            crate::domain::codes::CreditCode::parse(org),
        ) {
            (Ok(id), _) => organization::Entity::find_by_id(id).one(db).await?,
            (_, Ok(code)) => {
                organization::Entity::find()
                    .filter(organization::Column::CreditCode.eq(code.as_str()))
                    .one(db)
                    .await?
            }
            _ => {
                return Err(refused(
                    "the token's org is neither an organization ID nor a credit code",
                ));
            }
        }
        .ok_or_else(|| refused("the token's organization does not exist"))?;
        let id = found.id;
        if let Some(kind) = claims.role.organization_kind()
            && found.kind != kind
        {
            return Err(refused(format!(
                "a {} token must act for an organization of that kind",
                claims.role.as_str()
            )));
        }
        viewer.organization_id = Some(id);
        org_region = Some(found.region_id);
    } else if claims.role.organization_kind().is_some() && claims.role != Role::Regulator {
        return Err(refused(format!(
            "a {} token must name its organization (org)",
            claims.role.as_str()
        )));
    }
    if !claims.alliances.is_empty() {
        let codes = claims
            .alliances
            .iter()
            .map(|c| AllianceCode::parse(c).map(|c| c.as_str().to_owned()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| refused("the token's alliances are not alliance codes"))?;
        let found = alliance::Entity::find()
            .filter(alliance::Column::Code.is_in(codes.clone()))
            .all(db)
            .await?;
        if found.len() != codes.len() {
            return Err(refused("the token names an alliance that does not exist"));
        }
        viewer.alliance_ids = found.into_iter().map(|a| a.id).collect();
    }
    if claims.role == Role::AllianceAdmin && viewer.alliance_ids.is_empty() {
        return Err(refused("an ALLIANCE_ADMIN token must name its alliances"));
    }
    if let Some(code) = &claims.region {
        let code = RegionCode::parse(code)
            .map_err(|_| refused("the token's region is not a region code"))?;
        let found = region::Entity::find()
            .filter(region::Column::Code.eq(code.as_str()))
            .one(db)
            .await?
            .ok_or_else(|| refused("the token's region does not exist"))?;
        viewer.region_id = Some(found.id);
        if org_region.is_some_and(|r| r != found.id) {
            return Err(refused(
                "a REGULATOR token's region must be its bureau's region",
            ));
        }
    }
    if claims.role == Role::Regulator && viewer.region_id.is_none() {
        return Err(refused("a REGULATOR token must name its region"));
    }
    if claims.org_admin {
        if viewer.organization_id.is_none() {
            return Err(refused(
                "an organization administrator's token must name its organization (org)",
            ));
        }
        viewer.organization_admin = true;
    }
    if claims.role == Role::Learner {
        let id = match NodeKey::parse("sub", &claims.sub) {
            Ok(NodeKey::Learner(id)) => id,
            _ => {
                return Err(refused(
                    "a LEARNER token's subject must be the learner's ID",
                ));
            }
        };
        learner::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| refused("the token's learner does not exist"))?;
        viewer.learner_id = Some(id);
    }
    Ok(viewer)
}
