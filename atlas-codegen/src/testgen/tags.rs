//! A test of every variant of every discriminated union: an object of the variant's subtype
//! (made by the request sampler) carrying each of the variant's tags decodes as that
//! variant and encodes back equal; and the subtype's value put into the variant by hand,
//! without any tag, encodes with the variant's tag. Written as generated code so that each
//! union is checked through its own Rust type. Driven by `tests/spec_tags.rs`.

use std::collections::HashMap;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::samples::component_sample;
use crate::emit::tokens::{ident, type_tokens_from};
use crate::error::CodegenError;
use crate::ir::{Ir, TypeId, TypeKind, TypeRef, VariantTag};

/// The cases of one union.
pub struct Union {
    ty: TypeId,
    property: String,
    variants: Vec<Variant>,
}

struct Variant {
    ident: String,
    /// The field holding the tag, when several tags select the variant.
    carried: Option<String>,
    /// The payload is decoded with the tag in it (its type has a field for it).
    keeps_tag: bool,
    tags: Vec<String>,
    /// An object of the subtype, tag included.
    sample: Value,
}

/// The cases of every union, each variant sampled once.
pub fn plan(spec: &OpenAPI, ir: &Ir) -> Result<Vec<Union>, CodegenError> {
    let names: HashMap<TypeId, &str> = ir
        .components
        .iter()
        .map(|(n, id)| (*id, n.as_str()))
        .collect();
    let mut unions = Vec::new();
    for (ty, def) in ir.types.iter().enumerate() {
        let TypeKind::Tagged(t) = &def.kind else {
            continue;
        };
        let mut variants = Vec::new();
        for v in &t.variants {
            let Some(name) = names.get(&v.ty) else {
                return Err(CodegenError::at(
                    &def.origin,
                    format!("variant `{}` is not a component schema", v.ident),
                ));
            };
            variants.push(Variant {
                ident: v.ident.clone(),
                carried: match &v.tag {
                    VariantTag::One(_) => None,
                    VariantTag::Carried { field, .. } => Some(field.clone()),
                },
                keeps_tag: v.payload_keeps_tag,
                tags: v.tags.clone(),
                sample: component_sample(spec, name)?,
            });
        }
        unions.push(Union {
            ty,
            property: t.property.clone(),
            variants,
        });
    }
    Ok(unions)
}

/// How many (variant, tag) cases the test runs.
pub fn count(unions: &[Union]) -> usize {
    unions
        .iter()
        .flat_map(|u| &u.variants)
        .map(|v| v.tags.len())
        .sum()
}

pub fn emit(ir: &Ir, unions: &[Union]) -> TokenStream {
    let root = quote!(atlas_generated);
    let checks = unions.iter().map(|u| {
        let ty = type_tokens_from(ir, &TypeRef::Named(u.ty), &root);
        let property = &u.property;
        let mut cases = Vec::new();
        let mut names = Vec::new();
        let mut builds = Vec::new();
        for v in &u.variants {
            let vi = ident(&v.ident);
            let variant = &v.ident;
            let keeps = v.keeps_tag;
            for tag in &v.tags {
                let mut sample = v.sample.clone();
                if let Value::Object(map) = &mut sample {
                    map.insert(u.property.clone(), Value::String(tag.clone()));
                }
                let json = sample.to_string();
                cases.push(quote!((#variant, #tag, #keeps, #json)));
            }
            match &v.carried {
                None => {
                    names.push(quote!(#ty::#vi(_) => #variant,));
                    builds.push(quote!(#variant => Ok(#ty::#vi(decode(payload)?)),));
                }
                Some(field) => {
                    let fi = ident(field);
                    names.push(quote!(#ty::#vi { .. } => #variant,));
                    builds.push(quote! {
                        #variant => Ok(#ty::#vi { #fi: decode(serde_json::Value::String(tag.to_owned()))?, value: decode(payload)? }),
                    });
                }
            }
        }
        let tag = if u.variants.iter().any(|v| v.carried.is_some()) {
            quote!(tag)
        } else {
            quote!(_tag)
        };
        quote! {
            check.union::<#ty>(
                #property,
                &[#(#cases),*],
                // The enum is `#[non_exhaustive]`: a variant this list lacks names itself as such,
                // and the check fails on it.
                |value| match value { #(#names)* #ty::Unknown(_) => "Unknown", _ => "a variant the test does not list" },
                |variant, #tag, payload| match variant { #(#builds)* other => Err(format!("no variant `{other}`")) },
            );
        }
    });
    let total = count(unions);
    let doc =
        format!(" Checks the {total} (variant, tag) pairs of the spec's discriminated unions.");
    // A spec without unions still gets the file, without what would go unused.
    let (import, check) = if unions.is_empty() {
        (quote!(), quote!(_check))
    } else {
        (
            quote!(
                use super::decode;
            ),
            quote!(check),
        )
    };
    quote! {
        //! Every variant of every discriminated union, with each of its tags. Driven by
        //! `tests/spec_tags.rs`.
        #import
        #[doc = #doc]
        pub fn all(#check: &mut super::Checker) { #(#checks)* }
        /// How many (variant, tag) pairs [`all`] checks.
        pub const COUNT: usize = #total;
    }
}
