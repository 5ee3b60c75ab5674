//! `Debug` hides secrets, and encoding sends them unchanged: a database user's password, in
//! the model and in the request that creates it, a secret inside a union, a secret path
//! parameter, and every secret field `reports/redacted.md` lists, each set and checked
//! through its own type (the cases are generated: `tests/generated/redaction.rs`).

#[rustfmt::skip]
#[path = "generated/redaction.rs"]
mod cases;

use std::collections::BTreeSet;
use std::fmt::Debug;

use atlas_generated::models::{
    CloudDatabaseUser, DatabaseUserRole, DatabaseUserRoleRoleName, StreamsConnection,
};
use atlas_generated::operations::{
    CreateDatabaseUser, GetCostExplorerUsageV20230101, GetCostExplorerUsageV20230101Csv,
};
use atlas_generated::prelude::*;
use atlas_generated::runtime::correction::correcting;
use atlas_generated::runtime::json::Path;
use serde_json::{Map, Value, json};

const PASSWORD: &str = "correct horse battery staple";

fn database_user() -> CloudDatabaseUser {
    let role = DatabaseUserRole::new("admin", DatabaseUserRoleRoleName::ReadWriteAnyDatabase);
    CloudDatabaseUser::new("admin", [role], "app").password(PASSWORD)
}

