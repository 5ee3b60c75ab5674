//! cargo-semver-checks (crates.io), run on two builds of a generated crate: the
//! independent judge that the verdicts of `atlas_codegen::diff` are checked against
//! (`xtask/tests/semver_checks.rs`).

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt;

use crate::error::XtaskError;
use crate::process::{cargo_program, ensure_cargo_tool, show};

/// The version installed when `cargo semver-checks` is missing.
pub const VERSION: &str = "0.51.0";

/// What cargo-semver-checks found between a baseline and a current crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// A lint that requires a new major version failed (while `0.x`, a new minor).
    pub breaking: bool,
    /// The names of the lints that failed.
    pub failures: Vec<String>,
    /// The names of the lints that only warn (by default they do not fail a release).
    pub warnings: Vec<String>,
    /// Its whole output, for messages.
    pub output: String,
}

/// Installs cargo-semver-checks [`VERSION`] from crates.io unless it is there.
pub fn ensure_installed() -> Result<(), XtaskError> {
    ensure_cargo_tool("semver-checks", "cargo-semver-checks", VERSION)
}

/// Checks package `package` of the workspace `current` against the package of the same
/// name in the workspace `baseline`, as a minor release: only changes that need a new
/// major version fail. Builds in `target`; an error when it fails otherwise or does not
/// finish within `timeout`.
pub fn judge(
    current: &Path,
    baseline: &Path,
    package: &str,
    target: &Path,
    timeout: Duration,
) -> Result<Judgement, XtaskError> {
    std::fs::create_dir_all(target).map_err(|e| XtaskError::io_at("cannot create", target, e))?;
    let log = target.join(format!("semver-checks-{package}.log"));
    let output = File::create(&log).map_err(|e| XtaskError::io_at("cannot create", &log, e))?;
    let errors = output
        .try_clone()
        .map_err(|e| XtaskError::io_at("cannot open", &log, e))?;
    let mut command = Command::new(cargo_program());
    command
        .args(["semver-checks", "check-release", "--manifest-path"])
        .arg(current.join("Cargo.toml"))
        .args(["--package", package, "--baseline-root"])
        .arg(baseline)
        .args(["--release-type", "minor", "--color", "never"])
        .env("CARGO_TARGET_DIR", target)
        .stdin(Stdio::null())
        .stdout(output)
        .stderr(errors);
    let shown = show(&command);
    let mut child = command.spawn().map_err(|e| XtaskError::Command {
        command: shown.clone(),
        message: format!("could not be started: {e}"),
    })?;
    let status = child
        .wait_timeout(timeout)
        .map_err(|e| XtaskError::io(format!("cannot wait for `{shown}`"), e))?;
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(XtaskError::Command {
            command: shown,
            message: format!("did not finish within {} s:\n{text}", timeout.as_secs()),
        });
    };
    let judgement = parse(&text, status.success());
    if !status.success() && judgement.failures.is_empty() {
        return Err(XtaskError::Command {
            command: shown,
            message: format!("failed ({status}) without a failed lint:\n{text}"),
        });
    }
    Ok(judgement)
}

/// Reads the lint names from lines such as
/// `--- failure enum_missing: pub enum removed or renamed ---`.
fn parse(text: &str, passed: bool) -> Judgement {
    let lints = |level: &str| -> Vec<String> {
        let prefix = format!("--- {level} ");
        text.lines()
            .filter_map(|line| line.strip_prefix(&prefix)?.split(':').next())
            .map(str::to_owned)
            .collect()
    };
    let failures = lints("failure");
    Judgement {
        breaking: !passed && !failures.is_empty(),
        failures,
        warnings: lints("warning"),
        output: text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lint_names_are_read_from_failure_and_warning_lines() {
        let text = "     Checking a v0.0.0 -> v0.0.0\n\
            --- failure enum_missing: pub enum removed or renamed ---\n\
            Failed in:\n  enum A::B\n\
            --- warning partial_ord_enum_variants_reordered: enum variants reordered ---\n\
            --- failure struct_missing: pub struct removed or renamed ---\n";
        let judgement = parse(text, false);
        assert!(judgement.breaking);
        assert_eq!(judgement.failures, ["enum_missing", "struct_missing"]);
        assert_eq!(judgement.warnings, ["partial_ord_enum_variants_reordered"]);
        assert!(!parse("     Summary no semver update required\n", true).breaking);
    }
}
