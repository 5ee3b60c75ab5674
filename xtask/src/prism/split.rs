//! One copy of the spec per API version, shaped so that Prism checks requests
//! against exactly that version.
//!
//! The Atlas spec selects a version with the media type
//! (`application/vnd.atlas.2024-08-05+json`, `+gzip`, `+csv`, or `preview`), and lists every
//! version of an operation side by side in one `content` map. Prism cannot tell them apart:
//! it compares media types by type and `+suffix` only (so `vnd.atlas.2023-01-01+json`
//! matches `vnd.atlas.2024-08-05+json`) and validates a body against the first entry that
//! matches. Each copy therefore keeps, for every operation available in its version, only
//! that version's request and response content (plus unversioned content such as the
//! `application/json` errors), and removes the other operations and the path items left
//! empty. Components are kept untouched.
//!
//! Because Prism still would not notice a `Content-Type` or `Accept` naming another version,
//! each kept operation also gets two header parameters, `Accept` and `Content-Type`, whose
//! schema patterns only allow this version's media types of the operation: Prism then
//! reports a wrong version as an ordinary request header violation.
//!
//! The copies are JSON written through `serde_json::Value`, whose maps sort their keys.
//! That is harmless: Prism picks a response by status code and content by media type,
//! and once a content map holds a single version no position decides anything checked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::error::XtaskError;
use atlas_codegen::media::{self, ApiVersion};

/// The operation keys of an OpenAPI path item.
const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every API version named by an operation's inline request body or response
/// content, sorted as [`ApiVersion`] sorts (dates in order, then `preview`).
pub fn spec_versions(spec: &Value) -> Vec<String> {
    let mut versions = BTreeSet::new();
    for operation in operations(spec) {
        versions.extend(operation_versions(operation));
    }
    versions.iter().map(|v| v.as_str().to_owned()).collect()
}

/// The API version a media type names, if any.
fn version_of(media_type: &str) -> Option<ApiVersion> {
    media::versioned(media_type).map(|v| v.version)
}

/// The copy of `spec` for API `version`; see the module documentation.
pub fn version_spec(spec: &Value, version: &str) -> Value {
    let mut copy = spec.clone();
    if let Some(paths) = copy.get_mut("paths").and_then(Value::as_object_mut) {
        paths.retain(|_, item| restrict_path_item(item, version));
    }
    copy
}

/// Writes `<dir>/<version>.json` for every version of the spec and returns their paths.
pub fn write_version_specs(
    spec: &Value,
    dir: &Path,
) -> Result<BTreeMap<String, PathBuf>, XtaskError> {
    std::fs::create_dir_all(dir).map_err(|e| XtaskError::io_at("cannot create", dir, e))?;
    let mut written = BTreeMap::new();
    for version in spec_versions(spec) {
        let path = dir.join(format!("{version}.json"));
        let text = serde_json::to_vec(&version_spec(spec, &version)).map_err(|e| {
            XtaskError::Other(format!("cannot serialise the spec for {version}: {e}"))
        })?;
        // Written aside and renamed, so that a Prism another run started never reads
        // half a file.
        let tmp = dir.join(format!(".{version}.json.tmp-{}", std::process::id()));
        std::fs::write(&tmp, text).map_err(|e| XtaskError::io_at("cannot write", &tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            XtaskError::io_at("cannot replace", &path, e)
        })?;
        written.insert(version, path);
    }
    Ok(written)
}

fn operations(spec: &Value) -> impl Iterator<Item = &Value> {
    spec.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(Map::values)
        .filter_map(Value::as_object)
        .flat_map(|item| HTTP_METHODS.iter().filter_map(|m| item.get(*m)))
}

