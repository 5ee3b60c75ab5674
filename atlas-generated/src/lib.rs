//! Types and sans-IO operations for the MongoDB Atlas Administration API v2.
//!
//! Everything under [`models`], [`operations`] and [`registry`] is generated from the Atlas
//! OpenAPI document by `atlas-codegen` (`cargo xtask codegen`); [`runtime`] is written by hand.
//!
//! - [`models`]: a type for every schema. Structs keep properties the spec does not declare,
//!   string enums keep values the spec does not list, and discriminated unions keep tag values
//!   the spec does not list, so that decoding what the server sends never fails on something
//!   new, and encoding it again loses nothing.
//! - [`operations`]: a module per tag, and in it a request type per (operation, API version)
//!   implementing [`runtime::Endpoint`]: it builds the [`http::Request`] and decodes the response.
//!   The name without a version suffix is the newest stable version. Every request type is
//!   also at the root of [`operations`], without its tag: `operations::CreateCluster`.
//! - [`prelude`]: the traits and types a caller needs in scope, in one `use`.
//! - [`registry`]: a table of every operation, for tools that work by operation id.
//! - [`client`] (cargo feature `client`, on by default): an async client that sends the
//!   operations to Atlas, with service account or API key authentication, retries and
//!   pagination. Without default features the crate is sans-IO only.
//! - `dynamic` (cargo feature `dynamic`): building requests and decoding bodies by
//!   operation id with JSON arguments, through the typed layer.
//! - `testing` (cargo feature `testing`, for dev-dependencies): a fake Atlas on 127.0.0.1
//!   that keeps state per resource family, mocks by operation type, and cassettes
//!   recorded and replayed with secrets scrubbed.
//!
//! Each tag is a cargo feature named like its module under [`operations`] (`clusters`,
//! `atlas_search`, …), compiling the tag's operations and the models they use; `full`, a
//! default feature, compiles every tag. The registry lists only the compiled operations.
// docs.rs (`--cfg docsrs`, Cargo.toml): each gated item shows the features that enable it.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod prelude;
pub mod runtime;

// Generated code must compile without warnings; clippy's style advice is for hand-written code.
// It is formatted by the generator (prettyplease); rustfmt would make it drift.
#[allow(clippy::all)]
#[rustfmt::skip]
mod generated;

pub use generated::{models, operations, registry};

mod api_error;

#[cfg(feature = "dynamic")]
pub mod dynamic;

#[cfg(feature = "client")]
pub mod client;

#[cfg(feature = "testing")]
pub mod testing;

/// The README's examples, compiled and run as doctests so that they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
