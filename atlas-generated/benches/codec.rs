//! How fast the crate decodes and encodes real cluster bodies, against `serde_json`'s own
//! `Value` on the same bytes: every recorded `GetCluster` 2024-08-05 success of
//! `../shared/atlas-traffic/` (real traffic only), all of them per iteration.
//!
//! - decoding: `GetCluster::decode_response` (what the client runs) against
//!   `serde_json::from_slice::<Value>`;
//! - encoding: `serde_json::to_vec(&model)` (through serde, what HTTP clients and users
//!   call) and `runtime::to_vec(&model)` (the crate's own encoder) against
//!   `serde_json::to_vec(&value)`.
//!
//! `cargo xtask bench` reads the medians and prints the throughput ratios with their
//! targets (issue 11: decode at least 0.9x, encode at least 0.5x).

use std::path::PathBuf;
use std::time::Duration;

use atlas_generated::models::ClusterDescription20240805;
use atlas_generated::operations::GetCluster;
use atlas_generated::runtime::{self, Endpoint};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;

const REAL_ORIGINS: [&str; 2] = ["mockable-acceptance-test", "plan-check-import-fixture"];

/// Every real `GetCluster` (`GET .../groups/{groupId}/clusters/{clusterName}`) 2024-08-05
/// success body. Records are picked by method and path template, not by their
/// `operation_id`, which changes between spec versions.
fn cluster_bodies() -> Vec<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/atlas-traffic/terraform.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let bodies: Vec<Vec<u8>> = text
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("a JSON line"))
        .filter(|r| {
            r["method"] == GetCluster::METHOD.as_str()
                && r["path_template"] == GetCluster::PATH
                && r["api_version"] == "2024-08-05"
                && r["status"] == 200
                && REAL_ORIGINS.iter().any(|o| r["origin"] == *o)
        })
        .map(|r| serde_json::to_vec(&r["response_body"]).expect("JSON"))
        .collect();
    assert!(
        !bodies.is_empty(),
        "no real recorded 2024-08-05 200 response of {} {} in {}",
        GetCluster::METHOD,
        GetCluster::PATH,
        path.display()
    );
    bodies
}

fn codec(c: &mut Criterion) {
    let bodies = cluster_bodies();
    let bytes: usize = bodies.iter().map(Vec::len).sum();
    println!(
        "codec: {} real cluster bodies, {bytes} bytes in all",
        bodies.len()
    );
    let headers = http::HeaderMap::new();
    let values: Vec<Value> = bodies
        .iter()
        .map(|b| serde_json::from_slice(b).expect("JSON"))
        .collect();
    let models: Vec<ClusterDescription20240805> = bodies
        .iter()
        .map(|b| GetCluster::decode_response(200, &headers, b).expect("decodes"))
        .collect();

    let mut group = c.benchmark_group("codec");
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(4));
    group.bench_function("decode_value", |b| {
        b.iter(|| {
            for body in &bodies {
                std::hint::black_box(serde_json::from_slice::<Value>(body).expect("JSON"));
            }
        });
    });
    group.bench_function("decode_typed", |b| {
        b.iter(|| {
            for body in &bodies {
                std::hint::black_box(
                    GetCluster::decode_response(200, &headers, body).expect("decodes"),
                );
            }
        });
    });
    group.bench_function("encode_value", |b| {
        b.iter(|| {
            for value in &values {
                std::hint::black_box(serde_json::to_vec(value).expect("encodes"));
            }
        });
    });
    group.bench_function("encode_typed_serde", |b| {
        b.iter(|| {
            for model in &models {
                std::hint::black_box(serde_json::to_vec(model).expect("encodes"));
            }
        });
    });
    group.bench_function("encode_typed_runtime", |b| {
        b.iter(|| {
            for model in &models {
                std::hint::black_box(runtime::to_vec(model));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, codec);
criterion_main!(benches);
