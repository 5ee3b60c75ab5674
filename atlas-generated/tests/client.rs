//! The client against a fake Atlas on 127.0.0.1: service account tokens (one fetch for
//! many callers, expiry, a refused token, revocation, a failing token endpoint), Digest
//! challenges, retries (`429` with `Retry-After`, a proxy's `503` page, what is not
//! retried), a connection reset mid-body, a server slower than the timeout, pagination, and
//! secrets that never show. Every test is bounded by `within`.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_generated::client::{Client, Credentials, ErrorKind, RetryPolicy};
use atlas_generated::models::{ClusterDescription20240805, Group};
use atlas_generated::operations::{CreateCluster, GetCluster, ListGroups};
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const GROUP: &str = "5f1e2d3c4b5a69788796a5b4";
const CLUSTER_PATH: &str = "/api/atlas/v2/groups/{group}/clusters/{cluster}";
const SECRET: &str = "sa-secret-do-not-print";

/// Runs `test`, failing it if it takes longer than 30 s.
async fn within<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), test)
        .await
        .expect("the test finished in time")
}

/// Serves `router` on 127.0.0.1, returning its base URL.
async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

#[derive(Default)]
struct Counts {
    tokens: AtomicUsize,
    calls: AtomicUsize,
}

/// A token endpoint issuing `t1`, `t2`, … valid for `expires_in` seconds, checking the
/// service account's Basic credentials and grant type; and a cluster endpoint accepting
/// the token `valid(n)` says is good.
fn service_account_atlas(counts: Arc<Counts>, expires_in: u64, valid: fn(&str) -> bool) -> Router {
    let token_counts = counts.clone();
    Router::new()
        .route(
            "/api/oauth/token",
            post(move |headers: HeaderMap, body: String| async move {
                let n = token_counts.tokens.fetch_add(1, Ordering::SeqCst) + 1;
                // `id:sa-secret-do-not-print`, base64.
                let basic = headers[header::AUTHORIZATION].to_str().unwrap();
                assert_eq!(basic, "Basic aWQ6c2Etc2VjcmV0LWRvLW5vdC1wcmludA==");
                assert_eq!(body, "grant_type=client_credentials");
                json_response(
                    StatusCode::OK,
                    json!({"access_token": format!("access-token-{n}"), "expires_in": expires_in, "token_type": "Bearer"}),
                )
            }),
        )
        .route(
            CLUSTER_PATH,
            any(move |headers: HeaderMap| async move {
                counts.calls.fetch_add(1, Ordering::SeqCst);
                let auth = headers[header::AUTHORIZATION].to_str().unwrap();
                let agent = headers[header::USER_AGENT].to_str().unwrap();
                assert!(agent.starts_with("atlas-generated/"), "{agent}");
                match auth.strip_prefix("Bearer ") {
                    Some(token) if valid(token) => {
                        json_response(StatusCode::OK, json!({"name": "Cluster0"}))
                    }
                    _ => json_response(
                        StatusCode::UNAUTHORIZED,
                        json!({"error": 401, "errorCode": "NOT_ORG_GROUP_CREATOR", "detail": "Unauthorized."}),
                    ),
                }
            }),
        )
}

fn service_account(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .credentials(Credentials::service_account("id", SECRET))
        .retry(fast_retries())
        .build()
        .unwrap()
}

fn get_cluster() -> GetCluster {
    GetCluster::new(GROUP, "Cluster0")
}

#[tokio::test]
async fn sixty_four_concurrent_sends_share_one_token_fetch() {
    within(async {
        let counts = Arc::new(Counts::default());
        let base = serve(service_account_atlas(counts.clone(), 3600, |t| {
            t == "access-token-1"
        }))
        .await;
        let client = service_account(&base);
        let sends = (0..64).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send(&get_cluster()).await })
        });
        for send in futures_util::future::join_all(sends).await {
            let cluster = send.unwrap().unwrap();
            assert_eq!(cluster.name.as_deref(), Some("Cluster0"));
        }
        assert_eq!(counts.tokens.load(Ordering::SeqCst), 1);
        assert_eq!(
            counts.calls.load(Ordering::SeqCst),
            64,
            "no request sent twice"
        );
    })
    .await;
}

