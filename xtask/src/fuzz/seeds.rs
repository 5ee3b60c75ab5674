//! The seed corpora of the fuzz targets, made at run time from the pinned spec and the
//! recorded traffic (never committed): each seed is a target's selector bytes followed by a
//! body, in the layout `atlas-generated/fuzz/src/targets.rs` documents.
//!
//! - `decode_response`: for every (operation, version) pair and each status it declares,
//!   the `example`s of the response and of its type, and a value of its type that a strict
//!   validator accepts (`testgen::samples::component_sample`); every response of
//!   `../shared/atlas-traffic/terraform.jsonl` with its status.
//! - `from_slice`: every request body example and the request sample of each pair; every
//!   recorded request body; every body above as `serde_json::Value`; the error bodies as
//!   `ApiError`; the examples and a sample of each recursive model.
//! - `error_body`: every error body of the spec and of the traffic, with its status.
//! - Hostile bodies made by hand: 10,000 levels of `linkedInvoices` and
//!   `onBehalfOf`, a list of `{}` as long as an input may be, integers no `i64` or `f64`
//!   holds exactly.
//!
//! A dictionary of the spec's property names, tags and enum values, quoted as JSON, lets
//! libFuzzer's mutations write keys the decoders know ([`Seeds::dictionary`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use atlas_codegen::ir::{Ir, ResponseBody, ResponseCase, TypeKind, TypeRef};
use atlas_codegen::testgen::samples;
use openapiv3::OpenAPI;
use serde_json::Value;

/// The statuses a status byte names, in its order: `STATUSES` of the fuzz crate.
pub const STATUSES: [u16; 11] = [200, 201, 202, 204, 400, 401, 404, 409, 429, 500, 503];

/// The status byte that says "the status follows as a `u16` LE" (any byte past
/// [`STATUSES`] does).
pub const RAW_STATUS: u8 = 0xFF;

/// The kinds of the `from_slice` target, in the order of their kind byte: the names of the
/// fuzz crate's `KINDS`.
pub const KINDS: [&str; 6] = [
    "request body",
    "serde_json::Value",
    "ApiError",
    "BillingInvoice",
    "BillingInvoiceMetadata",
    "Principal",
];

/// Index of a kind in [`KINDS`].
fn kind(name: &str) -> u8 {
    let index = KINDS.iter().position(|k| *k == name);
    u8::try_from(index.expect("a kind of KINDS")).expect("fewer than 256 kinds")
}

/// Levels of nesting of the deep hostile bodies.
pub const HOSTILE_DEPTH: usize = 10_000;

/// The seeds of each target, and the dictionary.
#[derive(Debug, Default)]
pub struct Seeds {
    /// Target name → its seeds (selector bytes and body), without duplicates.
    pub by_target: BTreeMap<&'static str, BTreeSet<Vec<u8>>>,
    /// libFuzzer dictionary entries: JSON tokens the decoders look for.
    pub dictionary: BTreeSet<String>,
    /// Bodies left out, and why (a pair the registry does not have, too long an input).
    pub skipped: Vec<String>,
    /// Longest input a target takes.
    max_input: usize,
}

/// A recorded exchange of `terraform.jsonl`, as far as the seeds need it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The spec's `operationId` of the exchange.
    pub operation_id: String,
    /// The API version it was recorded in.
    pub api_version: String,
    /// The response's status; `None` for a record of a request body only.
    pub status: Option<u16>,
    /// The JSON request body, if any.
    pub request_body: Option<Value>,
    /// `None` when the record has no response body; `Some(None)` for an empty one.
    pub response_body: Option<Option<Value>>,
}

/// Reads `terraform.jsonl` (one exchange a line); the error names the line.
pub fn read_traffic(text: &str) -> Result<Vec<Recorded>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        let text = |key: &str| {
            record[key]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("line {}: no string `{key}`", n + 1))
        };
        let response_body = match record["response_body_kind"].as_str() {
            Some("json") => Some(Some(record["response_body"].clone())),
            Some("empty") => Some(None),
            _ => None,
        };
        out.push(Recorded {
            operation_id: text("operation_id")?,
            api_version: text("api_version")?,
            status: record["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok()),
            request_body: Some(record["request_body"].clone()).filter(|b| !b.is_null()),
            response_body,
        });
    }
    Ok(out)
}

