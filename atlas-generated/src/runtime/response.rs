//! Interpreting responses without doing any I/O.

use std::fmt;

use http::HeaderMap;
use http::header::CONTENT_TYPE;

use super::correction::{Corrected, collecting, correcting, strictly};
use super::json::{DecodeError, Json, from_slice};
use super::limits;
use super::request::BuildError;

/// What a response turned out to be when it is not the declared success.
pub enum ResponseError<E> {
    /// The server answered with an error status and a body that decoded as the
    /// declared error type.
    Api {
        /// The HTTP status code.
        status: u16,
        /// The decoded error body.
        error: E,
    },
    /// A body that did not decode: the raw bytes are kept, with the reason.
    Undecodable {
        /// The HTTP status code.
        status: u16,
        /// The body as received.
        body: Vec<u8>,
        /// Why it did not decode.
        error: DecodeError,
    },
    /// A status the operation does not declare, outside 2xx.
    UnexpectedStatus {
        /// The HTTP status code.
        status: u16,
        /// The body as received.
        body: Vec<u8>,
    },
}

impl<E> ResponseError<E> {
    /// The HTTP status code of the response.
    #[inline]
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            ResponseError::Api { status, .. }
            | ResponseError::Undecodable { status, .. }
            | ResponseError::UnexpectedStatus { status, .. } => *status,
        }
    }
}

/// Longest part of an unexpected body shown by `Display`.
const PREVIEW_CHARS: usize = 200;

/// Longest part of a body shown by `Debug`.
const DEBUG_CHARS: usize = 1_000;

/// A body as `Debug` shows it: as text (lossily decoded, cut at [`DEBUG_CHARS`]) with its
/// length, not as a list of byte values.
struct BodyText<'b>(&'b [u8]);

impl fmt::Debug for BodyText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(self.0);
        let shown: String = text.chars().take(DEBUG_CHARS).collect();
        let cut = if shown.len() < text.len() { "…" } else { "" };
        write!(f, "{shown:?}{cut} ({} bytes)", self.0.len())
    }
}

impl<E: fmt::Debug> fmt::Debug for ResponseError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::Api { status, error } => f
                .debug_struct("Api")
                .field("status", status)
                .field("error", error)
                .finish(),
            ResponseError::Undecodable {
                status,
                body,
                error,
            } => f
                .debug_struct("Undecodable")
                .field("status", status)
                .field("body", &BodyText(body))
                .field("error", error)
                .finish(),
            ResponseError::UnexpectedStatus { status, body } => f
                .debug_struct("UnexpectedStatus")
                .field("status", status)
                .field("body", &BodyText(body))
                .finish(),
        }
    }
}

impl<E: fmt::Debug> fmt::Display for ResponseError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::Api { status, error } => {
                write!(f, "the server answered {status}: {error:?}")
            }
            ResponseError::Undecodable { status, error, .. } => {
                write!(
                    f,
                    "the response body (status {status}) did not decode: {error}"
                )
            }
            ResponseError::UnexpectedStatus { status, body } => {
                write!(f, "unexpected status {status}")?;
                if !body.is_empty() {
                    let text = String::from_utf8_lossy(body);
                    let mut preview: String = text.chars().take(PREVIEW_CHARS).collect();
                    if preview.len() < text.len() {
                        preview.push('…');
                    }
                    write!(f, ": {preview}")?;
                }
                Ok(())
            }
        }
    }
}

impl<E: fmt::Debug> std::error::Error for ResponseError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ResponseError::Undecodable { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// A non-JSON payload (gzip logs, CSV invoices) with its media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bytes {
    /// The media type of `body`, from the response's `Content-Type` when it has one.
    pub media_type: String,
    /// The payload as received.
    pub body: Vec<u8>,
}

/// A success the spec declares without a body.
///
/// Atlas sometimes sends one anyway (`{}` with the `202` of `deleteGroupCluster`); it is
/// kept, so that nothing the server sent is lost.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NoContent {
    /// The body the server sent, if any: its JSON value, or its text as a JSON string
    /// when it is not JSON.
    pub body: Option<serde_json::Value>,
}

