//! Proof that the fake Atlas (`testing::FakeAtlas`) serves every resource family of the
//! spec through the client, as Atlas would.
//!
//! For each family whose operations the build compiles, against one fake whose
//! long-running resources end at once (`set_reads_in_passing(0)`):
//! - a key never created reads as a `404` with the family's `errorCode`;
//! - with a create: an item made from the spec's example body reads back as the create
//!   answered it, is the one item of the list, reads back as each update answered it,
//!   and once deleted reads as that `404`;
//! - without a create: the list is empty, and updating or deleting the missing key is
//!   that `404` too.
//!
//! Every answer must have the status the step expects and decode client-side
//! (`dynamic::decode_response`) as the operation's success or error type. The requests
//! are the generated spec samples (`tests/generated/spec_requests.rs`) of each
//! operation's default version, with consistent path parameters: the create's for the
//! collection, and those plus the created key for the item. Failures are collected and
//! reported together, with the counts of families and operations exercised.
//!
//! Families that cannot pass for a reason of the spec's own are listed in [`EXCEPTIONS`];
//! each must still fail at the step it names, and nowhere else, so the list cannot go
//! stale.

use std::collections::BTreeSet;
use std::time::Duration;

use atlas_generated::client::Client;
use atlas_generated::dynamic;
use atlas_generated::testing::{FakeAtlas, Family, families};
use serde_json::{Map, Value};

use crate::cases;

/// A family that cannot pass for a reason of the spec's own: its collection, the step
/// that fails (`create createGroupAccessListEntry`), and why.
struct Exception {
    collection: &'static str,
    step: &'static str,
    reason: &'static str,
}

/// The families that cannot pass. Each is exercised all the same: the step must still
/// fail, and nothing else may.
const EXCEPTIONS: &[Exception] = &[
    Exception {
        collection: "/api/atlas/v2/groups/{groupId}/accessList",
        step: "create createGroupAccessListEntry",
        reason: "the spec's example body is an empty list: it adds no entry to read",
    },
    Exception {
        collection: "/api/atlas/v2/groups/{groupId}/teams",
        step: "create addGroupTeams",
        reason: "the spec's example body is an empty list: it adds no team to read",
    },
    Exception {
        collection: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList",
        step: "create createOrgApiKeyAccessListEntry",
        reason: "the spec's example body is an empty list: it adds no entry to read",
    },
    Exception {
        collection: "/api/atlas/v2/groups/{groupId}/pushBasedLogExport",
        step: "get deleted getGroupPushBasedLogExport",
        reason: "its delete ends in the state `UNCONFIGURED` (spec/waiters.yaml), as Atlas \
                 keeps the export's settings, not in a 404",
    },
    Exception {
        collection: "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/snapshots",
        step: "get getGroupClusterBackupSnapshotShardedCluster",
        reason: "a view of the sharded clusters' snapshots: the spec's sample of \
                 `takeSnapshots` makes a replica set's, which the view does not show (404)",
    },
    Exception {
        collection: "/api/atlas/v2/orgs/{orgId}/billing/costExplorer/usage",
        step: "create createOrgBillingCostExplorerUsageProcess",
        reason: "the create answers the token of a usage query, which no spec example gives \
                 the fake, and the GET answers the usage report, not what the create made",
    },
];

/// The fewest families and operations a build of every tag must exercise.
const AT_LEAST_FAMILIES: usize = 80;
const AT_LEAST_OPERATIONS: usize = 300;

/// What a step expects of the answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A 2xx that decodes as the operation's success type.
    Success,
    /// A `404` whose `errorCode` is the family's `not_found_code`.
    NotFound,
}

/// One family's walk: the client, and what went wrong.
struct Walk<'a> {
    client: &'a Client,
    family: &'static Family,
    failures: Vec<String>,
    /// The operations that answered as expected.
    served: BTreeSet<&'static str>,
    /// The path parameters the create was sent with, which name keys its answer may not
    /// hold.
    given: Map<String, Value>,
}

/// The version an operation is called in: its default, else its newest (a preview-only
/// operation has no default).
fn version_of(operation_id: &str) -> &'static str {
    let info = dynamic::find(operation_id).expect("a compiled operation");
    info.default_version
        .or_else(|| info.versions.last().map(|v| v.version))
        .expect("an operation has a version")
}

