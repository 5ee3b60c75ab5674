//! Request samples: for every operation and API version, a request (path, query and header
//! parameters, JSON body) that a strict OpenAPI validator accepts, for contract tests against
//! a mock server. Pure and deterministic, like the rest of the generator.
//!
//! Values come from the spec's own examples when they fit their schema (many do not), and are
//! synthesized from the schema otherwise (module `synth`). "Fit" is what a strict validator
//! checks, in request context and losslessly for the typed models ([`validate_value`]);
//! [`pattern`] matches and generates the spec's regular expressions.

pub mod pattern;
mod schema;
mod synth;
mod validate;

use std::collections::BTreeSet;

use openapiv3::{
    Example, MediaType, OpenAPI, Parameter, ParameterData, ParameterSchemaOrContent, PathItem,
    ReferenceOr, RequestBody, Response, Schema,
};
use serde_json::{Map, Value};

use self::schema::SchemaRef;
use self::synth::Sampler;
use self::validate::{Problem, Validator, fits};
use crate::error::{CodegenError, pointer_token};
use crate::media::{self, ApiVersion};
use crate::refs;

pub use self::pattern::Pattern;

/// One request for one operation at one API version.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestSample {
    pub operation_id: String,
    /// "2024-08-05" style date, or "preview": the version of the media type
    /// `application/vnd.atlas.{version}+{fmt}`.
    pub version: String,
    /// JSON pointer of the operation, e.g. `#/paths/~1api~1atlas~1v2~1groups/get`.
    pub pointer: String,
    /// Every path parameter, as the JSON value its schema types (a string for `type: string`).
    pub path: Map<String, Value>,
    /// Every required query parameter, and every optional one that has an example or default.
    pub query: Map<String, Value>,
    /// Header parameters, by the same rule as `query`.
    pub headers: Map<String, Value>,
    /// The JSON request body of this version (`application/vnd.atlas.{version}+json`), if any.
    pub body: Option<Value>,
}

/// A request sample for every (operation, API version) of the spec: paths in spec order,
/// methods in the order get, put, post, delete, patch (the order the IR uses: openapiv3 does
/// not keep the document's), versions oldest first with `preview` last.
pub fn request_samples(spec: &OpenAPI) -> Result<Vec<RequestSample>, CodegenError> {
    let strict = Validator::new(spec);
    let lenient = Validator::lenient(spec);
    let strict_sampler = Sampler::new(spec, &strict);
    let lenient_sampler = Sampler::new(spec, &lenient);
    let mut samples = Vec::new();
    for op in operations(spec)? {
        for version in &op.versions {
            match sample_of(spec, &strict_sampler, &op, version) {
                Ok(sample) => samples.push(sample),
                // A spec that contradicts itself gets the value the generated types accept.
                Err(_) => samples.push(sample_of(spec, &lenient_sampler, &op, version)?),
            }
        }
    }
    Ok(samples)
}

fn sample_of<'a>(
    spec: &'a OpenAPI,
    sampler: &Sampler<'a, '_>,
    op: &Op<'a>,
    version: &str,
) -> Result<RequestSample, CodegenError> {
    let in_context = |p: Problem| match p {
        Problem::Spec(e) => CodegenError {
            message: format!(
                "{} (sampling `{}` version {version})",
                e.message, op.operation_id
            ),
            ..e
        },
        Problem::Unfit(why) => CodegenError::in_operation(
            op.operation_id,
            &op.pointer,
            format!("version {version}: no request value fits: {why}"),
        ),
    };
    let mut sample = RequestSample {
        operation_id: op.operation_id.to_owned(),
        version: version.to_owned(),
        pointer: op.pointer.clone(),
        path: Map::new(),
        query: Map::new(),
        headers: Map::new(),
        body: None,
    };
    for param in &op.params {
        let Some(value) = param_value(spec, sampler, param).map_err(in_context)? else {
            continue;
        };
        let name = param.data.name.clone();
        match param.location {
            Location::Path => sample.path.insert(name, value),
            Location::Query => sample.query.insert(name, value),
            Location::Header => sample.headers.insert(name, value),
        };
    }
    if let Some((at, content)) = op.json_body(version) {
        sample.body = Some(body_value(spec, sampler, &at, content).map_err(in_context)?);
    }
    Ok(sample)
}

