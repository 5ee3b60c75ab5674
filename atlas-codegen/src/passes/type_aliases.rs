//! Keeps the names a previous crate published for types the spec renamed: a type that is
//! gone while a new type has its content (a component schema renamed, say) stays as a
//! `#[deprecated]` alias of the new one, found by the rule the spec-change report uses
//! ([`renamed_types`]). An alias published before lives while the type it names does,
//! following that type if the spec renames it again.

use std::collections::{BTreeMap, BTreeSet};

use crate::diff::Surface;
use crate::diff::types::renamed_types;
use crate::ir::Ir;

pub fn alias_renamed_types(ir: &mut Ir, published: &Surface) {
    let names: BTreeSet<&str> = ir.types.iter().map(|t| t.name.as_str()).collect();
    let all_kept = published.types.keys().all(|n| names.contains(n.as_str()));
    if all_kept && published.type_aliases.is_empty() {
        // Nothing published is gone: no surface to compare (it takes a while to make).
        return;
    }
    let now = Surface::of(ir);
    let mut aliases = renamed_types(published, &now);
    for (alias, target) in &published.type_aliases {
        let target = aliases.get(target).unwrap_or(target).clone();
        if now.types.contains_key(&target) && !now.types.contains_key(alias) {
            aliases.entry(alias.clone()).or_insert(target);
        }
    }
    let ids: BTreeMap<String, usize> = ir
        .types
        .iter()
        .enumerate()
        .map(|(id, t)| (t.name.clone(), id))
        .collect();
    for (alias, target) in aliases {
        if let Some(&id) = ids.get(&target) {
            ir.types[id].aliases.push(alias);
        }
    }
}
