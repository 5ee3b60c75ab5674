//! A test of every `example` in the spec: each decodes into the Rust type generated for
//! the place it belongs to, and encodes back to an equal JSON value. Written as generated
//! code so that each example is checked against its exact type, not a dynamic guess.
//! Non-JSON payloads (CSV, gzip) are checked through their operation's response decoder.

use std::collections::{BTreeSet, HashSet};

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::emit::tokens::{ident, type_tokens_from};
use crate::ir::{Ir, OperationVersion, Presence, ResponseBody, ResponseCase, TypeKind, TypeRef};

/// Calls per generated function: one huge function is slow to compile.
const CASES_PER_FUNCTION: usize = 100;

/// What the generated test does with one example.
pub struct Plan {
    cases: Vec<Case>,
    /// Example pointers of the document that no case checks.
    pub unchecked: Vec<String>,
}

impl Plan {
    /// The number of checks the generated test runs.
    pub fn checks(&self) -> usize {
        self.cases.len()
    }
}

struct Case {
    pointer: String,
    check: Check,
}

enum Check {
    /// Decodes as `ty` (as `Option<ty>` when `null` is allowed) and re-encodes equal.
    Json {
        ty: TypeRef,
        nullable: bool,
        example: Value,
    },
    /// An integer the spec writes as a float (`3e+06`: its YAML went through a float):
    /// typed decoding refuses the float, as typed `serde_json` does, and takes the
    /// integer it stands for.
    FloatInteger {
        ty: TypeRef,
        integer: i64,
        float: Value,
    },
    /// A non-JSON success: the decoder of the request type `module::endpoint` keeps it as
    /// these bytes. (Names, not tokens: a plan is shared by the rendering threads.)
    Payload {
        module: String,
        endpoint: String,
        status: u16,
        media_type: String,
        body: String,
    },
}

impl Check {
    /// What makes two checks of one pointer the same check.
    fn key(&self) -> String {
        match self {
            Check::Json { ty, nullable, .. } => format!("{ty:?} {nullable}"),
            Check::FloatInteger { ty, .. } => format!("{ty:?}"),
            Check::Payload {
                module, endpoint, ..
            } => format!("{module}::{endpoint}"),
        }
    }
}

fn json(pointer: &str, ty: &TypeRef, nullable: bool, example: &Value) -> Case {
    let check = match float_integer(ty, example) {
        Some(integer) => Check::FloatInteger {
            ty: ty.clone(),
            integer,
            float: example.clone(),
        },
        None => Check::Json {
            ty: ty.clone(),
            nullable,
            example: example.clone(),
        },
    };
    Case {
        pointer: pointer.to_owned(),
        check,
    }
}

/// The integer a float example of an integer place stands for, when it is one exactly.
fn float_integer(ty: &TypeRef, example: &Value) -> Option<i64> {
    if !matches!(ty, TypeRef::I32 | TypeRef::I64) || example.is_i64() || example.is_u64() {
        return None;
    }
    let float = example.as_f64()?;
    // Below 2^53 every integer is a float exactly.
    #[allow(clippy::cast_possible_truncation)]
    (float.fract() == 0.0 && float.abs() < 9_007_199_254_740_992.0).then_some(float as i64)
}

/// Every check, once per (place, type): a property inherited through `allOf` appears in
/// every subtype with the same pointer.
pub fn plan(ir: &Ir, document_examples: &[String]) -> Plan {
    let mut cases = Vec::new();
    for (id, def) in ir.types.iter().enumerate() {
        for example in &def.examples {
            cases.push(json(
                &format!("{}/example", def.origin),
                &TypeRef::Named(id),
                false,
                example,
            ));
        }
        if let TypeKind::Struct(s) = &def.kind {
            for f in &s.fields {
                for (pointer, example) in &f.examples {
                    cases.push(json(pointer, &f.ty, is_nullable(f.presence), example));
                }
            }
        }
        // A discriminator a struct no longer holds (its unions write it): a string.
        for (pointer, example) in &def.tag_examples {
            cases.push(json(pointer, &TypeRef::String, false, example));
        }
        // A union's own properties: checked against the field of that name in each branch;
        // its tag (which the union writes) as a string.
        for base in &def.base_examples {
            if let TypeKind::Tagged(t) = &def.kind
                && t.property == base.property
            {
                cases.push(json(&base.pointer, &TypeRef::String, false, &base.value));
                continue;
            }
            for branch in branch_types(ir, &def.kind) {
                if let TypeKind::Struct(s) = &ir.types[branch].kind
                    && let Some(f) = s.fields.iter().find(|f| f.wire_name == base.property)
                {
                    cases.push(json(
                        &base.pointer,
                        &f.ty,
                        is_nullable(f.presence),
                        &base.value,
                    ));
                }
            }
        }
    }
    for op in &ir.operations {
        for v in &op.versions {
            if let Some(body) = &v.request {
                for (pointer, example) in &body.examples {
                    cases.push(json(pointer, &body.ty, false, example));
                }
            }
            for case in v.responses.iter().chain(&op.shared_responses) {
                for (pointer, example) in &case.examples {
                    match &case.body {
                        ResponseBody::Json(ty) => cases.push(json(pointer, ty, false, example)),
                        ResponseBody::Bytes => {
                            let (Some(status), Some(endpoint)) = (case.status, decoder_of(v, case))
                            else {
                                continue;
                            };
                            let module = ir.tags[op.tag].module.clone();
                            // A string example is the payload's text; anything else, its JSON text.
                            let body = example
                                .as_str()
                                .map_or_else(|| example.to_string(), str::to_owned);
                            let media_type = case
                                .media_type
                                .clone()
                                .unwrap_or_else(|| "application/octet-stream".to_owned());
                            let check = Check::Payload {
                                module,
                                endpoint,
                                status,
                                media_type,
                                body,
                            };
                            cases.push(Case {
                                pointer: pointer.clone(),
                                check,
                            });
                        }
                        ResponseBody::None => {}
                    }
                }
            }
        }
        for p in &op.params {
            for (pointer, example) in &p.examples {
                cases.push(json(pointer, &p.ty, false, example));
            }
        }
    }
    for e in &ir.component_response_examples {
        cases.push(json(&e.pointer, &e.ty, false, &e.value));
    }
    let mut seen = HashSet::new();
    cases.retain(|c| seen.insert((c.pointer.clone(), c.check.key())));
    let checked: BTreeSet<&str> = cases.iter().map(|c| c.pointer.as_str()).collect();
    let unchecked = document_examples
        .iter()
        .filter(|p| !checked.contains(p.as_str()))
        .cloned()
        .collect();
    Plan { cases, unchecked }
}

