//! Behaviour of the `allof_inheritance` fixture's generated code, through serde_json.
//! Compiled into the fixture crate by `xtask/tests/fixtures.rs`; not a test target of its own.

use serde_json::{Value, json};

use crate::models::{
    DbRoleToExecuteType, PaginatedConnections, StreamsConnection, StreamsConnectionSampleType,
    StreamsKafkaConnection, StreamsSampleConnection,
};
use crate::operations::streams::CreateStreamConnection;
use crate::runtime::Endpoint;

fn decode(value: &Value) -> StreamsConnection {
    serde_json::from_value(value.clone()).expect("decodes")
}

fn encode(connection: &StreamsConnection) -> Value {
    serde_json::to_value(connection).expect("encodes")
}

#[test]
fn tag_selects_the_subtype_which_has_the_base_properties() {
    let kafka = json!({"type": "Kafka", "name": "k", "bootstrapServers": "b:9092", "security": {"protocol": "SSL"}});
    match decode(&kafka) {
        StreamsConnection::Kafka(k) => {
            assert_eq!(k.name.as_deref(), Some("k"), "base property");
            assert_eq!(k.bootstrap_servers.as_deref(), Some("b:9092"));
            assert_eq!(
                k.security.as_ref().and_then(|s| s.protocol.as_deref()),
                Some("SSL")
            );
        }
        other => panic!("expected Kafka, got {other:?}"),
    }
    let cluster = json!({"type": "Cluster", "clusterName": "c0", "dbRoleToExecute": {"role": "atlasAdmin", "type": "BUILT_IN"}});
    match decode(&cluster) {
        StreamsConnection::Cluster(c) => {
            assert_eq!(c.cluster_name, "c0");
            assert_eq!(
                c.db_role_to_execute.as_ref().and_then(|r| r.r#type.clone()),
                Some(DbRoleToExecuteType::BuiltIn)
            );
        }
        other => panic!("expected Cluster, got {other:?}"),
    }
    for value in [kafka, cluster] {
        assert_eq!(encode(&decode(&value)), value);
    }
}

#[test]
fn two_tags_mapping_to_one_subtype_keep_their_own_value() {
    for tag in ["Sample", "SampleData"] {
        let value = json!({"type": tag, "sampleSize": 10});
        match decode(&value) {
            StreamsConnection::Sample { r#type, value } => {
                assert_eq!(r#type.as_str(), tag);
                assert_eq!(value.sample_size, Some(10));
                assert!(value.additional_properties.is_empty(), "{value:?}");
            }
            other => panic!("expected Sample, got {other:?}"),
        }
        assert_eq!(encode(&decode(&value)), value);
    }
    // The variant holds which of its tags it has, from a closed set: no other can be built.
    let built = StreamsConnection::Sample {
        r#type: StreamsConnectionSampleType::SampleData,
        value: StreamsSampleConnection::default(),
    };
    assert_eq!(encode(&built), json!({"type": "SampleData"}));
    assert_eq!(
        StreamsConnectionSampleType::VALUES,
        ["Sample", "SampleData"]
    );
}

#[test]
fn a_variant_built_from_defaults_writes_its_tag() {
    let kafka = StreamsConnection::from(StreamsKafkaConnection::default());
    assert_eq!(encode(&kafka), json!({"type": "Kafka"}));
}

#[test]
fn an_unknown_tag_is_kept_and_re_encodes_unchanged() {
    let https = json!({"type": "Https", "url": "https://example.com", "headers": {"a": "b"}});
    match decode(&https) {
        StreamsConnection::Unknown(unknown) => assert_eq!(unknown.tag(), Some("Https")),
        other => panic!("expected Unknown, got {other:?}"),
    }
    assert_eq!(encode(&decode(&https)), https);
}

#[test]
fn lists_of_the_base_dispatch_each_element_and_keep_unknown_values() {
    let page = json!({
        "results": [
            {"type": "Kafka", "bootstrapServers": "b"},
            {"type": "Cluster", "clusterName": "c", "dbRoleToExecute": {"type": "SOMETHING_NEW"}},
            {"type": "Https", "url": "u"},
        ],
        "totalCount": 3,
        "links": [{"rel": "self"}],
    });
    let decoded: PaginatedConnections = serde_json::from_value(page.clone()).expect("decodes");
    let results = decoded.results.as_deref().expect("results");
    assert!(matches!(results[0], StreamsConnection::Kafka(_)));
    match &results[1] {
        StreamsConnection::Cluster(c) => {
            let kind = c.db_role_to_execute.as_ref().and_then(|r| r.r#type.clone());
            assert_eq!(
                kind,
                Some(DbRoleToExecuteType::Unknown("SOMETHING_NEW".to_owned()))
            );
        }
        other => panic!("expected Cluster, got {other:?}"),
    }
    assert!(matches!(results[2], StreamsConnection::Unknown(_)));
    assert_eq!(
        decoded.additional_properties.get("links"),
        Some(&json!([{"rel": "self"}]))
    );
    assert_eq!(serde_json::to_value(&decoded).unwrap(), page);
}

#[test]
fn a_missing_required_subtype_field_is_an_error() {
    let error =
        serde_json::from_value::<StreamsConnection>(json!({"type": "Cluster"})).unwrap_err();
    assert!(error.to_string().contains("clusterName"), "{error}");
}

#[test]
fn the_request_body_is_the_encoded_union() {
    let body = decode(&json!({"type": "Kafka", "name": "k"}));
    let request = CreateStreamConnection::new("g1", body)
        .to_request()
        .expect("builds");
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(
        request.uri().path(),
        "/api/atlas/v2/groups/g1/streams/connections"
    );
    assert_eq!(
        request.headers()[http::header::CONTENT_TYPE],
        "application/vnd.atlas.2023-02-01+json"
    );
    let sent: Value = serde_json::from_slice(request.body()).expect("JSON body");
    assert_eq!(sent, json!({"type": "Kafka", "name": "k"}));
}
