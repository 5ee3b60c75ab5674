//! The spec-change report, one kind of change at a time: a small spec, the same spec with
//! one edit, and the report between them, checked for the change it must find (kind,
//! Rust items, verdict) and snapshotted as text with insta.

#[path = "common/diff_cases.rs"]
mod diff_cases;

use atlas_codegen::diff::{Bump, ChangeKind, Report, Surface, diff};
use diff_cases::{base, case, cluster_properties, get, schema};
use serde_json::{Value, json};

/// The surface of `doc`, keeping the names of `published`.
fn surface(doc: &Value, published: Option<&Surface>) -> Surface {
    let spec = atlas_codegen::parse_spec(&doc.to_string()).expect("parses");
    atlas_codegen::surface(&spec, published).expect("generates")
}

/// The report from `old` to `new`, generated after it as a regeneration is.
fn report(old: &Value, new: &Value) -> Report {
    let old = surface(old, None);
    diff(&old, &surface(new, Some(&old)), "0.3.1")
}

/// The report from `old` to `new`, each generated afresh, without the older one's record.
fn fresh_report(old: &Value, new: &Value) -> Report {
    diff(&surface(old, None), &surface(new, None), "0.3.1")
}

/// The report on the case `name` of `diff_cases`.
fn case_report(name: &str) -> Report {
    let (old, new) = case(name).documents();
    report(&old, &new)
}

/// Applies the case's edit to the base spec and checks that the report holds exactly one change,
/// of `kind`, touching `rust`, breaking or not; then snapshots the text.
fn one_change(name: &str, kind: ChangeKind, rust: &[&str], breaking: bool) {
    let report = case_report(name);
    let kinds: Vec<&ChangeKind> = report.changes.iter().map(|c| &c.kind).collect();
    assert_eq!(kinds, [&kind], "{name}: {}", report.text());
    let change = &report.changes[0];
    assert_eq!(change.rust, rust, "{name}");
    assert_eq!(change.breaking, breaking, "{name}: {}", change.why);
    let next = if breaking { "0.4.0" } else { "0.3.2" };
    assert_eq!(report.verdict.next, next, "{name}");
    insta::assert_snapshot!(name, report.text());
}

#[test]
fn nothing_changed() {
    let report = report(&base(), &base());
    assert!(report.changes.is_empty(), "{}", report.text());
    assert_eq!(report.verdict.bump, Bump::None);
    assert_eq!(report.verdict.next, "0.3.1");
}

#[test]
fn operation_added() {
    let kind = ChangeKind::OperationAdded {
        operation_id: "listGroupClusters".into(),
    };
    let rust = [
        "operations::ListClusters",
        "operations::ListClustersV20230101",
        "operations::ListClustersV20240805",
    ];
    one_change("operation_added", kind, &rust, false);
}

#[test]
fn operation_removed() {
    let report = case_report("operation_removed");
    let kinds: Vec<&ChangeKind> = report.changes.iter().map(|c| &c.kind).collect();
    assert_eq!(
        kinds,
        [&ChangeKind::OperationRemoved {
            operation_id: "deleteGroupCluster".into()
        }]
    );
    assert!(report.verdict.breaking);
    assert_eq!(
        report.changes[0].rust,
        [
            "operations::DeleteCluster",
            "operations::DeleteClusterV20230101"
        ]
    );
    insta::assert_snapshot!("operation_removed", report.text());
}

#[test]
fn operation_renamed_with_the_same_short_name() {
    let kind = ChangeKind::OperationRenamed {
        from: "getGroupCluster".into(),
        to: "getProjectCluster".into(),
    };
    one_change("operation_renamed", kind, &[], false);
}

#[test]
fn request_type_renamed() {
    let kind = ChangeKind::RequestTypeRenamed {
        from: "GetCluster".into(),
        to: "GetOneCluster".into(),
        aliased: true,
    };
    let rust = [
        "operations::GetCluster",
        "operations::GetClusterV20230101",
        "operations::GetClusterV20240805",
    ];
    one_change("request_type_renamed", kind, &rust, false);
    // The aliases come from the record: generated without it, the old names are gone.
    let (old, new) = case("request_type_renamed").documents();
    let report = fresh_report(&old, &new);
    let change = &report.changes[0];
    assert!(
        matches!(
            change.kind,
            ChangeKind::RequestTypeRenamed { aliased: false, .. }
        ),
        "{}",
        report.text()
    );
    assert!(change.breaking);
}

