//! Calling operations by id, with JSON arguments (cargo feature `dynamic`).
//!
//! For tools that do not know at compile time which operation they call: a CLI, a
//! proxy, a record/replay tester. Every function here goes through the typed layer:
//! arguments and bodies are decoded into the generated request types and models first,
//! so a malformed body is rejected with the path of the offending field, and what comes
//! back out is what the typed models keep.
//!
//! ```
//! use atlas_generated::dynamic;
//! use serde_json::json;
//!
//! let info = dynamic::find("getCluster").unwrap();
//! assert_eq!(info.operation_id, "getGroupCluster");
//! let request = dynamic::build_request(
//!     "getGroupCluster",
//!     None,
//!     &json!({"path": {"groupId": "32b6e34b3d91647abb20e7b8", "clusterName": "my cluster"}}),
//! )
//! .unwrap();
//! assert_eq!(
//!     request.uri().path(),
//!     "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/my%20cluster"
//! );
//! ```

use std::collections::BTreeSet;
use std::fmt;

use http::HeaderMap;
use serde_json::{Map, Value};

use crate::runtime::json::{DecodeError, Json, Path, from_slice};
use crate::runtime::limits::decode_value;
use crate::runtime::{
    BuildError, Bytes, Endpoint, NoContent, OperationInfo, ResponseError, VersionInfo,
};

/// Every operation of the spec, in spec order (the same table as
/// [`crate::registry::OPERATIONS`]).
#[must_use]
pub fn operations() -> &'static [OperationInfo] {
    crate::registry::OPERATIONS
}

/// The operation `name` names: its `operationId` (`getGroupCluster`), its short name
/// (`x-xgen-operation-id-override`, the Atlas CLI's: `getCluster`), or either written
/// another way: the Go SDK's method name (`GetCluster`) or the Rust module's
/// (`get_cluster`) — compared without case, `_` or `-`. The first of these to match wins,
/// in that order: an exact `operationId`, an exact short name, then the same loosely.
#[must_use]
pub fn find(name: &str) -> Option<&'static OperationInfo> {
    let all = operations();
    let loose = squash(name);
    all.iter()
        .find(|op| op.operation_id == name)
        .or_else(|| all.iter().find(|op| op.short_name == name))
        .or_else(|| all.iter().find(|op| squash(op.operation_id) == loose))
        .or_else(|| all.iter().find(|op| squash(op.short_name) == loose))
}

/// A name without case, `_` or `-`.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// An operation found by method and concrete path, with the path parameters the path
/// holds (percent-decoded), ready for [`build_request`]'s `{"path": ..}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The operation.
    pub operation: &'static OperationInfo,
    /// Each path parameter and its value, as a JSON string.
    pub path: Map<String, Value>,
}

/// The operation a request with this method and path would call:
/// `GET /api/atlas/v2/groups/5f1e…/clusters/c0` is `getGroupCluster`, with `groupId` and
/// `clusterName`. A query string is ignored. Where several path templates match, the one
/// with more literal segments wins (`/clusters/tenantUpgrade` over `/clusters/{name}`).
///
/// A path that a URL parser would read as another one has no route: a parameter that is
/// `.` or `..` in any percent-encoding (`/clusters/%2E%2E` is `/groups/5f1e…/` to
/// reqwest and to browsers), or holding a `\`, a tab or a line break (read as `/`, or
/// removed, in `http` and `https` URLs).
#[must_use]
pub fn find_route(method: &str, path: &str) -> Option<Route> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').collect();
    operations()
        .iter()
        .filter(|op| op.method.eq_ignore_ascii_case(method))
        .filter_map(|op| {
            let (params, literals) = match_template(op.path, &segments)?;
            Some((literals, op, params))
        })
        .max_by_key(|(literals, _, _)| *literals)
        .map(|(_, operation, path)| Route { operation, path })
}

