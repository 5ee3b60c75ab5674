//! IR → formatted Rust files. Only prints: every decision was made in the IR.

mod docs;
mod examples;
mod models;
mod operations;
mod reports;
mod requests;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Docs, Ir, TypeRef};
use crate::samples::RequestSample;
use crate::{CodegenError, Counts, Generated};

/// One generated Rust file, described before it is rendered so that files render in parallel.
enum Job<'i> {
    Models { file: &'i str, ids: Vec<usize> },
    ModelsMod { files: Vec<&'i str> },
    Operation { index: usize },
    TagMod { tag: usize, ops: Vec<usize> },
    OperationsMod { tags: Vec<usize> },
    GeneratedMod,
    Registry,
    Dynamic,
    Examples(&'i examples::Plan),
    Requests,
}

pub fn emit(ir: &Ir, samples: &[RequestSample]) -> Result<Generated, CodegenError> {
    let mut jobs: Vec<Job<'_>> = Vec::new();
    // Models: one file per component schema, holding it and the inline types it owns.
    let mut by_file: IndexMap<&str, Vec<usize>> = IndexMap::new();
    for (id, def) in ir.types.iter().enumerate() {
        by_file.entry(def.file.as_str()).or_default().push(id);
    }
    jobs.push(Job::ModelsMod {
        files: by_file.keys().copied().collect(),
    });
    jobs.extend(
        by_file
            .into_iter()
            .map(|(file, ids)| Job::Models { file, ids }),
    );
    // Operations: a module per tag, a file per operation.
    let mut by_tag: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, op) in ir.operations.iter().enumerate() {
        by_tag.entry(op.tag).or_default().push(i);
        jobs.push(Job::Operation { index: i });
    }
    jobs.push(Job::OperationsMod {
        tags: by_tag.keys().copied().collect(),
    });
    jobs.extend(
        by_tag
            .into_iter()
            .map(|(tag, ops)| Job::TagMod { tag, ops }),
    );
    jobs.push(Job::GeneratedMod);
    jobs.push(Job::Registry);
    jobs.push(Job::Dynamic);
    let example_plan = examples::plan(ir);
    jobs.push(Job::Examples(&example_plan));
    jobs.push(Job::Requests);

    let mut out: BTreeMap<String, String> = render_all(ir, samples, &jobs)?.into_iter().collect();
    let counts = counts(ir, &example_plan);
    out.extend(reports::emit(ir, &counts, &example_plan.unchecked));
    Ok(Generated { files: out, counts })
}

/// (path, origin named in the header, tokens) of one file.
fn job_tokens(
    ir: &Ir,
    samples: &[RequestSample],
    job: &Job<'_>,
) -> Result<(String, String, TokenStream), CodegenError> {
    Ok(match job {
        Job::Models { file, ids } => {
            let body = ids
                .iter()
                .map(|&id| models::emit_type(ir, id))
                .collect::<Result<Vec<_>, _>>()?;
            (
                format!("src/generated/models/{file}.rs"),
                ir.types[ids[0]].origin.clone(),
                quote!(#(#body)*),
            )
        }
        Job::ModelsMod { files } => {
            let mods: Vec<Ident> = files.iter().map(|f| ident(f)).collect();
            let tokens = quote! {
                //! A type for every schema of the spec: component schemas and the inline schemas they contain.
                #( mod #mods; pub use #mods::*; )*
            };
            (
                "src/generated/models/mod.rs".to_owned(),
                "#/components/schemas".to_owned(),
                tokens,
            )
        }
        Job::Operation { index } => {
            let op = &ir.operations[*index];
            let module = &ir.tags[op.tag].module;
            (
                format!("src/generated/operations/{module}/{}.rs", op.fn_name),
                format!("{} ({})", op.pointer, op.operation_id),
                operations::emit_operation(ir, op)?,
            )
        }
        Job::TagMod { tag, ops } => {
            let tag_def = &ir.tags[*tag];
            let mut text = format!("Operations tagged `{}`.", tag_def.name);
            if let Some(d) = tag_def
                .description
                .as_deref()
                .filter(|d| !d.trim().is_empty())
            {
                text = format!("{text}\n\n{}", docs::sanitize(d));
            }
            let doc = inner_doc(&text);
            let mods: Vec<Ident> = ops
                .iter()
                .map(|&i| ident(&ir.operations[i].fn_name))
                .collect();
            let tokens = quote! {
                #(#doc)*
                #( mod #mods; pub use #mods::*; )*
            };
            (
                format!("src/generated/operations/{}/mod.rs", tag_def.module),
                format!("#/tags ({})", tag_def.name),
                tokens,
            )
        }
        Job::OperationsMod { tags } => {
            let mods: Vec<Ident> = tags.iter().map(|&t| ident(&ir.tags[t].module)).collect();
            let tokens = quote! {
                //! Every operation of the spec, a module per tag. Each (operation, API version) pair is a
                //! request type implementing [`crate::runtime::Endpoint`].
                #( pub mod #mods; )*
            };
            (
                "src/generated/operations/mod.rs".to_owned(),
                "#/paths".to_owned(),
                tokens,
            )
        }
        Job::GeneratedMod => {
            let tokens = quote! {
                pub mod models;
                pub mod operations;
                pub mod registry;
                #[cfg(feature = "dynamic")]
                pub(crate) mod dynamic;
            };
            (
                "src/generated/mod.rs".to_owned(),
                "the whole document".to_owned(),
                tokens,
            )
        }
        Job::Registry => (
            "src/generated/registry.rs".to_owned(),
            "#/paths".to_owned(),
            operations::emit_registry(ir),
        ),
        Job::Requests => (
            "tests/generated/spec_requests.rs".to_owned(),
            "#/paths".to_owned(),
            requests::emit(ir, samples)?,
        ),
        Job::Examples(plan) => (
            "tests/generated/spec_examples.rs".to_owned(),
            "every `example` of the document".to_owned(),
            examples::emit(ir, plan),
        ),
        Job::Dynamic => (
            "src/generated/dynamic.rs".to_owned(),
            "#/paths".to_owned(),
            operations::emit_dynamic(ir),
        ),
    })
}

fn counts(ir: &Ir, examples: &examples::Plan) -> Counts {
    Counts {
        operations: ir.operations.len(),
        operation_versions: ir.operations.iter().map(|o| o.versions.len()).sum(),
        component_schemas: ir.components.len(),
        inline_schemas: ir.types.len() - ir.components.len(),
        discriminators: ir
            .types
            .iter()
            .filter(|t| matches!(t.kind, crate::ir::TypeKind::Tagged(_)))
            .count(),
        examples: examples.checks(),
        spec_examples: ir.spec_examples.len(),
        examples_unchecked: examples.unchecked.len(),
        skipped: ir.skipped.len(),
    }
}

/// Renders every file on every core: building tokens, parsing them and pretty-printing is
/// nearly all of the generator's time. Tokens are not `Send`, so each worker makes its own.
fn render_all(
    ir: &Ir,
    samples: &[RequestSample],
    jobs: &[Job<'_>],
) -> Result<Vec<(String, String)>, CodegenError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|w| {
                scope.spawn(move || {
                    // Interleaved, so that large and small files spread evenly.
                    jobs.iter()
                        .skip(w)
                        .step_by(threads)
                        .map(|job| render(ir, samples, job))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(jobs.len());
        for w in workers {
            out.extend(
                w.join()
                    .map_err(|_| CodegenError::at("#", "a rendering thread panicked"))??,
            );
        }
        Ok(out)
    })
}

fn render(
    ir: &Ir,
    samples: &[RequestSample],
    job: &Job<'_>,
) -> Result<(String, String), CodegenError> {
    let (path, origin, tokens) = job_tokens(ir, samples, job)?;
    // Deprecated schemas and operations are marked for users; the generated code itself
    // must still use them without warnings.
    let tokens = quote!(#![allow(deprecated)] #tokens);
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        CodegenError::at(
            &origin,
            format!("generated `{path}` does not parse as Rust: {e}"),
        )
    })?;
    let body = prettyplease::unparse(&file);
    Ok((
        path,
        format!(
            "// @generated by atlas-codegen from {origin}. Do not edit: run `cargo xtask codegen`.\n\n{body}"
        ),
    ))
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
    doc_lines(text).map(|l| quote!(#[doc = #l])).collect()
}

/// Inner (`//!`) doc attributes.
pub fn inner_doc(text: &str) -> Vec<TokenStream> {
    doc_lines(text).map(|l| quote!(#![doc = #l])).collect()
}

/// Each line with the leading space rustdoc expects after `///`.
fn doc_lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().map(|l| format!(" {l}").trim_end().to_owned())
}

pub fn sanitize(text: &str) -> String {
    docs::sanitize(text)
}

/// The Rust type of a reference, as written anywhere in the generated crate.
pub fn type_tokens(ir: &Ir, ty: &TypeRef) -> TokenStream {
    type_tokens_from(ir, ty, &quote!(crate))
}

/// The Rust type of a reference, with `root` naming the `atlas-generated` crate
/// (`crate` inside it, `atlas_generated` in its tests).
pub fn type_tokens_from(ir: &Ir, ty: &TypeRef, root: &TokenStream) -> TokenStream {
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
