//! The bounds every decoder puts on a document it did not write: how deep it nests, and
//! how much memory its typed value may take.
//!
//! A server (or anyone between it and the program) controls every byte of a response, so
//! decoding must end with an error, never a stack overflow or an allocation that aborts
//! the process:
//!
//! - **Depth.** A document nested deeper than [`MAX_DEPTH`] arrays and objects does not
//!   decode, wherever the nesting is (typed fields or free-form JSON). The error names the
//!   first place too deep: ``at `$.linkedInvoices[0]…`: nested deeper than 64 arrays and
//!   objects``. The fast reader counts as it goes; the `Value` path scans the text first
//!   ([`check_text`]); a [`Value`] handed in whole is walked without recursion
//!   ([`check_value`]). Real Atlas documents nest 9 levels at most.
//! - **Memory.** Decoding a body of `n` bytes may take [`MEMORY_PER_BODY_BYTE`]` × n +
//!   `[`MEMORY_FLOOR`] bytes (32 n + 1 MiB), counted before each allocation: lists as they
//!   grow, maps per entry, boxes, the record of filled fields, the copy each branch of an
//!   untagged union tries, and free-form JSON by an estimate of what `serde_json`
//!   allocates for it, made in one pass over its text. Past that, the document
//!   does not decode. Without the bound, a 30 MB list of `{}` became 30 million structs of
//!   a few hundred bytes each. With what it holds beyond the budget (its strings' text,
//!   the body an error keeps), a decoding holds at most [`held_at_most`]`(n)`, about
//!   34 n + 1 MiB; real bodies take about 10 n.

use std::cell::Cell;

use serde_json::Value;

use super::json::{DecodeError, Path};

/// The deepest nesting of arrays and objects a decoded document may have.
pub const MAX_DEPTH: usize = 64;

/// Bytes a decoding may take per byte of the body. Real bodies take about 10 (a page of 500
/// recorded clusters decoded through `Value`): a margin of three.
pub const MEMORY_PER_BODY_BYTE: usize = 32;

/// Typed bytes any decoding may hold, however short its body.
pub const MEMORY_FLOOR: usize = 1 << 20;

/// What a decoding holds beyond its budget, per byte of the body: the text of its typed
/// strings (a `String` is counted where it sits, its text is not), and the copy of the
/// body that an error keeps.
pub const HELD_BEYOND_BUDGET_PER_BODY_BYTE: usize = 2;

/// The most a decoding of a body of `body_len` bytes holds at once: its budget
/// ([`MEMORY_PER_BODY_BYTE`] and [`MEMORY_FLOOR`]) and what it holds beyond
/// ([`HELD_BEYOND_BUDGET_PER_BODY_BYTE`]). `tests/hostile_decoding.rs` and the fuzz
/// targets hold every decoding to it.
#[must_use]
pub const fn held_at_most(body_len: usize) -> usize {
    body_len
        .saturating_mul(MEMORY_PER_BODY_BYTE + HELD_BEYOND_BUDGET_PER_BODY_BYTE)
        .saturating_add(MEMORY_FLOOR)
}

/// Why a document was refused: it is too deep at `path`.
fn too_deep(path: &Path<'_>) -> DecodeError {
    DecodeError::new(
        path,
        format!("nested deeper than {MAX_DEPTH} arrays and objects"),
    )
}

/// What [`scan`] found of a JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scanned {
    /// It nests more arrays and objects than the scan allowed.
    TooDeep,
    /// It nests no deeper, and parsed into a [`Value`] it would take at most this many
    /// bytes (see [`value_bytes`]).
    Fits(usize),
}

/// An array or object open where a [`scan`] stands.
#[derive(Clone, Copy, Default)]
struct Open {
    array: bool,
    /// Its elements, or members.
    count: usize,
    /// No element has started yet (for an array).
    empty: bool,
}

/// Scans the JSON text `text`: whether it nests more than `depth` arrays and objects, and
/// otherwise how much memory its [`Value`] would take. Strings are skipped; the text is not
/// otherwise checked (a parser does that). One pass, no allocation: cheap beside parsing.
#[must_use]
pub(crate) fn scan(text: &[u8], depth: usize) -> Scanned {
    let mut open = [Open::default(); MAX_DEPTH + 1];
    let mut level = 0_usize;
    let mut bytes = 0_usize;
    let mut rest = text.iter();
    while let Some(&byte) = rest.next() {
        // A value starting inside an array is its element.
        if level > 0 && open[level - 1].array && open[level - 1].empty && starts_value(byte) {
            open[level - 1].empty = false;
            open[level - 1].count = 1;
        }
        match byte {
            b'[' | b'{' => {
                if level >= depth.min(MAX_DEPTH) {
                    return Scanned::TooDeep;
                }
                open[level] = Open {
                    array: byte == b'[',
                    count: 0,
                    empty: true,
                };
                level += 1;
            }
            b']' | b'}' if level > 0 => {
                level -= 1;
                bytes = bytes.saturating_add(container_bytes(open[level]));
            }
            b',' if level > 0 && open[level - 1].array => open[level - 1].count += 1,
            b':' if level > 0 => open[level - 1].count += 1,
            b'"' => bytes = bytes.saturating_add(skip_string(&mut rest)),
            _ => {}
        }
    }
    Scanned::Fits(bytes)
}

