//! The request types of every (operation, version): which success each decodes, in which
//! format, with which `Accept` header and error type, and which version is the default.

use crate::ir::{
    Endpoint, Ir, Operation, OperationVersion, ResponseBody, ResponseCase, Success, SuccessCase,
    TypeRef,
};
use crate::media;
use crate::names::{alternate_type_name, status_variant, success_enum_name, version_type_name};

pub fn plan_endpoints(ir: &mut Ir) {
    for op in &mut ir.operations {
        let endpoints: Vec<Vec<Endpoint>> = op.versions.iter().map(|v| endpoints(op, v)).collect();
        for (v, endpoints) in op.versions.iter_mut().zip(endpoints) {
            v.endpoints = endpoints;
        }
        op.default_version = op.versions.iter().rposition(|v| !v.version.is_preview());
    }
}

fn endpoints(op: &Operation, v: &OperationVersion) -> Vec<Endpoint> {
    let type_name = version_type_name(&op.type_name, &v.version);
    let chosen = main_successes(op, v);
    let error = error_type(op, v);
    // The version's own success body decides what it accepts (`+json`, else `+gzip`,
    // `+csv`…); a version that declares none in its own media types asks for JSON.
    let accept = chosen
        .iter()
        .filter(|c| is_own(v, c))
        .find_map(|c| c.media_type.clone())
        .unwrap_or_else(|| v.version.media_type("json"));
    let main = Endpoint {
        success: success(&type_name, &chosen),
        type_name: type_name.clone(),
        accept,
        alternate: false,
        error: error.clone(),
    };
    let alternates = v
        .responses
        .iter()
        .filter(|c| is_success(c) && !chosen.iter().any(|k| std::ptr::eq(*k, *c)))
        .map(|case| {
            let format = case
                .media_type
                .as_deref()
                .and_then(media::versioned)
                .map_or("bytes", |m| m.format);
            let alternate = alternate_type_name(&type_name, format);
            Endpoint {
                success: success(&alternate, &[case]),
                type_name: alternate,
                accept: case
                    .media_type
                    .clone()
                    .unwrap_or_else(|| main.accept.clone()),
                alternate: true,
                error: error.clone(),
            }
        })
        .collect::<Vec<_>>();
    std::iter::once(main).chain(alternates).collect()
}

fn is_success(c: &ResponseCase) -> bool {
    c.status.is_some_and(|s| (200..300).contains(&s))
}

/// Whether `case` is one of the version's own responses (not one shared by all versions).
fn is_own(v: &OperationVersion, case: &ResponseCase) -> bool {
    v.responses.iter().any(|r| std::ptr::eq(r, case))
}

/// One case per success status; where a status comes in several formats (`+json` and
/// `+csv`), the JSON one: the others get request types of their own.
fn main_successes<'o>(op: &'o Operation, v: &'o OperationVersion) -> Vec<&'o ResponseCase> {
    let mut cases: Vec<&ResponseCase> = v
        .responses
        .iter()
        .chain(&op.shared_responses)
        .filter(|c| is_success(c))
        .collect();
    cases.sort_by_key(|c| (c.status, !matches!(c.body, ResponseBody::Json(_))));
    cases.dedup_by_key(|c| c.status);
    cases
}

fn success(type_name: &str, cases: &[&ResponseCase]) -> Success {
    let case = |c: &&ResponseCase| {
        let status = c.status.unwrap_or(200);
        SuccessCase {
            status,
            variant: status_variant(status),
            description: c.description.clone(),
            media_type: c.media_type.clone(),
            body: c.body.clone(),
        }
    };
    match cases {
        [] => Success::Undeclared,
        [only] => Success::One(case(only)),
        many => Success::Many {
            name: success_enum_name(type_name),
            cases: many.iter().map(case).collect(),
        },
    }
}

/// The body type of the version's error responses (and `default`), when they agree.
fn error_type(op: &Operation, v: &OperationVersion) -> Option<TypeRef> {
    let errors = v
        .responses
        .iter()
        .chain(&op.shared_responses)
        .filter(|c| c.status.is_none_or(|s| s >= 400));
    let types: Vec<&TypeRef> = errors
        .filter_map(|c| match &c.body {
            ResponseBody::Json(t) => Some(t),
            _ => None,
        })
        .collect();
    match types.first() {
        Some(first) if types.iter().all(|t| t == first) => Some((*first).clone()),
        _ => None,
    }
}
