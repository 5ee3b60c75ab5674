//! Paths → operations: parameters, the path template, request bodies and responses, split
//! by API version.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{
    Example, MediaType, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody,
    Response, StatusCode,
};
use serde_json::Value;

use super::schemas::Builder;
use crate::error::{CodegenError, pointer_token};
use crate::ir::*;
use crate::media::{self, ApiVersion};
use crate::names::{
    COMPONENT_RESPONSES_FILE, UNTAGGED, component_response_type, field_ident, module_ident,
    operation_module, operation_type, operation_types_file, parameter_type, request_body_type,
    response_body_type,
};
use crate::refs::{self, Component};

/// Query parameters typed requests leave out, and why: each makes the server answer in a
/// shape the request type's decoder does not read. `dynamic` refuses them too.
const LEFT_OUT_QUERY_PARAMETERS: &[(&str, &str)] = &[(
    "envelope",
    "`envelope=true` wraps the response in an object of `status` and `content`, which the typed decoder does not read",
)];

/// What the operations of a spec lower to.
pub struct Lowered {
    pub operations: Vec<Operation>,
    pub tags: Vec<Tag>,
    pub left_out: Vec<LeftOutParameter>,
}

/// Every operation of the spec, in the order of its paths and then of [`Method::ALL`]; and
/// every tag, declared ones first.
pub fn build_operations(b: &mut Builder<'_>) -> Result<Lowered, CodegenError> {
    let spec = b.spec;
    let mut tags: Vec<Tag> = spec
        .tags
        .iter()
        .map(|t| Tag {
            name: t.name.clone(),
            module: module_ident(&t.name),
            description: t.description.clone(),
        })
        .collect();
    let mut names = Names::default();
    let mut left_out: Vec<LeftOutParameter> = LEFT_OUT_QUERY_PARAMETERS
        .iter()
        .map(|(name, reason)| LeftOutParameter {
            name: (*name).to_owned(),
            location: ParamLocation::Query,
            reason: (*reason).to_owned(),
            operations: 0,
        })
        .collect();
    let mut operations = Vec::new();
    for (path, item) in &spec.paths.paths {
        let item_pointer = format!("#/paths/{}", pointer_token(path));
        let ReferenceOr::Item(item) = item else {
            return Err(CodegenError::at(
                item_pointer,
                "path items given by `$ref` are not supported",
            ));
        };
        for method in Method::ALL {
            let Some(op) = operation_of(item, method) else {
                continue;
            };
            let site = Site {
                path,
                item,
                item_pointer: item_pointer.clone(),
                pointer: format!("{item_pointer}/{}", method.key()),
                method,
            };
            let tag = tag_of(&mut tags, op);
            let lowered = lower_operation(b, &mut names, &mut left_out, &site, op, tag)?;
            operations.push(lowered);
        }
    }
    Ok(Lowered {
        operations,
        tags,
        left_out,
    })
}

fn operation_of(item: &PathItem, method: Method) -> Option<&openapiv3::Operation> {
    match method {
        Method::Get => item.get.as_ref(),
        Method::Put => item.put.as_ref(),
        Method::Post => item.post.as_ref(),
        Method::Delete => item.delete.as_ref(),
        Method::Options => item.options.as_ref(),
        Method::Head => item.head.as_ref(),
        Method::Patch => item.patch.as_ref(),
        Method::Trace => item.trace.as_ref(),
    }
}

/// Where an operation is: its path item and method.
struct Site<'a> {
    path: &'a str,
    item: &'a PathItem,
    item_pointer: String,
    pointer: String,
    method: Method,
}

/// The operation's context for lowering its parts: errors name the operation, and inline
/// types are named after it and live in its file.
struct OpCtx<'c> {
    operation_id: &'c str,
    type_name: &'c str,
    file: &'c str,
}

/// Operation ids and the Rust names derived from them, which must all be unique.
#[derive(Default)]
struct Names {
    ids: BTreeSet<String>,
    /// Rust name → the operation id that claimed it.
    idents: BTreeMap<String, String>,
}