/// The generated sample arguments of `operation_id` in the version it is called in.
fn sample_args(operation_id: &str) -> Map<String, Value> {
    let version = version_of(operation_id);
    let case = cases::CASES
        .iter()
        .find(|c| c.operation_id == operation_id && c.version == version)
        .unwrap_or_else(|| panic!("a spec case for {operation_id} {version}"));
    match serde_json::from_str(case.args) {
        Ok(Value::Object(args)) => args,
        _ => panic!("the arguments of {operation_id} are a JSON object"),
    }
}

/// The path parameters of an operation's sample.
fn sample_path(operation_id: &str) -> Map<String, Value> {
    match sample_args(operation_id).remove("path") {
        Some(Value::Object(path)) => path,
        _ => Map::new(),
    }
}

/// Whether the build compiles every operation of `family`.
fn compiled(family: &Family) -> bool {
    operations(family)
        .iter()
        .all(|id| dynamic::find(id).is_some_and(|info| info.operation_id == *id))
}

/// The operation that makes an item: the create; for a singleton without one, its first
/// update (a singleton is there from its parent's start: its first change makes it).
fn maker(family: &Family) -> Option<&'static str> {
    family.create.or_else(|| {
        family
            .keys
            .is_empty()
            .then(|| family.update.first().copied())
            .flatten()
    })
}

/// Every operation of `family`.
fn operations(family: &Family) -> Vec<&'static str> {
    let mut all = vec![family.get];
    all.extend(family.create);
    all.extend(family.list);
    all.extend(family.update);
    all.extend(family.delete);
    all
}

/// The first 300 characters of a body.
fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(300).collect()
}

/// The values of an item's keys, by path parameter: each key's field; for a key that
/// names none, the field named as the parameter, else `id` or `_id`, else the value the
/// create's path gave (`given`). A singleton has none.
fn keys_of(
    family: &Family,
    item: &Value,
    given: &Map<String, Value>,
) -> Option<Map<String, Value>> {
    let field = |name: &str| item.get(name).filter(|v| v.is_string()).cloned();
    family
        .keys
        .iter()
        .map(|(param, named)| {
            let value = match named {
                Some(name) => field(name),
                None => field(param)
                    .or_else(|| field("id"))
                    .or_else(|| field("_id")),
            }
            // A key the create's path names (`POST …/integrations/{integrationType}`).
            .or_else(|| given.get(*param).cloned())?;
            Some(((*param).to_owned(), value))
        })
        .collect()
}

/// An item's keys as one text, for comparing: `admin/u1`.
fn key_of(family: &Family, item: &Value, given: &Map<String, Value>) -> Option<String> {
    let keys = keys_of(family, item, given)?;
    let texts: Vec<&str> = keys.values().filter_map(Value::as_str).collect();
    Some(texts.join("/"))
}

/// The items of a list's answer: a page's `results`, or a bare array.
fn items_of(answer: &Value) -> Option<&Vec<Value>> {
    answer.get("results").unwrap_or(answer).as_array()
}

/// The item a create answers, and its key: the answer, or the last item of the page of
/// the collection it answers (an access list's create takes a list).
fn created_item(
    family: &Family,
    answer: &Value,
    given: &Map<String, Value>,
) -> Option<(String, Value)> {
    let item = match items_of(answer) {
        Some(items) => items.last()?,
        None => answer,
    };
    Some((key_of(family, item, given)?, item.clone()))
}

