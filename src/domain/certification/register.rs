//! The public register of assessment bodies (职业技能评价机构目录): every body the regulators
//! filed, with its kind, scope (occupations and special abilities), filing date and standing, listed and searched without a token.

use super::*;
use crate::domain::SearchText;

/// Which bodies to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct BodyFilter {
    /// Whose organization's name matches this text (the search index).
    pub text: Option<SearchText>,
    /// Of this kind.
    pub body_type: Option<BodyType>,
    /// In these standings (every standing when empty).
    pub statuses: Vec<BodyStatus>,
    /// Whose scope holds this occupation, or an occupation of this group.
    pub occupation: Option<OccupationPrefix>,
    /// Whose scope reaches this level (for [`Self::occupation`] when given).
    pub level: Option<SkillLevel>,
    /// Whose organization is in this region.
    pub region: Option<RegionCode>,
    /// Who may assess this special ability, by code.
    pub special_ability: Option<String>,
}

fn select_bodies(filter: &BodyFilter, backend: DbBackend) -> Select<assessment_body::Entity> {
    let mut cond = Condition::all();
    if let Some(text) = &filter.text {
        cond = cond.add(text.matches(
            backend,
            entity::SearchKind::Organization,
            Expr::col((
                assessment_body::Entity,
                assessment_body::Column::OrganizationId,
            )),
        ));
    }
    if let Some(t) = filter.body_type {
        cond = cond.add(assessment_body::Column::BodyType.eq(t));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(assessment_body::Column::Status.is_in(filter.statuses.clone()));
    }
    if filter.occupation.is_some() || filter.level.is_some() {
        let mut scope = Query::select()
            .column((assessment_scope::Entity, assessment_scope::Column::BodyId))
            .from(assessment_scope::Entity)
            .to_owned();
        if let Some(prefix) = &filter.occupation {
            scope.and_where(
                Expr::col((
                    assessment_scope::Entity,
                    assessment_scope::Column::OccupationCode,
                ))
                .like(LikeExpr::new(prefix.like_pattern())),
            );
        }
        if let Some(level) = filter.level {
            scope.and_where(
                Expr::col((assessment_scope::Entity, assessment_scope::Column::MaxLevel))
                    .gte(level),
            );
        }
        cond = cond.add(assessment_body::Column::Id.in_subquery(scope));
    }
    if let Some(region) = &filter.region {
        let located = Query::select()
            .column((organization::Entity, organization::Column::Id))
            .from(organization::Entity)
            .and_where(
                Expr::col((organization::Entity, organization::Column::RegionId)).in_subquery(
                    crate::domain::network::regions::within(std::slice::from_ref(region)),
                ),
            )
            .to_owned();
        cond = cond.add(assessment_body::Column::OrganizationId.in_subquery(located));
    }
    if let Some(code) = &filter.special_ability {
        let abilities = Query::select()
            .column((
                entity::special_ability_scope::Entity,
                entity::special_ability_scope::Column::BodyId,
            ))
            .from(entity::special_ability_scope::Entity)
            .inner_join(
                entity::special_ability::Entity,
                Expr::col((
                    entity::special_ability::Entity,
                    entity::special_ability::Column::Id,
                ))
                .equals((
                    entity::special_ability_scope::Entity,
                    entity::special_ability_scope::Column::SpecialAbilityId,
                )),
            )
            .and_where(
                Expr::col((
                    entity::special_ability::Entity,
                    entity::special_ability::Column::Code,
                ))
                .eq(code.trim()),
            )
            .to_owned();
        cond = cond.add(assessment_body::Column::Id.in_subquery(abilities));
    }
    assessment_body::Entity::find().filter(cond)
}

/// Newest filing first, then by id.
fn ordering() -> Ordering<assessment_body::Entity> {
    Ordering {
        name: "bodies:filed:desc".to_owned(),
        keys: vec![
            SortKey::column(
                assessment_body::Column::FiledAt,
                true,
                KeyKind::Time,
                |m: &assessment_body::Model| CursorValue::Time(m.filed_at),
            ),
            SortKey::column(
                assessment_body::Column::Id,
                true,
                KeyKind::Int,
                |m: &assessment_body::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    }
}

/// One page of the register (public), newest filing first.
pub async fn list_bodies(
    db: &DatabaseConnection,
    filter: &BodyFilter,
    request: &PageRequest,
) -> AppResult<Page<assessment_body::Model>> {
    let select = select_bodies(filter, db.get_database_backend());
    page::fetch_page(db, select, &ordering(), request).await
}

/// How many bodies the register holds under `filter`.
pub async fn count_bodies(db: &DatabaseConnection, filter: &BodyFilter) -> AppResult<u64> {
    page::count(db, select_bodies(filter, db.get_database_backend())).await
}
