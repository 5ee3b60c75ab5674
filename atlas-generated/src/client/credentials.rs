//! Who the client is to Atlas: a service account, an API key, a token, or nobody.

use std::fmt;

use secrecy::SecretString;

/// How requests are authenticated.
///
/// Secrets are held in [`SecretString`]s: `Debug` shows the kind of credentials and the
/// public half (a client id, a public key), never the secret.
#[derive(Clone)]
pub struct Credentials {
    pub(crate) kind: Kind,
}

#[derive(Clone)]
pub(crate) enum Kind {
    ServiceAccount {
        client_id: String,
        client_secret: SecretString,
    },
    Digest {
        public_key: String,
        private_key: SecretString,
    },
    Bearer(SecretString),
    None,
}

impl Credentials {
    /// A service account (OAuth 2.0 client credentials): the client fetches an access
    /// token from `{base}/api/oauth/token`, caches it until shortly before it expires,
    /// and fetches a new one when needed.
    #[must_use]
    pub fn service_account(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Credentials {
            kind: Kind::ServiceAccount {
                client_id: client_id.into(),
                client_secret: SecretString::from(client_secret.into()),
            },
        }
    }

    /// A programmatic API key (HTTP Digest, RFC 7616, MD5 or SHA-256).
    #[must_use]
    pub fn digest(public_key: impl Into<String>, private_key: impl Into<String>) -> Self {
        Credentials {
            kind: Kind::Digest {
                public_key: public_key.into(),
                private_key: SecretString::from(private_key.into()),
            },
        }
    }

    /// An access token the caller obtains and renews itself, sent as `Bearer`.
    #[must_use]
    pub fn bearer(token: impl Into<String>) -> Self {
        Credentials {
            kind: Kind::Bearer(SecretString::from(token.into())),
        }
    }

    /// No authentication (a proxy that adds it, or a test server).
    #[must_use]
    pub fn none() -> Self {
        Credentials { kind: Kind::None }
    }

    /// Whether requests carry a secret (anything but [`Credentials::none`]).
    pub(crate) fn is_secret(&self) -> bool {
        !matches!(self.kind, Kind::None)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::ServiceAccount { client_id, .. } => f
                .debug_struct("ServiceAccount")
                .field("client_id", client_id)
                .field("client_secret", &"[redacted]")
                .finish(),
            Kind::Digest { public_key, .. } => f
                .debug_struct("Digest")
                .field("public_key", public_key)
                .field("private_key", &"[redacted]")
                .finish(),
            Kind::Bearer(_) => f.debug_tuple("Bearer").field(&"[redacted]").finish(),
            Kind::None => f.write_str("None"),
        }
    }
}
