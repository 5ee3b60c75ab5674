//! `atlas-generated/CHANGELOG.md`, in the Keep a Changelog layout. When `cargo xtask
//! codegen` generates from another spec than the one the committed crate records
//! (`reports/api-surface.json`), it adds a dated section with the report of what changed
//! (`atlas_codegen::diff`) and sets the crate's version to the report's verdict;
//! `codegen --check` fails while the newest section names another spec than the pinned one.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use atlas_codegen::diff::surface::{RECORD_PATH, RecordError};
use atlas_codegen::diff::{self, Report, Surface};

use crate::error::XtaskError;
use crate::tree::{Drift, DriftKind};

/// The changelog, relative to the crate directory.
pub const CHANGELOG: &str = "CHANGELOG.md";

const HEADER: &str = "# Changelog\n\n\
All notable changes to `atlas-generated`, in the [Keep a Changelog](https://keepachangelog.com/en/1.1.0/) \
layout. `cargo xtask codegen` writes a section whenever the spec it generates from changes: each \
entry names the Rust items it touches, and **Breaking** marks those that can stop code compiling \
against the previous version. Versions follow Cargo's semver rules (while `0.x`, a breaking change \
bumps the minor).\n";

/// What regenerating does to the changelog and the crate's version.
#[derive(Debug)]
pub struct Update {
    /// The whole new changelog.
    pub text: String,
    /// The crate's new version, when it moves.
    pub version: Option<String>,
    /// The report the new section holds (`None` for the first section).
    pub report: Option<Report>,
}

fn read_optional(path: &Path) -> Result<Option<String>, XtaskError> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(XtaskError::io_at("cannot read", path, e)),
    }
}

/// "Generated from …": how a section names the spec it was generated from.
fn generated_from(surface: &Surface) -> String {
    format!("Generated from {}", surface.spec.describe())
}

/// The path of the record of the crate in `crate_dir`, and what it holds (`None` when
/// there is none).
fn read_record(
    crate_dir: &Path,
) -> Result<(PathBuf, Option<Result<Surface, RecordError>>), XtaskError> {
    let path = crate_dir.join(RECORD_PATH);
    let recorded = read_optional(&path)?.map(|text| Surface::from_record(&text));
    Ok((path, recorded))
}

/// The surface the committed crate in `crate_dir` records, whose names a new generation
/// keeps; `None` without a record, or with one of another format (which only
/// [`plan`] reads, to tell whether the spec changed).
pub fn published(crate_dir: &Path) -> Result<Option<Surface>, XtaskError> {
    let (path, recorded) = read_record(crate_dir)?;
    match recorded {
        Some(Ok(surface)) => Ok(Some(surface)),
        None | Some(Err(RecordError::OtherFormat { .. })) => Ok(None),
        Some(Err(e)) => Err(XtaskError::Other(format!(
            "{}: {e}; the names it records cannot be kept (restore it from git)",
            path.display()
        ))),
    }
}

/// What generating `new` (on `date`) changes in the changelog of the crate in
/// `crate_dir`, whose version is `version`; `None` when the crate was generated from the
/// same spec and the changelog exists.
///
/// What the crate was generated from is `previous` (the surface of the previously pinned
/// document, `codegen --previous`) when given, else the crate's record. A record another
/// generator wrote in another format is only good for telling whether the spec changed.
pub fn plan(
    crate_dir: &Path,
    new: &Surface,
    version: &str,
    date: &str,
    previous: Option<&Surface>,
) -> Result<Option<Update>, XtaskError> {
    let Some(existing) = read_optional(&crate_dir.join(CHANGELOG))? else {
        let section = format!("## [{version}] - {date}\n\n{}.\n", generated_from(new));
        return Ok(Some(Update {
            text: format!("{HEADER}\n{section}"),
            version: None,
            report: None,
        }));
    };
    let Some(old) = generated_before(crate_dir, new, previous)? else {
        return Ok(None);
    };
    if old.spec == new.spec {
        return Ok(None);
    }
    let report = diff::diff(&old, new, version);
    let text = insert_section(&existing, &report.changelog_section(date));
    let moved = report.verdict.next != version;
    Ok(Some(Update {
        text,
        version: moved.then(|| report.verdict.next.clone()),
        report: Some(report),
    }))
}

