//! Responses that lack fields the spec marks required still decode (client error
//! correction, as in Smithy's AWS SDKs).
//!
//! The live Atlas API leaves out fields its spec requires, and one missing nested field
//! would otherwise make a whole response undecodable. While a response is decoded
//! ([`Endpoint::decode_response`](super::Endpoint::decode_response)), a missing required
//! field takes its type's zero value ([`Json::zero`]: `""`, `0`, `false`, an empty list or
//! map, a struct of zero values, an `Unknown` variant), its struct remembers it in
//! [`Filled`], and a `tracing` warning lists every such field. Encoding leaves a filled
//! field out while it still holds its zero value, so the value encodes back to exactly
//! what was received, and sending it back in a `PUT` invents nothing.
//!
//! Everything else decodes strictly: request bodies, `from_json`, serde, and responses
//! decoded with [`Endpoint::decode_response_strict`](super::Endpoint::decode_response_strict).
//! [`Endpoint::decode_response_corrected`](super::Endpoint::decode_response_corrected)
//! returns the filled fields with the value.

use std::cell::{Cell, RefCell};

use serde_json::{Map, Value};

use super::json::{DecodeError, Json, Path};

/// The required fields of a struct that the server left out and decoding filled with
/// zero values, by their JSON names. Empty for a value built in Rust or decoded whole.
///
/// Encoding leaves out a listed field that still holds its zero value; to send such a
/// field as `""`, `0` or `false` on purpose, reset the list (`value.filled = Filled::default()`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filled(Vec<&'static str>);

impl Filled {
    /// Every field of `names`: the zero value of a struct marks all its required fields.
    #[must_use]
    pub fn all(names: &[&'static str]) -> Self {
        Filled(names.to_vec())
    }

    /// The filled fields, by JSON name.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().copied()
    }

    /// Whether no field was filled.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `name` was filled.
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(&name)
    }

    fn push(&mut self, name: &'static str) {
        self.0.push(name);
    }
}

/// A required field a response lacked, filled with its zero value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// Where the field is missing, as a JSON path: `$.results[0].mappings`.
    pub path: String,
}

/// A decoded response and the corrections its decoding made.
#[derive(Debug, Clone, PartialEq)]
pub struct Corrected<T> {
    /// The decoded value.
    pub value: T,
    /// Each required field that was missing and filled, in the order met.
    pub corrections: Vec<Correction>,
}

thread_local! {
    /// The corrections of the response being decoded on this thread; `None` outside one,
    /// where a missing required field is an error.
    static CORRECTING: RefCell<Option<Vec<Correction>>> = const { RefCell::new(None) };
    /// Set while responses are decoded strictly.
    static STRICT: Cell<bool> = const { Cell::new(false) };
    /// The corrections gathered for callers of [`collecting`], innermost last.
    static COLLECTED: RefCell<Vec<Vec<Correction>>> = const { RefCell::new(Vec::new()) };
}

/// Decodes the required member `key` of the object at `path`, or, while a response is
/// being corrected, fills its zero value and notes it in `filled`.
///
/// # Errors
///
/// ``missing required field `key` `` when absent and not filled, or the error of
/// decoding the member (at `path.key`).
#[inline]
pub fn required<T: Json>(
    map: &mut Map<String, Value>,
    key: &'static str,
    path: &Path<'_>,
    filled: &mut Filled,
) -> Result<T, DecodeError> {
    match map.remove(key) {
        Some(value) => T::from_json(value, &path.key(key)),
        None => fill(key, path, filled),
    }
}

#[cold]
fn fill<T: Json>(
    key: &'static str,
    path: &Path<'_>,
    filled: &mut Filled,
) -> Result<T, DecodeError> {
    match T::zero() {
        Some(zero) if note_filled(key, path, filled)? => Ok(zero),
        _ => Err(super::json::missing(path, key)),
    }
}

