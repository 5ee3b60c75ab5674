//! [`FakeAtlas`], an Atlas on 127.0.0.1 that keeps what it is told: its server, checks
//! and credentials (the store keeps its resources).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderValue, StatusCode};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::exchange::{Fault, ReceivedRequest, api_error, json_answer};
use super::mock::{Mock, Rule, lock};
use super::store::{self, Role, Store};
use super::tables::success_status;
use crate::client::{Client, Credentials};
use crate::runtime::{Endpoint, OperationInfo};

/// The service account a [`FakeAtlas`] accepts.
pub const CLIENT_ID: &str = "mdb_sa_id_fake0000000000000000";
/// Its secret.
pub const CLIENT_SECRET: &str = "mdb_sa_sk_fake0000000000000000";
/// The API key (Digest) a [`FakeAtlas`] accepts: its public part.
pub const PUBLIC_KEY: &str = "fakepubkey";
/// Its private part.
pub const PRIVATE_KEY: &str = "00000000-0000-0000-0000-000000000000";

/// The most of a request body the fake reads.
const MAX_REQUEST_BODY: usize = 16 << 20;

/// An answer refusing a request, boxed as an error (an answer is large).
type Refused = Box<http::Response<Bytes>>;

/// The realm of its Digest challenges, Atlas's.
const REALM: &str = "MMS Public API";

