//! What an answer read, and what a mutation wrote, as *tags*: a kept answer carries the tags
//! of what it read, a mutation bumps the tags of what it wrote, and an answer is served only
//! while none of its tags has moved.
//!
//! Tags name tables:
//! - `t` — some row of table `t` changed, or was added: every list over `t` may differ;
//! - `t:k` — the row of `t` with key `k` changed;
//! - `t:*` — rows of `t` changed, which ones unknown;
//! - `*` — anything changed.
//!
//! Writes are read off the statements a mutation ran ([`crate::db::recording_writes`]): an
//! `UPDATE` or `DELETE` narrowed to one key bumps `t:k` and `t`; one that is not bumps `t:*` and
//! `t`; a plain `INSERT` bumps `t`. Every write bumps `*`.
//!
//! Reads are read off the answer and its document ([`super::super::answer`]): a node reached by
//! its key — `node(id:)`, `nodes(ids:)`, a root field whose only arguments are `id` or `code`, or
//! a relation of a node of the types below (a foreign key of the row) — with its `id` in the
//! answer depends on `t:k` and `t:*`; any other object of a type, and every list or connection
//! of it, on `t`. A type also depends, as a whole, on the tables its lists are joined through
//! (which demands an alliance lists is `demand_alliances`). A type not described here, and a
//! scalar at the root, depend on `*`: new fields are safe before they are precise.

use std::collections::BTreeSet;

use async_graphql::{
    Value,
    parser::types::{ExecutableDocument, OperationType},
    registry::{MetaType, Registry},
};

use crate::{db::Written, graphql::answer};

/// The tables behind a type: its own (with the column its global ID carries), and the tables
/// its fields' lists are joined through or filtered on.
struct Tables {
    own: &'static str,
    key: &'static str,
    joins: &'static [&'static str],
}

/// The types the public portal reads, audited field by field. Others tag `*`. Root lists filter
/// by alliance and region codes, so the types listed that way join `alliances` and `regions`.
fn tables(type_name: &str) -> Option<Tables> {
    let t = |own, joins| {
        Some(Tables {
            own,
            key: "id",
            joins,
        })
    };
    match type_name {
        "Region" => t("regions", &[]),
        // `members` through memberships (narrowed by the organizations' kind), `demands` through
        // demand_alliances, `openResources` through the providers' memberships.
        "Alliance" => t("alliances", &["memberships", "demand_alliances", "regions"]),
        // `alliances` and `memberships` through memberships; the root list filters on them.
        "Organization" => t("organizations", &["memberships", "alliances", "regions"]),
        "Membership" => t("memberships", &["organizations"]),
        "Demand" => t("demands", &["demand_alliances", "alliances", "regions"]),
        // `workTypes` lists work_types, and an occupation's search entry carries their names (a
        // `nameContains` filter matches them).
        "Occupation" => Some(Tables {
            own: "occupations",
            key: "code",
            joins: &["resource_occupations", "work_types"],
        }),
        // Public lists leave out the items of SUSPENDED or EXITED providers: `organizations`.
        "OpenResource" => t(
            "open_resources",
            &[
                "organizations",
                "resource_occupations",
                "memberships",
                "alliances",
                "regions",
            ],
        ),
        "ResourceOccupation" => t("resource_occupations", &[]),
        _ => None,
    }
}

/// Object types that are values of their parent's row and read nothing of their own.
const VALUES: &[&str] = &["PageInfo", "Schedule", "Location"];

/// The tags of what `data`, the answer to `doc`, read.
pub fn read(registry: &Registry, doc: &ExecutableDocument, data: &Value) -> Vec<String> {
    let mut tags = BTreeSet::new();
    answer::walk(registry, doc, OperationType::Query, data, &mut |seen| {
        let output = seen.output;
        let abstract_type = match registry.types.get(output) {
            Some(MetaType::Object { .. }) => false,
            Some(MetaType::Interface { .. } | MetaType::Union { .. }) => true,
            // A scalar or enum is its parent's; at the root it is computed from anything.
            Some(_) if !seen.root => return,
            _ => {
                tags.insert("*".to_owned());
                return;
            }
        };
        if VALUES.contains(&output) {
            return;
        }
        if let Some(node) = output
            .strip_suffix("Connection")
            .or_else(|| output.strip_suffix("Edge"))
        {
            whole(&mut tags, node);
            return;
        }
        // Below the root, a single object of a described type is a relation of its parent's
        // row (a foreign key); at the root, one asked for by its key alone.
        let by_key = !seen.root
            || answer::argument_names(seen.field).all(|a| matches!(a, "id" | "ids" | "code"));
        let any = |tags: &mut BTreeSet<String>| match abstract_type {
            true => drop(tags.insert("*".to_owned())),
            false => whole(tags, output),
        };
        match seen.value {
            Value::List(items) if seen.root && seen.field.name.node == "nodes" => {
                for item in items {
                    if !pin(&mut tags, item, output, abstract_type) {
                        any(&mut tags);
                    }
                }
            }
            _ if seen.list => any(&mut tags),
            value => {
                if !(by_key && pin(&mut tags, value, output, abstract_type)) {
                    any(&mut tags);
                }
            }
        }
    });
    tags.into_iter().collect()
}