/// Two clients built apart, the second sharing the first's tokens: one fetch for both.
#[tokio::test]
async fn clients_that_share_a_token_fetch_it_once() {
    within(async {
        let counts = Arc::new(Counts::default());
        let base = serve(service_account_atlas(counts.clone(), 3600, |t| {
            t == "access-token-1"
        }))
        .await;
        let first = service_account(&base);
        let second = Client::builder()
            .base_url(&base)
            .credentials(Credentials::service_account("id", SECRET))
            .timeout(Duration::from_secs(5))
            .share_token_with(&first)
            .build()
            .unwrap();
        let sends = (0..32).map(|i| {
            let client = if i % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            tokio::spawn(async move { client.send(&get_cluster()).await })
        });
        for send in futures_util::future::join_all(sends).await {
            send.unwrap().unwrap();
        }
        assert_eq!(
            counts.tokens.load(Ordering::SeqCst),
            1,
            "one token for both"
        );

        let alone = service_account(&base);
        alone
            .send(&get_cluster())
            .await
            .expect_err("token 2 is refused");
        assert_eq!(
            counts.tokens.load(Ordering::SeqCst),
            3,
            "a client built alone fetches its own (and refreshes it once)"
        );

        let mismatches = [
            Client::builder()
                .base_url(&base)
                .credentials(Credentials::service_account("id", "another secret"))
                .share_token_with(&first),
            Client::builder()
                .base_url("http://127.0.0.1:9")
                .credentials(Credentials::service_account("id", SECRET))
                .share_token_with(&first),
            Client::builder()
                .base_url(&base)
                .credentials(Credentials::digest("public", "private"))
                .share_token_with(&first),
        ];
        for builder in mismatches {
            let error = builder.build().expect_err("nothing to share");
            assert_eq!(error.kind(), ErrorKind::Config);
            assert!(
                error.to_string().starts_with("share_token_with: "),
                "{error}"
            );
        }
    })
    .await;
}

/// A cluster endpoint that says `remaining` of a budget of 10 are left.
async fn rate_limited_atlas(remaining: &'static str) -> String {
    serve(Router::new().route(
        CLUSTER_PATH,
        any(move || async move {
            let mut response = json_response(StatusCode::OK, json!({"name": "Cluster0"}));
            let headers = response.headers_mut();
            headers.insert("RateLimit-Limit", "10".parse().unwrap());
            headers.insert("RateLimit-Remaining", remaining.parse().unwrap());
            response
        }),
    ))
    .await
}

/// How long `sends` sends of `getCluster` take, `concurrent` at a time.
async fn time_sends(client: &Client, sends: usize, concurrent: bool) -> Duration {
    client.send(&get_cluster()).await.unwrap();
    let started = std::time::Instant::now();
    if concurrent {
        let all = (0..sends).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send(&get_cluster()).await })
        });
        for send in futures_util::future::join_all(all).await {
            send.unwrap().unwrap();
        }
    } else {
        for _ in 0..sends {
            client.send(&get_cluster()).await.unwrap();
        }
    }
    started.elapsed()
}

/// With pacing, an empty budget of 10 a second spaces requests 100 ms apart (5 sends: the
/// first at once, then 4 waits), one after
/// another or at once; a budget with more than a quarter left, or no pacing, does not.
#[tokio::test]
async fn paced_requests_slow_down_as_the_budget_runs_out() {
    within(async {
        let empty = rate_limited_atlas("0").await;
        let paced = |base: &str| {
            Client::builder()
                .base_url(base)
                .pace_requests(Duration::from_secs(1))
                .build()
                .unwrap()
        };
        let spaced = time_sends(&paced(&empty), 5, false).await;
        assert!(spaced >= Duration::from_millis(390), "{spaced:?}");
        let spaced = time_sends(&paced(&empty), 5, true).await;
        assert!(spaced >= Duration::from_millis(390), "at once: {spaced:?}");

        let unpaced = Client::builder().base_url(&empty).build().unwrap();
        let quick = time_sends(&unpaced, 5, false).await;
        assert!(quick < Duration::from_millis(300), "not paced: {quick:?}");
        let plenty = rate_limited_atlas("9").await;
        let quick = time_sends(&paced(&plenty), 5, false).await;
        assert!(quick < Duration::from_millis(300), "budget left: {quick:?}");
    })
    .await;
}

