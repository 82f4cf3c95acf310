//! `Mutation`: competitions and their results, direct recognitions, technicians' appointments.

use async_graphql::{Context, ID, InputObject, Object};

use crate::graphql::{
    context::{api, caller},
    ids::NodeKey,
    scalars::Date,
    types::{
        Appointment, Certificate, Competition, CompetitionAward, CompetitionEntrant,
        CompetitionLevel, DirectRecognition, SkillLevel,
    },
};
use crate::{
    domain::certification::{self, PlacedEntrant, PromotionRule},
    domain::kernel::input::{self, Reason},
    error::AppResult,
};

use super::results_refused;

/// Competitions and their results, direct recognitions.
#[derive(Default)]
pub struct CompetitionsMutation;

/// Competitions and their results, direct recognitions.
#[Object]
impl CompetitionsMutation {
    /// Announces a competition: an enterprise its own contest (ENTERPRISE, among its employees);
    /// an administrator of every alliance named an ALLIANCE competition; the regulator of its
    /// region every other level. National, provincial and city class 1 competitions may carry
    /// promotion rules (以赛代评), issued by the assessment body named.
    async fn announce_competition(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The competition.")] input: AnnounceCompetitionInput,
    ) -> async_graphql::Result<Competition> {
        let api = api(ctx)?;
        let new = certification::competitions::NewCompetition {
            name: input::one("input.name", &input.name)?,
            level: input.level.into(),
            alliances: input::each(
                "input.alliances",
                input.alliances.as_deref().unwrap_or_default(),
            )?,
            occupations: input::each("input.occupations", &input.occupations)?,
            starts_on: input.starts_on.into(),
            ends_on: input.ends_on.into(),
            venue: input::one("input.venue", &input.venue)?,
            body_organization: input
                .body
                .as_deref()
                .map(|b| NodeKey::organization("input.body", b))
                .transpose()?,
            rules: input
                .promotion_rules
                .unwrap_or_default()
                .into_iter()
                .map(|r| PromotionRule {
                    up_to_rank: r.up_to_rank,
                    grant_level: r.grant_level.map(Into::into),
                })
                .collect(),
        };
        Ok(Competition(
            certification::announce_competition(&*api.db.turn().await?, &caller(ctx), new).await?,
        ))
    }

    /// Enters a person in a scheduled competition, in one of its occupations: a learner
    /// themself (leave `learner` out), or the organizer for a person it sees through the person
    /// gate (an enterprise's contest: its employees). Once a competition (CONFLICT).
    async fn enter_competition(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The competition, the person and the occupation.")]
        input: EnterCompetitionInput,
    ) -> async_graphql::Result<CompetitionEntrant> {
        let api = api(ctx)?;
        let competition = NodeKey::competition("input.competition", &input.competition)?;
        let learner = input
            .learner
            .as_deref()
            .map(|l| NodeKey::learner("input.learner", l))
            .transpose()?;
        let occupation = input::one("input.occupation", &input.occupation)?;
        Ok(CompetitionEntrant(
            certification::enter_competition(
                &*api.db.turn().await?,
                &caller(ctx),
                competition,
                learner,
                &occupation,
            )
            .await?,
        ))
    }

