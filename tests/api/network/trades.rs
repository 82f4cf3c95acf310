//! Work types (工种) and special abilities (专项职业能力): reference lists the system
//! administrator and regions' regulators keep, and demands name.

use serde_json::{Value, json};

use crate::demands::{CREATE, demand, enterprise};
use crate::helpers::{TestApp, first_code, who};

const WORK_TYPE: &str = "mutation($i: UpsertWorkTypeInput!) { upsertWorkType(input: $i) { code name occupation { code name } region { code } } }";
const ABILITY: &str = "mutation($i: UpsertSpecialAbilityInput!) { upsertSpecialAbility(input: $i) { code name occupation { code } region { code } } }";

#[tokio::test]
async fn regions_extend_the_lists_and_demands_name_their_entries() {
    let app = TestApp::demo().await;
    let admin = who::system_admin();
    let zhenjiang = who::regulator(app.region_row("321100").await);
    let huaian = who::regulator(app.region_row("320800").await);

    // The national list (the system administrator's) and each region's own.
    let welder = app
        .data_as(
            &admin,
            WORK_TYPE,
            json!({ "i": { "code": "ELECTRIC_WELDER", "name": "电焊工", "occupation": "6-18-02-04" } }),
        )
        .await;
    assert_eq!(
        welder["upsertWorkType"],
        json!({ "code": "ELECTRIC_WELDER", "name": "电焊工", "occupation": { "code": "6-18-02-04", "name": "焊工" }, "region": null })
    );
    let edger = app
        .data_as(
            &zhenjiang,
            WORK_TYPE,
            json!({ "i": { "code": "ZJ_LENS_EDGER", "name": "眼镜磨边工", "occupation": "4-14-03-04" } }),
        )
        .await;
    assert_eq!(edger["upsertWorkType"]["region"]["code"], "321100");
    for (code, name) in [
        ("HA_CRAB_FARMING", "螃蟹养殖"),
        ("HA_SHRIMP_RICE", "虾稻共生种养"),
    ] {
        let added = app
            .data_as(
                &huaian,
                ABILITY,
                json!({ "i": { "code": code, "name": name } }),
            )
            .await;
        assert_eq!(added["upsertSpecialAbility"]["region"]["code"], "320800");
    }
    app.data_as(
        &zhenjiang,
        ABILITY,
        json!({ "i": { "code": "ZJ_NEW_MEDIA", "name": "数字新媒体制作", "occupation": "4-13-02-02" } }),
    )
    .await;

    // Each changes only its own rows; names are unique under an occupation; codes are checked.
    let refused: Vec<(Value, Value, &str)> = vec![
        (
            json!("another region"),
            app.query_as(
                &huaian,
                WORK_TYPE,
                json!({ "i": { "code": "ZJ_LENS_EDGER", "name": "改名", "occupation": "4-14-03-04" } }),
            )
            .await,
            "FORBIDDEN",
        ),
        (
            json!("national row"),
            app.query_as(
                &zhenjiang,
                WORK_TYPE,
                json!({ "i": { "code": "ELECTRIC_WELDER", "name": "改名", "occupation": "6-18-02-04" } }),
            )
            .await,
            "FORBIDDEN",
        ),
        (
            json!("same name"),
            app.query_as(
                &zhenjiang,
                WORK_TYPE,
                json!({ "i": { "code": "ZJ_WELDER", "name": "电焊工", "occupation": "6-18-02-04" } }),
            )
            .await,
            "CONFLICT",
        ),
        (
            json!("unknown occupation"),
            app.query_as(
                &zhenjiang,
                WORK_TYPE,
                json!({ "i": { "code": "ZJ_X", "name": "某工", "occupation": "6-18-02-99" } }),
            )
            .await,
            "BAD_USER_INPUT",
        ),
        (
            json!("bad code"),
            app.query_as(
                &zhenjiang,
                ABILITY,
                json!({ "i": { "code": "crab", "name": "螃蟹" } }),
            )
            .await,
            "BAD_USER_INPUT",
        ),
    ];
    for (case, response, code) in refused {
        assert_eq!(first_code(&response), code, "{case}: {response}");
    }

    // Lists: by occupation or group, national with a region's.
    let lists = app
        .data(
            r#"{
            welding: workTypes(occupation: "6-18") { code }
            zhenjiang: workTypes(region: "321100") { code }
            huaian: workTypes(region: "320800") { code }
            abilities: specialAbilities(region: "320800") { code name }
            everywhere: specialAbilities { code }
            welder: occupation(code: "6-18-02-04") { workTypes { code name } }
        }"#,
        )
        .await;
    let codes = |v: &Value| -> Vec<String> {
        v.as_array()
            .expect("a list")
            .iter()
            .map(|x| x["code"].as_str().expect("code").to_owned())
            .collect()
    };
    assert_eq!(codes(&lists["welding"]), ["ELECTRIC_WELDER"]);
    assert_eq!(
        codes(&lists["zhenjiang"]),
        ["ELECTRIC_WELDER", "ZJ_LENS_EDGER"]
    );
    assert_eq!(codes(&lists["huaian"]), ["ELECTRIC_WELDER"]);
    assert_eq!(
        codes(&lists["abilities"]),
        ["HA_CRAB_FARMING", "HA_SHRIMP_RICE"]
    );
    assert_eq!(
        codes(&lists["everywhere"]).len(),
        4,
        "with the demo's 紫菜养殖 of 连云港"
    );
    assert_eq!(
        lists["welder"]["workTypes"],
        json!([{ "code": "ELECTRIC_WELDER", "name": "电焊工" }])
    );

    // A demand names a work type of its occupation and a special ability of its city.
    let me = enterprise(&app, "丹阳明视眼镜有限公司").await;
    let mut content = demand(&["zj-eyewear"]);
    content["occupation"] = json!("4-14-03-04");
    content["workType"] = json!("ZJ_LENS_EDGER");
    content["specialAbility"] = json!("ZJ_NEW_MEDIA");
    let created = app.data_as(&me, CREATE, json!({ "d": content })).await;
    let id = created["createDemand"]["id"].clone();
    let read = app
        .data_as(
            &me,
            "query($id: ID!) { node(id: $id) { ... on Demand { workType { code name } specialAbility { name region { code } } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        read["node"],
        json!({ "workType": { "code": "ZJ_LENS_EDGER", "name": "眼镜磨边工" }, "specialAbility": { "name": "数字新媒体制作", "region": { "code": "321100" } } })
    );
    for (field, value, named) in [
        ("workType", "ELECTRIC_WELDER", "input.workType"),
        ("specialAbility", "HA_CRAB_FARMING", "input.specialAbility"),
        ("workType", "NO_SUCH_TYPE", "input.workType"),
    ] {
        let mut content = demand(&["zj-eyewear"]);
        content["occupation"] = json!("4-14-03-04");
        content[field] = json!(value);
        let response = app.query_as(&me, CREATE, json!({ "d": content })).await;
        assert_eq!(
            first_code(&response),
            "BAD_USER_INPUT",
            "{value}: {response}"
        );
        assert_eq!(
            response["errors"][0]["extensions"]["field"], named,
            "{value}"
        );
    }
}

