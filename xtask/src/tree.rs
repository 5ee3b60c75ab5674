//! The generated part of `atlas-generated` on disk: comparing it with the generator's
//! output ([`diff_tree`]) and replacing it atomically ([`write_tree`]).
//!
//! Both take a crate directory, a map of file path → contents (paths relative to the crate
//! directory, `/`-separated) and the directories the generator owns wholly. Every path is
//! checked before anything is read or written.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::Path;

use crate::error::XtaskError;

/// One file whose on-disk state differs from the generator's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Path relative to the crate directory, `/`-separated.
    pub path: String,
    pub kind: DriftKind,
}

/// How a file differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriftKind {
    /// On disk with other contents; `first_line` is the 1-based first line that differs.
    Changed { first_line: usize },
    /// Generated but not on disk.
    Missing,
    /// On disk under a generated root but no longer generated.
    Stale,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = &self.path;
        match self.kind {
            DriftKind::Changed { first_line } => {
                write!(f, "changed  {path} (first difference at line {first_line})")
            }
            DriftKind::Missing => write!(f, "missing  {path} (generated, not on disk)"),
            DriftKind::Stale => write!(f, "stale    {path} (on disk, no longer generated)"),
        }
    }
}

/// The index of the root in `roots` that `path` is strictly inside, if `path` is a plain
/// relative path: no `..`, `.`, empty or absolute component, backslash, `:` or NUL.
pub fn validate_path(path: &str, roots: &[&str]) -> Result<usize, XtaskError> {
    let bad = |reason: &str| XtaskError::BadGeneratedPath {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    if path.contains(['\0', '\\', ':']) {
        return Err(bad("it contains a NUL byte, a backslash or `:`"));
    }
    if path.starts_with('/') {
        return Err(bad("it is absolute"));
    }
    if path.split('/').any(|c| matches!(c, "" | "." | "..")) {
        return Err(bad("it has an empty, `.` or `..` component"));
    }
    roots
        .iter()
        .position(|root| {
            path.strip_prefix(root)
                .is_some_and(|rest| rest.starts_with('/'))
        })
        .ok_or_else(|| {
            bad(&format!(
                "it is under no generated root ({})",
                roots.join(", ")
            ))
        })
}

/// Checks every path and groups the files by root (index into `roots`).
fn partition<'a>(
    files: &'a BTreeMap<String, String>,
    roots: &[&str],
) -> Result<Vec<Vec<(&'a str, &'a str)>>, XtaskError> {
    let mut groups = vec![Vec::new(); roots.len()];
    for (path, contents) in files {
        groups[validate_path(path, roots)?].push((path.as_str(), contents.as_str()));
    }
    Ok(groups)
}

/// Compares the generator's output `files` with what is on disk under each root of `roots`
/// inside `crate_dir`. Returns every difference, sorted by path.
pub fn diff_tree(
    crate_dir: &Path,
    files: &BTreeMap<String, String>,
    roots: &[&str],
) -> Result<Vec<Drift>, XtaskError> {
    let groups = partition(files, roots)?;
    let mut drift = Vec::new();
    for (root, generated) in roots.iter().zip(groups) {
        let mut on_disk = BTreeMap::new();
        list_files(crate_dir, root, &mut on_disk)?;
        for (path, contents) in generated {
            let kind = match on_disk.remove(path) {
                None => DriftKind::Missing,
                Some(actual) if actual == contents.as_bytes() => continue,
                Some(actual) => DriftKind::Changed {
                    first_line: first_differing_line(&actual, contents.as_bytes()),
                },
            };
            drift.push(Drift {
                path: path.to_owned(),
                kind,
            });
        }
        drift.extend(on_disk.into_keys().map(|path| Drift {
            path,
            kind: DriftKind::Stale,
        }));
    }
    drift.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(drift)
}

/// 1-based number of the first line where `a` and `b` differ.
pub(crate) fn first_differing_line(a: &[u8], b: &[u8]) -> usize {
    // Lines with their terminators, so that a missing final newline counts on its line.
    let a_lines = a.split_inclusive(|&c| c == b'\n');
    let b_lines = b.split_inclusive(|&c| c == b'\n');
    1 + a_lines.zip(b_lines).take_while(|(x, y)| x == y).count()
}

