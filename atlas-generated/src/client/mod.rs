//! An async client that sends operations to Atlas (cargo feature `client`, on by default).
//!
//! ```no_run
//! use atlas_generated::client::{Client, Credentials};
//! use atlas_generated::operations::{GetCluster, ListClusters};
//! use futures_util::TryStreamExt;
//!
//! # async fn run() -> Result<(), atlas_generated::client::Error> {
//! let client = Client::builder()
//!     .credentials(Credentials::service_account("mdb_sa_id_…", "mdb_sa_sk_…"))
//!     .build()?;
//! let cluster = client.send(&GetCluster::new("5f1e…", "Cluster0")).await?;
//! let clusters: Vec<_> = client.paginate(ListClusters::new("5f1e…")).try_collect().await?;
//! # Ok(()) }
//! ```
//!
//! The generated operations stay sans-IO; the client builds each request with
//! [`Endpoint::to_request_with_base`], authenticates it, sends it with `reqwest` (rustls),
//! retries what is safe to retry ([`RetryPolicy`]), and decodes the answer with
//! [`Endpoint::decode_response`]. Every request runs in a `tracing` span `atlas.request`.
//!
//! Nothing a server sends can make a call hang, crash the program, or hold unbounded
//! memory: each attempt (waiting for a turn, the service account's token, the connection,
//! the whole answer) ends within [`ClientBuilder::timeout`], the whole call within
//! [`RetryPolicy::max_elapsed`]; answers are read up to [`ClientBuilder::max_response_bytes`]
//! (or [`ClientBuilder::max_download_bytes`]) as they arrive; at most
//! [`ClientBuilder::max_concurrent_requests`] are in flight; redirects are not followed;
//! decoding is bounded in depth and memory ([`crate::runtime::limits`]).

mod body;
mod credentials;
mod digest;
mod error;
mod meta;
mod oauth;
mod pacing;
mod retry;
#[cfg(feature = "testing")]
mod transport;
mod wait;

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::Stream;
use http::header::{ACCEPT, AUTHORIZATION, WWW_AUTHENTICATE};
use http::{HeaderMap, Method};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tracing::Instrument;

pub use credentials::Credentials;
pub use error::{Error, ErrorBody, ErrorKind};
pub use meta::{RateLimit, ResponseMeta, WithMeta};
pub use retry::RetryPolicy;
#[cfg(feature = "testing")]
pub use transport::{Network, Transport, TransportFuture, TransportResult};
pub use wait::{Observed, Resource, Wait, WaitError};

use crate::runtime::request::dot_segment;
use crate::runtime::{DEFAULT_BASE_URL, Endpoint, MAX_PAGE_SIZE, PageCursor, Paginated};
use body::BodyError;
use credentials::Kind;
use digest::{Challenge, DigestState};
use oauth::TokenCache;
use pacing::Pacer;

/// The `User-Agent` of every request.
const USER_AGENT: &str = concat!("atlas-generated/", env!("CARGO_PKG_VERSION"));

/// A client for the Atlas Administration API.
///
/// Cheap to clone: clones share one connection pool and one token cache.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// The longest one attempt may take, from waiting for a turn to the end of the body:
    /// the builder's, or [`Client::with_timeout`]'s for this clone.
    timeout: Duration,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    auth: Auth,
    retry: RetryPolicy,
    max_pages: i64,
    limits: Limits,
    /// One permit per request in flight, shared by the client's clones.
    turns: Semaphore,
    /// Sent with every request, under the operation's own headers.
    default_headers: HeaderMap,
    /// Spaces requests as Atlas's rate-limit headers say the budget runs low.
    pacer: Option<Pacer>,
    /// Answers requests in place of `http`.
    #[cfg(feature = "testing")]
    transport: Option<Arc<dyn Transport>>,
}

/// How much a server can make the client hold, and how many requests it sends at once.
#[derive(Debug, Clone, Copy)]
struct Limits {
    response_bytes: usize,
    download_bytes: usize,
    concurrent_requests: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            response_bytes: 64 << 20,
            download_bytes: 1 << 30,
            concurrent_requests: 64,
        }
    }
}

enum Auth {
    /// Shared by the clients built with [`ClientBuilder::share_token_with`].
    ServiceAccount(Arc<TokenCache>),
    Digest(DigestState),
    Bearer(SecretString),
    None,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("limits", &self.inner.limits)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    credentials: Credentials,
    base_url: String,
    retry: RetryPolicy,
    connect_timeout: Duration,
    timeout: Duration,
    max_pages: i64,
    limits: Limits,
    http: Option<reqwest::Client>,
    root_certificates: Vec<reqwest::Certificate>,
    default_headers: HeaderMap,
    /// The client whose service account tokens this one uses.
    token_from: Option<Client>,
    /// The window Atlas's rate limits count in, when requests are paced.
    pacing_window: Option<Duration>,
    #[cfg(feature = "testing")]
    transport: Option<Arc<dyn Transport>>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: Credentials::none(),
            base_url: DEFAULT_BASE_URL.to_owned(),
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            max_pages: 10_000,
            limits: Limits::default(),
            http: None,
            root_certificates: Vec::new(),
            default_headers: HeaderMap::new(),
            token_from: None,
            pacing_window: None,
            #[cfg(feature = "testing")]
            transport: None,
        }
    }
}

