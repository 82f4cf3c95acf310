//! The request stage: what a request carries besides its document (who asks, from where, under
//! which id, by which method, with which cost meter), typed once, so no later stage looks it up
//! in async-graphql's type map.

use std::{any::TypeId, net::IpAddr};

use async_graphql::{Data, Request};

use super::super::{
    context::{ClientAddress, RequestId},
    cost::RequestCost,
};
use crate::auth::{Caller, policy};

/// Marks a request that may only read (`GET`): a mutation or subscription is refused with
/// `METHOD_NOT_ALLOWED`, also when its document came from the persisted-document store.
#[derive(Debug, Clone, Copy)]
pub struct QueriesOnly;

/// What a request carries besides its document.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// Who asks (`None`: no token, public).
    pub caller: Option<Caller>,
    /// The client's address: an anonymous caller's rate-limit key.
    pub peer: Option<IpAddr>,
    /// The request's id, for the logs of its internal errors.
    pub request_id: Option<String>,
    /// Sent with `GET`: queries only.
    pub queries_only: bool,
    /// Where the computed cost is left for the HTTP layer (`x-query-cost`).
    pub cost: Option<RequestCost>,
}

impl RequestMeta {
    /// What `data` carries (a request's, as tests and the HTTP layer give it), completed from a
    /// socket's connection data (over a socket the caller and the peer are the connection's:
    /// each operation is charged to them, as over HTTP, not to one anonymous budget).
    pub fn of(data: &Data, session: Option<&Data>) -> Self {
        let caller = data_of::<Caller>(data)
            .or_else(|| session.and_then(data_of::<Caller>))
            .cloned();
        let peer = data_of::<ClientAddress>(data)
            .or_else(|| session.and_then(data_of::<ClientAddress>))
            .map(|a| a.0);
        Self {
            caller,
            peer,
            request_id: data_of::<RequestId>(data).map(|r| r.0.clone()),
            queries_only: data_of::<QueriesOnly>(data).is_some(),
            cost: data_of::<RequestCost>(data).cloned(),
        }
    }

    /// Whether the caller is anonymous (no caller, or one not signed in).
    pub fn anonymous(&self) -> bool {
        !self
            .caller
            .as_ref()
            .is_some_and(|caller| policy::signed_in(&caller.viewer))
    }

    /// Puts what the resolvers read (the caller, the address, the request id, the method) into
    /// the request's data, where it is not there already.
    pub(super) fn carry_into(&self, request: &mut Request) {
        if let Some(caller) = &self.caller
            && data_of::<Caller>(&request.data).is_none()
        {
            request.data.insert(caller.clone());
        }
        if let Some(peer) = self.peer
            && data_of::<ClientAddress>(&request.data).is_none()
        {
            request.data.insert(ClientAddress(peer));
        }
        if let Some(id) = &self.request_id
            && data_of::<RequestId>(&request.data).is_none()
        {
            request.data.insert(RequestId(id.clone()));
        }
        if self.queries_only && data_of::<QueriesOnly>(&request.data).is_none() {
            request.data.insert(QueriesOnly);
        }
    }
}

/// A value a request or connection carries.
pub(super) fn data_of<T: std::any::Any>(data: &Data) -> Option<&T> {
    data.get(&TypeId::of::<T>())
        .and_then(|value| value.downcast_ref::<T>())
}
