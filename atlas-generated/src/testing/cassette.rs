//! Record and replay: [`Recorder`] writes cassettes, secrets scrubbed; [`Replay`] serves them.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path as FsPath;
use std::sync::{Arc, Mutex};

use base64::Engine;
use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde_json::{Map, Value, json};

use super::exchange::ReceivedRequest;
use super::mock::lock;
use super::tables::{SECRET_FIELDS, SECRET_PARAMETERS};
use crate::client::{Transport, TransportFuture};

/// What a scrubbed value becomes.
pub const SCRUBBED: &str = "[scrubbed]";

/// Headers never written: they authenticate, or change with every exchange.
const DROPPED_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "www-authenticate",
    "user-agent",
    "host",
    "content-length",
    "date",
    "connection",
    "transfer-encoding",
];

/// The prefix of the ids [`Recorder::scrub_ids`] writes.
const ID_STAND_IN: &str = "ffffffff";

/// How a cassette's text is scrubbed: the same for recording and for matching a replayed
/// request against it.
#[derive(Debug, Default, Clone, Copy)]
struct Scrubber {
    /// Ids are replaced by their stand-ins.
    ids: bool,
}

impl Scrubber {
    /// `body` with the value of every secret field scrubbed: any value in a request, text
    /// in an answer.
    fn body(&mut self, body: &mut Value, in_answer: bool) {
        match body {
            Value::Object(map) => {
                for (name, value) in map.iter_mut() {
                    let secret = SECRET_FIELDS
                        .iter()
                        .any(|f| f.json_name == name && (!in_answer || f.in_answers));
                    if secret && in_answer {
                        scrub_text(value);
                    } else if secret {
                        *value = Value::String(SCRUBBED.to_owned());
                    } else {
                        self.body(value, in_answer);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.body(v, in_answer)),
            Value::String(text) => *text = self.ids_in(text),
            _ => {}
        }
    }

    /// The query with its secret parameters scrubbed.
    fn query(&mut self, query: &str) -> String {
        let pairs = query.split('&').map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            if SECRET_PARAMETERS.contains(&name) {
                format!("{name}={SCRUBBED}")
            } else {
                format!("{name}={}", self.ids_in(value))
            }
        });
        pairs.collect::<Vec<_>>().join("&")
    }

    /// `text` with every 24-digit hexadecimal id replaced by its stand-in, when ids are
    /// scrubbed.
    fn ids_in(&mut self, text: &str) -> String {
        if !self.ids {
            return text.to_owned();
        }
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < bytes.len() {
            let run = bytes[i..]
                .iter()
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
            let ends_word = bytes
                .get(i + run)
                .is_none_or(|b| !b.is_ascii_alphanumeric());
            if run == 24 && starts_word && ends_word {
                let id = &text[i..i + 24];
                if id.starts_with(ID_STAND_IN) {
                    out.push_str(id);
                } else {
                    out.push_str(&format!("{ID_STAND_IN}{:016x}", fnv1a(id.as_bytes())));
                }
                i += 24;
            } else {
                let step = run.max(1);
                let end = (i + step..=bytes.len())
                    .find(|e| text.is_char_boundary(*e))
                    .unwrap_or(bytes.len());
                out.push_str(&text[i..end]);
                i = end;
            }
        }
        out
    }

    /// The headers worth keeping, as a JSON object of lower-case names.
    fn headers(&mut self, headers: &HeaderMap) -> Value {
        let mut kept = Map::new();
        for (name, value) in headers {
            if DROPPED_HEADERS.contains(&name.as_str()) {
                continue;
            }
            let text = String::from_utf8_lossy(value.as_bytes());
            kept.insert(name.as_str().to_owned(), Value::String(self.ids_in(&text)));
        }
        Value::Object(kept)
    }

    /// A body as a cassette holds it: `{"body": json}`, `{"bodyText": ..}`,
    /// `{"bodyBase64": ..}`, or `{"body": null}` when empty.
    fn body_fields(&mut self, body: &[u8], in_answer: bool) -> Map<String, Value> {
        let mut fields = Map::new();
        if body.iter().all(u8::is_ascii_whitespace) {
            fields.insert("body".to_owned(), Value::Null);
        } else if let Ok(mut json) = serde_json::from_slice::<Value>(body) {
            self.body(&mut json, in_answer);
            fields.insert("body".to_owned(), json);
        } else if let Ok(text) = std::str::from_utf8(body) {
            fields.insert("bodyText".to_owned(), Value::String(self.ids_in(text)));
        } else {
            let encoded = base64::engine::general_purpose::STANDARD.encode(body);
            fields.insert("bodyBase64".to_owned(), Value::String(encoded));
        }
        fields
    }

