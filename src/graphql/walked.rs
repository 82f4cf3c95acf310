//! The schema's types and fields as the walks before and after execution read them (the cost
//! check, the actual cost, the public cache's tags): async-graphql keeps the registry it builds
//! private, so the schema wrapper builds its own from the same roots.

use async_graphql::{SubscriptionType, registry::Registry};

use super::{MutationRoot, SubscriptionRoot};

/// The types and fields of a schema whose query root is `Q`, for the walks before and after
/// execution.
pub(super) fn registry_of<Q: async_graphql::OutputType>() -> Registry {
    let mut registry = Registry::default();
    <Q as async_graphql::OutputType>::create_type_info(&mut registry);
    <MutationRoot as async_graphql::OutputType>::create_type_info(&mut registry);
    <SubscriptionRoot as SubscriptionType>::create_type_info(&mut registry);
    registry.query_type = <Q as async_graphql::OutputType>::type_name().into_owned();
    registry.mutation_type =
        Some(<MutationRoot as async_graphql::OutputType>::type_name().into_owned());
    registry.subscription_type =
        Some(<SubscriptionRoot as SubscriptionType>::type_name().into_owned());
    registry
}

/// The federation's `_entities(representations: [_Any!]!): [_Entity]!` on the query root, which
/// async-graphql adds only to the schema it builds: the cost walk charges each representation and
/// the actual-cost walk counts each entity. Shaped like `nodes(ids:)`, the field it mirrors.
pub(super) fn add_entities_field(registry: &mut Registry) {
    let query = registry.query_type.clone();
    let Some(async_graphql::registry::MetaType::Object { fields, .. }) =
        registry.types.get_mut(&query)
    else {
        return;
    };
    let Some(mut entities) = fields.get("nodes").cloned() else {
        return;
    };
    let Some(mut representations) = entities.args.get("ids").cloned() else {
        return;
    };
    representations.name = "representations".into();
    representations.ty = "[_Any!]!".into();
    representations.description = None;
    entities.name = "_entities".into();
    entities.ty = "[_Entity]!".into();
    entities.description = None;
    entities.args = [("representations".to_owned(), representations)]
        .into_iter()
        .collect();
    fields.insert("_entities".into(), entities);
}
