//! The diff fixture: a small spec, and edits of it that each make one kind of change.
//! `atlas-codegen/tests/diff.rs` checks the report on each; `xtask/tests/semver_checks.rs`
//! checks that cargo-semver-checks, run on the crates generated from each pair, agrees
//! with the report's verdict.

#![allow(dead_code)] // Each test crate uses its own part.

use serde_json::{Value, json};

/// One pair of documents: the base with `old` applied, and the base with `new` applied.
pub struct Case {
    pub name: &'static str,
    pub old: fn(&mut Value),
    pub new: fn(&mut Value),
}

impl Case {
    /// The two documents.
    pub fn documents(&self) -> (Value, Value) {
        let (mut old, mut new) = (base(), base());
        (self.old)(&mut old);
        (self.new)(&mut new);
        (old, new)
    }
}

fn unchanged(_: &mut Value) {}

/// Every case, named as its snapshot.
pub const CASES: &[Case] = &[
    Case {
        name: "operation_added",
        old: unchanged,
        new: operation_added,
    },
    Case {
        name: "feature_added",
        old: unchanged,
        new: tagged_operation,
    },
    Case {
        name: "feature_removed",
        old: tagged_operation,
        new: unchanged,
    },
    Case {
        name: "operation_removed",
        old: extra_operation,
        new: unchanged,
    },
    Case {
        name: "operation_renamed",
        old: unchanged,
        new: operation_renamed,
    },
    Case {
        name: "request_type_renamed",
        old: unchanged,
        new: request_type_renamed,
    },
    Case {
        name: "version_added",
        old: unchanged,
        new: version_added,
    },
    Case {
        name: "version_removed",
        old: unchanged,
        new: version_removed,
    },
    Case {
        name: "default_version_changed",
        old: unchanged,
        new: default_version_changed,
    },
    Case {
        name: "sunset_announced",
        old: unchanged,
        new: sunset_announced,
    },
    Case {
        name: "operation_deprecated",
        old: unchanged,
        new: operation_deprecated,
    },
    Case {
        name: "parameter_added",
        old: unchanged,
        new: parameter_added,
    },
    Case {
        name: "parameter_removed",
        old: unchanged,
        new: parameter_removed,
    },
    Case {
        name: "parameter_changed",
        old: unchanged,
        new: parameter_changed,
    },
    Case {
        name: "schema_added",
        old: unchanged,
        new: schema_added,
    },
    Case {
        name: "schema_removed",
        old: unchanged,
        new: schema_removed,
    },
    Case {
        name: "optional_property_added",
        old: unchanged,
        new: optional_property_added,
    },
    Case {
        name: "required_property_added",
        old: unchanged,
        new: required_property_added,
    },
    Case {
        name: "property_removed",
        old: unchanged,
        new: property_removed,
    },
    Case {
        name: "property_type_changed",
        old: unchanged,
        new: property_type_changed,
    },
    Case {
        name: "property_became_required",
        old: unchanged,
        new: property_became_required,
    },
    Case {
        name: "enum_value_added",
        old: unchanged,
        new: enum_value_added,
    },
    Case {
        name: "enum_value_removed",
        old: unchanged,
        new: enum_value_removed,
    },
    Case {
        name: "discriminator_mapping_added",
        old: unchanged,
        new: discriminator_mapping_added,
    },
    Case {
        name: "discriminator_mapping_removed",
        old: unchanged,
        new: discriminator_mapping_removed,
    },
    Case {
        name: "variant_changed",
        old: unchanged,
        new: second_tag_for_a_variant,
    },
    Case {
        name: "discriminants_shifted",
        old: second_tag_for_a_variant,
        new: a_tag_between,
    },
    Case {
        name: "request_body_changed",
        old: update_taking_a_cluster,
        new: update_taking_azure_settings,
    },
    Case {
        name: "response_changed",
        old: unchanged,
        new: newest_version_answers_azure_settings,
    },
    Case {
        name: "untagged_branch_added",
        old: unchanged,
        new: untagged_branch_added,
    },
];

/// The case named `name`.
pub fn case(name: &str) -> &'static Case {
    CASES
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no diff case `{name}`"))
}