impl Names {
    fn claim(
        &mut self,
        operation_id: &str,
        short_name: &str,
        at: &str,
    ) -> Result<(), CodegenError> {
        let error = |message: String| CodegenError::in_operation(operation_id, at, message);
        if !self.ids.insert(operation_id.to_owned()) {
            return Err(error(
                "duplicate `operationId`: another operation already has it".to_owned(),
            ));
        }
        for name in [operation_id, short_name] {
            let ident = operation_type(name);
            if let Some(other) = self.idents.get(&ident).filter(|o| *o != operation_id) {
                return Err(error(format!(
                    "`{name}` maps to the Rust name `{ident}`, which operation `{other}` already has (duplicate operation id?)"
                )));
            }
            self.idents.insert(ident, operation_id.to_owned());
        }
        Ok(())
    }
}

/// The index of the operation's first tag (`Untagged` without one), added if undeclared.
fn tag_of(tags: &mut Vec<Tag>, op: &openapiv3::Operation) -> usize {
    let name = op.tags.first().map_or(UNTAGGED, String::as_str);
    if let Some(i) = tags.iter().position(|t| t.name == name) {
        return i;
    }
    tags.push(Tag {
        module: module_ident(name),
        name: name.to_owned(),
        description: None,
    });
    tags.len() - 1
}

fn lower_operation<'a>(
    b: &mut Builder<'a>,
    names: &mut Names,
    left_out: &mut [LeftOutParameter],
    site: &Site<'a>,
    op: &'a openapiv3::Operation,
    tag: usize,
) -> Result<Operation, CodegenError> {
    let Some(operation_id) = op.operation_id.clone() else {
        return Err(CodegenError::at(
            &site.pointer,
            "operation without `operationId`",
        ));
    };
    let short_name = op
        .extensions
        .get("x-xgen-operation-id-override")
        .and_then(Value::as_str)
        .unwrap_or(&operation_id)
        .to_owned();
    names.claim(&operation_id, &short_name, &site.pointer)?;
    let type_name = operation_type(&short_name);
    let file = operation_types_file(&short_name);
    let ctx = OpCtx {
        operation_id: &operation_id,
        type_name: &type_name,
        file: &file,
    };
    let params = lower_params(b, &ctx, site, op, left_out)?;
    let path_segments = path_segments(&ctx, site, &params)?;
    let mut o = Operation {
        operation_id: operation_id.clone(),
        fn_name: operation_module(&short_name),
        short_name,
        type_name: type_name.clone(),
        method: site.method,
        path: site.path.to_owned(),
        path_segments,
        pointer: site.pointer.clone(),
        tag,
        summary: op.summary.clone(),
        description: op.description.clone(),
        docs_url: op
            .extensions
            .get("x-xgen-docs-url")
            .and_then(Value::as_str)
            .map(str::to_owned),
        roles: roles(op.extensions.get("x-rolesRequirements")),
        deprecated: op.deprecated,
        params,
        body_required: false,
        body_description: None,
        versions: Vec::new(),
        shared_responses: Vec::new(),
        default_version: None,
        aliases: Default::default(),
    };
    let mut versions = Versions::default();
    if let Some(body) = &op.request_body {
        let at = format!("{}/requestBody", site.pointer);
        let definition = defined_at(body, &at);
        let body = resolve::<RequestBody>(b, body, &ctx, &at)?;
        o.body_required = body.required;
        o.body_description = body.description.clone();
        lower_request_body(b, &ctx, body, &at, &definition, &mut versions)?;
    }
    for (status, response) in &op.responses.responses {
        let code = match status {
            StatusCode::Code(c) => *c,
            StatusCode::Range(r) => r * 100,
        };
        let at = format!("{}/responses/{code}", site.pointer);
        let definition = defined_at(response, &at);
        let response = resolve::<Response>(b, response, &ctx, &at)?;
        let shared = lower_response(b, &ctx, code, response, &at, &definition, &mut versions)?;
        o.shared_responses.extend(shared);
    }
    o.versions = versions.0.into_values().collect();
    if o.versions.is_empty() {
        return Err(CodegenError::in_operation(
            &operation_id,
            &site.pointer,
            "no versioned media type (`application/vnd.atlas.YYYY-MM-DD+json`) in its request or responses",
        ));
    }
    Ok(o)
}

