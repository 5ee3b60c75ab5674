//! Names for inline types that several types' properties share.
//!
//! Lowering names an inline schema after its first use (owner, then property) and reuses
//! the type for every schema of the same content, so the AWS instance sizes of
//! `AwsHardwareSpec20240805.instanceSize` were an `AwsCloudProviderSettingsInstanceSizeName`.
//! A type used by the properties of several types is renamed after what the uses have in
//! common ([`shared_type_names`]): `AwsInstanceSize`. A name another type has is not
//! taken; one several shared types could take goes to the string enum among them whose
//! values include all the others' (`RegionName`: every provider's regions), else to none.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Ir, SharedType, TypeId, TypeKind, TypeRef};
use crate::names::shared_type_names;

pub fn name_shared_types(ir: &mut Ir) {
    let uses = property_uses(ir);
    let components: BTreeSet<TypeId> = ir.components.values().copied().collect();
    let shared: BTreeMap<TypeId, Vec<(String, String)>> = uses
        .into_iter()
        .filter(|(id, uses)| !components.contains(id) && distinct_owners(uses) >= 2)
        .collect();
    let candidates: BTreeMap<TypeId, Vec<String>> = shared
        .iter()
        .map(|(id, uses)| {
            let pairs: Vec<(&str, &str)> =
                uses.iter().map(|(o, p)| (o.as_str(), p.as_str())).collect();
            (*id, shared_type_names(&pairs))
        })
        .collect();
    // Who may take each name: its one contender, or the one string enum among several
    // whose values include every other's (the cloud regions, not one provider's).
    let mut contenders: BTreeMap<&str, Vec<TypeId>> = BTreeMap::new();
    for (id, names) in &candidates {
        for name in names {
            contenders.entry(name).or_default().push(*id);
        }
    }
    let taken: BTreeSet<&str> = ir.types.iter().map(|t| t.name.as_str()).collect();
    let owner_of = |name: &str| -> Option<TypeId> {
        if taken.contains(name) {
            return None;
        }
        match contenders[name].as_slice() {
            [only] => Some(*only),
            several => most_general(ir, several),
        }
    };
    let renames: Vec<(TypeId, String)> = candidates
        .iter()
        .filter_map(|(id, names)| {
            let name = names.iter().find(|n| owner_of(n) == Some(*id))?;
            Some((*id, name.clone()))
        })
        .collect();
    for (id, name) in renames {
        let previous = std::mem::replace(&mut ir.types[id].name, name.clone());
        let uses = shared[&id]
            .iter()
            .map(|(owner, property)| format!("{owner}.{property}"))
            .collect();
        ir.shared_types.push(SharedType {
            name,
            previous,
            uses,
        });
    }
    ir.shared_types.sort_by(|a, b| a.name.cmp(&b.name));
}

/// For each type some struct field has (directly, or optionally), the (owner, property)
/// pairs that have it, in IR order.
fn property_uses(ir: &Ir) -> BTreeMap<TypeId, Vec<(String, String)>> {
    let mut out: BTreeMap<TypeId, Vec<(String, String)>> = BTreeMap::new();
    for def in &ir.types {
        let TypeKind::Struct(s) = &def.kind else {
            continue;
        };
        for f in &s.fields {
            if let TypeRef::Named(id) = f.ty {
                out.entry(id)
                    .or_default()
                    .push((def.name.clone(), f.wire_name.clone()));
            }
        }
    }
    out
}

/// The one enum of `ids` whose values include every other's, if there is one.
fn most_general(ir: &Ir, ids: &[TypeId]) -> Option<TypeId> {
    let values = |id: TypeId| match &ir.types[id].kind {
        TypeKind::Enum(e) => Some(
            e.values
                .iter()
                .map(|v| v.wire.as_str())
                .collect::<BTreeSet<_>>(),
        ),
        _ => None,
    };
    let sets: Vec<(TypeId, BTreeSet<&str>)> = ids
        .iter()
        .map(|&id| Some((id, values(id)?)))
        .collect::<Option<_>>()?;
    let mut general = sets.iter().filter(|(id, set)| {
        sets.iter()
            .all(|(other, o)| other == id || (set.is_superset(o) && set != o))
    });
    match (general.next(), general.next()) {
        (Some((id, _)), None) => Some(*id),
        _ => None,
    }
}

fn distinct_owners(uses: &[(String, String)]) -> usize {
    uses.iter().map(|(o, _)| o).collect::<BTreeSet<_>>().len()
}
