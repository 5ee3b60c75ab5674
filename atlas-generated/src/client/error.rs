//! What can go wrong when calling Atlas, with what the caller needs to react: the status,
//! Atlas's error body and code, and the raw body when it does not decode.

use std::fmt;

use crate::models::ApiError;
use crate::runtime::{BuildError, Json, Path, ResponseError, from_slice};

/// Why a call failed.
///
/// `Display` names the operation, its method and path template, the status, Atlas's
/// `errorCode` and `detail`: `getGroupCluster GET /api/atlas/v2/groups/{groupId}/clusters/{clusterName}:
/// 404 CLUSTER_NOT_FOUND: No cluster named c0 exists in group 5f…`. No secret ever appears
/// in it.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    operation: Option<Operation>,
    status: Option<u16>,
    api: Option<ApiError>,
    body: Option<Vec<u8>>,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

struct Operation {
    id: &'static str,
    method: http::Method,
    path: &'static str,
}

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client could not be built: a missing environment variable, an unusable base
    /// URL, a secret over plain `http://`.
    Config,
    /// The request could not be built from the operation's parameters.
    Build,
    /// The service account's token could not be obtained or revoked, or a Digest
    /// challenge could not be answered.
    Auth,
    /// The connection failed or broke.
    Transport,
    /// The server did not answer within the timeout.
    Timeout,
    /// Atlas answered with an error status; [`Error::api_error`] has its body when it
    /// is Atlas's error shape.
    Api,
    /// A success whose body is not what the operation declares; [`Error::body`] has it.
    Undecodable,
    /// Retries stopped: attempts or total time ran out, or `Retry-After` asked for longer
    /// than was left. The last status and body are kept.
    RetriesExhausted,
    /// A list's pages did not end within the page limit.
    Pagination,
    /// The answer's body is longer than the client reads
    /// ([`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes)),
    /// or says it is; it was not held.
    TooLarge,
    /// A wait for a long-running operation ended without its work done: a failure state,
    /// the resource gone, or the deadline ([`WaitError`](super::WaitError) has the
    /// details and the resource).
    Wait,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                operation: None,
                status: None,
                api: None,
                body: None,
                message: message.into(),
                source: None,
            }),
        }
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// The status and body of the answer the error is about. The body is taken for
    /// Atlas's error, unless the status is a success, or it is not that shape.
    pub(crate) fn with_status(mut self, status: u16, body: Vec<u8>) -> Self {
        self.inner.status = Some(status);
        if self.inner.api.is_none() && !(200..300).contains(&status) {
            self.inner.api = atlas_error(&body);
        }
        self.inner.body = Some(body);
        self
    }

    /// The status of the answer the error is about, whose body is not kept.
    pub(crate) fn at_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    pub(crate) fn for_operation(
        mut self,
        id: &'static str,
        method: http::Method,
        path: &'static str,
    ) -> Self {
        self.inner.operation = Some(Operation { id, method, path });
        self
    }

    /// An error many callers share (a token fetch they all awaited), told to one: the same
    /// kind, status, body and words, caused by the shared one.
    pub(crate) fn shared(error: &std::sync::Arc<Error>) -> Self {
        let inner = &error.inner;
        let mut out = Error::new(inner.kind, inner.message.clone());
        out.inner.status = inner.status;
        out.inner.api.clone_from(&inner.api);
        out.inner.body.clone_from(&inner.body);
        out.with_source(std::sync::Arc::clone(error))
    }

    /// A redirect, which the client does not follow: the Admin API does not redirect, and
    /// following one would send the request's body and credentials where a server says.
    pub(crate) fn redirect(status: u16, headers: &http::HeaderMap) -> Self {
        let location: String = headers
            .get(http::header::LOCATION)
            .map(|l| {
                String::from_utf8_lossy(l.as_bytes())
                    .chars()
                    .take(SHOWN_BODY_BYTES)
                    .collect()
            })
            .unwrap_or_default();
        Error::new(
            ErrorKind::Api,
            format!("a redirect to `{location}`, which the client does not follow"),
        )
        .at_status(status)
    }

    pub(crate) fn build(error: BuildError) -> Self {
        Error::new(ErrorKind::Build, error.to_string()).with_source(error)
    }

    pub(crate) fn transport(error: reqwest::Error) -> Self {
        let kind = if error.is_timeout() {
            ErrorKind::Timeout
        } else {
            ErrorKind::Transport
        };
        // reqwest's message names the URL, which holds no secret; its causes say what
        // happened, down to the root (connection refused, too many open files, a
        // certificate): each is written once.
        Error::new(kind, with_causes(&error)).with_source(error)
    }

    /// Interprets a [`ResponseError`] of a typed decoding.
    pub(crate) fn response<E: ErrorBody>(error: ResponseError<E>, body: &[u8]) -> Self {
        match error {
            ResponseError::Api { status, error } => {
                let mut out = Error::new(ErrorKind::Api, "Atlas answered with an error");
                out.inner.api = error
                    .into_api_error()
                    .filter(|api| api.error_code().is_some());
                out.with_status(status, body.to_vec())
            }
            ResponseError::UnexpectedStatus { status, body } => {
                Error::new(ErrorKind::Api, "Atlas answered with an undeclared status")
                    .with_status(status, body)
            }
            ResponseError::Undecodable {
                status,
                body,
                error,
            } => {
                let kind = if (200..300).contains(&status) {
                    ErrorKind::Undecodable
                } else {
                    ErrorKind::Api
                };
                Error::new(kind, format!("the body does not decode: {error}"))
                    .with_status(status, body)
                    .with_source(error)
            }
        }
    }

    /// What kind of failure this is.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status Atlas answered with, if it answered.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// Atlas's error body, when the answer was one.
    #[must_use]
    pub fn api_error(&self) -> Option<&ApiError> {
        self.inner.api.as_ref()
    }

    /// Atlas's `errorCode` (`CLUSTER_NOT_FOUND`): what programs should match on.
    #[must_use]
    pub fn error_code(&self) -> Option<&str> {
        self.inner.api.as_ref().and_then(ApiError::error_code)
    }

    /// The body Atlas answered with, as received.
    #[must_use]
    pub fn body(&self) -> Option<&[u8]> {
        self.inner.body.as_deref()
    }

    /// The `operationId` of the call that failed.
    #[must_use]
    pub fn operation_id(&self) -> Option<&'static str> {
        self.inner.operation.as_ref().map(|op| op.id)
    }
}

