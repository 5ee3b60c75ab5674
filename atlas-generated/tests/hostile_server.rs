//! The client against servers that attack it, on 127.0.0.1: numbers chosen to overflow
//! (`Retry-After`, `Content-Length`, `expires_in`, page counts), bodies that never end
//! (answers, tokens, downloads), a token endpoint that never answers, redirects to
//! another origin, thousands of concurrent calls under a small file descriptor limit,
//! bodies nested a million levels, and successes that do not decode. Each call ends with
//! an error that says what happened, in bounded time and memory; every test is bounded by
//! `within`.

#[path = "common/allocations.rs"]
mod allocations;
mod common;
#[path = "common/raw_http.rs"]
mod raw_http;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use atlas_generated::client::{Client, Credentials, ErrorKind, RetryPolicy};
use atlas_generated::models::{CloudDatabaseUser, DatabaseUserRole, DatabaseUserRoleRoleName};
use atlas_generated::operations::{CreateDatabaseUser, GetCluster, GetInvoice, ListGroups};
use atlas_generated::runtime::DecodeError;
use futures_util::TryStreamExt;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

use raw_http::read_request;

const GROUP: &str = "5f1e2d3c4b5a69788796a5b4";

/// Runs `f` to its end, returning its output and the most bytes this thread held
/// meanwhile beyond what it held before. The tests that measure run on a current-thread
/// runtime, so the client's work is on their thread.
async fn peak_of<T>(f: impl Future<Output = T>) -> (T, usize) {
    let before = allocations::start();
    let output = f.await;
    (output, allocations::peak_since(before))
}

/// Runs `test`, failing it if it takes longer than 60 s.
async fn within<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), test)
        .await
        .expect("the test finished in time")
}

/// What a raw server does with one connection, after reading the request's head and body.
type Answer =
    Arc<dyn Fn(String, TcpStream) -> futures_util::future::BoxFuture<'static, ()> + Send + Sync>;

/// A server on 127.0.0.1 that reads each request (head and `Content-Length` body), counts
/// it, and hands the connection to `answer`. Returns its base URL and the count.
async fn raw_server(answer: Answer) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answer.clone();
            let counted = counted.clone();
            tokio::spawn(async move {
                let Some(head) = read_request(&mut stream).await else {
                    return;
                };
                counted.fetch_add(1, Ordering::SeqCst);
                answer(head, stream).await;
            });
        }
    });
    (base, requests)
}

/// An answer written whole after `delay`.
fn fixed(delay: Duration, response: String) -> Answer {
    Arc::new(move |_, mut stream| {
        let response = response.clone();
        Box::pin(async move {
            tokio::time::sleep(delay).await;
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        })
    })
}

/// A `200` whose chunked body is `start` and then `item` for ever.
fn endless(content_type: &'static str, start: &'static str, item: &'static str) -> Answer {
    Arc::new(move |_, mut stream| {
        Box::pin(async move {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n"
            );
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = |text: &str| format!("{:x}\r\n{text}\r\n", text.len());
            // An empty chunk would end the body.
            if !start.is_empty() {
                let _ = stream.write_all(chunk(start).as_bytes()).await;
            }
            let block = chunk(&item.repeat(4096));
            // Until the client hangs up.
            while stream.write_all(block.as_bytes()).await.is_ok() {}
        })
    })
}

/// An answer whose connection closes after it, so that no request races its closing.
fn http_response(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!(
        "HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text
}

fn json_ok(body: &str) -> String {
    http_response("200 OK", &[("content-type", "application/json")], body)
}

fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .build()
        .unwrap()
}

fn get_cluster() -> GetCluster {
    GetCluster::new(GROUP, "Cluster0")
}

// 3. Numbers a server sends.

