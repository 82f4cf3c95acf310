//! Training records: class days, attendance and online study time.

use crate::graphql::scalars::Date;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::Utc;
use entity::class_day;

use crate::graphql::{context::api, ids::NodeKey};

/// The GraphQL `ClassDay` type over its row.
pub struct ClassDay(pub class_day::Model);

/// A day a cohort is taught (上课日), scheduled by its provider.
#[Object]
impl ClassDay {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::ClassDay(self.0.id).to_id().into()
    }

    /// The date.
    async fn day(&self) -> Date {
        self.0.day.into()
    }

    /// Teaching hours that day.
    async fn hours(&self) -> i32 {
        i32::from(self.0.hours)
    }

    /// What is taught.
    async fn topic(&self) -> &str {
        &self.0.topic
    }

    /// The cohort's ID.
    async fn cohort_id(&self) -> ID {
        NodeKey::Cohort(self.0.cohort_id).to_id().into()
    }
}

/// One day of online study, as the platform reported it.
#[derive(SimpleObject)]
pub struct OnlineStudy {
    /// The platform.
    pub platform: String,
    /// The date studied.
    pub day: Date,
    /// Minutes studied.
    pub minutes: i32,
}

/// The GraphQL `EnrollmentAttendance` type: an enrolment's training record.
pub struct EnrollmentAttendance {
    pub(crate) enrollment_id: i32,
    pub(crate) cohort_id: i32,
}

/// An enrolment's training record: the class days attended, of those held so far, and online
/// study time. Completion needs `rules.completion_attendance_percent` of the days held.
#[Object]
impl EnrollmentAttendance {
    /// Class days attended (on or before today).
    async fn attended(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        Ok(self.days_attended(ctx).await?.len() as i32)
    }

    /// Class days of the cohort held so far (on or before today).
    async fn held(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let today = Utc::now().date_naive();
        Ok(api(ctx)?
            .loaders
            .class_days_by_cohort
            .load_one(self.cohort_id)
            .await?
            .unwrap_or_default()
            .iter()
            .filter(|d| d.day <= today)
            .count() as i32)
    }

    /// The share attended, 0 to 1; null before any class day was held.
    async fn share(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<f64>> {
        let held = self.held(ctx).await?;
        let attended = self.attended(ctx).await?;
        Ok((held > 0).then(|| f64::from(attended) / f64::from(held)))
    }

    /// The dates attended.
    async fn days(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Date>> {
        Ok(self
            .days_attended(ctx)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Online study minutes in all.
    async fn online_minutes(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        Ok(self.online(ctx).await?.iter().map(|o| o.minutes).sum())
    }

    /// Online study, day by day.
    async fn online(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OnlineStudy>> {
        Ok(api(ctx)?
            .loaders
            .online_hours_by_enrollment
            .load_one(self.enrollment_id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|o| OnlineStudy {
                platform: o.platform,
                day: o.day.into(),
                minutes: o.minutes,
            })
            .collect())
    }
}

impl EnrollmentAttendance {
    async fn days_attended(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<chrono::NaiveDate>> {
        let today = Utc::now().date_naive();
        Ok(api(ctx)?
            .loaders
            .attendance_by_enrollment
            .load_one(self.enrollment_id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.day)
            .filter(|d| *d <= today)
            .collect())
    }
}

impl ClassDay {
    /// The class day of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{domain, graphql::context::api};
        Ok(
            domain::training::cohorts::class_day_by_id(&*api(ctx)?.db.turn().await?, id)
                .await?
                .map(Self),
        )
    }
}