/// The versions of one operation: those of its request body and inline responses.
/// (Component responses and request bodies are not looked at: in the Atlas spec they
/// are the unversioned `application/json` errors.)
fn operation_versions(operation: &Value) -> BTreeSet<ApiVersion> {
    let request = operation
        .pointer("/requestBody/content")
        .and_then(Value::as_object);
    let responses = operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(Map::values)
        .filter_map(|response| response.get("content").and_then(Value::as_object));
    request
        .into_iter()
        .chain(responses)
        .flat_map(Map::keys)
        .filter_map(|media_type| version_of(media_type))
        .collect()
}

/// Restricts every operation of a path item to `version`; `false` when none is left.
fn restrict_path_item(item: &mut Value, version: &str) -> bool {
    let Some(item) = item.as_object_mut() else {
        return false;
    };
    item.retain(|key, operation| {
        !HTTP_METHODS.contains(&key.as_str()) || restrict_operation(operation, version)
    });
    HTTP_METHODS.iter().any(|method| item.contains_key(*method))
}

/// Restricts one operation to `version`; `false` when it does not exist in that version.
fn restrict_operation(operation: &mut Value, version: &str) -> bool {
    if !operation_versions(operation)
        .iter()
        .any(|v| v.as_str() == version)
    {
        return false;
    }
    let Some(operation) = operation.as_object_mut() else {
        return false;
    };
    let keep = |media_type: &String, _: &mut Value| {
        version_of(media_type).is_none_or(|v| v.as_str() == version)
    };

    if let Some(content) = operation
        .get_mut("requestBody")
        .and_then(|body| body.get_mut("content"))
        .and_then(Value::as_object_mut)
        && !content.is_empty()
    {
        content.retain(keep);
        if content.is_empty() {
            // Only other versions take a body: this one takes none.
            operation.remove("requestBody");
        }
    }
    if let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    {
        responses.retain(|_, response| {
            match response.get_mut("content").and_then(Value::as_object_mut) {
                Some(content) if !content.is_empty() => {
                    content.retain(keep);
                    // A status only other versions answer with does not exist here.
                    !content.is_empty()
                }
                _ => true,
            }
        });
    }
    pin_media_type_headers(operation);
    true
}

