//! `cargo xtask prism --requests FILE.jsonl [--spec PATH]`: has an independent
//! validator, Stoplight Prism, check the HTTP requests the generated crate builds.
//!
//! 1. Installs the pinned Prism ([`PRISM_VERSION`]) with npm into `target/prism`.
//! 2. Writes one copy of the pinned spec per API version to
//!    `target/prism/specs/<version>.json` ([`split`] says how and why).
//! 3. For each version named in the requests file ([`requests`]), one after the other,
//!    starts `prism mock` on that version's copy, sends it each request of that version
//!    over HTTP ([`client`]), and stops it.
//! 4. Classifies each answer ([`verdict::classify`] documents the rule), prints a
//!    summary, writes `target/prism/results.jsonl`, and fails when a request was rejected.

pub mod client;
pub mod install;
pub mod requests;
pub mod server;
pub mod split;
pub mod verdict;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::error::XtaskError;
pub use install::{PRISM_VERSION, ensure_prism};
use requests::PrismRequest;
use server::PrismServer;
use verdict::Verdict;

/// Prism's directory (installation, spec copies, logs, results), relative to the
/// workspace root.
pub const PRISM_DIR: &str = "target/prism";

/// Where `cargo xtask test` has the generated crate's tests export their requests
/// (`ATLAS_EXPORT_REQUESTS`) for Prism: `target/prism/requests.jsonl`, absolute, because
/// cargo runs tests in their package's directory.
pub const PIPELINE_REQUESTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../target/prism/requests.jsonl"
);

/// How often Prism may die and be restarted within one version before the run fails.
const MAX_RESTARTS: usize = 3;

/// How long one request may take, from connecting to its answer's last byte.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Options of `cargo xtask prism`.
#[derive(Debug, Clone, clap::Args)]
pub struct PrismOptions {
    /// The JSON Lines requests file (results go to target/prism/results.jsonl).
    #[arg(long, value_name = "FILE.jsonl")]
    pub requests: PathBuf,
    /// The spec, when not found the usual way.
    #[arg(long, value_name = "PATH")]
    pub spec: Option<PathBuf>,
}

/// What Prism made of one request.
#[derive(Debug, Clone)]
pub struct RequestResult {
    pub request: PrismRequest,
    /// Prism's HTTP status, when it answered.
    pub status: Option<u16>,
    pub verdict: Verdict,
}

/// One `prism mock` run.
#[derive(Debug, Clone)]
pub struct VersionRun {
    pub version: String,
    pub requests: usize,
    /// From spawning Prism until it accepted connections.
    pub startup: Duration,
    /// Prism's peak resident set size, read just before it was stopped (Linux only).
    pub peak_rss_bytes: Option<u64>,
    /// The Prism process, stopped by now.
    pub pid: u32,
}

/// Everything `cargo xtask prism` found.
#[derive(Debug, Clone)]
pub struct PrismReport {
    /// In the order of the requests file.
    pub results: Vec<RequestResult>,
    /// The Prism runs, in version order.
    pub runs: Vec<VersionRun>,
    pub results_path: PathBuf,
    pub elapsed: Duration,
}

impl PrismReport {
    pub fn accepted(&self) -> usize {
        self.results.iter().filter(|r| r.verdict.accepted).count()
    }

    pub fn rejected(&self) -> impl Iterator<Item = &RequestResult> {
        self.results.iter().filter(|r| !r.verdict.accepted)
    }

    /// The number of distinct API versions among the requests.
    pub fn version_count(&self) -> usize {
        let mut versions: Vec<&str> = self
            .results
            .iter()
            .map(|r| r.request.version.as_str())
            .collect();
        versions.sort_unstable();
        versions.dedup();
        versions.len()
    }

