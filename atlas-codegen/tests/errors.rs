//! Bad specs: each gives a `CodegenError` whose location names the offending place, and
//! none panics or overflows the stack.

use atlas_codegen::{CodegenError, Location, generate, parse_spec};

/// A spec with one operation (`getThing`, answering `200` with `response`) and `schemas`
/// (YAML text indented for `components.schemas`).
fn spec(response: &str, schemas: &str) -> String {
    format!(
        r##"openapi: 3.0.1
info:
  title: errors
  version: "1"
paths:
  /api/atlas/v2/things/{{thingId}}:
    get:
      operationId: getThing
      parameters:
        - name: thingId
          in: path
          required: true
          schema:
            type: string
      responses:
        "200":
          description: OK
          content:
            application/vnd.atlas.2023-01-01+json:
              schema:
                $ref: "{response}"
components:
  schemas:
{schemas}"##
    )
}

const THING: &str = r##"    Thing:
      type: object
      properties:
        name:
          type: string
"##;

const RESPONSE_POINTER: &str = "#/paths/~1api~1atlas~1v2~1things~1{thingId}/get/responses/200/content/application~1vnd.atlas.2023-01-01+json/schema";

/// Parses and generates `text`, which must fail; returns the error.
fn failure(text: &str) -> CodegenError {
    let spec = match parse_spec(text) {
        Ok(spec) => spec,
        Err(e) => return e,
    };
    match generate(&spec, None) {
        Ok(generated) => panic!("expected an error, got {} files", generated.files.len()),
        Err(e) => e,
    }
}

/// The JSON pointer of a location that has one.
fn pointer(location: &Location) -> &str {
    match location {
        Location::Pointer(p) | Location::Operation { pointer: p, .. } => p,
        other => panic!("expected a location with a pointer, got {other:?}"),
    }
}

#[test]
fn the_base_spec_is_valid() {
    let text = spec("#/components/schemas/Thing", THING);
    let spec = parse_spec(&text).expect("parses");
    let generated = generate(&spec, None).expect("generates");
    assert_eq!(generated.counts.operations, 1);
}

#[test]
fn yaml_syntax_error_has_line_and_column() {
    // Line 8 holds `operationId: x: y`; the second `:` (column 21) is the error.
    let text = "openapi: 3.0.1\ninfo:\n  title: t\n  version: \"1\"\npaths:\n  /a:\n    get:\n      operationId: x: y\n      summary: s\n";
    let error = parse_spec(text).expect_err("invalid YAML");
    assert_eq!(
        error.location,
        Location::Text {
            line: 8,
            column: 21
        },
        "{error}"
    );
    assert!(
        error.to_string().starts_with("line 8, column 21: "),
        "{error}"
    );
    assert!(
        !error.message.contains("at line"),
        "the location is not repeated in the message: {error}"
    );
}

#[test]
fn unclosed_flow_mapping_is_reported_where_it_is_noticed() {
    let text = "openapi: 3.0.1\ninfo:\n  title: t\n  version: \"1\"\npaths:\n  /a:\n    get: {operationId: x\n  /b: {}\n";
    let error = parse_spec(text).expect_err("invalid YAML");
    assert_eq!(
        error.location,
        Location::Text { line: 8, column: 5 },
        "{error}"
    );
}

#[test]
fn duplicate_key_is_a_text_error_naming_the_key() {
    let text = "openapi: 3.0.1\ninfo:\n  title: t\n  version: \"1\"\n  version: \"2\"\npaths: {}\n";
    let error = parse_spec(text).expect_err("duplicate key");
    // serde_yaml points at the mapping that holds the duplicate (line 3), not at line 5.
    assert!(
        matches!(error.location, Location::Text { line: 3..=5, .. }),
        "{error}"
    );
    assert!(error.message.contains("version"), "{error}");
}

#[test]
fn yaml_error_on_a_later_line_reports_that_line() {
    // A tab cannot indent YAML; the error is on line 5.
    let text = "openapi: 3.0.1\ninfo:\n  title: t\n  version: \"1\"\n\tpaths: {}\n";
    let error = parse_spec(text).expect_err("invalid YAML");
    assert_eq!(
        error.location,
        Location::Text { line: 5, column: 1 },
        "{error}"
    );
}

