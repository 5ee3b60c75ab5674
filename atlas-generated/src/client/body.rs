//! Reading an answer's body within a size limit, as it arrives: a body that says or turns
//! out to be longer than the limit is refused before more of it is held, so that a server
//! cannot fill memory with an answer that never ends.

use bytes::Bytes;

/// The most a body buffer reserves before any of it has come: a `Content-Length` is the
/// server's word, not a reason to allocate.
const FIRST_RESERVE: usize = 64 << 10;

/// Why a body could not be read whole.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The connection failed or broke mid-body.
    Broke(reqwest::Error),
    /// The body is longer than `limit` bytes: its `Content-Length` says so (`declared`),
    /// or that much came without its end.
    TooLarge { limit: usize, declared: Option<u64> },
}

/// Reads the whole body of `response`, at most `limit` bytes.
pub(crate) async fn read_limited(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let declared = response.content_length();
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(BodyError::TooLarge { limit, declared });
    }
    let expected = declared.map_or(0, |length| usize::try_from(length).unwrap_or(usize::MAX));
    let mut body = Vec::with_capacity(expected.min(FIRST_RESERVE));
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Broke)? {
        if chunk.len() > limit - body.len() {
            return Err(BodyError::TooLarge {
                limit,
                declared: None,
            });
        }
        if chunk.len() > body.capacity() - body.len() {
            // Doubling, as a list grows, but never past the limit.
            let room = (body.len() + chunk.len())
                .max(body.capacity() * 2)
                .min(limit);
            body.reserve_exact(room - body.len());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

impl BodyError {
    /// What went wrong, for an error message.
    pub(crate) fn describe(&self) -> String {
        match self {
            BodyError::Broke(_) => "the answer's body broke off".to_owned(),
            BodyError::TooLarge {
                limit,
                declared: Some(length),
            } => format!("the answer's body is {length} bytes, over the limit of {limit}"),
            BodyError::TooLarge {
                limit,
                declared: None,
            } => format!("the answer's body goes on past the limit of {limit} bytes"),
        }
    }
}
