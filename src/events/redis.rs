//! Events shared by every instance through Redis pub/sub.
//!
//! Each instance publishes on one channel, `{prefix}events`, from one task (so its events keep
//! their order), and reads the channel on one subscription of its own, which hands each message
//! to the instance's local subscribers: an event opened on any instance reaches each subscriber of
//! every instance once, its own included (they hear it back from Redis, never twice).
//!
//! Redis out of reach changes nothing but the reach: while the subscription is down, an instance
//! delivers its own events to its local subscribers directly, keeps publishing where it can, and
//! reconnects (backing off to 5 s) and resumes; a publication that fails is delivered locally and
//! logged. Nothing waits on Redis in a request.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use futures_util::{StreamExt, stream::BoxStream};
use redis::{AsyncCommands, Client};
use tokio::sync::{broadcast, mpsc, watch};

use super::{Event, EventBroker, InProcessBroker};
use crate::redis_link::RedisLink;

/// How long a connection attempt or a command may take before Redis counts as out of reach.
const TIMEOUT: Duration = Duration::from_secs(1);
/// The longest wait between attempts to subscribe again.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// Events waiting to be published; beyond, they are delivered locally only.
const OUTBOX: usize = 1024;

/// A broker over Redis pub/sub, shared by the instances that use the same Redis and prefix.
pub struct RedisBroker {
    local: InProcessBroker,
    outbox: mpsc::Sender<Event>,
    /// Whether this instance's subscription to the channel is live.
    subscribed: watch::Receiver<bool>,
    /// Kept so the tasks stop when the broker is dropped.
    _stop: broadcast::Sender<()>,
}

impl RedisBroker {
    /// A broker on the Redis at `url` with channel `{prefix}events` ([`Self::over`] a link of
    /// its own). Only a malformed URL is an error.
    pub fn start(url: &str, prefix: &str) -> redis::RedisResult<Self> {
        Ok(Self::over(Arc::new(RedisLink::new(url, prefix)?)))
    }

    /// A broker publishing over `link` on `{prefix}events`. It starts its publishing and
    /// subscribing tasks at once and returns without waiting for Redis: an unreachable Redis is
    /// retried in the background.
    pub fn over(link: Arc<RedisLink>) -> Self {
        let client = link.client().clone();
        let channel = link.key("events");
        let local = InProcessBroker::default();
        let (outbox, pending) = mpsc::channel(OUTBOX);
        let (live, subscribed) = watch::channel(false);
        let live = Arc::new(live);
        let (stop, _) = broadcast::channel(1);
        let sender = local.sender.clone();
        tokio::spawn(publish_loop(
            link,
            channel.clone(),
            pending,
            sender.clone(),
            subscribed.clone(),
            stop.subscribe(),
        ));
        tokio::spawn(subscribe_loop(
            client,
            channel,
            sender,
            live,
            stop.subscribe(),
        ));
        Self {
            local,
            outbox,
            subscribed,
            _stop: stop,
        }
    }

    /// Waits until this instance's subscription to Redis is live (or `timeout` passes); whether
    /// it is. Events published before then by other instances are not heard here.
    pub async fn wait_subscribed(&self, timeout: Duration) -> bool {
        let mut subscribed = self.subscribed.clone();
        tokio::time::timeout(timeout, subscribed.wait_for(|live| *live))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Whether the subscription to Redis is live now (for readiness: degraded when not).
    pub fn is_subscribed(&self) -> bool {
        *self.subscribed.borrow()
    }
}

impl EventBroker for RedisBroker {
    fn publish(&self, event: Event) {
        if let Err(full) = self.outbox.try_send(event) {
            tracing::warn!("the Redis outbox is full; an event is delivered on this instance only");
            let (mpsc::error::TrySendError::Full(event) | mpsc::error::TrySendError::Closed(event)) =
                full;
            self.local.publish(event);
        }
    }

    fn subscribe(&self) -> BoxStream<'static, Event> {
        self.local.subscribe()
    }

    fn status(&self) -> (&'static str, bool) {
        ("redis", self.is_subscribed())
    }
}

/// Publishes the outbox in order over the shared connection ([`RedisLink`]); an event Redis does
/// not take, or that this instance's subscription cannot hear back, is delivered locally.
async fn publish_loop(
    link: Arc<RedisLink>,
    channel: String,
    mut pending: mpsc::Receiver<Event>,
    local: broadcast::Sender<Event>,
    subscribed: watch::Receiver<bool>,
    mut stop: broadcast::Receiver<()>,
) {
    loop {
        let event = tokio::select! {
            event = pending.recv() => match event {
                Some(event) => event,
                None => return,
            },
            _ = stop.recv() => return,
        };
        let payload = match serde_json::to_string(&event) {
            Ok(payload) => payload,
            Err(err) => {
                tracing::error!(error = %err, "an event could not be written as JSON");
                let _ = local.send(event);
                continue;
            }
        };
        let published = match link.connection().await {
            Some(mut conn) => conn
                .publish::<_, _, i64>(&channel, payload)
                .await
                .map_err(|err| tracing::warn!(error = %err, "publishing an event to Redis failed"))
                .is_ok(),
            None => false,
        };
        // Heard back through the subscription only when both worked.
        if !(published && *subscribed.borrow()) {
            let _ = local.send(event);
        }
    }
}

/// Keeps one subscription to the channel, handing its messages to the local subscribers, and
/// subscribes again (backing off) whenever it ends.
async fn subscribe_loop(
    client: Client,
    channel: String,
    local: broadcast::Sender<Event>,
    live: Arc<watch::Sender<bool>>,
    mut stop: broadcast::Receiver<()>,
) {
    let mut backoff = Duration::from_millis(100);
    let warned = AtomicBool::new(false);
    loop {
        let session = async {
            let mut pubsub = tokio::time::timeout(TIMEOUT, client.get_async_pubsub())
                .await
                .map_err(|_| "connecting timed out".to_owned())?
                .map_err(|e| e.to_string())?;
            pubsub
                .subscribe(&channel)
                .await
                .map_err(|e| e.to_string())?;
            live.send_replace(true);
            if warned.swap(false, Ordering::Relaxed) {
                tracing::info!("subscribed to Redis again");
            }
            let mut messages = pubsub.on_message();
            while let Some(message) = messages.next().await {
                match serde_json::from_slice::<Event>(message.get_payload_bytes()) {
                    Ok(event) => {
                        let _ = local.send(event);
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "an event from Redis could not be read")
                    }
                }
            }
            Ok::<(), String>(())
        };
        let ended = tokio::select! {
            ended = session => ended,
            _ = stop.recv() => return,
        };
        let was_live = live.send_replace(false);
        if was_live {
            backoff = Duration::from_millis(100);
        }
        if !warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(error = ?ended.err(), "the Redis subscription is down; events stay on this instance until it is back");
        }
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            _ = stop.recv() => return,
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}
