//! Resource families: a collection (`/groups/{groupId}/clusters`) and its items
//! (`…/clusters/{clusterName}`), the operations that create, list, read, change and delete
//! them, and which field of a resource holds its key. A fake Atlas keeps state per
//! family; the report counts them.
//!
//! A family is an item path `<collection>/{key}` (or `/{key}/{key}`…, a database user's
//! `{databaseName}/{username}`) with a `GET`, whose collection has a `POST` or a `GET`
//! (the parent's, for a view: `…/snapshots/shardedCluster/{id}` reads `…/snapshots`; a
//! collection's `POST` may name the item another way: `…/sampleDatasetLoad/{name}`); or a
//! singleton, a path that ends in a word with a `GET` that answers an object and a `POST`,
//! `PUT` or `PATCH` (`…/backupCompliancePolicy`), which has no key. The key's field is the
//! one of the item's answer the key parameter
//! names: the same name (`entryValue`), `name` for a `…Name` parameter (`clusterName`),
//! `id`, `_id` or the name in another case for an `…Id` one (`indexId` → `indexID`). An
//! answer that is a union has it when every branch has it.
//!
//! A missing item's `errorCode` is the collection's last word made singular and upper
//! case, with `_NOT_FOUND` (`…/clusters` → `CLUSTER_NOT_FOUND`, `…/resourcePolicies` →
//! `RESOURCE_POLICY_NOT_FOUND`, the codes the recorded traffic has). A fake fills the
//! item's read-only fields with the spec's examples of them.

use heck::ToShoutySnakeCase;
use serde_json::Value;

use crate::ir::{
    Family, Field, Ir, ItemKey, Method, Operation, OperationVersion, Paging, TypeKind, TypeRef,
};

pub fn find_families(ir: &mut Ir) {
    let mut families: Vec<Family> = ir
        .operations
        .iter()
        .enumerate()
        .filter_map(|(get, op)| collection_family(ir, get, op))
        .collect();
    let singletons: Vec<Family> = ir
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| !families.iter().any(|f| f.collection == op.path))
        .filter_map(|(get, op)| singleton_family(ir, get, op))
        .collect();
    families.extend(singletons);
    ir.families = families;
}

/// The operation of `method` on `path`.
fn find(ir: &Ir, method: Method, path: &str) -> Option<usize> {
    ir.operations
        .iter()
        .position(|o| o.method == method && o.path == path)
}

/// The family whose item `op` (a `GET` of `<collection>/{key}`) reads.
fn collection_family(ir: &Ir, get: usize, op: &Operation) -> Option<Family> {
    if op.method != Method::Get || answers_a_list(ir, op) {
        return None;
    }
    let (own, keys) = item_path(&op.path)?;
    // `…/snapshots/shardedCluster/{snapshotId}`, whose collection has no operation, reads
    // the items of `…/snapshots`.
    let served = |c: &&str| {
        [Method::Post, Method::Get]
            .into_iter()
            .any(|m| find(ir, m, c).is_some())
    };
    let view_of = own
        .rsplit_once('/')
        .map(|(parent, _)| parent)
        .filter(|parent| !parent.ends_with('}'));
    let collection = if served(&own) || post_by_name(ir, own).is_some() {
        own
    } else {
        view_of.filter(served)?
    };
    let create = find(ir, Method::Post, collection).or_else(|| post_by_name(ir, collection));
    let list = find(ir, Method::Get, collection);
    let keys = keys
        .into_iter()
        .map(|key| ItemKey {
            param: key.to_owned(),
            field: key_field(ir, main_version(op), key),
        })
        .collect();
    Some(with_create_tag(
        ir,
        Family {
            keys,
            create,
            list,
            ..family(ir, get, op, collection)
        },
    ))
}

/// The `POST` of `<collection>/{name}`, when the collection has none of its own: a
/// sample dataset is requested at `…/sampleDatasetLoad/{name}` (a cluster's name) and read
/// at `…/sampleDatasetLoad/{sampleDatasetId}`.
fn post_by_name(ir: &Ir, collection: &str) -> Option<usize> {
    ir.operations.iter().position(|o| {
        o.method == Method::Post
            && o.path
                .strip_prefix(collection)
                .and_then(|rest| rest.strip_prefix("/{"))
                .is_some_and(|name| name.ends_with('}') && !name.contains('/'))
    })
}

