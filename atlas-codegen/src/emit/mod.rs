//! IR → formatted Rust files. Only prints: every decision was made in the IR.

mod docs;
mod models;
mod operations;
mod reports;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Docs, Ir, TypeRef};
use crate::{CodegenError, Counts, Generated};

pub fn emit(ir: &Ir) -> Result<Generated, CodegenError> {
    let mut files: Vec<(String, String, TokenStream)> = Vec::new();

    // Models: one file per component schema, holding it and the inline types it owns.
    let mut by_file: IndexMap<&str, Vec<usize>> = IndexMap::new();
    for (id, def) in ir.types.iter().enumerate() {
        by_file.entry(def.file.as_str()).or_default().push(id);
    }
    let mut model_mods = Vec::new();
    for (file, ids) in &by_file {
        let origin = &ir.types[ids[0]].origin;
        let body = ids.iter().map(|&id| models::emit_type(ir, id)).collect::<Result<Vec<_>, _>>()?;
        files.push((format!("src/generated/models/{file}.rs"), origin.clone(), quote!(#(#body)*)));
        model_mods.push(ident(file));
    }
    files.push((
        "src/generated/models/mod.rs".to_owned(),
        "#/components/schemas".to_owned(),
        quote! {
            //! A type for every schema of the spec: component schemas and the inline schemas they contain.
            #( mod #model_mods; pub use #model_mods::*; )*
        },
    ));

    // Operations: a module per tag, a file per operation.
    let mut by_tag: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, op) in ir.operations.iter().enumerate() {
        by_tag.entry(op.tag).or_default().push(i);
    }
    let mut tag_mods = Vec::new();
    for (&tag, ops) in &by_tag {
        let tag_def = &ir.tags[tag];
        let module = &tag_def.module;
        let mut op_mods = Vec::new();
        for &i in ops {
            let op = &ir.operations[i];
            files.push((
                format!("src/generated/operations/{module}/{}.rs", op.fn_name),
                format!("{} ({})", op.pointer, op.operation_id),
                operations::emit_operation(ir, op)?,
            ));
            op_mods.push(ident(&op.fn_name));
        }
        let mut text = format!("Operations tagged `{}`.", tag_def.name);
        if let Some(d) = tag_def.description.as_deref().filter(|d| !d.trim().is_empty()) {
            text = format!("{text}\n\n{}", docs::sanitize(d));
        }
        let doc = inner_doc(&text);
        files.push((
            format!("src/generated/operations/{module}/mod.rs"),
            format!("#/tags ({})", tag_def.name),
            quote! {
                #(#doc)*
                #( mod #op_mods; pub use #op_mods::*; )*
            },
        ));
        let m = ident(module);
        tag_mods.push(quote!(pub mod #m;));
    }
    files.push((
        "src/generated/operations/mod.rs".to_owned(),
        "#/paths".to_owned(),
        quote! {
            //! Every operation of the spec, a module per tag. Each (operation, API version) pair is a
            //! request type implementing [`crate::runtime::Endpoint`].
            #(#tag_mods)*
        },
    ));
    files.push((
        "src/generated/mod.rs".to_owned(),
        "the whole document".to_owned(),
        quote! {
            pub mod models;
            pub mod operations;
            pub mod registry;
        },
    ));
    files.push(("src/generated/registry.rs".to_owned(), "#/paths".to_owned(), operations::emit_registry(ir)));

    let mut out = BTreeMap::new();
    let formatted = format_all(files)?;
    for (path, text) in formatted {
        out.insert(path, text);
    }
    let counts = counts(ir);
    for (path, text) in reports::emit(ir, &counts) {
        out.insert(path, text);
    }
    Ok(Generated { files: out, counts })
}

fn counts(ir: &Ir) -> Counts {
    Counts {
        operations: ir.operations.len(),
        operation_versions: ir.operations.iter().map(|o| o.versions.len()).sum(),
        component_schemas: ir.components.len(),
        inline_schemas: ir.types.len() - ir.components.len(),
        discriminators: ir.types.iter().filter(|t| matches!(t.kind, crate::ir::TypeKind::Tagged(_))).count(),
        skipped: ir.skipped.len(),
    }
}

/// Formats files on every core: prettyplease is most of the generator's time.
fn format_all(files: Vec<(String, String, TokenStream)>) -> Result<Vec<(String, String)>, CodegenError> {
    // TokenStream is not Send: render to text first, parse and format on worker threads.
    let texts: Vec<(String, String, String)> = files.into_iter().map(|(p, o, t)| (p, o, t.to_string())).collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let chunk = texts.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = texts.chunks(chunk).map(|chunk| scope.spawn(move || chunk.iter().map(|(p, o, t)| format_file(p, o, t)).collect::<Result<Vec<_>, _>>())).collect();
        let mut out = Vec::with_capacity(texts.len());
        for h in handles {
            out.extend(h.join().map_err(|_| CodegenError::at("#", "formatter thread panicked"))??);
        }
        Ok(out)
    })
}

fn format_file(path: &str, origin: &str, text: &str) -> Result<(String, String), CodegenError> {
    let file: syn::File = syn::parse_str(text).map_err(|e| CodegenError::at(origin, format!("generated `{path}` does not parse as Rust: {e}")))?;
    let body = prettyplease::unparse(&file);
    Ok((path.to_owned(), format!("// @generated by atlas-codegen from {origin}. Do not edit: run `cargo xtask codegen`.\n\n{body}")))
}

pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "…"]` attributes for a title, a description and a link.
pub fn doc_attrs(d: &Docs) -> Vec<TokenStream> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(t) = d.title.as_deref().filter(|t| !t.trim().is_empty()) {
        parts.push(docs::sanitize(t));
    }
    if let Some(desc) = d.description.as_deref().filter(|t| !t.trim().is_empty()) {
        let desc = docs::sanitize(desc);
        if parts.first() != Some(&desc) {
            parts.push(desc);
        }
    }
    if let Some(url) = &d.external_url {
        parts.push(format!("See <{url}>."));
    }
    lines_to_doc(&parts.join("\n\n"))
}

/// Plain (already safe) text as doc attributes.
pub fn lines_to_doc(text: &str) -> Vec<TokenStream> {
    if text.is_empty() {
        return Vec::new();
    }
    text.lines().map(|l| {
        let l = format!(" {l}");
        let l = l.trim_end();
        quote!(#[doc = #l])
    }).collect()
}

/// Inner (`//!`) doc attributes.
pub fn inner_doc(text: &str) -> Vec<TokenStream> {
    text.lines().map(|l| {
        let l = format!(" {l}");
        let l = l.trim_end();
        quote!(#![doc = #l])
    }).collect()
}

pub fn sanitize(text: &str) -> String {
    docs::sanitize(text)
}

/// The Rust type of a reference, as written anywhere in the generated crate.
pub fn type_tokens(ir: &Ir, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let name = ident(&ir.types[*id].name);
            quote!(crate::models::#name)
        }
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::DateTime => quote!(crate::runtime::Timestamp),
        TypeRef::Date => quote!(crate::runtime::Date),
        TypeRef::Array(item) => {
            let item = type_tokens(ir, item);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_tokens(ir, value);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::Object => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Any => quote!(serde_json::Value),
    }
}