/// Every (operation, API version) pair of `ir`, sorted by `operationId` then version: the
/// order of the fuzz crate's `pairs()`, which sorts the registry the same way.
#[must_use]
pub fn pairs(ir: &Ir) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = ir
        .operations
        .iter()
        .flat_map(|op| {
            op.versions
                .iter()
                .map(|v| (op.operation_id.clone(), v.version.as_str().to_owned()))
        })
        .collect();
    pairs.sort_unstable();
    pairs
}

/// The status selector of `status`: its index in [`STATUSES`], else [`RAW_STATUS`] and the
/// status.
#[must_use]
pub fn status_selector(status: u16) -> Vec<u8> {
    match STATUSES.iter().position(|s| *s == status) {
        Some(index) => vec![u8::try_from(index).expect("11 statuses")],
        None => {
            let [lo, hi] = status.to_le_bytes();
            vec![RAW_STATUS, lo, hi]
        }
    }
}

/// A `decode_response` input.
#[must_use]
pub fn response_input(pair: u16, status: u16, body: &[u8]) -> Vec<u8> {
    let mut out = pair.to_le_bytes().to_vec();
    out.extend(status_selector(status));
    out.extend_from_slice(body);
    out
}

/// A `from_slice` input of the kind named `kind` (not the request body kind).
#[must_use]
pub fn typed_input(kind_name: &str, body: &[u8]) -> Vec<u8> {
    let mut out = vec![kind(kind_name)];
    out.extend_from_slice(body);
    out
}

