//! Everything in the pinned spec, and in each history version of it
//! (`../shared/atlas-openapi/history/`), is generated: every operation, every (operation,
//! version) pair, every component schema and discriminator, every example checked. The
//! expected numbers are counted here from each document itself, walked as plain JSON, so
//! that they follow the spec at each re-pin and a generator that forgets something cannot
//! agree.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use atlas_codegen::Generated;
use serde_json::{Map, Value};

use common::pinned as generation;

/// A document, as plain JSON, and what the generator made of it.
struct Spec {
    name: String,
    document: Value,
    generated: Generated,
}

/// The pinned document, then each history document.
fn specs() -> &'static [Spec] {
    static SPECS: OnceLock<Vec<Spec>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let pinned = Spec {
            name: "the pinned spec".to_owned(),
            document: serde_yaml::from_str(&generation().spec.text).expect("the spec is YAML"),
            generated: generation().generated.clone(),
        };
        let older = common::history_documents().into_iter().map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            let name = path.display().to_string();
            Spec {
                generated: common::generate_text(&text, &name),
                document: serde_yaml::from_str(&text).expect("the spec is YAML"),
                name,
            }
        });
        std::iter::once(pinned).chain(older).collect()
    })
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation of the document, with its JSON.
fn operations(document: &Value) -> Vec<&Value> {
    let paths = document["paths"].as_object().expect("paths");
    paths
        .values()
        .flat_map(|item| METHODS.iter().filter_map(|m| item.get(*m)))
        .collect()
}

/// `$ref`s followed to what they name (one level is all the spec's responses use).
fn resolved<'a>(document: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(pointer) => document
            .pointer(pointer.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling `{pointer}`")),
        None => node,
    }
}

/// The API versions an operation's request and response media types name.
fn versions(document: &Value, operation: &Value) -> BTreeSet<String> {
    let empty = Map::new();
    let responses = operation["responses"]
        .as_object()
        .unwrap_or(&empty)
        .values();
    let bodies = responses.chain(operation.get("requestBody"));
    bodies
        .filter_map(|body| resolved(document, body).get("content")?.as_object())
        .flat_map(Map::keys)
        .filter_map(|media_type| {
            let rest = media_type.strip_prefix("application/vnd.atlas.")?;
            Some(rest.split_once('+')?.0.to_owned())
        })
        .collect()
}

/// How many objects of the document (outside examples) have this key.
fn count_key(node: &Value, key: &str) -> usize {
    match node {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "example" | "examples"))
            .map(|(k, v)| usize::from(k == key && v.is_object()) + count_key(v, key))
            .sum(),
        Value::Array(items) => items.iter().map(|v| count_key(v, key)).sum(),
        _ => 0,
    }
}

/// The (variant, tag) pairs of every discriminator of the document (outside examples): each
/// `mapping` entry, and each `oneOf`/`anyOf` branch that no entry names (its tag is the
/// schema's name).
fn tag_pairs(node: &Value) -> usize {
    match node {
        Value::Object(map) => {
            let own = map.get("discriminator").map_or(0, |d| {
                let mapping = d["mapping"].as_object();
                let mapped: BTreeSet<&str> = mapping
                    .into_iter()
                    .flatten()
                    .filter_map(|(_, t)| t.as_str())
                    .collect();
                let branches = map.get("oneOf").or_else(|| map.get("anyOf"));
                let unmapped = branches
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|b| b["$ref"].as_str())
                    .filter(|r| !mapped.contains(r))
                    .count();
                mapping.map_or(0, Map::len) + unmapped
            });
            let inner: usize = map
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "example" | "examples"))
                .map(|(_, v)| tag_pairs(v))
                .sum();
            own + inner
        }
        Value::Array(items) => items.iter().map(tag_pairs).sum(),
        _ => 0,
    }
}

#[test]
fn every_operation_version_schema_and_discriminator_is_generated() {
    for spec in specs() {
        everything_is_generated(spec);
    }
}

fn everything_is_generated(spec: &Spec) {
    let (document, name) = (&spec.document, &spec.name);
    let counts = &spec.generated.counts;
    let operations = operations(document);
    assert_eq!(counts.operations, operations.len(), "{name}: operations");
    let pairs: usize = operations.iter().map(|o| versions(document, o).len()).sum();
    assert_eq!(
        counts.operation_versions, pairs,
        "{name}: (operation, version) pairs"
    );
    let schemas = document["components"]["schemas"]
        .as_object()
        .map_or(0, Map::len);
    assert_eq!(
        counts.component_schemas, schemas,
        "{name}: component schemas"
    );
    let discriminators = count_key(document, "discriminator");
    assert_eq!(
        counts.discriminators, discriminators,
        "{name}: discriminated unions"
    );
    // Every (variant, tag) pair is checked by `atlas-generated/tests/spec_tags.rs`.
    assert_eq!(
        counts.union_tags,
        tag_pairs(document),
        "{name}: (variant, tag) pairs"
    );
    // Every example value of the document is checked by `atlas-generated/tests/spec_examples.rs`.
    assert!(counts.spec_examples > 0, "{name}: {counts:?}");
    assert_eq!(
        counts.examples_unchecked, 0,
        "{name}: unchecked examples: see reports/completeness.md"
    );
}