impl ClientBuilder {
    /// A builder with the credentials and base URL [`Client::from_env`] takes from the
    /// environment, for other settings to follow:
    ///
    /// ```no_run
    /// # fn main() -> Result<(), atlas_generated::client::Error> {
    /// use std::time::Duration;
    /// use atlas_generated::client::ClientBuilder;
    ///
    /// let client = ClientBuilder::from_env()?.timeout(Duration::from_secs(20)).build()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`], naming the variables that are missing.
    pub fn from_env() -> Result<ClientBuilder, Error> {
        builder_from_vars(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Sends every request through `transport` instead of the network (cargo feature
    /// `testing`): a [`Mock`](crate::testing::Mock), a [`Replay`](crate::testing::Replay)
    /// or a [`Recorder`](crate::testing::Recorder). Authentication, retries, timeouts and
    /// decoding stay the client's; a service account's token still comes from the base URL
    /// over the network, so a client with a transport usually has no credentials.
    #[cfg(feature = "testing")]
    #[must_use]
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Sends through `http`, your `reqwest` client (its TLS roots, proxy, pool, headers),
    /// instead of one the builder makes. What the builder would set on its own client is
    /// then yours: [`connect_timeout`](Self::connect_timeout), the `User-Agent`, and not
    /// following redirects (the Admin API does not redirect; a client that follows them
    /// sends a request's body wherever a server says). Timeouts, retries, limits and
    /// authentication stay the builder's.
    #[must_use]
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Trusts `certificate` as a root, besides the system's: for a TLS-inspecting proxy
    /// or a test server. For the client the builder makes; with
    /// [`http_client`](Self::http_client), add it to yours. Proxies come from
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, as `reqwest` reads them.
    #[must_use]
    pub fn add_root_certificate(mut self, certificate: reqwest::Certificate) -> Self {
        self.root_certificates.push(certificate);
        self
    }

    /// Sends `value` as header `name` with every request, unless the operation sets that
    /// header itself (`Accept`, `Content-Type` and authentication stay the operation's and
    /// the credentials').
    #[must_use]
    pub fn default_header(
        mut self,
        name: http::header::HeaderName,
        value: http::header::HeaderValue,
    ) -> Self {
        self.default_headers.insert(name, value);
        self
    }

    /// Paces requests from Atlas's rate-limit headers instead of running into `429`s:
    /// once an answer says less than a quarter of an endpoint's budget is left
    /// (`RateLimit-Remaining` of `RateLimit-Limit`), the requests to that endpoint (its
    /// path template) are spaced, up to `window` / limit apart when none is left. `window`
    /// is what the limit counts over: a minute for Atlas's documented limits. Off by
    /// default; the wait counts in each attempt's [`timeout`](Self::timeout).
    #[must_use]
    pub fn pace_requests(mut self, window: Duration) -> Self {
        self.pacing_window = Some(window);
        self
    }

    /// Uses the service account tokens of `other` (a client built apart, with the same
    /// credentials and base URL): one token for both, fetched once, refreshed once, however
    /// many clients share it. Atlas's token endpoint allows 10 requests a minute, and each
    /// client built alone fetches its own; clones of one client share it already.
    ///
    /// # Errors
    ///
    /// [`build`](Self::build) fails with [`ErrorKind::Config`] when the credentials are not
    /// `other`'s service account, or the base URL is not `other`'s.
    #[must_use]
    pub fn share_token_with(mut self, other: &Client) -> Self {
        self.token_from = Some(other.clone());
        self
    }

    /// How requests are authenticated (default: [`Credentials::none`]).
    #[must_use]
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Where Atlas is (default `https://cloud.mongodb.com`; `https://cloud.mongodbgov.com`
    /// for Atlas for Government). Credentials go over plain `http://` only to a loopback
    /// address.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// How failed attempts are retried (default: [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The longest wait for a connection (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest one attempt may take (default 60 s): waiting for its turn
    /// ([`max_concurrent_requests`](Self::max_concurrent_requests)), the service account's
    /// token, the connection, and the whole answer. The whole call, retries and their
    /// waits included, ends within [`RetryPolicy::max_elapsed`].
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest JSON answer read, in bytes (default 64 MiB). Real answers are far
    /// shorter (a page of 500 clusters is about 1.6 MB; 20,000 slow query log lines, the
    /// most `nLogs` asks, some tens of MB). The body is read as it arrives and the call
    /// ends with [`ErrorKind::TooLarge`] as soon as it is longer, or says it is; decoding
    /// it then holds at most about 34 times its size ([`crate::runtime::limits::held_at_most`]).
    #[must_use]
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.limits.response_bytes = bytes;
        self
    }

    /// The longest answer of an operation that downloads a file (gzip logs, CSV
    /// invoices: its `Accept` is not JSON), in bytes (default 1 GiB); as
    /// [`max_response_bytes`](Self::max_response_bytes) otherwise.
    #[must_use]
    pub fn max_download_bytes(mut self, bytes: usize) -> Self {
        self.limits.download_bytes = bytes;
        self
    }

    /// How many requests the client and its clones have in flight at once (default 64,
    /// at least 1); the others wait for a turn, within their timeout. Each request in
    /// flight holds at most one connection, so this also bounds the sockets the client
    /// opens, whatever the number of concurrent calls.
    #[must_use]
    pub fn max_concurrent_requests(mut self, requests: usize) -> Self {
        self.limits.concurrent_requests = requests.max(1);
        self
    }

    /// The most pages [`Client::paginate`] fetches from one list (default 10,000, or 5
    /// million items); a list longer than that ends in an [`ErrorKind::Pagination`] error.
    #[must_use]
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = i64::from(pages.max(1));
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`] when the base URL is not an `http` or `https` URL, or sends
    /// credentials over plain `http://` to a host that is not loopback.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = check_base_url(&self.base_url, self.credentials.is_secret())?;
        let http = match self.http {
            Some(_) if !self.root_certificates.is_empty() => {
                return Err(Error::new(
                    ErrorKind::Config,
                    "root certificates are for the client the builder makes: add them to the \
                     `reqwest::Client` given to `http_client`",
                ));
            }
            Some(http) => http,
            None => own_http_client(self.connect_timeout, self.root_certificates)?,
        };
        let auth = match &self.credentials.kind {
            Kind::ServiceAccount {
                client_id,
                client_secret,
            } => Auth::ServiceAccount(match &self.token_from {
                Some(other) => shared_tokens(other, &base_url, client_id, client_secret)?,
                None => Arc::new(TokenCache::new(
                    client_id.clone(),
                    client_secret.clone(),
                    self.timeout,
                )),
            }),
            _ if self.token_from.is_some() => {
                return Err(Error::new(
                    ErrorKind::Config,
                    "share_token_with: only a service account has tokens to share",
                ));
            }
            Kind::Digest {
                public_key,
                private_key,
            } => Auth::Digest(DigestState::new(public_key.clone(), private_key.clone())),
            Kind::Bearer(token) => Auth::Bearer(token.clone()),
            Kind::None => Auth::None,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                credentials: self.credentials,
                auth,
                retry: self.retry,
                max_pages: self.max_pages,
                turns: Semaphore::new(self.limits.concurrent_requests),
                limits: self.limits,
                default_headers: self.default_headers,
                pacer: self.pacing_window.map(Pacer::new),
                #[cfg(feature = "testing")]
                transport: self.transport,
            }),
            timeout: self.timeout,
        })
    }
}

