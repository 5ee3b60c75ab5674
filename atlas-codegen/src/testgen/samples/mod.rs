//! Request samples: for every (operation, API version) of the IR, a request (path, query and
//! header parameters, JSON body) that a strict OpenAPI validator accepts, for contract tests
//! against a mock server. Pure and deterministic, like the rest of the generator.
//!
//! The IR says which operations, versions, parameters and bodies there are; the constraints
//! a value must meet come from the schemas as the spec writes them (the IR keeps them beside
//! each parameter and body), since the types the IR makes of them keep no `pattern` or bound.
//!
//! Values come from the spec's own examples when they fit their schema (many do not), and are
//! synthesized from the schema otherwise (module `synth`). "Fit" is what a strict validator
//! checks, in request context and losslessly for the typed models ([`validate_value`]);
//! [`pattern`] matches and generates the spec's regular expressions.

pub mod pattern;
mod schema;
mod synth;
mod validate;

use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde_json::{Map, Value};

use self::schema::SchemaRef;
use self::synth::Sampler;
use self::validate::{Problem, Validator, fits};
use crate::error::CodegenError;
use crate::ir::{Body, Ir, Operation, Param, ParamLocation};
use crate::media::{self, ApiVersion};

pub use self::pattern::Pattern;

/// One request for one (operation, API version) of the IR.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestSample {
    /// Index into [`Ir::operations`].
    pub operation: usize,
    /// Index into that operation's [`versions`](Operation::versions).
    pub version: usize,
    /// The operation's id and the version, to read the sample on its own.
    pub operation_id: String,
    pub api_version: ApiVersion,
    /// Every path parameter, as the JSON value its schema types (a string for `type: string`).
    pub path: Map<String, Value>,
    /// Every required query parameter, and every optional one that has an example or default.
    pub query: Map<String, Value>,
    /// Header parameters, by the same rule as `query`.
    pub headers: Map<String, Value>,
    /// The JSON request body of this version (`application/vnd.atlas.{version}+json`), if any.
    pub body: Option<Value>,
}

/// A request sample for every (operation, API version) of the IR, in the IR's order.
pub fn request_samples(spec: &OpenAPI, ir: &Ir) -> Result<Vec<RequestSample>, CodegenError> {
    let strict = Validator::new(spec);
    let lenient = Validator::lenient(spec);
    let strict_sampler = Sampler::new(spec, &strict);
    let lenient_sampler = Sampler::new(spec, &lenient);
    let mut samples = Vec::new();
    for (operation, op) in ir.operations.iter().enumerate() {
        for version in 0..op.versions.len() {
            let at = Site { operation, version };
            match sample_of(&strict_sampler, op, at) {
                Ok(sample) => samples.push(sample),
                // A spec that contradicts itself gets the value the generated types accept.
                Err(_) => samples.push(sample_of(&lenient_sampler, op, at)?),
            }
        }
    }
    Ok(samples)
}

/// An (operation, version) by its indices in the IR.
#[derive(Clone, Copy)]
struct Site {
    operation: usize,
    version: usize,
}

fn sample_of<'a>(
    sampler: &Sampler<'a, '_>,
    op: &'a Operation,
    at: Site,
) -> Result<RequestSample, CodegenError> {
    let version = &op.versions[at.version].version;
    let in_context = |p: Problem| match p {
        Problem::Spec(e) => CodegenError {
            message: format!(
                "{} (sampling `{}` version {version})",
                e.message, op.operation_id
            ),
            ..e
        },
        Problem::Unfit(why) => CodegenError::in_operation(
            &op.operation_id,
            &op.pointer,
            format!("version {version}: no request value fits: {why}"),
        ),
    };
    let mut sample = RequestSample {
        operation: at.operation,
        version: at.version,
        operation_id: op.operation_id.clone(),
        api_version: version.clone(),
        path: Map::new(),
        query: Map::new(),
        headers: Map::new(),
        body: None,
    };
    for param in &op.params {
        let Some(value) = param_value(sampler, param).map_err(in_context)? else {
            continue;
        };
        sample
            .values_mut(param.location)
            .insert(param.wire_name.clone(), value);
    }
    if let Some(body) = json_body(op, at.version) {
        sample.body = Some(body_value(sampler, body).map_err(in_context)?);
    }
    Ok(sample)
}

impl RequestSample {
    /// The parameter values of one place.
    pub fn values(&self, location: ParamLocation) -> &Map<String, Value> {
        match location {
            ParamLocation::Path => &self.path,
            ParamLocation::Query => &self.query,
            ParamLocation::Header => &self.headers,
        }
    }

    fn values_mut(&mut self, location: ParamLocation) -> &mut Map<String, Value> {
        match location {
            ParamLocation::Path => &mut self.path,
            ParamLocation::Query => &mut self.query,
            ParamLocation::Header => &mut self.headers,
        }
    }
}

