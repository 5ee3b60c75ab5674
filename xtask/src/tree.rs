//! The generated part of `atlas-generated` on disk: comparing it with the
//! generator's output ([`diff_tree`]) and replacing it atomically ([`write_tree`]).
//!
//! Both work on a crate directory, a map of file path → contents (paths relative to
//! the crate directory, `/`-separated), and the list of directories the generator
//! owns wholly. Every path is validated before anything is read or written.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

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
        match self.kind {
            DriftKind::Changed { first_line } => write!(
                f,
                "changed  {} (first difference at line {first_line})",
                self.path
            ),
            DriftKind::Missing => write!(f, "missing  {} (generated, not on disk)", self.path),
            DriftKind::Stale => write!(f, "stale    {} (on disk, no longer generated)", self.path),
        }
    }
}

/// Checks that `path` is a plain relative path strictly inside one of `roots` and
/// returns the index of that root. Refuses absolute paths, `..`, `.`, empty
/// components, backslashes and NUL bytes.
pub fn validate_path(path: &str, roots: &[&str]) -> Result<usize, XtaskError> {
    let bad = |reason: &str| XtaskError::BadGeneratedPath {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    if path.is_empty() {
        return Err(bad("it is empty"));
    }
    if path.contains('\0') {
        return Err(bad("it contains a NUL byte"));
    }
    if path.contains('\\') {
        return Err(bad("it contains a backslash"));
    }
    if path.starts_with('/') {
        return Err(bad("it is absolute"));
    }
    for component in path.split('/') {
        match component {
            ".." => return Err(bad("it contains `..`")),
            "." => return Err(bad("it contains `.`")),
            "" => return Err(bad("it contains an empty component")),
            c if c.contains(':') => return Err(bad("it contains `:`")),
            _ => {}
        }
    }
    roots
        .iter()
        .position(|root| {
            path.strip_prefix(root)
                .is_some_and(|rest| rest.starts_with('/'))
        })
        .ok_or_else(|| {
            bad(&format!(
                "it is not under any generated root ({})",
                roots.join(", ")
            ))
        })
}

/// Validates every path and groups the files by root (index into `roots`).
fn partition<'a>(
    files: &'a BTreeMap<String, String>,
    roots: &[&str],
) -> Result<Vec<Vec<(&'a str, &'a str)>>, XtaskError> {
    for root in roots {
        if validate_path(&format!("{root}/x"), &[root]).is_err() {
            return Err(XtaskError::Other(format!(
                "invalid generated root {root:?}"
            )));
        }
    }
    let mut groups = vec![Vec::new(); roots.len()];
    for (path, contents) in files {
        let root = validate_path(path, roots)?;
        groups[root].push((path.as_str(), contents.as_str()));
    }
    Ok(groups)
}

/// Compares the generator's output `files` with what is on disk under each root of
/// `roots` inside `crate_dir`. Returns every difference, sorted by path.
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
            match on_disk.remove(path) {
                None => drift.push(Drift {
                    path: path.to_owned(),
                    kind: DriftKind::Missing,
                }),
                Some(file) => {
                    let actual =
                        fs::read(&file).map_err(|e| XtaskError::io_at("cannot read", &file, e))?;
                    if actual != contents.as_bytes() {
                        drift.push(Drift {
                            path: path.to_owned(),
                            kind: DriftKind::Changed {
                                first_line: first_differing_line(&actual, contents.as_bytes()),
                            },
                        });
                    }
                }
            }
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
fn first_differing_line(a: &[u8], b: &[u8]) -> usize {
    let mut line = 1;
    // Lines with their terminators, so a missing final newline counts on its line.
    let mut a_lines = a.split_inclusive(|&c| c == b'\n');
    let mut b_lines = b.split_inclusive(|&c| c == b'\n');
    loop {
        match (a_lines.next(), b_lines.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            _ => return line,
        }
    }
}

