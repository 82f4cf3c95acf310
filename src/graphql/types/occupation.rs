use async_graphql::{Context, Enum, ID, InputObject, Object};
use entity::occupation;

use crate::graphql::nested;
use crate::{
    domain::kernel::input,
    domain::{SearchText, occupations},
    error::{AppError, AppResult},
    graphql::ids::NodeKey,
};

/// The GraphQL `Occupation` type over its row (its schema description is on the `#[Object]` impl).
pub struct Occupation(pub std::sync::Arc<occupation::Model>);

impl Occupation {
    /// An occupation read on its own (not from the in-memory classification).
    pub fn owned(model: occupation::Model) -> Self {
        Self(std::sync::Arc::new(model))
    }
}

/// An occupation (职业) of the national occupational classification, 2022 edition (all 1,639).
#[Object]
impl Occupation {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::Occupation(self.0.code.clone()).to_id().into()
    }

    /// The code `大类-中类-小类-细类`, 1-2-2-2 digits (welder 焊工 is `6-18-02-04`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Chinese name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The major group (大类), 1–8: the first digit of the code.
    async fn major(&self) -> i32 {
        i32::from(self.0.major)
    }

    /// Its OPEN demand, oldest first.
    async fn demands(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<crate::graphql::connection::Connection<super::Demand>> {
        nested::list::<nested::OccupationDemands, _>(
            ctx,
            self.0.code.clone(),
            nested::PageArgs::new(first, after, last, before),
            super::Demand,
        )
        .await
    }

    /// Published open resources, oldest first.
    async fn open_resources(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<crate::graphql::connection::Connection<super::OpenResource>> {
        nested::list::<nested::OccupationResources, _>(
            ctx,
            self.0.code.clone(),
            nested::PageArgs::new(first, after, last, before),
            super::OpenResource,
        )
        .await
    }

    /// Marked S, a digital occupation (数字职业), in the 2022 edition.
    async fn digital(&self) -> bool {
        self.0.digital
    }

    /// Marked L, a green occupation (绿色职业), in the 2022 edition.
    async fn green(&self) -> bool {
        self.0.green
    }

    /// The 小类 it belongs to (`6-18-02` 机械热加工人员 for 焊工).
    async fn group(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OccupationGroup>> {
        group_above(ctx, &self.0.code, 0).await
    }

    /// The 中类 it belongs to (`6-18` 机械制造基础加工人员 for 焊工).
    async fn middle_group(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<OccupationGroup>> {
        group_above(ctx, &self.0.code, 1).await
    }

    /// The 大类 it belongs to (`6` 生产制造及有关人员 for 焊工).
    async fn major_group(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<OccupationGroup>> {
        group_above(ctx, &self.0.code, 2).await
    }

    /// What it is, in the edition's one sentence (焊工: 使用焊机或焊接设备，焊接金属工件的人员。);
    /// null for the few occupations without a text.
    async fn definition(&self) -> Option<&str> {
        Some(self.0.definition.as_str()).filter(|d| !d.is_empty())
    }

    /// Its work types (工种), national and regional, by code.
    async fn work_types(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<super::WorkType>> {
        Ok(crate::graphql::context::api(ctx)?
            .loaders
            .work_types_by_occupation
            .load_one(self.0.code.clone())
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(super::WorkType)
            .collect())
    }

    /// Its main tasks, in the edition's order, without their numbers; empty when it has none.
    async fn tasks(&self) -> Vec<String> {
        occupations::tasks_of(&self.0.tasks)
    }
}

/// The group `steps` above a code (0: the nearest).
async fn group_above(
    ctx: &Context<'_>,
    code: &str,
    steps: usize,
) -> async_graphql::Result<Option<OccupationGroup>> {
    let Some(code) = occupations::ancestors(code)
        .get(steps)
        .map(|c| (*c).to_owned())
    else {
        return Ok(None);
    };
    let loaders = &crate::graphql::context::api(ctx)?.loaders;
    Ok(loaders
        .occupation_group
        .load_one(code)
        .await?
        .map(OccupationGroup))
}

/// The level of a named group of the classification.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::OccupationGroupLevel")]
pub enum OccupationGroupLevel {
    /// A 大类 (`6`), eight in all.
    Major,
    /// A 中类 (`6-18`), 79 in all.
    Middle,
    /// A 小类 (`6-18-02`), 450 in all.
    Minor,
}

/// The GraphQL `OccupationGroup` type.
pub struct OccupationGroup(pub entity::occupation_group::Model);

/// A named group of the national occupational classification above the occupations: a 大类
/// (`6` 生产制造及有关人员), a 中类 (`6-18` 机械制造基础加工人员) or a 小类 (`6-18-02` 机械热加工人员).
#[Object]
impl OccupationGroup {
    /// The code: `6`, `6-18` or `6-18-02`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Chinese name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// MAJOR, MIDDLE or MINOR.
    async fn level(&self) -> OccupationGroupLevel {
        self.0.level.into()
    }

    /// The group above it; null for a 大类.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OccupationGroup>> {
        group_above(ctx, &self.0.code, 0).await
    }

    /// The groups directly under it, by code (none under a 小类: its occupations are
    /// `occupations`).
    async fn children(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OccupationGroup>> {
        let table = crate::graphql::context::api(ctx)?
            .loaders
            .occupation_group
            .table()
            .await?;
        let mut out: Vec<OccupationGroup> = table
            .values()
            .filter(|g| g.parent_code.as_deref() == Some(self.0.code.as_str()))
            .cloned()
            .map(OccupationGroup)
            .collect();
        out.sort_by(|a, b| a.0.code.cmp(&b.0.code));
        Ok(out)
    }

    /// The occupations in it, at any depth, by code.
    async fn occupations(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Read forwards: at most this many items, 0 to 100 (20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Read forwards from just after this cursor.")] after: Option<String>,
        #[graphql(desc = "Read backwards: at most this many items, 0 to 100.")] last: Option<i32>,
        #[graphql(desc = "Read backwards from just before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<crate::graphql::connection::Connection<Occupation>> {
        use futures_util::FutureExt;
        let api = crate::graphql::context::api(ctx)?;
        let request = super::page_request(first, after, last, before)?;
        let filter = occupations::OccupationFilter {
            code_prefix: Some(input::one("code", &self.0.code)?),
            ..Default::default()
        };
        let page = occupations::list(&*api.db.turn().await?, &filter, &request).await?;
        let db = api.db.clone();
        let total = crate::graphql::connection::TotalCount::deferred(move || {
            let (db, filter) = (db.clone(), filter.clone());
            async move { occupations::count(&*db.turn().await?, &filter).await }.boxed()
        });
        Ok(crate::graphql::connection::Connection::from_page(
            page,
            total,
            Occupation::owned,
        ))
    }
}

/// Which occupations to list; leave it out to list all of them, by code.
#[derive(InputObject, Debug, Default)]
pub struct OccupationFilter {
    /// Only this group and everything in it: `6`, `6-18`, `6-18-02`, or a whole code.
    pub code_prefix: Option<String>,
    /// Only this major group, 1–8.
    pub major: Option<i32>,
    /// Only digital (true) or only non-digital (false) occupations.
    pub digital: Option<bool>,
    /// Only green (true) or only non-green (false) occupations.
    pub green: Option<bool>,
    /// Only occupations matching this text: the name, the groups, the definition, the tasks and
    /// the work types (Chinese by characters and words, pinyin, letters and digits by the start of a word; the search index, as `search` uses it).
    pub name_contains: Option<String>,
}

impl OccupationFilter {
    /// The validated domain filter.
    pub fn into_domain(self) -> AppResult<occupations::OccupationFilter> {
        let major = match self.major {
            None => None,
            Some(m @ 1..=8) => Some(i16::try_from(m).map_err(AppError::internal)?),
            Some(m) => {
                return Err(AppError::validation(
                    "filter.major",
                    format!("the major group is 1 to 8, not {m}"),
                ));
            }
        };
        Ok(occupations::OccupationFilter {
            code_prefix: input::optional("filter.codePrefix", self.code_prefix.as_deref())?,
            major,
            digital: self.digital,
            green: self.green,
            name_contains: self
                .name_contains
                .map(|n| SearchText::parse("filter.nameContains", &n))
                .transpose()?,
        })
    }
}

impl Occupation {
    /// The occupation of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        code: String,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::graphql::context::api;
        let loaders = &api(ctx)?.loaders;
        Ok(loaders.occupation.load_one(code).await?.map(Self))
    }
}
