//! Which structs derive `Default`: those without a required field. A default for a
//! required field (an empty name, a zero count) would be a value the server rejects, so
//! such structs are built with `new(required…)` instead.

use crate::ir::{Ir, TypeKind};

pub fn derive_defaults(ir: &mut Ir) {
    for def in &mut ir.types {
        if let TypeKind::Struct(s) = &mut def.kind {
            s.derives_default = !s.has_required();
        }
    }
}
