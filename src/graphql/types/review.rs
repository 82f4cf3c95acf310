//! The catalogue review in the graph: which subsidised items and providers fall short.

use crate::domain::training::catalogue;
use async_graphql::{Context, InputObject, Object};

use super::{CatalogueItem, Organization, Region, employment::organization};
use crate::graphql::context::api;

/// The GraphQL `CatalogueReview` type.
pub struct CatalogueReview(pub catalogue::ReviewReport);

/// What a catalogue review found: the items and providers of the region whose month-3 placement
/// rate for the year's completers (at least 5 of them) is below the threshold.
#[Object]
impl CatalogueReview {
    /// The region reviewed.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        Ok(api(ctx)?
            .loaders
            .region
            .load_one(self.0.region_id)
            .await?
            .map(Region))
    }

    /// The year reviewed.
    async fn year(&self) -> i32 {
        i32::from(self.0.year)
    }

    /// The threshold, 0 to 1.
    async fn min_placement_rate(&self) -> f64 {
        self.0.min_placement_rate
    }

    /// Catalogue items below the threshold: moved to UNDER_REVIEW now, or under review already.
    async fn items(&self) -> Vec<ReviewedCatalogueItem> {
        self.0
            .items
            .iter()
            .cloned()
            .map(ReviewedCatalogueItem)
            .collect()
    }

    /// Training providers below the threshold.
    async fn providers(&self) -> Vec<ProviderBelowThreshold> {
        self.0
            .providers
            .iter()
            .cloned()
            .map(ProviderBelowThreshold)
            .collect()
    }
}

/// The GraphQL `ReviewedCatalogueItem` type.
pub struct ReviewedCatalogueItem(pub catalogue::ReviewedItem);

/// A catalogue item below the threshold, with the figures behind it.
#[Object]
impl ReviewedCatalogueItem {
    /// The item, after the review.
    async fn item(&self) -> CatalogueItem {
        CatalogueItem(self.0.item.clone())
    }

    /// Completers of its occupation and level in the region and year.
    async fn completers(&self) -> i32 {
        i32::try_from(self.0.completers).unwrap_or(i32::MAX)
    }

    /// Of them, employed at their month-3 follow-up.
    async fn employed_month3(&self) -> i32 {
        i32::try_from(self.0.employed).unwrap_or(i32::MAX)
    }

    /// employedMonth3 ÷ completers.
    async fn placement_rate(&self) -> f64 {
        self.0.rate
    }

    /// Whether this review moved it to UNDER_REVIEW (false: it was under review already).
    async fn changed(&self) -> bool {
        self.0.changed
    }
}

/// The GraphQL `ProviderBelowThreshold` type.
pub struct ProviderBelowThreshold(pub catalogue::ProviderBelow);

/// A training provider whose completers' month-3 placement rate is below the threshold.
#[Object]
impl ProviderBelowThreshold {
    /// The provider.
    async fn provider(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        organization(ctx, Some(self.0.provider_id)).await
    }

    /// Its completers in the region and year.
    async fn completers(&self) -> i32 {
        i32::try_from(self.0.completers).unwrap_or(i32::MAX)
    }

    /// Of them, employed at their month-3 follow-up.
    async fn employed_month3(&self) -> i32 {
        i32::try_from(self.0.employed).unwrap_or(i32::MAX)
    }

    /// employedMonth3 ÷ completers.
    async fn placement_rate(&self) -> f64 {
        self.0.rate
    }
}

/// Running the catalogue review.
#[derive(InputObject, Debug, Clone)]
pub struct ReviewCatalogueInput {
    /// The catalogue year, whose completers are measured.
    pub year: i32,
    /// The lowest acceptable month-3 placement rate, 0 to 1 (0.45 for Lianyungang's 45%).
    pub min_placement_rate: f64,
}