/// The path parameters of `segments` under `template`, and how many of its segments are
/// literal, if it matches.
fn match_template(template: &str, segments: &[&str]) -> Option<(Map<String, Value>, usize)> {
    let parts: Vec<&str> = template.split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut params = Map::new();
    let mut literals = 0;
    for (part, segment) in parts.iter().zip(segments) {
        match part.strip_prefix('{').and_then(|rest| rest.split_once('}')) {
            None if part == segment => literals += 1,
            None => return None,
            Some((name, suffix)) => {
                let raw = segment.strip_suffix(suffix)?;
                if raw.is_empty() || is_ambiguous(segment) || is_ambiguous(raw) {
                    return None;
                }
                let value = percent_encoding::percent_decode_str(raw)
                    .decode_utf8()
                    .ok()?;
                params.insert(name.to_owned(), Value::String(value.into_owned()));
            }
        }
    }
    Some((params, literals))
}

/// Whether a URL parser (WHATWG, as in reqwest and browsers) could read `segment` as
/// something else than one segment of text: a dot segment in some percent-encoding, or
/// one with a `\` (a separator in `http` URLs) or a tab or line break (removed).
fn is_ambiguous(segment: &str) -> bool {
    crate::runtime::request::dot_segment(segment).is_some()
        || segment.contains(['\\', '\t', '\n', '\r'])
}

/// Builds the request of `operation_id` (or its short name) in `api_version` (its
/// default version for `None`) from JSON arguments:
/// `{"path": {..}, "query": {..}, "headers": {..}, "body": ..}`, each part optional.
///
/// Parameters are decoded into the typed request first: a string is accepted where
/// the parameter is a number or a boolean (`"5"`, `"true"`), as a command line gives
/// them. Every argument must be one the operation declares.
///
/// # Errors
///
/// A [`DynamicError`] naming the unknown operation or version, the missing, unknown or
/// malformed argument (with the path of the offending field of a body), or the
/// parameter that cannot be sent (an empty path parameter, or one that is `.` or `..` in
/// some percent-encoding).
pub fn build_request(
    operation_id: &str,
    api_version: Option<&str>,
    args: &Value,
) -> Result<http::Request<Vec<u8>>, DynamicError> {
    let (_, entry) = endpoint(operation_id, api_version)?;
    let mut args = Args::new(args)?;
    (entry.build)(&mut args)
}

/// The typed request `E` built from JSON arguments, as [`build_request`] builds it: for
/// tests that drive every request type of a kind (the waiters) from the same samples.
///
/// # Errors
///
/// As [`build_request`].
#[doc(hidden)]
pub fn typed_request<E: DynamicEndpoint>(args: &Value) -> Result<E, DynamicError> {
    let mut args = Args::new(args)?;
    let endpoint = E::from_args(&mut args)?;
    args.finish()?;
    Ok(endpoint)
}

/// Decodes a request body of `operation_id` in `api_version` into its typed model and
/// encodes it back to JSON, so that a caller can compare the two.
///
/// # Errors
///
/// [`DynamicError::Decode`] when the body is not JSON or not the model;
/// [`DynamicError::NoRequestBody`] when that version takes no body.
pub fn decode_request(
    operation_id: &str,
    api_version: &str,
    body: &[u8],
) -> Result<Value, DynamicError> {
    let (_, entry) = endpoint(operation_id, Some(api_version))?;
    (entry.decode_request)(body)
}

/// Decodes a response of `operation_id` into its typed outcome, the declared success of
/// `api_version` or the declared error, and encodes it back to JSON.
///
/// A 2xx the operation does not declare decodes as its declared success. `api_version:
/// None` is for error bodies, which do not depend on the version.
///
/// # Errors
///
/// [`DynamicError::VersionRequired`] for a 2xx without a version,
/// [`DynamicError::Decode`] for a body that is not the declared type, and
/// [`DynamicError::NotJson`] for a declared non-JSON success (`+gzip`, `+csv`).
pub fn decode_response(
    operation_id: &str,
    api_version: Option<&str>,
    status: u16,
    body: &[u8],
) -> Result<Value, DynamicError> {
    let (_, entry) = response_entry(operation_id, api_version, status)?;
    (entry.decode_response)(status, body)
}

