//! Behaviour of the `recursive` fixture's generated code: recursive types decode and
//! encode, and a response's missing required field is filled with a zero value unless
//! its type requires itself. Compiled into the fixture crate by
//! `xtask/tests/fixtures.rs`; not a test target of its own.

use http::HeaderMap;
use serde_json::{Value, json};

use crate::models::{Condition, TreeNode};
use crate::operations::GetTree;
use crate::runtime::{Endpoint, Json, ResponseError};

fn respond(body: &Value) -> Result<TreeNode, ResponseError<serde_json::Value>> {
    let bytes = serde_json::to_vec(body).unwrap();
    GetTree::decode_response(200, &HeaderMap::new(), &bytes)
}

#[test]
fn nested_recursive_values_round_trip() {
    let body = json!({
        "name": "root",
        "children": [{"name": "a", "parent": {"name": "root"}}],
        "byName": {"b": {"name": "b", "meta": {"owner": {"name": "o"}}}},
        "condition": {"and": [{"field": "x", "value": "1"}, {"and": []}]},
    });
    let tree = respond(&body).expect("decodes");
    assert!(tree.filled.is_empty());
    let Some(Condition::And(and)) = &tree.condition else {
        panic!("an `and` condition: {:?}", tree.condition);
    };
    assert_eq!(and.and.len(), 2);
    assert_eq!(tree.to_json(), body);
}

#[test]
fn missing_required_fields_of_recursive_types_are_filled() {
    let body = json!({"children": [{"parent": {}}], "condition": {"not": {"field": "x"}}});
    let tree = respond(&body).expect("decodes");
    assert!(tree.filled.contains("name"));
    assert!(tree.children.as_ref().unwrap()[0].filled.contains("name"));
    // `{"not": …}` fits `AndCondition` once its `and` is filled: no branch fits it whole.
    let Some(Condition::And(and)) = &tree.condition else {
        panic!("an `and` condition: {:?}", tree.condition);
    };
    assert!(and.filled.contains("and"));
    assert_eq!(tree.to_json(), body);
}

#[test]
fn a_union_branch_that_fits_whole_wins_over_one_that_needs_filling() {
    // `{"field": "x"}` would fit `AndCondition` with `and` filled, but fits the leaf whole.
    let tree = respond(&json!({"name": "t", "condition": {"field": "x"}})).expect("decodes");
    assert!(
        matches!(tree.condition, Some(Condition::Leaf(_))),
        "{tree:?}"
    );
}

#[test]
fn a_type_that_requires_itself_has_no_zero_value() {
    let error = respond(&json!({"name": "t", "chain": {}})).expect_err("no finite zero");
    let ResponseError::Undecodable { error, .. } = error else {
        panic!("undecodable, got {error:?}");
    };
    assert_eq!(
        error.to_string(),
        "at `$.chain`: missing required field `link`"
    );
}

/// A condition nested a million levels through its untagged union, on a thread with a
/// tokio worker's 2 MiB stack: decoding stops at the depth limit with the place named.
#[test]
fn a_million_nested_conditions_stop_at_the_depth_limit() {
    let depth = 1_000_000;
    let mut text = r#"{"name":"t","condition":"#.to_owned();
    text.push_str(&r#"{"and":["#.repeat(depth));
    text.push_str(&"]}".repeat(depth));
    text.push('}');
    let decoded = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || GetTree::decode_response(200, &HeaderMap::new(), text.as_bytes()).map(drop))
        .unwrap()
        .join()
        .expect("no stack overflow");
    let Err(ResponseError::Undecodable { error, .. }) = decoded else {
        panic!("undecodable, got {decoded:?}");
    };
    assert!(error.message().contains("nested deeper than"), "{error}");
    let levels = crate::runtime::MAX_DEPTH - 1;
    let expected = "$.condition".to_owned() + &".and[0]".repeat(levels / 2) + ".and";
    assert_eq!(error.path(), expected);
}
