//! Keeps the request type names a previous crate published for an operation the spec
//! renamed: same method and path, new short name (`x-xgen-operation-id-override`). Between
//! the 2025-06-26 and 2026-08-06 documents, 309 operations were renamed so; each old name
//! (the request types of every version, their other formats and their success enums) stays
//! as a `#[deprecated]` alias of the new one while the operation exists.
//!
//! An old name maps to the new name with the same ending after the operation's name
//! (`GetClusterV20230101Csv` → `GetGroupClusterV20230101Csv`); one whose counterpart is
//! gone, or that another item now has, is not kept.

use std::collections::{BTreeMap, BTreeSet};

use crate::diff::Surface;
use crate::diff::surface::route;
use crate::ir::{Ir, Operation, Success};

pub fn alias_renamed_requests(ir: &mut Ir, published: &Surface) {
    let taken: BTreeSet<String> = ir.operations.iter().flat_map(item_names).collect();
    for op in &mut ir.operations {
        let Some(old) = published.operations.get(&route(op)) else {
            continue;
        };
        let current: BTreeSet<String> = item_names(op).into_iter().collect();
        let renamed = |name: &str| -> Option<String> {
            let ending = name.strip_prefix(old.type_name.as_str())?;
            let new = format!("{}{ending}", op.type_name);
            current.contains(&new).then_some(new)
        };
        let mut aliases = BTreeMap::new();
        let published_names = old.item_names().into_iter().map(|n| (n.clone(), n));
        let earlier_aliases = old.aliases.iter().map(|(a, t)| (a.clone(), t.clone()));
        for (name, target) in published_names.chain(earlier_aliases) {
            if taken.contains(&name) {
                continue;
            }
            if let Some(new) = renamed(&target) {
                aliases.insert(name, new);
            }
        }
        op.aliases = aliases;
    }
}

/// The request types and success enums of an operation: the unversioned request type, then
/// each version's.
fn item_names(op: &Operation) -> Vec<String> {
    let versioned = op.versions.iter().flat_map(|v| &v.endpoints).flat_map(|e| {
        let success = match &e.success {
            Success::Many { name, .. } => Some(name.clone()),
            _ => None,
        };
        std::iter::once(e.type_name.clone()).chain(success)
    });
    std::iter::once(op.type_name.clone())
        .chain(versioned)
        .collect()
}
