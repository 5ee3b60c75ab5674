//! References to component schemas, resolved one way for the IR builder and the request
//! sampler alike.

use std::borrow::Cow;

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};

use crate::error::{CodegenError, pointer_token};

pub(crate) const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

/// The pointer of the component schema `name`.
pub(crate) fn schema_pointer(name: &str) -> String {
    format!("{SCHEMA_REF_PREFIX}{}", pointer_token(name))
}

/// The component a reference names: `#/components/schemas/A~1B` is `A/B` (JSON pointer
/// escapes undone). A bare `Name` is accepted too, as a discriminator `mapping` may say.
pub(crate) fn component_name(reference: &str) -> Option<Cow<'_, str>> {
    match reference.strip_prefix(SCHEMA_REF_PREFIX) {
        Some(token) if token.contains('~') => {
            Some(Cow::Owned(token.replace("~1", "/").replace("~0", "~")))
        }
        Some(token) => Some(Cow::Borrowed(token)),
        None if !reference.contains('/') && !reference.starts_with('#') => {
            Some(Cow::Borrowed(reference))
        }
        None => None,
    }
}

/// The key in `schemas` of the component `reference` names itself (no alias followed).
pub(crate) fn component_key<'a>(
    schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    reference: &str,
) -> Option<&'a str> {
    let name = component_name(reference)?;
    schemas
        .get_key_value(name.as_ref())
        .map(|(key, _)| key.as_str())
}

/// The component schema `reference` names, following components that are themselves only a
/// reference; returns the last component's name and its schema. `at` is where the reference
/// is, for errors.
pub(crate) fn resolve<'a>(
    schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    reference: &str,
    at: &str,
) -> Result<(&'a str, &'a Schema), CodegenError> {
    let mut current = reference.to_owned();
    // A chain longer than the number of components is a loop.
    for _ in 0..=schemas.len() {
        let Some(name) = component_name(&current) else {
            return Err(CodegenError::at(
                at,
                format!("`$ref: {current}` does not point into {SCHEMA_REF_PREFIX}"),
            ));
        };
        match schemas.get_key_value(name.as_ref()) {
            Some((key, ReferenceOr::Item(schema))) => return Ok((key.as_str(), schema)),
            Some((_, ReferenceOr::Reference { reference: next })) => current = next.clone(),
            None => {
                return Err(CodegenError::at(
                    at,
                    format!("dangling `$ref: {current}`: no such schema"),
                ));
            }
        }
    }
    Err(CodegenError::at(
        at,
        format!("`$ref: {reference}` is a cycle of references"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemas(yaml: &str) -> IndexMap<String, ReferenceOr<Schema>> {
        serde_yaml::from_str(yaml).expect("schemas")
    }

    #[test]
    fn resolves_escaped_bare_and_aliased_names() {
        let s = schemas(
            "A/B: {type: string}\nAlias: {$ref: '#/components/schemas/A~1B'}\nC: {type: integer}\n",
        );
        assert_eq!(
            resolve(&s, "#/components/schemas/A~1B", "#/x")
                .expect("escaped")
                .0,
            "A/B"
        );
        assert_eq!(
            resolve(&s, "#/components/schemas/Alias", "#/x")
                .expect("alias")
                .0,
            "A/B"
        );
        assert_eq!(resolve(&s, "C", "#/x").expect("bare mapping name").0, "C");
    }

    #[test]
    fn errors_name_the_place_of_the_reference() {
        let s = schemas("Loop: {$ref: '#/components/schemas/Loop'}\n");
        for (reference, message) in [
            (
                "#/components/schemas/Missing",
                "dangling `$ref: #/components/schemas/Missing`: no such schema",
            ),
            (
                "#/components/parameters/P",
                "`$ref: #/components/parameters/P` does not point into #/components/schemas/",
            ),
            (
                "#/components/schemas/Loop",
                "`$ref: #/components/schemas/Loop` is a cycle of references",
            ),
        ] {
            let error = resolve(&s, reference, "#/paths/~1a/get").expect_err(reference);
            assert_eq!(error.to_string(), format!("#/paths/~1a/get: {message}"));
        }
    }
}
