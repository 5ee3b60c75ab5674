//! Spec → IR → Rust files. Pure: no file system, no network, no clock.
//!
//! [`parse_spec`] turns the text of an OpenAPI document into [`openapiv3::OpenAPI`];
//! [`generate`] turns that into the set of files that make up `atlas-generated`'s
//! generated part. Everything that touches a disk lives in `xtask`.
//!
//! The pipeline, one folder each: `lower` makes the [`ir`] from the spec, `passes`
//! complete it ([`build_ir`] runs both), `emit` prints the crate's files and [`testgen`]
//! the crate's generated tests, and [`diff`] the public surface the IR makes and the
//! report of what changed between two. Rules that several of them apply live once beside
//! them: [`names`] (every naming rule), [`media`] (media types and API versions), `refs`
//! (`$ref`s) and `schema_view` (one view of a schema's constraints).

pub mod diff;
mod emit;
mod error;
pub mod ir;
mod lower;
pub mod media;
pub mod names;
mod passes;
mod refs;
mod schema_view;
pub mod testgen;
pub mod waiters;

pub use emit::features::{BEGIN as FEATURES_BEGIN, END as FEATURES_END};
pub use emit::reports::Counts;
pub use error::{CodegenError, Location};

use std::collections::BTreeMap;

/// The generator's output: file path (relative to the `atlas-generated/` crate root,
/// always under one of [`GENERATED_ROOTS`]) → file contents, with what they were made from.
#[derive(Debug, Clone)]
pub struct Generated {
    pub files: BTreeMap<String, String>,
    pub counts: Counts,
    /// The cargo features of `atlas-generated` (a feature per tag, and `full`): the lines of
    /// its `Cargo.toml` between [`FEATURES_BEGIN`] and [`FEATURES_END`].
    pub cargo_features: String,
    /// The IR the files print, for tools and tests that want the facts rather than the text
    /// (the untyped fallbacks, the operations and their versions).
    pub ir: ir::Ir,
    /// The public API the files make, as plain data (also written to
    /// [`diff::surface::RECORD_PATH`]), for the report of what a new spec changes.
    pub surface: diff::Surface,
}

/// Directories, relative to the `atlas-generated/` crate root, that the generator owns
/// completely: every file in them comes from [`generate`], and a file there that
/// [`generate`] no longer produces is stale.
pub const GENERATED_ROOTS: &[&str] = &["src/generated", "reports", "tests/generated"];

/// Parses the YAML (or JSON) text of an OpenAPI 3.0 document.
pub fn parse_spec(text: &str) -> Result<openapiv3::OpenAPI, CodegenError> {
    error::parse_spec(text)
}

/// The complete IR of `spec`: lowered, then every pass run. `published` is the surface of
/// the crate generated before (its record, [`diff::surface::RECORD_PATH`]): the names it
/// published are kept. `None` for a first generation.
pub fn build_ir(
    spec: &openapiv3::OpenAPI,
    published: Option<&diff::Surface>,
) -> Result<ir::Ir, CodegenError> {
    build_ir_with(spec, published, &waiters::Waiters::default())
}

/// [`build_ir`], with the long-running operations `waiters` (the text of
/// [`waiters::PATH`], read by [`waiters::parse`]) describes, each checked against `spec`.
pub fn build_ir_with(
    spec: &openapiv3::OpenAPI,
    published: Option<&diff::Surface>,
    waiters: &waiters::Waiters,
) -> Result<ir::Ir, CodegenError> {
    let mut ir = lower::lower(spec)?;
    passes::run(&mut ir, published);
    passes::waiters::attach_waiters(&mut ir, waiters)?;
    Ok(ir)
}

/// The public API `spec` becomes, as plain data, for [`diff::diff`]; `published` as for
/// [`build_ir`].
pub fn surface(
    spec: &openapiv3::OpenAPI,
    published: Option<&diff::Surface>,
) -> Result<diff::Surface, CodegenError> {
    Ok(diff::Surface::of(&build_ir(spec, published)?))
}

/// Generates every file under [`GENERATED_ROOTS`]: the crate's generated code, its reports
/// and its generated tests; `published` as for [`build_ir`].
pub fn generate(
    spec: &openapiv3::OpenAPI,
    published: Option<&diff::Surface>,
) -> Result<Generated, CodegenError> {
    generate_with(spec, published, &waiters::Waiters::default())
}

/// [`generate`], with waiters for the long-running operations `waiters` describes (see
/// [`build_ir_with`]): what `cargo xtask codegen` runs.
pub fn generate_with(
    spec: &openapiv3::OpenAPI,
    published: Option<&diff::Surface>,
    waiters: &waiters::Waiters,
) -> Result<Generated, CodegenError> {
    let ir = build_ir_with(spec, published, waiters)?;
    let tests = testgen::Tests::prepare(spec, &ir)?;
    let mut jobs = emit::jobs(&ir);
    jobs.extend(tests.jobs(&ir));
    let mut files: BTreeMap<String, String> = emit::render_all(&jobs)?.into_iter().collect();
    let counts = counts(&ir, &tests);
    let surface = diff::Surface::of(&ir);
    files.insert(diff::surface::RECORD_PATH.to_owned(), surface.record());
    files.extend(emit::reports::emit(
        &ir,
        &counts,
        tests.unchecked_examples(),
    ));
    drop(jobs);
    let cargo_features = emit::features::cargo_features(&ir);
    Ok(Generated {
        files,
        counts,
        cargo_features,
        ir,
        surface,
    })
}

/// How much of the spec the IR and the generated tests cover.
fn counts(ir: &ir::Ir, tests: &testgen::Tests) -> Counts {
    let discriminators = ir
        .types
        .iter()
        .filter(|t| matches!(t.kind, ir::TypeKind::Tagged(_)));
    Counts {
        operations: ir.operations.len(),
        operation_versions: ir.operations.iter().map(|o| o.versions.len()).sum(),
        component_schemas: ir.components.len(),
        inline_schemas: ir.types.len() - ir.components.len(),
        discriminators: discriminators.count(),
        examples: tests.example_checks(),
        spec_examples: tests.document_examples(),
        examples_unchecked: tests.unchecked_examples().len(),
        union_tags: tests.tag_checks(),
    }
}
