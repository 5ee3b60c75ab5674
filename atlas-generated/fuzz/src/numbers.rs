//! Integers decode exactly: where a decoded value holds an integer at a place where the
//! body held a number, that number, as written, is exactly that integer.
//!
//! `serde_json::Value` cannot tell (it reads `9007199254740993.0` as the `f64`
//! `9007199254740992.0`), so the body is read again here with [`jiter`], keeping each
//! number's text, and compared digit by digit. Floats are not checked: an `f64` or `f32`
//! field rounds by design.

use std::collections::HashMap;

use jiter::{Jiter, Peek};
use serde_json::Value;

/// Deeper bodies are not compared (the decoders refuse them long before).
const MAX_DEPTH: usize = 256;

/// A body as written, with each number's text.
enum Written {
    Number(String),
    Object(HashMap<String, Written>),
    Array(Vec<Written>),
    Other,
}

/// The first place where `decoded` holds an integer that `body` did not write exactly,
/// as `$.path: written …, decoded …`; `None` when every integer is exact or `body` is not
/// JSON this module can read.
#[must_use]
pub fn inexact_integer(body: &[u8], decoded: &Value) -> Option<String> {
    let mut jiter = Jiter::new(body);
    let peek = jiter.peek().ok()?;
    let written = read(&mut jiter, peek, 0)?;
    jiter.finish().ok()?;
    compare("$", &written, decoded)
}

fn read(jiter: &mut Jiter<'_>, peek: Peek, depth: usize) -> Option<Written> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match peek {
        Peek::Array => {
            let mut items = Vec::new();
            let mut next = jiter.known_array().ok()?;
            while let Some(peek) = next {
                items.push(read(jiter, peek, depth + 1)?);
                next = jiter.array_step().ok()?;
            }
            Written::Array(items)
        }
        Peek::Object => {
            let mut members = HashMap::new();
            let mut key = jiter.known_object().ok()?.map(str::to_owned);
            while let Some(name) = key {
                let peek = jiter.peek().ok()?;
                // The last of duplicate keys wins, as in `serde_json`.
                members.insert(name, read(jiter, peek, depth + 1)?);
                key = jiter.next_key().ok()?.map(str::to_owned);
            }
            Written::Object(members)
        }
        peek if peek.is_num() => {
            let text = jiter.known_number_bytes(peek).ok()?;
            Written::Number(String::from_utf8_lossy(text).into_owned())
        }
        peek => {
            jiter.known_skip(peek).ok()?;
            Written::Other
        }
    })
}

fn compare(path: &str, written: &Written, decoded: &Value) -> Option<String> {
    match (written, decoded) {
        (Written::Object(members), Value::Object(object)) => object.iter().find_map(|(k, v)| {
            let w = members.get(k)?;
            compare(&format!("{path}.{k}"), w, v)
        }),
        // Only arrays kept whole line up item by item.
        (Written::Array(items), Value::Array(array)) if items.len() == array.len() => items
            .iter()
            .zip(array)
            .enumerate()
            .find_map(|(i, (w, v))| compare(&format!("{path}[{i}]"), w, v)),
        (Written::Number(text), Value::Number(number)) => {
            let integer = number
                .as_i64()
                .map(i128::from)
                .or_else(|| number.as_u64().map(i128::from))?;
            (exact_integer(text) != Some(integer))
                .then(|| format!("{path}: written {text}, decoded {integer}"))
        }
        _ => None,
    }
}

/// The integer a JSON number's text denotes exactly (`10`, `1.0e1`, `100e-1`), or `None`
/// when it is not an integer or does not fit an `i128`.
#[must_use]
pub fn exact_integer(text: &str) -> Option<i128> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().ok()?),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !(whole.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    // digits × 10^(exponent − fraction digits), with trailing zeros moved to the exponent.
    let digits = format!("{whole}{fraction}");
    let significant = digits.trim_start_matches('0');
    let trimmed = significant.trim_end_matches('0');
    if trimmed.is_empty() {
        return Some(0);
    }
    let fraction_digits = i64::try_from(fraction.len()).ok()?;
    let zeros = i64::try_from(significant.len() - trimmed.len()).ok()?;
    let scale = exponent.checked_sub(fraction_digits)?.checked_add(zeros)?;
    if scale < 0 {
        return None;
    }
    let mut value: i128 = trimmed.parse().ok()?;
    for _ in 0..scale {
        value = value.checked_mul(10)?;
    }
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_are_read_exactly_from_their_text() {
        for (text, value) in [
            ("0", Some(0)),
            ("-0", Some(0)),
            ("-0.0e5", Some(0)),
            ("10", Some(10)),
            ("10.0", Some(10)),
            ("1e3", Some(1000)),
            ("1.5E1", Some(15)),
            ("100e-2", Some(1)),
            ("9007199254740993.0", Some(9_007_199_254_740_993)),
            ("-9223372036854775809", Some(-9_223_372_036_854_775_809)),
            ("1.5", None),
            ("1e-1", None),
            ("1e400", None),
            ("0e999999999999", Some(0)),
        ] {
            assert_eq!(exact_integer(text), value, "{text}");
        }
    }

    #[test]
    fn an_inexact_integer_is_found_where_it_is() {
        let body = br#"{"a": [1, {"n": 9007199254740993.0}], "f": 0.1, "s": "x"}"#;
        let exact = json!({"a": [1, {"n": 9_007_199_254_740_993_i64}], "f": 0.1});
        assert_eq!(inexact_integer(body, &exact), None);
        let rounded = json!({"a": [1, {"n": 9_007_199_254_740_992_i64}]});
        assert_eq!(
            inexact_integer(body, &rounded).as_deref(),
            Some("$.a[1].n: written 9007199254740993.0, decoded 9007199254740992")
        );
        // Floats round by design; what the body does not hold is not compared.
        assert_eq!(
            inexact_integer(br#"{"f": 1e400}"#, &json!({"f": 1.0})),
            None
        );
        assert_eq!(inexact_integer(br#"{"n": 1}"#, &json!({"m": 2})), None);
        // Not JSON: nothing to compare.
        assert_eq!(inexact_integer(b"{", &json!(1)), None);
    }
}
