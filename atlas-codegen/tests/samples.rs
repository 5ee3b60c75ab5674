//! Request samples, each rule on small inline specs (the real spec's samples are tested end
//! to end in `xtask/tests/samples.rs`, where the pinned spec is found).

use atlas_codegen::Location;
use atlas_codegen::ir::Ir;
use atlas_codegen::testgen::samples::{
    Pattern, check_request_sample, request_samples, validate_value,
};
use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::{Value, json};

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

fn ir(spec: &OpenAPI) -> Ir {
    atlas_codegen::build_ir(spec, None).unwrap_or_else(|e| panic!("{e}"))
}

fn body(spec: &OpenAPI) -> Value {
    let ir = ir(spec);
    let samples = request_samples(spec, &ir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(samples.len(), 1);
    check_request_sample(spec, &ir, &samples[0]).unwrap_or_else(|e| panic!("{e}"));
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
    let error = request_samples(&required, &ir(&required)).expect_err("no finite value exists");
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
    let error = request_samples(&spec, &ir(&spec)).expect_err("`\\b` is not supported");
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
      - { name: n, in: path, required: true, schema: { type: integer, minimum: 2 } }
    get:
      operationId: getItem
      parameters:
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
    let ir = ir(&spec);
    let samples = request_samples(&spec, &ir).unwrap_or_else(|e| panic!("{e}"));
    let order: Vec<(&str, &str)> = samples
        .iter()
        .map(|s| (s.operation_id.as_str(), s.api_version.as_str()))
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
    assert_eq!(
        ir.operations[get.operation].pointer,
        "#/paths/~1groups~1{groupId}~1items~1{n}/get"
    );
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
        check_request_sample(&spec, &ir, sample).unwrap_or_else(|e| panic!("{e}"));
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
