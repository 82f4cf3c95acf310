//! `Mutation`: training records — class days, attendance, online study time.

use crate::graphql::scalars::Date;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::graphql::{
    context::{api, caller},
    ids::NodeKey,
    types::ClassDay,
};
use crate::{
    domain::{
        kernel::input::{self, Text},
        training::cohorts::{self, MAX_CLASS_DAYS, NewClassDay},
    },
    error::AppError,
};

/// Training records.
#[derive(Default)]
pub struct RecordsMutation;

#[Object]
impl RecordsMutation {
    /// Schedules class days of a cohort (its provider): each within the cohort's dates, each
    /// date once; a date scheduled already is a CONFLICT, and nothing is written. At most 400 a
    /// call.
    async fn schedule_class_days(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort and its days.")] input: ScheduleClassDaysInput,
    ) -> async_graphql::Result<Vec<ClassDay>> {
        let api = api(ctx)?;
        let cohort = NodeKey::cohort("input.cohort", &input.cohort)?;
        if input.days.len() > MAX_CLASS_DAYS {
            return Err(AppError::validation(
                "input.days",
                format!("at most {MAX_CLASS_DAYS} class days a call"),
            )
            .into());
        }
        let mut days = Vec::with_capacity(input.days.len());
        for (i, d) in input.days.iter().enumerate() {
            if !(1..=12).contains(&d.hours) {
                return Err(AppError::validation(
                    format!("input.days[{i}].hours"),
                    "1 to 12 hours",
                )
                .into());
            }
            days.push(NewClassDay {
                day: d.day.0,
                hours: d.hours as i16,
                topic: input::one::<Text<200>>(&format!("input.days[{i}].topic"), &d.topic)?
                    .into_string(),
            });
        }
        Ok(
            cohorts::schedule_class_days(&*api.db.turn().await?, &caller(ctx), cohort, days)
                .await?
                .into_iter()
                .map(ClassDay)
                .collect(),
        )
    }

    /// Records who attended a class day (the cohort's provider): ENROLLED learners of the
    /// cohort, on a day that has come. Recording a learner twice keeps the first record.
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The class day and who attended.")] input: RecordAttendanceInput,
    ) -> async_graphql::Result<AttendanceRecorded> {
        let api = api(ctx)?;
        let day = NodeKey::class_day("input.classDay", &input.class_day)?;
        let mut ids = Vec::with_capacity(input.enrollments.len());
        for (i, id) in input.enrollments.iter().enumerate() {
            let id = NodeKey::enrollment(&format!("input.enrollments[{i}]"), id)?;
            if ids.contains(&id) {
                return Err(
                    AppError::validation(format!("input.enrollments[{i}]"), "named twice").into(),
                );
            }
            ids.push(id);
        }
        let saved =
            cohorts::record_attendance(&*api.db.turn().await?, &caller(ctx), day, &ids).await?;
        Ok(AttendanceRecorded {
            class_day: input.class_day,
            attended: saved.len() as i32,
        })
    }

    /// Imports the provider's attendance export for a cohort (CSV or XLSX; headers 日期, 身份证号,
    /// 姓名, 签到时间 or day, nationalId, name, signedInAt): each row a learner on a class day,
    /// by real name — the ID number and the name must match an ENROLLED learner. Any bad row
    /// imports nothing; each is its own error on `input.contentBase64.row[N]`.
    async fn import_attendance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort and the file.")] input: ImportTrainingRecordInput,
    ) -> async_graphql::Result<TrainingRecordImported> {
        let api = api(ctx)?;
        let cohort = NodeKey::cohort("input.cohort", &input.cohort)?;
        let (format, bytes) = super::super::upload(input.format, &input.content_base64)?;
        match cohorts::import_attendance(
            &*api.db.turn().await?,
            &caller(ctx),
            &api.personal_data,
            cohort,
            format,
            bytes,
        )
        .await
        {
            Ok(done) => Ok(TrainingRecordImported {
                rows: done.rows as i32,
                recorded: done.recorded as i32,
            }),
            Err(e) => Err(super::super::import_refused(ctx, e)),
        }
    }

    /// Imports an online-course platform's study times for a cohort (CSV or XLSX; headers 日期,
    /// 身份证号, 姓名, 分钟 or day, nationalId, name, minutes), by real name like attendance. A day
    /// imported again from the same platform takes the new figure. Any bad row imports nothing.
    async fn import_online_hours(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cohort, the platform and the file.")] input: ImportOnlineHoursInput,
    ) -> async_graphql::Result<TrainingRecordImported> {
        let api = api(ctx)?;
        let cohort = NodeKey::cohort("input.cohort", &input.cohort)?;
        let platform = input::one::<Text<100>>("input.platform", &input.platform)?;
        let (format, bytes) = super::super::upload(input.format, &input.content_base64)?;
        match cohorts::import_online_hours(
            &*api.db.turn().await?,
            &caller(ctx),
            &api.personal_data,
            cohort,
            platform.as_str(),
            format,
            bytes,
        )
        .await
        {
            Ok(rows) => Ok(TrainingRecordImported {
                rows: rows as i32,
                recorded: rows as i32,
            }),
            Err(e) => Err(super::super::import_refused(ctx, e)),
        }
    }
}

/// A class day to schedule.
#[derive(InputObject)]
pub struct ClassDayInput {
    /// The date, within the cohort's.
    pub day: Date,
    /// Teaching hours, 1 to 12.
    pub hours: i32,
    /// What is taught, 1 to 200 characters.
    pub topic: String,
}

/// Schedule class days.
#[derive(InputObject)]
pub struct ScheduleClassDaysInput {
    /// The cohort.
    pub cohort: ID,
    /// The days, 1 to 400.
    pub days: Vec<ClassDayInput>,
}

/// Record attendance.
#[derive(InputObject)]
pub struct RecordAttendanceInput {
    /// The class day.
    pub class_day: ID,
    /// The enrolments present, 1 to 500.
    pub enrollments: Vec<ID>,
}

/// What recording attendance left.
#[derive(SimpleObject)]
pub struct AttendanceRecorded {
    /// The class day.
    pub class_day: ID,
    /// How many of the learners named are recorded as present on it.
    pub attended: i32,
}

/// Import an attendance export.
#[derive(InputObject)]
pub struct ImportTrainingRecordInput {
    /// The cohort.
    pub cohort: ID,
    /// The file's format.
    pub format: crate::graphql::mutation::training::ImportFormat,
    /// The file, base64-encoded.
    pub content_base64: String,
}

/// Import online study times.
#[derive(InputObject)]
pub struct ImportOnlineHoursInput {
    /// The cohort.
    pub cohort: ID,
    /// The platform the file comes from, 1 to 100 characters.
    pub platform: String,
    /// The file's format.
    pub format: crate::graphql::mutation::training::ImportFormat,
    /// The file, base64-encoded.
    pub content_base64: String,
}

/// What an import wrote.
#[derive(SimpleObject)]
pub struct TrainingRecordImported {
    /// Rows read.
    pub rows: i32,
    /// Records newly written (rows recorded already are kept as they were).
    pub recorded: i32,
}
