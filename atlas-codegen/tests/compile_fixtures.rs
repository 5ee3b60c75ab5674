//! Compiles what the generator writes for every fixture, against the real hand-written runtime.
//!
//! Each fixture becomes a crate under `<CARGO_TARGET_TMPDIR>/fixture-crates/<fixture>/`, laid
//! out like `atlas-generated` (`src/generated/…`, a `lib.rs` that mounts the runtime from
//! `atlas-generated/src/runtime/` by `#[path]`), with the same dependencies. One
//! `cargo test --workspace --lib --offline` builds all of them with `#![deny(warnings)]` and
//! runs the behaviour tests of `tests/fixture_behaviour/<fixture>.rs`, where one exists.
//! The target directory lives in `CARGO_TARGET_TMPDIR` too, so later runs are incremental.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{FIXTURES, generate_fixture};

/// Fixtures with a behaviour module (`tests/fixture_behaviour/<fixture>.rs`).
const WITH_BEHAVIOUR: &[&str] = &[
    "allof_inheritance",
    "discriminated_oneof",
    "enum_values",
    "non_json_responses",
    "nullable",
    "untagged_oneof",
];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn workspace_dir() -> PathBuf {
    manifest_dir()
        .parent()
        .expect("atlas-codegen lives in the workspace")
        .to_path_buf()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn toml_table(path: &Path) -> toml::Table {
    read(path)
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `[dependencies]` table of `atlas-generated/Cargo.toml`, with `x.workspace = true`
/// entries replaced by the workspace's own declaration of `x`.
fn atlas_generated_dependencies() -> String {
    let root = toml_table(&workspace_dir().join("Cargo.toml"));
    let manifest = toml_table(&workspace_dir().join("atlas-generated").join("Cargo.toml"));
    let inherited = &root["workspace"]["dependencies"];
    let mut dependencies = manifest["dependencies"]
        .as_table()
        .expect("atlas-generated/Cargo.toml has a [dependencies] table")
        .clone();
    for (name, declared) in dependencies.iter_mut() {
        if declared.get("workspace").and_then(toml::Value::as_bool) == Some(true) {
            *declared = inherited
                .get(name)
                .unwrap_or_else(|| panic!("`{name}` is not in [workspace.dependencies]"))
                .clone();
        }
    }
    let table = toml::Table::from_iter([("dependencies".to_owned(), dependencies.into())]);
    toml::to_string(&table).expect("a table of dependencies")
}

/// Makes `dir` hold exactly `files` (relative path → contents): writes what changed, so
/// that cargo's fingerprints stay valid, and deletes what is no longer generated.
fn sync_dir(dir: &Path, files: &BTreeMap<String, String>) {
    fn existing(dir: &Path, base: &Path, out: &mut BTreeSet<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                existing(&path, base, out);
            } else {
                out.insert(path.strip_prefix(base).expect("inside base").to_path_buf());
            }
        }
    }
    let mut stale = BTreeSet::new();
    existing(dir, dir, &mut stale);
    for (relative, contents) in files {
        let path = dir.join(relative);
        stale.remove(Path::new(relative));
        if fs::read_to_string(&path).is_ok_and(|old| old == *contents) {
            continue;
        }
        fs::create_dir_all(path.parent().expect("a parent directory"))
            .expect("creating a directory");
        fs::write(&path, contents).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }
    for relative in stale {
        fs::remove_file(dir.join(&relative))
            .unwrap_or_else(|e| panic!("removing {}: {e}", relative.display()));
    }
}

fn lib_rs(fixture: &str) -> String {
    let src = workspace_dir().join("atlas-generated").join("src");
    let runtime = src.join("runtime").join("mod.rs");
    let dynamic = src.join("dynamic.rs");
    let mut text = format!(
        "//! Generated from `atlas-codegen/tests/fixtures/{fixture}.yaml` by `atlas-codegen/tests/compile_fixtures.rs`.\n\
         #![deny(warnings)]\n\
         #![deny(missing_docs)]\n\
         \n\
         #[path = {runtime:?}]\n\
         pub mod runtime;\n\
         #[path = {dynamic:?}]\n\
         pub mod dynamic;\n\
         mod generated;\n\
         pub use generated::{{models, operations, registry}};\n",
        runtime = runtime.display().to_string(),
        dynamic = dynamic.display().to_string(),
    );
    if WITH_BEHAVIOUR.contains(&fixture) {
        let behaviour = manifest_dir()
            .join("tests")
            .join("fixture_behaviour")
            .join(format!("{fixture}.rs"));
        text.push_str(&format!(
            "\n#[cfg(test)]\n#[path = {:?}]\nmod behaviour;\n",
            behaviour.display().to_string()
        ));
    }
    text
}

fn crate_files(fixture: &str, dependencies: &str) -> BTreeMap<String, String> {
    let mut files: BTreeMap<String, String> = generate_fixture(fixture)
        .files
        .into_iter()
        .filter(|(path, _)| path.starts_with("src/"))
        .collect();
    files.insert("src/lib.rs".to_owned(), lib_rs(fixture));
    let package = format!("fixture-{}", fixture.replace('_', "-"));
    files.insert(
        "Cargo.toml".to_owned(),
        format!("[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[lib]\ndoctest = false\n\n[features]\ndefault = [\"dynamic\"]\ndynamic = []\n\n{dependencies}"),
    );
    files
}

#[test]
fn every_fixture_compiles_and_behaves() {
    for name in WITH_BEHAVIOUR {
        assert!(FIXTURES.contains(name), "`{name}` is not a fixture");
    }
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates");
    fs::create_dir_all(&root).expect("creating the fixture workspace");
    let dependencies = atlas_generated_dependencies();
    for fixture in FIXTURES {
        sync_dir(&root.join(fixture), &crate_files(fixture, &dependencies));
    }
    // Crates of fixtures that no longer exist would break the workspace: remove them.
    for entry in fs::read_dir(&root).expect("reading the fixture workspace") {
        let path = entry.expect("directory entry").path();
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        if path.is_dir() && !FIXTURES.contains(&name.as_str()) {
            fs::remove_dir_all(&path)
                .unwrap_or_else(|e| panic!("removing {}: {e}", path.display()));
        }
    }
    let members: Vec<String> = FIXTURES.iter().map(|f| format!("{f:?}")).collect();
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    let mut top = BTreeMap::from([("Cargo.toml".to_owned(), manifest)]);
    // Same dependency versions as the main workspace; cargo prunes what these crates don't use.
    top.insert(
        "Cargo.lock".to_owned(),
        read(&workspace_dir().join("Cargo.lock")),
    );
    for (path, contents) in top {
        if fs::read_to_string(root.join(&path)).is_ok_and(|old| old == contents) {
            continue;
        }
        fs::write(root.join(&path), contents).expect("writing the workspace manifest");
    }

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fixture-target");
    let output = Command::new(cargo)
        .current_dir(&root)
        .args([
            "test",
            "--workspace",
            "--lib",
            "--offline",
            "--quiet",
            "--no-fail-fast",
            "--",
            "behaviour::",
        ])
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("running cargo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "building or testing the fixture crates in {} failed ({}):\n--- stderr ---\n{stderr}\n--- stdout ---\n{stdout}",
        root.display(),
        output.status
    );
}
