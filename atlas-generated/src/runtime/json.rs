//! The [`Json`] trait, which every generated type implements in place of serde's derives,
//! and decoding through [`serde_json::Value`].
//!
//! A type decodes straight from JSON text with [`Json::read`] (see
//! [`reader`](super::reader)); what does not decode cleanly is decoded again from a
//! [`Value`] with [`Json::from_json`], which reports failures as a [`DecodeError`] naming
//! the exact location ([`Path`]) inside the document and fills what responses lack. It
//! encodes into any serde serializer with [`Json::encode`] (see [`encode`](super::encode)).
//! The helper functions in this module ([`object`], [`required`], [`put_optional`], …) are
//! what `from_json` implementations are made of.
//!
//! # Why not `#[derive(Serialize, Deserialize)]`
//!
//! The crate has about 2,500 generated types. With serde's derives on each, compiling
//! it took 74 s and 4 GB of memory on a 2-core machine (measured while the generator was
//! written). Implementing [`Json`] with small generated methods built from the helpers
//! here, and serde's traits once per type on top of it through
//! [`impl_serde_via_json!`](crate::impl_serde_via_json), keeps every tag (feature `full`)
//! near 26 s and 2 GB, and one tag near 3 s (`cargo xtask bench`): the decoding methods
//! are not generic, and the encoding ones are compiled only for the serializers a program
//! uses. It also lets decoding keep what derives would lose or refuse: undeclared
//! properties, unknown enum values and tags, and errors that name the field.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Number, Value};

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use super::encode::Encoded;
use super::limits;
use super::reader::{Bail, Reader};

/// A type that converts from and to a [`serde_json::Value`].
///
/// This is the crate's replacement for `serde::Serialize`/`serde::Deserialize`
/// derives; serde support for a type implementing `Json` is added with
/// [`impl_serde_via_json!`](crate::impl_serde_via_json).
pub trait Json: Sized {
    /// Decodes a value found at `path`, consuming it.
    ///
    /// # Errors
    ///
    /// Returns a [`DecodeError`] naming the location of the first part of
    /// `value` that does not have the expected shape.
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError>;

    /// Encodes `self` as a JSON value.
    ///
    /// Provided through [`Json::encode`] (and JSON text); a type implements at least one
    /// of the two.
    #[inline]
    fn to_json(&self) -> Value {
        // `to_vec` writes valid JSON by construction, so this parse does not fail.
        serde_json::from_slice(&to_vec(self)).unwrap_or(Value::Null)
    }

    /// Encodes `self` into a serde [`Serializer`]: what `serde::Serialize` does for the
    /// crate's types (see [`encode`](super::encode)).
    ///
    /// Provided: a struct ([`Json::MEMBERS`]) as the map of its
    /// [`encode_members`](Json::encode_members), any other type through
    /// [`Json::to_json`]. A type implements at least one of `encode`, `to_json` and
    /// `encode_members`. Generated structs implement only `encode_members`, so that the
    /// compiler checks one method less for each of them.
    ///
    /// # Errors
    ///
    /// The serializer's.
    #[inline]
    fn encode<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if Self::MEMBERS {
            super::encode::object(serializer, self)
        } else {
            self.to_json().serialize(serializer)
        }
    }

    /// Whether the type is a struct, encoded as a map of its
    /// [`encode_members`](Json::encode_members): what a union's variant writes after its
    /// tag. `false` by default.
    const MEMBERS: bool = false;

    /// Writes a struct's members into a map a caller has opened (its own, or the one a
    /// union's variant writes after its tag), except the one named `skip`: the tag of the
    /// union that holds the struct, which the union writes.
    ///
    /// Provided for types that are not structs ([`Json::MEMBERS`] is `false`): an error,
    /// as they have no members to write.
    ///
    /// # Errors
    ///
    /// The serializer's, or that error.
    #[inline]
    fn encode_members<M: SerializeMap>(
        &self,
        map: &mut M,
        skip: Option<&str>,
    ) -> Result<(), M::Error> {
        let _ = (map, skip);
        Err(serde::ser::Error::custom(format_args!(
            "`{}` is not a struct: it has no members to write",
            std::any::type_name::<Self>()
        )))
    }

    /// The value a response's missing required field of this type takes (see
    /// [`correction`](super::correction)): `""`, `0`, `false`, an empty list or map, a
    /// struct of zero values, an `Unknown` variant. `None` for a type without one (a
    /// struct that requires itself), whose absence stays an error.
    #[inline]
    fn zero() -> Option<Self> {
        None
    }

    /// Reads a value straight from JSON text (see [`reader`](super::reader)), or bails
    /// when it does not decode cleanly. Reading through [`Value`] by default.
    ///
    /// # Errors
    ///
    /// [`Bail`] when the value is not exactly what [`Json::from_json`] decodes strictly.
    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        reader.via_value()
    }
}

/// A location inside a JSON document being decoded.
///
/// Paths are built on the stack while descending into a document (see
/// [`Path::key`] and [`Path::index`]) and are only rendered to text when an
/// error is reported, as in `$.replicationSpecs[0].regionConfigs[1].providerName`.
#[derive(Debug, Clone, Copy)]
pub enum Path<'a> {
    /// The whole document, rendered as `$`.
    Root,
    /// The member `key` of the object at the parent path.
    Key(&'a Path<'a>, &'a str),
    /// The element at `index` of the array at the parent path.
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// The path of member `key` of the object at this path.
    #[inline]
    #[must_use]
    pub fn key<'b>(&'b self, key: &'b str) -> Path<'b> {
        Path::Key(self, key)
    }

    /// The path of element `index` of the array at this path.
    #[inline]
    #[must_use]
    pub fn index(&self, index: usize) -> Path<'_> {
        Path::Index(self, index)
    }

    /// How many arrays and objects enclose the value at this path: 0 at the root.
    #[must_use]
    pub fn depth(&self) -> usize {
        let mut depth = 0;
        let mut at = self;
        while let Path::Key(parent, _) | Path::Index(parent, _) = at {
            depth += 1;
            at = parent;
        }
        depth
    }
}

/// Whether `key` can be rendered as `.key` rather than `["key"]`.
fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) if first.is_ascii_alphabetic() || first == '_' => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        _ => false,
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => f.write_str("$"),
            Path::Key(parent, key) => {
                parent.fmt(f)?;
                if is_identifier(key) {
                    write!(f, ".{key}")
                } else {
                    write!(f, "[{}]", Value::String((*key).to_owned()))
                }
            }
            Path::Index(parent, index) => {
                parent.fmt(f)?;
                write!(f, "[{index}]")
            }
        }
    }
}

/// Why a JSON document could not be decoded, and where.
///
/// Displayed as ``at `$.a.b`: message``.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError {
    // Boxed so that `Result<T, DecodeError>` stays one pointer wider than `T`.
    inner: Box<Inner>,
}

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    path: String,
    message: String,
}

impl DecodeError {
    /// An error at `path` with the given message.
    #[cold]
    #[must_use]
    pub fn new(path: &Path<'_>, message: impl Into<String>) -> Self {
        DecodeError {
            inner: Box::new(Inner {
                path: path.to_string(),
                message: message.into(),
            }),
        }
    }

    /// An error saying that `expected` (for example `"a string"`) was expected at
    /// `path` but `found` was there: ``expected a string, found a number (5)``.
    #[cold]
    #[must_use]
    pub fn expected(path: &Path<'_>, expected: &str, found: &Value) -> Self {
        DecodeError::new(
            path,
            format!("expected {expected}, found {}", describe(found)),
        )
    }

    /// An error saying that no variant of the union `type_name` matched the
    /// value at `path`, listing each variant tried and why it failed:
    /// ``no variant of `HardwareSpec` matches: `Aws`: at `$.x`: …; `Azure`: …``.
    #[cold]
    #[must_use]
    pub fn no_variant(
        path: &Path<'_>,
        type_name: &str,
        attempts: Vec<(&'static str, DecodeError)>,
    ) -> Self {
        let mut message = format!("no variant of `{type_name}` matches");
        for (index, (variant, error)) in attempts.iter().enumerate() {
            let separator = if index == 0 { ": " } else { "; " };
            message.push_str(separator);
            message.push('`');
            message.push_str(variant);
            message.push_str("`: ");
            message.push_str(&error.to_string());
        }
        DecodeError::new(path, message)
    }

    /// Where the error is, rendered as `$.a[0].b`.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.inner.path
    }

