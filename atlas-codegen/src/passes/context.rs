//! Fields whose context says which branch of their untagged union they hold.
//!
//! `CloudRegionConfig20240805` is discriminated by `providerName`; its `electableSpecs` is a
//! `oneOf` of the AWS, Azure, GCP and tenant hardware specs, without a discriminator, and
//! the same value (`{"instanceSize":"M10","nodeCount":3}`) fits each. Inside the `AWS`
//! subtype only the AWS branch makes sense, so the subtype's field is typed as that branch:
//! the branch whose name is the tag's ([`named_for_tag`]), when exactly one is.

use std::collections::BTreeSet;

use super::tags::unions_of;
use crate::ir::{Ir, NarrowedField, TypeId, TypeKind, TypeRef};
use crate::names::named_for_tag;

pub fn narrow_fields(ir: &mut Ir) {
    for subtype in 0..ir.types.len() {
        let Some(tag) = only_tag(ir, subtype) else {
            continue;
        };
        let TypeKind::Struct(s) = &ir.types[subtype].kind else {
            continue;
        };
        let mut changes = Vec::new();
        for (i, field) in s.fields.iter().enumerate() {
            if let Some((union, branch)) = branch_for(ir, &field.ty, &tag) {
                let narrowed = NarrowedField {
                    owner: ir.types[subtype].name.clone(),
                    field: field.wire_name.clone(),
                    tag: tag.clone(),
                    union: ir.types[union].name.clone(),
                    branch: ir.types[branch].name.clone(),
                };
                changes.push((i, branch, narrowed));
            }
        }
        for (i, branch, narrowed) in changes {
            if let TypeKind::Struct(s) = &mut ir.types[subtype].kind {
                s.fields[i].ty = TypeRef::Named(branch);
            }
            ir.narrowed.push(narrowed);
        }
    }
}

/// The one tag every union selects `subtype` by, if there is exactly one.
fn only_tag(ir: &Ir, subtype: TypeId) -> Option<String> {
    let tags: BTreeSet<String> = unions_of(ir, subtype)
        .into_iter()
        .flat_map(|(_, tags)| tags)
        .collect();
    let mut tags = tags.into_iter();
    match (tags.next(), tags.next()) {
        (Some(tag), None) => Some(tag),
        _ => None,
    }
}

/// For a field of an untagged union type: the union and its one branch named for `tag`.
fn branch_for(ir: &Ir, ty: &TypeRef, tag: &str) -> Option<(TypeId, TypeId)> {
    let TypeRef::Named(union) = ty else {
        return None;
    };
    let TypeKind::Untagged(branches) = &ir.types[*union].kind else {
        return None;
    };
    let mut named = branches.iter().filter_map(|b| match b.ty {
        TypeRef::Named(id) if named_for_tag(&ir.types[id].name, tag) => Some(id),
        _ => None,
    });
    match (named.next(), named.next()) {
        (Some(branch), None) => Some((*union, branch)),
        _ => None,
    }
}
