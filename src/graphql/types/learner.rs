use crate::graphql::loaders::required;
use crate::graphql::scalars::DateTime;
use async_graphql::{Context, ID, Object};
use chrono::{Datelike, Utc};
use entity::learner;

use super::{Organization, Region, SkillLevel};
use crate::{
    auth::policy,
    domain::people::learners,
    error::AppError,
    graphql::{
        context::{api, caller},
        ids::NodeKey,
    },
};

/// The group a learner declares at registration, of the five the API first knew (重点群体).
/// Target groups are data now (`targetGroups`, `Learner.targetGroups`, `recordTargetGroup`):
/// the declared group is a learner's first membership, and these codes are groups' codes.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::TargetGroup", name = "TargetGroupCode")]
pub enum TargetGroupCode {
    /// A college graduate (高校毕业生).
    Graduate,
    /// A rural migrant worker (农村转移劳动者).
    RuralMigrantWorker,
    /// Unemployed (失业人员).
    Unemployed,
    /// A veteran (退役军人).
    Veteran,
    /// A person with a disability (残疾人).
    Disabled,
    /// Anyone else.
    Other,
}

/// How much of a learner the viewer sees.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::auth::policy::LearnerView")]
pub enum LearnerView {
    /// The masked name and the skill levels reached; every other field is null. For system
    /// administrators and for an employer, assessment body, alliance administrator or
    /// regulator of another region with a link to the learner (training, assessment, a
    /// recommendation).
    Summary,
    /// The whole record: the learner, the regulator of the learner's region, and a provider
    /// in a current relation (an ENROLLED enrolment, a completion or registration within the
    /// configured `provider_access_days`).
    Full,
}

/// The GraphQL `Learner` type. It can only be built by [`Learner::resolve`], which asks
/// `auth::policy::learner_view`: no resolver hands out a person the policy did not decide on.
pub struct Learner {
    row: learner::Model,
    view: policy::LearnerView,
}

impl Learner {
    /// The learner as this viewer may see them, or `None` (the policy's one decision).
    pub(crate) async fn resolve(
        ctx: &Context<'_>,
        row: learner::Model,
    ) -> async_graphql::Result<Option<Self>> {
        let api = api(ctx)?;
        let caller = caller(ctx);
        let facts = if policy::learner_view_needs_relations(&caller.viewer, row.region_id) {
            let mut facts = api
                .loaders
                .learner_facts
                .load_one(row.id)
                .await?
                .unwrap_or_default();
            facts.learner_id = row.id;
            facts.region_id = row.region_id;
            facts
        } else {
            policy::LearnerFacts::bare(row.id, row.region_id)
        };
        Ok(
            policy::learner_view(&caller.viewer, &facts, &caller.access, Utc::now())
                .map(|view| Self { row, view }),
        )
    }

    /// [`Learner::resolve`] by id (batched with every other learner the request reads).
    pub(crate) async fn by_id(ctx: &Context<'_>, id: i32) -> async_graphql::Result<Option<Self>> {
        match api(ctx)?.loaders.learner.load_one(id).await? {
            Some(row) => Self::resolve(ctx, row).await,
            None => Ok(None),
        }
    }

    /// Whether the viewer sees the learner of `id` in full (the access policy's decision): what
    /// a node about one person (a certificate, an intention, a follow-up) asks before it shows.
    pub(crate) async fn seen_in_full(ctx: &Context<'_>, id: i32) -> async_graphql::Result<bool> {
        Ok(Self::by_id(ctx, id).await?.is_some_and(|l| l.is_full()))
    }

    /// Whether the viewer sees the whole record.
    pub(crate) fn is_full(&self) -> bool {
        self.view == policy::LearnerView::Full
    }

    fn full(&self) -> Option<&learner::Model> {
        self.is_full().then_some(&self.row)
    }

