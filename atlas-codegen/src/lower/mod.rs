//! Spec → IR: every component schema and inline schema becomes a named type or a plain
//! type reference ([`schemas`]), every path and method an operation split by API version
//! ([`operations`]). Decisions that need the whole IR are left to [`crate::passes`].

mod operations;
mod schemas;

use indexmap::IndexMap;
use openapiv3::OpenAPI;
use serde_json::Value;

use crate::error::CodegenError;
use crate::ir::Ir;

/// The IR of `spec`, before the passes.
pub fn lower(spec: &OpenAPI) -> Result<Ir, CodegenError> {
    let empty = IndexMap::new();
    let schemas = spec.components.as_ref().map_or(&empty, |c| &c.schemas);
    let mut b = schemas::Builder::new(spec, schemas);
    b.define_components()?;
    let lowered = operations::build_operations(&mut b)?;
    let component_response_examples = operations::component_response_examples(&mut b)?;
    Ok(Ir {
        types: b.types,
        operations: lowered.operations,
        tags: lowered.tags,
        left_out: lowered.left_out,
        narrowed: Vec::new(),
        shared_types: Vec::new(),
        families: Vec::new(),
        components: b.components,
        fallbacks: b.fallbacks,
        component_response_examples,
        spec_title: spec.info.title.clone(),
        spec_version: spec.info.version.clone(),
        spec_sha: spec
            .info
            .extensions
            .get("x-xgen-sha")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}
