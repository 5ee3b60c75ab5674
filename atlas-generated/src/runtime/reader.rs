//! Decoding straight from JSON text, without building a [`serde_json::Value`] first.
//!
//! [`from_slice`](super::from_slice) first reads the text with a [`Reader`]: each type's
//! [`Json::read`] takes its value token by token from a [`jiter`] pull parser, so a
//! response becomes its Rust value with no tree in between. This path only decodes what
//! decodes cleanly and strictly. At anything else (a type mismatch, a missing required
//! field, a number that needs converting, a union that must try its branches) it gives
//! up with [`Bail`], and the document is decoded again through `Value` by
//! [`Json::from_json`], which names the place of an error and fills missing required
//! fields of responses. Whenever the reader succeeds, its value is the one `from_json`
//! gives (`tests/traffic.rs` and `tests/spec_examples.rs` check it on every recorded body
//! and spec example, `tests/reader.rs` on odd documents), so the fast path is invisible
//! but for speed.

use jiter::{Jiter, NumberInt, Peek};
use serde_json::{Map, Value};

use super::correction;
use super::json::{Json, Path};
use super::limits::{self, MAX_DEPTH};

/// The reader gave up: decode the document through [`Value`] instead, which also says
/// why and where when it cannot be decoded. The reader gives up, among other things, at a
/// document nested deeper than [`MAX_DEPTH`] and at one whose typed value would take more
/// memory than [`limits`] allows; the `Value` path then names the place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bail;

impl From<jiter::JiterError> for Bail {
    #[inline]
    fn from(_: jiter::JiterError) -> Self {
        Bail
    }
}

/// A position in a JSON text, from which values are read one after another.
pub struct Reader<'j> {
    jiter: Jiter<'j>,
    /// A member the next struct read leaves out: the tag of the union whose variant it
    /// is, which the union holds (see [`Reader::tagged`]).
    hidden: Option<&'static str>,
    /// How many arrays and objects enclose the next value, counted from the document's
    /// root: at most [`MAX_DEPTH`], so that reading recurses a bounded number of times.
    depth: usize,
}

impl<'j> Reader<'j> {
    /// A reader at the start of `text`.
    #[inline]
    #[must_use]
    pub fn new(text: &'j [u8]) -> Self {
        Reader::at_depth(text, 0)
    }

    /// A reader of `text`, a value found `depth` arrays and objects deep.
    fn at_depth(text: &'j [u8], depth: usize) -> Self {
        Reader {
            jiter: Jiter::new(text),
            hidden: None,
            depth,
        }
    }