#[tokio::test]
async fn an_endless_retry_after_answered_late_ends_the_call() {
    within(async {
        // The review's panic: `started.elapsed() + wait` overflowed.
        let answer = http_response(
            "429 Too Many Requests",
            &[
                ("retry-after", "18446744073709551615"),
                ("content-type", "application/json"),
            ],
            r#"{"error":429,"errorCode":"RATE_LIMITED","detail":"Slow down."}"#,
        );
        let (base, requests) = raw_server(fixed(Duration::from_secs(1), answer)).await;
        let started = Instant::now();
        let error = client(&base).send(&get_cluster()).await.unwrap_err();
        assert_eq!(error.status(), Some(429), "{error}");
        assert_eq!(error.error_code(), Some("RATE_LIMITED"));
        assert_eq!(
            requests.load(Ordering::SeqCst),
            1,
            "no wait past the call's time"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    })
    .await;
}

#[tokio::test]
async fn a_content_length_past_the_limit_is_refused_before_reading() {
    within(async {
        let declaring = |length: &str| {
            let answer = http_response("200 OK", &[], "{}")
                .replace("content-length: 2", &format!("content-length: {length}"));
            raw_server(fixed(Duration::ZERO, answer))
        };
        // One byte over the default limit: refused from the head, before any body.
        let (base, _) = declaring("67108865").await;
        let error = client(&base).send(&get_cluster()).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TooLarge, "{error}");
        assert_eq!(error.status(), Some(200));
        assert!(
            error
                .to_string()
                .ends_with("the answer's body is 67108865 bytes, over the limit of 67108864"),
            "{error}"
        );
        // The largest number: hyper refuses the head itself.
        let (base, _) = declaring("18446744073709551615").await;
        let error = client(&base).send(&get_cluster()).await.unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::TooLarge | ErrorKind::Transport),
            "{error}"
        );
    })
    .await;
}