    /// What is wrong, without the location.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.inner.message
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("path", &self.inner.path)
            .field("message", &self.inner.message)
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at `{}`: {}", self.inner.path, self.inner.message)
    }
}

impl std::error::Error for DecodeError {}

/// Free-function form of [`DecodeError::no_variant`], for generated union decoders.
#[cold]
#[must_use]
pub fn no_variant(
    path: &Path<'_>,
    type_name: &str,
    attempts: Vec<(&'static str, DecodeError)>,
) -> DecodeError {
    DecodeError::no_variant(path, type_name, attempts)
}

/// Longest string value quoted in full in an error message.
const QUOTED_CHARS: usize = 40;

/// Says what kind of JSON value `value` is, with a short preview:
/// `a number (5)`, `a string ("abc")`, `an object (2 fields)`, `null`.
fn describe(value: &Value) -> String {
    fn count(n: usize, one: &str, many: &str) -> String {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    }
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => {
            if s.chars().count() > QUOTED_CHARS {
                let head: String = s.chars().take(QUOTED_CHARS).collect();
                let quoted = Value::String(head).to_string();
                // Put the ellipsis inside the closing quote.
                format!("a string ({}…\")", &quoted[..quoted.len() - 1])
            } else {
                format!("a string ({})", Value::String(s.clone()))
            }
        }
        Value::Array(a) => format!("an array ({})", count(a.len(), "element", "elements")),
        Value::Object(o) => format!("an object ({})", count(o.len(), "field", "fields")),
    }
}

impl Json for Value {
    #[inline]
    fn from_json(value: Value, _path: &Path<'_>) -> Result<Self, DecodeError> {
        Ok(value)
    }

    #[inline]
    fn to_json(&self) -> Value {
        self.clone()
    }

    #[inline]
    fn zero() -> Option<Self> {
        Some(Value::Null)
    }

    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        reader.untyped()
    }

    #[inline]
    fn encode<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize(serializer)
    }
}

impl Json for Map<String, Value> {
    #[inline]
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        object(value, path)
    }

    #[inline]
    fn to_json(&self) -> Value {
        Value::Object(self.clone())
    }

    #[inline]
    fn zero() -> Option<Self> {
        Some(Map::new())
    }

    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        match reader.untyped()? {
            Value::Object(map) => Ok(map),
            _ => Err(Bail),
        }
    }

    #[inline]
    fn encode<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize(serializer)
    }
}

impl Json for String {
    #[inline]
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(DecodeError::expected(path, "a string", &other)),
        }
    }

    #[inline]
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }

    #[inline]
    fn zero() -> Option<Self> {
        Some(String::new())
    }

    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        reader.string().map(str::to_owned)
    }

    #[inline]
    fn encode<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

impl Json for bool {
    #[inline]
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(DecodeError::expected(path, "a boolean", &other)),
        }
    }

    #[inline]
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }

    #[inline]
    fn zero() -> Option<Self> {
        Some(false)
    }

    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        reader.bool()
    }

    #[inline]
    fn encode<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(*self)
    }
}

/// Decodes an integer in `min..=max`, naming `type_name` when it does not fit.
///
/// Only a number written as an integer is one, as in typed `serde_json`: `10.0` and `1e3`
/// are floats, and a float may not stand for the integer its text only approximates
/// (`9007199254740993.0` reads as 9007199254740992), so every float is refused. An integer
/// too large for `i64` (`-9223372036854775809`) reaches here as a float, and is refused.
#[inline]
fn integer(
    value: Value,
    path: &Path<'_>,
    type_name: &str,
    min: i64,
    max: i64,
) -> Result<i64, DecodeError> {
    let Value::Number(number) = &value else {
        return Err(DecodeError::expected(path, "an integer", &value));
    };
    if let Some(i) = number.as_i64() {
        if (min..=max).contains(&i) {
            return Ok(i);
        }
    } else if number.as_u64().is_none() {
        // serde_json reads the integer `-0` as the float -0.0, to keep its sign; it is 0,
        // as the reader (and typed serde_json) read it.
        if number
            .as_f64()
            .is_some_and(|f| f == 0.0 && f.is_sign_negative())
        {
            return Ok(0);
        }
        return Err(DecodeError::expected(path, "an integer", &value));
    }
    Err(overflow(path, number, type_name))
}

#[cold]
fn overflow(path: &Path<'_>, number: &Number, type_name: &str) -> DecodeError {
    DecodeError::new(path, format!("{number} does not fit in {type_name}"))
}

impl Json for i64 {
    #[inline]
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        integer(value, path, "i64", i64::MIN, i64::MAX)
    }

    #[inline]
    fn to_json(&self) -> Value {
        Value::from(*self)
    }

    #[inline]
    fn zero() -> Option<Self> {
        Some(0)
    }

    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        reader.integer()
    }

    #[inline]
    fn encode<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(*self)
    }
}

impl Json for i32 {
    #[inline]
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let i = integer(value, path, "i32", i32::MIN.into(), i32::MAX.into())?;
        // In range by construction.
        #[allow(clippy::cast_possible_truncation)]
        Ok(i as i32)
    }

    #[inline]
    fn to_json(&self) -> Value {
        Value::from(*self)
    }

    #[inline]
    fn zero() -> Option<Self> {
        Some(0)
    }

    /// Only an integer token in range; anything else goes through `Value`.
    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        i32::try_from(reader.integer()?).map_err(|_| Bail)
    }

    #[inline]
    fn encode<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(i64::from(*self))
    }
}

impl Json for f64 {
    #[inline]
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match &value {
            Value::Number(n) => match n.as_f64() {
                Some(f) => Ok(f),
                None => Err(DecodeError::expected(path, "a number", &value)),
            },
            _ => Err(DecodeError::expected(path, "a number", &value)),
        }
    }

    /// A non-finite value (which JSON cannot express) encodes as `null`.
    #[inline]
    fn to_json(&self) -> Value {
        Value::from(*self)
    }

    #[inline]
    fn zero() -> Option<Self> {
        Some(0.0)
    }

    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        reader.float()
    }

    /// A non-finite value (which JSON cannot express) encodes as `null`.
    #[inline]
    fn encode<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_finite() {
            serializer.serialize_f64(*self)
        } else {
            serializer.serialize_unit()
        }
    }
}

impl Json for f32 {
    /// Any JSON number whose magnitude fits in an `f32` is accepted (rounded to
    /// the nearest `f32`); a larger one is an error rather than infinity.
    #[inline]
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let Value::Number(number) = &value else {
            return Err(DecodeError::expected(path, "a number", &value));
        };
        let Some(wide) = number.as_f64() else {
            return Err(DecodeError::expected(path, "a number", &value));
        };
        #[allow(clippy::cast_possible_truncation)]
        let narrow = wide as f32;
        if narrow.is_finite() {
            Ok(narrow)
        } else {
            Err(overflow(path, number, "f32"))
        }
    }

    /// Encodes the shortest decimal that reads back as the same `f32` (`0.1`,
    /// not `0.10000000149011612`). A non-finite value encodes as `null`.
    #[inline]
    fn to_json(&self) -> Value {
        if !self.is_finite() {
            return Value::Null;
        }
        // Rust prints the shortest round-tripping decimal of an f32; reading that
        // decimal as an f64 gives the f64 whose shortest decimal is the same text.
        let wide = self.to_string().parse::<f64>().unwrap_or(f64::from(*self));
        Value::from(wide)
    }

    #[inline]
    fn zero() -> Option<Self> {
        Some(0.0)
    }

    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        #[allow(clippy::cast_possible_truncation)]
        let narrow = reader.float()? as f32;
        if narrow.is_finite() {
            Ok(narrow)
        } else {
            Err(Bail)
        }
    }

    /// As [`Json::to_json`]: the shortest decimal of the `f32`; `null` when not finite.
    #[inline]
    fn encode<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<T: Json> Json for Vec<T> {
    #[inline]
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let items = array(value, path, std::mem::size_of::<T>())?;
        // Plain loops, here and below: an iterator chain would be compiled anew for each
        // of the crate's hundreds of element types.
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            out.push(T::from_json(item, &path.index(i))?);
        }
        Ok(out)
    }

    #[inline]
    fn zero() -> Option<Self> {
        Some(Vec::new())
    }

    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        // The reader charges each element's room before it is read: no capacity to
        // check here, in code compiled for each of the crate's element types.
        let size = std::mem::size_of::<T>();
        let mut out = Vec::new();
        let mut more = reader.first_element(size)?;
        while more {
            out.push(T::read(reader)?);
            more = reader.next_element(size)?;
        }
        Ok(out)
    }

    #[inline]
    fn encode<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for item in self {
            seq.serialize_element(&Encoded(item))?;
        }
        seq.end()
    }
}