/// The bytes of a body that is not Atlas's error shape, shown in `Display`.
const SHOWN_BODY_BYTES: usize = 200;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        if let Some(op) = &inner.operation {
            write!(f, "{} {} {}: ", op.id, op.method, op.path)?;
        }
        if let Some(status) = inner.status {
            write!(f, "{status} ")?;
        }
        match &inner.api {
            Some(api) => {
                f.write_str(api.error_code().unwrap_or("(no errorCode)"))?;
                if let Some(detail) = api.detail() {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            None => {
                f.write_str(&inner.message)?;
                // An answer that decoded wrong is told by its decoding error; others (a
                // proxy's page) by the start of their body.
                let shown = inner.body.as_deref().filter(|b| !b.is_empty());
                if let Some(body) = shown.filter(|_| inner.kind != ErrorKind::Undecodable) {
                    let shown = &body[..body.len().min(SHOWN_BODY_BYTES)];
                    let more = if body.len() > shown.len() { "…" } else { "" };
                    write!(f, ": {}{more}", String::from_utf8_lossy(shown).trim())?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Error")
            .field("kind", &inner.kind)
            .field("operation", &inner.operation.as_ref().map(|op| op.id))
            .field("status", &inner.status)
            .field("error_code", &self.error_code())
            .field("message", &self.to_string())
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// `error` and its causes, each written once: reqwest's wrappers often repeat their
/// cause's words.
fn with_causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        let said = next.to_string();
        if !said.is_empty() && !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        cause = next.source();
    }
    text
}

/// Atlas's error in `body`, when it is one: it decodes as [`ApiError`] and has an
/// `errorCode`, which every error Atlas sends has (a proxy's JSON does not).
fn atlas_error(body: &[u8]) -> Option<ApiError> {
    from_slice::<ApiError>(body)
        .ok()
        .filter(|api| api.error_code().is_some())
}

/// An operation's declared error type, as the client reports it.
pub trait ErrorBody {
    /// Atlas's error shape, when the body is one.
    fn into_api_error(self) -> Option<ApiError>;
}

impl ErrorBody for ApiError {
    fn into_api_error(self) -> Option<ApiError> {
        Some(self)
    }
}

impl ErrorBody for serde_json::Value {
    fn into_api_error(self) -> Option<ApiError> {
        ApiError::from_json(self, &Path::Root).ok()
    }
}