    /// Counts an array or object entered.
    ///
    /// # Errors
    ///
    /// [`Bail`] past [`MAX_DEPTH`].
    #[inline]
    fn enter(&mut self) -> Result<(), Bail> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Bail);
        }
        Ok(())
    }

    /// Counts an array or object left.
    #[inline]
    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Takes `bytes` from the decoding's memory budget, for an element about to be
    /// stored: a list's, a map's, or a box's.
    ///
    /// # Errors
    ///
    /// [`Bail`] when the budget is spent; the `Value` path then names the place.
    #[inline]
    pub fn charge(&mut self, bytes: usize) -> Result<(), Bail> {
        if limits::charge(bytes) {
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Decodes the whole of `text` as a `T`, or bails.
    ///
    /// # Errors
    ///
    /// [`Bail`] when `text` is not exactly one JSON value that decodes strictly as a `T`.
    pub fn decode<T: Json>(text: &'j [u8]) -> Result<T, Bail> {
        // Strictly: a missing required field is left to the `Value` path, which fills it
        // and reports it.
        correction::uncorrected(|| {
            let mut reader = Reader::new(text);
            let value = T::read(&mut reader)?;
            reader.jiter.finish()?;
            Ok(value)
        })
    }

    /// The member a union's tag has, which the struct being read leaves out; `None`
    /// for a struct read on its own. A struct's [`Json::read`] takes it first, so that
    /// the structs nested in it do not see it.
    #[inline]
    pub fn take_hidden(&mut self) -> Option<&'static str> {
        self.hidden.take()
    }

    /// Reads the next value as a `T` into `slot`, replacing what it held.
    ///
    /// # Errors
    ///
    /// [`Bail`] when it is not a `T`.
    #[inline]
    pub fn set<T: Json>(&mut self, slot: &mut Option<T>) -> Result<(), Bail> {
        *slot = Some(T::read(self)?);
        Ok(())
    }

    /// Reads the next value as an optional `T` into `slot`: `null` empties it.
    ///
    /// # Errors
    ///
    /// [`Bail`] when it is neither `null` nor a `T`.
    #[inline]
    pub fn set_optional<T: Json>(&mut self, slot: &mut Option<T>) -> Result<(), Bail> {
        *slot = Option::<T>::read(self)?;
        Ok(())
    }

    /// Reads the next value as a nullable `T` into `slot`, present: `null` is `Some(None)`.
    ///
    /// # Errors
    ///
    /// [`Bail`] when it is neither `null` nor a `T`.
    #[inline]
    pub fn set_nullable<T: Json>(&mut self, slot: &mut Option<Option<T>>) -> Result<(), Bail> {
        *slot = Some(Option::<T>::read(self)?);
        Ok(())
    }

    /// Enters the object that is the next value, returning its first key (`None` when
    /// it is empty).
    ///
    /// # Errors
    ///
    /// [`Bail`] when the next value is not an object.
    #[inline]
    pub fn first_key(&mut self) -> Result<Option<&str>, Bail> {
        self.enter()?;
        let key = self.jiter.next_object()?;
        if key.is_none() {
            // The field, not `leave`: `key` borrows the parser.
            self.depth -= 1;
        }
        Ok(key)
    }

    /// The next key of the object being read, after its previous member's value;
    /// `None` at its end.
    ///
    /// # Errors
    ///
    /// [`Bail`] on malformed JSON.
    #[inline]
    pub fn next_key(&mut self) -> Result<Option<&str>, Bail> {
        let key = self.jiter.next_key()?;
        if key.is_none() {
            self.depth -= 1;
        }
        Ok(key)
    }

    /// Reads the value of a member the struct does not declare into `map`, unless it
    /// is the `hidden` tag. A later member of the same name replaces an earlier one,
    /// as when the object is parsed into a `Value`.
    ///
    /// # Errors
    ///
    /// [`Bail`] on malformed JSON.
    pub fn undeclared(
        &mut self,
        key: String,
        hidden: Option<&'static str>,
        map: &mut Map<String, Value>,
    ) -> Result<(), Bail> {
        if hidden == Some(key.as_str()) {
            self.jiter.next_skip()?;
            return Ok(());
        }
        let value = self.untyped()?;
        self.charge(key.len() + limits::map_entry::<Value>(map.len()))?;
        map.insert(key, value);
        Ok(())
    }

    /// The text of the next value, which is skipped.
    ///
    /// # Errors
    ///
    /// [`Bail`] on malformed JSON.
    #[inline]
    pub fn raw(&mut self) -> Result<&'j [u8], Bail> {
        let peek = self.jiter.peek()?;
        let start = self.jiter.current_index();
        self.jiter.known_skip(peek)?;
        Ok(self.jiter.slice_to_current(start))
    }

    /// The next value, parsed as it is.
    ///
    /// # Errors
    ///
    /// [`Bail`] on malformed JSON.
    #[inline]
    pub fn untyped(&mut self) -> Result<Value, Bail> {
        let raw = self.raw()?;
        parse_counted(raw, self.depth)
    }

    /// Reads the next value through [`Value`] and [`Json::from_json`]: what types without
    /// a reader of their own do (an untagged union tries its branches on the value).
    ///
    /// # Errors
    ///
    /// [`Bail`] when the value does not decode strictly.
    #[inline]
    pub fn via_value<T: Json>(&mut self) -> Result<T, Bail> {
        let value = self.untyped()?;
        from_value(value)
    }

    /// Reads the next value, an object, as a variant of a union whose tag is the member
    /// `property`: finds the tag (the last such member, when it is a string, as when the
    /// object is parsed into a `Value`), then lets `variant` read the object as the
    /// variant that tag selects. Unless `keep_tag`, the payload's struct leaves the tag
    /// out.
    ///
    /// # Errors
    ///
    /// [`Bail`] when the value is not an object, or `variant` bails.
    #[inline]
    pub fn tagged<T>(
        &mut self,
        property: &'static str,
        variant: impl FnOnce(Option<&str>, &mut Variant<'j>) -> Result<T, Bail>,
    ) -> Result<T, Bail> {
        // Not scanned here: a payload's reader counts its own depth and memory, and only
        // [`Variant::object`] parses the text as a `Value`.
        let raw = self.raw()?;
        let tag = tag_of(raw, property)?;
        let mut payload = Variant {
            raw,
            property,
            depth: self.depth,
        };
        variant(tag.as_deref(), &mut payload)
    }

    /// Reads the next value, a string.
    ///
    /// # Errors
    ///
    /// [`Bail`] when it is not a string.
    #[inline]
    pub fn string(&mut self) -> Result<&str, Bail> {
        Ok(self.jiter.next_str()?)
    }

    /// Reads the next value, `true` or `false`.
    ///
    /// # Errors
    ///
    /// [`Bail`] when it is not a boolean.
    #[inline]
    pub fn bool(&mut self) -> Result<bool, Bail> {
        Ok(self.jiter.next_bool()?)
    }

    /// Reads the next value, an integer written without fraction or exponent that fits
    /// an `i64` (others, such as `1e3`, go through `Value`).
    ///
    /// # Errors
    ///
    /// [`Bail`] when it is not one.
    #[inline]
    pub fn integer(&mut self) -> Result<i64, Bail> {
        match self.jiter.next_int()? {
            NumberInt::Int(i) => Ok(i),
        }
    }

    /// Reads the next value, a number, as an `f64`, rounded as `serde_json` rounds it
    /// (so that it equals what the `Value` path gives).
    ///
    /// # Errors
    ///
    /// [`Bail`] when it is not a number.
    #[inline]
    pub fn float(&mut self) -> Result<f64, Bail> {
        let text = self.jiter.next_number_bytes()?;
        if text.iter().all(|b| b.is_ascii_digit() || *b == b'-') {
            // `-0` is left to serde_json, which reads it as the float -0.0.
            let parsed = std::str::from_utf8(text)
                .ok()
                .and_then(|t| t.parse::<i64>().ok());
            if let Some(i) = parsed.filter(|&i| i != 0 || text == b"0") {
                #[allow(clippy::cast_precision_loss)]
                return Ok(i as f64);
            }
        }
        serde_json::from_slice(text).map_err(|_| Bail)
    }

    /// Whether the next value is `null`, which is then consumed.
    ///
    /// # Errors
    ///
    /// [`Bail`] on malformed JSON.
    #[inline]
    pub fn null(&mut self) -> Result<bool, Bail> {
        if self.jiter.peek()? == Peek::Null {
            self.jiter.known_null()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Enters the array that is the next value: whether it has a first element, read
    /// into a list of elements of `size` bytes. The list's first allocation is taken
    /// from the memory budget first, and then two elements' room per element: what a
    /// list that doubles when full can hold.
    ///
    /// # Errors
    ///
    /// [`Bail`] when the next value is not an array, or the budget is spent.
    #[inline]
    pub fn first_element(&mut self, size: usize) -> Result<bool, Bail> {
        self.enter()?;
        let first = self.jiter.next_array()?.is_some();
        if first {
            self.charge(limits::first_element_room(size))?;
        } else {
            self.leave();
        }
        Ok(first)
    }

    /// Whether the array being read has another element, after the previous one; its
    /// room in the list (see [`first_element`](Self::first_element)) is taken from the
    /// memory budget first.
    ///
    /// # Errors
    ///
    /// [`Bail`] on malformed JSON, or when the budget is spent.
    #[inline]
    pub fn next_element(&mut self, size: usize) -> Result<bool, Bail> {
        let next = self.jiter.array_step()?.is_some();
        if next {
            self.charge(limits::next_element_room(size))?;
        } else {
            self.leave();
        }
        Ok(next)
    }
}

/// The object a union's variant is read from (see [`Reader::tagged`]).
pub struct Variant<'j> {
    raw: &'j [u8],
    property: &'static str,
    /// The depth of the reader the object was found by.
    depth: usize,
}

impl Variant<'_> {
    /// Reads the object as the payload `T` of a variant, leaving the tag out of it
    /// unless `keep_tag`. Only a struct leaves a member out, so a payload that is not a
    /// struct is read through `Value` when the tag must go.
    ///
    /// # Errors
    ///
    /// [`Bail`] when the object is not a `T`.
    #[inline]
    pub fn payload<T: Json>(&mut self, keep_tag: bool) -> Result<T, Bail> {
        let mut reader = Reader::at_depth(self.raw, self.depth);
        if !keep_tag {
            reader.hidden = Some(self.property);
        }
        T::read(&mut reader)
    }

    /// Reads the object as the payload `T` of a variant through `Value`, without the tag:
    /// for a payload that is not a struct.
    ///
    /// # Errors
    ///
    /// [`Bail`] when the object is not a `T`.
    pub fn payload_via_value<T: Json>(&mut self) -> Result<T, Bail> {
        let object = self.object()?;
        let value = super::json::variant_payload(object, self.property, false);
        from_value(value)
    }

    /// Decodes the tag itself as the `T` a variant holds it in, when several tags
    /// select the variant.
    ///
    /// # Errors
    ///
    /// [`Bail`] when `tag` is not a `T`.
    #[inline]
    pub fn tag<T: Json>(&self, tag: &str) -> Result<T, Bail> {
        from_value(Value::String(tag.to_owned()))
    }

    /// The object, whole: what a union keeps for a tag it does not list.
    ///
    /// # Errors
    ///
    /// [`Bail`] on malformed JSON.
    #[inline]
    pub fn object(&mut self) -> Result<Map<String, Value>, Bail> {
        parse_counted(self.raw, self.depth)
    }
}