/// Checks a sample against its operation as a strict validator would: every path parameter
/// and no other, every required query and header parameter, each value and the body fitting
/// its schema (with the same validator the sampler uses).
pub fn check_request_sample<'a>(
    spec: &'a OpenAPI,
    sample: &RequestSample,
) -> Result<(), CodegenError> {
    let ops = operations(spec)?;
    let Some(op) = ops
        .iter()
        .find(|o| o.pointer == sample.pointer && o.operation_id == sample.operation_id)
    else {
        return Err(CodegenError::at(
            &sample.pointer,
            format!("no operation `{}` here", sample.operation_id),
        ));
    };
    let fail = |at: &str, message: String| {
        CodegenError::in_operation(
            op.operation_id,
            at,
            format!("version {}: {message}", sample.version),
        )
    };
    if !op.versions.contains(&sample.version) {
        return Err(fail(
            &op.pointer,
            "not a version of this operation".to_owned(),
        ));
    }
    let validator = Validator::new(spec);
    let check =
        |schema: SchemaRef<'a>, at: &str, value: &Value| match validator.check(schema, at, value) {
            Ok(()) => Ok(()),
            Err(Problem::Unfit(why)) => Err(fail(at, why)),
            Err(Problem::Spec(e)) => Err(e),
        };
    for (location, given) in [
        (Location::Path, &sample.path),
        (Location::Query, &sample.query),
        (Location::Header, &sample.headers),
    ] {
        let declared: Vec<&OpParam<'_>> = op
            .params
            .iter()
            .filter(|p| p.location == location)
            .collect();
        for (name, value) in given {
            let Some(param) = declared.iter().find(|p| &p.data.name == name) else {
                return Err(fail(
                    &op.pointer,
                    format!("`{name}` is not a {location:?} parameter"),
                ));
            };
            check(param.schema()?, &param.schema_pointer(), value)?;
        }
        for param in declared {
            if (param.data.required || location == Location::Path)
                && !given.contains_key(&param.data.name)
            {
                return Err(fail(
                    &param.at,
                    format!(
                        "the required {location:?} parameter `{}` is missing",
                        param.data.name
                    ),
                ));
            }
        }
    }
    match (op.json_body(&sample.version), &sample.body) {
        (None, None) => Ok(()),
        (Some((at, content)), Some(body)) => {
            let schema = content
                .schema
                .as_ref()
                .ok_or_else(|| fail(&at, "request body without a schema".to_owned()))?;
            check(schema.into(), &format!("{at}/schema"), body)
        }
        (Some((at, _)), None) => Err(fail(&at, "the JSON body is missing".to_owned())),
        (None, Some(_)) => Err(fail(
            &op.pointer,
            "a body for a version without a JSON body".to_owned(),
        )),
    }
}

/// Checks `value` against `schema` with the sampler's validator (request context: `readOnly`
/// properties are refused; lossless: `1` is no `number`, `1.0` no `integer`). The error says
/// where and why.
pub fn validate_value(
    spec: &OpenAPI,
    schema: &ReferenceOr<Schema>,
    value: &Value,
) -> Result<(), String> {
    match Validator::new(spec).check(schema.into(), "#", value) {
        Ok(()) => Ok(()),
        Err(Problem::Unfit(why)) => Err(why),
        Err(Problem::Spec(e)) => Err(e.to_string()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    Path,
    Query,
    Header,
}

struct OpParam<'a> {
    /// JSON pointer of the parameter where the operation lists it.
    at: String,
    location: Location,
    data: &'a ParameterData,
}

impl<'a> OpParam<'a> {
    fn schema(&self) -> Result<SchemaRef<'a>, CodegenError> {
        match &self.data.format {
            ParameterSchemaOrContent::Schema(schema) => Ok(schema.into()),
            ParameterSchemaOrContent::Content(_) => Err(CodegenError::at(
                &self.at,
                format!(
                    "parameter `{}` has `content` instead of `schema`",
                    self.data.name
                ),
            )),
        }
    }

    fn schema_pointer(&self) -> String {
        format!("{}/schema", self.at)
    }
}

