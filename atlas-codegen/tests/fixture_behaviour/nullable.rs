//! Behaviour of the `nullable` fixture's generated code: `null` tolerance, optional versus
//! nullable, read-only and write-only fields. Compiled into the fixture crate by
//! `xtask/tests/fixtures.rs`; not a test target of its own.

use serde_json::{Value, json};

use crate::models::ProjectSettings;
use crate::runtime::Json;
use crate::runtime::json::Path;

fn decode(value: Value) -> ProjectSettings {
    ProjectSettings::from_json(value, &Path::Root).expect("decodes")
}

#[test]
fn null_in_an_optional_field_not_marked_nullable_reads_as_absent() {
    // `enabled` and `ratio` are not nullable; the server sends `null` anyway.
    let settings = decode(
        json!({"name": "p", "description": null, "limit": null, "enabled": null, "ratio": null}),
    );
    assert_eq!(settings.enabled, None);
    assert_eq!(settings.ratio, None);
    assert_eq!(settings.to_json().get("enabled"), None);
}

#[test]
fn absent_and_null_stay_apart_where_the_spec_allows_null() {
    let absent = decode(json!({"name": "p", "description": null, "limit": 1}));
    let null = decode(json!({"name": "p", "description": null, "limit": 1, "comment": null}));
    let value = decode(json!({"name": "p", "description": null, "limit": 1, "comment": "c"}));
    assert_eq!(absent.comment, None);
    assert_eq!(null.comment, Some(None));
    assert_eq!(value.comment, Some(Some("c".to_owned())));
    assert_eq!(absent.to_json().get("comment"), None);
    assert_eq!(null.to_json()["comment"], Value::Null);
    // A required nullable field is written even when null.
    assert_eq!(absent.to_json()["description"], Value::Null);
}

#[test]
fn a_required_field_that_is_missing_or_null_is_an_error_naming_it() {
    let missing = ProjectSettings::from_json(json!({"description": null, "limit": 1}), &Path::Root)
        .unwrap_err();
    assert!(missing.to_string().contains("name"), "{missing}");
    let null = ProjectSettings::from_json(
        json!({"name": null, "description": null, "limit": 1}),
        &Path::Root,
    )
    .unwrap_err();
    assert_eq!(null.path(), "$.name");
}

#[test]
fn read_only_fields_are_not_demanded_from_a_request_and_write_only_not_from_a_response() {
    // Building a request: `createdAt` and `id` (read-only) can be left out.
    let request = ProjectSettings {
        secret: Some("s".to_owned()),
        ..ProjectSettings::new("p")
    };
    assert_eq!(request.name, "p");
    // Required but nullable fields start as `null`, which the server accepts.
    assert_eq!(
        (request.description.as_deref(), request.limit),
        (None, None)
    );
    let encoded = request.to_json();
    assert_eq!(encoded.get("id"), None);
    assert_eq!(encoded.get("createdAt"), None);
    assert_eq!(encoded["secret"], "s");
    // A response never carries `secret` (write-only): it still decodes.
    let response = decode(
        json!({"name": "p", "description": null, "limit": 2, "id": "x", "createdAt": "2024-01-01T00:00:00.123Z"}),
    );
    assert_eq!(response.secret, None);
    assert_eq!(response.id.as_deref(), Some("x"));
    assert_eq!(response.to_json()["createdAt"], "2024-01-01T00:00:00.123Z");
}

#[test]
fn a_nullable_object_and_undeclared_fields_round_trip() {
    let original = json!({"name": "p", "description": "d", "limit": null, "owner": null, "tags": ["a"], "weight": 0.5, "future": {"x": 1}});
    assert_eq!(decode(original.clone()).to_json(), original);
}
