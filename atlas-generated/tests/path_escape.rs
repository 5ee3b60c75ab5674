//! No path parameter can change which resource a request addresses, as the server sees it.
//!
//! For every path parameter of every (operation, API version) pair of the registry, the
//! request of the pair's generated sample (`tests/generated/spec_requests.rs`) is built
//! through `dynamic::build_request` with that parameter set to a hostile value:
//!
//! - a value that is `.` or `..`, or percent-decodes (once or more, in either case) to one,
//!   is refused with `BuildError::DotSegment` naming the parameter;
//! - every other hostile value is sent by the real client, whose reqwest parses URLs with
//!   the `url` crate (WHATWG: it removes `%2E%2E` segments as it does `..`, and strips raw
//!   tabs and newlines), to a server on 127.0.0.1 that answers with the raw request-target
//!   it received. That path must have exactly the template's segments, the others as the
//!   sample has them and the parameter's decoding to exactly the value.
//!
//! `the_wire_check_notices_a_collapsed_path` shows what reached the server before `.`
//! and `..` were refused (they were sent as `%2E` and `%2E%2E`).

#[path = "common/samples.rs"]
mod samples;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atlas_generated::client::{Client, ErrorKind, RetryPolicy};
use atlas_generated::dynamic::{self, DynamicError};
use atlas_generated::operations::{DeleteCluster, GetCluster};
use atlas_generated::registry::OPERATIONS;
use atlas_generated::runtime::BuildError;
use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use samples::{Case, cases};

const GROUP: &str = "5f1e2d3c4b5a69788796a5b4";

/// Values that are `.` or `..` in some encoding: refused for every parameter.
const DOT_VALUES: &[&str] = &[
    ".",
    "..",
    "%2e",
    "%2E",
    "%2e%2e",
    "%2E%2E",
    "%2E%2e",
    "%2e%2E",
    ".%2e",
    ".%2E",
    "%2e.",
    "%2E.",
    "%252e",
    "%252e%252e",
    "%252E%252e",
    "%25252e.",
];

/// Hostile values that are legal: each must reach the server as one segment decoding to
/// itself.
fn wire_values() -> Vec<String> {
    let mut values: Vec<String> = [
        // Dots that are not a dot segment.
        "...",
        ".a",
        "a.",
        ". .",
        ".. ",
        "..;",
        "..\0",
        ".\t.",
        // Separators, and encodings of them (which must stay text).
        "/",
        "a/b",
        "../admin",
        "..%2F",
        "%2e%2e%2f",
        "%2F",
        "\\",
        "a\\b",
        "..\\",
        "%5C",
        "?x=1",
        "#f",
        ";x",
        ":",
        "@",
        "%",
        "%zz",
        // Spaces and control characters (`url` strips raw tabs and newlines).
        " ",
        "\t",
        "\n",
        "\r\n",
        "\0",
        "\u{7f}",
        // Beyond ASCII, dots included.
        "é",
        "🦀",
        "\u{ff0e}\u{ff0e}",
        "\u{2025}",
        "\u{202e}",
    ]
    .map(str::to_owned)
    .to_vec();
    // Long, and climbing.
    values.push("../".repeat(300));
    values
}

/// A path parameter of one (operation, version) pair.
struct Slot {
    case: &'static Case,
    /// The parameter's name in the template.
    name: &'static str,
    /// Its segment's index, counted after the leading `/`.
    index: usize,
    /// Literal text after it in its segment (`.gz`, `:invite`).
    suffix: &'static str,
}

/// Every path parameter of every (operation, version) pair of the registry, each with the
/// pair's generated sample.
fn slots() -> Vec<Slot> {
    let mut out = Vec::new();
    for operation in OPERATIONS {
        for version in operation.versions {
            let case = cases::CASES
                .iter()
                .find(|c| c.operation_id == operation.operation_id && c.version == version.version)
                .unwrap_or_else(|| {
                    panic!(
                        "no sample for {} {}",
                        operation.operation_id, version.version
                    )
                });
            let parts: Vec<&str> = operation.path.split('/').skip(1).collect();
            assert_eq!(
                parts.len(),
                case.segments.len(),
                "{} {}: the sample's segments",
                case.operation_id,
                case.version
            );
            for (index, part) in parts.into_iter().enumerate() {
                if let Some((name, suffix)) =
                    part.strip_prefix('{').and_then(|rest| rest.split_once('}'))
                {
                    out.push(Slot {
                        case,
                        name,
                        index,
                        suffix,
                    });
                }
            }
        }
    }
    out
}

