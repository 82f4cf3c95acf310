//! `Mutation`: special-ability sessions (专项职业能力), their candidates and results.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::graphql::{
    context::{api, caller},
    ids::NodeKey,
    scalars::{Date, DateTime},
    types::{SpecialAbilityCandidate, SpecialAbilityCertificate, SpecialAbilitySession},
};
use crate::{
    domain::certification::{self, NewSpecialSession, SpecialResult},
    domain::kernel::input::{self, Reason},
    error::AppResult,
};

use super::results_refused;

/// Special-ability sessions, their candidates and results.
#[derive(Default)]
pub struct SpecialAbilitiesMutation;

/// Special-ability sessions, their candidates and results.
#[Object]
impl SpecialAbilitiesMutation {
    /// Schedules a special-ability session for the caller's ACTIVE assessment body, for an
    /// ability its filing names.
    async fn schedule_special_ability_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session.")] input: ScheduleSpecialAbilitySessionInput,
    ) -> async_graphql::Result<SpecialAbilitySession> {
        let api = api(ctx)?;
        let new = NewSpecialSession {
            special_ability: input.special_ability,
            exam_date: input.exam_date.into(),
            registration_deadline: input.registration_deadline.into(),
            region: input::one("input.region", &input.region)?,
            address: input.address,
            capacity: input.capacity,
        };
        Ok(SpecialAbilitySession(
            certification::schedule_special_session(&*api.db.turn().await?, &caller(ctx), new)
                .await?,
        ))
    }

    /// Registers a learner for a special-ability session: the session's body, or the learner's
    /// training provider. An employer body registers its own employees only.
    async fn register_special_ability_candidate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session and the learner.")]
        input: RegisterSpecialAbilityCandidateInput,
    ) -> async_graphql::Result<SpecialAbilityCandidate> {
        let api = api(ctx)?;
        let session = NodeKey::special_session("input.session", &input.session)?;
        let learner = NodeKey::learner("input.learner", &input.learner)?;
        Ok(SpecialAbilityCandidate(
            certification::register_special_candidate(
                &*api.db.turn().await?,
                &caller(ctx),
                session,
                learner,
            )
            .await?,
        ))
    }

    /// Publishes a special-ability session's results, every candidate's once, on or after the
    /// assessment day (its body). Each pass is issued a certificate in the same transaction;
    /// any bad row refuses the batch, each named `input.results[i].candidate`.
    async fn publish_special_ability_results(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session and every candidate's result.")]
        input: PublishSpecialAbilityResultsInput,
    ) -> async_graphql::Result<SpecialAbilityResults> {
        let api = api(ctx)?;
        let session = NodeKey::special_session("input.session", &input.session)?;
        let rows = input
            .results
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Ok(SpecialResult {
                    candidate_id: NodeKey::special_candidate(
                        &format!("input.results[{i}].candidate"),
                        &r.candidate,
                    )?,
                    passed: r.passed,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        match certification::publish_special_results(
            &*api.db.turn().await?,
            &caller(ctx),
            session,
            rows,
        )
        .await
        {
            Ok((saved, issued)) => Ok(SpecialAbilityResults {
                session: SpecialAbilitySession(saved),
                certificates: issued.into_iter().map(SpecialAbilityCertificate).collect(),
            }),
            Err(refused) => Err(results_refused(ctx, refused)),
        }
    }

    /// Makes a link to one of the caller's own certificates as a signed Open Badges 3.0
    /// credential, for whoever they give it to (an employer, a school): a GET of the link
    /// downloads it, no token needed, until it expires. The holder alone; audited.
    async fn share_certificate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The certificate and how long the link lasts.")]
        input: ShareCertificateInput,
    ) -> async_graphql::Result<CertificateShareLink> {
        use crate::domain::kernel::credentials::CertificateRef;
        let certificate = match NodeKey::parse("input.certificate", &input.certificate)? {
            NodeKey::Certificate(id) => CertificateRef::Level(id),
            NodeKey::SpecialAbilityCertificate(id) => CertificateRef::Special(id),
            _ => {
                return Err(crate::error::AppError::validation(
                    "input.certificate",
                    "not the ID of a certificate",
                )
                .into());
            }
        };
        let api = api(ctx)?;
        let issuer = crate::graphql::context::credential_issuer(ctx)?;
        let (url, expires) = certification::badges::share_link(
            &*api.db.turn().await?,
            &caller(ctx),
            issuer,
            certificate,
            i64::from(input.days.unwrap_or(30)),
        )
        .await?;
        Ok(CertificateShareLink {
            url,
            expires_at: expires.into(),
        })
    }

    /// Revokes a special-ability certificate, with a reason (its issuing body or the regulator
    /// of the body's region).
    async fn revoke_special_ability_certificate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The certificate and why.")] input: RevokeSpecialAbilityCertificateInput,
    ) -> async_graphql::Result<SpecialAbilityCertificate> {
        let api = api(ctx)?;
        let id = match NodeKey::parse("input.certificate", &input.certificate)? {
            NodeKey::SpecialAbilityCertificate(id) => id,
            _ => {
                return Err(crate::error::AppError::validation(
                    "input.certificate",
                    "not the ID of a special-ability certificate",
                )
                .into());
            }
        };
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        Ok(SpecialAbilityCertificate(
            certification::revoke_special_certificate(
                &*api.db.turn().await?,
                &caller(ctx),
                id,
                reason,
            )
            .await?,
        ))
    }
}