/// An Atlas on 127.0.0.1 for tests: stateful per resource family, strict about what it
/// receives, and fallible on demand. It stops when dropped.
///
/// Each request goes through what Atlas does, in order:
/// 1. the service account's token endpoint (`/api/oauth/token`, `/api/oauth/revoke`);
/// 2. authentication: a bearer token it issued, or a Digest answer to its challenge;
/// 3. the test's rules ([`FakeAtlas::rule`]): a fault or an answer of its own;
/// 4. the route: an operation of the compiled tags, in an API version it has (`Accept`),
///    with a body that decodes as its request type;
/// 5. the answer: the resource families ([`families`](super::families)) keep state, walk
///    long-running resources through their states, and page lists; any other operation
///    is a `501` naming it.
///
/// Every answer it gives decodes as the operation's declared outcome; one that would not
/// is a `500` naming the decoding error, so that the fake never hands a test a body Atlas
/// would not send.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use atlas_generated::operations::{GetDatabaseUser, ListDatabaseUsers};
/// use atlas_generated::testing::FakeAtlas;
///
/// let atlas = FakeAtlas::start().await?;
/// let client = atlas.client();
/// let users = client.send(&ListDatabaseUsers::new("32b6e34b3d91647abb20e7b8")).await?;
/// assert_eq!(users.total_count, Some(0));
/// let missing = client.send(&GetDatabaseUser::new("32b6e34b3d91647abb20e7b8", "admin", "u1")).await;
/// assert_eq!(missing.unwrap_err().status(), Some(404));
/// # Ok(()) }
/// ```
pub struct FakeAtlas {
    shared: Arc<Shared>,
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

struct Shared {
    store: Mutex<Store>,
    rules: Mock,
    tokens: Mutex<Vec<String>>,
    nonces: Mutex<Vec<String>>,
}

impl std::fmt::Debug for FakeAtlas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeAtlas")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl FakeAtlas {
    /// Starts a fake Atlas on an ephemeral port of 127.0.0.1.
    ///
    /// # Errors
    ///
    /// When no port can be bound.
    pub async fn start() -> std::io::Result<FakeAtlas> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            store: Mutex::new(Store::new(2)),
            rules: Mock::new(),
            tokens: Mutex::new(Vec::new()),
            nonces: Mutex::new(Vec::new()),
        });
        let state = Arc::clone(&shared);
        let app = Router::new().fallback(move |request: Request| {
            let state = Arc::clone(&state);
            async move { state.handle(request).await }
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(FakeAtlas {
            shared,
            address,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Its address: `http://127.0.0.1:<port>`, for any HTTP client.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The service account it accepts.
    #[must_use]
    pub fn credentials(&self) -> Credentials {
        Credentials::service_account(CLIENT_ID, CLIENT_SECRET)
    }

    /// The API key (Digest) it accepts.
    #[must_use]
    pub fn digest_credentials(&self) -> Credentials {
        Credentials::digest(PUBLIC_KEY, PRIVATE_KEY)
    }

    /// A client of it with its service account, which retries quickly.
    ///
    /// # Panics
    ///
    /// Never: its base URL is a loopback `http` URL.
    #[must_use]
    pub fn client(&self) -> Client {
        Client::builder()
            .base_url(self.base_url())
            .credentials(self.credentials())
            .retry(crate::client::RetryPolicy {
                base_delay: Duration::from_millis(10),
                max_delay: Duration::from_millis(100),
                ..crate::client::RetryPolicy::default()
            })
            .build()
            .expect("a client of a loopback URL")
    }

    /// How many reads a long-running resource stays in its passing state (`CREATING`,
    /// `DELETING`) before it reaches its end; 2 unless set. `0`: it ends at once.
    pub fn set_reads_in_passing(&self, reads: usize) {
        lock(&self.shared.store).reads_in_passing = reads;
    }

    /// Whether long-running resources end in their first failure state (`FAILED`) rather
    /// than their target, for the operations that have one; `false` unless set.
    pub fn set_walks_fail(&self, fail: bool) {
        lock(&self.shared.store).walks_fail = fail;
    }

    /// Adds a rule that answers authenticated requests before the fake does, for faults
    /// (`429`, a `503` page, a reset, a slow answer, to the Nth matching request with
    /// [`Rule::nth`]: a Digest challenge is not counted) or an answer of the test's own. A
    /// rule with only [`Fault::Slow`] delays the fake's answer.
    pub fn rule<E: Endpoint>(&self, rule: Rule<E>) {
        self.shared.rules.add(rule);
    }

    /// Every request received, in order, the token requests included.
    #[must_use]
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.shared.rules.received()
    }

    /// The requests received for the operation and version of `E`.
    #[must_use]
    pub fn requests_for<E: Endpoint>(&self) -> Vec<ReceivedRequest> {
        self.shared.rules.received_for::<E>()
    }
}

impl Drop for FakeAtlas {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Shared {
    async fn handle(&self, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let Ok(body) = axum::body::to_bytes(body, MAX_REQUEST_BODY).await else {
            return respond(api_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                "the request body is over 16 MiB",
            ));
        };
        let received = ReceivedRequest::read(&parts, body);
        self.rules.record(received.clone());
        if let Some(answer) = self.oauth(&received) {
            return respond(answer);
        }
        if let Err(refused) = self.authenticate(&received) {
            return respond(*refused);
        }
        if let Some((delay, reply)) = self.rules.take(&received) {
            if let Some(delay) = delay {
                tokio::time::sleep(delay).await;
            }
            match reply {
                Some(Ok(answer)) => return respond(answer),
                Some(Err(Fault::Reset)) => return reset(),
                Some(Err(_)) | None => {}
            }
        }
        respond(self.answer(&received))
    }

    /// The answer of an authenticated request, once routed and checked.
    fn answer(&self, request: &ReceivedRequest) -> http::Response<Bytes> {
        let Some(operation) = request.operation else {
            return api_error(
                StatusCode::NOT_FOUND,
                "RESOURCE_NOT_FOUND",
                &format!("No operation is {} {}.", request.method, request.path),
            );
        };
        let version = match checked_version(operation, request) {
            Ok(version) => version,
            Err(refused) => return *refused,
        };
        let body = match checked_body(operation, version, request) {
            Ok(body) => body,
            Err(refused) => return *refused,
        };
        let id = operation.operation_id;
        let decided = {
            let mut store = lock(&self.store);
            decide(&mut store, id, version, request, body)
        };
        match decided {
            Ok((status, body)) => checked_answer(id, version, status, body.as_ref()),
            Err((status, code, detail)) => api_error(
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                &code,
                &detail,
            ),
        }
    }

    /// The service account's token and revoke endpoints.
    fn oauth(&self, request: &ReceivedRequest) -> Option<http::Response<Bytes>> {
        match (request.method.as_str(), request.path.as_str()) {
            ("POST", "/api/oauth/token") => {}
            ("POST", "/api/oauth/revoke") => {
                return Some(json_answer(StatusCode::OK, &json!({}), "application/json"));
            }
            _ => return None,
        }
        let expected = format!("{CLIENT_ID}:{CLIENT_SECRET}");
        let basic = request
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|v| decode_base64(v.trim()));
        let grant =
            String::from_utf8_lossy(&request.body).contains("grant_type=client_credentials");
        if basic.as_deref() != Some(expected.as_bytes()) || !grant {
            return Some(json_answer(
                StatusCode::UNAUTHORIZED,
                &json!({"error": "invalid_client", "error_description": "unknown service account"}),
                "application/json",
            ));
        }
        let token = {
            let mut tokens = lock(&self.tokens);
            let token = format!("fake-token-{:08}", tokens.len() + 1);
            tokens.push(token.clone());
            token
        };
        Some(json_answer(
            StatusCode::OK,
            &json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}),
            "application/json",
        ))
    }

    /// A token it issued, or a Digest answer to a challenge it made; else a `401` with a
    /// challenge.
    fn authenticate(&self, request: &ReceivedRequest) -> Result<(), Refused> {
        let header = request
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if let Some(token) = header.strip_prefix("Bearer ") {
            if lock(&self.tokens).iter().any(|t| t == token) {
                return Ok(());
            }
        } else if header.starts_with("Digest ") && self.digest_holds(header, request) {
            return Ok(());
        }
        let nonce = {
            let mut nonces = lock(&self.nonces);
            let nonce = format!("fakenonce{:08}", nonces.len() + 1);
            nonces.push(nonce.clone());
            nonce
        };
        let mut refused = api_error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "You are not authorized for this resource.",
        );
        let challenge = format!(
            r#"Digest realm="{REALM}", domain="", nonce="{nonce}", algorithm=MD5, qop="auth", stale=false"#
        );
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            refused.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
        Err(Box::new(refused))
    }

    /// Whether a Digest `Authorization` answers one of its nonces with the API key, for
    /// this method and target.
    fn digest_holds(&self, header: &str, request: &ReceivedRequest) -> bool {
        let Ok(sent) = digest_auth::AuthorizationHeader::parse(header) else {
            return false;
        };
        let target = match &request.query {
            Some(query) => format!("{}?{query}", request.path),
            None => request.path.clone(),
        };
        if sent.username != PUBLIC_KEY
            || sent.uri != target
            || !lock(&self.nonces).contains(&sent.nonce)
        {
            return false;
        }
        let context = digest_auth::AuthContext::new_with_method(
            PUBLIC_KEY,
            PRIVATE_KEY,
            sent.uri.as_str(),
            Some(request.body.as_ref()),
            digest_auth::HttpMethod::from(request.method.as_str()),
        );
        let mut expected = sent.clone();
        expected.digest(&context);
        expected.response == sent.response
    }
}