    async fn valid_levels(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<entity::SkillLevel>> {
        let rows = api(ctx)?
            .loaders
            .certificates_by_learner
            .load_one(self.row.id)
            .await?
            .unwrap_or_default();
        let mut levels: Vec<entity::SkillLevel> = rows
            .iter()
            .filter(|c| c.status == entity::CertificateStatus::Valid)
            .map(|c| c.level)
            .collect();
        levels.sort_unstable_by(|a, b| b.cmp(a));
        levels.dedup();
        Ok(levels)
    }
}

/// An age band, wide enough that it does not narrow down an ID number's birth date.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeBand {
    /// Under 25.
    #[graphql(name = "UNDER_25")]
    Under25,
    /// 25 to 34.
    #[graphql(name = "FROM_25_TO_34")]
    From25To34,
    /// 35 to 44.
    #[graphql(name = "FROM_35_TO_44")]
    From35To44,
    /// 45 to 54.
    #[graphql(name = "FROM_45_TO_54")]
    From45To54,
    /// 55 or older.
    #[graphql(name = "FROM_55")]
    From55,
}

impl AgeBand {
    fn of(birth_year: i16, this_year: i32) -> Self {
        match this_year - i32::from(birth_year) {
            ..25 => Self::Under25,
            25..35 => Self::From25To34,
            35..45 => Self::From35To44,
            45..55 => Self::From45To54,
            _ => Self::From55,
        }
    }
}

