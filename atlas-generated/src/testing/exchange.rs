//! What the kit's servers and transports share about one exchange: which operation and API
//! version a request calls, the request as a test reads it back, faults to answer with,
//! and Atlas's error body.

use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::dynamic::find_route;
use crate::runtime::json::{DecodeError, Json, from_slice};
use crate::runtime::{Endpoint, OperationInfo};

/// A request a [`FakeAtlas`](super::FakeAtlas) or a [`Mock`](super::Mock) received, for
/// assertions.
#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    /// The operation its method and path call, when one does.
    pub operation: Option<&'static OperationInfo>,
    /// The API version its `Accept` header names (`2024-08-05`, `preview`).
    pub version: Option<String>,
    /// Its path parameters, percent-decoded, by the names the spec gives them.
    pub path_params: Map<String, Value>,
    /// The method.
    pub method: Method,
    /// The path, percent-encoded as sent.
    pub path: String,
    /// The query string, without `?`.
    pub query: Option<String>,
    /// The headers as sent, `Authorization` included.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl ReceivedRequest {
    /// Reads `request`: its operation from its method and path, its version from `Accept`.
    pub(crate) fn read(request: &http::request::Parts, body: Bytes) -> ReceivedRequest {
        let route = find_route(request.method.as_str(), request.uri.path());
        let (operation, path_params) = match route {
            Some(route) => (Some(route.operation), route.path),
            None => (None, Map::new()),
        };
        ReceivedRequest {
            operation,
            version: api_version(&request.headers),
            path_params,
            method: request.method.clone(),
            path: request.uri.path().to_owned(),
            query: request.uri.query().map(str::to_owned),
            headers: request.headers.clone(),
            body,
        }
    }

    /// Whether it calls the operation and version of `E`.
    #[must_use]
    pub fn is<E: Endpoint>(&self) -> bool {
        self.operation_id() == Some(E::OPERATION_ID) && self.version.as_deref() == Some(E::VERSION)
    }

    /// The `operationId` of the operation it calls.
    #[must_use]
    pub fn operation_id(&self) -> Option<&'static str> {
        self.operation.map(|op| op.operation_id)
    }

    /// A path parameter, as text.
    #[must_use]
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params.get(name).and_then(Value::as_str)
    }

    /// A query parameter, percent-decoded.
    #[must_use]
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query
            .as_deref()
            .and_then(|query| query_value(query, name))
    }

    /// The body as JSON, if it is JSON.
    #[must_use]
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body decoded as a `T` (the operation's request body type).
    ///
    /// # Errors
    ///
    /// Where the body is not a `T`.
    pub fn body_as<T: Json>(&self) -> Result<T, DecodeError> {
        from_slice(&self.body)
    }
}

/// The API version an `Accept` header asks for: `application/vnd.atlas.2024-08-05+json` is
/// `2024-08-05`.
pub(crate) fn api_version(headers: &HeaderMap) -> Option<String> {
    let accept = headers.get(ACCEPT)?.to_str().ok()?;
    accept.split(',').find_map(|media| {
        let rest = media.trim().strip_prefix("application/vnd.atlas.")?;
        let (version, _format) = rest.split_once('+')?;
        Some(version.to_owned())
    })
}

/// The value of `name` in a query string, percent-decoded.
pub(crate) fn query_value(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| {
            let value = value.replace('+', " ");
            percent_encoding::percent_decode_str(&value)
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

/// A failure to answer with instead of the answer, as Atlas and the networks before it
/// fail.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// `429 Too Many Requests` with `Retry-After` in whole seconds, in Atlas's error shape
    /// (`RATE_LIMITED`).
    RateLimited {
        /// The `Retry-After` header's value.
        retry_after: Duration,
    },
    /// `503 Service Unavailable` with an HTML page, as a load balancer answers.
    Unavailable,
    /// The connection is closed before any answer.
    Reset,
    /// The answer comes after this long.
    Slow(Duration),
}

impl Fault {
    /// The answer the fault is, for the faults that are one.
    pub(crate) fn answer(&self) -> Option<http::Response<Bytes>> {
        match self {
            Fault::RateLimited { retry_after } => {
                let mut response = api_error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "RATE_LIMITED",
                    "Resource rate limit exceeded; retry later.",
                );
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(retry_after.as_secs().max(1)));
                Some(response)
            }
            Fault::Unavailable => {
                let mut response = http::Response::new(Bytes::from_static(
                    b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
                ));
                *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                response
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
                Some(response)
            }
            Fault::Reset | Fault::Slow(_) => None,
        }
    }
}

/// An answer in Atlas's error shape: `{"error": 404, "errorCode": …, "detail": …,
/// "reason": "Not Found", "parameters": []}`.
pub(crate) fn api_error(status: StatusCode, code: &str, detail: &str) -> http::Response<Bytes> {
    let body = json!({
        "error": status.as_u16(),
        "errorCode": code,
        "detail": detail,
        "reason": status.canonical_reason().unwrap_or_default(),
        "parameters": [],
    });
    json_answer(status, &body, "application/json")
}

/// A JSON answer with its media type.
pub(crate) fn json_answer(
    status: StatusCode,
    body: &Value,
    media_type: &str,
) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::from(body.to_string()));
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(media_type) {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response
}
