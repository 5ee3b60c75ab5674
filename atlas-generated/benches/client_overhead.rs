//! What `Client::send` costs per request over the least a program could do: raw `reqwest`
//! and `serde_json::Value`, for the same recorded cluster response (the `GetCluster`
//! body of `../shared/atlas-traffic/` closest to 4 KB), served on 127.0.0.1 by the same
//! single-threaded runtime. Criterion measures both in one run; `cargo xtask bench` reads
//! their medians and prints the ratio against the target of 1.2x. Three more show where
//! the difference goes: the client's transport with untyped decoding, and decoding alone
//! (typed, and into a `Value`).

use std::path::PathBuf;
use std::time::Duration;

use atlas_generated::client::{Client, RetryPolicy};
use atlas_generated::operations::GetCluster;
use atlas_generated::runtime::Endpoint;
use axum::Router;
use axum::http::header;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;
use tokio::runtime::Runtime;

const GROUP: &str = "5f1e2d3c4b5a69788796a5b4";

/// The recorded `GetCluster` (`GET .../groups/{groupId}/clusters/{clusterName}`)
/// 2024-08-05 success body closest to 4 KB. Records are picked by method and path
/// template, not by their `operation_id`, which changes between spec versions.
fn cluster_body() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/atlas-traffic/terraform.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("a JSON line"))
        .filter(|r| {
            r["method"] == GetCluster::METHOD.as_str()
                && r["path_template"] == GetCluster::PATH
                && r["api_version"] == "2024-08-05"
                && r["status"] == 200
        })
        .map(|r| serde_json::to_vec(&r["response_body"]).expect("JSON"))
        .min_by_key(|body| body.len().abs_diff(4096))
        .unwrap_or_else(|| {
            panic!(
                "no recorded 2024-08-05 200 response of {} {} in {}",
                GetCluster::METHOD,
                GetCluster::PATH,
                path.display()
            )
        })
}

/// The untyped decoding every benchmark but the typed ones uses: one function, not inlined,
/// so that each pays the same machine code rather than whatever its call site inlined.
#[inline(never)]
fn parse_value(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("JSON")
}

/// Serves `body` as every cluster on 127.0.0.1, returning the base URL.
fn serve(runtime: &Runtime, body: Vec<u8>) -> String {
    let router = Router::new().route(
        "/api/atlas/v2/groups/{group}/clusters/{cluster}",
        get(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    runtime.spawn(async move { axum::serve(listener, router).await.expect("serving") });
    base
}

fn client_overhead(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let body = cluster_body();
    println!(
        "client overhead: GET of a {}-byte cluster on 127.0.0.1",
        body.len()
    );
    let base = serve(&runtime, body.clone());
    let client = Client::builder()
        .base_url(&base)
        .retry(RetryPolicy::none())
        .build()
        .expect("a client");
    let raw = reqwest::Client::new();
    let url = format!("{base}/api/atlas/v2/groups/{GROUP}/clusters/Cluster0");
    let operation = GetCluster::new(GROUP, "Cluster0");

    let mut group = c.benchmark_group("client_overhead");
    group
        .sample_size(60)
        .measurement_time(Duration::from_secs(6));
    group.bench_function("raw_reqwest_value", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = raw.get(&url).send().await.expect("sent");
            let bytes = response.bytes().await.expect("a body");
            parse_value(&bytes)
        });
    });
    group.bench_function("client_send", |b| {
        b.to_async(&runtime)
            .iter(|| async { client.send(&operation).await.expect("sent") });
    });
    // The client without typed decoding: what its transport (authentication, retries,
    // timeouts, spans) costs.
    group.bench_function("client_send_request_value", |b| {
        b.to_async(&runtime).iter(|| async {
            let request = operation.to_request_with_base(&base).expect("builds");
            let response = client.send_request(request).await.expect("sent");
            parse_value(response.body())
        });
    });
    // Where the difference goes: decoding the same bytes, without the network.
    group.bench_function("value_parse", |b| {
        b.iter(|| parse_value(&body));
    });
    group.bench_function("typed_decode", |b| {
        let headers = http::HeaderMap::new();
        b.iter(|| GetCluster::decode_response(200, &headers, &body).expect("decodes"));
    });
    group.finish();
}

criterion_group!(benches, client_overhead);
criterion_main!(benches);
