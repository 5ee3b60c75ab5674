//! Resource families, found in the small API of `tests/waiters/spec.yaml`: a collection
//! and its items, their operations, and the field that holds an item's key.

use atlas_codegen::{generate, parse_spec};

#[test]
fn collections_and_their_items_make_families_with_their_key_fields() {
    let path = format!("{}/tests/waiters/spec.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("the fixture");
    let generated = generate(&parse_spec(&text).expect("parses"), None).expect("generates");
    let ir = &generated.ir;
    let id = |i: Option<usize>| i.map(|i| ir.operations[i].operation_id.as_str());
    let families: Vec<_> = ir
        .families
        .iter()
        .map(|f| {
            let update: Vec<_> = f.update.iter().map(|&i| id(Some(i))).collect();
            (
                f.collection.as_str(),
                f.keys
                    .iter()
                    .map(|k| (k.param.as_str(), k.field.as_deref()))
                    .collect::<Vec<_>>(),
                id(f.create),
                id(Some(f.get)),
                update,
                id(f.delete),
            )
        })
        .collect();
    assert_eq!(
        families,
        [
            (
                "/api/atlas/v2/groups/{groupId}/clusters",
                vec![("clusterName", Some("name"))],
                Some("createCluster"),
                Some("getCluster"),
                vec![Some("updateCluster")],
                Some("deleteCluster"),
            ),
            (
                "/api/atlas/v2/groups/{groupId}/endpoints",
                // Two keys after the collection, each a field of the item.
                vec![
                    ("cloudProvider", Some("cloudProvider")),
                    ("endpointId", Some("id"))
                ],
                Some("createEndpoint"),
                Some("getEndpoint"),
                vec![],
                None,
            ),
            (
                "/api/atlas/v2/groups/{groupId}/indexes",
                // Each branch of the union names it `indexID`.
                vec![("indexId", Some("indexID"))],
                Some("createIndex"),
                Some("getIndex"),
                vec![],
                None,
            ),
        ],
        "`/endpoints/{{cloudProvider}}/{{endpointId}}` is an item of `/endpoints`, by two keys"
    );
    let report = &generated.files["reports/completeness.md"];
    assert!(report.contains("| families | 3 |"), "{report}");
    assert!(
        report.contains("| operations in a family | 8 of 8 |"),
        "{report}"
    );
}
