//! The network: regions, alliances, organizations, memberships and applications to join, and the
//! register of organizations a bureau imports.

pub mod alliances;
pub mod applications;
pub mod attributes;
pub mod industries;
pub mod memberships;
pub mod organizations;
pub mod regions;
pub mod registry;
