//! Where the document has examples: every `example`, and the `value` of every entry of an
//! `examples` map, found by walking the document itself rather than the IR, so that an
//! example the IR forgets shows up as unchecked instead of vanishing from the count.

use serde_json::Value;

use crate::error::pointer_token;

/// The JSON pointer of each example value in `document`.
pub fn example_pointers(document: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(document, "#", false, &mut out);
    out
}

/// `in_properties`: `node` is a `properties` map, whose keys are property names (a property
/// may be called `example`), not schema keywords.
fn walk(node: &Value, pointer: &str, in_properties: bool, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let at = format!("{pointer}/{}", pointer_token(key));
                if !in_properties && key == "example" {
                    // An example's contents are data, not document: never walked.
                    out.push(at);
                } else if !in_properties && key == "examples" && value.is_object() {
                    for (name, entry) in value.as_object().into_iter().flatten() {
                        if entry.get("value").is_some() {
                            out.push(format!("{at}/{}/value", pointer_token(name)));
                        }
                    }
                } else {
                    walk(value, &at, !in_properties && key == "properties", out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{pointer}/{i}"), false, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_examples_but_not_properties_named_example_nor_examples_inside_examples() {
        let document = json!({
            "components": {
                "schemas": {
                    "A": {
                        "example": {"example": 1},
                        "properties": {
                            "example": {"type": "string", "example": "x"},
                            "properties": {"properties": {"b": {"example": 2}}},
                            "tags": {"items": {"example": "t"}}
                        }
                    }
                },
                "examples": {"one": {"value": {"examples": {}}}, "linked": {"$ref": "#/x"}}
            },
            "paths": {"/a/{b}": {"get": {"parameters": [{"examples": {"x": {"value": 3}}}]}}}
        });
        let mut found = example_pointers(&document);
        found.sort();
        assert_eq!(
            found,
            [
                "#/components/examples/one/value",
                "#/components/schemas/A/example",
                "#/components/schemas/A/properties/example/example",
                "#/components/schemas/A/properties/properties/properties/b/example",
                "#/components/schemas/A/properties/tags/items/example",
                "#/paths/~1a~1{b}/get/parameters/0/examples/x/value",
            ]
        );
    }
}