/// How many (operation, version, path parameter) cases the registry has, counted apart
/// from [`slots`].
fn registry_parameters() -> usize {
    OPERATIONS
        .iter()
        .map(|op| op.versions.len() * op.path.matches('{').count())
        .sum()
}

impl Slot {
    fn label(&self) -> String {
        format!(
            "{} {} `{}`",
            self.case.operation_id, self.case.version, self.name
        )
    }

    /// The sample's arguments with this parameter set to `value`.
    fn args(&self, value: &str) -> Value {
        let mut args: Value =
            serde_json::from_str(self.case.args).expect("generated arguments are JSON");
        let path = &mut args["path"];
        assert!(path.get(self.name).is_some(), "{}: no sample", self.label());
        path[self.name] = Value::String(value.to_owned());
        args
    }

    fn build(&self, value: &str) -> Result<http::Request<Vec<u8>>, DynamicError> {
        dynamic::build_request(
            self.case.operation_id,
            Some(self.case.version),
            &self.args(value),
        )
    }

    /// What is wrong with the `method` and raw request-target the server received for
    /// this parameter set to `value`, if anything.
    fn wire_problems(&self, value: &str, method: &str, target: &str) -> Vec<String> {
        let mut out = Vec::new();
        if method != self.case.method {
            out.push(format!("method {method} instead of {}", self.case.method));
        }
        if target.contains('#') {
            out.push("a `#` in the request-target".to_owned());
        }
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let segments: Vec<String> = path.split('/').skip(1).map(decode).collect();
        let mut expected: Vec<String> =
            self.case.segments.iter().map(|s| (*s).to_owned()).collect();
        expected[self.index] = format!("{value}{}", self.suffix);
        if segments != expected {
            out.push(format!(
                "path `{path}` has the segments {segments:?}, not {expected:?}"
            ));
        }
        let mut pairs: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(name), decode(value))
            })
            .collect();
        let mut expected: Vec<(String, String)> = self
            .case
            .query
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        pairs.sort();
        expected.sort();
        if pairs != expected {
            out.push(format!("query {pairs:?} instead of {expected:?}"));
        }
        out
    }
}

/// `text` percent-decoded; bytes that are not UTF-8 show as U+FFFD, which no value has.
fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Runs `test`, failing it if it takes longer than `seconds`.
async fn within<T>(seconds: u64, test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), test)
        .await
        .expect("the test finished in time")
}

/// A fake Atlas on 127.0.0.1 that answers every request `404` with an Atlas error whose
/// `parameters` are the method and the request-target exactly as received (hyper keeps it
/// as sent, without decoding or normalizing), counting the requests in `received`.
async fn serve(received: Arc<AtomicUsize>) -> String {
    let router = Router::new().fallback(move |request: Request| {
        let received = received.clone();
        async move {
            received.fetch_add(1, Ordering::SeqCst);
            let uri = request.uri();
            let target = uri
                .path_and_query()
                .map_or_else(|| uri.to_string(), |pq| pq.as_str().to_owned());
            let body = json!({
                "error": 404,
                "errorCode": "RESOURCE_NOT_FOUND",
                "reason": "Not Found",
                "detail": "Cannot find resource.",
                "parameters": [request.method().as_str(), target],
            });
            (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "application/json")],
                body.to_string(),
            )
                .into_response()
        }
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}

fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// What the server received: the method and the raw request-target.
struct Received {
    method: String,
    target: String,
}

/// Sends `request` and returns what the server received.
async fn received(client: &Client, request: http::Request<Vec<u8>>) -> Result<Received, String> {
    let response = client
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    if response.status() != 404 {
        return Err(format!("status {}", response.status()));
    }
    what_was_received(response.body())
}

/// The method and target the server's answer says it received.
fn what_was_received(body: &[u8]) -> Result<Received, String> {
    let body: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    match &body["parameters"] {
        Value::Array(pair) => match pair.as_slice() {
            [Value::String(method), Value::String(target)] => Ok(Received {
                method: method.clone(),
                target: target.clone(),
            }),
            _ => Err(format!("an answer without the target: {body}")),
        },
        _ => Err(format!("an answer without the target: {body}")),
    }
}

