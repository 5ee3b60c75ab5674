//! When a failed attempt is tried again, and after how long.
//!
//! Retried: `429 Too Many Requests`, `502`, `503` and `504` (a proxy or an overloaded
//! server), and connections that failed before the request was sent. `POST` and `PATCH`
//! are not idempotent, so they are retried only on `429` (Atlas did not act on the
//! request) or when nothing was sent, unless the caller opts in. The wait is the
//! server's `Retry-After` when it gives one (in seconds or as an HTTP date), otherwise an
//! exponential backoff with full jitter; attempts and the total time are both bounded.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method, header::RETRY_AFTER};

/// How failed attempts are retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) max_elapsed: Duration,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// 4 attempts within 2 minutes, waits from 0.5 s doubling up to 30 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            max_elapsed: Duration::from_secs(120),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries: every failure is returned at once.
    #[must_use]
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// At most `attempts` attempts in all (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// No attempt starts, and no wait is taken, past `elapsed` after the first attempt.
    #[must_use]
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The backoff's first ceiling (doubled each retry) and its largest.
    #[must_use]
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max.max(base);
        self
    }

    /// Also retry `POST` and `PATCH` on `502`, `503` and `504`, which may repeat an
    /// action the server took before failing to answer.
    #[must_use]
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// Whether an answer with `status` to a `method` request is worth another attempt.
    pub(crate) fn retries_status(&self, method: &Method, status: u16) -> bool {
        match status {
            429 => true,
            502..=504 => self.retry_non_idempotent || is_idempotent(method),
            _ => false,
        }
    }

    /// The wait before attempt `attempt + 1` (`attempt` counted from 1): what the answer
    /// (its headers and body) asks for, `Retry-After` or Atlas's rate-limit error, else a
    /// random wait up to the backoff ceiling.
    pub(crate) fn delay(
        &self,
        attempt: u32,
        answer: Option<(&HeaderMap, &[u8])>,
        now: SystemTime,
    ) -> Duration {
        let asked = answer.and_then(|(headers, body)| {
            retry_after(headers, now).or_else(|| rate_limit_wait(body))
        });
        if let Some(wait) = asked {
            return wait;
        }
        let doublings = attempt.saturating_sub(1).min(20);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay);
        ceiling.mul_f64(fastrand::f64())
    }
}

fn is_idempotent(method: &Method) -> bool {
    !matches!(*method, Method::POST | Method::PATCH)
}

/// The wait an Atlas rate-limit error asks for when `Retry-After` is absent: a `429` body
/// whose `errorCode` begins with `RATE_LIMITED` (`RATE_LIMITED_TOKEN_BUCKET`) carries
/// `parameters` `[path, retry-after seconds, capacity, refill rate, refill seconds]`.
/// The seconds may be a number or a numeric string.
pub(crate) fn rate_limit_wait(body: &[u8]) -> Option<Duration> {
    let error: crate::models::ApiError = crate::runtime::from_slice(body).ok()?;
    if !error.error_code()?.starts_with("RATE_LIMITED") {
        return None;
    }
    let seconds = match error.parameters.as_ref()?.get(1)? {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(86_400.0)))
}

/// The wait `Retry-After` asks for: seconds, or an HTTP date (a date past is no wait).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        headers
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = httpdate::parse_http_date("Tue, 01 Dec 2026 10:00:00 GMT").unwrap();
        assert_eq!(
            retry_after(&headers("7"), now),
            Some(Duration::from_secs(7))
        );
        let later = headers("Tue, 01 Dec 2026 10:00:30 GMT");
        assert_eq!(retry_after(&later, now), Some(Duration::from_secs(30)));
        let past = headers("Tue, 01 Dec 2026 09:00:00 GMT");
        assert_eq!(retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn an_atlas_rate_limit_error_says_how_long_to_wait() {
        let body = |code: &str, seconds: serde_json::Value| {
            serde_json::to_vec(&serde_json::json!({
                "error": 429, "errorCode": code, "parameters": ["/path", seconds, 100, 10, 1]
            }))
            .unwrap()
        };
        let token_bucket = "RATE_LIMITED_TOKEN_BUCKET";
        let seven = Some(Duration::from_secs(7));
        assert_eq!(rate_limit_wait(&body(token_bucket, 7.into())), seven);
        assert_eq!(rate_limit_wait(&body(token_bucket, "7".into())), seven);
        assert_eq!(
            rate_limit_wait(&body(token_bucket, 0.5.into())),
            Some(Duration::from_millis(500))
        );
        assert_eq!(rate_limit_wait(&body("RATE_LIMITED", 7.into())), seven);
        // Another error, a negative or missing wait, or no JSON at all: no opinion.
        assert_eq!(rate_limit_wait(&body("CLUSTER_NOT_FOUND", 7.into())), None);
        assert_eq!(rate_limit_wait(&body(token_bucket, (-1).into())), None);
        assert_eq!(rate_limit_wait(br#"{"errorCode":"RATE_LIMITED"}"#), None);
        assert_eq!(rate_limit_wait(b"<html>429</html>"), None);
        // `Retry-After` wins over the body; the body over the backoff.
        let policy = RetryPolicy::default();
        let now = SystemTime::now();
        let limited = body(token_bucket, 7.into());
        assert_eq!(
            policy.delay(1, Some((&headers("3"), &limited)), now),
            Duration::from_secs(3)
        );
        assert_eq!(
            policy.delay(1, Some((&HeaderMap::new(), &limited)), now),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn which_answers_are_retried() {
        let policy = RetryPolicy::default();
        for status in [429, 502, 503, 504] {
            assert!(policy.retries_status(&Method::GET, status), "{status}");
            assert!(policy.retries_status(&Method::DELETE, status), "{status}");
        }
        for status in [200, 400, 401, 404, 409, 500, 501] {
            assert!(!policy.retries_status(&Method::GET, status), "{status}");
        }
        assert!(policy.retries_status(&Method::POST, 429));
        assert!(!policy.retries_status(&Method::POST, 503));
        assert!(!policy.retries_status(&Method::PATCH, 502));
        let bold = RetryPolicy::default().retry_non_idempotent(true);
        assert!(bold.retries_status(&Method::POST, 503));
    }

    #[test]
    fn backoff_has_full_jitter_under_a_doubling_ceiling() {
        let policy =
            RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_secs(1));
        let now = SystemTime::now();
        for attempt in 1..=8 {
            let ceiling =
                Duration::from_millis(100 * (1 << (attempt - 1))).min(Duration::from_secs(1));
            let waits: Vec<Duration> = (0..200).map(|_| policy.delay(attempt, None, now)).collect();
            assert!(waits.iter().all(|w| *w <= ceiling), "attempt {attempt}");
            assert!(
                waits.iter().any(|w| *w < ceiling / 2),
                "jitter spreads waits down"
            );
        }
        // `Retry-After` wins over the backoff.
        assert_eq!(
            policy.delay(1, Some((&headers("3"), b"")), now),
            Duration::from_secs(3)
        );
    }
}
