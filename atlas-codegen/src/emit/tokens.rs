//! How IR pieces are written as tokens: identifiers and type references.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Ir, TypeRef};

/// The identifier `name` (a raw identifier for `r#type`).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The Rust type of a reference, as written anywhere in the generated crate.
pub(crate) fn type_tokens(ir: &Ir, ty: &TypeRef) -> TokenStream {
    type_tokens_from(ir, ty, &quote!(crate))
}

/// The Rust type of a reference, with `root` naming the `atlas-generated` crate
/// (`crate` inside it, `atlas_generated` in its tests).
pub(crate) fn type_tokens_from(ir: &Ir, ty: &TypeRef, root: &TokenStream) -> TokenStream {
    let type_tokens = |ir: &Ir, ty: &TypeRef| type_tokens_from(ir, ty, root);
    match ty {
        TypeRef::Named(id) => {
            let name = ident(&ir.types[*id].name);
            quote!(#root::models::#name)
        }
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::DateTime => quote!(#root::runtime::Timestamp),
        TypeRef::Date => quote!(#root::runtime::Date),
        TypeRef::Array(item) => {
            let item = type_tokens(ir, item);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_tokens(ir, value);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::Any => quote!(serde_json::Value),
    }
}