#[tokio::test]
async fn catalogue_items_name_the_special_ability_they_subsidise() {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let app = TestApp::demo().await;
    let zhenjiang = who::regulator(app.region_row("321100").await);
    const ITEM: &str = "mutation($c: CatalogueCategory!, $s: String, $f: Fen!) { upsertCatalogueItem(input: {occupation: \"4-13-02-02\", level: LEVEL_4, category: $c, subsidyFen: $f, scarce: false, year: 2035, specialAbility: $s}) { id subsidyFen specialAbility { code name } } }";
    let item = |c: &str, s: Value, f: &str| json!({ "c": c, "s": s, "f": f });
    let named = app
        .data_as(
            &zhenjiang,
            ITEM,
            item("SPECIAL_ABILITY", json!("ZJ_NEW_MEDIA"), "80000"),
        )
        .await;
    assert_eq!(
        named["upsertCatalogueItem"]["specialAbility"],
        json!({ "code": "ZJ_NEW_MEDIA", "name": "数字新媒体制作" })
    );
    // Without a special ability it is another item; with the same one, the same item updated.
    let unnamed = app
        .data_as(
            &zhenjiang,
            ITEM,
            item("SPECIAL_ABILITY", Value::Null, "50000"),
        )
        .await;
    assert_ne!(
        unnamed["upsertCatalogueItem"]["id"],
        named["upsertCatalogueItem"]["id"]
    );
    assert_eq!(
        unnamed["upsertCatalogueItem"]["specialAbility"],
        Value::Null
    );
    let again = app
        .data_as(
            &zhenjiang,
            ITEM,
            item("SPECIAL_ABILITY", json!("ZJ_NEW_MEDIA"), "90000"),
        )
        .await;
    assert_eq!(
        again["upsertCatalogueItem"]["id"],
        named["upsertCatalogueItem"]["id"]
    );
    assert_eq!(again["upsertCatalogueItem"]["subsidyFen"], 90000);

    // Another city's ability, an unknown code, or a certificate item naming one: refused.
    for (category, ability) in [
        ("SPECIAL_ABILITY", "HA_CRAB_FARMING"),
        ("SPECIAL_ABILITY", "NO_SUCH_ABILITY"),
        ("SKILL_LEVEL_CERTIFICATE", "ZJ_NEW_MEDIA"),
    ] {
        let refused = app
            .query_as(&zhenjiang, ITEM, item(category, json!(ability), "1000"))
            .await;
        assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{refused}");
        assert_eq!(
            refused["errors"][0]["extensions"]["field"], "input.specialAbility",
            "{refused}"
        );
    }

    // A work type of the item's occupation makes an item of its own: 焊工（电焊工）.
    const WELDING: &str = "mutation($w: String) { upsertCatalogueItem(input: {occupation: \"6-18-02-04\", level: LEVEL_4, category: SKILL_LEVEL_CERTIFICATE, subsidyFen: 150000, scarce: false, year: 2035, workType: $w}) { id workType { code name } } }";
    app.data_as(
        &who::system_admin(),
        WORK_TYPE,
        json!({ "i": { "code": "ELECTRIC_WELDER", "name": "电焊工", "occupation": "6-18-02-04" } }),
    )
    .await;
    let welder = app.data_as(&zhenjiang, WELDING, json!({ "w": null })).await;
    let electric = app
        .data_as(&zhenjiang, WELDING, json!({ "w": "ELECTRIC_WELDER" }))
        .await;
    assert_ne!(
        welder["upsertCatalogueItem"]["id"],
        electric["upsertCatalogueItem"]["id"]
    );
    assert_eq!(
        electric["upsertCatalogueItem"]["workType"],
        json!({ "code": "ELECTRIC_WELDER", "name": "电焊工" })
    );
    // A work type of another occupation is refused.
    let other = app
        .query_as(
            &zhenjiang,
            ITEM,
            json!({ "c": "SPECIAL_ABILITY", "s": null, "f": "1000" }),
        )
        .await;
    assert!(other.get("errors").is_none(), "{other}");
    let wrong = app
        .query_as(
            &zhenjiang,
            "mutation { upsertCatalogueItem(input: {occupation: \"4-13-02-02\", level: LEVEL_4, category: SKILL_LEVEL_CERTIFICATE, subsidyFen: 1000, scarce: false, year: 2035, workType: \"ELECTRIC_WELDER\"}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        wrong["errors"][0]["extensions"]["field"], "input.workType",
        "{wrong}"
    );

    // The database keeps one item without a special ability per key, whatever writes it.
    let row = entity::catalogue_item::Entity::find_by_id(TestApp::raw_id(
        &unnamed["upsertCatalogueItem"]["id"],
    ))
    .one(&app.db.db)
    .await
    .expect("read")
    .expect("the item");
    let copy = entity::catalogue_item::ActiveModel {
        region_id: Set(row.region_id),
        occupation_code: Set(row.occupation_code.clone()),
        level: Set(row.level),
        category: Set(row.category),
        subsidy_amount: Set(row.subsidy_amount),
        subsidy_fen: Set(row.subsidy_fen),
        evidence: Set(row.evidence),
        scarce: Set(row.scarce),
        year: Set(row.year),
        status: Set(row.status),
        reason: Set(None),
        updated_at: Set(row.updated_at),
        work_type_id: Set(None),
        special_ability_id: Set(None),
        ..Default::default()
    };
    assert!(
        copy.insert(&app.db.db).await.is_err(),
        "a second unnamed item"
    );
}
