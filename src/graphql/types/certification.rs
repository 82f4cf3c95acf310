use crate::domain::reports;
use crate::graphql::loaders::required;
use crate::graphql::scalars::{Date, DateTime};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{assessment_session, candidate, certificate};

use super::{
    Alliance, AssessmentBody, Learner, Location, Occupation, Organization, Region, SkillLevel,
    SortDirection,
};
use crate::{
    domain::kernel::input,
    domain::{
        certification::{self, SessionFilter as DomainSessionFilter},
        kernel::geo::Near,
        reports::StatsFilter as DomainStatsFilter,
    },
    error::{AppError, AppResult},
    graphql::{
        context::{api, caller},
        ids::NodeKey,
        types::demand::NearInput,
    },
};

/// The two types of assessment body.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::BodyType")]
pub enum BodyType {
    /// An employer evaluating its own employees; its certificate numbers start with Y.
    Employer,
    /// A social training-evaluation organization; its numbers start with S.
    Social,
}

/// An assessment body's standing.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::BodyStatus")]
pub enum BodyStatus {
    /// May schedule sessions and issue certificates.
    Active,
    /// Temporarily may not.
    Suspended,
    /// No longer an assessment body.
    Revoked,
}

/// Where an assessment session is: SCHEDULED → HELD → RESULTS_PUBLISHED, or CANCELLED.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::SessionStatus")]
pub enum SessionStatus {
    /// Taking registrations.
    Scheduled,
    /// Held; results being recorded.
    Held,
    /// Results published; certificates issued.
    ResultsPublished,
    /// Called off.
    Cancelled,
}

/// A certificate's standing.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::CertificateStatus")]
pub enum CertificateStatus {
    /// Valid.
    Valid,
    /// Revoked.
    Revoked,
}

/// How a certificate's level was reached (评价方式).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::CertificateRoute")]
pub enum CertificateRoute {
    /// An exam session of an assessment body (考试).
    Exam,
    /// An employer body assessing its own employees at work (车间+考场).
    Workplace,
    /// Direct recognition (直接认定): proposed by an employer body, approved by the region's
    /// regulator.
    Direct,
    /// A competition result whose rules grant the level (以赛代评).
    Competition,
}

/// Whether a person holds a certificate: nothing else is said.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolderMatch {
    /// The certificate is held by the person of this full name and ID number.
    Match,
    /// It is not, or the number is unknown, or the holder's data was erased: the answer does not
    /// say which.
    NoMatch,
}

/// What a holder check found.
#[derive(SimpleObject, Debug, Clone)]
pub struct CertificateHolderCheck {
    /// The number, normalised.
    pub number: String,
    /// MATCH or NO_MATCH.
    pub result: HolderMatch,
}

/// What a verification found.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationStatus {
    /// The certificate exists and is valid.
    Valid,
    /// The certificate exists and was revoked.
    Revoked,
    /// No certificate has this number.
    NotFound,
}

/// The GraphQL `AssessmentSession` type.
pub struct AssessmentSession(pub assessment_session::Model);

/// An assessment session (评价批次): one occupation at one level on one day, by one body.
#[Object]
impl AssessmentSession {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::AssessmentSession(self.0.id).to_id().into()
    }

    /// The body.
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<AssessmentBody> {
        Ok(AssessmentBody(
            required(&api(ctx)?.loaders.body, self.0.body_id, || {
                AppError::internal("a session without its body")
            })
            .await?,
        ))
    }

    /// The occupation.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Occupation> {
        Ok(Occupation(
            required(
                &api(ctx)?.loaders.occupation,
                self.0.occupation_code.clone(),
                || AppError::internal("a session without its occupation"),
            )
            .await?,
        ))
    }

    /// The level.
    async fn level(&self) -> SkillLevel {
        self.0.level.into()
    }

    /// How it evaluates: EXAM, or WORKPLACE (车间+考场).
    async fn route(&self) -> CertificateRoute {
        self.0.route.into()
    }

    /// The exam day.
    async fn exam_date(&self) -> Date {
        self.0.exam_date.into()
    }

    /// The last day to register.
    async fn registration_deadline(&self) -> Date {
        self.0.registration_deadline.into()
    }

    /// The venue's region.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        self.place().load_region(ctx).await
    }

    /// The venue.
    #[graphql(deprecation = "Use location.address.")]
    async fn address(&self) -> &str {
        &self.0.address
    }

    /// Kilometres from a point to the venue (null without coordinates).
    #[graphql(deprecation = "Use location.distanceKm.")]
    async fn distance_km(
        &self,
        #[graphql(desc = "Latitude of the point, WGS 84.")] latitude: f64,
        #[graphql(desc = "Longitude of the point, WGS 84.")] longitude: f64,
    ) -> async_graphql::Result<Option<f64>> {
        Ok(self.place().distance(latitude, longitude)?)
    }

    /// Places.
    async fn capacity(&self) -> i32 {
        self.0.capacity
    }

    /// Places still free.
    async fn open_seats(&self) -> i32 {
        self.0.capacity - self.0.registered
    }

    /// Where it is.
    async fn status(&self) -> SessionStatus {
        self.0.status.into()
    }

    /// The candidates: for the session's body and its region's regulator (FORBIDDEN otherwise).
    async fn candidates(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Candidate>> {
        let api = api(ctx)?;
        let viewer = caller(ctx).viewer;
        crate::auth::policy::may_see_candidates(
            certification::may_see_candidates(
                &*api.db.turn().await?,
                &viewer,
                self.0.body_id,
                self.0.region_id,
            )
            .await?,
        )?;
        let rows = api
            .loaders
            .candidates_by_session
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Candidate).collect())
    }

    /// Where it is: region, address and point.
    async fn location(&self) -> Location {
        self.place()
    }
}

