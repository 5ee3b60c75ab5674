//! Mutated copies of the pinned spec: each gives an error that names a place of the mutant,
//! or code that compiles without warnings; none panics or hangs.
//!
//! A fixed seed picks, for every kind of damage a real spec could carry (dangling, external
//! and cyclic references, wrong types, odd enum values, keyword and clashing names, missing
//! or odd operation ids, malformed path templates, broken discriminators, deep nesting, a
//! YAML alias bomb, empty input), a few places of the pinned spec to damage. Each mutant is
//! generated whole. When it generates, the part of it around the damage (the operations
//! and schemas it touches, and everything they reference) is generated again and compiled
//! as a scratch crate with warnings denied: compiling 40 copies of the whole crate would
//! take the better part of an hour.
//!
//! The damage is a list of kinds, each applied at places a seeded generator picks, rather
//! than proptest's random inputs: every run covers every kind, and a case (a generation of
//! the whole spec and a compile) is too costly for shrinking to pay.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use atlas_codegen::{CodegenError, Location};
use fastrand::Rng;
use serde_json::{Map, Value, json};
use xtask::scratch::{ScratchCrate, Workspace};

/// The seed of every choice below: the same mutants on every run.
const SEED: u64 = 0x00A7_1A55_EED5;
/// Places damaged per kind of damage.
const PER_KIND: usize = 3;
/// How long generating one mutant may take (the whole spec takes about a second).
const GENERATE_TIMEOUT: Duration = Duration::from_secs(120);
/// How long compiling every mutant that generated may take.
const COMPILE_TIMEOUT: Duration = Duration::from_secs(1500);

/// Where a mutant is damaged: what to keep when cutting it down to compile it.
#[derive(Debug, Clone)]
enum Seed {
    Schema(String),
    Operation { path: String, method: String },
}

/// One damaged copy of the spec.
struct Mutant {
    name: String,
    /// The mutant's text, and its document when it is one.
    text: String,
    document: Option<Value>,
    seeds: Vec<Seed>,
}

type Damage = fn(&mut Value, &mut Rng, usize) -> Option<(String, Vec<Seed>)>;

/// Every kind of damage done to the document, by name.
const DAMAGES: &[(&str, Damage)] = &[
    ("dangling-ref", dangling_ref),
    ("external-ref", external_ref),
    ("unknown-type", unknown_type),
    ("type-not-a-string", type_not_a_string),
    ("self-cycle", self_cycle),
    ("odd-enum-values", odd_enum_values),
    ("keyword-properties", keyword_properties),
    ("keyword-schema-name", keyword_schema_name),
    ("operation-id", operation_id),
    ("path-template", path_template),
    ("discriminator", discriminator),
    ("deep-nesting", deep_nesting),
];

