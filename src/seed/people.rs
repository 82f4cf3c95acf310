//! Demo data: synthetic learners, with valid synthetic ID numbers.

use super::*;

const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];

const GIVEN: [&str; 12] = [
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "欣怡",
];

const GROUPS: [entity::TargetGroup; 6] = [
    entity::TargetGroup::Graduate,
    entity::TargetGroup::RuralMigrantWorker,
    entity::TargetGroup::Unemployed,
    entity::TargetGroup::Veteran,
    entity::TargetGroup::Disabled,
    entity::TargetGroup::Other,
];

/// A synthetic but valid ID number: a county of the region, a birth date, a sequence and the
/// GB 11643 check character.
fn demo_national_id(region: &str, n: usize) -> anyhow::Result<NationalId> {
    let county = format!("{}{:02}", &region[..4], 2 + n % 9);
    let year = 1975 + (n * 7) % 30;
    let month = 1 + (n * 5) % 12;
    let day = 1 + (n * 11) % 28;
    let first17 = format!("{county}{year:04}{month:02}{day:02}{:03}", 100 + n);
    let check = NationalId::check_char(&first17).context("demo ID digits")?;
    Ok(NationalId::parse("demo", &format!("{first17}{check}"))?)
}

/// Four learners per training provider, living in the provider's region.
pub(super) async fn demo_learners(
    db: &DatabaseConnection,
    key: &PersonalDataKey,
    providers: &[(i32, entity::OrganizationKind, String)],
) -> anyhow::Result<usize> {
    let mut n = 0;
    for (org, kind, region) in providers {
        let role = match kind {
            entity::OrganizationKind::College => Role::College,
            _ => Role::TrainingInstitution,
        };
        let caller = Caller {
            viewer: Viewer {
                subject: "demo-seed".to_owned(),
                role,
                organization_id: Some(*org),
                ..Viewer::public()
            },
            request_id: None,
            access: Default::default(),
        };
        for _ in 0..4 {
            let phone = format!("1{}{:09}", 3 + n % 7, 800_000_000 + n * 7_919);
            let new = learners::NewLearner {
                name: format!("{}{}", SURNAMES[n % 12], GIVEN[(n / 12 + n) % 12]),
                national_id: demo_national_id(region, n)?,
                phone: PhoneNumber::parse("demo", &phone)?,
                region: RegionCode::parse(region)?,
                target_group: GROUPS[n % GROUPS.len()],
            };
            learners::register(db, &caller, key, new)
                .await
                .map_err(|e| anyhow::anyhow!("demo learner {n}: {e}"))?;
            n += 1;
        }
    }
    Ok(n)
}
