//! `cargo xtask diff` on real documents: for each pair of the two history versions of the
//! spec (`../shared/atlas-openapi/history/`) and the pinned one, the report lists exactly
//! the operations added, removed and renamed, the component schemas added and removed,
//! the properties added and removed and the enum values added and removed that a plain
//! comparison of the two documents finds, written here over `serde_json::Value`
//! independently of the generator.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use atlas_codegen::diff::{ChangeKind, Report, Surface};
use serde_json::Value;
use xtask::spec::{self, LoadedSpec, SpecSource};

fn history(name: &str) -> PathBuf {
    xtask::workspace_root()
        .join("../shared/atlas-openapi/history")
        .join(name)
}

const OLDER: &str = "atlas-api-2025-06-26.yaml";
const NEWER: &str = "atlas-api-2026-08-06.yaml";

fn load(path: &Path) -> LoadedSpec {
    spec::read(path, SpecSource::Flag).unwrap_or_else(|e| panic!("{e}"))
}

fn pinned() -> LoadedSpec {
    spec::load_pinned(&xtask::workspace_root(), None).unwrap_or_else(|e| panic!("{e}"))
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What a plain reading of one document gives.
struct Plain {
    /// `GET /path` → operationId.
    operations: BTreeMap<String, String>,
    /// Component schema → its JSON.
    schemas: BTreeMap<String, Value>,
}

fn plain(spec: &LoadedSpec) -> Plain {
    let document: Value = serde_yaml::from_str(&spec.text).expect("YAML");
    let mut operations = BTreeMap::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let id = op["operationId"].as_str().expect("operationId");
                operations.insert(format!("{} {path}", method.to_uppercase()), id.to_owned());
            }
        }
    }
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Plain {
        operations,
        schemas,
    }
}

/// A schema whose properties are its own: an object with `properties` and nothing that
/// merges in or picks others (`allOf`, `oneOf`, `anyOf`, a discriminator).
fn own_properties(schema: &Value) -> Option<BTreeSet<String>> {
    let composed = ["allOf", "oneOf", "anyOf", "discriminator"]
        .iter()
        .any(|k| schema.get(*k).is_some());
    let properties = schema.get("properties")?.as_object()?;
    (!composed).then(|| properties.keys().cloned().collect())
}