/// Adds every non-directory entry below `crate_dir/rel` to `out`, keyed by its
/// `/`-separated path relative to `crate_dir`. A missing `rel` adds nothing.
fn list_files(
    crate_dir: &Path,
    rel: &str,
    out: &mut BTreeMap<String, PathBuf>,
) -> Result<(), XtaskError> {
    let path = crate_dir.join(rel);
    let meta = match fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(XtaskError::io_at("cannot inspect", &path, e)),
    };
    if !meta.is_dir() {
        out.insert(rel.to_owned(), path);
        return Ok(());
    }
    let entries = fs::read_dir(&path).map_err(|e| XtaskError::io_at("cannot list", &path, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| XtaskError::io_at("cannot list", &path, e))?;
        let name = entry.file_name();
        let child = format!("{rel}/{}", name.to_string_lossy());
        list_files(crate_dir, &child, out)?;
    }
    Ok(())
}

/// What [`write_tree`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteSummary {
    pub files_written: usize,
    pub roots_replaced: usize,
}

/// Replaces each root of `roots` inside `crate_dir` by exactly the files of `files`
/// under it.
///
/// Every path is validated first. Then each root's files are written into a fresh
/// staging directory `crate_dir/.<root-slug>.staging-<pid>`; only when all of them
/// are written are the roots swapped in: old root renamed to
/// `.<root-slug>.backup-<pid>`, staging renamed to the root, backup deleted. If a
/// step of the swap fails, the roots already swapped are put back, so the tree is
/// left as it was.
pub fn write_tree(
    crate_dir: &Path,
    files: &BTreeMap<String, String>,
    roots: &[&str],
) -> Result<WriteSummary, XtaskError> {
    write_tree_with(crate_dir, files, roots, &mut |from, to| {
        fs::rename(from, to)
    })
}

type Rename<'a> = dyn FnMut(&Path, &Path) -> io::Result<()> + 'a;

fn slug(root: &str) -> String {
    root.replace('/', "-")
}

fn staging_dir(crate_dir: &Path, root: &str, pid: u32) -> PathBuf {
    crate_dir.join(format!(".{}.staging-{pid}", slug(root)))
}

fn backup_dir(crate_dir: &Path, root: &str, pid: u32) -> PathBuf {
    crate_dir.join(format!(".{}.backup-{pid}", slug(root)))
}

fn write_tree_with(
    crate_dir: &Path,
    files: &BTreeMap<String, String>,
    roots: &[&str],
    rename: &mut Rename<'_>,
) -> Result<WriteSummary, XtaskError> {
    let groups = partition(files, roots)?;
    if !crate_dir.is_dir() {
        return Err(XtaskError::Other(format!(
            "{} is not a directory",
            crate_dir.display()
        )));
    }
    remove_leftovers(crate_dir, roots);
    let pid = std::process::id();

    // 1. Stage everything. Nothing outside the staging directories is touched.
    let mut staged: Vec<PathBuf> = Vec::new();
    let mut files_written = 0;
    for (root, group) in roots.iter().zip(&groups) {
        let staging = staging_dir(crate_dir, root, pid);
        staged.push(staging.clone());
        if let Err(e) = stage(&staging, root, group) {
            remove_all(&staged);
            return Err(e);
        }
        files_written += group.len();
    }

    // 2. Swap each root in; undo every swap if one fails.
    let mut swapped: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for (root, staging) in roots.iter().zip(&staged) {
        let target = crate_dir.join(root);
        let backup = backup_dir(crate_dir, root, pid);
        match swap(&target, staging, &backup, rename) {
            Ok(had_old) => swapped.push((target, had_old.then_some(backup))),
            Err(e) => {
                undo(&swapped, rename);
                remove_all(&staged);
                return Err(e);
            }
        }
    }

    // 3. The new trees are in place; the backups are garbage.
    for (_, backup) in &swapped {
        if let Some(backup) = backup
            && let Err(e) = fs::remove_dir_all(backup)
        {
            eprintln!(
                "warning: could not delete the old generated tree {}: {e}",
                backup.display()
            );
        }
    }
    Ok(WriteSummary {
        files_written,
        roots_replaced: roots.len(),
    })
}

