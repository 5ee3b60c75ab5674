//! What the tests on the pinned spec share: one generation from it, found the way every
//! xtask command finds it (`--spec`, `$ATLAS_SPEC`, `spec/atlas-api.yaml`, the shared copy)
//! and checked against `spec/atlas-api.pin`.

#![allow(dead_code)] // Each test crate uses a different part of this module.

use std::sync::OnceLock;

use xtask::Generation;

/// One generation from the pinned spec, shared by the tests of a test crate.
pub fn pinned() -> &'static Generation {
    static GENERATION: OnceLock<Generation> = OnceLock::new();
    GENERATION.get_or_init(|| {
        xtask::generate(&xtask::workspace_root(), None, None)
            .unwrap_or_else(|e| panic!("cannot generate from the pinned spec:\n{e}"))
    })
}

/// The earlier versions of the spec (`../shared/atlas-openapi/history/*.yaml`), oldest
/// first: two, as that folder's README lists.
pub fn history_documents() -> Vec<std::path::PathBuf> {
    let dir = xtask::workspace_root().join("../shared/atlas-openapi/history");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 2, "two history documents: {paths:?}");
    paths
}

/// What the generator makes of a document's text; panics naming `what` when it cannot.
pub fn generate_text(text: &str, what: &str) -> atlas_codegen::Generated {
    generate_after(text, what, None)
}

/// What the generator makes of a document's text, keeping the names of `published` (the
/// surface of the crate generated before), as a regeneration does.
pub fn generate_after(
    text: &str,
    what: &str,
    published: Option<&atlas_codegen::diff::Surface>,
) -> atlas_codegen::Generated {
    let spec = atlas_codegen::parse_spec(text).unwrap_or_else(|e| panic!("{what}: {e}"));
    atlas_codegen::generate(&spec, published).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The text of the document at `path`.
pub fn read_document(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// What the generator makes of the document at `path`.
pub fn generate_file(path: &std::path::Path) -> atlas_codegen::Generated {
    generate_text(&read_document(path), &path.display().to_string())
}
