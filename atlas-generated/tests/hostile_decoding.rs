//! What decoding a body a peer wrote may cost, measured by a counting allocator: hostile
//! shapes (a list of `{}`, of one-member objects, of nested lists, of strings) through the
//! response decoder of every (operation, version), the 30 MB lists of the security review,
//! and inexact integers. Decoding either succeeds or fails with an error; the memory it
//! holds at its peak stays within `runtime::limits`' documented bound; real bodies (the
//! recorded traffic, and a 500-item page of recorded clusters) stay far below it.

#[path = "common/allocations.rs"]
mod allocations;
mod common;

use atlas_generated::dynamic;
use atlas_generated::registry::OPERATIONS;
use atlas_generated::runtime::limits::{self, MEMORY_FLOOR, MEMORY_PER_BODY_BYTE, held_at_most};
use atlas_generated::runtime::{Endpoint, ResponseError, from_slice, reader};
use serde_json::Value;

/// Runs `f`, returning what it returns and the most bytes it held at once on this thread
/// beyond what was held before.
fn peak_of<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = allocations::start();
    let result = f();
    (result, allocations::peak_since(before))
}

/// The documented bound of a decoding of `n` bytes.
fn bound(n: usize) -> usize {
    held_at_most(n)
}

/// A JSON list of `item` repeated to about `size` bytes.
fn list_of(item: &str, size: usize) -> Vec<u8> {
    let count = size / (item.len() + 1);
    let mut text = Vec::with_capacity(size + 2);
    text.push(b'[');
    for i in 0..count {
        if i > 0 {
            text.push(b',');
        }
        text.extend_from_slice(item.as_bytes());
    }
    text.push(b']');
    text
}

/// `{"results": list, "totalCount": 1}`: the shape of every list operation's page.
fn page_of(list: &[u8]) -> Vec<u8> {
    let mut text = br#"{"totalCount":1,"results":"#.to_vec();
    text.extend_from_slice(list);
    text.push(b'}');
    text
}

/// The success status of every (operation, version) pair, and the pair.
fn pairs() -> Vec<(&'static str, &'static str)> {
    OPERATIONS
        .iter()
        .flat_map(|op| {
            op.versions
                .iter()
                .map(move |v| (op.operation_id, v.version))
        })
        .collect()
}

#[test]
fn hostile_shapes_stay_within_the_bound_for_every_operation() {
    const SIZE: usize = 48 << 10;
    let shapes = [
        "{}",
        r#"{"a":0}"#,
        r#"{"a":{}}"#,
        "[0]",
        "[[]]",
        r#""""#,
        "0",
        r#"{"links":[{}],"results":[{}]}"#,
    ];
    let bodies: Vec<(String, Vec<u8>)> = shapes
        .iter()
        .flat_map(|shape| {
            let list = list_of(shape, SIZE);
            [
                (format!("[{shape}, …]"), list.clone()),
                (format!("a page of [{shape}, …]"), page_of(&list)),
            ]
        })
        .collect();
    let mut failures = Vec::new();
    let (mut decoded, mut refused, mut worst) = (0, 0, 0.0_f64);
    for (operation, version) in pairs() {
        for (name, body) in &bodies {
            let (result, peak) =
                peak_of(|| dynamic::check_response(operation, Some(version), 200, body));
            if result.is_ok() {
                decoded += 1;
            } else {
                refused += 1;
            }
            worst = worst.max(peak as f64 / body.len() as f64);
            if peak > bound(body.len()) {
                failures.push(format!(
                    "{operation} {version}, {name} ({} bytes): held {peak} bytes, over {}",
                    body.len(),
                    bound(body.len())
                ));
            }
        }
    }
    println!(
        "{} decodings of hostile lists: {decoded} decoded, {refused} refused; at most {worst:.1} bytes held per body byte",
        decoded + refused
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(refused > 0 && decoded > 0, "both outcomes happen");
}

/// The security review's bodies: 30 MB lists of `{}`, which decoded into 4.8 GiB as
/// projects and aborted the process on a 9.8 GB allocation as clusters.
#[test]
fn thirty_megabytes_of_empty_objects_are_refused_within_the_bound() {
    use atlas_generated::operations::{ListClusters, ListGroups};
    let body = page_of(&list_of("{}", 30 << 20));
    let headers = http::HeaderMap::new();
    let check = |name: &str, result: Result<(), String>, peak: usize| {
        let error = result.expect_err(name);
        assert!(error.contains("memory"), "{name}: {error}");
        assert!(peak <= bound(body.len()), "{name}: held {peak} bytes");
        println!(
            "{name}: refused holding at most {peak} bytes for {} ({error})",
            body.len()
        );
    };
    let (result, peak) = peak_of(|| {
        ListGroups::decode_response(200, &headers, &body)
            .map(drop)
            .map_err(|e| e.to_string())
    });
    check("ListGroups", result, peak);
    let (result, peak) = peak_of(|| {
        ListClusters::decode_response(200, &headers, &body)
            .map(drop)
            .map_err(|e| e.to_string())
    });
    check("ListClusters", result, peak);
}

/// The records of real traffic (the others were edited by hand; see the data's README).
const REAL_ORIGINS: [&str; 2] = ["mockable-acceptance-test", "plan-check-import-fixture"];

/// A recorded body, by the operation found from its method and path.
struct Recorded {
    operation: &'static str,
    version: String,
    status: u16,
    body: Vec<u8>,
}

fn recorded() -> Vec<Recorded> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/atlas-traffic/terraform.jsonl"
    );
    let text = std::fs::read_to_string(path).expect("the recorded traffic");
    text.lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("a JSON line"))
        .filter(|r| r["response_body_kind"] == "json")
        .filter(|r| REAL_ORIGINS.iter().any(|o| r["origin"] == *o))
        .filter_map(|r| {
            let op = common::registry::find(r["method"].as_str()?, r["path_template"].as_str()?)?;
            // A record of a version the pinned spec no longer has.
            op.versions.iter().find(|v| r["api_version"] == v.version)?;
            Some(Recorded {
                operation: op.operation_id,
                version: r["api_version"].as_str()?.to_owned(),
                status: u16::try_from(r["status"].as_u64()?).ok()?,
                body: serde_json::to_vec(&r["response_body"]).ok()?,
            })
        })
        .collect()
}

