//! cargo-semver-checks (crates.io), run on two builds of a generated crate: the
//! independent judge that the verdicts of `atlas_codegen::diff` are checked against
//! (`xtask/tests/semver_checks.rs`).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::error::XtaskError;
use crate::process::{cargo_program, ensure_cargo_tool, run_logged, show};

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
    /// Each item a failed lint names, with the lint: (`struct_missing`,
    /// `struct my_crate::models::Foo, previously in file …`).
    pub failed_items: Vec<(String, String)>,
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
    let mut command = Command::new(cargo_program());
    command
        .args(["semver-checks", "check-release", "--manifest-path"])
        .arg(current.join("Cargo.toml"))
        .args(["--package", package, "--baseline-root"])
        .arg(baseline)
        .args(["--release-type", "minor", "--color", "never"])
        .env("CARGO_TARGET_DIR", target);
    let log = target.join(format!("semver-checks-{package}.log"));
    let (status, text) = run_logged(&mut command, &log, timeout)?;
    let judgement = parse(&text, status.success());
    if !status.success() && judgement.failures.is_empty() {
        return Err(XtaskError::Command {
            command: show(&command),
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
        failed_items: failed_items(text),
        output: text.to_owned(),
    }
}

/// The indented lines under `Failed in:` of every failed lint.
fn failed_items(text: &str) -> Vec<(String, String)> {
    let mut items = Vec::new();
    let (mut lint, mut listing) = (None, false);
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("--- ") {
            lint = rest
                .strip_prefix("failure ")
                .and_then(|r| r.split(':').next())
                .map(str::to_owned);
            listing = false;
        } else if line == "Failed in:" {
            listing = true;
        } else if line.trim().is_empty() {
            listing = false;
        } else if let (true, Some(lint)) = (listing, &lint) {
            items.push((lint.clone(), line.trim().to_owned()));
        }
    }
    items
}

/// The Rust item (type, or feature) an item line of a failed lint is about:
/// `Foo` for `struct my_crate::models::Foo, previously in file …`, for
/// `field bar of struct Foo, …`, `field Foo.bar in …`, `variant Foo::Bar in …` and
/// `my_crate::models::Foo::new takes 1 parameters …`; `projects` for
/// `feature projects in the package's Cargo.toml` and `mod my_crate::operations::projects`.
pub fn subject(item: &str) -> Option<&str> {
    let words: Vec<&str> = item.split_whitespace().collect();
    let word = |i: usize| words.get(i).map(|w| w.trim_end_matches(','));
    match *words.first()? {
        "feature" => word(1),
        "field" if words.get(2) == Some(&"of") => word(4),
        "field" => word(1)?.split('.').next(),
        "struct" | "enum" | "mod" | "trait" | "fn" => word(1)?.rsplit("::").next(),
        "variant" => word(1)?.rsplit("::").nth(1),
        _ => word(0)?.rsplit("::").nth(1),
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
        assert_eq!(
            judgement.failed_items,
            [("enum_missing".to_owned(), "enum A::B".to_owned())]
        );
    }

    #[test]
    fn each_item_line_names_its_subject() {
        let cases = [
            ("struct c::models::Foo, previously in file /a.rs:1", "Foo"),
            (
                "enum c::operations::tag::Foo, previously in file /a.rs:1",
                "Foo",
            ),
            (
                "mod c::operations::projects, previously in file /a.rs:3",
                "projects",
            ),
            ("feature projects in the package's Cargo.toml", "projects"),
            ("field bar of struct Foo, previously in file /a.rs:2", "Foo"),
            ("field Foo.bar in /a.rs:16", "Foo"),
            ("variant Foo::Bar in /a.rs:11", "Foo"),
            ("variant Foo::Bar 93 -> 95 in /a.rs:759", "Foo"),
            ("Foo::bar, previously in file /a.rs:4", "Foo"),
            (
                "c::models::Foo::new takes 0 parameters in /a.rs:55, but now takes 1",
                "Foo",
            ),
        ];
        for (item, expected) in cases {
            assert_eq!(subject(item), Some(expected), "{item}");
        }
    }
}