impl AssessmentSession {
    fn place(&self) -> Location {
        Location::of(&self.0)
    }
}

/// The GraphQL `Candidate` type.
pub struct Candidate(pub candidate::Model);

/// A learner registered for a session, with the scores once recorded.
#[Object]
impl Candidate {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Candidate(self.0.id).to_id().into()
    }

    /// The learner, as the access policy shows them to this viewer (null when it shows nothing).
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.learner_id).await
    }

    /// An employer body's attestation that the learner is its employee.
    async fn attestation(&self) -> Option<&str> {
        self.0.attestation.as_deref()
    }

    /// Theory score, 0–100.
    async fn theory_score(&self) -> Option<i32> {
        self.0.theory_score.map(i32::from)
    }

    /// Practical score, 0–100.
    async fn practical_score(&self) -> Option<i32> {
        self.0.practical_score.map(i32::from)
    }

    /// Passed: both scores at least 60.
    async fn passed(&self) -> bool {
        certification::passes(self.0.theory_score, self.0.practical_score)
    }

    /// When the learner registered.
    async fn registered_at(&self) -> DateTime {
        self.0.registered_at.into()
    }
}

/// The GraphQL `Certificate` type.
pub struct Certificate(pub certificate::Model);

/// A skill-level certificate (职业技能等级证书).
#[Object]
impl Certificate {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Certificate(self.0.id).to_id().into()
    }

    /// The 22-character national number.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// The occupation.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Occupation> {
        Ok(Occupation(
            required(
                &api(ctx)?.loaders.occupation,
                self.0.occupation_code.clone(),
                || AppError::internal("a certificate without its occupation"),
            )
            .await?,
        ))
    }

    /// The level.
    async fn level(&self) -> SkillLevel {
        self.0.level.into()
    }

    /// The issuing body.
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<AssessmentBody> {
        Ok(AssessmentBody(
            required(&api(ctx)?.loaders.body, self.0.body_id, || {
                AppError::internal("a certificate without its body")
            })
            .await?,
        ))
    }

    /// The day of issue.
    async fn issued_on(&self) -> Date {
        self.0.issued_on.into()
    }

    /// VALID or REVOKED.
    async fn status(&self) -> CertificateStatus {
        self.0.status.into()
    }

    /// How the level was reached.
    async fn route(&self) -> CertificateRoute {
        self.0.route.into()
    }

    /// Why it was revoked.
    async fn revoked_reason(&self) -> Option<&str> {
        self.0.revoked_reason.as_deref()
    }

    /// The certificate as a signed Open Badges 3.0 `OpenBadgeCredential` (W3C VC 2.0, a compact
    /// VC-JWT signed by the body's `did:web` key, with its entry in the body's revocation list):
    /// for its holder alone (FORBIDDEN otherwise). `shareCertificate` makes a link for others.
    async fn open_badge_credential(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        super::special_ability::credential_of(
            ctx,
            crate::domain::kernel::credentials::CertificateRef::Level(self.0.id),
        )
        .await
    }
}

/// What anyone may learn of a certificate by its number: whether it stands, what it certifies,
/// how and by whom; nothing of its holder.
pub struct CertificateVerification(pub certification::Verification);