/// A token endpoint answering `expires_in`, and a cluster endpoint that accepts any token.
fn token_then_cluster(expires_in: &'static str) -> Answer {
    Arc::new(move |head, mut stream| {
        Box::pin(async move {
            let body = if head.starts_with("POST /api/oauth/token") {
                format!(r#"{{"access_token":"t","token_type":"Bearer","expires_in":{expires_in}}}"#)
            } else {
                r#"{"name":"Cluster0"}"#.to_owned()
            };
            let _ = stream.write_all(json_ok(&body).as_bytes()).await;
        })
    })
}

#[tokio::test]
async fn extreme_token_lifetimes_are_taken_or_refused_cleanly() {
    within(async {
        for (expires_in, works) in [
            ("18446744073709551615", true),
            ("9223372036854775807", true),
            ("0", true),
            ("-1", false),
            ("1e300", false),
            ("\"3600\"", false),
        ] {
            let (base, _) = raw_server(token_then_cluster(expires_in)).await;
            let client = Client::builder()
                .base_url(&base)
                .credentials(Credentials::service_account("id", "secret"))
                .build()
                .unwrap();
            for _ in 0..2 {
                let sent = client.send(&get_cluster()).await;
                match (&sent, works) {
                    (Ok(_), true) => {}
                    (Err(error), false) => assert_eq!(error.kind(), ErrorKind::Auth, "{error}"),
                    _ => panic!("expires_in {expires_in}: {sent:?}"),
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn extreme_page_counts_end_the_walk() {
    within(async {
        for total in ["9223372036854775807", "-9223372036854775808", "-1", "0", "18446744073709551615", "1e30"] {
            let body = format!(
                r#"{{"totalCount":{total},"results":[{{"name":"a"}}],"links":[{{"rel":"next","href":"x"}}]}}"#
            );
            let (base, requests) = raw_server(fixed(Duration::ZERO, json_ok(&body))).await;
            let client = Client::builder().base_url(&base).max_pages(3).build().unwrap();
            let walked: Result<Vec<_>, _> = client.paginate(ListGroups::new()).try_collect().await;
            // A count that does not fit is an undecodable page; any other ends the walk.
            match walked {
                Ok(groups) => assert!(groups.len() <= 3, "{total}: {}", groups.len()),
                Err(error) => assert!(
                    matches!(error.kind(), ErrorKind::Undecodable | ErrorKind::Pagination),
                    "{total}: {error}"
                ),
            }
            assert!(requests.load(Ordering::SeqCst) <= 3, "{total}");
        }
    })
    .await;
}

// 4. Bodies that never end.

#[tokio::test]
async fn an_endless_answer_stops_at_the_limit_without_being_held() {
    within(async {
        let (base, _) = raw_server(endless("application/json", "[", "{},")).await;
        // The default limit, 64 MiB.
        let started = Instant::now();
        let (sent, peak) = peak_of(client(&base).send(&get_cluster())).await;
        let error = sent.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TooLarge, "{error}");
        assert!(
            error
                .to_string()
                .contains("past the limit of 67108864 bytes"),
            "{error}"
        );
        // The limit, and what the last chunk read takes beside it.
        assert!(peak < (64 << 20) + (1 << 20), "held {peak} bytes");
        println!(
            "an endless answer: refused after {:?}, holding at most {peak} bytes",
            started.elapsed()
        );
        // A smaller limit, set by the caller.
        let small = Client::builder()
            .base_url(&base)
            .max_response_bytes(1 << 20)
            .build()
            .unwrap();
        let (sent, peak) = peak_of(small.send(&get_cluster())).await;
        assert_eq!(sent.unwrap_err().kind(), ErrorKind::TooLarge);
        assert!(peak < 2 << 20, "held {peak} bytes");
    })
    .await;
}

#[tokio::test]
async fn an_endless_token_answer_stops_at_sixty_four_kilobytes() {
    within(async {
        let (base, _) = raw_server(endless("application/json", r#"{"access_token":""#, "a")).await;
        let client = Client::builder()
            .base_url(&base)
            .credentials(Credentials::service_account("id", "secret"))
            .build()
            .unwrap();
        let (sent, peak) = peak_of(client.send(&get_cluster())).await;
        let error = sent.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Auth, "{error}");
        assert!(error.to_string().contains("limit of 65536"), "{error}");
        assert!(peak < 4 << 20, "held {peak} bytes");
    })
    .await;
}

#[tokio::test]
async fn downloads_have_their_own_limit() {
    use atlas_generated::operations::DownloadQueryLogs as Download;
    within(async {
        let (endless_base, _) = raw_server(endless("application/gzip", "", "x")).await;
        let body = "y".repeat(3 << 20);
        let answer = http_response("200 OK", &[("content-type", "application/gzip")], &body);
        let (sized_base, _) = raw_server(fixed(Duration::ZERO, answer)).await;
        let limited = |base: &str| {
            Client::builder()
                .base_url(base)
                .max_response_bytes(1 << 20)
                .max_download_bytes(4 << 20)
                .build()
                .unwrap()
        };
        let download = Download::new(GROUP, "Cluster0");
        // 3 MiB: over the answer limit, under the download limit.
        let logs = limited(&sized_base).send(&download).await.unwrap();
        assert_eq!(logs.body.len(), 3 << 20);
        let error = limited(&endless_base).send(&download).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TooLarge);
        assert!(error.to_string().contains("limit of 4194304"), "{error}");
    })
    .await;
}

// 5. The timeout bounds the whole call, token included.

#[tokio::test]
async fn a_token_endpoint_that_never_answers_fails_every_caller_at_the_timeout() {
    within(async {
        let silent: Answer = Arc::new(|_, stream| {
            Box::pin(async move {
                tokio::time::sleep(Duration::from_secs(120)).await;
                drop(stream);
            })
        });
        let (base, requests) = raw_server(silent).await;
        let client = Client::builder()
            .base_url(&base)
            .credentials(Credentials::service_account("id", "secret"))
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let started = Instant::now();
        let sends = (0..10).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send(&get_cluster()).await })
        });
        for sent in futures_util::future::join_all(sends).await {
            let error = sent.unwrap().unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
        }
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(4),
            "took {took:?}: each caller waited its turn"
        );
        assert_eq!(
            requests.load(Ordering::SeqCst),
            1,
            "one fetch for all callers"
        );
    })
    .await;
}

#[tokio::test]
async fn callers_waiting_on_one_token_fetch_share_its_failure() {
    within(async {
        let refused = http_response(
            "500 Internal Server Error",
            &[("content-type", "application/json")],
            r#"{"error":"server_error","error_description":"the token service is down"}"#,
        );
        let (base, requests) = raw_server(fixed(Duration::from_millis(300), refused)).await;
        let client = Client::builder()
            .base_url(&base)
            .credentials(Credentials::service_account("id", "secret"))
            .build()
            .unwrap();
        let sends = (0..16).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send(&get_cluster()).await })
        });
        for sent in futures_util::future::join_all(sends).await {
            let error = sent.unwrap().unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Auth);
            assert_eq!(error.status(), Some(500));
            assert!(
                error.to_string().contains("the token service is down"),
                "{error}"
            );
        }
        assert_eq!(requests.load(Ordering::SeqCst), 1);
    })
    .await;
}

#[tokio::test]
async fn the_whole_call_ends_within_max_elapsed() {
    within(async {
        // Every attempt ends in a 503 after 1.5 s; retries would go on for 4 attempts.
        let unavailable = http_response("503 Service Unavailable", &[], "");
        let (base, _) = raw_server(fixed(Duration::from_millis(1500), unavailable)).await;
        let client = Client::builder()
            .base_url(&base)
            .retry(RetryPolicy::default().max_elapsed(Duration::from_secs(2)))
            .build()
            .unwrap();
        let started = Instant::now();
        let error = client.send(&get_cluster()).await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_millis(2600),
            "{:?}",
            started.elapsed()
        );
        assert!(
            matches!(
                error.kind(),
                ErrorKind::Timeout | ErrorKind::RetriesExhausted | ErrorKind::Api
            ),
            "{error}"
        );
    })
    .await;
}