// The paused clock jumps over the waits: the test takes milliseconds.
#[tokio::test(start_paused = true)]
async fn a_token_is_replaced_before_it_expires() {
    within(async {
        let counts = Arc::new(Counts::default());
        // `expires_in: 1`: the token is replaced after half its life.
        let base = serve(service_account_atlas(counts.clone(), 1, |_| true)).await;
        let client = service_account(&base);
        client.send(&get_cluster()).await.unwrap();
        client.send(&get_cluster()).await.unwrap();
        assert_eq!(counts.tokens.load(Ordering::SeqCst), 1, "still fresh");
        tokio::time::sleep(Duration::from_millis(600)).await;
        client.send(&get_cluster()).await.unwrap();
        assert_eq!(counts.tokens.load(Ordering::SeqCst), 2);
    })
    .await;
}

#[tokio::test]
async fn a_refused_token_is_refreshed_once_and_the_request_retried_once() {
    within(async {
        // `t1` is refused (revoked elsewhere); `t2` is good.
        let counts = Arc::new(Counts::default());
        let base = serve(service_account_atlas(counts.clone(), 3600, |t| t == "access-token-2")).await;
        let client = service_account(&base);
        client.send(&get_cluster()).await.unwrap();
        assert_eq!(counts.tokens.load(Ordering::SeqCst), 2);
        assert_eq!(counts.calls.load(Ordering::SeqCst), 2);

        // Every token refused: one refresh, one retry, then Atlas's error.
        let counts = Arc::new(Counts::default());
        let base = serve(service_account_atlas(counts.clone(), 3600, |_| false)).await;
        let error = service_account(&base).send(&get_cluster()).await.unwrap_err();
        assert_eq!(error.status(), Some(401));
        assert_eq!(error.error_code(), Some("NOT_ORG_GROUP_CREATOR"));
        assert_eq!(counts.tokens.load(Ordering::SeqCst), 2);
        assert_eq!(counts.calls.load(Ordering::SeqCst), 2);
        let text = error.to_string();
        assert!(
            text.starts_with("getGroupCluster GET /api/atlas/v2/groups/{groupId}/clusters/{clusterName}: 401 NOT_ORG_GROUP_CREATOR: Unauthorized."),
            "{text}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_failing_or_malformed_token_response_is_an_error() {
    within(async {
        let refused = Router::new().route(
            "/api/oauth/token",
            post(|| async {
                json_response(
                    StatusCode::UNAUTHORIZED,
                    json!({"error": "invalid_client", "error_description": "Invalid client credentials"}),
                )
            }),
        );
        let error = service_account(&serve(refused).await).send(&get_cluster()).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Auth);
        assert_eq!(error.status(), Some(401));
        assert!(error.to_string().contains("Invalid client credentials"), "{error}");

        let malformed = Router::new().route("/api/oauth/token", post(|| async { "<html>oops</html>" }));
        let error = service_account(&serve(malformed).await).send(&get_cluster()).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Auth);
        assert!(error.to_string().contains("access_token"), "{error}");
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(SECRET), "{text}");
        }
    })
    .await;
}

#[tokio::test]
async fn revoking_forgets_the_token() {
    within(async {
        let counts = Arc::new(Counts::default());
        let revoked = Arc::new(Mutex::new(Vec::new()));
        let seen = revoked.clone();
        let router = service_account_atlas(counts.clone(), 3600, |_| true).route(
            "/api/oauth/revoke",
            post(move |body: String| async move {
                seen.lock().unwrap().push(body);
                StatusCode::OK
            }),
        );
        let client = service_account(&serve(router).await);
        client.revoke_token().await.unwrap();
        assert!(
            revoked.lock().unwrap().is_empty(),
            "no token yet, nothing to revoke"
        );
        client.send(&get_cluster()).await.unwrap();
        client.revoke_token().await.unwrap();
        assert_eq!(
            *revoked.lock().unwrap(),
            ["token=access-token-1&token_type_hint=access_token"]
        );
        client.send(&get_cluster()).await.unwrap();
        assert_eq!(
            counts.tokens.load(Ordering::SeqCst),
            2,
            "a new token after revoking"
        );
    })
    .await;
}

/// A cluster endpoint answering from `script` in turn (the last answer repeats), counting
/// requests.
fn scripted(calls: Arc<AtomicUsize>, script: Vec<fn() -> Response>) -> Router {
    Router::new().route(
        CLUSTER_PATH,
        any(move || async move {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            script[n.min(script.len() - 1)]()
        }),
    )
}

fn unauthenticated(base: &str, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(base)
        .retry(retry)
        .build()
        .unwrap()
}

fn ok_cluster() -> Response {
    json_response(StatusCode::OK, json!({"name": "Cluster0"}))
}

