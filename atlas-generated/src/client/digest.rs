//! Programmatic API keys: HTTP Digest (RFC 7616, MD5 or SHA-256, `qop=auth`), computed by
//! the `digest_auth` crate. The server's challenge is kept and answered again with an
//! increasing `nc` on later requests, so only the first request (and one after the
//! server declares the nonce `stale`) pays a challenge round trip.

use std::sync::Mutex;

use digest_auth::{AuthContext, HttpMethod, WwwAuthenticateHeader};
use secrecy::{ExposeSecret, SecretString};

use super::error::{Error, ErrorKind};

pub(crate) struct DigestState {
    public_key: String,
    private_key: SecretString,
    challenge: Mutex<Option<WwwAuthenticateHeader>>,
}

/// What answering a request's `401` should do.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Challenge {
    /// A new challenge (first, stale, or another nonce): answer it with the next attempt.
    Answer,
    /// The challenge the request already answered: the key is wrong.
    Refused,
}

impl DigestState {
    pub(crate) fn new(public_key: String, private_key: SecretString) -> Self {
        DigestState {
            public_key,
            private_key,
            challenge: Mutex::new(None),
        }
    }

    /// The `Authorization` value for a request, from the last challenge; `None` before
    /// the first. Returns the nonce it answers too.
    pub(crate) fn authorization(
        &self,
        method: &http::Method,
        uri: &str,
        body: &[u8],
    ) -> Result<Option<(String, String)>, Error> {
        let mut challenge = self.challenge.lock().unwrap_or_else(|e| e.into_inner());
        let Some(prompt) = challenge.as_mut() else {
            return Ok(None);
        };
        let context = AuthContext::new_with_method(
            self.public_key.as_str(),
            self.private_key.expose_secret(),
            uri,
            Some(body),
            HttpMethod::from(method.as_str()),
        );
        let header = prompt.respond(&context).map_err(|e| {
            Error::new(
                ErrorKind::Auth,
                format!("the Digest challenge cannot be answered: {e}"),
            )
        })?;
        Ok(Some((header.to_header_string(), prompt.nonce.clone())))
    }

    /// Takes in the `WWW-Authenticate` of a `401` to a request that answered `answered`
    /// (the nonce, or `None` if it had no `Authorization`).
    pub(crate) fn challenged(
        &self,
        www_authenticate: &str,
        answered: Option<&str>,
    ) -> Result<Challenge, Error> {
        let prompt = digest_auth::parse(www_authenticate).map_err(|e| {
            Error::new(
                ErrorKind::Auth,
                format!("the server's Digest challenge is malformed: {e}"),
            )
        })?;
        let fresh = match answered {
            None => true,
            Some(nonce) => prompt.stale || prompt.nonce != nonce,
        };
        let mut challenge = self.challenge.lock().unwrap_or_else(|e| e.into_inner());
        let known = challenge.as_ref().is_some_and(|c| c.nonce == prompt.nonce);
        if !known {
            *challenge = Some(prompt);
        }
        Ok(if fresh {
            Challenge::Answer
        } else {
            Challenge::Refused
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHALLENGE: &str = r#"Digest realm="MMS Public API", domain="", nonce="n1", algorithm=MD5, qop="auth", stale=false"#;

    fn state() -> DigestState {
        DigestState::new("pub".to_owned(), SecretString::from("secret".to_owned()))
    }

    fn nc(header: &str) -> &str {
        let at = header.find("nc=").unwrap() + 3;
        &header[at..at + 8]
    }

    #[test]
    fn answers_each_request_with_the_next_nc_on_one_nonce() {
        let digest = state();
        assert!(
            digest
                .authorization(&http::Method::GET, "/a", b"")
                .unwrap()
                .is_none()
        );
        assert_eq!(
            digest.challenged(CHALLENGE, None).unwrap(),
            Challenge::Answer
        );
        let (first, nonce) = digest
            .authorization(&http::Method::GET, "/a", b"")
            .unwrap()
            .unwrap();
        let (second, _) = digest
            .authorization(&http::Method::POST, "/b", b"{}")
            .unwrap()
            .unwrap();
        assert_eq!(nonce, "n1");
        assert_eq!((nc(&first), nc(&second)), ("00000001", "00000002"));
        assert!(first.starts_with("Digest ") && first.contains(r#"username="pub""#));
        assert!(!first.contains("secret"));
        // The same nonce refused again: the key is wrong. A stale or new nonce: answer it.
        assert_eq!(
            digest.challenged(CHALLENGE, Some("n1")).unwrap(),
            Challenge::Refused
        );
        let stale = CHALLENGE
            .replace("stale=false", "stale=true")
            .replace("n1", "n2");
        assert_eq!(
            digest.challenged(&stale, Some("n1")).unwrap(),
            Challenge::Answer
        );
        let (third, nonce) = digest
            .authorization(&http::Method::GET, "/a", b"")
            .unwrap()
            .unwrap();
        assert_eq!((nonce.as_str(), nc(&third)), ("n2", "00000001"));
        assert!(digest.challenged("Basic realm=x", None).is_err());
    }
}