/// The request type whose response decoder handles the success `case` of version `v`: the
/// version's own, or the one asking for that other format (`…Csv`). `None` for an error.
fn decoder_of(v: &OperationVersion, case: &ResponseCase) -> Option<String> {
    let handles = |c: &crate::ir::SuccessCase| {
        Some(c.status) == case.status && c.media_type == case.media_type
    };
    let endpoint = v
        .endpoints
        .iter()
        .find(|e| e.success.cases().iter().any(handles))?;
    Some(endpoint.type_name.clone())
}

fn is_nullable(presence: Presence) -> bool {
    matches!(
        presence,
        Presence::RequiredNullable | Presence::OptionalNullable
    )
}

/// The named types a union's branches hold, through aliases.
fn branch_types(ir: &Ir, kind: &TypeKind) -> Vec<usize> {
    let refs: Vec<TypeRef> = match kind {
        TypeKind::Tagged(t) => t.variants.iter().map(|v| TypeRef::Named(v.ty)).collect(),
        TypeKind::Untagged(variants) => variants.iter().map(|v| v.ty.clone()).collect(),
        _ => Vec::new(),
    };
    refs.iter()
        .filter_map(|ty| match ir.unaliased(ty) {
            TypeRef::Named(id) if !matches!(ir.types[*id].kind, TypeKind::Alias(_)) => Some(*id),
            _ => None,
        })
        .collect()
}

pub fn emit(ir: &Ir, plan: &Plan) -> TokenStream {
    let root = quote!(atlas_generated);
    let total = plan.cases.len();
    let chunks: Vec<TokenStream> = plan
        .cases
        .chunks(CASES_PER_FUNCTION)
        .enumerate()
        .map(|(i, chunk)| {
            let name = quote::format_ident!("part_{i}");
            let calls = chunk.iter().map(|c| {
                let pointer = &c.pointer;
                match &c.check {
                    Check::Json { ty, nullable, example } => {
                        let ty = type_tokens_from(ir, ty, &root);
                        let ty = if *nullable { quote!(Option<#ty>) } else { ty };
                        let json = example.to_string();
                        quote!(check.example::<#ty>(#pointer, #json);)
                    }
                    Check::FloatInteger { ty, integer, float } => {
                        let ty = type_tokens_from(ir, ty, &root);
                        let (integer, float) = (integer.to_string(), float.to_string());
                        quote!(check.float_integer::<#ty>(#pointer, #integer, #float);)
                    }
                    Check::Payload { module, endpoint, status, media_type, body } => {
                        let (module, endpoint) = (ident(module), ident(endpoint));
                        quote!(check.payload::<atlas_generated::operations::#module::#endpoint>(#pointer, #status, #media_type, #body);)
                    }
                }
            });
            quote! {
                fn #name(check: &mut super::Checker) { #(#calls)* }
            }
        })
        .collect();
    let names = (0..chunks.len()).map(|i| quote::format_ident!("part_{i}"));
    let doc = format!(" Checks all {total} examples of the spec.");
    quote! {
        //! Every `example` of the spec (schemas, properties, parameters, request and response
        //! bodies) with the Rust type it must decode into. Driven by `tests/spec_examples.rs`.
        #(#chunks)*
        #[doc = #doc]
        pub fn all(check: &mut super::Checker) { #(#names(check);)* }
        /// How many examples [`all`] checks.
        pub const COUNT: usize = #total;
    }
}