impl<T: Json> Json for BTreeMap<String, T> {
    #[inline]
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        let map = object(value, path)?;
        let mut out = BTreeMap::new();
        for (index, (key, item)) in map.into_iter().enumerate() {
            if !limits::charge(limits::map_entry::<T>(index)) {
                return Err(limits::too_large(&path.key(&key)));
            }
            let decoded = T::from_json(item, &path.key(&key))?;
            out.insert(key, decoded);
        }
        Ok(out)
    }

    #[inline]
    fn zero() -> Option<Self> {
        Some(BTreeMap::new())
    }

    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        let mut out = BTreeMap::new();
        let mut key = reader.first_key()?.map(str::to_owned);
        while let Some(name) = key {
            reader.charge(limits::map_entry::<T>(out.len()))?;
            let item = T::read(reader)?;
            out.insert(name, item);
            key = reader.next_key()?.map(str::to_owned);
        }
        Ok(out)
    }

    #[inline]
    fn encode<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, item) in self {
            map.serialize_entry(key, &Encoded(item))?;
        }
        map.end()
    }
}

impl<T: Json> Json for Box<T> {
    #[inline]
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        if !limits::charge(std::mem::size_of::<T>()) {
            return Err(limits::too_large(path));
        }
        T::from_json(value, path).map(Box::new)
    }

    #[inline]
    fn zero() -> Option<Self> {
        T::zero().map(Box::new)
    }

    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        reader.charge(std::mem::size_of::<T>())?;
        T::read(reader).map(Box::new)
    }

    #[inline]
    fn encode<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).encode(serializer)
    }

    const MEMBERS: bool = T::MEMBERS;

    #[inline]
    fn encode_members<M: SerializeMap>(
        &self,
        map: &mut M,
        skip: Option<&str>,
    ) -> Result<(), M::Error> {
        (**self).encode_members(map, skip)
    }
}

impl<T: Json> Json for Option<T> {
    /// `null` decodes as `None`; anything else as `Some`.
    #[inline]
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(None),
            other => T::from_json(other, path).map(Some),
        }
    }

    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        if reader.null()? {
            Ok(None)
        } else {
            T::read(reader).map(Some)
        }
    }

    /// `None` encodes as `null`.
    #[inline]
    fn encode<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => value.encode(serializer),
            None => serializer.serialize_unit(),
        }
    }
}

/// Takes the members of the object `value` at `path`.
///
/// # Errors
///
/// ``expected an object, found …`` when `value` is not an object.
#[inline]
pub fn object(value: Value, path: &Path<'_>) -> Result<Map<String, Value>, DecodeError> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(DecodeError::expected(path, "an object", &other)),
    }
}

/// The items of the array at `path`, once a list of as many elements of `element_size`
/// bytes is charged to the decoding's memory budget. Not generic, so that it is compiled
/// once, not once per element type.
fn array(value: Value, path: &Path<'_>, element_size: usize) -> Result<Vec<Value>, DecodeError> {
    let Value::Array(items) = value else {
        return Err(DecodeError::expected(path, "an array", &value));
    };
    if limits::charge(items.len().saturating_mul(element_size)) {
        Ok(items)
    } else {
        Err(limits::too_large(path))
    }
}

#[cold]
pub(super) fn missing(path: &Path<'_>, key: &str) -> DecodeError {
    DecodeError::new(path, format!("missing required field `{key}`"))
}

/// Removes and decodes the required member `key` of the object at `path`.
///
/// A member that is present but `null` is passed to `T` (so it decodes only if
/// `T` is an `Option`).
///
/// # Errors
///
/// ``missing required field `key` `` (at `path`) when absent, or the error of
/// decoding the member (at `path.key`).
#[inline]
pub fn required<T: Json>(
    map: &mut Map<String, Value>,
    key: &str,
    path: &Path<'_>,
) -> Result<T, DecodeError> {
    match map.remove(key) {
        Some(value) => T::from_json(value, &path.key(key)),
        None => Err(missing(path, key)),
    }
}

/// Removes and decodes the optional member `key`: absent or `null` gives `None`.
///
/// # Errors
///
/// The error of decoding a present, non-null member.
#[inline]
pub fn optional<T: Json>(
    map: &mut Map<String, Value>,
    key: &str,
    path: &Path<'_>,
) -> Result<Option<T>, DecodeError> {
    match present(map, key) {
        None => Ok(None),
        Some(value) => T::from_json(value, &path.key(key)).map(Some),
    }
}

/// Removes member `key`, unless it is absent or `null`. Not generic, so that what
/// [`optional`] does beyond decoding is compiled once, not once per field type.
fn present(map: &mut Map<String, Value>, key: &str) -> Option<Value> {
    map.remove(key).and_then(present_value)
}

/// `value`, unless it is `null`.
fn present_value(value: Value) -> Option<Value> {
    (!value.is_null()).then_some(value)
}

/// Removes and decodes the optional, nullable member `key`, keeping absence and
/// `null` apart: absent gives `None`, `null` gives `Some(None)`, any other value
/// `Some(Some(_))`.
///
/// # Errors
///
/// The error of decoding a present, non-null member.
#[inline]
pub fn nullable<T: Json>(
    map: &mut Map<String, Value>,
    key: &str,
    path: &Path<'_>,
) -> Result<Option<Option<T>>, DecodeError> {
    match map.remove(key) {
        None => Ok(None),
        Some(value) => match present_value(value) {
            None => Ok(Some(None)),
            Some(value) => T::from_json(value, &path.key(key)).map(|v| Some(Some(v))),
        },
    }
}

/// The members of an object being decoded into a struct by a generated `from_json`: each
/// field takes its member, in declaration order, and [`Fields::undeclared`] the rest.
///
/// An optional field that fails to decode does not return at once: the failure is kept,
/// the fields after it are skipped, and it is returned by the next required field or by
/// `undeclared`. The error is the one `?` after each field would return (the first, in
/// declaration order, and nothing decoded after it), while the generated method has one
/// early return per required field instead of one per field: about 80 MB less memory to
/// compile feature `full`.
pub struct Fields<'a, 'p> {
    map: Map<String, Value>,
    path: &'a Path<'p>,
    failed: Option<DecodeError>,
}

impl<'a, 'p> Fields<'a, 'p> {
    /// The members of `value`, an object found at `path`.
    ///
    /// # Errors
    ///
    /// When `value` is not an object.
    #[inline]
    pub fn new(value: Value, path: &'a Path<'p>) -> Result<Self, DecodeError> {
        Ok(Fields {
            map: object(value, path)?,
            path,
            failed: None,
        })
    }

    /// Takes the optional member `key` ([`optional`]); `None` after a failure, which is
    /// kept.
    #[inline]
    pub fn optional<T: Json>(&mut self, key: &str) -> Option<T> {
        if self.failed.is_some() {
            return None;
        }
        match optional(&mut self.map, key, self.path) {
            Ok(value) => value,
            Err(error) => {
                self.failed = Some(error);
                None
            }
        }
    }

