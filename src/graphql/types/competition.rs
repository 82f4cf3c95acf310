//! Skills competitions (职业技能竞赛, 比武) with their entrants and results, and direct
//! recognitions (直接认定).

use async_graphql::{Context, Enum, ID, InputObject, Object};
use entity::{competition, competition_entrant, competition_rule, direct_recognition};

use super::{Alliance, AssessmentBody, Certificate, Learner, Occupation, Organization, Region};
use crate::{
    domain::{
        certification,
        kernel::{ids::NodeKey, input},
    },
    error::AppResult,
    graphql::{
        context::{api, caller},
        scalars::{Date, DateTime},
        types::SkillLevel,
    },
};

/// The level of a competition.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::CompetitionLevel")]
pub enum CompetitionLevel {
    /// A national competition (全国职业技能大赛).
    National,
    /// A provincial competition.
    Provincial,
    /// A city competition of class 1 (市级一类).
    #[graphql(name = "CITY_CLASS1")]
    CityClass1,
    /// A city competition of class 2 (市级二类).
    #[graphql(name = "CITY_CLASS2")]
    CityClass2,
    /// An industry competition (行业).
    Industry,
    /// An alliance's competition.
    Alliance,
    /// An enterprise's own contest among its employees (岗位练兵、技术比武).
    Enterprise,
}

/// Where a competition stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::CompetitionStatus")]
pub enum CompetitionStatus {
    /// Announced; entrants are taken.
    Scheduled,
    /// Its results are published, and the promotions its rules grant issued.
    ResultsPublished,
}

/// An award at a competition.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::CompetitionAward")]
pub enum CompetitionAward {
    /// Gold, first prize (金牌、一等奖).
    Gold,
    /// Silver, second prize (银牌、二等奖).
    Silver,
    /// Bronze, third prize (铜牌、三等奖).
    Bronze,
    /// Excellence (优胜奖).
    Excellence,
}

/// Where a direct recognition stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::RecognitionStatus")]
pub enum RecognitionStatus {
    /// Proposed by the employer body; the regulator decides.
    Proposed,
    /// Approved: the certificate is issued.
    Approved,
    /// Rejected, with a reason.
    Rejected,
}

/// The GraphQL `Competition` type.
pub struct Competition(pub competition::Model);

/// A skills competition or an enterprise's contest: public, as announced; its entrants are the
/// organizer's and the region's regulator's to see.
#[Object]
impl Competition {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Competition(self.0.id).to_id().into()
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Its level.
    async fn level(&self) -> CompetitionLevel {
        self.0.level.into()
    }

    /// The region it is held in, whose regulator supervises it.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        Ok(api(ctx)?
            .loaders
            .region
            .load_one(self.0.region_id)
            .await?
            .map(Region))
    }

    /// The organizing organization: the enterprise of a contest, the bureau when known; none
    /// for an alliance competition (its alliances organize it).
    async fn organizer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let Some(id) = self.0.organizer_id else {
            return Ok(None);
        };
        Ok(api(ctx)?
            .loaders
            .organization
            .load_one(id)
            .await?
            .map(Organization))
    }

    /// The alliances it is held by or for.
    async fn alliances(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Alliance>> {
        let loaders = &api(ctx)?.loaders;
        let ids: Vec<i32> = loaders
            .alliances_by_competition
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.alliance_id)
            .collect();
        let mut found = loaders.alliance.load_many(ids.iter().copied()).await?;
        Ok(ids
            .iter()
            .filter_map(|id| found.remove(id))
            .map(Alliance)
            .collect())
    }

    /// The occupations it is held in (竞赛工种), by code.
    async fn occupations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Occupation>> {
        let loaders = &api(ctx)?.loaders;
        let codes: Vec<String> = loaders
            .occupations_by_competition
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|o| o.occupation_code)
            .collect();
        let table = loaders.occupation.table().await?;
        Ok(codes
            .iter()
            .filter_map(|c| table.get(c).cloned())
            .map(Occupation)
            .collect())
    }

    /// The assessment body that issues the certificates its rules grant.
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AssessmentBody>> {
        let Some(id) = self.0.body_id else {
            return Ok(None);
        };
        Ok(api(ctx)?
            .loaders
            .body
            .load_one(id)
            .await?
            .map(AssessmentBody))
    }

    /// The promotion rules (以赛代评), highest place first.
    async fn promotion_rules(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<PromotionRule>> {
        Ok(api(ctx)?
            .loaders
            .rules_by_competition
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(PromotionRule)
            .collect())
    }

    /// Its first day.
    async fn starts_on(&self) -> Date {
        self.0.starts_on.into()
    }

    /// Its last day.
    async fn ends_on(&self) -> Date {
        self.0.ends_on.into()
    }

    /// The venue.
    async fn venue(&self) -> &str {
        &self.0.venue
    }

    /// Where it stands.
    async fn status(&self) -> CompetitionStatus {
        self.0.status.into()
    }

    /// When its results were published.
    async fn results_published_at(&self) -> Option<DateTime> {
        self.0.results_published_at.map(Into::into)
    }

    /// How many people entered (public).
    async fn entrant_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        Ok(self.entrant_rows(ctx).await?.len() as i32)
    }

    /// The entrants, by occupation and rank (unranked last), each person as the person gate
    /// shows them: null for anyone but the organizer and the regulator of its region.
    async fn entrants(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<CompetitionEntrant>>> {
        // The alliances through the loader: one statement for a whole list of competitions.
        let facts = crate::auth::policy::CompetitionFacts {
            level: self.0.level,
            region_id: self.0.region_id,
            organizer_id: self.0.organizer_id,
            alliance_ids: api(ctx)?
                .loaders
                .alliances_by_competition
                .load_one(self.0.id)
                .await?
                .unwrap_or_default()
                .into_iter()
                .map(|a| a.alliance_id)
                .collect(),
        };
        if !crate::auth::policy::competition_entrants_visible(&caller(ctx).viewer, &facts) {
            return Ok(None);
        }
        Ok(Some(
            self.entrant_rows(ctx)
                .await?
                .into_iter()
                .map(CompetitionEntrant)
                .collect(),
        ))
    }
}

