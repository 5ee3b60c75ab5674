//! Resource families: a collection (`/groups/{groupId}/clusters`) and its items
//! (`…/clusters/{clusterName}`), the operations that create, list, read, change and delete
//! them, and which field of a resource holds its key. A fake Atlas keeps state per
//! family; the report counts them.
//!
//! A family is an item path `<collection>/{key}` with a `GET`, whose collection has a
//! `POST` or a `GET`. The key's field is the one of the item's answer the key parameter
//! names: the same name (`entryValue`), `name` for a `…Name` parameter (`clusterName`),
//! `id`, `_id` or the name in another case for an `…Id` one (`indexId` → `indexID`). An
//! answer that is a union has it when every branch has it.

use crate::ir::{Family, Ir, Method, OperationVersion, TypeKind, TypeRef};

pub fn find_families(ir: &mut Ir) {
    let mut families = Vec::new();
    for (get, op) in ir.operations.iter().enumerate() {
        if op.method != Method::Get {
            continue;
        }
        let Some((collection, key)) = item_path(&op.path) else {
            continue;
        };
        let find = |method: Method, path: &str| {
            ir.operations
                .iter()
                .position(|o| o.method == method && o.path == path)
        };
        let (create, list) = (
            find(Method::Post, collection),
            find(Method::Get, collection),
        );
        if create.is_none() && list.is_none() {
            continue;
        }
        let update = [Method::Patch, Method::Put]
            .into_iter()
            .filter_map(|m| find(m, &op.path))
            .collect();
        families.push(Family {
            collection: collection.to_owned(),
            key_param: key.to_owned(),
            key_field: key_field(ir, main_version(op), key),
            create,
            list,
            get,
            update,
            delete: find(Method::Delete, &op.path),
        });
    }
    ir.families = families;
}

/// `/a/{b}/c/{d}` → (`/a/{b}/c`, `d`).
fn item_path(path: &str) -> Option<(&str, &str)> {
    let (collection, last) = path.rsplit_once('/')?;
    let key = last.strip_prefix('{')?.strip_suffix('}')?;
    Some((collection, key))
}

/// The version a caller gets by default, else the newest.
fn main_version(op: &crate::ir::Operation) -> Option<&OperationVersion> {
    op.default_version
        .map(|i| &op.versions[i])
        .or_else(|| op.versions.last())
}

/// The wire name of the field of the item's answer that holds `key`.
fn key_field(ir: &Ir, version: Option<&OperationVersion>, key: &str) -> Option<String> {
    let ty = version?.main_success_json()?;
    let mut candidates = vec![key.to_owned()];
    if key.ends_with("Name") {
        candidates.push("name".to_owned());
    }
    if key.ends_with("Id") {
        candidates.extend(["id".to_owned(), "_id".to_owned()]);
    }
    candidates
        .into_iter()
        .find_map(|wanted| field_named(ir, ty, &wanted))
}

/// The field of `ty` (every branch, for a union) named `wanted`, in any case.
fn field_named(ir: &Ir, ty: &TypeRef, wanted: &str) -> Option<String> {
    let TypeRef::Named(id) = ir.unaliased(ty) else {
        return None;
    };
    match &ir.types[*id].kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .find(|f| f.wire_name == wanted)
            .or_else(|| {
                s.fields
                    .iter()
                    .find(|f| f.wire_name.eq_ignore_ascii_case(wanted))
            })
            .map(|f| f.wire_name.clone()),
        TypeKind::Tagged(t) => {
            let names: Vec<Option<String>> = t
                .variants
                .iter()
                .map(|v| field_named(ir, &TypeRef::Named(v.ty), wanted))
                .collect();
            same_in_all(names)
        }
        TypeKind::Untagged(variants) => {
            let names: Vec<Option<String>> = variants
                .iter()
                .map(|v| field_named(ir, &v.ty, wanted))
                .collect();
            same_in_all(names)
        }
        _ => None,
    }
}

/// The one name every branch gives.
fn same_in_all(names: Vec<Option<String>>) -> Option<String> {
    let first = names.first()?.clone()?;
    names
        .iter()
        .all(|n| n.as_deref() == Some(first.as_str()))
        .then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_path_ends_in_its_key() {
        assert_eq!(
            item_path("/api/atlas/v2/groups/{groupId}/clusters/{clusterName}"),
            Some(("/api/atlas/v2/groups/{groupId}/clusters", "clusterName"))
        );
        assert_eq!(item_path("/api/atlas/v2/groups/{groupId}/clusters"), None);
        assert_eq!(item_path("/api/atlas/v2/x/{name}.gz"), None);
    }
}