/// Share a certificate's credential.
#[derive(InputObject, Debug)]
pub struct ShareCertificateInput {
    /// The certificate: a skill-level or a special-ability certificate of the caller's.
    pub certificate: ID,
    /// How many days the link lasts, 1 to 90 (30 when left out).
    pub days: Option<i32>,
}

/// A link to a certificate's signed credential.
#[derive(SimpleObject)]
pub struct CertificateShareLink {
    /// The URL: a GET downloads the credential (a compact VC-JWT), no token needed.
    pub url: String,
    /// When it stops working.
    pub expires_at: DateTime,
}

/// Schedule a special-ability session.
#[derive(InputObject, Debug)]
pub struct ScheduleSpecialAbilitySessionInput {
    /// The special ability's code, one the body's filing names.
    pub special_ability: String,
    /// The assessment day, not in the past.
    pub exam_date: Date,
    /// The last day to register, on or before the assessment day.
    pub registration_deadline: Date,
    /// The venue's region (a city or county code).
    pub region: String,
    /// The venue's address, 1 to 200 characters.
    pub address: String,
    /// Places, 1 to 1,000.
    pub capacity: i32,
}

/// Register a learner for a special-ability session.
#[derive(InputObject, Debug)]
pub struct RegisterSpecialAbilityCandidateInput {
    /// The session.
    pub session: ID,
    /// The learner.
    pub learner: ID,
}

/// Publish a special-ability session's results.
#[derive(InputObject, Debug)]
pub struct PublishSpecialAbilityResultsInput {
    /// The session.
    pub session: ID,
    /// Every candidate's result, once each.
    pub results: Vec<SpecialAbilityResultInput>,
}

/// One candidate's result.
#[derive(InputObject, Debug)]
pub struct SpecialAbilityResultInput {
    /// The candidate.
    pub candidate: ID,
    /// Whether they passed.
    pub passed: bool,
}

/// Revoke a special-ability certificate.
#[derive(InputObject, Debug)]
pub struct RevokeSpecialAbilityCertificateInput {
    /// The certificate.
    pub certificate: ID,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// What publishing a special-ability session's results did.
#[derive(SimpleObject)]
pub struct SpecialAbilityResults {
    /// The session, its results published.
    pub session: SpecialAbilitySession,
    /// The certificates its passes earned.
    pub certificates: Vec<SpecialAbilityCertificate>,
}
