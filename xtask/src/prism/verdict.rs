//! Whether Prism accepted a request, read from its mock answer.

use serde_json::Value;

use http::Response;

/// The prefix of the `type` of every problem+json error Prism makes up itself.
pub const PRISM_ERROR_PREFIX: &str = "https://stoplight.io/prism/errors#";

/// Prism errors about building the mock *response*, which say nothing about the
/// request: it had already passed validation when they happen.
const MOCK_SIDE_ERRORS: [&str; 3] = [
    "NO_RESPONSE_RESPONSE_DEFINED",
    "SCHEMA_TOO_COMPLEX",
    "NO_COMPLEX_OBJECT_TEXT",
];

/// What Prism made of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    pub accepted: bool,
    /// Why it was rejected: Prism's violation messages, or the error it answered with.
    pub violations: Vec<String>,
    /// Things that do not reject: request warnings, violations of Prism's own mock
    /// response, mock-side errors.
    pub notes: Vec<String>,
}

/// Classifies Prism 5's mock answer to one request.
///
/// How Prism 5 (`prism mock`, without `--errors`) signals a request it refuses:
///
/// - It validates security, then the request (path, query, headers, body), and only
///   then builds a response. Any violation of severity `Error` makes it answer with the
///   spec's own response for the failure instead of the operation's success: `401` for
///   security, else `415`/`422`/`400` (in that order) for a bad content type or an
///   invalid request. Such a response carries the request violations in the
///   `sl-violations` header (a JSON array of `{location, severity, code, message}` whose
///   `location` starts with `"request"`), and its body is the spec's example error.
/// - When the spec has no such response it answers with its own problem+json body
///   (`type` `https://stoplight.io/prism/errors#…`): `UNAUTHORIZED` 401,
///   `INVALID_CONTENT_TYPE` 415, `UNPROCESSABLE_ENTITY` 422 (the violations are in its
///   `validation` list, and there is no `sl-violations` header).
/// - A body that is not JSON under a JSON content type never reaches validation: the
///   HTTP server answers 400 with the plain text `Invalid JSON`.
/// - Before validation, routing can fail: `NO_PATH_MATCHED_ERROR` 404 (bad path),
///   `NO_METHOD_MATCHED_ERROR` 405 (bad method), `NO_SERVER_MATCHED_ERROR` 404.
/// - After validation, content negotiation fails with `NOT_ACCEPTABLE` 406 when no
///   response content matches `Accept`.
/// - A valid request gets the operation's lowest 2xx response. `sl-violations` may then
///   still list violations located under `"response"`: those are about Prism's own mock
///   response (for example made-up example data that breaks a pattern), not the request.
/// - Errors while building that response (`NO_RESPONSE_RESPONSE_DEFINED`,
///   `SCHEMA_TOO_COMPLEX`, `NO_COMPLEX_OBJECT_TEXT`, all 500) come after validation passed.
///   `--errors` would turn response violations into 500 `VIOLATIONS` answers, which
///   only hides the status, so it is not used.
///
/// The rule: a request is **rejected** when `sl-violations` lists a request violation of
/// severity `Error`, or the status is 4xx (Prism answers a valid request with a 2xx, so
/// every 4xx — 400, 401, 404, 405, 406, 415, 422 — is a refusal), or the status is 5xx
/// and not one of the mock-side errors above (Prism failed, so nothing says the request is
/// valid). Otherwise it is **accepted**.
pub fn classify(response: &Response<Vec<u8>>) -> Verdict {
    let mut verdict = Verdict::default();
    if let Some(header) = response.headers().get("sl-violations") {
        read_violations(&String::from_utf8_lossy(header.as_bytes()), &mut verdict);
    }
    let problem = prism_problem(response);
    let status = response.status().as_u16();
    match status {
        400..=499 if verdict.violations.is_empty() => {
            verdict.violations = match &problem {
                Some(problem) => problem.messages(),
                None => vec![format!(
                    "HTTP {status} (no violation list): {}",
                    snippet(response.body())
                )],
            };
        }
        500..=599 => match &problem {
            Some(problem) if MOCK_SIDE_ERRORS.contains(&problem.kind.as_str()) => {
                verdict.notes.push(format!(
                    "Prism could not build a mock response: {}",
                    problem.messages().join("; ")
                ));
            }
            Some(problem) => verdict.violations.push(format!(
                "Prism failed with HTTP {status} ({}); cannot tell whether the request is valid",
                problem.messages().join("; ")
            )),
            None => verdict.violations.push(format!(
                "HTTP {status} from Prism; cannot tell whether the request is valid: {}",
                snippet(response.body())
            )),
        },
        _ => {}
    }
    verdict.accepted = verdict.violations.is_empty();
    verdict
}

/// Sorts the entries of an `sl-violations` header into request errors (violations)
/// and everything else (notes).
fn read_violations(header: &str, verdict: &mut Verdict) {
    let entries = match serde_json::from_str::<Value>(header) {
        Ok(Value::Array(entries)) => entries,
        // Prism cuts a header that is too long and prefixes it with this.
        _ if header.starts_with("Too many violations!") => {
            if header.contains(r#""location":["request""#) {
                verdict
                    .violations
                    .push("too many violations to list (Prism truncated sl-violations)".into());
            } else {
                verdict.notes.push("response violations (truncated)".into());
            }
            return;
        }
        _ => {
            verdict
                .violations
                .push(format!("unreadable sl-violations header: {header}"));
            return;
        }
    };
    for entry in &entries {
        let location: Vec<&str> = entry
            .get("location")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let severity = entry.get("severity").and_then(Value::as_str).unwrap_or("");
        let message = describe(entry, location.get(1..).unwrap_or_default());
        match (location.first().copied(), severity) {
            (Some("request"), "Error") => verdict.violations.push(message),
            (Some("request"), _) => verdict.notes.push(format!("request {severity}: {message}")),
            _ => verdict
                .notes
                .push(format!("response (Prism's mock, ignored): {message}")),
        }
    }
}