fn too_many_requests() -> Response {
    let mut response = json_response(
        StatusCode::TOO_MANY_REQUESTS,
        json!({"error": 429, "errorCode": "RATE_LIMITED", "detail": "Slow down."}),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, "1".parse().unwrap());
    response
}

/// Atlas's token-bucket refusal with its wait only in `parameters` (no `Retry-After`):
/// `[path, retry-after seconds, capacity, refill rate, refill seconds]`.
fn rate_limited_without_header() -> Response {
    json_response(
        StatusCode::TOO_MANY_REQUESTS,
        json!({
            "error": 429,
            "errorCode": "RATE_LIMITED_TOKEN_BUCKET",
            "detail": "Rate limit exceeded.",
            "parameters": ["/api/atlas/v2/groups/{groupId}/clusters/{clusterName}", 7, 100, 10, 1]
        }),
    )
}

fn proxy_unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html")],
        "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
    )
        .into_response()
}

// The paused clock jumps over the waits: the test takes milliseconds.
#[tokio::test(start_paused = true)]
async fn too_many_requests_waits_as_retry_after_says() {
    within(async {
        let calls = Arc::new(AtomicUsize::new(0));
        let base = serve(scripted(calls.clone(), vec![too_many_requests, ok_cluster])).await;
        let started = tokio::time::Instant::now();
        let cluster = unauthenticated(&base, fast_retries())
            .send(&get_cluster())
            .await
            .unwrap();
        assert_eq!(cluster.name.as_deref(), Some("Cluster0"));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "waited {:?}",
            started.elapsed()
        );
    })
    .await;
}

// Paused clock, as above.
#[tokio::test(start_paused = true)]
async fn a_rate_limit_error_s_own_retry_after_is_honoured_without_the_header() {
    within(async {
        let calls = Arc::new(AtomicUsize::new(0));
        let script = vec![rate_limited_without_header, ok_cluster];
        let base = serve(scripted(calls.clone(), script)).await;
        let started = tokio::time::Instant::now();
        let cluster = unauthenticated(&base, fast_retries())
            .send(&get_cluster())
            .await
            .unwrap();
        assert_eq!(cluster.name.as_deref(), Some("Cluster0"));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        // The 7 s the error asks for, not the policy's millisecond backoff.
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_secs(7) && waited < Duration::from_secs(8),
            "waited {waited:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_proxy_page_is_retried_until_attempts_run_out() {
    within(async {
        let calls = Arc::new(AtomicUsize::new(0));
        let base = serve(scripted(calls.clone(), vec![proxy_unavailable])).await;
        let client = unauthenticated(&base, fast_retries().max_attempts(3));
        let error = client.send(&get_cluster()).await.unwrap_err();
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert_eq!(error.kind(), ErrorKind::RetriesExhausted);
        assert_eq!(error.status(), Some(503));
        assert!(error.api_error().is_none());
        assert!(error.body().unwrap().starts_with(b"<html>"));
        assert!(
            error
                .to_string()
                .contains("503 Service Temporarily Unavailable"),
            "{error}"
        );
    })
    .await;
}

// The paused clock jumps over the waits: the test takes milliseconds.
#[tokio::test(start_paused = true)]
async fn a_post_is_retried_on_429_but_not_on_503() {
    within(async {
        let create = || CreateCluster::new(GROUP, ClusterDescription20240805::default());
        let route = |calls: Arc<AtomicUsize>, answer: fn() -> Response| {
            Router::new().route(
                "/api/atlas/v2/groups/{group}/clusters",
                post(move || async move {
                    let n = calls.fetch_add(1, Ordering::SeqCst);
                    if n == 0 {
                        answer()
                    } else {
                        json_response(StatusCode::CREATED, json!({"name": "c"}))
                    }
                }),
            )
        };
        let calls = Arc::new(AtomicUsize::new(0));
        let base = serve(route(calls.clone(), proxy_unavailable)).await;
        let error = unauthenticated(&base, fast_retries())
            .send(&create())
            .await
            .unwrap_err();
        assert_eq!(
            (error.status(), calls.load(Ordering::SeqCst)),
            (Some(503), 1)
        );

        let calls = Arc::new(AtomicUsize::new(0));
        let base = serve(route(calls.clone(), too_many_requests)).await;
        unauthenticated(&base, fast_retries())
            .send(&create())
            .await
            .unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);

        let calls = Arc::new(AtomicUsize::new(0));
        let base = serve(route(calls.clone(), proxy_unavailable)).await;
        let opted_in = fast_retries().retry_non_idempotent(true);
        unauthenticated(&base, opted_in)
            .send(&create())
            .await
            .unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    })
    .await;
}

/// A server that answers each connection with `answer` and then closes it, counting
/// connections.
async fn raw_server(answer: &'static [u8], delay: Duration) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buffer = [0_u8; 4096];
                let _ = socket.read(&mut buffer).await;
                tokio::time::sleep(delay).await;
                let _ = socket.write_all(answer).await;
                // Dropping the socket closes the connection, mid-body if the answer
                // promised more.
            });
        }
    });
    (format!("http://{address}"), connections)
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_a_transport_error_not_retried() {
    within(async {
        let answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"name\":\"Clus";
        let (base, connections) = raw_server(answer, Duration::ZERO).await;
        let error = unauthenticated(&base, fast_retries()).send(&get_cluster()).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
        assert_eq!(connections.load(Ordering::SeqCst), 1, "the request was sent: no retry");
        assert!(error.to_string().starts_with("getGroupCluster GET "), "{error}");
    })
    .await;
}