    /// Takes the optional, nullable member `key` ([`nullable`]); `None` after a failure,
    /// which is kept.
    #[inline]
    pub fn nullable<T: Json>(&mut self, key: &str) -> Option<Option<T>> {
        if self.failed.is_some() {
            return None;
        }
        match nullable(&mut self.map, key, self.path) {
            Ok(value) => value,
            Err(error) => {
                self.failed = Some(error);
                None
            }
        }
    }

    /// Takes the required member `key`, which a response may lack
    /// ([`correction::required`](super::correction::required)).
    ///
    /// # Errors
    ///
    /// A failure kept from an earlier field, else this member's.
    #[inline]
    pub fn required<T: Json>(
        &mut self,
        key: &'static str,
        filled: &mut super::correction::Filled,
    ) -> Result<T, DecodeError> {
        if let Some(error) = self.failed.take() {
            return Err(error);
        }
        super::correction::required(&mut self.map, key, self.path, filled)
    }

    /// The members no field took: the struct's undeclared properties.
    ///
    /// # Errors
    ///
    /// A failure kept from a field.
    #[inline]
    pub fn undeclared(self) -> Result<Map<String, Value>, DecodeError> {
        match self.failed {
            Some(error) => Err(error),
            None => Ok(self.map),
        }
    }
}

/// Sets member `key` to the encoding of `value`.
#[inline]
pub fn put<T: Json>(map: &mut Map<String, Value>, key: &str, value: &T) {
    map.insert(key.to_owned(), value.to_json());
}

/// Sets member `key` to the encoding of the `Some` value; `None` leaves it out.
#[inline]
pub fn put_optional<T: Json>(map: &mut Map<String, Value>, key: &str, value: &Option<T>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), value.to_json());
    }
}

/// Sets an optional, nullable member: `None` leaves it out, `Some(None)` sets
/// it to `null`, `Some(Some(v))` to the encoding of `v`.
#[inline]
pub fn put_nullable<T: Json>(map: &mut Map<String, Value>, key: &str, value: &Option<Option<T>>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), value.to_json());
    }
}

/// Sets a required, nullable member: `None` sets it to `null`.
#[inline]
pub fn put_or_null<T: Json>(map: &mut Map<String, Value>, key: &str, value: &Option<T>) {
    map.insert(key.to_owned(), value.to_json());
}

/// The string value of the discriminator `property`, if it is present and a string.
#[inline]
#[must_use]
pub fn tag<'m>(map: &'m Map<String, Value>, property: &str) -> Option<&'m str> {
    map.get(property).and_then(Value::as_str)
}

/// Sets the discriminator `property: tag` of `value`, when it is an object: the variant a
/// union encodes is the one source of its tag, whatever the payload holds.
#[inline]
#[must_use]
pub fn with_tag(value: Value, property: &str, tag: &str) -> Value {
    match value {
        Value::Object(mut map) => {
            map.insert(property.to_owned(), Value::String(tag.to_owned()));
            Value::Object(map)
        }
        other => other,
    }
}

/// The object a union's variant decodes its payload from. Unless the payload type has a
/// field for the tag (`keep_tag`), the tag is taken out first: the union holds it, and the
/// payload would otherwise keep it among its undeclared properties. Not generic, so that
/// it is compiled once for all variants.
#[inline]
#[must_use]
pub fn variant_payload(mut map: Map<String, Value>, property: &str, keep_tag: bool) -> Value {
    if !keep_tag {
        map.remove(property);
    }
    Value::Object(map)
}

/// Decodes a string that must be one of `values` (a closed set, such as the tags that
/// select one variant); returns the value as listed.
#[inline]
pub fn one_of(
    value: Value,
    path: &Path<'_>,
    values: &'static [&'static str],
) -> Result<&'static str, DecodeError> {
    let text = String::from_json(value, path)?;
    values.iter().copied().find(|v| *v == text).ok_or_else(|| {
        let listed: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        DecodeError::new(
            path,
            format!("expected one of {}, found `{text}`", listed.join(", ")),
        )
    })
}

/// A property a branch of an untagged union declares, for [`branch_order`].
#[derive(Debug, Clone, Copy)]
pub struct Declared {
    /// Its JSON name.
    pub name: &'static str,
    /// The values it lists, when it is a string enum; empty when any value fits.
    pub values: &'static [&'static str],
    /// A branch without it describes nothing: the tag of a discriminated union, whose
    /// decoder keeps any object without one as `Unknown`.
    pub essential: bool,
}

/// The order in which an untagged union tries its branches on `value`. For an object,
/// branches are ranked by what they leave undescribed, in this order of weight: an
/// essential property missing (a discriminated branch without its tag), then members
/// holding a string the branch's enum does not list, then members the branch does not
/// declare. Branches that are not objects (`None`) come last, and equals keep the spec's
/// order. Any other value is tried in the spec's order.
#[must_use]
pub fn branch_order<const N: usize>(
    value: &Value,
    shapes: &[Option<&[Declared]>; N],
) -> [usize; N] {
    let mut order: [usize; N] = std::array::from_fn(|i| i);
    if let Value::Object(map) = value {
        let misfits: [Misfit; N] = std::array::from_fn(|i| match shapes[i] {
            Some(declared) => misfit(map, declared),
            None => Misfit::NOT_AN_OBJECT,
        });
        // Stable: equals keep the spec's order.
        order.sort_by_key(|&i| misfits[i]);
    }
    order
}

/// What a branch leaves undescribed of an object, most telling first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Misfit {
    essential_missing: bool,
    unlisted: usize,
    undeclared: usize,
}

impl Misfit {
    const NOT_AN_OBJECT: Misfit = Misfit {
        essential_missing: true,
        unlisted: usize::MAX,
        undeclared: usize::MAX,
    };
}

fn misfit(map: &Map<String, Value>, declared: &[Declared]) -> Misfit {
    let lists = |d: &Declared, value: &Value| {
        d.values.is_empty() || value.as_str().is_none_or(|s| d.values.contains(&s))
    };
    let mut out = Misfit {
        essential_missing: declared
            .iter()
            .any(|d| d.essential && !map.get(d.name).is_some_and(|v| lists(d, v))),
        unlisted: 0,
        undeclared: 0,
    };
    for (key, value) in map {
        match declared.iter().find(|d| d.name == key.as_str()) {
            None => out.undeclared += 1,
            Some(d) if !lists(d, value) => out.unlisted += 1,
            Some(_) => {}
        }
    }
    out
}

/// A value of a discriminated union whose tag the specification does not list,
/// kept whole so that it re-encodes unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownVariant {
    object: Map<String, Value>,
    property: &'static str,
}

impl UnknownVariant {
    /// Keeps `object`, whose discriminator is the member `property`.
    #[inline]
    #[must_use]
    pub fn new(property: &'static str, object: Map<String, Value>) -> Self {
        UnknownVariant { object, property }
    }

    /// The discriminator value, if the object has one that is a string.
    #[inline]
    #[must_use]
    pub fn tag(&self) -> Option<&str> {
        tag(&self.object, self.property)
    }

    /// The name of the discriminator property.
    #[inline]
    #[must_use]
    pub fn property(&self) -> &'static str {
        self.property
    }

    /// The object as decoded.
    #[inline]
    #[must_use]
    pub fn object(&self) -> &Map<String, Value> {
        &self.object
    }

    /// Takes the object as decoded.
    #[inline]
    #[must_use]
    pub fn into_object(self) -> Map<String, Value> {
        self.object
    }

    /// Encodes the object unchanged.
    #[inline]
    #[must_use]
    pub fn to_json(&self) -> Value {
        Value::Object(self.object.clone())
    }
}