/// A `from_slice` input: the request body of a pair.
#[must_use]
pub fn request_input(pair: u16, body: &[u8]) -> Vec<u8> {
    let mut out = vec![kind("request body")];
    out.extend(pair.to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// An `error_body` input.
#[must_use]
pub fn error_input(status: u16, body: &[u8]) -> Vec<u8> {
    let mut out = status_selector(status);
    out.extend_from_slice(body);
    out
}

fn json(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("a Value encodes")
}

impl Seeds {
    /// The seeds of the spec (`spec`, lowered to `ir`) and of the recorded `traffic`, with
    /// the hostile ones; no input longer than `max_input` bytes.
    pub fn make(spec: &OpenAPI, ir: &Ir, traffic: &[Recorded], max_input: usize) -> Seeds {
        let mut seeds = Seeds {
            max_input,
            ..Seeds::default()
        };
        let index: HashMap<(String, String), u16> = pairs(ir)
            .into_iter()
            .enumerate()
            .map(|(i, pair)| (pair, u16::try_from(i).expect("fewer than 65,536 pairs")))
            .collect();
        let mut values = Values::new(spec, ir);
        seeds.spec_pairs(ir, &index, &mut values);
        for name in KINDS.iter().skip(3) {
            if let Some(&id) = ir.components.get(*name) {
                for body in values.of(&TypeRef::Named(id)) {
                    seeds.add("from_slice", typed_input(name, &json(&body)));
                }
            }
        }
        for example in &ir.component_response_examples {
            seeds.error(500, &json(&example.value));
        }
        seeds.traffic(traffic, &index);
        seeds.hostile(ir, &index);
        seeds.dictionary = dictionary(ir);
        seeds
    }

    fn add(&mut self, target: &'static str, input: Vec<u8>) {
        if input.len() > self.max_input {
            self.skipped.push(format!(
                "a {target} input of {} bytes, longer than {}",
                input.len(),
                self.max_input
            ));
            return;
        }
        self.by_target.entry(target).or_default().insert(input);
    }

    /// An error body: for `error_body`, and as `ApiError` and `Value` for `from_slice`.
    fn error(&mut self, status: u16, body: &[u8]) {
        self.add("error_body", error_input(status, body));
        self.add("from_slice", typed_input("ApiError", body));
        self.add("from_slice", typed_input("serde_json::Value", body));
    }

    fn spec_pairs(&mut self, ir: &Ir, index: &HashMap<(String, String), u16>, values: &mut Values) {
        for op in &ir.operations {
            for version in &op.versions {
                let key = (op.operation_id.clone(), version.version.as_str().to_owned());
                let pair = index[&key];
                for case in version.responses.iter().chain(&op.shared_responses) {
                    let status = case.status.unwrap_or(500);
                    let bodies = values.response(case);
                    if (200..300).contains(&status) {
                        for body in &bodies {
                            self.add("decode_response", response_input(pair, status, body));
                        }
                    } else if let Some(body) = bodies.first() {
                        // Errors share one type: one body per (pair, status) reaches each
                        // pair's decoder; every body goes to `error_body`.
                        self.add("decode_response", response_input(pair, status, body));
                        for body in &bodies {
                            self.error(status, body);
                        }
                    }
                }
                if let Some(request) = &version.request {
                    let mut bodies: Vec<Value> =
                        request.examples.iter().map(|(_, v)| v.clone()).collect();
                    bodies.extend(values.examples(&request.ty));
                    bodies.extend(values.request_sample(&key));
                    for body in bodies {
                        self.add("from_slice", request_input(pair, &json(&body)));
                    }
                }
            }
        }
    }

    fn traffic(&mut self, traffic: &[Recorded], index: &HashMap<(String, String), u16>) {
        for record in traffic {
            let key = (record.operation_id.clone(), record.api_version.clone());
            let Some(&pair) = index.get(&key) else {
                self.skipped.push(format!(
                    "recorded {} {}: no such pair",
                    record.operation_id, record.api_version
                ));
                continue;
            };
            if let Some(body) = &record.request_body {
                self.add("from_slice", request_input(pair, &json(body)));
                self.add("from_slice", typed_input("serde_json::Value", &json(body)));
            }
            if let (Some(status), Some(body)) = (record.status, &record.response_body) {
                let body = body.as_ref().map(json).unwrap_or_default();
                self.add("decode_response", response_input(pair, status, &body));
                if status >= 400 {
                    self.error(status, &body);
                } else {
                    self.add("from_slice", typed_input("serde_json::Value", &body));
                }
            }
        }
    }

    /// Bodies made by hand to break decoders: deep nesting, long lists, inexact numbers.
    fn hostile(&mut self, ir: &Ir, index: &HashMap<(String, String), u16>) {
        let deep_invoice = nested("{\"linkedInvoices\":[", "{}", "]}", HOSTILE_DEPTH);
        let deep_principal = nested("{\"onBehalfOf\":", "{}", "}", HOSTILE_DEPTH);
        let deep_array = nested("[", "", "]", HOSTILE_DEPTH);
        // Room for the selector bytes and the list's own braces.
        let room = self.max_input - 64;
        let many_invoices = list_of_empty("{\"linkedInvoices\":[", "]}", room);
        let many_results = list_of_empty("{\"results\":[", "]}", room);
        let many_values = list_of_empty("[", "]", room);
        let numbers: Vec<Vec<u8>> = [
            "-9223372036854775809",
            "9223372036854775808",
            "18446744073709551616",
            "9007199254740993",
            "9007199254740993.0",
            "-9007199254740993.0",
            "1e400",
            "-0.0",
            "1.5",
        ]
        .iter()
        .flat_map(|n| {
            [
                format!(
                    "{{\"amountBilledCents\":{n},\"linkedInvoices\":[{{\"creditsCents\":{n}}}]}}"
                ),
                format!("{{\"error\":{n},\"errorCode\":\"X\",\"detail\":\"{n}\"}}"),
                format!("{{\"totalCount\":{n},\"results\":[]}}"),
            ]
        })
        .map(String::into_bytes)
        .collect();

        for name in ["BillingInvoice", "BillingInvoiceMetadata"] {
            self.add("from_slice", typed_input(name, &deep_invoice));
            self.add("from_slice", typed_input(name, &many_invoices));
        }
        self.add("from_slice", typed_input("Principal", &deep_principal));
        self.add("from_slice", typed_input("serde_json::Value", &deep_array));
        self.add("from_slice", typed_input("serde_json::Value", &many_values));
        self.add("error_body", error_input(400, &deep_array));
        for number in &numbers {
            for name in ["BillingInvoice", "ApiError", "serde_json::Value"] {
                self.add("from_slice", typed_input(name, number));
            }
            self.add("error_body", error_input(400, number));
        }
        // The responses whose success is a recursive model, and a list.
        for (pair, status, ty) in successes(ir, index) {
            let named = |name: &str| ir.components.get(name) == Some(&ty);
            if named("BillingInvoice") || named("BillingInvoiceMetadata") {
                for body in [&deep_invoice, &many_invoices] {
                    self.add("decode_response", response_input(pair, status, body));
                }
                for body in &numbers {
                    self.add("decode_response", response_input(pair, status, body));
                }
            }
        }
        if let Some((pair, status)) = first_list(ir, index) {
            self.add(
                "decode_response",
                response_input(pair, status, &many_results),
            );
            for body in &numbers {
                self.add("decode_response", response_input(pair, status, body));
            }
        }
    }
}

/// `open` × `depth`, `middle`, `close` × `depth`.
fn nested(open: &str, middle: &str, close: &str, depth: usize) -> Vec<u8> {
    let mut out = open.repeat(depth);
    out.push_str(middle);
    out.push_str(&close.repeat(depth));
    out.into_bytes()
}

/// `open`, then `{},{},…{}`, then `close`, at most `len` bytes in all.
fn list_of_empty(open: &str, close: &str, len: usize) -> Vec<u8> {
    let more = len.saturating_sub(open.len() + close.len() + 2) / 3;
    let mut out = String::with_capacity(len);
    out.push_str(open);
    out.push_str("{}");
    out.push_str(&",{}".repeat(more));
    out.push_str(close);
    out.into_bytes()
}

/// Every pair's JSON successes whose type is a model: (pair, status, type).
fn successes(
    ir: &Ir,
    index: &HashMap<(String, String), u16>,
) -> Vec<(u16, u16, atlas_codegen::ir::TypeId)> {
    let mut out = Vec::new();
    for op in &ir.operations {
        for version in &op.versions {
            let pair = index[&(op.operation_id.clone(), version.version.as_str().to_owned())];
            for case in &version.responses {
                let status = case.status.unwrap_or(200);
                if let (true, ResponseBody::Json(TypeRef::Named(id))) =
                    ((200..300).contains(&status), &case.body)
                {
                    out.push((pair, status, *id));
                }
            }
        }
    }
    out
}

/// The first pair (in pair order) whose success is a page: a model with a `results` array.
fn first_list(ir: &Ir, index: &HashMap<(String, String), u16>) -> Option<(u16, u16)> {
    let mut lists: Vec<(u16, u16)> = successes(ir, index)
        .into_iter()
        .filter(|(_, _, id)| match &ir.types[*id].kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .any(|f| f.wire_name == "results" && matches!(f.ty, TypeRef::Array(_))),
            _ => false,
        })
        .map(|(pair, status, _)| (pair, status))
        .collect();
    lists.sort_unstable();
    lists.first().copied()
}

/// Values of the types of the spec: their examples and a sample, computed once per type.
struct Values<'a> {
    spec: &'a OpenAPI,
    ir: &'a Ir,
    /// Type → its component schema's name.
    component: HashMap<atlas_codegen::ir::TypeId, &'a str>,
    samples: HashMap<atlas_codegen::ir::TypeId, Option<Value>>,
    /// (operationId, version) → the body of its request sample.
    requests: Option<HashMap<(String, String), Value>>,
}