/// A spec with one operation in two API versions (the older sunset), a struct, an open
/// enum, a discriminated union and an untagged one.
pub fn base() -> Value {
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

pub const OP: &str = "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}";

pub fn get(doc: &mut Value) -> &mut Value {
    &mut doc["paths"][OP]["get"]
}

pub fn schema<'a>(doc: &'a mut Value, name: &str) -> &'a mut Value {
    &mut doc["components"]["schemas"][name]
}

pub fn content(doc: &mut Value) -> &mut serde_json::Map<String, Value> {
    get(doc)["responses"]["200"]["content"]
        .as_object_mut()
        .unwrap()
}

pub fn parameters(doc: &mut Value) -> &mut Vec<Value> {
    get(doc)["parameters"].as_array_mut().unwrap()
}

pub fn cluster_properties(doc: &mut Value) -> &mut serde_json::Map<String, Value> {
    schema(doc, "Cluster")["properties"]
        .as_object_mut()
        .unwrap()
}

/// `groupId` and `clusterName`, the path parameters of [`OP`].
fn path_parameters() -> Value {
    let parameter = |name: &str| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } });
    json!([parameter("groupId"), parameter("clusterName")])
}

pub fn extra_operation(doc: &mut Value) {
    doc["paths"][OP]["delete"] = json!({
        "operationId": "deleteGroupCluster",
        "x-xgen-operation-id-override": "deleteCluster",
        "tags": ["Clusters"],
        "parameters": path_parameters(),
        "responses": { "204": { "description": "gone", "content": { "application/vnd.atlas.2023-01-01+json": {} } } }
    });
}

pub fn operation_added(doc: &mut Value) {
    let mut op = doc["paths"][OP].clone();
    op["get"]["operationId"] = json!("listGroupClusters");
    op["get"]["x-xgen-operation-id-override"] = json!("listClusters");
    op["get"]["parameters"].as_array_mut().unwrap().remove(1);
    doc["paths"]["/api/atlas/v2/groups/{groupId}/clusters"] = op;
}

pub fn operation_renamed(doc: &mut Value) {
    get(doc)["operationId"] = json!("getProjectCluster");
}

pub fn request_type_renamed(doc: &mut Value) {
    get(doc)["x-xgen-operation-id-override"] = json!("getOneCluster");
}

pub fn version_added(doc: &mut Value) {
    let body = json!({ "schema": { "$ref": "#/components/schemas/Cluster" } });
    content(doc).insert("application/vnd.atlas.preview+json".into(), body);
}

pub fn version_removed(doc: &mut Value) {
    drop(content(doc).remove("application/vnd.atlas.2023-01-01+json"));
}

pub fn default_version_changed(doc: &mut Value) {
    let body = json!({ "schema": { "$ref": "#/components/schemas/Cluster" } });
    content(doc).insert("application/vnd.atlas.2025-03-12+json".into(), body);
}

pub fn sunset_announced(doc: &mut Value) {
    content(doc)["application/vnd.atlas.2023-01-01+json"]["x-sunset"] = json!("2027-01-01")
}

pub fn operation_deprecated(doc: &mut Value) {
    get(doc)["deprecated"] = json!(true);
}

pub fn parameter_added(doc: &mut Value) {
    parameters(doc)
        .push(json!({ "name": "includeCount", "in": "query", "schema": { "type": "boolean" } }));
}

pub fn parameter_removed(doc: &mut Value) {
    drop(parameters(doc).remove(2));
}

pub fn parameter_changed(doc: &mut Value) {
    parameters(doc)[2]["required"] = json!(true);
}

pub fn schema_added(doc: &mut Value) {
    *schema(doc, "Region") =
        json!({ "type": "object", "properties": { "name": { "type": "string" } } })
}

pub fn schema_removed(doc: &mut Value) {
    drop(
        doc["components"]["schemas"]
            .as_object_mut()
            .unwrap()
            .remove("AzureSettings"),
    )
}

pub fn optional_property_added(doc: &mut Value) {
    drop(cluster_properties(doc).insert("paused".into(), json!({ "type": "boolean" })))
}

