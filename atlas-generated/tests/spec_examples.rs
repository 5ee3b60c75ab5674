//! Every `example` of the spec decodes into the Rust type generated for its place and
//! encodes back to an equal JSON value (an absent member equals `null`; numbers compare
//! by value). The cases are generated (`tests/generated/spec_examples.rs`).

mod common;
#[rustfmt::skip]
#[path = "generated/spec_examples.rs"]
mod cases;

use atlas_generated::runtime::json::{Path, from_slice};
use atlas_generated::runtime::reader::{counting, through_value};
use atlas_generated::runtime::{Bytes, Endpoint, Json};
use http::HeaderMap;
use http::header::CONTENT_TYPE;
use serde_json::Value;

/// Runs the generated cases and collects failures instead of stopping at the first.
pub struct Checker {
    checked: usize,
    failures: Vec<String>,
}

impl Checker {
    fn example<T: Json>(&mut self, pointer: &str, json: &str) {
        self.checked += 1;
        let original: Value = serde_json::from_str(json).expect("the generator writes valid JSON");
        match from_slice::<T>(json.as_bytes()) {
            Ok(decoded) => {
                let again = decoded.to_json();
                // The reader is invisible: decoding through `Value` gives the same.
                match through_value(|| from_slice::<T>(json.as_bytes())) {
                    Ok(slow) if slow.to_json() == again => {}
                    Ok(slow) => self.failures.push(format!(
                        "{pointer}: the reader decoded {again} where `Value` gives {}",
                        slow.to_json()
                    )),
                    Err(e) => self
                        .failures
                        .push(format!("{pointer}: only the reader decodes: {e}")),
                }
                if let Some(d) = common::first_difference(&original, &again) {
                    self.failures
                        .push(format!("{pointer}: re-encoded differs at {d}"));
                }
                // Decoding the re-encoded value gives the same value again.
                match T::from_json(again.clone(), &Path::Root) {
                    Ok(twice) if twice.to_json() == again => {}
                    Ok(_) => self
                        .failures
                        .push(format!("{pointer}: a second round trip changes the value")),
                    Err(e) => self.failures.push(format!(
                        "{pointer}: the re-encoded value does not decode: {e}"
                    )),
                }
            }
            Err(e) => self.failures.push(format!("{pointer}: {e}")),
        }
    }

    /// An integer the spec writes as a float (`3e+06`): decoding refuses the float (a
    /// float may stand for another integer than the one it reads as) and takes the integer.
    fn float_integer<T: Json>(&mut self, pointer: &str, integer: &str, float: &str) {
        self.example::<T>(pointer, integer);
        for refused in [
            from_slice::<T>(float.as_bytes()).is_err(),
            through_value(|| from_slice::<T>(float.as_bytes())).is_err(),
        ] {
            if !refused {
                self.failures.push(format!(
                    "{pointer}: the float {float} decodes as an integer"
                ));
            }
        }
    }

    /// A non-JSON success payload: `E` decodes it as exactly these bytes of this media type.
    fn payload<E>(&mut self, pointer: &str, status: u16, media_type: &str, body: &str)
    where
        E: Endpoint<Success = Bytes, Error: std::fmt::Debug>,
    {
        self.checked += 1;
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            media_type.parse().expect("a media type is a header value"),
        );
        match E::decode_response(status, &headers, body.as_bytes()) {
            Ok(bytes) if bytes.body == body.as_bytes() && bytes.media_type == media_type => {}
            Ok(bytes) => self.failures.push(format!(
                "{pointer}: decoded as {} bytes of `{}`, not the {} bytes of `{media_type}` sent",
                bytes.body.len(),
                bytes.media_type,
                body.len()
            )),
            Err(e) => self.failures.push(format!("{pointer}: {e}")),
        }
    }
}

#[test]
fn every_spec_example_round_trips() {
    let mut check = Checker {
        checked: 0,
        failures: Vec::new(),
    };
    let ((), reader) = counting(|| cases::all(&mut check));
    assert_eq!(check.checked, cases::COUNT);
    println!(
        "spec examples: {} of {} decoded and round-tripped; the reader decoded {} \
         and left {} to `Value`",
        check.checked - check.failures.len(),
        check.checked,
        reader.read,
        reader.bailed
    );
    assert!(
        check.failures.is_empty(),
        "{} of {} examples failed:\n{}",
        check.failures.len(),
        check.checked,
        check.failures.join("\n")
    );
}

#[test]
fn the_checker_reports_what_does_not_decode_or_round_trip() {
    let mut check = Checker {
        checked: 0,
        failures: Vec::new(),
    };
    check.example::<i64>("#/a", "\"not a number\"");
    check.example::<i64>("#/b", "5");
    check.example::<Vec<String>>("#/c", "[\"x\"]");
    type InvoiceCsv = atlas_generated::operations::invoices::GetInvoiceV20230101Csv;
    let csv = "application/vnd.atlas.2023-01-01+csv";
    check.payload::<InvoiceCsv>("#/d", 200, csv, "a,b\n1,2\n");
    // A status the operation does not succeed with is not its payload.
    check.payload::<InvoiceCsv>("#/e", 404, csv, "a,b\n");
    assert_eq!(check.checked, 5);
    assert_eq!(check.failures.len(), 2, "{:?}", check.failures);
    assert!(
        check.failures[0].starts_with("#/a: "),
        "{}",
        check.failures[0]
    );
    assert!(
        check.failures[1].starts_with("#/e: "),
        "{}",
        check.failures[1]
    );
}
