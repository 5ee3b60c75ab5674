//! Request samples: the real spec end to end, and each rule on small inline specs.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use atlas_codegen::Location;
use atlas_codegen::testgen::samples::{
    Pattern, RequestSample, check_request_sample, request_samples, validate_value,
};
use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::{Value, json};

const SPEC_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/atlas-openapi/atlas-api.yaml"
);

fn real_spec() -> &'static OpenAPI {
    static SPEC: OnceLock<OpenAPI> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(SPEC_PATH).unwrap_or_else(|e| {
            panic!(
                "the Atlas spec must be at {SPEC_PATH} for this test (it is never committed): {e}"
            )
        });
        atlas_codegen::parse_spec(&text).expect("the Atlas spec parses")
    })
}

fn real_samples() -> &'static [RequestSample] {
    static SAMPLES: OnceLock<Vec<RequestSample>> = OnceLock::new();
    SAMPLES.get_or_init(|| request_samples(real_spec()).unwrap_or_else(|e| panic!("{e}")))
}

// ---------------------------------------------------------------------------------------
// The real spec
// ---------------------------------------------------------------------------------------

#[test]
fn every_operation_and_version_of_the_real_spec_has_a_sample() {
    let samples = real_samples();
    assert_eq!(samples.len(), 598);
    let ids: BTreeSet<&str> = samples.iter().map(|s| s.operation_id.as_str()).collect();
    assert_eq!(ids.len(), 540);
    // One run of samples per operation, its versions oldest first and `preview` last.
    for run in samples.chunk_by(|a, b| a.pointer == b.pointer) {
        let versions: Vec<&str> = run.iter().map(|s| s.version.as_str()).collect();
        let mut sorted = versions.clone();
        sorted.sort_by_key(|v| (*v == "preview", *v));
        sorted.dedup();
        assert_eq!(versions, sorted, "{}", run[0].operation_id);
    }
    let runs = samples.chunk_by(|a, b| a.pointer == b.pointer).count();
    assert_eq!(runs, 540, "an operation's samples are contiguous");
}

