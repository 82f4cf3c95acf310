//! What a request may cost, decided before anything runs.
//!
//! Every selected field costs its weight (1, or more for fields that run statements per row:
//! suggestions, aggregates, personal data), and a list multiplies what it holds: a connection by
//! its `first` or `last` (the default page size when neither is given), any other list by
//! [`LIST_FACTOR`]. So `alliances(first: 20) { members(first: 20) { … } }` costs 20 × 20 times
//! what one member costs, where counting fields alone would say 2. Fragments count where they are
//! spread. Besides the cost, a document may have only so many tokens (counted before it is
//! parsed), aliases, directives (per field and in all) and root fields.
//!
//! A request over any limit is refused with `QUERY_TOO_COMPLEX` (the computed cost and the
//! maximum in `extensions`) before it executes; the cost of every accepted request is put in its
//! [`RequestCost`] for the HTTP layer (the rate limit will charge it).

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
};

use async_graphql::{
    Name, Positioned, ServerError, Variables,
    parser::types::{
        ExecutableDocument, FragmentDefinition, OperationType, Selection, SelectionSet,
    },
    registry::{MetaType, MetaTypeName, Registry},
};

use crate::domain::read::page::DEFAULT_PAGE_SIZE;

/// What a short list of a row is taken to hold (its alliances, its reasons).
pub const LIST_FACTOR: u64 = 5;

/// What a list of rows without a cap of their own is taken to hold (a demand's
/// recommendations, a learner's certificates): a full page.
pub const UNCAPPED_LIST: u64 = crate::domain::read::page::MAX_PAGE_SIZE;

/// The limits on a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CostLimits {
    /// The highest cost a request may have.
    pub max_cost: u64,
    /// The most tokens a document may have.
    pub max_tokens: usize,
    /// The most bytes a document may have (comments and white space count here, not as tokens).
    pub max_document_bytes: usize,
    /// The most aliased fields.
    pub max_aliases: usize,
    /// The most directives in a document.
    pub max_directives: usize,
    /// The most directives on one field.
    pub max_directives_per_field: usize,
    /// The most fields at the root of an operation.
    pub max_root_fields: usize,
}

impl Default for CostLimits {
    fn default() -> Self {
        Self {
            max_cost: 1_000_000,
            max_tokens: 10_000,
            max_document_bytes: 64 << 10,
            max_aliases: 64,
            max_directives: 64,
            max_directives_per_field: 4,
            max_root_fields: 32,
        }
    }
}

/// The weight of one field of a type (a resolver that runs statements of its own per row weighs
/// more than one that reads a loaded column).
fn weight(type_name: &str, field: &str) -> u64 {
    match (type_name, field) {
        (_, "personalData") => 20,
        ("Learner", "jobSuggestions") | ("TrainingIntention", "suggestions") => 50,
        (
            _,
            "placementRates"
            | "skillsBalance"
            | "certificateStats"
            | "intentionDemand"
            | "recommendationBacklog"
            | "followUpsDue"
            | "evaluationMap",
        ) => 200,
        (_, "totalCount") => 5,
        // Four grouped statements over every hit of a search.
        ("SearchResults", "facets") => 20,
        _ => 1,
    }
}

/// Counts the tokens of a document the way a GraphQL lexer would, without building anything: a
/// name, a number, a string, or a punctuator is one token. Commas, white space and comments are
/// not tokens.
pub fn count_tokens(query: &str, stop_after: usize) -> usize {
    let bytes = query.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < bytes.len() && n <= stop_after {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                n += 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'.' if bytes.get(i..i + 3) == Some(b"...") => {
                n += 1;
                i += 3;
            }
            _ if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' => {
                n += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'.' | b'-'))
                {
                    i += 1;
                }
            }
            _ => {
                n += 1;
                i += 1;
            }
        }
    }
    n
}

/// The cost of a request, shared with the HTTP layer.
#[derive(Debug, Clone, Default)]
pub struct RequestCost(pub Arc<AtomicU64>);

impl RequestCost {
    /// The computed cost (0 until the document is checked).
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn set(&self, cost: u64) {
        self.0.store(cost, Ordering::Relaxed);
    }
}