/// Whether `byte` starts a JSON value.
fn starts_value(byte: u8) -> bool {
    matches!(
        byte,
        b'"' | b'[' | b'{' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
    )
}

/// The bytes `serde_json` allocates for an array or object of a [`Value`] (measured on
/// serde_json 1, 64-bit): a list of 32-byte values whose capacity is up to twice its
/// length (4 at least), or a B-tree map whose nodes of 11 members take 632 bytes (728
/// for an inner node), each half full at worst.
fn container_bytes(open: Open) -> usize {
    const VALUE: usize = 32;
    const NODE: usize = 728;
    match open {
        Open { count: 0, .. } => 0,
        Open {
            array: true, count, ..
        } => VALUE * (2 * count).max(4),
        Open { count, .. } if count <= 11 => NODE,
        Open { count, .. } => NODE * (count * 2).div_ceil(11) * 7 / 6,
    }
}

/// What `value` takes in memory, by the rule [`scan`] applies to text.
fn value_bytes(value: &Value) -> usize {
    // The caller's value nests at most MAX_DEPTH levels (it was checked): bounded.
    match value {
        Value::String(text) => text.len(),
        Value::Array(items) => items.iter().fold(
            container_bytes(Open {
                array: true,
                count: items.len(),
                empty: false,
            }),
            |sum, item| sum.saturating_add(value_bytes(item)),
        ),
        Value::Object(members) => members.iter().fold(
            container_bytes(Open {
                array: false,
                count: members.len(),
                empty: false,
            }),
            |sum, (key, item)| sum.saturating_add(key.len() + value_bytes(item)),
        ),
        Value::Null | Value::Bool(_) | Value::Number(_) => 0,
    }
}

/// A copy of `value` for one branch of an untagged union to try, taken from the
/// decoding's memory budget (a branch that fails gives it back: see
/// [`correction::branch`](super::correction::branch)).
///
/// # Errors
///
/// The budget is spent: the union does not decode.
pub fn branch_value(value: &Value, path: &Path<'_>) -> Result<Value, DecodeError> {
    if !charge(value_bytes(value)) {
        return Err(too_large(path));
    }
    Ok(value.clone())
}

/// What the decoding under way may still take; `None` outside one.
pub(crate) fn left() -> Option<usize> {
    BUDGET.get()
}

/// Sets what the decoding under way may still take, as [`left`] gave it: what a failed
/// attempt took is freed with it.
pub(crate) fn give_back(left: Option<usize>) {
    BUDGET.set(left);
}

/// Moves `bytes` past the end of the string whose opening quote was just read; its length
/// in the text (at least what it takes decoded).
fn skip_string(bytes: &mut std::slice::Iter<'_, u8>) -> usize {
    let mut length = 0;
    while let Some(&byte) = bytes.next() {
        match byte {
            b'\\' => {
                bytes.next();
                length += 2;
            }
            b'"' => return length,
            _ => length += 1,
        }
    }
    length
}

/// Checks that the JSON text `text` nests at most [`MAX_DEPTH`] arrays and objects, and
/// that its [`Value`] fits the decoding's memory budget, which it takes from.
///
/// # Errors
///
/// A [`DecodeError`] naming the first array or object too deep, or saying the document
/// is too large.
pub fn check_text(text: &[u8]) -> Result<(), DecodeError> {
    match scan(text, MAX_DEPTH) {
        Scanned::TooDeep => Err(locate_in_text(text)),
        Scanned::Fits(bytes) if charge(bytes) => Ok(()),
        Scanned::Fits(_) => Err(too_large(&Path::Root)),
    }
}

/// One step of the path to where a walk stands: a member's key or an element's index.
enum Step<K> {
    Key(K),
    Index(usize),
}