pub fn required_property_added(doc: &mut Value) {
    cluster_properties(doc).insert("groupId".into(), json!({ "type": "string" }));
    schema(doc, "Cluster")["required"] = json!(["name", "groupId"]);
}

pub fn property_removed(doc: &mut Value) {
    drop(cluster_properties(doc).remove("diskSizeGB"));
}

pub fn property_type_changed(doc: &mut Value) {
    cluster_properties(doc)["diskSizeGB"] = json!({ "type": "integer", "format": "int64" })
}

pub fn property_became_required(doc: &mut Value) {
    schema(doc, "Cluster")["required"] = json!(["name", "diskSizeGB"]);
}

pub fn enum_value_added(doc: &mut Value) {
    schema(doc, "ClusterState")["enum"] = json!(["IDLE", "CREATING", "PAUSED"])
}

pub fn enum_value_removed(doc: &mut Value) {
    schema(doc, "ClusterState")["enum"] = json!(["IDLE"]);
}

pub fn discriminator_mapping_added(doc: &mut Value) {
    let union = schema(doc, "ProviderSettings");
    union["oneOf"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "$ref": "#/components/schemas/AzureSettings" }));
    union["discriminator"]["mapping"]["AZURE"] = json!("#/components/schemas/AzureSettings");
}

pub fn discriminator_mapping_removed(doc: &mut Value) {
    let union = schema(doc, "ProviderSettings");
    union["oneOf"].as_array_mut().unwrap().remove(1);
    union["discriminator"]["mapping"]
        .as_object_mut()
        .unwrap()
        .remove("GCP");
}

pub fn untagged_branch_added(doc: &mut Value) {
    schema(doc, "TagValue")["oneOf"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "type": "boolean" }))
}

/// A second tag, with an operation of its own.
pub fn tagged_operation(doc: &mut Value) {
    doc["tags"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "name": "Projects" }));
    doc["paths"]["/api/atlas/v2/groups"] = json!({
        "get": {
            "operationId": "listGroups",
            "tags": ["Projects"],
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {
                        "application/vnd.atlas.2023-01-01+json": {
                            "schema": { "$ref": "#/components/schemas/Cluster" }
                        }
                    }
                }
            }
        }
    });
}

/// A second tag value for the `AwsSettings` variant, which then holds which one it was.
pub fn second_tag_for_a_variant(doc: &mut Value) {
    schema(doc, "ProviderSettings")["discriminator"]["mapping"]["AWS_GOV"] =
        json!("#/components/schemas/AwsSettings");
}

/// A third tag value for `AwsSettings`, sorting between the other two: the variant of
/// `AWS_GOV` in the enum of tag values moves.
pub fn a_tag_between(doc: &mut Value) {
    second_tag_for_a_variant(doc);
    schema(doc, "ProviderSettings")["discriminator"]["mapping"]["AWS_CN"] =
        json!("#/components/schemas/AwsSettings");
}

/// An operation with a request body of the schema `body`.
fn update_taking(doc: &mut Value, body: &str) {
    doc["paths"][OP]["patch"] = json!({
        "operationId": "updateGroupCluster",
        "x-xgen-operation-id-override": "updateCluster",
        "tags": ["Clusters"],
        "parameters": path_parameters(),
        "requestBody": {
            "required": true,
            "content": {
                "application/vnd.atlas.2023-01-01+json": {
                    "schema": { "$ref": format!("#/components/schemas/{body}") }
                }
            }
        },
        "responses": {
            "200": {
                "description": "OK",
                "content": {
                    "application/vnd.atlas.2023-01-01+json": {
                        "schema": { "$ref": "#/components/schemas/Cluster" }
                    }
                }
            }
        }
    });
}

pub fn update_taking_a_cluster(doc: &mut Value) {
    update_taking(doc, "Cluster");
}

pub fn update_taking_azure_settings(doc: &mut Value) {
    update_taking(doc, "AzureSettings");
}

/// The 2024-08-05 answer becomes an `AzureSettings` (a schema no union holds).
pub fn newest_version_answers_azure_settings(doc: &mut Value) {
    content(doc)["application/vnd.atlas.2024-08-05+json"]["schema"] =
        json!({ "$ref": "#/components/schemas/AzureSettings" });
}