// The paused clock jumps over the waits: the test takes milliseconds.
#[tokio::test(start_paused = true)]
async fn a_server_slower_than_the_timeout_is_a_timeout() {
    within(async {
        let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        let (base, _) = raw_server(answer, Duration::from_secs(5)).await;
        let client = Client::builder()
            .base_url(&base)
            .timeout(Duration::from_millis(200))
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let started = tokio::time::Instant::now();
        let error = client.send(&get_cluster()).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
        assert!(started.elapsed() < Duration::from_secs(2));
    })
    .await;
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    within(async {
        // Bind and drop: nothing listens on the port.
        let port = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = unauthenticated(
            &format!("http://127.0.0.1:{port}"),
            fast_retries().max_attempts(3),
        );
        let error = client.send(&get_cluster()).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    })
    .await;
}

/// A list of `total` projects served a page at a time; `total_count` and `links` as asked.
fn projects(total: usize, total_count: bool, links: bool, pages: Arc<Mutex<Vec<usize>>>) -> Router {
    capped_projects(total, usize::MAX, total_count, links, pages)
}

/// The same, from an endpoint that gives at most `cap` items a page, whatever is asked.
fn capped_projects(
    total: usize,
    cap: usize,
    total_count: bool,
    links: bool,
    pages: Arc<Mutex<Vec<usize>>>,
) -> Router {
    Router::new().route(
        "/api/atlas/v2/groups",
        any(move |uri: Uri| async move {
            let query: HashMap<&str, usize> = uri
                .query()
                .unwrap_or_default()
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(key, value)| (key, value.parse().unwrap()))
                .collect();
            let (page_num, size) = (query["pageNum"], query["itemsPerPage"].min(cap));
            pages.lock().unwrap().push(page_num);
            let start = (page_num - 1) * size;
            let results: Vec<Value> = (start..total.min(start + size))
                .map(|i| json!({"name": format!("p{i}"), "orgId": "o1"}))
                .collect();
            let mut body = json!({"results": results});
            if total_count {
                body["totalCount"] = json!(total);
            }
            if links {
                let mut list = vec![json!({"rel": "self", "href": "x"})];
                if start + size < total {
                    list.push(json!({"rel": "next", "href": "y"}));
                }
                body["links"] = json!(list);
            }
            json_response(StatusCode::OK, body)
        }),
    )
}