/// The entry that decodes a `status` response of `operation_id` in `api_version`.
fn response_entry(
    operation_id: &str,
    api_version: Option<&str>,
    status: u16,
) -> Result<(&'static OperationInfo, &'static Entry), DynamicError> {
    let info = lookup(operation_id)?;
    if api_version.is_none() && (200..300).contains(&status) {
        return Err(DynamicError::VersionRequired {
            operation_id: info.operation_id,
            status,
        });
    }
    // Error bodies are the same in every version: any version can read them.
    let version = api_version
        .or(info.default_version)
        .or_else(|| info.versions.first().map(|v| v.version));
    endpoint(info.operation_id, version)
}

/// Whether a response of `operation_id` decodes as its declared outcome (the success of
/// `api_version`, or the error), as [`decode_response`] decides, without encoding it
/// back: for validators and for measuring what decoding alone takes.
///
/// # Errors
///
/// As [`decode_response`], but a declared non-JSON success is accepted.
pub fn check_response(
    operation_id: &str,
    api_version: Option<&str>,
    status: u16,
    body: &[u8],
) -> Result<(), DynamicError> {
    let (_, entry) = response_entry(operation_id, api_version, status)?;
    (entry.check_response)(status, body)
}

/// Why a dynamic call failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum DynamicError {
    /// No operation has this `operationId` or short name.
    UnknownOperation(String),
    /// The operation has no such API version.
    UnknownVersion {
        /// The operation.
        operation_id: &'static str,
        /// The version asked for.
        version: String,
        /// The versions the operation has.
        available: Vec<&'static str>,
    },
    /// No version was named, and the operation has only a preview version, which is
    /// used only when named.
    NoDefaultVersion {
        /// The operation.
        operation_id: &'static str,
    },
    /// The arguments are not an object of `path`, `query`, `headers` and `body`.
    InvalidArguments(String),
    /// A required parameter or body is missing.
    MissingArgument {
        /// `path`, `query`, `headers` or `body`.
        section: &'static str,
        /// The parameter's name as the spec spells it.
        name: String,
    },
    /// An argument the operation does not declare.
    UnknownArgument {
        /// `path`, `query` or `headers`.
        section: &'static str,
        /// The name given.
        name: String,
        /// The names the operation declares in that section.
        expected: Vec<&'static str>,
    },
    /// An argument or a body that does not decode into its type, with the path of the
    /// offending field, such as `$.body.replicationSpecs[0].regionConfigs`.
    Decode(DecodeError),
    /// The typed request could not be built (an empty path parameter, a path parameter
    /// that is `.` or `..`, a header value that cannot be sent).
    Build(BuildError),
    /// The version of the operation takes no request body.
    NoRequestBody {
        /// The operation.
        operation_id: &'static str,
        /// The version.
        version: &'static str,
    },
    /// A success response was given without naming its API version.
    VersionRequired {
        /// The operation.
        operation_id: &'static str,
        /// The response's status.
        status: u16,
    },
    /// The response is a declared non-JSON payload, which has no JSON form.
    NotJson {
        /// Its media type.
        media_type: String,
    },
}

impl fmt::Display for DynamicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DynamicError::UnknownOperation(name) => {
                write!(f, "no operation has the id or short name `{name}`")
            }
            DynamicError::UnknownVersion {
                operation_id,
                version,
                available,
            } => write!(
                f,
                "`{operation_id}` has no API version `{version}`; it has {}",
                available.join(", ")
            ),
            DynamicError::NoDefaultVersion { operation_id } => write!(
                f,
                "`{operation_id}` has only a preview version; name it: `preview`"
            ),
            DynamicError::InvalidArguments(message) => write!(f, "invalid arguments: {message}"),
            DynamicError::MissingArgument { section, name } => {
                write!(f, "missing required argument `{section}.{name}`")
            }
            DynamicError::UnknownArgument {
                section,
                name,
                expected,
            } => {
                write!(f, "the operation has no {section} parameter `{name}`")?;
                if expected.is_empty() {
                    write!(f, "; it has none")
                } else {
                    write!(f, "; it has {}", expected.join(", "))
                }
            }
            DynamicError::Decode(error) => write!(f, "{error}"),
            DynamicError::Build(error) => write!(f, "{error}"),
            DynamicError::NoRequestBody {
                operation_id,
                version,
            } => write!(
                f,
                "`{operation_id}` takes no request body in API version `{version}`"
            ),
            DynamicError::VersionRequired {
                operation_id,
                status,
            } => write!(
                f,
                "a {status} response of `{operation_id}` depends on the API version; name it"
            ),
            DynamicError::NotJson { media_type } => {
                write!(f, "the response is `{media_type}`, not JSON")
            }
        }
    }
}

