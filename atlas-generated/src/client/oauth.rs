//! Service account access tokens (OAuth 2.0 client credentials): fetched from
//! `{base}/api/oauth/token`, cached until shortly before they expire, refreshed by one
//! request however many callers need a token at once (they all share its outcome, success
//! or failure), and revoked on demand. A token answer is read up to [`MAX_TOKEN_BODY`]
//! bytes as it arrives.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use reqwest::header::ACCEPT;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::time::Instant;

use super::body::{BodyError, read_limited};
use super::error::{Error, ErrorKind};

/// A token is replaced this long before Atlas says it expires (or at half its life, when
/// that is sooner), so that it does not expire on the way.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// The longest a token answer may be. Atlas's is under 2 KB.
const MAX_TOKEN_BODY: usize = 64 * 1024;

/// The longest a token is kept, whatever `expires_in` says (Atlas's last an hour).
const MAX_TOKEN_LIFE: Duration = Duration::from_secs(24 * 60 * 60);

/// A token fetch under way, which every caller that needs a token meanwhile awaits.
type Fetch = Shared<BoxFuture<'static, Result<Token, Arc<Error>>>>;

pub(crate) struct TokenCache {
    client_id: String,
    client_secret: SecretString,
    /// The longest a token or revoke request may take.
    timeout: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    current: Option<Token>,
    /// The fetch under way, and when it started.
    fetching: Option<(Fetch, Instant)>,
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
            state: Mutex::new(State::default()),
        }
    }

    /// Whether this cache holds the tokens of the service account `client_id`, `secret`.
    pub(crate) fn is_for(&self, client_id: &str, secret: &SecretString) -> bool {
        self.client_id == client_id && self.client_secret.expose_secret() == secret.expose_secret()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is whole after any panic: each change is one assignment.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A valid token: the cached one, or a new one. `rejected` is a token the server just
    /// refused (a `401`): it is replaced even if it has not expired, unless another
    /// caller already replaced it. Callers that need a new token at once await one fetch;
    /// a caller that stops waiting (its own timeout) leaves it to the others.
    pub(crate) async fn token(
        &self,
        http: &reqwest::Client,
        base: &str,
        rejected: Option<&SecretString>,
    ) -> Result<SecretString, Error> {
        let fetch = {
            let mut state = self.state();
            if let Some(token) = &state.current {
                let refused =
                    rejected.is_some_and(|r| r.expose_secret() == token.value.expose_secret());
                if !refused && Instant::now() < token.refresh_at {
                    return Ok(token.value.clone());
                }
            }
            // A fetch older than its timeout was left by callers that all stopped
            // waiting: its outcome, whenever it came, is not news.
            let live = state
                .fetching
                .take()
                .filter(|(_, started)| started.elapsed() < self.timeout);
            let (fetch, started) =
                live.unwrap_or_else(|| (self.fetch(http.clone(), base.to_owned()), Instant::now()));
            state.fetching = Some((fetch.clone(), started));
            fetch
        };
        let outcome = fetch.clone().await;
        let mut state = self.state();
        if state
            .fetching
            .as_ref()
            .is_some_and(|(f, _)| f.ptr_eq(&fetch))
        {
            state.fetching = None;
            if let Ok(token) = &outcome {
                state.current = Some(token.clone());
            }
        }
        outcome
            .map(|token| token.value)
            .map_err(|shared| Error::shared(&shared))
    }

    /// The fetch of a new token, to be shared.
    fn fetch(&self, http: reqwest::Client, base: String) -> Fetch {
        let id = self.client_id.clone();
        let secret = self.client_secret.clone();
        let timeout = self.timeout;
        async move {
            fetch_token(&http, &base, &id, &secret, timeout)
                .await
                .map_err(Arc::new)
        }
        .boxed()
        .shared()
    }

    /// Revokes the cached token (`{base}/api/oauth/revoke`) and forgets it; without one,
    /// does nothing.
    pub(crate) async fn revoke(&self, http: &reqwest::Client, base: &str) -> Result<(), Error> {
        let Some(token) = self.state().current.take() else {
            return Ok(());
        };
        let form = [
            ("token", token.value.expose_secret()),
            ("token_type_hint", "access_token"),
        ];
        let mut response = http
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
        let body = read_limited(&mut response, MAX_TOKEN_BODY)
            .await
            .unwrap_or_default();
        Err(Error::new(
            ErrorKind::Auth,
            format!("the token could not be revoked ({})", server_message(&body)),
        )
        .with_status(status, body.to_vec()))
    }
}

/// Asks `{base}/api/oauth/token` for a token.
async fn fetch_token(
    http: &reqwest::Client,
    base: &str,
    client_id: &str,
    client_secret: &SecretString,
    timeout: Duration,
) -> Result<Token, Error> {
    let started = Instant::now();
    let mut response = http
        .post(format!("{base}/api/oauth/token"))
        .basic_auth(client_id, Some(client_secret.expose_secret()))
        .header(ACCEPT, "application/json")
        .form(&[("grant_type", "client_credentials")])
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| auth_error("the token request failed", e))?;
    let status = response.status().as_u16();
    let body = match read_limited(&mut response, MAX_TOKEN_BODY).await {
        Ok(body) => body,
        Err(BodyError::Broke(e)) => return Err(auth_error("the token response broke off", e)),
        Err(too_large) => {
            let why = format!("the token response is refused: {}", too_large.describe());
            return Err(Error::new(ErrorKind::Auth, why).at_status(status));
        }
    };
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
    let life = expires_in.min(MAX_TOKEN_LIFE);
    let margin = EXPIRY_MARGIN.min(life / 2);
    Ok(Token {
        value,
        refresh_at: started + (life - margin),
    })
}

/// A token request that failed on the way: an [`ErrorKind::Timeout`] when it took too
/// long, an [`ErrorKind::Auth`] otherwise.
fn auth_error(what: &str, error: reqwest::Error) -> Error {
    let cause = Error::transport(error);
    let kind = match cause.kind() {
        ErrorKind::Timeout => ErrorKind::Timeout,
        _ => ErrorKind::Auth,
    };
    Error::new(kind, format!("{what}: {cause}")).with_source(cause)
}

/// `access_token` and `expires_in` of a token response (the body is at most
/// [`MAX_TOKEN_BODY`] bytes, and serde_json bounds its depth).
fn parse_token(body: &[u8]) -> Option<(SecretString, Duration)> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let token = value
        .get("access_token")?
        .as_str()
        .filter(|t| !t.is_empty())?;
    let seconds = value.get("expires_in")?.as_u64()?;
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
                return text.chars().take(200).collect();
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
