//! `spec/atlas-api.pin`: which OpenAPI document `atlas-generated` is generated from.
//!
//! The format is deliberately tiny and hand-parsed: one `key = "value"` per line,
//! blank lines and `#` comments ignored, `\"` and `\\` the only escapes. It is
//! also valid TOML, but nothing here needs a TOML parser.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use atlas_codegen::media::ApiVersion;

use crate::error::XtaskError;

/// Where the pin lives, relative to the workspace root.
pub const PIN_PATH: &str = "spec/atlas-api.pin";

/// The default for `upstream` when a pin is created from scratch.
pub const DEFAULT_UPSTREAM: &str = "github.com/mongodb/openapi openapi/atlas-api.yaml";

/// The parsed contents of the pin file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// Where the document comes from (repository and path).
    pub upstream: String,
    /// Free-form provenance note, e.g. which copy of upstream was taken.
    pub note: Option<String>,
    /// The date (`YYYY-MM-DD`) the copy was taken.
    pub date: String,
    /// `info.x-xgen-sha` of the document.
    pub x_xgen_sha: String,
    /// Lower-case hex sha256 of the document's bytes.
    pub sha256: String,
    /// Size of the document in bytes.
    pub size: u64,
    /// Every API version found in `application/vnd.atlas.<version>+…` media types, sorted.
    pub versions: Vec<String>,
}

const KEYS: &[&str] = &[
    "upstream",
    "note",
    "date",
    "x_xgen_sha",
    "sha256",
    "size",
    "versions",
];

impl Pin {
    /// Parses the text of a pin file. Errors name the line.
    pub fn parse(text: &str) -> Result<Pin, String> {
        let mut values: BTreeMap<&'static str, String> = BTreeMap::new();
        for (index, raw) in text.lines().enumerate() {
            let lineno = index + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, rest)) = line.split_once('=') else {
                return Err(format!("line {lineno}: expected `key = \"value\"`"));
            };
            let key = key.trim();
            let Some(&known) = KEYS.iter().find(|k| **k == key) else {
                return Err(format!(
                    "line {lineno}: unknown key `{key}` (known keys: {})",
                    KEYS.join(", ")
                ));
            };
            let value = parse_value(rest.trim()).map_err(|e| format!("line {lineno}: {e}"))?;
            if values.insert(known, value).is_some() {
                return Err(format!("line {lineno}: `{key}` is set twice"));
            }
        }

        let mut take = |key: &str| -> Result<String, String> {
            values
                .remove(key)
                .ok_or_else(|| format!("missing key `{key}`"))
        };
        let upstream = take("upstream")?;
        let date = take("date")?;
        let x_xgen_sha = take("x_xgen_sha")?;
        let sha256 = take("sha256")?;
        let size_text = take("size")?;
        let versions_text = take("versions")?;
        let note = values.remove("note");

        if atlas_codegen::media::full_date(&date).is_none() {
            return Err(format!("`date` must be YYYY-MM-DD, got {date:?}"));
        }
        if sha256.len() != 64
            || !sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(format!(
                "`sha256` must be 64 lower-case hex digits, got {sha256:?}"
            ));
        }
        let size = size_text
            .parse::<u64>()
            .map_err(|_| format!("`size` must be a number of bytes, got {size_text:?}"))?;
        let versions: Vec<String> = versions_text
            .split([',', ' '])
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(bad) = versions.iter().find(|v| ApiVersion::parse(v).is_none()) {
            return Err(format!(
                "`versions` entries must be YYYY-MM-DD or `preview`, got {bad:?}"
            ));
        }
        Ok(Pin {
            upstream,
            note,
            date,
            x_xgen_sha,
            sha256,
            size,
            versions,
        })
    }

    /// Reads and parses the pin at `path`.
    pub fn load(path: &Path) -> Result<Pin, XtaskError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(XtaskError::Pin {
                    path: path.to_owned(),
                    message: "not found; create it with `cargo xtask repin --spec PATH`".into(),
                });
            }
            Err(e) => return Err(XtaskError::io_at("cannot read", path, e)),
        };
        Pin::parse(&text).map_err(|message| XtaskError::Pin {
            path: path.to_owned(),
            message,
        })
    }

    /// Renders the pin file, comments included. `parse(render(p)) == p`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# The MongoDB Atlas Administration API OpenAPI document that atlas-generated is\n\
             # generated from. Every xtask command that reads the spec refuses one whose\n\
             # sha256 differs. Written by `cargo xtask repin`; see spec/README.md.\n\n",
        );
        let mut line = |key: &str, value: &str| {
            let _ = writeln!(out, "{key} = {}", quote(value));
        };
        line("upstream", &self.upstream);
        if let Some(note) = &self.note {
            line("note", note);
        }
        line("date", &self.date);
        line("x_xgen_sha", &self.x_xgen_sha);
        line("sha256", &self.sha256);
        line("size", &self.size.to_string());
        line("versions", &self.versions.join(", "));
        out
    }
}

