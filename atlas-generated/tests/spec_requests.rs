//! For every (operation, API version) pair: the request built through
//! `atlas_generated::dynamic` (and so through the typed request type) from a sample made of
//! the spec's own examples has the method, path, query, headers and body the spec says.
//! The cases and their expectations are generated (`tests/generated/spec_requests.rs`).
//!
//! With `ATLAS_EXPORT_REQUESTS=<file>`, the built requests are also written to `<file>` as
//! JSON Lines, for the independent validator that `cargo xtask prism` runs.

mod common;
#[path = "common/samples.rs"]
mod samples;

use std::fmt::Write as _;

use atlas_generated::dynamic;
use serde_json::{Value, json};

use samples::{Case, cases};

fn percent_decode(text: &str) -> Result<String, String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .map_err(|_| format!("`{text}` does not decode to UTF-8"))
}

/// What is wrong with `request` for `case`, if anything.
fn problems(case: &Case, request: &http::Request<Vec<u8>>) -> Vec<String> {
    let mut out = Vec::new();
    if request.method().as_str() != case.method {
        out.push(format!(
            "method {} instead of {}",
            request.method(),
            case.method
        ));
    }
    let uri = request.uri();
    let segments: Result<Vec<String>, String> =
        uri.path().split('/').skip(1).map(percent_decode).collect();
    match segments {
        Ok(segments) if segments == case.segments => {}
        Ok(segments) => out.push(format!(
            "path segments {segments:?} instead of {:?}",
            case.segments
        )),
        Err(e) => out.push(e),
    }
    let mut query: Vec<(String, String)> = Vec::new();
    for pair in uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match (
            percent_decode(&name.replace('+', " ")),
            percent_decode(&value.replace('+', " ")),
        ) {
            (Ok(n), Ok(v)) => query.push((n, v)),
            (Err(e), _) | (_, Err(e)) => out.push(e),
        }
    }
    let mut expected: Vec<(String, String)> = case
        .query
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    query.sort();
    expected.sort();
    if query != expected {
        out.push(format!("query {query:?} instead of {expected:?}"));
    }
    for (name, value) in case.headers {
        let found: Vec<&str> = request
            .headers()
            .get_all(*name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if found != [*value] {
            out.push(format!("header `{name}`: {found:?} instead of {value:?}"));
        }
    }
    match case.body {
        None if request.body().is_empty() => {}
        None => out.push("a body where the sample has none".to_owned()),
        Some(body) => {
            let expected: Value = serde_json::from_str(body).expect("generated bodies are JSON");
            match serde_json::from_slice::<Value>(request.body()) {
                Ok(actual) => {
                    if let Some(d) = common::first_difference(&expected, &actual) {
                        out.push(format!("body differs at {d}"));
                    }
                }
                Err(e) => out.push(format!("body is not JSON: {e}")),
            }
        }
    }
    out
}

#[test]
fn every_operation_version_builds_the_request_the_spec_describes() {
    let registry_pairs: usize = dynamic::operations().iter().map(|o| o.versions.len()).sum();
    assert_eq!(
        cases::CASES.len(),
        registry_pairs,
        "one case per (operation, version) pair"
    );
    let mut failures = Vec::new();
    let mut export = String::new();
    for case in cases::CASES {
        let args: Value = serde_json::from_str(case.args).expect("generated arguments are JSON");
        let request = match dynamic::build_request(case.operation_id, Some(case.version), &args) {
            Ok(request) => request,
            Err(e) => {
                failures.push(format!("{} {}: {e}", case.operation_id, case.version));
                continue;
            }
        };
        for problem in problems(case, &request) {
            failures.push(format!("{} {}: {problem}", case.operation_id, case.version));
        }
        let uri = request.uri();
        let line = json!({
            "operation_id": case.operation_id,
            "version": case.version,
            "method": request.method().as_str(),
            "uri": uri.path_and_query().map_or(uri.path(), |pq| pq.as_str()),
            "headers": request.headers().iter().map(|(n, v)| json!([n.as_str(), v.to_str().unwrap_or("")])).collect::<Vec<_>>(),
            "body": (!request.body().is_empty()).then(|| String::from_utf8_lossy(request.body()).into_owned()),
        });
        writeln!(export, "{line}").unwrap();
    }
    if let Some(path) = std::env::var_os("ATLAS_EXPORT_REQUESTS") {
        let path = std::path::PathBuf::from(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("creating {}: {e}", parent.display()));
        }
        std::fs::write(&path, &export)
            .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }
    println!(
        "spec requests: {} of {} built as the spec describes",
        cases::CASES.len() - failures.len(),
        cases::CASES.len()
    );
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_checker_notices_a_wrong_request() {
    let case = Case {
        operation_id: "getGroupCluster",
        version: "2024-08-05",
        args: "{}",
        method: "GET",
        segments: &["api", "atlas", "v2", "groups", "g", "clusters", "a/b"],
        query: &[("pretty", "true")],
        headers: &[("accept", "application/vnd.atlas.2024-08-05+json")],
        body: None,
    };
    let right = http::Request::get("https://h/api/atlas/v2/groups/g/clusters/a%2Fb?pretty=true")
        .header("accept", "application/vnd.atlas.2024-08-05+json")
        .body(Vec::new())
        .unwrap();
    assert_eq!(problems(&case, &right), Vec::<String>::new());
    let wrong = http::Request::get("https://h/api/atlas/v2/groups/g/clusters/a/b")
        .header("accept", "application/vnd.atlas.2023-01-01+json")
        .body(b"{}".to_vec())
        .unwrap();
    assert_eq!(
        problems(&case, &wrong).len(),
        4,
        "{:?}",
        problems(&case, &wrong)
    );
}
