//! Who is calling: tokens, roles, the [`Viewer`], and the one module that decides what a viewer
//! may do ([`policy`]).
//!
//! A request without a token is [`Role::Public`]. A request with a token is authenticated by
//! [`jwt::TokenVerifier`] and [`viewer_from_claims`]; a refused token is `UNAUTHENTICATED` and never
//! falls back to public.

mod actor;
mod algorithm;
pub mod jwks;
pub mod jwt;
pub mod policy;

pub use actor::{Actor, Reach, Staff};

use std::collections::BTreeSet;

use entity::OrganizationKind;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

use crate::{
    domain::identity,
    domain::kernel::codes::{AllianceCode, RegionCode},
    domain::kernel::ids::NodeKey,
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
    /// A department (a GOVERNMENT organization other than the HR bureau: 民政局, 妇联, 残联, …)
    /// that answers for programmes.
    Department,
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
            Self::Department => "DEPARTMENT",
        }
    }

    /// The organization kind a role acts for, where the role is tied to one.
    pub fn organization_kind(self) -> Option<OrganizationKind> {
        match self {
            Self::Enterprise => Some(OrganizationKind::Enterprise),
            Self::College => Some(OrganizationKind::College),
            Self::TrainingInstitution => Some(OrganizationKind::TrainingInstitution),
            Self::AssessmentBody => Some(OrganizationKind::AssessmentBody),
            Self::Regulator | Self::Department => Some(OrganizationKind::Government),
            _ => None,
        }
    }

    /// Every role, for matrices and help texts.
    pub const ALL: [Role; 10] = [
        Self::Public,
        Self::Learner,
        Self::Enterprise,
        Self::College,
        Self::TrainingInstitution,
        Self::AssessmentBody,
        Self::AllianceAdmin,
        Self::Regulator,
        Self::SystemAdmin,
        Self::Department,
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

/// The authenticated caller: the token's subject and the [`Actor`] its claims resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The token subject (`anonymous` without a token).
    pub subject: String,
    /// Who acts, with the scope of their role.
    pub actor: Actor,
}

impl Viewer {
    /// The caller without a token.
    pub fn public() -> Self {
        Self::new("anonymous", Actor::Public)
    }

    /// `subject` acting as `actor`.
    pub fn new(subject: impl Into<String>, actor: Actor) -> Self {
        Self {
            subject: subject.into(),
            actor,
        }
    }

    /// The role.
    pub fn role(&self) -> Role {
        self.actor.role()
    }

    /// The organization acted for.
    pub fn organization_id(&self) -> Option<i32> {
        self.actor.staff_of().map(|s| s.organization)
    }

    /// The alliances administered (ALLIANCE_ADMIN; empty for every other role).
    pub fn alliance_ids(&self) -> &BTreeSet<i32> {
        self.actor.alliances()
    }

    /// The region supervised (REGULATOR).
    pub fn region_id(&self) -> Option<i32> {
        self.actor.region()
    }

    /// The learner (LEARNER).
    pub fn learner_id(&self) -> Option<i32> {
        self.actor.learner()
    }

    /// The holder administers the organization acted for (its staff's sign-ins).
    pub fn organization_admin(&self) -> bool {
        self.actor.staff_of().is_some_and(|s| s.admin)
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
    /// Each audited change is also logged at INFO (every request's are; the demo loader's,
    /// hundreds on a first start, are recorded in the trail and logged at DEBUG).
    pub log_changes: bool,
}

impl Caller {
    /// A caller with no token and no request id (tests, the command line).
    pub fn public() -> Self {
        Self {
            viewer: Viewer::public(),
            request_id: None,
            access: Default::default(),
            log_changes: true,
        }
    }

    /// This caller, its audited changes logged at DEBUG only (they are still recorded).
    pub fn quietly(self) -> Self {
        Self {
            log_changes: false,
            ..self
        }
    }

