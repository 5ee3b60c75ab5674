//! Keeps the names a previous crate published: an inline type keeps the Rust name it had
//! while it stands for a place of the spec it stood for then.
//!
//! Lowering and [`super::shared_names`] name inline types after their first use and after
//! what their uses share, so a new use of a shared enum, or a new schema met earlier, would
//! rename it (the stream processors' `CloudProvider` became `StreamsCloudProvider` when the
//! invoices began to use it). The record of the previous crate
//! (`reports/api-surface.json`) says which places each published type stood for; this pass
//! gives each inline type the published name that shares the most places with it. A
//! contest is decided by stable keys, never by the order of the spec: most shared places,
//! then the name, then the type's first place. A name a component schema takes now is not
//! kept (the schema's name is its Rust name). Every other type keeps the name the rules
//! gave it, numbered ([`numbered`]) only if a kept name took it.
//!
//! So are an enum's variant names: a value keeps the variant it had, and a new value whose
//! name one of them took is numbered (`SHA-1` stays `Sha1` when the spec adds `SHA1`,
//! which becomes `Sha12`). And the other members of a published type: a field keeps its
//! ident (found by wire name: it depends on nothing else, but the naming rule may change), a discriminated union's variant its name (found by any tag that selected
//! it), an untagged union's variant its name (found by its branch's type), although a new
//! branch changes what the names share and so what they would be without the record.
//!
//! The order of a fieldless enum's variants is published too: `as` casts read it, and a
//! cast works on a `#[non_exhaustive]` enum of another crate. An enum of tag values keeps
//! the published order of the values it had, and lists new ones after them, so that a
//! value the spec inserts, or a mapping it reorders, moves no variant.

use std::collections::{BTreeMap, BTreeSet};

use crate::diff::Surface;
use crate::diff::surface::Type;
use crate::emit::tokens::type_text;
use crate::ir::{EnumValue, Ir, TypeId, TypeKind};
use crate::names::{FILLED_FIELD, UNDECLARED_PROPERTIES_FIELD, UNKNOWN_TAG_VARIANT, numbered};

pub fn keep_published_names(ir: &mut Ir, published: &Surface) {
    keep_names(ir, published);
    keep_member_names(ir, published);
    keep_variant_order(ir, published);
}

/// Gives each enum value, field and union variant of a published type the name it had; a
/// new member whose name a kept one took, or a second member claiming one name, is
/// numbered.
fn keep_member_names(ir: &mut Ir, published: &Surface) {
    for id in 0..ir.types.len() {
        let Some(before) = published.types.get(&ir.types[id].name) else {
            continue;
        };
        let kept = published_member_names(ir, &ir.types[id].kind, before);
        if kept.iter().all(Option::is_none) {
            continue;
        }
        let (members, reserved): (Vec<&mut String>, Vec<&str>) = match &mut ir.types[id].kind {
            TypeKind::Enum(e) => (
                e.values.iter_mut().map(|v| &mut v.ident).collect(),
                vec![e.catch_all.as_str()],
            ),
            TypeKind::TagValues(values) => {
                (values.iter_mut().map(|v| &mut v.ident).collect(), vec![])
            }
            TypeKind::Struct(s) => (
                s.fields.iter_mut().map(|f| &mut f.ident).collect(),
                vec![UNDECLARED_PROPERTIES_FIELD, FILLED_FIELD],
            ),
            TypeKind::Tagged(t) => (
                t.variants.iter_mut().map(|v| &mut v.ident).collect(),
                vec![UNKNOWN_TAG_VARIANT],
            ),
            TypeKind::Untagged(variants) => {
                (variants.iter_mut().map(|v| &mut v.ident).collect(), vec![])
            }
            TypeKind::Alias(_) => continue,
        };
        give_back(members, &kept, &reserved);
    }
}

/// For each member of `kind` (enum values, fields, or variants), the name `before`
/// published for it.
fn published_member_names(ir: &Ir, kind: &TypeKind, before: &Type) -> Vec<Option<String>> {
    let values = |values: &[EnumValue], published: &BTreeMap<String, String>| {
        let kept = values.iter().map(|v| published.get(&v.wire).cloned());
        kept.collect()
    };
    match (kind, before) {
        (TypeKind::Enum(e), Type::Enum { values: published }) => values(&e.values, published),
        (
            TypeKind::TagValues(v),
            Type::TagValues {
                values: published, ..
            },
        ) => values(v, published),
        (TypeKind::Struct(s), Type::Struct { fields }) => s
            .fields
            .iter()
            .map(|f| fields.get(&f.wire_name).map(|field| field.ident.clone()))
            .collect(),
        (TypeKind::Tagged(t), Type::Tagged { mappings, .. }) => t
            .variants
            .iter()
            .map(|v| {
                let mut tags = v.tags.clone();
                tags.sort();
                tags.iter()
                    .find_map(|tag| mappings.get(tag))
                    .map(|(_, variant)| variant.clone())
            })
            .collect(),
        (TypeKind::Untagged(variants), Type::Untagged { branches }) => variants
            .iter()
            .map(|v| branches.get(&type_text(ir, &v.ty)).cloned())
            .collect(),
        _ => Vec::new(),
    }
}

