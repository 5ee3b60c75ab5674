//! atlas-generated's fuzz targets (cargo-fuzz layout; run them with `cargo xtask fuzz`).
//!
//! The targets' logic is `src/targets.rs` (re-exported here), which the regression test
//! `atlas-generated/tests/fuzz_regressions.rs` also mounts; [`signals`] is what only a
//! libFuzzer binary needs.
#![warn(missing_docs)]

#[path = "targets.rs"]
mod targets;
pub use targets::*;

pub mod signals;
