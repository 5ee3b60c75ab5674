//! Snapshot of everything the generator writes for each fixture in `tests/fixtures/`.
//!
//! Review changes with `cargo insta review`, or accept them all with
//! `INSTA_UPDATE=always cargo test -p atlas-codegen --test snapshots`. With `CI=true`
//! (or `INSTA_UPDATE=no`) a mismatch fails without writing anything.

mod common;

use common::{FIXTURES, concatenate, fixtures_on_disk, generate_fixture};

fn snapshot(name: &str) {
    let generated = generate_fixture(name);
    assert!(
        generated.counts.operations > 0,
        "fixture `{name}` has no operation"
    );
    let text = concatenate(&generated);
    insta::with_settings!({ description => format!("tests/fixtures/{name}.yaml"), omit_expression => true }, {
        insta::assert_snapshot!(name, text);
    });
}

macro_rules! snapshot_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                snapshot(stringify!($name));
            }
        )*

        /// The tests above, `common::FIXTURES` and the directory name the same fixtures.
        #[test]
        fn every_fixture_is_listed() {
            let tested: Vec<&str> = vec![$(stringify!($name)),*];
            assert_eq!(tested, FIXTURES, "snapshot tests and common::FIXTURES differ");
            assert_eq!(fixtures_on_disk(), FIXTURES, "tests/fixtures/*.yaml and common::FIXTURES differ");
        }
    };
}

snapshot_tests!(
    allof_inheritance,
    discriminated_oneof,
    enum_values,
    examples,
    keywords_and_odd_names,
    maps,
    non_json_responses,
    nullable,
    pagination,
    query_arrays,
    recursive,
    secrets,
    string_oneof,
    untagged_oneof,
    versioned_media_types,
);

/// Generating the same spec twice gives the same files, byte for byte.
#[test]
fn generation_is_deterministic() {
    for name in FIXTURES {
        let first = generate_fixture(name);
        let second = generate_fixture(name);
        assert_eq!(
            first.counts, second.counts,
            "fixture `{name}`: counts differ between runs"
        );
        assert_eq!(
            first.files.keys().collect::<Vec<_>>(),
            second.files.keys().collect::<Vec<_>>(),
            "fixture `{name}`: file lists differ between runs"
        );
        for (path, text) in &first.files {
            assert_eq!(
                text, &second.files[path],
                "fixture `{name}`: `{path}` differs between runs"
            );
        }
    }
}

/// Every generated path is where `atlas-generated` expects it.
#[test]
fn generated_paths_stay_in_generated_roots() {
    for name in FIXTURES {
        let generated = generate_fixture(name);
        for path in generated.files.keys() {
            assert!(
                atlas_codegen::GENERATED_ROOTS
                    .iter()
                    .any(|root| path.starts_with(&format!("{root}/"))),
                "fixture `{name}`: `{path}` is outside {:?}",
                atlas_codegen::GENERATED_ROOTS
            );
            assert!(!path.contains(".."), "fixture `{name}`: `{path}`");
        }
        for required in [
            "src/generated/mod.rs",
            "src/generated/models/mod.rs",
            "src/generated/operations/mod.rs",
            "src/generated/registry.rs",
        ] {
            assert!(
                generated.files.contains_key(required),
                "fixture `{name}`: no `{required}`"
            );
        }
    }
}