/// The path item's parameters, then the operation's; an operation's parameter replaces the
/// path item's of the same name and place.
fn lower_params<'a>(
    b: &mut Builder<'a>,
    ctx: &OpCtx<'_>,
    site: &Site<'a>,
    op: &'a openapiv3::Operation,
    left_out: &mut [LeftOutParameter],
) -> Result<Vec<Param>, CodegenError> {
    let mut declared: Vec<(String, String, &'a Parameter)> = Vec::new();
    for (list, at) in [
        (
            &site.item.parameters,
            format!("{}/parameters", site.item_pointer),
        ),
        (&op.parameters, format!("{}/parameters", site.pointer)),
    ] {
        for (i, p) in list.iter().enumerate() {
            let at = format!("{at}/{i}");
            let param = resolve::<Parameter>(b, p, ctx, &at)?;
            let same_place = |q: &Parameter| {
                q.parameter_data_ref().name == param.parameter_data_ref().name
                    && std::mem::discriminant(q) == std::mem::discriminant(param)
            };
            declared.retain(|(_, _, q)| !same_place(q));
            declared.push((defined_at(p, &at), at, param));
        }
    }
    let mut params: Vec<Param> = Vec::with_capacity(declared.len());
    for (definition, at, param) in declared {
        let name = &param.parameter_data_ref().name;
        let query = matches!(param, Parameter::Query { .. });
        if let Some(rule) = left_out
            .iter_mut()
            .find(|r| query && r.location == ParamLocation::Query && r.name == *name)
        {
            rule.operations += 1;
            continue;
        }
        let p = lower_parameter(b, param, ctx, &at, &definition)?;
        if params.iter().any(|q| q.ident == p.ident) {
            return Err(CodegenError::in_operation(
                ctx.operation_id,
                &at,
                format!("two parameters map to the Rust name `{}`", p.ident),
            ));
        }
        params.push(p);
    }
    Ok(params)
}

fn lower_parameter<'a>(
    b: &mut Builder<'a>,
    p: &'a Parameter,
    ctx: &OpCtx<'_>,
    at: &str,
    definition: &str,
) -> Result<Param, CodegenError> {
    let (location, data) = match p {
        Parameter::Path { parameter_data, .. } => (ParamLocation::Path, parameter_data),
        Parameter::Query { parameter_data, .. } => (ParamLocation::Query, parameter_data),
        Parameter::Header { parameter_data, .. } => (ParamLocation::Header, parameter_data),
        Parameter::Cookie { .. } => {
            return Err(CodegenError::in_operation(
                ctx.operation_id,
                at,
                "cookie parameters are not part of the Atlas API",
            ));
        }
    };
    let ParameterSchemaOrContent::Schema(schema) = &data.format else {
        return Err(CodegenError::in_operation(
            ctx.operation_id,
            at,
            format!(
                "parameter `{}` has `content` instead of `schema`",
                data.name
            ),
        ));
    };
    let hint = parameter_type(ctx.type_name, &data.name);
    let ty = b.lower(schema, &hint, &format!("{at}/schema"), ctx.file)?;
    let format = b.format_of(schema, &format!("{at}/schema"))?;
    let mut examples = examples_of(b, data.example.as_ref(), &data.examples, definition)
        .map_err(|e| e.within_operation(ctx.operation_id))?;
    let mut default = None;
    // A referenced schema's own example is checked once, on its type.
    if let ReferenceOr::Item(s) = schema {
        let at = format!("{definition}/schema/example");
        examples.extend(
            s.schema_data
                .example
                .iter()
                .map(|e| (at.clone(), e.clone())),
        );
        default.clone_from(&s.schema_data.default);
    }
    Ok(Param {
        ident: field_ident(&data.name),
        wire_name: data.name.clone(),
        location,
        ty,
        required: data.required || location == ParamLocation::Path,
        description: data.description.clone(),
        pointer: at.to_owned(),
        schema: schema.clone(),
        examples,
        default,
        deprecated: data.deprecated.unwrap_or(false),
        format,
        secret: Vec::new(),
    })
}

