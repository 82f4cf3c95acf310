//! The bureau's figures as the XLSX workbook it works in (rust_xlsxwriter draws the charts).

use entity::{CertificateRoute, Indicator, SkillLevel};

use super::certificates::StatsRow;
use super::indicators::{INDICATORS, IndicatorCounts};
use std::collections::HashMap;

use crate::error::AppResult;

/// An indicator's name in the bureau's workbook, with its unit.
pub fn label(indicator: Indicator) -> &'static str {
    match indicator {
        Indicator::TrainedPersonTimes => "培训人次",
        Indicator::SubsidisedPersonTimes => "补贴性培训人次",
        Indicator::Completions => "结业人次",
        Indicator::Certificates => "取证人次",
        Indicator::SeniorCertificates => "高级工及以上",
        Indicator::TechnicianCertificates => "技师及以上",
        Indicator::DigitalCertificates => "数字技能证书",
        Indicator::PlacementRate => "就业率（%）",
        Indicator::EmploymentOrBusinessRate => "就业创业率（%）",
        Indicator::RetentionRate => "稳岗率（%）",
        Indicator::SelfEmploymentRate => "自主创业率（%）",
        Indicator::JobsCreated => "创业带动就业人数",
        Indicator::StableEmploymentRate => "稳定就业率（%）",
        Indicator::InPostRetentionRate => "在岗培训稳岗率（%）",
        Indicator::CompetitionsHeld => "职业技能竞赛场次",
        Indicator::CityClass1CompetitionsHeld => "市级一类竞赛场次",
    }
}

/// A figure as the workbook shows it: counts as they are, rates in percent.
fn shown(indicator: Indicator, value: Option<i64>) -> Option<f64> {
    value.map(|v| {
        if crate::domain::programmes::is_rate(indicator) {
            v as f64 / 100.0
        } else {
            v as f64
        }
    })
}

/// A route's name in the workbook.
fn route_label(route: CertificateRoute) -> &'static str {
    match route {
        CertificateRoute::Exam => "考试",
        CertificateRoute::Workplace => "车间+考场",
        CertificateRoute::Direct => "直接认定",
        CertificateRoute::Competition => "以赛代评",
    }
}

/// A national level's name in the workbook.
fn level_label(level: SkillLevel) -> &'static str {
    match level {
        SkillLevel::Apprentice => "学徒工",
        SkillLevel::Level5 => "五级/初级工",
        SkillLevel::Level4 => "四级/中级工",
        SkillLevel::Level3 => "三级/高级工",
        SkillLevel::Level2 => "二级/技师",
        SkillLevel::Level1 => "一级/高级技师",
        SkillLevel::SpecialTechnician => "特级技师",
        SkillLevel::ChiefTechnician => "首席技师",
    }
}