#[test]
fn yaml_of_the_wrong_shape_names_the_node_and_its_line() {
    let error =
        parse_spec("openapi: 3.0.1\ninfo: 7\npaths: {}\n").expect_err("info is not an object");
    assert_eq!(
        error.location,
        Location::Pointer("#/info".to_owned()),
        "{error}"
    );
    assert!(error.message.ends_with("(line 2, column 7)"), "{error}");
    // Deep inside the components: the schema is named, though the parser's line is not its own.
    let text = spec("#/components/schemas/Thing", THING).replace(
        "        name:\n          type: string",
        "        name:\n          type: [string, \"null\"]",
    );
    let error = parse_spec(&text).expect_err("a type that is a list");
    assert_eq!(
        error.location,
        Location::Pointer("#/components/schemas/Thing".to_owned()),
        "{error}"
    );
}

#[test]
fn dangling_ref_in_a_property_names_the_property() {
    let schemas = r##"    Thing:
      type: object
      properties:
        owner:
          $ref: "#/components/schemas/Nobody"
"##;
    let error = failure(&spec("#/components/schemas/Thing", schemas));
    assert_eq!(
        pointer(&error.location),
        "#/components/schemas/Thing/properties/owner",
        "{error}"
    );
    assert!(
        error.message.contains("#/components/schemas/Nobody"),
        "{error}"
    );
}

#[test]
fn dangling_ref_in_an_array_item_names_the_items() {
    let schemas = r##"    Thing:
      type: object
      properties:
        owners:
          type: array
          items:
            $ref: "#/components/schemas/Nobody"
"##;
    let error = failure(&spec("#/components/schemas/Thing", schemas));
    assert_eq!(
        pointer(&error.location),
        "#/components/schemas/Thing/properties/owners/items",
        "{error}"
    );
}

#[test]
fn dangling_ref_in_a_response_names_the_response() {
    let error = failure(&spec("#/components/schemas/Nothing", THING));
    assert_eq!(pointer(&error.location), RESPONSE_POINTER, "{error}");
    assert!(
        error.message.contains("#/components/schemas/Nothing"),
        "{error}"
    );
}

#[test]
fn dangling_ref_to_a_response_component_names_the_operation() {
    let text = spec("#/components/schemas/Thing", THING).replace(
        "        \"200\":\n          description: OK\n",
        "        \"404\":\n          $ref: \"#/components/responses/NotFound\"\n        \"200\":\n          description: OK\n",
    );
    let error = failure(&text);
    match &error.location {
        Location::Operation {
            operation_id,
            pointer,
        } => {
            assert_eq!(operation_id, "getThing");
            assert_eq!(
                pointer, "#/paths/~1api~1atlas~1v2~1things~1{thingId}/get/responses/404",
                "{error}"
            );
        }
        other => panic!("expected an operation location, got {other:?}: {error}"),
    }
    assert!(error.message.contains("NotFound"), "{error}");
}

#[test]
fn dangling_discriminator_mapping_names_the_mapping() {
    let schemas = r##"    Thing:
      oneOf:
        - $ref: "#/components/schemas/Small"
      discriminator:
        propertyName: kind
        mapping:
          small: "#/components/schemas/Small"
          big: "#/components/schemas/Big"
    Small:
      type: object
      properties:
        kind:
          type: string
"##;
    let error = failure(&spec("#/components/schemas/Thing", schemas));
    assert_eq!(
        pointer(&error.location),
        "#/components/schemas/Thing/discriminator/mapping/big",
        "{error}"
    );
}

#[test]
fn cyclic_all_of_is_an_error_not_a_stack_overflow() {
    let schemas = r##"    Thing:
      allOf:
        - $ref: "#/components/schemas/Other"
        - type: object
          properties:
            a:
              type: string
    Other:
      allOf:
        - $ref: "#/components/schemas/Thing"
        - type: object
          properties:
            b:
              type: string
"##;
    let error = failure(&spec("#/components/schemas/Thing", schemas));
    let at = pointer(&error.location);
    assert!(
        at.starts_with("#/components/schemas/Thing")
            || at.starts_with("#/components/schemas/Other"),
        "{error}"
    );
    assert!(at.contains("/allOf/"), "{error}");
    assert!(error.message.contains("allOf"), "{error}");
}

