//! The `testing` feature's kit as a user's tests use it: a fake Atlas that keeps state and
//! walks long-running resources, mocks by operation type, and cassettes.

use std::time::Duration;

use atlas_generated::client::{Client, Credentials, ErrorKind, Wait, WaitError};
use atlas_generated::models::{
    AdvancedClusterDescription, AwsHardwareSpec20240805, AwsInstanceSize, AwsRegionConfig20240805,
    CloudDatabaseUser, ClusterDescription20240805, ClusterType, DatabaseUserRole,
    DatabaseUserRoleRoleName, Group, RegionName, ReplicationSpec20240805, SearchIndexCreateRequest,
    SearchIndexResponse, SearchMappings, StateName, TextSearchIndexCreateRequest,
    TextSearchIndexDefinition, VectorSearchIndexCreateRequest, VectorSearchIndexDefinition,
};
#[allow(deprecated)]
use atlas_generated::operations::CreateClusterV20230201;
use atlas_generated::operations::{
    CreateCluster, CreateClusterSearchIndex, CreateDatabaseUser, CreateGroup, DeleteCluster,
    DeleteDatabaseUser, GetCluster, GetDatabaseUser, GetSystemStatus, ListClusterSearchIndexes,
    ListClusters, ListDatabaseUsers, ListGroups, UpdateDatabaseUser,
};
use atlas_generated::testing::{
    CLIENT_ID, CLIENT_SECRET, FakeAtlas, Fault, Mock, Network, PUBLIC_KEY, Recorder, Replay,
    Transport, TransportFuture, mock, secret_fields, secret_parameters,
};
use futures_util::TryStreamExt;

const GROUP: &str = "5f1e2d3c4b5a69788796a5b4";

/// Runs `test`, failing it if it takes longer than 30 s.
async fn within<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), test)
        .await
        .expect("the test finished in time")
}

fn cluster(name: &str) -> ClusterDescription20240805 {
    ClusterDescription20240805::new()
        .name(name)
        .cluster_type(ClusterType::Replicaset)
}

#[tokio::test]
async fn a_cluster_is_created_waited_for_listed_and_deleted() {
    within(async {
        let atlas = FakeAtlas::start().await.unwrap();
        let client = atlas.client();
        let wait = Wait::up_to(Duration::from_secs(10)).interval(Duration::from_millis(1));
        let created = client
            .send_and_wait(&CreateCluster::new(GROUP, cluster("c0")), wait)
            .await
            .unwrap();
        assert_eq!(created.name.as_deref(), Some("c0"));
        assert_eq!(created.state_name, Some(StateName::Idle));
        let polls = atlas.requests_for::<GetCluster>();
        assert_eq!(polls.len(), 3, "CREATING twice, then IDLE");
        let listed: Vec<_> = client
            .paginate(ListClusters::new(GROUP))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
        client
            .send_and_wait(&DeleteCluster::new(GROUP, "c0"), wait)
            .await
            .unwrap();
        let gone = client
            .send(&GetCluster::new(GROUP, "c0"))
            .await
            .unwrap_err();
        assert_eq!(gone.kind(), ErrorKind::Api);
        assert_eq!(
            gone.api_error().unwrap().error_code(),
            Some("CLUSTER_NOT_FOUND")
        );
    })
    .await;
}

/// A database user, with the password a recording must never hold.
fn user(name: &str) -> CloudDatabaseUser {
    let role = DatabaseUserRole::new("admin", DatabaseUserRoleRoleName::ReadWriteAnyDatabase);
    CloudDatabaseUser::new("admin", [role], name).password("hunter2-do-not-record")
}

