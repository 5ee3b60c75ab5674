//! IR → the files of the generated crate. Only prints: every decision was made in the IR.
//!
//! [`jobs`] describes the crate's Rust files (a file per component schema under `models/`, a
//! module per tag and a file per operation under `operations/`, the registry and the
//! `dynamic` table); [`render_all`] renders them, and the test files of `testgen`,
//! in parallel; [`reports`] writes the Markdown reports.

mod debug;
pub(crate) mod docs;
pub mod features;
pub(crate) mod models;
pub(crate) mod operations;
mod render;
pub(crate) mod reports;
mod tables;
pub(crate) mod tokens;
mod waiters;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::{Gate, Ir};

pub(crate) use render::{Job, render_all};
use tokens::{gate_cfg, ident, tag_cfg};

/// Every Rust file of `atlas-generated/src/generated`.
pub(crate) fn jobs(ir: &Ir) -> Vec<Job<'_>> {
    let mut jobs = model_jobs(ir);
    jobs.extend(operation_jobs(ir));
    jobs.push(Job::new(
        "src/generated/mod.rs",
        "the whole document",
        || {
            Ok(quote! {
                pub mod models;
                pub mod operations;
                pub mod registry;
                #[cfg(feature = "dynamic")]
                pub(crate) mod dynamic;
                #[cfg(feature = "testing")]
                pub(crate) mod testing;
            })
        },
    ));
    jobs.push(Job::new("src/generated/registry.rs", "#/paths", || {
        Ok(tables::emit_registry(ir))
    }));
    jobs.push(Job::new("src/generated/dynamic.rs", "#/paths", || {
        Ok(tables::emit_dynamic(ir))
    }));
    jobs.push(Job::new("src/generated/testing.rs", "#/paths", || {
        Ok(tables::emit_testing(ir))
    }));
    jobs
}

/// A file per component schema, holding it and the inline types it owns, and their module.
fn model_jobs(ir: &Ir) -> Vec<Job<'_>> {
    let mut by_file: IndexMap<&str, Vec<usize>> = IndexMap::new();
    for (id, def) in ir.types.iter().enumerate() {
        by_file.entry(def.file.as_str()).or_default().push(id);
    }
    // Every type of a file has the same gate (the features pass reaches files whole).
    let files: Vec<(&str, &Gate)> = by_file
        .iter()
        .map(|(file, ids)| (*file, &ir.types[ids[0]].gate))
        .collect();
    let mut jobs = vec![Job::new(
        "src/generated/models/mod.rs",
        "#/components/schemas",
        move || {
            let mods: Vec<Ident> = files.iter().map(|(f, _)| ident(f)).collect();
            let cfgs: Vec<TokenStream> = files.iter().map(|(_, g)| gate_cfg(ir, g)).collect();
            Ok(quote! {
                //! A type for every schema of the spec: component schemas and the inline schemas they
                //! contain. A model is compiled with the feature of every tag whose operations use it.
                #( #cfgs mod #mods; #cfgs pub use #mods::*; )*
            })
        },
    )];
    jobs.extend(by_file.into_iter().map(|(file, ids)| {
        let origin = ir.types[ids[0]].origin.clone();
        Job::new(
            format!("src/generated/models/{file}.rs"),
            origin,
            move || {
                let body = ids
                    .iter()
                    .map(|&id| models::emit_type(ir, id))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(quote!(#(#body)*))
            },
        )
    }));
    jobs
}

/// A file per operation, a module per tag, and the module of the tags.
fn operation_jobs(ir: &Ir) -> Vec<Job<'_>> {
    let mut jobs = Vec::new();
    let mut by_tag: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, op) in ir.operations.iter().enumerate() {
        by_tag.entry(op.tag).or_default().push(i);
        let module = &ir.tags[op.tag].module;
        let path = format!("src/generated/operations/{module}/{}.rs", op.fn_name);
        let origin = format!("{} ({})", op.pointer, op.operation_id);
        jobs.push(Job::new(path, origin, move || {
            Ok(operations::emit_operation(ir, op))
        }));
    }
    let tags: Vec<usize> = by_tag.keys().copied().collect();
    jobs.push(Job::new(
        "src/generated/operations/mod.rs",
        "#/paths",
        move || {
            let mods: Vec<Ident> = tags.iter().map(|&t| ident(&ir.tags[t].module)).collect();
            let cfgs: Vec<TokenStream> = tags.iter().map(|&t| tag_cfg(ir, t)).collect();
            Ok(quote! {
                //! Every operation of the spec, a module per tag, each compiled with the cargo feature
                //! of the same name. Each (operation, API version) pair is a request type implementing
                //! [`crate::runtime::Endpoint`]. Every request type is also here, without its tag:
                //! `operations::CreateCluster` is `operations::clusters::CreateCluster`.
                #( #cfgs pub mod #mods; )*
                #( #cfgs pub use #mods::*; )*
            })
        },
    ));
    jobs.extend(by_tag.into_iter().map(|(tag, ops)| {
        let tag = &ir.tags[tag];
        let path = format!("src/generated/operations/{}/mod.rs", tag.module);
        Job::new(path, format!("#/tags ({})", tag.name), move || {
            let mut text = format!("Operations tagged `{}`.", tag.name);
            if let Some(d) = tag.description.as_deref().filter(|d| !d.trim().is_empty()) {
                text = format!("{text}\n\n{}", docs::sanitize(d));
            }
            let doc = docs::inner_doc(&text);
            let mods: Vec<Ident> = ops
                .iter()
                .map(|&i| ident(&ir.operations[i].fn_name))
                .collect();
            Ok(quote! {
                #(#doc)*
                #( mod #mods; pub use #mods::*; )*
            })
        })
    }));
    jobs
}