/// How many operations a socket may run at once; in the connection's data, read by the
/// schema's extension when an operation starts.
#[derive(Debug, Clone)]
pub struct OperationBudget {
    running: Arc<AtomicUsize>,
    most: usize,
}

/// One running operation, counted until it is dropped.
pub struct OperationPermit(Arc<AtomicUsize>);

impl OperationBudget {
    /// Room for `most` operations at once.
    pub fn new(most: usize) -> Self {
        Self {
            running: Arc::default(),
            most,
        }
    }

    /// A permit for one more operation, if the socket has room.
    pub fn take(&self) -> Option<OperationPermit> {
        let mut now = self.running.load(Ordering::Acquire);
        loop {
            if now >= self.most {
                return None;
            }
            match self
                .running
                .compare_exchange(now, now + 1, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Some(OperationPermit(self.running.clone())),
                Err(seen) => now = seen,
            }
        }
    }

    /// The most operations at once.
    pub fn most(&self) -> usize {
        self.most
    }
}

impl Drop for OperationPermit {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What a document was found to hold.
#[derive(Debug, Default)]
struct Tally {
    aliases: usize,
    /// The most representations one `_entities` was given.
    most_ids: u64,
    directives: usize,
    most_directives_on_a_field: usize,
}

struct Walker<'a> {
    registry: &'a Registry,
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    variables: &'a Variables,
    tally: Tally,
    depth: usize,
    /// The page size of the connection whose selection is being walked.
    page: u64,
    /// Fragment costs by name and page context.
    memo: HashMap<(Name, u64), u64>,
    /// Fragments being walked (a cycle stops here).
    active: std::collections::HashSet<Name>,
}

