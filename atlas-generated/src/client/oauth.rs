//! Service account access tokens (OAuth 2.0 client credentials): fetched from
//! `{base}/api/oauth/token`, cached until shortly before they expire, refreshed by one
//! request however many callers need a token at once, and revoked on demand.

use std::time::Duration;

use reqwest::header::ACCEPT;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::error::{Error, ErrorKind};

/// A token is replaced this long before Atlas says it expires (or at half its life, when
/// that is sooner), so that it does not expire on the way.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// The longest a token body may be, or its `expires_in`.
const MAX_TOKEN_BODY: usize = 64 * 1024;

pub(crate) struct TokenCache {
    client_id: String,
    client_secret: SecretString,
    /// The longest a token or revoke request may take.
    timeout: Duration,
    /// Held across a refresh: callers that need a token meanwhile wait for that one.
    current: Mutex<Option<Token>>,
}

#[derive(Clone)]
struct Token {
    value: SecretString,
    refresh_at: Instant,
}

impl TokenCache {
    pub(crate) fn new(client_id: String, client_secret: SecretString, timeout: Duration) -> Self {
        TokenCache {
            client_id,
            client_secret,
            timeout,
            current: Mutex::new(None),
        }
    }

    /// A valid token: the cached one, or a new one. `rejected` is a token the server just
    /// refused (a `401`): it is replaced even if it has not expired, unless another
    /// caller already replaced it.
    pub(crate) async fn token(
        &self,
        http: &reqwest::Client,
        base: &str,
        rejected: Option<&SecretString>,
    ) -> Result<SecretString, Error> {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref() {
            let refused =
                rejected.is_some_and(|r| r.expose_secret() == token.value.expose_secret());
            if !refused && Instant::now() < token.refresh_at {
                return Ok(token.value.clone());
            }
        }
        let token = self.fetch(http, base).await?;
        let value = token.value.clone();
        *current = Some(token);
        Ok(value)
    }

    async fn fetch(&self, http: &reqwest::Client, base: &str) -> Result<Token, Error> {
        let started = Instant::now();
        let response = http
            .post(format!("{base}/api/oauth/token"))
            .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
            .header(ACCEPT, "application/json")
            .form(&[("grant_type", "client_credentials")])
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| auth_error("the token request failed", e))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| auth_error("the token response broke off", e))?;
        if !(200..300).contains(&status) {
            return Err(Error::new(
                ErrorKind::Auth,
                format!("the token request was refused ({})", server_message(&body)),
            )
            .with_status(status, body.to_vec()));
        }
        let (value, expires_in) = parse_token(&body).ok_or_else(|| {
            Error::new(
                ErrorKind::Auth,
                "the token response has no `access_token` string and `expires_in` number",
            )
        })?;
        let margin = EXPIRY_MARGIN.min(expires_in / 2);
        Ok(Token {
            value,
            refresh_at: started + expires_in - margin,
        })
    }

    /// Revokes the cached token (`{base}/api/oauth/revoke`) and forgets it; without one,
    /// does nothing.
    pub(crate) async fn revoke(&self, http: &reqwest::Client, base: &str) -> Result<(), Error> {
        let mut current = self.current.lock().await;
        let Some(token) = current.take() else {
            return Ok(());
        };
        let form = [
            ("token", token.value.expose_secret()),
            ("token_type_hint", "access_token"),
        ];
        let response = http
            .post(format!("{base}/api/oauth/revoke"))
            .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
            .form(&form)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| auth_error("the revoke request failed", e))?;
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(());
        }
        let body = response.bytes().await.unwrap_or_default();
        Err(Error::new(
            ErrorKind::Auth,
            format!("the token could not be revoked ({})", server_message(&body)),
        )
        .with_status(status, body.to_vec()))
    }
}

fn auth_error(what: &str, error: reqwest::Error) -> Error {
    let cause = Error::transport(error);
    Error::new(ErrorKind::Auth, format!("{what}: {cause}")).with_source(cause)
}

/// `access_token` and `expires_in` of a token response.
fn parse_token(body: &[u8]) -> Option<(SecretString, Duration)> {
    if body.len() > MAX_TOKEN_BODY {
        return None;
    }
    let value: Value = serde_json::from_slice(body).ok()?;
    let token = value
        .get("access_token")?
        .as_str()
        .filter(|t| !t.is_empty())?;
    let seconds = value.get("expires_in")?.as_u64()?.min(u64::from(u32::MAX));
    Some((
        SecretString::from(token.to_owned()),
        Duration::from_secs(seconds),
    ))
}

/// What the server said of a refused token request: `error_description`, `error` or
/// `detail` of a JSON body, else the start of the body.
fn server_message(body: &[u8]) -> String {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        for key in ["error_description", "detail", "error"] {
            if let Some(text) = value.get(key).and_then(Value::as_str) {
                return text.to_owned();
            }
        }
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(200)])
        .trim()
        .to_owned();
    if text.is_empty() {
        "no body".to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_responses() {
        let (token, expires) =
            parse_token(br#"{"access_token":"abc","expires_in":3600,"token_type":"Bearer"}"#)
                .unwrap();
        assert_eq!(token.expose_secret(), "abc");
        assert_eq!(expires, Duration::from_secs(3600));
        for bad in [
            &b"{}"[..],
            br#"{"access_token":"","expires_in":1}"#,
            br#"{"access_token":"a"}"#,
            b"<html>",
        ] {
            assert!(
                parse_token(bad).is_none(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(
            server_message(br#"{"error":"invalid_client","error_description":"bad secret"}"#),
            "bad secret"
        );
        assert_eq!(server_message(b""), "no body");
    }
}