/// The answer to `verifyCertificate`.
#[Object]
impl CertificateVerification {
    /// The number, normalised.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// VALID, REVOKED or NOT_FOUND.
    async fn status(&self) -> VerificationStatus {
        match self.0.found.as_ref().map(|f| f.status) {
            None => VerificationStatus::NotFound,
            Some(entity::CertificateStatus::Valid) => VerificationStatus::Valid,
            Some(entity::CertificateStatus::Revoked) => VerificationStatus::Revoked,
        }
    }

    /// The occupation (a skill-level certificate).
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Occupation>> {
        let Some(code) = self
            .0
            .found
            .as_ref()
            .and_then(|f| f.occupation_code.clone())
        else {
            return Ok(None);
        };
        Ok(api(ctx)?
            .loaders
            .occupation
            .load_one(code)
            .await?
            .map(Occupation))
    }

    /// The level (a skill-level certificate).
    async fn level(&self) -> Option<SkillLevel> {
        self.0.found.as_ref().and_then(|f| f.level).map(Into::into)
    }

    /// The special ability (a special-ability certificate, 专项职业能力: level digit 0).
    async fn special_ability(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::SpecialAbility>> {
        let Some(id) = self.0.found.as_ref().and_then(|f| f.special_ability_id) else {
            return Ok(None);
        };
        Ok(api(ctx)?
            .loaders
            .special_ability
            .load_one(id)
            .await?
            .map(super::SpecialAbility))
    }

    /// The issuing body's organization.
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let Some(found) = &self.0.found else {
            return Ok(None);
        };
        Ok(api(ctx)?
            .loaders
            .organization
            .load_one(found.body_organization_id)
            .await?
            .map(Organization))
    }

    /// The day of issue.
    async fn issued_on(&self) -> Option<Date> {
        self.0.found.as_ref().map(|f| f.issued_on).map(Into::into)
    }

    /// How the level was reached (a skill-level certificate).
    async fn route(&self) -> Option<CertificateRoute> {
        self.0.found.as_ref().and_then(|f| f.route).map(Into::into)
    }
}

/// Which sessions to list; every field narrows.
#[derive(InputObject, Debug, Default)]
pub struct AssessmentSessionFilter {
    /// Held by bodies in any of these alliances.
    pub alliances: Option<Vec<String>>,
    /// With a venue in this region or under it (a province, city or county code).
    pub region: Option<String>,
    /// For this occupation or group.
    pub occupation: Option<String>,
    /// At this level.
    pub level: Option<SkillLevel>,
    /// By bodies of this type.
    pub body_type: Option<BodyType>,
    /// On or after this day.
    pub from: Option<Date>,
    /// On or before this day.
    pub to: Option<Date>,
    /// Only sessions with a free place.
    #[graphql(default)]
    pub open_seats_only: bool,
    /// In these statuses (SCHEDULED when left out).
    pub statuses: Option<Vec<SessionStatus>>,
    /// Within a radius of a point.
    pub near: Option<NearInput>,
}

impl AssessmentSessionFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<DomainSessionFilter> {
        Ok(DomainSessionFilter {
            alliances: input::listed("filter.alliances", self.alliances.as_deref())?,
            region: input::optional("filter.region", self.region.as_deref())?,
            occupation: input::optional("filter.occupation", self.occupation.as_deref())?,
            level: self.level.map(Into::into),
            body_type: self.body_type.map(Into::into),
            from: self.from.map(Into::into),
            to: self.to.map(Into::into),
            open_seats_only: self.open_seats_only,
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            near: self
                .near
                .map(|n| Near::parse("filter.near", n.latitude, n.longitude, n.radius_km))
                .transpose()?,
        })
    }
}

/// What sessions can be ordered by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(remote = "crate::domain::certification::SessionOrderField")]
pub enum AssessmentSessionOrderField {
    /// The exam day.
    #[default]
    Date,
    /// Distance from `filter.near` (needs it).
    Distance,
}