/// Implements `serde::Serialize` and `serde::Deserialize` for types that
/// implement [`Json`](crate::runtime::Json): serializing with
/// [`Json::encode`](crate::runtime::Json::encode), deserializing through
/// [`serde_json::Value`].
///
/// Takes a comma-separated list of types. Deserialization errors carry the
/// [`DecodeError`](crate::runtime::DecodeError) text, path included.
///
/// ```
/// use atlas_generated::runtime::{DecodeError, Json, Path, object, put, required};
/// use serde_json::{Map, Value};
///
/// struct Tag {
///     key: String,
/// }
///
/// impl Json for Tag {
///     fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
///         let mut map = object(value, path)?;
///         Ok(Tag { key: required(&mut map, "key", path)? })
///     }
///
///     fn to_json(&self) -> Value {
///         let mut map = Map::new();
///         put(&mut map, "key", &self.key);
///         Value::Object(map)
///     }
/// }
///
/// atlas_generated::impl_serde_via_json!(Tag);
///
/// let tag: Tag = serde_json::from_str(r#"{"key": "env"}"#).unwrap();
/// assert_eq!(serde_json::to_string(&tag).unwrap(), r#"{"key":"env"}"#);
/// let error = serde_json::from_str::<Tag>(r#"{"key": 1}"#).err().unwrap();
/// assert_eq!(error.to_string(), "at `$.key`: expected a string, found a number (1)");
/// ```
#[macro_export]
macro_rules! impl_serde_via_json {
    ($($ty:ty),* $(,)?) => {
        $(
            impl ::serde::Serialize for $ty {
                #[inline]
                fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
                where
                    S: ::serde::Serializer,
                {
                    $crate::runtime::Json::encode(self, serializer)
                }
            }

            impl<'de> ::serde::Deserialize<'de> for $ty {
                #[inline]
                fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    $crate::runtime::deserialize(deserializer)
                }
            }
        )*
    };
}

/// Parses `bytes` as JSON and decodes it as a `T`.
///
/// # Errors
///
/// A [`DecodeError`] at `$` for malformed JSON (``invalid JSON: …``), or the
/// error of decoding the document.
///
/// Whatever `bytes` hold, decoding ends: a document nested deeper than
/// [`MAX_DEPTH`](super::limits::MAX_DEPTH), or whose typed value would take more memory
/// than [`limits`] allows for its length, is an error naming the place.
#[inline]
pub fn from_slice<T: Json>(bytes: &[u8]) -> Result<T, DecodeError> {
    let budget = limits::Budget::enter(bytes.len());
    // Straight from the text when it decodes cleanly; otherwise through `Value`, which
    // locates errors and fills what a response lacks.
    if super::reader::enabled() {
        if let Ok(value) = Reader::decode::<T>(bytes) {
            super::reader::note(true);
            return Ok(value);
        }
        bailed(&budget);
    }
    T::from_json(checked_parse(bytes)?, &Path::Root)
}

/// After the reader gave up on a body: notes it, and gives the budget back. Not generic,
/// like [`checked_parse`]: compiled once, not once per type.
fn bailed(budget: &limits::Budget) {
    super::reader::note(false);
    budget.refill();
}

/// `bytes` parsed as a `Value`, once they are found to nest no deeper than
/// [`MAX_DEPTH`](limits::MAX_DEPTH) and to fit the decoding's memory budget.
fn checked_parse(bytes: &[u8]) -> Result<Value, DecodeError> {
    limits::check_text(bytes)?;
    parse(bytes)
}

/// Decodes a [`Value`] handed in whole (by a serde `Deserializer`, or a caller) as a `T`,
/// bounded in depth and memory as [`from_slice`] is (the value counts as a body as long
/// as its JSON text).
///
/// # Errors
///
/// A [`DecodeError`] naming the first place nested too deep, or the error of decoding.
#[inline]
pub fn from_value<T: Json>(value: Value) -> Result<T, DecodeError> {
    limits::decode_value(value, &Path::Root, |value| T::from_json(value, &Path::Root))
}

/// What `serde::Deserialize` does for the crate's types (see
/// [`impl_serde_via_json!`](crate::impl_serde_via_json)): the input read as a [`Value`],
/// then decoded as [`from_value`] does. One generic function rather than a body per type,
/// which the compiler would check once for each of them.
///
/// # Errors
///
/// The deserializer's, or the error of decoding, as the deserializer's custom error.
#[doc(hidden)]
#[inline]
pub fn deserialize<'de, T: Json, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    let value = <Value as serde::Deserialize<'de>>::deserialize(deserializer)?;
    from_value::<T>(value).map_err(<D::Error as serde::de::Error>::custom)
}

fn parse(bytes: &[u8]) -> Result<Value, DecodeError> {
    serde_json::from_slice(bytes)
        .map_err(|error| DecodeError::new(&Path::Root, format!("invalid JSON: {error}")))
}

