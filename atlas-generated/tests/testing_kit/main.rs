//! The `testing` feature's kit, as the tests of a program that uses the crate use it, in
//! one test binary (each links the whole crate):
//! - `kit`: the fake Atlas (state, pages, checks, faults, schedules), mocks, and
//!   cassettes recorded against the fake and replayed offline, secrets scrubbed;
//! - `families`: every resource family of the spec served by the fake;
//! - `waiters`: every long-running operation of `spec/waiters.yaml` walked to its end.

mod families;
mod kit;
mod waiters;

#[rustfmt::skip]
#[path = "../generated/spec_requests.rs"]
mod cases;

/// One generated request sample (the shape `tests/spec_requests.rs` reads; these tests
/// read only the operation, its version and its arguments).
#[allow(dead_code)]
pub struct Case {
    operation_id: &'static str,
    version: &'static str,
    /// The `dynamic::build_request` arguments, as JSON text.
    args: &'static str,
    method: &'static str,
    segments: &'static [&'static str],
    query: &'static [(&'static str, &'static str)],
    headers: &'static [(&'static str, &'static str)],
    body: Option<&'static str>,
}
