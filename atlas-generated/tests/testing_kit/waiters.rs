//! Every long-running (operation, API version) pair of `spec/waiters.yaml`, sent with
//! `Client::send_and_wait` to the `testing` feature's fake Atlas, which walks the resource
//! through its passing state (`CREATING`, `UPDATING`, `DELETING`) to the end the wait
//! looks for. Each request is built from the spec's own sample (`tests/generated/
//! spec_requests.rs`) through its typed request type; a resource that must exist first is
//! created by its family's `POST`, from that operation's sample.

#[rustfmt::skip]
#[path = "../generated/fake_waiters.rs"]
mod runs;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use atlas_generated::client::{Client, Wait};
use atlas_generated::dynamic::{self, DynamicEndpoint};
use atlas_generated::runtime::{Endpoint, Waitable};
use atlas_generated::testing::{FakeAtlas, families};
use serde_json::{Map, Value};

use crate::cases;

/// How many times a wait polled, or why it did not end.
type Walked<'a> = Pin<Box<dyn Future<Output = Result<usize, String>> + 'a>>;

/// One long-running request type.
pub struct Run {
    operation_id: &'static str,
    version: &'static str,
    run: for<'a> fn(&'a Fixture) -> Walked<'a>,
}

/// The fake and its client.
pub struct Fixture {
    atlas: FakeAtlas,
    client: Client,
}

/// The sample arguments of an (operation, version) pair.
fn sample(operation_id: &str, version: &str) -> Result<Value, String> {
    let case = cases::CASES
        .iter()
        .find(|c| c.operation_id == operation_id && c.version == version)
        .ok_or_else(|| format!("no sample for {operation_id} {version}"))?;
    serde_json::from_str(case.args).map_err(|e| e.to_string())
}

/// Creates the item `poll` reads, from its family's create sample, and returns the path
/// parameters that address it.
async fn create_polled(fixture: &Fixture, poll: &str) -> Result<Map<String, Value>, String> {
    let family = families()
        .iter()
        .find(|f| f.get == poll)
        .ok_or_else(|| format!("{poll} reads no family"))?;
    let create = family
        .create
        .ok_or_else(|| format!("the family of {poll} has no create"))?;
    let info = dynamic::find(create).ok_or("not compiled")?;
    let version = info.version(None).ok_or("no default version")?.version;
    let args = sample(create, version)?;
    let request =
        dynamic::build_request(create, Some(version), &args).map_err(|e| e.to_string())?;
    let answer = fixture
        .client
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let body: Value = serde_json::from_slice(answer.body()).map_err(|e| e.to_string())?;
    if !answer.status().is_success() {
        return Err(format!(
            "creating with {create}: {} {body}",
            answer.status()
        ));
    }
    let mut params = args["path"].as_object().cloned().unwrap_or_default();
    for (param, field) in family.keys {
        let key = field
            .and_then(|field| body.get(field))
            .or_else(|| body.get(*param))
            .ok_or_else(|| format!("{create}'s answer has no key {param}: {body}"))?;
        params.insert((*param).to_owned(), key.clone());
    }
    Ok(params)
}

/// The key fields of the item `poll` reads, with their values in `params`.
fn key_fields(poll: &str, params: &Map<String, Value>) -> Vec<(&'static str, Value)> {
    let family = families().iter().find(|f| f.get == poll);
    let keys = family.map_or(&[][..], |f| f.keys);
    keys.iter()
        .filter_map(|(param, field)| Some(((*field)?, params.get(*param)?.clone())))
        .collect()
}

