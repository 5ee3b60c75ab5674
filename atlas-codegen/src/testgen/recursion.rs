//! A test of every recursive type: one that can hold itself, through fields, lists, maps
//! and union variants (`BillingInvoice.linkedInvoices`). For each, the JSON that nests a
//! value of the type in itself once, as a prefix and a suffix around the inner value; the
//! driver (`tests/spec_recursion.rs`) repeats them a million times and checks that every
//! decoder stops at the crate's depth limit with an error, on a small thread stack.

use std::collections::{HashMap, VecDeque};

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::emit::tokens::type_tokens_from;
use crate::ir::{Ir, TypeId, TypeKind, TypeRef};

/// The case of one recursive type: the JSON around a value of it that makes another value
/// of it.
pub struct Recursive {
    ty: TypeId,
    prefix: String,
    suffix: String,
}

/// An array or a map between a value and the one it holds.
#[derive(Clone, Copy)]
enum Container {
    Array,
    Map,
}

/// How a value of one type holds a value of another.
#[derive(Clone)]
enum Step {
    /// Inside member `member` (or the value itself, for `None`), within these containers,
    /// outermost first.
    Within {
        member: Option<String>,
        containers: Vec<Container>,
    },
    /// As a variant of a union: the same object, with the member `property: tag`.
    Tagged { property: String, tag: String },
}

/// The named type `ty` holds, through lists and maps: the type and the containers.
fn reach(ty: &TypeRef) -> Option<(TypeId, Vec<Container>)> {
    match ty {
        TypeRef::Named(id) => Some((*id, Vec::new())),
        TypeRef::Array(item) => reach(item).map(|(id, mut c)| {
            c.insert(0, Container::Array);
            (id, c)
        }),
        TypeRef::Map(value) => reach(value).map(|(id, mut c)| {
            c.insert(0, Container::Map);
            (id, c)
        }),
        _ => None,
    }
}

/// Every type a value of `kind` holds, and how.
fn edges(kind: &TypeKind) -> Vec<(TypeId, Step)> {
    let within = |member: Option<&str>, ty: &TypeRef| {
        reach(ty).map(|(id, containers)| {
            let member = member.map(str::to_owned);
            (id, Step::Within { member, containers })
        })
    };
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter_map(|f| within(Some(&f.wire_name), &f.ty))
            .collect(),
        TypeKind::Tagged(t) => t
            .variants
            .iter()
            .filter_map(|v| {
                let tag = v.tags.first()?.clone();
                let property = t.property.clone();
                Some((v.ty, Step::Tagged { property, tag }))
            })
            .collect(),
        TypeKind::Untagged(vs) => vs.iter().filter_map(|v| within(None, &v.ty)).collect(),
        TypeKind::Alias(ty) => within(None, ty).into_iter().collect(),
        TypeKind::Enum(_) | TypeKind::TagValues(_) => Vec::new(),
    }
}

/// The shortest way from `start` back to itself, if there is one.
fn cycle(graph: &[Vec<(TypeId, Step)>], start: TypeId) -> Option<Vec<Step>> {
    // Breadth first, remembering the edge each type was first reached by.
    let mut came_from: HashMap<TypeId, (TypeId, usize)> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(at) = queue.pop_front() {
        for (index, (next, _)) in graph[at].iter().enumerate() {
            if came_from.contains_key(next) {
                continue;
            }
            came_from.insert(*next, (at, index));
            if *next == start {
                let mut steps = Vec::new();
                let mut here = start;
                loop {
                    let (from, edge) = came_from[&here];
                    steps.push(graph[from][edge].1.clone());
                    here = from;
                    if here == start {
                        break;
                    }
                }
                steps.reverse();
                return Some(steps);
            }
            queue.push_back(*next);
        }
    }
    None
}