#[test]
fn a_renamed_request_type_keeps_its_old_names_as_deprecated_aliases() {
    let (old, new) = case("request_type_renamed").documents();
    let generate = |doc: &Value, published| {
        let spec = atlas_codegen::parse_spec(&doc.to_string()).expect("parses");
        atlas_codegen::generate(&spec, published).expect("generates")
    };
    let old = generate(&old, None);
    let new = generate(&new, Some(&old.surface));
    let code: String = new.files.values().cloned().collect();
    for (old_name, new_name) in [
        ("GetCluster", "GetOneCluster"),
        ("GetClusterV20230101", "GetOneClusterV20230101"),
        ("GetClusterV20240805", "GetOneClusterV20240805"),
    ] {
        let alias = format!(
            "#[deprecated(note = \"renamed to `{new_name}` by the Atlas API spec\")]\npub type {old_name} = {new_name};"
        );
        assert!(code.contains(&alias), "no alias {old_name}");
    }
    // A third generation still has them: the record carries them.
    let third = generate(
        &case("request_type_renamed").documents().1,
        Some(&new.surface),
    );
    assert_eq!(third.files, new.files);
}

#[test]
fn preview_version_added() {
    let kind = ChangeKind::VersionAdded {
        version: "preview".into(),
    };
    one_change(
        "version_added",
        kind,
        &["operations::GetClusterVPreview"],
        false,
    );
}

#[test]
fn version_removed() {
    let kind = ChangeKind::VersionRemoved {
        version: "2023-01-01".into(),
    };
    one_change(
        "version_removed",
        kind,
        &["operations::GetClusterV20230101"],
        true,
    );
}

#[test]
fn default_version_changed() {
    let report = case_report("default_version_changed");
    let kinds: Vec<&ChangeKind> = report.changes.iter().map(|c| &c.kind).collect();
    let added = ChangeKind::VersionAdded {
        version: "2025-03-12".into(),
    };
    let moved = ChangeKind::DefaultVersionChanged {
        from: "2024-08-05".into(),
        to: "2025-03-12".into(),
    };
    assert_eq!(kinds, [&added, &moved]);
    assert_eq!(report.changes[1].rust, ["operations::GetCluster"]);
    assert!(!report.changes[0].breaking && report.changes[1].breaking);
    insta::assert_snapshot!("default_version_changed", report.text());
}

#[test]
fn sunset_announced() {
    let kind = ChangeKind::SunsetAnnounced {
        version: "2023-01-01".into(),
        date: "2027-01-01".into(),
    };
    one_change(
        "sunset_announced",
        kind,
        &["operations::GetClusterV20230101"],
        false,
    );
}

#[test]
fn operation_deprecated() {
    let rust = [
        "operations::GetCluster",
        "operations::GetClusterV20230101",
        "operations::GetClusterV20240805",
    ];
    one_change(
        "operation_deprecated",
        ChangeKind::OperationDeprecated,
        &rust,
        false,
    );
}

#[test]
fn parameter_added() {
    let kind = ChangeKind::ParameterAdded {
        parameter: "includeCount".into(),
        required: false,
    };
    let rust = [
        "operations::GetCluster::include_count",
        "operations::GetClusterV20230101::include_count",
        "operations::GetClusterV20240805::include_count",
    ];
    one_change("parameter_added", kind, &rust, false);
}

#[test]
fn parameter_removed() {
    let kind = ChangeKind::ParameterRemoved {
        parameter: "pretty".into(),
    };
    let rust = [
        "operations::GetCluster::pretty",
        "operations::GetClusterV20230101::pretty",
        "operations::GetClusterV20240805::pretty",
    ];
    one_change("parameter_removed", kind, &rust, true);
}

#[test]
fn parameter_changed() {
    let kind = ChangeKind::ParameterChanged {
        parameter: "pretty".into(),
        from: "Option<bool>".into(),
        to: "bool".into(),
    };
    let rust = [
        "operations::GetCluster::pretty",
        "operations::GetClusterV20230101::pretty",
        "operations::GetClusterV20240805::pretty",
    ];
    one_change("parameter_changed", kind, &rust, true);
}

#[test]
fn schema_added() {
    // Reachable only as a component: a schema no operation uses is still generated.
    one_change(
        "schema_added",
        ChangeKind::SchemaAdded,
        &["models::Region"],
        false,
    );
}

#[test]
fn schema_removed() {
    one_change(
        "schema_removed",
        ChangeKind::SchemaRemoved,
        &["models::AzureSettings"],
        true,
    );
}

#[test]
fn optional_property_added() {
    let kind = ChangeKind::PropertyAdded {
        property: "paused".into(),
        required: false,
    };
    one_change(
        "optional_property_added",
        kind,
        &["models::Cluster::paused"],
        false,
    );
}