/// The API version `Accept` names, if the operation has it; else a `406`.
fn checked_version(
    operation: &'static OperationInfo,
    request: &ReceivedRequest,
) -> Result<&'static str, Refused> {
    let asked = request.version.as_deref();
    match operation.versions.iter().find(|v| Some(v.version) == asked) {
        Some(version) => Ok(version.version),
        None => Err(Box::new(api_error(
            StatusCode::NOT_ACCEPTABLE,
            "INVALID_API_VERSION",
            &format!(
                "{} has no API version {}; Accept one of {}",
                operation.operation_id,
                asked.unwrap_or("(none: `Accept` names no application/vnd.atlas.<version>+json)"),
                operation
                    .versions
                    .iter()
                    .map(|v| v.version)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))),
    }
}

/// The request's body as JSON, once it decodes as the operation's request type.
fn checked_body(
    operation: &'static OperationInfo,
    version: &str,
    request: &ReceivedRequest,
) -> Result<Option<Value>, Refused> {
    let takes_body = operation
        .version(Some(version))
        .is_some_and(|v| v.request_media_type.is_some());
    if !takes_body || request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    crate::dynamic::decode_request(operation.operation_id, version, &request.body)
        .map(|_| serde_json::from_slice(&request.body).ok())
        .map_err(|error| {
            Box::new(api_error(
                StatusCode::BAD_REQUEST,
                "INVALID_JSON_ATTRIBUTE",
                &format!(
                    "the body is not a request of {} {version}: {error}",
                    operation.operation_id
                ),
            ))
        })
}