/// The token cache of `other`, if it is the service account `client_id` at `base_url`.
fn shared_tokens(
    other: &Client,
    base_url: &str,
    client_id: &str,
    client_secret: &SecretString,
) -> Result<Arc<TokenCache>, Error> {
    let config = |why: &str| Error::new(ErrorKind::Config, format!("share_token_with: {why}"));
    let Auth::ServiceAccount(cache) = &other.inner.auth else {
        return Err(config("the other client has no service account"));
    };
    if !cache.is_for(client_id, client_secret) {
        return Err(config("the other client has another service account"));
    }
    if other.inner.base_url != base_url {
        return Err(config("the other client's tokens are for another base URL"));
    }
    Ok(Arc::clone(cache))
}

/// The `reqwest` client the builder makes: its `User-Agent`, connect timeout and roots,
/// and no redirects.
fn own_http_client(
    connect_timeout: Duration,
    root_certificates: Vec<reqwest::Certificate>,
) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(connect_timeout)
        // The Admin API does not redirect; following one would send a request's body
        // and credentials wherever a server says.
        .redirect(reqwest::redirect::Policy::none());
    for certificate in root_certificates {
        builder = builder.add_root_certificate(certificate);
    }
    builder
        .build()
        .map_err(|e| Error::new(ErrorKind::Config, "the HTTP client cannot start").with_source(e))
}

/// How an attempt failed before a whole answer came.
enum Exchange {
    /// Sending failed; the request may or may not have reached the server.
    NotSent(reqwest::Error),
    /// The answer's head came with this status, then its body broke off.
    BodyBroke(u16, reqwest::Error),
    /// The attempt cannot go on: no token, or an answer too large.
    Failed(Error),
}

/// An answer: its status, headers and body.
type Answer = (u16, HeaderMap, Bytes);

