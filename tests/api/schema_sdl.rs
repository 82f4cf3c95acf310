//! `schema.graphql` is what the code exports, and every part of it is documented.

use async_graphql::parser::{
    parse_schema,
    types::{TypeKind, TypeSystemDefinition},
};

const SCHEMA_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");

#[test]
fn schema_graphql_matches_the_code() {
    let sdl = skillgraph::graphql::sdl();
    if std::env::var_os("SKILLGRAPH_UPDATE_SCHEMA").is_some() {
        std::fs::write(SCHEMA_FILE, &sdl).expect("write schema.graphql");
    }
    let file = std::fs::read_to_string(SCHEMA_FILE).expect("schema.graphql exists");
    assert!(
        file == sdl,
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql` (or the tests with SKILLGRAPH_UPDATE_SCHEMA=1)"
    );
}

#[test]
fn every_type_field_argument_and_enum_value_has_a_description() {
    let doc = parse_schema(skillgraph::graphql::sdl()).expect("the SDL parses");
    let mut missing = Vec::new();
    let mut types = 0;
    for def in &doc.definitions {
        let TypeSystemDefinition::Type(ty) = def else {
            continue;
        };
        types += 1;
        let ty = &ty.node;
        let name = ty.name.node.as_str();
        if ty.description.is_none() {
            missing.push(name.to_owned());
        }
        match &ty.kind {
            TypeKind::Object(o) => {
                for field in &o.fields {
                    let f = &field.node;
                    if f.description.is_none() {
                        missing.push(format!("{name}.{}", f.name.node));
                    }
                    for arg in &f.arguments {
                        if arg.node.description.is_none() {
                            missing.push(format!("{name}.{}({})", f.name.node, arg.node.name.node));
                        }
                    }
                }
            }
            TypeKind::Interface(i) => {
                for field in &i.fields {
                    if field.node.description.is_none() {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                }
            }
            TypeKind::InputObject(i) => {
                for field in &i.fields {
                    if field.node.description.is_none() {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                }
            }
            TypeKind::Enum(e) => {
                for value in &e.values {
                    if value.node.description.is_none() {
                        missing.push(format!("{name}.{}", value.node.value.node));
                    }
                }
            }
            TypeKind::Scalar | TypeKind::Union(_) => {}
        }
    }
    assert!(types > 20, "the SDL has {types} types");
    assert!(missing.is_empty(), "undocumented: {missing:#?}");
}

/// Scalars are named for what they hold, not for the Rust types behind them, and the ones of
/// our own say which specification they follow.
#[test]
fn scalars_have_public_names_and_specifications() {
    let sdl = skillgraph::graphql::sdl();
    let doc = parse_schema(&sdl).expect("the SDL parses");
    let mut scalars = Vec::new();
    for def in &doc.definitions {
        if let TypeSystemDefinition::Type(ty) = def
            && matches!(ty.node.kind, TypeKind::Scalar)
        {
            scalars.push(ty.node.name.node.to_string());
            let text = ty.node.description.as_ref().map(|d| d.node.as_str());
            assert!(
                text.is_some_and(|t| !t.contains("Implement") && !t.contains('<')),
                "{}: {text:?}",
                ty.node.name.node
            );
        }
    }
    scalars.sort();
    assert_eq!(scalars, ["Date", "DateTime", "Fen", "JSON"]);
    for scalar in ["Date", "DateTime"] {
        assert!(
            sdl.contains(&format!(
                "scalar {scalar} @specifiedBy(url: \"https://scalars.graphql.org/"
            )),
            "{scalar} names its specification"
        );
    }
}

/// Every amount of money is a `Fen` (64 bits), never GraphQL's 32-bit `Int`: a region's yearly
/// totals pass 2,147,483,647 fen.
#[test]
fn every_amount_in_fen_is_a_64_bit_fen() {
    let sdl = skillgraph::graphql::sdl();
    let mut amounts = 0;
    for line in sdl.lines().map(str::trim) {
        let Some((name, ty)) = line.split_once(':') else {
            continue;
        };
        if name.ends_with("Fen") || name.ends_with("FenPerYear") {
            amounts += 1;
            assert!(ty.trim().starts_with("Fen"), "{line}");
        }
    }
    assert!(amounts >= 10, "{amounts} amounts in fen");
    assert!(sdl.contains("64 bits"), "Fen says what it holds");
}
