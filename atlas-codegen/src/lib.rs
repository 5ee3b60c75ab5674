//! Spec → IR → Rust files. Pure: no file system, no network, no clock.
//!
//! [`parse_spec`] turns the text of an OpenAPI document into [`openapiv3::OpenAPI`];
//! [`generate`] turns that into the set of files that make up `atlas-generated`'s
//! generated part. Everything that touches a disk lives in `xtask`.

mod emit;
mod error;
pub mod ir;
pub mod media;
mod names;
mod refs;
pub mod samples;

pub use error::{CodegenError, Location};

use std::collections::BTreeMap;

/// The generator's output: file path (relative to the `atlas-generated/` crate root,
/// always under one of [`GENERATED_ROOTS`]) → file contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub files: BTreeMap<String, String>,
    pub counts: Counts,
}

/// Directories, relative to the `atlas-generated/` crate root, that the generator owns
/// completely: every file in them comes from [`generate`], and a file there that
/// [`generate`] no longer produces is stale.
pub const GENERATED_ROOTS: &[&str] = &["src/generated", "reports", "tests/generated"];

/// How much of the spec was generated; asserted by the completeness test.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub operations: usize,
    pub operation_versions: usize,
    pub component_schemas: usize,
    pub inline_schemas: usize,
    pub discriminators: usize,
    /// Checks the generated example round-trip test runs (one example may be checked
    /// against several types: a base property against each branch's field).
    pub examples: usize,
    /// Example values in the document.
    pub spec_examples: usize,
    /// Example values in the document that no check covers (listed in the report).
    pub examples_unchecked: usize,
    pub skipped: usize,
}

/// Parses the YAML (or JSON) text of an OpenAPI 3.0 document.
pub fn parse_spec(text: &str) -> Result<openapiv3::OpenAPI, CodegenError> {
    error::parse_spec(text)
}

/// Generates every file of `atlas-generated/src/generated` and `atlas-generated/reports`.
pub fn generate(spec: &openapiv3::OpenAPI) -> Result<Generated, CodegenError> {
    let ir = ir::build(spec)?;
    let samples = samples::request_samples(spec)?;
    emit::emit(&ir, &samples)
}
