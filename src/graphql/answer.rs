//! Walks an answer beside the document that asked for it: every field the response holds, with
//! the type it was selected on, its arguments, its output type and its value. What a request
//! actually cost ([`super::cost::actual`]) and what an answer read ([`super::cache`]'s tags) are
//! both read off this walk, after execution.
//!
//! A field is visited only where its response key is in the answer, so a fragment on a type the
//! value is not (`... on Demand` over an alliance) adds nothing unless its keys happen to match.
//! Interfaces and unions are walked as their concrete type when the answer carries
//! `__typename`, else as themselves, with every fragment applied.

use std::collections::HashSet;

use async_graphql::{
    Name, Positioned, Value,
    indexmap::IndexMap,
    parser::types::{ExecutableDocument, Field, OperationType, Selection, SelectionSet},
    registry::{MetaType, MetaTypeName, Registry},
};

/// The deepest a walk goes (the schema's depth limit is lower; this only stops a runaway).
const MOST_DEPTH: usize = 64;

/// One field of the answer.
pub struct Seen<'a> {
    /// The type it was selected on (`Query` at the root).
    pub parent: &'a str,
    /// Its selection: name, alias and arguments.
    pub field: &'a Field,
    /// The named type it returns (without list or non-null wrappers); empty for a field the
    /// registry does not know.
    pub output: &'a str,
    /// It returns a list.
    pub list: bool,
    /// At the root of the operation.
    pub root: bool,
    /// Its value in the answer.
    pub value: &'a Value,
}

/// Walks `data`, the answer to `doc`'s operation of type `kind` (the one that ran; every
/// operation of that type is tried, and only the one that ran has keys in the answer).
pub fn walk(
    registry: &Registry,
    doc: &ExecutableDocument,
    kind: OperationType,
    data: &Value,
    visit: &mut dyn FnMut(&Seen<'_>),
) {
    let root = match kind {
        OperationType::Query => registry.query_type.clone(),
        OperationType::Mutation => registry.mutation_type.clone().unwrap_or_default(),
        OperationType::Subscription => registry.subscription_type.clone().unwrap_or_default(),
    };
    let Value::Object(object) = data else {
        return;
    };
    let mut walker = Walker {
        registry,
        doc,
        visit,
        depth: 0,
        spreading: HashSet::new(),
    };
    for (_, operation) in doc.operations.iter() {
        if operation.node.ty == kind {
            walker.set(&root, &operation.node.selection_set.node, object, true);
        }
    }
}

struct Walker<'a, 'v> {
    registry: &'a Registry,
    doc: &'a ExecutableDocument,
    visit: &'v mut dyn FnMut(&Seen<'_>),
    depth: usize,
    /// Fragments being spread (a cycle stops).
    spreading: HashSet<Name>,
}

impl Walker<'_, '_> {
    fn set(&mut self, on: &str, set: &SelectionSet, object: &IndexMap<Name, Value>, root: bool) {
        if self.depth >= MOST_DEPTH {
            return;
        }
        self.depth += 1;
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => self.field(on, &field.node, object, root),
                Selection::InlineFragment(fragment) => {
                    let condition = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map(|t| t.node.on.node.as_str());
                    if let Some(on) = self.applies(on, condition) {
                        self.set(&on, &fragment.node.selection_set.node, object, root);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    let Some(fragment) = self.doc.fragments.get(name) else {
                        continue;
                    };
                    let condition = Some(fragment.node.type_condition.node.on.node.as_str());
                    if let Some(on) = self.applies(on, condition)
                        && self.spreading.insert(name.clone())
                    {
                        self.set(&on, &fragment.node.selection_set.node, object, root);
                        self.spreading.remove(name);
                    }
                }
            }
        }
        self.depth -= 1;
    }

    /// The type a fragment's fields are selected on, if it applies to a value of type `on`: a
    /// fragment on another object type does not; on an interface or union, walked as the
    /// fragment's type.
    fn applies(&self, on: &str, condition: Option<&str>) -> Option<String> {
        let Some(condition) = condition else {
            return Some(on.to_owned());
        };
        if condition == on {
            return Some(on.to_owned());
        }
        let concrete =
            |name: &str| matches!(self.registry.types.get(name), Some(MetaType::Object { .. }));
        match (concrete(on), concrete(condition)) {
            // Another object type: never this value.
            (true, true) => None,
            // An interface or union this object may be: its fields, on this object.
            (true, false) => Some(on.to_owned()),
            // This value is abstract: the fragment's type.
            (false, _) => Some(condition.to_owned()),
        }
    }

    fn field(&mut self, on: &str, field: &Field, object: &IndexMap<Name, Value>, root: bool) {
        let name = field.name.node.as_str();
        if name.starts_with("__") {
            return;
        }
        let key = field
            .alias
            .as_ref()
            .map_or(&field.name, |a| a)
            .node
            .as_str();
        let Some(value) = object.get(key) else {
            return;
        };
        let Some(meta) = self
            .registry
            .types
            .get(on)
            .and_then(|t| t.field_by_name(name))
        else {
            // A field the registry does not know (the federation's `_entities`): seen, with no
            // output type, and not walked into.
            (self.visit)(&Seen {
                parent: on,
                field,
                output: "",
                list: false,
                root,
                value,
            });
            return;
        };
        let output = MetaTypeName::concrete_typename(&meta.ty);
        (self.visit)(&Seen {
            parent: on,
            field,
            output,
            list: meta.ty.trim_end_matches('!').starts_with('['),
            root,
            value,
        });
        if !field.selection_set.node.items.is_empty() {
            self.value(output, &field.selection_set.node, value);
        }
    }

    fn value(&mut self, output: &str, set: &SelectionSet, value: &Value) {
        match value {
            Value::Object(object) => {
                let concrete = match object.get("__typename") {
                    Some(Value::String(t)) if self.registry.types.contains_key(t.as_str()) => {
                        t.as_str()
                    }
                    _ => output,
                };
                let concrete = concrete.to_owned();
                self.set(&concrete, set, object, false);
            }
            Value::List(items) => {
                for item in items {
                    self.value(output, set, item);
                }
            }
            _ => {}
        }
    }
}

/// The arguments a field was given, by name (for the walkers' decisions; values unresolved).
pub fn argument_names(field: &Field) -> impl Iterator<Item = &str> {
    field
        .arguments
        .iter()
        .map(|(name, _): &(Positioned<Name>, _)| name.node.as_str())
}