/// Interprets the body of a success declared without one: empty (or only white
/// space) is `None`.
///
/// A body nested too deep or too costly to hold as a `Value` (see
/// [`limits`]) is kept as text, like one that is not JSON.
#[inline]
#[must_use]
pub fn decode_no_content(body: &[u8]) -> NoContent {
    if body.iter().all(u8::is_ascii_whitespace) {
        return NoContent { body: None };
    }
    let as_text = || serde_json::Value::String(String::from_utf8_lossy(body).into_owned());
    let value = if limits::fits(body.len(), limits::scan(body, limits::MAX_DEPTH)) {
        serde_json::from_slice(body).unwrap_or_else(|_| as_text())
    } else {
        as_text()
    };
    NoContent { body: Some(value) }
}

/// Decodes a JSON response body as a `T`, filling missing required fields with zero
/// values (see [`correction`](super::correction)).
///
/// # Errors
///
/// [`ResponseError::Undecodable`], with a copy of `body`, when it is not
/// JSON or not a `T`.
#[inline]
pub fn decode_json<T: Json, E>(status: u16, body: &[u8]) -> Result<T, ResponseError<E>> {
    correcting(status, || from_slice(body)).map_err(|error| ResponseError::Undecodable {
        status,
        body: body.to_vec(),
        error,
    })
}

/// Interprets an error response: [`ResponseError::Api`] when `body` decodes as
/// an `E` (missing required fields filled as in [`decode_json`]),
/// [`ResponseError::Undecodable`] otherwise.
#[inline]
#[must_use]
pub fn decode_error<E: Json>(status: u16, body: &[u8]) -> ResponseError<E> {
    match correcting(status, || from_slice(body)) {
        Ok(error) => ResponseError::Api { status, error },
        Err(error) => ResponseError::Undecodable {
            status,
            body: body.to_vec(),
            error,
        },
    }
}

/// Keeps a non-JSON body with its media type: the response's `Content-Type`
/// when present and readable, `default_media_type` otherwise.
#[inline]
#[must_use]
pub fn bytes_body(headers: &HeaderMap, default_media_type: &str, body: &[u8]) -> Bytes {
    let media_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or(default_media_type);
    Bytes {
        media_type: media_type.to_owned(),
        body: body.to_vec(),
    }
}

/// One operation in one API version. Generated code implements it once per
/// (operation, version) pair.
pub trait Endpoint {
    /// The operation's `operationId` in the specification.
    const OPERATION_ID: &'static str;
    /// The short name of the operation (its `x-xgen-operation-id-override`
    /// when there is one, otherwise its `operationId`).
    const SHORT_NAME: &'static str;
    /// The HTTP method.
    const METHOD: http::Method;
    /// The path template, such as `/api/atlas/v2/groups/{groupId}/clusters`.
    const PATH: &'static str;
    /// The API version: a date such as `2024-10-23`, or `preview`.
    const VERSION: &'static str;
    /// What a successful response decodes to.
    type Success;
    /// What a declared error response decodes to.
    type Error;

    /// Builds the request against the default base URL, `https://cloud.mongodb.com`.
    ///
    /// # Errors
    ///
    /// A [`BuildError`] when a parameter cannot be sent (an empty path
    /// parameter, a header value with control characters).
    fn to_request(&self) -> Result<http::Request<Vec<u8>>, BuildError> {
        self.to_request_with_base(super::request::DEFAULT_BASE_URL)
    }

    /// Builds the request against `base`, a scheme and authority with an optional path
    /// prefix (`https://cloud.mongodbgov.com`, `http://127.0.0.1:8080/atlas`).
    ///
    /// # Errors
    ///
    /// A [`BuildError`] when a parameter cannot be sent, or `base` does not make a URI.
    fn to_request_with_base(&self, base: &str) -> Result<http::Request<Vec<u8>>, BuildError>;

