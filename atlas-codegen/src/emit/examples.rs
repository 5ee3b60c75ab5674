//! A test of every `example` in the spec: each decodes into the Rust type generated for
//! the place it belongs to, and encodes back to an equal JSON value. Written as generated
//! code so that each example is checked against its exact type, not a dynamic guess.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::type_tokens_from;
use crate::ir::{Ir, Presence, ResponseBody, TypeRef};

/// Calls per generated function: one huge function is slow to compile.
const CASES_PER_FUNCTION: usize = 100;

struct Case {
    pointer: String,
    ty: TypeRef,
    /// Whether `null` is an allowed value (the case is checked as `Option<T>`).
    nullable: bool,
    example: Value,
}

fn cases(ir: &Ir) -> Vec<Case> {
    let mut out = Vec::new();
    for (id, def) in ir.types.iter().enumerate() {
        for example in &def.examples {
            out.push(Case { pointer: format!("{}/example", def.origin), ty: TypeRef::Named(id), nullable: false, example: example.clone() });
        }
        if let crate::ir::TypeKind::Struct(s) = &def.kind {
            for f in &s.fields {
                if let Some((pointer, example)) = &f.example {
                    let nullable = matches!(f.presence, Presence::RequiredNullable | Presence::OptionalNullable);
                    out.push(Case { pointer: pointer.clone(), ty: f.ty.clone(), nullable, example: example.clone() });
                }
            }
        }
    }
    for op in &ir.operations {
        for v in &op.versions {
            if let Some(body) = &v.request {
                for (pointer, example) in &v.request_examples {
                    out.push(Case { pointer: pointer.clone(), ty: body.ty.clone(), nullable: false, example: example.clone() });
                }
            }
            for case in v.responses.iter().chain(&op.shared_responses) {
                if let ResponseBody::Json(ty) = &case.body {
                    for (pointer, example) in &case.examples {
                        out.push(Case { pointer: pointer.clone(), ty: ty.clone(), nullable: false, example: example.clone() });
                    }
                }
            }
        }
        for p in &op.params {
            if let Some((pointer, example)) = &p.example {
                out.push(Case { pointer: pointer.clone(), ty: p.ty.clone(), nullable: false, example: example.clone() });
            }
        }
    }
    // A property inherited through `allOf` appears in every subtype with the same pointer:
    // check each (place, type) once.
    let mut seen = std::collections::HashSet::new();
    out.retain(|c| seen.insert((c.pointer.clone(), format!("{:?}", c.ty), c.nullable)));
    out
}

/// The number of examples the generated test checks.
pub fn count(ir: &Ir) -> usize {
    cases(ir).len()
}

pub fn emit(ir: &Ir) -> TokenStream {
    let root = quote!(atlas_generated);
    let all = cases(ir);
    let total = all.len();
    let chunks: Vec<TokenStream> = all
        .chunks(CASES_PER_FUNCTION)
        .enumerate()
        .map(|(i, chunk)| {
            let name = quote::format_ident!("part_{i}");
            let calls = chunk.iter().map(|c| {
                let ty = type_tokens_from(ir, &c.ty, &root);
                let ty = if c.nullable { quote!(Option<#ty>) } else { ty };
                let pointer = &c.pointer;
                let json = c.example.to_string();
                quote!(check.example::<#ty>(#pointer, #json);)
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
