//! The requests file: JSON Lines, one request a line.
//!
//! ```json
//! {"operation_id": "createGroup", "version": "2023-01-01", "method": "POST",
//!  "uri": "/api/atlas/v2/groups?pretty=true",
//!  "headers": [["accept", "application/vnd.atlas.2023-01-01+json"]],
//!  "body": "{\"name\":\"p\",\"orgId\":\"32b6e34b3d91647abb20e7b8\"}"}
//! ```
//!
//! `body` is the body's UTF-8 text or `null`. Blank lines are skipped and other keys
//! are ignored (the test data adds `expect`, `why` and `violation`). Methods, URIs and
//! headers are checked by the `http` crate's own parsers.

use std::path::Path;

use http::uri::PathAndQuery;
use http::{HeaderName, HeaderValue, Method};
use serde::Deserialize;

use crate::error::XtaskError;

/// One request to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrismRequest {
    /// 1-based line in the requests file.
    pub line: usize,
    pub operation_id: String,
    pub version: String,
    pub method: Method,
    /// Origin form: the path and query.
    pub uri: PathAndQuery,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<String>,
}

/// A line as written.
#[derive(Deserialize)]
struct Line {
    operation_id: String,
    version: String,
    method: String,
    uri: String,
    #[serde(default)]
    headers: Option<Vec<(String, String)>>,
    #[serde(default)]
    body: Option<String>,
}

/// Reads and checks the requests file at `path`.
pub fn read_requests(path: &Path) -> Result<Vec<PrismRequest>, XtaskError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| XtaskError::io_at("cannot read the requests file", path, e))?;
    parse_requests(&text).map_err(|(line, message)| {
        XtaskError::Other(format!("{}:{line}: {message}", path.display()))
    })
}

/// Parses JSON Lines text; an error is `(line, message)`.
pub fn parse_requests(text: &str) -> Result<Vec<PrismRequest>, (usize, String)> {
    let mut requests = Vec::new();
    for (index, text) in text.lines().enumerate() {
        let number = index + 1;
        if text.trim().is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(text).map_err(|e| (number, e.to_string()))?;
        requests.push(check(number, line).map_err(|message| (number, message))?);
    }
    Ok(requests)
}

fn check(number: usize, line: Line) -> Result<PrismRequest, String> {
    let method = Method::from_bytes(line.method.as_bytes())
        .map_err(|e| format!("`method` {:?}: {e}", line.method))?;
    let uri = PathAndQuery::try_from(line.uri.as_str())
        .ok()
        .filter(|uri| line.uri.starts_with('/') && uri.as_str() == line.uri)
        .ok_or_else(|| {
            format!(
                "`uri` must be a path and query starting with `/`, got {:?}",
                line.uri
            )
        })?;
    let headers = line
        .headers
        .unwrap_or_default()
        .into_iter()
        .map(|(name, value)| {
            let name = HeaderName::try_from(name.as_str())
                .map_err(|e| format!("header name {name:?}: {e}"))?;
            let value = HeaderValue::try_from(value.as_str())
                .map_err(|e| format!("header {name}: value {value:?}: {e}"))?;
            Ok((name, value))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(PrismRequest {
        line: number,
        operation_id: line.operation_id,
        version: line.version,
        method,
        uri,
        headers,
        body: line.body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_requests_and_skips_blank_lines() {
        let text = r#"{"operation_id":"listGroups","version":"2023-01-01","method":"GET","uri":"/api/atlas/v2/groups","headers":[["accept","application/vnd.atlas.2023-01-01+json"]],"body":null}

{"operation_id":"createGroup","version":"2023-01-01","method":"POST","uri":"/api/atlas/v2/groups?pretty=true","headers":[],"body":"{}","expect":"accepted"}
"#;
        let requests = parse_requests(text).unwrap();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].line, 1);
        assert_eq!(requests[0].headers[0].0, "accept");
        assert_eq!(
            requests[0].headers[0].1,
            "application/vnd.atlas.2023-01-01+json"
        );
        assert_eq!(requests[0].body, None);
        assert_eq!(requests[1].line, 3);
        assert_eq!(requests[1].method, Method::POST);
        assert_eq!(requests[1].uri.query(), Some("pretty=true"));
        assert_eq!(requests[1].body.as_deref(), Some("{}"));
    }

    #[test]
    fn rejects_malformed_lines() {
        let line = |fields: &str| {
            format!(
                r#"{{"operation_id":"x","version":"2023-01-01","method":"GET","uri":"/a",{fields}}}"#
            )
        };
        let error = |text: &str| parse_requests(text).unwrap_err();
        assert_eq!(error("{").0, 1);
        assert!(error(r#"{"version":"v"}"#).1.contains("operation_id"));
        assert!(
            error(&line(r#""headers":[["a b","c"]]"#))
                .1
                .contains("header name")
        );
        assert!(
            error(&line(r#""headers":[["a","c\r\nx: y"]]"#))
                .1
                .contains("header a")
        );
        assert!(
            error(&line(r#""headers":{"a":"b"}"#))
                .1
                .contains("invalid type")
        );
        assert!(error(&line(r#""body":{}"#)).1.contains("invalid type"));
        let bad_uri = r#"{"operation_id":"x","version":"v","method":"GET","uri":"/a b"}"#;
        assert!(error(bad_uri).1.contains("uri"));
        let relative = r#"{"operation_id":"x","version":"v","method":"GET","uri":"a"}"#;
        assert!(error(relative).1.contains("uri"));
        let bad_method = r#"{"operation_id":"x","version":"v","method":"get /","uri":"/a"}"#;
        assert!(error(bad_method).1.contains("method"));
    }
}