    /// `prism: N of M requests accepted (V versions)`.
    pub fn summary_line(&self) -> String {
        let versions = self.version_count();
        format!(
            "prism: {} of {} requests accepted ({versions} {})",
            self.accepted(),
            self.results.len(),
            if versions == 1 { "version" } else { "versions" }
        )
    }
}

/// `cargo xtask prism`: runs Prism, prints the report, and fails when any request
/// was rejected.
pub fn command(workspace_root: &Path, options: &PrismOptions) -> Result<(), XtaskError> {
    let report = run(workspace_root, options)?;
    print_report(&report);
    if report.results.is_empty() {
        // An empty export means the exporter broke, not that everything is valid.
        return Err(XtaskError::Other(format!(
            "prism: {} holds no requests",
            options.requests.display()
        )));
    }
    let problems = unexpected_outcomes(&report);
    if !problems.is_empty() {
        return Err(XtaskError::Other(format!(
            "prism: {} unexpected outcomes:\n{}\nsee above and {}",
            problems.len(),
            problems.join("\n"),
            report.results_path.display()
        )));
    }
    let known = report.rejected().count();
    if known > 0 {
        println!(
            "prism: the {known} rejected requests are the spec's own contradictions listed in `UNSATISFIABLE_IN_SPEC`"
        );
    }
    Ok(())
}

/// (operation, version, Prism's message) of requests that no body can make a strict
/// validator accept, because of the spec itself: the request body is a `oneOf` whose
/// branches differ only in `readOnly` properties, which a request does not send (Prism
/// removes them from request schemas), so every body matches several branches and
/// "exactly one" cannot hold. The body sent is the one the Atlas documentation gives.
/// Each must be rejected with exactly this message; once one is accepted (a new spec
/// fixed it), the entry is stale and the run fails until it is removed.
pub const UNSATISFIABLE_IN_SPEC: &[(&str, &str, &str)] = &[
    (
        "createGroupCloudProviderAccess",
        "2023-01-01",
        "body: Request body must match exactly one schema in oneOf",
    ),
    (
        "createGroupEncryptionAtRestPrivateEndpoint",
        "2023-01-01",
        "body: Request body must match exactly one schema in oneOf",
    ),
];

/// Rejections not listed in [`UNSATISFIABLE_IN_SPEC`] (or listed with another reason),
/// and listed requests that were accepted.
pub fn unexpected_outcomes(report: &PrismReport) -> Vec<String> {
    let mut out = Vec::new();
    for result in &report.results {
        let r = &result.request;
        let listed = UNSATISFIABLE_IN_SPEC
            .iter()
            .find(|(op, version, _)| *op == r.operation_id && *version == r.version);
        match (listed, result.verdict.accepted) {
            (None, true) => {}
            (None, false) => out.push(format!("rejected: {} {}", r.operation_id, r.version)),
            (Some(_), true) => out.push(format!(
                "accepted, but listed in UNSATISFIABLE_IN_SPEC (remove it): {} {}",
                r.operation_id, r.version
            )),
            (Some((_, _, message)), false) => {
                if result.verdict.violations.as_slice() != [*message] {
                    out.push(format!(
                        "rejected for another reason than the listed one: {} {}: {:?}",
                        r.operation_id, r.version, result.verdict.violations
                    ));
                }
            }
        }
    }
    out
}

