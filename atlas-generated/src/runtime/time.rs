//! Dates and times as the API writes them.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};
use serde_json::Value;

use super::json::{DecodeError, Json, Path};
use super::reader::{Bail, Reader};

/// An RFC 3339 timestamp that keeps the exact text it was decoded from, so
/// that re-encoding is lossless.
///
/// Equality, hashing and ordering compare the instant, not the text:
/// `2024-01-01T00:00:00Z` equals `2024-01-01T01:00:00+01:00`.
#[derive(Debug, Clone)]
pub struct Timestamp {
    datetime: DateTime<FixedOffset>,
    text: Box<str>,
}

impl Timestamp {
    /// Parses an RFC 3339 date-time such as `2024-01-01T00:00:00.000Z`,
    /// keeping `text` as it is.
    ///
    /// # Errors
    ///
    /// The [`chrono::ParseError`] when `text` is not an RFC 3339 date-time.
    #[inline]
    pub fn parse(text: &str) -> Result<Self, chrono::ParseError> {
        let datetime = DateTime::parse_from_rfc3339(text)?;
        Ok(Timestamp {
            datetime,
            text: text.into(),
        })
    }

    /// Like [`Timestamp::parse`], reusing the allocation of `text`.
    #[inline]
    fn parse_owned(text: String) -> Result<Self, (String, chrono::ParseError)> {
        match DateTime::parse_from_rfc3339(&text) {
            Ok(datetime) => Ok(Timestamp {
                datetime,
                text: text.into_boxed_str(),
            }),
            Err(error) => Err((text, error)),
        }
    }

    /// The instant, with the offset it was written with.
    #[inline]
    #[must_use]
    pub fn as_datetime(&self) -> &DateTime<FixedOffset> {
        &self.datetime
    }

    /// The instant in UTC.
    #[inline]
    #[must_use]
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.datetime.with_timezone(&Utc)
    }

    /// The text the timestamp was parsed from (or formatted as).
    #[inline]
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    /// Formats `datetime` as RFC 3339 with as many fractional digits as needed
    /// (0, 3, 6 or 9) and `Z` for a zero offset.
    #[inline]
    fn from(datetime: DateTime<FixedOffset>) -> Self {
        let text = datetime.to_rfc3339_opts(SecondsFormat::AutoSi, true);
        Timestamp {
            datetime,
            text: text.into_boxed_str(),
        }
    }
}

impl From<DateTime<Utc>> for Timestamp {
    /// Formats `datetime` as RFC 3339 with as many fractional digits as needed
    /// (0, 3, 6 or 9) and a `Z` suffix.
    #[inline]
    fn from(datetime: DateTime<Utc>) -> Self {
        Timestamp::from(datetime.fixed_offset())
    }
}

impl PartialEq for Timestamp {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.datetime.naive_utc() == other.datetime.naive_utc()
    }
}

impl Eq for Timestamp {}

impl Hash for Timestamp {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.datetime.naive_utc().hash(state);
    }
}

impl PartialOrd for Timestamp {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        self.datetime.naive_utc().cmp(&other.datetime.naive_utc())
    }
}

impl fmt::Display for Timestamp {
    /// Prints the text the timestamp was parsed from.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Timestamp {
    type Err = chrono::ParseError;

    #[inline]
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(text)
    }
}

impl Json for Timestamp {
    #[inline]
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::String(text) => Timestamp::parse_owned(text).map_err(|(text, error)| {
                DecodeError::new(
                    path,
                    format!("expected an RFC 3339 date-time, found `{text}`: {error}"),
                )
            }),
            other => Err(DecodeError::expected(
                path,
                "an RFC 3339 date-time string",
                &other,
            )),
        }
    }

    /// The original text, unchanged.
    #[inline]
    fn to_json(&self) -> Value {
        Value::String(self.text.to_string())
    }

    #[inline]
    fn encode<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }

    /// The Unix epoch.
    #[inline]
    fn zero() -> Option<Self> {
        Some(Timestamp::from(DateTime::<Utc>::UNIX_EPOCH))
    }

    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        Timestamp::parse(reader.string()?).map_err(|_| Bail)
    }
}

/// The format of a `date` (`2024-01-31`).
const DATE_FORMAT: &str = "%Y-%m-%d";

impl Json for NaiveDate {
    /// Decodes a `YYYY-MM-DD` string.
    #[inline]
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, DecodeError> {
        match value {
            Value::String(text) => NaiveDate::parse_from_str(&text, DATE_FORMAT).map_err(|error| {
                DecodeError::new(
                    path,
                    format!("expected a date (YYYY-MM-DD), found `{text}`: {error}"),
                )
            }),
            other => Err(DecodeError::expected(
                path,
                "a date string (YYYY-MM-DD)",
                &other,
            )),
        }
    }

    /// Encodes as `YYYY-MM-DD`.
    #[inline]
    fn to_json(&self) -> Value {
        Value::String(self.format(DATE_FORMAT).to_string())
    }

