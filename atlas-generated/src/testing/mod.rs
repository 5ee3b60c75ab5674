//! A kit for testing programs that use the crate (cargo feature `testing`, for
//! dev-dependencies): nothing of it is compiled without the feature.
//!
//! - [`FakeAtlas`]: an in-process server on 127.0.0.1 that behaves like Atlas: it keeps
//!   the resources created in it, pages lists, walks long-running resources through their
//!   states, checks what it receives, and fails on demand.
//! - [`Mock`] and [`mock`]: answers by operation type, without a server.
//! - [`Recorder`] and [`Replay`]: JSON Lines cassettes of real exchanges, secrets scrubbed,
//!   served again offline.

mod cassette;
mod exchange;
mod fake;
mod mock;
mod store;
pub(crate) mod tables;

pub use crate::client::{Network, Transport, TransportFuture, TransportResult};
pub use cassette::{CassetteError, Recorder, Replay, SCRUBBED};
pub use exchange::{Fault, ReceivedRequest};
pub use fake::{CLIENT_ID, CLIENT_SECRET, FakeAtlas, PRIVATE_KEY, PUBLIC_KEY};
pub use mock::{Mock, MockAnswer, Rule, mock};
pub use tables::{Family, SecretField, families, secret_fields, secret_parameters};
