//! Behaviour of the `untagged_oneof` fixture's generated code: a `oneOf` without a
//! discriminator picks the branch the value satisfies, and when none does, the error names
//! every branch tried and why it failed. Compiled into the fixture crate by
//! `xtask/tests/fixtures.rs`; not a test target of its own.

use serde_json::{Value, json};

use crate::models::{
    AlertConfig, AlertConfigContact, AlertConfigMatcher, AlertConfigNotifier, AlertConfigRotation,
    MetricThreshold,
};
use crate::runtime::Json;
use crate::runtime::json::Path;

fn decode<T: Json>(value: Value) -> T {
    T::from_json(value, &Path::Root).expect("decodes")
}

#[test]
fn the_branch_whose_required_fields_are_present_is_chosen() {
    // Both branches declare `metricName`; only `Data` requires `dataUnits`.
    let threshold: MetricThreshold = decode(json!({"metricName": "CACHE", "dataUnits": "BYTES"}));
    match &threshold {
        MetricThreshold::Data(data) => assert_eq!(data.data_units, "BYTES"),
        other => panic!("decoded as the wrong branch: {other:?}"),
    }
    let notifier: AlertConfigNotifier = decode(json!({"channelName": "ops", "apiToken": "t"}));
    assert!(
        matches!(notifier, AlertConfigNotifier::Slack(_)),
        "{notifier:?}"
    );
}

#[test]
fn primitive_and_object_branches_are_told_apart_and_round_trip() {
    for (value, expected) in [
        (json!("name"), "String"),
        (json!(5), "Integer"),
        (json!({"field": "f", "extra": [1]}), "WithField"),
    ] {
        let matcher: AlertConfigMatcher = decode(value.clone());
        let variant = match &matcher {
            AlertConfigMatcher::String(_) => "String",
            AlertConfigMatcher::Integer(_) => "Integer",
            AlertConfigMatcher::WithField(_) => "WithField",
        };
        assert_eq!(variant, expected, "{value}");
        assert_eq!(matcher.to_json(), value, "round trip of {value}");
    }
}

#[test]
fn no_matching_branch_names_each_branch_and_its_failure() {
    let error = AlertConfig::from_json(json!({"threshold": {"metricName": "CACHE"}}), &Path::Root)
        .expect_err("matches no branch");
    assert_eq!(error.path(), "$.threshold", "{error}");
    let message = error.message();
    assert!(
        message.starts_with("no variant of `MetricThreshold` matches: "),
        "{message}"
    );
    let raw = message
        .find("`Raw`: ")
        .unwrap_or_else(|| panic!("`Raw` not named: {message}"));
    let data = message
        .find("`Data`: ")
        .unwrap_or_else(|| panic!("`Data` not named: {message}"));
    assert!(
        raw < data,
        "branches are listed in the spec's order: {message}"
    );
    assert!(
        message[raw..data].contains("rawUnits"),
        "why `Raw` failed: {message}"
    );
    assert!(
        message[data..].contains("dataUnits"),
        "why `Data` failed: {message}"
    );
}

#[test]
fn of_overlapping_branches_the_one_describing_more_of_the_value_wins() {
    // Both decode any object; only `TeamContact` declares `teamId`.
    let value = json!({"name": "ops", "teamId": "t1"});
    let contact: AlertConfigContact = decode(value.clone());
    match &contact {
        AlertConfigContact::Team(team) => assert_eq!(team.team_id.as_deref(), Some("t1")),
        other => panic!("decoded as the wrong branch: {other:?}"),
    }
    assert_eq!(contact.to_json(), value);
    // Equally described: the first branch in the spec's order.
    let contact: AlertConfigContact = decode(json!({"name": "ops"}));
    assert!(
        matches!(contact, AlertConfigContact::Person(_)),
        "{contact:?}"
    );
    // An enum value one branch lists and the other does not (open enums accept both).
    let rotation: AlertConfigRotation = decode(json!({"kind": "slack", "hours": 8}));
    assert!(
        matches!(rotation, AlertConfigRotation::Chat(_)),
        "{rotation:?}"
    );
    let rotation: AlertConfigRotation = decode(json!({"kind": "pager"}));
    assert!(
        matches!(rotation, AlertConfigRotation::Pager(_)),
        "{rotation:?}"
    );
}
