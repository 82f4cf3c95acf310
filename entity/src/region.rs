//! A region (地区): a province, city or county of the statistical division codes, in a tree.

use sea_orm::entity::prelude::*;

/// A region row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "regions")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// GB/T 2260 administrative division code, six digits (Zhenjiang `321100`).
    #[sea_orm(unique)]
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name (empty where none is known).
    pub name_en: String,
    /// Province, city or county.
    pub level: crate::RegionLevel,
    /// The region above (a county's city, a city's province); none for a province.
    pub parent_id: Option<i32>,
    /// When it was retired (its code no longer used for new rows); none while current.
    pub retired_at: Option<DateTimeUtc>,
    /// The region that took over from a retired one.
    pub successor_id: Option<i32>,
    /// An organization or an alliance is registered in it.
    pub in_service: bool,
}

/// Relations of a region.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The alliances founded in this region.
    #[sea_orm(has_many = "super::alliance::Entity")]
    Alliance,
}

impl Related<super::alliance::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Alliance.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// The county an address names, when that is certain: exactly one of `counties` (the county-level
/// divisions of the address's city, as id and name) occurs in it by its full name (`京口区`,
/// `丹阳市`, `镇江新区`), no other does, and the name is not a bare `市辖区`. Anything else —
/// no name, two names, a short form such as `丹阳` alone — is not certain and gives `None`.
pub fn county_in_address(address: &str, counties: &[(i32, &str)]) -> Option<i32> {
    let mut found = counties
        .iter()
        .filter(|(_, name)| name.chars().count() >= 2 && *name != "市辖区")
        .filter(|(_, name)| address.contains(name));
    let (id, first) = found.next()?;
    // A second name that is not just part of the first (`新区` inside `镇江新区`) makes it unsure.
    if found.any(|(_, other)| !first.contains(other)) {
        return None;
    }
    Some(*id)
}

#[cfg(test)]
mod tests {
    use super::county_in_address;

    const ZHENJIANG: &[(i32, &str)] = &[
        (1, "京口区"),
        (2, "润州区"),
        (3, "丹徒区"),
        (4, "镇江新区"),
        (5, "丹阳市"),
        (6, "扬中市"),
        (7, "句容市"),
    ];

    #[test]
    fn an_address_names_its_county_only_when_certain() {
        assert_eq!(
            county_in_address("镇江市京口区学府路301号", ZHENJIANG),
            Some(1)
        );
        assert_eq!(
            county_in_address("江苏省丹阳市开发区齐梁路8号", ZHENJIANG),
            Some(5)
        );
        assert_eq!(county_in_address("镇江新区大港路1号", ZHENJIANG), Some(4));
        // A short form, no county at all, or two counties: not certain.
        assert_eq!(county_in_address("丹阳开发区10号", ZHENJIANG), None);
        assert_eq!(county_in_address("镇江市技能评价考点", ZHENJIANG), None);
        assert_eq!(county_in_address("京口区与润州区交界处", ZHENJIANG), None);
        assert_eq!(county_in_address("", ZHENJIANG), None);
    }
}
