//! Encoding through serde's [`Serializer`], without building a [`serde_json::Value`].
//!
//! Each generated type's [`Json::encode`] writes itself into the serializer it is given:
//! a struct as a map of its set fields (declared ones in the spec's order, then the
//! undeclared ones it kept), a union's variant as its payload's members after the tag,
//! an enum as its string. `serde_json::to_vec(&model)`, [`to_vec`](super::to_vec) and the
//! request bodies of operations all go this way, so a model reaches the wire with no tree
//! in between. The helpers here are what generated `encode` methods are made of; they are
//! generic over the serializer only, and compiled for the serializers a program uses.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::correction::Filled;
use super::json::Json;

/// A [`Json`] value as a [`Serialize`] one, encoded by [`Json::encode`].
pub struct Encoded<'a, T>(pub &'a T);

impl<T: Json> Serialize for Encoded<'_, T> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.encode(serializer)
    }
}

/// Encodes a struct: a map of its members.
///
/// # Errors
///
/// The serializer's.
#[inline]
pub fn object<S: Serializer, T: Json>(serializer: S, value: &T) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    value.encode_members(&mut map, None)?;
    map.end()
}

/// Encodes a union's variant: the tag `property: tag`, then the payload's members but its
/// own member of that name. The variant is the one source of its tag.
///
/// # Errors
///
/// The serializer's.
#[inline]
pub fn tagged<S: Serializer, T: Json>(
    serializer: S,
    property: &'static str,
    tag: &str,
    payload: &T,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    map.serialize_entry(property, tag)?;
    payload.encode_members(&mut map, Some(property))?;
    map.end()
}

/// Writes the required member `key`, unless decoding filled it and it still holds the
/// zero value it was filled with (see [`correction`](super::correction)).
///
/// # Errors
///
/// The serializer's.
#[inline]
pub fn required<M: SerializeMap, T: Json>(
    map: &mut M,
    skip: Option<&str>,
    key: &'static str,
    value: &T,
    filled: &Filled,
) -> Result<(), M::Error> {
    if skip == Some(key) || (!filled.is_empty() && is_filled_zero(key, value, filled)) {
        return Ok(());
    }
    map.serialize_entry(key, &Encoded(value))
}

/// Whether the required member `key` was filled by decoding and still holds that zero
/// value: then encoding leaves it out, so that a value encodes back to what was received.
/// Compared as JSON text so that types need no `PartialEq` here.
#[cold]
pub fn is_filled_zero<T: Json>(key: &str, value: &T, filled: &Filled) -> bool {
    filled.contains(key)
        && T::zero().is_some_and(|zero| super::json::to_vec(&zero) == super::json::to_vec(value))
}

/// Writes the optional member `key` when it is set.
///
/// # Errors
///
/// The serializer's.
#[inline]
pub fn optional<M: SerializeMap, T: Json>(
    map: &mut M,
    skip: Option<&str>,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(value) if skip != Some(key) => map.serialize_entry(key, &Encoded(value)),
        _ => Ok(()),
    }
}

/// Writes the required, nullable member `key`: `None` as `null`.
///
/// # Errors
///
/// The serializer's.
#[inline]
pub fn or_null<M: SerializeMap, T: Json>(
    map: &mut M,
    skip: Option<&str>,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    if skip == Some(key) {
        return Ok(());
    }
    map.serialize_entry(key, &Encoded(value))
}

/// Writes the optional, nullable member `key`: left out for `None`, `null` for
/// `Some(None)`.
///
/// # Errors
///
/// The serializer's.
#[inline]
pub fn nullable<M: SerializeMap, T: Json>(
    map: &mut M,
    skip: Option<&str>,
    key: &'static str,
    value: &Option<Option<T>>,
) -> Result<(), M::Error> {
    match value {
        Some(value) if skip != Some(key) => map.serialize_entry(key, &Encoded(value)),
        _ => Ok(()),
    }
}

/// Writes the members a struct keeps undeclared, but those named like one of its
/// `declared` members (which its fields alone write) or `skip`.
///
/// # Errors
///
/// The serializer's.
#[inline]
pub fn undeclared<M: SerializeMap>(
    map: &mut M,
    skip: Option<&str>,
    undeclared: &Map<String, Value>,
    declared: &[&str],
) -> Result<(), M::Error> {
    if undeclared.is_empty() {
        return Ok(());
    }
    undeclared_members(map, skip, undeclared, declared)
}

fn undeclared_members<M: SerializeMap>(
    map: &mut M,
    skip: Option<&str>,
    undeclared: &Map<String, Value>,
    declared: &[&str],
) -> Result<(), M::Error> {
    for (key, value) in undeclared {
        if skip != Some(key.as_str()) && !declared.contains(&key.as_str()) {
            map.serialize_entry(key, value)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::json::{DecodeError, Path, object, required};

    /// A union whose variant's payload is not a struct cannot splice its members after
    /// the tag: encoding fails, naming the type, instead of writing a wrong document.
    #[test]
    fn a_payload_that_is_not_a_struct_has_no_members() {
        let mut out = Vec::new();
        let error = tagged(
            &mut serde_json::Serializer::new(&mut out),
            "type",
            "name",
            &"plain".to_owned(),
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("`alloc::string::String` is not a struct"),
            "{error}"
        );
    }

    /// A struct as the generator writes one: members only.
    struct Link {
        href: String,
    }

    impl Json for Link {
        fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
            let mut map = object(value, path)?;
            Ok(Link {
                href: required(&mut map, "href", path)?,
            })
        }

        const MEMBERS: bool = true;

        fn encode_members<M: SerializeMap>(
            &self,
            map: &mut M,
            skip: Option<&str>,
        ) -> Result<(), M::Error> {
            optional(map, skip, "href", &Some(self.href.clone()))
        }
    }

    /// A boxed struct is still a struct: its members are the struct's, after the tag, and
    /// on its own it is their map.
    #[test]
    fn a_boxed_struct_writes_its_members() {
        let link = Box::new(Link {
            href: "https://x".to_owned(),
        });
        let mut out = Vec::new();
        tagged(
            &mut serde_json::Serializer::new(&mut out),
            "type",
            "link",
            &link,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"type":"link","href":"https://x"}"#
        );
        assert_eq!(
            String::from_utf8(crate::runtime::to_vec(&link)).unwrap(),
            r#"{"href":"https://x"}"#
        );
    }
}