    /// Publishes a competition's results, once, by its organizer: each row an entrant, with a
    /// rank unique in their occupation and an award. Any bad row refuses the whole batch, every
    /// bad row named. The promotions the rules grant are issued in the same transaction as
    /// COMPETITION certificates.
    async fn publish_competition_results(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The competition and its results.")] input: PublishCompetitionResultsInput,
    ) -> async_graphql::Result<CompetitionResults> {
        let api = api(ctx)?;
        let competition = NodeKey::competition("input.competition", &input.competition)?;
        let rows = input
            .results
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Ok(PlacedEntrant {
                    entrant_id: NodeKey::entrant(
                        &format!("input.results[{i}].entrant"),
                        &r.entrant,
                    )?,
                    rank: r.rank,
                    award: r.award.map(Into::into),
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        match certification::publish_competition_results(
            &*api.db.turn().await?,
            &caller(ctx),
            competition,
            rows,
        )
        .await
        {
            Ok((saved, issued)) => Ok(CompetitionResults {
                competition: Competition(saved),
                certificates: issued.into_iter().map(Certificate).collect(),
            }),
            Err(refused) => Err(results_refused(ctx, refused)),
        }
    }

    /// Appoints one of the enterprise's own employees special technician (特级技师: holds a valid
    /// level 1 certificate in the occupation) or chief technician (首席技师: a special technician
    /// of the occupation when the term starts), for a term of at most five years.
    async fn appoint_technician(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The employee, the title, the occupation and the term.")]
        input: AppointTechnicianInput,
    ) -> async_graphql::Result<Appointment> {
        let api = api(ctx)?;
        let new = certification::NewAppointment {
            learner_id: NodeKey::learner("input.learner", &input.learner)?,
            occupation: input::one("input.occupation", &input.occupation)?,
            title: input.title.into(),
            starts_on: input.starts_on.into(),
            ends_on: input.ends_on.into(),
        };
        Ok(Appointment(
            certification::appoint_technician(&*api.db.turn().await?, &caller(ctx), new).await?,
        ))
    }

    /// Proposes a direct recognition (直接认定) of a level for one of the employer body's own
    /// employees, with its justification; the regulator of the body's region decides.
    async fn propose_direct_recognition(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The employee, the occupation, the level and why.")]
        input: ProposeDirectRecognitionInput,
    ) -> async_graphql::Result<DirectRecognition> {
        let api = api(ctx)?;
        let new = certification::NewRecognition {
            learner_id: NodeKey::learner("input.learner", &input.learner)?,
            occupation: input::one("input.occupation", &input.occupation)?,
            level: input.level.into(),
            justification: input::one("input.justification", &input.justification)?,
        };
        Ok(DirectRecognition(
            certification::propose_recognition(&*api.db.turn().await?, &caller(ctx), new).await?,
        ))
    }

    /// Decides a proposed direct recognition: the regulator of the body's region. Approval
    /// issues the certificate (route DIRECT); a rejection gives its reason. Decided once.
    async fn decide_direct_recognition(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recognition and the decision.")] input: DecideDirectRecognitionInput,
    ) -> async_graphql::Result<DirectRecognition> {
        let api = api(ctx)?;
        let id = NodeKey::recognition("input.recognition", &input.recognition)?;
        let reason = Reason::optional("input.reason", input.reason.as_deref())?;
        Ok(DirectRecognition(
            certification::decide_recognition(
                &*api.db.turn().await?,
                &caller(ctx),
                id,
                input.approve,
                reason,
            )
            .await?,
        ))
    }
}

/// What publishing a competition's results did.
#[derive(async_graphql::SimpleObject)]
pub struct CompetitionResults {
    /// The competition, its results published.
    pub competition: Competition,
    /// The certificates its promotion rules granted.
    pub certificates: Vec<Certificate>,
}

/// A promotion rule to announce.
#[derive(InputObject, Debug)]
pub struct PromotionRuleInput {
    /// The lowest rank it covers, 1 to 10,000 (1: the first place only).
    pub up_to_rank: i32,
    /// The level it grants; left out for the next level above the one the entrant holds.
    pub grant_level: Option<SkillLevel>,
}

/// A competition to announce.
#[derive(InputObject, Debug)]
pub struct AnnounceCompetitionInput {
    /// Its name, 1 to 80 characters.
    pub name: String,
    /// Its level.
    pub level: CompetitionLevel,
    /// The alliances it is held by or for (codes); required for ALLIANCE.
    pub alliances: Option<Vec<String>>,
    /// Its occupations (codes), 1 to 20.
    pub occupations: Vec<String>,
    /// The first day.
    pub starts_on: Date,
    /// The last day, at most 60 days after the first.
    pub ends_on: Date,
    /// The venue, 1 to 200 characters.
    pub venue: String,
    /// The assessment body that issues its promotions (the body's Organization ID), with rules
    /// only.
    pub body: Option<ID>,
    /// Its promotion rules (national, provincial and city class 1 only).
    pub promotion_rules: Option<Vec<PromotionRuleInput>>,
}

/// A person to enter.
#[derive(InputObject, Debug)]
pub struct EnterCompetitionInput {
    /// The competition.
    pub competition: ID,
    /// The person (a Learner ID); left out by a learner entering themself.
    pub learner: Option<ID>,
    /// The occupation they compete in, one of the competition's.
    pub occupation: String,
}

/// One result.
#[derive(InputObject, Debug)]
pub struct CompetitionResultInput {
    /// The entrant.
    pub entrant: ID,
    /// Their rank in their occupation, 1 to 10,000.
    pub rank: i32,
    /// Their award, if any.
    pub award: Option<CompetitionAward>,
}

/// A competition's results.
#[derive(InputObject, Debug)]
pub struct PublishCompetitionResultsInput {
    /// The competition.
    pub competition: ID,
    /// The entrants who placed; those left out did not.
    pub results: Vec<CompetitionResultInput>,
}

/// A direct recognition to propose.
#[derive(InputObject, Debug)]
pub struct ProposeDirectRecognitionInput {
    /// The employee (a Learner ID).
    pub learner: ID,
    /// The occupation, within the body's scope.
    pub occupation: String,
    /// The level, one of the five national levels, within the body's scope.
    pub level: SkillLevel,
    /// Why: the work, the results, the years; 1 to 2,000 characters.
    pub justification: String,
}

/// A decision on a direct recognition.
#[derive(InputObject, Debug)]
pub struct DecideDirectRecognitionInput {
    /// The recognition.
    pub recognition: ID,
    /// Approve (issues the certificate) or reject.
    pub approve: bool,
    /// Why; required to reject.
    pub reason: Option<String>,
}

/// An appointment to record.
#[derive(InputObject, Debug)]
pub struct AppointTechnicianInput {
    /// The employee (a Learner ID).
    pub learner: ID,
    /// SPECIAL_TECHNICIAN or CHIEF_TECHNICIAN.
    pub title: SkillLevel,
    /// The occupation.
    pub occupation: String,
    /// The first day of the term, at most a year back.
    pub starts_on: Date,
    /// The last day of the term, at most five years on.
    pub ends_on: Date,
}
