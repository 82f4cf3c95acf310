//! Certificate statistics, with disclosure control.

use super::*;

/// Which certificates to count.
#[derive(Debug, Clone, Default)]
pub struct StatsFilter {
    /// Issued by bodies in any of these alliances.
    pub alliances: Vec<AllianceCode>,
    /// Issued by bodies of this region.
    pub region: Option<RegionCode>,
    /// Reached in this region (where the bureau's figures count a certificate).
    pub reached_in: Option<RegionCode>,
    /// For this occupation or group.
    pub occupation: Option<OccupationPrefix>,
    /// At this level or above.
    pub min_level: Option<SkillLevel>,
    /// By bodies of this type.
    pub body_type: Option<BodyType>,
    /// Reached by this route.
    pub route: Option<CertificateRoute>,
    /// Issued in this year.
    pub year: Option<i32>,
    /// VALID ones only (default) or revoked ones too.
    pub include_revoked: bool,
}

/// The dimensions counts can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatsDimension {
    /// The body's alliances (a certificate counts once in each).
    Alliance,
    /// The body's region (its organization's city; the same as [`StatsDimension::City`]).
    Region,
    /// The county of the body's organization; certificates of bodies whose county is not known
    /// form a group of their own, without a region.
    County,
    /// The city of the body's organization.
    City,
    /// The province of the body's organization.
    Province,
    /// The occupation.
    Occupation,
    /// The level.
    Level,
    /// The body type.
    BodyType,
    /// The year of issue.
    Year,
    /// How the level was reached.
    Route,
}

/// One group of certificates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatsRow {
    /// The alliance, when grouped by it.
    pub alliance_id: Option<i32>,
    /// The region, when grouped by it.
    pub region_id: Option<i32>,
    /// The occupation, when grouped by it.
    pub occupation_code: Option<String>,
    /// The level, when grouped by it.
    pub level: Option<SkillLevel>,
    /// The body type, when grouped by it.
    pub body_type: Option<BodyType>,
    /// The year, when grouped by it.
    pub year: Option<i32>,
    /// The route, when grouped by it.
    pub route: Option<CertificateRoute>,
    /// How many certificates.
    pub count: u64,
}

#[derive(Debug, FromQueryResult)]
struct StatsSource {
    occupation_code: String,
    level: i16,
    status: String,
    route: String,
    issued_on: NaiveDate,
    body_type: String,
    region_id: i32,
    county_id: Option<i32>,
    province_id: Option<i32>,
    organization_id: i32,
}

/// A group's key: alliance, region, occupation, level rank, body type, year, route.
type GroupKey = (
    Option<i32>,
    Option<i32>,
    Option<String>,
    Option<i16>,
    Option<String>,
    Option<i32>,
    Option<String>,
);

/// Counts certificates in groups: aggregates only, no learner in them. With
/// [`Precision::Protected`] only atomic cells (issuing organization × occupation × level × year
/// × status × route) of at least [`disclosure::MIN_CELL`] certificates count (`domain::read::disclosure`).
pub async fn certificate_stats(
    db: &DatabaseConnection,
    precision: Precision,
    filter: &StatsFilter,
    group_by: &[StatsDimension],
) -> AppResult<Vec<StatsRow>> {
    let rows: Vec<StatsSource> = stats_sources(filter).into_model().all(db).await?;
    let rows = disclosure::release(
        precision,
        rows,
        |r| {
            (
                r.organization_id,
                r.occupation_code.clone(),
                r.level,
                r.issued_on.year(),
                r.status.clone(),
                r.route.clone(),
            )
        },
        |_| 1,
    );
    let alliances = AllianceFilter::read(db, filter).await?;
    let dims: BTreeSet<StatsDimension> = group_by.iter().copied().collect();
    let levels = [
        StatsDimension::Region,
        StatsDimension::County,
        StatsDimension::City,
        StatsDimension::Province,
    ];
    crate::domain::network::regions::one_region_level(
        levels.iter().filter(|l| dims.contains(l)).count(),
        "REGION, COUNTY, CITY or PROVINCE",
    )?;
    let groups = count_groups(rows, filter, &dims, &alliances);
    use sea_orm::ActiveEnum;
    if groups.is_empty() && dims.is_empty() {
        // One total, even when it is zero.
        return Ok(vec![StatsRow::default()]);
    }
    Ok(groups
        .into_iter()
        .map(
            |((alliance_id, region_id, occupation_code, level, body_type, year, route), count)| {
                StatsRow {
                    alliance_id,
                    region_id,
                    occupation_code,
                    level: level.and_then(|l| SkillLevel::try_from_value(&l).ok()),
                    body_type: body_type.and_then(|t| BodyType::try_from_value(&t).ok()),
                    year,
                    route: route.and_then(|r| CertificateRoute::try_from_value(&r).ok()),
                    count,
                }
            },
        )
        .collect())
}

