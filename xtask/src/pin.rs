//! `spec/atlas-api.pin`: which OpenAPI document `atlas-generated` is generated from, as TOML.

use std::path::Path;

use atlas_codegen::media::{self, ApiVersion};
use serde::{Deserialize, Serialize};

use crate::error::XtaskError;

/// Where the pin lives, relative to the workspace root.
pub const PIN_PATH: &str = "spec/atlas-api.pin";

/// The default for `upstream` when a pin is created from scratch.
pub const DEFAULT_UPSTREAM: &str = "github.com/mongodb/openapi openapi/atlas-api.yaml";

/// What the pin file says, key by key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// Where the document comes from (repository and path).
    pub upstream: String,
    /// Free-form provenance note, e.g. which copy of upstream was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The date (`YYYY-MM-DD`) the copy was taken.
    pub date: String,
    /// `info.x-xgen-sha` of the document.
    pub x_xgen_sha: String,
    /// Lower-case hex sha256 of the document's bytes.
    pub sha256: String,
    /// Size of the document in bytes.
    pub size: u64,
    /// Every API version an operation of the document is available in, oldest first.
    pub versions: Vec<ApiVersion>,
}

const HEADER: &str = "\
# The MongoDB Atlas Administration API OpenAPI document that atlas-generated is
# generated from. Every xtask command that reads the spec refuses one whose
# sha256 differs. Written by `cargo xtask repin`; see spec/README.md.

";

impl Pin {
    /// Parses the text of a pin file; the error says what is wrong, and where.
    pub fn parse(text: &str) -> Result<Pin, String> {
        let pin: Pin = toml::from_str(text).map_err(|e| e.to_string())?;
        if media::full_date(&pin.date).is_none() {
            return Err(format!("`date` must be YYYY-MM-DD, got {:?}", pin.date));
        }
        let hex = |b: u8| matches!(b, b'0'..=b'9' | b'a'..=b'f');
        if pin.sha256.len() != 64 || !pin.sha256.bytes().all(hex) {
            return Err(format!(
                "`sha256` must be 64 lower-case hex digits, got {:?}",
                pin.sha256
            ));
        }
        Ok(pin)
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

    /// The pin file, comments included. `parse(render(p)) == p`.
    pub fn render(&self) -> String {
        // Plain strings, integers and arrays of strings: nothing toml cannot write.
        let body = toml::to_string(self).unwrap_or_else(|e| format!("# unwritable: {e}\n"));
        format!("{HEADER}{body}")
    }
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
            versions: ["2023-01-01", "2025-03-12", "preview"]
                .map(|v| ApiVersion::parse(v).unwrap())
                .to_vec(),
        }
    }

    #[test]
    fn render_then_parse_round_trips() {
        let pin = sample();
        let text = pin.render();
        assert!(text.contains("size = 4004216\n"), "{text}");
        assert_eq!(Pin::parse(&text), Ok(pin.clone()));
        let no_note = Pin { note: None, ..pin };
        assert_eq!(Pin::parse(&no_note.render()), Ok(no_note));
    }

    #[test]
    fn rejects_malformed_pins() {
        let good = sample().render();
        let cases = [
            (good.replace("size = 4004216", "size = \"big\""), "size"),
            (good.replace("\"2026-08-21\"", "\"21.08.2026\""), "`date`"),
            (good.replace("\"2026-08-21\"", "\"2026-02-30\""), "`date`"),
            (good.replace("0fd914", "0FD914"), "`sha256`"),
            (good.replace("upstream =", "upstrem ="), "upstrem"),
            (format!("{good}date = \"2026-08-21\"\n"), "duplicate key"),
            (
                good.replace("versions = ", "# versions = "),
                "missing field `versions`",
            ),
            (
                good.replace("\"preview\"", "\"latest\""),
                "not an API version",
            ),
        ];
        for (text, needle) in cases {
            let err = Pin::parse(&text).expect_err(needle);
            assert!(err.contains(needle), "{err:?} should mention {needle:?}");
        }
    }
}