/// Adds the `Accept` and `Content-Type` header parameters that only allow the
/// (already restricted) operation's versioned media types.
fn pin_media_type_headers(operation: &mut Map<String, Value>) {
    let versioned = |content: Option<&Value>| -> Vec<String> {
        content
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(Map::keys)
            .filter(|media_type| version_of(media_type).is_some())
            .cloned()
            .collect()
    };
    let request_types = versioned(operation.get("requestBody").and_then(|b| b.get("content")));
    let body_required = operation
        .get("requestBody")
        .and_then(|b| b.get("required"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut response_types: Vec<String> = operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(Map::values)
        .flat_map(|response| versioned(response.get("content")))
        .collect();
    response_types.sort();
    response_types.dedup();

    let parameters = operation
        .entry("parameters")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Some(parameters) = parameters.as_array_mut() else {
        return;
    };
    // Ours replace any the spec declares (OpenAPI says to ignore those anyway).
    parameters.retain(|p| {
        let is_header = p.get("in").and_then(Value::as_str) == Some("header");
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        !(is_header
            && (name.eq_ignore_ascii_case("accept") || name.eq_ignore_ascii_case("content-type")))
    });
    if !response_types.is_empty() {
        parameters.push(json!({
            "in": "header",
            "name": "Accept",
            "required": true,
            "description": "Added by `cargo xtask prism`: must name this API version's media type.",
            "schema": { "type": "string", "pattern": accept_pattern(&response_types) },
        }));
    }
    if !request_types.is_empty() {
        parameters.push(json!({
            "in": "header",
            "name": "Content-Type",
            "required": body_required,
            "description": "Added by `cargo xtask prism`: must be this API version's media type.",
            "schema": { "type": "string", "pattern": content_type_pattern(&request_types) },
        }));
    }
}

/// An `Accept` value that lists one of `media_types` (with or without parameters),
/// anywhere in its comma-separated list.
pub fn accept_pattern(media_types: &[String]) -> String {
    format!(
        r"(?:^|,)\s*(?:{})\s*(?:;[^,]*)?(?:,|$)",
        alternatives(media_types)
    )
}

/// A `Content-Type` value that is one of `media_types`, with or without parameters.
pub fn content_type_pattern(media_types: &[String]) -> String {
    format!(r"^\s*(?:{})\s*(?:;.*)?$", alternatives(media_types))
}

fn alternatives(media_types: &[String]) -> String {
    media_types
        .iter()
        .map(|m| regex_escape(m))
        .collect::<Vec<_>>()
        .join("|")
}

/// Escapes the regular-expression syntax characters only: Prism compiles patterns with
/// the `u` flag, under which escaping anything else (`/`, `-`) is an error.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if r"\^$.|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two paths: one operation in two versions with a body, one only in `preview`,
    /// a response status only one version has, and a component error response.
    const SPEC: &str = r##"
openapi: 3.0.1
info: { title: t, version: "2.0" }
paths:
  /api/atlas/v2/things:
    parameters: [{ $ref: "#/components/parameters/pretty" }]
    get:
      operationId: listThings
      parameters:
        - { in: header, name: accept, schema: { type: string } }
        - { in: query, name: pageNum, schema: { type: integer } }
      responses:
        200:
          description: OK
          content:
            application/vnd.atlas.2023-01-01+json: { schema: { type: array } }
            application/vnd.atlas.2023-01-01+csv: { schema: { type: string } }
            application/vnd.atlas.2024-08-05+json: { schema: { type: object } }
        401: { $ref: "#/components/responses/unauthorized" }
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/vnd.atlas.2023-01-01+json: { schema: { $ref: "#/components/schemas/Old" } }
          application/vnd.atlas.2024-08-05+json: { schema: { $ref: "#/components/schemas/New" } }
      responses:
        "201":
          description: Created
          content:
            application/vnd.atlas.2023-01-01+json: { schema: { $ref: "#/components/schemas/Old" } }
            application/vnd.atlas.2024-08-05+json: { schema: { $ref: "#/components/schemas/New" } }
        "202":
          description: Accepted, in 2024-08-05 only
          content:
            application/vnd.atlas.2024-08-05+json: {}
        "400":
          description: Bad
          content:
            application/json: { schema: { type: object } }
  /api/atlas/v2/previewThings:
    delete:
      operationId: deletePreviewThing
      responses:
        "204":
          description: Gone
          content:
            application/vnd.atlas.preview+json: {}
components:
  parameters:
    pretty: { in: query, name: pretty, schema: { type: boolean } }
  schemas:
    Old: { type: object, required: [name], properties: { name: { type: string } } }
    New: { type: object, required: [id], properties: { id: { type: string } } }
  responses:
    unauthorized:
      description: Unauthorized
      content:
        application/json: { schema: { type: object } }
"##;

    fn spec() -> Value {
        serde_yaml::from_str(SPEC).unwrap()
    }

    fn keys(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    fn header_parameter<'a>(operation: &'a Value, name: &str) -> Option<&'a Value> {
        operation["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["in"] == "header" && p["name"].as_str().unwrap().eq_ignore_ascii_case(name))
    }

    #[test]
    fn versions_are_those_operations_use() {
        assert_eq!(
            spec_versions(&spec()),
            ["2023-01-01", "2024-08-05", "preview"]
        );
    }

    #[test]
    fn unquoted_status_codes_become_string_keys() {
        let spec = spec();
        assert!(
            spec.pointer("/paths/~1api~1atlas~1v2~1things/get/responses/200")
                .is_some()
        );
    }

    #[test]
    fn a_version_keeps_only_its_own_content() {
        let copy = version_spec(&spec(), "2023-01-01");
        assert_eq!(keys(&copy["paths"]), ["/api/atlas/v2/things"]);
        let item = &copy["paths"]["/api/atlas/v2/things"];
        // serde_json sorts keys; key order means nothing to Prism here (it picks
        // media types by header and responses by status).
        assert_eq!(keys(item), ["get", "parameters", "post"]);

        let list = &item["get"]["responses"];
        assert_eq!(keys(list), ["200", "401"]);
        assert_eq!(
            keys(&list["200"]["content"]),
            [
                "application/vnd.atlas.2023-01-01+csv",
                "application/vnd.atlas.2023-01-01+json"
            ]
        );
        // Component responses are references and stay as they are.
        assert_eq!(list["401"]["$ref"], "#/components/responses/unauthorized");

        let create = &item["post"];
        assert_eq!(
            keys(&create["requestBody"]["content"]),
            ["application/vnd.atlas.2023-01-01+json"]
        );
        // 202 exists only in 2024-08-05; the unversioned error stays.
        assert_eq!(keys(&create["responses"]), ["201", "400"]);
        assert_eq!(
            keys(&create["responses"]["201"]["content"]),
            ["application/vnd.atlas.2023-01-01+json"]
        );
        assert_eq!(copy["components"], spec()["components"]);
    }

    #[test]
    fn a_later_version_drops_operations_it_does_not_have() {
        let copy = version_spec(&spec(), "2024-08-05");
        let item = &copy["paths"]["/api/atlas/v2/things"];
        assert_eq!(keys(&item["post"]["responses"]), ["201", "202", "400"]);
        assert_eq!(
            keys(&item["post"]["requestBody"]["content"]),
            ["application/vnd.atlas.2024-08-05+json"]
        );

        let preview = version_spec(&spec(), "preview");
        assert_eq!(keys(&preview["paths"]), ["/api/atlas/v2/previewThings"]);
        assert_eq!(
            keys(&preview["paths"]["/api/atlas/v2/previewThings"]),
            ["delete"]
        );

        let none = version_spec(&spec(), "2025-03-12");
        assert_eq!(keys(&none["paths"]), Vec::<&str>::new());
    }

    #[test]
    fn media_type_headers_pin_the_version() {
        let copy = version_spec(&spec(), "2023-01-01");
        let item = &copy["paths"]["/api/atlas/v2/things"];

        let list = &item["get"];
        let accept = header_parameter(list, "accept").unwrap();
        assert_eq!(
            accept["name"], "Accept",
            "the spec's own accept parameter is replaced"
        );
        assert_eq!(accept["required"], true);
        assert_eq!(
            accept["schema"]["pattern"],
            r"(?:^|,)\s*(?:application/vnd\.atlas\.2023-01-01\+csv|application/vnd\.atlas\.2023-01-01\+json)\s*(?:;[^,]*)?(?:,|$)"
        );
        assert!(header_parameter(list, "content-type").is_none());
        assert_eq!(list["parameters"].as_array().unwrap().len(), 2);

        let create = &item["post"];
        let content_type = header_parameter(create, "content-type").unwrap();
        assert_eq!(content_type["required"], true);
        assert_eq!(
            content_type["schema"]["pattern"],
            r"^\s*(?:application/vnd\.atlas\.2023-01-01\+json)\s*(?:;.*)?$"
        );
    }

    #[test]
    fn regex_escape_leaves_slashes_and_dashes() {
        assert_eq!(
            regex_escape("application/vnd.atlas.2023-01-01+json"),
            r"application/vnd\.atlas\.2023-01-01\+json"
        );
        assert_eq!(
            regex_escape(r"a(b)[c]{d}|^$?*\"),
            r"a\(b\)\[c\]\{d\}\|\^\$\?\*\\"
        );
    }

    #[test]
    fn copies_are_written_per_version() {
        let dir = std::env::temp_dir().join(format!("xtask-prism-split-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let written = write_version_specs(&spec(), &dir).unwrap();
        assert_eq!(
            written.keys().map(String::as_str).collect::<Vec<_>>(),
            ["2023-01-01", "2024-08-05", "preview"]
        );
        let text = std::fs::read_to_string(&written["preview"]).unwrap();
        let copy: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(copy, version_spec(&spec(), "preview"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
