//! Changes to schemas and the Rust types they become. Component schemas are matched by
//! name; every generated type (inline schemas' too) by its Rust name, and compared as
//! the emitter prints it: fields by wire name with their full Rust types, enum values,
//! discriminator mappings, union branches.

use std::collections::{BTreeMap, BTreeSet};

use super::semver::change;
use super::surface::{Surface, Type};
use super::{Change, ChangeKind, sides};

fn model(name: &str) -> String {
    format!("models::{name}")
}

pub(super) fn changes(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Vec::new();
    let schemas = sides(&old.schemas, &new.schemas);
    // A schema's type may outlive it under the same name (another schema's inline type).
    let touched = |name: &String, other: &Surface| {
        if other.types.contains_key(name) {
            vec![]
        } else {
            vec![model(name)]
        }
    };
    for (schema, name) in schemas.removed {
        out.push(change(
            ChangeKind::SchemaRemoved,
            schema,
            None,
            touched(name, new),
        ));
    }
    for (schema, name) in schemas.added {
        out.push(change(
            ChangeKind::SchemaAdded,
            schema,
            None,
            touched(name, old),
        ));
    }
    let named = |s: &Surface| -> BTreeSet<String> { s.schemas.values().cloned().collect() };
    let (old_named, new_named) = (named(old), named(new));
    let types = sides(&old.types, &new.types);
    for (name, _) in types
        .removed
        .into_iter()
        .filter(|(n, _)| !old_named.contains(*n))
    {
        out.push(change(
            ChangeKind::TypeRemoved,
            name,
            None,
            vec![model(name)],
        ));
    }
    for (name, _) in types
        .added
        .into_iter()
        .filter(|(n, _)| !new_named.contains(*n))
    {
        out.push(change(ChangeKind::TypeAdded, name, None, vec![model(name)]));
    }
    for (name, before, after) in types.common {
        for (kind, member) in compare(before, after) {
            let rust = match member {
                Some(member) => format!("models::{name}::{member}"),
                None => model(name),
            };
            out.push(change(kind, name, None, vec![rust]));
        }
    }
    out
}

/// A change, and the member (field or variant) of its type it touches.
type Found = (ChangeKind, Option<String>);

/// The changes between two types of the same Rust name.
fn compare(old: &Type, new: &Type) -> Vec<Found> {
    match (old, new) {
        (Type::Struct { fields: a }, Type::Struct { fields: b }) => {
            let fields = sides(a, b);
            let mut out = Vec::new();
            for (wire, f) in fields.removed {
                let kind = ChangeKind::PropertyRemoved {
                    property: wire.clone(),
                };
                out.push((kind, Some(f.ident.clone())));
            }
            for (wire, f) in fields.added {
                let kind = ChangeKind::PropertyAdded {
                    property: wire.clone(),
                    required: f.required,
                };
                out.push((kind, Some(f.ident.clone())));
            }
            for (wire, before, after) in fields
                .common
                .into_iter()
                .filter(|(_, x, y)| x.rust != y.rust)
            {
                let (property, from, to) = (wire.clone(), before.rust.clone(), after.rust.clone());
                let kind = if before.required != after.required {
                    ChangeKind::PropertyRequiredChanged {
                        property,
                        required: after.required,
                        from,
                        to,
                    }
                } else {
                    ChangeKind::PropertyTypeChanged { property, from, to }
                };
                out.push((kind, Some(after.ident.clone())));
            }
            out
        }
        (Type::Enum { values: a }, Type::Enum { values: b })
        | (Type::TagValues { values: a, .. }, Type::TagValues { values: b, .. }) => {
            let removed = |value: &String| ChangeKind::EnumValueRemoved {
                value: value.clone(),
            };
            let added = |value: &String| ChangeKind::EnumValueAdded {
                value: value.clone(),
            };
            let values = removed_and_added(a, b, removed, added);
            let shifted = discriminants_shifted(old, new).map(|kind| (kind, None));
            values.into_iter().chain(shifted).collect()
        }
        (
            Type::Tagged {
                mappings: a,
                variants: old_variants,
            },
            Type::Tagged {
                mappings: b,
                variants: new_variants,
            },
        ) => {
            let mappings = sides(a, b);
            let mut out = Vec::new();
            let reshaped = sides(old_variants, new_variants).common.into_iter();
            for (variant, from, to) in reshaped.filter(|(_, from, to)| from != to) {
                let kind = ChangeKind::VariantChanged {
                    variant: variant.clone(),
                    from: from.clone(),
                    to: to.clone(),
                };
                out.push((kind, Some(variant.clone())));
            }
            for (value, (schema, variant)) in mappings.removed {
                let kind = ChangeKind::DiscriminatorMappingRemoved {
                    value: value.clone(),
                    schema: schema.clone(),
                };
                out.push((kind, Some(variant.clone())));
            }
            for (value, (schema, variant)) in mappings.added {
                let kind = ChangeKind::DiscriminatorMappingAdded {
                    value: value.clone(),
                    schema: schema.clone(),
                };
                out.push((kind, Some(variant.clone())));
            }
            for (value, (from, _), (to, variant)) in
                mappings.common.into_iter().filter(|(_, x, y)| x.0 != y.0)
            {
                let kind = ChangeKind::DiscriminatorMappingChanged {
                    value: value.clone(),
                    from: from.clone(),
                    to: to.clone(),
                };
                out.push((kind, Some(variant.clone())));
            }
            out
        }
        (Type::Untagged { branches: a }, Type::Untagged { branches: b }) => {
            let removed = |branch: &String| ChangeKind::UnionBranchRemoved {
                branch: branch.clone(),
            };
            let added = |branch: &String| ChangeKind::UnionBranchAdded {
                branch: branch.clone(),
            };
            removed_and_added(a, b, removed, added)
        }
        (Type::Alias { target: a }, Type::Alias { target: b }) if a == b => vec![],
        (Type::Alias { target: a }, Type::Alias { target: b }) => {
            let kind = ChangeKind::KindChanged {
                from: format!("alias of {a}"),
                to: format!("alias of {b}"),
            };
            vec![(kind, None)]
        }
        (a, b) => {
            let kind = ChangeKind::KindChanged {
                from: a.kind_name().to_owned(),
                to: b.kind_name().to_owned(),
            };
            vec![(kind, None)]
        }
    }
}

/// The entries of a wire name → variant map that went and came, each as the change
/// `removed` or `added` makes of its wire name, on its variant.
fn removed_and_added(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    removed: impl Fn(&String) -> ChangeKind,
    added: impl Fn(&String) -> ChangeKind,
) -> Vec<Found> {
    let both = sides(old, new);
    let gone = both
        .removed
        .into_iter()
        .map(|(k, v)| (removed(k), Some(v.clone())));
    let came = both
        .added
        .into_iter()
        .map(|(k, v)| (added(k), Some(v.clone())));
    gone.chain(came).collect()
}

/// Fieldless enums (tag values) whose kept variants moved: `Variant as i32` changes.
fn discriminants_shifted(old: &Type, new: &Type) -> Option<ChangeKind> {
    let (Type::TagValues { order: before, .. }, Type::TagValues { order: after, .. }) = (old, new)
    else {
        return None;
    };
    let place = |order: &[String], variant: &String| order.iter().position(|v| v == variant);
    let variants: Vec<String> = before
        .iter()
        .filter(|v| place(after, v).is_some_and(|at| Some(at) != place(before, v)))
        .cloned()
        .collect();
    (!variants.is_empty()).then_some(ChangeKind::DiscriminantsShifted { variants })
}
