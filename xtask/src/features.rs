//! `cargo xtask features`: checks that `atlas-generated`'s cargo features are additive.
//! With `cargo hack`, every feature alone (each tag's, `client`, `dynamic`, `full`), none,
//! and all together must compile without warnings; then every tag again with `dynamic` and
//! `client`, whose tables and types depend on which tags are compiled. `cargo-hack` is
//! installed from crates.io first when it is missing.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::error::XtaskError;
use crate::process::{cargo_program, ensure_cargo_tool, run_status, show};

/// The `cargo-hack` release installed when none is.
pub const CARGO_HACK_VERSION: &str = "0.6.46";

/// A target directory of its own: `-D warnings` in `RUSTFLAGS` would otherwise make cargo
/// rebuild the developer's dependencies.
const TARGET_DIR: &str = "target/features";

/// The feature sets `cargo hack --each-feature` runs with in addition to each feature.
const WITH: &[Option<&str>] = &[None, Some("dynamic,client")];

/// `cargo xtask features`.
pub fn command(root: &Path) -> Result<(), XtaskError> {
    ensure_cargo_tool("hack", "cargo-hack", CARGO_HACK_VERSION)?;
    for with in WITH {
        let mut cmd = Command::new(cargo_program());
        cmd.args([
            "hack",
            "check",
            "--package",
            "atlas-generated",
            "--each-feature",
        ])
        .args(with.iter().flat_map(|features| ["--features", features]))
        .arg("--target-dir")
        .arg(root.join(TARGET_DIR))
        .env("RUSTFLAGS", "-D warnings")
        // Each feature set is a new build of the crate: incremental state would only be
        // written (gigabytes of it over 124 sets), never reused.
        .env("CARGO_INCREMENTAL", "0")
        .current_dir(root)
        .stdin(Stdio::null());
        let start = Instant::now();
        println!("features: {}", show(&cmd));
        run_status(&mut cmd)?;
        println!(
            "features: every feature compiles without warnings{}; {:.0} s",
            with.map_or(String::new(), |w| format!(" with {w}")),
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