    /// `subject` acting as `actor`, outside any request (the command line, the demo loader).
    pub fn acting(subject: impl Into<String>, actor: Actor) -> Self {
        Self {
            viewer: Viewer::new(subject, actor),
            request_id: None,
            access: Default::default(),
            log_changes: true,
        }
    }
}

fn refused(message: impl Into<String>) -> AppError {
    AppError::Unauthenticated(message.into())
}

/// Resolves verified claims to a [`Viewer`]: the organization, alliances, region and learner they
/// name must exist, and each role carries the scope it needs.
pub async fn viewer_from_claims(db: &DatabaseConnection, claims: &Claims) -> AppResult<Viewer> {
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
    if claims.org_admin && claims.org.is_none() {
        return Err(refused(
            "an organization administrator's token must name its organization (org)",
        ));
    }
    let staff = match &claims.org {
        Some(org) => Some(token_organization(db, claims, org).await?),
        None if claims.role.organization_kind().is_some() && claims.role != Role::Regulator => {
            return Err(refused(format!(
                "a {role} token must name its organization (org)"
            )));
        }
        None => None,
    };
    let actor = match claims.role {
        Role::Public => unreachable!("refused above"),
        Role::SystemAdmin => Actor::SystemAdmin,
        Role::Learner => Actor::Learner {
            learner: token_learner(db, claims).await?,
        },
        Role::AllianceAdmin => Actor::AllianceAdmin {
            alliances: token_alliances(db, claims).await?,
        },
        Role::Regulator => {
            let code = claims
                .region
                .as_deref()
                .ok_or_else(|| refused("a REGULATOR token must name its region"))?;
            let code = RegionCode::parse(code)
                .map_err(|_| refused("the token's region is not a region code"))?;
            let region = identity::region(db, &code)
                .await?
                .ok_or_else(|| refused("the token's region does not exist"))?;
            if staff
                .as_ref()
                .is_some_and(|(_, bureau)| bureau.region_id != region)
            {
                return Err(refused(
                    "a REGULATOR token's region must be its bureau's region",
                ));
            }
            Actor::Regulator {
                region,
                bureau: staff.map(|(s, _)| s),
            }
        }
        other => {
            let (staff, found) = staff.ok_or_else(|| {
                AppError::internal("an organization role without its organization")
            })?;
            match other {
                // Whether the enterprise trains is the policy's one rule, read as the token is.
                Role::Enterprise => Actor::Enterprise {
                    staff,
                    trains: policy::may_provide_training(&found).ok(),
                },
                other => Actor::staff(other, staff)?,
            }
        }
    };
    Ok(Viewer::new(claims.sub.clone(), actor))
}

/// The organization a token acts for, by its global ID (skillgraph's tokens) or its unified
/// social credit code (an identity provider's), checked against the role's kind; with the
/// organization itself.
async fn token_organization(
    db: &DatabaseConnection,
    claims: &Claims,
    org: &str,
) -> AppResult<(Staff, entity::organization::Model)> {
    let reference = match (
        NodeKey::organization("org", org),
        crate::domain::kernel::codes::CreditCode::parse(org),
    ) {
        (Ok(id), _) => identity::OrganizationRef::Id(id),
        (_, Ok(code)) => identity::OrganizationRef::CreditCode(code),
        _ => {
            return Err(refused(
                "the token's org is neither an organization ID nor a credit code",
            ));
        }
    };
    let found = identity::organization(db, &reference)
        .await?
        .ok_or_else(|| refused("the token's organization does not exist"))?;
    if let Some(kind) = claims.role.organization_kind()
        && found.kind != kind
    {
        return Err(refused(format!(
            "a {} token must act for an organization of that kind",
            claims.role.as_str()
        )));
    }
    Ok((
        Staff {
            organization: found.id,
            admin: claims.org_admin,
        },
        found,
    ))
}

/// The alliances an ALLIANCE_ADMIN token names, every one of which must exist.
async fn token_alliances(db: &DatabaseConnection, claims: &Claims) -> AppResult<BTreeSet<i32>> {
    if claims.alliances.is_empty() {
        return Err(refused("an ALLIANCE_ADMIN token must name its alliances"));
    }
    let codes = claims
        .alliances
        .iter()
        .map(|c| AllianceCode::parse(c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| refused("the token's alliances are not alliance codes"))?;
    let found = identity::alliances(db, &codes).await?;
    if found.len() != codes.len() {
        return Err(refused("the token names an alliance that does not exist"));
    }
    Ok(found)
}

/// The learner a LEARNER token's subject names, who must exist.
async fn token_learner(db: &DatabaseConnection, claims: &Claims) -> AppResult<i32> {
    let id = match NodeKey::parse("sub", &claims.sub) {
        Ok(NodeKey::Learner(id)) => id,
        _ => {
            return Err(refused(
                "a LEARNER token's subject must be the learner's ID",
            ));
        }
    };
    if !identity::learner_exists(db, id).await? {
        return Err(refused("the token's learner does not exist"));
    }
    Ok(id)
}
