//! The generated lines of `atlas-generated/Cargo.toml`: its cargo features, a feature per
//! tag, between the generator's markers in `[features]` (the lines around them are written
//! by hand).

use std::fs;
use std::path::Path;

use atlas_codegen::{FEATURES_BEGIN, FEATURES_END};

use crate::error::XtaskError;
use crate::tree::{Drift, DriftKind, first_differing_line};

/// The manifest's path, relative to the crate directory.
pub const MANIFEST: &str = "Cargo.toml";

/// `text` with the lines between the markers replaced by `features`.
///
/// # Errors
///
/// When `text` lacks either marker line, or has them in the wrong order.
pub fn splice(text: &str, features: &str) -> Result<String, XtaskError> {
    let missing = |marker: &str| {
        XtaskError::Other(format!(
            "atlas-generated/{MANIFEST}: no line `{marker}` in [features], where the generator writes a feature per tag"
        ))
    };
    let begin = line_end_of(text, FEATURES_BEGIN).ok_or_else(|| missing(FEATURES_BEGIN))?;
    let end = line_start_of(text, FEATURES_END).ok_or_else(|| missing(FEATURES_END))?;
    if end < begin {
        return Err(XtaskError::Other(format!(
            "atlas-generated/{MANIFEST}: `{FEATURES_END}` comes before `{FEATURES_BEGIN}`"
        )));
    }
    Ok(format!("{}{features}{}", &text[..begin], &text[end..]))
}

/// Where the line that is exactly `marker` starts.
fn line_start_of(text: &str, marker: &str) -> Option<usize> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == marker {
            return Some(start);
        }
        start += line.len();
    }
    None
}

/// Where the line after the line that is exactly `marker` starts.
fn line_end_of(text: &str, marker: &str) -> Option<usize> {
    let start = line_start_of(text, marker)?;
    let rest = &text[start..];
    Some(start + rest.find('\n').map_or(rest.len(), |i| i + 1))
}

/// How the manifest in `crate_dir` differs from one with `features`, if it does.
///
/// # Errors
///
/// When the manifest cannot be read or lacks the markers.
pub fn drift(crate_dir: &Path, features: &str) -> Result<Option<Drift>, XtaskError> {
    let path = crate_dir.join(MANIFEST);
    let text = fs::read_to_string(&path).map_err(|e| XtaskError::io_at("cannot read", &path, e))?;
    let wanted = splice(&text, features)?;
    Ok((wanted != text).then(|| Drift {
        path: MANIFEST.to_owned(),
        kind: DriftKind::Changed {
            first_line: first_differing_line(text.as_bytes(), wanted.as_bytes()),
        },
    }))
}

/// Writes `features` into the manifest in `crate_dir`, through a temporary file renamed
/// over it, so that it is never half-written.
///
/// # Errors
///
/// When the manifest cannot be read, lacks the markers, or cannot be replaced.
pub fn write(crate_dir: &Path, features: &str) -> Result<(), XtaskError> {
    let path = crate_dir.join(MANIFEST);
    let text = fs::read_to_string(&path).map_err(|e| XtaskError::io_at("cannot read", &path, e))?;
    let wanted = splice(&text, features)?;
    if wanted == text {
        return Ok(());
    }
    let temporary = crate_dir.join(format!(".{MANIFEST}.codegen"));
    fs::write(&temporary, wanted).map_err(|e| XtaskError::io_at("cannot write", &temporary, e))?;
    fs::rename(&temporary, &path).map_err(|e| XtaskError::io_at("cannot replace", &path, e))
}

/// A TOML file (a manifest), parsed.
///
/// # Errors
///
/// When it cannot be read or parsed; the error names the file.
pub fn read_table(path: &Path) -> Result<toml::Table, XtaskError> {
    let text = fs::read_to_string(path).map_err(|e| XtaskError::io_at("cannot read", path, e))?;
    text.parse()
        .map_err(|e| XtaskError::Other(format!("{}: {e}", path.display())))
}

/// The manifest's `package.version`.
///
/// # Errors
///
/// When the manifest cannot be read or parsed, or has no version.
pub fn version(crate_dir: &Path) -> Result<String, XtaskError> {
    let path = crate_dir.join(MANIFEST);
    read_table(&path)?
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(toml::Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| XtaskError::Other(format!("{}: no package.version", path.display())))
}

/// Sets the manifest's `package.version` (its first `version = "…"` line, which a
/// manifest that starts with `[package]` has), through a temporary file.
///
/// # Errors
///
/// When the manifest cannot be read or replaced, or has no such line.
pub fn set_version(crate_dir: &Path, version: &str) -> Result<(), XtaskError> {
    let path = crate_dir.join(MANIFEST);
    let text = fs::read_to_string(&path).map_err(|e| XtaskError::io_at("cannot read", &path, e))?;
    let Some(line) = text.lines().find(|l| l.starts_with("version = \"")) else {
        return Err(XtaskError::Other(format!(
            "{}: no `version = \"…\"` line",
            path.display()
        )));
    };
    let wanted = text.replacen(line, &format!("version = \"{version}\""), 1);
    let temporary = crate_dir.join(format!(".{MANIFEST}.version"));
    fs::write(&temporary, wanted).map_err(|e| XtaskError::io_at("cannot write", &temporary, e))?;
    fs::rename(&temporary, &path).map_err(|e| XtaskError::io_at("cannot replace", &path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(generated: &str) -> String {
        format!(
            "[features]\ndefault = [\"full\"]\n{FEATURES_BEGIN}\n{generated}{FEATURES_END}\n\n[lib]\n"
        )
    }

    #[test]
    fn splice_replaces_exactly_the_lines_between_the_markers() {
        let spliced = splice(&manifest("old = []\n"), "full = [\"a\"]\na = []\n").unwrap();
        assert_eq!(spliced, manifest("full = [\"a\"]\na = []\n"));
        assert_eq!(
            splice(&spliced, "full = [\"a\"]\na = []\n").unwrap(),
            spliced
        );
    }

    #[test]
    fn a_manifest_without_markers_is_a_located_error() {
        let error = splice("[features]\ndefault = []\n", "a = []\n").unwrap_err();
        assert!(error.to_string().contains(FEATURES_BEGIN), "{error}");
        let reversed = format!("{FEATURES_END}\n{FEATURES_BEGIN}\n");
        let error = splice(&reversed, "a = []\n").unwrap_err();
        assert!(error.to_string().contains("comes before"), "{error}");
    }

    #[test]
    fn drift_and_write_agree() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(MANIFEST), manifest("old = []\n")).unwrap();
        let drift = drift(dir.path(), "new = []\n").unwrap().unwrap();
        assert_eq!(drift.kind, DriftKind::Changed { first_line: 4 });
        write(dir.path(), "new = []\n").unwrap();
        assert_eq!(super::drift(dir.path(), "new = []\n").unwrap(), None);
        let text = fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
        assert_eq!(text, manifest("new = []\n"));
    }
}