struct Op<'a> {
    operation_id: &'a str,
    pointer: String,
    params: Vec<OpParam<'a>>,
    /// The request body and its pointer.
    body: Option<(String, &'a RequestBody)>,
    versions: Vec<String>,
}

impl<'a> Op<'a> {
    /// The `application/vnd.atlas.{version}+json` request content, with its pointer.
    fn json_body(&self, version: &str) -> Option<(String, &'a MediaType)> {
        let (at, body) = self.body.as_ref()?;
        body.content.iter().find_map(|(media_type, content)| {
            let versioned = media::versioned(media_type)?;
            (versioned.version.as_str() == version && versioned.format == "json").then(|| {
                (
                    format!("{at}/content/{}", pointer_token(media_type)),
                    content,
                )
            })
        })
    }
}

/// The operations of the spec, walked as `ir::operations` walks them: the same order, the same
/// parameter merging (an operation's parameter replaces the path item's of the same name and
/// place) and the same versions (request and response media types
/// `application/vnd.atlas.{version}+{format}`).
fn operations(spec: &OpenAPI) -> Result<Vec<Op<'_>>, CodegenError> {
    let mut ops = Vec::new();
    for (path, item) in &spec.paths.paths {
        let item_pointer = format!("#/paths/{}", pointer_token(path));
        let ReferenceOr::Item(item) = item else {
            return Err(CodegenError::at(
                item_pointer,
                "path items given by `$ref` are not supported",
            ));
        };
        for (method, op) in methods(item) {
            let pointer = format!("{item_pointer}/{method}");
            let Some(operation_id) = op.operation_id.as_deref() else {
                return Err(CodegenError::at(pointer, "operation without `operationId`"));
            };
            let mut params: Vec<OpParam<'_>> = Vec::new();
            for (list, list_at) in [
                (&item.parameters, format!("{item_pointer}/parameters")),
                (&op.parameters, format!("{pointer}/parameters")),
            ] {
                for (i, p) in list.iter().enumerate() {
                    let at = format!("{list_at}/{i}");
                    let (location, data) = match refs::resolve(spec, p, &at)? {
                        Parameter::Path { parameter_data, .. } => (Location::Path, parameter_data),
                        Parameter::Query { parameter_data, .. } => {
                            (Location::Query, parameter_data)
                        }
                        Parameter::Header { parameter_data, .. } => {
                            (Location::Header, parameter_data)
                        }
                        Parameter::Cookie { .. } => {
                            return Err(CodegenError::in_operation(
                                operation_id,
                                &at,
                                "cookie parameters are not part of the Atlas API",
                            ));
                        }
                    };
                    params.retain(|q| !(q.location == location && q.data.name == data.name));
                    params.push(OpParam { at, location, data });
                }
            }
            let mut versions: BTreeSet<ApiVersion> = BTreeSet::new();
            let body = match &op.request_body {
                Some(body) => {
                    let at = format!("{pointer}/requestBody");
                    let body = refs::resolve(spec, body, &at)?;
                    for media_type in body.content.keys() {
                        let Some(media::Versioned { version, .. }) = media::versioned(media_type)
                        else {
                            let at = format!("{at}/content/{}", pointer_token(media_type));
                            return Err(CodegenError::in_operation(
                                operation_id,
                                &at,
                                format!(
                                    "request media type `{media_type}` carries no Atlas API version"
                                ),
                            ));
                        };
                        versions.insert(version);
                    }
                    Some((at, body))
                }
                None => None,
            };
            for (status, response) in &op.responses.responses {
                let at = format!("{pointer}/responses/{status}");
                let response: &Response = refs::resolve(spec, response, &at)?;
                for media_type in response.content.keys() {
                    if let Some(versioned) = media::versioned(media_type) {
                        versions.insert(versioned.version);
                    }
                }
            }
            if versions.is_empty() {
                return Err(CodegenError::in_operation(
                    operation_id,
                    &pointer,
                    "no versioned media type in its request or responses",
                ));
            }
            let versions = versions.iter().map(|v| v.as_str().to_owned()).collect();
            ops.push(Op {
                operation_id,
                pointer,
                params,
                body,
                versions,
            });
        }
    }
    Ok(ops)
}

