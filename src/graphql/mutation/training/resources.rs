//! `Mutation`: open-resource lists, institution ratings, the catalogue and training plans.

use async_graphql::{Context, ID, InputObject, Object};

use crate::graphql::{
    context::{api, caller},
    ids::NodeKey,
    types::{
        CatalogueCategory, CatalogueItem, CatalogueItemStatus, InstitutionStatus, OpenResource,
        Organization, ResourceItemInput, SkillLevel, SubsidyType, TrainingPlan,
    },
};
use crate::{
    domain::kernel::input::{self, Reason},
    domain::training::{
        catalogue::{self, CatalogueEntry, PlanEntry},
        resources::{self, PublishError},
    },
    error::AppError,
    events::Event,
};

use crate::graphql::mutation::report;

/// Open-resource lists, institution ratings, the catalogue and training plans.
#[derive(Default)]
pub struct ResourcesMutation;

#[Object]
impl ResourcesMutation {
    /// Replaces the caller's published open-resource list with a new version (colleges and
    /// training institutions; not while suspended or exited). Every item is checked first: any
    /// bad item publishes nothing, and every bad item and field is named in the errors.
    async fn publish_resource_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The whole new list.")] input: PublishResourceListInput,
    ) -> async_graphql::Result<Vec<OpenResource>> {
        let api = api(ctx)?;
        let items = input
            .items
            .into_iter()
            .map(ResourceItemInput::into_domain)
            .collect();
        match resources::publish(&*api.db.turn().await?, &caller(ctx), items).await {
            Ok(published) => {
                announce(api, &published);
                Ok(published.items.into_iter().map(OpenResource).collect())
            }
            Err(PublishError::App(e)) => Err(e.into()),
            Err(PublishError::Invalid(errors)) => Err(report(
                ctx,
                errors
                    .into_iter()
                    .map(|e| {
                        AppError::validation(
                            format!("input.items[{}].{}", e.item, e.field),
                            e.message,
                        )
                    })
                    .collect(),
            )),
        }
    }

    /// Publishes the caller's list from a CSV or XLSX spreadsheet (headers in Chinese or English),
    /// as `skillgraph import resources` does; any bad row publishes nothing, and every bad row is
    /// named with its row number.
    async fn import_resource_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file.")] input: ImportResourceListInput,
    ) -> async_graphql::Result<Vec<OpenResource>> {
        let api = api(ctx)?;
        let (format, bytes) = super::super::upload(input.format, &input.content_base64)?;
        match resources::import::import(&*api.db.turn().await?, &caller(ctx), format, bytes).await {
            Ok(published) => {
                announce(api, &published);
                Ok(published.items.into_iter().map(OpenResource).collect())
            }
            Err(e) => Err(super::super::import_refused(ctx, e)),
        }
    }

    /// Takes one PUBLISHED item off the caller's list.
    async fn withdraw_resource(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item.")] input: WithdrawResourceInput,
    ) -> async_graphql::Result<OpenResource> {
        let api = api(ctx)?;
        let id = NodeKey::open_resource("input.resource", &input.resource)?;
        Ok(OpenResource(
            resources::withdraw(&*api.db.turn().await?, &caller(ctx), id).await?,
        ))
    }

    /// Rates a training institution 1 to 5 credit stars by hand (the regulator of its region).
    #[graphql(
        deprecation = "Stars come from the four dimensions: use evaluateInstitution, then confirmInstitutionEvaluation."
    )]
    async fn rate_institution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The institution and its stars.")] input: RateInstitutionInput,
    ) -> async_graphql::Result<Organization> {
        let api = api(ctx)?;
        let id = NodeKey::organization("input.institution", &input.institution)?;
        let stars = input::narrow::<i16>("input.stars", input.stars, "1 to 5")?;
        Ok(Organization(
            crate::domain::institutions::standing::rate_institution(
                &*api.db.turn().await?,
                &caller(ctx),
                id,
                stars,
            )
            .await?,
        ))
    }

    /// Admits, suspends or exits a training institution (the regulator of its region). A
    /// suspended or exited institution can neither publish nor be chosen as a cohort's provider.
    async fn set_institution_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The institution, its standing and why.")]
        input: SetInstitutionStatusInput,
    ) -> async_graphql::Result<Organization> {
        let api = api(ctx)?;
        let id = NodeKey::organization("input.institution", &input.institution)?;
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        Ok(Organization(
            crate::domain::institutions::standing::set_institution_status(
                &*api.db.turn().await?,
                &caller(ctx),
                id,
                input.status.into(),
                reason,
            )
            .await?,
        ))
    }

    /// Lists an item in the regulator's region's subsidised catalogue, or updates it.
    async fn upsert_catalogue_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item.")] input: UpsertCatalogueItemInput,
    ) -> async_graphql::Result<CatalogueItem> {
        let api = api(ctx)?;
        let entry = CatalogueEntry {
            occupation: input::one("input.occupation", &input.occupation)?,
            level: input.level.into(),
            category: input.category.into(),
            subsidy_fen: match (input.subsidy_fen, input.subsidy_amount) {
                (Some(fen), None) => fen.0,
                (None, Some(yuan)) if (0..=100_000).contains(&yuan) => i64::from(yuan) * 100,
                (None, Some(_)) => {
                    return Err(
                        AppError::validation("input.subsidyAmount", "0 to 100,000 CNY").into(),
                    );
                }
                _ => {
                    return Err(AppError::validation(
                        "input.subsidyFen",
                        "give the amount once: subsidyFen (or, in whole CNY, subsidyAmount)",
                    )
                    .into());
                }
            },
            evidence: input.evidence.map(Into::into),
            scarce: input.scarce,
            year: input::narrow::<i16>("input.year", input.year, "2000 to 2100")?,
            work_type: input.work_type,
            special_ability: input.special_ability,
        };
        Ok(CatalogueItem(
            catalogue::upsert_item(&*api.db.turn().await?, &caller(ctx), entry).await?,
        ))
    }

    /// Moves a catalogue item to LISTED, UNDER_REVIEW or REMOVED, with a reason.
    async fn set_catalogue_item_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item, its standing and why.")] input: SetCatalogueItemStatusInput,
    ) -> async_graphql::Result<CatalogueItem> {
        let api = api(ctx)?;
        let id = NodeKey::catalogue_item("input.item", &input.item)?;
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        Ok(CatalogueItem(
            catalogue::set_item_status(
                &*api.db.turn().await?,
                &caller(ctx),
                id,
                input.status.into(),
                reason,
            )
            .await?,
        ))
    }

    /// Publishes a quarterly training plan for the caller's provider.
    async fn publish_training_plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The plan.")] input: PublishTrainingPlanInput,
    ) -> async_graphql::Result<TrainingPlan> {
        let api = api(ctx)?;
        let entry = PlanEntry {
            region: input::one("input.region", &input.region)?,
            year: input::narrow::<i16>("input.year", input.year, "2000 to 2100")?,
            quarter: input::narrow::<i16>("input.quarter", input.quarter, "1 to 4")?,
            occupation: input::one("input.occupation", &input.occupation)?,
            planned_classes: input.planned_classes,
            planned_headcount: input.planned_headcount,
            subsidy_type: input.subsidy_type.into(),
            programme_id: input
                .programme
                .map(|p| NodeKey::programme("input.programme", &p))
                .transpose()?,
        };
        Ok(TrainingPlan(
            catalogue::publish_plan(&*api.db.turn().await?, &caller(ctx), entry).await?,
        ))
    }
}

