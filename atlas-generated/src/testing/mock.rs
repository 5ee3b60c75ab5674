//! [`Mock`]: a transport that answers by rules, by operation type.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};

use super::exchange::{Fault, ReceivedRequest, api_error};
use crate::client::{Client, Transport, TransportFuture};
use crate::runtime::json::{Json, to_vec};
use crate::runtime::{DEFAULT_BASE_URL, Endpoint, NoContent};

/// Mocks without a server: a [`Transport`] that answers each request by the rule written
/// for its operation type ([`mock`]), with a typed value, an error or a fault. Clones share
/// the rules and the requests received.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), atlas_generated::client::Error> {
/// use atlas_generated::models::Group;
/// use atlas_generated::operations::{GetGroup, DeleteCluster};
/// use atlas_generated::testing::{Mock, mock};
///
/// let group: Group = atlas_generated::runtime::from_slice(
///     br#"{"name": "p1", "orgId": "32b6e34b3d91647abb20e7b8", "clusterCount": 0, "created": "2024-01-01T00:00:00Z"}"#,
/// ).unwrap();
/// let atlas = Mock::new()
///     .with(mock::<GetGroup>().returns(group))
///     .with(mock::<DeleteCluster>().fails(404, "CLUSTER_NOT_FOUND", "No cluster named c0."));
/// let client = atlas.client();
/// let got = client.send(&GetGroup::new("32b6e34b3d91647abb20e7b8")).await?;
/// assert_eq!(got.name, "p1");
/// let gone = client.send(&DeleteCluster::new("32b6e34b3d91647abb20e7b8", "c0")).await;
/// assert_eq!(gone.unwrap_err().api_error().unwrap().error_code(), Some("CLUSTER_NOT_FOUND"));
/// assert_eq!(atlas.received_for::<GetGroup>().len(), 1);
/// # Ok(()) }
/// ```
///
/// A request no rule answers gets a `501` in Atlas's error shape, `errorCode`
/// `NOT_MOCKED`, naming the operation and version, so that the test fails saying what it
/// did not mock.
#[derive(Clone, Default)]
pub struct Mock {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    rules: Mutex<Vec<Armed>>,
    received: Mutex<Vec<ReceivedRequest>>,
}

