//! Responses that lack fields the spec requires decode, through each operation's
//! `decode_response`, with zero values in their place: remembered, listed, logged, and
//! left out again when encoding. Requests stay strict.

// Only its registry lookup is used, by the `dynamic` test.
#[cfg(feature = "dynamic")]
#[allow(dead_code)]
mod common;

use std::io;
use std::sync::{Arc, Mutex, OnceLock};

use atlas_generated::models::{
    CloudDatabaseUser, DatabaseUserRole, DatabaseUserRoleRoleName, SearchIndexResponse,
    SearchMappings,
};
use atlas_generated::operations::{GetClusterSearchIndex, GetDatabaseUser, UpdateDatabaseUser};
use atlas_generated::runtime::{Endpoint, Filled, Json, ResponseError};
use http::HeaderMap;
use serde_json::{Value, json};

const GROUP: &str = "5f1e2d3c4b5a69788796a5b4";

fn user_body() -> Value {
    json!({
        "databaseName": "admin",
        "groupId": GROUP,
        "username": "app",
        "roles": [{"databaseName": "admin", "roleName": "readWriteAnyDatabase"}],
    })
}

fn without(mut value: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer with a parent");
    value
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("the parent is an object")
        .remove(key)
        .expect("the member exists");
    value
}

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("JSON encodes")
}

fn decode_user(body: &Value) -> (CloudDatabaseUser, Vec<String>) {
    let corrected =
        GetDatabaseUser::decode_response_corrected(200, &HeaderMap::new(), &bytes(body))
            .expect("the response decodes");
    let paths = corrected.corrections.into_iter().map(|c| c.path).collect();
    (corrected.value, paths)
}

#[test]
fn a_missing_scalar_is_its_zero_value() {
    let body = without(user_body(), "/username");
    let (user, corrections) = decode_user(&body);
    assert_eq!(user.username, "");
    assert_eq!(user.database_name.as_str(), "admin");
    assert!(user.filled.contains("username"));
    assert_eq!(user.filled.names().collect::<Vec<_>>(), ["username"]);
    assert_eq!(corrections, ["$.username"]);
    assert_eq!(
        user.to_json(),
        body,
        "encoding gives back what was received"
    );
}

#[test]
fn a_missing_list_is_empty_and_a_whole_response_decodes_the_same() {
    let (user, corrections) = decode_user(&without(user_body(), "/roles"));
    assert!(user.roles.is_empty());
    assert_eq!(corrections, ["$.roles"]);

    let (whole, corrections) = decode_user(&user_body());
    assert!(corrections.is_empty());
    assert_eq!(whole.filled, Filled::default());
    assert_eq!(whole.roles[0], {
        DatabaseUserRole::new("admin", DatabaseUserRoleRoleName::ReadWriteAnyDatabase)
    });
}

#[test]
fn missing_fields_inside_an_array_are_located_by_index() {
    let mut body = user_body();
    body["roles"]
        .as_array_mut()
        .unwrap()
        .push(json!({"databaseName": "sales"}));
    let body = without(body, "/roles/0/databaseName");
    let (user, corrections) = decode_user(&body);
    assert_eq!(
        corrections,
        ["$.roles[0].databaseName", "$.roles[1].roleName"]
    );
    assert_eq!(user.roles[0].database_name, "");
    assert!(user.roles[0].filled.contains("databaseName"));
    // An open enum's zero is its catch-all with no text, which no listed value equals.
    assert_eq!(user.roles[1].role_name.as_str(), "");
    assert!(!atlas_generated::runtime::OpenEnum::is_known(
        &user.roles[1].role_name
    ));
    assert_eq!(user.to_json(), body);
}

