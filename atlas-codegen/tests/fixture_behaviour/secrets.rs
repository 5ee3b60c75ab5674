//! Behaviour of the `secrets` fixture's generated code: `Debug` shows whether each secret is
//! set, never its value (write-only, `format: password`, and credentials by name, in
//! models, a union and request parameters), shows everything else as derived, and encoding
//! sends the secrets unchanged. Compiled into the fixture crate by `xtask/tests/fixtures.rs`;
//! not a test target of its own.

use serde_json::{Value, json};

use crate::models::{DatabaseUser, DatabaseUserApiToken, Integration, Slack};
use crate::operations::database_users::CreateDatabaseUser;
use crate::runtime::{Endpoint, Json};

const SECRET: &str = "hunter2-secret";

fn user() -> DatabaseUser {
    DatabaseUser {
        password: Some(SECRET.to_owned()),
        pin: Some(format!("{SECRET}-pin")),
        recovery_password: Some(format!("{SECRET}-recovery")),
        previous_password: Some(Some(format!("{SECRET}-previous"))),
        webhook_secret: Some(vec![format!("{SECRET}-webhook")]),
        delete_after_use: Some(true),
        api_token: Some(DatabaseUserApiToken {
            id: Some("token-1".to_owned()),
            secret: Some(format!("{SECRET}-token")),
            ..Default::default()
        }),
        password_change_required: Some(true),
        token_endpoint_url: Some("https://example.com/token".to_owned()),
        public_key: Some("public-part".to_owned()),
        secret_expires_after_hours: Some(8),
        masked_secret: Some("****cret".to_owned()),
        ..DatabaseUser::new("app", format!("{SECRET}-api-key"))
    }
}

#[test]
fn debug_shows_each_secret_is_set_and_never_its_value() {
    let debug = format!("{:?}", user());
    assert!(!debug.contains(SECRET), "{debug}");
    for shown in [
        " password: Some([redacted])",
        " pin: Some([redacted])",
        " recovery_password: Some([redacted])",
        " api_key: [redacted]",
        " previous_password: Some(Some([redacted]))",
        " webhook_secret: Some([redacted])",
        " delete_after_use: Some([redacted])",
        // An object named like a credential shows, and hides its own secret.
        r#" api_token: Some(DatabaseUserApiToken { id: Some("token-1"), secret: Some([redacted])"#,
    ] {
        assert!(debug.contains(shown), "no `{shown}` in {debug}");
    }
}

#[test]
fn debug_shows_what_only_looks_like_a_secret() {
    let debug = format!("{:?}", user());
    for shown in [
        r#"DatabaseUser { username: "app","#,
        " password_change_required: Some(true)",
        r#" token_endpoint_url: Some("https://example.com/token")"#,
        r#" public_key: Some("public-part")"#,
        " secret_expires_after_hours: Some(8)",
        r#" masked_secret: Some("****cret")"#,
        " filled: Filled([]), additional_properties: {} }",
    ] {
        assert!(debug.contains(shown), "no `{shown}` in {debug}");
    }
}

#[test]
fn unset_and_null_secrets_show_as_such() {
    let user = DatabaseUser {
        previous_password: Some(None),
        ..DatabaseUser::new("app", "key")
    };
    let debug = format!("{user:?}");
    assert!(debug.contains(" password: None,"), "{debug}");
    assert!(debug.contains(" previous_password: Some(None),"), "{debug}");
}

#[test]
fn encoding_sends_every_secret_unchanged() {
    let json = user().to_json();
    assert_eq!(json["password"], SECRET);
    assert_eq!(json["pin"], format!("{SECRET}-pin"));
    assert_eq!(json["recoveryPassword"], format!("{SECRET}-recovery"));
    assert_eq!(json["apiKey"], format!("{SECRET}-api-key"));
    assert_eq!(json["previousPassword"], format!("{SECRET}-previous"));
    assert_eq!(json["webhookSecret"], json!([format!("{SECRET}-webhook")]));
    assert_eq!(json["deleteAfterUse"], true);
    assert_eq!(json["apiToken"]["secret"], format!("{SECRET}-token"));
}

#[test]
fn a_union_shows_its_variants_secrets_redacted() {
    let slack: Integration = serde_json::from_value(json!({
        "type": "SLACK", "channelName": "alerts", "apiToken": SECRET
    }))
    .unwrap();
    assert!(matches!(&slack, Integration::Slack(Slack { .. })));
    let debug = format!("{slack:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(debug.contains(r#"channel_name: Some("alerts")"#), "{debug}");
    assert!(debug.contains(" api_token: Some([redacted])"), "{debug}");
    assert_eq!(serde_json::to_value(&slack).unwrap()["apiToken"], SECRET);
}

#[test]
fn a_request_hides_its_secret_parameters_and_body_and_sends_them() {
    let request = CreateDatabaseUser::new("group-1", format!("{SECRET}-sas"), user())
        .x_api_key(format!("{SECRET}-header"))
        .token_id("token-7");
    let debug = format!("{request:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    for shown in [
        r#"CreateDatabaseUserV20230101 { group_id: "group-1","#,
        " sas_token: [redacted],",
        " x_api_key: Some([redacted]),",
        r#" token_id: Some("token-7"),"#,
        " body: DatabaseUser {",
    ] {
        assert!(debug.contains(shown), "no `{shown}` in {debug}");
    }
    let sent = request.to_request().unwrap();
    assert!(sent.uri().query().unwrap().contains(SECRET), "{}", sent.uri());
    assert_eq!(sent.headers()["x-api-key"], format!("{SECRET}-header"));
    let body: Value = serde_json::from_slice(sent.body()).unwrap();
    assert_eq!(body["password"], SECRET);
}