#[test]
fn required_property_added() {
    let kind = ChangeKind::PropertyAdded {
        property: "groupId".into(),
        required: true,
    };
    one_change(
        "required_property_added",
        kind,
        &["models::Cluster::group_id"],
        true,
    );
}

#[test]
fn property_removed() {
    let kind = ChangeKind::PropertyRemoved {
        property: "diskSizeGB".into(),
    };
    one_change(
        "property_removed",
        kind,
        &["models::Cluster::disk_size_gb"],
        true,
    );
}

#[test]
fn property_type_changed() {
    let kind = ChangeKind::PropertyTypeChanged {
        property: "diskSizeGB".into(),
        from: "Option<f64>".into(),
        to: "Option<i64>".into(),
    };
    one_change(
        "property_type_changed",
        kind,
        &["models::Cluster::disk_size_gb"],
        true,
    );
}

#[test]
fn property_became_required() {
    let kind = ChangeKind::PropertyRequiredChanged {
        property: "diskSizeGB".into(),
        required: true,
        from: "Option<f64>".into(),
        to: "f64".into(),
    };
    one_change(
        "property_became_required",
        kind,
        &["models::Cluster::disk_size_gb"],
        true,
    );
}

#[test]
fn enum_value_added() {
    let kind = ChangeKind::EnumValueAdded {
        value: "PAUSED".into(),
    };
    one_change(
        "enum_value_added",
        kind,
        &["models::ClusterState::Paused"],
        false,
    );
}

#[test]
fn enum_value_removed() {
    let kind = ChangeKind::EnumValueRemoved {
        value: "CREATING".into(),
    };
    one_change(
        "enum_value_removed",
        kind,
        &["models::ClusterState::Creating"],
        true,
    );
}

/// Checks the report's changes on the case `name`: (kind, subject, breaking) each.
fn changes(name: &str, expected: &[(ChangeKind, &str, bool)]) {
    let report = case_report(name);
    let got: Vec<(ChangeKind, &str, bool)> = report
        .changes
        .iter()
        .map(|c| (c.kind.clone(), c.subject.as_str(), c.breaking))
        .collect();
    assert_eq!(got, expected, "{name}: {}", report.text());
    insta::assert_snapshot!(name, report.text());
}

#[test]
fn feature_added() {
    let feature = ChangeKind::FeatureAdded {
        feature: "projects".into(),
    };
    let operation = ChangeKind::OperationAdded {
        operation_id: "listGroups".into(),
    };
    changes(
        "feature_added",
        &[
            (feature, "Projects", false),
            (operation, "GET /api/atlas/v2/groups", false),
        ],
    );
    let report = case_report("feature_added");
    assert_eq!(report.changes[0].rust, ["operations::projects"]);
}

#[test]
fn feature_removed() {
    let feature = ChangeKind::FeatureRemoved {
        feature: "projects".into(),
    };
    let operation = ChangeKind::OperationRemoved {
        operation_id: "listGroups".into(),
    };
    changes(
        "feature_removed",
        &[
            (feature, "Projects", true),
            (operation, "GET /api/atlas/v2/groups", true),
        ],
    );
}

#[test]
fn discriminator_mapping_added() {
    // The new subtype loses its own tag field: the union writes the tag now.
    let lost = ChangeKind::PropertyRemoved {
        property: "providerName".into(),
    };
    let added = ChangeKind::DiscriminatorMappingAdded {
        value: "AZURE".into(),
        schema: "AzureSettings".into(),
    };
    changes(
        "discriminator_mapping_added",
        &[
            (lost, "AzureSettings", true),
            (added, "ProviderSettings", false),
        ],
    );
}

#[test]
fn discriminator_mapping_removed() {
    // The subtype on its own again keeps its tag field.
    let kept = ChangeKind::PropertyAdded {
        property: "providerName".into(),
        required: true,
    };
    let removed = ChangeKind::DiscriminatorMappingRemoved {
        value: "GCP".into(),
        schema: "GcpSettings".into(),
    };
    changes(
        "discriminator_mapping_removed",
        &[
            (kept, "GcpSettings", true),
            (removed, "ProviderSettings", true),
        ],
    );
}

