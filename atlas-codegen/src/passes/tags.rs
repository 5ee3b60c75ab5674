//! Who writes each discriminator tag: the variant is its one source.
//!
//! A union writes the tag of the variant it encodes, so a subtype that is only ever a
//! variant has no field for it (a value cannot say `GCP` inside the `Aws` variant). A
//! subtype that is also used on its own (a list of AWS roles, a request body) keeps the
//! field, typed to the one tag it always has. Only a subtype used on its own under several
//! tags keeps the field as the spec types it; the union still writes its own tag over it.

use std::collections::BTreeSet;

use crate::ir::{
    Docs, EnumValue, Gate, Ir, ResponseBody, Struct, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::names::{constant_tag_type, enum_variants, numbered};

pub fn assign_tags(ir: &mut Ir) {
    let standalone = standalone_uses(ir);
    for subtype in 0..ir.types.len() {
        let unions = unions_of(ir, subtype);
        let [(property, _), ..] = unions.as_slice() else {
            continue;
        };
        if unions.iter().any(|(p, _)| p != property) || !is_struct(&ir.types[subtype]) {
            continue;
        }
        let property = property.clone();
        let tags: BTreeSet<&str> = unions
            .iter()
            .flat_map(|(_, t)| t.iter().map(String::as_str))
            .collect();
        let single = unions.iter().all(|(_, t)| t.len() == 1);
        if !standalone.contains(&subtype) {
            remove_field(&mut ir.types[subtype], &property);
        } else if let (true, [tag]) = (single, tags.into_iter().collect::<Vec<_>>().as_slice()) {
            let tag = (*tag).to_owned();
            constant_field(ir, subtype, &property, &tag);
        }
    }
    mark_payloads(ir);
}

/// Whether each variant's payload still has a field for its union's tag.
fn mark_payloads(ir: &mut Ir) {
    let keeps: Vec<Vec<bool>> = ir
        .types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Tagged(t) => t
                .variants
                .iter()
                .map(|v| has_field(&ir.types[v.ty], &t.property))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    for (def, keeps) in ir.types.iter_mut().zip(keeps) {
        if let TypeKind::Tagged(t) = &mut def.kind {
            for (v, keep) in t.variants.iter_mut().zip(keeps) {
                v.payload_keeps_tag = keep;
            }
        }
    }
}

fn has_field(def: &TypeDef, property: &str) -> bool {
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().any(|f| f.wire_name == property),
        // Anything else decodes the object whole.
        _ => true,
    }
}

fn is_struct(def: &TypeDef) -> bool {
    matches!(def.kind, TypeKind::Struct(_))
}

/// The (property, tags) of every union variant `subtype` is.
pub(super) fn unions_of(ir: &Ir, subtype: TypeId) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for def in &ir.types {
        if let TypeKind::Tagged(t) = &def.kind {
            for v in t.variants.iter().filter(|v| v.ty == subtype) {
                out.push((t.property.clone(), v.tags.clone()));
            }
        }
    }
    out
}

/// The types used other than as the payload of a discriminated union's variant: as a
/// field, an item, a map value, an untagged branch, an alias, a parameter or a body.
fn standalone_uses(ir: &Ir) -> BTreeSet<TypeId> {
    let mut out = BTreeSet::new();
    let mut add = |ty: &TypeRef| named_in(ty, &mut out);
    for def in &ir.types {
        match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().for_each(|f| add(&f.ty)),
            TypeKind::Untagged(variants) => variants.iter().for_each(|v| add(&v.ty)),
            TypeKind::Alias(ty) => add(ty),
            TypeKind::Tagged(_) | TypeKind::Enum(_) | TypeKind::TagValues(_) => {}
        }
    }
    for op in &ir.operations {
        op.params.iter().for_each(|p| add(&p.ty));
        for v in &op.versions {
            if let Some(body) = &v.request {
                add(&body.ty);
            }
            for case in v.responses.iter().chain(&op.shared_responses) {
                if let ResponseBody::Json(ty) = &case.body {
                    add(ty);
                }
            }
        }
    }
    out
}

fn named_in(ty: &TypeRef, out: &mut BTreeSet<TypeId>) {
    match ty {
        TypeRef::Named(id) => {
            out.insert(*id);
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) => named_in(inner, out),
        _ => {}
    }
}

/// A subtype that is only ever a variant: every union writes its tag, so it has no field
/// (its examples are kept, to be checked as the strings tags are).
fn remove_field(def: &mut TypeDef, property: &str) {
    if let TypeKind::Struct(Struct { fields, .. }) = &mut def.kind
        && let Some(i) = fields.iter().position(|f| f.wire_name == property)
    {
        def.tag_examples.extend(fields.remove(i).examples);
    }
}

/// A subtype used on its own under one tag: its field holds only that tag.
fn constant_field(ir: &mut Ir, subtype: TypeId, property: &str, tag: &str) {
    let owner = &ir.types[subtype];
    let hint = constant_tag_type(&owner.name, property);
    let name = numbered(&hint, |n| ir.types.iter().any(|t| t.name == n));
    let (idents, _) = enum_variants(&[tag.to_owned()]);
    let def = TypeDef {
        name,
        origin: owner.origin.clone(),
        // Not the property's own place, which the schema's type for it has.
        places: vec![format!("{}/properties/{property}/const", owner.origin)],
        file: owner.file.clone(),
        docs: Docs {
            description: Some(format!(
                "The `{property}` of a `{}`, which is always `{tag}`.",
                owner.name
            )),
            ..Docs::default()
        },
        deprecated: false,
        kind: TypeKind::TagValues(vec![EnumValue {
            wire: tag.to_owned(),
            ident: idents[0].clone(),
        }]),
        examples: Vec::new(),
        base_examples: Vec::new(),
        tag_examples: Vec::new(),
        aliases: Vec::new(),
        zero: None,
        gate: Gate::Always,
    };
    ir.types.push(def);
    let id = ir.types.len() - 1;
    if let TypeKind::Struct(s) = &mut ir.types[subtype].kind
        && let Some(field) = s.fields.iter_mut().find(|f| f.wire_name == property)
    {
        field.ty = TypeRef::Named(id);
    }
}
