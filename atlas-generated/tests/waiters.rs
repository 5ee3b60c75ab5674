//! `Client::send_and_wait` and `Client::watch` against a fake Atlas on 127.0.0.1 that
//! walks a resource through its states, with what real polling meets on the way: a `503`
//! HTML page, a connection closed before the answer, a body cut short, a `429`.

#[path = "common/raw_http.rs"]
mod raw_http;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_generated::client::{Client, ErrorKind, RetryPolicy, Wait, WaitError};
use atlas_generated::models::{
    BaseNetworkPeeringConnectionSettings, ClusterDescription20240805, SearchIndexCreateRequest,
    SearchIndexResponse, SearchMappings, TextSearchIndexCreateRequest, TextSearchIndexDefinition,
};
use atlas_generated::operations::{
    CreateCluster, CreateClusterSearchIndex, CreateGroupPeer, DeleteCluster, StartStreamProcessor,
    UpdateCluster,
};
use futures_util::TryStreamExt;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

use raw_http::read_request;

const GROUP: &str = "5f1e2d3c4b5a69788796a5b4";

/// Runs `test`, failing it if it takes longer than 30 s.
async fn within<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), test)
        .await
        .expect("the test finished in time")
}

/// What the fake does with one request.
#[derive(Clone)]
enum Step {
    /// A whole answer with this status and JSON body.
    Json(u16, &'static str),
    /// A proxy's `503` HTML page.
    ProxyPage,
    /// The connection closes before any answer.
    Reset,
    /// A `200` whose body ends before its `Content-Length`.
    CutShort,
}

/// A fake Atlas: the operation's answer, then a script of answers to the polls (the last
/// repeats); it records each request's method and path.
struct Fake {
    answer: Step,
    polls: Mutex<VecDeque<Step>>,
    seen: Mutex<Vec<String>>,
}

impl Fake {
    async fn start(answer: Step, polls: Vec<Step>) -> (Arc<Fake>, String) {
        let fake = Arc::new(Fake {
            answer,
            polls: Mutex::new(polls.into()),
            seen: Mutex::new(Vec::new()),
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let serving = fake.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serving.clone().serve(stream));
            }
        });
        (fake, base)
    }

    async fn serve(self: Arc<Self>, mut stream: TcpStream) {
        let Some(line) = read_request(&mut stream)
            .await
            .and_then(|head| head.lines().next().map(str::to_owned))
        else {
            return;
        };
        self.seen.lock().unwrap().push(line.clone());
        let step = if line.starts_with("GET ") {
            let mut polls = self.polls.lock().unwrap();
            if polls.len() > 1 {
                polls.pop_front().unwrap()
            } else {
                polls.front().cloned().expect("a script")
            }
        } else {
            self.answer.clone()
        };
        let text = match step {
            Step::Json(status, body) => response(status, "application/json", body, body.len()),
            Step::ProxyPage => {
                let page = "<html><body><h1>503 Service Unavailable</h1></body></html>";
                response(503, "text/html", page, page.len())
            }
            Step::Reset => return,
            Step::CutShort => response(200, "application/json", r#"{"name":"Clu"#, 400),
        };
        let _ = stream.write_all(text.as_bytes()).await;
        let _ = stream.shutdown().await;
    }

    fn polls(&self) -> usize {
        let seen = self.seen.lock().unwrap();
        seen.iter().filter(|line| line.starts_with("GET ")).count()
    }
}

/// An answer whose head says `length` bytes of body, and whose connection closes after it.
fn response(status: u16, content_type: &str, body: &str, length: usize) -> String {
    format!(
        "HTTP/1.1 {status} X\r\nconnection: close\r\ncontent-type: {content_type}\r\ncontent-length: {length}\r\n\r\n{body}"
    )
}

