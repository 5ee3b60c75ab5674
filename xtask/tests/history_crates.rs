//! Generating from each history document (`../shared/atlas-openapi/history/`) works as
//! from the pinned one. The crate it makes (atlas-generated, its generated roots and
//! features replaced) compiles with every feature and warnings denied, and its
//! spec-driven tests pass on it: every example of the document round-trips
//! (`spec_examples`), every discriminator tag decodes to its variant (`spec_tags`), a
//! request per (operation, version) builds and decodes back (`spec_requests`), and the
//! recorded live traffic decodes (`traffic`). Those tests name operations by method and
//! path, never by one spec's ids. That every operation, version and schema is generated
//! is `completeness.rs`, for all three documents.
//!
//! Code written against a crate survives the next spec: the user tasks
//! (`atlas-generated/tests/user_tasks.rs`) compile and pass, unchanged, against the crate
//! generated from the 2026-08-06 document and against the one generated next from the
//! pinned spec, keeping the names of the first as `cargo xtask codegen` does.

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

/// The user tasks, which must survive an upgrade from the newer history document.
const USER_TASKS: &str = "user_tasks";

/// The history document the user tasks are written against.
const UPGRADED_FROM: &str = "atlas-api-2026-08-06";

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

/// A workspace at `root` holding atlas-generated as `generated`, with the main
/// workspace's dependencies, profiles and lock file. `root/../shared` links to the shared
/// data, where the traffic test looks for it.
fn write_crate(root: &Path, generated: &atlas_codegen::Generated) {
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

/// `cargo test` of `tests` with every feature and warnings denied.
fn build_and_test(root: &Path, tests: &[&str]) {
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
        .args(tests.iter().flat_map(|t| ["--test", t]))
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
    assert_eq!(passed, tests.len(), "{output}");
}

#[test]
fn each_history_document_makes_a_crate_that_compiles_and_passes_its_spec_tests() {
    let documents = common::history_documents();
    let mut upgraded_from = None;
    for spec in documents {
        let name = spec
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let root = scratch().join(&name);
        let generated = common::generate_file(&spec);
        write_crate(&root, &generated);
        let mut tests = SPEC_DRIVEN_TESTS.to_vec();
        if name == UPGRADED_FROM {
            tests.push(USER_TASKS);
            upgraded_from = Some(generated);
        }
        build_and_test(&root, &tests);
        println!("{name}: compiles without warnings; {tests:?} pass");
    }
    // The pinned spec, generated next: the same user tasks compile and pass, unchanged.
    let before = upgraded_from.expect("the history holds the 2026-08-06 document");
    let pin = common::pinned();
    let next = common::generate_after(&pin.spec.text, "the pinned spec", Some(&before.surface));
    let root = scratch().join(format!("pin-after-{UPGRADED_FROM}"));
    write_crate(&root, &next);
    build_and_test(&root, &[USER_TASKS]);
    println!("the pin after {UPGRADED_FROM}: {USER_TASKS} compiles and passes unchanged");
}