#[test]
fn every_real_sample_fits_its_operation() {
    let spec = real_spec();
    let failures: Vec<String> = real_samples()
        .iter()
        .filter_map(|s| check_request_sample(spec, s).err())
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
fn every_real_sample_has_exactly_its_path_parameters() {
    for sample in real_samples() {
        // `#/paths/~1api~1atlas~1v2~1groups~1{groupId}/get` → `/api/atlas/v2/groups/{groupId}`
        let (escaped, _method) = sample
            .pointer
            .trim_start_matches("#/paths/")
            .rsplit_once('/')
            .expect("a method");
        let template = escaped.replace("~1", "/").replace("~0", "~");
        let names: BTreeSet<&str> = template
            .split('{')
            .skip(1)
            .map(|rest| rest.split_once('}').expect("a closing brace").0)
            .collect();
        let given: BTreeSet<&str> = sample.path.keys().map(String::as_str).collect();
        assert_eq!(given, names, "{} {}", sample.operation_id, sample.version);
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
fn real_samples_are_deterministic() {
    let again = request_samples(real_spec()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, real_samples());
}

#[test]
fn real_bodies_prefer_fitting_spec_examples() {
    let spec = real_spec();
    let (mut from_media_type, mut from_schema, mut synthesized) = (0, 0, 0);
    for sample in real_samples() {
        let Some(body) = &sample.body else { continue };
        let content = json_content(spec, sample);
        let media_examples: Vec<&Value> = content
            .example
            .iter()
            .chain(content.examples.values().filter_map(|e| match e {
                ReferenceOr::Item(e) => e.value.as_ref(),
                ReferenceOr::Reference { .. } => None,
            }))
            .collect();
        let schema_example = match content.schema.as_ref().expect("a schema") {
            ReferenceOr::Item(s) => s.schema_data.example.as_ref(),
            ReferenceOr::Reference { reference } => {
                match &spec.components.as_ref().expect("components").schemas
                    [reference.trim_start_matches("#/components/schemas/")]
                {
                    ReferenceOr::Item(s) => s.schema_data.example.as_ref(),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        };
        if media_examples.contains(&body) {
            from_media_type += 1;
        } else if schema_example == Some(body) {
            from_schema += 1;
        } else {
            synthesized += 1;
        }
        // A media-type example that fits is always the one used.
        if let Some(first_fitting) = media_examples
            .iter()
            .find(|e| validate_value(spec, content.schema.as_ref().expect("a schema"), e).is_ok())
        {
            assert_eq!(
                *first_fitting, body,
                "{} {}",
                sample.operation_id, sample.version
            );
        }
    }
    eprintln!(
        "bodies: {from_media_type} from media-type examples, {from_schema} from schema examples, {synthesized} synthesized"
    );
    assert_eq!(from_media_type + from_schema + synthesized, 201);
}

fn json_content<'s>(spec: &'s OpenAPI, sample: &RequestSample) -> &'s openapiv3::MediaType {
    let (escaped, method) = sample
        .pointer
        .trim_start_matches("#/paths/")
        .rsplit_once('/')
        .expect("a method");
    let path = escaped.replace("~1", "/").replace("~0", "~");
    let ReferenceOr::Item(item) = &spec.paths.paths[&path] else {
        panic!("a path item")
    };
    let op = match method {
        "get" => &item.get,
        "put" => &item.put,
        "post" => &item.post,
        "delete" => &item.delete,
        "patch" => &item.patch,
        other => panic!("method {other}"),
    };
    let Some(ReferenceOr::Item(body)) = &op.as_ref().expect("an operation").request_body else {
        panic!("an inline body")
    };
    &body.content[&format!("application/vnd.atlas.{}+json", sample.version)]
}

/// Every `pattern` of the spec, reachable from a request or not, parses, and generation finds
/// a string it matches.
#[test]
fn every_pattern_of_the_real_spec_is_supported() {
    fn walk(node: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(p)) = map.get("pattern") {
                    out.push((pointer.to_owned(), p.clone()));
                }
                for (k, v) in map {
                    walk(
                        v,
                        &format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(v, &format!("{pointer}/{i}"), out)),
            _ => {}
        }
    }
    let mut patterns = Vec::new();
    walk(
        &serde_json::to_value(real_spec()).expect("the spec serializes"),
        "#",
        &mut patterns,
    );
    assert!(
        patterns.len() > 1100,
        "found only {} patterns",
        patterns.len()
    );
    let distinct: BTreeSet<&str> = patterns.iter().map(|(_, p)| p.as_str()).collect();
    for (pointer, source) in &patterns {
        let pattern =
            Pattern::parse(source).unwrap_or_else(|e| panic!("{pointer}: `{source}`: {e}"));
        let generated = pattern
            .generate(|_| true)
            .unwrap_or_else(|| panic!("{pointer}: nothing generated for `{source}`"));
        assert!(pattern.is_match(&generated));
    }
    eprintln!(
        "{} patterns ({} distinct) parse and generate",
        patterns.len(),
        distinct.len()
    );
}

// ---------------------------------------------------------------------------------------
// Regular expressions
// ---------------------------------------------------------------------------------------

fn generated(source: &str) -> String {
    let pattern = Pattern::parse(source).unwrap_or_else(|e| panic!("`{source}`: {e}"));
    let s = pattern
        .generate(|_| true)
        .unwrap_or_else(|| panic!("nothing generated for `{source}`"));
    assert!(
        pattern.is_match(&s),
        "`{source}` does not match its own {s:?}"
    );
    s
}

fn matches(source: &str, text: &str) -> bool {
    Pattern::parse(source)
        .unwrap_or_else(|e| panic!("`{source}`: {e}"))
        .is_match(text)
}

#[test]
fn regex_anchors_and_search_semantics() {
    assert_eq!(generated("^abc$"), "abc");
    assert!(
        matches("b", "abc"),
        "an unanchored pattern matches anywhere"
    );
    assert!(!matches("^b", "abc"));
    assert!(!matches("b$", "abc"));
    assert!(matches("^arn:aws:kafka", "arn:aws:kafka:rest"));
}

#[test]
fn regex_classes() {
    assert_eq!(generated("^[a-f0-9]{24}$"), "a".repeat(24));
    assert_eq!(generated("^[^,]+$"), "a");
    assert_eq!(generated(r"^[-\w._()]+$"), "-");
    assert_eq!(generated("^[:]{2}$"), "::");
    assert!(
        matches("^[a-z-0-9]+$", "a-9"),
        "a `-` after a range is literal"
    );
    assert!(!matches("^[^,]+$", "a,b"));
    assert!(matches(r"^[\p{L}\p{N}\-_.,' ]*$", "Zoë 42"));
    assert!(!matches(r"^[\p{L}\p{N}]*$", "a!"));
}

#[test]
fn regex_groups_and_alternation() {
    assert_eq!(generated("^(ab|cd)$"), "ab");
    assert_eq!(generated("^(?:x|y)z$"), "xz");
    assert_eq!(generated("^(?<name>n)=(?<v>[0-9])$"), "n=0");
    assert_eq!(generated("^(a|)b$"), "ab");
    assert!(
        matches("^(a|)b$", "b"),
        "an empty alternative matches nothing"
    );
    assert!(
        matches("^com|pls$", "company"),
        "alternation binds looser than anchors"
    );
}

#[test]
fn regex_quantifiers() {
    assert_eq!(generated("^a{3}$"), "aaa");
    assert_eq!(generated("^a{2,4}$"), "aa");
    assert_eq!(generated("^a{2,}$"), "aa");
    assert_eq!(generated("^ab+$"), "ab");
    assert_eq!(generated("^ab*$"), "a");
    assert_eq!(generated("^ab?c$"), "ac");
    assert_eq!(generated("^a+?$"), "a");
    assert!(matches("^a{2,4}$", "aaaa") && !matches("^a{2,4}$", "aaaaa"));
    assert!(matches("^(a*)*$", "aaa"), "nested stars terminate");
}

#[test]
fn regex_escapes() {
    assert_eq!(generated(r"^\d\w\s$"), "0a ");
    assert_eq!(generated(r"^\.\/\-\:\{\}$"), "./-:{}");
    assert_eq!(generated(r"^\\$"), "\\");
    assert!(matches(r"^\D\W\S$", "a!b"));
    assert!(!matches(r"^\d$", "a"));
}

#[test]
fn regex_lookahead_guides_generation() {
    // Each octet is followed by a dot unless the string ends there.
    let ipv4 =
        r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$";
    assert_eq!(generated(ipv4), "250.250.250.250");
    assert!(!matches(ipv4, "1.2.3.4."));
    assert!(matches("^a(?=b)", "ab") && !matches("^a(?=b)", "ac"));
}

#[test]
fn regex_generation_respects_the_acceptor() {
    let pattern = Pattern::parse("^[a-z]+$").expect("parses");
    assert_eq!(pattern.generate(|s| s.len() >= 3).as_deref(), Some("aaa"));
    // Repetitions stretch to meet a minimum length.
    assert_eq!(pattern.generate(|s| s.len() >= 20), Some("a".repeat(20)));
    let bounded = Pattern::parse("^x[a-z]{2,3}$").expect("parses");
    assert_eq!(bounded.generate(|s| s.len() > 5), None);
}

#[test]
fn regex_unsupported_constructs_are_errors() {
    for source in [
        r"(a)\1",
        r"\bword",
        "(?<=a)b",
        "a{",
        "*a",
        "[z-a]",
        r"\p{Greek}",
        "(a",
        "a)",
        r"\q",
    ] {
        assert!(
            Pattern::parse(source).is_err(),
            "`{source}` should be refused"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Small specs
// ---------------------------------------------------------------------------------------

/// A spec whose `POST /things` takes a body of `body_schema` (YAML, indented for the
/// `schema:` key), with `components` (YAML for `components.schemas`).
fn spec_with_body(body_schema: &str, schemas: &str) -> OpenAPI {
    let text = format!(
        r#"
openapi: 3.0.1
info: {{ title: t, version: "1" }}
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        content:
          application/vnd.atlas.2023-01-01+json:
            schema:
{body}
      responses:
        "200":
          description: ok
          content:
            application/vnd.atlas.2023-01-01+json:
              schema: {{ type: object }}
components:
  schemas:
{schemas}
"#,
        body = indent(body_schema, 14),
        schemas = indent(schemas, 4),
    );
    atlas_codegen::parse_spec(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn indent(yaml: &str, by: usize) -> String {
    let lines: Vec<&str> = yaml.lines().filter(|l| !l.trim().is_empty()).collect();
    let common = lines
        .iter()
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    if lines.is_empty() {
        return format!("{}{{}}", " ".repeat(by));
    }
    lines
        .iter()
        .map(|l| format!("{}{}\n", " ".repeat(by), &l[common..]))
        .collect()
}

fn body(spec: &OpenAPI) -> Value {
    let samples = request_samples(spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(samples.len(), 1);
    check_request_sample(spec, &samples[0]).unwrap_or_else(|e| panic!("{e}"));
    samples[0].body.clone().expect("a body")
}

#[test]
fn discriminator_picks_the_first_mapping_entry_and_sets_the_tag() {
    let spec = spec_with_body(
        "$ref: '#/components/schemas/Pet'",
        r"
        Pet:
          type: object
          discriminator:
            propertyName: kind
            mapping:
              dog: '#/components/schemas/Dog'
              cat: '#/components/schemas/Cat'
          oneOf:
            - $ref: '#/components/schemas/Cat'
            - $ref: '#/components/schemas/Dog'
        Cat:
          type: object
          required: [kind, lives]
          properties:
            kind: { type: string }
            lives: { type: integer, minimum: 1, maximum: 9 }
        Dog:
          type: object
          required: [kind, bark]
          properties:
            kind: { type: string }
            bark: { type: string, enum: [woof, yap] }
        ",
    );
    assert_eq!(body(&spec), json!({ "kind": "dog", "bark": "woof" }));
}

#[test]
fn discriminator_on_a_base_with_allof_subtypes() {
    let spec = spec_with_body(
        "$ref: '#/components/schemas/Shape'",
        r"
        Shape:
          type: object
          required: [shape]
          properties:
            shape: { type: string, enum: [SQUARE, CIRCLE] }
          discriminator:
            propertyName: shape
            mapping:
              CIRCLE: '#/components/schemas/Circle'
              SQUARE: '#/components/schemas/Square'
        Circle:
          allOf:
            - $ref: '#/components/schemas/Shape'
            - type: object
              required: [radius]
              properties:
                radius: { type: number, minimum: 0, exclusiveMinimum: true }
        Square:
          allOf:
            - $ref: '#/components/schemas/Shape'
            - type: object
              required: [side]
              properties:
                side: { type: integer }
        ",
    );
    // A `number` is a JSON float, as the typed models encode it.
    let body = body(&spec);
    assert_eq!(body, json!({ "shape": "CIRCLE", "radius": 1.0 }));
    assert!(body["radius"].is_f64());
}

#[test]
fn self_referencing_base_terminates() {
    // The base lists its subtypes in `oneOf`, and each subtype's `allOf` names the base.
    let spec = spec_with_body(
        "$ref: '#/components/schemas/Connection'",
        r"
        Connection:
          type: object
          properties:
            name: { type: string }
            id: { type: string, readOnly: true }
            type: { type: string, enum: [Kafka, Cluster, Sample] }
          discriminator:
            propertyName: type
            mapping:
              Kafka: '#/components/schemas/KafkaConnection'
              Cluster: '#/components/schemas/ClusterConnection'
          oneOf:
            - $ref: '#/components/schemas/ClusterConnection'
            - $ref: '#/components/schemas/KafkaConnection'
        KafkaConnection:
          type: object
          allOf:
            - $ref: '#/components/schemas/Connection'
            - type: object
              required: [bootstrapServers]
              properties:
                bootstrapServers: { type: string, example: 'localhost:9092' }
                parent: { $ref: '#/components/schemas/Connection' }
        ClusterConnection:
          allOf:
            - $ref: '#/components/schemas/Connection'
        ",
    );
    assert_eq!(
        body(&spec),
        json!({ "type": "Kafka", "bootstrapServers": "localhost:9092" })
    );
}

#[test]
fn a_required_cycle_is_an_error_and_an_optional_one_is_left_out() {
    let optional = spec_with_body(
        "$ref: '#/components/schemas/Node'",
        r"
        Node:
          type: object
          properties:
            child: { $ref: '#/components/schemas/Node' }
        ",
    );
    assert_eq!(body(&optional), json!({}));
    let required = spec_with_body(
        "$ref: '#/components/schemas/Node'",
        r"
        Node:
          type: object
          required: [child]
          properties:
            child: { $ref: '#/components/schemas/Node' }
        ",
    );
    let error = request_samples(&required).expect_err("no finite value exists");
    assert!(error.to_string().contains("contain itself"), "{error}");
}

#[test]
fn a_cycle_through_a_choice_ends_in_another_branch() {
    // A square needs a parent shape; a square parent would need another, so the parent is
    // the next subtype, a circle.
    let spec = spec_with_body(
        "$ref: '#/components/schemas/Shape'",
        r"
        Shape:
          type: object
          properties:
            kind: { type: string }
          discriminator:
            propertyName: kind
            mapping:
              square: '#/components/schemas/Square'
              circle: '#/components/schemas/Circle'
        Square:
          allOf:
            - $ref: '#/components/schemas/Shape'
            - type: object
              required: [parent]
              properties:
                parent: { $ref: '#/components/schemas/Shape' }
        Circle:
          allOf:
            - $ref: '#/components/schemas/Shape'
        ",
    );
    assert_eq!(
        body(&spec),
        json!({ "kind": "square", "parent": { "kind": "circle" } })
    );
}

#[test]
fn read_only_properties_are_never_sent() {
    let spec = spec_with_body(
        "$ref: '#/components/schemas/Thing'",
        r"
        Thing:
          type: object
          required: [id, name, created]
          properties:
            id: { type: string, readOnly: true, example: 32b6e34b3d91647abb20e7b8 }
            name: { type: string, writeOnly: true }
            created: { $ref: '#/components/schemas/Timestamp' }
            links: { type: array, readOnly: true, items: { type: string }, example: [a] }
        Timestamp:
          type: string
          format: date-time
          readOnly: true
        ",
    );
    assert_eq!(body(&spec), json!({ "name": "example" }));
    let schema: ReferenceOr<openapiv3::Schema> = ReferenceOr::Reference {
        reference: "#/components/schemas/Thing".to_owned(),
    };
    let error = validate_value(
        &spec,
        &schema,
        &json!({ "name": "x", "id": "32b6e34b3d91647abb20e7b8" }),
    )
    .expect_err("readOnly sent");
    assert!(error.contains("readOnly"), "{error}");
}

#[test]
fn all_of_members_are_merged() {
    let spec = spec_with_body(
        r"
        allOf:
          - $ref: '#/components/schemas/Named'
          - type: object
            required: [size]
            properties:
              size: { type: integer, minimum: 10, maximum: 20 }
              note: { type: string, example: hello }
        ",
        r"
        Named:
          type: object
          required: [name, when]
          properties:
            name: { type: string, minLength: 8, maxLength: 9 }
            when: { type: string, format: date }
        ",
    );
    assert_eq!(
        body(&spec),
        json!({ "name": "examplex", "when": "2024-01-01", "size": 10, "note": "hello" })
    );
}

#[test]
fn one_of_takes_a_branch_that_no_other_branch_accepts() {
    // Branch 0's natural value ({"x": …}) also fits branch 1, which allows any `x`;
    // branch 1's ({}) fits branch 0 only with `x`, so it is the exclusive one.
    let objects = spec_with_body(
        r"
        oneOf:
          - type: object
            required: [x]
            properties:
              x: { type: string }
          - type: object
            properties:
              x: { type: string }
        ",
        "",
    );
    assert_eq!(body(&objects), json!({}));
    // 1 fits both branches; the next candidate, 0, only the first.
    let numbers = spec_with_body(
        r"
        oneOf:
          - { type: integer, minimum: 0 }
          - { type: integer, minimum: 1 }
        ",
        "",
    );
    assert_eq!(body(&numbers), json!(0));
    let schema: ReferenceOr<openapiv3::Schema> = serde_yaml::from_str(
        "oneOf: [{ type: integer, minimum: 0 }, { type: integer, minimum: 1 }]",
    )
    .expect("a schema");
    assert!(
        validate_value(&numbers, &schema, &json!(1))
            .expect_err("fits two")
            .contains("not exactly one")
    );
}

#[test]
fn overlapping_one_of_branches_are_set_apart_as_a_last_resort() {
    // `Narrow` accepts every object `Wide` accepts: only a value `Wide` refuses can fit
    // exactly one branch, so it gets `extra` with the wrong type for `Wide`.
    let spec = spec_with_body(
        r"
        oneOf:
          - $ref: '#/components/schemas/Wide'
          - $ref: '#/components/schemas/Narrow'
        ",
        r"
        Wide:
          type: object
          properties:
            name: { type: string }
            extra: { type: string }
        Narrow:
          type: object
          properties:
            name: { type: string }
        ",
    );
    assert_eq!(body(&spec), json!({ "extra": false }));
}

#[test]
fn invalid_examples_fall_back_to_synthesis() {
    let spec = spec_with_body(
        "$ref: '#/components/schemas/Thing'",
        r"
        Thing:
          type: object
          required: [count, code, slug, tags]
          properties:
            count: { type: integer, minimum: 5, example: five }
            code: { type: string, pattern: '^[0-9]{3}$', example: 'abc' }
            slug: { type: string, pattern: '^[a-z][a-z-]*$', minLength: 12, maxLength: 12, example: 'too-short' }
            tags:
              type: array
              minItems: 1
              items: { type: string, format: email, example: not-an-email }
            good: { type: string, pattern: '^[0-9]{3}$', example: '123' }
            bad: { type: string, pattern: '^[0-9]{3}$', example: '12' }
          example: { count: 'many' }
        ",
    );
    assert_eq!(
        body(&spec),
        json!({ "count": 5, "code": "000", "slug": "aaaaaaaaaaaa", "tags": ["user@example.com"], "good": "123" })
    );
}

#[test]
fn fitting_examples_are_used() {
    let text = r#"
openapi: 3.0.1
info: { title: t, version: "1" }
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        content:
          application/vnd.atlas.2023-01-01+json:
            schema: { $ref: '#/components/schemas/Thing' }
            examples:
              wrong: { value: { name: 1 } }
              right: { $ref: '#/components/examples/Right' }
      responses:
        "200": { description: ok }
components:
  examples:
    Right: { value: { name: spec example } }
  schemas:
    Thing:
      type: object
      required: [name]
      properties: { name: { type: string } }
"#;
    let spec = atlas_codegen::parse_spec(text).expect("parses");
    assert_eq!(body(&spec), json!({ "name": "spec example" }));
}

#[test]
fn unsupported_pattern_is_an_error_naming_its_pointer() {
    let spec = spec_with_body(
        "$ref: '#/components/schemas/Thing'",
        r"
        Thing:
          type: object
          required: [word]
          properties:
            word: { type: string, pattern: '\bword\b' }
        ",
    );
    let error = request_samples(&spec).expect_err("`\\b` is not supported");
    assert_eq!(
        error.location,
        Location::Pointer("#/components/schemas/Thing/properties/word/pattern".to_owned())
    );
    assert!(error.message.contains("unsupported pattern"), "{error}");
}

#[test]
fn parameters_versions_and_order() {
    let text = r#"
openapi: 3.0.1
info: { title: t, version: "1" }
paths:
  /groups/{groupId}/items/{n}:
    parameters:
      - $ref: '#/components/parameters/groupId'
      - { name: pretty, in: query, schema: { type: boolean, default: false } }
    get:
      operationId: getItem
      parameters:
        - { name: n, in: path, required: true, schema: { type: integer, minimum: 2 } }
        - { name: metrics, in: query, required: true, schema: { type: array, items: { type: string, enum: [A, B] } } }
        - { name: page, in: query, schema: { type: integer } }
        - { name: pretty, in: query, schema: { type: boolean, example: true } }
        - { name: X-Flag, in: header, schema: { type: boolean, default: false } }
        - { name: since, in: query, example: 'not a date', schema: { type: string, format: date-time } }
      responses:
        "200":
          description: ok
          content:
            application/vnd.atlas.preview+json: { schema: { type: object } }
            application/vnd.atlas.2024-01-01+json: { schema: { type: object } }
            application/vnd.atlas.2023-01-01+csv: { schema: { type: string } }
            application/json: { schema: { type: object } }
    post:
      operationId: postItem
      requestBody:
        content:
          application/vnd.atlas.2024-01-01+json: { schema: { type: object } }
      responses:
        "200": { description: ok }
components:
  parameters:
    groupId:
      name: groupId
      in: path
      required: true
      schema: { type: string, pattern: '^([a-f0-9]{24})$', example: 32b6e34b3d91647abb20e7b8 }
"#;
    let spec = atlas_codegen::parse_spec(text).expect("parses");
    let samples = request_samples(&spec).unwrap_or_else(|e| panic!("{e}"));
    let order: Vec<(&str, &str)> = samples
        .iter()
        .map(|s| (s.operation_id.as_str(), s.version.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            ("getItem", "2023-01-01"),
            ("getItem", "2024-01-01"),
            ("getItem", "preview"),
            ("postItem", "2024-01-01")
        ]
    );
    let get = &samples[0];
    assert_eq!(get.pointer, "#/paths/~1groups~1{groupId}~1items~1{n}/get");
    assert_eq!(
        Value::Object(get.path.clone()),
        json!({ "groupId": "32b6e34b3d91647abb20e7b8", "n": 2 })
    );
    // `page` has no example: left out. The operation's `pretty` replaces the path item's.
    assert_eq!(
        Value::Object(get.query.clone()),
        json!({ "metrics": ["A"], "pretty": true, "since": "2024-01-01T00:00:00Z" })
    );
    assert_eq!(
        Value::Object(get.headers.clone()),
        json!({ "X-Flag": false })
    );
    assert_eq!(get.body, None);
    assert_eq!(samples[3].body, Some(json!({})));
    assert_eq!(
        Value::Object(samples[3].query.clone()),
        json!({ "pretty": false })
    );
    for sample in &samples {
        check_request_sample(&spec, sample).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn numbers_respect_bounds() {
    let spec = spec_with_body(
        r"
        type: object
        required: [ratio, count, big, step]
        properties:
          ratio: { type: number, minimum: 0.25, maximum: 0.75 }
          count: { type: integer, minimum: 0, maximum: 10, exclusiveMaximum: true, enum: [20, 7, 3] }
          big: { type: integer, minimum: 100, exclusiveMinimum: true }
          step: { type: integer, minimum: 7, multipleOf: 5 }
        ",
        "",
    );
    assert_eq!(
        body(&spec),
        json!({ "ratio": 0.25, "count": 7, "big": 101, "step": 10 })
    );
}

#[test]
fn validator_is_lossless_about_numbers() {
    let spec = spec_with_body("type: object", "");
    let number: ReferenceOr<openapiv3::Schema> =
        serde_yaml::from_str("{ type: number }").expect("a schema");
    let integer: ReferenceOr<openapiv3::Schema> =
        serde_yaml::from_str("{ type: integer, format: int32 }").expect("a schema");
    assert!(validate_value(&spec, &number, &json!(1.5)).is_ok());
    assert!(
        validate_value(&spec, &number, &json!(1)).is_err(),
        "typed models re-encode 1 as 1.0"
    );
    assert!(validate_value(&spec, &integer, &json!(1)).is_ok());
    assert!(
        validate_value(&spec, &integer, &json!(1.0)).is_err(),
        "typed models re-encode 1.0 as 1"
    );
    assert!(
        validate_value(&spec, &integer, &json!(4_000_000_000_i64)).is_err(),
        "out of int32"
    );
}