    #[inline]
    fn encode<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.format(DATE_FORMAT))
    }

    /// The Unix epoch.
    #[inline]
    fn zero() -> Option<Self> {
        Some(NaiveDate::default())
    }

    #[inline]
    fn read(reader: &mut Reader<'_>) -> Result<Self, Bail> {
        NaiveDate::parse_from_str(reader.string()?, DATE_FORMAT).map_err(|_| Bail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::json::{from_slice, to_vec};
    use chrono::TimeZone;
    use serde_json::json;
    use std::collections::hash_map::DefaultHasher;

    fn hash_of(t: &Timestamp) -> u64 {
        let mut hasher = DefaultHasher::new();
        t.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn text_is_kept_exactly() {
        for text in [
            "2024-01-01T00:00:00.000Z",
            "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00.1Z",
            "2024-06-30T23:59:59.123456789+05:30",
            "2024-01-01T00:00:00-00:00",
            "2024-01-01t00:00:00z",
        ] {
            let t = Timestamp::parse(text).unwrap();
            assert_eq!(t.as_str(), text);
            assert_eq!(t.to_string(), text);
            assert_eq!(t.to_json(), json!(text));
            let decoded = Timestamp::from_json(json!(text), &Path::Root).unwrap();
            assert_eq!(decoded.as_str(), text);
            let bytes = to_vec(&decoded);
            assert_eq!(bytes, format!("\"{text}\"").into_bytes());
            let again: Timestamp = from_slice(&bytes).unwrap();
            assert_eq!(again.as_str(), text);
        }
    }

    #[test]
    fn accessors() {
        let t = Timestamp::parse("2024-03-04T05:06:07.5+02:00").unwrap();
        assert_eq!(t.as_datetime().offset().local_minus_utc(), 2 * 3600);
        assert_eq!(
            t.to_utc(),
            Utc.with_ymd_and_hms(2024, 3, 4, 3, 6, 7).unwrap()
                + chrono::TimeDelta::milliseconds(500)
        );
        let parsed: Timestamp = "2024-03-04T05:06:07.5+02:00".parse().unwrap();
        assert_eq!(parsed.as_str(), t.as_str());
        assert!("yesterday".parse::<Timestamp>().is_err());
    }

    #[test]
    fn equality_by_instant() {
        let z = Timestamp::parse("2024-01-01T00:00:00Z").unwrap();
        let ms = Timestamp::parse("2024-01-01T00:00:00.000Z").unwrap();
        let plus = Timestamp::parse("2024-01-01T01:00:00+01:00").unwrap();
        let minus = Timestamp::parse("2023-12-31T19:00:00-05:00").unwrap();
        let later = Timestamp::parse("2024-01-01T00:00:00.001Z").unwrap();
        for other in [&ms, &plus, &minus] {
            assert_eq!(&z, other);
            assert_eq!(z.cmp(other), Ordering::Equal);
            assert_eq!(hash_of(&z), hash_of(other));
        }
        assert_ne!(z, later);
        assert!(z < later);
        assert!(later > plus);
        let mut list = [later.clone(), minus.clone(), z.clone()];
        list.sort();
        assert_eq!(list.last(), Some(&later));
    }

    #[test]
    fn from_datetimes() {
        let utc = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(Timestamp::from(utc).as_str(), "2024-01-01T00:00:00Z");
        let with_ms = utc + chrono::TimeDelta::milliseconds(120);
        assert_eq!(
            Timestamp::from(with_ms).as_str(),
            "2024-01-01T00:00:00.120Z"
        );
        let with_us = utc + chrono::TimeDelta::microseconds(5);
        assert_eq!(
            Timestamp::from(with_us).as_str(),
            "2024-01-01T00:00:00.000005Z"
        );
        let offset = FixedOffset::east_opt(-3 * 3600).unwrap();
        let local = offset.with_ymd_and_hms(2024, 1, 1, 9, 30, 0).unwrap();
        let t = Timestamp::from(local);
        assert_eq!(t.as_str(), "2024-01-01T09:30:00-03:00");
        assert_eq!(
            t,
            Timestamp::from(utc + chrono::TimeDelta::minutes(12 * 60 + 30))
        );
        let zero = FixedOffset::east_opt(0).unwrap();
        let t = Timestamp::from(zero.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap());
        assert_eq!(t.as_str(), "2024-01-01T00:00:00Z");
    }

    #[test]
    fn decode_errors() {
        let root = Path::Root;
        let error =
            Timestamp::from_json(json!("2024-13-01T00:00:00Z"), &root.key("created")).unwrap_err();
        assert_eq!(error.path(), "$.created");
        assert!(
            error
                .message()
                .starts_with("expected an RFC 3339 date-time, found `2024-13-01T00:00:00Z`: "),
            "{error}"
        );
        let error = Timestamp::from_json(json!("2024-01-01"), &root).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("expected an RFC 3339 date-time, found `2024-01-01`: ")
        );
        let error = Timestamp::from_json(json!(1_700_000_000), &root).unwrap_err();
        assert_eq!(
            error.message(),
            "expected an RFC 3339 date-time string, found a number (1700000000)"
        );
        assert!(Timestamp::parse("").is_err());
        assert!(Timestamp::parse(" 2024-01-01T00:00:00Z").is_err());
    }

    #[test]
    fn dates() {
        let date = NaiveDate::from_json(json!("2024-02-29"), &Path::Root).unwrap();
        assert_eq!(date, NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(date.to_json(), json!("2024-02-29"));
        assert_eq!(
            NaiveDate::from_ymd_opt(5, 1, 2).unwrap().to_json(),
            json!("0005-01-02")
        );
        let error = NaiveDate::from_json(json!("2023-02-29"), &Path::Root).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("expected a date (YYYY-MM-DD), found `2023-02-29`: "),
            "{error}"
        );
        let error = NaiveDate::from_json(json!("2024-01-01T00:00:00Z"), &Path::Root).unwrap_err();
        assert!(error.message().starts_with("expected a date"), "{error}");
        let error = NaiveDate::from_json(json!(null), &Path::Root).unwrap_err();
        assert_eq!(
            error.message(),
            "expected a date string (YYYY-MM-DD), found null"
        );
    }
}