#[test]
fn a_database_user_shows_its_password_is_set_but_not_what_it_is() {
    let user = database_user();
    let debug = format!("{user:?}");
    assert!(!debug.contains(PASSWORD), "{debug}");
    assert!(debug.contains(" password: Some([redacted])"), "{debug}");
    // The rest shows as derived.
    assert!(debug.contains(r#" username: "app""#), "{debug}");
    assert!(format!("{user:#?}").contains("password: Some(\n        [redacted],"));
    let mut unset = user.clone();
    unset.password = None;
    assert!(format!("{unset:?}").contains(" password: None,"));
    // Encoding is unchanged.
    assert!(serde_json::to_string(&user).unwrap().contains(PASSWORD));
    assert_eq!(user.to_json()["password"], PASSWORD);
}

#[test]
fn the_request_creating_a_database_user_hides_the_password_and_sends_it() {
    let request = CreateDatabaseUser::new("5f1e2d3c4b5a69788796a5b4", database_user());
    let debug = format!("{request:?}");
    assert!(!debug.contains(PASSWORD), "{debug}");
    assert!(debug.contains(" password: Some([redacted])"), "{debug}");
    assert!(debug.contains("5f1e2d3c4b5a69788796a5b4"), "{debug}");
    let sent = request.to_request().unwrap();
    let body: Value = serde_json::from_slice(sent.body()).unwrap();
    assert_eq!(body["password"], PASSWORD);
}

#[test]
fn a_union_shows_its_variant_secrets_redacted() {
    let connection: StreamsConnection = serde_json::from_value(json!({
        "type": "Kafka",
        "name": "events",
        "authentication": {"mechanism": "PLAIN", "username": "app", "password": PASSWORD},
    }))
    .unwrap();
    assert!(matches!(connection, StreamsConnection::Kafka(_)));
    let debug = format!("{connection:?}");
    assert!(!debug.contains(PASSWORD), "{debug}");
    assert!(debug.contains(" password: Some([redacted])"), "{debug}");
    assert!(
        serde_json::to_string(&connection)
            .unwrap()
            .contains(PASSWORD)
    );
}

/// Every request type with a secret parameter, and its `Debug`, its request and the secret.
fn secret_parameters() -> Vec<(&'static str, String, http::Request<Vec<u8>>, &'static str)> {
    let token = "4ABBE973862346D40F3AE859D4BE96E0F895764EB14EAB039E7B82F9D638C05C";
    let json = GetCostExplorerUsageV20230101::new("5f1e2d3c4b5a69788796a5b4", token);
    let csv = GetCostExplorerUsageV20230101Csv::new("5f1e2d3c4b5a69788796a5b4", token);
    vec![
        (
            "GetCostExplorerUsageV20230101.token",
            format!("{json:?}"),
            json.to_request().unwrap(),
            token,
        ),
        (
            "GetCostExplorerUsageV20230101Csv.token",
            format!("{csv:?}"),
            csv.to_request().unwrap(),
            token,
        ),
    ]
}

#[test]
fn every_secret_request_parameter_of_the_report_is_hidden_and_sent() {
    let cases = secret_parameters();
    let names: BTreeSet<String> = cases.iter().map(|c| c.0.to_owned()).collect();
    assert_eq!(names, reported("Request parameters"));
    for (name, debug, request, secret) in cases {
        assert!(!debug.contains(secret), "{name}: {debug}");
        let label = name.split('.').nth(1).unwrap();
        assert!(
            debug.contains(&format!(" {label}: [redacted]")),
            "{name}: {debug}"
        );
        assert!(
            request.uri().path().contains(secret),
            "{name}: {}",
            request.uri()
        );
    }
}

#[test]
fn every_secret_field_of_the_report_is_hidden_and_encoded() {
    let mut check = Checker::default();
    cases::all(&mut check);
    assert_eq!(check.checked.len(), cases::COUNT);
    assert!(
        check.failures.is_empty(),
        "{} of {} fields failed:\n{}",
        check.failures.len(),
        check.checked.len(),
        check.failures.join("\n")
    );
    let checked: BTreeSet<String> = check.checked.into_iter().collect();
    assert_eq!(
        checked,
        reported("Fields"),
        "the report and the cases differ"
    );
    println!("redaction: {} secret fields hidden", checked.len());
}

#[test]
fn the_checker_fails_a_field_debug_shows() {
    let mut check = Checker::default();
    let value = json!(cases::MARKER).to_string();
    check.field::<CloudDatabaseUser>("CloudDatabaseUser.username", "username", "username", &value);
    assert_eq!(check.failures.len(), 1, "{:?}", check.failures);
    assert!(
        check.failures[0].contains("not redacted"),
        "{}",
        check.failures[0]
    );
}

/// The `Type.field` names of a section of `reports/redacted.md`.
fn reported(section: &str) -> BTreeSet<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/reports/redacted.md");
    let report = std::fs::read_to_string(path).unwrap();
    let heading = format!("## {section}\n");
    let start = report
        .find(&heading)
        .unwrap_or_else(|| panic!("no {heading}"))
        + heading.len();
    let body = report[start..].split("\n## ").next().unwrap();
    body.lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .map(|line| line.split('`').next().unwrap().to_owned())
        .collect()
}

/// Runs the generated cases, collecting failures instead of stopping at the first.
#[derive(Default)]
pub struct Checker {
    checked: Vec<String>,
    failures: Vec<String>,
}

impl Checker {
    /// Checks the field `label` of `T` (`wire` in JSON), a secret, set to the JSON `value`.
    pub fn field<T: Json + Debug>(&mut self, name: &str, wire: &str, label: &str, value: &str) {
        self.checked.push(name.to_owned());
        if let Err(why) = check_field::<T>(wire, label, value) {
            self.failures.push(format!("{name}: {why}"));
        }
    }
}

/// Decodes `{wire: value}` as `T` (its other required fields filled, as in a response):
/// `Debug` shows the field redacted and no string of the value; encoding writes the value.
fn check_field<T: Json + Debug>(wire: &str, label: &str, value: &str) -> Result<(), String> {
    let value: Value = serde_json::from_str(value).map_err(|e| e.to_string())?;
    let object = Value::Object(Map::from_iter([(wire.to_owned(), value.clone())]));
    let decoded = correcting(200, || T::from_json(object, &Path::Root))
        .map_err(|e| format!("does not decode: {e}"))?;
    let debug = format!("{decoded:?}");
    let redacted = ["[redacted]", "Some([redacted])", "Some(Some([redacted]))"]
        .iter()
        .any(|shown| debug.contains(&format!(" {label}: {shown}")));
    if !redacted || debug.contains(cases::MARKER) {
        return Err(format!("not redacted: {debug}"));
    }
    match decoded.to_json().get(wire) {
        Some(encoded) if *encoded == value => Ok(()),
        other => Err(format!("encodes {other:?}, not {value}")),
    }
}