/// The error at `steps` below `path`.
fn error_below<K: AsRef<str>>(path: &Path<'_>, steps: &[Step<K>]) -> DecodeError {
    // At most MAX_DEPTH + 1 steps: the recursion is bounded.
    match steps.split_first() {
        None => too_deep(path),
        Some((Step::Key(key), rest)) => error_below(&path.key(key.as_ref()), rest),
        Some((Step::Index(index), rest)) => error_below(&path.index(*index), rest),
    }
}

/// The error naming the first array or object of `text` deeper than [`MAX_DEPTH`]; `text`
/// is known to have one.
fn locate_in_text(text: &[u8]) -> DecodeError {
    match deep_place(text) {
        Some(steps) => error_below(&Path::Root, &steps),
        // Malformed before the deep place: the depth is still too great, named at the root.
        None => too_deep(&Path::Root),
    }
}

/// The steps to the first array or object of `text` deeper than [`MAX_DEPTH`]; `None` when
/// the text has none, or is malformed before it. Walks the text with a pull parser and a
/// stack of its own, so that no depth of input recurses.
fn deep_place(text: &[u8]) -> Option<Vec<Step<String>>> {
    use jiter::{Jiter, Peek};
    let mut jiter = Jiter::new(text);
    // The step to each open array or object's current child, and whether it is an array.
    let mut steps: Vec<Step<String>> = Vec::new();
    let mut peek = jiter.peek().ok()?;
    loop {
        // The value at `steps` starts with `peek`: enter it, or skip it.
        let child = match peek {
            Peek::Array | Peek::Object if steps.len() >= MAX_DEPTH => return Some(steps),
            Peek::Array => jiter
                .known_array()
                .ok()?
                .map(|first| (Step::Index(0), first)),
            Peek::Object => match jiter.known_object().ok()? {
                Some(key) => {
                    let step = Step::Key(key.to_owned());
                    Some((step, jiter.peek().ok()?))
                }
                None => None,
            },
            other => {
                jiter.known_skip(other).ok()?;
                None
            }
        };
        if let Some((step, first)) = child {
            steps.push(step);
            peek = first;
            continue;
        }
        // The value is over: move to its next sibling, closing what ends on the way.
        peek = loop {
            let next = match steps.last_mut()? {
                Step::Index(index) => jiter.array_step().ok()?.inspect(|_| *index += 1),
                Step::Key(key) => match jiter.next_key().ok()? {
                    Some(next) => {
                        *key = next.to_owned();
                        Some(jiter.peek().ok()?)
                    }
                    None => None,
                },
            };
            match next {
                Some(next) => break next,
                None => {
                    steps.pop();
                }
            }
        };
    }
}

/// The children of an array or object being walked.
enum Children<'v> {
    Array(std::iter::Enumerate<std::slice::Iter<'v, Value>>),
    Object(serde_json::map::Iter<'v>),
}

impl<'v> Iterator for Children<'v> {
    type Item = (Step<&'v str>, &'v Value);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Children::Array(items) => items.next().map(|(i, v)| (Step::Index(i), v)),
            Children::Object(members) => members.next().map(|(k, v)| (Step::Key(k.as_str()), v)),
        }
    }
}

/// Checks that `value`, found at `path`, nests at most [`MAX_DEPTH`] arrays and objects
/// counted from the document's root (`path` is that deep already). Walks without
/// recursion, so that a value of any depth is safe to check.
///
/// # Errors
///
/// A [`DecodeError`] naming the first array or object too deep.
pub fn check_value(value: &Value, path: &Path<'_>) -> Result<(), DecodeError> {
    measure_value(value, path).map(drop)
}

/// Decodes `value`, found at `path` and handed in whole (by a serde `Deserializer`, or by
/// `dynamic`'s arguments), with `decode`, bounded as a decoding of text is: its depth is
/// checked first, and the memory the typed value takes is counted against the budget of
/// a body as long as the value's JSON text.
///
/// # Errors
///
/// The first place too deep, the budget spent, or the error of `decode`.
pub(crate) fn decode_value<T>(
    value: Value,
    path: &Path<'_>,
    decode: impl FnOnce(Value) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let length = measure_value(&value, path)?;
    let _budget = Budget::enter(length);
    decode(value)
}

