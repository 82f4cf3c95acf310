//! Where a thing is: the one shape every type with a place shares (a demand's workplace, a
//! session's venue, a resource's site).

use async_graphql::{Context, Object};

use super::Region;
use crate::{
    error::{AppError, AppResult},
    graphql::{context::api, loaders::required},
};

/// A place: its region, its address and, where known, its point (WGS 84).
pub struct Location {
    region_id: i32,
    county_id: Option<i32>,
    address: String,
    point: Option<(f64, f64)>,
    /// What it is the place of, for the internal error when its region is missing.
    of: &'static str,
}

/// A row with a place: a region, an address and, where known, a point.
pub trait Placed {
    /// What the row is, for errors (`a demand`).
    const WHAT: &'static str;
    /// Its region's id, its address, its latitude and its longitude.
    fn place(&self) -> (i32, &str, Option<f64>, Option<f64>);
    /// Its county's id, when known.
    fn county(&self) -> Option<i32>;
}

macro_rules! placed {
    ($($entity:ident: $what:literal),* $(,)?) => {$(
        impl Placed for entity::$entity::Model {
            const WHAT: &'static str = $what;
            fn place(&self) -> (i32, &str, Option<f64>, Option<f64>) {
                (self.region_id, &self.address, self.latitude, self.longitude)
            }
            fn county(&self) -> Option<i32> {
                self.county_id
            }
        }
    )*};
}

placed!(
    demand: "a demand",
    open_resource: "a resource",
    assessment_session: "a session",
);

impl Location {
    /// The place of a row.
    pub fn of<R: Placed>(row: &R) -> Self {
        let (region_id, address, latitude, longitude) = row.place();
        Self {
            region_id,
            county_id: row.county(),
            address: address.to_owned(),
            point: latitude.zip(longitude),
            of: R::WHAT,
        }
    }

    /// Its region, through the request's loader.
    pub async fn load_region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        let of = self.of;
        Ok(Region(
            required(&api(ctx)?.loaders.region, self.region_id, || {
                AppError::internal(format!("{of} without its region"))
            })
            .await?,
        ))
    }

    /// Kilometres from a point; `None` where this point is not known.
    pub fn distance(&self, latitude: f64, longitude: f64) -> AppResult<Option<f64>> {
        crate::domain::kernel::geo::distance_from("latitude", latitude, longitude, self.point)
    }
}

/// A place: its region, its address and, where known, its point (WGS 84).
#[Object]
impl Location {
    /// The region the address is in.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        self.load_region(ctx).await
    }

    /// The county-level region (区, 县, 县级市) under the region where the place is, when known:
    /// given by whoever wrote the row, or read from the address where it names one for certain.
    async fn county(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        county(ctx, self.county_id).await
    }

    /// The postal address.
    async fn address(&self) -> &str {
        &self.address
    }

    /// Latitude, WGS 84; null where the point is not known.
    async fn latitude(&self) -> Option<f64> {
        self.point.map(|(lat, _)| lat)
    }

    /// Longitude, WGS 84; null where the point is not known.
    async fn longitude(&self) -> Option<f64> {
        self.point.map(|(_, lon)| lon)
    }

    /// Kilometres from a point (null where this point is not known), by the same equirectangular
    /// approximation as the lists' `filter.near`.
    async fn distance_km(
        &self,
        #[graphql(desc = "Latitude of the point, WGS 84.")] latitude: f64,
        #[graphql(desc = "Longitude of the point, WGS 84.")] longitude: f64,
    ) -> async_graphql::Result<Option<f64>> {
        Ok(self.distance(latitude, longitude)?)
    }
}

/// A county by id through the request's loader (`None` when none is known).
pub async fn county(
    ctx: &Context<'_>,
    county_id: Option<i32>,
) -> async_graphql::Result<Option<Region>> {
    let Some(id) = county_id else {
        return Ok(None);
    };
    Ok(Some(Region(
        required(&api(ctx)?.loaders.region, id, || {
            AppError::internal(format!("county {id} is gone"))
        })
        .await?,
    )))
}