async fn walk(router: Router) -> Vec<Group> {
    let client = unauthenticated(&serve(router).await, fast_retries());
    client
        .paginate(ListGroups::new())
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_three_page_list_is_walked_lazily_to_its_end() {
    within(async {
        // 1,200 projects: pages of 500, 500 and 200 (a short page ends the walk).
        let pages = Arc::new(Mutex::new(Vec::new()));
        let all = walk(projects(1200, false, false, pages.clone())).await;
        assert_eq!(all.len(), 1200);
        assert_eq!(all[1199].name, "p1199");
        assert_eq!(*pages.lock().unwrap(), [1, 2, 3]);

        // Exactly 1,000: `totalCount` ends it after two full pages, with no empty third.
        let pages = Arc::new(Mutex::new(Vec::new()));
        assert_eq!(
            walk(projects(1000, true, false, pages.clone())).await.len(),
            1000
        );
        assert_eq!(*pages.lock().unwrap(), [1, 2]);

        // Without `totalCount`, a page without a `next` link ends it.
        let pages = Arc::new(Mutex::new(Vec::new()));
        assert_eq!(
            walk(projects(1500, false, true, pages.clone())).await.len(),
            1500
        );
        assert_eq!(*pages.lock().unwrap(), [1, 2, 3]);

        // Lazily: taking 3 items fetches one page.
        let pages = Arc::new(Mutex::new(Vec::new()));
        let client = unauthenticated(
            &serve(projects(1200, true, true, pages.clone())).await,
            fast_retries(),
        );
        let first: Vec<Group> = client
            .paginate(ListGroups::new())
            .take(3)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(first.len(), 3);
        assert_eq!(*pages.lock().unwrap(), [1]);
    })
    .await;
}

#[tokio::test]
async fn a_list_of_pages_smaller_than_asked_is_walked_to_the_end_the_server_gives() {
    within(async {
        // 250 projects, 100 a page although 500 are asked: `totalCount` says more follow.
        let pages = Arc::new(Mutex::new(Vec::new()));
        let all = walk(capped_projects(250, 100, true, false, pages.clone())).await;
        assert_eq!(all.len(), 250);
        assert_eq!(*pages.lock().unwrap(), [1, 2, 3]);
        // So does a `next` link.
        let pages = Arc::new(Mutex::new(Vec::new()));
        let all = walk(capped_projects(250, 100, false, true, pages.clone())).await;
        assert_eq!(all.len(), 250);
        assert_eq!(*pages.lock().unwrap(), [1, 2, 3]);
        // Without either, a short page is all there is to go by.
        let pages = Arc::new(Mutex::new(Vec::new()));
        assert_eq!(
            walk(capped_projects(250, 100, false, false, pages.clone()))
                .await
                .len(),
            100
        );
    })
    .await;
}

#[tokio::test]
async fn the_page_stream_is_unpin_so_the_plain_loop_compiles() {
    within(async {
        let pages = Arc::new(Mutex::new(Vec::new()));
        let client = unauthenticated(
            &serve(projects(600, true, true, pages.clone())).await,
            fast_retries(),
        );
        let mut stream = client.paginate(ListGroups::new());
        let mut names = Vec::new();
        while let Some(project) = stream.try_next().await.unwrap() {
            names.push(project.name);
        }
        assert_eq!(names.len(), 600);
        assert_eq!(names[599], "p599");
        // `next` too, without `pin!`.
        let mut stream = client.paginate(ListGroups::new());
        assert!(stream.next().await.is_some());
    })
    .await;
}

#[tokio::test]
async fn a_list_that_never_ends_stops_at_the_page_limit() {
    within(async {
        // Every page full, with a `next` link, whatever its number.
        let endless = Router::new().route(
            "/api/atlas/v2/groups",
            any(|| async {
                let results: Vec<Value> = (0..500)
                    .map(|i| json!({"name": format!("p{i}"), "orgId": "o"}))
                    .collect();
                json_response(
                    StatusCode::OK,
                    json!({"results": results, "links": [{"rel": "next"}]}),
                )
            }),
        );
        let client = Client::builder()
            .base_url(serve(endless).await)
            .max_pages(3)
            .build()
            .unwrap();
        let result: Result<Vec<Group>, _> = client.paginate(ListGroups::new()).try_collect().await;
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Pagination);
        assert!(error.to_string().contains("3 pages"), "{error}");
    })
    .await;
}

