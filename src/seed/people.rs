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
        let caller = staff(role, *org);
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

/// Requests about personal data at every status, made and decided through the domain's code
/// path: of the college 丹阳中等专业学校's learners, the fourth asks to correct their name
/// (pending) and the third their phone number (approved by the regulator); of the institution
/// 丹阳市视界眼镜技能培训中心's, the fourth asks for erasure (pending) and the third to correct
/// their name (rejected).
pub(super) async fn demo_data_requests(
    db: &DatabaseConnection,
    key: &PersonalDataKey,
) -> anyhow::Result<usize> {
    use crate::domain::{
        kernel::input::{FromInput, Reason},
        people::data_requests::{self, Correction, Decision},
    };
    use entity::{PersonalField, organization};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    let reason = |text: &str| Reason::from_input(text).map_err(anyhow::Error::msg);
    let registered_by = |name: &'static str| async move {
        let org = organization::Entity::find()
            .filter(organization::Column::Name.eq(name))
            .one(db)
            .await?
            .with_context(|| format!("demo organization {name}"))?;
        let rows = entity::learner::Entity::find()
            .filter(entity::learner::Column::RegisteredById.eq(org.id))
            .order_by_asc(entity::learner::Column::Id)
            .all(db)
            .await?;
        anyhow::ensure!(rows.len() >= 4, "{name} registered four demo learners");
        Ok::<_, anyhow::Error>(rows)
    };
    let as_learner = |l: &entity::learner::Model| learner_self(l.id);
    let regulator = |l: &entity::learner::Model| regulator_of(l.region_id);
    let fail = |e: crate::error::AppError| anyhow::anyhow!("demo data request: {e}");

    let college = registered_by("丹阳中等专业学校").await?;
    let institution = registered_by("丹阳市视界眼镜技能培训中心").await?;
    data_requests::request_correction(
        db,
        &as_learner(&college[3]),
        key,
        Correction::parse(PersonalField::Name, "demo", "王晓芳").map_err(fail)?,
        reason("身份证已更名，附派出所证明")?,
    )
    .await
    .map_err(fail)?;
    let phone = data_requests::request_correction(
        db,
        &as_learner(&college[2]),
        key,
        Correction::parse(PersonalField::Phone, "demo", "13905110000").map_err(fail)?,
        reason("换了手机号")?,
    )
    .await
    .map_err(fail)?;
    data_requests::decide(
        db,
        &regulator(&college[2]),
        key,
        phone.id,
        Decision::Approve(reason("已电话核实本人")?),
    )
    .await
    .map_err(fail)?;
    data_requests::request_erasure(
        db,
        &as_learner(&institution[3]),
        reason("已离开镇江，不再参加培训")?,
    )
    .await
    .map_err(fail)?;
    let name = data_requests::request_correction(
        db,
        &as_learner(&institution[2]),
        key,
        Correction::parse(PersonalField::Name, "demo", "李芳芳").map_err(fail)?,
        reason("名字写错了")?,
    )
    .await
    .map_err(fail)?;
    data_requests::decide(
        db,
        &regulator(&institution[2]),
        key,
        name.id,
        Decision::Reject(reason("与身份证件上的姓名不符，请携带证件到窗口办理")?),
    )
    .await
    .map_err(fail)?;
    Ok(4)
}