/// Checks the depth of `value` as [`check_value`] does, returning the length of its JSON
/// text (at most a few bytes off for numbers, which count as 24).
fn measure_value(value: &Value, path: &Path<'_>) -> Result<usize, DecodeError> {
    let budget = MAX_DEPTH.saturating_sub(path.depth());
    let scalar = |value: &Value| match value {
        Value::String(text) => text.len() + 2,
        Value::Number(_) => 24,
        _ => 5,
    };
    // The step to each open array or object, and the children it has left.
    let mut open: Vec<(Option<Step<&str>>, Children<'_>)> = Vec::new();
    let mut next: Option<(Option<Step<&str>>, &Value)> = Some((None, value));
    let mut length = 0_usize;
    loop {
        if let Some((step, value)) = next.take() {
            // Its key and separators, its brackets: a few bytes over at most.
            length = length.saturating_add(match &step {
                Some(Step::Key(key)) => key.len() + 4,
                _ => 1,
            });
            let children = match value {
                Value::Array(items) => Children::Array(items.iter().enumerate()),
                Value::Object(members) => Children::Object(members.iter()),
                scalar_value => {
                    length = length.saturating_add(scalar(scalar_value));
                    continue;
                }
            };
            if open.len() >= budget {
                let mut steps: Vec<Step<&str>> = open.into_iter().filter_map(|(s, _)| s).collect();
                steps.extend(step);
                return Err(error_below(path, &steps));
            }
            length = length.saturating_add(2);
            open.push((step, children));
        }
        let Some((_, children)) = open.last_mut() else {
            return Ok(length);
        };
        match children.next() {
            Some((step, child)) => next = Some((Some(step), child)),
            None => {
                open.pop();
            }
        }
    }
}

thread_local! {
    /// The typed bytes the decoding under way on this thread may still take; `None`
    /// outside one, where nothing is counted.
    static BUDGET: Cell<Option<usize>> = const { Cell::new(None) };
    /// The most a decoding took, while [`peak_charge`] measures.
    static PEAK_USED: Cell<usize> = const { Cell::new(0) };
}

/// The memory budget of one decoding of a body, restored when it ends (even by a panic).
pub(crate) struct Budget {
    outer: Option<usize>,
    limit: usize,
}

impl Budget {
    /// Opens the budget of a body of `body_len` bytes.
    pub(crate) fn enter(body_len: usize) -> Budget {
        let limit = budget_of(body_len);
        Budget {
            outer: BUDGET.replace(Some(limit)),
            limit,
        }
    }

    /// Gives the whole budget back: the attempt that spent it is gone.
    pub(crate) fn refill(&self) {
        self.note_used();
        BUDGET.set(Some(self.limit));
    }
}

impl Budget {
    /// Notes what this decoding took, for [`peak_charge`].
    fn note_used(&self) {
        let used = self.limit - BUDGET.get().unwrap_or(self.limit).min(self.limit);
        PEAK_USED.set(PEAK_USED.get().max(used));
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        self.note_used();
        BUDGET.set(self.outer);
    }
}

/// Runs `f`, returning with its result the most any one decoding under it took from its
/// budget: how close real bodies come to being refused (`tests/hostile_decoding.rs`).
#[doc(hidden)]
pub fn peak_charge<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let outer = PEAK_USED.replace(0);
    let result = f();
    (result, PEAK_USED.replace(outer))
}

/// What a list of elements of `size` bytes is charged for its first element: the first
/// allocation of a `Vec` (std's smallest capacity for that size) and two elements more.
/// With [`next_element_room`] for each later element, a list of `k` elements is charged
/// `smallest + 2 k` elements, what a `Vec` that grows by at most twice its capacity when
/// full can hold (`lists_are_charged_what_a_vec_holds` checks it against std's `Vec`).
#[inline]
#[must_use]
pub(crate) fn first_element_room(size: usize) -> usize {
    // std's `RawVec::MIN_NON_ZERO_CAP`.
    let smallest = match size {
        1 => 8,
        2..=1024 => 4,
        _ => 1,
    };
    size.saturating_mul(smallest + 2)
}

/// What a list is charged for each element after its first: see [`first_element_room`].
#[inline]
#[must_use]
pub(crate) fn next_element_room(size: usize) -> usize {
    size.saturating_mul(2)
}

/// What the entry at `index` of a `BTreeMap<String, T>` takes: the first allocates a node
/// of 11 entries, the others their share of nodes at worst half full. The key's text is
/// counted apart.
#[inline]
#[must_use]
pub(crate) fn map_entry<T>(index: usize) -> usize {
    let entry = std::mem::size_of::<(String, T)>();
    if index == 0 {
        12 * entry + 112
    } else {
        2 * entry
    }
}

/// Whether a body of `body_len` bytes whose text [`scan`] found to take `value_bytes` as a
/// [`Value`] fits a decoding's budget, for a parse outside a typed decoding.
#[must_use]
pub(crate) fn fits(body_len: usize, scanned: Scanned) -> bool {
    match scanned {
        Scanned::TooDeep => false,
        Scanned::Fits(bytes) => bytes <= budget_of(body_len),
    }
}

