//! Behaviour of the `non_json_responses` fixture's generated code: decoding declared,
//! undeclared-2xx, error and non-JSON responses, and hostile path parameters. Compiled into
//! the fixture crate by `xtask/tests/fixtures.rs`; not a test target of its own.

use http::HeaderMap;
use http::header::{CONTENT_TYPE, HeaderValue};

use crate::models::DownloadHostLogsLogName;
use crate::operations::invoices::{DownloadInvoiceCsv, DownloadInvoiceCsvV20230101Csv};
use crate::operations::monitoring_and_logs::DownloadHostLogs;
use crate::runtime::{BuildError, Endpoint, ResponseError};

#[test]
fn a_gzip_success_is_bytes_with_its_media_type() {
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.atlas.2023-02-01+gzip"),
    );
    let bytes = DownloadHostLogs::decode_response(200, &headers, &[0x1f, 0x8b, 0]).unwrap();
    assert_eq!(bytes.body, [0x1f, 0x8b, 0]);
    assert_eq!(bytes.media_type, "application/vnd.atlas.2023-02-01+gzip");
    // Without a Content-Type, the declared media type.
    let bytes = DownloadHostLogs::decode_response(200, &HeaderMap::new(), b"x").unwrap();
    assert_eq!(bytes.media_type, "application/vnd.atlas.2023-02-01+gzip");
}

#[test]
fn an_undeclared_2xx_decodes_as_the_declared_success() {
    let bytes = DownloadHostLogs::decode_response(202, &HeaderMap::new(), b"log").unwrap();
    assert_eq!(bytes.body, b"log");
}

#[test]
fn errors_decode_as_the_error_type_or_keep_their_bytes() {
    let body = br#"{"error":404,"detail":"no such log"}"#;
    match DownloadHostLogs::decode_response(404, &HeaderMap::new(), body) {
        Err(ResponseError::Api { status: 404, error }) => {
            assert_eq!(error.detail.as_deref(), Some("no such log"))
        }
        other => panic!("{other:?}"),
    }
    // An undeclared error status with an error body, too.
    assert!(matches!(
        DownloadHostLogs::decode_response(503, &HeaderMap::new(), body),
        Err(ResponseError::Api { status: 503, .. })
    ));
    match DownloadHostLogs::decode_response(500, &HeaderMap::new(), b"<html>oops</html>") {
        Err(ResponseError::Undecodable {
            status: 500,
            body,
            error,
        }) => {
            assert_eq!(body, b"<html>oops</html>");
            assert!(error.to_string().contains("invalid JSON"), "{error}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn json_and_csv_forms_of_one_version_have_their_own_types() {
    let json = DownloadInvoiceCsv::new("o", "i").to_request().unwrap();
    assert_eq!(
        json.headers()["accept"],
        "application/vnd.atlas.2023-01-01+json"
    );
    assert_eq!(
        DownloadInvoiceCsv::decode_response(200, &HeaderMap::new(), br#""a,b""#).unwrap(),
        "a,b"
    );
    let csv = DownloadInvoiceCsvV20230101Csv::new("o", "i")
        .to_request()
        .unwrap();
    assert_eq!(
        csv.headers()["accept"],
        "application/vnd.atlas.2023-01-01+csv"
    );
    let bytes =
        DownloadInvoiceCsvV20230101Csv::decode_response(200, &HeaderMap::new(), b"a,b\n1,2\n")
            .unwrap();
    assert_eq!(bytes.body, b"a,b\n1,2\n");
}

#[test]
fn hostile_path_parameters_stay_one_segment() {
    let cases = [
        ("a/b", "a%2Fb"),
        ("...", "..."),
        ("x?y#z", "x%3Fy%23z"),
        ("my host", "my%20host"),
        ("../../orgs", "..%2F..%2Forgs"),
        ("%2F", "%252F"),
        ("é", "%C3%A9"),
    ];
    for (host, encoded) in cases {
        let request = DownloadHostLogs::new("g", host, DownloadHostLogsLogName::Mongodb)
            .to_request()
            .unwrap();
        assert_eq!(
            request.uri().path(),
            format!("/api/atlas/v2/groups/g/clusters/{encoded}/logs/mongodb.gz"),
            "host name {host:?}"
        );
    }
}

#[test]
fn a_dot_segment_is_refused_in_any_encoding() {
    for host in ["..", ".", "%2e%2E", ".%2e"] {
        let error = DownloadHostLogs::new("g", host, DownloadHostLogsLogName::Mongodb)
            .to_request()
            .unwrap_err();
        assert!(
            matches!(error, BuildError::DotSegment { name: "hostName", .. }),
            "{host}: {error:?}"
        );
    }
}

#[test]
fn an_empty_path_parameter_is_an_error() {
    let error = DownloadHostLogs::new("g", "", DownloadHostLogsLogName::Mongodb)
        .to_request()
        .unwrap_err();
    assert!(
        matches!(error, BuildError::EmptyPathParameter { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("hostName"), "{error}");
}
