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
//! are ignored (the test data adds `expect`, `why` and `violation`).

use std::path::Path;

use serde_json::Value;

use crate::error::XtaskError;

/// One request to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrismRequest {
    /// 1-based line in the requests file.
    pub line: usize,
    pub operation_id: String,
    pub version: String,
    pub method: String,
    /// Origin form: the path and query, starting with `/`.
    pub uri: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
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
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value =
            serde_json::from_str(line).map_err(|e| (number, format!("not JSON: {e}")))?;
        requests.push(parse_request(number, &value).map_err(|message| (number, message))?);
    }
    Ok(requests)
}

fn parse_request(line: usize, value: &Value) -> Result<PrismRequest, String> {
    let text = |key: &str| -> Result<String, String> {
        value
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("`{key}` must be a string"))
    };
    let operation_id = text("operation_id")?;
    let version = text("version")?;
    let method = text("method")?;
    let uri = text("uri")?;
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!(
            "`method` must be an upper-case HTTP method, got {method:?}"
        ));
    }
    // It goes on the request line as it is: no spaces or control characters.
    if !uri.starts_with('/') || uri.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(format!(
            "`uri` must be a path and query starting with `/`, without spaces or control characters, got {uri:?}"
        ));
    }
    let headers = match value.get("headers") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(pairs)) => pairs
            .iter()
            .map(parse_header)
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err("`headers` must be an array of [name, value] pairs".into()),
    };
    let body = match value.get("body") {
        None | Some(Value::Null) => None,
        Some(Value::String(body)) => Some(body.clone()),
        Some(_) => return Err("`body` must be the body's text or null".into()),
    };
    Ok(PrismRequest {
        line,
        operation_id,
        version,
        method,
        uri,
        headers,
        body,
    })
}

fn parse_header(pair: &Value) -> Result<(String, String), String> {
    let (Some(name), Some(value)) = (
        pair.get(0).and_then(Value::as_str),
        pair.get(1).and_then(Value::as_str),
    ) else {
        return Err(format!("a header must be [name, value], got {pair}"));
    };
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(format!("invalid header name {name:?}"));
    }
    if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
        return Err(format!(
            "header {name} has a line break or NUL in its value"
        ));
    }
    Ok((name.to_owned(), value.to_owned()))
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
        assert_eq!(
            requests[0].headers,
            [(
                "accept".to_owned(),
                "application/vnd.atlas.2023-01-01+json".to_owned()
            )]
        );
        assert_eq!(requests[0].body, None);
        assert_eq!(requests[1].line, 3);
        assert_eq!(requests[1].method, "POST");
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
                .contains("line break")
        );
        assert!(error(&line(r#""headers":{"a":"b"}"#)).1.contains("pairs"));
        assert!(error(&line(r#""body":{}"#)).1.contains("body"));
        let bad_uri = r#"{"operation_id":"x","version":"v","method":"GET","uri":"/a b"}"#;
        assert!(error(bad_uri).1.contains("uri"));
        let bad_method = r#"{"operation_id":"x","version":"v","method":"get /","uri":"/a"}"#;
        assert!(error(bad_method).1.contains("method"));
    }
}
