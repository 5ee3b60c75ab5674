//! The committed `atlas-generated` must be exactly what the generator produces from
//! the pinned spec: no changed, missing or stale file.

#[test]
fn committed_generated_crate_is_not_stale() {
    let root = xtask::workspace_root();
    let drift = match xtask::check(&root, None) {
        Ok(drift) => drift,
        Err(e) => panic!("cannot check atlas-generated for drift:\n{e}"),
    };
    if !drift.is_empty() {
        panic!("{}", xtask::XtaskError::Drift(drift));
    }
}

/// The diff and the atomic writer through the public API, on a throw-away crate dir.
#[test]
fn write_then_check_round_trip_on_a_temp_dir() {
    use std::collections::BTreeMap;
    use xtask::tree::{diff_tree, write_tree};
    use xtask::{Drift, DriftKind};

    let roots = atlas_codegen::GENERATED_ROOTS;
    let dir = std::env::temp_dir().join(format!("xtask-drift-it-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    let mut files = BTreeMap::new();
    for root in roots {
        files.insert(format!("{root}/a.txt"), "a\n".to_owned());
        files.insert(format!("{root}/deep/b.txt"), "b\n".to_owned());
    }
    assert_eq!(diff_tree(&dir, &files, roots).unwrap().len(), files.len());
    write_tree(&dir, &files, roots).unwrap();
    assert_eq!(diff_tree(&dir, &files, roots).unwrap(), Vec::<Drift>::new());

    // Hand edits, deletions and leftovers all show up.
    let first = roots[0];
    std::fs::write(dir.join(first).join("a.txt"), "edited\n").unwrap();
    std::fs::remove_file(dir.join(first).join("deep/b.txt")).unwrap();
    std::fs::write(dir.join(first).join("extra.txt"), "x\n").unwrap();
    let drift = diff_tree(&dir, &files, roots).unwrap();
    let kinds: Vec<(String, DriftKind)> = drift.into_iter().map(|d| (d.path, d.kind)).collect();
    assert_eq!(
        kinds,
        vec![
            (
                format!("{first}/a.txt"),
                DriftKind::Changed { first_line: 1 }
            ),
            (format!("{first}/deep/b.txt"), DriftKind::Missing),
            (format!("{first}/extra.txt"), DriftKind::Stale),
        ]
    );

    // Regenerating repairs all of it, and the stale file disappears.
    write_tree(&dir, &files, roots).unwrap();
    assert!(diff_tree(&dir, &files, roots).unwrap().is_empty());
    assert!(!dir.join(first).join("extra.txt").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