    /// Interprets a response to this operation.
    ///
    /// A required field the body lacks takes its zero value, is remembered by its
    /// struct's `filled`, and is logged as a `tracing` warning (see
    /// [`correction`](super::correction)); the rest of the body decodes as usual.
    ///
    /// # Errors
    ///
    /// A [`ResponseError`] when the response is not the declared success.
    fn decode_response(
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self::Success, ResponseError<Self::Error>>;

    /// Like [`decode_response`](Self::decode_response), but a missing required field is
    /// an error, as the spec says: for tests that hold the server to its contract.
    ///
    /// # Errors
    ///
    /// A [`ResponseError`] when the response is not the declared success, or lacks a
    /// required field.
    fn decode_response_strict(
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self::Success, ResponseError<Self::Error>> {
        strictly(|| Self::decode_response(status, headers, body))
    }

    /// Like [`decode_response`](Self::decode_response), also listing the required
    /// fields that were missing and filled with zero values.
    ///
    /// # Errors
    ///
    /// A [`ResponseError`] when the response is not the declared success.
    fn decode_response_corrected(
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Corrected<Self::Success>, ResponseError<Self::Error>> {
        let (result, corrections) = collecting(|| Self::decode_response(status, headers, body));
        result.map(|value| Corrected { value, corrections })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::json::{DecodeError, Path, object, required};
    use crate::runtime::request::RequestBuilder;
    use http::HeaderValue;
    use serde_json::{Value, json};

    #[derive(Debug, PartialEq)]
    struct ApiError {
        error: i32,
        detail: String,
    }

    impl Json for ApiError {
        fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
            let mut map = object(value, path)?;
            Ok(ApiError {
                error: required(&mut map, "error", path)?,
                detail: required(&mut map, "detail", path)?,
            })
        }
        fn to_json(&self) -> Value {
            json!({"error": self.error, "detail": self.detail})
        }
    }

    #[test]
    fn decode_json_success_and_failure() {
        let value: Vec<i32> = decode_json::<_, ApiError>(200, b"[1,2]").unwrap();
        assert_eq!(value, vec![1, 2]);

        let error = decode_json::<Vec<i32>, ApiError>(200, b"[1,\"x\"]").unwrap_err();
        let ResponseError::Undecodable {
            status,
            body,
            error,
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(*status, 200);
        assert_eq!(body, b"[1,\"x\"]");
        assert_eq!(error.path(), "$[1]");

        let error = decode_json::<Vec<i32>, ApiError>(201, b"<html>").unwrap_err();
        assert_eq!(error.status(), 201);
        assert!(
            error.to_string().starts_with(
                "the response body (status 201) did not decode: at `$`: invalid JSON: "
            )
        );
        assert!(std::error::Error::source(&error).is_some());
    }

    #[test]
    fn decode_error_api_or_undecodable() {
        let body = br#"{"error":404,"detail":"No group","reason":"Not Found"}"#;
        let error = decode_error::<ApiError>(404, body);
        let ResponseError::Api { status, error: api } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(*status, 404);
        assert_eq!(
            api,
            &ApiError {
                error: 404,
                detail: "No group".to_owned()
            }
        );
        assert_eq!(
            error.to_string(),
            "the server answered 404: ApiError { error: 404, detail: \"No group\" }"
        );
        assert!(std::error::Error::source(&error).is_none());

        let error = decode_error::<ApiError>(502, b"Bad Gateway");
        let ResponseError::Undecodable { status, body, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!((*status, body.as_slice()), (502, b"Bad Gateway".as_slice()));

        let error = decode_error::<ApiError>(400, br#"{"error":400}"#);
        let ResponseError::Undecodable { error: reason, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(reason.message(), "missing required field `detail`");
    }

    #[test]
    fn unexpected_status_display() {
        let error: ResponseError<ApiError> = ResponseError::UnexpectedStatus {
            status: 418,
            body: b"teapot".to_vec(),
        };
        assert_eq!(error.status(), 418);
        assert_eq!(error.to_string(), "unexpected status 418: teapot");
        let error: ResponseError<ApiError> = ResponseError::UnexpectedStatus {
            status: 500,
            body: Vec::new(),
        };
        assert_eq!(error.to_string(), "unexpected status 500");
        let error: ResponseError<ApiError> = ResponseError::UnexpectedStatus {
            status: 500,
            body: "é".repeat(300).into_bytes(),
        };
        assert_eq!(
            error.to_string(),
            format!("unexpected status 500: {}…", "é".repeat(200))
        );
    }

    #[test]
    fn debug_shows_bodies_as_text() {
        let error =
            decode_json::<ApiError, ApiError>(502, b"<html>Bad gateway</html>").unwrap_err();
        let shown = format!("{error:?}");
        assert!(
            shown.starts_with(
                r#"Undecodable { status: 502, body: "<html>Bad gateway</html>" (24 bytes), error: "#
            ),
            "{shown}"
        );
        let long: ResponseError<ApiError> = ResponseError::UnexpectedStatus {
            status: 503,
            body: vec![b'x'; 5_000],
        };
        let shown = format!("{long:?}");
        assert!(
            shown.contains(&format!("\"{}\"… (5000 bytes)", "x".repeat(1_000))),
            "{shown}"
        );
    }

    #[test]
    fn bytes_bodies() {
        let mut headers = HeaderMap::new();
        let plain = bytes_body(
            &headers,
            "application/vnd.atlas.2023-01-01+gzip",
            b"\x1f\x8b",
        );
        assert_eq!(
            plain,
            Bytes {
                media_type: "application/vnd.atlas.2023-01-01+gzip".to_owned(),
                body: vec![0x1f, 0x8b],
            }
        );
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        let csv = bytes_body(&headers, "application/vnd.atlas.2023-01-01+csv", b"a,b\n");
        assert_eq!(csv.media_type, "text/csv; charset=utf-8");
        assert_eq!(csv.body, b"a,b\n");
        headers.insert(CONTENT_TYPE, HeaderValue::from_bytes(b"caf\xe9").unwrap());
        assert_eq!(bytes_body(&headers, "x/y", b"").media_type, "x/y");
    }

    /// A hand-written endpoint standing in for a generated one.
    struct GetGroup {
        group_id: String,
    }

    impl Endpoint for GetGroup {
        const OPERATION_ID: &'static str = "getProject";
        const SHORT_NAME: &'static str = "getGroup";
        const METHOD: http::Method = http::Method::GET;
        const PATH: &'static str = "/api/atlas/v2/groups/{groupId}";
        const VERSION: &'static str = "2023-01-01";
        type Success = serde_json::Map<String, Value>;
        type Error = ApiError;

        fn to_request_with_base(&self, base: &str) -> Result<http::Request<Vec<u8>>, BuildError> {
            let mut builder =
                RequestBuilder::new(Self::METHOD, "application/vnd.atlas.2023-01-01+json");
            for segment in ["api", "atlas", "v2", "groups"] {
                builder.segment(segment);
            }
            builder.path_param("groupId", &self.group_id)?;
            builder.finish_with_base(base)
        }

        fn decode_response(
            status: u16,
            _headers: &HeaderMap,
            body: &[u8],
        ) -> Result<Self::Success, ResponseError<Self::Error>> {
            match status {
                200 => decode_json(status, body),
                400 | 404 => Err(decode_error(status, body)),
                _ => Err(ResponseError::UnexpectedStatus {
                    status,
                    body: body.to_vec(),
                }),
            }
        }
    }

    #[test]
    fn endpoint_round() {
        let op = GetGroup {
            group_id: "abc".to_owned(),
        };
        let request = op.to_request().unwrap();
        assert_eq!(request.method(), GetGroup::METHOD);
        assert_eq!(
            request.uri().to_string(),
            "https://cloud.mongodb.com/api/atlas/v2/groups/abc"
        );
        let elsewhere = op
            .to_request_with_base("http://127.0.0.1:9/atlas/")
            .unwrap();
        assert_eq!(
            elsewhere.uri().to_string(),
            "http://127.0.0.1:9/atlas/api/atlas/v2/groups/abc"
        );
        let headers = HeaderMap::new();
        let ok = GetGroup::decode_response(200, &headers, br#"{"id":"abc"}"#).unwrap();
        assert_eq!(Value::Object(ok), json!({"id": "abc"}));
        let error =
            GetGroup::decode_response(404, &headers, br#"{"error":404,"detail":"x"}"#).unwrap_err();
        assert!(matches!(error, ResponseError::Api { status: 404, .. }));
        let error = GetGroup::decode_response(503, &headers, b"").unwrap_err();
        assert!(matches!(
            error,
            ResponseError::UnexpectedStatus { status: 503, .. }
        ));
        assert!(
            GetGroup {
                group_id: String::new()
            }
            .to_request()
            .is_err()
        );
    }
}
