//! Cost-based rate limits: every caller has a budget of cost points that refills at a steady
//! rate, and each request is charged the cost [`crate::graphql::cost`] computed for it before it
//! runs. A token bucket, kept in the process ([`MemoryLimiter`]) or in Redis ([`RedisLimiter`],
//! one atomic script on Redis's clock, so every instance draws on the same budget).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures_util::future::BoxFuture;

use crate::redis_link::RedisLink;

/// A caller's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The most points a caller can hold (a full bucket).
    pub maximum: u64,
    /// Points restored per second.
    pub restore_per_second: u64,
}

/// What charging a request came to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Charge {
    /// Whether the request may run (its cost was taken).
    pub allowed: bool,
    /// Points left after the charge (or, refused, the points there are).
    pub available: u64,
    /// When refused, how long until the cost is available.
    pub retry_after: Duration,
}

impl Charge {
    fn of(allowed: bool, available: f64, cost: u64, budget: Budget) -> Self {
        let missing = (cost as f64 - available).max(0.0);
        let retry_after = if allowed || budget.restore_per_second == 0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(missing / budget.restore_per_second as f64)
        };
        Self {
            allowed,
            available: available.max(0.0).floor() as u64,
            retry_after,
        }
    }
}

/// Keeps the buckets.
pub trait RateLimiter: Send + Sync + 'static {
    /// Takes `cost` points from `key`'s bucket if it holds them; an error when the store is out
    /// of reach (the caller fails open or closed, as configured).
    fn charge<'a>(
        &'a self,
        key: &'a str,
        cost: u64,
        budget: Budget,
    ) -> BoxFuture<'a, Result<Charge, String>>;
}

/// Buckets in the process.
#[derive(Default)]
pub struct MemoryLimiter(Mutex<HashMap<String, (f64, Instant)>>);

/// Buckets kept before full ones are forgotten (a full bucket is the same as none).
const MAX_BUCKETS: usize = 100_000;

impl RateLimiter for MemoryLimiter {
    fn charge<'a>(
        &'a self,
        key: &'a str,
        cost: u64,
        budget: Budget,
    ) -> BoxFuture<'a, Result<Charge, String>> {
        let charge = (|| {
            let mut buckets = self.0.lock().map_err(|_| "poisoned".to_owned())?;
            let now = Instant::now();
            let refill = |(available, at): (f64, Instant)| {
                let elapsed = now.saturating_duration_since(at).as_secs_f64();
                (available + elapsed * budget.restore_per_second as f64).min(budget.maximum as f64)
            };
            if buckets.len() >= MAX_BUCKETS {
                buckets.retain(|_, bucket| refill(*bucket) < budget.maximum as f64);
            }
            let bucket = buckets
                .entry(key.to_owned())
                .or_insert((budget.maximum as f64, now));
            let available = refill(*bucket);
            let allowed = cost as f64 <= available;
            let left = if allowed {
                available - cost as f64
            } else {
                available
            };
            *bucket = (left, now);
            Ok(Charge::of(allowed, left, cost, budget))
        })();
        Box::pin(async move { charge })
    }
}

/// Buckets in Redis, `{prefix}rl:{key}`, shared by every instance.
pub struct RedisLimiter {
    link: Arc<RedisLink>,
    script: redis::Script,
}

/// Refill by Redis's clock, then take the cost if it is there; one atomic step.
const BUCKET: &str = r"
local maximum = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000
local bucket = redis.call('HMGET', KEYS[1], 'a', 't')
local available = tonumber(bucket[1]) or maximum
local at = tonumber(bucket[2]) or now
available = math.min(maximum, available + math.max(0, now - at) * rate)
local allowed = 0
if cost <= available then
  available = available - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'a', tostring(available), 't', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(maximum / math.max(rate, 1)) + 1)
return {allowed, tostring(available)}
";

impl RedisLimiter {
    /// Buckets over `link`.
    pub fn new(link: Arc<RedisLink>) -> Self {
        Self {
            link,
            script: redis::Script::new(BUCKET),
        }
    }
}

impl RateLimiter for RedisLimiter {
    fn charge<'a>(
        &'a self,
        key: &'a str,
        cost: u64,
        budget: Budget,
    ) -> BoxFuture<'a, Result<Charge, String>> {
        Box::pin(async move {
            let mut conn = self
                .link
                .connection()
                .await
                .ok_or_else(|| "Redis is out of reach".to_owned())?;
            let (allowed, available): (i64, String) = self
                .script
                .key(self.link.key(&format!("rl:{key}")))
                .arg(budget.maximum)
                .arg(budget.restore_per_second)
                .arg(cost)
                .invoke_async(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
            let available: f64 = available.parse().map_err(|_| "a bad bucket".to_owned())?;
            Ok(Charge::of(allowed == 1, available, cost, budget))
        })
    }
}

/// A pace of attempts: `burst` at once, then one every `every_seconds` (a bucket of
/// `burst × every_seconds` points restored at one a second, an attempt costing `every_seconds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// Attempts allowed at once.
    pub burst: u64,
    /// Seconds that restore one attempt.
    pub every_seconds: u64,
}