/// Adds every file below `crate_dir/rel` to `out`, keyed by its `/`-separated path
/// relative to `crate_dir`, with its contents. A missing `rel` adds nothing.
fn list_files(
    crate_dir: &Path,
    rel: &str,
    out: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), XtaskError> {
    let path = crate_dir.join(rel);
    let meta = match fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(XtaskError::io_at("cannot inspect", &path, e)),
    };
    if !meta.is_dir() {
        let contents = fs::read(&path).map_err(|e| XtaskError::io_at("cannot read", &path, e))?;
        out.insert(rel.to_owned(), contents);
        return Ok(());
    }
    let entries = fs::read_dir(&path).map_err(|e| XtaskError::io_at("cannot list", &path, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| XtaskError::io_at("cannot list", &path, e))?;
        let child = format!("{rel}/{}", entry.file_name().to_string_lossy());
        list_files(crate_dir, &child, out)?;
    }
    Ok(())
}

/// Replaces each root of `roots` inside `crate_dir` by exactly the files of `files` under
/// it, all or nothing.
///
/// Every path is checked first. The new trees are written into a temporary directory
/// inside `crate_dir` (so that renames stay on one file system); only when all are written
/// is each root swapped in by two renames (old root aside, new root in). If a rename
/// fails, the roots swapped so far are put back. The old trees go when the temporary
/// directory is deleted; a run that is killed leaves at most that directory behind
/// (`.codegen-*`, git-ignored), never a half-written root.
pub fn write_tree(
    crate_dir: &Path,
    files: &BTreeMap<String, String>,
    roots: &[&str],
) -> Result<(), XtaskError> {
    write_tree_with(crate_dir, files, roots, &mut |from, to| {
        fs::rename(from, to)
    })
}

type Rename<'a> = dyn FnMut(&Path, &Path) -> io::Result<()> + 'a;

fn write_tree_with(
    crate_dir: &Path,
    files: &BTreeMap<String, String>,
    roots: &[&str],
    rename: &mut Rename<'_>,
) -> Result<(), XtaskError> {
    let groups = partition(files, roots)?;
    let work = tempfile::Builder::new()
        .prefix(".codegen-")
        .tempdir_in(crate_dir)
        .map_err(|e| XtaskError::io_at("cannot create a temporary directory in", crate_dir, e))?;
    let (new, old) = (work.path().join("new"), work.path().join("old"));
    for (index, group) in groups.iter().enumerate() {
        stage(&new.join(index.to_string()), roots[index], group)?;
    }
    fs::create_dir(&old).map_err(|e| XtaskError::io_at("cannot create", &old, e))?;
    // (root, whether it existed) for each root swapped in so far.
    let mut swapped: Vec<(&str, bool)> = Vec::new();
    for (index, root) in roots.iter().enumerate() {
        let (staged, aside) = (new.join(index.to_string()), old.join(index.to_string()));
        match swap(&crate_dir.join(root), &staged, &aside, rename) {
            Ok(existed) => swapped.push((root, existed)),
            Err(e) => {
                for (root, existed) in swapped.iter().rev() {
                    let index = roots.iter().position(|r| r == root).unwrap_or_default();
                    undo(
                        &crate_dir.join(root),
                        &old.join(index.to_string()),
                        *existed,
                        rename,
                    );
                }
                // An old tree that could not be put back must outlive the temporary directory.
                if fs::read_dir(&old).map_or(true, |mut entries| entries.next().is_some()) {
                    let kept = work.keep();
                    eprintln!(
                        "warning: old generated trees that could not be restored are in {}",
                        kept.display()
                    );
                }
                return Err(e);
            }
        }
    }
    Ok(())
}

