//! Schema access for the sampler and the validator: `$ref` resolution. The flat view of a
//! schema's constraints is the IR builder's, [`crate::ir::schema_view::View`].

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::error::{pointer_token, CodegenError};

/// A schema as it appears in the spec: a `$ref` (to a component schema) or inline.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SchemaRef<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

/// `#/components/schemas/Name` (or a bare `Name`, as discriminator mappings may say) → `Name`.
pub(crate) fn component_name(reference: &str) -> Option<&str> {
    match reference.strip_prefix("#/components/schemas/") {
        Some(name) => Some(name),
        None if !reference.contains('/') && !reference.starts_with('#') => Some(reference),
        None => None,
    }
}

pub(crate) fn component_pointer(name: &str) -> String {
    format!("#/components/schemas/{}", pointer_token(name))
}

/// The component schema a `$ref` names, following component-to-component references; returns
/// the name of the last component and its schema. `at` is where the `$ref` is, for errors.
pub(crate) fn resolve<'a>(spec: &'a OpenAPI, reference: &'a str, at: &str) -> Result<(&'a str, &'a Schema), CodegenError> {
    let mut reference = reference;
    // A chain longer than the number of components is a loop.
    let limit = spec.components.as_ref().map_or(0, |c| c.schemas.len()) + 1;
    for _ in 0..limit {
        let name = component_name(reference)
            .ok_or_else(|| CodegenError::at(at, format!("`$ref: {reference}` does not point into #/components/schemas/")))?;
        let found = spec.components.as_ref().and_then(|c| c.schemas.get_key_value(name));
        match found {
            Some((name, ReferenceOr::Item(schema))) => return Ok((name, schema)),
            Some((_, ReferenceOr::Reference { reference: next })) => reference = next,
            None => return Err(CodegenError::at(at, format!("dangling `$ref: {reference}`: no such schema"))),
        }
    }
    Err(CodegenError::at(at, format!("`$ref: {reference}` refers to itself")))
}

