//! Building requests without doing any I/O.
//!
//! Generated operations describe themselves to a [`RequestBuilder`], which
//! produces an [`http::Request<Vec<u8>>`] that any HTTP client can send.

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;
use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode, utf8_percent_encode};

use super::enums::OpenEnum;
use super::json::{Json, to_vec};
use super::time::Timestamp;

/// The scheme and host of the Atlas Administration API, used by
/// [`RequestBuilder::finish`].
pub const DEFAULT_BASE_URL: &str = "https://cloud.mongodb.com";

/// Why a request could not be built.
#[derive(Debug)]
pub enum BuildError {
    /// A path parameter was the empty string, which would address another resource.
    EmptyPathParameter {
        /// The parameter's name in the path template.
        name: &'static str,
    },
    /// A path parameter was `.` or `..`, or a percent-encoding of one (`%2E%2e`, `.%2e`,
    /// `%252e`, decoded as many times as it decodes). Sent as a segment, it would be read
    /// as a dot segment, by the URL parser of the HTTP client (which collapses `%2E%2E`
    /// as it does `..`) or by a server or proxy that decodes the path, and address
    /// another resource: `DELETE /groups/{groupId}/clusters/..` is `/groups/{groupId}/`.
    DotSegment {
        /// The parameter's name in the path template.
        name: &'static str,
        /// The rejected value, as given.
        value: String,
    },
    /// A header name is not a valid HTTP header name.
    InvalidHeaderName {
        /// The header's name.
        name: &'static str,
    },
    /// A header value (or a media type) contains bytes not allowed in an HTTP header.
    InvalidHeaderValue {
        /// The header's name.
        name: &'static str,
        /// The rejected value.
        value: String,
    },
    /// The `http` crate rejected the request (for example, an invalid base URL).
    Http(http::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::EmptyPathParameter { name } => {
                write!(f, "path parameter `{name}` is empty")
            }
            BuildError::DotSegment { name, value } => match dot_segment(value) {
                Some(dots) if dots != value => write!(
                    f,
                    "path parameter `{name}` is `{value}`, which percent-decodes to \
                     `{dots}` and would address another resource"
                ),
                _ => write!(
                    f,
                    "path parameter `{name}` is `{value}`, which would address another resource"
                ),
            },
            BuildError::InvalidHeaderName { name } => {
                write!(f, "`{name}` is not a valid header name")
            }
            BuildError::InvalidHeaderValue { name, value } => {
                write!(f, "invalid value for header `{name}`: {value:?}")
            }
            BuildError::Http(error) => write!(f, "invalid request: {error}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(error) => Some(error),
            _ => None,
        }
    }
}

impl From<http::Error> for BuildError {
    #[inline]
    fn from(error: http::Error) -> Self {
        BuildError::Http(error)
    }
}

/// A value that can fill a `{parameter}` of a path template.
pub trait PathValue {
    /// The value as text, before percent-encoding.
    fn path_text(&self) -> String;
}

impl PathValue for str {
    #[inline]
    fn path_text(&self) -> String {
        self.to_owned()
    }
}

impl PathValue for String {
    #[inline]
    fn path_text(&self) -> String {
        self.clone()
    }
}

impl PathValue for i32 {
    #[inline]
    fn path_text(&self) -> String {
        self.to_string()
    }
}

impl PathValue for i64 {
    #[inline]
    fn path_text(&self) -> String {
        self.to_string()
    }
}

impl PathValue for f64 {
    #[inline]
    fn path_text(&self) -> String {
        self.to_string()
    }
}

impl PathValue for bool {
    #[inline]
    fn path_text(&self) -> String {
        self.to_string()
    }
}

impl<T: PathValue + ?Sized> PathValue for &T {
    #[inline]
    fn path_text(&self) -> String {
        (**self).path_text()
    }
}

/// A value that can be sent as a query parameter or a header.
///
/// A value pushes zero (`None`), one, or several (arrays) strings.
pub trait QueryValue {
    /// Appends the value's text forms, before percent-encoding, to `out`.
    fn push_values(&self, out: &mut Vec<String>);
}

