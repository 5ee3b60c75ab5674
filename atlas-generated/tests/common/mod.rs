//! Comparing JSON documents the way the round-trip tests need, and finding operations
//! by method and path template ([`registry`]).

pub mod registry;

use serde_json::Value;

/// The first difference between `expected` and `actual`, with its location, or `None`
/// when they are equal. An absent member and a `null` one count as equal, and numbers
/// are compared by value (`10` equals `10.0`).
pub fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    difference_at("$", expected, actual)
}

fn difference_at(path: &str, expected: &Value, actual: &Value) -> Option<String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let keys = e.keys().chain(a.keys().filter(|k| !e.contains_key(*k)));
            for key in keys {
                let ev = e.get(key).unwrap_or(&Value::Null);
                let av = a.get(key).unwrap_or(&Value::Null);
                if let Some(d) = difference_at(&format!("{path}.{key}"), ev, av) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Some(format!(
                    "{path}: {} items expected, {} found",
                    e.len(),
                    a.len()
                ));
            }
            e.iter()
                .zip(a)
                .enumerate()
                .find_map(|(i, (ev, av))| difference_at(&format!("{path}[{i}]"), ev, av))
        }
        (Value::Number(e), Value::Number(a)) => {
            let same = match (e.as_i64(), a.as_i64()) {
                (Some(x), Some(y)) => x == y,
                _ => e.as_f64() == a.as_f64(),
            };
            (!same).then(|| format!("{path}: expected {e}, found {a}"))
        }
        (e, a) if e == a => None,
        (e, a) => Some(format!(
            "{path}: expected {}, found {}",
            preview(e),
            preview(a)
        )),
    }
}

fn preview(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 120 {
        format!("{}…", text.chars().take(120).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::first_difference;
    use serde_json::json;

    #[test]
    fn absent_equals_null_and_numbers_compare_by_value() {
        assert_eq!(
            first_difference(&json!({"a": null, "n": 10}), &json!({"n": 10.0})),
            None
        );
        assert_eq!(
            first_difference(
                &json!({"a": [1, {"b": "x"}]}),
                &json!({"a": [1, {"b": "y"}]})
            )
            .as_deref(),
            Some("$.a[1].b: expected \"x\", found \"y\"")
        );
        assert!(first_difference(&json!({"a": 1}), &json!({})).is_some());
        assert!(first_difference(&json!([1]), &json!([1, 2])).is_some());
    }
}