fn string_enum(schema: &Value) -> Option<BTreeSet<String>> {
    let values = schema.get("enum")?.as_array()?;
    values
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Every fact of one kind the report and the plain comparison are compared on.
#[derive(Debug, Default, PartialEq)]
struct Facts {
    operations_added: BTreeSet<(String, String)>,
    operations_removed: BTreeSet<(String, String)>,
    operations_renamed: BTreeSet<(String, String, String)>,
    schemas_added: BTreeSet<String>,
    schemas_removed: BTreeSet<String>,
    /// (Rust type, property).
    properties_added: BTreeSet<(String, String)>,
    properties_removed: BTreeSet<(String, String)>,
    /// (Rust type, value).
    values_added: BTreeSet<(String, String)>,
    values_removed: BTreeSet<(String, String)>,
}

/// The plain comparison. Properties and values are compared for the component schemas
/// both documents have with their own properties (or string enum) in both, each named by
/// the Rust type the newer surface gives it.
fn expected(old: &Plain, new: &Plain, types: &BTreeMap<String, String>) -> Facts {
    let mut facts = Facts::default();
    for (route, id) in &old.operations {
        match new.operations.get(route) {
            None => drop(facts.operations_removed.insert((route.clone(), id.clone()))),
            Some(other) if other != id => {
                facts
                    .operations_renamed
                    .insert((route.clone(), id.clone(), other.clone()));
            }
            Some(_) => {}
        }
    }
    for (route, id) in &new.operations {
        if !old.operations.contains_key(route) {
            facts.operations_added.insert((route.clone(), id.clone()));
        }
    }
    for name in old.schemas.keys() {
        if !new.schemas.contains_key(name) {
            facts.schemas_removed.insert(name.clone());
        }
    }
    for (name, schema) in &new.schemas {
        let Some(before) = old.schemas.get(name) else {
            facts.schemas_added.insert(name.clone());
            continue;
        };
        let ty = types[name].clone();
        if let (Some(a), Some(b)) = (own_properties(before), own_properties(schema)) {
            for p in a.difference(&b) {
                facts.properties_removed.insert((ty.clone(), p.clone()));
            }
            for p in b.difference(&a) {
                facts.properties_added.insert((ty.clone(), p.clone()));
            }
        }
        if let (Some(a), Some(b)) = (string_enum(before), string_enum(schema)) {
            for v in a.difference(&b) {
                facts.values_removed.insert((ty.clone(), v.clone()));
            }
            for v in b.difference(&a) {
                facts.values_added.insert((ty.clone(), v.clone()));
            }
        }
    }
    facts
}

/// The same facts read from the report; properties and values only for the types the
/// plain comparison looks at.
fn reported(report: &Report, compared: &BTreeSet<String>) -> Facts {
    let mut facts = Facts::default();
    for change in &report.changes {
        let subject = change.subject.clone();
        let of = |what: &String| (subject.clone(), what.clone());
        let compared = compared.contains(&subject);
        match &change.kind {
            ChangeKind::OperationAdded { operation_id } => {
                facts.operations_added.insert(of(operation_id));
            }
            ChangeKind::OperationRemoved { operation_id } => {
                facts.operations_removed.insert(of(operation_id));
            }
            ChangeKind::OperationRenamed { from, to } => {
                facts
                    .operations_renamed
                    .insert((subject.clone(), from.clone(), to.clone()));
            }
            ChangeKind::SchemaAdded => drop(facts.schemas_added.insert(subject)),
            ChangeKind::SchemaRemoved => drop(facts.schemas_removed.insert(subject)),
            ChangeKind::PropertyAdded { property, .. } if compared => {
                facts.properties_added.insert(of(property));
            }
            ChangeKind::PropertyRemoved { property } if compared => {
                facts.properties_removed.insert(of(property));
            }
            ChangeKind::EnumValueAdded { value } if compared => {
                facts.values_added.insert(of(value));
            }
            ChangeKind::EnumValueRemoved { value } if compared => {
                facts.values_removed.insert(of(value));
            }
            _ => {}
        }
    }
    facts
}

fn surface(spec: &LoadedSpec, published: Option<&Surface>) -> Surface {
    xtask::diff::surface_of(spec, published).unwrap_or_else(|e| panic!("{e}"))
}

fn check_pair(old: &LoadedSpec, new: &LoadedSpec) -> Facts {
    let before = surface(old, None);
    let after = surface(new, Some(&before));
    let report = atlas_codegen::diff::diff(&before, &after, "0.1.0");
    // Generated after the older crate, every break is the spec's own.
    let ours: Vec<String> = report
        .generator_breaks()
        .iter()
        .map(|c| format!("{:?} {}", c.kind, c.subject))
        .collect();
    assert!(ours.is_empty(), "breaks the generator made: {ours:#?}");
    let (breaking, _) = report.counts();
    println!("{breaking} breaking changes, 0 by the generator");
    let (old_plain, new_plain) = (plain(old), plain(new));
    // The types compared: components kept in both, with their own properties or values
    // in both, and the same Rust name on both sides.
    let compared: BTreeSet<String> = new_plain
        .schemas
        .iter()
        .filter(|(name, schema)| {
            old_plain.schemas.get(*name).is_some_and(|before| {
                (own_properties(before).is_some() && own_properties(schema).is_some())
                    || (string_enum(before).is_some() && string_enum(schema).is_some())
            }) && before.schemas.get(*name) == after.schemas.get(*name)
        })
        .map(|(name, _)| after.schemas[name].clone())
        .collect();
    // Property and value facts only for the compared types; operation and schema facts
    // for everything.
    let mut expected = expected(&old_plain, &new_plain, &all_types(&before, &after));
    expected
        .properties_added
        .retain(|(t, _)| compared.contains(t));
    expected
        .properties_removed
        .retain(|(t, _)| compared.contains(t));
    expected.values_added.retain(|(t, _)| compared.contains(t));
    expected
        .values_removed
        .retain(|(t, _)| compared.contains(t));
    let got = reported(&report, &compared);
    assert_eq!(got, expected, "the report and the plain comparison differ");
    got
}

/// Component schema → its Rust type on the newer side, else the older.
fn all_types(before: &Surface, after: &Surface) -> BTreeMap<String, String> {
    let mut types = before.schemas.clone();
    types.extend(after.schemas.clone());
    types
}

#[test]
fn report_matches_a_plain_comparison_for_every_pair() {
    let (older, newer, pin) = (load(&history(OLDER)), load(&history(NEWER)), pinned());
    for (name, old, new) in [
        ("2025-06-26 → 2026-08-06", &older, &newer),
        ("2026-08-06 → pin", &newer, &pin),
        ("2025-06-26 → pin", &older, &pin),
    ] {
        let facts = check_pair(old, new);
        println!(
            "{name}: operations +{} -{} renamed {}; schemas +{} -{}; properties +{} -{}; values +{} -{}",
            facts.operations_added.len(),
            facts.operations_removed.len(),
            facts.operations_renamed.len(),
            facts.schemas_added.len(),
            facts.schemas_removed.len(),
            facts.properties_added.len(),
            facts.properties_removed.len(),
            facts.values_added.len(),
            facts.values_removed.len(),
        );
    }
}

/// Generated without the older crate's record, the pin renames what 2026-08-06 published,
/// and the report says those breaks are the generator's.
#[test]
fn without_the_record_the_report_blames_the_generator_for_moved_names() {
    let before = surface(&load(&history(NEWER)), None);
    let fresh = surface(&pinned(), None);
    let report = atlas_codegen::diff::diff(&before, &fresh, "0.1.0");
    let ours: BTreeSet<&str> = report
        .generator_breaks()
        .iter()
        .map(|c| c.subject.as_str())
        .collect();
    for subject in [
        "CloudProvider",
        "OrgServiceAccountRolesItem",
        "StreamsDataProcessRegion",
    ] {
        assert!(
            ours.contains(subject),
            "{subject} not blamed on the generator: {ours:?}"
        );
    }
    println!("without the record: {} breaks by the generator", ours.len());
}

#[test]
fn a_document_that_cannot_be_parsed_fails_with_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.yaml");
    std::fs::write(&bad, "openapi: 3.0.1\ninfo:\n  title: [unclosed\n").unwrap();
    let good = history(NEWER);
    let error = xtask::diff::report(&xtask::workspace_root(), &bad, Some(&good))
        .expect_err("a broken document has no report")
        .to_string();
    assert!(error.contains("cannot parse the spec"), "{error}");
    assert!(error.contains(&bad.display().to_string()), "{error}");
    assert!(error.contains("line 3"), "{error}");
}