/// Names `members` with their `kept` names, the first claim winning; numbers each other
/// member whose name is taken by a kept one (or `reserved`).
fn give_back(mut members: Vec<&mut String>, kept: &[Option<String>], reserved: &[&str]) {
    let kept_names: BTreeSet<&str> = kept.iter().flatten().map(String::as_str).collect();
    let mut given: BTreeSet<String> = BTreeSet::new();
    let mut clashing = Vec::new();
    for (i, name) in kept.iter().enumerate() {
        match name {
            Some(name) if given.insert(name.clone()) => name.clone_into(members[i]),
            _ if kept_names.contains(members[i].as_str()) => clashing.push(i),
            _ => {}
        }
    }
    let mut taken: BTreeSet<String> = members.iter().map(|m| (**m).clone()).collect();
    taken.extend(reserved.iter().map(|r| (*r).to_owned()));
    for i in clashing {
        let name = numbered(members[i], |n| taken.contains(n));
        taken.insert(name.clone());
        *members[i] = name;
    }
}

fn keep_names(ir: &mut Ir, published: &Surface) {
    let kept = kept_names(ir, published);
    if kept.is_empty() {
        return;
    }
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    let kept_set: BTreeSet<&str> = kept.values().map(String::as_str).collect();
    // A type that keeps no published name keeps its own, numbered if a kept name took it.
    let (clashing, free): (Vec<TypeId>, Vec<TypeId>) = (0..ir.types.len())
        .filter(|id| !kept.contains_key(id))
        .partition(|&id| kept_set.contains(ir.types[id].name.as_str()));
    let mut taken: BTreeSet<String> = kept.values().cloned().collect();
    taken.extend(free.iter().map(|&id| ir.types[id].name.clone()));
    for id in clashing {
        let name = numbered(&ir.types[id].name, |n| taken.contains(n));
        taken.insert(name.clone());
        renames.insert(ir.types[id].name.clone(), name.clone());
        ir.types[id].name = name;
    }
    for (id, name) in kept {
        let old = std::mem::replace(&mut ir.types[id].name, name.clone());
        if old != name {
            renames.insert(old, name);
        }
    }
    rename_mentions(ir, &renames);
}

/// Puts the values of each enum of tag values the previous crate published in its
/// published order, new values after them in the spec's order.
fn keep_variant_order(ir: &mut Ir, published: &Surface) {
    for def in &mut ir.types {
        let TypeKind::TagValues(values) = &mut def.kind else {
            continue;
        };
        let Some(Type::TagValues {
            values: wire,
            order,
        }) = published.types.get(&def.name)
        else {
            continue;
        };
        let rank = |value: &EnumValue| {
            let variant = wire.get(&value.wire)?;
            order.iter().position(|v| v == variant)
        };
        // Stable: new values (no rank) keep their order, after the published ones.
        values.sort_by_key(|value| rank(value).map_or((1, 0), |r| (0, r)));
    }
}

/// Type → the published name it keeps.
fn kept_names(ir: &Ir, published: &Surface) -> BTreeMap<TypeId, String> {
    let components: BTreeSet<TypeId> = ir.components.values().copied().collect();
    let component_names: BTreeSet<&str> = components
        .iter()
        .map(|&id| ir.types[id].name.as_str())
        .collect();
    let mut owner_of_place: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, places) in &published.places {
        if component_names.contains(name.as_str()) {
            continue;
        }
        for place in places {
            owner_of_place.insert(place, name);
        }
    }
    // (shared places, name, type, its first place) for every type and name they share.
    let mut claims: Vec<(usize, &str, TypeId, &str)> = Vec::new();
    for (id, def) in ir.types.iter().enumerate() {
        if components.contains(&id) {
            continue;
        }
        let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
        for place in &def.places {
            if let Some(name) = owner_of_place.get(place.as_str()) {
                *shared.entry(name).or_default() += 1;
            }
        }
        let first = def.places.first().map_or("", String::as_str);
        claims.extend(shared.into_iter().map(|(name, n)| (n, name, id, first)));
    }
    claims.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)).then(a.3.cmp(b.3)));
    let mut kept: BTreeMap<TypeId, String> = BTreeMap::new();
    let mut names_kept: BTreeSet<&str> = BTreeSet::new();
    for (_, name, id, _) in claims {
        if !kept.contains_key(&id) && names_kept.insert(name) {
            kept.insert(id, name.to_owned());
        }
    }
    kept
}

/// Renames the type names the IR holds as text.
fn rename_mentions(ir: &mut Ir, renames: &BTreeMap<String, String>) {
    let renamed = |name: &mut String| {
        if let Some(new) = renames.get(name.as_str()) {
            new.clone_into(name);
        }
    };
    for shared in &mut ir.shared_types {
        renamed(&mut shared.name);
    }
    ir.shared_types.sort_by(|a, b| a.name.cmp(&b.name));
    for field in &mut ir.narrowed {
        renamed(&mut field.owner);
        renamed(&mut field.union);
        renamed(&mut field.branch);
    }
}