/// A Digest server with one nonce per `stale_after` answers (then a stale challenge),
/// recording each `Authorization` it gets. It checks the scheme and the `nc` sequence; the
/// hash itself is checked against an independent server in `tests/digest_httpbin.rs`.
fn digest_atlas(authorizations: Arc<Mutex<Vec<String>>>, stale_after: usize) -> Router {
    Router::new().route(
        CLUSTER_PATH,
        any(move |request: Request<Body>| async move {
            let header = request
                .headers()
                .get(header::AUTHORIZATION)
                .map(|v| v.to_str().unwrap().to_owned());
            let mut seen = authorizations.lock().unwrap();
            let answered = seen.len();
            let nonce = format!("nonce{}", answered / stale_after);
            let challenge = |stale: bool| {
                let mut response = StatusCode::UNAUTHORIZED.into_response();
                let value = format!(
                    r#"Digest realm="MMS Public API", domain="", nonce="{nonce}", algorithm=MD5, qop="auth", stale={stale}"#
                );
                response.headers_mut().insert(header::WWW_AUTHENTICATE, value.parse().unwrap());
                response
            };
            let Some(header) = header else {
                return challenge(false);
            };
            seen.push(header.clone());
            if !header.contains(&format!(r#"nonce="{nonce}""#)) {
                return challenge(true);
            }
            ok_cluster()
        }),
    )
}

#[tokio::test]
async fn digest_reuses_the_nonce_with_a_growing_nc_and_answers_a_stale_one() {
    within(async {
        let authorizations = Arc::new(Mutex::new(Vec::new()));
        let base = serve(digest_atlas(authorizations.clone(), 3)).await;
        let client = Client::builder()
            .base_url(base)
            .credentials(Credentials::digest("public", "private-key-do-not-print"))
            .build()
            .unwrap();
        for _ in 0..4 {
            client.send(&get_cluster()).await.unwrap();
        }
        let seen = authorizations.lock().unwrap().clone();
        let nc = |h: &str| h.split("nc=").nth(1).unwrap()[..8].to_owned();
        let nonces: Vec<bool> = seen
            .iter()
            .map(|h| h.contains(r#"nonce="nonce0""#))
            .collect();
        // One challenge round trip for the first request, none for the next two; the
        // fourth finds the nonce stale and answers the new one.
        assert_eq!(seen.len(), 5, "{seen:#?}");
        assert_eq!(nonces, [true, true, true, true, false]);
        assert_eq!(
            seen[..3].iter().map(|h| nc(h)).collect::<Vec<_>>(),
            ["00000001", "00000002", "00000003"]
        );
        assert_eq!(nc(&seen[4]), "00000001");
        assert!(
            seen.iter()
                .all(|h| h.starts_with("Digest ") && h.contains(r#"username="public""#))
        );
        assert!(seen.iter().all(|h| !h.contains("private-key")));
    })
    .await;
}

#[test]
fn plain_http_is_refused_for_credentials_to_other_hosts() {
    let error = Client::builder()
        .base_url("http://cloud.mongodb.com")
        .credentials(Credentials::service_account("id", SECRET))
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(!format!("{error} {error:?}").contains(SECRET));
}

/// A `tracing` writer that keeps what it is given.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn each_request_has_a_span_and_no_log_holds_a_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(within(async {
            let counts = Arc::new(Counts::default());
            let base = serve(service_account_atlas(counts, 3600, |t| {
                t == "access-token-2"
            }))
            .await;
            service_account(&base).send(&get_cluster()).await.unwrap();
        }));
    });
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("atlas.request"), "{log}");
    // One `info` event per attempt, with its status and time.
    let attempts: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("attempt answered"))
        .collect();
    assert_eq!(attempts.len(), 2, "{log}");
    assert!(
        attempts[0].contains(" INFO ") && attempts[0].contains("attempt=1 status=401 elapsed_ms=")
    );
    assert!(
        attempts[1].contains("attempt=2 status=200 elapsed_ms="),
        "{log}"
    );
    // A `debug` summary, and the span's fields recorded once: no `attempt=1 … attempt=2`.
    assert!(
        log.lines().any(
            |l| l.contains(" DEBUG ") && l.contains("atlas request done attempts=2 status=200")
        ),
        "{log}"
    );
    assert!(
        !log.lines()
            .any(|l| l.matches("attempt=").count() > 1 || l.matches("status=").count() > 2),
        "{log}"
    );
    for field in [
        "operation=\"getGroupCluster\"",
        "version=\"2024-08-05\"",
        "method=\"GET\"",
        "path=\"/api/atlas/v2/groups/{groupId}/clusters/{clusterName}\"",
        "status=200",
        "attempt=2",
    ] {
        assert!(log.contains(field), "{field} in {log}");
    }
    for secret in [SECRET, "access-token-1", "access-token-2"] {
        assert!(!log.contains(secret), "{secret} in {log}");
    }
}

#[tokio::test]
async fn a_request_built_elsewhere_goes_to_the_client_s_base_only() {
    within(async {
        let counts = Arc::new(Counts::default());
        let base = serve(service_account_atlas(counts.clone(), 3600, |_| true)).await;
        let client = service_account(&base);
        // Built against the default base URL, sent to the client's, authenticated.
        let request = atlas_generated::runtime::Endpoint::to_request(&get_cluster()).unwrap();
        let response = client.send_request(request).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            serde_json::from_slice::<Value>(response.body()).unwrap()["name"],
            "Cluster0"
        );
        assert_eq!(counts.calls.load(Ordering::SeqCst), 1);
        // Another host: refused, so that credentials go nowhere else.
        let elsewhere = http::Request::get("https://example.com/api/atlas/v2/groups")
            .body(Vec::new())
            .unwrap();
        let error = client.send_request(elsewhere).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
        assert_eq!(counts.tokens.load(Ordering::SeqCst), 1);
    })
    .await;
}