/// The value `raw`, found `depth` arrays and objects deep, parsed by serde, if it nests no
/// deeper than [`MAX_DEPTH`] allows and what it takes as a [`Value`] fits the memory budget.
fn parse_counted<T: serde::de::DeserializeOwned>(raw: &[u8], depth: usize) -> Result<T, Bail> {
    match limits::scan(raw, MAX_DEPTH - depth) {
        limits::Scanned::Fits(bytes) if limits::charge(bytes) => {
            serde_json::from_slice(raw).map_err(|_| Bail)
        }
        _ => Err(Bail),
    }
}

/// Decodes `value` strictly through [`Json::from_json`], bailing at any failure: what the
/// reader does for the shapes it leaves to `Value`.
fn from_value<T: Json>(value: Value) -> Result<T, Bail> {
    T::from_json(value, &Path::Root).map_err(|_| Bail)
}

/// The string value of the last member `property` of the object `raw`; `None` when
/// there is none or it is not a string.
fn tag_of(raw: &[u8], property: &str) -> Result<Option<String>, Bail> {
    let mut jiter = Jiter::new(raw);
    let mut tag = None;
    let mut is_tag = match jiter.next_object()? {
        Some(key) => key == property,
        None => return Ok(None),
    };
    loop {
        if is_tag {
            tag = match jiter.peek()? {
                Peek::String => Some(jiter.known_str()?.to_owned()),
                other => {
                    jiter.known_skip(other)?;
                    None
                }
            };
        } else {
            jiter.next_skip()?;
        }
        is_tag = match jiter.next_key()? {
            Some(key) => key == property,
            None => return Ok(tag),
        };
    }
}

