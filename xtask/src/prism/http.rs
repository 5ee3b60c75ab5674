//! A minimal HTTP/1.1 client over `std::net::TcpStream`: one request per
//! connection (`Connection: close`), the answer read to the end.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use super::requests::PrismRequest;

/// The bearer token sent with every request: the Atlas spec's operations require
/// OAuth2 (service accounts) or digest, and Prism only checks that a `Bearer` token is
/// there.
pub const AUTHORIZATION: &str = "Bearer test";

/// A response: status, headers in order, and the body (de-chunked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `request` to `addr` and reads the whole answer; `timeout` bounds the
/// connect and every read and write.
pub fn send(
    addr: SocketAddr,
    request: &PrismRequest,
    timeout: Duration,
) -> std::io::Result<HttpResponse> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(&encode_request(&addr.to_string(), request))?;
    stream.flush()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw, request.method == "HEAD").map_err(|message| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("malformed HTTP response: {message}"),
        )
    })
}

/// The bytes of `request`. `Host`, `Content-Length`, `Connection` and
/// `Transfer-Encoding` are ours; `Authorization` is added unless the request has one.
pub fn encode_request(host: &str, request: &PrismRequest) -> Vec<u8> {
    const OURS: [&str; 4] = ["host", "content-length", "connection", "transfer-encoding"];
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {host}\r\n",
        request.method, request.uri
    );
    let mut has_authorization = false;
    for (name, value) in &request.headers {
        if OURS.iter().any(|o| name.eq_ignore_ascii_case(o)) {
            continue;
        }
        has_authorization |= name.eq_ignore_ascii_case("authorization");
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !has_authorization {
        head.push_str(&format!("Authorization: {AUTHORIZATION}\r\n"));
    }
    let body = request.body.as_deref().unwrap_or_default().as_bytes();
    // Methods that carry a body say how long it is, even when it is empty.
    if request.body.is_some() || matches!(request.method.as_str(), "POST" | "PUT" | "PATCH") {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Parses a whole response as read until the server closed the connection;
/// `to_head` when it answers a `HEAD` request, whose response has no body.
pub fn parse_response(raw: &[u8], to_head: bool) -> Result<HttpResponse, String> {
    let head_end = find(raw, b"\r\n\r\n").ok_or("no end of headers")?;
    let head = std::str::from_utf8(&raw[..head_end]).map_err(|_| "headers are not UTF-8")?;
    let rest = &raw[head_end + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|s| s.get(2..5))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers = lines
        .map(|line| {
            line.split_once(':')
                .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
                .ok_or_else(|| format!("bad header line {line:?}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut response = HttpResponse {
        status,
        headers,
        body: Vec::new(),
    };
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    let bodiless = to_head || matches!(status, 100..=199 | 204 | 304);
    response.body = if bodiless {
        Vec::new()
    } else if chunked {
        decode_chunked(rest)?
    } else if let Some(length) = response.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| format!("bad Content-Length {length:?}"))?;
        rest.get(..length)
            .ok_or_else(|| format!("body shorter than its Content-Length {length}"))?
            .to_vec()
    } else {
        rest.to_vec()
    };
    Ok(response)
}

fn decode_chunked(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = find(rest, b"\r\n").ok_or("unterminated chunk size")?;
        let size_text = std::str::from_utf8(&rest[..line_end]).map_err(|_| "bad chunk size")?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        let chunk = rest.get(..size).ok_or("truncated chunk")?;
        body.extend_from_slice(chunk);
        rest = rest.get(size + 2..).ok_or("truncated chunk")?;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, headers: &[(&str, &str)], body: Option<&str>) -> PrismRequest {
        PrismRequest {
            line: 1,
            operation_id: "op".into(),
            version: "2023-01-01".into(),
            method: method.into(),
            uri: "/api/atlas/v2/groups?pretty=true".into(),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.map(str::to_owned),
        }
    }

    #[test]
    fn encodes_a_request_with_our_framing_headers() {
        let get = request(
            "GET",
            &[("accept", "a/b"), ("Host", "evil"), ("content-length", "9")],
            None,
        );
        assert_eq!(
            String::from_utf8(encode_request("127.0.0.1:1", &get)).unwrap(),
            "GET /api/atlas/v2/groups?pretty=true HTTP/1.1\r\nHost: 127.0.0.1:1\r\naccept: a/b\r\n\
             Authorization: Bearer test\r\nConnection: close\r\n\r\n"
        );
        let post = request(
            "POST",
            &[("authorization", "Bearer mine")],
            Some("{\"é\":1}"),
        );
        assert_eq!(
            String::from_utf8(encode_request("h", &post)).unwrap(),
            "POST /api/atlas/v2/groups?pretty=true HTTP/1.1\r\nHost: h\r\nauthorization: Bearer mine\r\n\
             Content-Length: 8\r\nConnection: close\r\n\r\n{\"é\":1}"
        );
        let empty_post = request("POST", &[], None);
        assert!(
            String::from_utf8(encode_request("h", &empty_post))
                .unwrap()
                .contains("Content-Length: 0\r\n")
        );
    }

    #[test]
    fn parses_responses() {
        let raw = b"HTTP/1.1 422 Unprocessable Entity\r\ncontent-type: application/problem+json\r\nContent-Length: 2\r\n\r\n{}extra";
        let response = parse_response(raw, false).unwrap();
        assert_eq!(response.status, 422);
        assert_eq!(
            response.header("Content-Type"),
            Some("application/problem+json")
        );
        assert_eq!(response.body, b"{}");

        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked, false).unwrap().body, b"abcde");

        let to_close = b"HTTP/1.0 204 No Content\r\n\r\n";
        let response = parse_response(to_close, false).unwrap();
        assert_eq!((response.status, response.body.len()), (204, 0));

        assert!(parse_response(b"HTTP/1.1 200 OK\r\n", false).is_err());
        assert!(parse_response(b"SMTP 200\r\n\r\n", false).is_err());
        let short = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab";
        assert!(parse_response(short, false).is_err());
        // A HEAD answer announces the length of a body it does not send.
        assert_eq!(parse_response(short, true).unwrap().body, b"");
    }

    #[test]
    fn talks_to_a_local_server() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut received = Vec::new();
            let mut buffer = [0u8; 1024];
            while find(&received, b"{}").is_none() {
                let n = stream.read(&mut buffer).unwrap();
                received.extend_from_slice(&buffer[..n]);
            }
            stream
                .write_all(
                    b"HTTP/1.1 201 Created\r\nsl-violations: []\r\nContent-Length: 4\r\n\r\nokay",
                )
                .unwrap();
            String::from_utf8(received).unwrap()
        });
        let response = send(
            addr,
            &request("POST", &[], Some("{}")),
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(response.status, 201);
        assert_eq!(response.header("SL-Violations"), Some("[]"));
        assert_eq!(response.body, b"okay");
        assert!(
            server
                .join()
                .unwrap()
                .starts_with("POST /api/atlas/v2/groups?pretty=true HTTP/1.1\r\n")
        );
    }
}