// 6. Redirects are not followed.

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    within(async {
        let (elsewhere, reached) = raw_server(fixed(Duration::ZERO, json_ok("{}"))).await;
        let redirect = http_response(
            "307 Temporary Redirect",
            &[("location", &format!("{elsewhere}/steal"))],
            "",
        );
        let (base, _) = raw_server(fixed(Duration::ZERO, redirect)).await;
        let client = Client::builder()
            .base_url(&base)
            .credentials(Credentials::bearer("a-token"))
            .build()
            .unwrap();
        let role = DatabaseUserRole::new("admin", DatabaseUserRoleRoleName::ReadWriteAnyDatabase);
        let user =
            CloudDatabaseUser::new("admin", [role], "app").password("a database user's password");
        let error = client
            .send(&CreateDatabaseUser::new(GROUP, user))
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(307));
        assert!(error.to_string().contains("does not follow"), "{error}");
        assert_eq!(
            reached.load(Ordering::SeqCst),
            0,
            "nothing reached the other origin"
        );
    })
    .await;
}

// 8. Connections: a cap on requests in flight, and errors that name their root cause.

/// Runs the test `name` of this binary again in a child process whose open files are
/// limited to `files`, with `ATLAS_FD_CHILD` set; fails with its output if it fails.
fn in_child_with_fd_limit(name: &str, files: u32) {
    let exe = std::env::current_exe().unwrap();
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -n {files} && exec \"$0\" \"$@\""))
        .arg(exe)
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env("ATLAS_FD_CHILD", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the child failed:\n{text}");
    assert!(text.contains("1 passed"), "the child ran nothing:\n{text}");
}

fn is_child() -> bool {
    std::env::var_os("ATLAS_FD_CHILD").is_some()
}

#[test]
fn five_thousand_concurrent_sends_under_a_small_fd_limit_all_succeed() {
    if !is_child() {
        return in_child_with_fd_limit(
            "five_thousand_concurrent_sends_under_a_small_fd_limit_all_succeed",
            256,
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(within(async {
        let (base, requests) = raw_server(fixed(
            Duration::from_millis(5),
            json_ok(r#"{"name":"Cluster0"}"#),
        ))
        .await;
        let client = client(&base);
        let sends = (0..5000).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send(&get_cluster()).await })
        });
        let mut failures = Vec::new();
        for sent in futures_util::future::join_all(sends).await {
            if let Err(error) = sent.unwrap() {
                failures.push(error.to_string());
            }
        }
        assert!(
            failures.is_empty(),
            "{} failed, first: {}",
            failures.len(),
            failures[0]
        );
        assert_eq!(requests.load(Ordering::SeqCst), 5000);
    }));
}

#[test]
fn too_many_open_files_is_named_as_the_cause() {
    if !is_child() {
        return in_child_with_fd_limit("too_many_open_files_is_named_as_the_cause", 64);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(within(async {
        let (base, _) = raw_server(fixed(Duration::from_millis(200), json_ok("{}"))).await;
        let client = Client::builder()
            .base_url(&base)
            .max_concurrent_requests(500)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let sends = (0..200).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send(&get_cluster()).await })
        });
        let errors: Vec<String> = futures_util::future::join_all(sends)
            .await
            .into_iter()
            .filter_map(|sent| sent.unwrap().err())
            .map(|e| e.to_string())
            .collect();
        assert!(!errors.is_empty(), "the limit was not reached");
        assert!(
            errors
                .iter()
                .any(|e| e.ends_with("Too many open files (os error 24)")),
            "{errors:?}"
        );
    }));
}

#[tokio::test]
async fn a_refused_connection_is_named_as_the_cause() {
    within(async {
        // A port nothing listens on: bound, then released.
        let port = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        assert_transport_cause(&base, "Connection refused (os error 111)").await;
    })
    .await;
}

