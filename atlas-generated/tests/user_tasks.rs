//! Five tasks a new user does first, written as a user would: list the projects page by
//! page, create an M10 AWS cluster at the newest API version and at 2023-02-01, create a
//! search and a vector search index, create a database user with `readWriteAnyDatabase`,
//! and read values the spec does not list. Each task builds its requests, checks what
//! would go on the wire, and decodes what the server answers, sans-IO: any HTTP client
//! sends them.

use std::collections::BTreeMap;

use atlas_generated::models::{
    AdvancedClusterDescription, AwsHardwareSpec, AwsHardwareSpec20240805, AwsInstanceSize,
    AwsRegionConfig, AwsRegionConfig20240805, CloudDatabaseUser, CloudRegionConfig20240805,
    ClusterDescription20240805, ClusterType, DatabaseUserRole, DatabaseUserRoleRoleName, Group,
    RegionName, ReplicationSpec, ReplicationSpec20240805, SearchIndexCreateRequest,
    SearchIndexResponse, SearchMappings, StateName, TextSearchIndexCreateRequest,
    TextSearchIndexDefinition, VectorSearchIndexCreateRequest, VectorSearchIndexDefinition,
};
// 2023-02-01 of `createGroupCluster` is sunset on 2027-07-01: a user still on it sees the
// deprecation, and says so.
#[allow(deprecated)]
use atlas_generated::operations::CreateClusterV20230201;
use atlas_generated::operations::{
    CreateCluster, CreateClusterSearchIndex, CreateDatabaseUser, GetCluster, ListGroups,
};
use atlas_generated::prelude::*;
use http::{HeaderMap, Request};
use serde_json::{Value, json};

type Error = Box<dyn std::error::Error>;

const GROUP: &str = "5f1e2d3c4b5a69788796a5b4";

fn body_of(request: &Request<Vec<u8>>) -> Value {
    serde_json::from_slice(request.body()).expect("a JSON request body")
}

