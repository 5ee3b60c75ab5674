//! The request samples of the pinned spec, end to end: one per (operation, version) of the
//! IR, each fitting its operation as a strict validator sees it. (Each rule of the sampler
//! is tested on small specs in `atlas-codegen/tests/samples.rs`.)

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use atlas_codegen::testgen::samples::{
    Pattern, RequestSample, check_request_sample, request_samples, validate_value,
};
use serde_json::Value;

fn samples() -> &'static [RequestSample] {
    static SAMPLES: OnceLock<Vec<RequestSample>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let g = common::pinned();
        request_samples(&g.document, &g.generated.ir).unwrap_or_else(|e| panic!("{e}"))
    })
}

#[test]
fn every_operation_and_version_has_one_sample_in_order() {
    let ir = &common::pinned().generated.ir;
    let pairs: Vec<(usize, usize)> = ir
        .operations
        .iter()
        .enumerate()
        .flat_map(|(o, op)| (0..op.versions.len()).map(move |v| (o, v)))
        .collect();
    let sampled: Vec<(usize, usize)> = samples().iter().map(|s| (s.operation, s.version)).collect();
    assert_eq!(sampled, pairs);
    for s in samples() {
        let op = &ir.operations[s.operation];
        assert_eq!(s.operation_id, op.operation_id);
        assert_eq!(s.api_version, op.versions[s.version].version);
    }
}

#[test]
fn every_sample_fits_its_operation() {
    let g = common::pinned();
    let failures: Vec<String> = samples()
        .iter()
        .filter_map(|s| check_request_sample(&g.document, &g.generated.ir, s).err())
        .map(|e| e.to_string())
        .collect();
    assert!(
        failures.is_empty(),
        "{} samples do not fit:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_sample_has_exactly_the_path_parameters_of_its_template() {
    let ir = &common::pinned().generated.ir;
    for sample in samples() {
        let op = &ir.operations[sample.operation];
        let names: BTreeSet<&str> = op
            .path
            .split('{')
            .skip(1)
            .map(|rest| rest.split_once('}').expect("a closing brace").0)
            .collect();
        let given: BTreeSet<&str> = sample.path.keys().map(String::as_str).collect();
        assert_eq!(
            given, names,
            "{} {}",
            sample.operation_id, sample.api_version
        );
        for (name, value) in &sample.path {
            assert!(
                value.is_string() || value.is_number() || value.is_boolean(),
                "{}: `{name}` is {value}",
                sample.operation_id
            );
            assert_ne!(value, "", "{}: `{name}` is empty", sample.operation_id);
        }
    }
}

#[test]
fn samples_are_deterministic() {
    let g = common::pinned();
    let again = request_samples(&g.document, &g.generated.ir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, samples());
}

/// A body is the first of the media type's examples that fits its schema, else the
/// schema's own example, else synthesized; every version with a JSON body has one.
#[test]
fn bodies_prefer_fitting_spec_examples() {
    let g = common::pinned();
    let (mut from_media_type, mut synthesized_or_schema) = (0, 0);
    let mut expected = 0;
    for sample in samples() {
        let version = &g.generated.ir.operations[sample.operation].versions[sample.version];
        let json_body = version
            .request
            .as_ref()
            .filter(|b| b.media_type.ends_with("+json"));
        expected += usize::from(json_body.is_some());
        let (Some(body), Some(sent)) = (json_body, &sample.body) else {
            assert!(
                json_body.is_none() && sample.body.is_none(),
                "{} {}",
                sample.operation_id,
                sample.api_version
            );
            continue;
        };
        let first_fitting = body
            .examples
            .iter()
            .map(|(_, e)| e)
            .find(|e| validate_value(&g.document, &body.schema, e).is_ok());
        match first_fitting {
            Some(example) => {
                assert_eq!(
                    example, sent,
                    "{} {}",
                    sample.operation_id, sample.api_version
                );
                from_media_type += 1;
            }
            None => synthesized_or_schema += 1,
        }
        validate_value(&g.document, &body.schema, sent)
            .unwrap_or_else(|e| panic!("{} {}: {e}", sample.operation_id, sample.api_version));
    }
    eprintln!(
        "bodies: {from_media_type} from media-type examples, {synthesized_or_schema} from the schema's example or synthesized"
    );
    assert_eq!(from_media_type + synthesized_or_schema, expected);
    assert!(expected > 0, "the pinned spec has request bodies");
}

/// Every `pattern` of the spec, reachable from a request or not, parses, and generation
/// finds a string it matches.
#[test]
fn every_pattern_of_the_spec_is_supported() {
    fn walk(node: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(p)) = map.get("pattern") {
                    out.push((pointer.to_owned(), p.clone()));
                }
                for (k, v) in map {
                    let token = k.replace('~', "~0").replace('/', "~1");
                    walk(v, &format!("{pointer}/{token}"), out);
                }
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(v, &format!("{pointer}/{i}"), out)),
            _ => {}
        }
    }
    let document: Value =
        serde_yaml::from_str(&common::pinned().spec.text).expect("the spec is YAML");
    let mut patterns = Vec::new();
    walk(&document, "#", &mut patterns);
    assert!(!patterns.is_empty(), "the pinned spec has patterns");
    let mut failures = Vec::new();
    for (pointer, source) in &patterns {
        match Pattern::parse(source).map(|p| (p.generate(|_| true), p)) {
            Ok((Some(text), pattern)) if pattern.is_match(&text) => {}
            Ok((Some(text), _)) => failures.push(format!(
                "{pointer}: `{source}` made {text:?}, which it does not match"
            )),
            Ok((None, _)) => failures.push(format!("{pointer}: `{source}` generates nothing")),
            Err(e) => failures.push(format!("{pointer}: `{source}`: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
