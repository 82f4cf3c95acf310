//! Directives a document may use. async-graphql validates the directives of most fields, but
//! not those on `__typename` (`{ __typename @anyUnknownDirective }` executes); this walk refuses
//! any directive the schema does not define for executable locations, wherever it stands, before
//! anything runs.

use async_graphql::{
    Pos, Positioned,
    parser::types::{Directive, ExecutableDocument, Selection, SelectionSet},
};

/// The directives the schema defines for executable documents.
pub const EXECUTABLE: &[&str] = &["skip", "include"];

/// The first directive of `doc` the schema does not define, with where it stands.
pub fn unknown(doc: &ExecutableDocument) -> Option<(String, Pos)> {
    for (_, op) in doc.operations.iter() {
        if let Some(found) = among(&op.node.directives) {
            return Some(found);
        }
        for variable in &op.node.variable_definitions {
            if let Some(found) = among(&variable.node.directives) {
                return Some(found);
            }
        }
        if let Some(found) = in_selections(&op.node.selection_set) {
            return Some(found);
        }
    }
    for fragment in doc.fragments.values() {
        if let Some(found) =
            among(&fragment.node.directives).or_else(|| in_selections(&fragment.node.selection_set))
        {
            return Some(found);
        }
    }
    None
}

fn among(directives: &[Positioned<Directive>]) -> Option<(String, Pos)> {
    directives
        .iter()
        .find(|d| !EXECUTABLE.contains(&d.node.name.node.as_str()))
        .map(|d| (d.node.name.node.to_string(), d.pos))
}

fn in_selections(set: &Positioned<SelectionSet>) -> Option<(String, Pos)> {
    // An explicit stack: a document's nesting is limited later, and this walk must not recurse
    // on an attacker's depth.
    let mut stack = vec![set];
    while let Some(set) = stack.pop() {
        for item in &set.node.items {
            match &item.node {
                Selection::Field(field) => {
                    if let Some(found) = among(&field.node.directives) {
                        return Some(found);
                    }
                    stack.push(&field.node.selection_set);
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(found) = among(&spread.node.directives) {
                        return Some(found);
                    }
                }
                Selection::InlineFragment(inline) => {
                    if let Some(found) = among(&inline.node.directives) {
                        return Some(found);
                    }
                    stack.push(&inline.node.selection_set);
                }
            }
        }
    }
    None
}
