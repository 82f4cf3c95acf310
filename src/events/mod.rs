//! Events for subscriptions, behind one small trait so the broker can change without touching
//! resolvers: [`InProcessBroker`] inside one server process (the embedded default), and
//! [`RedisBroker`] for several instances behind a load balancer, which hear each other's events
//! through Redis.

mod redis;

pub use self::redis::RedisBroker;

use futures_util::{StreamExt, stream::BoxStream};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

/// Something subscribers may want to hear about. Events carry ids, never personal data (they
/// cross Redis as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Event {
    /// A demand was opened (published).
    DemandOpened {
        /// The demand.
        demand_id: i32,
        /// The alliances it is posted to.
        alliance_ids: Vec<i32>,
        /// Its occupation code.
        occupation_code: String,
    },
    /// A cohort was formed (PLANNED).
    CohortPlanned {
        /// The cohort.
        cohort_id: i32,
    },
    /// A provider published a new version of its open-resource list.
    ResourceListPublished {
        /// The provider.
        provider_id: i32,
        /// The alliances the provider belongs to.
        alliance_ids: Vec<i32>,
        /// The new items.
        resource_ids: Vec<i32>,
    },
    /// The division tree changed (a region added, renamed, moved or retired): every instance
    /// forgets the regions it holds in memory.
    RegionsChanged,
    /// An industry was added or renamed: every instance forgets the industries it holds in
    /// memory.
    IndustriesChanged,
}

/// Publishes events and hands out streams of them.
pub trait EventBroker: Send + Sync + 'static {
    /// Sends an event to every current subscriber; with none, it is dropped.
    fn publish(&self, event: Event);
    /// Every event published from now on.
    fn subscribe(&self) -> BoxStream<'static, Event>;
    /// What the broker shares events through and whether that works now, for `/readyz`:
    /// `("in-process", true)`, or `("redis", false)` while Redis is out of reach (events then
    /// reach this instance's subscribers only).
    fn status(&self) -> (&'static str, bool) {
        ("in-process", true)
    }
}

/// A broker inside one server process.
pub struct InProcessBroker {
    pub(super) sender: broadcast::Sender<Event>,
}

impl InProcessBroker {
    /// A broker that buffers up to `capacity` events for a slow subscriber; one further behind
    /// skips what it missed (and the skip is logged).
    pub fn new(capacity: usize) -> Self {
        Self {
            sender: broadcast::channel(capacity).0,
        }
    }
}

impl Default for InProcessBroker {
    fn default() -> Self {
        Self::new(1024)
    }
}

impl EventBroker for InProcessBroker {
    fn publish(&self, event: Event) {
        // An error only means nobody is listening.
        let _ = self.sender.send(event);
    }

    fn subscribe(&self) -> BoxStream<'static, Event> {
        BroadcastStream::new(self.sender.subscribe())
            .filter_map(|item| async move {
                match item {
                    Ok(event) => Some(event),
                    Err(skipped) => {
                        tracing::warn!(error = %skipped, "a subscriber fell behind and skipped events");
                        None
                    }
                }
            })
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn subscribers_hear_what_is_published_after_they_subscribe() {
        let broker = InProcessBroker::new(8);
        broker.publish(Event::DemandOpened {
            demand_id: 0,
            alliance_ids: vec![],
            occupation_code: "x".into(),
        });
        let mut stream = broker.subscribe();
        let event = Event::DemandOpened {
            demand_id: 1,
            alliance_ids: vec![2],
            occupation_code: "6-18-02-04".into(),
        };
        broker.publish(event.clone());
        assert_eq!(stream.next().await, Some(event));
    }
}
