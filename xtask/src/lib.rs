//! Project automation for atlas-rs, run as `cargo xtask <command>`.
//!
//! Everything that touches a disk, the network or a clock on behalf of the generator
//! lives here; `atlas-codegen` itself stays pure. The binary (`src/main.rs`) only calls
//! [`cli::run`]; the pieces are public so that tests can call them directly.
//!
//! Modules depend on each other in one direction only: [`cli`] on the commands
//! ([`generation`], [`repin`], [`fetch`], [`bench`](mod@bench), [`test_pipeline`], [`prism`], [`httpbin`], [`features`], [`fuzz`]); the
//! commands on [`spec`], [`pin`], [`tree`] and [`process`]; everything on [`error`].
//! [`scratch`] (compiling generated code as throwaway crates) and [`semver_checks`]
//! (cargo-semver-checks on two such crates) serve the tests.

pub mod bench;
pub mod changelog;
pub mod cli;
pub mod diff;
pub mod error;
pub mod features;
pub mod fetch;
pub mod fuzz;
pub mod generation;
pub mod httpbin;
pub mod manifest;
pub mod pin;
pub mod prism;
pub mod process;
pub mod repin;
pub mod scratch;
pub mod semver_checks;
pub mod spec;
pub mod test_pipeline;
pub mod tree;

pub use error::XtaskError;
pub use generation::{Generation, check, generate};
pub use spec::workspace_root;