fn parse_value(text: &str) -> Result<String, String> {
    let Some(body) = text.strip_prefix('"') else {
        // A bare value: a single word, nothing else on the line.
        if text.is_empty() {
            return Err("missing value".into());
        }
        if text.contains(char::is_whitespace) || text.contains('#') {
            return Err("a value with spaces or `#` must be quoted".into());
        }
        return Ok(text.to_owned());
    };
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, '"')) => value.push('"'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, other)) => return Err(format!("unsupported escape `\\{other}`")),
                None => return Err("unterminated string".into()),
            },
            '"' => {
                let rest = body[i + 1..].trim_start();
                if !rest.is_empty() && !rest.starts_with('#') {
                    return Err(format!("unexpected text after the value: {rest:?}"));
                }
                return Ok(value);
            }
            c => value.push(c),
        }
    }
    Err("unterminated string".into())
}

fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Pin {
        Pin {
            upstream: DEFAULT_UPSTREAM.into(),
            note: Some("copy with \"quotes\" and a \\ backslash # not a comment".into()),
            date: "2026-08-21".into(),
            x_xgen_sha: "f84b8e4346991132f70f5610809ad1b6af020975".into(),
            sha256: "0fd914afb4a3e1ede2d0f48822fe30d7f1ba2c287625382dfb98bbe2606119f9".into(),
            size: 4_004_216,
            versions: vec!["2023-01-01".into(), "2025-03-12".into(), "preview".into()],
        }
    }

    #[test]
    fn render_then_parse_round_trips() {
        let pin = sample();
        assert_eq!(Pin::parse(&pin.render()), Ok(pin.clone()));
        let no_note = Pin { note: None, ..pin };
        assert_eq!(Pin::parse(&no_note.render()), Ok(no_note));
    }

    #[test]
    fn accepts_comments_bare_values_and_trailing_comments() {
        let text = "# c\n\nupstream = \"u\" # trailing\ndate = 2026-01-02\nx_xgen_sha = abc\n\
                    sha256 = \"0fd914afb4a3e1ede2d0f48822fe30d7f1ba2c287625382dfb98bbe2606119f9\"\n\
                    size = 12\nversions = \"2023-01-01,preview\"\n";
        let pin = Pin::parse(text).unwrap();
        assert_eq!(pin.upstream, "u");
        assert_eq!(pin.date, "2026-01-02");
        assert_eq!(pin.size, 12);
        assert_eq!(pin.versions, ["2023-01-01", "preview"]);
        assert_eq!(pin.note, None);
    }

    #[test]
    fn rejects_malformed_pins() {
        let good = sample().render();
        let cases = [
            (
                good.replace("size = \"4004216\"", "size = \"big\""),
                "`size`",
            ),
            (
                good.replace("date = \"2026-08-21\"", "date = \"21.08.2026\""),
                "`date`",
            ),
            (good.replace("0fd914", "0FD914"), "`sha256`"),
            (good.replace("upstream =", "upstrem ="), "unknown key"),
            (format!("{good}date = \"2026-08-21\"\n"), "set twice"),
            (
                good.replace("versions = ", "# versions = "),
                "missing key `versions`",
            ),
            (format!("{good}note\n"), "expected `key"),
            (
                good.replace("\"2026-08-21\"", "\"2026-08-21"),
                "unterminated",
            ),
            (
                good.replace("\"2026-08-21\"", "\"2026-08-21\" x"),
                "unexpected text",
            ),
            (good.replace(", preview", ", latest"), "`versions`"),
        ];
        for (text, needle) in cases {
            let err = Pin::parse(&text).expect_err(needle);
            assert!(err.contains(needle), "{err:?} should mention {needle:?}");
        }
    }
}