/// Notes that `key` is filled, if a response is being corrected. Not generic, like the
/// other helpers below that touch the thread's state, so that it is compiled once rather
/// than once per field type.
///
/// # Errors
///
/// The decoding's memory budget is spent.
fn note_filled(
    key: &'static str,
    path: &Path<'_>,
    filled: &mut Filled,
) -> Result<bool, DecodeError> {
    CORRECTING.with_borrow_mut(|state| {
        let Some(corrections) = state else {
            return Ok(false);
        };
        let at = path.key(key).to_string();
        // A list of `{}` makes a correction per missing field of every element: each
        // counts against the decoding's memory, or a short body would make a huge list.
        let cost = std::mem::size_of::<Correction>() + at.len() + std::mem::size_of::<&str>();
        if !super::limits::charge(cost) {
            return Err(super::limits::too_large(path));
        }
        corrections.push(Correction { path: at });
        filled.push(key);
        Ok(true)
    })
}

/// Sets the required member `key`, unless decoding filled it and it still holds the zero
/// value it was filled with (the rule of [`encode::is_filled_zero`](super::encode::is_filled_zero)).
#[inline]
pub fn put_required<T: Json>(map: &mut Map<String, Value>, key: &str, value: &T, filled: &Filled) {
    if filled.is_empty() || !super::encode::is_filled_zero(key, value, filled) {
        map.insert(key.to_owned(), value.to_json());
    }
}

/// Runs `decode` (a response's decoding) filling missing required fields, unless
/// responses are being decoded strictly. When it succeeds, a `tracing` warning lists the
/// fields filled, and the innermost [`collecting`] caller gets them.
///
/// # Errors
///
/// The error of `decode`.
pub fn correcting<T, E>(status: u16, decode: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    if STRICT.get() {
        return decode();
    }
    let scope = Scope::enter(Some(Vec::new()));
    let result = decode();
    finish(scope, status, result.is_ok());
    result
}

/// Ends the scope of one response's corrections, reporting them when it decoded. Not
/// generic, so that it is compiled once rather than once per response type.
fn finish(scope: Scope, status: u16, decoded: bool) {
    let corrections = scope.take();
    if !corrections.is_empty() && decoded {
        report(status, corrections);
    }
}

/// The most filled paths one warning lists.
const LOGGED_PATHS: usize = 20;

/// Logs and hands over the corrections of one response. Not generic, so that the
/// `tracing` machinery is compiled once, not once per response type.
#[cold]
fn report(status: u16, corrections: Vec<Correction>) {
    // A log line stays short whatever the body: the first paths, and how many in all.
    let paths: Vec<&str> = corrections
        .iter()
        .take(LOGGED_PATHS)
        .map(|c| c.path.as_str())
        .collect();
    tracing::warn!(
        target: "atlas_generated",
        status,
        filled = corrections.len(),
        missing = ?paths,
        "the response lacks fields the spec requires; they were filled with zero values"
    );
    COLLECTED.with(|c| {
        if let Some(list) = c.borrow_mut().last_mut() {
            list.extend(corrections);
        }
    });
}

/// The correction state of one decoding, restored when it ends (even by a panic).
struct Scope {
    /// The state to restore; `None` once restored.
    outer: Option<Option<Vec<Correction>>>,
}

impl Scope {
    fn enter(state: Option<Vec<Correction>>) -> Scope {
        Scope {
            outer: Some(CORRECTING.replace(state)),
        }
    }

    /// Ends the scope, returning the corrections it gathered.
    fn take(mut self) -> Vec<Correction> {
        let outer = self.outer.take().flatten();
        CORRECTING.replace(outer).unwrap_or_default()
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        if let Some(outer) = self.outer.take() {
            CORRECTING.set(outer);
        }
    }
}