/// The surface of the spec the committed crate was generated from, unless it is `new`'s:
/// `previous` when given, else the crate's record. `None` without a record, or when the
/// record (of any format) names `new`'s spec: the crate already comes from it.
fn generated_before(
    crate_dir: &Path,
    new: &Surface,
    previous: Option<&Surface>,
) -> Result<Option<Surface>, XtaskError> {
    let (path, recorded) = read_record(crate_dir)?;
    let recorded_spec = match &recorded {
        Some(Ok(surface)) => Some(&surface.spec),
        Some(Err(RecordError::OtherFormat { spec, .. })) => spec.as_ref(),
        _ => None,
    };
    if recorded_spec == Some(&new.spec) {
        return Ok(None);
    }
    if let Some(previous) = previous {
        return Ok(Some(previous.clone()));
    }
    let unreadable = |e: RecordError| {
        XtaskError::Other(format!(
            "{}: {e}, and the spec changed: to report what changed, pass the document the \
             crate was generated from (`cargo xtask codegen --previous OLD.yaml`)",
            path.display()
        ))
    };
    match recorded {
        None => Ok(None),
        Some(Ok(surface)) => Ok(Some(surface)),
        Some(Err(e)) => Err(unreadable(e)),
    }
}

/// `section` above the newest one (below the header).
fn insert_section(changelog: &str, section: &str) -> String {
    match changelog.find("\n## [") {
        // `at` is the line break ending the blank line above the newest section.
        Some(at) => format!("{}{section}{}", &changelog[..at + 1], &changelog[at..]),
        None => format!("{}\n\n{section}", changelog.trim_end()),
    }
}

/// Writes the planned changelog through a temporary file.
pub fn write(crate_dir: &Path, update: &Update) -> Result<(), XtaskError> {
    let path = crate_dir.join(CHANGELOG);
    let temporary = crate_dir.join(format!(".{CHANGELOG}.codegen"));
    fs::write(&temporary, &update.text)
        .map_err(|e| XtaskError::io_at("cannot write", &temporary, e))?;
    fs::rename(&temporary, &path).map_err(|e| XtaskError::io_at("cannot replace", &path, e))
}

/// Whether the changelog's newest section names the spec `new` comes from.
pub fn drift(crate_dir: &Path, new: &Surface) -> Result<Option<Drift>, XtaskError> {
    let Some(text) = read_optional(&crate_dir.join(CHANGELOG))? else {
        return Ok(Some(Drift {
            path: CHANGELOG.to_owned(),
            kind: DriftKind::Missing,
        }));
    };
    let newest = text.split("\n## [").nth(1).unwrap_or("");
    let wanted = generated_from(new);
    Ok((!newest.contains(&wanted)).then(|| Drift {
        path: CHANGELOG.to_owned(),
        kind: DriftKind::Changed {
            first_line: text
                .lines()
                .position(|l| l.starts_with("## ["))
                .map_or(1, |i| i + 1),
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_go_above_the_newest() {
        let changelog = format!("{HEADER}\n## [0.1.0] - 2026-01-01\n\nfirst\n");
        let text = insert_section(&changelog, "## [0.2.0] - 2026-02-01\n\nsecond\n");
        let second = text.find("## [0.2.0]").unwrap();
        let first = text.find("## [0.1.0]").unwrap();
        assert!(text.starts_with(HEADER));
        assert!(second < first, "{text}");
        assert!(text.contains("second\n\n## [0.1.0]"), "{text}");
    }
}
