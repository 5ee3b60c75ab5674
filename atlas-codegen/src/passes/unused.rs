//! Drops the inline types nothing refers to any more (the enum of a tag field the tags
//! pass removed), so that no dead type is generated. Component schemas stay, used or not:
//! they are the crate's vocabulary.

use crate::ir::{Ir, Operation, ResponseBody, Success, TypeId, TypeKind, TypeRef, VariantTag};

pub fn drop_unused_types(ir: &mut Ir) {
    let used = used_types(ir);
    if used.iter().all(|u| *u) {
        return;
    }
    let mut new_ids = Vec::with_capacity(used.len());
    let mut next = 0;
    for &u in &used {
        new_ids.push(next);
        next += usize::from(u);
    }
    let types = std::mem::take(&mut ir.types);
    ir.types = types
        .into_iter()
        .zip(&used)
        .filter_map(|(def, &u)| u.then_some(def))
        .collect();
    // Used types only refer to used types, so every id has its new place.
    each_type_id(ir, &mut |id| *id = new_ids[*id]);
}

/// Whether each type is reachable from a component, an operation or a component response.
fn used_types(ir: &mut Ir) -> Vec<bool> {
    let mut used = vec![false; ir.types.len()];
    let mut pending: Vec<TypeId> = ir.components.values().copied().collect();
    let mut types = std::mem::take(&mut ir.types);
    each_root_type_id(ir, &mut |id| pending.push(*id));
    while let Some(id) = pending.pop() {
        if !std::mem::replace(&mut used[id], true) {
            kind_type_ids(&mut types[id].kind, &mut |id| pending.push(*id));
        }
    }
    ir.types = types;
    used
}

/// Calls `f` on every type id the IR holds.
fn each_type_id(ir: &mut Ir, f: &mut dyn FnMut(&mut TypeId)) {
    for def in &mut ir.types {
        kind_type_ids(&mut def.kind, f);
    }
    ir.components.values_mut().for_each(&mut *f);
    each_root_type_id(ir, f);
}

/// The type ids outside type definitions and the component table: those of operations
/// and of component responses.
fn each_root_type_id(ir: &mut Ir, f: &mut dyn FnMut(&mut TypeId)) {
    for op in &mut ir.operations {
        operation_type_ids(op, f);
    }
    for example in &mut ir.component_response_examples {
        type_ref_ids(&mut example.ty, f);
    }
}

/// Calls `f` on every type id an operation refers to directly: its parameters', bodies'
/// and responses' types.
pub(super) fn operation_type_ids(op: &mut Operation, f: &mut dyn FnMut(&mut TypeId)) {
    op.params
        .iter_mut()
        .for_each(|p| type_ref_ids(&mut p.ty, f));
    for case in &mut op.shared_responses {
        body_ids(&mut case.body, f);
    }
    for v in &mut op.versions {
        if let Some(body) = &mut v.request {
            type_ref_ids(&mut body.ty, f);
        }
        v.responses
            .iter_mut()
            .for_each(|c| body_ids(&mut c.body, f));
        for endpoint in &mut v.endpoints {
            if let Some(error) = &mut endpoint.error {
                type_ref_ids(error, f);
            }
            let cases = match &mut endpoint.success {
                Success::Undeclared => &mut [][..],
                Success::One(case) => std::slice::from_mut(case),
                Success::Many { cases, .. } => cases,
            };
            cases.iter_mut().for_each(|c| body_ids(&mut c.body, f));
        }
    }
}

/// Calls `f` on every type id a type definition refers to.
pub(super) fn kind_type_ids(kind: &mut TypeKind, f: &mut dyn FnMut(&mut TypeId)) {
    match kind {
        TypeKind::Struct(s) => s.fields.iter_mut().for_each(|x| type_ref_ids(&mut x.ty, f)),
        TypeKind::Untagged(vs) => {
            for v in vs {
                type_ref_ids(&mut v.ty, f);
                let shape = v.shape.iter_mut().flatten();
                shape.filter_map(|p| p.values.as_mut()).for_each(&mut *f);
            }
        }
        TypeKind::Alias(ty) => type_ref_ids(ty, f),
        TypeKind::Tagged(t) => {
            for v in &mut t.variants {
                f(&mut v.ty);
                if let VariantTag::Carried { ty, .. } = &mut v.tag {
                    f(ty);
                }
            }
        }
        TypeKind::Enum(_) | TypeKind::TagValues(_) => {}
    }
}

fn body_ids(body: &mut ResponseBody, f: &mut dyn FnMut(&mut TypeId)) {
    if let ResponseBody::Json(ty) = body {
        type_ref_ids(ty, f);
    }
}

fn type_ref_ids(ty: &mut TypeRef, f: &mut dyn FnMut(&mut TypeId)) {
    match ty {
        TypeRef::Named(id) => f(id),
        TypeRef::Array(inner) | TypeRef::Map(inner) => type_ref_ids(inner, f),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Gate, Struct, TypeDef};

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.to_owned(),
            origin: format!("#/{name}"),
            places: vec![format!("#/{name}")],
            file: "f".to_owned(),
            docs: Default::default(),
            deprecated: false,
            kind,
            examples: Vec::new(),
            base_examples: Vec::new(),
            tag_examples: Vec::new(),
            aliases: Vec::new(),
            zero: None,
            gate: Gate::Always,
        }
    }

    fn alias(to: TypeId) -> TypeKind {
        TypeKind::Alias(TypeRef::Array(Box::new(TypeRef::Named(to))))
    }

    #[test]
    fn unreferenced_inline_types_go_and_the_rest_are_renumbered() {
        let empty = || {
            TypeKind::Struct(Struct {
                fields: Vec::new(),
                declares_additional: false,
                derives_default: false,
            })
        };
        let mut ir = Ir {
            types: vec![
                def("Dead", empty()),
                def("Component", alias(3)),
                def("AlsoDead", alias(0)),
                def("Inline", empty()),
                def("UnusedComponent", empty()),
            ],
            operations: Vec::new(),
            tags: Vec::new(),
            components: [
                ("Component".to_owned(), 1),
                ("UnusedComponent".to_owned(), 4),
            ]
            .into_iter()
            .collect(),
            fallbacks: Vec::new(),
            left_out: Vec::new(),
            narrowed: Vec::new(),
            families: Vec::new(),
            shared_types: Vec::new(),
            component_response_examples: Vec::new(),
            spec_title: String::new(),
            spec_version: String::new(),
            spec_sha: None,
        };
        drop_unused_types(&mut ir);
        let names: Vec<&str> = ir.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Component", "Inline", "UnusedComponent"]);
        assert_eq!(ir.components["Component"], 0);
        assert_eq!(ir.components["UnusedComponent"], 2);
        assert!(
            matches!(&ir.types[0].kind, TypeKind::Alias(TypeRef::Array(t)) if **t == TypeRef::Named(1))
        );
    }
}
