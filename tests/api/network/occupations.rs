//! Occupations a person can understand: the named groups above every occupation and what each
//! occupation does, from the classification's 2022 edition.

use serde_json::{Value, json};

use crate::helpers::{TestApp, first_code};

#[tokio::test]
async fn an_occupation_names_its_groups_definition_and_tasks() {
    let app = TestApp::empty().await;
    let data = app
        .data(
            r#"{
            welder: occupation(code: "6-18-02-04") {
                name definition tasks
                group { code name level } middleGroup { code name level } majorGroup { code name level } }
            middle: occupationGroup(code: "6-18") {
                code name level parent { code name }
                children { code name level }
                occupations(first: 100) { totalCount nodes { code name } } }
            minor: occupationGroup(code: "6-18-02") { name occupations(first: 3) { nodes { code name group { code } } } }
            none: occupationGroup(code: "6-18-98") { name }
            majors: occupationGroups(level: MAJOR) { code name }
            all: occupationGroups { code }
            under: occupationGroups(parent: "4-14") { code name }
        }"#,
        )
        .await;
    let welder = &data["welder"];
    assert_eq!(
        welder["definition"],
        "使用焊机或焊接设备，焊接金属工件的人员。"
    );
    let tasks = welder["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 8);
    assert_eq!(tasks[0], "设定焊接参数");
    assert_eq!(tasks[7], "维护保养设备。");
    assert_eq!(
        (
            &welder["group"],
            &welder["middleGroup"],
            &welder["majorGroup"]
        ),
        (
            &json!({ "code": "6-18-02", "name": "机械热加工人员", "level": "MINOR" }),
            &json!({ "code": "6-18", "name": "机械制造基础加工人员", "level": "MIDDLE" }),
            &json!({ "code": "6", "name": "生产制造及有关人员", "level": "MAJOR" }),
        )
    );
    // A group with its parent, its children and every occupation in it.
    let middle = &data["middle"];
    assert_eq!(middle["parent"]["code"], "6");
    let children: Vec<&str> = middle["children"]
        .as_array()
        .expect("children")
        .iter()
        .map(|c| c["code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        children,
        ["6-18-01", "6-18-02", "6-18-03", "6-18-04", "6-18-99"]
    );
    let listed = middle["occupations"]["nodes"].as_array().expect("nodes");
    assert_eq!(middle["occupations"]["totalCount"], listed.len());
    assert!(
        listed
            .iter()
            .any(|o| o["code"] == "6-18-02-04" && o["name"] == "焊工")
    );
    assert!(
        listed
            .iter()
            .all(|o| o["code"].as_str().expect("code").starts_with("6-18-"))
    );
    assert!(
        data["minor"]["occupations"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|o| o["group"]["code"] == "6-18-02")
    );
    assert_eq!(data["none"], Value::Null);
    assert_eq!(data["majors"].as_array().expect("majors").len(), 8);
    assert_eq!(
        data["majors"][5],
        json!({ "code": "6", "name": "生产制造及有关人员" })
    );
    assert_eq!(data["all"].as_array().expect("all").len(), 537);
    let under: Vec<&str> = data["under"]
        .as_array()
        .expect("under")
        .iter()
        .map(|g| g["code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        under,
        [
            "4-14-01", "4-14-02", "4-14-03", "4-14-04", "4-14-05", "4-14-06", "4-14-99"
        ]
    );
    assert_eq!(
        data["under"][2]["name"], "康复矫正服务人员",
        "眼镜验光师's 小类"
    );
    // A group's code is not an occupation's: the error says where to ask.
    let group = app.query(r#"{ occupation(code: "6-18") { name } }"#).await;
    assert_eq!(first_code(&group), "BAD_USER_INPUT");
    assert!(
        group["errors"][0]["message"]
            .as_str()
            .expect("a message")
            .contains("occupationGroup"),
        "{group}"
    );
    // A malformed code names the argument.
    let bad = app
        .query(r#"{ occupationGroup(code: "6-1") { name } }"#)
        .await;
    assert_eq!(first_code(&bad), "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "code");
}