impl Walker<'_> {
    /// The page size a connection field asks for.
    fn page_size(&self, field: &async_graphql::parser::types::Field) -> u64 {
        for name in ["first", "last"] {
            if let Some(value) = field.get_argument(name) {
                let value = value
                    .node
                    .clone()
                    .into_const_with(|v| {
                        Ok::<_, std::convert::Infallible>(
                            self.variables.get(&v).cloned().unwrap_or_default(),
                        )
                    })
                    .ok();
                if let Some(async_graphql::Value::Number(n)) = value {
                    return n.as_u64().unwrap_or(0);
                }
            }
        }
        DEFAULT_PAGE_SIZE
    }

    /// How many items a plain list may hold: as many as the IDs or representations it is given,
    /// the domain's cap where the rows have one, [`UNCAPPED_LIST`] for rows without one, and
    /// [`LIST_FACTOR`] for the short lists of a row (its alliances, reasons, permissions).
    fn list_bound(&mut self, type_name: &str, field: &async_graphql::parser::types::Field) -> u64 {
        use crate::domain::{
            certification, subsidies,
            training::{cohorts, resources},
        };
        let name = field.name.node.as_str();
        let cap = |n: usize| n as u64;
        match (type_name, name) {
            (_, "nodes") if type_name == self.registry.query_type => self.list_length(field, "ids"),
            (_, "_entities") => {
                let n = self.list_length(field, "representations");
                self.tally.most_ids = self.tally.most_ids.max(n);
                n
            }
            ("Organization", "resourceList") => cap(resources::MAX_ITEMS),
            (_, "suggest") if type_name == self.registry.query_type => {
                crate::domain::search::suggest::MAX_SUGGESTIONS
            }
            ("Cohort", "classDays") | ("EnrollmentAttendance", "days" | "online") => {
                cap(cohorts::MAX_CLASS_DAYS)
            }
            ("SubsidyClaim", "lines") => cap(subsidies::MAX_LINES),
            ("AssessmentSession", "candidates") => certification::MAX_CAPACITY as u64,
            ("Demand", "recommendations" | "cohorts")
            | ("Cohort", "demands")
            | ("Enrollment", "followUps")
            | ("Learner", "certificates" | "recommendations" | "followUps")
            | ("SubsidySupervision", "rows")
            | ("CatalogueReview", "items" | "providers") => UNCAPPED_LIST,
            _ => LIST_FACTOR,
        }
    }

    /// The length of a list argument (a variable's or a literal's), at least 1.
    fn list_length(&self, field: &async_graphql::parser::types::Field, argument: &str) -> u64 {
        let value = field.get_argument(argument).and_then(|value| {
            value
                .node
                .clone()
                .into_const_with(|v| {
                    Ok::<_, std::convert::Infallible>(
                        self.variables.get(&v).cloned().unwrap_or_default(),
                    )
                })
                .ok()
        });
        match value {
            Some(async_graphql::Value::List(items)) => (items.len() as u64).max(1),
            _ => 1,
        }
    }

    fn selection_set(&mut self, type_name: &str, set: &SelectionSet) -> u64 {
        // Fragments are acyclic once validated, but the cost walk runs first: stop deep nesting.
        self.depth += 1;
        if self.depth > 64 {
            self.depth -= 1;
            return u64::MAX / 4;
        }
        let mut total: u64 = 0;
        for selection in &set.items {
            let cost = match &selection.node {
                Selection::Field(field) => self.field(type_name, &field.node),
                Selection::InlineFragment(fragment) => {
                    self.directives(fragment.node.directives.len());
                    let on = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map(|t| t.node.on.node.to_string())
                        .unwrap_or_else(|| type_name.to_owned());
                    self.selection_set(&on, &fragment.node.selection_set.node)
                }
                Selection::FragmentSpread(spread) => {
                    self.directives(spread.node.directives.len());
                    self.fragment(&spread.node.fragment_name.node)
                }
            };
            total = total.saturating_add(cost);
        }
        self.depth -= 1;
        total
    }

    /// A fragment's cost, walked once per page context however often it is spread (so fragments
    /// that spread each other many times cost the walk nothing extra); a fragment spread inside
    /// itself costs 0 here and is refused by validation.
    fn fragment(&mut self, name: &Name) -> u64 {
        let key = (name.clone(), self.page);
        if let Some(cost) = self.memo.get(&key) {
            return *cost;
        }
        let Some(fragment) = self.fragments.get(name) else {
            return 0;
        };
        if !self.active.insert(name.clone()) {
            return 0;
        }
        let on = fragment.node.type_condition.node.on.node.to_string();
        let cost = self.selection_set(&on, &fragment.node.selection_set.node);
        self.active.remove(name);
        self.memo.insert(key, cost);
        cost
    }

    fn directives(&mut self, n: usize) {
        self.tally.directives += n;
        self.tally.most_directives_on_a_field = self.tally.most_directives_on_a_field.max(n);
    }

    fn field(&mut self, type_name: &str, field: &async_graphql::parser::types::Field) -> u64 {
        if field.alias.is_some() {
            self.tally.aliases += 1;
        }
        self.directives(field.directives.len());
        let name = field.name.node.as_str();
        let meta = self
            .registry
            .types
            .get(type_name)
            .and_then(|t: &MetaType| t.field_by_name(name));
        let base = weight(type_name, name);
        let Some(meta) = meta else {
            // Unknown here (introspection, or a field validation will refuse): its children only.
            let inner = self.selection_set(type_name, &field.selection_set.node);
            return base.saturating_add(inner);
        };
        let child_type = MetaTypeName::concrete_typename(&meta.ty).to_owned();
        // A connection's page is what its `nodes` and `edges` hold; its other fields (the count,
        // the page info) are there once.
        let outer_page = self.page;
        if child_type.ends_with("Connection") {
            self.page = self.page_size(field).max(1);
        }
        let children = if field.selection_set.node.items.is_empty() {
            0
        } else {
            self.selection_set(&child_type, &field.selection_set.node)
        };
        self.page = outer_page;
        let factor = if type_name.ends_with("Connection") && matches!(name, "nodes" | "edges") {
            outer_page
        } else if child_type.ends_with("Connection") {
            1
        } else if meta.ty.starts_with('[') {
            self.list_bound(type_name, field)
        } else {
            1
        };
        base.saturating_add(factor.saturating_mul(children))
    }
}