impl Competition {
    async fn entrant_rows(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<competition_entrant::Model>> {
        Ok(api(ctx)?
            .loaders
            .entrants_by_competition
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    /// The competition of `id` (`node(id:)`): public.
    pub(crate) async fn by_id(ctx: &Context<'_>, id: i32) -> async_graphql::Result<Option<Self>> {
        Ok(api(ctx)?.loaders.competition.load_one(id).await?.map(Self))
    }
}

/// The GraphQL `PromotionRule` type.
pub struct PromotionRule(pub competition_rule::Model);

/// A promotion rule: the ranks up to `upToRank` in each occupation reach a level.
#[Object]
impl PromotionRule {
    /// The lowest rank it covers (1: the first place only).
    async fn up_to_rank(&self) -> i32 {
        i32::from(self.0.up_to_rank)
    }

    /// The level it grants; null for the next level above the one the entrant holds.
    async fn grant_level(&self) -> Option<SkillLevel> {
        self.0.grant_level.map(Into::into)
    }
}

/// The GraphQL `CompetitionEntrant` type.
pub struct CompetitionEntrant(pub competition_entrant::Model);

/// A person entered in a competition, with their result; shown to the organizer, the region's
/// regulator and the person themself.
#[Object]
impl CompetitionEntrant {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::CompetitionEntrant(self.0.id).to_id().into()
    }

    /// The competition.
    async fn competition(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Competition>> {
        Competition::by_id(ctx, self.0.competition_id).await
    }

    /// The person, as the person gate shows them to this viewer (null when it shows nothing).
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.learner_id).await
    }

    /// The occupation they compete in.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Occupation>> {
        Ok(api(ctx)?
            .loaders
            .occupation
            .load_one(self.0.occupation_code.clone())
            .await?
            .map(Occupation))
    }

    /// When they were entered.
    async fn entered_at(&self) -> DateTime {
        self.0.entered_at.into()
    }

    /// Whether they entered themselves (otherwise the organizer entered them).
    async fn entered_themselves(&self) -> bool {
        self.0.self_entered
    }

    /// Their rank in their occupation, once results are published (null: did not place).
    async fn rank(&self) -> Option<i32> {
        self.0.rank.map(i32::from)
    }

    /// Their award, if any.
    async fn award(&self) -> Option<CompetitionAward> {
        self.0.award.map(Into::into)
    }