#[test]
fn real_bodies_take_a_small_part_of_the_bound() {
    let records = recorded();
    assert!(records.len() > 50, "{} records", records.len());
    // The largest list page Atlas sends: 500 clusters, each a recorded one.
    let clusters: Vec<&Recorded> = records
        .iter()
        .filter(|r| r.operation == "getGroupCluster" && r.status == 200)
        .collect();
    let items: Vec<&[u8]> = (0..500)
        .map(|i| &clusters[i % clusters.len()].body[..])
        .collect();
    let mut page = br#"{"totalCount":500,"results":["#.to_vec();
    page.extend_from_slice(&items.join(&b","[..]));
    page.extend_from_slice(b"]}");
    let list_version = clusters[0].version.clone();
    let mut worst = (0.0_f64, String::new());
    let mut measure = |what: String, operation: &str, version: &str, status: u16, body: &[u8]| {
        for (path, through_value) in [("reader", false), ("Value", true)] {
            let decode = || dynamic::check_response(operation, Some(version), status, body);
            let ((result, charged), peak) = peak_of(|| {
                limits::peak_charge(|| {
                    if through_value {
                        reader::through_value(decode)
                    } else {
                        decode()
                    }
                })
            });
            result.unwrap_or_else(|e| panic!("{what} ({path}): {e}"));
            assert!(peak <= bound(body.len()), "{what} ({path}): held {peak}");
            // What decoding takes is counted before it is taken.
            assert!(
                peak <= charged + body.len() + (64 << 10),
                "{what} ({path}): held {peak}, counted {charged}"
            );
            let ratio = charged as f64 / body.len() as f64;
            if ratio > worst.0 {
                worst = (ratio, format!("{what} through the {path}"));
            }
            // Real answers take a third of their budget at most, or some would come
            // close to being refused.
            assert!(
                3 * charged <= MEMORY_PER_BODY_BYTE * body.len() + MEMORY_FLOOR,
                "{what} ({path}): {ratio:.1} bytes per byte"
            );
        }
    };
    for r in &records {
        let what = format!("{} {} {}", r.operation, r.version, r.status);
        measure(what, r.operation, &r.version, r.status, &r.body);
    }
    measure(
        format!("a page of 500 clusters ({} bytes)", page.len()),
        "listGroupClusters",
        &list_version,
        200,
        &page,
    );
    println!(
        "real bodies: at most {:.1} bytes per body byte counted ({})",
        worst.0, worst.1
    );
}

#[test]
fn integers_that_do_not_fit_exactly_are_refused() {
    for (text, fits) in [
        ("9223372036854775807", true),
        ("-9223372036854775808", true),
        ("-9223372036854775809", false),
        ("9223372036854775808", false),
        ("9007199254740993.0", false),
        ("10.0", false),
        ("1e3", false),
        ("4.0000000000000000001", false),
    ] {
        for value in [
            from_slice::<i64>(text.as_bytes()),
            reader::through_value(|| from_slice::<i64>(text.as_bytes())),
        ] {
            assert_eq!(value.is_ok(), fits, "{text}: {value:?}");
        }
    }
    // In a model, the error names the field.
    let error = from_slice::<atlas_generated::models::BillingInvoice>(
        br#"{"amountBilledCents": -9223372036854775809}"#,
    )
    .unwrap_err();
    assert_eq!(error.path(), "$.amountBilledCents", "{error}");
    // And a response with one is undecodable, not a wrong number.
    let body = br#"{"amountBilledCents": 9007199254740993.0}"#;
    let decoded = atlas_generated::operations::GetInvoice::decode_response(
        200,
        &http::HeaderMap::new(),
        body,
    );
    assert!(
        matches!(decoded, Err(ResponseError::Undecodable { .. })),
        "{decoded:?}"
    );
}

/// Through serde, serde_json builds a `Value` first (its own cost); the typed value made
/// from it is held to the budget of a body as long as its text.
#[test]
fn serde_decoding_is_bounded_too() {
    use atlas_generated::models::BillingInvoice;
    let mut body = br#"{"linkedInvoices":"#.to_vec();
    body.extend_from_slice(&list_of("{}", 1 << 20));
    body.push(b'}');
    let (value, value_peak) = peak_of(|| serde_json::from_slice::<Value>(&body).unwrap());
    drop(value);
    let (result, peak) = peak_of(|| serde_json::from_slice::<BillingInvoice>(&body));
    let error = result.expect_err("too large for its budget");
    assert!(error.to_string().contains("memory"), "{error}");
    assert!(
        peak <= value_peak + bound(body.len()),
        "held {peak}, the Value alone {value_peak}"
    );
}
