//! Decides which cargo features compile each model: a feature per tag compiles the tag's
//! operations and exactly the models they reach.
//!
//! A model is reached from an operation's parameters, bodies and responses through the
//! types it refers to. Models are compiled a file at a time, so reaching one type of a file
//! reaches every type in it (and what they refer to). A model every tag reaches, or that
//! the hand-written runtime uses ([`RUNTIME_MODELS`]), is always compiled; one no operation
//! reaches only with `full`.

use crate::ir::{Gate, Ir, TypeId};

use super::unused::{kind_type_ids, operation_type_ids};

/// The component schemas the hand-written part of `atlas-generated` names (the error
/// body Atlas sends, in `api_error.rs` and the client's errors): compiled in every build.
pub const RUNTIME_MODELS: &[&str] = &["ApiError"];

pub fn gate_models(ir: &mut Ir) {
    let edges = type_edges(ir);
    let runtime: Vec<TypeId> = RUNTIME_MODELS
        .iter()
        .filter_map(|name| ir.components.get(*name).copied())
        .collect();
    let mut reached_by: Vec<Vec<usize>> = vec![Vec::new(); ir.types.len()];
    for tag in 0..ir.tags.len() {
        let mut roots = runtime.clone();
        for op in ir.operations.iter_mut().filter(|op| op.tag == tag) {
            operation_type_ids(op, &mut |id| roots.push(*id));
        }
        for id in reachable(&edges, roots) {
            reached_by[id].push(tag);
        }
    }
    let always = reachable(&edges, runtime);
    let every_tag = ir.tags.len();
    for (id, tags) in reached_by.into_iter().enumerate() {
        ir.types[id].gate = if always.contains(&id) || (tags.len() == every_tag && every_tag > 0) {
            Gate::Always
        } else if tags.is_empty() {
            Gate::Full
        } else {
            Gate::Tags(tags)
        };
    }
}

/// For each type, the types compiling it needs: those it refers to, and the others of its
/// file.
fn type_edges(ir: &mut Ir) -> Vec<Vec<TypeId>> {
    let mut by_file: std::collections::HashMap<&str, Vec<TypeId>> = Default::default();
    for (id, def) in ir.types.iter().enumerate() {
        by_file.entry(def.file.as_str()).or_default().push(id);
    }
    let mut edges: Vec<Vec<TypeId>> = ir
        .types
        .iter()
        .map(|def| by_file[def.file.as_str()].clone())
        .collect();
    for (id, def) in ir.types.iter_mut().enumerate() {
        kind_type_ids(&mut def.kind, &mut |to| edges[id].push(*to));
    }
    edges
}

/// Every type reachable from `roots`, sorted.
fn reachable(edges: &[Vec<TypeId>], mut pending: Vec<TypeId>) -> Vec<TypeId> {
    let mut seen = vec![false; edges.len()];
    while let Some(id) = pending.pop() {
        if !std::mem::replace(&mut seen[id], true) {
            pending.extend(&edges[id]);
        }
    }
    (0..edges.len()).filter(|&id| seen[id]).collect()
}
