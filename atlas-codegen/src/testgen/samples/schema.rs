//! A schema as the sampler and the validator meet it: a `$ref` or inline. They resolve
//! references with [`crate::refs`] and read constraints through
//! [`crate::schema_view::View`], as the IR builder does.

use openapiv3::{ReferenceOr, Schema};

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