/// Sends `request` and reads the whole answer, at most `limit` bytes of body.
async fn exchange(request: reqwest::RequestBuilder, limit: usize) -> Result<Answer, Exchange> {
    let mut response = request.send().await.map_err(Exchange::NotSent)?;
    let status = response.status().as_u16();
    let headers = std::mem::take(response.headers_mut());
    let body = body::read_limited(&mut response, limit)
        .await
        .map_err(|error| match error {
            BodyError::Broke(e) => Exchange::BodyBroke(status, e),
            too_large @ BodyError::TooLarge { .. } => Exchange::Failed(
                Error::new(ErrorKind::TooLarge, too_large.describe()).at_status(status),
            ),
        })?;
    Ok((status, headers, body))
}

/// Milliseconds, for logs.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The span of one call (`atlas.request`), with the fields the README lists; an
/// operation's id and API version are recorded into it when the call has them.
fn request_span(method: &str, path: &str) -> tracing::Span {
    tracing::info_span!(
        "atlas.request",
        operation = tracing::field::Empty,
        version = tracing::field::Empty,
        method,
        path,
        status = tracing::field::Empty,
        attempt = tracing::field::Empty,
        elapsed_ms = tracing::field::Empty,
    )
}

/// The base URL without a trailing `/`, if it is one credentials may go to.
fn check_base_url(base_url: &str, secret: bool) -> Result<String, Error> {
    let trimmed = base_url.trim_end_matches('/');
    let config = |why: &str| Error::new(ErrorKind::Config, format!("base URL `{base_url}`: {why}"));
    let uri: http::Uri = trimmed.parse().map_err(|_| config("not a URL"))?;
    let host = uri.host().ok_or_else(|| config("no host"))?;
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if !secret || is_loopback(host) => {}
        Some("http") => {
            return Err(config(
                "credentials are sent over plain http:// only to a loopback address; use https://",
            ));
        }
        _ => {
            return Err(config(
                "the scheme must be https:// (or http:// to a loopback address)",
            ));
        }
    }
    if uri.query().is_some() {
        return Err(config("a base URL has no query"));
    }
    Ok(trimmed.to_owned())
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Client {
    /// A builder, with the defaults: `https://cloud.mongodb.com`, no credentials,
    /// [`RetryPolicy::default`], 10 s to connect, 60 s per attempt.
    #[must_use]
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured as Atlas's CLI, Terraform provider and Go SDK are: a service
    /// account from `MONGODB_ATLAS_CLIENT_ID` and `MONGODB_ATLAS_CLIENT_SECRET`, else an
    /// API key from `MONGODB_ATLAS_PUBLIC_KEY` and `MONGODB_ATLAS_PRIVATE_KEY`; the base
    /// URL from `MONGODB_ATLAS_BASE_URL` when set.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`], naming the variables that are missing.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// This client with another timeout for one attempt (see
    /// [`ClientBuilder::timeout`]), for a call known to be slow or one that must be quick;
    /// it shares the connections, token and limits of `self`.
    #[must_use]
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            timeout,
        }
    }

    /// Sends `endpoint` and decodes the answer.
    ///
    /// # Errors
    ///
    /// An [`Error`]: the request could not be built or sent, Atlas answered with an error,
    /// or the success does not decode.
    pub async fn send<E>(&self, endpoint: &E) -> Result<E::Success, Error>
    where
        E: Endpoint,
        E::Error: ErrorBody,
    {
        self.send_with_meta(endpoint)
            .await
            .map(|answer| answer.value)
    }

    /// Like [`send`](Self::send), with the status and headers of the answer, and Atlas's
    /// rate-limit headers as numbers ([`RateLimit`]): how many requests the window has
    /// left.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub async fn send_with_meta<E>(&self, endpoint: &E) -> Result<WithMeta<E::Success>, Error>
    where
        E: Endpoint,
        E::Error: ErrorBody,
    {
        let name = |e: Error| e.for_operation(E::OPERATION_ID, E::METHOD, E::PATH);
        let request = endpoint
            .to_request_with_base(&self.inner.base_url)
            .map_err(|e| name(Error::build(e)))?;
        let span = request_span(E::METHOD.as_str(), E::PATH);
        span.record("operation", E::OPERATION_ID);
        span.record("version", E::VERSION);
        let (status, headers, body) = self
            .execute(request, E::PATH)
            .instrument(span)
            .await
            .map_err(name)?;
        if (300..400).contains(&status) {
            return Err(name(Error::redirect(status, &headers)));
        }
        let value = E::decode_response(status, &headers, &body)
            .map_err(|e| name(Error::response(e, &body)))?;
        Ok(WithMeta {
            value,
            meta: ResponseMeta::new(status, headers),
        })
    }

    /// Every item of a list operation, fetched lazily a page at a time with the largest
    /// page Atlas allows (500). The walk goes on as the server says: while `links` has a
    /// `next` link, else until `totalCount` items have come, else until a short page (an
    /// endpoint whose pages are smaller than asked says so by the first two); it ends on an
    /// empty page, and a list that goes on past [`ClientBuilder::max_pages`] pages ends in
    /// an error rather than looping.
    ///
    /// The stream is `Unpin`, so the plain loop works:
    ///
    /// ```no_run
    /// # async fn run(client: atlas_generated::client::Client) -> Result<(), atlas_generated::client::Error> {
    /// use futures_util::TryStreamExt;
    /// use atlas_generated::operations::ListGroups;
    ///
    /// let mut projects = client.paginate(ListGroups::new());
    /// while let Some(project) = projects.try_next().await? {
    ///     println!("{}", project.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn paginate<E>(
        &self,
        endpoint: E,
    ) -> impl Stream<Item = Result<E::Item, Error>> + Send + Unpin + 'static
    where
        E: Paginated + Send + Sync + 'static,
        E::Item: Send + 'static,
        E::Success: Send,
        E::Error: ErrorBody,
    {
        let cursor = PageCursor::new(MAX_PAGE_SIZE, self.inner.max_pages);
        let state = (self.clone(), endpoint, cursor, VecDeque::new());
        // Boxed so that the stream is `Unpin`: `try_next` and `next` need it.
        Box::pin(futures_util::stream::try_unfold(
            state,
            |(client, mut endpoint, mut cursor, mut items)| async move {
                loop {
                    if let Some(item) = items.pop_front() {
                        return Ok(Some((item, (client, endpoint, cursor, items))));
                    }
                    let Some((page, size)) = cursor.next_page() else {
                        if cursor.capped() {
                            return Err(Error::new(
                                ErrorKind::Pagination,
                                format!(
                                    "the list did not end within {} pages",
                                    client.inner.max_pages
                                ),
                            )
                            .for_operation(
                                E::OPERATION_ID,
                                E::METHOD,
                                E::PATH,
                            ));
                        }
                        return Ok(None);
                    };
                    endpoint.set_page(page, size);
                    let success = client.send(&endpoint).await?;
                    items.extend(cursor.advance(E::into_page(success)));
                }
            },
        ))
    }

    /// Sends a request built elsewhere (`dynamic::build_request`, or `to_request` of an
    /// operation) with the client's authentication and retries, and returns the answer
    /// undecoded. A request built against the default base URL goes to the client's.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`] when the request targets another host than the client's
    /// (credentials go nowhere else); [`ErrorKind::Build`] when its path has a `.` or `..`
    /// segment, in any percent-encoding; [`ErrorKind::Transport`] or [`ErrorKind::Timeout`]
    /// when no answer came.
    pub async fn send_request(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let request = self.rebase(request)?;
        // A dot segment would be collapsed by the URL parser, sending the request to
        // another resource than its path names.
        let path = request.uri().path();
        if let Some(segment) = path.split('/').find(|s| dot_segment(s).is_some()) {
            return Err(Error::new(
                ErrorKind::Build,
                format!(
                    "the path `{path}` has the dot segment `{segment}`, which would address another resource"
                ),
            ));
        }
        let endpoint = request.uri().path().to_owned();
        let span = request_span(request.method().as_str(), &endpoint);
        let (status, headers, body) = self.execute(request, &endpoint).instrument(span).await?;
        let mut response = http::Response::new(body.to_vec());
        *response.status_mut() = http::StatusCode::from_u16(status)
            .map_err(|e| Error::new(ErrorKind::Transport, "an invalid status").with_source(e))?;
        *response.headers_mut() = headers;
        Ok(response)
    }

    /// `request` aimed at the client's base URL: unchanged if it already is, moved there if
    /// it targets the default one.
    fn rebase(&self, mut request: http::Request<Vec<u8>>) -> Result<http::Request<Vec<u8>>, Error> {
        let uri = request.uri().to_string();
        let base = &self.inner.base_url;
        let at_base = uri.strip_prefix(base.as_str());
        if at_base.is_some_and(|rest| rest.is_empty() || rest.starts_with('/')) {
            return Ok(request);
        }
        let Some(rest) = uri
            .strip_prefix(DEFAULT_BASE_URL)
            .filter(|r| r.starts_with('/'))
        else {
            return Err(Error::new(
                ErrorKind::Config,
                format!("the request targets `{uri}`, not the client's base URL `{base}`"),
            ));
        };
        *request.uri_mut() = format!("{base}{rest}").parse().map_err(|e| {
            Error::new(ErrorKind::Config, "the rebased URL is invalid").with_source(e)
        })?;
        Ok(request)
    }

    /// Revokes the service account's cached access token and forgets it; the next request
    /// fetches a new one. Does nothing for other credentials or without a token.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Auth`] when Atlas refuses to revoke the token.
    pub async fn revoke_token(&self) -> Result<(), Error> {
        match &self.inner.auth {
            Auth::ServiceAccount(cache) => {
                cache.revoke(&self.inner.http, &self.inner.base_url).await
            }
            _ => Ok(()),
        }
    }

    /// Sends a built request with authentication and retries; not generic, so that it is
    /// compiled once for every operation.
    ///
    /// Each attempt logs one `info` event (its number, status or failure, and time); the
    /// call's span gets its final attempt count, status and time once, at the end, with a
    /// `debug` summary, so that retries do not pile fields onto it.
    /// `endpoint` names the rate-limit bucket requests are paced in: the path template.
    async fn execute(
        &self,
        request: http::Request<Vec<u8>>,
        endpoint: &str,
    ) -> Result<Answer, Error> {
        let started = Instant::now();
        let mut attempts = 0_u32;
        let result = self
            .attempts(request, endpoint, started, &mut attempts)
            .await;
        let span = tracing::Span::current();
        let elapsed_ms = millis(started.elapsed());
        span.record("attempt", attempts);
        span.record("elapsed_ms", elapsed_ms);
        match &result {
            Ok((status, ..)) => {
                span.record("status", status);
                tracing::debug!(attempts, status, elapsed_ms, "atlas request done");
            }
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status);
                }
                tracing::debug!(attempts, elapsed_ms, %error, "atlas request failed");
            }
        }
        result
    }

    /// The attempts of one call, `attempts` counting them.
    async fn attempts(
        &self,
        request: http::Request<Vec<u8>>,
        endpoint: &str,
        started: Instant,
        attempts: &mut u32,
    ) -> Result<Answer, Error> {
        let (parts, body) = request.into_parts();
        let body = Bytes::from(body);
        let uri = parts.uri.to_string();
        let target = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let limit = self.body_limit(&parts.headers);
        let mut attempt = 0_u32;
        let mut auth = AuthAttempt::default();
        loop {
            attempt += 1;
            *attempts = attempt;
            let attempt_started = Instant::now();
            let budget = self.attempt_budget(started);
            let sent = Attempt {
                method: &parts.method,
                uri: &uri,
                target: &target,
                headers: &parts.headers,
                body: &body,
                limit,
                endpoint,
            };
            let attempted = tokio::time::timeout(budget, self.attempt(sent, &mut auth)).await;
            let elapsed_ms = millis(attempt_started.elapsed());
            match &attempted {
                Ok(Ok((status, ..))) => {
                    tracing::info!(attempt, status, elapsed_ms, "attempt answered")
                }
                Ok(Err(Exchange::BodyBroke(status, _))) => {
                    tracing::info!(attempt, status, elapsed_ms, "attempt's answer broke off");
                }
                Ok(Err(_)) => tracing::info!(attempt, elapsed_ms, "attempt failed"),
                Err(_) => tracing::info!(attempt, elapsed_ms, "attempt timed out"),
            }
            let (status, headers, body_bytes) = match attempted {
                Ok(Ok(answer)) => answer,
                Ok(Err(Exchange::NotSent(error))) => {
                    // Only a connection that never carried the request is safe to retry.
                    let wait = error
                        .is_connect()
                        .then(|| self.retry_wait(attempt, started, None))
                        .flatten();
                    if let Some(wait) = wait {
                        tracing::debug!(attempt, ?wait, "connection failed; retrying");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    return Err(Error::transport(error));
                }
                Ok(Err(Exchange::BodyBroke(status, error))) => {
                    return Err(Error::transport(error).at_status(status));
                }
                Ok(Err(Exchange::Failed(error))) => return Err(error),
                Err(_) => {
                    return Err(Error::new(
                        ErrorKind::Timeout,
                        format!("no complete answer within {budget:?}"),
                    ));
                }
            };
            if status == 401 && self.answer_unauthorized(&headers, &mut auth)? {
                continue;
            }
            if self.inner.retry.retries_status(&parts.method, status) {
                match self.retry_wait(attempt, started, Some((&headers, &body_bytes))) {
                    Some(wait) => {
                        tracing::debug!(attempt, status, ?wait, "retrying");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    None if attempt > 1 => {
                        return Err(Error::new(
                            ErrorKind::RetriesExhausted,
                            format!("still failing after {attempt} attempts"),
                        )
                        .with_status(status, body_bytes.to_vec()));
                    }
                    None => {}
                }
            }
            return Ok((status, headers, body_bytes));
        }
    }

    /// One attempt: a turn among the requests in flight, authentication, the exchange.
    async fn attempt(&self, sent: Attempt<'_>, auth: &mut AuthAttempt) -> Result<Answer, Exchange> {
        if let Some(pacer) = &self.inner.pacer {
            tokio::time::sleep_until(pacer.slot(sent.endpoint)).await;
        }
        // The semaphore lives as long as the client and is never closed.
        let _turn = self.inner.turns.acquire().await;
        let builder = self
            .inner
            .http
            .request(sent.method.clone(), sent.uri)
            .headers(self.inner.default_headers.clone())
            .headers(sent.headers.clone())
            .body(sent.body.clone());
        let builder = self
            .authenticate(builder, sent.method, sent.target, sent.body, auth)
            .await
            .map_err(Exchange::Failed)?;
        let answer = self.exchange(builder, sent.limit).await?;
        if let Some(pacer) = &self.inner.pacer {
            pacer.update(sent.endpoint, &answer.1);
        }
        Ok(answer)
    }

    /// Sends an authenticated request: over the network, or through the transport.
    async fn exchange(
        &self,
        builder: reqwest::RequestBuilder,
        limit: usize,
    ) -> Result<Answer, Exchange> {
        #[cfg(feature = "testing")]
        if let Some(transport) = &self.inner.transport {
            let request = builder.build().map_err(Exchange::NotSent)?;
            return transport::exchange(transport.as_ref(), request, limit).await;
        }
        exchange(builder, limit).await
    }

    /// The longest the next attempt may take: the timeout, or what is left of the call's
    /// [`RetryPolicy::max_elapsed`] when that is less.
    fn attempt_budget(&self, started: Instant) -> Duration {
        let left = self
            .inner
            .retry
            .max_elapsed
            .saturating_sub(started.elapsed());
        self.timeout.min(left)
    }

    /// The longest body an answer to a request with these headers may have: a download's
    /// when it accepts something else than JSON.
    fn body_limit(&self, headers: &HeaderMap) -> usize {
        let accepts_json = headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|accept| accept.contains("json"));
        if accepts_json {
            self.inner.limits.response_bytes
        } else {
            self.inner.limits.download_bytes
        }
    }

    /// The wait before another attempt, if the policy allows one. A wait that would end
    /// past [`RetryPolicy::max_elapsed`] is none: the server's `Retry-After` can be any
    /// number, so the sum saturates.
    fn retry_wait(
        &self,
        attempt: u32,
        started: Instant,
        answer: Option<(&HeaderMap, &[u8])>,
    ) -> Option<Duration> {
        let policy = &self.inner.retry;
        if attempt >= policy.max_attempts {
            return None;
        }
        let wait = policy.delay(attempt, answer, SystemTime::now());
        (started.elapsed().saturating_add(wait) <= policy.max_elapsed).then_some(wait)
    }

    async fn authenticate(
        &self,
        builder: reqwest::RequestBuilder,
        method: &Method,
        target: &str,
        body: &[u8],
        auth: &mut AuthAttempt,
    ) -> Result<reqwest::RequestBuilder, Error> {
        Ok(match &self.inner.auth {
            Auth::ServiceAccount(cache) => {
                let token = cache
                    .token(
                        &self.inner.http,
                        &self.inner.base_url,
                        auth.rejected_token.as_ref(),
                    )
                    .await?;
                let builder = builder.bearer_auth(token.expose_secret());
                auth.sent_token = Some(token);
                builder
            }
            Auth::Digest(digest) => match digest.authorization(method, target, body)? {
                Some((header, nonce)) => {
                    auth.sent_nonce = Some(nonce);
                    builder.header(AUTHORIZATION, header)
                }
                None => {
                    auth.sent_nonce = None;
                    builder
                }
            },
            Auth::Bearer(token) => builder.bearer_auth(token.expose_secret()),
            Auth::None => builder,
        })
    }

    /// Whether a `401` is worth another attempt: a service account's token refreshed once,
    /// or a Digest challenge answered (twice at most: the first, and a `stale` one).
    fn answer_unauthorized(
        &self,
        headers: &HeaderMap,
        auth: &mut AuthAttempt,
    ) -> Result<bool, Error> {
        match &self.inner.auth {
            Auth::ServiceAccount(_) if !auth.refreshed => {
                auth.refreshed = true;
                auth.rejected_token = auth.sent_token.take();
                Ok(true)
            }
            Auth::Digest(digest) if auth.challenges < 2 => {
                // Visible ASCII only (`to_str`): digest_auth 0.3's parser panics slicing a
                // challenge with a multi-byte character (`Digest é==`), which a server
                // may send as raw bytes.
                let Some(challenge) = headers
                    .get_all(WWW_AUTHENTICATE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .find(|v| v.trim_start().to_ascii_lowercase().starts_with("digest"))
                else {
                    return Ok(false);
                };
                auth.challenges += 1;
                Ok(digest.challenged(challenge, auth.sent_nonce.as_deref())? == Challenge::Answer)
            }
            _ => Ok(false),
        }
    }
}

/// What one attempt sends.
#[derive(Clone, Copy)]
struct Attempt<'a> {
    method: &'a Method,
    uri: &'a str,
    /// The path and query, which Digest signs.
    target: &'a str,
    headers: &'a HeaderMap,
    body: &'a Bytes,
    /// The longest body the answer may have.
    limit: usize,
    /// The rate-limit bucket of the request, for pacing.
    endpoint: &'a str,
}

