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
                f.key_param.as_str(),
                f.key_field.as_deref(),
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
                "clusterName",
                Some("name"),
                Some("createCluster"),
                Some("getCluster"),
                vec![Some("updateCluster")],
                Some("deleteCluster"),
            ),
            (
                "/api/atlas/v2/groups/{groupId}/indexes",
                "indexId",
                // Each branch of the union names it so.
                Some("indexID"),
                Some("createIndex"),
                Some("getIndex"),
                vec![],
                None,
            ),
        ],
        "`/endpoints/{{cloudProvider}}/{{endpointId}}` is no item of `/endpoints`"
    );
    let report = &generated.files["reports/completeness.md"];
    assert!(report.contains("| families | 2 |"), "{report}");
    assert!(
        report.contains("| operations in a family | 6 of 8 |"),
        "{report}"
    );
}