#[test]
fn every_mutant_is_a_located_error_or_compiles_without_warnings() {
    let mutants = mutants();
    assert!(mutants.len() >= 40, "only {} mutants", mutants.len());
    let mut failures = Vec::new();
    let mut compiled = Vec::new();
    let mut errors = 0;
    for (index, mutant) in mutants.iter().enumerate() {
        let outcome = generate_bounded(&mutant.text);
        eprintln!("{index:02} {}: {}", mutant.name, outcome.describe());
        match outcome {
            Outcome::Panicked(message) => {
                failures.push(format!("{}: panicked: {message}", mutant.name))
            }
            Outcome::Hung => failures.push(format!(
                "{}: no answer in {GENERATE_TIMEOUT:?}",
                mutant.name
            )),
            Outcome::Error(error) => {
                errors += 1;
                if let Err(why) = located(&error, mutant) {
                    failures.push(format!("{}: {why}: {error}", mutant.name));
                }
            }
            Outcome::Generated => match cut_down(mutant) {
                Ok((files, features)) => compiled.push(ScratchCrate {
                    name: format!(
                        "mutant-{index:02}-{}",
                        mutant.name.split('@').next().unwrap_or("x")
                    ),
                    files,
                    features,
                    behaviour: None,
                }),
                Err(why) => failures.push(format!("{}: {why}", mutant.name)),
            },
        }
    }
    eprintln!(
        "mutants: {} in all, {errors} located errors, {} compiled",
        mutants.len(),
        compiled.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The damage must sometimes be refused and sometimes be survived, or the test is blind.
    assert!(
        errors >= 10 && compiled.len() >= 10,
        "{errors} errors, {} compiled",
        compiled.len()
    );
    let workspace = Workspace {
        root: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mutant-crates"),
        target: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mutant-target"),
    };
    if let Err(e) = workspace.build_and_test(&compiled, COMPILE_TIMEOUT) {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------------------------------
// Making the mutants
// ---------------------------------------------------------------------------------------

fn mutants() -> Vec<Mutant> {
    let original: Value =
        serde_yaml::from_str(&common::pinned().spec.text).expect("the spec is YAML");
    let mut rng = Rng::with_seed(SEED);
    let mut out = Vec::new();
    for (kind, damage) in DAMAGES {
        for variant in 0..PER_KIND {
            let mut document = original.clone();
            let Some((place, seeds)) = damage(&mut document, &mut rng, variant) else {
                panic!("`{kind}` found no place to damage");
            };
            assert_ne!(document, original, "`{kind}` at {place} changed nothing");
            out.push(Mutant {
                name: format!("{kind}@{place}"),
                text: serde_yaml::to_string(&document).expect("a document serializes"),
                document: Some(document),
                seeds,
            });
        }
    }
    out.extend(text_mutants());
    out
}

/// Damage to the text itself: what no document has.
fn text_mutants() -> Vec<Mutant> {
    // Nine levels of nine aliases: 387 million nodes if expanded.
    let mut bomb = String::from("a: &a [\"lol\"]\n");
    for level in 1..9 {
        let previous = format!("*{}", char::from(b'a' + level - 1));
        let list = vec![previous; 9].join(", ");
        bomb.push_str(&format!(
            "{}: &{} [{list}]\n",
            char::from(b'a' + level),
            char::from(b'a' + level)
        ));
    }
    bomb.push_str("openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\n");
    let cases = [
        ("empty", String::new()),
        ("blank", "\n  \n".to_owned()),
        ("empty-object", "{}".to_owned()),
        ("a-list", "[]".to_owned()),
        ("openapi-only", "openapi: 3.0.1\n".to_owned()),
        ("alias-bomb", bomb),
    ];
    cases
        .into_iter()
        .map(|(name, text)| Mutant {
            name: format!("text@{name}"),
            text,
            document: None,
            seeds: Vec::new(),
        })
        .collect()
}

/// The JSON pointer token of `key`.
fn token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every node of the document (outside examples) that `wanted` takes, by pointer, in
/// document order; `under` restricts the walk to one subtree.
fn places(document: &Value, under: &str, wanted: &dyn Fn(&str, &Value) -> bool) -> Vec<String> {
    fn walk(
        node: &Value,
        pointer: &str,
        wanted: &dyn Fn(&str, &Value) -> bool,
        out: &mut Vec<String>,
    ) {
        if wanted(pointer, node) {
            out.push(pointer.to_owned());
        }
        match node {
            Value::Object(map) => {
                for (key, value) in map
                    .iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "example" | "examples"))
                {
                    walk(value, &format!("{pointer}/{}", token(key)), wanted, out);
                }
            }
            Value::Array(items) => {
                for (i, value) in items.iter().enumerate() {
                    walk(value, &format!("{pointer}/{i}"), wanted, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(root) = document.pointer(under) {
        walk(root, under, wanted, &mut out);
    }
    out
}

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[rng.usize(..items.len())])
}

/// The component schema a pointer under `/components/schemas/` belongs to.
fn owner(pointer: &str) -> Seed {
    let name = pointer
        .trim_start_matches("/components/schemas/")
        .split('/')
        .next()
        .unwrap_or_default();
    Seed::Schema(name.replace("~1", "/").replace("~0", "~"))
}

/// A node under the component schemas that has `key`, and the seed of its schema.
fn schema_node_with(document: &Value, rng: &mut Rng, key: &str) -> Option<(String, Seed)> {
    let found = places(document, "/components/schemas", &|_, node| {
        node.get(key).is_some()
    });
    let pointer = pick(rng, &found)?.clone();
    let seed = owner(&pointer);
    Some((pointer, seed))
}

fn dangling_ref(document: &mut Value, rng: &mut Rng, _: usize) -> Option<(String, Vec<Seed>)> {
    let (pointer, seed) = schema_node_with(document, rng, "$ref")?;
    document.pointer_mut(&pointer)?["$ref"] = json!("#/components/schemas/NoSuchSchema");
    Some((pointer, vec![seed]))
}

fn external_ref(document: &mut Value, rng: &mut Rng, _: usize) -> Option<(String, Vec<Seed>)> {
    let (pointer, seed) = schema_node_with(document, rng, "$ref")?;
    document.pointer_mut(&pointer)?["$ref"] = json!("common.yaml#/components/schemas/Shared");
    Some((pointer, vec![seed]))
}

fn unknown_type(document: &mut Value, rng: &mut Rng, _: usize) -> Option<(String, Vec<Seed>)> {
    let (pointer, seed) = schema_node_with(document, rng, "type")?;
    document.pointer_mut(&pointer)?["type"] = json!("strnig");
    Some((pointer, vec![seed]))
}

fn type_not_a_string(document: &mut Value, rng: &mut Rng, _: usize) -> Option<(String, Vec<Seed>)> {
    let (pointer, seed) = schema_node_with(document, rng, "type")?;
    document.pointer_mut(&pointer)?["type"] = json!(["string", "null"]);
    Some((pointer, vec![seed]))
}

fn self_cycle(document: &mut Value, rng: &mut Rng, variant: usize) -> Option<(String, Vec<Seed>)> {
    let names: Vec<String> = document["components"]["schemas"]
        .as_object()?
        .keys()
        .cloned()
        .collect();
    let name = pick(rng, &names)?.clone();
    let itself = json!({ "$ref": format!("#/components/schemas/{}", token(&name)) });
    document["components"]["schemas"][&name] = match variant {
        0 => itself,
        1 => json!({ "allOf": [itself] }),
        _ => json!({ "type": "object", "required": ["next"], "properties": { "next": itself } }),
    };
    Some((
        format!("/components/schemas/{}", token(&name)),
        vec![Seed::Schema(name)],
    ))
}

fn odd_enum_values(document: &mut Value, rng: &mut Rng, _: usize) -> Option<(String, Vec<Seed>)> {
    let found = places(document, "/components/schemas", &|_, node| {
        node.get("enum")
            .and_then(Value::as_array)
            .is_some_and(|v| v.iter().all(Value::is_string))
    });
    let pointer = pick(rng, &found)?.clone();
    let odd = [
        "self", "Self", "", "é", "1st", "a-b", "A_B", "<=", "Unknown", "unknown", "type", "None",
    ];
    let values = document.pointer_mut(&pointer)?["enum"].as_array_mut()?;
    values.extend(odd.map(|v| json!(v)));
    Some((pointer.clone(), vec![owner(&pointer)]))
}

fn keyword_properties(
    document: &mut Value,
    rng: &mut Rng,
    variant: usize,
) -> Option<(String, Vec<Seed>)> {
    let (pointer, seed) = schema_node_with(document, rng, "properties")?;
    let properties = document.pointer_mut(&pointer)?["properties"].as_object_mut()?;
    let names: &[&str] = match variant {
        0 => &[
            "type", "self", "crate", "super", "fn", "async", "gen", "2fa", "a-b", "",
        ],
        1 => &[
            "Self",
            "match",
            "r#loop",
            "__proto__",
            "additionalProperties",
        ],
        // Two names that make one Rust field: an error naming the second.
        _ => &["diskSizeGB", "disk_size_gb"],
    };
    for name in names {
        properties.insert((*name).to_owned(), json!({ "type": "string" }));
    }
    Some((pointer, vec![seed]))
}

/// Renames a component schema and every reference to it.
fn keyword_schema_name(
    document: &mut Value,
    rng: &mut Rng,
    variant: usize,
) -> Option<(String, Vec<Seed>)> {
    let schemas = document["components"]["schemas"].as_object()?;
    let names: Vec<String> = schemas.keys().cloned().collect();
    let old = pick(rng, &names)?.clone();
    let new = ["String", "Self", "Option"][variant % 3];
    let schema = document["components"]["schemas"]
        .as_object_mut()?
        .remove(&old)?;
    document["components"]["schemas"][new] = schema;
    let (from, to) = (
        format!("#/components/schemas/{}", token(&old)),
        format!("#/components/schemas/{new}"),
    );
    rename_refs(document, &from, &to, &old, new);
    Some((format!("{old}→{new}"), vec![Seed::Schema(new.to_owned())]))
}

fn rename_refs(node: &mut Value, from: &str, to: &str, old: &str, new: &str) {
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match (key.as_str(), value) {
                    ("$ref", Value::String(s)) if s == from => *s = to.to_owned(),
                    // A discriminator mapping may name a schema bare.
                    ("mapping", Value::Object(mapping)) => {
                        for target in mapping.values_mut() {
                            if target == old {
                                *target = json!(new);
                            } else if target == from {
                                *target = json!(to);
                            }
                        }
                    }
                    (_, value) => rename_refs(value, from, to, old, new),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| rename_refs(v, from, to, old, new)),
        _ => {}
    }
}

/// Every operation: (path, method).
fn operations(document: &Value) -> Vec<(String, String)> {
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut out = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in methods.iter().filter(|m| item.get(**m).is_some()) {
            out.push((path.clone(), (*method).to_owned()));
        }
    }
    out
}

fn operation_id(
    document: &mut Value,
    rng: &mut Rng,
    variant: usize,
) -> Option<(String, Vec<Seed>)> {
    let all = operations(document);
    let (path, method) = pick(rng, &all)?.clone();
    let (other_path, other_method) = pick(rng, &all)?.clone();
    let other_id = document["paths"][&other_path][&other_method]["operationId"].clone();
    let operation = document["paths"][&path][&method].as_object_mut()?;
    match variant {
        0 => {
            operation.remove("operationId");
        }
        // The same id as another operation (or itself, when the pick repeats: then the
        // override still names it oddly).
        1 => {
            operation.insert("operationId".into(), other_id);
            operation.insert("x-xgen-operation-id-override".into(), json!("123 odd/name"));
        }
        _ => {
            operation.insert("operationId".into(), json!("type"));
            operation.remove("x-xgen-operation-id-override");
        }
    }
    let place = format!("{method} {path}");
    Some((place, vec![Seed::Operation { path, method }]))
}

fn path_template(
    document: &mut Value,
    rng: &mut Rng,
    variant: usize,
) -> Option<(String, Vec<Seed>)> {
    let with_parameters: Vec<String> = document["paths"]
        .as_object()?
        .keys()
        .filter(|p| p.ends_with('}'))
        .cloned()
        .collect();
    let path = pick(rng, &with_parameters)?.clone();
    let new = match variant {
        0 => format!("{path}{{second}}"),
        1 => format!("{path}/{{undeclared}}"),
        _ => format!("{path}/x}}"),
    };
    let paths = document["paths"].as_object_mut()?;
    let item = paths.remove(&path)?;
    let seeds = ["get", "put", "post", "delete", "patch"]
        .into_iter()
        .filter(|m| item.get(*m).is_some())
        .map(|m| Seed::Operation {
            path: new.clone(),
            method: m.to_owned(),
        })
        .collect();
    paths.insert(new.clone(), item);
    Some((new, seeds))
}

fn discriminator(
    document: &mut Value,
    rng: &mut Rng,
    variant: usize,
) -> Option<(String, Vec<Seed>)> {
    let (pointer, seed) = schema_node_with(document, rng, "discriminator")?;
    let Seed::Schema(name) = &seed else {
        return None;
    };
    let itself = format!("#/components/schemas/{}", token(name));
    let node = document.pointer_mut(&pointer)?;
    let discriminator = node["discriminator"].as_object_mut()?;
    match variant {
        0 => {
            let mapping = discriminator.entry("mapping").or_insert_with(|| json!({}));
            mapping["MISSING"] = json!("#/components/schemas/NoSuchSubtype");
        }
        1 => {
            discriminator.insert("propertyName".into(), json!("noSuchProperty"));
        }
        _ => {
            let mapping = discriminator.entry("mapping").or_insert_with(|| json!({}));
            mapping["ITSELF"] = json!(itself);
        }
    }
    Some((pointer, vec![seed]))
}

fn deep_nesting(
    document: &mut Value,
    rng: &mut Rng,
    variant: usize,
) -> Option<(String, Vec<Seed>)> {
    let (pointer, seed) = schema_node_with(document, rng, "properties")?;
    let properties = document.pointer_mut(&pointer)?["properties"].as_object_mut()?;
    let (depth, wrap): (usize, fn(Value) -> Value) = match variant {
        0 => (24, |inner| json!({ "type": "array", "items": inner })),
        1 => (
            16,
            |inner| json!({ "type": "object", "properties": { "inner": inner } }),
        ),
        // Deeper than any parser should follow: a located error, not a stack overflow.
        _ => (400, |inner| json!({ "type": "array", "items": inner })),
    };
    let nested = (0..depth).fold(json!({ "type": "string" }), |inner, _| wrap(inner));
    properties.insert("deep".into(), nested);
    Some((pointer, vec![seed]))
}

// ---------------------------------------------------------------------------------------
// Judging them
// ---------------------------------------------------------------------------------------

enum Outcome {
    Generated,
    Error(CodegenError),
    Panicked(String),
    Hung,
}

impl Outcome {
    fn describe(&self) -> String {
        match self {
            Outcome::Generated => "generated".to_owned(),
            Outcome::Error(e) => format!("error: {e}"),
            Outcome::Panicked(m) => format!("panicked: {m}"),
            Outcome::Hung => "hung".to_owned(),
        }
    }
}

/// Parses and generates `text` on a thread of its own, within [`GENERATE_TIMEOUT`].
fn generate_bounded(text: &str) -> Outcome {
    let text = text.to_owned();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| {
            let spec = atlas_codegen::parse_spec(&text)?;
            atlas_codegen::generate(&spec, None).map(|_| ())
        });
        let _ = send.send(result);
    });
    match receive.recv_timeout(GENERATE_TIMEOUT) {
        Ok(Ok(Ok(()))) => Outcome::Generated,
        Ok(Ok(Err(error))) => Outcome::Error(error),
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Outcome::Panicked(message)
        }
        Err(_) => Outcome::Hung,
    }
}

