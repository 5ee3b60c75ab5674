//! Shared by the fixture-driven tests: the list of fixtures and how to generate them.

#![allow(dead_code)] // Each test crate uses a different part of this module.

use std::path::PathBuf;

use atlas_codegen::Generated;

/// Every fixture in `tests/fixtures/`, by file stem. `every_fixture_is_listed` checks that
/// this list and the directory agree.
pub const FIXTURES: &[&str] = &[
    "allof_inheritance",
    "discriminated_oneof",
    "enum_values",
    "examples",
    "keywords_and_odd_names",
    "maps",
    "non_json_responses",
    "nullable",
    "pagination",
    "query_arrays",
    "recursive",
    "secrets",
    "string_oneof",
    "untagged_oneof",
    "versioned_media_types",
];

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

pub fn fixture_text(name: &str) -> String {
    let path = fixtures_dir().join(format!("{name}.yaml"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Parses and generates one fixture, panicking with the generator's error (and its location).
pub fn generate_fixture(name: &str) -> Generated {
    let text = fixture_text(name);
    let spec = atlas_codegen::parse_spec(&text)
        .unwrap_or_else(|e| panic!("fixture `{name}` does not parse: {e}"));
    atlas_codegen::generate(&spec, None)
        .unwrap_or_else(|e| panic!("fixture `{name}` does not generate: {e}"))
}

/// Every generated file, each preceded by a `=== path ===` line, in path order.
pub fn concatenate(generated: &Generated) -> String {
    let mut out = String::new();
    for (path, text) in &generated.files {
        out.push_str("=== ");
        out.push_str(path);
        out.push_str(" ===\n");
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The fixture files actually present on disk, by stem, sorted.
pub fn fixtures_on_disk() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .map(|path| {
            path.file_stem()
                .expect("a file name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}