/// Every certificate with its issuing body's type and organization, narrowed by the filter
/// (all but the alliances and the year, which [`count_groups`] applies).
fn stats_sources(filter: &StatsFilter) -> sea_orm::Select<certificate::Entity> {
    let mut select = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::OccupationCode)
        .column(certificate::Column::Level)
        .column(certificate::Column::Status)
        .column(certificate::Column::Route)
        .column(certificate::Column::IssuedOn)
        .column_as(
            Expr::col((assessment_body::Entity, assessment_body::Column::BodyType)),
            "body_type",
        )
        .column_as(
            Expr::col((organization::Entity, organization::Column::RegionId)),
            "region_id",
        )
        .column_as(
            Expr::col((organization::Entity, organization::Column::CountyId)),
            "county_id",
        )
        .column_as(
            crate::domain::network::regions::parent_of(Expr::col((
                organization::Entity,
                organization::Column::RegionId,
            ))),
            "province_id",
        )
        .column_as(
            Expr::col((organization::Entity, organization::Column::Id)),
            "organization_id",
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            certificate::Entity::belongs_to(assessment_body::Entity)
                .from(certificate::Column::BodyId)
                .to(assessment_body::Column::Id)
                .into(),
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            assessment_body::Entity::belongs_to(organization::Entity)
                .from(assessment_body::Column::OrganizationId)
                .to(organization::Column::Id)
                .into(),
        );
    if !filter.include_revoked {
        select = select.filter(certificate::Column::Status.eq(CertificateStatus::Valid));
    }
    if let Some(prefix) = &filter.occupation {
        select = select.filter(
            Expr::col((certificate::Entity, certificate::Column::OccupationCode))
                .like(LikeExpr::new(prefix.like_pattern())),
        );
    }
    if let Some(level) = filter.min_level {
        select = select.filter(certificate::Column::Level.gte(level));
    }
    if let Some(t) = filter.body_type {
        select = select
            .filter(Expr::col((assessment_body::Entity, assessment_body::Column::BodyType)).eq(t));
    }
    if let Some(route) = filter.route {
        select = select.filter(certificate::Column::Route.eq(route));
    }
    if let Some(region) = &filter.region {
        select = select.filter(
            Expr::col((organization::Entity, organization::Column::RegionId)).in_subquery(
                crate::domain::network::regions::within(std::slice::from_ref(region)),
            ),
        );
    }
    if let Some(region) = &filter.reached_in {
        select = select.filter(
            Expr::col((certificate::Entity, certificate::Column::RegionId)).in_subquery(
                crate::domain::network::regions::within(std::slice::from_ref(region)),
            ),
        );
    }
    select
}

/// The alliances each issuing organization is a current member of, and the alliances the filter
/// asks for (`None`: any).
struct AllianceFilter {
    by_org: HashMap<i32, Vec<i32>>,
    wanted: Option<BTreeSet<i32>>,
}

impl AllianceFilter {
    async fn read(db: &DatabaseConnection, filter: &StatsFilter) -> AppResult<Self> {
        let members: Vec<membership::Model> = membership::Entity::find()
            .filter(membership::Column::LeftOn.is_null())
            .all(db)
            .await?;
        let alliance_ids: HashMap<String, i32> = alliance::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.code, a.id))
            .collect();
        let wanted: Option<BTreeSet<i32>> = (!filter.alliances.is_empty()).then(|| {
            filter
                .alliances
                .iter()
                .filter_map(|c| alliance_ids.get(c.as_str()).copied())
                .collect()
        });
        let mut by_org: HashMap<i32, Vec<i32>> = HashMap::new();
        for m in members {
            by_org
                .entry(m.organization_id)
                .or_default()
                .push(m.alliance_id);
        }
        Ok(Self { by_org, wanted })
    }
}