/// A parameter left out of typed requests is a rule about this spec: one that no operation
/// declares any more is stale and must go.
#[test]
fn every_left_out_parameter_is_still_declared() {
    for rule in &generation().generated.ir.left_out {
        assert!(
            rule.operations > 0,
            "no operation declares `{}` any more: remove the rule",
            rule.name
        );
    }
}

#[test]
fn one_file_per_operation_each_marked_generated() {
    for spec in specs() {
        one_file_per_operation(&spec.generated);
    }
}

fn one_file_per_operation(generated: &Generated) {
    let files = &generated.files;
    let operation_files = files
        .keys()
        .filter(|p| p.starts_with("src/generated/operations/") && !p.ends_with("/mod.rs"))
        .count();
    assert_eq!(operation_files, generated.ir.operations.len());
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".rs")) {
        assert!(
            text.starts_with("// @generated by atlas-codegen from "),
            "{path} lacks the @generated header"
        );
    }
}

/// `operations` re-exports every tag module's items (`operations::CreateCluster`): a name
/// two tags both declared would be ambiguous there, so none may be.
#[test]
fn request_type_names_are_unique_across_tags() {
    for spec in specs() {
        request_type_names_are_unique(&spec.generated);
    }
}

fn request_type_names_are_unique(generated: &Generated) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    let files = &generated.files;
    let operation_files = files
        .iter()
        .filter(|(p, _)| p.starts_with("src/generated/operations/") && !p.ends_with("mod.rs"));
    let mut count = 0;
    for (path, text) in operation_files {
        for line in text.lines() {
            let Some(rest) = ["pub struct ", "pub enum ", "pub type "]
                .iter()
                .find_map(|p| line.strip_prefix(p))
            else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            count += 1;
            if let Some(other) = seen.insert(name.clone(), path) {
                panic!("`{name}` is declared in {other} and in {path}");
            }
        }
    }
    assert!(count > generated.ir.operations.len(), "{count}");
}

/// The fallbacks are minimal: each place appears once, and the spec really leaves it
/// free-form (no properties, no union, no enum: nothing a type could be made of).
#[test]
fn every_untyped_fallback_is_free_form_in_the_spec() {
    for spec in specs() {
        every_fallback_is_free_form(spec);
    }
}

fn every_fallback_is_free_form(spec: &Spec) {
    let document = &spec.document;
    let fallbacks = &spec.generated.ir.fallbacks;
    let pointers: Vec<&str> = fallbacks.iter().map(|f| f.pointer.as_str()).collect();
    let unique: BTreeSet<&str> = pointers.iter().copied().collect();
    assert_eq!(
        unique.len(),
        pointers.len(),
        "a place is listed twice: {pointers:?}"
    );
    for pointer in pointers {
        let schema = document
            .pointer(pointer.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("`{pointer}` is not in the spec"));
        // `additionalProperties: true` stands for a free-form value schema.
        if schema == &Value::Bool(true) {
            continue;
        }
        let typed = [
            "properties",
            "oneOf",
            "anyOf",
            "allOf",
            "enum",
            "items",
            "$ref",
        ]
        .iter()
        .find(|k| schema.get(**k).is_some());
        assert!(
            typed.is_none(),
            "`{pointer}` has `{}`: a type could be generated for it",
            typed.unwrap_or(&"")
        );
        let additional = schema.get("additionalProperties");
        assert!(
            additional.is_none_or(|a| a == &Value::Bool(true) || a.as_object().is_some_and(Map::is_empty)),
            "`{pointer}` declares the type of its values: it is a map, not free-form"
        );
        assert!(
            schema.get("type").is_none_or(|t| t == "object"),
            "`{pointer}` has a non-object type"
        );
    }
    let report = &spec.generated.files["reports/fallbacks.md"];
    assert!(
        report.contains(&format!("{} places.", fallbacks.len())),
        "{report}"
    );
}

/// Every entry of `spec/waiters.yaml`, counted from the file as plain YAML, is a waiter of
/// every version of its operation in the pinned crate, and the report counts them.
#[test]
fn every_waiter_of_the_file_is_generated_and_counted() {
    let path = xtask::workspace_root().join(atlas_codegen::waiters::PATH);
    let file: Value = serde_yaml::from_str(&std::fs::read_to_string(&path).expect("readable"))
        .expect("the waiters are YAML");
    let targets: BTreeSet<String> = file["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["target"].as_str().expect("a target").to_owned())
        .collect();
    let ir = &generation().generated.ir;
    let waited: Vec<&atlas_codegen::ir::Operation> = ir
        .operations
        .iter()
        .filter(|op| op.versions.iter().any(|v| v.waiter.is_some()))
        .collect();
    let waited_targets: BTreeSet<String> = waited
        .iter()
        .map(|op| format!("$.paths['{}'].{}", op.path, op.method.key()))
        .collect();
    assert_eq!(waited_targets, targets);
    for op in &waited {
        assert!(
            op.versions.iter().all(|v| v.waiter.is_some()),
            "every version of `{}` waits",
            op.operation_id
        );
    }
    let pairs: usize = waited.iter().map(|op| op.versions.len()).sum();
    let report = &generation().generated.files["reports/completeness.md"];
    let line = format!(
        "{} operations, {pairs} (operation, API version) pairs.",
        targets.len()
    );
    assert!(report.contains(&line), "the report says `{line}`");
}