    /// The request's half of a cassette line: what a replay matches on.
    fn request(&mut self, request: &ReceivedRequest) -> Map<String, Value> {
        let mut line = Map::new();
        line.insert("operationId".to_owned(), json!(request.operation_id()));
        line.insert("version".to_owned(), json!(request.version));
        line.insert("method".to_owned(), json!(request.method.as_str()));
        line.insert("path".to_owned(), json!(self.ids_in(&request.path)));
        let query = request.query.as_deref().map(|q| self.query(q));
        line.insert("query".to_owned(), json!(query));
        let mut sent = self.body_fields(&request.body, false);
        sent.insert("headers".to_owned(), self.headers(&request.headers));
        line.insert("request".to_owned(), Value::Object(sent));
        line
    }
}

/// The 64-bit FNV-1a hash: stable across runs and platforms, unlike `std`'s hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Every string under a secret field of an answer, scrubbed; other values kept, so that
/// the answer still decodes.
fn scrub_text(value: &mut Value) {
    match value {
        Value::String(text) => *text = SCRUBBED.to_owned(),
        Value::Array(items) => items.iter_mut().for_each(scrub_text),
        Value::Object(map) => map.values_mut().for_each(scrub_text),
        _ => {}
    }
}

/// A [`Transport`] that sends through another and writes each exchange as a line of JSON
/// (a cassette), secrets scrubbed; a [`Replay`] serves a cassette offline.
///
/// A line holds the operation and API version, the method, path and query, the request's
/// and the answer's headers that matter, the status, and both bodies (JSON as JSON, other
/// text as `bodyText`, bytes as `bodyBase64`):
///
/// ```json
/// {"operationId":"getGroupCluster","version":"2024-08-05","method":"GET","path":"/api/atlas/v2/groups/5f1e…/clusters/c0","query":null,"request":{"headers":{"accept":"application/vnd.atlas.2024-08-05+json"},"body":null},"response":{"status":200,"headers":{"content-type":"application/vnd.atlas.2024-08-05+json"},"body":{"name":"c0"}}}
/// ```
///
/// What never reaches a cassette:
/// - the headers that authenticate: `Authorization`, `Cookie`, `Set-Cookie`,
///   `WWW-Authenticate` (a Digest nonce), and Digest's `401` challenges themselves (the
///   handshake, which a replay has no use for); a service account's token requests go
///   to the token endpoint outside the transport;
/// - in request bodies, the value of every field the spec marks `writeOnly` or
///   `format: password`, or whose name says it is a credential (`reports/redacted.md`,
///   the fields whose `Debug` is redacted; [`secret_fields`](super::secret_fields)); in
///   answers, the text of those the server may send (a created API key's `privateKey`, a
///   user's `password`). Fields are matched by name, so a field of another model with a
///   secret's name is scrubbed too;
/// - the query parameters that are secrets;
/// - optionally ([`Recorder::scrub_ids`]), every 24-digit hexadecimal id, each replaced by
///   a stand-in made from it (`ffffffff` and 16 digits of its FNV-1a hash), the same in
///   every place and every run, so that a replay finds it whatever order ids come in.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use atlas_generated::client::{Client, Credentials};
/// use atlas_generated::testing::{Network, Recorder};
///
/// let recorder = Recorder::to_file("tests/cassettes/create-cluster.jsonl", Network::new())?;
/// let client = Client::builder()
///     .credentials(Credentials::digest("public", "private"))
///     .transport(recorder.clone())
///     .build()?;
/// // … calls …
/// recorder.flush()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Recorder {
    shared: Arc<RecorderShared>,
}

struct RecorderShared {
    inner: Box<dyn Transport>,
    scrubber: Mutex<Scrubber>,
    out: Mutex<Box<dyn Write + Send>>,
    lines: Mutex<Vec<String>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("lines", &lock(&self.shared.lines).len())
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// Records what goes through `inner` into a new file at `path`.
    ///
    /// # Errors
    ///
    /// When the file cannot be created.
    pub fn to_file(path: impl AsRef<FsPath>, inner: impl Transport) -> std::io::Result<Recorder> {
        let file = BufWriter::new(File::create(path)?);
        Ok(Recorder::new(Box::new(file), inner))
    }