/// Writes one root's files into `dir`.
fn stage(dir: &Path, root: &str, group: &[(&str, &str)]) -> Result<(), XtaskError> {
    fs::create_dir_all(dir).map_err(|e| XtaskError::io_at("cannot create", dir, e))?;
    for (path, contents) in group {
        let dest = dir.join(&path[root.len() + 1..]);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| XtaskError::io_at("cannot create", parent, e))?;
        }
        fs::write(&dest, contents).map_err(|e| XtaskError::io_at("cannot write", &dest, e))?;
    }
    Ok(())
}

/// Moves `target` (if it exists) to `aside`, then `staged` to `target`; returns whether
/// there was a `target`. On failure `target` is as it was.
fn swap(
    target: &Path,
    staged: &Path,
    aside: &Path,
    rename: &mut Rename<'_>,
) -> Result<bool, XtaskError> {
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(|e| XtaskError::io_at("cannot create", parent, e))?;
    }
    let existed = fs::symlink_metadata(target).is_ok();
    let failed =
        |what: &str, e| XtaskError::io(format!("cannot move {what} {}", target.display()), e);
    if existed {
        rename(target, aside).map_err(|e| failed("aside", e))?;
    }
    if let Err(e) = rename(staged, target) {
        if existed && let Err(restore) = rename(aside, target) {
            let message = format!(
                "restoring the old tree failed too ({restore}); it is at {}",
                aside.display()
            );
            return Err(XtaskError::io(message, e));
        }
        return Err(failed("into place", e));
    }
    Ok(existed)
}