/// The singleton `op` reads: a `GET` of a path that ends in a word and answers an object,
/// with a `POST`, `PUT` or `PATCH` of the same path (a project's backup compliance
/// policy, a cluster's search deployment). Its `POST` creates it, else its `PUT` does.
fn singleton_family(ir: &Ir, get: usize, op: &Operation) -> Option<Family> {
    let last = op.path.rsplit('/').next()?;
    if op.method != Method::Get || last.starts_with('{') || answers_a_list(ir, op) {
        return None;
    }
    // An object: not a flag (`…/performanceAdvisor/autoIndexing` answers a boolean).
    if !matches!(
        item_shape(ir, main_version(op)),
        Some((TypeKind::Struct(_), _))
    ) {
        return None;
    }
    let create = find(ir, Method::Post, &op.path).or_else(|| find(ir, Method::Put, &op.path));
    let singleton = family(ir, get, op, &op.path);
    (create.is_some() || !singleton.update.is_empty()).then(|| {
        with_create_tag(
            ir,
            Family {
                create,
                ..singleton
            },
        )
    })
}

/// `family`, whose items also show the tag of the first branch of its create's answer
/// when that is a discriminated union the item's own answer is not (a snapshot's `type`,
/// which `takeSnapshots` answers as a union and the `GET` as one branch).
fn with_create_tag(ir: &Ir, mut family: Family) -> Family {
    let tag = family
        .create
        .and_then(|i| item_shape(ir, main_version(&ir.operations[i])))
        .and_then(|(_, tag)| tag);
    let examples = &mut family.read_only_examples;
    if let Some((property, value)) = tag.filter(|(p, _)| !examples.iter().any(|(n, _)| n == p)) {
        examples.insert(0, (property, Value::String(value)));
    }
    family
}

/// Whether `op` answers a list: a page, or an array (the search indexes of one
/// collection, `…/search/indexes/{databaseName}/{collectionName}`), which no item is.
fn answers_a_list(ir: &Ir, op: &Operation) -> bool {
    main_version(op).is_some_and(|v| {
        !matches!(v.paging, Paging::NotAList)
            || v.main_success_json()
                .is_some_and(|ty| matches!(ir.unaliased(ty), TypeRef::Array(_)))
    })
}

/// What an item's family has whatever its kind: its updates, delete, `404` code and
/// fields, for the item `op` reads in `collection`.
fn family(ir: &Ir, get: usize, op: &Operation, collection: &str) -> Family {
    let version = main_version(op);
    Family {
        collection: collection.to_owned(),
        keys: Vec::new(),
        not_found_code: not_found_code(collection),
        read_only_examples: read_only_examples(ir, version),
        write_only: item_fields(ir, version, |f| f.write_only)
            .map(|f| f.wire_name.clone())
            .collect(),
        create: None,
        list: None,
        get,
        update: [Method::Patch, Method::Put]
            .into_iter()
            .filter_map(|m| find(ir, m, &op.path))
            .collect(),
        delete: find(ir, Method::Delete, &op.path),
    }
}

/// `/a/{b}/c/{d}` → (`/a/{b}/c`, [`d`]); `/a/{b}/c/{d}/{e}` → (`/a/{b}/c`, [`d`, `e`]).
fn item_path(path: &str) -> Option<(&str, Vec<&str>)> {
    let mut collection = path;
    let mut keys = Vec::new();
    while let Some((rest, last)) = collection.rsplit_once('/') {
        let Some(key) = last.strip_prefix('{').and_then(|k| k.strip_suffix('}')) else {
            break;
        };
        keys.insert(0, key);
        collection = rest;
    }
    (!keys.is_empty()).then_some((collection, keys))
}