/// Sends `W` built from its sample (after creating the resource it changes, unless it
/// creates it) and waits; returns how many times the poll was read.
fn run<W>(fixture: &Fixture) -> Walked<'_>
where
    W: Waitable + DynamicEndpoint + Clone + Send + Sync + 'static,
    W::Success: Send,
    W::Error: atlas_generated::client::ErrorBody + Send,
    W::Output: Send,
    <W::Poll as Endpoint>::Success: Send + Clone + std::fmt::Debug,
    <W::Poll as Endpoint>::Error: atlas_generated::client::ErrorBody,
    W::Poll: Send + Sync,
{
    Box::pin(async move {
        let poll = <W::Poll as Endpoint>::OPERATION_ID;
        let mut args = sample(W::OPERATION_ID, W::VERSION)?;
        let creates = W::METHOD == http::Method::POST
            && families().iter().any(|f| f.create == Some(W::OPERATION_ID));
        if !creates {
            let params = create_polled(fixture, poll).await?;
            let path = args["path"].as_object_mut().ok_or("no path arguments")?;
            for (name, value) in path.iter_mut() {
                if let Some(given) = params.get(name) {
                    *value = given.clone();
                }
            }
            // An action that names its resource in its body (a tenant upgrade's `name`).
            if let Some(body) = args["body"].as_object_mut() {
                for (field, key) in key_fields(poll, &params) {
                    if body.contains_key(field) {
                        body.insert(field.to_owned(), key);
                    }
                }
            }
        }
        let operation: W = dynamic::typed_request(&args).map_err(|e| e.to_string())?;
        let before = polls(fixture, poll);
        let wait = Wait::up_to(Duration::from_secs(10))
            .interval(Duration::from_millis(1))
            .max_interval(Duration::from_millis(5))
            .settle(Duration::from_millis(50));
        fixture
            .client
            .send_and_wait(&operation, wait)
            .await
            .map_err(|e| format!("{e}"))?;
        Ok(polls(fixture, poll) - before)
    })
}

fn polls(fixture: &Fixture, poll: &str) -> usize {
    fixture
        .atlas
        .requests()
        .iter()
        .filter(|r| r.operation_id() == Some(poll))
        .count()
}

/// The waiters whose resource the spec addresses by a path no family covers, so that the
/// fake cannot keep it: each must still fail, or it leaves the list.
const UNKEPT: &[(&str, &str)] = &[
    (
        "createGroupPrivateEndpointEndpointService",
        "created at `…/privateEndpoint/endpointService`, read at \
         `…/privateEndpoint/{cloudProvider}/endpointService/{endpointServiceId}`",
    ),
    (
        "deleteGroupPrivateEndpointEndpointService",
        "its resource is created where the fake does not keep it (above)",
    ),
    (
        "createGroupPrivateEndpointEndpointServiceEndpoint",
        "the endpoint's key is a different field in each cloud's branch of the answer \
         (`interfaceEndpointId`, `privateEndpointResourceId`, `endpointGroupName`)",
    ),
    (
        "deleteGroupPrivateEndpointEndpointServiceEndpoint",
        "its resource has no key the fake can read (above)",
    ),
];

#[tokio::test]
async fn every_waiter_ends_against_the_fake_atlas() {
    let outcome = tokio::time::timeout(Duration::from_secs(120), async {
        let mut failures = Vec::new();
        let mut walked = 0;
        for entry in runs::RUNS {
            let atlas = FakeAtlas::start().await.unwrap();
            let client = atlas.client();
            let fixture = Fixture { atlas, client };
            let unkept = UNKEPT.iter().any(|(id, _)| *id == entry.operation_id);
            match ((entry.run)(&fixture).await, unkept) {
                (Ok(polls), false) => {
                    walked += 1;
                    assert!(polls >= 1, "{} polled", entry.operation_id);
                }
                (Err(_), true) => {}
                (Ok(_), true) => failures.push(format!(
                    "{} {}: ends now; take it off UNKEPT",
                    entry.operation_id, entry.version
                )),
                (Err(why), false) => {
                    failures.push(format!("{} {}: {why}", entry.operation_id, entry.version))
                }
            }
        }
        (walked, failures)
    })
    .await
    .expect("every waiter ended within 120 s");
    let (walked, failures) = outcome;
    assert_eq!(walked + UNKEPT.len(), runs::RUNS.len(), "{failures:?}");
    assert!(
        failures.is_empty(),
        "{walked} of {} waiters ended; these did not:\n{}",
        runs::RUNS.len(),
        failures.join("\n")
    );
}
