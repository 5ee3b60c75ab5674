//! Behaviour of the `discriminated_oneof` fixture's generated code, through serde_json.
//! Compiled into the fixture crate by `xtask/tests/fixtures.rs`; not a test target of its own.

use serde_json::{Value, json};

use crate::models::{
    AccountDetails, ApiError, AwsAccountDetails, AzureAccountDetails, AzureSupportPlan,
    GcpAccountDetails, SupportPlan,
};
use crate::operations::billing::GetAccountDetails;
use crate::runtime::{Endpoint, ResponseError};

fn decode(value: &Value) -> AccountDetails {
    serde_json::from_value(value.clone()).expect("decodes")
}

fn encode(details: &AccountDetails) -> Value {
    serde_json::to_value(details).expect("encodes")
}

#[test]
fn tag_selects_the_variant() {
    let aws = json!({"cloudProvider": "aws", "awsAccountId": "1234", "region": "us-east-1"});
    match decode(&aws) {
        AccountDetails::Aws(details) => {
            assert_eq!(details.aws_account_id, "1234");
            assert_eq!(details.region.as_deref(), Some("us-east-1"));
            assert!(details.additional_properties.is_empty());
        }
        other => panic!("expected Aws, got {other:?}"),
    }
    let azure = json!({"cloudProvider": "azure", "azureSubscriptionId": "sub"});
    match decode(&azure) {
        AccountDetails::Azure(details) => {
            assert_eq!(details.azure_subscription_id.as_deref(), Some("sub"))
        }
        other => panic!("expected Azure, got {other:?}"),
    }
    // GcpAccountDetails does not declare the tag property.
    let gcp = json!({"cloudProvider": "gcp", "gcpProjectId": "p", "billingCount": 3});
    match decode(&gcp) {
        AccountDetails::Gcp(details) => {
            assert_eq!(details.gcp_project_id.as_deref(), Some("p"));
            assert_eq!(details.billing_count, Some(3));
        }
        other => panic!("expected Gcp, got {other:?}"),
    }
    for value in [aws, azure, gcp] {
        assert_eq!(encode(&decode(&value)), value, "round trip of {value}");
    }
}

#[test]
fn a_variant_built_in_rust_writes_its_tag() {
    let gcp = GcpAccountDetails {
        gcp_project_id: Some("p".to_owned()),
        ..GcpAccountDetails::default()
    };
    assert_eq!(
        encode(&AccountDetails::from(gcp)),
        json!({"cloudProvider": "gcp", "gcpProjectId": "p"})
    );
    let aws = AwsAccountDetails::new("1");
    assert_eq!(
        encode(&AccountDetails::from(aws)),
        json!({"cloudProvider": "aws", "awsAccountId": "1"})
    );
}

#[test]
fn an_unknown_tag_is_kept_and_re_encodes_unchanged() {
    let oracle = json!({"cloudProvider": "oracle", "tenancy": "t1", "nested": {"a": [1, null]}});
    match decode(&oracle) {
        AccountDetails::Unknown(unknown) => {
            assert_eq!(unknown.tag(), Some("oracle"));
            assert_eq!(unknown.property(), AccountDetails::TAG_PROPERTY);
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
    assert_eq!(encode(&decode(&oracle)), oracle);
    // No tag at all, or a tag that is not a string: kept whole as well.
    for value in [json!({"awsAccountId": "1"}), json!({"cloudProvider": 7})] {
        assert!(
            matches!(decode(&value), AccountDetails::Unknown(_)),
            "{value}"
        );
        assert_eq!(encode(&decode(&value)), value);
    }
}

#[test]
fn undeclared_fields_survive_a_round_trip() {
    let value =
        json!({"cloudProvider": "aws", "awsAccountId": "1", "addedLater": {"x": [true]}, "n": 1.5});
    let decoded = decode(&value);
    let AccountDetails::Aws(details) = &decoded else {
        panic!("expected Aws, got {decoded:?}")
    };
    assert_eq!(
        details.additional_properties.get("addedLater"),
        Some(&json!({"x": [true]}))
    );
    assert_eq!(encode(&decoded), value);
}

#[test]
fn the_variant_is_the_one_source_of_its_tag() {
    // The subtype has no field for the tag (`AwsAccountDetails { cloud_provider: .. }` does
    // not compile), and a tag slipped into its undeclared properties is overwritten.
    let mut aws = AwsAccountDetails::new("1");
    aws.additional_properties
        .insert("cloudProvider".to_owned(), json!("gcp"));
    let encoded = encode(&AccountDetails::Aws(aws));
    assert_eq!(
        encoded,
        json!({"cloudProvider": "aws", "awsAccountId": "1"})
    );
    assert!(matches!(decode(&encoded), AccountDetails::Aws(_)));
    // Decoding leaves the tag out of the payload: it is the variant's.
    let AccountDetails::Aws(details) = decode(&encoded) else {
        panic!("expected Aws")
    };
    assert!(details.additional_properties.is_empty(), "{details:?}");
}

#[test]
fn a_known_tag_with_a_bad_body_is_an_error_naming_the_field() {
    let error =
        serde_json::from_value::<AccountDetails>(json!({"cloudProvider": "aws"})).unwrap_err();
    assert!(error.to_string().contains("awsAccountId"), "{error}");
    let error = serde_json::from_value::<AccountDetails>(
        json!({"cloudProvider": "aws", "awsAccountId": 5}),
    )
    .unwrap_err();
    assert!(error.to_string().contains("$.awsAccountId"), "{error}");
}

#[test]
fn the_operation_builds_its_request_and_decodes_its_responses() {
    let request = GetAccountDetails::new("org 1/x")
        .to_request()
        .expect("builds");
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(
        request.uri().to_string(),
        "https://cloud.mongodb.com/api/atlas/v2/orgs/org%201%2Fx/accounts"
    );
    assert_eq!(
        request.headers()[http::header::ACCEPT],
        "application/vnd.atlas.2024-08-05+json"
    );
    assert!(request.body().is_empty());

    let headers = http::HeaderMap::new();
    let body = br#"{"cloudProvider":"gcp","gcpProjectId":"p"}"#;
    let success = GetAccountDetails::decode_response(200, &headers, body).expect("decodes");
    assert!(matches!(success, AccountDetails::Gcp(_)));

    let body = br#"{"error":404,"detail":"no such org","errorCode":"ORG_NOT_FOUND"}"#;
    match GetAccountDetails::decode_response(404, &headers, body) {
        Err(ResponseError::Api { status: 404, error }) => {
            assert_eq!(
                error,
                ApiError {
                    detail: Some("no such org".to_owned()),
                    error_code: Some("ORG_NOT_FOUND".to_owned()),
                    ..ApiError::new(404)
                }
            );
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[test]
fn a_subtype_field_takes_the_branch_its_tag_names() {
    let value = json!({"cloudProvider": "azure", "plan": {"level": "basic"}});
    let AccountDetails::Azure(details) = decode(&value) else {
        panic!("expected Azure")
    };
    // Typed as the Azure branch, though the value fits the AWS one as well.
    let plan: Option<AzureSupportPlan> = details.plan.clone();
    assert_eq!(plan.and_then(|p| p.level).as_deref(), Some("basic"));
    assert_eq!(encode(&AccountDetails::Azure(details)), value);
    // Out of context, the union has no tag to go by.
    let alone: SupportPlan = serde_json::from_value(json!({"level": "basic"})).unwrap();
    assert_eq!(
        serde_json::to_value(&alone).unwrap(),
        json!({"level": "basic"})
    );
    let _ = AzureAccountDetails::default();
}