/// How many documents [`from_slice`](super::from_slice) read straight from the text, and
/// how many it left to `Value`, while [`counting`].
#[doc(hidden)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReaderCount {
    /// Documents the reader decoded.
    pub read: usize,
    /// Documents the reader left to `Value`.
    pub bailed: usize,
}

thread_local! {
    static COUNT: std::cell::Cell<Option<ReaderCount>> = const { std::cell::Cell::new(None) };
    static DISABLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `decode`, counting how [`from_slice`](super::from_slice) decoded each document.
#[doc(hidden)]
pub fn counting<R>(decode: impl FnOnce() -> R) -> (R, ReaderCount) {
    let outer = COUNT.replace(Some(ReaderCount::default()));
    let result = decode();
    let count = COUNT.replace(outer).unwrap_or_default();
    (result, count)
}

/// Runs `decode` with the reader off: every document goes through `Value`. What tests
/// compare the reader with, to check that it is invisible.
#[doc(hidden)]
pub fn through_value<R>(decode: impl FnOnce() -> R) -> R {
    let outer = DISABLED.replace(true);
    let result = decode();
    DISABLED.set(outer);
    result
}

/// Whether [`from_slice`](super::from_slice) tries the reader first.
#[inline]
pub(super) fn enabled() -> bool {
    !DISABLED.get()
}

/// Notes, while [`counting`], whether the reader decoded a document.
#[inline]
pub(super) fn note(read: bool) {
    if let Some(mut count) = COUNT.get() {
        if read {
            count.read += 1;
        } else {
            count.bailed += 1;
        }
        COUNT.set(Some(count));
    }
}