/// The path template, segment by segment, each `{parameter}` resolved to a path parameter.
/// A segment holds at most one parameter, at its start; every path parameter is used.
fn path_segments(
    ctx: &OpCtx<'_>,
    site: &Site<'_>,
    params: &[Param],
) -> Result<Vec<PathSegment>, CodegenError> {
    let error =
        |message: String| CodegenError::in_operation(ctx.operation_id, &site.pointer, message);
    let mut segments = Vec::new();
    for segment in site.path.split('/').filter(|s| !s.is_empty()) {
        let Some(rest) = segment.strip_prefix('{') else {
            if segment.contains(['{', '}']) {
                return Err(error(format!(
                    "path segment `{segment}` has a parameter after literal text, or an unmatched `}}`"
                )));
            }
            segments.push(PathSegment::Literal(segment.to_owned()));
            continue;
        };
        let (wire, suffix) = rest
            .split_once('}')
            .ok_or_else(|| error(format!("unclosed `{{` in path `{}`", site.path)))?;
        if suffix.contains(['{', '}']) {
            return Err(error(format!(
                "path segment `{segment}` has more than one parameter, or an unmatched `}}`"
            )));
        }
        let param = params
            .iter()
            .position(|p| p.location == ParamLocation::Path && p.wire_name == wire)
            .ok_or_else(|| {
                error(format!(
                    "path `{}` names `{{{wire}}}`, which no path parameter declares",
                    site.path
                ))
            })?;
        segments.push(PathSegment::Param {
            param,
            suffix: suffix.to_owned(),
        });
    }
    for (index, p) in params.iter().enumerate() {
        let used = segments
            .iter()
            .any(|s| matches!(s, PathSegment::Param { param, .. } if *param == index));
        if p.location == ParamLocation::Path && !used {
            return Err(CodegenError::in_operation(
                ctx.operation_id,
                &p.pointer,
                format!(
                    "path parameter `{}` is not in the path `{}`",
                    p.wire_name, site.path
                ),
            ));
        }
    }
    Ok(segments)
}

/// The operation's versions so far, in order (see [`ApiVersion`]).
#[derive(Default)]
struct Versions(BTreeMap<ApiVersion, OperationVersion>);

impl Versions {
    fn entry(&mut self, version: ApiVersion) -> &mut OperationVersion {
        self.0
            .entry(version.clone())
            .or_insert_with(|| OperationVersion {
                version,
                request: None,
                responses: Vec::new(),
                sunset: None,
                endpoints: Vec::new(),
                paging: Paging::NotAList,
                waiter: None,
            })
    }
}

/// The `x-sunset` date of a media type, which says when its version is withdrawn.
fn sunset(content: &MediaType) -> Option<String> {
    let sunset = content.extensions.get("x-sunset")?.as_str()?;
    Some(sunset.to_owned())
}

/// Each media type of the body is the request of its version.
fn lower_request_body<'a>(
    b: &mut Builder<'a>,
    ctx: &OpCtx<'_>,
    body: &'a RequestBody,
    at: &str,
    definition: &str,
    versions: &mut Versions,
) -> Result<(), CodegenError> {
    for (media_type, content) in &body.content {
        let token = pointer_token(media_type);
        let at = format!("{at}/content/{token}");
        let pointer = format!("{definition}/content/{token}");
        let error = |message: String| CodegenError::in_operation(ctx.operation_id, &at, message);
        let Some(media::Versioned { version, .. }) = media::versioned(media_type) else {
            return Err(error(format!(
                "request media type `{media_type}` carries no Atlas API version"
            )));
        };
        let Some(schema) = &content.schema else {
            return Err(error("request body without a schema".to_owned()));
        };
        let hint = request_body_type(ctx.type_name, &version);
        let ty = b.lower(schema, &hint, &format!("{at}/schema"), ctx.file)?;
        let examples = examples_of(b, content.example.as_ref(), &content.examples, &pointer)
            .map_err(|e| e.within_operation(ctx.operation_id))?;
        let entry = versions.entry(version);
        if let Some(other) = &entry.request {
            return Err(error(format!(
                "a second request media type for API version {}, beside `{}`: a request type sends one",
                entry.version, other.media_type
            )));
        }
        entry.request = Some(Body {
            media_type: media_type.clone(),
            ty,
            pointer,
            schema: schema.clone(),
            examples,
        });
        entry.sunset = sunset(content).or(entry.sunset.take());
    }
    Ok(())
}

