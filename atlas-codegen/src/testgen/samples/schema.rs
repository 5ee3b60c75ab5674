//! Schema access for the sampler and the validator: `$ref` resolution (the IR builder's,
//! [`crate::refs`]). The flat view of a schema's constraints is the IR builder's too,
//! [`crate::schema_view::View`].

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::error::CodegenError;

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

/// The name (as the spec spells it) of the component schema `reference` names itself.
pub(crate) fn component_name<'a>(spec: &'a OpenAPI, reference: &str) -> Option<&'a str> {
    crate::refs::component_key::<Schema>(spec, reference)
}

/// See [`crate::refs::follow`].
pub(crate) fn resolve<'a>(
    spec: &'a OpenAPI,
    reference: &str,
    at: &str,
) -> Result<(&'a str, &'a Schema), CodegenError> {
    crate::refs::follow(spec, reference, at)
}
