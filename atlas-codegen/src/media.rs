//! Media types and API versions: the one reading of Atlas's versioned media types, for the
//! generator, the request samples, the pin and the Prism run alike.
//!
//! Atlas versions every operation by media type: `application/vnd.atlas.2024-10-23+json`
//! asks for API version 2024-10-23 in JSON, `application/vnd.atlas.preview+json` for the
//! preview, `…+csv` and `…+gzip` for other formats of the same version. Errors come as plain
//! `application/json`, which belongs to no version.

use std::cmp::Ordering;
use std::fmt;

use chrono::NaiveDate;

/// The prefix of every versioned media type.
const PREFIX: &str = "application/vnd.atlas.";
/// The name of the preview version.
const PREVIEW: &str = "preview";

/// An Atlas API version: a release date (`2024-10-23`) or `preview`. Dates sort in calendar
/// order and `preview` after every date, so the newest stable version is the last date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApiVersion(String);

impl ApiVersion {
    /// `preview`, or a real calendar date written `YYYY-MM-DD`; `None` for anything else.
    pub fn parse(text: &str) -> Option<ApiVersion> {
        (text == PREVIEW || full_date(text).is_some()).then(|| ApiVersion(text.to_owned()))
    }

    /// The version as Atlas writes it: `2024-10-23` or `preview`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_preview(&self) -> bool {
        self.0 == PREVIEW
    }

    /// The media type asking for this version in `format` (`json`, `csv`, `gzip`…).
    pub fn media_type(&self, format: &str) -> String {
        format!("{PREFIX}{}+{format}", self.0)
    }
}

impl Ord for ApiVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        // `YYYY-MM-DD` sorts by date as text.
        (self.is_preview(), &self.0).cmp(&(other.is_preview(), &other.0))
    }
}

impl PartialOrd for ApiVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for ApiVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ApiVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ApiVersion::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not an API version (`YYYY-MM-DD` or `preview`)"
            ))
        })
    }
}

/// A media type that names an API version: `application/vnd.atlas.2024-10-23+csv` is
/// version 2024-10-23 in the format `csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<'m> {
    pub version: ApiVersion,
    pub format: &'m str,
}

/// The version and format a media type names; parameters (`;charset=utf-8`) are ignored.
/// `None` for a media type that names no version (`application/json`,
/// `application/vnd.atlas.YYYY-MM-DD+json`).
pub fn versioned(media_type: &str) -> Option<Versioned<'_>> {
    let essence = media_type.split(';').next().unwrap_or(media_type).trim();
    let (version, format) = essence.strip_prefix(PREFIX)?.split_once('+')?;
    let version = ApiVersion::parse(version)?;
    (!format.is_empty()).then_some(Versioned { version, format })
}

/// Whether a body of this media type is JSON: `application/json`, or a versioned `+json`.
pub fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || versioned(media_type).is_some_and(|v| v.format == "json")
}

/// An RFC 3339 `full-date` (`YYYY-MM-DD`, a day the calendar has): the form of a version,
/// and of a `format: date` string.
pub fn full_date(text: &str) -> Option<NaiveDate> {
    let digits_at = |range: std::ops::Range<usize>| text.get(range)?.parse::<u32>().ok();
    let well_formed = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !well_formed {
        return None;
    }
    let year = i32::try_from(digits_at(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits_at(5..7)?, digits_at(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(text: &str) -> ApiVersion {
        ApiVersion::parse(text).expect(text)
    }

    #[test]
    fn versioned_media_types() {
        let parsed = |m| versioned(m).map(|v| (v.version.as_str().to_owned(), v.format));
        let of = |v: &str, f| Some((v.to_owned(), f));
        assert_eq!(
            parsed("application/vnd.atlas.2023-01-01+json"),
            of("2023-01-01", "json")
        );
        assert_eq!(
            parsed("application/vnd.atlas.2025-03-12+gzip"),
            of("2025-03-12", "gzip")
        );
        assert_eq!(
            parsed("application/vnd.atlas.preview+csv"),
            of("preview", "csv")
        );
        assert_eq!(
            parsed("application/vnd.atlas.2023-01-01+json;charset=utf-8"),
            of("2023-01-01", "json")
        );
        for unversioned in [
            "application/json",
            "application/vnd.atlas.YYYY-MM-DD+json",
            "application/vnd.atlas.2023-02-30+json",
            "application/vnd.atlas.2023-01-01",
            "application/vnd.atlas.2023-01-01+",
            "application/vnd.atlas.latest+json",
        ] {
            assert_eq!(versioned(unversioned), None, "{unversioned}");
        }
    }

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/vnd.atlas.preview+json"));
        assert!(!is_json("application/vnd.atlas.2023-01-01+csv"));
        assert!(!is_json("text/plain"));
    }

    #[test]
    fn versions_sort_by_date_with_preview_last() {
        let mut versions = [
            version("preview"),
            version("2024-10-23"),
            version("2023-01-01"),
        ];
        versions.sort();
        let sorted: Vec<&str> = versions.iter().map(ApiVersion::as_str).collect();
        assert_eq!(sorted, ["2023-01-01", "2024-10-23", "preview"]);
        assert_eq!(
            version("2024-10-23").media_type("csv"),
            "application/vnd.atlas.2024-10-23+csv"
        );
    }

    #[test]
    fn full_dates_are_real_days_in_the_strict_form() {
        assert!(full_date("2024-02-29").is_some());
        for bad in [
            "2023-02-29",
            "2023-13-01",
            "2023-1-01",
            "2023-01-01T00",
            "２０２３-01-01",
            "",
        ] {
            assert_eq!(full_date(bad), None, "{bad}");
        }
    }
}
