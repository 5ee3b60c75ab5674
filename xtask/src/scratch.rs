//! Throwaway crates made of generated code, compiled against the real hand-written runtime
//! with every warning denied: how the fixture and mutation tests check that what the
//! generator writes compiles cleanly, without a crate of their own per case.
//!
//! Each crate is laid out like `atlas-generated` (`src/generated/…`, and a `lib.rs` that
//! mounts `atlas-generated/src/runtime/` and `dynamic.rs` by `#[path]`), with the same
//! dependencies and lock file. All crates of one [`Workspace`] build in one `cargo test`
//! run; the target directory stays, so later runs are incremental.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::error::XtaskError;
use crate::manifest;
use crate::process::{cargo_program, run_logged};
use crate::spec::workspace_root;

/// One crate: the generated files under `src/` and, optionally, a module of behaviour
/// tests mounted as `behaviour` (its tests run; see [`Workspace::build_and_test`]).
#[derive(Debug, Clone)]
pub struct ScratchCrate {
    /// A package name (`[a-z0-9-]`).
    pub name: String,
    /// Generated path (relative to the crate root, under `src/`) → contents.
    pub files: BTreeMap<String, String>,
    /// The generated cargo features (`Generated::cargo_features`), all on by default.
    pub features: String,
    pub behaviour: Option<PathBuf>,
}

impl ScratchCrate {
    /// A crate named `name` of what the generator made under `src/`, with its features and
    /// no behaviour tests.
    pub fn of(name: &str, generated: &atlas_codegen::Generated) -> ScratchCrate {
        let sources = generated
            .files
            .iter()
            .filter(|(path, _)| path.starts_with("src/"));
        ScratchCrate {
            name: name.to_owned(),
            files: sources
                .map(|(path, text)| (path.clone(), text.clone()))
                .collect(),
            features: generated.cargo_features.clone(),
            behaviour: None,
        }
    }
}

/// A directory of scratch crates and the target directory they build into.
pub struct Workspace {
    pub root: PathBuf,
    pub target: PathBuf,
}

impl Workspace {
    /// Makes `self.root` a workspace of exactly `crates` (writing only what changed, so that
    /// cargo's fingerprints stay valid), then builds them all and runs the tests whose names
    /// contain `behaviour::`, within `timeout`. The error has cargo's output.
    pub fn build_and_test(
        &self,
        crates: &[ScratchCrate],
        timeout: Duration,
    ) -> Result<(), XtaskError> {
        self.write(crates)?;
        let mut command = Command::new(cargo_program());
        command
            .current_dir(&self.root)
            .args(["test", "--workspace", "--lib", "--offline", "--quiet"])
            .args(["--no-fail-fast", "--", "behaviour::"])
            .env("CARGO_TARGET_DIR", &self.target);
        let log = self.root.join("cargo.log");
        let (status, text) = run_logged(&mut command, &log, timeout)?;
        if status.success() {
            return Ok(());
        }
        Err(XtaskError::Command {
            command: crate::process::show(&command),
            message: format!("failed ({status}) in {}:\n{text}", self.root.display()),
        })
    }

    /// Makes `self.root` a workspace of exactly `crates`, writing only what changed.
    pub fn write(&self, crates: &[ScratchCrate]) -> Result<(), XtaskError> {
        let dependencies = atlas_generated_dependencies()?;
        let mut files = BTreeMap::new();
        for krate in crates {
            for (path, contents) in &krate.files {
                files.insert(format!("{}/{path}", krate.name), contents.clone());
            }
            files.insert(format!("{}/src/lib.rs", krate.name), lib_rs(krate));
            files.insert(
                format!("{}/Cargo.toml", krate.name),
                manifest(krate, &dependencies),
            );
        }
        let members: Vec<String> = crates.iter().map(|c| format!("{:?}", c.name)).collect();
        let workspace = format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n{}",
            members.join(", "),
            dev_profile()?
        );
        files.insert("Cargo.toml".to_owned(), workspace);
        // The same dependency versions as the main workspace; cargo prunes what is unused.
        let lock = workspace_root().join("Cargo.lock");
        let lock_text =
            fs::read_to_string(&lock).map_err(|e| XtaskError::io_at("cannot read", &lock, e))?;
        files.insert("Cargo.lock".to_owned(), lock_text);
        sync_dir(&self.root, &files)
    }
}

/// `lib.rs`: the runtime and `dynamic` mounted from `atlas-generated`, warnings denied.
fn lib_rs(krate: &ScratchCrate) -> String {
    let src = workspace_root().join("atlas-generated").join("src");
    let mut text = format!(
        "//! A scratch crate of generated code (`xtask::scratch`).\n\
         #![deny(warnings)]\n\
         #![deny(missing_docs)]\n\
         \n\
         #[path = {runtime:?}]\n\
         pub mod runtime;\n\
         #[path = {dynamic:?}]\n\
         pub mod dynamic;\n\
         mod generated;\n\
         pub use generated::{{models, operations, registry}};\n",
        runtime = src.join("runtime").join("mod.rs").display().to_string(),
        dynamic = src.join("dynamic.rs").display().to_string(),
    );
    if let Some(behaviour) = &krate.behaviour {
        let path = behaviour.display().to_string();
        text.push_str(&format!(
            "\n#[cfg(test)]\n#[path = {path:?}]\nmod behaviour;\n"
        ));
    }
    text
}