    /// Records what goes through `inner` in memory only ([`Recorder::lines`]).
    #[must_use]
    pub fn in_memory(inner: impl Transport) -> Recorder {
        Recorder::new(Box::new(std::io::sink()), inner)
    }

    fn new(out: Box<dyn Write + Send>, inner: impl Transport) -> Recorder {
        Recorder {
            shared: Arc::new(RecorderShared {
                inner: Box::new(inner),
                scrubber: Mutex::new(Scrubber::default()),
                out: Mutex::new(out),
                lines: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Also replaces every 24-digit hexadecimal id (projects, organizations, resources)
    /// with its stand-in, the same in every place. Call it before the first request. A
    /// replay of such a cassette replaces the ids of the requests it gets the same way.
    #[must_use]
    pub fn scrub_ids(self) -> Recorder {
        lock(&self.shared.scrubber).ids = true;
        self
    }

    /// The lines written so far.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        lock(&self.shared.lines).clone()
    }

    /// Writes what is buffered to the file.
    ///
    /// # Errors
    ///
    /// When the file cannot be written.
    pub fn flush(&self) -> std::io::Result<()> {
        lock(&self.shared.out).flush()
    }

    /// Writes the line of one exchange, unless it is a Digest challenge.
    fn write(
        &self,
        request: &ReceivedRequest,
        answer: &http::Response<Bytes>,
    ) -> std::io::Result<()> {
        let challenge = answer.status() == StatusCode::UNAUTHORIZED
            && answer
                .headers()
                .get(http::header::WWW_AUTHENTICATE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("digest"));
        if challenge {
            return Ok(());
        }
        let line = {
            let mut scrubber = lock(&self.shared.scrubber);
            let mut line = scrubber.request(request);
            let mut got = scrubber.body_fields(answer.body(), true);
            got.insert("status".to_owned(), json!(answer.status().as_u16()));
            got.insert("headers".to_owned(), scrubber.headers(answer.headers()));
            line.insert("response".to_owned(), Value::Object(got));
            Value::Object(line).to_string()
        };
        let mut out = lock(&self.shared.out);
        writeln!(out, "{line}")?;
        lock(&self.shared.lines).push(line);
        Ok(())
    }
}

impl Transport for Recorder {
    fn exchange(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let received = ReceivedRequest::read(&parts, body.clone());
            let answer = self
                .shared
                .inner
                .exchange(http::Request::from_parts(parts, body))
                .await?;
            self.write(&received, &answer)?;
            Ok(answer)
        })
    }
}

/// A [`Transport`] that serves a cassette offline: each request gets the answer of the
/// first unused line with its operation, API version, method, path and body (scrubbed as
/// the recorder scrubs them). A request no line matches fails the call, naming the request
/// and the line it came closest to.
#[derive(Clone)]
pub struct Replay {
    shared: Arc<ReplayShared>,
}

struct ReplayShared {
    lines: Vec<Value>,
    used: Mutex<Vec<bool>>,
    scrubber: Mutex<Scrubber>,
    unmatched: Mutex<Vec<String>>,
}

impl std::fmt::Debug for Replay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replay")
            .field("lines", &self.shared.lines.len())
            .finish_non_exhaustive()
    }
}

/// Why a cassette cannot be read.
#[derive(Debug)]
pub struct CassetteError {
    /// The line (from 1), when one is at fault.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for CassetteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "cassette line {line}: {}", self.message),
            None => write!(f, "cassette: {}", self.message),
        }
    }
}

impl std::error::Error for CassetteError {}

impl Replay {
    /// A replay of the cassette at `path`.
    ///
    /// # Errors
    ///
    /// When the file cannot be read, or a line is not a cassette line.
    pub fn from_file(path: impl AsRef<FsPath>) -> Result<Replay, CassetteError> {
        let text = std::fs::read_to_string(path).map_err(|e| CassetteError {
            line: None,
            message: e.to_string(),
        })?;
        Replay::from_lines(text.lines())
    }