/// What the store answers, and the walk the operation starts.
fn decide(
    store: &mut Store,
    operation_id: &'static str,
    version: &str,
    request: &ReceivedRequest,
    body: Option<Value>,
) -> Result<store::Decided, store::Refusal> {
    let status = success_status(operation_id, version);
    let walk = store::walk_of(operation_id, version);
    // Whether a body (`None`: none) is one the operation's success type takes.
    let fits = |body: Option<&Value>| {
        let text = body.map(Value::to_string).unwrap_or_default();
        crate::dynamic::check_response(operation_id, Some(version), status, text.as_bytes())
            .map_err(|error| error.to_string())
    };
    let Some((family, role)) = store::family_of(operation_id) else {
        let Some(walk) = walk else {
            return Err((
                501,
                "NOT_IMPLEMENTED".to_owned(),
                format!(
                    "the fake Atlas does not serve {operation_id} ({} {}): it keeps resource \
                     families and long-running operations; answer it with FakeAtlas::rule",
                    request.method, request.path
                ),
            ));
        };
        // An action (a tenant upgrade, a processor's start) names its resource in its path
        // or its body.
        let resource = store
            .start_walk(walk, &request.path_params, body.as_ref())
            .ok_or_else(|| {
                (
                    404,
                    "RESOURCE_NOT_FOUND".to_owned(),
                    format!("{operation_id}: the resource it changes does not exist"),
                )
            })?;
        let empty = Value::Object(serde_json::Map::new());
        let answer = [Some(resource), None, Some(empty)]
            .into_iter()
            .find(|candidate| fits(candidate.as_ref()).is_ok())
            .flatten();
        return Ok((status, answer));
    };
    let query = |name: &str| request.query_param(name);
    let mut answer = store::answer(
        store,
        family,
        role,
        &request.path_params,
        body,
        query,
        &fits,
    )?;
    if let Some(walk) = walk {
        let changed = store.start_walk(walk, &request.path_params, answer.as_ref());
        if role != Role::Delete {
            answer = changed.or(answer);
        }
    } else if role == Role::Delete {
        store.delete(family, &request.path_params)?;
    }
    Ok((status, answer))
}

/// The answer, once it decodes as the operation's declared outcome; one that does not is
/// a `500` naming the decoding error.
fn checked_answer(
    operation_id: &str,
    version: &str,
    status: u16,
    body: Option<&Value>,
) -> http::Response<Bytes> {
    let media = format!("application/vnd.atlas.{version}+json");
    let text = body.map(Value::to_string).unwrap_or_default();
    let checked =
        crate::dynamic::check_response(operation_id, Some(version), status, text.as_bytes());
    match checked {
        Ok(()) => {
            let mut response = http::Response::new(Bytes::from(text));
            *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            if let Ok(media) = HeaderValue::from_str(&media) {
                response.headers_mut().insert(CONTENT_TYPE, media);
            }
            response
        }
        Err(error) => api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "FAKE_ANSWER_INVALID",
            &format!("the fake's answer to {operation_id} {version} does not decode: {error}"),
        ),
    }
}

/// Standard base64, as HTTP Basic credentials are written.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

fn respond(answer: http::Response<Bytes>) -> Response {
    answer.map(Body::from)
}

/// An answer whose body breaks off at once: the connection closes after the head.
fn reset() -> Response {
    let broken = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "reset by the fake",
        ))
    });
    let mut response = Response::new(Body::from_stream(broken));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
