//! How much of the pool one request may hold, and how much all anonymous requests together.
//!
//! A request's statements run in two kinds of places: resolver bodies (a root field's list, a
//! count, a check) and the loaders' batches (one statement for a level's keys). Each request gets
//! its own [`RequestShare`]: a few *turns* for bodies and a few for batches, so however many
//! fields it selects and however many batches its levels split into, it holds at most
//! `request` connections at once and waits for its own turns beyond that. Anonymous requests
//! also draw on one [`PoolGate`]-wide share of `public` connections, so a flood of them leaves
//! the rest of the pool to signed-in callers; an anonymous body that cannot get a turn within
//! the acquire timeout is `SERVICE_UNAVAILABLE`, like a pool that ran dry. Bodies and batches
//! have separate turns because a body waits for batches (a resolver awaiting a loader) and a
//! batch never waits for a body: no request can deadlock on its own share.
//!
//! The share is in the request's task ([`sharing`]) and carried into the batches it spawns
//! ([`super::carry`]); outside a request (the command line, the seeds, a test that calls the
//! domain directly) nothing is gated.

use std::{
    future::Future,
    ops::Deref,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use sea_orm::DatabaseConnection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{AppError, AppResult};

/// Turns for bodies and for batches.
#[derive(Debug)]
struct Turns {
    bodies: Arc<Semaphore>,
    batches: Arc<Semaphore>,
    /// Connections held now, and the most held at once.
    held: AtomicUsize,
    peak: AtomicUsize,
}

impl Turns {
    /// `connections` split between bodies and batches (at least one each).
    fn new(connections: usize) -> Arc<Self> {
        let bodies = (connections / 2).max(1);
        let batches = connections.saturating_sub(bodies).max(1);
        Arc::new(Self {
            bodies: Arc::new(Semaphore::new(bodies)),
            batches: Arc::new(Semaphore::new(batches)),
            held: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        })
    }

    fn took(self: &Arc<Self>, permit: OwnedSemaphorePermit) -> Held {
        let now = self.held.fetch_add(1, Ordering::AcqRel) + 1;
        self.peak.fetch_max(now, Ordering::AcqRel);
        Held {
            turns: self.clone(),
            _permit: permit,
        }
    }
}

/// One turn, given back when dropped.
struct Held {
    turns: Arc<Turns>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.turns.held.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The pool's shares: what one request may hold, and the turns all anonymous requests share.
#[derive(Debug, Clone)]
pub struct PoolGate {
    request: usize,
    public: Arc<Turns>,
    wait: Duration,
}

impl PoolGate {
    /// A gate over a pool of `max_connections`: a request holds at most `request_percent` of
    /// it, all anonymous requests together at most `public_percent` (each at least 2: one body
    /// and one batch); an anonymous body waits `wait` for a turn at most.
    pub fn new(
        max_connections: u32,
        request_percent: u8,
        public_percent: u8,
        wait: Duration,
    ) -> Self {
        let part = |percent: u8| (max_connections as usize * usize::from(percent) / 100).max(2);
        Self {
            request: part(request_percent),
            public: Turns::new(part(public_percent)),
            wait,
        }
    }

    /// The share of one request (`anonymous` ones also draw on the public turns).
    pub fn share(&self, anonymous: bool) -> RequestShare {
        RequestShare {
            own: Turns::new(self.request),
            public: anonymous.then(|| self.public.clone()),
            wait: self.wait,
        }
    }

    /// The most connections anonymous requests held at once since the gate was made.
    pub fn public_peak(&self) -> usize {
        self.public.peak.load(Ordering::Acquire)
    }
}

/// One request's turns.
#[derive(Debug, Clone)]
pub struct RequestShare {
    own: Arc<Turns>,
    public: Option<Arc<Turns>>,
    wait: Duration,
}

impl RequestShare {
    /// The most connections this request held at once.
    pub fn peak(&self) -> usize {
        self.own.peak.load(Ordering::Acquire)
    }
}

tokio::task_local! {
    static SHARE: RequestShare;
}

/// Runs `work` (a request) within `share`.
pub async fn sharing<F: Future>(share: RequestShare, work: F) -> F::Output {
    SHARE.scope(share, work).await
}

/// Runs `stream` (an operation over a socket) within `share`: every poll sees it, so its
/// resolvers take turns and the batches it spawns carry it, as a request's do.
pub fn sharing_stream<S: futures_util::Stream + Unpin>(
    share: RequestShare,
    mut stream: S,
) -> impl futures_util::Stream<Item = S::Item> {
    futures_util::stream::poll_fn(move |cx| {
        SHARE.sync_scope(share.clone(), || {
            futures_util::StreamExt::poll_next_unpin(&mut stream, cx)
        })
    })
}

/// `work` (a loader's batch), run on a batch turn of the request whose task spawns it.
pub(super) fn batch_of_this_request<F: Future>(work: F) -> impl Future<Output = F::Output> {
    let share = SHARE.try_with(Clone::clone).ok();
    async move {
        let Some(share) = share else {
            return work.await;
        };
        // Never refused: the loader's waiters expect an answer, and the request's own timeout
        // bounds the wait. The request's own turn first, so no public turn is held waiting.
        let own = share.own.batches.clone().acquire_owned().await.ok();
        let own = own.map(|p| share.own.took(p));
        let public = match &share.public {
            Some(public) => public
                .batches
                .clone()
                .acquire_owned()
                .await
                .ok()
                .map(|p| public.took(p)),
            None => None,
        };
        let output = SHARE.scope(share, work).await;
        drop((own, public));
        output
    }
}

/// The pool, handed to resolvers a turn at a time: [`Gated::turn`] waits for one of the
/// request's body turns (and, anonymous, a public one) and lends the connection pool for as
/// long as the turn is held. Hold it for one domain call, not across awaits on other fields.
#[derive(Clone, Debug)]
pub struct Gated(DatabaseConnection);

impl Gated {
    /// The gate over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self(db)
    }

    /// The pool without a turn: for loaders (their batches take turns of their own) and work
    /// outside any request.
    pub fn ungated(&self) -> &DatabaseConnection {
        &self.0
    }

    /// A turn on the pool.
    pub async fn turn(&self) -> AppResult<Turn<'_>> {
        let Ok(share) = SHARE.try_with(Clone::clone) else {
            return Ok(Turn {
                db: &self.0,
                _held: None,
            });
        };
        let own = share
            .own
            .bodies
            .clone()
            .acquire_owned()
            .await
            .map_err(AppError::internal)?;
        let own = share.own.took(own);
        let public = match &share.public {
            Some(public) => {
                let permit =
                    tokio::time::timeout(share.wait, public.bodies.clone().acquire_owned())
                        .await
                        .map_err(|_| {
                            AppError::Unavailable(
                                "anonymous requests hold their whole share of the pool".into(),
                            )
                        })?
                        .map_err(AppError::internal)?;
                Some(public.took(permit))
            }
            None => None,
        };
        Ok(Turn {
            db: &self.0,
            _held: Some((own, public)),
        })
    }
}

/// The pool, lent for one turn.
pub struct Turn<'a> {
    db: &'a DatabaseConnection,
    _held: Option<(Held, Option<Held>)>,
}

impl Deref for Turn<'_> {
    type Target = DatabaseConnection;

    fn deref(&self) -> &DatabaseConnection {
        self.db
    }
}