#[tokio::test]
async fn a_created_resource_is_read_paged_changed_and_deleted_and_never_echoes_its_password() {
    within(async {
        let atlas = FakeAtlas::start().await.unwrap();
        let client = atlas.client();
        for i in 0..7 {
            let created = client
                .send(&CreateDatabaseUser::new(GROUP, user(&format!("u{i}"))))
                .await
                .unwrap();
            assert_eq!(created.username, format!("u{i}"));
            assert_eq!(
                created.password, None,
                "a writeOnly field is never given back"
            );
        }
        let page = client
            .send(&ListDatabaseUsers::new(GROUP).items_per_page(3).page_num(3))
            .await
            .unwrap();
        assert_eq!(page.total_count, Some(7));
        let names: Vec<_> = page
            .results
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect();
        assert_eq!(names, ["u6"]);
        let all: Vec<_> = client
            .paginate(ListDatabaseUsers::new(GROUP).items_per_page(2))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(all.len(), 7, "four pages, followed to the end");
        let too_many = client
            .send(&ListDatabaseUsers::new(GROUP).items_per_page(501))
            .await
            .unwrap_err();
        assert_eq!(too_many.status(), Some(400));
        let other_group = client
            .send(&ListDatabaseUsers::new("6f1e2d3c4b5a69788796a5b4"))
            .await
            .unwrap();
        assert_eq!(other_group.total_count, Some(0), "a collection per project");

        let changed = client
            .send(&UpdateDatabaseUser::new(
                GROUP,
                "admin",
                "u1",
                user("u1").description("changed"),
            ))
            .await
            .unwrap();
        assert_eq!(changed.description.as_deref(), Some("changed"));
        let read = client
            .send(&GetDatabaseUser::new(GROUP, "admin", "u1"))
            .await
            .unwrap();
        assert_eq!(read.description.as_deref(), Some("changed"));
        client
            .send(&DeleteDatabaseUser::new(GROUP, "admin", "u1"))
            .await
            .unwrap();
        let gone = client
            .send(&GetDatabaseUser::new(GROUP, "admin", "u1"))
            .await
            .unwrap_err();
        assert_eq!(
            gone.api_error().unwrap().error_code(),
            Some("DATABASE_USER_NOT_FOUND")
        );
        assert_eq!(atlas.requests_for::<CreateDatabaseUser>().len(), 7);
        let sent: CloudDatabaseUser = atlas.requests_for::<CreateDatabaseUser>()[0]
            .body_as()
            .unwrap();
        assert_eq!(sent.username, "u0", "the request as the fake received it");
    })
    .await;
}