/// Adds each versioned media type of a response to its version; returns the cases that
/// belong to no version (no content, or `application/json`).
fn lower_response<'a>(
    b: &mut Builder<'a>,
    ctx: &OpCtx<'_>,
    code: u16,
    response: &'a Response,
    at: &str,
    definition: &str,
    versions: &mut Versions,
) -> Result<Vec<ResponseCase>, CodegenError> {
    let mut shared = Vec::new();
    if response.content.is_empty() {
        shared.push(ResponseCase {
            status: Some(code),
            description: response.description.clone(),
            media_type: None,
            body: ResponseBody::None,
            examples: Vec::new(),
        });
    }
    for (media_type, content) in &response.content {
        let at = format!("{at}/content/{}", pointer_token(media_type));
        let version = media::versioned(media_type).map(|v| v.version);
        let body = match (&content.schema, media::is_json(media_type)) {
            (Some(schema), true) => {
                let hint = response_body_type(ctx.type_name, version.as_ref(), code);
                ResponseBody::Json(b.lower(schema, &hint, &format!("{at}/schema"), ctx.file)?)
            }
            (_, false) => ResponseBody::Bytes,
            (None, true) => ResponseBody::None,
        };
        let case = ResponseCase {
            status: Some(code),
            description: response.description.clone(),
            media_type: Some(media_type.clone()),
            body,
            examples: examples_of(
                b,
                content.example.as_ref(),
                &content.examples,
                &format!("{definition}/content/{}", pointer_token(media_type)),
            )
            .map_err(|e| e.within_operation(ctx.operation_id))?,
        };
        match version {
            Some(version) => {
                let entry = versions.entry(version);
                entry.responses.push(case);
                entry.sunset = sunset(content).or(entry.sunset.take());
            }
            None => shared.push(case),
        }
    }
    Ok(shared)
}

/// See [`Ir::component_response_examples`].
pub fn component_response_examples(b: &mut Builder<'_>) -> Result<Vec<TypedExample>, CodegenError> {
    let Some(components) = &b.spec.components else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, response) in &components.responses {
        let ReferenceOr::Item(response) = response else {
            continue;
        };
        let at = format!("#/components/responses/{}", pointer_token(name));
        for (media_type, content) in &response.content {
            let is_json = media::is_json(media_type);
            let examples = examples_of(
                b,
                content.example.as_ref(),
                &content.examples,
                &format!("{at}/content/{}", pointer_token(media_type)),
            )?;
            let (Some(schema), true, false) = (&content.schema, is_json, examples.is_empty())
            else {
                continue;
            };
            let schema_at = format!("{at}/content/{}/schema", pointer_token(media_type));
            let ty = b.lower(
                schema,
                &component_response_type(name),
                &schema_at,
                COMPONENT_RESPONSES_FILE,
            )?;
            out.extend(examples.into_iter().map(|(pointer, value)| TypedExample {
                pointer,
                ty: ty.clone(),
                value,
            }));
        }
    }
    Ok(out)
}

/// The values of `example` and of each entry of `examples` (following `$ref`s to
/// `#/components/examples`) of the element defined at `at`, each with its pointer.
fn examples_of(
    b: &Builder<'_>,
    example: Option<&Value>,
    examples: &IndexMap<String, ReferenceOr<Example>>,
    at: &str,
) -> Result<Vec<(String, Value)>, CodegenError> {
    let mut out: Vec<(String, Value)> = example
        .iter()
        .map(|e| (format!("{at}/example"), (*e).clone()))
        .collect();
    for (name, entry) in examples {
        let entry_at = format!("{at}/examples/{}", pointer_token(name));
        let value_at = match entry {
            ReferenceOr::Reference { reference } => format!("{reference}/value"),
            ReferenceOr::Item(_) => format!("{entry_at}/value"),
        };
        if let Some(value) = &refs::resolve(b.spec, entry, &entry_at)?.value {
            out.push((value_at, value.clone()));
        }
    }
    Ok(out)
}

fn roles(value: Option<&Value>) -> Vec<String> {
    let Some(Value::Array(items)) = value else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|r| r.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// Where a possibly referenced element is defined: its `$ref`, or `at` when inline.
fn defined_at<T>(element: &ReferenceOr<T>, at: &str) -> String {
    match element {
        ReferenceOr::Reference { reference } => reference.clone(),
        ReferenceOr::Item(_) => at.to_owned(),
    }
}

/// An inline element, or the component its `$ref` names; an error is the operation's.
fn resolve<'a, T: Component>(
    b: &Builder<'a>,
    element: &'a ReferenceOr<T>,
    ctx: &OpCtx<'_>,
    at: &str,
) -> Result<&'a T, CodegenError> {
    refs::resolve(b.spec, element, at).map_err(|e| e.within_operation(ctx.operation_id))
}