impl QueryValue for str {
    #[inline]
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.to_owned());
    }
}

impl QueryValue for String {
    #[inline]
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.clone());
    }
}

impl QueryValue for bool {
    #[inline]
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.to_string());
    }
}

impl QueryValue for i32 {
    #[inline]
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.to_string());
    }
}

impl QueryValue for i64 {
    #[inline]
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.to_string());
    }
}

impl QueryValue for f64 {
    #[inline]
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.to_string());
    }
}

impl QueryValue for Timestamp {
    /// The timestamp's text, as parsed or formatted.
    #[inline]
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.as_str().to_owned());
    }
}

impl QueryValue for NaiveDate {
    /// `YYYY-MM-DD`.
    #[inline]
    fn push_values(&self, out: &mut Vec<String>) {
        out.push(self.format("%Y-%m-%d").to_string());
    }
}

impl<T: QueryValue> QueryValue for Option<T> {
    /// `None` pushes nothing.
    #[inline]
    fn push_values(&self, out: &mut Vec<String>) {
        if let Some(value) = self {
            value.push_values(out);
        }
    }
}

impl<T: QueryValue> QueryValue for [T] {
    /// Each element in order.
    #[inline]
    fn push_values(&self, out: &mut Vec<String>) {
        for value in self {
            value.push_values(out);
        }
    }
}

impl<T: QueryValue> QueryValue for Vec<T> {
    /// Each element in order.
    #[inline]
    fn push_values(&self, out: &mut Vec<String>) {
        self.as_slice().push_values(out);
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    #[inline]
    fn push_values(&self, out: &mut Vec<String>) {
        (**self).push_values(out);
    }
}

/// The body of `QueryValue::push_values` for a generated open enum: pushes
/// [`OpenEnum::as_str`].
#[inline]
pub fn enum_query_value<E: OpenEnum>(value: &E, out: &mut Vec<String>) {
    out.push(value.as_str().to_owned());
}

/// Every byte but the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~`: what path
/// segments, query names and query values percent-encode.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How many times [`dot_segment`] percent-decodes a value: far more layers than any server
/// or proxy decodes, and a bound on the work a caller's string can cause.
const DECODINGS: usize = 16;

/// `.` or `..` when `text` is one, or percent-decodes to one, percent-encoded up to
/// [`DECODINGS`] times (`%2E`, `%2e.`, `%252E%252E`) and in either case of hex digits.
///
/// The `url` crate that reqwest parses URLs with (WHATWG) reads `%2E` as `.` in a path
/// segment and removes dot segments, so `%2E%2E` climbs one segment up; a server or proxy
/// that decodes a path before normalizing it may do the same with `%252E%252E`.
pub(crate) fn dot_segment(text: &str) -> Option<&'static str> {
    let dots = |bytes: &[u8]| match bytes {
        b"." => Some("."),
        b".." => Some(".."),
        _ => None,
    };
    // Any other byte survives decoding: the text is no dot segment, however long.
    let encodes_dots = |b: &u8| *b == b'.' || *b == b'%' || b.is_ascii_hexdigit();
    if !text.bytes().all(|b| encodes_dots(&b)) {
        return None;
    }
    let mut bytes = Cow::Borrowed(text.as_bytes());
    for _ in 0..=DECODINGS {
        if let Some(found) = dots(&bytes) {
            return Some(found);
        }
        // Without a `%`, nothing decodes; a decoding that changes nothing is the end.
        if !bytes.contains(&b'%') {
            return None;
        }
        let decoded: Cow<'_, [u8]> = percent_decode(&bytes).into();
        if decoded.len() == bytes.len() {
            return None;
        }
        bytes = Cow::Owned(decoded.into_owned());
    }
    None
}