/// Sending one request and checking its answer.
impl Walk<'_> {
    fn fail(&mut self, step: &str, operation_id: &str, what: String) {
        let collection = self.family.collection;
        self.failures.push(format!(
            "family {collection}: {step} {operation_id}: {what}"
        ));
    }

    /// Calls `operation_id` with its sample arguments, the path parameters `path` instead
    /// of the sample's, and checks the answer; returns the body of a success.
    async fn call(
        &mut self,
        step: &str,
        operation_id: &'static str,
        path: Option<&Map<String, Value>>,
        expect: Expect,
    ) -> Option<Value> {
        let version = version_of(operation_id);
        let mut args = sample_args(operation_id);
        if let Some(path) = path {
            // Only the parameters the operation's path has (a create by name has others).
            let template = dynamic::find(operation_id).map_or("", |op| op.path);
            let own: Map<String, Value> = path
                .iter()
                .filter(|(name, _)| template.contains(&format!("{{{name}}}")))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect();
            args.insert("path".to_owned(), Value::Object(own));
        }
        let request =
            match dynamic::build_request(operation_id, Some(version), &Value::Object(args)) {
                Ok(request) => request,
                Err(e) => {
                    self.fail(step, operation_id, format!("building: {e}"));
                    return None;
                }
            };
        let response = match self.client.send_request(request).await {
            Ok(response) => response,
            Err(e) => {
                self.fail(step, operation_id, format!("sending: {e}"));
                return None;
            }
        };
        let (status, body) = (response.status().as_u16(), response.into_body());
        let checked = match expect {
            Expect::Success => self.check_success(operation_id, version, status, &body),
            Expect::NotFound => self.check_not_found(operation_id, status, &body),
        };
        match checked {
            Ok(value) => {
                self.served.insert(operation_id);
                Some(value)
            }
            Err(why) => {
                self.fail(
                    step,
                    operation_id,
                    format!("{status} {why} {}", excerpt(&body)),
                );
                None
            }
        }
    }

    /// A 2xx that decodes as the success type; its body as JSON (`null` when empty).
    fn check_success(
        &self,
        operation_id: &str,
        version: &str,
        status: u16,
        body: &[u8],
    ) -> Result<Value, String> {
        if !(200..300).contains(&status) {
            return Err("(not a success)".to_owned());
        }
        dynamic::decode_response(operation_id, Some(version), status, body)
            .map_err(|e| format!("(does not decode: {e})"))?;
        Ok(serde_json::from_slice(body).unwrap_or(Value::Null))
    }

    /// A `404` with the family's `errorCode`, decoding as the error type.
    fn check_not_found(
        &self,
        operation_id: &str,
        status: u16,
        body: &[u8],
    ) -> Result<Value, String> {
        let expected = self.family.not_found_code;
        if status != 404 {
            return Err(format!("(not a 404 {expected})"));
        }
        let error = dynamic::decode_response(operation_id, None, status, body)
            .map_err(|e| format!("(does not decode: {e})"))?;
        match error.get("errorCode").and_then(Value::as_str) {
            Some(code) if code == expected => Ok(error),
            code => Err(format!("(errorCode {code:?}, not {expected})")),
        }
    }
}

/// The steps of a family's walk.
impl Walk<'_> {
    /// Exercises every operation of the family.
    async fn run(&mut self) {
        let family = self.family;
        let mut never_created = sample_path(family.get);
        let collection = match maker(family) {
            Some(create) => sample_path(create),
            None => {
                let mut collection = never_created.clone();
                for (param, _) in family.keys {
                    collection.remove(*param);
                }
                collection
            }
        };
        never_created.extend(collection.clone());
        self.missing(&never_created).await;
        match maker(family) {
            Some(create) => self.life(create, &collection).await,
            None => {
                if let Some(list) = family.list {
                    self.list(list, &collection, None).await;
                }
            }
        }
    }

    /// Reading, changing and deleting an item never created: `404`s.
    async fn missing(&mut self, item: &Map<String, Value>) {
        let family = self.family;
        self.call("get missing", family.get, Some(item), Expect::NotFound)
            .await;
        if maker(family).is_none() {
            for update in family.update {
                self.call("update missing", update, Some(item), Expect::NotFound)
                    .await;
            }
            if let Some(delete) = family.delete {
                self.call("delete missing", delete, Some(item), Expect::NotFound)
                    .await;
            }
        }
    }

    /// An item's life: created, read, listed, updated, deleted, gone. Each read answers
    /// the item as the create or the last update answered it.
    async fn life(&mut self, create: &'static str, collection: &Map<String, Value>) {
        let family = self.family;
        let Some(created) = self.call("create", create, None, Expect::Success).await else {
            return;
        };
        let Some((key, mut expected)) = created_item(family, &created, collection) else {
            let what = format!(
                "no key in the answer {}",
                excerpt(created.to_string().as_bytes())
            );
            return self.fail("create", create, what);
        };
        let mut item = collection.clone();
        item.extend(keys_of(family, &expected, collection).unwrap_or_default());
        self.given = collection.clone();
        self.read("get", &item, &expected).await;
        if let Some(list) = family.list {
            self.list(list, collection, Some(&key)).await;
        }
        for update in family.update {
            let changed = self
                .call("update", update, Some(&item), Expect::Success)
                .await;
            if let Some(changed) =
                changed.filter(|c| key_of(family, c, &self.given).as_deref() == Some(&key))
            {
                expected = changed;
                self.read("get updated", &item, &expected).await;
            }
        }
        if let Some(delete) = family.delete {
            self.call("delete", delete, Some(&item), Expect::Success)
                .await;
            self.call("get deleted", family.get, Some(&item), Expect::NotFound)
                .await;
        }
    }

    /// The item reads as `expected`.
    async fn read(&mut self, step: &str, item: &Map<String, Value>, expected: &Value) {
        let get = self.family.get;
        let Some(read) = self.call(step, get, Some(item), Expect::Success).await else {
            return;
        };
        if read != *expected {
            let what = format!(
                "{} rather than {}",
                excerpt(read.to_string().as_bytes()),
                expected
            );
            self.fail(step, get, what);
        }
    }

    /// The list has the item `key` (`None`: it is empty).
    async fn list(
        &mut self,
        list: &'static str,
        collection: &Map<String, Value>,
        key: Option<&str>,
    ) {
        let Some(page) = self
            .call("list", list, Some(collection), Expect::Success)
            .await
        else {
            return;
        };
        let found = items_of(&page).map(|items| {
            items
                .iter()
                .filter_map(|item| key_of(self.family, item, &self.given))
                .collect::<Vec<_>>()
        });
        let total = page.get("totalCount").and_then(Value::as_u64);
        let holds = match (key, &found) {
            (Some(key), Some(keys)) => keys == &[key] && total.is_none_or(|n| n == 1),
            (None, Some(keys)) => keys.is_empty() && total.is_none_or(|n| n == 0),
            (_, None) => false,
        };
        if !holds {
            let what = format!("keys {found:?} and totalCount {total:?}, not {key:?}");
            self.fail("list", list, what);
        }
    }
}

