//! Where a client's requests go when not over its own network connection (cargo feature
//! `testing`): a [`Transport`] answers each request in-process: a mock, a cassette being
//! replayed, a recorder in front of the network.
//!
//! The client still does everything else: authentication headers, retries, timeouts,
//! pacing, the body limit and decoding, so that a test through a transport exercises the
//! same code as a call to Atlas.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use http::HeaderMap;

use super::body::{BodyError, read_limited};
use super::{Answer, Error, ErrorKind, Exchange};

/// What a [`Transport`]'s answer is: an HTTP response, or why none came.
pub type TransportResult = Result<http::Response<Bytes>, Box<dyn std::error::Error + Send + Sync>>;

/// A boxed future of a [`Transport`]'s answer.
pub type TransportFuture<'a> = Pin<Box<dyn Future<Output = TransportResult> + Send + 'a>>;

/// Answers the requests of a [`Client`](super::Client) built with
/// [`ClientBuilder::transport`](super::ClientBuilder::transport).
///
/// A request comes as the client would send it: absolute URI, the operation's headers, the
/// client's default headers and `Authorization` (for Digest and bearer credentials; a
/// service account's token is fetched from its base URL over the network, so a client with
/// a transport usually has none). An `Err` is a failure to connect or a connection that
/// broke: the call fails with [`ErrorKind::Transport`], without a retry.
pub trait Transport: Send + Sync + 'static {
    /// Answers one attempt of a request.
    fn exchange(&self, request: http::Request<Bytes>) -> TransportFuture<'_>;
}

/// Sends over the network with `reqwest`, reading at most 64 MiB of each answer: the
/// transport a [recorder](crate::testing::Recorder) puts in front of Atlas or of a
/// [`FakeAtlas`](crate::testing::FakeAtlas).
#[derive(Debug, Clone, Default)]
pub struct Network {
    http: reqwest::Client,
}

impl Network {
    /// The most a [`Network`] reads of an answer's body.
    pub const MAX_BODY: usize = 64 << 20;

    /// Sends with a `reqwest` client of its own, which does not follow redirects.
    #[must_use]
    pub fn new() -> Network {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Network { http }
    }

    /// Sends with `http`.
    #[must_use]
    pub fn with_client(http: reqwest::Client) -> Network {
        Network { http }
    }
}

impl Transport for Network {
    fn exchange(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let mut response = self
                .http
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await?;
            let mut answer = http::Response::builder().status(response.status());
            if let Some(headers) = answer.headers_mut() {
                *headers = std::mem::take(response.headers_mut());
            }
            let body = read_limited(&mut response, Network::MAX_BODY)
                .await
                .map_err(|error| match error {
                    BodyError::Broke(e) => Box::new(e) as Box<dyn std::error::Error + Send + Sync>,
                    too_large => too_large.describe().into(),
                })?;
            Ok(answer.body(body)?)
        })
    }
}

/// One attempt through `transport`: the request `reqwest` would have sent, and the
/// answer within the body `limit`.
pub(crate) async fn exchange(
    transport: &dyn Transport,
    request: reqwest::Request,
    limit: usize,
) -> Result<Answer, Exchange> {
    let mut sent = http::Request::builder()
        .method(request.method().clone())
        .uri(request.url().as_str());
    if let Some(headers) = sent.headers_mut() {
        *headers = request.headers().clone();
    }
    let body = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .map(Bytes::copy_from_slice)
        .unwrap_or_default();
    let sent = sent.body(body).map_err(|e| {
        Exchange::Failed(Error::new(ErrorKind::Build, "an invalid request").with_source(e))
    })?;
    let answer = transport.exchange(sent).await.map_err(|e| {
        Exchange::Failed(Error::new(
            ErrorKind::Transport,
            format!("the transport failed: {e}"),
        ))
    })?;
    let (parts, body) = answer.into_parts();
    let status = parts.status.as_u16();
    if body.len() > limit {
        let too_large = BodyError::TooLarge {
            limit,
            declared: Some(body.len() as u64),
        };
        return Err(Exchange::Failed(
            Error::new(ErrorKind::TooLarge, too_large.describe()).at_status(status),
        ));
    }
    let headers: HeaderMap = parts.headers;
    Ok((status, headers, body))
}

impl std::fmt::Debug for dyn Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Transport")
    }
}