/// Encodes `value` as compact JSON text, through [`Json::encode`].
///
/// # Panics
///
/// If `T`'s [`Json::encode`] returns an error of its own: writing into memory cannot
/// fail, nor can the crate's types (every map key is a string).
#[inline]
#[must_use]
pub fn to_vec<T: Json>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    Encoded(value)
        .serialize(&mut serde_json::Serializer::new(&mut out))
        .expect("writing JSON into memory cannot fail for a `Json` type");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_return_the_first_failure_in_declaration_order() {
        let value = json!({"a": "x", "b": 1, "c": true, "d": 2});
        let mut fields = Fields::new(value, &Path::Root).unwrap();
        let a: Option<i64> = fields.optional("a");
        // Would fail too, but is not decoded after the first failure.
        let b: Option<String> = fields.optional("b");
        assert_eq!((a, b), (None, None));
        let mut filled = super::super::correction::Filled::default();
        let error = fields.required::<bool>("c", &mut filled).unwrap_err();
        assert!(error.to_string().starts_with("at `$.a`: "), "{error}");

        // Without a required field after it, the failure comes out of `undeclared`.
        let mut fields = Fields::new(json!({"a": 1, "b": 1}), &Path::Root).unwrap();
        let a: Option<i64> = fields.optional("a");
        let b: Option<Option<String>> = fields.nullable("b");
        assert_eq!((a, b), (Some(1), None));
        let error = fields.undeclared().unwrap_err();
        assert!(error.to_string().starts_with("at `$.b`: "), "{error}");

        // Without a failure, what no field took.
        let mut fields = Fields::new(json!({"a": 1, "z": 2}), &Path::Root).unwrap();
        assert_eq!(fields.optional::<i64>("a"), Some(1));
        assert_eq!(
            fields.undeclared().unwrap(),
            *json!({"z": 2}).as_object().unwrap()
        );
    }

    fn decode<T: Json>(value: Value) -> Result<T, DecodeError> {
        T::from_json(value, &Path::Root)
    }

    fn decode_err<T: Json + fmt::Debug>(value: Value) -> DecodeError {
        decode::<T>(value).expect_err("decoding should fail")
    }

    #[test]
    fn path_rendering() {
        let root = Path::Root;
        assert_eq!(root.to_string(), "$");
        let specs = root.key("replicationSpecs");
        let spec0 = specs.index(0);
        let regions = spec0.key("regionConfigs");
        let region1 = regions.index(1);
        let provider = region1.key("providerName");
        assert_eq!(
            provider.to_string(),
            "$.replicationSpecs[0].regionConfigs[1].providerName"
        );
        assert_eq!(root.key("odd key").to_string(), r#"$["odd key"]"#);
        assert_eq!(root.key("a-b").to_string(), r#"$["a-b"]"#);
        assert_eq!(root.key("1abc").to_string(), r#"$["1abc"]"#);
        assert_eq!(root.key("").to_string(), r#"$[""]"#);
        assert_eq!(root.key("$match").to_string(), r#"$["$match"]"#);
        assert_eq!(root.key("q\"x").to_string(), r#"$["q\"x"]"#);
        assert_eq!(root.key("_id").to_string(), "$._id");
        assert_eq!(root.key("é").to_string(), r#"$["é"]"#);
        assert_eq!(root.index(3).index(4).to_string(), "$[3][4]");
    }

    #[test]
    fn error_display_and_accessors() {
        let root = Path::Root;
        let error = DecodeError::new(&root.key("a").index(2), "bad");
        assert_eq!(error.path(), "$.a[2]");
        assert_eq!(error.message(), "bad");
        assert_eq!(error.to_string(), "at `$.a[2]`: bad");
        let debug = format!("{error:?}");
        assert!(debug.contains("$.a[2]") && debug.contains("bad"), "{debug}");
        let boxed: Box<dyn std::error::Error> = Box::new(error);
        assert_eq!(boxed.to_string(), "at `$.a[2]`: bad");
    }

    #[test]
    fn describe_kinds() {
        let cases = [
            (json!(null), "expected a string, found null"),
            (json!(true), "expected a string, found a boolean (true)"),
            (json!(5), "expected a string, found a number (5)"),
            (json!(-1.5), "expected a string, found a number (-1.5)"),
            (
                json!([1, 2]),
                "expected a string, found an array (2 elements)",
            ),
            (json!([1]), "expected a string, found an array (1 element)"),
            (json!({}), "expected a string, found an object (0 fields)"),
            (
                json!({"a": 1}),
                "expected a string, found an object (1 field)",
            ),
        ];
        for (value, message) in cases {
            assert_eq!(decode_err::<String>(value).message(), message);
        }
        assert_eq!(
            decode_err::<bool>(json!("x\"y")).message(),
            r#"expected a boolean, found a string ("x\"y")"#
        );
        let long = "x".repeat(100);
        let message = decode_err::<bool>(json!(long)).message().to_owned();
        assert_eq!(
            message,
            format!(
                "expected a boolean, found a string (\"{}…\")",
                "x".repeat(40)
            )
        );
        // Truncation counts characters, never splitting one.
        let wide = "é".repeat(50);
        let message = decode_err::<bool>(json!(wide)).message().to_owned();
        assert!(
            message.ends_with(&format!("{}…\")", "é".repeat(40))),
            "{message}"
        );
    }

    #[test]
    fn strings_and_booleans() {
        assert_eq!(decode::<String>(json!("hé")).unwrap(), "hé");
        assert_eq!("hé".to_owned().to_json(), json!("hé"));
        assert!(decode::<bool>(json!(true)).unwrap());
        assert!(!decode::<bool>(json!(false)).unwrap());
        assert_eq!(true.to_json(), json!(true));
        assert_eq!(
            decode_err::<bool>(json!("true")).to_string(),
            "at `$`: expected a boolean, found a string (\"true\")"
        );
    }

    #[test]
    fn i64_values() {
        assert_eq!(decode::<i64>(json!(0)).unwrap(), 0);
        assert_eq!(decode::<i64>(json!(-7)).unwrap(), -7);
        assert_eq!(decode::<i64>(json!(i64::MAX)).unwrap(), i64::MAX);
        assert_eq!(decode::<i64>(json!(i64::MIN)).unwrap(), i64::MIN);
        // A float is never an integer, as in typed serde_json: its text may stand for
        // another integer than the float it reads as.
        for float in [
            "10.0",
            "0.0",
            "1e3",
            "9007199254740993.0",
            "-9223372036854775809",
        ] {
            assert_eq!(
                decode_err::<i64>(serde_json::from_str(float).unwrap()).message(),
                format!(
                    "expected an integer, found a number ({})",
                    serde_json::from_str::<Value>(float).unwrap()
                )
            );
        }
        assert_eq!(
            decode_err::<i64>(json!(u64::MAX)).message(),
            "18446744073709551615 does not fit in i64"
        );
        assert!(decode::<i64>(json!(-9_223_372_036_854_775_808.0_f64)).is_err());
        // `-0` is 0 whichever path reads it (serde_json's `Value` holds it as -0.0).
        assert_eq!(from_slice::<i64>(b"-0").unwrap(), 0);
        let through_value = super::super::reader::through_value(|| from_slice::<i64>(b"-0"));
        assert_eq!(through_value.unwrap(), 0);
        assert_eq!(
            decode_err::<i64>(json!(1.5)).message(),
            "expected an integer, found a number (1.5)"
        );
        assert_eq!(
            decode_err::<i64>(json!("1")).message(),
            "expected an integer, found a string (\"1\")"
        );
        assert_eq!(42_i64.to_json(), json!(42));
        assert_eq!(i64::MIN.to_json(), json!(i64::MIN));
    }

    #[test]
    fn i32_values() {
        assert_eq!(decode::<i32>(json!(i32::MAX)).unwrap(), i32::MAX);
        assert_eq!(decode::<i32>(json!(i32::MIN)).unwrap(), i32::MIN);
        assert!(decode::<i32>(json!(10.0)).is_err());
        assert_eq!(
            decode_err::<i32>(json!(12_345_678_901_i64)).message(),
            "12345678901 does not fit in i32"
        );
        assert_eq!(
            decode_err::<i32>(json!(2_147_483_648_i64)).message(),
            "2147483648 does not fit in i32"
        );
        assert_eq!(
            decode_err::<i32>(json!(-2_147_483_649_i64)).message(),
            "-2147483649 does not fit in i32"
        );
        assert_eq!(
            decode_err::<i32>(json!(u64::MAX)).message(),
            "18446744073709551615 does not fit in i32"
        );
        assert!(decode::<i32>(json!(-2_147_483_648.0_f64)).is_err());
        assert_eq!(
            decode_err::<i32>(json!(0.5)).message(),
            "expected an integer, found a number (0.5)"
        );
        assert_eq!(decode_err::<i32>(json!(null)).path(), "$");
        assert_eq!((-3_i32).to_json(), json!(-3));
    }

    #[test]
    fn floats() {
        assert!((decode::<f64>(json!(1.25)).unwrap() - 1.25).abs() < f64::EPSILON);
        assert!((decode::<f64>(json!(3)).unwrap() - 3.0).abs() < f64::EPSILON);
        assert!((decode::<f64>(json!(u64::MAX)).unwrap() - 1.8446744073709552e19).abs() < 1.0);
        assert_eq!(
            decode_err::<f64>(json!("1.5")).message(),
            "expected a number, found a string (\"1.5\")"
        );
        assert_eq!(2.5_f64.to_json(), json!(2.5));
        assert_eq!(f64::NAN.to_json(), Value::Null);

        assert!((decode::<f32>(json!(0.1)).unwrap() - 0.1_f32).abs() < f32::EPSILON);
        assert!((decode::<f32>(json!(7)).unwrap() - 7.0).abs() < f32::EPSILON);
        assert_eq!(
            decode_err::<f32>(serde_json::from_str("1e300").unwrap()).message(),
            "1e+300 does not fit in f32"
        );
        assert_eq!(
            decode_err::<f32>(json!(false)).message(),
            "expected a number, found a boolean (false)"
        );
        assert_eq!(0.1_f32.to_json().to_string(), "0.1");
        assert_eq!(1.5_f32.to_json(), json!(1.5));
        assert_eq!(f32::INFINITY.to_json(), Value::Null);
        // A float read from any text encodes to text that reads back the same float
        // (serde_json's `float_roundtrip`: its fast parser was off by one unit in the last
        // place on long mantissas, which fuzzing found).
        for text in [
            "9.00719988888888888888888888888888888888888888888888888880993e58",
            "0.30000000000000004441",
            "2.2250738585072011e-308",
        ] {
            let once: f64 = from_slice(text.as_bytes()).unwrap();
            let twice: f64 = from_slice(&to_vec(&once)).unwrap();
            assert_eq!(once.to_bits(), twice.to_bits(), "{text}");
            let value: Value = from_slice(format!("[[{text}]]").as_bytes()).unwrap();
            assert_eq!(
                from_slice::<Value>(&to_vec(&value)).unwrap(),
                value,
                "{text}"
            );
        }
        // Round trip through text is exact.
        for x in [0.1_f32, 1.0 / 3.0, f32::MAX, f32::MIN_POSITIVE, -2.5e-30] {
            let text = to_vec(&x);
            let back: f32 = from_slice(&text).unwrap();
            assert_eq!(back.to_bits(), x.to_bits(), "{x}");
        }
    }

    #[test]
    fn value_and_map() {
        let value = json!({"a": [1, {"b": null}]});
        assert_eq!(decode::<Value>(value.clone()).unwrap(), value);
        assert_eq!(value.to_json(), value);
        let map = decode::<Map<String, Value>>(value.clone()).unwrap();
        assert_eq!(map.len(), 1);
        assert_eq!(map.to_json(), value);
        assert_eq!(
            decode_err::<Map<String, Value>>(json!([])).message(),
            "expected an object, found an array (0 elements)"
        );
    }

    #[test]
    fn vectors() {
        assert_eq!(decode::<Vec<i32>>(json!([1, 2, 3])).unwrap(), vec![1, 2, 3]);
        assert_eq!(decode::<Vec<i32>>(json!([])).unwrap(), Vec::<i32>::new());
        let error = decode_err::<Vec<i32>>(json!([1, "x", 3]));
        assert_eq!(error.path(), "$[1]");
        let error = decode_err::<Vec<Vec<String>>>(json!([[], ["a", 1]]));
        assert_eq!(
            error.to_string(),
            "at `$[1][1]`: expected a string, found a number (1)"
        );
        assert_eq!(
            decode_err::<Vec<i32>>(json!({})).message(),
            "expected an array, found an object (0 fields)"
        );
        assert_eq!(vec!["a".to_owned()].to_json(), json!(["a"]));
    }

    #[test]
    fn btree_maps() {
        let map = decode::<BTreeMap<String, i64>>(json!({"x": 1, "y z": 2})).unwrap();
        assert_eq!(map.get("x"), Some(&1));
        assert_eq!(map.get("y z"), Some(&2));
        assert_eq!(map.to_json(), json!({"x": 1, "y z": 2}));
        let error = decode_err::<BTreeMap<String, i64>>(json!({"ok": 1, "bad key": true}));
        assert_eq!(error.path(), r#"$["bad key"]"#);
        let error = decode_err::<BTreeMap<String, i64>>(json!({"tags": "x"}));
        assert_eq!(error.path(), "$.tags");
        assert_eq!(
            decode_err::<BTreeMap<String, i64>>(json!(3)).message(),
            "expected an object, found a number (3)"
        );
    }

    #[test]
    fn boxes_and_options() {
        assert_eq!(*decode::<Box<i32>>(json!(4)).unwrap(), 4);
        assert_eq!(Box::new(4_i32).to_json(), json!(4));
        assert_eq!(decode::<Option<i32>>(json!(null)).unwrap(), None);
        assert_eq!(decode::<Option<i32>>(json!(4)).unwrap(), Some(4));
        assert_eq!(
            decode_err::<Option<i32>>(json!("4")).message(),
            "expected an integer, found a string (\"4\")"
        );
        assert_eq!(None::<i32>.to_json(), Value::Null);
        assert_eq!(Some(4_i32).to_json(), json!(4));
        assert_eq!(
            decode::<Vec<Option<bool>>>(json!([true, null])).unwrap(),
            vec![Some(true), None]
        );
    }

    #[test]
    fn object_helper() {
        assert_eq!(object(json!({"a": 1}), &Path::Root).unwrap().len(), 1);
        let root = Path::Root;
        let error = object(json!("s"), &root.key("spec")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "at `$.spec`: expected an object, found a string (\"s\")"
        );
    }

    fn members(value: Value) -> Map<String, Value> {
        object(value, &Path::Root).unwrap()
    }

    #[test]
    fn required_members() {
        let root = Path::Root;
        let at = root.key("cluster");
        let mut map = members(json!({"name": "c0", "size": "x", "gone": null}));
        assert_eq!(required::<String>(&mut map, "name", &at).unwrap(), "c0");
        assert!(!map.contains_key("name"), "required removes the member");
        let error = required::<String>(&mut map, "name", &at).unwrap_err();
        assert_eq!(
            error.to_string(),
            "at `$.cluster`: missing required field `name`"
        );
        let error = required::<i32>(&mut map, "size", &at).unwrap_err();
        assert_eq!(error.path(), "$.cluster.size");
        // Present null: an error for a plain type, `None` for an Option.
        let mut map = members(json!({"gone": null}));
        let error = required::<String>(&mut map, "gone", &at).unwrap_err();
        assert_eq!(error.message(), "expected a string, found null");
        let mut map = members(json!({"gone": null}));
        assert_eq!(
            required::<Option<String>>(&mut map, "gone", &at).unwrap(),
            None
        );
    }

    #[test]
    fn optional_members() {
        let mut map = members(json!({"a": 1, "b": null, "c": "x"}));
        assert_eq!(
            optional::<i32>(&mut map, "a", &Path::Root).unwrap(),
            Some(1)
        );
        assert_eq!(optional::<i32>(&mut map, "b", &Path::Root).unwrap(), None);
        assert_eq!(
            optional::<i32>(&mut map, "missing", &Path::Root).unwrap(),
            None
        );
        let error = optional::<i32>(&mut map, "c", &Path::Root).unwrap_err();
        assert_eq!(error.path(), "$.c");
        assert!(map.is_empty(), "optional removes members: {map:?}");
    }

    #[test]
    fn nullable_members() {
        let mut map = members(json!({"a": 1, "b": null, "c": "x"}));
        assert_eq!(
            nullable::<i32>(&mut map, "a", &Path::Root).unwrap(),
            Some(Some(1))
        );
        assert_eq!(
            nullable::<i32>(&mut map, "b", &Path::Root).unwrap(),
            Some(None)
        );
        assert_eq!(
            nullable::<i32>(&mut map, "missing", &Path::Root).unwrap(),
            None
        );
        assert_eq!(
            nullable::<i32>(&mut map, "c", &Path::Root)
                .unwrap_err()
                .path(),
            "$.c"
        );
        assert!(map.is_empty());
    }

    #[test]
    fn put_members() {
        let mut map = Map::new();
        put(&mut map, "a", &1_i32);
        put(&mut map, "n", &None::<i32>);
        put_optional(&mut map, "b", &Some("x".to_owned()));
        put_optional::<String>(&mut map, "absent", &None);
        put_nullable::<i32>(&mut map, "c", &None);
        put_nullable::<i32>(&mut map, "d", &Some(None));
        put_nullable(&mut map, "e", &Some(Some(2_i32)));
        put_or_null::<i32>(&mut map, "f", &None);
        put_or_null(&mut map, "g", &Some(true));
        assert_eq!(
            Value::Object(map),
            json!({"a": 1, "n": null, "b": "x", "d": null, "e": 2, "f": null, "g": true})
        );
        // put replaces an existing member.
        let mut map = members(json!({"a": 1}));
        put(&mut map, "a", &2_i32);
        assert_eq!(Value::Object(map), json!({"a": 2}));
    }

    #[test]
    fn tags() {
        let map = members(json!({"type": "AWS", "n": 1, "x": null}));
        assert_eq!(tag(&map, "type"), Some("AWS"));
        assert_eq!(tag(&map, "n"), None);
        assert_eq!(tag(&map, "x"), None);
        assert_eq!(tag(&map, "missing"), None);

        assert_eq!(
            with_tag(json!({"a": 1}), "type", "AWS"),
            json!({"a": 1, "type": "AWS"})
        );
        assert_eq!(
            with_tag(json!({"type": "GCP"}), "type", "AWS"),
            json!({"type": "AWS"}),
            "the variant's tag wins"
        );
        assert_eq!(with_tag(json!("s"), "type", "AWS"), json!("s"));
        assert_eq!(with_tag(json!(null), "type", "AWS"), json!(null));
    }

    #[test]
    fn variant_payloads_and_closed_values() {
        let map = members(json!({"type": "AWS", "n": 1}));
        let kept = variant_payload(map.clone(), "type", true);
        assert_eq!(kept, json!({"type": "AWS", "n": 1}));
        let taken = variant_payload(map, "type", false);
        assert_eq!(taken, json!({"n": 1}));
        const VALUES: &[&str] = &["A", "B"];
        assert_eq!(one_of(json!("B"), &Path::Root, VALUES).unwrap(), "B");
        let error = one_of(json!("C"), &Path::Root, VALUES).unwrap_err();
        assert_eq!(
            error.to_string(),
            "at `$`: expected one of `A`, `B`, found `C`"
        );
        assert!(one_of(json!(1), &Path::Root, VALUES).is_err());
    }

    #[test]
    fn branches_are_ranked_by_how_much_of_the_object_they_describe() {
        const fn declared(name: &'static str, values: &'static [&'static str]) -> Declared {
            Declared {
                name,
                values,
                essential: false,
            }
        }
        let narrow: &[Declared] = &[declared("id", &[])];
        let wide: &[Declared] = &[declared("id", &[]), declared("kind", &["A", "B"])];
        let other_kinds: &[Declared] = &[declared("id", &[]), declared("kind", &["C"])];
        let shapes = [Some(narrow), None, Some(other_kinds), Some(wide)];
        // `wide` describes both members; `other_kinds` does not list `A`; `narrow` lacks
        // `kind`; the non-object branch goes last.
        let order = |value: Value| branch_order(&value, &shapes);
        assert_eq!(order(json!({"id": 1, "kind": "A"})), [3, 0, 2, 1]);
        // `C` is listed by `other_kinds` only.
        assert_eq!(order(json!({"id": 1, "kind": "C"})), [2, 0, 3, 1]);
        // Equals keep the spec's order; a non-object value too.
        assert_eq!(order(json!({"id": 1})), [0, 2, 3, 1]);
        assert_eq!(order(json!("s")), [0, 1, 2, 3]);
        // A non-string value of an enum property is not held against the branch here
        // (decoding it fails instead).
        assert_eq!(order(json!({"kind": 7})), [2, 3, 0, 1]);
        // An unlisted enum value weighs more than any number of undeclared members.
        let listing: &[Declared] = &[declared("kind", &["C"])];
        let shapes2 = [Some(wide), Some(listing)];
        assert_eq!(
            branch_order(&json!({"kind": "C", "x": 1, "y": 2}), &shapes2),
            [1, 0]
        );
        // A branch whose essential property (a union's tag) is missing or unlisted goes
        // after every branch that describes anything.
        let tag = Declared {
            essential: true,
            ..declared("type", &["T"])
        };
        let tagged: &[Declared] = &[tag, declared("id", &[])];
        let shapes = [Some(tagged), Some(narrow)];
        let order = |value: Value| branch_order(&value, &shapes);
        assert_eq!(order(json!({"id": 1, "x": 2})), [1, 0]);
        assert_eq!(order(json!({"id": 1, "type": "U"})), [1, 0]);
        assert_eq!(order(json!({"id": 1, "type": "T"})), [0, 1]);
    }

    #[test]
    fn unknown_variant_round_trip() {
        let original = json!({"providerName": "NEWCLOUD", "size": 3, "nested": {"a": [1]}});
        let variant = UnknownVariant::new("providerName", members(original.clone()));
        assert_eq!(variant.tag(), Some("NEWCLOUD"));
        assert_eq!(variant.property(), "providerName");
        assert_eq!(variant.object().len(), 3);
        assert_eq!(variant.to_json(), original);
        assert_eq!(variant.clone(), variant);
        assert_eq!(Value::Object(variant.into_object()), original);
        let untagged = UnknownVariant::new("providerName", Map::new());
        assert_eq!(untagged.tag(), None);
        assert_eq!(untagged.to_json(), json!({}));
    }

    #[test]
    fn no_variant_message() {
        let root = Path::Root;
        let here = root.key("hardware");
        let aws_error = DecodeError::new(&here.key("x"), "missing required field `y`");
        let azure_error = DecodeError::new(&here, "expected an object, found null");
        let error = no_variant(
            &here,
            "HardwareSpec",
            vec![("Aws", aws_error), ("Azure", azure_error)],
        );
        assert_eq!(error.path(), "$.hardware");
        assert_eq!(
            error.message(),
            "no variant of `HardwareSpec` matches: `Aws`: at `$.hardware.x`: missing required \
             field `y`; `Azure`: at `$.hardware`: expected an object, found null"
        );
        let error = DecodeError::no_variant(&root, "Empty", Vec::new());
        assert_eq!(error.to_string(), "at `$`: no variant of `Empty` matches");
    }

    #[test]
    fn slices_and_vectors_of_bytes() {
        let value: Vec<i32> = from_slice(b" [1, 2] ").unwrap();
        assert_eq!(value, vec![1, 2]);
        assert_eq!(to_vec(&value), b"[1,2]");
        let error = from_slice::<Vec<i32>>(b"[1, 2").unwrap_err();
        assert_eq!(error.path(), "$");
        assert!(error.message().starts_with("invalid JSON: "), "{error}");
        assert!(error.message().contains("line 1"), "{error}");
        let error = from_slice::<Vec<i32>>(b"[1, true]").unwrap_err();
        assert_eq!(
            error.to_string(),
            "at `$[1]`: expected an integer, found a boolean (true)"
        );
        assert_eq!(to_vec(&"a\"b".to_owned()), br#""a\"b""#);
    }

    /// A hand-written type standing in for a generated one.
    #[derive(Debug, PartialEq)]
    struct Region {
        name: String,
        priority: Option<i32>,
        labels: Option<Option<Vec<String>>>,
    }

    impl Json for Region {
        #[inline]
        fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
            let mut map = object(value, path)?;
            Ok(Region {
                name: required(&mut map, "name", path)?,
                priority: optional(&mut map, "priority", path)?,
                labels: nullable(&mut map, "labels", path)?,
            })
        }

        #[inline]
        fn to_json(&self) -> Value {
            let mut map = Map::new();
            put(&mut map, "name", &self.name);
            put_optional(&mut map, "priority", &self.priority);
            put_nullable(&mut map, "labels", &self.labels);
            Value::Object(map)
        }
    }

    crate::impl_serde_via_json!(Region);

    mod elsewhere {
        //! The macro also works from another module, through the re-export.
        use crate::runtime::{DecodeError, Json, Path};
        use serde_json::Value;

        pub(super) struct Wrapper(pub(super) i64);

        impl Json for Wrapper {
            fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
                i64::from_json(value, path).map(Wrapper)
            }
            fn to_json(&self) -> Value {
                self.0.to_json()
            }
        }

        crate::runtime::impl_serde_via_json!(Wrapper,);
    }

    #[test]
    fn serde_through_json() {
        let region = Region {
            name: "eu".to_owned(),
            priority: Some(7),
            labels: Some(None),
        };
        let text = serde_json::to_string(&region).unwrap();
        assert_eq!(text, r#"{"labels":null,"name":"eu","priority":7}"#);
        let back: Region = serde_json::from_str(&text).unwrap();
        assert_eq!(back, region);

        let back: Region = serde_json::from_str(r#"{"name":"us"}"#).unwrap();
        assert_eq!(
            back,
            Region {
                name: "us".to_owned(),
                priority: None,
                labels: None
            }
        );

        let error = serde_json::from_str::<Region>(r#"{"name":"us","priority":1.5}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "at `$.priority`: expected an integer, found a number (1.5)"
        );
        let error = serde_json::from_str::<Region>(r#"{"priority":1}"#).unwrap_err();
        assert_eq!(error.to_string(), "at `$`: missing required field `name`");

        // Nested inside serde-driven containers.
        let list: Vec<Region> = serde_json::from_str(r#"[{"name":"a"},{"name":"b"}]"#).unwrap();
        assert_eq!(list.len(), 2);
        let value = serde_json::to_value(&list).unwrap();
        assert_eq!(value, serde_json::json!([{"name": "a"}, {"name": "b"}]));

        let wrapped: elsewhere::Wrapper = serde_json::from_str("12").unwrap();
        assert_eq!(wrapped.0, 12);
        assert_eq!(serde_json::to_string(&wrapped).unwrap(), "12");
    }
}
