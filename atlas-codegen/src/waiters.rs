//! `spec/waiters.yaml`: how to wait for each long-running operation, as written.
//!
//! The file is an OpenAPI Overlay 1.0 document, the format of the Atlas CLI's watchers:
//! each action targets one operation (`$.paths['/api/atlas/v2/groups/{groupId}/clusters'].post`)
//! and adds `x-atlas-generated-waiter`: the GET that polls (`get`: its operation id, its API
//! version, and where each of its path parameters comes from, `input:<name>` for a path
//! parameter of the operation or `body:$.<field>…` for a field of its answer), and what
//! ends the wait (`expect`: `match` a state at a JSON path among `values`, with `failure`
//! values that end it with an error, or `http-code: 404`), and `after-change` for an
//! operation that changes an existing resource. A path may list alternatives,
//! `$.statusName | $.status`, the first each union branch has; a state the spec gives
//! no enum needs `values-source`, where its values are documented. This module only reads the text; the
//! waiters pass checks every fact against the spec.

use indexmap::IndexMap;
use serde::Deserialize;

use crate::error::{CodegenError, pointer_token};

/// Where the file lives, relative to the workspace root; errors name places in it.
pub const PATH: &str = "spec/waiters.yaml";

/// The waiters of a generation, as the file writes them; [`Waiters::default`] has none.
#[derive(Debug, Clone, Default)]
pub struct Waiters {
    pub(crate) entries: Vec<Entry>,
}

impl Waiters {
    /// How many actions the file has: one per operation that has a waiter.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the file declares no waiter.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One action of the overlay.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// `spec/waiters.yaml#/actions/3`: the base of every place an error names.
    pub place: String,
    /// The targeted path, as the spec writes it.
    pub path: String,
    /// The targeted method, lower case (`post`).
    pub method: String,
    pub waiter: WaiterText,
}

impl Entry {
    /// The place of a part of the entry: `part` is a pointer below its waiter
    /// (`get/params/clusterName`).
    pub fn at(&self, part: &str) -> String {
        format!("{}/update/x-atlas-generated-waiter/{part}", self.place)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Overlay {
    overlay: String,
    #[allow(dead_code)] // Read so that the document is checked as an overlay.
    info: serde_yaml::Value,
    actions: Vec<Action>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Action {
    target: String,
    #[allow(dead_code)] // Read so that it is allowed; it documents the entry's source.
    description: Option<String>,
    update: Update,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Update {
    #[serde(rename = "x-atlas-generated-waiter")]
    waiter: WaiterText,
}

/// `x-atlas-generated-waiter`, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WaiterText {
    pub get: PollText,
    pub expect: ExpectText,
    #[serde(default, rename = "after-change")]
    pub after_change: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PollText {
    #[serde(rename = "operation-id")]
    pub operation_id: String,
    pub version: String,
    /// The GET's path parameter → `input:<name>` or `body:$.<path>`.
    pub params: IndexMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExpectText {
    #[serde(rename = "match")]
    pub state: Option<MatchText>,
    #[serde(rename = "http-code")]
    pub http_code: Option<u16>,
    #[serde(default)]
    pub failure: Vec<String>,
    /// Where the values of a state the spec gives no enum are documented.
    #[serde(rename = "values-source")]
    pub values_source: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MatchText {
    pub path: String,
    pub values: Vec<String>,
}

/// Reads the text of `spec/waiters.yaml`.
///
/// # Errors
///
/// A [`CodegenError`] at the place in the file (`spec/waiters.yaml#/actions/2/update`) that
/// is not what an overlay of waiters holds, or whose target is not one operation.
pub fn parse(text: &str) -> Result<Waiters, CodegenError> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let overlay: Overlay = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let mut pointer = String::new();
        for segment in e.path().iter() {
            match segment {
                serde_path_to_error::Segment::Map { key } => {
                    pointer.push('/');
                    pointer.push_str(&pointer_token(key));
                }
                serde_path_to_error::Segment::Seq { index } => {
                    pointer.push_str(&format!("/{index}"));
                }
                _ => {}
            }
        }
        CodegenError::at(format!("{PATH}#{pointer}"), e.inner().to_string())
    })?;
    if !overlay.overlay.starts_with("1.") {
        return Err(CodegenError::at(
            format!("{PATH}#/overlay"),
            format!(
                "an Overlay 1.x document is expected, not `{}`",
                overlay.overlay
            ),
        ));
    }
    let entries = overlay
        .actions
        .into_iter()
        .enumerate()
        .map(|(index, action)| {
            let place = format!("{PATH}#/actions/{index}");
            let (path, method) = parse_target(&action.target).ok_or_else(|| {
                CodegenError::at(
                    format!("{place}/target"),
                    format!(
                        "`{}` does not name one operation: write `$.paths['<path>'].<method>`",
                        action.target
                    ),
                )
            })?;
            Ok(Entry {
                place,
                path,
                method,
                waiter: action.update.waiter,
            })
        })
        .collect::<Result<_, CodegenError>>()?;
    Ok(Waiters { entries })
}

/// `$.paths['/a/{b}'].post` → (`/a/{b}`, `post`).
fn parse_target(target: &str) -> Option<(String, String)> {
    let rest = target.strip_prefix("$.paths['")?;
    let (path, method) = rest.split_once("'].")?;
    let known = ["get", "put", "post", "delete", "patch"];
    (path.starts_with('/') && known.contains(&method)).then(|| (path.to_owned(), method.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_names_one_operation() {
        assert_eq!(
            parse_target("$.paths['/api/atlas/v2/groups/{groupId}/clusters'].post"),
            Some((
                "/api/atlas/v2/groups/{groupId}/clusters".to_owned(),
                "post".to_owned()
            ))
        );
        for bad in [
            "$.paths['/a']['post','patch']",
            "$.paths['/a'].fetch",
            "$.paths['a'].get",
            "/a",
        ] {
            assert_eq!(parse_target(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_mistake_is_named_by_its_place_in_the_file() {
        let text = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/a'].post\n    update:\n      x-atlas-generated-waiter:\n        get: {operation-id: getA, version: '2023-01-01', params: {}}\n        expect: {http-code: 404}\n        after_change: true\n";
        let error = parse(text).unwrap_err();
        assert_eq!(
            error.location.to_string(),
            "spec/waiters.yaml#/actions/0/update/x-atlas-generated-waiter/after_change"
        );
        assert!(error.message.contains("after_change"), "{error}");
        let good = text.replace("after_change", "after-change");
        assert_eq!(parse(&good).expect("parses").len(), 1);
        let error = parse(&good.replace("'/a'].post", "'/a'].fetch")).unwrap_err();
        assert_eq!(
            error.location.to_string(),
            "spec/waiters.yaml#/actions/0/target"
        );
    }
}