fn stage(staging: &Path, root: &str, group: &[(&str, &str)]) -> Result<(), XtaskError> {
    if fs::symlink_metadata(staging).is_ok() {
        fs::remove_dir_all(staging).map_err(|e| {
            XtaskError::io_at("cannot remove the old staging directory", staging, e)
        })?;
    }
    fs::create_dir(staging)
        .map_err(|e| XtaskError::io_at("cannot create the staging directory", staging, e))?;
    for (path, contents) in group {
        let inner = &path[root.len() + 1..];
        let dest = staging.join(inner);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| XtaskError::io_at("cannot create directory", parent, e))?;
        }
        fs::write(&dest, contents).map_err(|e| XtaskError::io_at("cannot write", &dest, e))?;
    }
    Ok(())
}

/// Moves `staging` to `target`, keeping the old `target` (if any) at `backup`.
/// Returns whether there was an old target.
fn swap(
    target: &Path,
    staging: &Path,
    backup: &Path,
    rename: &mut Rename<'_>,
) -> Result<bool, XtaskError> {
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| XtaskError::io_at("cannot create directory", parent, e))?;
    }
    let had_old = fs::symlink_metadata(target).is_ok();
    if had_old {
        if fs::symlink_metadata(backup).is_ok() {
            fs::remove_dir_all(backup)
                .map_err(|e| XtaskError::io_at("cannot remove the old backup", backup, e))?;
        }
        rename(target, backup).map_err(|e| {
            XtaskError::io(
                format!(
                    "cannot move {} aside to {}",
                    target.display(),
                    backup.display()
                ),
                e,
            )
        })?;
    }
    if let Err(e) = rename(staging, target) {
        let mut context = format!(
            "cannot move {} into place as {}",
            staging.display(),
            target.display()
        );
        if had_old && let Err(restore) = rename(backup, target) {
            context.push_str(&format!(
                "; restoring the old tree also failed ({restore}): it is at {}",
                backup.display()
            ));
        }
        return Err(XtaskError::io(context, e));
    }
    Ok(had_old)
}

/// Puts back the roots swapped so far, newest first.
fn undo(swapped: &[(PathBuf, Option<PathBuf>)], rename: &mut Rename<'_>) {
    for (target, backup) in swapped.iter().rev() {
        if let Err(e) = fs::remove_dir_all(target) {
            eprintln!("warning: could not remove {}: {e}", target.display());
            continue;
        }
        if let Some(backup) = backup
            && let Err(e) = rename(backup, target)
        {
            eprintln!(
                "warning: could not restore {} from {}: {e}",
                target.display(),
                backup.display()
            );
        }
    }
}

