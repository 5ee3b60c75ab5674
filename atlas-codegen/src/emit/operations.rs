//! Operations: a request type per (operation, API version), implementing `runtime::Endpoint`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{lines_to_doc, sanitize};
use super::tokens::{ident, type_tokens};
use crate::CodegenError;
use crate::ir::{
    Ir, Operation, OperationVersion, Param, ParamLocation, ResponseBody, ResponseCase, TypeKind,
    TypeRef,
};
use crate::names::version_suffix;

/// The name of the request type of one (operation, version) pair.
pub fn version_type_name(op: &Operation, v: &OperationVersion) -> String {
    format!("{}V{}", op.type_name, version_suffix(&v.version))
}

/// The version used when a caller names none: the newest that is not a preview.
pub fn default_version(op: &Operation) -> Option<&OperationVersion> {
    op.versions.iter().rev().find(|v| !v.version.is_preview())
}

fn is_success(c: &ResponseCase) -> bool {
    c.status.is_some_and(|s| (200..300).contains(&s))
}

/// One case per success status; where a status comes in several formats (`+json` and
/// `+csv`), the JSON one: the others get their own request types (see [`alternate_formats`]).
fn success_cases<'o>(op: &'o Operation, v: &'o OperationVersion) -> Vec<&'o ResponseCase> {
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

/// Success cases of a version in a format other than the one [`success_cases`] chose for
/// their status: `getOrgInvoice` 2023-01-01 answers `+json` or, when asked, `+csv`.
fn alternate_formats<'o>(op: &'o Operation, v: &'o OperationVersion) -> Vec<&'o ResponseCase> {
    let chosen = success_cases(op, v);
    v.responses
        .iter()
        .filter(|c| is_success(c) && !chosen.iter().any(|k| std::ptr::eq(*k, *c)))
        .collect()
}

/// The request type whose response decoder handles `case` of version `v`: the version's
/// own, or for another format of a success the `…Csv`-like one. `None` for an error case.
pub fn endpoint_type_name(
    op: &Operation,
    v: &OperationVersion,
    case: &ResponseCase,
) -> Option<String> {
    if success_cases(op, v).iter().any(|c| std::ptr::eq(*c, case)) {
        Some(version_type_name(op, v))
    } else if alternate_formats(op, v)
        .iter()
        .any(|c| std::ptr::eq(*c, case))
    {
        Some(alternate_type_name(op, v, case))
    } else {
        None
    }
}

fn alternate_type_name(op: &Operation, v: &OperationVersion, case: &ResponseCase) -> String {
    format!(
        "{}{}",
        version_type_name(op, v),
        format_suffix(case.media_type.as_deref())
    )
}

/// `Csv` for `application/vnd.atlas.2023-01-01+csv`.
fn format_suffix(media_type: Option<&str>) -> String {
    let format = media_type
        .and_then(|m| m.rsplit_once('+'))
        .map_or("Bytes", |(_, f)| f);
    heck::ToUpperCamelCase::to_upper_camel_case(format)
}

fn error_cases<'o>(op: &'o Operation, v: &'o OperationVersion) -> Vec<&'o ResponseCase> {
    v.responses
        .iter()
        .chain(&op.shared_responses)
        .filter(|c| c.status.is_none_or(|s| s >= 400))
        .collect()
}

/// The media type the request accepts: that of the version's chosen success body (`+json`,
/// else `+gzip`, `+csv`…), else JSON.
pub fn accept_media_type(op: &Operation, v: &OperationVersion) -> String {
    success_cases(op, v)
        .iter()
        .filter(|c| v.responses.iter().any(|r| std::ptr::eq(r, **c)))
        .find_map(|c| c.media_type.clone())
        .unwrap_or_else(|| v.version.media_type("json"))
}

fn status_variant(status: u16) -> String {
    match status {
        200 => "Ok".to_owned(),
        201 => "Created".to_owned(),
        202 => "Accepted".to_owned(),
        204 => "NoContent".to_owned(),
        s => format!("Status{s}"),
    }
}

fn body_tokens(ir: &Ir, body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::None => quote!(crate::runtime::NoContent),
        ResponseBody::Json(ty) => type_tokens(ir, ty),
        ResponseBody::Bytes => quote!(crate::runtime::Bytes),
    }
}