fn methods(item: &PathItem) -> impl Iterator<Item = (&'static str, &openapiv3::Operation)> {
    [
        ("get", &item.get),
        ("put", &item.put),
        ("post", &item.post),
        ("delete", &item.delete),
        ("patch", &item.patch),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.as_ref().map(|op| (method, op)))
}

/// The values of `example` and of each of `examples` (following `$ref`s), in order.
fn example_values<'a>(
    spec: &'a OpenAPI,
    example: Option<&'a Value>,
    examples: &'a indexmap::IndexMap<String, ReferenceOr<Example>>,
    at: &str,
) -> Result<Vec<&'a Value>, CodegenError> {
    let mut out: Vec<&Value> = example.into_iter().collect();
    for (name, e) in examples {
        let at = format!("{at}/examples/{}", pointer_token(name));
        if let Some(v) = &refs::resolve(spec, e, &at)?.value {
            out.push(v);
        }
    }
    Ok(out)
}

/// A parameter's value: its own examples, then its schema's example and default, the first
/// that fits; else a synthesized one. `None` for an optional parameter without any example.
fn param_value<'a>(
    spec: &'a OpenAPI,
    sampler: &Sampler<'a, '_>,
    param: &OpParam<'a>,
) -> Result<Option<Value>, Problem> {
    let schema = param.schema()?;
    let at = param.schema_pointer();
    let mut candidates = example_values(
        spec,
        param.data.example.as_ref(),
        &param.data.examples,
        &param.at,
    )?;
    candidates.extend(sampler.examples(schema, &at, true)?);
    if param.location != Location::Path && !param.data.required && candidates.is_empty() {
        return Ok(None);
    }
    let validator = sampler.validator();
    for candidate in candidates {
        // An empty array is no value at all in a query string or header.
        if !is_empty_array(candidate) && fits(validator.check(schema, &at, candidate))? {
            return Ok(Some(candidate.clone()));
        }
    }
    let value = sampler.value(schema, &at, &[])?;
    if !is_empty_array(&value) {
        return Ok(Some(value));
    }
    // A query array needs one item to be sent at all.
    let one_item = match schema_items(spec, schema, &at)? {
        Some(items) => Value::Array(vec![sampler.value(items, &format!("{at}/items"), &[])?]),
        None => {
            return Err(Problem::Unfit(format!(
                "{at}: an array parameter without `items`"
            )));
        }
    };
    validator.check(schema, &at, &one_item)?;
    Ok(Some(one_item))
}

fn is_empty_array(v: &Value) -> bool {
    v.as_array().is_some_and(Vec::is_empty)
}

fn schema_items<'a>(
    spec: &'a OpenAPI,
    schema: SchemaRef<'a>,
    at: &str,
) -> Result<Option<SchemaRef<'a>>, Problem> {
    let schema = match schema {
        SchemaRef::Inline(s) => s,
        SchemaRef::Ref(r) => schema::resolve(spec, r, at)?.1,
    };
    Ok(crate::schema_view::View::of(schema).items.map(Into::into))
}

/// The body: the media type's `example` or first fitting `examples` value, else synthesized.
fn body_value<'a>(
    spec: &'a OpenAPI,
    sampler: &Sampler<'a, '_>,
    at: &str,
    content: &'a MediaType,
) -> Result<Value, Problem> {
    let Some(schema) = &content.schema else {
        return Err(CodegenError::at(at, "request body without a schema").into());
    };
    let schema_at = format!("{at}/schema");
    let validator = sampler.validator();
    for example in example_values(spec, content.example.as_ref(), &content.examples, at)? {
        if fits(validator.check(schema.into(), &schema_at, example))? {
            return Ok(example.clone());
        }
    }
    sampler.value(schema.into(), &schema_at, &[])
}
