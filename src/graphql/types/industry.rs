//! Industries and a city's named clusters of them.

use async_graphql::{Context, Object};
use entity::{industry, industry_cluster};

use super::Region;
use crate::graphql::context::api;

/// The GraphQL `Industry` type over its row.
pub struct Industry(pub industry::Model);

/// An industry (产业) an alliance serves: data that the system administrator and a region's
/// regulator extend without a release, each in a GB/T 4754 section.
#[Object]
impl Industry {
    /// Its stable code (`EYEWEAR`, `SHIPBUILDING`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Chinese name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// English name (empty where none is known).
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }

    /// The GB/T 4754-2017 section (门类) it falls in, one letter (C: manufacturing).
    async fn section(&self) -> &str {
        &self.0.section
    }

    /// The region whose regulator added it; null for the national list.
    async fn added_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        let Some(id) = self.0.region_id else {
            return Ok(None);
        };
        Ok(api(ctx)?.loaders.region.load_one(id).await?.map(Region))
    }
}

/// The GraphQL `IndustryCluster` type over its row and its industries.
pub struct IndustryCluster(pub industry_cluster::Model, pub Vec<industry::Model>);

/// A city's named cluster of industries (产业集群: Huai'an's "7+3", "353"), which alliance lists
/// filter by.
#[Object]
impl IndustryCluster {
    /// Its stable code (`ha-7-plus-3`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Its name as the city writes it.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The city that names it.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        Ok(api(ctx)?
            .loaders
            .region
            .load_one(self.0.region_id)
            .await?
            .map(Region))
    }

    /// Its industries, by code.
    async fn industries(&self) -> Vec<Industry> {
        self.1.iter().cloned().map(Industry).collect()
    }
}