/// What one request did about authentication, across its attempts.
#[derive(Default)]
struct AuthAttempt {
    sent_token: Option<SecretString>,
    rejected_token: Option<SecretString>,
    refreshed: bool,
    sent_nonce: Option<String>,
    challenges: u8,
}

/// A builder from the environment's variables, as `lookup` gives them.
fn builder_from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder, Error> {
    const ID: &str = "MONGODB_ATLAS_CLIENT_ID";
    const SECRET: &str = "MONGODB_ATLAS_CLIENT_SECRET";
    const PUBLIC: &str = "MONGODB_ATLAS_PUBLIC_KEY";
    const PRIVATE: &str = "MONGODB_ATLAS_PRIVATE_KEY";
    const BASE: &str = "MONGODB_ATLAS_BASE_URL";
    let pair = |a: &str, b: &str| match (lookup(a), lookup(b)) {
        (Some(x), Some(y)) => Ok(Some((x, y))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(format!("{a} is set but {b} is not")),
        (None, Some(_)) => Err(format!("{b} is set but {a} is not")),
    };
    let config = |why: String| Error::new(ErrorKind::Config, why);
    let credentials = if let Some((id, secret)) = pair(ID, SECRET).map_err(config)? {
        Credentials::service_account(id, secret)
    } else if let Some((public, private)) = pair(PUBLIC, PRIVATE).map_err(config)? {
        Credentials::digest(public, private)
    } else {
        return Err(config(format!(
            "no credentials in the environment: set {ID} and {SECRET} (a service account), or {PUBLIC} and {PRIVATE} (an API key)"
        )));
    };
    let mut builder = Client::builder().credentials(credentials);
    if let Some(base) = lookup(BASE) {
        builder = builder.base_url(base);
    }
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn credentials_from_the_environment() {
        let builder = builder_from_vars(vars(&[
            ("MONGODB_ATLAS_CLIENT_ID", "id"),
            ("MONGODB_ATLAS_CLIENT_SECRET", "shh"),
            ("MONGODB_ATLAS_PUBLIC_KEY", "pub"),
            ("MONGODB_ATLAS_PRIVATE_KEY", "priv"),
            ("MONGODB_ATLAS_BASE_URL", "https://cloud.mongodbgov.com"),
        ]))
        .unwrap();
        assert!(
            matches!(builder.credentials.kind, Kind::ServiceAccount { .. }),
            "a service account first"
        );
        assert_eq!(builder.base_url, "https://cloud.mongodbgov.com");
        let builder = builder_from_vars(vars(&[
            ("MONGODB_ATLAS_PUBLIC_KEY", "pub"),
            ("MONGODB_ATLAS_PRIVATE_KEY", "priv"),
        ]))
        .unwrap();
        assert!(matches!(builder.credentials.kind, Kind::Digest { .. }));
        assert_eq!(builder.base_url, DEFAULT_BASE_URL);

        let error = builder_from_vars(vars(&[])).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
        for name in [
            "MONGODB_ATLAS_CLIENT_ID",
            "MONGODB_ATLAS_CLIENT_SECRET",
            "MONGODB_ATLAS_PUBLIC_KEY",
            "MONGODB_ATLAS_PRIVATE_KEY",
        ] {
            assert!(error.to_string().contains(name), "{error}");
        }
        let error = builder_from_vars(vars(&[("MONGODB_ATLAS_CLIENT_ID", "id")])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "MONGODB_ATLAS_CLIENT_ID is set but MONGODB_ATLAS_CLIENT_SECRET is not"
        );
    }

    #[test]
    fn credentials_go_over_plain_http_only_to_loopback() {
        for ok in [
            "https://cloud.mongodb.com/",
            "http://127.0.0.1:8080",
            "http://localhost:1/atlas",
            "http://[::1]:9",
        ] {
            assert!(check_base_url(ok, true).is_ok(), "{ok}");
        }
        assert_eq!(
            check_base_url("https://cloud.mongodb.com/", true).unwrap(),
            "https://cloud.mongodb.com"
        );
        let error = check_base_url("http://cloud.mongodb.com", true).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
        assert!(error.to_string().contains("loopback"), "{error}");
        assert!(
            check_base_url("http://example.com", false).is_ok(),
            "nothing secret to send"
        );
        for bad in ["ftp://x", "cloud.mongodb.com", "https://x?a=1", ""] {
            assert!(check_base_url(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        for credentials in [
            Credentials::service_account("id", "the-client-secret"),
            Credentials::digest("pub", "the-private-key"),
            Credentials::bearer("the-token"),
        ] {
            let builder = Client::builder().credentials(credentials.clone());
            let builder_text = format!("{builder:?}");
            let client = builder.build().unwrap();
            for text in [
                format!("{credentials:?}"),
                builder_text,
                format!("{client:?}"),
            ] {
                assert!(!text.contains("the-"), "{text}");
                assert!(text.contains("[redacted]"), "{text}");
            }
        }
    }
}