/// An ordering of sessions; ties are broken by ID.
#[derive(InputObject, Debug, Default)]
pub struct AssessmentSessionOrder {
    /// The field.
    pub field: AssessmentSessionOrderField,
    /// Ascending unless told otherwise.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Which certificates to count.
#[derive(InputObject, Debug, Default)]
pub struct CertificateStatsFilter {
    /// Issued by bodies in any of these alliances.
    pub alliances: Option<Vec<String>>,
    /// Issued by bodies of this region or under it.
    pub region: Option<String>,
    /// Reached in this region or under it (the session's venue, the competition's region, the
    /// recognising body's region: where the bureau's figures count a certificate).
    pub reached_in: Option<String>,
    /// For this occupation or group.
    pub occupation: Option<String>,
    /// At this level or above (LEVEL_3 for "高级工 and above").
    pub min_level: Option<SkillLevel>,
    /// By bodies of this type.
    pub body_type: Option<BodyType>,
    /// Issued in this year.
    pub year: Option<i32>,
    /// Reached by this route.
    pub route: Option<CertificateRoute>,
    /// Count revoked certificates too.
    #[graphql(default)]
    pub include_revoked: bool,
}

impl CertificateStatsFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<DomainStatsFilter> {
        Ok(DomainStatsFilter {
            alliances: input::listed("filter.alliances", self.alliances.as_deref())?,
            region: input::optional("filter.region", self.region.as_deref())?,
            reached_in: input::optional("filter.reachedIn", self.reached_in.as_deref())?,
            occupation: input::optional("filter.occupation", self.occupation.as_deref())?,
            min_level: self.min_level.map(Into::into),
            body_type: self.body_type.map(Into::into),
            route: self.route.map(Into::into),
            year: self.year,
            include_revoked: self.include_revoked,
        })
    }
}

/// What certificate counts can be grouped by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::reports::StatsDimension")]
pub enum CertificateStatsDimension {
    /// The issuing body's alliances (a certificate counts once in each).
    Alliance,
    /// The issuing body's region (its organization's city; the same as CITY).
    Region,
    /// The county of the issuing body's organization; certificates of bodies whose county is not
    /// known form a group of their own, whose region is null.
    County,
    /// The city of the issuing body's organization.
    City,
    /// The province of the issuing body's organization.
    Province,
    /// The occupation.
    Occupation,
    /// The level.
    Level,
    /// The body type.
    BodyType,
    /// The year of issue.
    Year,
    /// How the level was reached (EXAM, WORKPLACE, DIRECT, COMPETITION).
    Route,
}

/// One group of certificates: counts only, no learner.
pub struct CertificateStatsRow(pub reports::StatsRow);

/// A count of certificates in one group; the dimensions not grouped by are null.
#[Object]
impl CertificateStatsRow {
    /// The alliance.
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        let Some(id) = self.0.alliance_id else {
            return Ok(None);
        };
        Ok(api(ctx)?.loaders.alliance.load_one(id).await?.map(Alliance))
    }

    /// The region, at the level grouped by (REGION, COUNTY, CITY or PROVINCE).
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        let Some(id) = self.0.region_id else {
            return Ok(None);
        };
        Ok(api(ctx)?.loaders.region.load_one(id).await?.map(Region))
    }

    /// The occupation code.
    async fn occupation_code(&self) -> Option<&str> {
        self.0.occupation_code.as_deref()
    }

    /// The level.
    async fn level(&self) -> Option<SkillLevel> {
        self.0.level.map(Into::into)
    }

    /// The body type.
    async fn body_type(&self) -> Option<BodyType> {
        self.0.body_type.map(Into::into)
    }

    /// The year.
    async fn year(&self) -> Option<i32> {
        self.0.year
    }

    /// The route.
    async fn route(&self) -> Option<CertificateRoute> {
        self.0.route.map(Into::into)
    }

    /// How many certificates.
    async fn count(&self) -> i64 {
        i64::try_from(self.0.count).unwrap_or(i64::MAX)
    }
}

impl AssessmentSession {
    /// The assessment session of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::graphql::context::api;
        let loaders = &api(ctx)?.loaders;
        Ok(loaders.session.load_one(id).await?.map(Self))
    }
}

impl Candidate {
    /// The candidate of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{
            domain,
            error::AppError,
            graphql::context::{api, caller},
        };
        let loaders = &api(ctx)?.loaders;
        let db = &api(ctx)?.db;
        let found = domain::certification::candidate_by_id(&*db.turn().await?, id).await?;
        Ok(match found {
            Some(c) => {
                let session = loaders
                    .session
                    .load_one(c.session_id)
                    .await?
                    .ok_or_else(|| AppError::internal("a candidate without its session"))?;
                domain::certification::may_see_candidates(
                    &*db.turn().await?,
                    &caller(ctx).viewer,
                    session.body_id,
                    session.region_id,
                )
                .await?
                .then_some(Self(c))
            }
            None => None,
        })
    }
}

impl Certificate {
    /// The certificate of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{domain, graphql::context::api};
        let found =
            domain::certification::certificate_by_id(&*api(ctx)?.db.turn().await?, id).await?;
        Ok(match found {
            // A certificate is shown with the full learner only; anyone verifies one by
            // its number instead.
            Some(c) if Learner::seen_in_full(ctx, c.learner_id).await? => Some(Self(c)),
            _ => None,
        })
    }
}
