//! The client's HTTP Digest answers, checked by a server that is not ours: httpbin (PyPI)
//! on 127.0.0.1, whose `/digest-auth/auth/{user}/{passwd}/{algorithm}` verifies MD5 and
//! SHA-256 responses. `cargo xtask test` installs httpbin into `target/httpbin` first
//! (`cargo xtask httpbin`); this test starts and stops the server.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use atlas_generated::client::{Client, Credentials, ErrorKind};
use atlas_generated::runtime::{BuildError, Endpoint, RequestBuilder, ResponseError};
use http::{HeaderMap, Method};
use serde_json::Value;

/// `GET /digest-auth/auth/{user}/{passwd}/{algorithm}`: an endpoint of httpbin, described
/// as a user of the crate would describe any endpoint the generator does not know.
struct DigestAuth {
    algorithm: &'static str,
}

impl Endpoint for DigestAuth {
    const OPERATION_ID: &'static str = "httpbinDigestAuth";
    const SHORT_NAME: &'static str = "httpbinDigestAuth";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/digest-auth/auth/{user}/{passwd}/{algorithm}";
    const VERSION: &'static str = "httpbin";
    type Success = Value;
    type Error = Value;

    fn to_request_with_base(&self, base: &str) -> Result<http::Request<Vec<u8>>, BuildError> {
        let mut request = RequestBuilder::new(Method::GET, "application/json");
        for segment in ["digest-auth", "auth", "user", "passwd", self.algorithm] {
            request.segment(segment);
        }
        request.finish_with_base(base)
    }

    fn decode_response(
        status: u16,
        _headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Value, ResponseError<Value>> {
        if status == 200 {
            atlas_generated::runtime::decode_json(status, body)
        } else {
            Err(ResponseError::UnexpectedStatus {
                status,
                body: body.to_vec(),
            })
        }
    }
}

/// The Python that has httpbin: `target/httpbin`'s, as `cargo xtask httpbin` installs it.
fn httpbin_python() -> PathBuf {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/httpbin/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run `cargo xtask httpbin` (or `cargo xtask test`, which does)",
        python.display()
    );
    python
}

/// httpbin on 127.0.0.1, stopped when dropped.
struct Httpbin {
    child: Child,
    base: String,
}

impl Httpbin {
    fn start() -> Httpbin {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(httpbin_python())
            .args([
                "-m",
                "httpbin.core",
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("httpbin starts");
        let server = Httpbin {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "httpbin did not listen within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

impl Drop for Httpbin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn httpbin_accepts_our_md5_and_sha256_digests() {
    let server = Httpbin::start();
    let test = async {
        for algorithm in ["MD5", "SHA-256"] {
            let client = Client::builder()
                .base_url(&server.base)
                .credentials(Credentials::digest("user", "passwd"))
                .build()
                .unwrap();
            // The second request answers the first's challenge again, with `nc=2`.
            for _ in 0..2 {
                let body = client.send(&DigestAuth { algorithm }).await.unwrap();
                assert_eq!(body["authenticated"], true, "{algorithm}: {body}");
                assert_eq!(body["user"], "user");
            }
            let wrong = Client::builder()
                .base_url(&server.base)
                .credentials(Credentials::digest("user", "not-the-password"))
                .build()
                .unwrap();
            let error = wrong.send(&DigestAuth { algorithm }).await.unwrap_err();
            assert_eq!(error.status(), Some(401), "{algorithm}: {error}");
            assert_eq!(error.kind(), ErrorKind::Api);
            assert!(!error.to_string().contains("not-the-password"));
        }
    };
    tokio::time::timeout(Duration::from_secs(60), test)
        .await
        .expect("the test finished in time");
}
