//! How IR pieces are written as tokens: identifiers and type references.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Gate, Ir, TypeRef};

/// The identifier `name` (a raw identifier for `r#type`).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[non_exhaustive]`, written on every enum (open enums, tag values, unions) and every
/// request type: a spec's new enum value, union branch or optional parameter then adds
/// to the crate without breaking code that compiles against it (a `match` has a `_` arm,
/// a request is built by `new` and setters). `diff::semver` judges changes by this.
pub(crate) fn open_to_additions() -> TokenStream {
    quote!(#[non_exhaustive])
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

/// The Rust type of a reference as text, for reports: `Vec<models::Foo>`.
pub(crate) fn type_text(ir: &Ir, ty: &TypeRef) -> String {
    tokens_text(&type_tokens(ir, ty))
}

/// A type's tokens as a person writes them, paths from the crate root:
/// `Option<Vec<models::Foo>>`.
pub(crate) fn tokens_text(tokens: &TokenStream) -> String {
    let text = tokens.to_string();
    let text = text
        .replace(" :: ", "::")
        .replace(" < ", "<")
        .replace(" >", ">");
    let text = text.replace("< ", "<").replace(" ,", ",");
    text.replace("crate::", "")
}

/// The `#[cfg]` that compiles an item with the cargo feature of tag `tag` (its module's
/// name).
pub(crate) fn tag_cfg(ir: &Ir, tag: usize) -> TokenStream {
    let feature = &ir.tags[tag].module;
    quote!(#[cfg(feature = #feature)])
}

/// The line of an item's documentation that names the cargo features compiling it, as
/// [`gate_cfg`] gates it: how a user who meets an unresolved name finds the feature in
/// one step. `None` for an item every build has.
pub(crate) fn gate_doc(ir: &Ir, gate: &Gate) -> Option<String> {
    match gate {
        Gate::Always => None,
        Gate::Full => Some("Cargo feature: `full` (no operation uses it).".to_owned()),
        Gate::Tags(tags) if tags.len() == 1 => {
            Some(format!("Cargo feature: `{}`.", ir.tags[tags[0]].module))
        }
        Gate::Tags(tags) => {
            let features: Vec<String> = tags
                .iter()
                .map(|&t| format!("`{}`", ir.tags[t].module))
                .collect();
            Some(format!("Cargo features: any of {}.", features.join(", ")))
        }
    }
}

/// The `#[cfg]` that compiles a model with the features its gate names; nothing for a
/// model every build has.
pub(crate) fn gate_cfg(ir: &Ir, gate: &Gate) -> TokenStream {
    match gate {
        Gate::Always => quote!(),
        Gate::Full => quote!(#[cfg(feature = "full")]),
        Gate::Tags(tags) if tags.len() == 1 => tag_cfg(ir, tags[0]),
        Gate::Tags(tags) => {
            let features = tags.iter().map(|&t| ir.tags[t].module.as_str());
            quote!(#[cfg(any(#(feature = #features),*))])
        }
    }
}

/// `old`, a name the crate published before the spec renamed what it names, kept as a
/// `#[deprecated]` alias of `new`: for request types (`passes::request_aliases`) and for
/// types (`passes::type_aliases`).
pub(crate) fn renamed_alias(old: &str, new: &str, doc: &str) -> TokenStream {
    let (alias, target) = (ident(old), ident(new));
    let note = format!("renamed to `{new}` by the Atlas API spec");
    quote! {
        #[doc = #doc]
        #[deprecated(note = #note)]
        pub type #alias = #target;
    }
}