impl fmt::Debug for Mock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rules = lock(&self.shared.rules);
        f.debug_struct("Mock")
            .field(
                "rules",
                &rules.iter().map(|r| r.operation_id).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// A rule for the operation (and API version) of the request type `E`: build it with
/// [`mock`], then give it to [`Mock::with`].
#[must_use]
pub struct Rule<E> {
    armed: Armed,
    endpoint: PhantomData<fn() -> E>,
}

/// Which requests a rule answers.
type Condition = Box<dyn Fn(&ReceivedRequest) -> bool + Send + Sync>;

/// A rule's reply: an answer, or a fault that is none (a reset).
pub(crate) type Replied = Result<http::Response<Bytes>, Fault>;

/// A rule, its type erased.
struct Armed {
    operation_id: &'static str,
    version: &'static str,
    condition: Option<Condition>,
    /// `None`: the rule only delays (a mock then answers `501`, a fake its own answer).
    reply: Option<Reply>,
    delay: Option<Duration>,
    /// How many matching requests it lets pass before it answers.
    skip: usize,
    /// How many more requests it answers; `None`: any number.
    left: Option<usize>,
}

enum Reply {
    Answer(http::Response<Bytes>),
    Fault(Fault),
}

/// A rule for `E`, which answers nothing until told what to: [`Rule::returns`],
/// [`Rule::fails`], [`Rule::fault`].
pub fn mock<E: Endpoint>() -> Rule<E> {
    Rule {
        armed: Armed {
            operation_id: E::OPERATION_ID,
            version: E::VERSION,
            condition: None,
            reply: None,
            delay: None,
            skip: 0,
            left: None,
        },
        endpoint: PhantomData,
    }
}

/// A success a rule can answer with: a model, [`NoContent`], or raw bytes.
pub trait MockAnswer {
    /// The status, `Content-Type` and body of the answer, for an operation in `version`.
    fn answer(&self, version: &str) -> (StatusCode, String, Vec<u8>);
}

impl<T: Json> MockAnswer for T {
    fn answer(&self, version: &str) -> (StatusCode, String, Vec<u8>) {
        let media = format!("application/vnd.atlas.{version}+json");
        (StatusCode::OK, media, to_vec(self))
    }
}

impl MockAnswer for NoContent {
    fn answer(&self, version: &str) -> (StatusCode, String, Vec<u8>) {
        let media = format!("application/vnd.atlas.{version}+json");
        let body = self
            .body
            .as_ref()
            .map(|v| v.to_string().into_bytes())
            .unwrap_or_default();
        (StatusCode::NO_CONTENT, media, body)
    }
}

impl MockAnswer for crate::runtime::Bytes {
    fn answer(&self, _version: &str) -> (StatusCode, String, Vec<u8>) {
        (StatusCode::OK, self.media_type.clone(), self.body.clone())
    }
}

impl<E: Endpoint> Rule<E> {
    /// Answers with `value`, `200` (`204` for [`NoContent`]).
    pub fn returns(mut self, value: E::Success) -> Self
    where
        E::Success: MockAnswer,
    {
        let (status, media, body) = value.answer(E::VERSION);
        let mut response = http::Response::new(Bytes::from(body));
        *response.status_mut() = status;
        if let Ok(media) = HeaderValue::from_str(&media) {
            response.headers_mut().insert(CONTENT_TYPE, media);
        }
        self.armed.reply = Some(Reply::Answer(response));
        self
    }

    /// Answers with another success status than `returns` gives (`201`, `202`).
    pub fn status(mut self, status: u16) -> Self {
        if let (Some(Reply::Answer(response)), Ok(status)) =
            (&mut self.armed.reply, StatusCode::from_u16(status))
        {
            *response.status_mut() = status;
        }
        self
    }

    /// Answers with Atlas's error: `status`, its `errorCode` and `detail`.
    pub fn fails(mut self, status: u16, error_code: &str, detail: &str) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        self.armed.reply = Some(Reply::Answer(api_error(status, error_code, detail)));
        self
    }

    /// Answers with a fault: a `429`, a `503` page, a reset, or (with [`Fault::Slow`]) the
    /// rule's answer late.
    pub fn fault(mut self, fault: Fault) -> Self {
        match fault {
            Fault::Slow(delay) => self.armed.delay = Some(delay),
            fault => self.armed.reply = Some(Reply::Fault(fault)),
        }
        self
    }

    /// Answers only `n` requests, then leaves the next to the rules after it: `times(2)`
    /// on a `503` rule before a `returns` rule answers two `503`s, then the value.
    pub fn times(mut self, n: usize) -> Self {
        self.armed.left = Some(n);
        self
    }

    /// Answers only the `n`th matching request (from 1), once: `nth(3)` fails the third.
    pub fn nth(mut self, n: usize) -> Self {
        self.armed.skip = n.saturating_sub(1);
        self.armed.left = Some(1);
        self
    }

    /// Answers only requests for which `condition` holds (a path parameter, a body).
    pub fn when(
        mut self,
        condition: impl Fn(&ReceivedRequest) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.armed.condition = Some(Box::new(condition));
        self
    }
}

impl Mock {
    /// A mock without rules: every request gets the `501` of requests no rule answers.
    #[must_use]
    pub fn new() -> Mock {
        Mock::default()
    }

    /// Adds a rule. Rules are tried in the order they were added; the first whose
    /// operation, version and condition match, and that has answers left, answers.
    #[must_use]
    pub fn with<E: Endpoint>(self, rule: Rule<E>) -> Mock {
        self.add(rule);
        self
    }