/// Why `error` does not name a place of the mutant, if it does not.
fn located(error: &CodegenError, mutant: &Mutant) -> Result<(), String> {
    if error.message.trim().is_empty() {
        return Err("an error without a message".into());
    }
    match (&error.location, &mutant.document) {
        (Location::Text { line, column }, _) => {
            let lines = mutant.text.lines().count().max(1);
            if *line == 0 || *line > lines + 1 || *column == 0 {
                return Err(format!("line {line}, column {column} is not in the text"));
            }
            Ok(())
        }
        (Location::Pointer(pointer) | Location::Operation { pointer, .. }, Some(document)) => {
            match document.pointer(pointer.trim_start_matches('#')) {
                Some(_) => Ok(()),
                None => Err(format!("`{pointer}` is not in the mutant")),
            }
        }
        // Only what is no document at all may be located at the whole document.
        (Location::Document, None) => Ok(()),
        (location, _) => Err(format!("the location {location:?} names no place")),
    }
}

/// The mutant cut down to its seeds and what they reference, generated: the files of a
/// scratch crate.
/// The generated files under `src/` and the cargo features of the mutant's part.
fn cut_down(
    mutant: &Mutant,
) -> Result<(std::collections::BTreeMap<String, String>, String), String> {
    let document = mutant.document.as_ref().ok_or("a text mutant generated")?;
    let part = prune(document, &mutant.seeds);
    let text = serde_json::to_string(&part).map_err(|e| e.to_string())?;
    let spec =
        atlas_codegen::parse_spec(&text).map_err(|e| format!("its part does not parse: {e}"))?;
    let generated = atlas_codegen::generate(&spec, None)
        .map_err(|e| format!("the whole generated, its part does not: {e}"))?;
    let files = generated
        .files
        .into_iter()
        .filter(|(path, _)| path.starts_with("src/"))
        .collect();
    Ok((files, generated.cargo_features))
}