#[test]
fn a_schema_that_all_of_includes_itself_is_an_error() {
    let schemas = r##"    Thing:
      allOf:
        - $ref: "#/components/schemas/Thing"
"##;
    let error = failure(&spec("#/components/schemas/Thing", schemas));
    assert_eq!(
        pointer(&error.location),
        "#/components/schemas/Thing/allOf/0",
        "{error}"
    );
}

#[test]
fn a_cycle_of_reference_aliases_is_an_error() {
    let schemas = r##"    Thing:
      $ref: "#/components/schemas/Other"
    Other:
      $ref: "#/components/schemas/Thing"
"##;
    let error = failure(&spec("#/components/schemas/Thing", schemas));
    assert!(
        pointer(&error.location).starts_with("#/components/schemas/"),
        "{error}"
    );
}

#[test]
fn duplicate_operation_ids_name_the_operation() {
    let text = spec("#/components/schemas/Thing", THING).replace(
        "components:\n",
        r##"  /api/atlas/v2/others:
    get:
      operationId: getThing
      responses:
        "200":
          description: OK
          content:
            application/vnd.atlas.2023-01-01+json:
              schema:
                $ref: "#/components/schemas/Thing"
components:
"##,
    );
    let error = failure(&text);
    match &error.location {
        Location::Operation {
            operation_id,
            pointer,
        } => {
            assert_eq!(operation_id, "getThing", "{error}");
            assert_eq!(pointer, "#/paths/~1api~1atlas~1v2~1others/get", "{error}");
        }
        other => panic!("expected an operation location, got {other:?}: {error}"),
    }
    assert!(error.to_string().contains("getThing"), "{error}");
}

#[test]
fn operation_ids_that_map_to_one_rust_name_name_the_operation() {
    let text = spec("#/components/schemas/Thing", THING).replace(
        "components:\n",
        r##"  /api/atlas/v2/others:
    get:
      operationId: get_thing
      responses:
        "200":
          description: OK
          content:
            application/vnd.atlas.2023-01-01+json:
              schema:
                $ref: "#/components/schemas/Thing"
components:
"##,
    );
    let error = failure(&text);
    let Location::Operation { operation_id, .. } = &error.location else {
        panic!("expected an operation location: {error}")
    };
    assert_eq!(operation_id, "get_thing", "{error}");
    assert!(error.message.contains("getThing"), "{error}");
}

fn assert_schema_name_clash(first: &str, second: &str) {
    let schemas =
        format!("{THING}    {first}:\n      type: string\n    {second}:\n      type: integer\n");
    let error = failure(&spec("#/components/schemas/Thing", &schemas));
    assert_eq!(
        error.location,
        Location::Pointer(format!("#/components/schemas/{second}")),
        "{error}"
    );
    assert!(
        error.message.contains(first) && error.message.contains(second),
        "{error}"
    );
}

#[test]
fn schema_names_that_map_to_one_rust_type() {
    assert_schema_name_clash("foo_bar", "FooBar");
    assert_schema_name_clash("Foo-Bar", "FooBar");
    assert_schema_name_clash("Foo.Bar", "foo bar");
}

#[test]
fn properties_that_map_to_one_field_name_the_second_property() {
    let schemas = r##"    Thing:
      type: object
      properties:
        _id:
          type: string
        id:
          type: string
"##;
    let error = failure(&spec("#/components/schemas/Thing", schemas));
    assert_eq!(
        error.location,
        Location::Pointer("#/components/schemas/Thing/properties/id".to_owned()),
        "{error}"
    );
    assert!(
        error.message.contains("`_id`") && error.message.contains("`id`"),
        "{error}"
    );
}

#[test]
fn properties_that_clash_through_all_of_name_the_later_property() {
    let schemas = r##"    Base:
      type: object
      properties:
        groupId:
          type: string
    Thing:
      allOf:
        - $ref: "#/components/schemas/Base"
        - type: object
          properties:
            group_id:
              type: string
"##;
    let error = failure(&spec("#/components/schemas/Thing", schemas));
    assert_eq!(
        pointer(&error.location),
        "#/components/schemas/Thing/allOf/1/properties/group_id",
        "{error}"
    );
}

#[test]
fn a_property_named_like_the_catch_all_field_is_an_error() {
    let schemas = r##"    Thing:
      type: object
      properties:
        additionalProperties:
          type: string
"##;
    let error = failure(&spec("#/components/schemas/Thing", schemas));
    assert_eq!(
        pointer(&error.location),
        "#/components/schemas/Thing/properties/additionalProperties",
        "{error}"
    );
}