/// Publish a new version of the caller's open-resource list.
#[derive(InputObject, Debug)]
pub struct PublishResourceListInput {
    /// Every item of the new list (at most 500); the previous list is superseded.
    pub items: Vec<ResourceItemInput>,
}

/// Take one item off the list.
#[derive(InputObject, Debug)]
pub struct WithdrawResourceInput {
    /// The item.
    pub resource: ID,
}

/// Spreadsheet formats an import reads.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// Comma-separated values, UTF-8.
    Csv,
    /// An Excel workbook (its first sheet).
    Xlsx,
}

/// Publish a list from a spreadsheet.
#[derive(InputObject, Debug)]
pub struct ImportResourceListInput {
    /// The file's format.
    pub format: ImportFormat,
    /// The file, base64-encoded (at most the request body limit).
    pub content_base64: String,
}

/// Rate a training institution.
#[derive(InputObject, Debug)]
pub struct RateInstitutionInput {
    /// The training institution.
    pub institution: ID,
    /// Credit stars, 1 to 5.
    pub stars: i32,
}

/// Admit, suspend or exit a training institution.
#[derive(InputObject, Debug)]
pub struct SetInstitutionStatusInput {
    /// The training institution.
    pub institution: ID,
    /// Its new standing.
    pub status: InstitutionStatus,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// List an item in the regulator's region's catalogue (or update the existing one).
#[derive(InputObject, Debug)]
pub struct UpsertCatalogueItemInput {
    /// The occupation code.
    pub occupation: String,
    /// The level.
    pub level: SkillLevel,
    /// The category.
    pub category: CatalogueCategory,
    /// Subsidy per person, in fen (1 CNY = 100 fen); give this or `subsidyAmount`.
    pub subsidy_fen: Option<crate::graphql::scalars::Fen>,
    /// Subsidy per person, in whole CNY; give this or `subsidyFen`.
    pub subsidy_amount: Option<i32>,
    /// What a claim needs beyond the completion's attendance record (by default a CERTIFICATE
    /// for the certificate categories, COMPLETION for a special ability).
    pub evidence: Option<crate::graphql::types::ClaimEvidence>,
    /// A scarce occupation.
    #[graphql(default)]
    pub scarce: bool,
    /// The catalogue year.
    pub year: i32,
    /// The code of the work type (工种) of the occupation it subsidises (焊工（电焊工）), national
    /// or of the regulator's region; an item is kept per work type.
    pub work_type: Option<String>,
    /// For a SPECIAL_ABILITY item, the code of the special ability (专项职业能力) it subsidises,
    /// national or of the regulator's region; an item is kept per special ability.
    pub special_ability: Option<String>,
}

/// Change a catalogue item's standing.
#[derive(InputObject, Debug)]
pub struct SetCatalogueItemStatusInput {
    /// The item.
    pub item: ID,
    /// LISTED, UNDER_REVIEW or REMOVED.
    pub status: CatalogueItemStatus,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// Publish a quarterly training plan (or update the provider's plan for the same quarter and
/// occupation).
#[derive(InputObject, Debug)]
pub struct PublishTrainingPlanInput {
    /// The region it trains in.
    pub region: String,
    /// The year.
    pub year: i32,
    /// The quarter, 1 to 4.
    pub quarter: i32,
    /// The occupation code.
    pub occupation: String,
    /// Classes planned.
    pub planned_classes: i32,
    /// People planned.
    pub planned_headcount: i32,
    /// The subsidy it draws on.
    pub subsidy_type: SubsidyType,
    /// The programme it belongs to (of the region or its province, running in the quarter, for
    /// the occupation).
    pub programme: Option<ID>,
}

/// Tells subscribers about a published list.
fn announce(api: &crate::graphql::ApiContext, published: &resources::Published) {
    api.events.publish(Event::ResourceListPublished {
        provider_id: published.provider_id,
        alliance_ids: published.alliance_ids.clone(),
        resource_ids: published.items.iter().map(|i| i.id).collect(),
    });
}