/// A scratch crate's manifest. The generated code gates the fake Atlas's tables on the
/// feature `testing`, which a scratch crate has not (it has no kit): the manifest declares
/// the value expected, not a feature, so that `--all-features` builds stay whole.
fn manifest(krate: &ScratchCrate, dependencies: &str) -> String {
    format!(
        "[package]\nname = {:?}\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [lib]\ndoctest = false\n\n[lints.rust]\nunexpected_cfgs = {{ level = \"warn\", check-cfg = ['cfg(feature, values(\"testing\"))'] }}\n\n\
         [features]\ndefault = [\"dynamic\", \"full\"]\ndynamic = []\n{}\n{dependencies}",
        krate.name, krate.features
    )
}

/// The main workspace's `[profile.dev]`, so that scratch crates build as lightly as the
/// workspace's own tests; overrides naming workspace packages are left out, as no scratch
/// crate has them.
fn dev_profile() -> Result<String, XtaskError> {
    let root = manifest::read_table(&workspace_root().join("Cargo.toml"))?;
    let Some(dev) = root
        .get("profile")
        .and_then(|p| p.get("dev"))
        .and_then(toml::Value::as_table)
    else {
        return Ok(String::new());
    };
    let mut dev = dev.clone();
    if let Some(toml::Value::Table(packages)) = dev.get_mut("package") {
        packages.retain(|name, _| name == "*");
    }
    let profile = toml::Table::from_iter([("dev".to_owned(), dev.into())]);
    let table = toml::Table::from_iter([("profile".to_owned(), profile.into())]);
    toml::to_string(&table).map_err(|e| XtaskError::Other(e.to_string()))
}

/// The `[dependencies]` table of `atlas-generated/Cargo.toml`, with `x.workspace = true`
/// entries replaced by the workspace's own declaration of `x`. Optional dependencies are
/// left out: they serve the hand-written client, which generated crates do not hold.
fn atlas_generated_dependencies() -> Result<String, XtaskError> {
    let root = manifest::read_table(&workspace_root().join("Cargo.toml"))?;
    let manifest =
        manifest::read_table(&workspace_root().join("atlas-generated").join("Cargo.toml"))?;
    let missing = |what: &str| XtaskError::Other(format!("no {what} in the workspace's manifests"));
    let inherited = root
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .ok_or_else(|| missing("[workspace.dependencies]"))?;
    let mut dependencies = manifest
        .get("dependencies")
        .and_then(toml::Value::as_table)
        .ok_or_else(|| missing("[dependencies] in atlas-generated"))?
        .clone();
    dependencies.retain(|_, declared| {
        declared.get("optional").and_then(toml::Value::as_bool) != Some(true)
    });
    for (name, declared) in dependencies.iter_mut() {
        if declared.get("workspace").and_then(toml::Value::as_bool) == Some(true) {
            *declared = inherited
                .get(name)
                .ok_or_else(|| missing(&format!("`{name}` in [workspace.dependencies]")))?
                .clone();
        }
    }
    let table = toml::Table::from_iter([("dependencies".to_owned(), dependencies.into())]);
    toml::to_string(&table).map_err(|e| XtaskError::Other(e.to_string()))
}

/// Makes `dir` hold exactly `files` (relative path → contents): writes what changed and
/// deletes what is no longer there (crates of cases that are gone included).
fn sync_dir(dir: &Path, files: &BTreeMap<String, String>) -> Result<(), XtaskError> {
    let mut stale = BTreeSet::new();
    list(dir, dir, &mut stale)?;
    for (relative, contents) in files {
        let path = dir.join(relative);
        stale.remove(Path::new(relative));
        if fs::read_to_string(&path).is_ok_and(|old| old == *contents) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| XtaskError::io_at("cannot create", parent, e))?;
        }
        fs::write(&path, contents).map_err(|e| XtaskError::io_at("cannot write", &path, e))?;
    }
    for relative in stale.into_iter().filter(|r| !r.starts_with("cargo.log")) {
        let path = dir.join(relative);
        fs::remove_file(&path).map_err(|e| XtaskError::io_at("cannot remove", &path, e))?;
    }
    Ok(())
}

fn list(dir: &Path, base: &Path, out: &mut BTreeSet<PathBuf>) -> Result<(), XtaskError> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry
            .map_err(|e| XtaskError::io_at("cannot list", dir, e))?
            .path();
        if path.is_dir() {
            list(&path, base, out)?;
        } else if let Ok(relative) = path.strip_prefix(base) {
            out.insert(relative.to_path_buf());
        }
    }
    Ok(())
}