/// The JSON around a value that the steps of a cycle make: a prefix and a suffix. A tag
/// goes into the object of the member that follows it (round the cycle: a tag at its end
/// goes into the first object of the next turn). `None` when the cycle nests nothing.
fn wrapping(steps: &[Step]) -> Option<(String, String)> {
    let tags_of = |steps: &[Step]| -> Vec<String> {
        steps
            .iter()
            .filter_map(|s| match s {
                Step::Tagged { property, tag } => Some(format!(
                    "{}:{}",
                    Value::from(property.as_str()),
                    Value::from(tag.as_str())
                )),
                Step::Within { .. } => None,
            })
            .collect()
    };
    let last_member = steps.iter().rposition(|s| {
        matches!(
            s,
            Step::Within {
                member: Some(_),
                ..
            }
        )
    });
    let mut pending = last_member.map_or_else(Vec::new, |at| tags_of(&steps[at + 1..]));
    let (mut prefix, mut closers) = (String::new(), Vec::new());
    for step in steps {
        let Step::Within { member, containers } = step else {
            pending.extend(tags_of(std::slice::from_ref(step)));
            continue;
        };
        if let Some(member) = member {
            pending.push(format!("{}:", Value::from(member.as_str())));
            prefix.push('{');
            prefix.push_str(&pending.join(","));
            pending.clear();
            closers.push('}');
        }
        for container in containers {
            match container {
                Container::Array => {
                    prefix.push('[');
                    closers.push(']');
                }
                Container::Map => {
                    prefix.push_str(r#"{"k":"#);
                    closers.push('}');
                }
            }
        }
    }
    (!closers.is_empty()).then(|| (prefix, closers.iter().rev().collect()))
}

/// The case of every type that can hold itself, in the IR's order.
pub fn plan(ir: &Ir) -> Vec<Recursive> {
    let graph: Vec<Vec<(TypeId, Step)>> = ir.types.iter().map(|t| edges(&t.kind)).collect();
    (0..ir.types.len())
        .filter_map(|ty| {
            let (prefix, suffix) = wrapping(&cycle(&graph, ty)?)?;
            Some(Recursive { ty, prefix, suffix })
        })
        .collect()
}

pub fn emit(ir: &Ir, cases: &[Recursive]) -> TokenStream {
    let root = quote!(atlas_generated);
    let checks = cases.iter().map(|case| {
        let ty = type_tokens_from(ir, &TypeRef::Named(case.ty), &root);
        let name = &ir.types[case.ty].name;
        let (prefix, suffix) = (&case.prefix, &case.suffix);
        quote!(check.recursive::<#ty>(#name, #prefix, #suffix);)
    });
    let total = cases.len();
    let doc = format!(" Checks the {total} recursive types of the spec.");
    let check = if cases.is_empty() {
        quote!(_check)
    } else {
        quote!(check)
    };
    quote! {
        //! Every type of the spec that can hold itself, with the JSON that nests a value
        //! of it in another: a prefix and a suffix. Driven by `tests/spec_recursion.rs`.
        #[doc = #doc]
        pub fn all(#check: &mut super::Checker) { #(#checks)* }
        /// How many types [`all`] checks.
        pub const COUNT: usize = #total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, containers: Vec<Container>) -> Step {
        Step::Within {
            member: Some(name.to_owned()),
            containers,
        }
    }

    fn tagged(tag: &str) -> Step {
        Step::Tagged {
            property: "type".to_owned(),
            tag: tag.to_owned(),
        }
    }

    #[test]
    fn wraps_through_members_lists_and_maps() {
        let steps = [member("linkedInvoices", vec![Container::Array])];
        assert_eq!(
            wrapping(&steps).unwrap(),
            (r#"{"linkedInvoices":["#.to_owned(), "]}".to_owned())
        );
        let steps = [
            member("a", vec![Container::Map, Container::Array]),
            Step::Within {
                member: None,
                containers: vec![],
            },
        ];
        assert_eq!(
            wrapping(&steps).unwrap(),
            (r#"{"a":{"k":["#.to_owned(), "]}}".to_owned())
        );
    }

    #[test]
    fn a_tag_goes_into_the_next_object_round_the_cycle() {
        let steps = [tagged("GROUP"), member("children", vec![Container::Array])];
        assert_eq!(
            wrapping(&steps).unwrap().0,
            r#"{"type":"GROUP","children":["#
        );
        let steps = [member("children", vec![Container::Array]), tagged("GROUP")];
        assert_eq!(
            wrapping(&steps).unwrap().0,
            r#"{"type":"GROUP","children":["#
        );
        let nothing = [Step::Within {
            member: None,
            containers: vec![],
        }];
        assert!(
            wrapping(&nothing).is_none(),
            "an alias of itself nests nothing"
        );
    }
}
