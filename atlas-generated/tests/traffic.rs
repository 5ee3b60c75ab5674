//! Real traffic of the live Atlas API (`../shared/atlas-traffic/terraform.jsonl`): every
//! body recorded from the real server decodes into the type of its operation, version
//! and status, and encodes back without loss; request bodies likewise.
//!
//! Only records whose `origin` is real traffic count: `mockable-acceptance-test` and
//! `plan-check-import-fixture`. The others were edited by hand (see the data's README).

mod common;

use atlas_generated::dynamic;
use atlas_generated::runtime::reader::{counting, through_value};
use serde_json::Value;

const TRAFFIC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/atlas-traffic/terraform.jsonl"
);
const REAL_ORIGINS: [&str; 2] = ["mockable-acceptance-test", "plan-check-import-fixture"];

struct Record {
    line: usize,
    value: Value,
}

impl Record {
    fn str(&self, key: &str) -> &str {
        self.value[key]
            .as_str()
            .unwrap_or_else(|| panic!("line {}: `{key}` is not a string", self.line))
    }

    /// The id of the record's operation in the spec the crate was built from, found by
    /// method and path template: the recorded `operation_id` is that of the spec of the
    /// recording, and ids change between spec versions where paths do not.
    fn operation_id(&self) -> &'static str {
        let (method, path) = (self.str("method"), self.str("path_template"));
        common::registry::find(method, path)
            .unwrap_or_else(|| {
                panic!(
                    "line {}: the registry has no operation {method} {path}",
                    self.line
                )
            })
            .operation_id
    }
}

fn real_records() -> Vec<Record> {
    let text = std::fs::read_to_string(TRAFFIC)
        .unwrap_or_else(|e| panic!("cannot read the recorded traffic at {TRAFFIC}: {e}"));
    let records: Vec<Record> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Record {
            line: i + 1,
            value: serde_json::from_str(l).unwrap_or_else(|e| panic!("line {}: {e}", i + 1)),
        })
        .filter(|r| REAL_ORIGINS.contains(&r.str("origin")))
        .collect();
    assert!(!records.is_empty(), "no real records in {TRAFFIC}");
    records
}

fn describe(r: &Record) -> String {
    format!(
        "line {} ({} {} {} {}, status {})",
        r.line,
        r.operation_id(),
        r.str("api_version"),
        r.str("method"),
        r.str("path_template"),
        r.value["status"]
    )
}

/// Decodes the `side` (`request` or `response`) body of every real record that has a JSON
/// one with `decode`, compares the re-encoded value with the original, and asserts that
/// none differs. Returns how many bodies were checked.
fn round_trip_all(
    side: &str,
    decode: impl Fn(&Record, &[u8]) -> Result<Value, dynamic::DynamicError>,
) -> usize {
    let mut failures = Vec::new();
    let mut checked = 0;
    let ((), reader) = counting(|| {
        for r in real_records() {
            if r.value[format!("{side}_body_kind")] != "json" {
                continue;
            }
            let body = &r.value[format!("{side}_body")];
            let bytes = serde_json::to_vec(body).unwrap();
            checked += 1;
            match decode(&r, &bytes) {
                Ok(again) => {
                    if let Some(d) = common::first_difference(body, &again) {
                        failures.push(format!("{}: re-encoded body differs at {d}", describe(&r)));
                    }
                    // The reader is invisible: decoding through `Value` gives the same.
                    match through_value(|| decode(&r, &bytes)) {
                        Ok(slow) if slow == again => {}
                        Ok(slow) => failures.push(format!(
                            "{}: the reader decoded {again} where `Value` gives {slow}",
                            describe(&r)
                        )),
                        Err(e) => {
                            failures.push(format!("{}: only the reader decodes: {e}", describe(&r)))
                        }
                    }
                }
                Err(e) => failures.push(format!("{}: {e}", describe(&r))),
            }
        }
    });
    println!(
        "traffic: {} of {checked} real {side} bodies decoded and round-tripped; \
         the reader decoded {} documents and left {} to `Value`",
        checked - failures.len(),
        reader.read,
        reader.bailed
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    checked
}

#[test]
fn real_response_bodies_decode_and_round_trip() {
    let checked = round_trip_all("response", |r, bytes| {
        let status = r.value["status"].as_u64().expect("a response has a status") as u16;
        dynamic::decode_response(r.operation_id(), Some(r.str("api_version")), status, bytes)
    });
    assert!(checked >= 70, "only {checked} real response bodies found");
}

#[test]
fn real_request_bodies_decode_and_round_trip() {
    let checked = round_trip_all("request", |r, bytes| {
        dynamic::decode_request(r.operation_id(), r.str("api_version"), bytes)
    });
    assert!(checked > 0, "no real request bodies found");
}
