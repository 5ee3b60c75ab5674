//! The committed `atlas-generated` must be exactly what the generator produces from
//! the pinned spec: no changed, missing or stale file.

#[test]
fn committed_generated_crate_is_not_stale() {
    let root = xtask::workspace_root();
    let drift = match xtask::check(&root, None) {
        Ok(drift) => drift,
        Err(e) => panic!("cannot check atlas-generated for drift:\n{e}"),
    };
    let lines: Vec<String> = drift.iter().map(ToString::to_string).collect();
    assert!(lines.is_empty(), "{}", xtask::XtaskError::Drift(lines));
}