impl std::error::Error for DynamicError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DynamicError::Decode(error) => Some(error),
            DynamicError::Build(error) => Some(error),
            _ => None,
        }
    }
}

impl From<DecodeError> for DynamicError {
    fn from(error: DecodeError) -> Self {
        DynamicError::Decode(error)
    }
}

impl From<BuildError> for DynamicError {
    fn from(error: BuildError) -> Self {
        DynamicError::Build(error)
    }
}

fn lookup(name: &str) -> Result<&'static OperationInfo, DynamicError> {
    find(name).ok_or_else(|| DynamicError::UnknownOperation(name.to_owned()))
}

/// The operation and the dynamic entry of its named (or default) version.
fn endpoint(
    name: &str,
    version: Option<&str>,
) -> Result<(&'static OperationInfo, &'static Entry), DynamicError> {
    let info = lookup(name)?;
    let version: &VersionInfo = match version {
        Some(wanted) => info
            .versions
            .iter()
            .find(|v| v.version == wanted)
            .ok_or_else(|| DynamicError::UnknownVersion {
                operation_id: info.operation_id,
                version: wanted.to_owned(),
                available: info.versions.iter().map(|v| v.version).collect(),
            })?,
        None => info.version(None).ok_or(DynamicError::NoDefaultVersion {
            operation_id: info.operation_id,
        })?,
    };
    let entry = crate::generated::dynamic::ENDPOINTS
        .iter()
        .find(|e| e.operation_id == info.operation_id && e.version == version.version)
        .ok_or_else(|| {
            // The generated table has an entry for every version of the registry.
            DynamicError::UnknownVersion {
                operation_id: info.operation_id,
                version: version.version.to_owned(),
                available: Vec::new(),
            }
        })?;
    Ok((info, entry))
}