/// Runs every request of the requests file through Prism and writes
/// `target/prism/results.jsonl`. Rejected requests are in the report, not an error;
/// errors are about the run itself (bad requests file, spec, npm, Prism not starting).
pub fn run(workspace_root: &Path, options: &PrismOptions) -> Result<PrismReport, XtaskError> {
    let started = Instant::now();
    let requests = requests::read_requests(&options.requests)?;
    let spec = crate::spec::load_pinned(workspace_root, options.spec.as_deref())?;
    let document: Value = serde_yaml::from_str(&spec.text).map_err(|e| {
        XtaskError::Other(format!("cannot read the spec {}: {e}", spec.path.display()))
    })?;

    let dir = workspace_root.join(PRISM_DIR);
    let prism = ensure_prism(&dir)?;
    let spec_copies = split::write_version_specs(&document, &dir.join("specs"))?;
    drop(document);
    println!(
        "prism: Prism {PRISM_VERSION}; spec {} ({}); {} API versions in {}",
        spec.path.display(),
        spec.source.describe(),
        spec_copies.len(),
        dir.join("specs").display()
    );
    let logs = dir.join("logs");
    // Logs of an earlier run's versions would only mislead.
    let _ = std::fs::remove_dir_all(&logs);
    std::fs::create_dir_all(&logs).map_err(|e| XtaskError::io_at("cannot create", &logs, e))?;

    let mut by_version: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, request) in requests.iter().enumerate() {
        by_version.entry(&request.version).or_default().push(index);
    }
    let mut outcomes: Vec<Option<(Option<u16>, Verdict)>> = vec![None; requests.len()];
    let mut runs = Vec::new();
    for (version, indices) in by_version {
        let Some(spec_copy) = spec_copies.get(version) else {
            for &index in &indices {
                outcomes[index] = Some((None, unknown_version(version)));
            }
            continue;
        };
        let log_path = logs.join(format!("{version}.log"));
        let run = check_version(
            &prism,
            spec_copy,
            &log_path,
            version,
            &indices,
            &requests,
            &mut outcomes,
        )?;
        println!(
            "prism: {}: {} {}; Prism started in {:.1} s, peak RSS {}",
            run.version,
            run.requests,
            if run.requests == 1 {
                "request"
            } else {
                "requests"
            },
            run.startup.as_secs_f64(),
            run.peak_rss_bytes
                .map_or_else(|| "unknown".to_owned(), format_mib)
        );
        runs.push(run);
    }

    let results: Vec<RequestResult> = requests
        .into_iter()
        .zip(outcomes)
        .map(|(request, outcome)| {
            // Every index belongs to exactly one version group.
            let (status, verdict) = outcome.unwrap_or_else(|| (None, unknown_version("?")));
            RequestResult {
                request,
                status,
                verdict,
            }
        })
        .collect();
    let results_path = dir.join("results.jsonl");
    write_results(&results_path, &results)?;
    Ok(PrismReport {
        results,
        runs,
        results_path,
        elapsed: started.elapsed(),
    })
}

/// Checks the requests at `indices` (all of `version`) with one Prism on `spec`,
/// storing their outcomes. When Prism dies on a request, that request is rejected and
/// Prism restarted, up to [`MAX_RESTARTS`] times.
fn check_version(
    prism: &Path,
    spec: &Path,
    log_path: &Path,
    version: &str,
    indices: &[usize],
    requests: &[PrismRequest],
    outcomes: &mut [Option<(Option<u16>, Verdict)>],
) -> Result<VersionRun, XtaskError> {
    let mut server = PrismServer::start(prism, spec, log_path)?;
    let startup = server.startup;
    let mut peak_rss_bytes = None;
    let mut restarts = 0;
    let client = client::client(REQUEST_TIMEOUT);
    for &index in indices {
        let outcome = match client::send(&client, server.addr, &requests[index]) {
            Ok(response) => (
                Some(response.status().as_u16()),
                verdict::classify(&response),
            ),
            Err(e) if server.survives(Duration::from_secs(1)) => {
                (None, rejected(format!("no answer from Prism: {e}")))
            }
            Err(e) => {
                let message = format!(
                    "Prism died on this request ({e}); its output ({}):\n{}",
                    server.log_path.display(),
                    server.log_excerpt()
                );
                restarts += 1;
                if restarts > MAX_RESTARTS {
                    return Err(XtaskError::Other(format!(
                        "prism: giving up on {version} after {MAX_RESTARTS} restarts: {message}"
                    )));
                }
                eprintln!("prism: {message}\nprism: restarting Prism for {version}");
                drop(server);
                server = PrismServer::start(prism, spec, log_path)?;
                (None, rejected(message))
            }
        };
        peak_rss_bytes = peak_rss_bytes.max(server.peak_rss_bytes());
        outcomes[index] = Some(outcome);
    }
    Ok(VersionRun {
        version: version.to_owned(),
        requests: indices.len(),
        startup,
        peak_rss_bytes: peak_rss_bytes.max(server.peak_rss_bytes()),
        pid: server.pid(),
    })
}

