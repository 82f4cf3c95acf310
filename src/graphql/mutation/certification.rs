//! `Mutation`: assessment bodies, sessions, candidates, results and certificates.

use crate::graphql::scalars::Date;
use async_graphql::{Context, ID, InputObject, Object};

use crate::graphql::{
    context::{api, caller, client_address, verification_budgets},
    ids::NodeKey,
    types::{
        AssessmentBody, AssessmentSession, BodyStatus, BodyType, Candidate, Certificate,
        CertificateHolderCheck, HolderMatch, Honour, HonourLevel, SkillLevel,
    },
};
use crate::{
    domain::certification::{self, NewSession, ResultRow},
    domain::kernel::input::{self, Reason},
    error::{AppError, AppResult},
};

use super::results_refused;

/// Assessment bodies, sessions, candidates, results and certificates.
#[derive(Default)]
pub struct CertificationMutation;

#[Object]
impl CertificationMutation {
    /// Records an honour conferred on a person (江苏工匠, 大连工匠, 技能大师 …) with its year, who
    /// confers it, its award and the employer: the regulator of the person's region, who sees them
    /// in full. The same title twice in a year for one person is CONFLICT.
    async fn record_honour(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person and the honour.")] input: RecordHonourInput,
    ) -> async_graphql::Result<Honour> {
        let api = api(ctx)?;
        let learner_id = NodeKey::learner("input.learner", &input.learner)?;
        let employer_id = input
            .employer
            .as_deref()
            .map(|e| NodeKey::organization("input.employer", e))
            .transpose()?;
        Ok(Honour(
            certification::record_honour(
                &*api.db.turn().await?,
                &caller(ctx),
                certification::NewHonour {
                    learner_id,
                    title: input.title,
                    level: input.level.into(),
                    year: input.year,
                    award_fen: input.award_fen.map(|f| f.0),
                    employer_id,
                },
            )
            .await?,
        ))
    }

    /// Whether a named person holds a certificate (the national lookup's 姓名 + 身份证号 + 证书编号):
    /// public, no token; answers MATCH or NO_MATCH and nothing else (an unknown number, a wrong
    /// name or ID number, an erased holder all say NO_MATCH). A mutation, since every check is
    /// spent from two budgets: the client address's (5 at once, then one a minute by default) and
    /// the number's, from every address together (5, then one every 10 minutes); over either,
    /// THROTTLED with `extensions.retryAfter`. A malformed number or ID number is BAD_USER_INPUT
    /// and spends nothing.
    async fn check_certificate_holder(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The certificate and the person.")] input: CheckCertificateHolderInput,
    ) -> async_graphql::Result<CertificateHolderCheck> {
        let (number, id) = certification::holder_check_input(&input.number, &input.national_id)
            .map_err(|e| match e {
                AppError::Validation { field, message } => {
                    AppError::validation(format!("input.{field}"), message)
                }
                other => other,
            })?;
        verification_budgets(ctx)?
            .holder_check(client_address(ctx), number.as_str())
            .await?;
        let api = api(ctx)?;
        let matched = certification::holder_matches(
            &*api.db.turn().await?,
            &caller(ctx),
            &api.personal_data,
            &number,
            &input.name,
            &id,
        )
        .await?;
        Ok(CertificateHolderCheck {
            number: number.as_str().to_owned(),
            result: if matched {
                HolderMatch::Match
            } else {
                HolderMatch::NoMatch
            },
        })
    }

    /// Files an organization as an assessment body with its scope (the regulator of its region);
    /// filing again replaces the scope and makes it ACTIVE.
    async fn file_assessment_body(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The filing.")] input: FileAssessmentBodyInput,
    ) -> async_graphql::Result<AssessmentBody> {
        let api = api(ctx)?;
        let org = NodeKey::organization("input.organization", &input.organization)?;
        let scope = input
            .scope
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                Ok((
                    input::one(&format!("input.scope[{i}].occupation"), &s.occupation)?,
                    s.max_level.into(),
                ))
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(AssessmentBody(
            certification::file_body(
                &*api.db.turn().await?,
                &caller(ctx),
                org,
                certification::Filing {
                    body_type: input.body_type.into(),
                    body_code: input.body_code,
                    site_serial: input.site_serial,
                    scope,
                    special_abilities: input.special_abilities.unwrap_or_default(),
                },
            )
            .await?,
        ))
    }