#[test]
fn an_operation_without_an_id_names_its_path() {
    let text =
        spec("#/components/schemas/Thing", THING).replace("      operationId: getThing\n", "");
    let error = failure(&text);
    assert_eq!(
        pointer(&error.location),
        "#/paths/~1api~1atlas~1v2~1things~1{thingId}/get",
        "{error}"
    );
    assert!(error.message.contains("operationId"), "{error}");
}

#[test]
fn an_operation_without_a_versioned_media_type_is_an_error() {
    let text = spec("#/components/schemas/Thing", THING)
        .replace("application/vnd.atlas.2023-01-01+json", "application/json");
    let error = failure(&text);
    let Location::Operation {
        operation_id,
        pointer,
    } = &error.location
    else {
        panic!("expected an operation location: {error}")
    };
    assert_eq!(operation_id, "getThing");
    assert_eq!(pointer, "#/paths/~1api~1atlas~1v2~1things~1{thingId}/get");
}

#[test]
fn a_request_body_without_a_version_names_the_media_type() {
    let text = spec("#/components/schemas/Thing", THING).replace(
        "      responses:\n",
        "      requestBody:\n        content:\n          application/json:\n            schema:\n              $ref: \"#/components/schemas/Thing\"\n      responses:\n",
    );
    let error = failure(&text);
    let Location::Operation {
        operation_id,
        pointer,
    } = &error.location
    else {
        panic!("expected an operation location: {error}")
    };
    assert_eq!(operation_id, "getThing");
    assert_eq!(
        pointer,
        "#/paths/~1api~1atlas~1v2~1things~1{thingId}/get/requestBody/content/application~1json",
        "{error}"
    );
}

#[test]
fn a_path_template_parameter_without_a_declaration_is_an_error() {
    let text = spec("#/components/schemas/Thing", THING).replace(
        "/api/atlas/v2/things/{thingId}:",
        "/api/atlas/v2/things/{thingId}/{partId}:",
    );
    let error = failure(&text);
    let Location::Operation { operation_id, .. } = &error.location else {
        panic!("expected an operation location: {error}")
    };
    assert_eq!(operation_id, "getThing");
    assert!(error.message.contains("partId"), "{error}");
}

#[test]
fn malformed_path_templates_are_errors() {
    for (path, needle) in [
        (
            "/api/atlas/v2/things/{thingId}{partId}",
            "more than one parameter",
        ),
        ("/api/atlas/v2/things/{thingId}}", "unmatched"),
        ("/api/atlas/v2/things/x{thingId}", "after literal text"),
        ("/api/atlas/v2/things}/{thingId}", "unmatched"),
        ("/api/atlas/v2/things/{thingId", "unclosed"),
    ] {
        let text = spec("#/components/schemas/Thing", THING)
            .replace("/api/atlas/v2/things/{thingId}:", &format!("{path}:"));
        let error = failure(&text);
        let Location::Operation { operation_id, .. } = &error.location else {
            panic!("{path}: expected an operation location: {error}")
        };
        assert_eq!(operation_id, "getThing");
        assert!(error.message.contains(needle), "{path}: {error}");
    }
}

#[test]
fn a_path_parameter_missing_from_the_template_is_an_error() {
    let text = spec("#/components/schemas/Thing", THING)
        .replace("/api/atlas/v2/things/{thingId}:", "/api/atlas/v2/things:");
    let error = failure(&text);
    let Location::Operation { pointer, .. } = &error.location else {
        panic!("expected an operation location: {error}")
    };
    assert_eq!(pointer, "#/paths/~1api~1atlas~1v2~1things/get/parameters/0");
    assert!(
        error.message.contains("`thingId` is not in the path"),
        "{error}"
    );
}

#[test]
fn a_discriminator_with_inline_branches_names_the_branch() {
    let schemas = r##"    Thing:
      oneOf:
        - type: object
          properties:
            kind:
              type: string
      discriminator:
        propertyName: kind
"##;
    let error = failure(&spec("#/components/schemas/Thing", schemas));
    assert_eq!(
        pointer(&error.location),
        "#/components/schemas/Thing/oneOf/0",
        "{error}"
    );
}