impl<'a> Values<'a> {
    fn new(spec: &'a OpenAPI, ir: &'a Ir) -> Self {
        Values {
            spec,
            ir,
            component: ir
                .components
                .iter()
                .map(|(name, id)| (*id, name.as_str()))
                .collect(),
            samples: HashMap::new(),
            requests: None,
        }
    }

    /// The bodies of a response case: its examples, its type's, and a sample.
    fn response(&mut self, case: &ResponseCase) -> Vec<Vec<u8>> {
        match &case.body {
            ResponseBody::None => vec![Vec::new()],
            ResponseBody::Bytes => {
                let mut bodies: Vec<Vec<u8>> = case
                    .examples
                    .iter()
                    .filter_map(|(_, v)| v.as_str().map(|s| s.as_bytes().to_vec()))
                    .collect();
                if bodies.is_empty() {
                    // A gzip header: the payloads without an example are compressed logs.
                    bodies.push(vec![0x1f, 0x8b, 0x08, 0x00]);
                }
                bodies
            }
            ResponseBody::Json(ty) => {
                let mut bodies: Vec<Value> = case.examples.iter().map(|(_, v)| v.clone()).collect();
                bodies.extend(self.of(ty));
                if bodies.is_empty() {
                    bodies.push(plain(ty));
                }
                bodies.iter().map(json).collect()
            }
        }
    }