/// The year's figures as the workbook the bureau works in: a sheet of figures (a row per
/// quarter, the year, its targets and the progress against them; a column per indicator), a
/// sheet with a column chart per indicator, quarter by quarter, and a sheet of the year's
/// certificates by level and route (`by_route`, as `certificates_by_route` released them).
pub fn write_workbook(
    title: &str,
    quarters: &[(String, IndicatorCounts)],
    year: &IndicatorCounts,
    targets: &HashMap<Indicator, i64>,
    by_route: &[StatsRow],
) -> AppResult<Vec<u8>> {
    use crate::error::AppError;
    use rust_xlsxwriter::{Chart, ChartType, Format, Workbook};
    const FIGURES: &str = "指标";
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(FIGURES).map_err(AppError::internal)?;
    sheet
        .write_string_with_format(0, 0, title, &bold)
        .map_err(AppError::internal)?;
    sheet
        .write_string_with_format(1, 0, "季度", &bold)
        .map_err(AppError::internal)?;
    for (c, indicator) in INDICATORS.iter().enumerate() {
        let col = u16::try_from(c + 1).map_err(AppError::internal)?;
        sheet
            .write_string_with_format(1, col, label(*indicator), &bold)
            .map_err(AppError::internal)?;
        sheet
            .set_column_width(col, 14)
            .map_err(AppError::internal)?;
    }
    let mut rows: Vec<(String, Vec<Option<f64>>)> = quarters
        .iter()
        .map(|(q, counts)| {
            (
                q.clone(),
                INDICATORS
                    .iter()
                    .map(|i| shown(*i, counts.value(*i)))
                    .collect(),
            )
        })
        .collect();
    rows.push((
        "全年".to_owned(),
        INDICATORS
            .iter()
            .map(|i| shown(*i, year.value(*i)))
            .collect(),
    ));
    rows.push((
        "目标".to_owned(),
        INDICATORS
            .iter()
            .map(|i| shown(*i, targets.get(i).copied()))
            .collect(),
    ));
    rows.push((
        "完成率（%）".to_owned(),
        INDICATORS
            .iter()
            .map(|i| match (year.value(*i), targets.get(i)) {
                (Some(a), Some(&t)) if t > 0 => Some((a as f64 / t as f64 * 1000.0).round() / 10.0),
                _ => None,
            })
            .collect(),
    ));
    for (r, (name, values)) in rows.iter().enumerate() {
        let row = u32::try_from(r + 2).map_err(AppError::internal)?;
        sheet
            .write_string(row, 0, name)
            .map_err(AppError::internal)?;
        for (c, value) in values.iter().enumerate() {
            if let Some(v) = value {
                let col = u16::try_from(c + 1).map_err(AppError::internal)?;
                sheet
                    .write_number(row, col, *v)
                    .map_err(AppError::internal)?;
            }
        }
    }
    let charts = book.add_worksheet();
    charts.set_name("图表").map_err(AppError::internal)?;
    let last_quarter = u32::try_from(quarters.len() + 1).map_err(AppError::internal)?;
    for (c, indicator) in INDICATORS.iter().enumerate() {
        let col = u16::try_from(c + 1).map_err(AppError::internal)?;
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name(label(*indicator));
        chart.legend().set_hidden();
        chart
            .add_series()
            .set_name(label(*indicator))
            .set_categories((FIGURES, 2, 0, last_quarter, 0))
            .set_values((FIGURES, 2, col, last_quarter, col));
        let at = u32::try_from((c / 2) * 16).map_err(AppError::internal)?;
        charts
            .insert_chart(at, if c % 2 == 0 { 0 } else { 8 }, &chart)
            .map_err(AppError::internal)?;
    }

    let certificates = book.add_worksheet();
    certificates
        .set_name("证书（等级×评价方式）")
        .map_err(AppError::internal)?;
    certificates
        .write_string_with_format(0, 0, "等级", &bold)
        .map_err(AppError::internal)?;
    let routes = [
        CertificateRoute::Exam,
        CertificateRoute::Workplace,
        CertificateRoute::Direct,
        CertificateRoute::Competition,
    ];
    for (c, route) in routes.iter().enumerate() {
        let col = u16::try_from(c + 1).map_err(AppError::internal)?;
        certificates
            .write_string_with_format(0, col, route_label(*route), &bold)
            .map_err(AppError::internal)?;
    }
    let mut levels: Vec<SkillLevel> = by_route.iter().filter_map(|r| r.level).collect();
    levels.sort();
    levels.dedup();
    levels.reverse();
    for (r, level) in levels.iter().enumerate() {
        let row = u32::try_from(r + 1).map_err(AppError::internal)?;
        certificates
            .write_string(row, 0, level_label(*level))
            .map_err(AppError::internal)?;
        for (c, route) in routes.iter().enumerate() {
            let col = u16::try_from(c + 1).map_err(AppError::internal)?;
            let count: u64 = by_route
                .iter()
                .filter(|s| s.level == Some(*level) && s.route == Some(*route))
                .map(|s| s.count)
                .sum();
            certificates
                .write_number(row, col, count as f64)
                .map_err(AppError::internal)?;
        }
    }
    book.save_to_buffer().map_err(AppError::internal)
}