/// A learner (学员), managed by real name. What a viewer sees is one decision of the access
/// policy (`view`): the full record, a summary (masked name and skill levels), or nothing at
/// all (the learner is then null wherever it would appear). Fields other than `id`, `view`,
/// `name`, `skillLevel` and `certificateLevels` are null in a summary. Personal data is masked
/// here; `personalData` shows it whole to the learner, the regulator of the learner's region and
/// the learner's current providers, and records every such read in the audit trail.
#[Object]
impl Learner {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Learner(self.row.id).to_id().into()
    }

    /// How much of the learner this viewer sees.
    async fn view(&self) -> LearnerView {
        self.view.into()
    }

    /// The name, masked (`张*`); `*` once the learner's personal data is erased.
    async fn name(&self) -> &str {
        &self.row.name_masked
    }

    /// When the learner's personal data was erased (at their request, or at the end of the
    /// retention period); null while it is kept. An erased learner's records that the law keeps
    /// (certificates, subsidised enrolments) remain, naming nobody.
    async fn erased_at(&self) -> Option<DateTime> {
        self.row.erased_at.map(Into::into)
    }

    /// The highest skill level of the learner's valid certificates, if any.
    async fn skill_level(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SkillLevel>> {
        Ok(self.valid_levels(ctx).await?.first().map(|&l| l.into()))
    }

    /// The levels of the learner's valid certificates, highest first, each once.
    async fn certificate_levels(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<SkillLevel>> {
        Ok(self
            .valid_levels(ctx)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The national ID number with all but its last four characters masked
    /// (`**************1234`); full view only.
    async fn national_id(&self) -> Option<String> {
        self.full().filter(|l| l.erased_at.is_none()).map(|l| {
            // The stored masked form is ASCII (`320111********1234`): keep its last four.
            let masked = &l.national_id_masked;
            let tail = masked
                .get(masked.len().saturating_sub(4)..)
                .unwrap_or_default();
            format!("{}{tail}", "*".repeat(14))
        })
    }

    /// The mobile number, masked (`138****1234`); full view only, null once erased.
    async fn phone(&self) -> Option<&str> {
        self.full()
            .filter(|l| l.erased_at.is_none())
            .map(|l| l.phone_masked.as_str())
    }

    /// The age band (never the birth year, which with the masked number would narrow the birth
    /// date down); full view only.
    async fn age_band(&self) -> Option<AgeBand> {
        self.full()
            .map(|l| AgeBand::of(l.birth_year, Utc::now().year()))
    }

    /// The group declared at registration; full view only. Every group the learner belongs
    /// to, with its date and basis, is `targetGroups`.
    #[graphql(deprecation = "the declared group is the first of `targetGroups`")]
    async fn target_group(&self) -> Option<TargetGroupCode> {
        self.full().map(|l| l.target_group.into())
    }

    /// The target groups the learner belongs to, oldest first, each with its date and basis
    /// (some groups are sensitive: disability, poverty); full view only.
    async fn target_groups(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<super::TargetGroupMembership>>> {
        let Some(l) = self.full() else {
            return Ok(None);
        };
        let rows = api(ctx)?
            .loaders
            .target_groups_by_learner
            .load_one(l.id)
            .await?
            .unwrap_or_default();
        Ok(Some(
            rows.into_iter()
                .map(|(m, g)| super::TargetGroupMembership(m, g))
                .collect(),
        ))
    }

    /// When the learner was registered; full view only.
    async fn created_at(&self) -> Option<DateTime> {
        self.full().map(|l| l.created_at).map(Into::into)
    }

    /// The region the learner lives in; full view only.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        let Some(l) = self.full() else {
            return Ok(None);
        };
        Ok(Some(Region(
            required(&api(ctx)?.loaders.region, l.region_id, || {
                AppError::internal("a learner without a region")
            })
            .await?,
        )))
    }

    /// The provider or bureau that registered the learner; full view only.
    async fn registered_by(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organization>> {
        let Some(id) = self.full().and_then(|l| l.registered_by_id) else {
            return Ok(None);
        };
        Ok(api(ctx)?
            .loaders
            .organization
            .load_one(id)
            .await?
            .map(Organization))
    }

    /// The learner's skill-level certificates; full view only.
    async fn certificates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<super::Certificate>>> {
        let Some(l) = self.full() else {
            return Ok(None);
        };
        let rows = api(ctx)?
            .loaders
            .certificates_by_learner
            .load_one(l.id)
            .await?
            .unwrap_or_default();
        Ok(Some(rows.into_iter().map(super::Certificate).collect()))
    }

    /// The learner's special-ability certificates (专项职业能力), oldest first; full view only.
    async fn special_ability_certificates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<super::SpecialAbilityCertificate>>> {
        let Some(l) = self.full() else {
            return Ok(None);
        };
        let rows = api(ctx)?
            .loaders
            .special_certificates_by_learner
            .load_one(l.id)
            .await?
            .unwrap_or_default();
        Ok(Some(
            rows.into_iter()
                .map(super::SpecialAbilityCertificate)
                .collect(),
        ))
    }

    /// The honours conferred on the learner (江苏工匠 …), newest year first; full view only.
    async fn honours(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<super::Honour>>> {
        let Some(l) = self.full() else {
            return Ok(None);
        };
        let rows = api(ctx)?
            .loaders
            .honours_by_learner
            .load_one(l.id)
            .await?
            .unwrap_or_default();
        Ok(Some(rows.into_iter().map(super::Honour).collect()))
    }

    /// The learner's appointments as special or chief technician (特级技师, 首席技师), latest term
    /// first; full view only.
    async fn appointments(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<super::Appointment>>> {
        let Some(l) = self.full() else {
            return Ok(None);
        };
        let rows = api(ctx)?
            .loaders
            .appointments_by_learner
            .load_one(l.id)
            .await?
            .unwrap_or_default();
        Ok(Some(rows.into_iter().map(super::Appointment).collect()))
    }

    /// The competitions the learner entered, with their results, newest entry first; full view
    /// only.
    async fn competition_entries(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<super::CompetitionEntrant>>> {
        let Some(l) = self.full() else {
            return Ok(None);
        };
        let rows = api(ctx)?
            .loaders
            .entries_by_learner
            .load_one(l.id)
            .await?
            .unwrap_or_default();
        Ok(Some(
            rows.into_iter().map(super::CompetitionEntrant).collect(),
        ))
    }

    /// The job recommendations made to the learner, oldest first; full view only.
    async fn recommendations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<super::Recommendation>>> {
        let Some(l) = self.full() else {
            return Ok(None);
        };
        let rows = api(ctx)?
            .loaders
            .recommendations_by_learner
            .load_one(l.id)
            .await?
            .unwrap_or_default();
        Ok(Some(rows.into_iter().map(super::Recommendation).collect()))
    }

    /// The follow-ups of the learner's completed training, by completion and month; full view
    /// only.
    async fn follow_ups(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<super::FollowUp>>> {
        let Some(l) = self.full() else {
            return Ok(None);
        };
        let rows = api(ctx)?
            .loaders
            .follow_ups_by_learner
            .load_one(l.id)
            .await?
            .unwrap_or_default();
        Ok(Some(rows.into_iter().map(super::FollowUp).collect()))
    }

    /// The 1131 service's policy briefings and career guidance given to the learner, oldest
    /// first; full view only.
    async fn service_contacts(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<super::ServiceContact>>> {
        let Some(l) = self.full() else {
            return Ok(None);
        };
        let rows = api(ctx)?
            .loaders
            .contacts_by_learner
            .load_one(l.id)
            .await?
            .unwrap_or_default();
        Ok(Some(rows.into_iter().map(super::ServiceContact).collect()))
    }

    /// How far the learner's 1131 service has come (1 policy briefing, 1 career guidance, 3 job
    /// recommendations, 1 training); full view only.
    async fn service_progress(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::ServiceProgress>> {
        let Some(l) = self.full() else {
            return Ok(None);
        };
        let progress = api(ctx)?
            .loaders
            .service_progress_by_learner
            .load_one(l.id)
            .await?
            .unwrap_or_default();
        Ok(Some(super::ServiceProgress(progress)))
    }

    /// OPEN demands that fit the learner's certificates or completed training and were not
    /// recommended to them yet, best first, each with the reasons for its score (the scoring is
    /// documented on `JobSuggestion`). Deterministic: ties go to the newer demand, then the lower
    /// ID. Full view only (distances would locate the learner).
    async fn job_suggestions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 1 to 50 (10 when left out).")] first: Option<i32>,
    ) -> async_graphql::Result<Option<Vec<super::JobSuggestion>>> {
        let limit = match first {
            None => 10,
            Some(n @ 1..=50) => n as usize,
            Some(_) => return Err(AppError::validation("first", "1 to 50").into()),
        };
        let Some(l) = self.full() else {
            return Ok(None);
        };
        let found =
            crate::domain::employment::job_suggestions(&*api(ctx)?.db.turn().await?, l, limit)
                .await?;
        Ok(Some(found.into_iter().map(super::JobSuggestion).collect()))
    }

    /// The unmasked personal data, for the learner, the regulator of the learner's region and
    /// the learner's current providers only (FORBIDDEN otherwise, and for every summary). Every
    /// read is recorded in the audit trail before the data is returned.
    async fn personal_data(&self, ctx: &Context<'_>) -> async_graphql::Result<LearnerPersonalData> {
        let api = api(ctx)?;
        let caller = caller(ctx);
        policy::may_read_personal_data(&caller.viewer, Some(self.view))?;
        let data = learners::personal_data(
            &*api.db.turn().await?,
            &caller,
            &caller.access,
            &api.personal_data,
            &self.row,
        )
        .await?;
        Ok(LearnerPersonalData(data))
    }
}

/// The GraphQL `LearnerPersonalData` type.
pub struct LearnerPersonalData(learners::PersonalData);

/// A learner's personal data, unmasked. Reading it is recorded in the audit trail.
#[Object]
impl LearnerPersonalData {
    /// The real name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The national ID number.
    async fn national_id(&self) -> &str {
        self.0.national_id.reveal()
    }

    /// The mobile number.
    async fn phone(&self) -> &str {
        &self.0.phone
    }
}
