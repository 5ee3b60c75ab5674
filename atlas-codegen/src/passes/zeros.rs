//! Which types have a zero value, the value a response's missing required field takes
//! (client error correction, `atlas_generated::runtime::correction`).
//!
//! Only the types a required field can hold get one (and, for a struct's zero, the types
//! of its own required fields): the others would compile a `zero()` nothing calls. A
//! struct has one when every required field's type does; an untagged union takes its
//! first branch that has one; enums, tags and tagged unions always do. A struct that
//! requires itself, directly or through others, has no finite zero: its absence stays an
//! error.

use crate::ir::{Ir, Presence, TypeId, TypeKind, TypeRef, Zero};

#[derive(Clone, Copy)]
enum State {
    Unvisited,
    /// On the stack: reaching it again means a cycle of required fields.
    Visiting,
    Done(Option<Zero>),
}

pub fn plan_zeros(ir: &mut Ir) {
    let mut states = vec![State::Unvisited; ir.types.len()];
    for id in 0..ir.types.len() {
        let TypeKind::Struct(s) = &ir.types[id].kind else {
            continue;
        };
        for field in s.fields.iter().filter(|f| f.presence == Presence::Required) {
            if let TypeRef::Named(target) = field.ty {
                zero_of(ir, target, &mut states);
            }
        }
    }
    for (def, state) in ir.types.iter_mut().zip(states) {
        if let State::Done(zero) = state {
            def.zero = zero;
        }
    }
}

fn zero_of(ir: &Ir, id: TypeId, states: &mut [State]) -> Option<Zero> {
    match states[id] {
        State::Done(zero) => return zero,
        State::Visiting => return None,
        State::Unvisited => {}
    }
    states[id] = State::Visiting;
    let has = |ty: &TypeRef, states: &mut [State]| match ty {
        TypeRef::Named(target) => zero_of(ir, *target, states).is_some(),
        // Scalars, lists, maps and untyped JSON have theirs without recursion.
        _ => true,
    };
    let zero = match &ir.types[id].kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter(|f| f.presence == Presence::Required)
            .all(|f| has(&f.ty, states))
            .then_some(Zero::Own),
        TypeKind::Enum(_) | TypeKind::Tagged(_) => Some(Zero::Own),
        TypeKind::TagValues(values) => (!values.is_empty()).then_some(Zero::Own),
        TypeKind::Untagged(variants) => variants
            .iter()
            .position(|v| has(&v.ty, states))
            .map(Zero::Branch),
        TypeKind::Alias(ty) => has(ty, states).then_some(Zero::Own),
    };
    states[id] = State::Done(zero);
    zero
}