    /// The level the competition's rules granted them, if any (the certificate itself is on the
    /// person's full record).
    async fn promoted_to(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SkillLevel>> {
        let Some(id) = self.0.certificate_id else {
            return Ok(None);
        };
        Ok(api(ctx)?
            .loaders
            .certificate
            .load_one(id)
            .await?
            .map(|c| c.level.into()))
    }
}

/// The GraphQL `DirectRecognition` type.
pub struct DirectRecognition(pub direct_recognition::Model);

/// A direct recognition (直接认定): an employer body's proposal of a level for its employee, and
/// the regulator's decision; seen by the body and the regulator of its region.
#[Object]
impl DirectRecognition {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::DirectRecognition(self.0.id).to_id().into()
    }

    /// The proposing employer body.
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AssessmentBody>> {
        Ok(api(ctx)?
            .loaders
            .body
            .load_one(self.0.body_id)
            .await?
            .map(AssessmentBody))
    }

    /// The employee, as the person gate shows them to this viewer.
    async fn learner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Learner>> {
        Learner::by_id(ctx, self.0.learner_id).await
    }

    /// The occupation.
    async fn occupation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Occupation>> {
        Ok(api(ctx)?
            .loaders
            .occupation
            .load_one(self.0.occupation_code.clone())
            .await?
            .map(Occupation))
    }

    /// The level proposed.
    async fn level(&self) -> SkillLevel {
        self.0.level.into()
    }

    /// Why the body proposes it.
    async fn justification(&self) -> &str {
        &self.0.justification
    }

    /// Where it stands.
    async fn status(&self) -> RecognitionStatus {
        self.0.status.into()
    }

    /// The regulator's reason or note.
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }

    /// When it was proposed.
    async fn proposed_at(&self) -> DateTime {
        self.0.proposed_at.into()
    }

    /// When it was decided.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(Into::into)
    }

    /// The certificate issued on approval, shown when the viewer sees the person in full.
    async fn certificate(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Certificate>> {
        let Some(id) = self.0.certificate_id else {
            return Ok(None);
        };
        Certificate::by_id(ctx, id).await
    }
}

impl DirectRecognition {
    /// The recognition of `id`, if the caller sees it (`node(id:)`).
    pub(crate) async fn by_id(ctx: &Context<'_>, id: i32) -> async_graphql::Result<Option<Self>> {
        let db = &api(ctx)?.db;
        Ok(
            certification::recognition_by_id(&*db.turn().await?, &caller(ctx), id)
                .await?
                .map(Self),
        )
    }
}

impl CompetitionEntrant {
    /// The entrant of `id`, if the caller sees the competition's entrants or is the person.
    pub(crate) async fn by_id(ctx: &Context<'_>, id: i32) -> async_graphql::Result<Option<Self>> {
        let db = &api(ctx)?.db;
        let conn = db.turn().await?;
        let Some(found) = certification::entrant_by_id(&*conn, id).await? else {
            return Ok(None);
        };
        let Some(c) = certification::competition_by_id(&*conn, found.competition_id).await? else {
            return Ok(None);
        };
        let facts = certification::competition_facts(&*conn, &c).await?;
        Ok(crate::auth::policy::competition_entrant_visible(
            &caller(ctx).viewer,
            found.learner_id,
            &facts,
        )
        .then_some(Self(found)))
    }
}

/// Which competitions to list; every field narrows.
#[derive(InputObject, Debug, Default)]
pub struct CompetitionFilter {
    /// Held in this region or under it (a region code).
    pub region: Option<String>,
    /// Of these levels.
    pub levels: Option<Vec<CompetitionLevel>>,
    /// Ending in this year.
    pub year: Option<i32>,
    /// Held by or for this alliance (its code).
    pub alliance: Option<String>,
    /// In this occupation, or an occupation of this group (a code or a prefix such as `6-18`).
    pub occupation: Option<String>,
    /// In this standing.
    pub status: Option<CompetitionStatus>,
}

impl CompetitionFilter {
    /// The domain's filter; a malformed code is BAD_USER_INPUT naming the field.
    pub fn into_domain(self) -> AppResult<certification::CompetitionFilter> {
        Ok(certification::CompetitionFilter {
            region: input::optional("filter.region", self.region.as_deref())?,
            levels: self
                .levels
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            year: self.year,
            alliance: input::optional("filter.alliance", self.alliance.as_deref())?,
            occupation: input::optional("filter.occupation", self.occupation.as_deref())?,
            status: self.status.map(Into::into),
        })
    }
}

/// Which direct recognitions to list.
#[derive(InputObject, Debug, Default)]
pub struct DirectRecognitionFilter {
    /// In this standing.
    pub status: Option<RecognitionStatus>,
}