#[test]
fn variant_changed() {
    let report = case_report("variant_changed");
    let got: Vec<(&ChangeKind, &str, bool)> = report
        .changes
        .iter()
        .map(|c| (&c.kind, c.subject.as_str(), c.breaking))
        .collect();
    let reshaped = ChangeKind::VariantChanged {
        variant: "Aws".into(),
        from: "(models::AwsSettings)".into(),
        to:
            "{ provider_name: models::ProviderSettingsAwsProviderName, value: models::AwsSettings }"
                .into(),
    };
    assert!(
        got.contains(&(&reshaped, "ProviderSettings", true)),
        "{}",
        report.text()
    );
    assert!(report.verdict.breaking);
    insta::assert_snapshot!("variant_changed", report.text());
}

#[test]
fn discriminants_shifted() {
    let mapping = ChangeKind::DiscriminatorMappingAdded {
        value: "AWS_CN".into(),
        schema: "AwsSettings".into(),
    };
    let value = ChangeKind::EnumValueAdded {
        value: "AWS_CN".into(),
    };
    let tag_values = "ProviderSettingsAwsProviderName";
    // Generated after the older crate, the new tag goes after the published ones.
    changes(
        "discriminants_shifted",
        &[
            (mapping.clone(), "ProviderSettings", false),
            (value.clone(), tag_values, false),
        ],
    );
    // Generated afresh, the spec's order puts it between, and `as` casts change.
    let (old, new) = case("discriminants_shifted").documents();
    let report = fresh_report(&old, &new);
    let shifted = ChangeKind::DiscriminantsShifted {
        variants: vec!["AwsGov".into()],
    };
    let got: Vec<(ChangeKind, &str, bool)> = report
        .changes
        .iter()
        .map(|c| (c.kind.clone(), c.subject.as_str(), c.breaking))
        .collect();
    assert_eq!(
        got,
        [
            (mapping, "ProviderSettings", false),
            (value, tag_values, false),
            (shifted, tag_values, true),
        ],
        "{}",
        report.text()
    );
}

#[test]
fn request_body_changed() {
    let kind = ChangeKind::RequestBodyChanged {
        version: "2023-01-01".into(),
        from: Some("models::Cluster".into()),
        to: Some("models::AzureSettings".into()),
    };
    let route = "PATCH /api/atlas/v2/groups/{groupId}/clusters/{clusterName}";
    changes("request_body_changed", &[(kind, route, true)]);
}

#[test]
fn response_changed() {
    let kind = ChangeKind::ResponseChanged {
        request_type: "GetClusterV20240805".into(),
        from: "models::Cluster".into(),
        to: "models::AzureSettings".into(),
    };
    let route = "GET /api/atlas/v2/groups/{groupId}/clusters/{clusterName}";
    changes("response_changed", &[(kind, route, true)]);
}

#[test]
fn untagged_branch_added() {
    let kind = ChangeKind::UnionBranchAdded {
        branch: "bool".into(),
    };
    one_change(
        "untagged_branch_added",
        kind,
        &["models::TagValue::Boolean"],
        false,
    );
}

/// The record of the fixture's surface. When this snapshot changes shape (not only
/// values), raise `RECORD_FORMAT`: committed records of the old shape must be recognised.
#[test]
fn record_shape() {
    let spec = atlas_codegen::parse_spec(&base().to_string()).expect("parses");
    let surface = atlas_codegen::surface(&spec, None).expect("generates");
    let record = surface.record();
    assert_eq!(
        atlas_codegen::diff::Surface::from_record(&record).as_ref(),
        Ok(&surface)
    );
    insta::assert_snapshot!("record_shape", record);
}

#[test]
fn changelog_section_lists_changes_by_keep_a_changelog_section() {
    let old = base();
    let mut new = base();
    cluster_properties(&mut new).remove("diskSizeGB");
    schema(&mut new, "ClusterState")["enum"] = json!(["IDLE", "CREATING", "PAUSED"]);
    get(&mut new)["deprecated"] = json!(true);
    let report = report(&old, &new);
    insta::assert_snapshot!("changelog_section", report.changelog_section("2026-12-01"));
}

#[test]
fn json_shape_is_the_documented_one() {
    let mut new = base();
    cluster_properties(&mut new).remove("diskSizeGB");
    let report = report(&base(), &new);
    let value = serde_json::to_value(&report).unwrap();
    assert_eq!(
        value["verdict"],
        json!({ "breaking": true, "bump": "minor", "current": "0.3.1", "next": "0.4.0" })
    );
    assert_eq!(value["from"]["title"], "diff fixture");
    assert_eq!(
        value["changes"][0],
        json!({
            "kind": "property_removed",
            "property": "diskSizeGB",
            "subject": "Cluster",
            "tag": null,
            "rust": ["models::Cluster::disk_size_gb"],
            "breaking": true,
            "why": "a public field is removed",
            "cause": "spec"
        })
    );
}