/// The type-erased functions of one (operation, version) pair. Generated, one per pair.
#[doc(hidden)]
pub struct Entry {
    operation_id: &'static str,
    version: &'static str,
    build: fn(&mut Args<'_>) -> Result<http::Request<Vec<u8>>, DynamicError>,
    decode_request: fn(&[u8]) -> Result<Value, DynamicError>,
    decode_response: fn(u16, &[u8]) -> Result<Value, DynamicError>,
    check_response: fn(u16, &[u8]) -> Result<(), DynamicError>,
}

impl Entry {
    /// The entry of the request type `E`.
    #[must_use]
    pub const fn of<E: DynamicEndpoint>() -> Entry {
        Entry {
            operation_id: E::OPERATION_ID,
            version: E::VERSION,
            build: build::<E>,
            decode_request: E::decode_request_body,
            decode_response: decode::<E>,
            check_response: check::<E>,
        }
    }
}

fn build<E: DynamicEndpoint>(args: &mut Args<'_>) -> Result<http::Request<Vec<u8>>, DynamicError> {
    let endpoint = E::from_args(args)?;
    args.finish()?;
    Ok(endpoint.to_request()?)
}

fn decode<E: DynamicEndpoint>(status: u16, body: &[u8]) -> Result<Value, DynamicError>
where
    E::Success: Outcome,
    E::Error: Json,
{
    match E::decode_response(status, &HeaderMap::new(), body) {
        Ok(success) => success.to_value(),
        Err(ResponseError::Api { error, .. }) => Ok(error.to_json()),
        Err(ResponseError::Undecodable { error, .. }) => Err(DynamicError::Decode(error)),
        Err(ResponseError::UnexpectedStatus { status, .. }) => Err(unexpected(status)),
    }
}

fn check<E: DynamicEndpoint>(status: u16, body: &[u8]) -> Result<(), DynamicError> {
    match E::decode_response(status, &HeaderMap::new(), body) {
        Ok(_) | Err(ResponseError::Api { .. }) => Ok(()),
        Err(ResponseError::Undecodable { error, .. }) => Err(DynamicError::Decode(error)),
        Err(ResponseError::UnexpectedStatus { status, .. }) => Err(unexpected(status)),
    }
}

/// The error of a status the operation does not declare.
fn unexpected(status: u16) -> DynamicError {
    DynamicError::Decode(DecodeError::new(
        &Path::Root,
        format!("status {status} is not a response of the operation"),
    ))
}

/// A request type that can be built from JSON arguments. Generated for every
/// (operation, version) pair.
#[doc(hidden)]
pub trait DynamicEndpoint: Endpoint<Success: Outcome, Error: Json> + Sized {
    /// Builds the request from the arguments, taking what it declares.
    ///
    /// # Errors
    ///
    /// The first missing or malformed argument.
    fn from_args(args: &mut Args<'_>) -> Result<Self, DynamicError>;

    /// Decodes a request body into its model and encodes it again.
    ///
    /// # Errors
    ///
    /// [`DynamicError::NoRequestBody`] unless generated code says otherwise.
    fn decode_request_body(body: &[u8]) -> Result<Value, DynamicError> {
        let _ = body;
        Err(DynamicError::NoRequestBody {
            operation_id: Self::OPERATION_ID,
            version: Self::VERSION,
        })
    }
}

/// Decodes `body` as a `T` and encodes it again.
///
/// # Errors
///
/// [`DynamicError::Decode`] when the body is not JSON or not a `T`.
#[doc(hidden)]
pub fn reencode<T: Json>(body: &[u8]) -> Result<Value, DynamicError> {
    Ok(from_slice::<T>(body)?.to_json())
}

/// A decoded success, as JSON.
#[doc(hidden)]
pub trait Outcome {
    /// The JSON form of the outcome; `null` for a response without a body.
    ///
    /// # Errors
    ///
    /// [`DynamicError::NotJson`] for a non-JSON payload.
    fn to_value(&self) -> Result<Value, DynamicError>;
}

impl<T: Json> Outcome for T {
    fn to_value(&self) -> Result<Value, DynamicError> {
        Ok(self.to_json())
    }
}

impl Outcome for NoContent {
    fn to_value(&self) -> Result<Value, DynamicError> {
        Ok(self.body.clone().unwrap_or(Value::Null))
    }
}

impl Outcome for Bytes {
    fn to_value(&self) -> Result<Value, DynamicError> {
        Err(DynamicError::NotJson {
            media_type: self.media_type.clone(),
        })
    }
}

/// Where a parameter goes: the parts of the arguments object other than `body`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// `path`
    Path,
    /// `query`
    Query,
    /// `headers`
    Headers,
}

impl Section {
    const ALL: [Section; 3] = [Section::Path, Section::Query, Section::Headers];

    /// The section's key in the arguments object.
    fn key(self) -> &'static str {
        match self {
            Section::Path => "path",
            Section::Query => "query",
            Section::Headers => "headers",
        }
    }

    /// Whether `given` names the declared parameter `declared`: header names are
    /// case-insensitive, the others exact.
    fn same_name(self, declared: &str, given: &str) -> bool {
        match self {
            Section::Headers => declared.eq_ignore_ascii_case(given),
            Section::Path | Section::Query => declared == given,
        }
    }
}

