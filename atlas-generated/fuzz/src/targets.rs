//! What atlas-generated's fuzz targets do with an input, shared by the libFuzzer binaries
//! (`fuzz_targets/`, run by `cargo xtask fuzz`) and by the plain `cargo test` replay of the
//! committed regressions (`atlas-generated/tests/fuzz_regressions.rs`, which mounts this
//! file as a module: paths here are relative, never `crate::`).
//!
//! # Targets and their inputs
//!
//! Each input starts with a few selector bytes, then the body, so that a seed is a file of
//! selector bytes followed by a real body (`cargo xtask fuzz` writes them, in
//! `xtask/src/fuzz/seeds.rs`):
//!
//! - [`decode_response`]: `[pair: u16 LE][status][body]`. The pair is an index into
//!   [`pairs`], every (operation, API version) of the registry sorted by `operationId`
//!   then version (taken modulo their number); the status is one byte, an index into
//!   [`STATUSES`], or any other byte followed by the status as a `u16` LE. The body is
//!   decoded by [`dynamic::decode_response`] (the pair's typed `Endpoint::decode_response`)
//!   in that version, and for an error status also with no version.
//! - [`from_slice`]: `[kind: u8][body]`, the kind an index into [`KINDS`] (modulo its
//!   length). [`Kind::RequestBody`] is followed by a pair (`u16` LE) whose request body
//!   [`dynamic::decode_request`] decodes; the other kinds name a type that
//!   [`runtime::from_slice`] and `serde_json::from_slice` decode.
//! - [`error_body`]: `[status][body]`: what the client does with an error answer:
//!   `runtime::from_slice::<ApiError>`, an operation's `decode_response` and the
//!   `ResponseError` it gives, formatted.
//!
//! # What is checked
//!
//! Beyond "no panic, no stack overflow, no hang" (libFuzzer's `-timeout`):
//!
//! - every decoding holds at most the documented memory ([`memory`]);
//! - the reader is invisible: when it decodes a body, decoding through
//!   `serde_json::Value` gives the same value (`runtime::reader::through_value`);
//! - what decoded, re-encoded, decodes again to the same value;
//! - integers decode exactly ([`numbers`]);
//! - `serde_json::from_slice` and `runtime::from_slice` agree on a model.
//!
//! Whatever decoded, or the error, is also formatted (`Debug`, `Display`) and re-encoded
//! (`serde_json::to_vec`), to run those paths on it.

#[path = "memory.rs"]
pub mod memory;
#[path = "numbers.rs"]
pub mod numbers;

use std::fmt::Debug;
use std::io::Write as _;
use std::sync::OnceLock;

use atlas_generated::dynamic;
use atlas_generated::models;
use atlas_generated::runtime::{self, Endpoint, Json, reader::through_value};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use self::memory::bounded;

/// The statuses a status byte names: success, no content, the errors Atlas answers with.
pub const STATUSES: [u16; 11] = [200, 201, 202, 204, 400, 401, 404, 409, 429, 500, 503];

/// A fuzz target's logic: what it does with one input.
pub type Target = fn(&[u8]);

/// Every fuzz target by name, with its logic.
pub const TARGETS: &[(&str, Target)] = &[
    ("decode_response", decode_response),
    ("from_slice", from_slice),
    ("error_body", error_body),
];

/// One (operation, API version) pair of the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pair {
    /// The `operationId`.
    pub operation_id: &'static str,
    /// The API version (`2023-01-01`, `preview`).
    pub version: &'static str,
}

/// Every (operation, API version) pair of `registry::OPERATIONS`, sorted by `operationId`
/// then version: an order the seeds can be written in without this crate.
pub fn pairs() -> &'static [Pair] {
    static PAIRS: OnceLock<Vec<Pair>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        let mut pairs: Vec<Pair> = atlas_generated::registry::OPERATIONS
            .iter()
            .flat_map(|op| {
                op.versions.iter().map(|v| Pair {
                    operation_id: op.operation_id,
                    version: v.version,
                })
            })
            .collect();
        pairs.sort_unstable();
        pairs
    })
}

/// What [`from_slice`] decodes, by its kind byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The request body of a pair, through `dynamic::decode_request`.
    RequestBody,
    /// `serde_json::Value`.
    Value,
    /// `models::ApiError`, every operation's error body.
    ApiError,
    /// `models::BillingInvoice`, recursive through `linkedInvoices`.
    BillingInvoice,
    /// `models::BillingInvoiceMetadata`, recursive through `linkedInvoices`.
    BillingInvoiceMetadata,
    /// `models::Principal`, recursive through `onBehalfOf`.
    Principal,
}