/// `header.content-type: Request header parameter content-type must match pattern …`.
fn describe(entry: &Value, location: &[&str]) -> String {
    let message = entry
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("(no message)");
    if location.is_empty() {
        message.to_owned()
    } else {
        format!("{}: {message}", location.join("."))
    }
}

/// A problem+json error Prism made up itself.
#[derive(Debug)]
struct PrismProblem {
    /// The `type` after [`PRISM_ERROR_PREFIX`].
    kind: String,
    title: String,
    detail: String,
    validation: Vec<String>,
}

impl PrismProblem {
    fn messages(&self) -> Vec<String> {
        if !self.validation.is_empty() {
            return self.validation.clone();
        }
        let mut message = format!("{} {}", self.kind, self.title);
        if !self.detail.is_empty() {
            message.push_str(": ");
            message.push_str(&self.detail);
        }
        vec![message]
    }
}

fn prism_problem(response: &Response<Vec<u8>>) -> Option<PrismProblem> {
    let body: Value = serde_json::from_slice(response.body()).ok()?;
    let kind = body
        .get("type")?
        .as_str()?
        .strip_prefix(PRISM_ERROR_PREFIX)?;
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let validation = body
        .get("validation")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|entry| {
            let location: Vec<&str> = entry
                .get("location")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            describe(entry, &location)
        })
        .collect();
    Some(PrismProblem {
        kind: kind.to_owned(),
        title: text("title"),
        detail: text("detail"),
        validation,
    })
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response<Vec<u8>> {
        let mut builder = Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(body.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn a_success_is_accepted_and_response_violations_are_notes() {
        let verdict = classify(&response(200, &[], "{}"));
        assert_eq!(
            verdict,
            Verdict {
                accepted: true,
                ..Verdict::default()
            }
        );

        let header = r#"[{"location":["response","body","id"],"severity":"Error","code":"pattern","message":"must match pattern"}]"#;
        let verdict = classify(&response(200, &[("sl-violations", header)], "{}"));
        assert!(verdict.accepted);
        assert_eq!(
            verdict.notes,
            ["response (Prism's mock, ignored): body.id: must match pattern"]
        );
    }

    #[test]
    fn request_violations_reject_whatever_the_status() {
        // The spec's own 400 example, with the violations in the header.
        let header = r#"[{"location":["request","body"],"severity":"Error","code":"required","message":"Request body must have required property 'name'"},{"location":["request","query","x"],"severity":"Warning","message":"deprecated"}]"#;
        let verdict = classify(&response(
            400,
            &[("SL-Violations", header)],
            r#"{"error":400,"errorCode":"VALIDATION_ERROR"}"#,
        ));
        assert!(!verdict.accepted);
        assert_eq!(
            verdict.violations,
            ["body: Request body must have required property 'name'"]
        );
        assert_eq!(verdict.notes, ["request Warning: query.x: deprecated"]);

        let security = r#"[{"location":["request"],"severity":"Error","code":401,"message":"Invalid security scheme used"}]"#;
        let verdict = classify(&response(401, &[("sl-violations", security)], "{}"));
        assert_eq!(verdict.violations, ["Invalid security scheme used"]);
    }

    #[test]
    fn prism_problems_reject_with_their_messages() {
        let unprocessable = r#"{"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","title":"Invalid request","status":422,"detail":"…","validation":[{"location":["path","groupid"],"severity":"Error","code":"pattern","message":"Request path parameter groupid must match pattern"}]}"#;
        let verdict = classify(&response(422, &[], unprocessable));
        assert!(!verdict.accepted);
        assert_eq!(
            verdict.violations,
            ["path.groupid: Request path parameter groupid must match pattern"]
        );

        let no_path = r#"{"type":"https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR","title":"Route not resolved, no path matched","status":404,"detail":"The route /x hasn't been found"}"#;
        let verdict = classify(&response(404, &[], no_path));
        assert_eq!(
            verdict.violations,
            [
                "NO_PATH_MATCHED_ERROR Route not resolved, no path matched: The route /x hasn't been found"
            ]
        );

        let verdict = classify(&response(405, &[], "not json"));
        assert_eq!(
            verdict.violations,
            ["HTTP 405 (no violation list): not json"]
        );
    }

    #[test]
    fn mock_side_failures_are_not_request_problems() {
        let too_complex = r#"{"type":"https://stoplight.io/prism/errors#SCHEMA_TOO_COMPLEX","title":"Schema too complex","status":500,"detail":"Unable to generate body"}"#;
        let verdict = classify(&response(500, &[], too_complex));
        assert!(verdict.accepted);
        assert_eq!(verdict.notes.len(), 1);

        let unknown =
            r#"{"type":"https://stoplight.io/prism/errors#UNKNOWN","title":"Boom","status":500}"#;
        assert!(!classify(&response(500, &[], unknown)).accepted);
        assert!(!classify(&response(502, &[], "")).accepted);
    }

    #[test]
    fn truncated_or_unreadable_headers() {
        let truncated =
            r#"Too many violations! [{"location":["request","body"],"severity":"Error""#;
        assert!(!classify(&response(200, &[("sl-violations", truncated)], "")).accepted);
        let response_only = r#"Too many violations! [{"location":["response","body"]"#;
        assert!(classify(&response(200, &[("sl-violations", response_only)], "")).accepted);
        assert!(!classify(&response(200, &[("sl-violations", "{")], "")).accepted);
    }
}