#[test]
fn a_missing_nested_struct_inside_a_union_variant_is_a_struct_of_zero_values() {
    // The official docs' example of a search index status lacks the required `mappings`.
    let body = json!({
        "collectionName": "movies",
        "database": "sample_mflix",
        "indexID": "6b2f0c1a9e1d4b0012345679",
        "name": "default",
        "status": "READY",
        "type": "search",
        "latestDefinition": {"analyzer": "lucene.standard"},
    });
    let corrected =
        GetClusterSearchIndex::decode_response_corrected(200, &HeaderMap::new(), &bytes(&body))
            .expect("the response decodes");
    let SearchIndexResponse::Search(index) = &corrected.value else {
        panic!("a text search index, got {:?}", corrected.value);
    };
    let definition = index.latest_definition.as_ref().expect("a definition");
    assert_eq!(definition.mappings, SearchMappings::new());
    assert!(definition.filled.contains("mappings"));
    assert_eq!(corrected.corrections.len(), 1);
    assert_eq!(corrected.corrections[0].path, "$.latestDefinition.mappings");
    assert_eq!(corrected.value.to_json(), body);
}

#[test]
fn strict_decoding_reports_the_missing_field() {
    let body = bytes(&without(user_body(), "/roles/0/roleName"));
    let error = GetDatabaseUser::decode_response_strict(200, &HeaderMap::new(), &body)
        .expect_err("strict decoding holds the server to the spec");
    let ResponseError::Undecodable { error, .. } = error else {
        panic!("expected an undecodable body, got {error:?}");
    };
    assert_eq!(
        error.to_string(),
        "at `$.roles[0]`: missing required field `roleName`"
    );
    // Serde and `from_json` are strict too: only responses are corrected.
    let value: Value = serde_json::from_slice(&body).unwrap();
    assert!(serde_json::from_value::<CloudDatabaseUser>(value).is_err());
}

#[test]
fn sending_a_corrected_value_back_invents_no_field() {
    let received = without(user_body(), "/roles/0/databaseName");
    let (user, _) = decode_user(&received);
    let request = UpdateDatabaseUser::new(GROUP, "admin", "app", user)
        .to_request()
        .expect("the request builds");
    let sent: Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(sent, received);
    assert!(sent["roles"][0].get("databaseName").is_none());
}

/// A `tracing` writer that keeps what it is given.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Everything logged in this test process, each line with its thread id. A global
/// subscriber rather than `with_default`: a thread-local one races with other tests
/// registering the same callsite first, which then stays disabled for it (1 run in 60
/// under `cargo test` missed the warning).
fn captured_log() -> &'static Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_thread_ids(true)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other test of this file installs a subscriber");
        captured
    })
}

#[test]
fn a_warning_names_the_filled_fields() {
    let captured = captured_log();
    let body = bytes(&without(user_body(), "/username"));
    GetDatabaseUser::decode_response(200, &HeaderMap::new(), &body).unwrap();
    GetDatabaseUser::decode_response(200, &HeaderMap::new(), &bytes(&user_body())).unwrap();
    // Other tests decode on other threads: only this thread's lines count.
    // As `tracing_subscriber::fmt` writes it, followed by a space.
    let thread = format!("{:0>2?} ", std::thread::current().id());
    let all = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let log: String = all
        .lines()
        .filter(|line| line.contains(&thread))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(
        log.lines().count(),
        1,
        "one warning, for the lacking body: {log}"
    );
    assert!(log.contains("WARN"), "{log}");
    assert!(log.contains("atlas_generated"), "{log}");
    assert!(log.contains(r#"missing=["$.username"]"#), "{log}");
    assert!(log.contains("status=200"), "{log}");
}

#[cfg(feature = "dynamic")]
#[test]
fn dynamic_requests_stay_strict_and_dynamic_responses_are_corrected() {
    use atlas_generated::dynamic;
    // By method and path: the operation ids differ between spec versions.
    const USER: &str = "/api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}";
    let update = common::registry::operation_id("PATCH", USER);
    let get = common::registry::operation_id("GET", USER);
    let body = bytes(&without(user_body(), "/username"));
    let error = dynamic::decode_request(update, "2023-01-01", &body)
        .expect_err("a request body lacking a required field is refused");
    assert!(
        error
            .to_string()
            .contains("missing required field `username`"),
        "{error}"
    );
    let value = dynamic::decode_response(get, Some("2023-01-01"), 200, &body)
        .expect("the response decodes");
    assert_eq!(value, serde_json::from_slice::<Value>(&body).unwrap());
}
