//! Pacing requests from Atlas's rate-limit headers ([`ClientBuilder::pace_requests`]), so
//! that a busy program slows down before Atlas answers `429`.
//!
//! Atlas counts requests in token buckets and tells, on each answer, how many the bucket
//! holds (`RateLimit-Limit`) and how many are left (`RateLimit-Remaining`). While more
//! than a quarter is left nothing waits; below that, requests to the same endpoint (its
//! path template) are spaced, more as the bucket empties, up to the time one request's
//! token takes to come back (the window over the limit) when none is left. Each request
//! takes the next slot, so concurrent ones are spaced too.
//!
//! [`ClientBuilder::pace_requests`]: super::ClientBuilder::pace_requests

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use http::HeaderMap;
use tokio::time::Instant;

use super::meta::RateLimit;

/// The most endpoints remembered; past it, those with no wait ahead are forgotten.
const MAX_BUCKETS: usize = 4096;

/// The spacing of requests to each endpoint.
#[derive(Debug)]
pub(crate) struct Pacer {
    window: Duration,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// The time between two requests.
    spacing: Duration,
    /// When the next request may start.
    next: Instant,
}

impl Pacer {
    /// A pacer for limits counted over `window`.
    pub(crate) fn new(window: Duration) -> Self {
        Pacer {
            window,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// When a request to `endpoint` may start; the slot is taken.
    pub(crate) fn slot(&self, endpoint: &str) -> Instant {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(bucket) = buckets.get_mut(endpoint) else {
            return now;
        };
        let at = bucket.next.max(now);
        bucket.next = at + bucket.spacing;
        at
    }

    /// Takes in the rate-limit headers of an answer from `endpoint`.
    pub(crate) fn update(&self, endpoint: &str, headers: &HeaderMap) {
        let Some(limit) = RateLimit::from_headers(headers) else {
            return;
        };
        let spacing = spacing(self.window, limit);
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(endpoint) {
            buckets.retain(|_, b| b.next > now);
            if buckets.len() >= MAX_BUCKETS {
                return;
            }
        }
        let bucket = buckets
            .entry(endpoint.to_owned())
            .or_insert(Bucket { spacing, next: now });
        bucket.spacing = spacing;
    }
}

/// The time between requests when `limit` says what is left of a bucket refilled over
/// `window`: none above a quarter, then growing as it empties to the refill time of one
/// request.
fn spacing(window: Duration, limit: RateLimit) -> Duration {
    let (Some(size), Some(left)) = (limit.limit, limit.remaining) else {
        return Duration::ZERO;
    };
    let size = u128::from(size.max(1));
    let reserve = (size / 4).max(1);
    let left = u128::from(left);
    if left >= reserve {
        return Duration::ZERO;
    }
    let nanos = window.as_nanos() / size * (reserve - left) / reserve;
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(size: u64, left: u64) -> RateLimit {
        RateLimit {
            limit: Some(size),
            remaining: Some(left),
        }
    }

    #[test]
    fn requests_are_spaced_only_as_the_bucket_runs_low() {
        let minute = Duration::from_secs(60);
        assert_eq!(spacing(minute, limit(100, 100)), Duration::ZERO);
        assert_eq!(spacing(minute, limit(100, 25)), Duration::ZERO);
        assert_eq!(spacing(minute, limit(100, 0)), Duration::from_millis(600));
        let half = spacing(minute, limit(100, 12));
        assert!(
            half > Duration::ZERO && half < Duration::from_millis(600),
            "{half:?}"
        );
        assert_eq!(spacing(minute, limit(1, 0)), minute);
        assert_eq!(
            spacing(minute, limit(0, 0)),
            minute,
            "a limit of 0 is taken as 1"
        );
        let unknown = RateLimit {
            limit: None,
            remaining: Some(0),
        };
        assert_eq!(spacing(minute, unknown), Duration::ZERO);
        assert_eq!(spacing(minute, limit(u64::MAX, 0)), Duration::ZERO);
    }
}
