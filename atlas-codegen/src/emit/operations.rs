//! Operations: a request type per [`Endpoint`] of each (operation, API version),
//! implementing `runtime::Endpoint`, and the alias naming the default version.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::debug::{Shown, redacting_debug};
use super::docs::{lines_to_doc, sanitize};
use super::tokens::{ident, open_to_additions, renamed_alias, type_tokens};
use super::waiters::{waitable_impl, waiter_doc};
use crate::ir::{
    Endpoint, Ir, Operation, OperationVersion, PageParam, Pagination, Paging, Param, ParamLocation,
    PathSegment, Presence, ResponseBody, Success, SuccessCase, TypeKind, TypeRef,
};
use crate::names::setter_name;
use crate::passes::pagination::NEXT;

pub fn emit_operation(ir: &Ir, op: &Operation) -> TokenStream {
    let mut out = Vec::new();
    for v in &op.versions {
        for endpoint in &v.endpoints {
            out.push(emit_endpoint(ir, op, v, endpoint));
        }
        if let (Paging::Paginated(pagination), Some(main)) = (&v.paging, v.endpoints.first()) {
            out.push(paginated_impl(ir, &main.type_name, pagination));
        }
        if let Some(waiter) = &v.waiter {
            out.push(waitable_impl(ir, v, waiter));
        }
    }
    if let Some(v) = op.default_version.map(|i| &op.versions[i]) {
        let alias = ident(&op.type_name);
        let target = ident(&v.endpoints[0].type_name);
        let mut doc = format!(
            " `{}` in its newest stable API version, `{}`.",
            op.operation_id, v.version
        );
        if v.endpoints.len() > 1 {
            doc.push_str(&format!(" Other formats: {}.", formats(&v.endpoints[1..])));
        }
        out.push(quote! {
            #[doc = #doc]
            pub type #alias = #target;
        });
    }
    for (old, new) in &op.aliases {
        let doc = format!(" `{new}` under the name it had before the spec renamed the operation.");
        out.push(renamed_alias(old, new, &doc));
    }
    quote!(#(#out)*)
}

/// The request type, its success enum, and its `Endpoint` and `DynamicEndpoint` impls.
fn emit_endpoint(ir: &Ir, op: &Operation, v: &OperationVersion, e: &Endpoint) -> TokenStream {
    let name = ident(&e.type_name);
    let docs = endpoint_docs(ir, op, v, e);
    let deprecated = deprecation(op, v).map(|note| quote!(#[deprecated(note = #note)]));
    let (fields, new_args, new_inits) = request_fields(ir, op, v);
    let setters = request_setters(ir, op, v);
    let (success_ty, success_decl, arms) = success_decoding(ir, e);
    let error_ty = match &e.error {
        Some(ty) => type_tokens(ir, ty),
        None => quote!(serde_json::Value),
    };
    let build = request_building(ir, op, v);
    let dynamic = dynamic_impl(ir, op, v, &name);
    let operation_id = &op.operation_id;
    let short_name = &op.short_name;
    let method = format_ident!("{}", op.method.as_str());
    let path = &op.path;
    let version = v.version.as_str();
    let accept = &e.accept;
    let extensible = open_to_additions();
    let new_doc = " A request with its required parameters; optional ones start unset.".to_owned();
    let (derives, debug) = if op.params.iter().any(|p| !p.secret.is_empty()) {
        let debug = redacting_debug(&name, &debug_fields(op, v));
        (quote!(#[derive(Clone, PartialEq)]), debug)
    } else {
        (quote!(#[derive(Debug, Clone, PartialEq)]), quote!())
    };
    quote! {
        #(#docs)*
        #derives
        #extensible
        #deprecated
        pub struct #name {
            #(#fields)*
        }
        #success_decl
        #debug
        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#new_inits)* }
            }
            #(#setters)*
        }
        impl crate::runtime::Endpoint for #name {
            const OPERATION_ID: &'static str = #operation_id;
            const SHORT_NAME: &'static str = #short_name;
            const METHOD: http::Method = http::Method::#method;
            const PATH: &'static str = #path;
            const VERSION: &'static str = #version;
            type Success = #success_ty;
            type Error = #error_ty;
            fn to_request_with_base(&self, base: &str) -> Result<http::Request<Vec<u8>>, crate::runtime::BuildError> {
                let mut request = crate::runtime::RequestBuilder::new(http::Method::#method, #accept);
                #build
                request.finish_with_base(base)
            }
            fn decode_response(status: u16, headers: &http::HeaderMap, body: &[u8]) -> Result<Self::Success, crate::runtime::ResponseError<Self::Error>> {
                let _ = headers;
                match status {
                    #(#arms)*
                    _ => Err(crate::runtime::decode_error(status, body)),
                }
            }
        }
        #dynamic
    }
}

/// Summary, description, method and path, and the facts a caller looks for.
fn endpoint_docs(ir: &Ir, op: &Operation, v: &OperationVersion, e: &Endpoint) -> Vec<TokenStream> {
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
    facts.push(format!("- Cargo feature: `{}`", ir.tags[op.tag].module));
    let versions: Vec<String> = op
        .versions
        .iter()
        .map(|v| format!("`{}`", v.version))
        .collect();
    facts.push(format!("- Versions: {}", versions.join(", ")));
    if !op.roles.is_empty() {
        let roles: Vec<String> = op.roles.iter().map(|r| format!("`{r}`")).collect();
        facts.push(format!("- Required roles: {}", roles.join(", ")));
    }
    if v.endpoints.len() > 1 {
        // Each format of the answer is its own request type: name them all, linked.
        facts.push(format!("- Formats: {}", formats(&v.endpoints)));
    }
    if let Some(waiter) = v.waiter.as_ref().filter(|_| !e.alternate) {
        facts.push(waiter_doc(ir, waiter));
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
    let mut docs = lines_to_doc(&parts.join("\n\n"));
    if e.alternate {
        let note = format!(
            " This type asks for the `{}` form of the response.",
            e.accept
        );
        docs.push(quote!(#[doc = ""]));
        docs.push(quote!(#[doc = #note]));
    }
    docs
}

/// Request types of one version's formats, each linked with the `Accept` it sends.
fn formats(endpoints: &[Endpoint]) -> String {
    let linked: Vec<String> = endpoints
        .iter()
        .map(|f| format!("[`{}`] (`{}`)", f.type_name, f.accept))
        .collect();
    linked.join(", ")
}

/// Why the request type is deprecated: its version is sunset, or the operation deprecated.
fn deprecation(op: &Operation, v: &OperationVersion) -> Option<String> {
    match (&v.sunset, op.deprecated) {
        (Some(date), _) => Some(format!(
            "API version {} of `{}` is sunset on {date}",
            v.version, op.operation_id
        )),
        (None, true) => Some(format!(
            "`{}` is deprecated in the Atlas API",
            op.operation_id
        )),
        (None, false) => None,
    }
}

/// `#[deprecated]` for the field and setter of a parameter the spec deprecates.
fn deprecated_param(p: &Param) -> Option<TokenStream> {
    p.deprecated.then(|| {
        let note = format!(
            "the {} parameter `{}` is deprecated in the Atlas API",
            place(p),
            p.wire_name
        );
        quote!(#[deprecated(note = #note)])
    })
}

fn place(p: &Param) -> &'static str {
    match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

/// The request type's fields (a parameter each, and the body), and the arguments and
/// initialisers of `new`: required ones are arguments, optional ones start unset.
fn request_fields(
    ir: &Ir,
    op: &Operation,
    v: &OperationVersion,
) -> (Vec<TokenStream>, Vec<TokenStream>, Vec<TokenStream>) {
    let mut fields = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    for p in &op.params {
        let fi = ident(&p.ident);
        let ty = type_tokens(ir, &p.ty);
        let field_ty = if p.required {
            ty.clone()
        } else {
            quote!(Option<#ty>)
        };
        let mut text = p
            .description
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| format!("`{}`", p.wire_name));
        text.push_str(&format!("\n\n{} parameter `{}`", place(p), p.wire_name));
        if let Some(d) = &p.default {
            text.push_str(&format!("; the server's default is `{d}`"));
        }
        if !p.secret.is_empty() {
            text.push_str(
                ". `Debug` shows whether it is set, never its value (see `reports/redacted.md`).",
            );
        }
        let docs = lines_to_doc(&text);
        let deprecated = deprecated_param(p);
        fields.push(quote! { #(#docs)* #deprecated pub #fi: #field_ty, });
        match (p.required, &p.ty) {
            (true, TypeRef::String) => {
                new_args.push(quote!(#fi: impl Into<String>));
                new_inits.push(quote!(#fi: #fi.into(),));
            }
            (true, _) => {
                new_args.push(quote!(#fi: #ty));
                new_inits.push(quote!(#fi,));
            }
            (false, _) => new_inits.push(quote!(#fi: None,)),
        }
    }
    if let Some(body) = &v.request {
        let ty = type_tokens(ir, &body.ty);
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
        } else {
            fields.push(quote! { #(#docs)* pub body: Option<#ty>, });
            new_inits.push(quote!(body: None,));
        }
    }
    (fields, new_args, new_inits)
}

/// How the request type's `Debug` shows each field: its secret parameters redacted, the
/// rest (the body too, which redacts its own secrets) as derived.
fn debug_fields<'a>(op: &'a Operation, v: &OperationVersion) -> Vec<(&'a str, Shown)> {
    let mut fields: Vec<(&str, Shown)> = op
        .params
        .iter()
        .map(|p| {
            let shown = match (p.secret.is_empty(), p.required) {
                (true, _) => Shown::Value,
                (false, true) => Shown::Redacted(Presence::Required),
                (false, false) => Shown::Redacted(Presence::Optional),
            };
            (p.ident.as_str(), shown)
        })
        .collect();
    if v.request.is_some() {
        fields.push(("body", Shown::Value));
    }
    fields
}

/// A chainable setter for each optional parameter (and an optional body):
/// `ListClusters::new(group).items_per_page(500)`.
fn request_setters(ir: &Ir, op: &Operation, v: &OperationVersion) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for p in op.params.iter().filter(|p| !p.required) {
        let fi = ident(&p.ident);
        let setter = ident(&setter_name(&p.ident));
        let ty = type_tokens(ir, &p.ty);
        let doc = format!(" Sets the {} parameter `{}`.", place(p), p.wire_name);
        let deprecated = deprecated_param(p);
        out.push(quote! {
            #[doc = #doc]
            #deprecated
            #[inline]
            #[must_use]
            pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                self.#fi = Some(value.into());
                self
            }
        });
    }
    if let Some(body) = v.request.as_ref().filter(|_| !op.body_required) {
        let ty = type_tokens(ir, &body.ty);
        out.push(quote! {
            /// Sets the request body.
            #[inline]
            #[must_use]
            pub fn body(mut self, body: impl Into<#ty>) -> Self {
                self.body = Some(body.into());
                self
            }
        });
    }
    out
}

/// The body of `to_request` after the builder: the path segment by segment (parameters
/// percent-encoded as one segment each), the query and headers, and the body.
fn request_building(ir: &Ir, op: &Operation, v: &OperationVersion) -> TokenStream {
    let mut out = Vec::new();
    for segment in &op.path_segments {
        match segment {
            PathSegment::Literal(text) => out.push(quote!(request.segment(#text);)),
            PathSegment::Param { param, suffix } => {
                let p = &op.params[*param];
                let fi = ident(&p.ident);
                let wire = &p.wire_name;
                let value = if is_enum(ir, &p.ty) {
                    quote!(self.#fi.as_str())
                } else {
                    quote!(&self.#fi)
                };
                out.push(quote!(request.path_param(#wire, #value)?;));
                if !suffix.is_empty() {
                    out.push(quote!(request.literal(#suffix);));
                }
            }
        }
    }
    for p in &op.params {
        let fi = ident(&p.ident);
        let wire = &p.wire_name;
        match p.location {
            ParamLocation::Query => out.push(quote!(request.query(#wire, &self.#fi);)),
            ParamLocation::Header => out.push(quote!(request.header(#wire, &self.#fi)?;)),
            ParamLocation::Path => {}
        }
    }
    if let Some(body) = &v.request {
        let media_type = &body.media_type;
        out.push(if op.body_required {
            quote!(request.json_body(#media_type, &self.body);)
        } else {
            quote! {
                if let Some(body) = &self.body {
                    request.json_body(#media_type, body);
                }
            }
        });
    }
    quote!(#(#out)*)
}

fn is_enum(ir: &Ir, ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Named(id) if matches!(ir.types[*id].kind, TypeKind::Enum(_)))
}

/// The `Success` type, its declaration when it is an enum of several statuses, and the
/// match arms of `decode_response` for 2xx statuses.
fn success_decoding(ir: &Ir, e: &Endpoint) -> (TokenStream, TokenStream, Vec<TokenStream>) {
    match &e.success {
        Success::Undeclared => (
            quote!(crate::runtime::NoContent),
            quote!(),
            vec![quote!(200..=299 => Ok(crate::runtime::decode_no_content(body)),)],
        ),
        Success::One(only) => {
            let ty = body_tokens(ir, &only.body);
            let decode = decode_tokens(only);
            (ty, quote!(), vec![quote!(200..=299 => #decode,)])
        }
        Success::Many { name, cases } => {
            let success_name = ident(name);
            let mut variants = Vec::new();
            let mut arms = Vec::new();
            for c in cases {
                let status = c.status;
                let vi = ident(&c.variant);
                let ty = body_tokens(ir, &c.body);
                let doc = format!(
                    " `{status}`: {}",
                    sanitize(&c.description).replace('\n', " ")
                );
                variants.push(quote! { #[doc = #doc] #vi(#ty), });
                let decode = decode_tokens(c);
                arms.push(quote!(#status => (#decode).map(#success_name::#vi),));
            }
            let first = &cases[0];
            let vi = ident(&first.variant);
            let decode = decode_tokens(first);
            arms.push(quote!(status if (200..300).contains(&status) => (#decode).map(#success_name::#vi),));
            let doc = format!(" The successful outcomes of [`{}`].", e.type_name);
            let outcome_arms = cases.iter().map(|c| {
                let vi = ident(&c.variant);
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
            (quote!(#success_name), decl, arms)
        }
    }
}

/// What a success body decodes to (also how `diff` names it).
pub(crate) fn body_tokens(ir: &Ir, body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::None => quote!(crate::runtime::NoContent),
        ResponseBody::Json(ty) => type_tokens(ir, ty),
        ResponseBody::Bytes => quote!(crate::runtime::Bytes),
    }
}

fn decode_tokens(case: &SuccessCase) -> TokenStream {
    match &case.body {
        ResponseBody::None => quote!(Ok(crate::runtime::decode_no_content(body))),
        ResponseBody::Json(_) => quote!(crate::runtime::decode_json(status, body)),
        ResponseBody::Bytes => {
            let media_type = case
                .media_type
                .as_deref()
                .unwrap_or("application/octet-stream");
            quote!(Ok(crate::runtime::bytes_body(headers, #media_type, body)))
        }
    }
}

/// Building the request type from JSON arguments, for `atlas_generated::dynamic`.
fn dynamic_impl(
    ir: &Ir,
    op: &Operation,
    v: &OperationVersion,
    name: &proc_macro2::Ident,
) -> TokenStream {
    let fields = op.params.iter().map(|p| {
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
    });
    let (body, decode_body) = match &v.request {
        Some(body) => {
            let body_ty = type_tokens(ir, &body.ty);
            let arg = if op.body_required {
                quote!(body: args.body()?,)
            } else {
                quote!(body: args.optional_body()?,)
            };
            let decode = quote! {
                fn decode_request_body(body: &[u8]) -> Result<serde_json::Value, crate::dynamic::DynamicError> {
                    crate::dynamic::reencode::<#body_ty>(body)
                }
            };
            (arg, decode)
        }
        None => (quote!(), quote!()),
    };
    // A request with nothing to fill in does not read its arguments.
    let args = if op.params.is_empty() && v.request.is_none() {
        quote!(_args)
    } else {
        quote!(args)
    };
    quote! {
        #[cfg(feature = "dynamic")]
        impl crate::dynamic::DynamicEndpoint for #name {
            fn from_args(#args: &mut crate::dynamic::Args<'_>) -> Result<Self, crate::dynamic::DynamicError> {
                Ok(Self { #(#fields)* #body })
            }
            #decode_body
        }
    }
}

/// `runtime::Paginated` for a list's main request type: which query fields ask for a page,
/// and which fields of the success hold it.
fn paginated_impl(ir: &Ir, type_name: &str, p: &Pagination) -> TokenStream {
    let name = ident(type_name);
    let item = type_tokens(ir, &p.item);
    let set_page_num = set_page_param(&p.page_num, &quote!(page_num));
    let set_items_per_page = set_page_param(&p.items_per_page, &quote!(items_per_page));
    let results = ident(&p.results.ident);
    let items = match p.results.presence {
        Presence::Required => quote!(success.#results),
        Presence::Optional | Presence::RequiredNullable => {
            quote!(success.#results.unwrap_or_default())
        }
        Presence::OptionalNullable => quote!(success.#results.flatten().unwrap_or_default()),
    };
    let total_count = match &p.total_count {
        None => quote!(None),
        Some(field) => {
            let fi = ident(&field.ident);
            let widen = field.ty != TypeRef::I64;
            match (field.presence, widen) {
                (Presence::Required, true) => quote!(Some(i64::from(success.#fi))),
                (Presence::Required, false) => quote!(Some(success.#fi)),
                (Presence::Optional | Presence::RequiredNullable, true) => {
                    quote!(success.#fi.map(i64::from))
                }
                (Presence::Optional | Presence::RequiredNullable, false) => quote!(success.#fi),
                (Presence::OptionalNullable, true) => quote!(success.#fi.flatten().map(i64::from)),
                (Presence::OptionalNullable, false) => quote!(success.#fi.flatten()),
            }
        }
    };
    let has_next_link = match &p.links {
        None => quote!(None),
        Some(links) => {
            let fi = ident(&links.field.ident);
            let rel = ident(&links.rel);
            let any_next = |links: TokenStream| quote!(#links.iter().any(|link| link.#rel.as_deref() == Some(#NEXT)));
            match links.field.presence {
                Presence::Required => {
                    let any_next = any_next(quote!(success.#fi));
                    quote!(Some(#any_next))
                }
                Presence::Optional | Presence::RequiredNullable => {
                    let any_next = any_next(quote!(links));
                    quote!(success.#fi.map(|links| #any_next))
                }
                Presence::OptionalNullable => {
                    let any_next = any_next(quote!(links));
                    quote!(success.#fi.flatten().map(|links| #any_next))
                }
            }
        }
    };
    quote! {
        impl crate::runtime::Paginated for #name {
            type Item = #item;
            #[inline]
            fn set_page(&mut self, page_num: i64, items_per_page: i64) {
                #set_page_num
                #set_items_per_page
            }
            #[inline]
            fn into_page(success: Self::Success) -> crate::runtime::Page<Self::Item> {
                crate::runtime::Page {
                    items: #items,
                    total_count: #total_count,
                    has_next_link: #has_next_link,
                }
            }
        }
    }
}

/// `self.<field> = <value>;`, the `i64` narrowed to the field's `i32` and wrapped in `Some`
/// for an optional parameter.
fn set_page_param(param: &PageParam, value: &TokenStream) -> TokenStream {
    let fi = ident(&param.ident);
    let value = if param.ty == TypeRef::I64 {
        value.clone()
    } else {
        quote!(i32::try_from(#value).unwrap_or(i32::MAX))
    };
    if param.required {
        quote!(self.#fi = #value;)
    } else {
        quote!(self.#fi = Some(#value);)
    }
}