/// The memory budget of a decoding of `body_len` bytes.
fn budget_of(body_len: usize) -> usize {
    body_len
        .saturating_mul(MEMORY_PER_BODY_BYTE)
        .saturating_add(MEMORY_FLOOR)
}

/// Takes `bytes` from the budget of the decoding under way; `false` when it has not that
/// much left (the budget is then spent, so that the decoding fails).
#[inline]
#[must_use]
pub(crate) fn charge(bytes: usize) -> bool {
    BUDGET.with(|budget| match budget.get() {
        None => true,
        Some(left) => match left.checked_sub(bytes) {
            Some(rest) => {
                budget.set(Some(rest));
                true
            }
            None => {
                budget.set(Some(0));
                false
            }
        },
    })
}

/// Why a document was refused: its typed value would take more memory than its budget.
#[cold]
pub(crate) fn too_large(path: &Path<'_>) -> DecodeError {
    DecodeError::new(
        path,
        format!(
            "the decoded value would take more than {MEMORY_PER_BODY_BYTE} bytes of memory per byte of the body (and {MEMORY_FLOOR} more)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Pushes 100,000 elements of `N` bytes, as `Vec::read` does: what the list holds
    /// never exceeds what its elements were charged.
    fn charged_covers_held<const N: usize>() {
        let mut list: Vec<[u8; N]> = Vec::new();
        let mut charged = 0_usize;
        for k in 0..100_000 {
            charged += if k == 0 {
                first_element_room(N)
            } else {
                next_element_room(N)
            };
            list.push([0; N]);
            let held = list.capacity() * N;
            assert!(
                held <= charged,
                "{N}-byte elements, {}: held {held}, charged {charged}",
                k + 1
            );
        }
    }

    #[test]
    fn lists_are_charged_what_a_vec_holds() {
        charged_covers_held::<1>();
        charged_covers_held::<2>();
        charged_covers_held::<24>();
        charged_covers_held::<1024>();
        charged_covers_held::<1025>();
        charged_covers_held::<4096>();
    }

    fn nested(depth: usize) -> String {
        let mut text = String::new();
        for _ in 0..depth {
            text.push_str(r#"{"a":["#);
        }
        text.push('1');
        for _ in 0..depth {
            text.push_str("]}");
        }
        text
    }

    #[test]
    fn text_depth_counts_arrays_and_objects_outside_strings() {
        assert_ne!(scan(b"[[1]]", 2), Scanned::TooDeep);
        assert_eq!(scan(b"[[1]]", 1), Scanned::TooDeep);
        assert_ne!(scan(br#"["[[[[", "\"[[["]"#, 1), Scanned::TooDeep);
        assert_ne!(scan(br#"{"a\\":"[["}"#, 1), Scanned::TooDeep);
        assert!(check_text(nested(32).as_bytes()).is_ok(), "64 levels");
        let error = check_text(nested(33).as_bytes()).unwrap_err();
        let expected = "$".to_owned() + &".a[0]".repeat(32);
        assert_eq!(error.path(), expected);
        assert_eq!(error.message(), "nested deeper than 64 arrays and objects");
    }

    #[test]
    fn the_deep_place_is_named_past_siblings() {
        let deep = "[".repeat(70) + &"]".repeat(70);
        let text = format!(r#"{{"x":[1,{{"y":2}},[[]]],"odd key":[0,{deep}]}}"#);
        let error = check_text(text.as_bytes()).unwrap_err();
        let expected = r#"$["odd key"][1]"#.to_owned() + &"[0]".repeat(62);
        assert_eq!(error.path(), expected);
    }

    #[test]
    fn values_are_checked_from_where_they_are() {
        let value: Value = serde_json::from_str(&nested(32)).unwrap();
        assert!(check_value(&value, &Path::Root).is_ok());
        let root = Path::Root;
        let error = check_value(&value, &root.key("body")).unwrap_err();
        assert_eq!(
            error.path(),
            "$.body".to_owned() + &".a[0]".repeat(31) + ".a"
        );
        assert!(check_value(&json!([1, {"a": [[]]}]), &Path::Root).is_ok());
    }

    #[test]
    fn the_budget_is_counted_only_inside_a_decoding() {
        assert!(charge(usize::MAX), "nothing is counted outside a decoding");
        let budget = Budget::enter(0);
        assert!(charge(MEMORY_FLOOR - 1));
        assert!(charge(1));
        assert!(!charge(1));
        assert!(!charge(0) || charge(0), "spent");
        budget.refill();
        assert!(charge(MEMORY_FLOOR));
        drop(budget);
        assert!(charge(usize::MAX));
    }
}