fn query(request: &Request<Vec<u8>>) -> BTreeMap<String, String> {
    let query = request.uri().query().unwrap_or_default();
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

/// Task 1: every project, fetched a page at a time until a short page.
fn all_projects(
    page_size: i64,
    mut send: impl FnMut(Request<Vec<u8>>) -> (u16, Vec<u8>),
) -> Result<Vec<Group>, Error> {
    let mut projects = Vec::new();
    for page in 1.. {
        let request = ListGroups::new()
            .items_per_page(page_size)
            .page_num(page)
            .to_request()?;
        let (status, body) = send(request);
        let results = ListGroups::decode_response(status, &HeaderMap::new(), &body)?
            .results
            .unwrap_or_default();
        let last = (results.len() as i64) < page_size;
        projects.extend(results);
        if last {
            break;
        }
    }
    Ok(projects)
}

#[test]
fn list_projects_page_by_page() -> Result<(), Error> {
    let names = ["alpha", "beta", "gamma", "delta", "epsilon"];
    let mut requests = Vec::new();
    let projects = all_projects(2, |request| {
        assert_eq!(request.uri().path(), "/api/atlas/v2/groups");
        let query = query(&request);
        let page: usize = query["pageNum"].parse().unwrap();
        let size: usize = query["itemsPerPage"].parse().unwrap();
        requests.push(page);
        let results: Vec<Value> = names
            .iter()
            .skip((page - 1) * size)
            .take(size)
            .map(|name| json!({"id": format!("id-{name}"), "name": name, "orgId": "o1", "clusterCount": 0}))
            .collect();
        let body = json!({"results": results, "totalCount": names.len()});
        (200, serde_json::to_vec(&body).unwrap())
    })?;
    assert_eq!(requests, [1, 2, 3]);
    let got: Vec<&str> = projects.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(got, names);
    Ok(())
}

#[test]
fn create_an_m10_aws_cluster_at_the_newest_version() -> Result<(), Error> {
    let hardware = AwsHardwareSpec20240805::new()
        .instance_size(AwsInstanceSize::M10)
        .node_count(3);
    let region = AwsRegionConfig20240805::new()
        .region_name(RegionName::UsEast1)
        .priority(7)
        .electable_specs(hardware);
    let cluster = ClusterDescription20240805::new()
        .name("Cluster0")
        .cluster_type(ClusterType::Replicaset)
        .replication_specs([ReplicationSpec20240805::new().region_configs([region.into()])]);
    let request = CreateCluster::new(GROUP, cluster).to_request()?;
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(
        request.headers()["accept"],
        "application/vnd.atlas.2024-10-23+json"
    );
    assert_eq!(
        body_of(&request),
        json!({
            "name": "Cluster0",
            "clusterType": "REPLICASET",
            "replicationSpecs": [{"regionConfigs": [{
                "providerName": "AWS",
                "regionName": "US_EAST_1",
                "priority": 7,
                "electableSpecs": {"instanceSize": "M10", "nodeCount": 3},
            }]}],
        })
    );

    // The server answers with the cluster being created; its region config reads back as
    // the AWS variant, with AWS hardware.
    let mut answer = body_of(&request);
    answer["stateName"] = json!("CREATING");
    let created =
        CreateCluster::decode_response(201, &HeaderMap::new(), &serde_json::to_vec(&answer)?)?;
    assert_eq!(created.state_name, Some(StateName::Creating));
    let spec = &created.replication_specs.as_deref().unwrap()[0];
    let Some(CloudRegionConfig20240805::Aws(aws)) = spec.region_configs.as_ref().map(|r| &r[0])
    else {
        panic!("an AWS region config: {spec:?}");
    };
    let size = aws
        .electable_specs
        .as_ref()
        .and_then(|s| s.instance_size.clone());
    assert_eq!(size, Some(AwsInstanceSize::M10));
    Ok(())
}

#[test]
#[allow(deprecated)]
fn create_an_m10_aws_cluster_at_2023_02_01() -> Result<(), Error> {
    let hardware = AwsHardwareSpec::new()
        .instance_size(AwsInstanceSize::M10)
        .node_count(3);
    let region = AwsRegionConfig::new()
        .region_name(RegionName::UsEast1)
        .priority(7)
        .electable_specs(hardware);
    let cluster = AdvancedClusterDescription::new()
        .name("Cluster0")
        .cluster_type(ClusterType::Replicaset)
        .replication_specs([ReplicationSpec::new()
            .num_shards(1)
            .region_configs([region.into()])]);
    let request = CreateClusterV20230201::new(GROUP, cluster).to_request()?;
    assert_eq!(
        request.headers()["accept"],
        "application/vnd.atlas.2023-02-01+json"
    );
    let body = body_of(&request);
    assert_eq!(body["replicationSpecs"][0]["numShards"], 1);
    assert_eq!(
        body["replicationSpecs"][0]["regionConfigs"][0],
        json!({"providerName": "AWS", "regionName": "US_EAST_1", "priority": 7,
               "electableSpecs": {"instanceSize": "M10", "nodeCount": 3}})
    );
    Ok(())
}

#[test]
fn create_a_search_and_a_vector_search_index() -> Result<(), Error> {
    let mappings = SearchMappings::new().dynamic(json!(true));
    let text = TextSearchIndexCreateRequest::new(
        "movies",
        "sample_mflix",
        "default",
        TextSearchIndexDefinition::new(mappings),
    );
    let vector_field = BTreeMap::from([
        ("type".to_owned(), json!("vector")),
        ("path".to_owned(), json!("plot_embedding")),
        ("numDimensions".to_owned(), json!(1536)),
        ("similarity".to_owned(), json!("euclidean")),
    ]);
    let vector = VectorSearchIndexCreateRequest::new(
        "movies",
        "sample_mflix",
        "vector_index",
        VectorSearchIndexDefinition::new(vec![vector_field]),
    );
    let mut sent = Vec::new();
    for index in [
        SearchIndexCreateRequest::from(text),
        SearchIndexCreateRequest::from(vector),
    ] {
        let request = CreateClusterSearchIndex::new(GROUP, "Cluster0", index).to_request()?;
        assert_eq!(
            request.uri().path(),
            format!("/api/atlas/v2/groups/{GROUP}/clusters/Cluster0/search/indexes")
        );
        sent.push(body_of(&request));
    }
    assert_eq!(sent[0]["type"], "search", "the variant writes its tag");
    assert_eq!(sent[0]["definition"]["mappings"], json!({"dynamic": true}));
    assert_eq!(sent[1]["type"], "vectorSearch");
    assert_eq!(sent[1]["definition"]["fields"][0]["numDimensions"], 1536);

    // The server's answer for the vector index, read back as its variant.
    let mut answer = sent[1].clone();
    answer["indexID"] = json!("6b2f0c1a9e1d4b0012345679");
    answer["status"] = json!("PENDING");
    let bytes = serde_json::to_vec(&answer)?;
    let created = CreateClusterSearchIndex::decode_response(201, &HeaderMap::new(), &bytes)?;
    assert!(
        matches!(created, SearchIndexResponse::VectorSearch(_)),
        "{created:?}"
    );
    Ok(())
}

#[test]
fn create_a_database_user_with_read_write_any_database() -> Result<(), Error> {
    let role = DatabaseUserRole::new("admin", DatabaseUserRoleRoleName::ReadWriteAnyDatabase);
    let user = CloudDatabaseUser::new("admin", [role], "app").password("a long random secret");
    let request = CreateDatabaseUser::new(GROUP, user).to_request()?;
    assert_eq!(
        request.uri().path(),
        format!("/api/atlas/v2/groups/{GROUP}/databaseUsers")
    );
    assert_eq!(
        body_of(&request),
        json!({
            "databaseName": "admin",
            "username": "app",
            "password": "a long random secret",
            "roles": [{"databaseName": "admin", "roleName": "readWriteAnyDatabase"}],
        })
    );
    Ok(())
}

#[test]
fn read_values_the_spec_does_not_list() -> Result<(), Error> {
    // A newer server: an unlisted state, an unlisted cloud provider, a new property.
    let body = json!({
        "name": "Cluster0",
        "stateName": "HIBERNATING",
        "someNewSetting": {"enabled": true},
        "replicationSpecs": [{"regionConfigs": [
            {"providerName": "AWS", "regionName": "MARS_NORTH_1", "priority": 7},
            {"providerName": "NEWCLOUD", "regionName": "X", "priority": 6},
        ]}],
    });
    let bytes = serde_json::to_vec(&body)?;
    let cluster = GetCluster::decode_response(200, &HeaderMap::new(), &bytes)?;
    let state = cluster.state_name.as_ref().unwrap();
    assert!(!state.is_known());
    assert_eq!(state.as_str(), "HIBERNATING");
    assert_eq!(
        cluster.additional_properties["someNewSetting"]["enabled"],
        true
    );
    let regions = cluster.replication_specs.as_deref().unwrap()[0]
        .region_configs
        .as_deref()
        .unwrap();
    let CloudRegionConfig20240805::Aws(aws) = &regions[0] else {
        panic!("AWS: {:?}", regions[0]);
    };
    assert_eq!(
        aws.region_name,
        Some(RegionName::Unknown("MARS_NORTH_1".to_owned()))
    );
    let CloudRegionConfig20240805::Unknown(other) = &regions[1] else {
        panic!("an unknown provider: {:?}", regions[1]);
    };
    assert_eq!(other.tag(), Some("NEWCLOUD"));
    // Nothing is lost: the value encodes back to what was received.
    assert_eq!(serde_json::to_value(&cluster)?, body);
    Ok(())
}