/// The kinds of [`from_slice`] in the order of their kind byte, with their names.
/// Every model that holds itself (`linkedInvoices`, `onBehalfOf`) is here: the xtask's
/// seed test checks that against the spec.
pub const KINDS: &[(Kind, &str)] = &[
    (Kind::RequestBody, "request body"),
    (Kind::Value, "serde_json::Value"),
    (Kind::ApiError, "ApiError"),
    (Kind::BillingInvoice, "BillingInvoice"),
    (Kind::BillingInvoiceMetadata, "BillingInvoiceMetadata"),
    (Kind::Principal, "Principal"),
];

/// An input being taken apart: selector bytes first, then the body.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
    }

    fn pair(&mut self) -> Option<Pair> {
        let pairs = pairs();
        let index = usize::from(self.u16()?) % pairs.len().max(1);
        pairs.get(index).copied()
    }

    fn status(&mut self) -> Option<u16> {
        let selector = self.byte()?;
        match STATUSES.get(usize::from(selector)) {
            Some(&status) => Some(status),
            None => self.u16(),
        }
    }

    fn body(self) -> &'a [u8] {
        self.0
    }
}

/// What a `decode_response` input selects: the pair, the status, and the body.
#[must_use]
pub fn response_selection(data: &[u8]) -> Option<(Pair, u16, &[u8])> {
    let mut input = Input(data);
    let (pair, status) = (input.pair()?, input.status()?);
    Some((pair, status, input.body()))
}

/// The `decode_response` target: a body decoded as a response of one (operation, version),
/// under one status.
pub fn decode_response(data: &[u8]) {
    let Some((pair, status, body)) = response_selection(data) else {
        return;
    };
    response(pair.operation_id, Some(pair.version), status, body);
    if !(200..300).contains(&status) {
        // Error bodies are the same in every version: any version can read them.
        response(pair.operation_id, None, status, body);
    }
}

fn response(operation_id: &str, version: Option<&str>, status: u16, body: &[u8]) {
    let place = format!("{operation_id} {version:?} status {status}");
    check_dynamic(&place, body, |body| {
        dynamic::decode_response(operation_id, version, status, body)
    });
}

/// What a `from_slice` input selects: the kind, the pair for a request body, and the body.
#[must_use]
pub fn typed_selection(data: &[u8]) -> Option<(Kind, Option<Pair>, &[u8])> {
    let mut input = Input(data);
    let (kind, _) = KINDS[usize::from(input.byte()?) % KINDS.len()];
    let pair = match kind {
        Kind::RequestBody => Some(input.pair()?),
        _ => None,
    };
    Some((kind, pair, input.body()))
}

/// The `from_slice` target: a body decoded as one type, or as a pair's request body.
pub fn from_slice(data: &[u8]) {
    let Some((kind, pair, body)) = typed_selection(data) else {
        return;
    };
    match (kind, pair) {
        (Kind::RequestBody, Some(pair)) => request(pair, body),
        (Kind::RequestBody, None) => {}
        (Kind::Value, _) => drop(typed::<Value>(body)),
        (Kind::ApiError, _) => drop(typed::<models::ApiError>(body)),
        (Kind::BillingInvoice, _) => drop(typed::<models::BillingInvoice>(body)),
        (Kind::BillingInvoiceMetadata, _) => {
            drop(typed::<models::BillingInvoiceMetadata>(body));
        }
        (Kind::Principal, _) => drop(typed::<models::Principal>(body)),
    }
}

fn request(pair: Pair, body: &[u8]) {
    let place = format!("{} {} request body", pair.operation_id, pair.version);
    check_dynamic(&place, body, |body| {
        dynamic::decode_request(pair.operation_id, pair.version, body)
    });
}

/// `body` decoded by one of `dynamic`'s decoders within the memory bound, formatted, and
/// checked: the reader and `Value` agree, what it gives re-encodes to itself, and its
/// integers are exact.
fn check_dynamic<E: std::error::Error + 'static>(
    place: &str,
    body: &[u8],
    decoder: impl Fn(&[u8]) -> Result<Value, E>,
) {
    let decode = |body: &[u8]| bounded(body.len(), || decoder(body));
    let decoded = decode(body);
    show(&decoded);
    if let Err(error) = &decoded {
        show_error(error);
    }
    let Ok(value) = decoded else { return };
    let slow = through_value(|| decode(body));
    same_through_value(place, &value, slow.map_err(|e| e.to_string()));
    let again = serde_json::to_vec(&value).expect("a Value encodes");
    match decode(&again) {
        Ok(twice) if twice == value => {}
        Ok(twice) => panic!("{place}: decoding the re-encoded {value} gives {twice}"),
        Err(e) => panic!("{place}: the re-encoded {value} does not decode: {e}"),
    }
    exact_integers(place, body, &value);
}