/// Exercises `family` on the fake `client` talks to.
async fn exercise<'a>(client: &'a Client, family: &'static Family) -> Walk<'a> {
    let mut walk = Walk {
        client,
        family,
        failures: Vec::new(),
        served: BTreeSet::new(),
        given: Map::new(),
    };
    walk.run().await;
    walk
}

#[tokio::test]
async fn every_family_is_served() {
    tokio::time::timeout(Duration::from_secs(120), every_family())
        .await
        .expect("every family was exercised within 120 s");
}

async fn every_family() {
    let mut failures = Vec::new();
    let (mut exercised, mut served, mut expected) = (0, BTreeSet::new(), BTreeSet::new());
    for family in families().iter().filter(|f| compiled(f)) {
        // A fake of its own: families that share a collection (a view, a name) would
        // otherwise meet each other's items.
        let fake = FakeAtlas::start().await.expect("a fake Atlas on 127.0.0.1");
        fake.set_reads_in_passing(0);
        let client = fake.client();
        let walk = exercise(&client, family).await;
        exercised += 1;
        served.extend(walk.served);
        // The exception of this family: its collection, and the operation of its step.
        let excused = EXCEPTIONS.iter().find(|e| {
            e.collection == family.collection
                && operations(family)
                    .iter()
                    .any(|op| e.step.ends_with(&format!(" {op}")))
        });
        match excused {
            Some(exception) => failures.extend(unexcused(exception, walk.failures)),
            None => {
                failures.extend(walk.failures);
                expected.extend(operations(family));
            }
        }
    }
    for exception in EXCEPTIONS {
        if !families()
            .iter()
            .any(|f| f.collection == exception.collection)
        {
            failures.push(format!(
                "family {}: in EXCEPTIONS, but no family",
                exception.collection
            ));
        }
    }
    let unserved: Vec<_> = expected.difference(&served).collect();
    println!(
        "families: {exercised} exercised of {}, {} of them excused; operations: {} served",
        families().len(),
        EXCEPTIONS.len(),
        served.len()
    );
    for exception in EXCEPTIONS {
        println!("excused: {}: {}", exception.collection, exception.reason);
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(unserved.is_empty(), "operations never served: {unserved:?}");
    assert!(
        exercised >= AT_LEAST_FAMILIES,
        "only {exercised} families exercised"
    );
    assert!(
        served.len() >= AT_LEAST_OPERATIONS,
        "only {} operations served",
        served.len()
    );
}

/// The failures of an excused family that its exception does not excuse, and a failure
/// when the excused step no longer fails.
fn unexcused(exception: &Exception, failures: Vec<String>) -> Vec<String> {
    let excused = format!("family {}: {}:", exception.collection, exception.step);
    let (expected, other): (Vec<_>, Vec<_>) =
        failures.into_iter().partition(|f| f.starts_with(&excused));
    let mut out = other;
    if expected.is_empty() {
        out.push(format!(
            "{excused} in EXCEPTIONS, but it passes: remove the exception"
        ));
    }
    out
}