fn rejected(violation: String) -> Verdict {
    Verdict {
        accepted: false,
        violations: vec![violation],
        notes: Vec::new(),
    }
}

fn unknown_version(version: &str) -> Verdict {
    rejected(format!(
        "the spec has no operation in API version {version:?}"
    ))
}

fn write_results(path: &Path, results: &[RequestResult]) -> Result<(), XtaskError> {
    let mut text = String::new();
    for result in results {
        let request = &result.request;
        let line = json!({
            "line": request.line,
            "operation_id": request.operation_id,
            "version": request.version,
            "method": request.method.as_str(),
            "uri": request.uri.as_str(),
            "accepted": result.verdict.accepted,
            "status": result.status,
            "violations": result.verdict.violations,
            "notes": result.verdict.notes,
        });
        text.push_str(&line.to_string());
        text.push('\n');
    }
    std::fs::write(path, text).map_err(|e| XtaskError::io_at("cannot write", path, e))
}

/// Prints the summary line and every rejected request with its violations.
pub fn print_report(report: &PrismReport) {
    for result in report.rejected() {
        let r = &result.request;
        let status = result
            .status
            .map_or_else(|| "no answer".to_owned(), |s| format!("HTTP {s}"));
        println!(
            "rejected: {} {} {} {} ({status}; line {})",
            r.operation_id, r.version, r.method, r.uri, r.line
        );
        for violation in &result.verdict.violations {
            println!("    {violation}");
        }
    }
    println!(
        "{} in {:.1} s; results in {}",
        report.summary_line(),
        report.elapsed.as_secs_f64(),
        report.results_path.display()
    );
}

fn format_mib(bytes: u64) -> String {
    // Exact enough for a report: MiB with one decimal.
    let tenths = bytes.saturating_mul(10) / (1024 * 1024);
    format!("{}.{} MiB", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(version: &str, accepted: bool) -> RequestResult {
        RequestResult {
            request: PrismRequest {
                line: 1,
                operation_id: "op".into(),
                version: version.into(),
                method: http::Method::GET,
                uri: "/".parse().unwrap(),
                headers: Vec::new(),
                body: None,
            },
            status: Some(200),
            verdict: Verdict {
                accepted,
                ..Verdict::default()
            },
        }
    }

    #[test]
    fn summary_counts_requests_and_versions() {
        let report = PrismReport {
            results: vec![
                result("2023-01-01", true),
                result("2024-08-05", false),
                result("2023-01-01", true),
            ],
            runs: Vec::new(),
            results_path: PathBuf::from("results.jsonl"),
            elapsed: Duration::ZERO,
        };
        assert_eq!(
            report.summary_line(),
            "prism: 2 of 3 requests accepted (2 versions)"
        );
        assert_eq!(report.rejected().count(), 1);
    }

    #[test]
    fn pipeline_requests_are_under_the_workspace_target() {
        assert!(Path::new(PIPELINE_REQUESTS).is_absolute());
        let expected = format!(
            "{}/../target/prism/requests.jsonl",
            env!("CARGO_MANIFEST_DIR")
        );
        assert_eq!(PIPELINE_REQUESTS, expected);
    }

    #[test]
    fn mib() {
        assert_eq!(format_mib(300 * 1024 * 1024 + 512 * 1024), "300.5 MiB");
        assert_eq!(format_mib(0), "0.0 MiB");
    }
}