/// A cluster route that records two request headers of each request it answers.
fn header_recorder(names: [&'static str; 2], seen: Arc<Mutex<Vec<[Option<String>; 2]>>>) -> Router {
    Router::new().route(
        CLUSTER_PATH,
        any(move |headers: HeaderMap| async move {
            let value = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
            seen.lock().unwrap().push(names.map(value));
            ok_cluster()
        }),
    )
}

#[tokio::test]
async fn default_headers_go_with_every_request_under_the_operation_s_own() {
    within(async {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let base = serve(header_recorder(["x-team", "accept"], seen.clone())).await;
        let client = Client::builder()
            .base_url(base)
            .default_header(
                header::HeaderName::from_static("x-team"),
                header::HeaderValue::from_static("infra"),
            )
            .default_header(
                header::ACCEPT,
                header::HeaderValue::from_static("text/plain"),
            )
            .build()
            .unwrap();
        client.send(&get_cluster()).await.unwrap();
        client.send(&get_cluster()).await.unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        for [team, accept] in seen.iter() {
            assert_eq!(team.as_deref(), Some("infra"));
            assert_eq!(
                accept.as_deref(),
                Some("application/vnd.atlas.2024-08-05+json"),
                "the operation's own Accept wins"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn requests_go_through_the_caller_s_reqwest_client() {
    within(async {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let base = serve(header_recorder(
            ["x-own-client", "user-agent"],
            seen.clone(),
        ))
        .await;
        let mut headers = header::HeaderMap::new();
        headers.insert("x-own-client", header::HeaderValue::from_static("yes"));
        let own = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent("my-tool/1.0")
            .build()
            .unwrap();
        let client = Client::builder()
            .base_url(base)
            .http_client(own)
            .build()
            .unwrap();
        client.send(&get_cluster()).await.unwrap();
        assert_eq!(
            *seen.lock().unwrap(),
            [[Some("yes".to_owned()), Some("my-tool/1.0".to_owned())]]
        );
        // Roots are for the builder's own client: with the caller's, a clear error. (A
        // self-signed certificate made for this test; its key was not kept.)
        let pem = include_bytes!("data/root-ca.pem");
        let root = reqwest::Certificate::from_pem(pem).unwrap();
        let error = Client::builder()
            .http_client(reqwest::Client::new())
            .add_root_certificate(root.clone())
            .build()
            .err()
            .unwrap();
        assert_eq!(error.kind(), ErrorKind::Config);
        assert!(error.to_string().contains("http_client"), "{error}");
        assert!(Client::builder().add_root_certificate(root).build().is_ok());
    })
    .await;
}

#[tokio::test]
async fn a_clone_with_its_own_timeout_leaves_the_client_s_alone() {
    within(async {
        let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        let (base, _) = raw_server(answer, Duration::from_millis(600)).await;
        let client = Client::builder()
            .base_url(&base)
            .timeout(Duration::from_secs(20))
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let quick = client.with_timeout(Duration::from_millis(100));
        let error = quick.send(&get_cluster()).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
        // The client it came from still waits as long as it was built to.
        let answered = client.send(&get_cluster()).await;
        assert!(answered.is_ok(), "{:?}", answered.err());
    })
    .await;
}

#[tokio::test]
async fn the_rate_limit_headers_of_an_answer_are_readable_as_numbers() {
    within(async {
        let router = Router::new().route(
            CLUSTER_PATH,
            any(|| async {
                let mut response = ok_cluster();
                let headers = response.headers_mut();
                headers.insert("RateLimit-Limit", "100".parse().unwrap());
                headers.insert("RateLimit-Remaining", "99".parse().unwrap());
                response
            }),
        );
        let client = unauthenticated(&serve(router).await, fast_retries());
        let answer = client.send_with_meta(&get_cluster()).await.unwrap();
        assert_eq!(answer.value.name.as_deref(), Some("Cluster0"));
        assert_eq!(answer.meta.status, 200);
        let limit = answer.meta.rate_limit.expect("the headers were sent");
        assert_eq!((limit.limit, limit.remaining), (Some(100), Some(99)));
        assert!(answer.meta.headers.contains_key("ratelimit-remaining"));
    })
    .await;
}
