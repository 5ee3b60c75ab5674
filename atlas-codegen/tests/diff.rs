//! The spec-change report, one kind of change at a time: a small spec, the same spec with
//! one edit, and the report between them, checked for the change it must find (kind,
//! Rust items, verdict) and snapshotted as text with insta.

use atlas_codegen::diff::{Bump, ChangeKind, Report, diff};
use serde_json::{Value, json};

/// A spec with one operation in two API versions (the older sunset), a struct, an open
/// enum, a discriminated union and an untagged one.
fn base() -> Value {
    json!({
        "openapi": "3.0.1",
        "info": { "title": "diff fixture", "version": "2.0" },
        "tags": [{ "name": "Clusters" }],
        "paths": {
            "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}": {
                "get": {
                    "operationId": "getGroupCluster",
                    "x-xgen-operation-id-override": "getCluster",
                    "tags": ["Clusters"],
                    "parameters": [
                        { "name": "groupId", "in": "path", "required": true, "schema": { "type": "string" } },
                        { "name": "clusterName", "in": "path", "required": true, "schema": { "type": "string" } },
                        { "name": "pretty", "in": "query", "schema": { "type": "boolean" } }
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/vnd.atlas.2023-01-01+json": {
                                    "schema": { "$ref": "#/components/schemas/Cluster" }
                                },
                                "application/vnd.atlas.2024-08-05+json": {
                                    "schema": { "$ref": "#/components/schemas/Cluster" }
                                }
                            }
                        }
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "Cluster": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": { "type": "string" },
                        "diskSizeGB": { "type": "number", "format": "double" },
                        "state": { "$ref": "#/components/schemas/ClusterState" },
                        "provider": { "$ref": "#/components/schemas/ProviderSettings" },
                        "tags": { "$ref": "#/components/schemas/TagValue" }
                    }
                },
                "ClusterState": { "type": "string", "enum": ["IDLE", "CREATING"] },
                "ProviderSettings": {
                    "oneOf": [
                        { "$ref": "#/components/schemas/AwsSettings" },
                        { "$ref": "#/components/schemas/GcpSettings" }
                    ],
                    "discriminator": {
                        "propertyName": "providerName",
                        "mapping": {
                            "AWS": "#/components/schemas/AwsSettings",
                            "GCP": "#/components/schemas/GcpSettings"
                        }
                    }
                },
                "AwsSettings": {
                    "type": "object",
                    "required": ["providerName"],
                    "properties": { "providerName": { "type": "string" }, "region": { "type": "string" } }
                },
                "GcpSettings": {
                    "type": "object",
                    "required": ["providerName"],
                    "properties": { "providerName": { "type": "string" }, "zone": { "type": "string" } }
                },
                "AzureSettings": {
                    "type": "object",
                    "required": ["providerName"],
                    "properties": { "providerName": { "type": "string" }, "location": { "type": "string" } }
                },
                "TagValue": { "oneOf": [{ "type": "string" }, { "type": "integer", "format": "int64" }] }
            }
        }
    })
}

fn report(old: &Value, new: &Value) -> Report {
    let surface = |doc: &Value| {
        let spec = atlas_codegen::parse_spec(&doc.to_string()).expect("parses");
        atlas_codegen::surface(&spec).expect("generates")
    };
    diff(&surface(old), &surface(new), "0.3.1")
}

const OP: &str = "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}";

fn get(doc: &mut Value) -> &mut Value {
    &mut doc["paths"][OP]["get"]
}

fn schema<'a>(doc: &'a mut Value, name: &str) -> &'a mut Value {
    &mut doc["components"]["schemas"][name]
}