/// `body` decoded as a `T` by `runtime::from_slice` and by serde, checked, formatted and
/// re-encoded.
fn typed<T>(body: &[u8]) -> Option<T>
where
    T: Json + Debug + Serialize + DeserializeOwned,
{
    let place = std::any::type_name::<T>();
    let decode = |body: &[u8]| bounded(body.len(), || runtime::from_slice::<T>(body));
    let decoded = decode(body);
    show(&decoded);
    if let Err(error) = &decoded {
        show_error(error);
    }
    {
        // Dropped before the next decoding: a target holds at most two at once.
        let via_serde = bounded(body.len(), || serde_json::from_slice::<T>(body));
        show(&via_serde);
        if let (Ok(ours), Ok(serde)) = (&decoded, &via_serde) {
            let (ours, serde) = (ours.to_json(), serde.to_json());
            assert!(
                ours == serde,
                "{place}: runtime::from_slice gives {ours}, serde_json::from_slice {serde}"
            );
        }
    }
    let value = decoded.ok()?;
    let json = value.to_json();
    let slow = through_value(|| decode(body));
    same_through_value(
        place,
        &json,
        slow.map(|v| v.to_json()).map_err(|e| e.to_string()),
    );
    let again = serde_json::to_vec(&value).expect("a model encodes");
    assert!(
        again == runtime::to_vec(&value),
        "{place}: serde_json::to_vec and runtime::to_vec encode {json} differently"
    );
    match decode(&again) {
        Ok(twice) if twice.to_json() == json => {}
        Ok(twice) => panic!(
            "{place}: decoding the re-encoded {json} gives {}",
            twice.to_json()
        ),
        Err(e) => panic!("{place}: the re-encoded {json} does not decode: {e}"),
    }
    exact_integers(place, body, &json);
    Some(value)
}

/// What an `error_body` input selects: the status and the body.
#[must_use]
pub fn error_selection(data: &[u8]) -> Option<(u16, &[u8])> {
    let mut input = Input(data);
    let status = input.status()?;
    Some((status, input.body()))
}

/// The `error_body` target: what the client does with an error answer.
pub fn error_body(data: &[u8]) {
    let Some((status, body)) = error_selection(data) else {
        return;
    };
    // The client's `Error` keeps Atlas's error shape when the body is one.
    if let Some(error) = typed::<models::ApiError>(body) {
        show(&(
            error.status(),
            error.error_code(),
            error.detail(),
            error.reason(),
        ));
    }
    // Then an operation's own decoding, whose error the client reports.
    let headers = http::HeaderMap::new();
    let answer = bounded(body.len(), || {
        atlas_generated::operations::GetCluster::decode_response(status, &headers, body)
            .map_err(Box::new)
    });
    show(&answer);
    match &answer {
        Ok(cluster) => {
            let _ = serde_json::to_vec(cluster).expect("a model encodes");
        }
        Err(error) => {
            show_error(&**error);
            assert_eq!(error.status(), status, "the error keeps the status");
        }
    }
}

/// Checks that decoding through `Value` gave what the reader gave.
fn same_through_value(place: &str, fast: &Value, slow: Result<Value, String>) {
    match slow {
        Ok(slow) if slow == *fast => {}
        Ok(slow) => panic!("{place}: the reader decodes {fast}, `Value` {slow}"),
        Err(e) => panic!("{place}: only the reader decodes ({fast}); through `Value`: {e}"),
    }
}

fn exact_integers(place: &str, body: &[u8], decoded: &Value) {
    if let Some(inexact) = numbers::inexact_integer(body, decoded) {
        panic!("{place}: an integer decoded inexactly: {inexact}");
    }
}

/// Formats `value` with `Debug`, into nothing.
fn show(value: &impl Debug) {
    let _ = write!(std::io::sink(), "{value:?}");
}

/// Formats an error with `Display` and `Debug`, and its sources.
fn show_error(error: &(dyn std::error::Error + 'static)) {
    let _ = write!(std::io::sink(), "{error} {error:?}");
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(std::io::sink(), "{cause}");
        source = cause.source();
    }
}

/// What [`replay`] found: how many inputs ran, and each that panicked, with its message.
#[derive(Debug, Default)]
pub struct Replayed {
    /// Inputs run.
    pub ran: usize,
    /// `(file, panic message)` of each input that panicked.
    pub failed: Vec<(std::path::PathBuf, String)>,
}

/// Runs every file of `dir` (a target's committed regressions) through `target`, in file
/// name order, each to its end even when one panics. Used by the regression test. (A stack
/// overflow or an input over the memory bound still ends the process.)
///
/// # Errors
///
/// When `dir` cannot be read.
pub fn replay(dir: &std::path::Path, target: Target) -> std::io::Result<Replayed> {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    // Dot files (`.gitkeep`) keep empty directories in git.
    files.retain(|path| {
        path.is_file()
            && !path
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with('.'))
    });
    files.sort();
    let mut replayed = Replayed::default();
    for path in files {
        let data = std::fs::read(&path)?;
        eprintln!("replaying {} ({} bytes)", path.display(), data.len());
        replayed.ran += 1;
        if let Err(panic) = std::panic::catch_unwind(|| target(&data)) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            replayed.failed.push((path, message));
        }
    }
    Ok(replayed)
}