/// Sends `request` (built against the default base URL) to `base` with a plain reqwest
/// client, which sends what its URL parser makes of the path, and returns what the server
/// received.
async fn received_plainly(
    base: &str,
    mut request: http::Request<Vec<u8>>,
) -> Result<Received, String> {
    let uri = request.uri().to_string();
    let rest = uri
        .strip_prefix(atlas_generated::runtime::DEFAULT_BASE_URL)
        .ok_or_else(|| format!("{uri} is not at the default base URL"))?;
    *request.uri_mut() = format!("{base}{rest}")
        .parse()
        .map_err(|e| format!("{e}"))?;
    let request = reqwest::Request::try_from(request).map_err(|e| e.to_string())?;
    let response = reqwest::Client::new()
        .execute(request)
        .await
        .map_err(|e| e.to_string())?;
    what_was_received(&response.bytes().await.map_err(|e| e.to_string())?)
}

/// At most this many failures are printed.
const SHOWN: usize = 30;

fn report(failures: &[String]) -> String {
    let mut text = failures
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    if failures.len() > SHOWN {
        text.push_str(&format!("\n… and {} more", failures.len() - SHOWN));
    }
    text
}

#[test]
fn dot_segments_are_refused_for_every_path_parameter() {
    let slots = slots();
    assert_eq!(slots.len(), registry_parameters());
    let mut failures = Vec::new();
    let mut checked = 0;
    for slot in &slots {
        for value in DOT_VALUES {
            match slot.build(value) {
                Err(DynamicError::Build(error)) => {
                    let named = matches!(
                        &error,
                        BuildError::DotSegment { name, value: given }
                            if *name == slot.name && given == value
                    );
                    let message = error.to_string();
                    let expected = format!("path parameter `{}` is `{value}`, which ", slot.name);
                    if !named || !message.starts_with(&expected) {
                        failures.push(format!(
                            "{} = {value:?}: {error:?}: {message}",
                            slot.label()
                        ));
                    }
                }
                Err(other) => failures.push(format!("{} = {value:?}: {other}", slot.label())),
                Ok(request) => failures.push(format!(
                    "{} = {value:?}: built as {}",
                    slot.label(),
                    request.uri()
                )),
            }
        }
        checked += 1;
    }
    println!(
        "dot segments: {checked} path parameters × {} values refused",
        DOT_VALUES.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        report(&failures)
    );
    assert_eq!(checked, registry_parameters(), "no parameter skipped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_values_reach_the_server_as_one_segment_for_every_path_parameter() {
    within(240, async {
        let count = Arc::new(AtomicUsize::new(0));
        let client = client(&serve(count.clone()).await);
        let slots = slots();
        assert_eq!(slots.len(), registry_parameters());
        let values = wire_values();
        let jobs = slots
            .iter()
            .flat_map(|slot| values.iter().map(move |value| (slot, value.as_str())));
        let outcomes: Vec<(&Slot, &str, Result<Received, String>)> =
            futures_util::stream::iter(jobs)
                .map(|(slot, value)| {
                    let client = &client;
                    async move {
                        let outcome = match slot.build(value) {
                            Ok(request) => received(client, request).await,
                            Err(error) => Err(format!("not built: {error}")),
                        };
                        (slot, value, outcome)
                    }
                })
                .buffer_unordered(32)
                .collect()
                .await;
        let mut failures = Vec::new();
        let mut sent = 0;
        for (slot, value, outcome) in &outcomes {
            match outcome {
                Ok(Received { method, target }) => {
                    sent += 1;
                    for problem in slot.wire_problems(value, method, target) {
                        failures.push(format!("{} = {value:?}: {problem}", slot.label()));
                    }
                }
                Err(error) => failures.push(format!("{} = {value:?}: {error}", slot.label())),
            }
        }
        let mut per_slot = std::collections::HashMap::<(&str, &str, &str), usize>::new();
        for (slot, _, _) in &outcomes {
            *per_slot
                .entry((slot.case.operation_id, slot.case.version, slot.name))
                .or_default() += 1;
        }
        println!(
            "path escape on the wire: {} path parameters × {} values, {sent} requests",
            per_slot.len(),
            values.len()
        );
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            report(&failures)
        );
        assert_eq!(
            per_slot.len(),
            registry_parameters(),
            "no parameter skipped"
        );
        assert!(per_slot.values().all(|n| *n == values.len()));
        assert_eq!(sent, registry_parameters() * values.len());
        assert_eq!(count.load(Ordering::SeqCst), sent, "one request each");
    })
    .await;
}

