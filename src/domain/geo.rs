//! Distances between points, the same in SQL and in Rust.

use sea_orm::{
    ColumnTrait,
    sea_query::{Expr, ExprTrait, SimpleExpr},
};

use crate::error::{AppError, AppResult};

/// A point and a radius: "within `radius_km` of here".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    /// Latitude, WGS 84.
    pub latitude: f64,
    /// Longitude, WGS 84.
    pub longitude: f64,
    /// Radius in kilometres, above 0 and at most 500.
    pub radius_km: f64,
}

/// Mean Earth radius (IUGG), km.
const EARTH_RADIUS_KM: f64 = 6371.0088;

impl Near {
    /// Validates a point and radius for `field`.
    pub fn parse(field: &str, latitude: f64, longitude: f64, radius_km: f64) -> AppResult<Self> {
        if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
            return Err(AppError::validation(
                field,
                "latitude is -90 to 90 and longitude -180 to 180",
            ));
        }
        if !(radius_km > 0.0 && radius_km <= 500.0) {
            return Err(AppError::validation(
                format!("{field}.radiusKm"),
                "above 0 and at most 500 km",
            ));
        }
        Ok(Self {
            latitude,
            longitude,
            radius_km,
        })
    }

    /// Kilometres per degree of longitude and of latitude around this point.
    fn scale(&self) -> (f64, f64) {
        let per_degree = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;
        (per_degree * self.latitude.to_radians().cos(), per_degree)
    }

    /// The squared distance in km² to a point, by the equirectangular approximation (within 0.1%
    /// of the great-circle distance over the few hundred km a radius allows at these latitudes).
    /// Computed with the same operations, in the same order, as [`Self::squared_km_sql`], so a
    /// cursor's value equals what SQL computes for the row.
    pub fn squared_km(&self, latitude: f64, longitude: f64) -> f64 {
        let (kx, ky) = self.scale();
        let dx = (longitude - self.longitude) * kx;
        let dy = (latitude - self.latitude) * ky;
        dx * dx + dy * dy
    }

    /// The distance in km to a point.
    pub fn distance_km(&self, latitude: f64, longitude: f64) -> f64 {
        self.squared_km(latitude, longitude).sqrt()
    }

    /// [`Self::squared_km`] as SQL over a row's coordinate columns: arithmetic only, so SQLite
    /// and PostgreSQL compute it alike.
    pub fn squared_km_sql<C: ColumnTrait>(&self, latitude: C, longitude: C) -> SimpleExpr {
        let (kx, ky) = self.scale();
        let dx = || Expr::col(longitude).sub(self.longitude).mul(kx);
        let dy = || Expr::col(latitude).sub(self.latitude).mul(ky);
        dx().mul(dx()).add(dy().mul(dy()))
    }
}

/// Kilometres, to the metre, from a client's point to a place's coordinates (`None` when the place
/// has none), measured as `Near` measures; `field` names the point for errors.
pub fn distance_from(
    field: &str,
    latitude: f64,
    longitude: f64,
    place: Option<(f64, f64)>,
) -> AppResult<Option<f64>> {
    let from = Near::parse(field, latitude, longitude, 1.0)?;
    Ok(place.map(|(lat, lng)| (from.distance_km(lat, lng) * 1000.0).round() / 1000.0))
}