    /// Sets an assessment body ACTIVE, SUSPENDED or REVOKED (the regulator of its region); only
    /// an ACTIVE body schedules sessions or issues certificates.
    async fn set_assessment_body_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The body, its standing and why.")] input: SetAssessmentBodyStatusInput,
    ) -> async_graphql::Result<AssessmentBody> {
        let api = api(ctx)?;
        let org = NodeKey::organization("input.organization", &input.organization)?;
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        Ok(AssessmentBody(
            certification::set_body_status(
                &*api.db.turn().await?,
                &caller(ctx),
                org,
                input.status.into(),
                reason,
            )
            .await?,
        ))
    }

    /// Schedules a session for the token's ACTIVE assessment body, within its scope.
    async fn schedule_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session.")] input: ScheduleSessionInput,
    ) -> async_graphql::Result<AssessmentSession> {
        let api = api(ctx)?;
        let new = NewSession {
            occupation: input::one("input.occupation", &input.occupation)?,
            level: input.level.into(),
            exam_date: input.exam_date.into(),
            registration_deadline: input.registration_deadline.into(),
            region: input::one("input.region", &input.region)?,
            address: input.address,
            point: input.latitude.zip(input.longitude),
            capacity: input.capacity,
            route: input.route.into(),
        };
        Ok(AssessmentSession(
            certification::schedule_session(&*api.db.turn().await?, &caller(ctx), new).await?,
        ))
    }

    /// Registers a learner for a session (the session's body, or the learner's training
    /// provider). CONFLICT when the session is full, closed for registration, or the learner is
    /// registered already or holds a valid certificate at that level or higher.
    async fn register_candidate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session and the learner.")] input: RegisterCandidateInput,
    ) -> async_graphql::Result<Candidate> {
        let api = api(ctx)?;
        let session = NodeKey::session("input.session", &input.session)?;
        let learner = NodeKey::learner("input.learner", &input.learner)?;
        Ok(Candidate(
            certification::register_candidate(
                &*api.db.turn().await?,
                &caller(ctx),
                session,
                learner,
                input.attestation,
            )
            .await?,
        ))
    }

    /// Records scores (0–100; a candidate passes with both at least 60). Every row is checked
    /// first; any bad row refuses the whole batch, and every bad row is named.
    async fn record_results(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session and its results.")] input: RecordResultsInput,
    ) -> async_graphql::Result<AssessmentSession> {
        let api = api(ctx)?;
        let session = NodeKey::session("input.session", &input.session)?;
        let rows = input
            .results
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Ok(ResultRow {
                    candidate_id: NodeKey::candidate(
                        &format!("input.results[{i}].candidate"),
                        &r.candidate,
                    )?,
                    theory: r.theory_score,
                    practical: r.practical_score,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        match certification::record_results(&*api.db.turn().await?, &caller(ctx), session, rows)
            .await
        {
            Ok(saved) => Ok(AssessmentSession(saved)),
            Err(refused) => Err(results_refused(ctx, refused)),
        }
    }

    /// Issues a certificate to every passing candidate, in one transaction; calling it again
    /// issues nothing new. Returns the certificates this call issued.
    async fn publish_results(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session.")] input: PublishResultsInput,
    ) -> async_graphql::Result<Vec<Certificate>> {
        let api = api(ctx)?;
        let session = NodeKey::session("input.session", &input.session)?;
        let issued =
            certification::publish_results(&*api.db.turn().await?, &caller(ctx), session).await?;
        Ok(issued.into_iter().map(Certificate).collect())
    }

    /// Revokes a certificate, with a reason (its issuing body or the regulator of the body's
    /// region).
    async fn revoke_certificate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The certificate and why.")] input: RevokeCertificateInput,
    ) -> async_graphql::Result<Certificate> {
        let api = api(ctx)?;
        let id = NodeKey::certificate("input.certificate", &input.certificate)?;
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        Ok(Certificate(
            certification::revoke_certificate(&*api.db.turn().await?, &caller(ctx), id, reason)
                .await?,
        ))
    }
}

