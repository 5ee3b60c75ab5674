//! What an answer says beside its body: its status, its headers, and Atlas's rate-limit
//! headers as numbers ([`Client::send_with_meta`](super::Client::send_with_meta)).

use std::fmt;

use http::HeaderMap;

/// A decoded answer, with what the answer said beside its body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WithMeta<T> {
    /// What [`Client::send`](super::Client::send) returns.
    pub value: T,
    /// The answer's status and headers.
    pub meta: ResponseMeta,
}

/// The status and headers of the answer a call ended with (after its retries).
#[derive(Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status.
    pub status: u16,
    /// Every header of the answer.
    pub headers: HeaderMap,
    /// `RateLimit-Limit` and `RateLimit-Remaining`, when the answer has either.
    pub rate_limit: Option<RateLimit>,
}

impl ResponseMeta {
    pub(crate) fn new(status: u16, headers: HeaderMap) -> ResponseMeta {
        ResponseMeta {
            status,
            rate_limit: RateLimit::from_headers(&headers),
            headers,
        }
    }
}

/// Shows the headers' names, not their values: a header can carry a session.
impl fmt::Debug for ResponseMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(|k| k.as_str()).collect();
        f.debug_struct("ResponseMeta")
            .field("status", &self.status)
            .field("headers", &names)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

/// Atlas's rate-limit headers, which the spec declares on 518 responses: how many
/// requests the current window allows, and how many are left in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `RateLimit-Limit`: the most requests the window allows.
    pub limit: Option<u64>,
    /// `RateLimit-Remaining`: the requests left in the window.
    pub remaining: Option<u64>,
}

impl RateLimit {
    /// The two headers of `headers` as numbers (the leading integer of each value, which
    /// also reads the IETF draft's `100;w=60`); `None` when neither is there.
    #[must_use]
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        let number = |name: &str| {
            let text = headers.get(name)?.to_str().ok()?.trim();
            let digits = text.split(|c: char| !c.is_ascii_digit()).next()?;
            digits.parse::<u64>().ok()
        };
        let limit = number("ratelimit-limit");
        let remaining = number("ratelimit-remaining");
        (limit.is_some() || remaining.is_some()).then_some(RateLimit { limit, remaining })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_headers_read_as_numbers() {
        let mut headers = HeaderMap::new();
        assert_eq!(RateLimit::from_headers(&headers), None);
        headers.insert("RateLimit-Limit", "100".parse().unwrap());
        headers.insert("RateLimit-Remaining", " 7;w=60".parse().unwrap());
        assert_eq!(
            RateLimit::from_headers(&headers),
            Some(RateLimit {
                limit: Some(100),
                remaining: Some(7)
            })
        );
        headers.insert("RateLimit-Remaining", "many".parse().unwrap());
        assert_eq!(
            RateLimit::from_headers(&headers).unwrap().remaining,
            None,
            "a value that is not a number is not read as one"
        );
        let mut secret = HeaderMap::new();
        secret.insert("set-cookie", "session=do-not-print".parse().unwrap());
        let meta = ResponseMeta::new(200, secret);
        assert!(!format!("{meta:?}").contains("do-not-print"));
    }
}