    /// Adds a rule to a mock already in use.
    pub fn add<E: Endpoint>(&self, rule: Rule<E>) {
        lock(&self.shared.rules).push(rule.armed);
    }

    /// A client that sends through the mock, without credentials, and retries as
    /// configured by default (a `503` rule shows the retry).
    ///
    /// # Panics
    ///
    /// Never: the default base URL is valid.
    #[must_use]
    pub fn client(&self) -> Client {
        Client::builder()
            .base_url(DEFAULT_BASE_URL)
            .transport(self.clone())
            .build()
            .expect("a client of the default base URL")
    }

    /// Every request received, in order.
    #[must_use]
    pub fn received(&self) -> Vec<ReceivedRequest> {
        lock(&self.shared.received).clone()
    }

    /// The requests received for the operation and version of `E`.
    #[must_use]
    pub fn received_for<E: Endpoint>(&self) -> Vec<ReceivedRequest> {
        let received = lock(&self.shared.received);
        received.iter().filter(|r| r.is::<E>()).cloned().collect()
    }

    /// Records a request received.
    pub(crate) fn record(&self, request: ReceivedRequest) {
        lock(&self.shared.received).push(request);
    }

    /// The delay and reply of the first rule that takes `request`, using one of its
    /// answers; `None` when no rule does. A rule's reply is an answer, or a fault that
    /// is none (a reset).
    pub(crate) fn take(
        &self,
        request: &ReceivedRequest,
    ) -> Option<(Option<Duration>, Option<Replied>)> {
        let mut rules = lock(&self.shared.rules);
        let mut taken = None;
        for rule in rules.iter_mut() {
            let matches = request.operation_id() == Some(rule.operation_id)
                && request.version.as_deref() == Some(rule.version)
                && rule.left != Some(0)
                && rule.condition.as_ref().is_none_or(|holds| holds(request));
            if matches && rule.skip > 0 {
                rule.skip -= 1;
            } else if matches {
                taken = Some(rule);
                break;
            }
        }
        let rule = taken?;
        if let Some(left) = &mut rule.left {
            *left -= 1;
        }
        let reply = rule.reply.as_ref().map(|reply| match reply {
            Reply::Answer(response) => Ok(clone_response(response)),
            Reply::Fault(fault) => fault.answer().ok_or_else(|| fault.clone()),
        });
        Some((rule.delay, reply))
    }

    /// The delay and reply of a request: its rule's, else a `501` naming what no rule
    /// answers.
    fn reply(&self, request: &ReceivedRequest) -> (Option<Duration>, Replied) {
        let (delay, reply) = self.take(request).unwrap_or((None, None));
        let reply = reply.unwrap_or_else(|| {
            let detail = match request.operation_id() {
                Some(id) => format!(
                    "no mock rule answers {id} in API version {} ({} {})",
                    request.version.as_deref().unwrap_or("none"),
                    request.method,
                    request.path
                ),
                None => format!("no operation is {} {}", request.method, request.path),
            };
            Ok(api_error(
                StatusCode::NOT_IMPLEMENTED,
                "NOT_MOCKED",
                &detail,
            ))
        });
        (delay, reply)
    }
}

impl Transport for Mock {
    fn exchange(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let received = ReceivedRequest::read(&parts, body);
            let (delay, reply) = self.reply(&received);
            self.record(received);
            if let Some(delay) = delay {
                tokio::time::sleep(delay).await;
            }
            reply.map_err(|fault| format!("mock fault: {fault:?}").into())
        })
    }
}

fn clone_response(response: &http::Response<Bytes>) -> http::Response<Bytes> {
    let mut copy = http::Response::new(response.body().clone());
    *copy.status_mut() = response.status();
    *copy.headers_mut() = response.headers().clone();
    copy
}

/// The value behind `mutex`, even if a panicking test poisoned it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