/// Decodes an untagged union with `decode`, which tries each branch in [`branch`]: first
/// strictly, so that a branch the value fits whole wins over one it fits only with zero
/// values filled in, then (if none fits and a response is being corrected) filling.
///
/// # Errors
///
/// The error of the last pass when no branch fits.
pub fn branches<T>(decode: impl Fn() -> Result<T, DecodeError>) -> Result<T, DecodeError> {
    if !is_correcting() {
        return decode();
    }
    let strict = {
        let _scope = Scope::enter(None);
        decode()
    };
    match strict {
        Ok(value) => Ok(value),
        Err(_) => decode(),
    }
}

/// Tries one branch of an untagged union: the corrections of a branch that does not fit
/// are forgotten, and the memory it took is given back to the decoding's budget.
///
/// # Errors
///
/// The branch's decoding error.
#[inline]
pub fn branch<T>(decode: impl FnOnce() -> Result<T, DecodeError>) -> Result<T, DecodeError> {
    let mark = correction_count();
    let budget = super::limits::left();
    let result = decode();
    if result.is_err() {
        forget_corrections_after(mark);
        // What the attempt built is dropped: its memory is free again.
        super::limits::give_back(budget);
    }
    result
}

fn is_correcting() -> bool {
    CORRECTING.with_borrow(Option::is_some)
}

fn correction_count() -> usize {
    CORRECTING.with_borrow(|state| state.as_ref().map_or(0, Vec::len))
}

fn forget_corrections_after(mark: usize) {
    CORRECTING.with_borrow_mut(|state| {
        if let Some(corrections) = state {
            corrections.truncate(mark);
        }
    });
}

/// Runs `decode` with no response being corrected, whatever the caller's state: a
/// missing required field is an error, as the fast reader needs (see
/// [`Reader::decode`](super::reader::Reader::decode)).
pub(super) fn uncorrected<T>(decode: impl FnOnce() -> T) -> T {
    let _scope = Scope::enter(None);
    decode()
}

/// Runs `decode` with responses decoded strictly: a missing required field is an error.
pub fn strictly<T>(decode: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            STRICT.set(self.0);
        }
    }
    let _restore = Restore(STRICT.replace(true));
    decode()
}