#[tokio::test]
async fn a_typed_request_with_a_dot_segment_is_refused_before_sending() {
    within(30, async {
        let count = Arc::new(AtomicUsize::new(0));
        let client = client(&serve(count.clone()).await);
        for value in ["..", ".", "%2E%2e"] {
            let error = client
                .send(&DeleteCluster::new(GROUP, value))
                .await
                .unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Build, "{error}");
            assert!(
                error.to_string().contains(&format!(
                    "path parameter `clusterName` is `{value}`"
                )),
                "{error}"
            );
            let source = std::error::Error::source(&error)
                .and_then(|s| s.downcast_ref::<BuildError>());
            assert!(
                matches!(source, Some(BuildError::DotSegment { name: "clusterName", value: v }) if v == value),
                "{source:?}"
            );
        }
        let error = client.send(&GetCluster::new("..", "Cluster0")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Build);
        assert!(error.to_string().contains("`groupId`"), "{error}");
        assert_eq!(count.load(Ordering::SeqCst), 0, "nothing was sent");
        // A legal hostile value goes out, as one segment.
        let error = client
            .send(&DeleteCluster::new(GROUP, "../x"))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Api);
        assert_eq!(error.error_code(), Some("RESOURCE_NOT_FOUND"));
        let target = &error.api_error().unwrap().parameters.as_ref().unwrap()[1];
        assert_eq!(
            target,
            &json!(format!("/api/atlas/v2/groups/{GROUP}/clusters/..%2Fx"))
        );
        assert_eq!(count.load(Ordering::SeqCst), 1);
    })
    .await;
}

/// What the client sends for a request built elsewhere, with a dot segment in some
/// encoding where `deleteGroupCluster` has `{clusterName}`; `%2E` and `%2E%2E` are what
/// `path_param` sent for `.` and `..` before they were refused.
#[tokio::test]
async fn the_wire_check_notices_a_collapsed_path() {
    within(30, async {
        let count = Arc::new(AtomicUsize::new(0));
        let base = serve(count.clone()).await;
        let client = client(&base);
        let slot = slots()
            .into_iter()
            .find(|s| s.case.operation_id == "deleteGroupCluster" && s.name == "clusterName")
            .unwrap();
        let sample_group = slot.case.segments[4];
        let group_path = format!("/api/atlas/v2/groups/{sample_group}");
        let cases = [
            ("%2E%2E", format!("{group_path}/")),
            ("%2e%2E", format!("{group_path}/")),
            (".%2e", format!("{group_path}/")),
            ("%2E.", format!("{group_path}/")),
            ("..", format!("{group_path}/")),
            ("%2E", format!("{group_path}/clusters/")),
            (".", format!("{group_path}/clusters/")),
            // Encoded once more, a dot segment stays text for the `url` crate; refused all
            // the same, for servers and proxies that decode before normalizing.
            ("%252E%252E", format!("{group_path}/clusters/%252E%252E")),
        ];
        let sent = cases.len();
        for (raw, expected) in cases {
            // The sample's request, with `raw` where the parameter goes.
            let with_raw = || {
                let mut request = slot.build("PLACEHOLDER").unwrap();
                let uri = request.uri().to_string().replace("PLACEHOLDER", raw);
                *request.uri_mut() = uri.parse().unwrap();
                request
            };
            // The client refuses to send it...
            let refused = client.send_request(with_raw()).await.unwrap_err();
            assert_eq!(refused.kind(), ErrorKind::Build, "{raw}: {refused}");
            // ...which plain reqwest sends, collapsed, as the check notices.
            let Received { method, target } = received_plainly(&base, with_raw()).await.unwrap();
            let path = target.split('?').next().unwrap();
            assert_eq!(
                (method.as_str(), path),
                ("DELETE", expected.as_str()),
                "{raw}"
            );
            let value = decode(raw);
            let problems = slot.wire_problems(&value, &method, &target);
            if raw.starts_with("%25") {
                assert_eq!(problems, Vec::<String>::new(), "{raw}");
            } else {
                assert_eq!(problems.len(), 1, "{raw}: {problems:?}");
                assert!(problems[0].contains("has the segments"), "{problems:?}");
            }
        }
        assert_eq!(count.load(Ordering::SeqCst), sent);
    })
    .await;
}