/// Regenerating after a re-pin: the crate records the 2026-08-06 document; the pinned one
/// comes in. The changelog gets a section naming both, above the previous one, the version
/// moves to the verdict, and the drift check accepts the result and not the original.
#[test]
fn regeneration_after_a_repin_writes_a_changelog_section() {
    use atlas_codegen::diff::surface::RECORD_PATH;
    use xtask::changelog::{self, CHANGELOG};

    let dir = tempfile::tempdir().unwrap();
    let crate_dir = dir.path();
    std::fs::create_dir_all(crate_dir.join("reports")).unwrap();
    let old = surface(&load(&history(NEWER)), None);
    let new = surface(&pinned(), Some(&old));
    std::fs::write(crate_dir.join(RECORD_PATH), old.record()).unwrap();
    let first = changelog::plan(crate_dir, &old, "0.1.0", "2026-08-07", None)
        .unwrap()
        .unwrap();
    changelog::write(crate_dir, &first).unwrap();
    assert!(changelog::drift(crate_dir, &old).unwrap().is_none());
    assert!(
        changelog::drift(crate_dir, &new).unwrap().is_some(),
        "the old section names the old spec"
    );

    let update = changelog::plan(crate_dir, &new, "0.1.0", "2026-12-01", None)
        .unwrap()
        .unwrap();
    let report = update.report.as_ref().expect("a report");
    assert!(report.verdict.breaking);
    assert_eq!(update.version.as_deref(), Some("0.2.0"));
    changelog::write(crate_dir, &update).unwrap();
    let text = std::fs::read_to_string(crate_dir.join(CHANGELOG)).unwrap();
    let (newest, previous) = (
        text.find("## [0.2.0] - 2026-12-01").unwrap(),
        text.find("## [0.1.0] - 2026-08-07").unwrap(),
    );
    assert!(newest < previous, "{text}");
    assert!(
        !text.contains("\n\n\n"),
        "one blank line between blocks:\n{text}"
    );
    assert!(
        text.contains(&format!(
            "(x-xgen-sha {}) (was",
            new.spec.sha.as_deref().unwrap()
        )),
        "{text}"
    );
    assert!(
        text.contains("### Removed") && text.contains("**Breaking:**"),
        "{text}"
    );
    assert!(changelog::drift(crate_dir, &new).unwrap().is_none());
    // The same spec again: nothing to add.
    std::fs::write(crate_dir.join(RECORD_PATH), new.record()).unwrap();
    assert!(
        changelog::plan(crate_dir, &new, "0.2.0", "2026-12-02", None)
            .unwrap()
            .is_none()
    );
    // The record reads back as written.
    assert_eq!(
        atlas_codegen::diff::Surface::from_record(&new.record()).unwrap(),
        new
    );
}