/// Runs `decode`, returning with its result the corrections of every response it decoded.
pub fn collecting<T>(decode: impl FnOnce() -> T) -> (T, Vec<Correction>) {
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            COLLECTED.with(|c| c.borrow_mut().pop());
        }
    }
    COLLECTED.with(|c| c.borrow_mut().push(Vec::new()));
    let pop = Pop;
    let result = decode();
    let corrections = COLLECTED
        .with(|c| c.borrow_mut().last_mut().map(std::mem::take))
        .unwrap_or_default();
    drop(pop);
    (result, corrections)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::json::{Path, from_slice, object, optional, put_optional};
    use serde_json::json;

    /// Hand-written like a generated struct: `name` and `size` required, `note` optional.
    #[derive(Debug, Clone, PartialEq)]
    struct Item {
        name: String,
        size: i32,
        note: Option<String>,
        filled: Filled,
    }

    impl Json for Item {
        fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
            let mut map = object(value, path)?;
            let mut filled = Filled::default();
            Ok(Item {
                name: required(&mut map, "name", path, &mut filled)?,
                size: required(&mut map, "size", path, &mut filled)?,
                note: optional(&mut map, "note", path)?,
                filled,
            })
        }

        fn to_json(&self) -> Value {
            let mut map = Map::new();
            put_required(&mut map, "name", &self.name, &self.filled);
            put_required(&mut map, "size", &self.size, &self.filled);
            put_optional(&mut map, "note", &self.note);
            Value::Object(map)
        }

        fn zero() -> Option<Self> {
            Some(Item {
                name: String::new(),
                size: 0,
                note: None,
                filled: Filled::all(&["name", "size"]),
            })
        }
    }

    /// Like a generated untagged union of an `Item` and a bare string.
    #[derive(Debug, PartialEq)]
    enum ItemOrName {
        Item(Item),
        Name(String),
    }

    impl Json for ItemOrName {
        fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
            branches(|| {
                if let Ok(item) = branch(|| Item::from_json(value.clone(), path)) {
                    return Ok(ItemOrName::Item(item));
                }
                branch(|| String::from_json(value.clone(), path)).map(ItemOrName::Name)
            })
        }

        fn to_json(&self) -> Value {
            match self {
                ItemOrName::Item(item) => item.to_json(),
                ItemOrName::Name(name) => name.to_json(),
            }
        }
    }

    fn decode<T: Json>(body: &[u8]) -> (Result<T, DecodeError>, Vec<Correction>) {
        collecting(|| correcting(200, || from_slice::<T>(body)))
    }

    fn paths(corrections: &[Correction]) -> Vec<&str> {
        corrections.iter().map(|c| c.path.as_str()).collect()
    }

    #[test]
    fn outside_a_response_a_missing_field_is_an_error() {
        let error = from_slice::<Item>(br#"{"name":"a"}"#).unwrap_err();
        assert_eq!(error.to_string(), "at `$`: missing required field `size`");
    }

    #[test]
    fn a_response_fills_zero_values_and_encodes_back_what_it_received() {
        let body = json!([{"name": "a", "size": 2}, {"note": "n"}, {"size": 0}]);
        let (items, corrections) = decode::<Vec<Item>>(body.to_string().as_bytes());
        let items = items.unwrap();
        assert_eq!(paths(&corrections), ["$[1].name", "$[1].size", "$[2].name"]);
        assert!(items[0].filled.is_empty());
        assert_eq!(
            items[1].filled.names().collect::<Vec<_>>(),
            ["name", "size"]
        );
        assert_eq!((items[1].name.as_str(), items[1].size), ("", 0));
        assert!(items[2].filled.contains("name") && !items[2].filled.contains("size"));
        assert_eq!(items.to_json(), body, "nothing is invented");
    }

    #[test]
    fn a_filled_field_set_to_another_value_is_encoded() {
        let (item, _) = decode::<Item>(br#"{"size":3}"#);
        let mut item = item.unwrap();
        item.name = "set".to_owned();
        assert_eq!(item.to_json(), json!({"name": "set", "size": 3}));
    }

    #[test]
    fn strict_decoding_and_other_errors_are_kept() {
        let (result, corrections) =
            collecting(|| strictly(|| correcting(200, || from_slice::<Item>(br#"{"size":1}"#))));
        assert_eq!(
            result.unwrap_err().to_string(),
            "at `$`: missing required field `name`"
        );
        assert!(corrections.is_empty());
        // A present member of the wrong type is not corrected, and a body that fails to
        // decode reports no correction made on the way.
        let (result, corrections) = decode::<Item>(br#"{"size":"big"}"#);
        assert_eq!(result.unwrap_err().path(), "$.size");
        assert!(corrections.is_empty(), "{corrections:?}");
    }

    #[test]
    fn a_union_prefers_the_branch_the_value_fits_whole() {
        let (value, corrections) = decode::<ItemOrName>(br#""just a name""#);
        assert_eq!(value.unwrap(), ItemOrName::Name("just a name".to_owned()));
        assert!(
            corrections.is_empty(),
            "the failed attempt left {corrections:?}"
        );
        let (value, corrections) = decode::<ItemOrName>(br#"{"name":"a"}"#);
        let ItemOrName::Item(item) = value.unwrap() else {
            panic!("expected the item branch");
        };
        assert_eq!(paths(&corrections), ["$.size"]);
        assert_eq!(item.to_json(), json!({"name": "a"}));
    }

    #[test]
    fn state_is_restored_after_a_panic() {
        let result = std::panic::catch_unwind(|| {
            let _: Result<(), ()> = correcting(200, || panic!("decoder bug"));
        });
        assert!(result.is_err());
        assert!(CORRECTING.with(|c| c.borrow().is_none()));
        assert!(from_slice::<Item>(b"{}").is_err(), "strict again");
    }
}
