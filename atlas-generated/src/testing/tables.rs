//! The shapes of the generated tables (`generated/testing.rs`) the fake Atlas and the
//! recorder read: what the generator found in the spec and `spec/waiters.yaml`.

/// A resource family the [`FakeAtlas`](super::FakeAtlas) keeps: a collection, its items,
/// and the operations on them (by `operationId`), as the generator found them in the spec
/// (`reports/completeness.md`, "Resource families").
#[derive(Debug)]
#[non_exhaustive]
pub struct Family {
    /// The collection's path template: `/api/atlas/v2/groups/{groupId}/clusters`.
    pub collection: &'static str,
    /// The path parameters that address an item after the collection, each with the
    /// field of the item holding it (`("clusterName", Some("name"))`), when one does; none
    /// for a singleton, whose collection is its own path.
    pub keys: &'static [(&'static str, Option<&'static str>)],
    /// The `POST` of the collection.
    pub create: Option<&'static str>,
    /// The `GET` of the collection.
    pub list: Option<&'static str>,
    /// The `GET` of an item.
    pub get: &'static str,
    /// The `PATCH` and `PUT` of an item.
    pub update: &'static [&'static str],
    /// The `DELETE` of an item.
    pub delete: Option<&'static str>,
    /// The `errorCode` of a missing item: `CLUSTER_NOT_FOUND`.
    pub not_found_code: &'static str,
    /// Read-only fields of an item and the spec's example of each, as JSON text.
    pub read_only_examples: &'static [(&'static str, &'static str)],
    /// Fields an item takes and never gives back.
    pub write_only: &'static [&'static str],
}

/// Every resource family of the spec, whether or not the build compiles its tag.
#[must_use]
pub fn families() -> &'static [Family] {
    FAMILIES
}

/// Where a polling GET's path parameter comes from.
// Made only by the generated table of walks, which a spec without waiters leaves empty.
#[allow(dead_code)]
#[derive(Debug)]
pub(crate) enum Source {
    /// The operation's path parameter of the same name.
    Input,
    /// A text field of the operation's answer: `$.name`.
    Answer(&'static str),
}

/// A long-running (operation, version) pair, and how its resource walks to the end.
#[derive(Debug)]
pub(crate) struct Walk {
    pub operation_id: &'static str,
    pub version: &'static str,
    /// The GET that polls it.
    pub poll: &'static str,
    /// The GET's path parameters.
    pub params: &'static [(&'static str, Source)],
    /// The state's JSON path (`$.stateName`, `$.statusName | $.status`); `None`: the wait
    /// ends at `404`.
    pub state: Option<&'static str>,
    pub targets: &'static [&'static str],
    pub failures: &'static [&'static str],
    /// The state shown while the work runs, and its path.
    pub passing: Option<(&'static str, &'static str)>,
}

/// A field of the spec whose value is a secret (`reports/redacted.md`): what a
/// [`Recorder`](super::Recorder) scrubs, by its name on the wire.
#[derive(Debug)]
#[non_exhaustive]
pub struct SecretField {
    /// The model's Rust name.
    pub model: &'static str,
    /// The field's name on the wire.
    pub json_name: &'static str,
    /// Whether the server may send it (it is not `writeOnly`); a recorder scrubs the
    /// others from requests only, since no answer has them.
    pub in_answers: bool,
}

/// Every secret field of the spec's models.
#[must_use]
pub fn secret_fields() -> &'static [SecretField] {
    SECRET_FIELDS
}

/// The request parameters whose value is a secret, by name.
#[must_use]
pub fn secret_parameters() -> &'static [&'static str] {
    SECRET_PARAMETERS
}

/// The generated tables.
pub(crate) use crate::generated::testing::{
    FAMILIES, SECRET_FIELDS, SECRET_PARAMETERS, SUCCESS_STATUS, WALKS,
};

/// The success status of an (operation, version) pair: `201` for a create.
pub(crate) fn success_status(operation_id: &str, version: &str) -> u16 {
    SUCCESS_STATUS
        .iter()
        .find(|(id, v, _)| *id == operation_id && *v == version)
        .map_or(200, |(_, _, status)| *status)
}
