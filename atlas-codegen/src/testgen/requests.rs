//! A test of every (operation, version) pair: the request built from a sample made of the
//! spec's own examples (see [`super::samples`]) has the method, path, query, headers and
//! body the spec says. The expectations are computed here from the spec, independently of
//! the runtime's request builder, and written as data for `tests/spec_requests.rs`.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Value, json};

use super::samples::RequestSample;
use crate::error::CodegenError;
use crate::ir::{Ir, Operation, ParamLocation, PathSegment};

/// A parameter value as it appears in a URI or header, before percent-encoding.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The decoded path segments the request must have: literal segments as written, each
/// parameter (with the literal text that follows it in its segment) as one segment.
fn expected_segments(op: &Operation, sample: &RequestSample) -> Result<Vec<String>, CodegenError> {
    op.path_segments
        .iter()
        .map(|segment| match segment {
            PathSegment::Literal(text) => Ok(text.clone()),
            PathSegment::Param { param, suffix } => {
                let name = &op.params[*param].wire_name;
                let value = sample.path.get(name).ok_or_else(|| {
                    CodegenError::in_operation(
                        &op.operation_id,
                        &op.pointer,
                        format!(
                            "the request sample of version {} has no path parameter `{name}`",
                            sample.api_version
                        ),
                    )
                })?;
                Ok(format!("{}{suffix}", text(value)))
            }
        })
        .collect()
}

/// (name, value) pairs; an array is one pair per item, as the runtime sends them.
fn pairs(values: &serde_json::Map<String, Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, value) in values {
        match value {
            Value::Array(items) => out.extend(items.iter().map(|i| (name.clone(), text(i)))),
            other => out.push((name.clone(), text(other))),
        }
    }
    out
}

pub fn emit(ir: &Ir, samples: &[RequestSample]) -> Result<TokenStream, CodegenError> {
    let mut cases = Vec::with_capacity(samples.len());
    for sample in samples {
        let op = &ir.operations[sample.operation];
        let version = &op.versions[sample.version];
        let segments = expected_segments(op, sample)?;
        let query = pairs(&sample.query);
        let query_names: Vec<&str> = query.iter().map(|(n, _)| n.as_str()).collect();
        let query_values: Vec<&str> = query.iter().map(|(_, v)| v.as_str()).collect();
        let mut headers = pairs(&sample.headers);
        // Header names are case-insensitive: compare them in lower case.
        for (name, _) in &mut headers {
            *name = name.to_ascii_lowercase();
        }
        headers.push(("accept".to_owned(), version.endpoints[0].accept.clone()));
        let body = sample.body.as_ref().map(Value::to_string);
        if let (Some(_), Some(request)) = (&body, &version.request) {
            headers.push(("content-type".to_owned(), request.media_type.clone()));
        }
        let header_names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        let header_values: Vec<&str> = headers.iter().map(|(_, v)| v.as_str()).collect();
        // `build_request` rejects parameters the operation does not declare in that place.
        for location in [
            ParamLocation::Path,
            ParamLocation::Query,
            ParamLocation::Header,
        ] {
            for name in sample.values(location).keys() {
                if !op
                    .params
                    .iter()
                    .any(|p| p.location == location && p.wire_name == *name)
                {
                    return Err(CodegenError::in_operation(
                        &op.operation_id,
                        &op.pointer,
                        format!(
                            "the request sample sends `{name}`, which the operation does not declare there"
                        ),
                    ));
                }
            }
        }
        let args = json!({"path": sample.path, "query": sample.query, "headers": sample.headers, "body": sample.body}).to_string();
        let body = match &body {
            Some(b) => quote!(Some(#b)),
            None => quote!(None),
        };
        let operation_id = &op.operation_id;
        let version_name = version.version.as_str();
        let method = op.method.as_str();
        cases.push(quote! {
            super::Case {
                operation_id: #operation_id,
                version: #version_name,
                args: #args,
                method: #method,
                segments: &[#(#segments),*],
                query: &[#((#query_names, #query_values)),*],
                headers: &[#((#header_names, #header_values)),*],
                body: #body,
            },
        });
    }
    let total = cases.len();
    let doc = format!(
        " The {total} (operation, version) pairs of the spec, each with a sample request and what it must become."
    );
    Ok(quote! {
        //! A request sample for every (operation, API version) pair of the spec, made from the
        //! spec's own examples, with the request the spec says it must become. Driven by
        //! `tests/spec_requests.rs`.
        #[doc = #doc]
        pub const CASES: &[super::Case] = &[#(#cases)*];
    })
}