    /// The examples of `ty` and a sample of it.
    fn of(&mut self, ty: &TypeRef) -> Vec<Value> {
        let mut out = self.examples(ty);
        out.extend(self.sample(ty));
        out
    }

    /// The `example`s of `ty` (of its items, in a one-item array, for an array).
    fn examples(&self, ty: &TypeRef) -> Vec<Value> {
        match ty {
            TypeRef::Named(id) => self.ir.types[*id].examples.clone(),
            TypeRef::Array(items) => self
                .examples(items)
                .into_iter()
                .map(|v| Value::Array(vec![v]))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A value of `ty` a strict validator accepts in a response, for a component schema
    /// (in a one-item array for an array of one).
    fn sample(&mut self, ty: &TypeRef) -> Option<Value> {
        match ty {
            TypeRef::Named(id) => {
                let name = *self.component.get(id)?;
                let spec = self.spec;
                self.samples
                    .entry(*id)
                    .or_insert_with(|| samples::component_sample(spec, name).ok())
                    .clone()
            }
            TypeRef::Array(items) => self.sample(items).map(|v| Value::Array(vec![v])),
            _ => None,
        }
    }

    /// The body of the request sample of (operationId, version): a request a strict
    /// validator accepts.
    fn request_sample(&mut self, key: &(String, String)) -> Option<Value> {
        let (spec, ir) = (self.spec, self.ir);
        let requests = self.requests.get_or_insert_with(|| {
            samples::request_samples(spec, ir)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| {
                    let body = s.body?;
                    Some(((s.operation_id, s.api_version.as_str().to_owned()), body))
                })
                .collect()
        });
        requests.get(key).cloned()
    }
}

/// A plain value of `ty`, for a type without an example or a component to sample: the
/// value of a scalar, an empty object or list otherwise.
fn plain(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::String => Value::from("x"),
        TypeRef::Bool => Value::from(true),
        TypeRef::I32 | TypeRef::I64 => Value::from(1),
        TypeRef::F32 | TypeRef::F64 => Value::from(0.5),
        TypeRef::DateTime => Value::from("2024-01-01T00:00:00Z"),
        TypeRef::Date => Value::from("2024-01-01"),
        TypeRef::Array(_) => Value::Array(Vec::new()),
        TypeRef::Named(_) | TypeRef::Map(_) | TypeRef::Any => Value::Object(Default::default()),
    }
}