#[tokio::test]
async fn the_fake_checks_credentials_versions_and_bodies() {
    within(async {
        let atlas = FakeAtlas::start().await.unwrap();
        let digest = Client::builder()
            .base_url(atlas.base_url())
            .credentials(atlas.digest_credentials())
            .build()
            .unwrap();
        digest.send(&ListDatabaseUsers::new(GROUP)).await.unwrap();
        let wrong = Client::builder()
            .base_url(atlas.base_url())
            .credentials(Credentials::digest(PUBLIC_KEY, "not the key"))
            .build()
            .unwrap();
        let refused = wrong
            .send(&ListDatabaseUsers::new(GROUP))
            .await
            .unwrap_err();
        assert_eq!(refused.status(), Some(401));
        let stranger = Client::builder()
            .base_url(atlas.base_url())
            .credentials(Credentials::service_account(
                "mdb_sa_id_other",
                "mdb_sa_sk_other",
            ))
            .build()
            .unwrap();
        let refused = stranger
            .send(&ListDatabaseUsers::new(GROUP))
            .await
            .unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::Auth, "{refused}");

        let http = reqwest::Client::new();
        let url = format!(
            "{}/api/atlas/v2/groups/{GROUP}/databaseUsers",
            atlas.base_url()
        );
        let token = atlas_token(&http, &atlas.base_url()).await;
        let unversioned = http
            .get(&url)
            .bearer_auth(&token)
            .header("Accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(unversioned.status(), 406);
        let bad_body = http
            .post(&url)
            .bearer_auth(&token)
            .header("Accept", "application/vnd.atlas.2023-01-01+json")
            .header("Content-Type", "application/vnd.atlas.2023-01-01+json")
            .body(r#"{"databaseName": "admin", "username": "u", "roles": "all of them"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(bad_body.status(), 400);
        let detail: serde_json::Value =
            serde_json::from_slice(&bad_body.bytes().await.unwrap()).unwrap();
        assert!(
            detail["detail"].as_str().unwrap().contains("roles"),
            "{detail}"
        );
        let unserved = client_send_unserved(&atlas).await;
        assert_eq!(unserved.status(), Some(501));
        assert!(
            unserved.to_string().contains("getSystemStatus"),
            "{unserved}"
        );
    })
    .await;
}

/// A token from the fake's token endpoint, as any HTTP client gets one.
async fn atlas_token(http: &reqwest::Client, base: &str) -> String {
    let answer = http
        .post(format!("{base}/api/oauth/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    answer["access_token"].as_str().unwrap().to_owned()
}

/// An operation outside every family: the fake answers `501`, naming it.
async fn client_send_unserved(atlas: &FakeAtlas) -> atlas_generated::client::Error {
    atlas
        .client()
        .send(&GetSystemStatus::new())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn faults_come_to_the_nth_matching_request_and_the_client_rides_them_out() {
    within(async {
        let atlas = FakeAtlas::start().await.unwrap();
        let client = atlas.client();
        atlas.rule(mock::<ListDatabaseUsers>().fault(Fault::Unavailable).nth(2));
        atlas.rule(
            mock::<ListDatabaseUsers>()
                .fault(Fault::RateLimited {
                    retry_after: Duration::from_secs(1),
                })
                .nth(2),
        );
        client.send(&ListDatabaseUsers::new(GROUP)).await.unwrap();
        let started = std::time::Instant::now();
        client.send(&ListDatabaseUsers::new(GROUP)).await.unwrap();
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "Retry-After honoured"
        );
        let statuses = atlas.requests_for::<ListDatabaseUsers>().len();
        assert_eq!(statuses, 4, "1, then 503, 429 and the answer");

        atlas.rule(mock::<GetDatabaseUser>().fault(Fault::Reset).times(1));
        let reset = client
            .send(&GetDatabaseUser::new(GROUP, "admin", "u0"))
            .await
            .unwrap_err();
        assert_eq!(reset.kind(), ErrorKind::Transport, "{reset}");
        atlas.rule(
            mock::<GetDatabaseUser>()
                .fault(Fault::Slow(Duration::from_millis(300)))
                .times(1),
        );
        let slow = client
            .with_timeout(Duration::from_millis(100))
            .send(&GetDatabaseUser::new(GROUP, "admin", "u0"))
            .await
            .unwrap_err();
        assert_eq!(slow.kind(), ErrorKind::Timeout, "{slow}");
    })
    .await;
}

#[tokio::test]
async fn a_waiter_runs_offline_on_a_schedule_the_test_sets_and_can_fail() {
    within(async {
        let atlas = FakeAtlas::start().await.unwrap();
        atlas.set_reads_in_passing(5);
        let client = atlas.client();
        let wait = Wait::up_to(Duration::from_secs(10)).interval(Duration::from_millis(1));
        let states: Vec<_> = client
            .watch(&CreateCluster::new(GROUP, cluster("c1")), wait)
            .map_ok(|seen| seen.state)
            .try_collect()
            .await
            .unwrap();
        let states: Vec<_> = states.iter().map(|s| s.as_deref()).collect();
        assert_eq!(
            states,
            [Some("CREATING"), Some("IDLE")],
            "one item per change of state"
        );
        assert_eq!(atlas.requests_for::<GetCluster>().len(), 6);

        atlas.set_walks_fail(true);
        let definition = TextSearchIndexDefinition::new(SearchMappings::new().dynamic(true));
        let index = SearchIndexCreateRequest::from(TextSearchIndexCreateRequest::new(
            "movies", "sample", "idx", definition,
        ));
        let failed = client
            .send_and_wait(&CreateClusterSearchIndex::new(GROUP, "c1", index), wait)
            .await
            .unwrap_err();
        assert!(
            matches!(&failed, WaitError::Failed { state, .. } if state == "FAILED"),
            "{failed:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn mocks_answer_by_operation_type_with_values_errors_and_faults() {
    within(async {
        let cluster = cluster("c0").state_name(StateName::Idle);
        let atlas = Mock::new()
            .with(mock::<GetCluster>().fault(Fault::Unavailable).times(1))
            .with(mock::<GetCluster>().returns(cluster.clone()))
            .with(
                mock::<DeleteCluster>()
                    .when(|request| request.path_param("clusterName") == Some("c9"))
                    .fails(404, "CLUSTER_NOT_FOUND", "No cluster named c9."),
            );
        let client = atlas.client();
        let got = client.send(&GetCluster::new(GROUP, "c0")).await.unwrap();
        assert_eq!(got, cluster, "after a 503, retried");
        assert_eq!(atlas.received_for::<GetCluster>().len(), 2);
        let gone = client
            .send(&DeleteCluster::new(GROUP, "c9"))
            .await
            .unwrap_err();
        assert_eq!(
            gone.api_error().unwrap().error_code(),
            Some("CLUSTER_NOT_FOUND")
        );
        let unmocked = client
            .send(&DeleteCluster::new(GROUP, "c0"))
            .await
            .unwrap_err();
        assert_eq!(unmocked.status(), Some(501));
        assert!(
            unmocked.to_string().contains("deleteGroupCluster"),
            "{unmocked}"
        );
    })
    .await;
}

/// What a program does, for recording and replaying: create a user and a cluster, wait
/// for the cluster, list the users, delete one.
async fn program(client: &Client) -> Vec<String> {
    let mut seen = Vec::new();
    let created = client
        .send(&CreateDatabaseUser::new(GROUP, user("app")))
        .await
        .unwrap();
    seen.push(format!("{created:?}"));
    let wait = Wait::up_to(Duration::from_secs(10)).interval(Duration::from_millis(1));
    let cluster = client
        .send_and_wait(&CreateCluster::new(GROUP, cluster("c0")), wait)
        .await
        .unwrap();
    seen.push(format!("{cluster:?}"));
    let users = client.send(&ListDatabaseUsers::new(GROUP)).await.unwrap();
    seen.push(format!("{users:?}"));
    client
        .send(&DeleteDatabaseUser::new(GROUP, "admin", "app"))
        .await
        .unwrap();
    let gone = client
        .send(&GetDatabaseUser::new(GROUP, "admin", "app"))
        .await;
    seen.push(format!("{:?}", gone.unwrap_err().api_error()));
    seen
}

#[tokio::test]
async fn a_cassette_recorded_against_the_fake_replays_to_the_same_results() {
    within(async {
        let atlas = FakeAtlas::start().await.unwrap();
        let recorder = Recorder::in_memory(Network::new());
        let recording = Client::builder()
            .base_url(atlas.base_url())
            .credentials(atlas.digest_credentials())
            .transport(recorder.clone())
            .build()
            .unwrap();
        let live = program(&recording).await;
        let lines = recorder.lines();
        let cassette = lines.join("\n");
        assert!(!cassette.contains("hunter2"), "the password is scrubbed");
        assert!(!cassette.contains("fakenonce"), "no Digest nonce");
        assert!(
            !cassette.to_ascii_lowercase().contains("authorization"),
            "no credentials"
        );
        assert!(
            lines.iter().all(|l| !l.contains("\"status\":401")),
            "no handshake"
        );

        let replay = Replay::from_lines(&lines).unwrap();
        let replayed = program(&replay.client()).await;
        assert_eq!(replayed, live);
        assert_eq!(replay.unused(), 0);

        let replay = Replay::from_lines(&lines).unwrap();
        let client = replay.client();
        let unmatched = client
            .send(&GetDatabaseUser::new(GROUP, "admin", "someone-else"))
            .await
            .unwrap_err();
        assert_eq!(unmatched.kind(), ErrorKind::Transport);
        assert!(
            unmatched.to_string().contains("getGroupDatabaseUser")
                && unmatched.to_string().contains("someone-else"),
            "{unmatched}"
        );
        assert_eq!(replay.unmatched().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn ids_scrubbed_from_a_cassette_replay_in_any_order() {
    within(async {
        let atlas = FakeAtlas::start().await.unwrap();
        let recorder = Recorder::in_memory(Network::new()).scrub_ids();
        let client = Client::builder()
            .base_url(atlas.base_url())
            .credentials(atlas.digest_credentials())
            .transport(recorder.clone())
            .build()
            .unwrap();
        let live = client.send(&ListDatabaseUsers::new(GROUP)).await.unwrap();
        let cassette = recorder.lines().join("\n");
        assert!(!cassette.contains(GROUP), "{cassette}");
        let replay = Replay::from_lines(recorder.lines()).unwrap();
        let replayed = replay
            .client()
            .send(&ListDatabaseUsers::new(GROUP))
            .await
            .unwrap();
        assert_eq!(replayed, live);
    })
    .await;
}

/// Answers every request with one body and the headers that carry secrets.
struct Answering(String);

impl Transport for Answering {
    fn exchange(&self, _request: http::Request<bytes::Bytes>) -> TransportFuture<'_> {
        let body = self.0.clone();
        Box::pin(async move {
            Ok(http::Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .header("set-cookie", "session=SENTINEL-cookie")
                .header("www-authenticate", "Digest nonce=\"SENTINEL-nonce\"")
                .body(bytes::Bytes::from(body))?)
        })
    }
}

/// A body that holds every secret field, each in an object of its own inside a list, with
/// a value naming it: `{"all": [{"password": "SENTINEL-7"}, …]}`.
fn holding_every_secret() -> (serde_json::Value, Vec<(String, bool)>) {
    let mut objects = Vec::new();
    let mut sentinels = Vec::new();
    for (i, field) in secret_fields().iter().enumerate() {
        let sentinel = format!("SENTINEL-{i:04}-{}-{}", field.model, field.json_name);
        objects.push(
            serde_json::json!({ field.json_name: [{"nested": sentinel.clone()}], "kept": i }),
        );
        objects.push(serde_json::json!({ field.json_name: sentinel.clone() }));
        // A name that some model's answers carry is scrubbed from every answer.
        let answered = secret_fields()
            .iter()
            .any(|f| f.json_name == field.json_name && f.in_answers);
        sentinels.push((sentinel, answered));
    }
    (serde_json::json!({ "all": objects }), sentinels)
}

#[tokio::test]
async fn no_secret_field_of_the_spec_survives_recording() {
    within(async {
        let report = include_str!("../../reports/redacted.md");
        let listed = report
            .lines()
            .find_map(|l| l.strip_prefix("| fields in all | "))
            .and_then(|rest| rest.trim_end_matches(" |").parse::<usize>().ok())
            .expect("the report counts the secret fields");
        assert_eq!(
            secret_fields().len(),
            listed,
            "every field of reports/redacted.md"
        );
        let (body, sentinels) = holding_every_secret();
        let recorder = Recorder::in_memory(Answering(body.to_string()));
        let client = Client::builder()
            .credentials(Credentials::bearer("SENTINEL-bearer"))
            .transport(recorder.clone())
            .build()
            .unwrap();
        let query: Vec<String> = secret_parameters()
            .iter()
            .map(|name| format!("{name}=SENTINEL-param"))
            .collect();
        let request = http::Request::post(format!(
            "https://cloud.mongodb.com/api/atlas/v2/groups/{GROUP}/databaseUsers?{}",
            query.join("&")
        ))
        .header("accept", "application/vnd.atlas.2023-01-01+json")
        .header("cookie", "session=SENTINEL-cookie")
        .body(body.to_string().into_bytes())
        .unwrap();
        let answer = client.send_request(request).await.unwrap();
        assert!(
            String::from_utf8_lossy(answer.body()).contains("SENTINEL-0000"),
            "the client gets it all"
        );
        let cassette = recorder.lines().join("\n");
        let (request_side, answer_side) = cassette.split_once("\"response\"").unwrap();
        for (sentinel, in_answers) in &sentinels {
            assert!(
                !request_side.contains(sentinel.as_str()),
                "{sentinel} in a request"
            );
            // A `writeOnly` field is never in an answer; a field of its name there belongs to
            // another model (an `id`), and is kept, unless a model answers a secret of it.
            assert_eq!(
                answer_side.contains(sentinel.as_str()),
                !in_answers,
                "{sentinel} in an answer"
            );
        }
        for header in ["bearer", "cookie", "nonce", "param"] {
            assert!(
                !cassette.contains(&format!("SENTINEL-{header}")),
                "{header}"
            );
        }
        assert!(
            cassette.contains("\"kept\":0"),
            "other fields stay: {cassette:.300}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_readme_first_tasks_run_against_the_fake() {
    within(async {
        let atlas = FakeAtlas::start().await.unwrap();
        let client = atlas.client();
        // 1. Every project, a page at a time.
        for name in ["p1", "p2", "p3"] {
            let project = Group::new(name, "32b6e34b3d91647abb20e7b8");
            client.send(&CreateGroup::new(project)).await.unwrap();
        }
        let mut projects = Vec::new();
        for page in 1.. {
            let list = ListGroups::new().items_per_page(2).page_num(page);
            let results = client
                .send(&list)
                .await
                .unwrap()
                .results
                .unwrap_or_default();
            let last = results.len() < 2;
            projects.extend(results);
            if last {
                break;
            }
        }
        let names: Vec<_> = projects.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["p1", "p2", "p3"]);
        let group_id = projects[0]
            .id
            .clone()
            .expect("a project's id, filled by the fake");

        // 2. An M10 cluster on AWS, at the newest API version and at 2023-02-01.
        let hardware = AwsHardwareSpec20240805::new()
            .instance_size(AwsInstanceSize::M10)
            .node_count(3);
        let region = AwsRegionConfig20240805::new()
            .region_name(RegionName::UsEast1)
            .priority(7)
            .electable_specs(hardware);
        let cluster = cluster("Cluster0")
            .replication_specs([ReplicationSpec20240805::new().region_configs([region.into()])]);
        let wait = Wait::up_to(Duration::from_secs(10)).interval(Duration::from_millis(1));
        let created = client
            .send_and_wait(&CreateCluster::new(&group_id, cluster), wait)
            .await
            .unwrap();
        assert_eq!(created.state_name, Some(StateName::Idle));
        #[allow(deprecated)]
        let older = CreateClusterV20230201::new(
            &group_id,
            AdvancedClusterDescription::new()
                .name("Cluster1")
                .cluster_type(ClusterType::Replicaset),
        );
        let created = client.send_and_wait(&older, wait).await.unwrap();
        assert_eq!(created.name.as_deref(), Some("Cluster1"));

        // 3. A search index and a vector search index.
        let text = TextSearchIndexCreateRequest::new(
            "movies",
            "sample_mflix",
            "default",
            TextSearchIndexDefinition::new(SearchMappings::new().dynamic(serde_json::json!(true))),
        );
        let field = [
            ("type", serde_json::json!("vector")),
            ("path", serde_json::json!("plot_embedding")),
            ("numDimensions", serde_json::json!(1536)),
            ("similarity", serde_json::json!("euclidean")),
        ];
        let vector = VectorSearchIndexCreateRequest::new(
            "movies",
            "sample_mflix",
            "vector_index",
            VectorSearchIndexDefinition::new([field.map(|(k, v)| (k.to_owned(), v)).into()]),
        );
        for index in [SearchIndexCreateRequest::from(text), vector.into()] {
            let made = client
                .send(&CreateClusterSearchIndex::new(&group_id, "Cluster0", index))
                .await
                .unwrap();
            assert!(!matches!(made, SearchIndexResponse::Unknown(_)), "{made:?}");
        }
        let indexes = client
            .send(&ListClusterSearchIndexes::new(&group_id, "Cluster0"))
            .await
            .unwrap();
        assert_eq!(indexes.len(), 2);

        // 4. A database user who can read and write any database.
        let made = client
            .send(&CreateDatabaseUser::new(&group_id, user("app")))
            .await
            .unwrap();
        assert_eq!(made.roles.len(), 1);
    })
    .await;
}