/// `record` as format 1 wrote it: no `format` line and no `features`.
fn first_format(record: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(record).unwrap();
    let mut object = value.as_object().unwrap().clone();
    object.remove("format").expect("the record has a format");
    object.remove("features").expect("the record has features");
    serde_json::to_string(&object).unwrap()
}

/// A record an older generator wrote: regenerating from the same spec only rewrites it;
/// from another spec, the error names the record and `--previous`, and with the previous
/// document's surface the section is written as from a readable record.
#[test]
fn a_record_of_another_format_is_recognised_and_the_previous_document_serves() {
    use atlas_codegen::diff::surface::{RECORD_FORMAT, RECORD_PATH, RecordError};
    use xtask::changelog;

    let dir = tempfile::tempdir().unwrap();
    let crate_dir = dir.path();
    std::fs::create_dir_all(crate_dir.join("reports")).unwrap();
    let old = surface(&load(&history(NEWER)), None);
    let new = surface(&pinned(), Some(&old));
    let first = changelog::plan(crate_dir, &old, "0.1.0", "2026-08-07", None)
        .unwrap()
        .unwrap();
    changelog::write(crate_dir, &first).unwrap();
    let record = first_format(&old.record());
    std::fs::write(crate_dir.join(RECORD_PATH), &record).unwrap();
    match atlas_codegen::diff::Surface::from_record(&record) {
        Err(RecordError::OtherFormat { found: 1, spec }) => {
            assert_eq!(spec, Some(old.spec.clone()))
        }
        other => panic!("format 1 is told apart from format {RECORD_FORMAT}: {other:?}"),
    }

    let same = changelog::plan(crate_dir, &old, "0.1.0", "2026-12-01", None).unwrap();
    assert!(same.is_none(), "the same spec: nothing to report");

    let error = changelog::plan(crate_dir, &new, "0.1.0", "2026-12-01", None)
        .expect_err("another spec cannot be compared with an unreadable record")
        .to_string();
    assert!(error.contains(RECORD_PATH), "{error}");
    assert!(error.contains("format 1"), "{error}");
    assert!(error.contains("--previous"), "{error}");

    let update = changelog::plan(crate_dir, &new, "0.1.0", "2026-12-01", Some(&old))
        .unwrap()
        .expect("a section");
    let report = update.report.expect("a report");
    assert_eq!(report.from, old.spec);
    assert_eq!(update.version.as_deref(), Some("0.2.0"));
}

/// `--previous` names what the crate came from only while the record names another spec:
/// a crate already generated from the new spec gets no second section.
#[test]
fn the_previous_document_is_ignored_when_the_record_names_the_new_spec() {
    use atlas_codegen::diff::surface::RECORD_PATH;
    use xtask::changelog;

    let dir = tempfile::tempdir().unwrap();
    let crate_dir = dir.path();
    std::fs::create_dir_all(crate_dir.join("reports")).unwrap();
    let old = surface(&load(&history(NEWER)), None);
    let new = surface(&pinned(), Some(&old));
    let first = changelog::plan(crate_dir, &new, "0.2.0", "2026-12-01", None)
        .unwrap()
        .unwrap();
    changelog::write(crate_dir, &first).unwrap();
    std::fs::write(crate_dir.join(RECORD_PATH), new.record()).unwrap();
    let again = changelog::plan(crate_dir, &new, "0.2.0", "2026-12-02", Some(&old)).unwrap();
    assert!(again.is_none(), "the crate already comes from the new spec");
}