/// Applies `edit` to the base spec and checks that the report holds exactly one change,
/// of `kind`, touching `rust`, breaking or not; then snapshots the text.
fn one_change(
    name: &str,
    edit: impl FnOnce(&mut Value),
    kind: ChangeKind,
    rust: &[&str],
    breaking: bool,
) {
    let old = base();
    let mut new = base();
    edit(&mut new);
    let report = report(&old, &new);
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
    let edit = |doc: &mut Value| {
        let mut op = doc["paths"][OP].clone();
        op["get"]["operationId"] = json!("listGroupClusters");
        op["get"]["x-xgen-operation-id-override"] = json!("listClusters");
        op["get"]["parameters"].as_array_mut().unwrap().remove(1);
        doc["paths"]["/api/atlas/v2/groups/{groupId}/clusters"] = op;
    };
    let kind = ChangeKind::OperationAdded {
        operation_id: "listGroupClusters".into(),
    };
    let rust = [
        "operations::ListClusters",
        "operations::ListClustersV20230101",
        "operations::ListClustersV20240805",
    ];
    one_change("operation_added", edit, kind, &rust, false);
}

#[test]
fn operation_removed() {
    let mut old = base();
    edit_extra_operation(&mut old);
    let report = report(&old, &base());
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

fn edit_extra_operation(doc: &mut Value) {
    doc["paths"][OP]["delete"] = json!({
        "operationId": "deleteGroupCluster",
        "x-xgen-operation-id-override": "deleteCluster",
        "tags": ["Clusters"],
        "parameters": [
            { "name": "groupId", "in": "path", "required": true, "schema": { "type": "string" } },
            { "name": "clusterName", "in": "path", "required": true, "schema": { "type": "string" } }
        ],
        "responses": { "204": { "description": "gone", "content": { "application/vnd.atlas.2023-01-01+json": {} } } }
    });
}

#[test]
fn operation_renamed_with_the_same_short_name() {
    let edit = |doc: &mut Value| get(doc)["operationId"] = json!("getProjectCluster");
    let kind = ChangeKind::OperationRenamed {
        from: "getGroupCluster".into(),
        to: "getProjectCluster".into(),
    };
    one_change("operation_renamed", edit, kind, &[], false);
}

#[test]
fn request_type_renamed() {
    let edit = |doc: &mut Value| get(doc)["x-xgen-operation-id-override"] = json!("getOneCluster");
    let kind = ChangeKind::RequestTypeRenamed {
        from: "GetCluster".into(),
        to: "GetOneCluster".into(),
    };
    let rust = [
        "operations::GetCluster",
        "operations::GetClusterV20230101",
        "operations::GetClusterV20240805",
    ];
    one_change("request_type_renamed", edit, kind, &rust, true);
}

fn content(doc: &mut Value) -> &mut serde_json::Map<String, Value> {
    get(doc)["responses"]["200"]["content"]
        .as_object_mut()
        .unwrap()
}

#[test]
fn preview_version_added() {
    let edit = |doc: &mut Value| {
        let body = json!({ "schema": { "$ref": "#/components/schemas/Cluster" } });
        content(doc).insert("application/vnd.atlas.preview+json".into(), body);
    };
    let kind = ChangeKind::VersionAdded {
        version: "preview".into(),
    };
    one_change(
        "version_added",
        edit,
        kind,
        &["operations::GetClusterVPreview"],
        false,
    );
}

#[test]
fn version_removed() {
    let edit = |doc: &mut Value| drop(content(doc).remove("application/vnd.atlas.2023-01-01+json"));
    let kind = ChangeKind::VersionRemoved {
        version: "2023-01-01".into(),
    };
    one_change(
        "version_removed",
        edit,
        kind,
        &["operations::GetClusterV20230101"],
        true,
    );
}

#[test]
fn default_version_changed() {
    let edit = |doc: &mut Value| {
        let body = json!({ "schema": { "$ref": "#/components/schemas/Cluster" } });
        content(doc).insert("application/vnd.atlas.2025-03-12+json".into(), body);
    };
    let old = base();
    let mut new = base();
    edit(&mut new);
    let report = report(&old, &new);
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
    let edit = |doc: &mut Value| {
        content(doc)["application/vnd.atlas.2023-01-01+json"]["x-sunset"] = json!("2027-01-01")
    };
    let kind = ChangeKind::SunsetAnnounced {
        version: "2023-01-01".into(),
        date: "2027-01-01".into(),
    };
    one_change(
        "sunset_announced",
        edit,
        kind,
        &["operations::GetClusterV20230101"],
        false,
    );
}

#[test]
fn operation_deprecated() {
    let edit = |doc: &mut Value| get(doc)["deprecated"] = json!(true);
    let rust = [
        "operations::GetCluster",
        "operations::GetClusterV20230101",
        "operations::GetClusterV20240805",
    ];
    one_change(
        "operation_deprecated",
        edit,
        ChangeKind::OperationDeprecated,
        &rust,
        false,
    );
}

fn parameters(doc: &mut Value) -> &mut Vec<Value> {
    get(doc)["parameters"].as_array_mut().unwrap()
}

#[test]
fn parameter_added() {
    let edit = |doc: &mut Value| {
        parameters(doc).push(
            json!({ "name": "includeCount", "in": "query", "schema": { "type": "boolean" } }),
        );
    };
    let kind = ChangeKind::ParameterAdded {
        parameter: "includeCount".into(),
        required: false,
    };
    let rust = [
        "operations::GetCluster::include_count",
        "operations::GetClusterV20230101::include_count",
        "operations::GetClusterV20240805::include_count",
    ];
    one_change("parameter_added", edit, kind, &rust, false);
}

#[test]
fn parameter_removed() {
    let edit = |doc: &mut Value| drop(parameters(doc).remove(2));
    let kind = ChangeKind::ParameterRemoved {
        parameter: "pretty".into(),
    };
    let rust = [
        "operations::GetCluster::pretty",
        "operations::GetClusterV20230101::pretty",
        "operations::GetClusterV20240805::pretty",
    ];
    one_change("parameter_removed", edit, kind, &rust, true);
}

#[test]
fn parameter_changed() {
    let edit = |doc: &mut Value| parameters(doc)[2]["required"] = json!(true);
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
    one_change("parameter_changed", edit, kind, &rust, true);
}

#[test]
fn schema_added() {
    // Reachable only as a component: a schema no operation uses is still generated.
    let edit = |doc: &mut Value| {
        *schema(doc, "Region") =
            json!({ "type": "object", "properties": { "name": { "type": "string" } } })
    };
    one_change(
        "schema_added",
        edit,
        ChangeKind::SchemaAdded,
        &["models::Region"],
        false,
    );
}

#[test]
fn schema_removed() {
    let edit = |doc: &mut Value| {
        drop(
            doc["components"]["schemas"]
                .as_object_mut()
                .unwrap()
                .remove("AzureSettings"),
        )
    };
    one_change(
        "schema_removed",
        edit,
        ChangeKind::SchemaRemoved,
        &["models::AzureSettings"],
        true,
    );
}

fn cluster_properties(doc: &mut Value) -> &mut serde_json::Map<String, Value> {
    schema(doc, "Cluster")["properties"]
        .as_object_mut()
        .unwrap()
}

#[test]
fn optional_property_added() {
    let edit = |doc: &mut Value| {
        drop(cluster_properties(doc).insert("paused".into(), json!({ "type": "boolean" })))
    };
    let kind = ChangeKind::PropertyAdded {
        property: "paused".into(),
        required: false,
    };
    one_change(
        "optional_property_added",
        edit,
        kind,
        &["models::Cluster::paused"],
        true,
    );
}

#[test]
fn required_property_added() {
    let edit = |doc: &mut Value| {
        cluster_properties(doc).insert("groupId".into(), json!({ "type": "string" }));
        schema(doc, "Cluster")["required"] = json!(["name", "groupId"]);
    };
    let kind = ChangeKind::PropertyAdded {
        property: "groupId".into(),
        required: true,
    };
    one_change(
        "required_property_added",
        edit,
        kind,
        &["models::Cluster::group_id"],
        true,
    );
}

#[test]
fn property_removed() {
    let edit = |doc: &mut Value| drop(cluster_properties(doc).remove("diskSizeGB"));
    let kind = ChangeKind::PropertyRemoved {
        property: "diskSizeGB".into(),
    };
    one_change(
        "property_removed",
        edit,
        kind,
        &["models::Cluster::disk_size_gb"],
        true,
    );
}

#[test]
fn property_type_changed() {
    let edit = |doc: &mut Value| {
        cluster_properties(doc)["diskSizeGB"] = json!({ "type": "integer", "format": "int64" })
    };
    let kind = ChangeKind::PropertyTypeChanged {
        property: "diskSizeGB".into(),
        from: "Option<f64>".into(),
        to: "Option<i64>".into(),
    };
    one_change(
        "property_type_changed",
        edit,
        kind,
        &["models::Cluster::disk_size_gb"],
        true,
    );
}

#[test]
fn property_became_required() {
    let edit = |doc: &mut Value| schema(doc, "Cluster")["required"] = json!(["name", "diskSizeGB"]);
    let kind = ChangeKind::PropertyRequiredChanged {
        property: "diskSizeGB".into(),
        required: true,
        from: "Option<f64>".into(),
        to: "f64".into(),
    };
    one_change(
        "property_became_required",
        edit,
        kind,
        &["models::Cluster::disk_size_gb"],
        true,
    );
}

#[test]
fn enum_value_added() {
    let edit = |doc: &mut Value| {
        schema(doc, "ClusterState")["enum"] = json!(["IDLE", "CREATING", "PAUSED"])
    };
    let kind = ChangeKind::EnumValueAdded {
        value: "PAUSED".into(),
    };
    one_change(
        "enum_value_added",
        edit,
        kind,
        &["models::ClusterState::Paused"],
        false,
    );
}

#[test]
fn enum_value_removed() {
    let edit = |doc: &mut Value| schema(doc, "ClusterState")["enum"] = json!(["IDLE"]);
    let kind = ChangeKind::EnumValueRemoved {
        value: "CREATING".into(),
    };
    one_change(
        "enum_value_removed",
        edit,
        kind,
        &["models::ClusterState::Creating"],
        true,
    );
}

/// Applies `edit` and checks the report's changes: (kind, subject, breaking) each.
fn changes(name: &str, edit: impl FnOnce(&mut Value), expected: &[(ChangeKind, &str, bool)]) {
    let mut new = base();
    edit(&mut new);
    let report = report(&base(), &new);
    let got: Vec<(ChangeKind, &str, bool)> = report
        .changes
        .iter()
        .map(|c| (c.kind.clone(), c.subject.as_str(), c.breaking))
        .collect();
    assert_eq!(got, expected, "{name}: {}", report.text());
    insta::assert_snapshot!(name, report.text());
}

#[test]
fn discriminator_mapping_added() {
    // The new subtype loses its own tag field: the union writes the tag now.
    let edit = |doc: &mut Value| {
        let union = schema(doc, "ProviderSettings");
        union["oneOf"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "$ref": "#/components/schemas/AzureSettings" }));
        union["discriminator"]["mapping"]["AZURE"] = json!("#/components/schemas/AzureSettings");
    };
    let lost = ChangeKind::PropertyRemoved {
        property: "providerName".into(),
    };
    let added = ChangeKind::DiscriminatorMappingAdded {
        value: "AZURE".into(),
        schema: "AzureSettings".into(),
    };
    changes(
        "discriminator_mapping_added",
        edit,
        &[
            (lost, "AzureSettings", true),
            (added, "ProviderSettings", false),
        ],
    );
}

#[test]
fn discriminator_mapping_removed() {
    // The subtype on its own again keeps its tag field.
    let edit = |doc: &mut Value| {
        let union = schema(doc, "ProviderSettings");
        union["oneOf"].as_array_mut().unwrap().remove(1);
        union["discriminator"]["mapping"]
            .as_object_mut()
            .unwrap()
            .remove("GCP");
    };
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
        edit,
        &[
            (kept, "GcpSettings", true),
            (removed, "ProviderSettings", true),
        ],
    );
}

#[test]
fn untagged_branch_added() {
    let edit = |doc: &mut Value| {
        schema(doc, "TagValue")["oneOf"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "type": "boolean" }))
    };
    let kind = ChangeKind::UnionBranchAdded {
        branch: "bool".into(),
    };
    one_change(
        "untagged_branch_added",
        edit,
        kind,
        &["models::TagValue::Boolean"],
        false,
    );
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
            "why": "a public field is removed"
        })
    );
}