fn remove_all(dirs: &[PathBuf]) {
    for dir in dirs {
        if fs::symlink_metadata(dir).is_ok() {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// Deletes staging and backup directories left behind by runs that died
/// (their process id is no longer alive).
fn remove_leftovers(crate_dir: &Path, roots: &[&str]) {
    let Ok(entries) = fs::read_dir(crate_dir) else {
        return;
    };
    let own = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let pid = roots.iter().find_map(|root| {
            let rest = name.strip_prefix(&format!(".{}.", slug(root)))?;
            let pid = rest
                .strip_prefix("staging-")
                .or_else(|| rest.strip_prefix("backup-"))?;
            pid.parse::<u32>().ok()
        });
        if let Some(pid) = pid
            && pid != own
            && !process_alive(pid)
        {
            let path = entry.path();
            match fs::remove_dir_all(&path) {
                Ok(()) => eprintln!(
                    "note: removed {} left by an interrupted run",
                    path.display()
                ),
                Err(e) => eprintln!("warning: could not remove {}: {e}", path.display()),
            }
        }
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only checks whether the process exists; it has no
    // memory-safety preconditions.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    // Without a cheap liveness check, never delete another run's directories.
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOTS: &[&str] = &["src/generated", "reports"];

    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "xtask-tree-{name}-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(dir.join("src")).unwrap();
            fs::write(dir.join("src/lib.rs"), "pub mod generated;\n").unwrap();
            Scratch(dir)
        }

        fn write(&self, rel: &str, contents: &str) {
            let path = self.0.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, contents).unwrap();
        }

        /// Every file below the crate dir (not just the roots), for exact comparisons.
        fn snapshot(&self) -> BTreeMap<String, String> {
            let mut out = BTreeMap::new();
            let mut listed = BTreeMap::new();
            for entry in fs::read_dir(&self.0).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                list_files(&self.0, &name, &mut listed).unwrap();
            }
            for (rel, path) in listed {
                out.insert(rel, fs::read_to_string(path).unwrap());
            }
            out
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries
            .iter()
            .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
            .collect()
    }

    #[test]
    fn validate_path_accepts_paths_under_roots() {
        assert_eq!(validate_path("src/generated/mod.rs", ROOTS).unwrap(), 0);
        assert_eq!(validate_path("src/generated/a/b/c.rs", ROOTS).unwrap(), 0);
        assert_eq!(validate_path("reports/coverage.md", ROOTS).unwrap(), 1);
    }

    #[test]
    fn validate_path_refuses_escapes_and_foreign_paths() {
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
            "Cargo.toml",
            "reports\\x.md",
            "reports/a\0b",
            "../reports/x.md",
            "reports/..",
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
        let s = Scratch::new("diff");
        s.write("src/generated/mod.rs", "pub mod a;\n");
        s.write("src/generated/a.rs", "line 1\nline 2\nold\n");
        s.write("src/generated/old/gone.rs", "stale\n");
        s.write("reports/summary.md", "same\n");
        s.write("README.md", "not under a root, never reported\n");
        let generated = files(&[
            ("src/generated/mod.rs", "pub mod a;\n"),
            ("src/generated/a.rs", "line 1\nline 2\nnew\n"),
            ("src/generated/b.rs", "new file\n"),
            ("reports/summary.md", "same\n"),
        ]);
        let drift = diff_tree(&s.0, &generated, ROOTS).unwrap();
        assert_eq!(
            drift,
            vec![
                Drift {
                    path: "src/generated/a.rs".into(),
                    kind: DriftKind::Changed { first_line: 3 }
                },
                Drift {
                    path: "src/generated/b.rs".into(),
                    kind: DriftKind::Missing
                },
                Drift {
                    path: "src/generated/old/gone.rs".into(),
                    kind: DriftKind::Stale
                },
            ]
        );
        let shown: Vec<String> = drift.iter().map(ToString::to_string).collect();
        assert!(shown[0].starts_with("changed") && shown[0].contains("line 3"));
        assert!(shown[1].starts_with("missing"));
        assert!(shown[2].starts_with("stale"));
    }

    #[test]
    fn diff_of_missing_roots_is_all_missing() {
        let s = Scratch::new("missing-roots");
        let generated = files(&[("src/generated/mod.rs", "x"), ("reports/r.md", "y")]);
        let drift = diff_tree(&s.0, &generated, ROOTS).unwrap();
        assert_eq!(drift.len(), 2);
        assert!(drift.iter().all(|d| d.kind == DriftKind::Missing));
    }

    #[test]
    fn diff_notices_trailing_newline_changes() {
        let s = Scratch::new("newline");
        s.write("reports/r.md", "a\nb");
        let drift = diff_tree(&s.0, &files(&[("reports/r.md", "a\nb\n")]), ROOTS).unwrap();
        assert_eq!(drift[0].kind, DriftKind::Changed { first_line: 2 });
    }

    #[test]
    fn diff_refuses_bad_paths() {
        let s = Scratch::new("diff-bad");
        let err = diff_tree(&s.0, &files(&[("src/lib.rs", "x")]), ROOTS).unwrap_err();
        assert!(matches!(err, XtaskError::BadGeneratedPath { .. }));
    }

    #[test]
    fn write_replaces_roots_exactly_and_leaves_the_rest() {
        let s = Scratch::new("write");
        s.write("src/generated/old.rs", "old\n");
        s.write("src/generated/nested/old.rs", "old\n");
        s.write("reports/old.md", "old\n");
        s.write("Cargo.toml", "[package]\n");
        let generated = files(&[
            ("src/generated/mod.rs", "pub mod x;\n"),
            ("src/generated/x/inner.rs", "// inner\n"),
            ("reports/summary.md", "# summary\n"),
        ]);
        let summary = write_tree(&s.0, &generated, ROOTS).unwrap();
        assert_eq!(summary.files_written, 3);
        assert_eq!(summary.roots_replaced, 2);
        assert_eq!(diff_tree(&s.0, &generated, ROOTS).unwrap(), vec![]);

        let mut expected = generated.clone();
        expected.insert("Cargo.toml".into(), "[package]\n".into());
        expected.insert("src/lib.rs".into(), "pub mod generated;\n".into());
        assert_eq!(
            s.snapshot(),
            expected,
            "no staging or backup directory is left behind"
        );

        // Writing again is idempotent.
        write_tree(&s.0, &generated, ROOTS).unwrap();
        assert_eq!(s.snapshot(), expected);
    }

    #[test]
    fn write_creates_roots_that_do_not_exist() {
        let s = Scratch::new("fresh");
        fs::remove_dir_all(s.0.join("src")).unwrap();
        let generated = files(&[("src/generated/mod.rs", "m\n")]);
        write_tree(&s.0, &generated, ROOTS).unwrap();
        assert_eq!(s.snapshot(), generated);
        assert!(
            s.0.join("reports").is_dir(),
            "an empty root is still created"
        );
    }

    #[test]
    fn write_refuses_bad_paths_before_touching_anything() {
        let s = Scratch::new("write-bad");
        s.write("src/generated/keep.rs", "keep\n");
        let before = s.snapshot();
        for bad in ["src/generated/../../escape.rs", "src/other.rs", "/abs.rs"] {
            let generated = files(&[("src/generated/mod.rs", "m\n"), (bad, "x")]);
            let err = write_tree(&s.0, &generated, ROOTS).unwrap_err();
            assert!(matches!(err, XtaskError::BadGeneratedPath { .. }), "{err}");
            assert_eq!(s.snapshot(), before);
        }
    }

    #[test]
    fn failed_swap_restores_every_root() {
        let s = Scratch::new("swap-fail");
        s.write("src/generated/keep.rs", "keep\n");
        s.write("reports/keep.md", "keep\n");
        let before = s.snapshot();
        let generated = files(&[
            ("src/generated/new.rs", "new\n"),
            ("reports/new.md", "new\n"),
        ]);

        // Fail the move of the second root's staging directory into place: the first
        // root, already swapped, must be put back too.
        let mut fail_reports_install = |from: &Path, to: &Path| {
            if to.ends_with("reports") && from.to_string_lossy().contains(".staging-") {
                Err(io::Error::other("injected failure"))
            } else {
                fs::rename(from, to)
            }
        };
        let err = write_tree_with(&s.0, &generated, ROOTS, &mut fail_reports_install).unwrap_err();
        assert!(err.to_string().contains("injected failure"), "{err}");
        assert_eq!(s.snapshot(), before);

        // Fail moving the old root aside.
        let mut fail_aside = |from: &Path, to: &Path| {
            if to.to_string_lossy().contains(".backup-") {
                Err(io::Error::other("injected aside failure"))
            } else {
                fs::rename(from, to)
            }
        };
        let err = write_tree_with(&s.0, &generated, ROOTS, &mut fail_aside).unwrap_err();
        assert!(err.to_string().contains("injected aside failure"), "{err}");
        assert_eq!(s.snapshot(), before);
    }

    #[test]
    fn leftovers_of_dead_runs_are_removed() {
        let s = Scratch::new("leftovers");
        // A pid far above any real pid_max is never alive.
        s.write(".src-generated.staging-2000000000/x.rs", "x");
        s.write(".reports.backup-2000000000/y.md", "y");
        s.write(".unrelated.staging-2000000000/z", "z");
        let generated = files(&[("src/generated/mod.rs", "m\n")]);
        write_tree(&s.0, &generated, ROOTS).unwrap();
        let snapshot = s.snapshot();
        assert!(
            !snapshot
                .keys()
                .any(|k| k.starts_with(".src-generated") || k.starts_with(".reports"))
        );
        assert!(snapshot.contains_key(".unrelated.staging-2000000000/z"));
    }
}