/// Tags one node by the global ID in its answer (`t:k`, `t:*` and its type's joins); false when
/// it has none of a described type (or, for a concrete `output`, of another type).
fn pin(tags: &mut BTreeSet<String>, value: &Value, output: &str, abstract_type: bool) -> bool {
    let Value::Object(object) = value else {
        return false;
    };
    let Some(Value::String(id)) = object.get("id") else {
        return false;
    };
    let Some((kind, key)) = crate::domain::kernel::ids::NodeKey::parts(id) else {
        return false;
    };
    let Some(tables) = tables(&kind).filter(|_| abstract_type || kind == output) else {
        return false;
    };
    tags.insert(format!("{}:{key}", tables.own));
    tags.insert(format!("{}:*", tables.own));
    for join in tables.joins {
        tags.insert((*join).to_owned());
    }
    true
}

/// A type as a whole: its table and its joins; `*` for a type not described.
fn whole(tags: &mut BTreeSet<String>, type_name: &str) {
    match tables(type_name) {
        Some(tables) => {
            tags.insert(tables.own.to_owned());
            for join in tables.joins {
                tags.insert((*join).to_owned());
            }
        }
        None => {
            tags.insert("*".to_owned());
        }
    }
}

/// The tags `written` bumps.
pub fn written(written: &[Written]) -> Vec<String> {
    let mut tags = BTreeSet::new();
    if written.is_empty() {
        return Vec::new();
    }
    tags.insert("*".to_owned());
    for w in written {
        tags.insert(w.table.clone());
        if w.added_only {
            continue;
        }
        let key_column = key_column_of(&w.table);
        match w.only.iter().find(|(column, _)| column == key_column) {
            Some((_, key)) => tags.insert(format!("{}:{key}", w.table)),
            None => tags.insert(format!("{}:*", w.table)),
        };
    }
    tags.into_iter().collect()
}

/// The types [`tables`] describes.
const DESCRIBED: &[&str] = &[
    "Region",
    "Alliance",
    "Organization",
    "Membership",
    "Demand",
    "Occupation",
    "OpenResource",
    "ResourceOccupation",
];

/// The column a table's global IDs carry (`id` for the tables no type here owns).
fn key_column_of(table: &str) -> &'static str {
    DESCRIBED
        .iter()
        .filter_map(|t| tables(t))
        .find(|t| t.own == table)
        .map_or("id", |t| t.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_bump_their_rows_or_their_table() {
        let update = Written {
            table: "demands".into(),
            only: vec![("id".into(), "7".into()), ("version".into(), "2".into())],
            added_only: false,
        };
        let insert = Written {
            table: "demand_alliances".into(),
            only: vec![],
            added_only: true,
        };
        let everything = Written {
            table: "occupations".into(),
            only: vec![("name".into(), "x".into())],
            added_only: false,
        };
        assert_eq!(
            written(&[update, insert, everything]),
            [
                "*",
                "demand_alliances",
                "demands",
                "demands:7",
                "occupations",
                "occupations:*"
            ]
        );
        assert!(
            written(&[]).is_empty(),
            "a mutation that wrote nothing bumps nothing"
        );
    }

    #[test]
    fn a_table_is_keyed_as_its_global_ids_are() {
        assert_eq!(key_column_of("occupations"), "code");
        assert_eq!(key_column_of("demands"), "id");
        assert_eq!(key_column_of("audit_events"), "id");
        for t in DESCRIBED {
            assert!(tables(t).is_some(), "{t} is described");
        }
    }
}