    /// A replay of cassette lines.
    ///
    /// # Errors
    ///
    /// When a line is not JSON, or lacks its method, path or response status.
    pub fn from_lines<S: AsRef<str>>(
        lines: impl IntoIterator<Item = S>,
    ) -> Result<Replay, CassetteError> {
        let mut parsed = Vec::new();
        for (index, line) in lines.into_iter().enumerate() {
            let line = line.as_ref();
            if line.trim().is_empty() {
                continue;
            }
            let fail = |message: String| CassetteError {
                line: Some(index + 1),
                message,
            };
            let value: Value = serde_json::from_str(line).map_err(|e| fail(e.to_string()))?;
            for field in ["method", "path"] {
                if !value[field].is_string() {
                    return Err(fail(format!("`{field}` is not a string")));
                }
            }
            if !value["response"]["status"].is_u64() {
                return Err(fail("`response.status` is not a status".to_owned()));
            }
            parsed.push(value);
        }
        let ids_scrubbed = parsed.iter().any(|l| l.to_string().contains(ID_STAND_IN));
        Ok(Replay {
            shared: Arc::new(ReplayShared {
                used: Mutex::new(vec![false; parsed.len()]),
                lines: parsed,
                scrubber: Mutex::new(Scrubber { ids: ids_scrubbed }),
                unmatched: Mutex::new(Vec::new()),
            }),
        })
    }

    /// A client that sends through the replay, without credentials.
    ///
    /// # Panics
    ///
    /// Never: the default base URL is valid.
    #[must_use]
    pub fn client(&self) -> crate::client::Client {
        crate::client::Client::builder()
            .base_url(crate::runtime::DEFAULT_BASE_URL)
            .transport(self.clone())
            .build()
            .expect("a client of the default base URL")
    }

    /// The requests no line matched, described, in order.
    #[must_use]
    pub fn unmatched(&self) -> Vec<String> {
        lock(&self.shared.unmatched).clone()
    }

    /// How many lines no request used.
    #[must_use]
    pub fn unused(&self) -> usize {
        lock(&self.shared.used).iter().filter(|u| !**u).count()
    }

    /// The answer of the first unused line matching `request`, marking it used.
    fn answer(&self, request: &ReceivedRequest) -> Result<http::Response<Bytes>, String> {
        let wanted = lock(&self.shared.scrubber).request(request);
        let matches = |line: &Value| {
            ["operationId", "version", "method", "path"]
                .iter()
                .all(|k| line[*k] == wanted[*k])
                && line["request"]["body"] == wanted["request"]["body"]
                && line["request"]["bodyText"] == wanted["request"]["bodyText"]
        };
        let mut used = lock(&self.shared.used);
        let found = self
            .shared
            .lines
            .iter()
            .enumerate()
            .find(|(i, line)| !used[*i] && matches(line));
        let Some((index, line)) = found else {
            let described = format!(
                "no unused cassette line matches {} {} {} {} with body {}",
                wanted["operationId"].as_str().unwrap_or("(no operation)"),
                wanted["version"].as_str().unwrap_or("(no version)"),
                wanted["method"].as_str().unwrap_or_default(),
                wanted["path"].as_str().unwrap_or_default(),
                wanted["request"]["body"],
            );
            lock(&self.shared.unmatched).push(described.clone());
            return Err(described);
        };
        used[index] = true;
        Ok(response_of(line))
    }
}

/// The answer a cassette line holds.
fn response_of(line: &Value) -> http::Response<Bytes> {
    let recorded = &line["response"];
    let body = if let Some(text) = recorded["bodyText"].as_str() {
        Bytes::from(text.to_owned())
    } else if let Some(encoded) = recorded["bodyBase64"].as_str() {
        Bytes::from(
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap_or_default(),
        )
    } else if recorded["body"].is_null() {
        Bytes::new()
    } else {
        Bytes::from(recorded["body"].to_string())
    };
    let status = recorded["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    if let Some(headers) = recorded["headers"].as_object() {
        for (name, value) in headers {
            if let (Ok(name), Some(Ok(value))) = (
                HeaderName::from_bytes(name.as_bytes()),
                value.as_str().map(HeaderValue::from_str),
            ) {
                response.headers_mut().append(name, value);
            }
        }
    }
    if !response.headers().contains_key(CONTENT_TYPE) {
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    response
}

impl Transport for Replay {
    fn exchange(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let received = ReceivedRequest::read(&parts, body);
            self.answer(&received).map_err(Into::into)
        })
    }
}