/// File an organization as an assessment body.
#[derive(InputObject, Debug)]
pub struct FileAssessmentBodyInput {
    /// The organization: an enterprise (EMPLOYER) or an assessment body, training institution or
    /// college (SOCIAL).
    pub organization: ID,
    /// EMPLOYER or SOCIAL.
    #[graphql(name = "type")]
    pub body_type: BodyType,
    /// The 4-digit body code (0000 when filed with the province).
    pub body_code: String,
    /// The 6-digit site serial.
    pub site_serial: String,
    /// What it may evaluate: occupations up to a level (may be empty when it assesses special
    /// abilities only).
    pub scope: Vec<ScopeInput>,
    /// The special abilities (专项职业能力) it may assess, by code: on the national list or its
    /// city's. None when left out.
    pub special_abilities: Option<Vec<String>>,
}

/// An occupation a body may evaluate, up to a level.
#[derive(InputObject, Debug)]
pub struct ScopeInput {
    /// The occupation code.
    pub occupation: String,
    /// The highest level, LEVEL_5 to LEVEL_1.
    pub max_level: SkillLevel,
}

/// Change an assessment body's standing.
#[derive(InputObject, Debug)]
pub struct SetAssessmentBodyStatusInput {
    /// The body's organization.
    pub organization: ID,
    /// ACTIVE, SUSPENDED or REVOKED.
    pub status: BodyStatus,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// Schedule an assessment session.
#[derive(InputObject, Debug)]
pub struct ScheduleSessionInput {
    /// The occupation code, within the body's scope.
    pub occupation: String,
    /// The level, up to the scope's highest.
    pub level: SkillLevel,
    /// The exam day.
    pub exam_date: Date,
    /// The last day to register.
    pub registration_deadline: Date,
    /// The venue's region: its city, or a county under it; a city with an address that names one
    /// of its counties gets that county.
    pub region: String,
    /// The venue's address.
    pub address: String,
    /// The venue's latitude.
    pub latitude: Option<f64>,
    /// The venue's longitude.
    pub longitude: Option<f64>,
    /// Places, 1 to 1,000.
    pub capacity: i32,
    /// EXAM (the default), or WORKPLACE (车间+考场: an employer body assessing its own employees
    /// at work); its certificates carry it as their route.
    #[graphql(default_with = "crate::graphql::types::CertificateRoute::Exam")]
    pub route: crate::graphql::types::CertificateRoute,
}

/// Register a learner for a session.
#[derive(InputObject, Debug)]
pub struct RegisterCandidateInput {
    /// The session.
    pub session: ID,
    /// The learner.
    pub learner: ID,
    /// An employer body's attestation that the learner is its employee.
    pub attestation: Option<String>,
}

/// Record a session's results.
#[derive(InputObject, Debug)]
pub struct RecordResultsInput {
    /// The session.
    pub session: ID,
    /// One row per candidate.
    pub results: Vec<ResultInput>,
}

/// One candidate's scores.
#[derive(InputObject, Debug)]
pub struct ResultInput {
    /// The candidate.
    pub candidate: ID,
    /// Theory score, 0–100.
    pub theory_score: i32,
    /// Practical score, 0–100.
    pub practical_score: i32,
}

/// Publish a session's results.
#[derive(InputObject, Debug)]
pub struct PublishResultsInput {
    /// The session.
    pub session: ID,
}

/// Revoke a certificate.
#[derive(InputObject, Debug)]
pub struct RevokeCertificateInput {
    /// The certificate.
    pub certificate: ID,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// A holder check: the certificate number, and the person's full name and ID number as on the
/// certificate.
#[derive(InputObject, Debug)]
pub struct CheckCertificateHolderInput {
    /// The 22-character certificate number.
    pub number: String,
    /// The holder's full name.
    pub name: String,
    /// The holder's 18-character national ID number.
    pub national_id: String,
}

/// An honour to record.
#[derive(InputObject, Debug)]
pub struct RecordHonourInput {
    /// The person honoured (a Learner ID).
    pub learner: ID,
    /// The title, 1 to 50 characters (江苏工匠).
    pub title: String,
    /// Who confers it.
    pub level: HonourLevel,
    /// The year it was conferred, 1978 to next year.
    pub year: i32,
    /// The award that came with it, in fen (大连工匠: 12,000,000 fen).
    pub award_fen: Option<crate::graphql::scalars::Fen>,
    /// The employer the person worked for (an enterprise's Organization ID).
    pub employer: Option<ID>,
}