/// The JSON arguments of one call, handed out parameter by parameter so that
/// arguments nobody asked for can be reported.
#[doc(hidden)]
pub struct Args<'a> {
    /// The parameters given, by [`Section`] (in the order of [`Section::ALL`]).
    sections: [Option<&'a Map<String, Value>>; 3],
    body: Option<&'a Value>,
    /// (section, name) of every parameter the operation declares.
    declared: BTreeSet<(Section, &'static str)>,
}

impl<'a> Args<'a> {
    fn new(args: &'a Value) -> Result<Self, DynamicError> {
        let object = match args {
            Value::Object(object) => object,
            Value::Null => {
                return Ok(Args {
                    sections: [None; 3],
                    body: None,
                    declared: BTreeSet::new(),
                });
            }
            other => {
                return Err(DynamicError::InvalidArguments(format!(
                    "expected an object with `path`, `query`, `headers` and `body`, found {other}"
                )));
            }
        };
        let mut sections = [None; 3];
        for (key, value) in object {
            if key == "body" {
                continue;
            }
            let section = Section::ALL
                .into_iter()
                .find(|s| s.key() == key)
                .ok_or_else(|| {
                    DynamicError::InvalidArguments(format!(
                        "unknown key `{key}`; expected `path`, `query`, `headers` or `body`"
                    ))
                })?;
            sections[section as usize] = match value {
                Value::Object(map) => Some(map),
                Value::Null => None,
                other => {
                    return Err(DynamicError::InvalidArguments(format!(
                        "`{key}` must be an object of parameters, found {other}"
                    )));
                }
            };
        }
        Ok(Args {
            sections,
            body: object.get("body").filter(|b| !b.is_null()),
            declared: BTreeSet::new(),
        })
    }

    fn lookup(&mut self, section: Section, name: &'static str) -> Option<&'a Value> {
        self.declared.insert((section, name));
        self.sections[section as usize]?
            .iter()
            .find(|(given, _)| section.same_name(name, given))
            .map(|(_, value)| value)
            .filter(|value| !value.is_null())
    }

    /// A required parameter.
    ///
    /// # Errors
    ///
    /// [`DynamicError::MissingArgument`] when absent, [`DynamicError::Decode`] when
    /// not a `T`.
    pub fn required<T: Json>(
        &mut self,
        section: Section,
        name: &'static str,
    ) -> Result<T, DynamicError> {
        match self.lookup(section, name) {
            Some(value) => decode_param(value, section.key(), name),
            None => Err(DynamicError::MissingArgument {
                section: section.key(),
                name: name.to_owned(),
            }),
        }
    }

    /// An optional parameter.
    ///
    /// # Errors
    ///
    /// [`DynamicError::Decode`] when present but not a `T`.
    pub fn optional<T: Json>(
        &mut self,
        section: Section,
        name: &'static str,
    ) -> Result<Option<T>, DynamicError> {
        self.lookup(section, name)
            .map(|value| decode_param(value, section.key(), name))
            .transpose()
    }

    /// The required request body.
    ///
    /// # Errors
    ///
    /// [`DynamicError::MissingArgument`] when absent, [`DynamicError::Decode`] with the
    /// field's path when it is not a `T`.
    pub fn body<T: Json>(&mut self) -> Result<T, DynamicError> {
        self.optional_body()?
            .ok_or_else(|| DynamicError::MissingArgument {
                section: "body",
                name: "body".to_owned(),
            })
    }

    /// The optional request body.
    ///
    /// # Errors
    ///
    /// [`DynamicError::Decode`] with the field's path when present but not a `T`.
    pub fn optional_body<T: Json>(&mut self) -> Result<Option<T>, DynamicError> {
        let Some(body) = self.body.take() else {
            return Ok(None);
        };
        let root = Path::Root;
        let path = root.key("body");
        decode_value(body.clone(), &path, |body| T::from_json(body, &path))
            .map(Some)
            .map_err(DynamicError::Decode)
    }

    /// Fails on the first argument the operation does not declare, or on a body given
    /// to an operation that takes none.
    fn finish(&self) -> Result<(), DynamicError> {
        for section in Section::ALL {
            let Some(map) = self.sections[section as usize] else {
                continue;
            };
            let declared = || {
                self.declared
                    .iter()
                    .filter(move |(s, _)| *s == section)
                    .map(|&(_, name)| name)
            };
            if let Some(given) = map
                .keys()
                .find(|given| !declared().any(|name| section.same_name(name, given)))
            {
                return Err(DynamicError::UnknownArgument {
                    section: section.key(),
                    name: given.clone(),
                    expected: declared().collect(),
                });
            }
        }
        if self.body.is_some() {
            return Err(DynamicError::InvalidArguments(
                "the operation takes no request body in this version".to_owned(),
            ));
        }
        Ok(())
    }
}

/// Decodes a parameter; a string is also accepted where a number, a boolean or an
/// array is expected (`"5"`, `"true"`), and a number or boolean where a string is.
fn decode_param<T: Json>(value: &Value, section: &str, name: &str) -> Result<T, DynamicError> {
    let root = Path::Root;
    let section_path = root.key(section);
    let path = section_path.key(name);
    let decode = |value: Value| decode_value(value, &path, |value| T::from_json(value, &path));
    let first = match decode(value.clone()) {
        Ok(decoded) => return Ok(decoded),
        Err(error) => error,
    };
    let retry = match value {
        Value::String(text) => serde_json::from_str::<Value>(text).ok(),
        Value::Number(_) | Value::Bool(_) => Some(Value::String(value.to_string())),
        _ => None,
    };
    retry
        .and_then(|again| decode(again).ok())
        .ok_or(DynamicError::Decode(first))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_by_operation_id_and_short_name() {
        assert_eq!(operations().len(), crate::registry::OPERATIONS.len());
        let by_id = find("getGroupCluster").expect("operation id");
        let by_short = find(by_id.short_name).expect("short name");
        assert_eq!(by_id, by_short);
        assert!(find("noSuchOperation").is_none());
        // The Go SDK's method name, the Rust module's, any case.
        for name in [
            "GetCluster",
            "get_cluster",
            "GETCLUSTER",
            "get-group-cluster",
        ] {
            assert_eq!(find(name), Some(by_id), "{name}");
        }
        assert_eq!(
            by_id.summary,
            Some("Return One Cluster from One Project"),
            "{by_id:?}"
        );
    }

    #[test]
    fn finds_the_operation_of_a_concrete_path() {
        let route = find_route(
            "get",
            "/api/atlas/v2/groups/5f1e2d3c4b5a69788796a5b4/clusters/c%200?pretty=true",
        )
        .expect("a route");
        assert_eq!(route.operation.operation_id, "getGroupCluster");
        assert_eq!(
            Value::Object(route.path.clone()),
            json!({"groupId": "5f1e2d3c4b5a69788796a5b4", "clusterName": "c 0"})
        );
        // The route's parameters build the same path again.
        let request = build_request(
            route.operation.operation_id,
            None,
            &json!({"path": route.path}),
        )
        .expect("builds");
        assert_eq!(
            request.uri().path(),
            "/api/atlas/v2/groups/5f1e2d3c4b5a69788796a5b4/clusters/c%200"
        );
        // Another method, another operation; a literal segment beats a parameter.
        let delete = find_route("DELETE", "/api/atlas/v2/groups/g/clusters/c0").expect("delete");
        assert_eq!(delete.operation.operation_id, "deleteGroupCluster");
        let list = find_route("GET", "/api/atlas/v2/groups/g/clusters").expect("list");
        assert_eq!(list.operation.operation_id, "listGroupClusters");
        assert!(find_route("GET", "/api/atlas/v2/nothing/here").is_none());
        assert!(find_route("GET", "/api/atlas/v2/groups//clusters").is_none());
    }

    #[test]
    fn a_path_a_url_parser_reads_otherwise_has_no_route() {
        // reqwest's `url` reads each of these as a dot segment, or splits or joins the
        // segment: the operation they seem to name is not the one they call.
        for cluster in [
            "..",
            ".",
            "%2E%2E",
            "%2e.",
            ".%2E",
            "%252e%252e",
            "a\\..",
            "\\",
            ".\t.",
            "a\nb",
            "\r",
        ] {
            let path = format!("/api/atlas/v2/groups/g/clusters/{cluster}");
            assert_eq!(find_route("DELETE", &path), None, "{path:?}");
        }
        assert_eq!(
            find_route("GET", "/api/atlas/v2/groups/%2e/clusters/c0"),
            None
        );
        // With literal text after the parameter in its segment.
        let logs = "/api/atlas/v2/groups/g/clusters/h/logs/%2E.gz";
        assert_eq!(find_route("GET", logs), None);
        // Dots that are not a dot segment, and encoded separators, are text.
        for (cluster, name) in [
            ("...", "..."),
            (".a", ".a"),
            ("..%2F", "../"),
            ("%5C", "\\"),
        ] {
            let path = format!("/api/atlas/v2/groups/g/clusters/{cluster}");
            let route = find_route("DELETE", &path).expect(cluster);
            assert_eq!(route.operation.operation_id, "deleteGroupCluster");
            assert_eq!(route.path["clusterName"], name);
        }
    }

    #[test]
    fn every_operation_is_found_from_its_own_path() {
        for op in operations() {
            // Each parameter filled with a value no literal segment has.
            let concrete: String = op
                .path
                .split('/')
                .map(|part| match part.split_once('}') {
                    Some((_, suffix)) if part.starts_with('{') => format!("v0x{suffix}"),
                    _ => part.to_owned(),
                })
                .collect::<Vec<_>>()
                .join("/");
            let route = find_route(op.method, &concrete).expect(op.operation_id);
            assert_eq!(route.operation.path, op.path, "{}", op.operation_id);
        }
    }

    #[test]
    fn every_registry_version_has_an_entry() {
        for op in operations() {
            for v in op.versions {
                assert!(
                    endpoint(op.operation_id, Some(v.version)).is_ok(),
                    "{} {}",
                    op.operation_id,
                    v.version
                );
            }
        }
    }

    #[test]
    fn unknown_and_missing_arguments_are_named() {
        let path = json!({"groupId": "32b6e34b3d91647abb20e7b8", "clusterName": "c"});
        let error = build_request(
            "getGroupCluster",
            None,
            &json!({"path": path, "query": {"prety": true}}),
        )
        .unwrap_err();
        match error {
            DynamicError::UnknownArgument {
                section,
                name,
                expected,
            } => {
                assert_eq!((section, name.as_str()), ("query", "prety"));
                assert!(expected.contains(&"pretty"), "{expected:?}");
            }
            other => panic!("{other}"),
        }
        let error =
            build_request("getGroupCluster", None, &json!({"path": {"groupId": "x"}})).unwrap_err();
        assert!(
            matches!(&error, DynamicError::MissingArgument { section: "path", name } if name == "clusterName"),
            "{error}"
        );
    }

    #[test]
    fn strings_are_accepted_for_scalars_and_malformed_bodies_name_the_field() {
        let request = build_request(
            "listGroups",
            None,
            &json!({"query": {"itemsPerPage": "5", "includeCount": "false"}}),
        )
        .unwrap();
        let query = request.uri().query().unwrap();
        assert!(query.contains("itemsPerPage=5"), "{query}");
        assert!(query.contains("includeCount=false"), "{query}");

        let error = build_request(
            "createGroup",
            Some("2023-01-01"),
            &json!({"body": {"name": 5, "orgId": "32b6e34b3d91647abb20e7b8"}}),
        )
        .unwrap_err();
        let DynamicError::Decode(decode) = &error else {
            panic!("{error}")
        };
        assert_eq!(decode.path(), "$.body.name");
    }

    #[test]
    fn versions_are_checked() {
        let error = build_request("listGroups", Some("1999-01-01"), &json!({})).unwrap_err();
        assert!(
            matches!(error, DynamicError::UnknownVersion { .. }),
            "{error}"
        );
        let error = decode_response("listGroups", None, 200, b"{}").unwrap_err();
        assert!(
            matches!(error, DynamicError::VersionRequired { status: 200, .. }),
            "{error}"
        );
    }

    #[test]
    fn error_bodies_decode_without_a_version() {
        let body = br#"{"error":404,"errorCode":"GROUP_NOT_FOUND","detail":"No group","reason":"Not Found","parameters":["x"],"extra":1}"#;
        let value = decode_response("listGroups", None, 404, body).unwrap();
        assert_eq!(value, serde_json::from_slice::<Value>(body).unwrap());
    }
}
