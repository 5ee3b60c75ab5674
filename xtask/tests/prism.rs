//! `cargo xtask prism` against the real Stoplight Prism: hand-written requests,
//! valid and invalid, must be accepted and rejected as their `expect` field says.
//!
//! These tests install Prism with npm on first use (into `target/prism`); without
//! npm or the npm registry they fail, saying so.

use std::path::{Path, PathBuf};

use serde_json::Value;
use xtask::prism::server::PrismServer;
use xtask::prism::{PrismOptions, ensure_prism, run};

fn data_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/prism_requests.jsonl")
}

fn prism_dir() -> PathBuf {
    xtask::workspace_root().join(xtask::prism::PRISM_DIR)
}

fn install_prism() -> PathBuf {
    ensure_prism(&prism_dir()).unwrap_or_else(|e| {
        panic!("cannot install Prism (this test needs Node.js, npm and the npm registry):\n{e}")
    })
}

fn process_exists(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// The `expect` ("accepted"/"rejected") and `violation` (a substring of one of the
/// violation messages) of every request line.
fn expectations() -> Vec<(usize, bool, Option<String>)> {
    let text = std::fs::read_to_string(data_file()).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            let value: Value = serde_json::from_str(line).unwrap();
            let accepted = match value["expect"].as_str() {
                Some("accepted") => true,
                Some("rejected") => false,
                other => panic!("line {}: bad expect {other:?}", index + 1),
            };
            let violation = value["violation"].as_str().map(str::to_owned);
            (index + 1, accepted, violation)
        })
        .collect()
}

#[test]
fn prism_accepts_valid_requests_and_rejects_invalid_ones() {
    install_prism();
    let options = PrismOptions {
        requests: data_file(),
        spec: None,
    };
    let report = run(&xtask::workspace_root(), &options)
        .unwrap_or_else(|e| panic!("cargo xtask prism could not run:\n{e}"));
    xtask::prism::print_report(&report);

    let expected = expectations();
    assert_eq!(report.results.len(), expected.len());
    let mut wrong = Vec::new();
    for (result, (line, accepted, violation)) in report.results.iter().zip(&expected) {
        assert_eq!(result.request.line, *line);
        if result.verdict.accepted != *accepted {
            wrong.push(format!(
                "line {line}: expected {}, got {:?}",
                if *accepted { "accepted" } else { "rejected" },
                result.verdict
            ));
        } else if let Some(violation) = violation
            && !result
                .verdict
                .violations
                .iter()
                .any(|v| v.contains(violation.as_str()))
        {
            wrong.push(format!(
                "line {line}: no violation mentions {violation:?}: {:?}",
                result.verdict.violations
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    let accepted = expected.iter().filter(|(_, a, _)| *a).count();
    assert_eq!(
        report.summary_line(),
        format!(
            "prism: {accepted} of {} requests accepted (3 versions)",
            expected.len()
        )
    );
    // The unknown version starts no Prism.
    let versions: Vec<&str> = report.runs.iter().map(|r| r.version.as_str()).collect();
    assert_eq!(versions, ["2023-01-01", "2024-08-05"]);
    for run in &report.runs {
        assert!(
            !process_exists(run.pid),
            "Prism {} (pid {}) still runs",
            run.version,
            run.pid
        );
    }

    let results = std::fs::read_to_string(&report.results_path).unwrap();
    let lines: Vec<Value> = results
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), expected.len());
    assert_eq!(lines[0]["operation_id"], "listGroups");
    assert_eq!(lines[0]["accepted"], true);
    assert_eq!(lines[0]["status"], 200);
    assert!(lines.iter().any(
        |l| l["accepted"] == false && l["violations"].as_array().is_some_and(|v| !v.is_empty())
    ));
}

#[test]
fn a_stopped_prism_leaves_no_process_and_a_broken_spec_shows_prism_output() {
    let prism = install_prism();
    let dir = std::env::temp_dir().join(format!("xtask-prism-it-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    let spec = dir.join("tiny.json");
    std::fs::write(
        &spec,
        r#"{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{"/ping":{"get":{"responses":{"204":{"description":"pong"}}}}}}"#,
    )
    .unwrap();
    let server = PrismServer::start(&prism, &spec, &dir.join("tiny.log")).unwrap();
    let pid = server.pid();
    assert!(process_exists(pid));
    assert!(server.peak_rss_bytes().is_some_and(|b| b > 1 << 20));
    drop(server);
    assert!(!process_exists(pid), "Prism (pid {pid}) survived its guard");

    let broken = dir.join("broken.json");
    std::fs::write(&broken, r#"{"openapi":"3.0.1","paths":"#).unwrap();
    let error = PrismServer::start(&prism, &broken, &dir.join("broken.log"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("exited"), "{error}");
    assert!(
        error.contains("Error parsing"),
        "Prism's output is missing:\n{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
