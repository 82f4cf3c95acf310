//! Special-ability sessions, candidates and certificates (专项职业能力).

use async_graphql::{Context, ID, InputObject, Object};
use entity::{special_ability_candidate, special_ability_certificate, special_ability_session};

use super::{
    AssessmentBody, CertificateStatus, Learner, Region, SessionStatus, SpecialAbility,
    trades::region,
};
use crate::{
    domain::{certification, kernel::input},
    error::{AppError, AppResult},
    graphql::{
        context::{api, caller},
        ids::NodeKey,
        loaders::required,
        scalars::{Date, DateTime},
    },
};

async fn ability(ctx: &Context<'_>, id: i32) -> async_graphql::Result<SpecialAbility> {
    Ok(SpecialAbility(
        required(&api(ctx)?.loaders.special_ability, id, || {
            AppError::internal("a row without its special ability")
        })
        .await?,
    ))
}

async fn body(ctx: &Context<'_>, id: i32) -> async_graphql::Result<AssessmentBody> {
    Ok(AssessmentBody(
        required(&api(ctx)?.loaders.body, id, || {
            AppError::internal("a row without its body")
        })
        .await?,
    ))
}

/// The GraphQL `SpecialAbilitySession` type.
pub struct SpecialAbilitySession(pub special_ability_session::Model);

/// A special-ability session (专项职业能力考核): a body assesses one special ability on one day;
/// public.
#[Object]
impl SpecialAbilitySession {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::SpecialAbilitySession(self.0.id).to_id().into()
    }

    /// The special ability assessed.
    async fn special_ability(&self, ctx: &Context<'_>) -> async_graphql::Result<SpecialAbility> {
        ability(ctx, self.0.special_ability_id).await
    }

    /// The assessing body.
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<AssessmentBody> {
        body(ctx, self.0.body_id).await
    }

    /// The assessment day.
    async fn exam_date(&self) -> Date {
        self.0.exam_date.into()
    }

    /// The last day to register.
    async fn registration_deadline(&self) -> Date {
        self.0.registration_deadline.into()
    }

    /// The venue's city.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        region(ctx, Some(self.0.region_id)).await
    }

    /// The venue's county, when known.
    async fn county(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        region(ctx, self.0.county_id).await
    }

    /// The venue's address.
    async fn address(&self) -> &str {
        &self.0.address
    }

    /// Places.
    async fn capacity(&self) -> i32 {
        self.0.capacity
    }

    /// Places still free.
    async fn open_seats(&self) -> i32 {
        self.0.capacity - self.0.registered
    }

    /// SCHEDULED, then RESULTS_PUBLISHED.
    async fn status(&self) -> SessionStatus {
        self.0.status.into()
    }

    /// The candidates: for the session's body and its region's regulator (FORBIDDEN otherwise),
    /// each person as the access policy shows them.
    async fn candidates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<SpecialAbilityCandidate>> {
        let api = api(ctx)?;
        crate::auth::policy::may_see_candidates(
            certification::may_see_candidates(
                &*api.db.turn().await?,
                &caller(ctx).viewer,
                self.0.body_id,
                self.0.region_id,
            )
            .await?,
        )?;
        Ok(api
            .loaders
            .special_candidates_by_session
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(SpecialAbilityCandidate)
            .collect())
    }
}

impl SpecialAbilitySession {
    /// The session of `id` (public; `node(id:)`).
    pub(crate) async fn by_id(ctx: &Context<'_>, id: i32) -> async_graphql::Result<Option<Self>> {
        Ok(api(ctx)?
            .loaders
            .special_session
            .load_one(id)
            .await?
            .map(Self))
    }
}

/// The GraphQL `SpecialAbilityCandidate` type.
pub struct SpecialAbilityCandidate(pub special_ability_candidate::Model);

/// A learner registered for a special-ability session, with the result once published.
#[Object]
impl SpecialAbilityCandidate {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::SpecialAbilityCandidate(self.0.id).to_id().into()
    }

    /// The learner, as the access policy shows them to this viewer (null when it shows nothing).
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.learner_id).await
    }

    /// Whether they passed; null until the results are published.
    async fn passed(&self) -> Option<bool> {
        self.0.passed
    }

    /// When they were registered.
    async fn registered_at(&self) -> DateTime {
        self.0.registered_at.into()
    }

    /// The certificate the pass earned (null without one).
    async fn certificate(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<SpecialAbilityCertificate>> {
        if self.0.passed != Some(true) {
            return Ok(None);
        }
        Ok(api(ctx)?
            .loaders
            .special_certificate_by_candidate
            .load_one(self.0.id)
            .await?
            .map(SpecialAbilityCertificate))
    }
}