/// The document with only the seed operations, the seed schemas, and every component they
/// reference (transitively).
fn prune(document: &Value, seeds: &[Seed]) -> Value {
    let mut paths = Map::new();
    let mut pending: Vec<Value> = Vec::new();
    let mut schemas = BTreeSet::new();
    for seed in seeds {
        match seed {
            Seed::Schema(name) => {
                schemas.insert(format!("schemas/{}", token(name)));
            }
            Seed::Operation { path, method } => {
                let item = &document["paths"][path];
                let kept = paths.entry(path.clone()).or_insert_with(|| json!({}));
                kept[method] = item[method].clone();
                if let Some(parameters) = item.get("parameters") {
                    kept["parameters"] = parameters.clone();
                }
                pending.push(kept.clone());
            }
        }
    }
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut queue: Vec<String> = schemas.into_iter().collect();
    for node in &pending {
        references(node, &mut queue);
    }
    while let Some(component) = queue.pop() {
        if !reached.insert(component.clone()) {
            continue;
        }
        if let Some(node) = document["components"].pointer(&format!("/{component}")) {
            references(node, &mut queue);
        }
    }
    let mut components = Map::new();
    for component in &reached {
        let (kind, name) = component.split_once('/').unwrap_or_default();
        let name = name.replace("~1", "/").replace("~0", "~");
        if let Some(node) = document["components"].get(kind).and_then(|t| t.get(&name)) {
            let table = components.entry(kind).or_insert_with(|| json!({}));
            table[&name] = node.clone();
        }
    }
    if let Some(security) = document["components"].get("securitySchemes") {
        components.insert("securitySchemes".into(), security.clone());
    }
    let mut part = document.clone();
    part["paths"] = Value::Object(paths);
    part["components"] = Value::Object(components);
    part
}

/// Adds `kind/name` for every component `node` references (`$ref`s, and discriminator
/// mappings, which may name a schema bare).
fn references(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(r)) => {
                        out.extend(r.strip_prefix("#/components/").map(str::to_owned))
                    }
                    ("mapping", Value::Object(mapping)) => {
                        for target in mapping.values().filter_map(Value::as_str) {
                            match target.strip_prefix("#/components/") {
                                Some(component) => out.push(component.to_owned()),
                                None => out.push(format!("schemas/{}", token(target))),
                            }
                        }
                    }
                    _ => references(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}