fn decode_tokens(body: &ResponseBody, media_type: Option<&str>) -> TokenStream {
    match body {
        ResponseBody::None => quote!(Ok(crate::runtime::decode_no_content(body))),
        ResponseBody::Json(_) => quote!(crate::runtime::decode_json(status, body)),
        ResponseBody::Bytes => {
            let media_type = media_type.unwrap_or("application/octet-stream");
            quote!(Ok(crate::runtime::bytes_body(headers, #media_type, body)))
        }
    }
}

fn param_type(ir: &Ir, p: &Param) -> TokenStream {
    let ty = type_tokens(ir, &p.ty);
    if p.required { ty } else { quote!(Option<#ty>) }
}

fn is_enum(ir: &Ir, ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Named(id) if matches!(ir.types[*id].kind, TypeKind::Enum(_)))
}

fn op_doc(ir: &Ir, op: &Operation, v: &OperationVersion) -> Vec<TokenStream> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(s) = &op.summary {
        parts.push(sanitize(s));
    }
    if let Some(d) = &op.description {
        parts.push(sanitize(d));
    }
    parts.push(format!(
        "`{} {}`, API version `{}`.",
        op.method.as_str(),
        op.path,
        v.version
    ));
    let mut facts = vec![format!("- Operation id: `{}`", op.operation_id)];
    if op.short_name != op.operation_id {
        facts.push(format!(
            "- Short name (Atlas CLI, Go SDK): `{}`",
            op.short_name
        ));
    }
    facts.push(format!("- Tag: {}", ir.tags[op.tag].name));
    let versions: Vec<String> = op
        .versions
        .iter()
        .map(|v| format!("`{}`", v.version))
        .collect();
    facts.push(format!("- Versions: {}", versions.join(", ")));
    if !op.roles.is_empty() {
        facts.push(format!(
            "- Required roles: {}",
            op.roles
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(s) = &v.sunset {
        facts.push(format!("- Sunset: {s}"));
    }
    if v.version.is_preview() {
        facts.push("- Preview: may change without notice".to_owned());
    }
    if let Some(url) = &op.docs_url {
        facts.push(format!("- Documentation: <{url}>"));
    }
    parts.push(facts.join("\n"));
    lines_to_doc(&parts.join("\n\n"))
}

pub fn emit_operation(ir: &Ir, op: &Operation) -> Result<TokenStream, CodegenError> {
    let mut out = Vec::new();
    for v in &op.versions {
        out.push(emit_version(ir, op, v, None)?);
        for alternate in alternate_formats(op, v) {
            out.push(emit_version(ir, op, v, Some(alternate))?);
        }
    }
    if let Some(v) = default_version(op) {
        let alias = ident(&op.type_name);
        let target = ident(&version_type_name(op, v));
        let doc = format!(
            " `{}` in its newest stable API version, `{}`.",
            op.operation_id, v.version
        );
        out.push(quote! {
            #[doc = #doc]
            pub type #alias = #target;
        });
    }
    Ok(quote!(#(#out)*))
}

/// The request type of one version; with `format`, the variant of it that asks for that
/// other format of the success (`…Csv`).
fn emit_version(
    ir: &Ir,
    op: &Operation,
    v: &OperationVersion,
    format: Option<&ResponseCase>,
) -> Result<TokenStream, CodegenError> {
    let type_name = match format {
        Some(case) => alternate_type_name(op, v, case),
        None => version_type_name(op, v),
    };
    let name = ident(&type_name);
    let mut docs = op_doc(ir, op, v);
    if let Some(case) = format {
        let note = format!(
            " This type asks for the `{}` form of the response.",
            case.media_type.as_deref().unwrap_or("")
        );
        docs.push(quote!(#[doc = ""]));
        docs.push(quote!(#[doc = #note]));
    }
    let deprecation = match (&v.sunset, op.deprecated) {
        (Some(date), _) => Some(format!(
            "API version {} of `{}` is sunset on {date}",
            v.version, op.operation_id
        )),
        (None, true) => Some(format!(
            "`{}` is deprecated in the Atlas API",
            op.operation_id
        )),
        (None, false) => None,
    };
    let deprecated = deprecation.map(|note| quote!(#[deprecated(note = #note)]));

    let mut fields = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    for p in &op.params {
        let fi = ident(&p.ident);
        let ty = param_type(ir, p);
        let mut text = p
            .description
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| format!("`{}`", p.wire_name));
        let place = match p.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        };
        text.push_str(&format!("\n\n{place} parameter `{}`", p.wire_name));
        if let Some(d) = &p.default {
            text.push_str(&format!("; the server's default is `{d}`"));
        }
        let docs = lines_to_doc(&text);
        let deprecated = p.deprecated.then(|| {
            let note = format!(
                "the {place} parameter `{}` is deprecated in the Atlas API",
                p.wire_name
            );
            quote!(#[deprecated(note = #note)])
        });
        fields.push(quote! { #(#docs)* #deprecated pub #fi: #ty, });
        if p.required {
            if p.ty == TypeRef::String {
                new_args.push(quote!(#fi: impl Into<String>));
                new_inits.push(quote!(#fi: #fi.into(),));
            } else {
                new_args.push(quote!(#fi: #ty));
                new_inits.push(quote!(#fi,));
            }
        } else {
            new_inits.push(quote!(#fi: None,));
        }
    }
    let dynamic_params: Vec<TokenStream> = op
        .params
        .iter()
        .map(|p| {
            let fi = ident(&p.ident);
            let wire = &p.wire_name;
            let section = match p.location {
                ParamLocation::Path => quote!(crate::dynamic::Section::Path),
                ParamLocation::Query => quote!(crate::dynamic::Section::Query),
                ParamLocation::Header => quote!(crate::dynamic::Section::Headers),
            };
            if p.required {
                quote!(#fi: args.required(#section, #wire)?,)
            } else {
                quote!(#fi: args.optional(#section, #wire)?,)
            }
        })
        .collect();
    let mut dynamic_body = quote!();
    let mut dynamic_decode_body = quote!();
    let mut body_build = quote!();
    if let Some(body) = &v.request {
        let body_ty = type_tokens(ir, &body.ty);
        dynamic_body = if op.body_required {
            quote!(body: args.body()?,)
        } else {
            quote!(body: args.optional_body()?,)
        };
        dynamic_decode_body = quote! {
            fn decode_request_body(body: &[u8]) -> Result<serde_json::Value, crate::dynamic::DynamicError> {
                crate::dynamic::reencode::<#body_ty>(body)
            }
        };
        let ty = type_tokens(ir, &body.ty);
        let media_type = &body.media_type;
        let doc = op
            .body_description
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| "The request body.".to_owned());
        let docs = lines_to_doc(&doc);
        if op.body_required {
            fields.push(quote! { #(#docs)* pub body: #ty, });
            new_args.push(quote!(body: #ty));
            new_inits.push(quote!(body,));
            body_build = quote!(request.json_body(#media_type, &self.body););
        } else {
            fields.push(quote! { #(#docs)* pub body: Option<#ty>, });
            new_inits.push(quote!(body: None,));
            body_build = quote! {
                if let Some(body) = &self.body {
                    request.json_body(#media_type, body);
                }
            };
        }
    }

    // The path, segment by segment: literal segments as they are, parameters percent-encoded
    // as one segment each, and what follows a parameter inside its segment (`.gz`, `:invite`).
    let mut path_build = Vec::new();
    for segment in op.path.split('/').filter(|s| !s.is_empty()) {
        let Some(rest) = segment.strip_prefix('{') else {
            if segment.contains('{') {
                return Err(CodegenError::in_operation(
                    &op.operation_id,
                    &op.pointer,
                    format!("path segment `{segment}` has a parameter after literal text"),
                ));
            }
            path_build.push(quote!(request.segment(#segment);));
            continue;
        };
        let (wire, suffix) = rest.split_once('}').ok_or_else(|| {
            CodegenError::in_operation(
                &op.operation_id,
                &op.pointer,
                format!("unclosed `{{` in path `{}`", op.path),
            )
        })?;
        let p = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == wire)
            .ok_or_else(|| {
                CodegenError::in_operation(
                    &op.operation_id,
                    &op.pointer,
                    format!(
                        "path `{}` names `{{{wire}}}`, which no path parameter declares",
                        op.path
                    ),
                )
            })?;
        let fi = ident(&p.ident);
        let value = if is_enum(ir, &p.ty) {
            quote!(self.#fi.as_str())
        } else {
            quote!(&self.#fi)
        };
        path_build.push(quote!(request.path_param(#wire, #value)?;));
        if !suffix.is_empty() {
            path_build.push(quote!(request.literal(#suffix);));
        }
    }
    let mut query_build = Vec::new();
    for p in &op.params {
        let fi = ident(&p.ident);
        let wire = &p.wire_name;
        match p.location {
            ParamLocation::Query => query_build.push(quote!(request.query(#wire, &self.#fi);)),
            ParamLocation::Header => query_build.push(quote!(request.header(#wire, &self.#fi)?;)),
            ParamLocation::Path => {}
        }
    }

    // Responses.
    let successes = match format {
        Some(case) => vec![case],
        None => success_cases(op, v),
    };
    let (success_ty, success_decl, mut arms, fallback_arm) = match successes.as_slice() {
        [] => (
            quote!(crate::runtime::NoContent),
            quote!(),
            Vec::new(),
            quote!(200..=299 => Ok(crate::runtime::decode_no_content(body)),),
        ),
        [only] => {
            let ty = body_tokens(ir, &only.body);
            // A single success: every 2xx decodes as it, declared or not.
            let decode = decode_tokens(&only.body, only.media_type.as_deref());
            (ty, quote!(), Vec::new(), quote!(200..=299 => #decode,))
        }
        many => {
            let success_name = format_ident!("{type_name}Success");
            let mut variants = Vec::new();
            let mut arms = Vec::new();
            for c in many {
                let status = c.status.unwrap_or(200);
                let vi = ident(&status_variant(status));
                let ty = body_tokens(ir, &c.body);
                let doc = format!(
                    " `{status}`: {}",
                    sanitize(&c.description).replace('\n', " ")
                );
                variants.push(quote! { #[doc = #doc] #vi(#ty), });
                let decode = decode_tokens(&c.body, c.media_type.as_deref());
                arms.push(quote!(#status => (#decode).map(#success_name::#vi),));
            }
            let first = &many[0];
            let vi = ident(&status_variant(first.status.unwrap_or(200)));
            let decode = decode_tokens(&first.body, first.media_type.as_deref());
            let doc = format!(" The successful outcomes of [`{name}`].");
            let outcome_arms = many.iter().map(|c| {
                let vi = ident(&status_variant(c.status.unwrap_or(200)));
                quote!(#success_name::#vi(outcome) => crate::dynamic::Outcome::to_value(outcome),)
            });
            let decl = quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, PartialEq)]
                pub enum #success_name { #(#variants)* }
                #[cfg(feature = "dynamic")]
                impl crate::dynamic::Outcome for #success_name {
                    fn to_value(&self) -> Result<serde_json::Value, crate::dynamic::DynamicError> {
                        match self { #(#outcome_arms)* }
                    }
                }
            };
            (
                quote!(#success_name),
                decl,
                arms,
                quote!(status if (200..300).contains(&status) => (#decode).map(#success_name::#vi),),
            )
        }
    };
    let errors = error_cases(op, v);
    let error_types: Vec<&TypeRef> = errors
        .iter()
        .filter_map(|c| match &c.body {
            ResponseBody::Json(t) => Some(t),
            _ => None,
        })
        .collect();
    let error_ty = match error_types.first() {
        Some(first) if error_types.iter().all(|t| t == first) => type_tokens(ir, first),
        _ => quote!(serde_json::Value),
    };
    arms.push(fallback_arm);

    let operation_id = &op.operation_id;
    let short_name = &op.short_name;
    let method = format_ident!("{}", op.method.as_str());
    let path = &op.path;
    let version = v.version.as_str();
    let accept = match format {
        Some(case) => case
            .media_type
            .clone()
            .unwrap_or_else(|| accept_media_type(op, v)),
        None => accept_media_type(op, v),
    };
    let new_doc = " A request with its required parameters; optional ones start unset.".to_owned();
    Ok(quote! {
        #(#docs)*
        #[derive(Debug, Clone, PartialEq)]
        #deprecated
        pub struct #name {
            #(#fields)*
        }
        #success_decl
        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#new_inits)* }
            }
        }
        impl crate::runtime::Endpoint for #name {
            const OPERATION_ID: &'static str = #operation_id;
            const SHORT_NAME: &'static str = #short_name;
            const METHOD: http::Method = http::Method::#method;
            const PATH: &'static str = #path;
            const VERSION: &'static str = #version;
            type Success = #success_ty;
            type Error = #error_ty;
            fn to_request(&self) -> Result<http::Request<Vec<u8>>, crate::runtime::BuildError> {
                let mut request = crate::runtime::RequestBuilder::new(http::Method::#method, #accept);
                #(#path_build)*
                #(#query_build)*
                #body_build
                request.finish()
            }
            fn decode_response(status: u16, headers: &http::HeaderMap, body: &[u8]) -> Result<Self::Success, crate::runtime::ResponseError<Self::Error>> {
                let _ = headers;
                match status {
                    #(#arms)*
                    _ => Err(crate::runtime::decode_error(status, body)),
                }
            }
        }
        #[cfg(feature = "dynamic")]
        impl crate::dynamic::DynamicEndpoint for #name {
            fn from_args(args: &mut crate::dynamic::Args<'_>) -> Result<Self, crate::dynamic::DynamicError> {
                Ok(Self { #(#dynamic_params)* #dynamic_body })
            }
            #dynamic_decode_body
        }
    })
}

/// The table of type-erased (operation, version) entries behind `atlas_generated::dynamic`.
pub fn emit_dynamic(ir: &Ir) -> TokenStream {
    let entries = ir.operations.iter().flat_map(|op| {
        let module = ident(&ir.tags[op.tag].module);
        op.versions.iter().map(move |v| {
            let name = ident(&version_type_name(op, v));
            quote!(crate::dynamic::Entry::of::<crate::operations::#module::#name>(),)
        })
    });
    quote! {
        //! One entry per (operation, version) pair, in registry order.
        pub(crate) static ENDPOINTS: &[crate::dynamic::Entry] = &[#(#entries)*];
    }
}

/// The static table of every operation, for tools that work by operation id.
pub fn emit_registry(ir: &Ir) -> TokenStream {
    let mut entries = Vec::new();
    for op in &ir.operations {
        let operation_id = &op.operation_id;
        let short_name = &op.short_name;
        let method = op.method.as_str();
        let path = &op.path;
        let tag = &ir.tags[op.tag].name;
        let deprecated = op.deprecated;
        let default_version = match default_version(op) {
            Some(v) => {
                let v = v.version.as_str();
                quote!(Some(#v))
            }
            None => quote!(None),
        };
        let versions = op.versions.iter().map(|v| {
            let version = v.version.as_str();
            let request = match &v.request {
                Some(b) => {
                    let m = &b.media_type;
                    quote!(Some(#m))
                }
                None => quote!(None),
            };
            let accept = accept_media_type(op, v);
            let others = alternate_formats(op, v).into_iter().filter_map(|c| c.media_type.clone());
            let sunset = match &v.sunset {
                Some(s) => quote!(Some(#s)),
                None => quote!(None),
            };
            let preview = v.version.is_preview();
            quote! {
                crate::runtime::VersionInfo { version: #version, request_media_type: #request, response_media_type: #accept, other_response_media_types: &[#(#others),*], sunset: #sunset, preview: #preview }
            }
        });
        entries.push(quote! {
            crate::runtime::OperationInfo {
                operation_id: #operation_id,
                short_name: #short_name,
                method: #method,
                path: #path,
                tag: #tag,
                deprecated: #deprecated,
                default_version: #default_version,
                versions: &[#(#versions),*],
            },
        });
    }
    quote! {
        //! Every operation of the spec, in spec order.
        /// One entry per operation of the spec.
        pub static OPERATIONS: &[crate::runtime::OperationInfo] = &[#(#entries)*];
    }
}
