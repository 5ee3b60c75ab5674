//! Encoding writes models straight into serde serializers: the same text through serde
//! and through the crate's encoder, one member per name, the union's tag from the variant.

use atlas_generated::models::{
    AwsRegionConfig20240805, CloudRegionConfig20240805, ClusterDescription20240805,
};
use atlas_generated::runtime::{Json, to_vec};
use serde_json::{Value, json};

fn cluster() -> ClusterDescription20240805 {
    let mut cluster = ClusterDescription20240805::new();
    cluster.name = Some("Cluster0".to_owned());
    cluster.paused = Some(false);
    cluster
        .additional_properties
        .insert("zz".to_owned(), json!([1, {"a": null}]));
    cluster
}

#[test]
fn serde_and_the_crate_encoder_write_the_same_text() {
    let cluster = cluster();
    let text = to_vec(&cluster);
    assert_eq!(serde_json::to_vec(&cluster).unwrap(), text);
    assert_eq!(
        std::str::from_utf8(&text).unwrap(),
        r#"{"name":"Cluster0","paused":false,"zz":[1,{"a":null}]}"#
    );
    assert_eq!(
        cluster.to_json(),
        serde_json::from_slice::<Value>(&text).unwrap()
    );
}

#[test]
fn an_undeclared_member_never_repeats_a_declared_one() {
    let mut cluster = cluster();
    cluster
        .additional_properties
        .insert("name".to_owned(), json!("other"));
    cluster
        .additional_properties
        .insert("paused".to_owned(), json!(true));
    assert_eq!(
        std::str::from_utf8(&to_vec(&cluster)).unwrap(),
        r#"{"name":"Cluster0","paused":false,"zz":[1,{"a":null}]}"#
    );
}

#[test]
fn a_variant_writes_its_tag_once_whatever_its_payload_holds() {
    let mut aws = AwsRegionConfig20240805::new();
    aws.priority = Some(7);
    aws.additional_properties
        .insert("providerName".to_owned(), json!("GCP"));
    let region = CloudRegionConfig20240805::from(aws);
    assert_eq!(
        std::str::from_utf8(&to_vec(&region)).unwrap(),
        r#"{"providerName":"AWS","priority":7}"#
    );
}

#[test]
fn pretty_printing_indents_nested_models() {
    let mut cluster = cluster();
    cluster.additional_properties.clear();
    let text = serde_json::to_string_pretty(&cluster).unwrap();
    assert_eq!(text, "{\n  \"name\": \"Cluster0\",\n  \"paused\": false\n}");
}
