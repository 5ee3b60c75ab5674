//! What the generator writes for every fixture of `atlas-codegen/tests/fixtures/` compiles
//! against the real hand-written runtime with warnings denied, and behaves as the fixture's
//! behaviour tests (`atlas-codegen/tests/fixture_behaviour/<fixture>.rs`, where there is
//! one) say.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use xtask::scratch::{ScratchCrate, Workspace};

/// Building about a dozen small crates on two cores takes under a minute from scratch.
const TIMEOUT: Duration = Duration::from_secs(600);

fn codegen_tests() -> PathBuf {
    xtask::workspace_root().join("atlas-codegen").join("tests")
}

/// Every fixture, by file stem, sorted.
fn fixtures() -> Vec<String> {
    let dir = codegen_tests().join("fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .map(|path| {
            path.file_stem()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

fn scratch_crate(fixture: &str) -> ScratchCrate {
    let path = codegen_tests()
        .join("fixtures")
        .join(format!("{fixture}.yaml"));
    let generated = common::generate_file(&path);
    let behaviour = codegen_tests()
        .join("fixture_behaviour")
        .join(format!("{fixture}.rs"));
    ScratchCrate {
        behaviour: behaviour.is_file().then_some(behaviour),
        ..ScratchCrate::of(
            &format!("fixture-{}", fixture.replace('_', "-")),
            &generated,
        )
    }
}

#[test]
fn every_fixture_compiles_and_behaves() {
    let fixtures = fixtures();
    assert!(fixtures.len() > 10, "{fixtures:?}");
    let crates: Vec<ScratchCrate> = fixtures.iter().map(|f| scratch_crate(f)).collect();
    assert!(crates.iter().filter(|c| c.behaviour.is_some()).count() >= 6);
    let workspace = Workspace {
        root: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates"),
        target: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fixture-target"),
    };
    if let Err(e) = workspace.build_and_test(&crates, TIMEOUT) {
        panic!("{e}");
    }
}