/// Appends `text` to `out`, percent-encoded (see [`NOT_UNRESERVED`]).
fn encode_into(out: &mut String, text: &str) {
    out.extend(utf8_percent_encode(text, NOT_UNRESERVED));
}

/// Builds one request: path, query, headers and body.
#[derive(Debug)]
pub struct RequestBuilder {
    method: Method,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Vec<u8>,
    /// The first error met by a method that does not return one; reported by `finish`.
    deferred: Option<BuildError>,
}

impl RequestBuilder {
    /// Starts a request with `method` that accepts `media_type`
    /// (for example `application/vnd.atlas.2024-10-23+json`).
    #[inline]
    #[must_use]
    pub fn new(method: Method, media_type: &'static str) -> Self {
        let mut builder = RequestBuilder {
            method,
            path: String::new(),
            query: String::new(),
            headers: HeaderMap::new(),
            body: Vec::new(),
            deferred: None,
        };
        builder.set_media_type(ACCEPT, "Accept", media_type);
        builder
    }

    fn set_media_type(&mut self, header: HeaderName, name: &'static str, media_type: &str) {
        match HeaderValue::from_str(media_type) {
            Ok(value) => {
                self.headers.insert(header, value);
            }
            Err(_) => {
                self.deferred.get_or_insert(BuildError::InvalidHeaderValue {
                    name,
                    value: media_type.to_owned(),
                });
            }
        }
    }

    /// Appends the literal path segment `/literal`. The literal is used as it
    /// is: it must already be valid in a URI path (`groups`, `queryLogs.gz`,
    /// `clusterConfigurations:validate`).
    #[inline]
    pub fn segment(&mut self, literal: &'static str) {
        self.path.push('/');
        self.path.push_str(literal);
    }

    /// Appends literal text to the current segment, without a `/`: the `.gz`
    /// of `/{logName}.gz` or the `:invite` of `/{clientId}:invite`. The text is
    /// used as it is and must already be valid in a URI path.
    #[inline]
    pub fn literal(&mut self, literal: &'static str) {
        self.path.push_str(literal);
    }

