//! Global IDs in the schema: the domain's [`NodeKey`] as a GraphQL `ID`.

pub use crate::domain::ids::{GlobalId, NodeKey};

impl From<GlobalId> for async_graphql::ID {
    fn from(id: GlobalId) -> Self {
        async_graphql::ID(id.0)
    }
}
