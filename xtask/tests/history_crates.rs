//! Generating from each history document (`../shared/atlas-openapi/history/`) works as
//! from the pinned one. The crate it makes (atlas-generated, its generated roots and
//! features replaced) compiles with every feature and warnings denied, and its
//! spec-driven tests pass on it: every example of the document round-trips
//! (`spec_examples`), every discriminator tag decodes to its variant (`spec_tags`), a
//! request per (operation, version) builds and decodes back (`spec_requests`), and the
//! recorded live traffic decodes (`traffic`). Those tests name operations by method and
//! path, never by one spec's ids. That every operation, version and schema is generated
//! is `completeness.rs`, for all three documents.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use xtask::{manifest, tree};

/// Each crate's build and tests: about four minutes on two cores the first time (the
/// dependencies are built once for both documents).
const TIMEOUT: Duration = Duration::from_secs(1800);

/// The tests of atlas-generated that hold for any document.
const SPEC_DRIVEN_TESTS: &[&str] = &[
    "spec_examples",
    "spec_tags",
    "spec_requests",
    "spec_recursion",
    "traffic",
];

fn scratch() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("history-crates")
}

/// Copies the hand-written files of `from` (everything but the generated roots) to `to`.
fn copy_hand_written(from: &Path, to: &Path, relative: &Path) {
    let dir = from.join(relative);
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        let inner = relative.join(path.file_name().expect("a name"));
        let generated = atlas_codegen::GENERATED_ROOTS
            .iter()
            .any(|root| inner == Path::new(root));
        if generated {
            continue;
        }
        if path.is_dir() {
            copy_hand_written(from, to, &inner);
        } else {
            let target = to.join(&inner);
            std::fs::create_dir_all(target.parent().expect("a parent")).unwrap();
            std::fs::copy(&path, &target)
                .unwrap_or_else(|e| panic!("copying {}: {e}", path.display()));
        }
    }
}

/// A workspace at `root` holding atlas-generated as generated from `spec`, with the main
/// workspace's dependencies, profiles and lock file. `root/../shared` links to the shared
/// data, where the traffic test looks for it.
fn write_crate(root: &Path, spec: &Path) {
    let generated = common::generate_file(spec);
    let main = xtask::workspace_root();
    let _ = std::fs::remove_dir_all(root);
    let crate_dir = root.join("atlas-generated");
    copy_hand_written(&main.join("atlas-generated"), &crate_dir, Path::new(""));
    tree::write_tree(&crate_dir, &generated.files, atlas_codegen::GENERATED_ROOTS)
        .unwrap_or_else(|e| panic!("{e}"));
    manifest::write(&crate_dir, &generated.cargo_features).unwrap_or_else(|e| panic!("{e}"));
    let mut workspace = manifest::read_table(&main.join("Cargo.toml")).unwrap();
    workspace["workspace"]["members"] = toml::Value::Array(vec!["atlas-generated".into()]);
    // Profile overrides of the other workspace packages would only warn here.
    let packages = workspace
        .get_mut("profile")
        .and_then(|p| p.get_mut("dev"))
        .and_then(|d| d.get_mut("package"))
        .and_then(toml::Value::as_table_mut);
    if let Some(packages) = packages {
        packages.retain(|name, _| name == "*");
    }
    std::fs::write(
        root.join("Cargo.toml"),
        toml::to_string(&workspace).unwrap(),
    )
    .unwrap();
    std::fs::copy(main.join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    let shared = root.parent().expect("a parent").join("shared");
    if !shared.exists() {
        std::os::unix::fs::symlink(main.join("../shared"), &shared).unwrap();
    }
}

/// `cargo test` of the spec-driven tests with every feature and warnings denied.
fn build_and_test(root: &Path) {
    let mut command = Command::new(xtask::process::cargo_program());
    command
        .current_dir(root)
        .args([
            "test",
            "--offline",
            "--all-features",
            "-p",
            "atlas-generated",
        ])
        .args(SPEC_DRIVEN_TESTS.iter().flat_map(|t| ["--test", t]))
        .env("CARGO_TARGET_DIR", scratch().join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_INCREMENTAL", "0");
    let log = root.join("cargo.log");
    let (status, output) =
        xtask::process::run_logged(&mut command, &log, TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        status.success(),
        "{} failed ({status}):\n{output}",
        root.display()
    );
    let passed = output.matches("test result: ok.").count();
    assert_eq!(passed, SPEC_DRIVEN_TESTS.len(), "{output}");
}

#[test]
fn each_history_document_makes_a_crate_that_compiles_and_passes_its_spec_tests() {
    let documents = common::history_documents();
    for spec in documents {
        let name = spec
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let root = scratch().join(&name);
        write_crate(&root, &spec);
        build_and_test(&root);
        println!("{name}: compiles without warnings; {SPEC_DRIVEN_TESTS:?} pass");
    }
}
