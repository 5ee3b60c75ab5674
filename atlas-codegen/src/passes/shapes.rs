//! How an untagged union chooses between branches a value fits.
//!
//! Branches of a `oneOf` without a discriminator often overlap: every alert view has an `id`
//! and an `eventTypeName`, and open enums accept any string. Trying them in the spec's order
//! would make the first branch win whatever the value says. Instead each object branch
//! gets its shape ([`ShapeProperty`]: the properties it declares, and the values its
//! string enums list), and the union tries first the branches that leave least of the
//! value undescribed (`runtime::branch_order` says how that is weighed); between equals,
//! the spec's order decides.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Ir, ShapeProperty, TypeId, TypeKind, TypeRef};

/// How deep nested unions are followed for the names they declare.
const MAX_DEPTH: usize = 4;

pub fn shape_branches(ir: &mut Ir) {
    for id in 0..ir.types.len() {
        let TypeKind::Untagged(branches) = &ir.types[id].kind else {
            continue;
        };
        let shapes: Vec<Option<Vec<ShapeProperty>>> =
            branches.iter().map(|b| shape_of(ir, &b.ty, 0)).collect();
        // With fewer than two object branches, there is nothing to rank.
        if shapes.iter().filter(|s| s.is_some()).count() < 2 {
            continue;
        }
        if let TypeKind::Untagged(branches) = &mut ir.types[id].kind {
            for (branch, shape) in branches.iter_mut().zip(shapes) {
                branch.shape = shape;
            }
        }
    }
}

/// The properties a value of `ty` declares, if it is an object of known properties.
fn shape_of(ir: &Ir, ty: &TypeRef, depth: usize) -> Option<Vec<ShapeProperty>> {
    let TypeRef::Named(id) = ty else {
        return None;
    };
    match &ir.types[*id].kind {
        TypeKind::Struct(s) => Some(
            s.fields
                .iter()
                .map(|f| ShapeProperty {
                    wire: f.wire_name.clone(),
                    values: listed_values(ir, &f.ty),
                    essential: false,
                })
                .collect(),
        ),
        TypeKind::Tagged(t) => {
            let tag = ShapeProperty {
                wire: t.property.clone(),
                values: Some(*id),
                essential: true,
            };
            let rest = t.variants.iter().map(|v| TypeRef::Named(v.ty));
            Some(merged(ir, tag, rest, depth))
        }
        TypeKind::Untagged(branches) if depth < MAX_DEPTH => {
            let mut names = BTreeSet::new();
            for b in branches {
                let shape = shape_of(ir, &b.ty, depth + 1).unwrap_or_default();
                names.extend(shape.into_iter().map(|p| p.wire));
            }
            Some(any_value(names))
        }
        TypeKind::Alias(inner) if depth < MAX_DEPTH => shape_of(ir, inner, depth + 1),
        _ => None,
    }
}

/// A discriminated union's shape: its tag, with the tags it lists, and every property of
/// its variants, with the values they list where all variants declaring it agree.
fn merged(
    ir: &Ir,
    tag: ShapeProperty,
    variants: impl Iterator<Item = TypeRef>,
    depth: usize,
) -> Vec<ShapeProperty> {
    let mut properties: BTreeMap<String, Option<TypeId>> = BTreeMap::new();
    for v in variants {
        for p in shape_of(ir, &v, depth + 1).unwrap_or_default() {
            properties
                .entry(p.wire)
                .and_modify(|values| {
                    if *values != p.values {
                        *values = None;
                    }
                })
                .or_insert(p.values);
        }
    }
    properties.remove(&tag.wire);
    let mut out = vec![tag];
    out.extend(properties.into_iter().map(|(wire, values)| ShapeProperty {
        wire,
        values,
        essential: false,
    }));
    out
}

fn any_value(names: BTreeSet<String>) -> Vec<ShapeProperty> {
    names
        .into_iter()
        .map(|wire| ShapeProperty {
            wire,
            values: None,
            essential: false,
        })
        .collect()
}

/// The type listing the values a property of type `ty` takes, if it is a string enum.
fn listed_values(ir: &Ir, ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => match &ir.types[*id].kind {
            TypeKind::Enum(_) | TypeKind::TagValues(_) => Some(*id),
            _ => None,
        },
        _ => None,
    }
}
