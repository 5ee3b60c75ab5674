//! Behaviour of the `enum_values` fixture's generated code, through serde_json.
//! Compiled into the fixture crate by `xtask/tests/fixtures.rs`; not a test target of its own.

use serde_json::json;

use crate::models::{
    ExportFormat, Operator, Pipeline, PipelineHash, PipelineRateLimit, PipelineStatus, Status,
};
use crate::operations::data_lake_pipelines::CreatePipeline;
use crate::runtime::{Endpoint, OpenEnum};

#[test]
fn odd_values_map_to_their_variants_and_back() {
    let cases: [(ExportFormat, &str); 2] = [
        (ExportFormat::AvroGz, ".avro.gz"),
        (ExportFormat::Csv, ".csv"),
    ];
    for (variant, wire) in cases {
        assert_eq!(ExportFormat::from(wire), variant);
        assert_eq!(variant.as_str(), wire);
        assert_eq!(serde_json::to_value(&variant).unwrap(), json!(wire));
        assert_eq!(
            serde_json::from_value::<ExportFormat>(json!(wire)).unwrap(),
            variant
        );
    }
    assert_eq!(Operator::from("<"), Operator::LessThan);
    assert_eq!(Operator::from("<="), Operator::LessThanEqual);
    assert_eq!(Operator::from("!="), Operator::NotEqual);
    assert_eq!(
        PipelineRateLimit::from("1000 requests"),
        PipelineRateLimit::V1000Requests
    );
    assert_eq!(
        PipelineRateLimit::V10000Requests.to_string(),
        "10000 requests"
    );
    assert_eq!(
        <ExportFormat as OpenEnum>::VALUES,
        &[".avro.gz", ".json.gz", ".csv", "parquet"]
    );
}

#[test]
fn values_that_collide_once_cased_stay_distinct() {
    let sha_1 = PipelineHash::from("SHA-1");
    let sha1 = PipelineHash::from("SHA1");
    let sha_1_lower = PipelineHash::from("sha_1");
    assert_eq!(sha_1, PipelineHash::Sha1);
    assert_ne!(sha_1, sha1);
    assert_ne!(sha1, sha_1_lower);
    assert_ne!(sha_1, sha_1_lower);
    for (value, wire) in [(sha_1, "SHA-1"), (sha1, "SHA1"), (sha_1_lower, "sha_1")] {
        assert!(value.is_known(), "{wire}");
        assert_eq!(value.as_str(), wire);
    }
}

#[test]
fn an_unknown_value_is_kept() {
    let zip: ExportFormat = serde_json::from_value(json!(".zip")).unwrap();
    assert_eq!(zip, ExportFormat::Unknown(".zip".to_owned()));
    assert!(!zip.is_known());
    assert_eq!(serde_json::to_value(&zip).unwrap(), json!(".zip"));
    assert_eq!(".zip".parse::<ExportFormat>().unwrap(), zip);
    // Case matters: `sha-1` is not `SHA-1`.
    assert_eq!(
        PipelineHash::from("sha-1"),
        PipelineHash::Unknown("sha-1".to_owned())
    );
}

#[test]
fn a_listed_unknown_value_does_not_hide_the_catch_all() {
    assert_eq!(PipelineStatus::from("UNKNOWN"), PipelineStatus::Unknown);
    assert!(PipelineStatus::Unknown.is_known());
    assert_eq!(
        PipelineStatus::from("RETIRED"),
        PipelineStatus::Unrecognized("RETIRED".to_owned())
    );
    assert!(!PipelineStatus::from("RETIRED").is_known());
    assert_eq!(Status::from("Unknown"), Status::Unknown);
    assert_eq!(Status::from("Unrecognized"), Status::Unrecognized);
    assert_eq!(
        Status::from("Other"),
        Status::UnknownValue("Other".to_owned())
    );
}

#[test]
fn a_struct_keeps_unknown_enum_values_and_undeclared_fields() {
    let value = json!({
        "format": ".tar.zst",
        "hash": "SHA1",
        "operator": ">=",
        "rateLimit": "5 requests",
        "analyzer": "lucene.arabic",
        "status": "UNKNOWN",
        "modes": ["READ", "APPEND"],
        "state": "OK",
        "comment": {"added": "later"},
    });
    let pipeline: Pipeline = serde_json::from_value(value.clone()).expect("decodes");
    assert_eq!(
        pipeline.format,
        ExportFormat::Unknown(".tar.zst".to_owned())
    );
    assert_eq!(pipeline.hash, PipelineHash::from("SHA1"));
    assert_eq!(pipeline.operator, Some(Operator::GreaterThanEqual));
    assert_eq!(pipeline.status, Some(PipelineStatus::Unknown));
    assert_eq!(pipeline.modes.as_ref().map(|m| m.len()), Some(2));
    assert!(!pipeline.modes.as_ref().unwrap()[1].is_known());
    assert_eq!(
        pipeline.additional_properties.get("comment"),
        Some(&json!({"added": "later"}))
    );
    assert_eq!(serde_json::to_value(&pipeline).unwrap(), value);
}

#[test]
fn an_enum_query_parameter_is_sent_as_its_wire_value() {
    let body: Pipeline = serde_json::from_value(json!({"format": ".csv", "hash": "MD5"})).unwrap();
    let mut op = CreatePipeline::new("g", body);
    op.format = Some(ExportFormat::AvroGz);
    let request = op.to_request().expect("builds");
    assert_eq!(request.uri().path(), "/api/atlas/v2/groups/g/pipelines");
    assert_eq!(request.uri().query(), Some("format=.avro.gz"));
    let sent: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(sent, json!({"format": ".csv", "hash": "MD5"}));
}

#[test]
fn an_enum_several_types_share_is_named_after_what_they_share() {
    use crate::models::{AwsInstanceSize, AwsSettings, AwsSpec, AzureInstanceSize, AzureSpec};
    let spec = AwsSpec {
        instance_size: Some(AwsInstanceSize::M20),
        max_instance_size: Some(AwsInstanceSize::M20),
        ..AwsSpec::new()
    };
    let settings = AwsSettings {
        instance_size_name: spec.instance_size.clone(),
        ..AwsSettings::new()
    };
    assert_eq!(settings.instance_size_name, Some(AwsInstanceSize::M20));
    let azure = AzureSpec {
        instance_size: Some(AzureInstanceSize::M30),
        ..AzureSpec::new()
    };
    assert_eq!(
        azure
            .instance_size
            .map(|s| s.as_str().to_owned())
            .as_deref(),
        Some("M30")
    );
    // The enum of every provider's sizes takes the plain name.
    let any = crate::models::ClusterSpec {
        instance_size: Some(crate::models::InstanceSize::M30),
        ..crate::models::ClusterSpec::new()
    };
    assert_eq!(
        crate::models::ClusterSettings {
            instance_size: any.instance_size.clone(),
            ..Default::default()
        }
        .instance_size,
        any.instance_size
    );
}
