//! Global IDs in the schema: the domain's [`NodeKey`] as a GraphQL `ID`.

pub use crate::domain::kernel::ids::{GlobalId, NodeKey};

/// The most IDs one field resolves at once: `nodes(ids:)`, and the representations of the
/// federation's `_entities`.
pub const MOST_IDS: usize = 100;

impl From<GlobalId> for async_graphql::ID {
    fn from(id: GlobalId) -> Self {
        async_graphql::ID(id.0)
    }
}