/// Puts the old tree of a swapped root back.
fn undo(target: &Path, aside: &Path, existed: bool, rename: &mut Rename<'_>) {
    if let Err(e) = fs::remove_dir_all(target) {
        eprintln!("warning: could not remove {}: {e}", target.display());
    } else if existed && let Err(e) = rename(aside, target) {
        eprintln!(
            "warning: could not restore {} from {}: {e}",
            target.display(),
            aside.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOTS: &[&str] = &["src/generated", "reports"];

    /// A crate directory with `src/lib.rs`, deleted when dropped.
    fn scratch() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("src")).unwrap();
        fs::write(dir.path().join("src/lib.rs"), "pub mod generated;\n").unwrap();
        dir
    }

    fn write(dir: &Path, rel: &str, contents: &str) {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    /// Every file below the crate directory (not only the roots), for exact comparisons.
    fn snapshot(dir: &Path) -> BTreeMap<String, String> {
        let mut listed = BTreeMap::new();
        for entry in fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            list_files(dir, &name, &mut listed).unwrap();
        }
        listed
            .into_iter()
            .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
            .collect()
    }

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries
            .iter()
            .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
            .collect()
    }

    #[test]
    fn validate_path_accepts_paths_under_roots_and_refuses_escapes() {
        assert_eq!(validate_path("src/generated/a/b/c.rs", ROOTS).unwrap(), 0);
        assert_eq!(validate_path("reports/coverage.md", ROOTS).unwrap(), 1);
        for bad in [
            "",
            "/etc/passwd",
            "src/generated/../lib.rs",
            "src/generated/./x.rs",
            "src/generated//x.rs",
            "src/generated/",
            "src/generated",
            "src/generatedx/y.rs",
            "src/lib.rs",
            "reports\\x.md",
            "reports/a\0b",
            "../reports/x.md",
            "C:/reports/x.md",
        ] {
            let err = validate_path(bad, ROOTS).expect_err(bad);
            assert!(
                matches!(err, XtaskError::BadGeneratedPath { .. }),
                "{bad:?}: {err}"
            );
        }
    }

    #[test]
    fn diff_reports_changed_missing_and_stale() {
        let s = scratch();
        let dir = s.path();
        write(dir, "src/generated/mod.rs", "pub mod a;\n");
        write(dir, "src/generated/a.rs", "line 1\nline 2\nold\n");
        write(dir, "src/generated/old/gone.rs", "stale\n");
        write(dir, "reports/summary.md", "same\n");
        write(dir, "reports/r.md", "a\nb");
        write(dir, "README.md", "not under a root, never reported\n");
        let generated = files(&[
            ("src/generated/mod.rs", "pub mod a;\n"),
            ("src/generated/a.rs", "line 1\nline 2\nnew\n"),
            ("src/generated/b.rs", "new file\n"),
            ("reports/summary.md", "same\n"),
            ("reports/r.md", "a\nb\n"),
        ]);
        let shown: Vec<String> = diff_tree(dir, &generated, ROOTS)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            shown,
            [
                "changed  reports/r.md (first difference at line 2)",
                "changed  src/generated/a.rs (first difference at line 3)",
                "missing  src/generated/b.rs (generated, not on disk)",
                "stale    src/generated/old/gone.rs (on disk, no longer generated)",
            ]
        );
        let err = diff_tree(dir, &files(&[("src/lib.rs", "x")]), ROOTS).unwrap_err();
        assert!(matches!(err, XtaskError::BadGeneratedPath { .. }));
    }

    #[test]
    fn write_replaces_roots_exactly_and_leaves_the_rest() {
        let s = scratch();
        let dir = s.path();
        write(dir, "src/generated/old.rs", "old\n");
        write(dir, "src/generated/nested/old.rs", "old\n");
        write(dir, "reports/old.md", "old\n");
        write(dir, "Cargo.toml", "[package]\n");
        let generated = files(&[
            ("src/generated/mod.rs", "pub mod x;\n"),
            ("src/generated/x/inner.rs", "// inner\n"),
            ("reports/summary.md", "# summary\n"),
        ]);
        write_tree(dir, &generated, ROOTS).unwrap();
        let mut expected = generated.clone();
        expected.insert("Cargo.toml".into(), "[package]\n".into());
        expected.insert("src/lib.rs".into(), "pub mod generated;\n".into());
        assert_eq!(snapshot(dir), expected, "nothing else is left behind");
        write_tree(dir, &generated, ROOTS).unwrap();
        assert_eq!(snapshot(dir), expected, "writing again changes nothing");
    }

    #[test]
    fn write_creates_missing_roots_and_refuses_bad_paths_before_writing() {
        let s = scratch();
        let dir = s.path();
        fs::remove_dir_all(dir.join("src")).unwrap();
        write_tree(dir, &files(&[("src/generated/mod.rs", "m\n")]), ROOTS).unwrap();
        assert!(
            dir.join("reports").is_dir(),
            "an empty root is still created"
        );
        let before = snapshot(dir);
        for bad in ["src/generated/../../escape.rs", "src/other.rs", "/abs.rs"] {
            let generated = files(&[("src/generated/mod.rs", "new\n"), (bad, "x")]);
            let err = write_tree(dir, &generated, ROOTS).unwrap_err();
            assert!(matches!(err, XtaskError::BadGeneratedPath { .. }), "{err}");
            assert_eq!(snapshot(dir), before);
        }
    }

    #[test]
    fn a_failed_rename_leaves_every_root_as_it_was() {
        let s = scratch();
        let dir = s.path();
        write(dir, "src/generated/keep.rs", "keep\n");
        write(dir, "reports/keep.md", "keep\n");
        let before = snapshot(dir);
        let generated = files(&[
            ("src/generated/new.rs", "new\n"),
            ("reports/new.md", "new\n"),
        ]);
        // Moving the second root's new tree in fails: the first, already swapped, goes back.
        let mut fail_second_install = |from: &Path, to: &Path| {
            if to.ends_with("reports") && from.to_string_lossy().contains("/new/") {
                Err(io::Error::other("injected install failure"))
            } else {
                fs::rename(from, to)
            }
        };
        let err = write_tree_with(dir, &generated, ROOTS, &mut fail_second_install).unwrap_err();
        assert!(
            err.to_string().contains("injected install failure"),
            "{err}"
        );
        assert_eq!(snapshot(dir), before);
        // Moving an old root aside fails.
        let mut fail_aside = |from: &Path, to: &Path| {
            if to.to_string_lossy().contains("/old/") {
                Err(io::Error::other("injected aside failure"))
            } else {
                fs::rename(from, to)
            }
        };
        let err = write_tree_with(dir, &generated, ROOTS, &mut fail_aside).unwrap_err();
        assert!(err.to_string().contains("injected aside failure"), "{err}");
        assert_eq!(snapshot(dir), before);
    }
}