/// Sends once, without retries, to `base`: the call must fail in transport, and its
/// message end with `cause`.
async fn assert_transport_cause(base: &str, cause: &str) {
    let client = Client::builder()
        .base_url(base)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.send(&get_cluster()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(error.to_string().ends_with(cause), "{error}");
}

// 1 and 9. What a server sends that does not decode.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_nested_invoices_on_a_worker_thread_are_an_error() {
    within(async {
        let depth = 1_000_000;
        let deep = r#"{"linkedInvoices":["#.repeat(depth) + "{}" + &"]}".repeat(depth);
        let error_body = r#"{"errorCode":"X","parameters":"#.to_owned()
            + &"[".repeat(depth)
            + &"]".repeat(depth)
            + "}";
        let (base, _) = raw_server(Arc::new(move |head, mut stream| {
            let body = if head.contains("/invoices/") {
                deep.clone()
            } else {
                error_body.clone()
            };
            let status = if head.contains("/invoices/") {
                "200 OK"
            } else {
                "400 Bad Request"
            };
            Box::pin(async move {
                let answer = http_response(status, &[("content-type", "application/json")], &body);
                let _ = stream.write_all(answer.as_bytes()).await;
            })
        }))
        .await;
        let client = client(&base);
        let error = client
            .send(&GetInvoice::new(GROUP, "invoice"))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Undecodable);
        assert!(
            error.to_string().contains("nested deeper than 64"),
            "{error}"
        );
        let error = client.send(&get_cluster()).await.unwrap_err();
        assert_eq!(error.status(), Some(400));
        assert!(
            error.api_error().is_none(),
            "not an Atlas error: it does not decode"
        );
    })
    .await;
}

#[tokio::test]
async fn a_success_that_does_not_decode_says_where() {
    within(async {
        let (base, _) = raw_server(fixed(Duration::ZERO, json_ok(r#"{"name":5}"#))).await;
        let error = client(&base).send(&get_cluster()).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Undecodable);
        assert!(error.api_error().is_none());
        let text = error.to_string();
        assert!(
            text.ends_with(
                "200 the body does not decode: at `$.name`: expected a string, found a number (5)"
            ),
            "{text}"
        );
        let source = std::error::Error::source(&error).expect("a source");
        let decode = source
            .downcast_ref::<DecodeError>()
            .expect("the decoding error");
        assert_eq!(decode.path(), "$.name");
        // An integer that does not fit exactly is a decoding error too.
        let body = json_ok(r#"{"amountBilledCents":-9223372036854775809}"#);
        let (base, _) = raw_server(fixed(Duration::ZERO, body)).await;
        let error = client(&base)
            .send(&GetInvoice::new(GROUP, "i"))
            .await
            .unwrap_err();
        assert!(error.to_string().contains("$.amountBilledCents"), "{error}");
    })
    .await;
}

#[tokio::test]
async fn an_untrusted_certificate_is_named_as_the_cause() {
    use tokio_rustls::rustls;
    within(async {
        let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
        let chain = vec![certified.cert.der().clone()];
        let key =
            rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move { drop(acceptor.accept(stream).await) });
            }
        });
        let base = format!("https://127.0.0.1:{port}");
        assert_transport_cause(&base, "invalid peer certificate: UnknownIssuer").await;
    })
    .await;
}

#[tokio::test]
async fn hostile_digest_challenges_end_in_an_error() {
    within(async {
        let answer = |challenge: &'static [u8]| -> Answer {
            Arc::new(move |_, mut stream| {
                Box::pin(async move {
                    let mut head = b"HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\nwww-authenticate: ".to_vec();
                    head.extend_from_slice(challenge);
                    head.extend_from_slice(b"\r\n\r\n");
                    let _ = stream.write_all(&head).await;
                })
            })
        };
        let long = format!("Digest realm=\"{}\", nonce=\"n\", qop=\"auth\"", "r".repeat(60_000));
        let long: &'static [u8] = Box::leak(long.into_bytes().into_boxed_slice());
        for challenge in [
            // digest_auth panics on a multi-byte character; raw bytes reach the client.
            "Digest \u{e9}==".as_bytes(),
            b"Digest realm=\"",
            b"Digest nonce=,qop=,algorithm=SHA-512-256-sess,stale=true",
            b"Digest ,,,,=,=,\"",
            long,
        ] {
            let (base, requests) = raw_server(answer(challenge)).await;
            let client = Client::builder()
                .base_url(&base)
                .credentials(Credentials::digest("public", "private"))
                .build()
                .unwrap();
            let error = client.send(&get_cluster()).await.unwrap_err();
            assert!(
                matches!(error.kind(), ErrorKind::Auth | ErrorKind::Api | ErrorKind::Transport),
                "{error}"
            );
            // The first request, and at most two answers to challenges.
            assert!(requests.load(Ordering::SeqCst) <= 3);
        }
    })
    .await;
}
