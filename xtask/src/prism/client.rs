//! One request to Prism and its whole answer, over ureq.

use std::net::SocketAddr;
use std::time::Duration;

use http::header::{AUTHORIZATION, CONNECTION, CONTENT_LENGTH, HOST, TRANSFER_ENCODING};
use http::{HeaderValue, Method, Response};

use super::requests::PrismRequest;

/// The bearer token sent with every request: the Atlas spec's operations require
/// OAuth2 (service accounts) or digest, and Prism only checks that a `Bearer` token is
/// there.
pub const BEARER: &str = "Bearer test";

/// A client whose every call (connect, send, read the whole answer) ends within `timeout`,
/// and which hands back 4xx and 5xx answers like any other: they are Prism's verdicts.
pub fn client(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Sends `request` to the Prism at `addr` and reads its whole answer. The client frames
/// the request itself (`Host`, `Content-Length`, `Connection`, `Transfer-Encoding` of the
/// request are dropped); `Authorization` is added unless the request has one.
pub fn send(
    client: &ureq::Agent,
    addr: SocketAddr,
    request: &PrismRequest,
) -> Result<Response<Vec<u8>>, ureq::Error> {
    let mut builder = http::Request::builder()
        .method(request.method.clone())
        .uri(format!("http://{addr}{}", request.uri));
    let framing = [HOST, CONTENT_LENGTH, CONNECTION, TRANSFER_ENCODING];
    for (name, value) in &request.headers {
        if !framing.contains(name) {
            builder = builder.header(name, value);
        }
    }
    if !request
        .headers
        .iter()
        .any(|(name, _)| name == AUTHORIZATION)
    {
        builder = builder.header(AUTHORIZATION, HeaderValue::from_static(BEARER));
    }
    // Methods that carry a body say how long it is, even when it is empty.
    let carries_body = matches!(request.method, Method::POST | Method::PUT | Method::PATCH);
    let response = match &request.body {
        Some(body) => client.run(builder.body(body.as_bytes())?),
        None if carries_body => client.run(builder.body(&b""[..])?),
        None => client.run(builder.body(())?),
    }?;
    let (parts, mut body) = response.into_parts();
    Ok(Response::from_parts(parts, body.read_to_vec()?))
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;

    use super::*;

    /// A server on 127.0.0.1 that reads one request (until its body `{}` arrived), answers
    /// `answer`, and returns what it read.
    fn serve_once(answer: &'static [u8]) -> (SocketAddr, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut received = Vec::new();
            let mut buffer = [0u8; 1024];
            while !received.ends_with(b"{}") {
                let n = stream.read(&mut buffer).unwrap();
                received.extend_from_slice(&buffer[..n]);
            }
            stream.write_all(answer).unwrap();
            String::from_utf8(received).unwrap()
        });
        (addr, server)
    }

    #[test]
    fn sends_the_request_and_reads_an_error_answer_whole() {
        let (addr, server) = serve_once(
            b"HTTP/1.1 422 Unprocessable Entity\r\nsl-violations: []\r\nContent-Length: 4\r\n\r\nokay",
        );
        let request = PrismRequest {
            line: 1,
            operation_id: "op".into(),
            version: "2023-01-01".into(),
            method: Method::POST,
            uri: "/api/atlas/v2/groups?pretty=true".parse().unwrap(),
            headers: vec![
                ("accept".parse().unwrap(), HeaderValue::from_static("a/b")),
                ("host".parse().unwrap(), HeaderValue::from_static("evil")),
            ],
            body: Some("{}".to_owned()),
        };
        let response = send(&client(Duration::from_secs(5)), addr, &request).unwrap();
        assert_eq!(response.status(), 422);
        assert_eq!(response.headers()["SL-Violations"], "[]");
        assert_eq!(response.body(), b"okay");
        let received = server.join().unwrap().to_ascii_lowercase();
        assert!(
            received.starts_with("post /api/atlas/v2/groups?pretty=true http/1.1\r\n"),
            "{received}"
        );
        for line in [
            "accept: a/b",
            "authorization: bearer test",
            "content-length: 2",
            &format!("host: {addr}"),
        ] {
            assert!(
                received.contains(&format!("\r\n{line}\r\n")),
                "{line}: {received}"
            );
        }
        assert!(!received.contains("evil"), "{received}");
    }
}
