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
    let renames = renamed_types(old, new);
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
        let kind = match renames.get(name) {
            Some(to) => renamed(name, to, new),
            None => ChangeKind::SchemaRemoved,
        };
        out.push(change(kind, schema, None, touched(name, new)));
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
        let kind = match renames.get(name) {
            Some(to) => renamed(name, to, new),
            None => ChangeKind::TypeRemoved,
        };
        out.push(change(kind, name, None, vec![model(name)]));
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

fn renamed(from: &str, to: &str, new: &Surface) -> ChangeKind {
    ChangeKind::TypeRenamed {
        from: from.to_owned(),
        to: to.to_owned(),
        aliased: new
            .type_aliases
            .get(from)
            .is_some_and(|target| target == to),
    }
}

/// The types the spec renamed between two surfaces: each Rust name the older has and the
/// newer lacks → the type of the newer that has its content and a name the older did not
/// have. Content is the type as the surface prints it, with the renames found so far
/// applied to the names it refers to; the search repeats until it finds no more, so that a
/// renamed schema that refers to another renamed one is found too. Of several types of
/// the same content, the one whose name sorts first: a stable key, never the spec's order.
/// The newer surface's own aliases come first: they are what its generator decided.
pub(crate) fn renamed_types(old: &Surface, new: &Surface) -> BTreeMap<String, String> {
    let mut found = aliased_since(old, new);
    let gone: Vec<(&String, &Type)> = old
        .types
        .iter()
        .filter(|(name, _)| !new.types.contains_key(*name))
        .collect();
    let mut came: BTreeMap<String, &String> = BTreeMap::new();
    for (name, ty) in new.types.iter().rev() {
        if !old.types.contains_key(name) {
            came.insert(content(ty), name);
        }
    }
    loop {
        let before = found.len();
        for (name, ty) in &gone {
            if found.contains_key(*name) {
                continue;
            }
            let moved = super::cause::renamed(&content(ty), &found);
            if let Some(&to) = came.get(&moved) {
                found.insert((*name).clone(), to.clone());
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// The aliases of `new` for types `old` has: old name → new name.
pub(super) fn aliased_since(old: &Surface, new: &Surface) -> BTreeMap<String, String> {
    new.type_aliases
        .iter()
        .filter(|(alias, _)| old.types.contains_key(*alias))
        .map(|(alias, target)| (alias.clone(), target.clone()))
        .collect()
}

/// A type's content as one text: what two types of the same content share.
fn content(ty: &Type) -> String {
    serde_json::to_string(ty).expect("plain data serialises")
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
