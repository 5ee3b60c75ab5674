//! Which structs derive `Default`: those whose every field can start empty.

use crate::ir::{Field, Ir, Presence, TypeKind, TypeRef};

pub fn derive_defaults(ir: &mut Ir) {
    let defaults: Vec<bool> = ir
        .types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().all(|f| starts_empty(ir, f)),
            _ => false,
        })
        .collect();
    for (def, default) in ir.types.iter_mut().zip(defaults) {
        if let TypeKind::Struct(s) = &mut def.kind {
            s.derives_default = default;
        }
    }
}

/// An optional field starts as `None`; a required one as its type's default, which strings,
/// numbers, lists, maps and structs of optional fields have (enums and unions do not).
fn starts_empty(ir: &Ir, f: &Field) -> bool {
    if f.presence != Presence::Required {
        return true;
    }
    match &f.ty {
        TypeRef::Named(id) => match &ir.types[*id].kind {
            TypeKind::Struct(s) => s.fields.iter().all(|g| g.presence != Presence::Required),
            _ => false,
        },
        _ => true,
    }
}
