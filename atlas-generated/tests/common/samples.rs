//! The generated request samples (`tests/generated/spec_requests.rs`): one per (operation,
//! API version) pair, made of the spec's own examples, with the request each must become.
//! Included with `#[path]` by the test binaries that read them, which each read some of
//! the fields.

#[rustfmt::skip]
#[path = "../generated/spec_requests.rs"]
pub mod cases;

/// One generated sample.
#[allow(dead_code)]
pub struct Case {
    pub operation_id: &'static str,
    pub version: &'static str,
    /// The `dynamic::build_request` arguments, as JSON text.
    pub args: &'static str,
    pub method: &'static str,
    /// The path's segments, percent-decoded.
    pub segments: &'static [&'static str],
    /// Query pairs, decoded, in any order.
    pub query: &'static [(&'static str, &'static str)],
    /// Headers (lower-case names) that must be present with these values.
    pub headers: &'static [(&'static str, &'static str)],
    pub body: Option<&'static str>,
}
