//! `$ref`s: every kind of component a reference can name (schemas, parameters, request
//! bodies, responses, examples), resolved one way for the IR builder and the request sampler.

use std::borrow::Cow;

use indexmap::IndexMap;
use openapiv3::{
    Components, Example, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema,
};

use crate::error::{CodegenError, pointer_token};

/// A kind of component: where its table is in `#/components`, and what errors call one.
pub(crate) trait Component: Sized + 'static {
    /// The key of the table under `#/components` (`schemas`, `requestBodies`…).
    const KIND: &'static str;
    /// What an error calls one (`schema`, `request body`…).
    const NOUN: &'static str;
    /// Whether a bare name stands for `#/components/{KIND}/{name}`, as a discriminator
    /// `mapping` may say of a schema.
    const BARE_NAMES: bool = false;
    fn table(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

macro_rules! component {
    ($type:ty, $kind:literal, $noun:literal, $field:ident $(, $bare:literal)?) => {
        impl Component for $type {
            const KIND: &'static str = $kind;
            const NOUN: &'static str = $noun;
            $(const BARE_NAMES: bool = $bare;)?
            fn table(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
                &components.$field
            }
        }
    };
}

component!(Schema, "schemas", "schema", schemas, true);
component!(Parameter, "parameters", "parameter", parameters);
component!(RequestBody, "requestBodies", "request body", request_bodies);
component!(Response, "responses", "response", responses);
component!(Example, "examples", "example", examples);

/// The pointer of the component schema `name`.
pub(crate) fn schema_pointer(name: &str) -> String {
    format!("#/components/schemas/{}", pointer_token(name))
}

/// The component a reference names: `#/components/schemas/A~1B` is `A/B` (JSON pointer
/// escapes undone); a bare `Name` too where [`Component::BARE_NAMES`] allows it.
fn component_name<T: Component>(reference: &str) -> Option<Cow<'_, str>> {
    let bare = T::BARE_NAMES && !reference.contains('/') && !reference.starts_with('#');
    let token = match reference
        .strip_prefix("#/components/")
        .and_then(|rest| rest.strip_prefix(T::KIND))
        .and_then(|rest| rest.strip_prefix('/'))
    {
        Some(token) => token,
        None if bare => reference,
        None => return None,
    };
    Some(if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    })
}

fn table<T: Component>(spec: &OpenAPI) -> Option<&IndexMap<String, ReferenceOr<T>>> {
    spec.components.as_ref().map(T::table)
}

/// The name (as the spec spells it) of the component `reference` names itself, without
/// following a component that is only a reference to another.
pub(crate) fn component_key<'a, T: Component>(
    spec: &'a OpenAPI,
    reference: &str,
) -> Option<&'a str> {
    let name = component_name::<T>(reference)?;
    let (key, _) = table::<T>(spec)?.get_key_value(name.as_ref())?;
    Some(key)
}

/// The component `reference` names, following components that are themselves only a
/// reference; returns the last component's name and value. `at` is where the reference
/// is, for errors.
pub(crate) fn follow<'a, T: Component>(
    spec: &'a OpenAPI,
    reference: &str,
    at: &str,
) -> Result<(&'a str, &'a T), CodegenError> {
    let components = table::<T>(spec);
    let mut current = reference.to_owned();
    // A chain longer than the number of components is a loop.
    for _ in 0..=components.map_or(0, IndexMap::len) {
        let Some(name) = component_name::<T>(&current) else {
            let message = format!(
                "`$ref: {current}` does not point into #/components/{}/",
                T::KIND
            );
            return Err(CodegenError::at(at, message));
        };
        match components.and_then(|c| c.get_key_value(name.as_ref())) {
            Some((key, ReferenceOr::Item(item))) => return Ok((key, item)),
            Some((_, ReferenceOr::Reference { reference: next })) => current = next.clone(),
            None => {
                let message = format!("dangling `$ref: {current}`: no such {}", T::NOUN);
                return Err(CodegenError::at(at, message));
            }
        }
    }
    Err(CodegenError::at(
        at,
        format!("`$ref: {reference}` is a cycle of references"),
    ))
}

/// An inline item as it is, or the component its `$ref` names (see [`follow`]).
pub(crate) fn resolve<'a, T: Component>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    at: &str,
) -> Result<&'a T, CodegenError> {
    match item {
        ReferenceOr::Item(item) => Ok(item),
        ReferenceOr::Reference { reference } => Ok(follow(spec, reference, at)?.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(components: &str) -> OpenAPI {
        let text = format!(
            "openapi: 3.0.1\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n{components}"
        );
        serde_yaml::from_str(&text).expect("a spec")
    }

    #[test]
    fn resolves_escaped_bare_and_aliased_names() {
        let s = spec(
            "  schemas:\n    A/B: {type: string}\n    Alias: {$ref: '#/components/schemas/A~1B'}\n    C: {type: integer}\n",
        );
        let name = |reference| follow::<Schema>(&s, reference, "#/x").expect(reference).0;
        assert_eq!(name("#/components/schemas/A~1B"), "A/B");
        assert_eq!(name("#/components/schemas/Alias"), "A/B");
        assert_eq!(name("C"), "C", "a bare mapping name");
        assert_eq!(
            component_key::<Schema>(&s, "#/components/schemas/Alias"),
            Some("Alias")
        );
    }

    #[test]
    fn every_kind_of_component_resolves() {
        let s = spec(
            "  parameters:\n    P: {in: query, name: p, schema: {type: string}}\n    Q: {$ref: '#/components/parameters/P'}\n\
             \x20 requestBodies:\n    B: {content: {}}\n\
             \x20 responses:\n    R: {description: r}\n\
             \x20 examples:\n    E: {value: 1}\n",
        );
        assert_eq!(
            follow::<Parameter>(&s, "#/components/parameters/Q", "#")
                .unwrap()
                .0,
            "P"
        );
        assert!(follow::<RequestBody>(&s, "#/components/requestBodies/B", "#").is_ok());
        assert!(follow::<Response>(&s, "#/components/responses/R", "#").is_ok());
        assert!(follow::<Example>(&s, "#/components/examples/E", "#").is_ok());
        // Bare names are for schemas only.
        assert!(follow::<Parameter>(&s, "P", "#").is_err());
    }

    #[test]
    fn errors_name_the_place_of_the_reference() {
        let s = spec("  schemas:\n    Loop: {$ref: '#/components/schemas/Loop'}\n");
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
            let error = follow::<Schema>(&s, reference, "#/paths/~1a/get").expect_err(reference);
            assert_eq!(error.to_string(), format!("#/paths/~1a/get: {message}"));
        }
        let error =
            follow::<Response>(&s, "#/components/responses/R", "#/a").expect_err("no responses");
        assert_eq!(
            error.to_string(),
            "#/a: dangling `$ref: #/components/responses/R`: no such response"
        );
    }
}