/// What an answer actually cost: the weight of every field it holds, each item of a list
/// counted (a page of 3 where 20 were asked for costs what 3 cost). Shopify's
/// `actualQueryCost`; at most the requested cost, less when lists came back short.
pub fn actual(
    registry: &Registry,
    doc: &ExecutableDocument,
    kind: OperationType,
    data: &async_graphql::Value,
) -> u64 {
    let mut total: u64 = 0;
    super::answer::walk(registry, doc, kind, data, &mut |seen| {
        total = total.saturating_add(weight(seen.parent, seen.field.name.node.as_str()));
    });
    total
}

/// Checks a document against the limits and returns its cost, or the refusal.
pub fn check(
    registry: &Registry,
    doc: &ExecutableDocument,
    variables: &Variables,
    limits: &CostLimits,
    slot: Option<&RequestCost>,
) -> Result<u64, ServerError> {
    let mut walker = Walker {
        registry,
        fragments: &doc.fragments,
        variables,
        tally: Tally::default(),
        depth: 0,
        page: 1,
        memo: HashMap::new(),
        active: std::collections::HashSet::new(),
    };
    let mut cost: u64 = 0;
    for (_, operation) in doc.operations.iter() {
        let op = &operation.node;
        let root = match op.ty {
            OperationType::Query => registry.query_type.clone(),
            OperationType::Mutation => registry.mutation_type.clone().unwrap_or_default(),
            OperationType::Subscription => registry.subscription_type.clone().unwrap_or_default(),
        };
        walker.directives(op.directives.len());
        let roots = op.selection_set.node.items.len();
        if roots > limits.max_root_fields {
            return Err(refusal(
                format!(
                    "the operation has {roots} root fields, more than the {} allowed",
                    limits.max_root_fields
                ),
                None,
                limits,
            ));
        }
        cost = cost.max(walker.selection_set(&root, &op.selection_set.node));
    }
    for fragment in doc.fragments.values() {
        walker.directives(fragment.node.directives.len());
    }
    let tally = &walker.tally;
    if tally.aliases > limits.max_aliases {
        return Err(refusal(
            format!(
                "the document has {} aliases, more than the {} allowed",
                tally.aliases, limits.max_aliases
            ),
            None,
            limits,
        ));
    }
    if tally.most_ids > crate::graphql::ids::MOST_IDS as u64 {
        return Err(refusal(
            format!(
                "representations: {} at once, more than the {} allowed",
                tally.most_ids,
                crate::graphql::ids::MOST_IDS
            ),
            None,
            limits,
        ));
    }
    if tally.most_directives_on_a_field > limits.max_directives_per_field {
        return Err(refusal(
            format!(
                "a field carries {} directives, more than the {} allowed",
                tally.most_directives_on_a_field, limits.max_directives_per_field
            ),
            None,
            limits,
        ));
    }
    if tally.directives > limits.max_directives {
        return Err(refusal(
            format!(
                "the document has {} directives, more than the {} allowed",
                tally.directives, limits.max_directives
            ),
            None,
            limits,
        ));
    }
    if let Some(slot) = slot {
        slot.set(cost);
    }
    if cost > limits.max_cost {
        return Err(refusal(
            format!(
                "the query costs {cost}, more than the maximum of {}; ask for smaller pages or fewer nested lists",
                limits.max_cost
            ),
            Some(cost),
            limits,
        ));
    }
    Ok(cost)
}

/// A refusal before execution: `QUERY_TOO_COMPLEX`, with the cost when it was computed.
pub fn refusal(message: String, cost: Option<u64>, limits: &CostLimits) -> ServerError {
    let mut err = crate::error::ErrorCode::QueryTooComplex.error(message);
    let ext = err.extensions.get_or_insert_with(Default::default);
    if let Some(cost) = cost {
        ext.set("cost", cost);
    }
    ext.set("maximumCost", limits.max_cost);
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_counted_like_a_lexer() {
        assert_eq!(count_tokens("{ a }", 100), 3);
        assert_eq!(
            count_tokens(
                "query Q($x: Int = 1) { a(b: \"c d\") @skip(if: true) }",
                100
            ),
            25
        );
        assert_eq!(count_tokens("# only a comment\n", 100), 0);
        assert_eq!(count_tokens("{ ...F }", 100), 4);
        // Counting stops past the limit: a huge document costs little to refuse.
        assert!(count_tokens(&"{ a ".repeat(1_000_000), 10) <= 11);
    }
}