/// The row's region at the level `dims` group by, if they group by one.
fn region_of(row: &StatsSource, dims: &BTreeSet<StatsDimension>) -> Option<i32> {
    if dims.contains(&StatsDimension::County) {
        row.county_id
    } else if dims.contains(&StatsDimension::Province) {
        row.province_id
    } else if dims.contains(&StatsDimension::Region) || dims.contains(&StatsDimension::City) {
        Some(row.region_id)
    } else {
        None
    }
}

/// Counts the released rows by the asked dimensions; a certificate counts once for each alliance
/// it is grouped under.
fn count_groups(
    rows: Vec<StatsSource>,
    filter: &StatsFilter,
    dims: &BTreeSet<StatsDimension>,
    alliances: &AllianceFilter,
) -> std::collections::BTreeMap<GroupKey, u64> {
    let mut groups: std::collections::BTreeMap<GroupKey, u64> = Default::default();
    for row in rows {
        let year = row.issued_on.year();
        if filter.year.is_some_and(|y| y != year) {
            continue;
        }
        let orgs_alliances = alliances
            .by_org
            .get(&row.organization_id)
            .cloned()
            .unwrap_or_default();
        let relevant: Vec<i32> = match &alliances.wanted {
            Some(w) => orgs_alliances
                .iter()
                .copied()
                .filter(|a| w.contains(a))
                .collect(),
            None => orgs_alliances.clone(),
        };
        if alliances.wanted.is_some() && relevant.is_empty() {
            continue;
        }
        let alliance_keys: Vec<Option<i32>> = if dims.contains(&StatsDimension::Alliance) {
            relevant.into_iter().map(Some).collect()
        } else {
            vec![None]
        };
        for alliance in alliance_keys {
            let key = (
                alliance,
                region_of(&row, dims),
                dims.contains(&StatsDimension::Occupation)
                    .then(|| row.occupation_code.clone()),
                dims.contains(&StatsDimension::Level).then_some(row.level),
                dims.contains(&StatsDimension::BodyType)
                    .then(|| row.body_type.clone()),
                dims.contains(&StatsDimension::Year).then_some(year),
                dims.contains(&StatsDimension::Route)
                    .then(|| row.route.clone()),
            );
            *groups.entry(key).or_default() += 1;
        }
    }
    groups
}

/// The certificates of a year reached in `region` (or under it: where the level was reached, as
/// the bureau's figures count them), by level and route; for [`Precision::Protected`] a cell of
/// fewer than [`disclosure::MIN_CELL`] is left out.
pub async fn certificates_by_route(
    db: &DatabaseConnection,
    precision: Precision,
    region: &RegionCode,
    year: i32,
) -> AppResult<Vec<StatsRow>> {
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Ok(Vec::new());
    };
    let rows: Vec<(i16, String, i64)> =
        certificate::Entity::find()
            .select_only()
            .column(certificate::Column::Level)
            .column(certificate::Column::Route)
            .column_as(Expr::col(certificate::Column::Id).count(), "count")
            .filter(certificate::Column::Status.eq(CertificateStatus::Valid))
            .filter(certificate::Column::IssuedOn.between(first, last))
            .filter(certificate::Column::RegionId.in_subquery(
                crate::domain::network::regions::within(std::slice::from_ref(region)),
            ))
            .group_by(certificate::Column::Level)
            .group_by(certificate::Column::Route)
            .into_tuple()
            .all(db)
            .await?;
    let rows = disclosure::release(
        precision,
        rows,
        |(level, route, _)| (*level, route.clone()),
        |(_, _, n)| u64::try_from(*n).unwrap_or(0),
    );
    use sea_orm::ActiveEnum;
    Ok(rows
        .into_iter()
        .map(|(level, route, n)| StatsRow {
            level: SkillLevel::try_from_value(&level).ok(),
            route: CertificateRoute::try_from_value(&route).ok(),
            count: u64::try_from(n).unwrap_or(0),
            ..Default::default()
        })
        .collect())
}
