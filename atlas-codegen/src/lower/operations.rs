//! Paths → operations: parameters, request bodies and responses, split by API version.

use std::collections::BTreeMap;

use openapiv3::{
    Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response, StatusCode,
};
use serde_json::Value;

use super::schemas::Builder;
use crate::error::{CodegenError, pointer_token};
use crate::ir::*;
use crate::media::{self, ApiVersion};
use crate::names::{field_ident, module_ident, type_ident, version_suffix};
use crate::refs::{self, Component};

pub fn build_operations(b: &mut Builder<'_>) -> Result<(Vec<Operation>, Vec<Tag>), CodegenError> {
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
    let mut operations: Vec<Operation> = Vec::new();
    let mut by_name: BTreeMap<String, String> = BTreeMap::new();
    let mut operation_ids: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for (path, item) in &spec.paths.paths {
        let item_pointer = format!("#/paths/{}", pointer_token(path));
        let ReferenceOr::Item(item) = item else {
            return Err(CodegenError::at(
                item_pointer,
                "path items given by `$ref` are not supported",
            ));
        };
        for (method_name, method, op) in [
            ("get", Method::Get, &item.get),
            ("put", Method::Put, &item.put),
            ("post", Method::Post, &item.post),
            ("delete", Method::Delete, &item.delete),
            ("patch", Method::Patch, &item.patch),
        ] {
            let Some(op) = op else { continue };
            let pointer = format!("{item_pointer}/{method_name}");
            let Some(operation_id) = op.operation_id.clone() else {
                return Err(CodegenError::at(pointer, "operation without `operationId`"));
            };
            let short_name = op
                .extensions
                .get("x-xgen-operation-id-override")
                .and_then(Value::as_str)
                .unwrap_or(&operation_id)
                .to_owned();
            if !operation_ids.insert(operation_id.clone()) {
                return Err(CodegenError::in_operation(
                    &operation_id,
                    &pointer,
                    "duplicate `operationId`: another operation already has it",
                ));
            }
            for name in [&operation_id, &short_name] {
                let ident = type_ident(name);
                if let Some(other) = by_name.get(&ident).filter(|o| **o != operation_id) {
                    return Err(CodegenError::in_operation(
                        &operation_id,
                        &pointer,
                        format!(
                            "`{name}` maps to the Rust name `{ident}`, which operation `{other}` already has (duplicate operation id?)"
                        ),
                    ));
                }
                by_name.insert(ident, operation_id.clone());
            }
            let tag_name = op
                .tags
                .first()
                .cloned()
                .unwrap_or_else(|| "Untagged".to_owned());
            let tag = match tags.iter().position(|t| t.name == tag_name) {
                Some(i) => i,
                None => {
                    tags.push(Tag {
                        module: module_ident(&tag_name),
                        name: tag_name,
                        description: None,
                    });
                    tags.len() - 1
                }
            };
            let type_name = type_ident(&short_name);
            let file = format!("{}_types", module_ident(&short_name));
            let mut o = Operation {
                operation_id: operation_id.clone(),
                fn_name: module_ident(&short_name),
                short_name,
                type_name: type_name.clone(),
                method,
                path: path.clone(),
                pointer: pointer.clone(),
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
                params: Vec::new(),
                body_required: false,
                body_description: None,
                versions: Vec::new(),
                shared_responses: Vec::new(),
            };
            let ctx = OpCtx {
                operation_id: &operation_id,
                type_name: &type_name,
                file: &file,
            };
            // Path-level parameters first; an operation's own parameter of the same name and place replaces one.
            let mut raw_params: Vec<(String, String, &Parameter)> = Vec::new();
            for (list, at) in [
                (&item.parameters, format!("{item_pointer}/parameters")),
                (&op.parameters, format!("{pointer}/parameters")),
            ] {
                for (i, p) in list.iter().enumerate() {
                    let at = format!("{at}/{i}");
                    let param = resolve::<Parameter>(b, p, &ctx, &at)?;
                    let key = (
                        param.parameter_data_ref().name.clone(),
                        std::mem::discriminant(param),
                    );
                    raw_params.retain(|(_, _, q)| {
                        (
                            q.parameter_data_ref().name.clone(),
                            std::mem::discriminant(*q),
                        ) != key
                    });
                    raw_params.push((defined_at(p, &at), at, param));
                }
            }
            for (definition, at, param) in raw_params {
                let p = lower_parameter(b, param, &ctx, &at, &definition)?;
                if o.params.iter().any(|q| q.ident == p.ident) {
                    return Err(CodegenError::in_operation(
                        &operation_id,
                        &at,
                        format!("two parameters map to the Rust name `{}`", p.ident),
                    ));
                }
                o.params.push(p);
            }
            let mut versions: BTreeMap<ApiVersion, OperationVersion> = BTreeMap::new();
            if let Some(body) = &op.request_body {
                let at = format!("{pointer}/requestBody");
                let body = resolve::<RequestBody>(b, body, &ctx, &at)?;
                o.body_required = body.required;
                o.body_description = body.description.clone();
                for (media_type, content) in &body.content {
                    let at = format!("{at}/content/{}", pointer_token(media_type));
                    let Some(media::Versioned { version, .. }) = media::versioned(media_type)
                    else {
                        return Err(CodegenError::in_operation(
                            &operation_id,
                            &at,
                            format!(
                                "request media type `{media_type}` carries no Atlas API version"
                            ),
                        ));
                    };
                    let Some(schema) = &content.schema else {
                        return Err(CodegenError::in_operation(
                            &operation_id,
                            &at,
                            "request body without a schema",
                        ));
                    };
                    // `CreateClusterV20240805Request`: the version reads as in the request type's name.
                    let hint = format!("{type_name}V{}Request", version_suffix(&version));
                    let ty = b.lower(schema, &hint, &format!("{at}/schema"), &file)?;
                    let entry = versions
                        .entry(version.clone())
                        .or_insert_with(|| new_version(version));
                    entry.request = Some(Body {
                        media_type: media_type.clone(),
                        ty,
                    });
                    entry.request_examples.extend(examples_of(content, &at));
                    if let Some(sunset) = content.extensions.get("x-sunset").and_then(Value::as_str)
                    {
                        entry.sunset = Some(sunset.to_owned());
                    }
                }
            }
            for (status, response) in &op.responses.responses {
                let code = match status {
                    StatusCode::Code(c) => *c,
                    StatusCode::Range(r) => r * 100,
                };
                let at = format!("{pointer}/responses/{code}");
                let definition = defined_at(response, &at);
                let response = resolve::<Response>(b, response, &ctx, &at)?;
                if response.content.is_empty() {
                    o.shared_responses.push(ResponseCase {
                        status: Some(code),
                        description: response.description.clone(),
                        media_type: None,
                        body: ResponseBody::None,
                        examples: Vec::new(),
                    });
                }
                for (media_type, content) in &response.content {
                    let at = format!("{at}/content/{}", pointer_token(media_type));
                    let content_at = format!("{definition}/content/{}", pointer_token(media_type));
                    let versioned = media::versioned(media_type).map(|v| v.version);
                    let is_json = media::is_json(media_type);
                    let body = match (&content.schema, is_json) {
                        (Some(schema), true) => {
                            let hint = match &versioned {
                                Some(v) => {
                                    format!("{type_name}V{}Response{code}", version_suffix(v))
                                }
                                None => format!("{type_name}Response{code}"),
                            };
                            ResponseBody::Json(b.lower(
                                schema,
                                &hint,
                                &format!("{at}/schema"),
                                &file,
                            )?)
                        }
                        (_, false) => ResponseBody::Bytes,
                        (None, true) => ResponseBody::None,
                    };
                    let case = ResponseCase {
                        status: Some(code),
                        description: response.description.clone(),
                        media_type: Some(media_type.clone()),
                        body,
                        examples: examples_of(content, &content_at),
                    };
                    match versioned {
                        Some(version) => {
                            let entry = versions
                                .entry(version.clone())
                                .or_insert_with(|| new_version(version));
                            entry.responses.push(case);
                            if let Some(sunset) =
                                content.extensions.get("x-sunset").and_then(Value::as_str)
                            {
                                entry.sunset = Some(sunset.to_owned());
                            }
                        }
                        None => o.shared_responses.push(case),
                    }
                }
            }
            o.versions = versions.into_values().collect();
            if o.versions.is_empty() {
                return Err(CodegenError::in_operation(
                    &operation_id,
                    &pointer,
                    "no versioned media type (`application/vnd.atlas.YYYY-MM-DD+json`) in its request or responses",
                ));
            }
            operations.push(o);
        }
    }
    Ok((operations, tags))
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
                content,
                &format!("{at}/content/{}", pointer_token(media_type)),
            );
            let (Some(schema), true, false) = (&content.schema, is_json, examples.is_empty())
            else {
                continue;
            };
            let schema_at = format!("{at}/content/{}/schema", pointer_token(media_type));
            let ty = b.lower(
                schema,
                &format!("{}Response", type_ident(name)),
                &schema_at,
                "component_responses",
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

fn new_version(version: ApiVersion) -> OperationVersion {
    OperationVersion {
        version,
        request: None,
        responses: Vec::new(),
        sunset: None,
        request_examples: Vec::new(),
    }
}

/// The examples of a media type, each with the JSON pointer of its value.
fn examples_of(content: &openapiv3::MediaType, at: &str) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = content
        .example
        .iter()
        .map(|e| (format!("{at}/example"), e.clone()))
        .collect();
    for (name, example) in &content.examples {
        if let ReferenceOr::Item(e) = example
            && let Some(v) = &e.value
        {
            out.push((
                format!("{at}/examples/{}/value", pointer_token(name)),
                v.clone(),
            ));
        }
    }
    out
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

struct OpCtx<'c> {
    operation_id: &'c str,
    type_name: &'c str,
    file: &'c str,
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
    let hint = format!("{}{}", ctx.type_name, type_ident(&data.name));
    let ty = b.lower(schema, &hint, &format!("{at}/schema"), ctx.file)?;
    let (default, schema_example) = match schema {
        ReferenceOr::Item(s) => (s.schema_data.default.clone(), s.schema_data.example.clone()),
        ReferenceOr::Reference { .. } => (None, None),
    };
    Ok(Param {
        ident: field_ident(&data.name),
        wire_name: data.name.clone(),
        location,
        ty,
        required: data.required || location == ParamLocation::Path,
        description: data.description.clone(),
        example: match (&data.example, schema_example) {
            (Some(e), _) => Some((format!("{definition}/example"), e.clone())),
            (None, Some(e)) => Some((format!("{definition}/schema/example"), e)),
            (None, None) => None,
        },
        default,
        deprecated: data.deprecated.unwrap_or(false),
    })
}
