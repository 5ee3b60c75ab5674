//! Breaks infinite-size types: a field or variant that leads back to its own type (without
//! passing through a `Vec` or a map, which are already on the heap) is boxed.

use crate::ir::{Ir, TypeId, TypeKind, TypeRef};

/// The type a value of `ty` holds inline, if it is a named one.
fn inline_target(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        _ => None,
    }
}

fn edges(kind: &TypeKind) -> Vec<TypeId> {
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter_map(|f| inline_target(&f.ty))
            .collect(),
        TypeKind::Tagged(t) => t.variants.iter().map(|v| v.ty).collect(),
        TypeKind::Untagged(v) => v.iter().filter_map(|v| inline_target(&v.ty)).collect(),
        TypeKind::Alias(ty) => inline_target(ty).into_iter().collect(),
        TypeKind::Enum(_) | TypeKind::TagValues(_) => Vec::new(),
    }
}

/// Strongly connected components (Tarjan, iterative): `component[id]` numbers them.
fn components(graph: &[Vec<TypeId>]) -> Vec<usize> {
    let n = graph.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = graph[v].get(*edge) {
                *edge += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

pub fn box_recursive_fields(ir: &mut Ir) {
    let graph: Vec<Vec<TypeId>> = ir.types.iter().map(|t| edges(&t.kind)).collect();
    let component = components(&graph);
    let recursive = |from: TypeId, to: TypeId| component[from] == component[to];
    for (id, def) in ir.types.iter_mut().enumerate() {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    f.boxed = inline_target(&f.ty).is_some_and(|t| recursive(id, t));
                }
            }
            TypeKind::Tagged(t) => {
                for v in &mut t.variants {
                    v.boxed = recursive(id, v.ty);
                }
            }
            TypeKind::Untagged(vs) => {
                for v in vs {
                    v.boxed = inline_target(&v.ty).is_some_and(|t| recursive(id, t));
                }
            }
            TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::TagValues(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::components;

    #[test]
    fn finds_cycles_and_leaves_chains_apart() {
        // 0 → 1 → 2 → 0 is a cycle; 3 → 0 and 4 stand alone; 5 → 5 points at itself.
        let graph = vec![vec![1], vec![2], vec![0], vec![0], vec![], vec![5]];
        let c = components(&graph);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[0]);
        assert_ne!(c[3], c[4]);
    }
}
