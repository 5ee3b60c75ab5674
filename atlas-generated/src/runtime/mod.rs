//! The hand-written runtime that generated types and operations build on.
//!
//! - [`json`]: the [`Json`] trait (conversion from and to
//!   [`serde_json::Value`]), decoding errors with their location, and the
//!   helpers generated implementations are made of.
//! - [`time`]: [`Timestamp`], a lossless RFC 3339 date-time, and dates.
//! - [`enums`]: [`OpenEnum`], implemented by generated string enums.
//! - [`request`]: [`RequestBuilder`], building sans-IO [`http::Request`]s.
//! - [`response`]: [`Endpoint`] and the interpretation of responses.
//! - [`encode`]: the helpers of generated `Json::encode` and `Json::encode_members`
//!   methods, which write models into serde serializers.
//! - [`reader`]: [`Reader`], decoding straight from JSON text when it decodes cleanly.
//! - [`correction`]: responses that lack required fields, filled with zero values.
//! - [`limits`]: the depth and memory bounds of every decoding.
//! - [`pagination`]: [`Paginated`] list operations and walking their pages.
//! - [`wait`]: [`Waitable`] long-running operations, and the states that end a wait.
//! - [`registry`]: [`OperationInfo`], the description of an operation by id.
//! - [`redact`]: `Debug` that shows whether a secret is set, never what it is.

pub mod correction;
pub mod encode;
pub mod enums;
pub mod json;
pub mod limits;
pub mod pagination;
pub mod reader;
pub mod registry;
pub mod request;
pub mod response;
pub mod time;
pub mod wait;

pub use crate::impl_serde_via_json;
pub use correction::{Corrected, Correction, Filled};
pub use encode::Encoded;
pub use enums::OpenEnum;
pub use json::{
    Declared, DecodeError, Json, Path, UnknownVariant, branch_order, from_slice, no_variant,
    nullable, object, one_of, optional, put, put_nullable, put_optional, put_or_null, required,
    tag, to_vec, variant_payload, with_tag,
};
pub use json::{Fields, deserialize, from_value};
pub use limits::{MAX_DEPTH, branch_value};
pub use pagination::{MAX_PAGE_SIZE, Page, PageCursor, Paginated};
pub use reader::{Bail, Reader, Variant};
pub use registry::{OperationInfo, VersionInfo};
pub use request::{
    BuildError, DEFAULT_BASE_URL, PathValue, QueryValue, RequestBuilder, enum_query_value,
};
pub use response::{
    Bytes, Endpoint, NoContent, ResponseError, bytes_body, decode_error, decode_json,
    decode_no_content,
};
pub use time::Timestamp;
pub use wait::{Progress, Seen, Verdict, WaitRule, Waitable};

/// A calendar date (`format: date`), `YYYY-MM-DD` on the wire.
pub use chrono::NaiveDate as Date;

pub mod redact;