    /// Appends a path segment holding the parameter `name`.
    ///
    /// Everything but the RFC 3986 unreserved characters is percent-encoded
    /// (`/`, `\`, `?`, `#`, `%`, spaces and control characters included), and the
    /// values that would be read as a dot segment are refused, so no value can
    /// change which resource the path addresses.
    ///
    /// # Errors
    ///
    /// [`BuildError::EmptyPathParameter`] when the value is empty;
    /// [`BuildError::DotSegment`] when it is `.` or `..`, or percent-decodes
    /// (once or more, in either case of hex digits) to one of them: `%2E%2E`, `.%2e`,
    /// `%252e`. No encoding of these survives the URL parser of reqwest (WHATWG), which
    /// removes `%2E%2E` as it does `..`.
    #[inline]
    pub fn path_param<T: PathValue + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), BuildError> {
        let text = value.path_text();
        self.push_path_text(name, &text)
    }

    fn push_path_text(&mut self, name: &'static str, text: &str) -> Result<(), BuildError> {
        if text.is_empty() {
            return Err(BuildError::EmptyPathParameter { name });
        }
        if dot_segment(text).is_some() {
            return Err(BuildError::DotSegment {
                name,
                value: text.to_owned(),
            });
        }
        self.path.push('/');
        encode_into(&mut self.path, text);
        Ok(())
    }

    /// Appends the query parameter `name` once per value: nothing for `None`,
    /// `name=a&name=b` for an array. Names and values are percent-encoded
    /// (everything but the RFC 3986 unreserved characters).
    #[inline]
    pub fn query<T: QueryValue + ?Sized>(&mut self, name: &'static str, value: &T) {
        let mut values = Vec::new();
        value.push_values(&mut values);
        self.push_query_values(name, &values);
    }

    fn push_query_values(&mut self, name: &str, values: &[String]) {
        for value in values {
            if !self.query.is_empty() {
                self.query.push('&');
            }
            encode_into(&mut self.query, name);
            self.query.push('=');
            encode_into(&mut self.query, value);
        }
    }

    /// Sets the header `name`: nothing for `None`; the values of an array are
    /// joined with `,`.
    ///
    /// # Errors
    ///
    /// [`BuildError::InvalidHeaderName`] or [`BuildError::InvalidHeaderValue`]
    /// (control characters, for example) when HTTP does not allow it.
    #[inline]
    pub fn header<T: QueryValue + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), BuildError> {
        let mut values = Vec::new();
        value.push_values(&mut values);
        self.set_header(name, &values)
    }

    fn set_header(&mut self, name: &'static str, values: &[String]) -> Result<(), BuildError> {
        if values.is_empty() {
            return Ok(());
        }
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| BuildError::InvalidHeaderName { name })?;
        let text = values.join(",");
        let value = HeaderValue::from_str(&text).map_err(|_| BuildError::InvalidHeaderValue {
            name,
            value: text.clone(),
        })?;
        self.headers.insert(header, value);
        Ok(())
    }

    /// Sets the body to the JSON encoding of `body`, with `Content-Type: media_type`.
    #[inline]
    pub fn json_body<T: Json>(&mut self, media_type: &'static str, body: &T) {
        self.set_media_type(CONTENT_TYPE, "Content-Type", media_type);
        self.body = to_vec(body);
    }

    /// Finishes the request against [`DEFAULT_BASE_URL`].
    ///
    /// # Errors
    ///
    /// A [`BuildError`] deferred from [`RequestBuilder::new`] or
    /// [`RequestBuilder::json_body`] (an invalid media type).
    #[inline]
    pub fn finish(self) -> Result<Request<Vec<u8>>, BuildError> {
        self.finish_with_base(DEFAULT_BASE_URL)
    }

    /// Finishes the request against `base`, a scheme and authority with an
    /// optional path prefix (`http://localhost:8080`, `https://proxy/atlas`);
    /// a trailing `/` is ignored.
    ///
    /// # Errors
    ///
    /// [`BuildError::Http`] when `base` does not make a valid URI, or a
    /// [`BuildError`] deferred from [`RequestBuilder::new`] or
    /// [`RequestBuilder::json_body`].
    pub fn finish_with_base(self, base: &str) -> Result<Request<Vec<u8>>, BuildError> {
        if let Some(error) = self.deferred {
            return Err(error);
        }
        let base = base.trim_end_matches('/');
        let mut uri = String::with_capacity(base.len() + self.path.len() + self.query.len() + 2);
        uri.push_str(base);
        if self.path.is_empty() {
            uri.push('/');
        } else {
            uri.push_str(&self.path);
        }
        if !self.query.is_empty() {
            uri.push('?');
            uri.push_str(&self.query);
        }
        let uri = Uri::try_from(uri).map_err(http::Error::from)?;
        let mut request = Request::new(self.body);
        *request.method_mut() = self.method;
        *request.uri_mut() = uri;
        *request.headers_mut() = self.headers;
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MEDIA: &str = "application/vnd.atlas.2024-10-23+json";

    fn path_of(value: &str) -> Result<String, BuildError> {
        let mut builder = RequestBuilder::new(Method::GET, MEDIA);
        builder.segment("groups");
        builder.path_param("groupId", value)?;
        let request = builder.finish().unwrap();
        Ok(request.uri().path().to_owned())
    }

    #[test]
    fn hostile_path_parameters() {
        let cases = [
            ("abc-DEF_0.9~", "/groups/abc-DEF_0.9~"),
            ("a/b", "/groups/a%2Fb"),
            ("...", "/groups/..."),
            (".a", "/groups/.a"),
            ("a.", "/groups/a."),
            (". .", "/groups/.%20."),
            ("../admin", "/groups/..%2Fadmin"),
            ("..%2F", "/groups/..%252F"),
            ("%2e%2e%2f", "/groups/%252e%252e%252f"),
            ("%2e%2e%", "/groups/%252e%252e%25"),
            ("%2x.", "/groups/%252x."),
            ("?x=1", "/groups/%3Fx%3D1"),
            ("#frag", "/groups/%23frag"),
            ("a b", "/groups/a%20b"),
            ("%2F", "/groups/%252F"),
            ("é", "/groups/%C3%A9"),
            ("a:b;c@d+e&f", "/groups/a%3Ab%3Bc%40d%2Be%26f"),
            ("\\", "/groups/%5C"),
            ("\n", "/groups/%0A"),
            ("\t", "/groups/%09"),
            ("\0", "/groups/%00"),
            ("\u{ff0e}\u{ff0e}", "/groups/%EF%BC%8E%EF%BC%8E"),
        ];
        for (value, expected) in cases {
            assert_eq!(path_of(value).unwrap(), expected, "{value:?}");
        }
        // Nothing leaks into the query or fragment.
        let mut builder = RequestBuilder::new(Method::GET, MEDIA);
        builder.path_param("id", "x?a=b#c").unwrap();
        let request = builder.finish().unwrap();
        assert_eq!(request.uri().query(), None);
        assert_eq!(request.uri().path(), "/x%3Fa%3Db%23c");
    }

    #[test]
    fn dot_segments_are_refused() {
        let refused = [
            ".",
            "..",
            "%2e",
            "%2E",
            "%2e%2e",
            "%2E%2E",
            "%2E%2e",
            "%2e%2E",
            ".%2e",
            ".%2E",
            "%2e.",
            "%2E.",
            "%252e",
            "%252E%252e",
            "%25252E.",
            "%252e%2E",
            "%2525252e%2e",
        ];
        for value in refused {
            match path_of(value) {
                Err(BuildError::DotSegment {
                    name: "groupId",
                    value: rejected,
                }) => assert_eq!(rejected, value),
                other => panic!("{value:?}: {other:?}"),
            }
        }
        let error = path_of("..").unwrap_err();
        assert_eq!(
            error.to_string(),
            "path parameter `groupId` is `..`, which would address another resource"
        );
        let error = path_of("%2E%2e").unwrap_err();
        assert_eq!(
            error.to_string(),
            "path parameter `groupId` is `%2E%2e`, which percent-decodes to `..` and would \
             address another resource"
        );
        assert!(std::error::Error::source(&error).is_none());
        // A caller's string costs at most DECODINGS passes, however it nests: decoding
        // until nothing changes would make 100,000 passes over 300 KB here.
        let nested = "%25".repeat(100_000) + "2E";
        let started = std::time::Instant::now();
        assert!(dot_segment(&nested).is_none());
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let sixteen = "%".to_owned() + &"25".repeat(15) + "2E";
        assert_eq!(dot_segment(&sixteen), Some("."));
        // A `String` as well.
        let mut builder = RequestBuilder::new(Method::GET, MEDIA);
        assert!(matches!(
            builder.path_param("logName", &".".to_owned()),
            Err(BuildError::DotSegment {
                name: "logName",
                ..
            })
        ));
        // Not a dot segment once decoded: kept, encoded.
        for value in ["...", "%2e%2e%2e", "%2e%2e%2f", ".%2", "%2", "%", "%%2e%2e"] {
            assert!(dot_segment(value).is_none(), "{value:?}");
        }
        assert_eq!(dot_segment("%252E%252e"), Some(".."));
        assert_eq!(dot_segment("%2E"), Some("."));
    }

    #[test]
    fn empty_path_parameter() {
        let error = path_of("").unwrap_err();
        assert!(matches!(
            error,
            BuildError::EmptyPathParameter { name: "groupId" }
        ));
        assert_eq!(error.to_string(), "path parameter `groupId` is empty");
        let mut builder = RequestBuilder::new(Method::GET, MEDIA);
        assert!(matches!(
            builder.path_param("name", &String::new()),
            Err(BuildError::EmptyPathParameter { name: "name" })
        ));
    }

    #[test]
    fn path_parameter_types() {
        let mut builder = RequestBuilder::new(Method::DELETE, MEDIA);
        for part in ["api", "atlas", "v2", "groups"] {
            builder.segment(part);
        }
        builder
            .path_param("groupId", &"32b6e34b3d91647abb20e7b8".to_owned())
            .unwrap();
        builder.segment("things");
        builder.path_param("i", &-5_i32).unwrap();
        builder.path_param("l", &1_234_567_890_123_i64).unwrap();
        builder.path_param("f", &1.5_f64).unwrap();
        builder.path_param("b", &true).unwrap();
        builder.path_param("r", &&"ref").unwrap();
        builder.path_param("name", "logs").unwrap();
        builder.literal(".gz");
        builder.path_param("user", "u 1").unwrap();
        builder.literal(":addRole");
        let request = builder.finish().unwrap();
        assert_eq!(request.method(), Method::DELETE);
        assert_eq!(
            request.uri().to_string(),
            "https://cloud.mongodb.com/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/things/-5/\
             1234567890123/1.5/true/ref/logs.gz/u%201:addRole"
        );
    }

    #[test]
    fn query_parameters() {
        let mut builder = RequestBuilder::new(Method::GET, MEDIA);
        builder.segment("clusters");
        builder.query("pretty", &true);
        builder.query("itemsPerPage", &100_i32);
        builder.query("pageNum", &None::<i32>);
        builder.query("name", &Some("a b&c=d".to_owned()));
        builder.query("status", &vec!["IDLE".to_owned(), "CREATING".to_owned()]);
        builder.query("empty", &Vec::<String>::new());
        builder.query("slice", ["x", "y"].as_slice());
        builder.query("big", &9_007_199_254_740_993_i64);
        builder.query("ratio", &0.25_f64);
        builder.query(
            "since",
            &Timestamp::parse("2024-01-01T00:00:00+01:00").unwrap(),
        );
        builder.query("day", &NaiveDate::from_ymd_opt(2024, 2, 3).unwrap());
        builder.query("text", "é/?#");
        let request = builder.finish().unwrap();
        assert_eq!(request.uri().path(), "/clusters");
        assert_eq!(
            request.uri().query(),
            Some(
                "pretty=true&itemsPerPage=100&name=a%20b%26c%3Dd&status=IDLE&status=CREATING\
                 &slice=x&slice=y&big=9007199254740993&ratio=0.25\
                 &since=2024-01-01T00%3A00%3A00%2B01%3A00&day=2024-02-03&text=%C3%A9%2F%3F%23"
            )
        );
    }

    #[test]
    fn no_query_means_no_question_mark() {
        let mut builder = RequestBuilder::new(Method::GET, MEDIA);
        builder.segment("x");
        builder.query("a", &None::<String>);
        let request = builder.finish().unwrap();
        assert_eq!(request.uri().to_string(), "https://cloud.mongodb.com/x");
    }

    #[derive(Debug)]
    enum Status {
        Idle,
        Other(String),
    }

    impl OpenEnum for Status {
        const VALUES: &'static [&'static str] = &["IDLE"];
        fn as_str(&self) -> &str {
            match self {
                Status::Idle => "IDLE",
                Status::Other(text) => text,
            }
        }
        fn is_known(&self) -> bool {
            matches!(self, Status::Idle)
        }
    }

    impl QueryValue for Status {
        fn push_values(&self, out: &mut Vec<String>) {
            enum_query_value(self, out);
        }
    }

    #[test]
    fn enum_query_values() {
        let mut builder = RequestBuilder::new(Method::GET, MEDIA);
        builder.query("s", &Status::Idle);
        builder.query(
            "t",
            &vec![Status::Other("NEW ONE".to_owned()), Status::Idle],
        );
        builder.query("u", &Some(Status::Idle));
        builder
            .path_param("p", Status::Other("a/b".to_owned()).as_str())
            .unwrap();
        let request = builder.finish().unwrap();
        assert_eq!(request.uri().path(), "/a%2Fb");
        assert_eq!(
            request.uri().query(),
            Some("s=IDLE&t=NEW%20ONE&t=IDLE&u=IDLE")
        );
    }

    #[test]
    fn headers() {
        let mut builder = RequestBuilder::new(Method::GET, MEDIA);
        builder.header("X-Request-Id", "abc").unwrap();
        builder.header("x-list", &vec![1_i32, 2, 3]).unwrap();
        builder.header("x-none", &None::<String>).unwrap();
        let request = builder.finish().unwrap();
        let headers = request.headers();
        assert_eq!(headers[ACCEPT], MEDIA);
        assert_eq!(headers["x-request-id"], "abc");
        assert_eq!(headers["x-list"], "1,2,3");
        assert!(!headers.contains_key("x-none"));
        assert!(!headers.contains_key(CONTENT_TYPE));
        assert!(request.body().is_empty());
    }

    #[test]
    fn invalid_headers() {
        let mut builder = RequestBuilder::new(Method::GET, MEDIA);
        let error = builder.header("x-bad", "a\nb").unwrap_err();
        assert!(matches!(
            &error,
            BuildError::InvalidHeaderValue { name: "x-bad", value } if value == "a\nb"
        ));
        assert_eq!(
            error.to_string(),
            "invalid value for header `x-bad`: \"a\\nb\""
        );
        let error = builder.header("bad name", "x").unwrap_err();
        assert!(matches!(
            error,
            BuildError::InvalidHeaderName { name: "bad name" }
        ));
        assert_eq!(error.to_string(), "`bad name` is not a valid header name");
        // The builder is still usable after a rejected header.
        assert!(builder.finish().is_ok());
    }

    #[test]
    fn invalid_media_types_are_reported_by_finish() {
        let builder = RequestBuilder::new(Method::GET, "bad\r\nmedia");
        let error = builder.finish().unwrap_err();
        assert!(matches!(
            error,
            BuildError::InvalidHeaderValue { name: "Accept", .. }
        ));
        let mut builder = RequestBuilder::new(Method::POST, MEDIA);
        builder.json_body("x\u{7f}", &json!({}));
        let error = builder.finish().unwrap_err();
        assert!(matches!(
            error,
            BuildError::InvalidHeaderValue {
                name: "Content-Type",
                ..
            }
        ));
    }

    #[test]
    fn json_bodies() {
        let mut builder = RequestBuilder::new(Method::POST, MEDIA);
        builder.segment("groups");
        builder.json_body(MEDIA, &json!({"name": "p", "n": [1, 2]}));
        let request = builder.finish().unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.headers()[CONTENT_TYPE], MEDIA);
        assert_eq!(request.headers()[ACCEPT], MEDIA);
        assert_eq!(request.body(), br#"{"n":[1,2],"name":"p"}"#);
    }

    #[test]
    fn bases() {
        let make = || {
            let mut builder = RequestBuilder::new(Method::GET, MEDIA);
            builder.segment("api");
            builder.query("a", "1");
            builder
        };
        assert_eq!(
            make()
                .finish_with_base("http://localhost:8080/")
                .unwrap()
                .uri()
                .to_string(),
            "http://localhost:8080/api?a=1"
        );
        assert_eq!(
            make()
                .finish_with_base("https://proxy.example/prefix")
                .unwrap()
                .uri()
                .to_string(),
            "https://proxy.example/prefix/api?a=1"
        );
        let error = make().finish_with_base("not a url").unwrap_err();
        assert!(matches!(error, BuildError::Http(_)));
        assert!(std::error::Error::source(&error).is_some());
        assert!(
            error.to_string().starts_with("invalid request: "),
            "{error}"
        );
        // No segment at all: the root path.
        let request = RequestBuilder::new(Method::GET, MEDIA).finish().unwrap();
        assert_eq!(request.uri().to_string(), "https://cloud.mongodb.com/");
    }
}
