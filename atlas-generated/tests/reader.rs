//! The reader (decoding straight from JSON text) gives what `Value` gives, or leaves the
//! document to `Value`: on the odd documents where the two could drift apart.

use atlas_generated::models::{CloudRegionConfig20240805, ClusterDescription20240805};
use atlas_generated::runtime::reader::{ReaderCount, counting, through_value};
use atlas_generated::runtime::{Json, Reader, json::from_slice};
use serde_json::{Value, json};

/// Decodes `text` as a `T` through `from_slice`, returning its encoding and how the reader
/// fared; fails on any disagreement with `Value`.
fn decode<T: Json>(text: &str) -> (Value, ReaderCount) {
    let (decoded, count) = counting(|| from_slice::<T>(text.as_bytes()));
    let decoded = decoded.unwrap_or_else(|e| panic!("{text}: {e}")).to_json();
    let slow = through_value(|| from_slice::<T>(text.as_bytes()))
        .unwrap_or_else(|e| panic!("{text}: only the reader decodes: {e}"))
        .to_json();
    assert_eq!(decoded, slow, "{text}: the reader and `Value` disagree");
    (decoded, count)
}

fn decode_one<T: Json>(text: &str) -> (Value, usize) {
    let (value, count) = decode::<T>(text);
    assert_eq!(count.read + count.bailed, 1);
    (value, count.read)
}

#[test]
fn a_later_member_replaces_an_earlier_one_as_in_a_value() {
    let text = r#"{"name": "a", "paused": true, "name": "b", "paused": null, "x": 1, "x": 2}"#;
    let (value, read) = decode_one::<ClusterDescription20240805>(text);
    assert_eq!(read, 1);
    assert_eq!(value, json!({"name": "b", "x": 2}));
}

#[test]
fn a_union_variant_reads_its_payload_without_the_tag() {
    let text = r#"{"regionName": "US_EAST_1", "providerName": "AWS", "priority": 7,
                   "electableSpecs": {"instanceSize": "M10", "nodeCount": 3}}"#;
    let (decoded, count) = counting(|| from_slice::<CloudRegionConfig20240805>(text.as_bytes()));
    assert_eq!((count.read, count.bailed), (1, 0));
    let CloudRegionConfig20240805::Aws(aws) = decoded.unwrap() else {
        panic!("not the AWS variant");
    };
    assert!(
        aws.additional_properties.is_empty(),
        "{:?}",
        aws.additional_properties
    );
    assert_eq!(aws.priority, Some(7));
}

#[test]
fn the_last_tag_selects_and_an_unknown_tag_keeps_the_object() {
    let (value, read) = decode_one::<CloudRegionConfig20240805>(
        r#"{"providerName": "GCP", "providerName": "AWS", "priority": 1}"#,
    );
    assert_eq!(read, 1);
    assert_eq!(value, json!({"providerName": "AWS", "priority": 1}));
    let (value, read) =
        decode_one::<CloudRegionConfig20240805>(r#"{"providerName": "MARS", "priority": 1}"#);
    assert_eq!(read, 1);
    assert_eq!(value, json!({"providerName": "MARS", "priority": 1}));
}

#[test]
fn numbers_read_as_serde_json_reads_them() {
    for text in [
        "0",
        "-0",
        "12",
        "-7",
        "1e3",
        "0.1",
        "2.5e-3",
        "123456789012345678901234",
    ] {
        let (value, count) = decode::<f64>(text);
        assert_eq!(count.read, 1, "{text}");
        let parsed = serde_json::from_str::<Value>(text)
            .unwrap()
            .as_f64()
            .unwrap();
        assert_eq!(
            value.as_f64().map(f64::to_bits),
            Some(parsed.to_bits()),
            "{text}"
        );
    }
    // A float is no integer, whichever path decodes it.
    for text in ["10.0", "1e3", "9007199254740993.0"] {
        let (value, count) = counting(|| from_slice::<i64>(text.as_bytes()));
        assert!(value.is_err() && count.read == 0, "{text}");
        assert!(through_value(|| from_slice::<i64>(text.as_bytes())).is_err());
    }
    let (value, read) = decode_one::<i32>("2147483647");
    assert_eq!((value, read), (json!(2_147_483_647), 1));
}

#[test]
fn escaped_keys_and_strings_read_like_plain_ones() {
    let (value, read) =
        decode_one::<ClusterDescription20240805>(r#"{"na\u006de": "\u00e9\n", "\"odd\"": []}"#);
    assert_eq!(read, 1);
    assert_eq!(value, json!({"name": "é\n", "\"odd\"": []}));
}

#[test]
fn what_the_reader_cannot_decode_is_left_to_value() {
    // Missing required fields are filled by the `Value` path, inside a response.
    let bail = |text: &str| Reader::decode::<CloudRegionConfig20240805>(text.as_bytes()).is_err();
    assert!(bail(r#"{"providerName": "AWS", "priority": "high"}"#));
    assert!(bail(r#"{"providerName": "AWS"} trailing"#));
    assert!(bail(r#"[1, 2]"#));
    let error =
        from_slice::<CloudRegionConfig20240805>(br#"{"providerName": "AWS", "priority": "high"}"#)
            .unwrap_err();
    assert_eq!(
        error.to_string(),
        "at `$.priority`: expected an integer, found a string (\"high\")"
    );
}