/// The version's request body, when it is JSON (`application/vnd.atlas.{version}+json`).
fn json_body(op: &Operation, version: usize) -> Option<&Body> {
    let body = op.versions[version].request.as_ref()?;
    (media::versioned(&body.media_type)?.format == "json").then_some(body)
}

/// Checks a sample against its operation as a strict validator would: every path parameter
/// and no other, every required query and header parameter, each value and the body fitting
/// its schema (with the same validator the sampler uses).
pub fn check_request_sample<'a>(
    spec: &'a OpenAPI,
    ir: &'a Ir,
    sample: &RequestSample,
) -> Result<(), CodegenError> {
    let op = ir.operations.get(sample.operation).ok_or_else(|| {
        let message = format!(
            "the sample names operation {}, which the IR has not",
            sample.operation
        );
        CodegenError::at("#/paths", message)
    })?;
    let fail = |at: &str, message: String| {
        CodegenError::in_operation(
            &op.operation_id,
            at,
            format!("version {}: {message}", sample.api_version),
        )
    };
    if op.versions.get(sample.version).map(|v| &v.version) != Some(&sample.api_version) {
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
    for location in [
        ParamLocation::Path,
        ParamLocation::Query,
        ParamLocation::Header,
    ] {
        let given = sample.values(location);
        let declared: Vec<&Param> = op
            .params
            .iter()
            .filter(|p| p.location == location)
            .collect();
        for (name, value) in given {
            let Some(param) = declared.iter().find(|p| &p.wire_name == name) else {
                return Err(fail(
                    &op.pointer,
                    format!("`{name}` is not a {location:?} parameter"),
                ));
            };
            check(
                (&param.schema).into(),
                &format!("{}/schema", param.pointer),
                value,
            )?;
        }
        for param in declared {
            if param.required && !given.contains_key(&param.wire_name) {
                return Err(fail(
                    &param.pointer,
                    format!(
                        "the required {location:?} parameter `{}` is missing",
                        param.wire_name
                    ),
                ));
            }
        }
    }
    match (json_body(op, sample.version), &sample.body) {
        (None, None) => Ok(()),
        (Some(body), Some(value)) => check(
            (&body.schema).into(),
            &format!("{}/schema", body.pointer),
            value,
        ),
        (Some(body), None) => Err(fail(&body.pointer, "the JSON body is missing".to_owned())),
        (None, Some(_)) => Err(fail(
            &op.pointer,
            "a body for a version without a JSON body".to_owned(),
        )),
    }
}

/// A value of the component schema `name` that a strict validator accepts in response
/// context (`readOnly` properties included), else one the generated types accept.
pub fn component_sample(spec: &OpenAPI, name: &str) -> Result<Value, CodegenError> {
    let pointer = crate::refs::schema_pointer(name);
    let component = spec.components.as_ref().and_then(|c| c.schemas.get(name));
    let Some(component) = component else {
        return Err(CodegenError::at(pointer, "no such schema"));
    };
    let schema = SchemaRef::from(component);
    let strict = Validator::new(spec).for_responses();
    let lenient = Validator::lenient(spec).for_responses();
    let attempt = |validator| Sampler::new(spec, validator).value(schema, &pointer, &[]);
    let why = match attempt(&strict).or_else(|_| attempt(&lenient)) {
        Ok(value) => return Ok(value),
        Err(Problem::Spec(e)) => return Err(e),
        Err(Problem::Unfit(why)) => why,
    };
    Err(CodegenError::at(
        pointer,
        format!("no sample value fits: {why}"),
    ))
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

/// A parameter's value: its own examples, then its schema's example and default, the first
/// that fits; else a synthesized one. `None` for an optional parameter without any example.
fn param_value<'a>(sampler: &Sampler<'a, '_>, param: &'a Param) -> Result<Option<Value>, Problem> {
    let schema = SchemaRef::from(&param.schema);
    let at = format!("{}/schema", param.pointer);
    let mut candidates: Vec<&Value> = param.examples.iter().map(|(_, v)| v).collect();
    candidates.extend(sampler.examples(schema, &at, true)?);
    if !param.required && candidates.is_empty() {
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
    let one_item = match sampler.items_of(schema, &at)? {
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

/// The body: the media type's `example` or first fitting `examples` value, else synthesized.
fn body_value<'a>(sampler: &Sampler<'a, '_>, body: &'a Body) -> Result<Value, Problem> {
    let schema = SchemaRef::from(&body.schema);
    let schema_at = format!("{}/schema", body.pointer);
    let validator = sampler.validator();
    for (_, example) in &body.examples {
        if fits(validator.check(schema, &schema_at, example))? {
            return Ok(example.clone());
        }
    }
    sampler.value(schema, &schema_at, &[])
}