impl SpecialAbilityCandidate {
    /// The candidate of `id`, for the session's body and its region's regulator
    /// (`node(id:)`).
    pub(crate) async fn by_id(ctx: &Context<'_>, id: i32) -> async_graphql::Result<Option<Self>> {
        let api = api(ctx)?;
        let db = api.db.turn().await?;
        let Some(found) = certification::special_candidate_by_id(&db, id).await? else {
            return Ok(None);
        };
        let session = required(&api.loaders.special_session, found.session_id, || {
            AppError::internal("a candidate without its session")
        })
        .await?;
        Ok(certification::may_see_candidates(
            &db,
            &caller(ctx).viewer,
            session.body_id,
            session.region_id,
        )
        .await?
        .then_some(Self(found)))
    }
}

/// The GraphQL `SpecialAbilityCertificate` type.
pub struct SpecialAbilityCertificate(pub special_ability_certificate::Model);

/// A special-ability certificate (专项职业能力证书): an ability assessed, not a level. Its
/// number verifies with `verifyCertificate` like any other.
#[Object]
impl SpecialAbilityCertificate {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::SpecialAbilityCertificate(self.0.id).to_id().into()
    }

    /// The 22-character number; its level digit (the 16th character) is 0.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// The special ability.
    async fn special_ability(&self, ctx: &Context<'_>) -> async_graphql::Result<SpecialAbility> {
        ability(ctx, self.0.special_ability_id).await
    }

    /// The issuing body.
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<AssessmentBody> {
        body(ctx, self.0.body_id).await
    }

    /// The day of issue.
    async fn issued_on(&self) -> Date {
        self.0.issued_on.into()
    }

    /// VALID or REVOKED.
    async fn status(&self) -> CertificateStatus {
        self.0.status.into()
    }

    /// Why it was revoked.
    async fn revoked_reason(&self) -> Option<&str> {
        self.0.revoked_reason.as_deref()
    }

    /// The certificate as a signed Open Badges 3.0 `OpenBadgeCredential` (W3C VC 2.0, a compact
    /// VC-JWT signed by the body's `did:web` key, with its entry in the body's revocation list):
    /// for its holder alone (FORBIDDEN otherwise). `shareCertificate` makes a link for others.
    async fn open_badge_credential(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        credential_of(
            ctx,
            crate::domain::kernel::credentials::CertificateRef::Special(self.0.id),
        )
        .await
    }
}

/// A certificate's signed credential, for its holder.
pub(super) async fn credential_of(
    ctx: &Context<'_>,
    certificate: crate::domain::kernel::credentials::CertificateRef,
) -> async_graphql::Result<String> {
    let api = api(ctx)?;
    let issuer = crate::graphql::context::credential_issuer(ctx)?;
    Ok(certification::badges::credential(
        &*api.db.turn().await?,
        &api.personal_data,
        issuer,
        certificate,
        Some(&caller(ctx)),
    )
    .await?)
}

impl SpecialAbilityCertificate {
    /// The certificate of `id`, for those who see its holder in full (`node(id:)`).
    pub(crate) async fn by_id(ctx: &Context<'_>, id: i32) -> async_graphql::Result<Option<Self>> {
        let found =
            certification::special_certificate_by_id(&*api(ctx)?.db.turn().await?, id).await?;
        Ok(match found {
            Some(c) if Learner::seen_in_full(ctx, c.learner_id).await? => Some(Self(c)),
            _ => None,
        })
    }
}

/// Which special-ability sessions to list; every field narrows.
#[derive(InputObject, Debug, Default)]
pub struct SpecialAbilitySessionFilter {
    /// With a venue in this region or under it (a province, city or county code).
    pub region: Option<String>,
    /// Of this special ability, by code.
    pub special_ability: Option<String>,
    /// On or after this day.
    pub from: Option<Date>,
    /// On or before this day.
    pub to: Option<Date>,
    /// Only sessions with a free place.
    pub open_seats_only: Option<bool>,
    /// In these statuses (SCHEDULED when left out).
    pub statuses: Option<Vec<SessionStatus>>,
}

impl SpecialAbilitySessionFilter {
    /// The domain's filter.
    pub fn into_domain(self) -> AppResult<certification::SpecialSessionFilter> {
        Ok(certification::SpecialSessionFilter {
            region: self
                .region
                .map(|r| input::one("filter.region", &r))
                .transpose()?,
            special_ability: self.special_ability,
            from: self.from.map(Into::into),
            to: self.to.map(Into::into),
            open_seats_only: self.open_seats_only.unwrap_or(false),
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        })
    }
}