/// A client without retries of its own, so that every failure reaches the wait; every
/// test logs (see [`log_to_threads`]).
fn client(base: &str) -> Client {
    log_to_threads();
    Client::builder()
        .base_url(base)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// A quick wait: polls every 5 to 20 ms, at most 10 s.
fn quick() -> Wait {
    Wait::up_to(Duration::from_secs(10))
        .interval(Duration::from_millis(5))
        .max_interval(Duration::from_millis(20))
}

fn create() -> CreateCluster {
    CreateCluster::new(GROUP, ClusterDescription20240805::new().name("Cluster0"))
}

const CREATING: Step = Step::Json(200, r#"{"name":"Cluster0","stateName":"CREATING"}"#);
const UPDATING: Step = Step::Json(200, r#"{"name":"Cluster0","stateName":"UPDATING"}"#);
const IDLE: Step = Step::Json(200, r#"{"name":"Cluster0","stateName":"IDLE"}"#);
const NOT_FOUND: Step = Step::Json(
    404,
    r#"{"error":404,"errorCode":"CLUSTER_NOT_FOUND","detail":"No cluster named Cluster0."}"#,
);

#[tokio::test]
async fn a_create_is_polled_through_failures_until_idle() {
    within(async {
        let polls = vec![
            CREATING,
            Step::ProxyPage,
            Step::Reset,
            Step::CutShort,
            Step::Json(429, r#"{"error":429,"errorCode":"RATE_LIMITED"}"#),
            UPDATING,
            IDLE,
        ];
        let (fake, base) = Fake::start(CREATING, polls).await;
        let cluster = client(&base)
            .send_and_wait(&create(), quick())
            .await
            .expect("the cluster is created");
        assert_eq!(cluster.name.as_deref(), Some("Cluster0"));
        assert_eq!(
            cluster.state_name.as_ref().map(|s| s.as_str()),
            Some("IDLE")
        );
        assert_eq!(fake.polls(), 7, "every failure was polled through");
        let seen = fake.seen.lock().unwrap().clone();
        assert_eq!(
            seen[0],
            format!("POST /api/atlas/v2/groups/{GROUP}/clusters HTTP/1.1")
        );
        assert_eq!(
            seen[1],
            format!("GET /api/atlas/v2/groups/{GROUP}/clusters/Cluster0 HTTP/1.1"),
            "the poll's cluster name comes from the answer"
        );
    })
    .await;
}

#[tokio::test]
async fn watch_yields_each_state_once_and_ends_with_the_target() {
    within(async {
        let polls = vec![CREATING, CREATING, Step::Reset, UPDATING, UPDATING, IDLE];
        let (_fake, base) = Fake::start(CREATING, polls).await;
        let seen: Vec<_> = client(&base)
            .watch(&create(), quick())
            .try_collect()
            .await
            .expect("the wait ends");
        let states: Vec<(Option<&str>, bool)> =
            seen.iter().map(|o| (o.state.as_deref(), o.done)).collect();
        assert_eq!(
            states,
            [
                (Some("CREATING"), false),
                (Some("UPDATING"), false),
                (Some("IDLE"), true)
            ]
        );
        assert!(seen.windows(2).all(|w| w[0].elapsed <= w[1].elapsed));
    })
    .await;
}

#[tokio::test]
async fn a_delete_ends_when_the_cluster_is_gone() {
    within(async {
        let deleting = Step::Json(200, r#"{"name":"Cluster0","stateName":"DELETING"}"#);
        let polls = vec![deleting.clone(), Step::ProxyPage, deleting, NOT_FOUND];
        let (fake, base) = Fake::start(Step::Json(202, "{}"), polls).await;
        let delete = DeleteCluster::new(GROUP, "Cluster0");
        client(&base)
            .send_and_wait(&delete, quick())
            .await
            .expect("the cluster is gone");
        assert_eq!(fake.polls(), 4);
    })
    .await;
}

/// The Terraform provider's race (#3315): polls that come before Atlas starts the change
/// see the old `IDLE`; the wait goes on until it saw `UPDATING`.
#[tokio::test]
async fn an_update_waits_for_its_change_to_begin() {
    within(async {
        let polls = vec![IDLE, IDLE, IDLE, UPDATING, UPDATING, IDLE];
        let (fake, base) = Fake::start(IDLE, polls).await;
        let update = UpdateCluster::new(GROUP, "Cluster0", ClusterDescription20240805::new());
        let wait = quick().settle(Duration::from_secs(60));
        let cluster = client(&base).send_and_wait(&update, wait).await.unwrap();
        assert_eq!(
            cluster.state_name.as_ref().map(|s| s.as_str()),
            Some("IDLE")
        );
        assert_eq!(fake.polls(), 6, "the first IDLEs did not end the wait");
    })
    .await;
}

#[tokio::test]
async fn an_update_that_answers_updating_needs_no_other_sign_and_one_that_changes_nothing_settles()
{
    within(async {
        let (fake, base) = Fake::start(UPDATING, vec![IDLE]).await;
        let update = UpdateCluster::new(GROUP, "Cluster0", ClusterDescription20240805::new());
        let wait = quick().settle(Duration::from_secs(60));
        client(&base).send_and_wait(&update, wait).await.unwrap();
        assert_eq!(fake.polls(), 1, "the answer showed the change begin");

        let (fake, base) = Fake::start(IDLE, vec![IDLE]).await;
        let wait = quick().settle(Duration::from_millis(100));
        client(&base).send_and_wait(&update, wait).await.unwrap();
        assert!(
            fake.polls() >= 3,
            "IDLE held for the settle time first: {} polls",
            fake.polls()
        );
    })
    .await;
}

#[tokio::test]
async fn a_failure_state_ends_the_wait_with_the_resource() {
    within(async {
        let answer = Step::Json(
            201,
            r#"{"type":"search","indexID":"6b2f0c1a9e1d4b0012345678","name":"default","status":"PENDING"}"#,
        );
        let failed = Step::Json(
            200,
            r#"{"type":"search","indexID":"6b2f0c1a9e1d4b0012345678","name":"default","status":"FAILED"}"#,
        );
        let building = Step::Json(
            200,
            r#"{"type":"search","indexID":"6b2f0c1a9e1d4b0012345678","name":"default","status":"IN_PROGRESS"}"#,
        );
        let (fake, base) = Fake::start(answer, vec![building, failed]).await;
        let definition = TextSearchIndexDefinition::new(SearchMappings::new());
        let index =
            TextSearchIndexCreateRequest::new("movies", "sample_mflix", "default", definition);
        let create = CreateClusterSearchIndex::new(
            GROUP,
            "Cluster0",
            SearchIndexCreateRequest::from(index),
        );
        let error = client(&base)
            .send_and_wait(&create, quick())
            .await
            .expect_err("the index failed");
        let WaitError::Failed { state, resource } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(state, "FAILED");
        let SearchIndexResponse::Search(index) = resource else {
            panic!("{resource:?}");
        };
        assert_eq!(index.name.as_deref(), Some("default"));
        assert_eq!(error.to_string(), "the operation failed: state `FAILED`");
        let seen = fake.seen.lock().unwrap().clone();
        assert_eq!(
            seen[1],
            format!(
                "GET /api/atlas/v2/groups/{GROUP}/clusters/Cluster0/search/indexes/6b2f0c1a9e1d4b0012345678 HTTP/1.1"
            ),
            "the index id comes from the answer's variant"
        );
        let error = atlas_generated::client::Error::from(error);
        assert_eq!(error.kind(), ErrorKind::Wait);
    })
    .await;
}

#[tokio::test]
async fn the_deadline_ends_the_wait_with_what_was_last_seen() {
    within(async {
        let (_fake, base) = Fake::start(CREATING, vec![CREATING, Step::ProxyPage]).await;
        let wait = Wait::up_to(Duration::from_millis(300)).interval(Duration::from_millis(10));
        let started = std::time::Instant::now();
        let error = client(&base)
            .send_and_wait(&create(), wait)
            .await
            .expect_err("it never becomes IDLE");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        let WaitError::TimedOut {
            state,
            resource,
            last_error,
            waited,
            ..
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(state.as_deref(), Some("CREATING"));
        assert_eq!(
            resource.as_ref().and_then(|c| c.name.as_deref()),
            Some("Cluster0")
        );
        assert_eq!(last_error.as_ref().and_then(|e| e.status()), Some(503));
        assert!(*waited >= Duration::from_millis(300), "{waited:?}");
    })
    .await;
}

#[tokio::test]
async fn a_refused_poll_or_a_refused_operation_ends_the_wait_at_once() {
    within(async {
        let forbidden = Step::Json(403, r#"{"error":403,"errorCode":"USER_UNAUTHORIZED"}"#);
        let (fake, base) = Fake::start(CREATING, vec![CREATING, forbidden.clone()]).await;
        let error = client(&base)
            .send_and_wait(&create(), quick())
            .await
            .expect_err("the poll is refused");
        let WaitError::Request(error) = error else {
            panic!("{error:?}");
        };
        assert_eq!(error.status(), Some(403));
        assert_eq!(fake.polls(), 2);

        let (fake, base) = Fake::start(forbidden, vec![CREATING]).await;
        let error = client(&base)
            .send_and_wait(&create(), quick())
            .await
            .expect_err("the operation is refused");
        assert!(matches!(&error, WaitError::Request(e) if e.status() == Some(403)));
        assert_eq!(fake.polls(), 0, "nothing to poll");
    })
    .await;
}

/// A create whose answer lacks the name the poll needs fails at once, naming it.
#[tokio::test]
async fn an_answer_without_what_the_poll_needs_is_an_error_naming_it() {
    within(async {
        let (fake, base) =
            Fake::start(Step::Json(201, r#"{"stateName":"CREATING"}"#), vec![IDLE]).await;
        let error = client(&base)
            .send_and_wait(&create(), quick())
            .await
            .expect_err("no name to poll");
        assert!(
            error
                .to_string()
                .contains("the answer has no `$.name`, which polling with `getGroupCluster` needs"),
            "{error}"
        );
        assert_eq!(fake.polls(), 0);
    })
    .await;
}

thread_local! {
    /// What the tests of this thread logged.
    static LOGGED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Writes to this thread's [`LOGGED`].
struct ThreadLog;

impl std::io::Write for ThreadLog {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        LOGGED.with(|logged| logged.borrow_mut().extend_from_slice(data));
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs, once for the process, a subscriber that logs each thread's events to its
/// [`LOGGED`]. A global one: a scoped subscriber (`with_default`) can miss events whose
/// callsites other test threads registered first, without one.
fn log_to_threads() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(|| ThreadLog)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    });
}

/// One `info` event per change of state, not per poll. A current-thread runtime keeps the
/// client's work on this thread.
#[tokio::test]
async fn each_change_of_state_is_logged_once() {
    log_to_threads();
    within(async {
        let polls = vec![CREATING, CREATING, CREATING, UPDATING, UPDATING, IDLE];
        let (_fake, base) = Fake::start(CREATING, polls).await;
        client(&base)
            .send_and_wait(&create(), quick())
            .await
            .unwrap();
    })
    .await;
    let text = LOGGED.with(|logged| String::from_utf8(logged.borrow().clone()).unwrap());
    let changes: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("atlas wait: state changed"))
        .collect();
    assert_eq!(changes.len(), 3, "{text}");
    for (line, state) in changes.iter().zip(["CREATING", "UPDATING", "IDLE"]) {
        assert!(line.contains(&format!("state=\"{state}\"")), "{line}");
        assert!(line.contains("operation=\"createGroupCluster\""), "{line}");
    }
}

/// A peering's state is `statusName` for AWS and `status` for Azure and GCP: the waiter
/// reads the one its branch has; an AWS peering ends waiting on the user's acceptance.
#[tokio::test]
async fn each_branch_of_a_union_reads_its_own_state_field() {
    within(async {
        let azure = r#"{"providerName":"AZURE","id":"p1","containerId":"c1","azureDirectoryId":"d","azureSubscriptionId":"s","resourceGroupName":"r","vnetName":"v","status":"ADDING_PEER"}"#;
        let polls = vec![
            Step::Json(200, r#"{"providerName":"AZURE","id":"p1","status":"ADDING_PEER"}"#),
            Step::Json(200, r#"{"providerName":"AZURE","id":"p1","status":"AVAILABLE"}"#),
        ];
        let (fake, base) = Fake::start(Step::Json(200, azure), polls).await;
        let body: BaseNetworkPeeringConnectionSettings =
            atlas_generated::runtime::from_slice(azure.as_bytes()).unwrap();
        let peering = client(&base)
            .send_and_wait(&CreateGroupPeer::new(GROUP, body.clone()), quick())
            .await
            .unwrap();
        assert!(
            matches!(peering, BaseNetworkPeeringConnectionSettings::Azure(_)),
            "{peering:?}"
        );
        assert_eq!(fake.polls(), 2);
        let seen = fake.seen.lock().unwrap().clone();
        assert_eq!(seen[1], format!("GET /api/atlas/v2/groups/{GROUP}/peers/p1 HTTP/1.1"));

        let aws = Step::Json(
            200,
            r#"{"providerName":"AWS","id":"p2","statusName":"PENDING_ACCEPTANCE"}"#,
        );
        let (fake, base) = Fake::start(aws.clone(), vec![aws]).await;
        client(&base)
            .send_and_wait(&CreateGroupPeer::new(GROUP, body), quick())
            .await
            .unwrap();
        assert_eq!(fake.polls(), 1, "the AWS peering waits on its acceptance");
    })
    .await;
}

/// A stream processor's state is a string the spec documents without an enum.
#[tokio::test]
async fn a_started_stream_processor_ends_its_wait() {
    within(async {
        let polls = vec![
            Step::Json(200, r#"{"name":"p","state":"CREATED"}"#),
            Step::Json(200, r#"{"name":"p","state":"STARTED"}"#),
        ];
        let (fake, base) = Fake::start(Step::Json(200, "{}"), polls).await;
        let start = StartStreamProcessor::new(GROUP, "workspace", "p");
        let processor = client(&base).send_and_wait(&start, quick()).await.unwrap();
        assert_eq!(processor.state.as_deref(), Some("STARTED"));
        assert_eq!(fake.polls(), 2);
    })
    .await;
}
