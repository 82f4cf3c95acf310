//! Distances between points, the same in SQL and in Rust.

use sea_orm::{
    ColumnTrait, Condition, DbBackend,
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

/// The smallest ring [`Near::rings`] starts with, km: below it a ring holds too few rows to be
/// worth a statement part of its own.
const SMALLEST_RING_KM: f64 = 0.5;

impl Near {
    /// The rows within `radius_km` of the point whose coordinate columns are `latitude` and
    /// `longitude`: both known, inside the box around the circle (which the location index of
    /// `backend` searches: a GiST index on `point(longitude, latitude)` on PostgreSQL, a B-tree on
    /// `(status, latitude, longitude)` on SQLite), and inside the circle itself.
    pub fn within<C: ColumnTrait>(
        &self,
        backend: DbBackend,
        latitude: C,
        longitude: C,
        radius_km: f64,
    ) -> Condition {
        let (kx, ky) = self.scale();
        // Padded so that rounding never leaves out a row on the circle that the distance keeps.
        let pad = 1.0 + 1e-9;
        let dlat = radius_km / ky * pad + 1e-12;
        // Near a pole a kilometre spans every longitude.
        let dlng = if kx > 1e-9 {
            radius_km / kx * pad + 1e-12
        } else {
            360.0
        };
        let (south, north) = (self.latitude - dlat, self.latitude + dlat);
        let (west, east) = (self.longitude - dlng, self.longitude + dlng);
        let in_box: SimpleExpr = match backend {
            DbBackend::Postgres => Expr::cust_with_exprs(
                "point($1, $2) <@ box(point($3, $4), point($5, $6))",
                [
                    Expr::col(longitude),
                    Expr::col(latitude),
                    Expr::val(west),
                    Expr::val(south),
                    Expr::val(east),
                    Expr::val(north),
                ],
            ),
            _ => Expr::col(latitude)
                .between(south, north)
                .and(Expr::col(longitude).between(west, east)),
        };
        Condition::all()
            .add(latitude.is_not_null())
            .add(longitude.is_not_null())
            .add(in_box)
            .add(
                self.squared_km_sql(latitude, longitude)
                    .lte(radius_km * radius_km),
            )
    }

    /// The radius partitioned into rings, nearest first, as `(inner, outer)` km (the first ring
    /// is the disc, inner 0): each ring twice as wide as the one inside it, from about
    /// [`SMALLEST_RING_KM`] to the radius. Rings that end before `beyond_squared_km` (a cursor's
    /// squared distance) are left out, as no row after the cursor lies in them.
    pub fn rings(&self, beyond_squared_km: Option<f64>) -> Vec<(f64, f64)> {
        let steps = (self.radius_km / SMALLEST_RING_KM)
            .log2()
            .ceil()
            .clamp(0.0, 12.0) as i32;
        let mut rings = Vec::new();
        let mut inner = 0.0;
        for i in (0..=steps).rev() {
            let outer = if i == 0 {
                self.radius_km
            } else {
                self.radius_km / f64::from(1u32 << i)
            };
            rings.push((inner, outer));
            inner = outer;
        }
        if let Some(beyond) = beyond_squared_km {
            // The last ring always stays: it reads nothing when the cursor is past the radius.
            let first = rings
                .iter()
                .position(|&(_, outer)| outer * outer >= beyond)
                .unwrap_or(rings.len() - 1);
            rings.drain(..first);
        }
        rings
    }

    /// The rows of ring `(inner, outer)` (see [`Near::rings`]): within `outer` and, unless it is
    /// the first, farther than `inner`.
    pub fn ring<C: ColumnTrait>(
        &self,
        backend: DbBackend,
        latitude: C,
        longitude: C,
        (inner, outer): (f64, f64),
    ) -> Condition {
        let within = self.within(backend, latitude, longitude, outer);
        if inner > 0.0 {
            within.add(self.squared_km_sql(latitude, longitude).gt(inner * inner))
        } else {
            within
        }
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
