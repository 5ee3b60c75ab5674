//! The traits a caller needs in scope, in one import: `use atlas_generated::prelude::*;`.
//!
//! [`Endpoint`] builds requests (`to_request`) and decodes responses (`decode_response`),
//! [`Json`] converts any model to and from a `serde_json::Value`, and [`OpenEnum`] reads a
//! string enum's wire value and says whether the spec lists it. Along with them come the
//! response error and the error body Atlas sends ([`ApiError`]), the wire types of dates
//! and times, and the value kept for a union tag the spec does not list. [`Paginated`]
//! marks list operations; with the `client` feature, the client's types come too.

pub use crate::models::ApiError;
pub use crate::runtime::{
    Bytes, Date, Endpoint, Json, NoContent, OpenEnum, Paginated, ResponseError, Timestamp,
    UnknownVariant,
};

#[cfg(feature = "client")]
pub use crate::client::{Client, Credentials, Error, ErrorKind, RetryPolicy};