/// The version a caller gets by default, else the newest.
fn main_version(op: &Operation) -> Option<&OperationVersion> {
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

/// `…/resourcePolicies` → `RESOURCE_POLICY_NOT_FOUND`.
fn not_found_code(collection: &str) -> String {
    let word = collection
        .rsplit('/')
        .find(|s| !s.starts_with('{') && !s.is_empty())
        .unwrap_or("resource");
    format!("{}_NOT_FOUND", singular(word).to_shouty_snake_case())
}

/// The singular of a collection's name: `policies` → `policy`, `processes` → `process`,
/// `clusters` → `cluster`; a name that is not a plural (`access`) stays.
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = ["sses", "shes", "ches", "xes"]
        .iter()
        .find_map(|end| word.strip_suffix(end).map(|s| (s, &end[..end.len() - 2])))
    {
        format!("{}{}", stem.0, stem.1)
    } else if word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

/// The fields of the item's answer that `keep` keeps: a struct's, or for a
/// discriminated union, its first branch's.
fn item_fields<'a>(
    ir: &'a Ir,
    version: Option<&'a OperationVersion>,
    keep: fn(&Field) -> bool,
) -> impl Iterator<Item = &'a Field> {
    let fields = match item_shape(ir, version) {
        Some((TypeKind::Struct(s), _)) => s.fields.as_slice(),
        _ => &[],
    };
    fields.iter().filter(move |f| keep(f))
}

/// The item's answer as a struct, or a discriminated union's first branch with the tag
/// that selects it (`("type", "replicaSet")` for a snapshot): what an item shows when its
/// create does not say which branch it is.
fn item_shape<'a>(
    ir: &'a Ir,
    version: Option<&'a OperationVersion>,
) -> Option<(&'a TypeKind, Option<(String, String)>)> {
    let TypeRef::Named(id) = ir.unaliased(version?.main_success_json()?) else {
        return None;
    };
    match &ir.types[*id].kind {
        TypeKind::Tagged(union) => {
            let first = union.variants.first()?;
            let tag = (union.property.clone(), first.tags.first()?.clone());
            Some((&ir.types[first.ty].kind, Some(tag)))
        }
        kind => Some((kind, None)),
    }
}

/// The read-only fields of the item with an example, each with its first; for a
/// discriminated union, its first branch's tag, then that branch's.
fn read_only_examples(ir: &Ir, version: Option<&OperationVersion>) -> Vec<(String, Value)> {
    let tag = item_shape(ir, version)
        .and_then(|(_, tag)| tag)
        .map(|(property, value)| (property, Value::String(value)));
    let fields = item_fields(ir, version, |f| f.read_only)
        .filter_map(|f| Some((f.wire_name.clone(), f.examples.first()?.1.clone())));
    tag.into_iter().chain(fields).collect()
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
            Some((
                "/api/atlas/v2/groups/{groupId}/clusters",
                vec!["clusterName"]
            ))
        );
        assert_eq!(
            item_path("/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}"),
            Some((
                "/api/atlas/v2/groups/{groupId}/databaseUsers",
                vec!["databaseName", "username"]
            ))
        );
        assert_eq!(item_path("/api/atlas/v2/groups/{groupId}/clusters"), None);
        assert_eq!(item_path("/api/atlas/v2/x/{name}.gz"), None);
    }

    #[test]
    fn a_missing_item_is_named_by_its_collection_in_the_singular() {
        for (collection, code) in [
            (
                "/api/atlas/v2/groups/{groupId}/clusters",
                "CLUSTER_NOT_FOUND",
            ),
            (
                "/api/atlas/v2/orgs/{orgId}/resourcePolicies",
                "RESOURCE_POLICY_NOT_FOUND",
            ),
            (
                "/api/atlas/v2/groups/{groupId}/processes",
                "PROCESS_NOT_FOUND",
            ),
            (
                "/api/atlas/v2/groups/{groupId}/accessList",
                "ACCESS_LIST_NOT_FOUND",
            ),
            (
                "/api/atlas/v2/groups/{groupId}/search/indexes",
                "INDEX_NOT_FOUND",
            ),
            (
                "/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}",
                "DATABASE_USER_NOT_FOUND",
            ),
        ] {
            assert_eq!(not_found_code(collection), code, "{collection}");
        }
    }
}
