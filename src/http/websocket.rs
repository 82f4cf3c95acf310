//! GraphQL over WebSocket (`graphql-transport-ws`, and the older `graphql-ws`) at `/graphql/ws`.
//! The token travels in the `connection_init` payload, as `{"Authorization": "Bearer …"}` or
//! `{"token": "…"}`; a refused token closes the connection, it never falls back to public.
//!
//! Limits: a message is at most the HTTP body limit; `connection_init` must come within
//! `connection_init_timeout`; a client address has at most `max_sockets_per_address` sockets
//! (429 beyond), a socket at most `max_operations_per_socket` operations running at once; every
//! operation meets the same cost limits as over HTTP; and a socket is closed when its token
//! expires.

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
};

use async_graphql::Data;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    extract::{ConnectInfo, State, WebSocketUpgrade},
    http::StatusCode,
    response::{IntoResponse, Response},
};

use super::{HttpState, auth};
use crate::graphql::cost::OperationBudget;

/// Open sockets per client address.
#[derive(Debug, Default)]
pub struct SocketCount(Mutex<HashMap<IpAddr, usize>>);

/// One open socket, counted until it is dropped.
pub struct SocketSlot {
    count: Arc<SocketCount>,
    ip: IpAddr,
}

impl SocketCount {
    fn take(self: &Arc<Self>, ip: IpAddr, most: usize) -> Option<SocketSlot> {
        let mut open = self.0.lock().ok()?;
        let n = open.entry(ip).or_default();
        if *n >= most {
            return None;
        }
        *n += 1;
        Some(SocketSlot {
            count: self.clone(),
            ip,
        })
    }
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.count.0.lock()
            && let Some(n) = open.get_mut(&self.ip)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// `GET /graphql/ws`.
pub(super) async fn graphql_ws(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let limits = state.limits;
    let Some(slot) = state
        .sockets
        .take(peer.ip(), limits.max_sockets_per_address)
    else {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "too many WebSockets from this address",
        )
            .into_response();
    };
    let schema = state.schema.clone();
    let db = state.db.clone();
    upgrade
        .max_message_size(limits.max_body_bytes)
        .max_frame_size(limits.max_body_bytes)
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let _slot = slot;
            let (initialised, init) = tokio::sync::oneshot::channel();
            let initialised = Arc::new(Mutex::new(Some(initialised)));
            let budget = OperationBudget::new(limits.max_operations_per_socket);
            let serve = GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let header = payload
                        .get("Authorization")
                        .or_else(|| payload.get("authorization"))
                        .and_then(|v| v.as_str())
                        .map(str::to_owned)
                        .or_else(|| {
                            payload
                                .get("token")
                                .and_then(|v| v.as_str())
                                .map(|t| format!("Bearer {t}"))
                        });
                    let (caller, expires) =
                        auth::caller_until(&state, header.as_deref(), None).await?;
                    if let Some(tx) = initialised.lock().ok().and_then(|mut t| t.take()) {
                        let _ = tx.send(expires);
                    }
                    let mut data = Data::default();
                    data.insert(caller);
                    data.insert(budget);
                    // The socket's operations are charged to its caller, or to its address.
                    data.insert(crate::graphql::ClientAddress(peer.ip()));
                    Ok(data)
                })
                .serve();
            let mut serve = std::pin::pin!(serve);
            // Until connection_init: within the timeout, or the socket is closed.
            let expires = tokio::select! {
                () = serve.as_mut() => return,
                init = tokio::time::timeout(limits.connection_init_timeout, init) => match init {
                    Ok(Ok(expires)) => expires,
                    _ => {
                        tracing::debug!(%peer, "a WebSocket sent no connection_init in time");
                        return;
                    }
                },
            };
            // Then until the socket ends, its token expires, or its token is revoked.
            let Some(life) = expires else {
                serve.await;
                return;
            };
            let Ok(left) = life.expires.duration_since(std::time::SystemTime::now()) else {
                return;
            };
            let revoked = async {
                let mut every = tokio::time::interval(limits.revocation_poll);
                every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    every.tick().await;
                    // A database out of reach does not close sockets; the next poll asks again.
                    if matches!(
                        crate::domain::identity::sign_ins::is_revoked(&db, &life.jti).await,
                        Ok(true)
                    ) {
                        return;
                    }
                }
            };
            tokio::select! {
                () = serve.as_mut() => {}
                () = tokio::time::sleep(left) => {
                    tracing::debug!(%peer, "a WebSocket's token expired; closing it");
                }
                () = revoked => {
                    tracing::info!(%peer, "a WebSocket's token was revoked; closing it");
                }
            }
        })
}
