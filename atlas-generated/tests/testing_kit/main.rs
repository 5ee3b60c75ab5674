//! The `testing` feature's kit, as the tests of a program that uses the crate use it, in
//! one test binary (each links the whole crate):
//! - `kit`: the fake Atlas (state, pages, checks, faults, schedules), mocks, and
//!   cassettes recorded against the fake and replayed offline, secrets scrubbed;
//! - `families`: every resource family of the spec served by the fake;
//! - `waiters`: every long-running operation of `spec/waiters.yaml` walked to its end.

mod families;
mod kit;
mod waiters;

#[path = "../common/samples.rs"]
mod samples;

use samples::cases;
