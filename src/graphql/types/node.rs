use async_graphql::{ID, Interface};

use super::{Alliance, Membership, Occupation, Organization, Region};

/// An object with a global ID (the Relay `Node` interface). Any node can be fetched again with
/// `node(id:)`.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "The global ID: opaque, stable, unique across types."
))]
pub enum Node {
    /// A region.
    Region(Region),
    /// An alliance.
    Alliance(Alliance),
    /// An organization.
    Organization(Organization),
    /// A membership.
    Membership(Membership),
    /// An occupation.
    Occupation(Occupation),
}