impl Pace {
    fn budget(self) -> Budget {
        Budget {
            maximum: self.burst.max(1) * self.every_seconds.max(1),
            restore_per_second: 1,
        }
    }
}

/// The budgets of certificate verification, which every instance draws on alike (the rate
/// limiter's store: Redis when configured). They hold whether or not the general rate limit is
/// on, and a store out of reach refuses (fail closed): enumerating certificates or guessing a
/// holder must cost real time.
#[derive(Clone)]
pub struct VerificationBudgets {
    /// Where the buckets are.
    pub limiter: Arc<dyn RateLimiter>,
    /// Lookups by number, per client address.
    pub lookups: Pace,
    /// Holder checks, per client address.
    pub holder_checks: Pace,
    /// Holder checks, per certificate number (from every address together).
    pub holder_checks_per_number: Pace,
}

impl VerificationBudgets {
    /// The default paces over buckets kept in this process.
    pub fn in_process() -> Self {
        Self {
            limiter: Arc::new(MemoryLimiter::default()),
            lookups: Pace {
                burst: 30,
                every_seconds: 2,
            },
            holder_checks: Pace {
                burst: 5,
                every_seconds: 60,
            },
            holder_checks_per_number: Pace {
                burst: 5,
                every_seconds: 600,
            },
        }
    }

    /// Takes one attempt from `key`'s bucket at `pace`; `what` names the budget in a refusal.
    async fn take(&self, key: &str, pace: Pace, what: &str) -> crate::error::AppResult<()> {
        use crate::error::AppError;
        let budget = pace.budget();
        let cost = pace.every_seconds.max(1);
        let charge = self.limiter.charge(key, cost, budget).await.map_err(|cause| {
            tracing::warn!(error = %cause, "the verification budgets are out of reach; refusing");
            AppError::Throttled {
                message: "the verification budget cannot be checked just now; retry shortly"
                    .to_owned(),
                retry_after: 1,
            }
        })?;
        if charge.allowed {
            return Ok(());
        }
        let retry_after = charge.retry_after.as_secs_f64().ceil().max(1.0) as u64;
        Err(AppError::Throttled {
            message: format!(
                "{what}: {} allowed at once, then one every {} s; retry in {retry_after} s",
                pace.burst, pace.every_seconds
            ),
            retry_after,
        })
    }

    /// Charges one lookup by number to the client's address.
    pub async fn lookup(&self, address: Option<std::net::IpAddr>) -> crate::error::AppResult<()> {
        self.take(
            &format!("verify:lookup:{}", address_key(address)),
            self.lookups,
            "too many certificate lookups from this address",
        )
        .await
    }

    /// Charges one holder check to the client's address, then to the number (an address over
    /// its budget spends nothing of the number's).
    pub async fn holder_check(
        &self,
        address: Option<std::net::IpAddr>,
        number: &str,
    ) -> crate::error::AppResult<()> {
        self.take(
            &format!("verify:holder:{}", address_key(address)),
            self.holder_checks,
            "too many holder checks from this address",
        )
        .await?;
        self.take(
            &format!("verify:number:{number}"),
            self.holder_checks_per_number,
            "too many holder checks of this certificate",
        )
        .await
    }
}

/// The bucket key of an address: IPv6 by its /64 (one host holds a whole /64), `local` for an
/// in-process caller.
fn address_key(address: Option<std::net::IpAddr>) -> String {
    match address.map(|a| a.to_canonical()) {
        Some(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(v4) => v4.to_string(),
        None => "local".to_owned(),
    }
}

/// The rate limits of a deployment.
#[derive(Clone)]
pub struct RateLimits {
    /// Where the buckets are.
    pub limiter: Arc<dyn RateLimiter>,
    /// The budget of a caller without a token (by client address).
    pub anonymous: Budget,
    /// The budget of a caller with a token (by its subject), unless its role has its own.
    pub authenticated: Budget,
    /// Budgets of particular roles (a bureau's reports may need more than a portal).
    pub by_role: HashMap<crate::auth::Role, Budget>,
    /// Refuse requests (rather than let them run) when the buckets are out of reach.
    pub fail_closed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_bucket_lends_its_points_and_refills_at_its_rate() {
        let limiter = MemoryLimiter::default();
        let budget = Budget {
            maximum: 100,
            restore_per_second: 1000,
        };
        let first = limiter.charge("a", 60, budget).await.expect("charge");
        assert!(first.allowed);
        assert_eq!(first.available, 40);
        let refused = limiter.charge("a", 60, budget).await.expect("charge");
        assert!(!refused.allowed);
        assert!(
            refused.retry_after > Duration::ZERO
                && refused.retry_after <= Duration::from_millis(21)
        );
        // Another caller has a budget of its own.
        assert!(
            limiter
                .charge("b", 100, budget)
                .await
                .expect("charge")
                .allowed
        );
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert!(
            limiter
                .charge("a", 60, budget)
                .await
                .expect("charge")
                .allowed
        );
        // More than a full bucket never runs.
        assert!(
            !limiter
                .charge("c", 101, budget)
                .await
                .expect("charge")
                .allowed
        );
    }
}