/// The JSON tokens the decoders compare with: every property name, tag and enum value,
/// quoted, and a few literals.
fn dictionary(ir: &Ir) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for def in &ir.types {
        match &def.kind {
            TypeKind::Struct(s) => words.extend(s.fields.iter().map(|f| f.wire_name.clone())),
            TypeKind::Enum(e) => words.extend(e.values.iter().map(|v| v.wire.clone())),
            TypeKind::TagValues(values) => words.extend(values.iter().map(|v| v.wire.clone())),
            TypeKind::Tagged(t) => {
                words.insert(t.property.clone());
                words.extend(t.variants.iter().flat_map(|v| v.tags.iter().cloned()));
            }
            TypeKind::Untagged(_) | TypeKind::Alias(_) => {}
        }
    }
    let mut out: BTreeSet<String> = words
        .iter()
        .map(|w| serde_json::to_string(w).expect("a string encodes"))
        .collect();
    out.extend(
        [
            "null", "true", "false", "{}", "[]", "-0", "1e400", "\\u0000",
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    // libFuzzer refuses a dictionary with an entry over 64 bytes.
    out.retain(|w| w.len() <= 64);
    out
}

/// The dictionary as libFuzzer reads it: one `"…"` entry a line, `\`, `"` and bytes
/// outside printable ASCII escaped.
#[must_use]
pub fn dictionary_file(entries: &BTreeSet<String>) -> String {
    let mut out = String::new();
    for entry in entries {
        out.push('"');
        for byte in entry.bytes() {
            match byte {
                b'\\' => out.push_str("\\\\"),
                b'"' => out.push_str("\\\""),
                0x20..=0x7e => out.push(char::from(byte)),
                _ => out.push_str(&format!("\\x{byte:02X}")),
            }
        }
        out.push_str("\"\n");
    }
    out
}

/// The self-recursive models of `ir` (each reaches itself through its fields or
/// branches), by name: the fuzz crate's `KINDS` must name each.
#[must_use]
pub fn recursive_models(ir: &Ir) -> BTreeSet<String> {
    fn refs(ty: &TypeRef, out: &mut Vec<usize>) {
        match ty {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) => refs(inner, out),
            _ => {}
        }
    }
    let edges: Vec<Vec<usize>> = ir
        .types
        .iter()
        .map(|def| {
            let mut out = Vec::new();
            match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().for_each(|f| refs(&f.ty, &mut out)),
                TypeKind::Tagged(t) => out.extend(t.variants.iter().map(|v| v.ty)),
                TypeKind::Untagged(branches) => branches.iter().for_each(|b| refs(&b.ty, &mut out)),
                TypeKind::Alias(ty) => refs(ty, &mut out),
                TypeKind::Enum(_) | TypeKind::TagValues(_) => {}
            }
            out
        })
        .collect();
    (0..ir.types.len())
        .filter(|&start| reaches(&edges, start))
        .map(|id| ir.types[id].name.clone())
        .collect()
}

/// Whether `start` reaches itself in `edges`.
fn reaches(edges: &[Vec<usize>], start: usize) -> bool {
    let mut seen = vec![false; edges.len()];
    let mut stack: Vec<usize> = edges[start].clone();
    while let Some(next) = stack.pop() {
        if next == start {
            return true;
        }
        if !std::mem::replace(&mut seen[next], true) {
            stack.extend(&edges[next]);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_follow_the_documented_layout() {
        assert_eq!(status_selector(200), [0]);
        assert_eq!(status_selector(503), [10]);
        assert_eq!(status_selector(403), [0xFF, 0x93, 0x01]);
        assert_eq!(response_input(0x0102, 404, b"{}"), [2, 1, 6, b'{', b'}']);
        assert_eq!(request_input(7, b"[]"), [0, 7, 0, b'[', b']']);
        assert_eq!(typed_input("Principal", b"{}"), [5, b'{', b'}']);
        assert_eq!(error_input(418, b""), [0xFF, 0xA2, 0x01]);
    }

    #[test]
    fn hostile_bodies_have_their_shape_and_length() {
        assert_eq!(nested("[", "", "]", 3), b"[[[]]]");
        let list = list_of_empty("{\"results\":[", "]}", 1000);
        assert!(list.len() <= 1000 && list.len() > 990, "{}", list.len());
        let value: Value = serde_json::from_slice(&list).unwrap();
        assert!(
            value["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|v| v == &serde_json::json!({}))
        );
    }

    #[test]
    fn the_dictionary_escapes_what_libfuzzer_needs() {
        let entries: BTreeSet<String> = ["\"a\\\"b\"".to_owned(), "\"é\"".to_owned()].into();
        assert_eq!(
            dictionary_file(&entries),
            "\"\\\"a\\\\\\\"b\\\"\"\n\"\\\"\\xC3\\xA9\\\"\"\n"
        );
    }

    #[test]
    fn traffic_lines_are_read() {
        let text = r#"{"operation_id":"a","api_version":"2023-01-01","status":200,"request_body":null,"response_body":{"x":1},"response_body_kind":"json"}
{"operation_id":"b","api_version":"2024-08-05","status":null,"request_body":{"y":2},"response_body":null,"response_body_kind":"none"}"#;
        let records = read_traffic(text).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].status, Some(200));
        assert_eq!(
            records[0].response_body,
            Some(Some(serde_json::json!({"x": 1})))
        );
        assert_eq!(records[1].response_body, None);
        assert_eq!(records[1].request_body, Some(serde_json::json!({"y": 2})));
        assert!(read_traffic("{").unwrap_err().starts_with("line 1:"));
    }
}
