//! Which values are secrets, whose value `Debug` must not print: the one place that decides
//! it. The emitter prints a redacting `Debug` for the types holding one, and the report
//! (`reports/redacted.md`) lists each with its reasons.
//!
//! A struct field is a secret when the spec marks it `writeOnly` (the server takes it and
//! never gives it back), gives it `format: password`, or names it as a credential
//! ([`is_credential_name`]) and it holds text. A request parameter is one by the last two
//! rules: `writeOnly` says nothing of a parameter, which is only ever sent.
//!
//! The spec's own marks count whatever the field holds: `writeOnly` also marks ids, names
//! and flags the server does not echo, and hiding those costs a little debugging, where
//! second-guessing the spec would take a list of exceptions to keep up.
//!
//! The name rule asks for text (a string, or a list or map of them) because only text can
//! carry a credential: a boolean, number or enum value cannot, and an object named like one
//! (`apiKey: {id, privateKey…}`) has its own secret fields, which its own `Debug` hides.

use heck::ToSnakeCase;

use crate::ir::{Field, Ir, Param, SecretReason, TypeKind, TypeRef};

/// Last words of a credential's name, each with the words of which one must come before it
/// (none listed: the word alone says it). Compared on whole words, without case:
/// `hecToken`, `bindPassword`, `secretAccessKey`, `destinationOrgPrivateApiKey`.
pub const CREDENTIAL_ENDINGS: &[(&str, &[&str])] = &[
    ("password", &[]),
    ("passwd", &[]),
    ("passphrase", &[]),
    ("pwd", &[]),
    ("secret", &[]),
    ("token", &[]),
    ("apikey", &[]),
    (
        "key",
        &[
            "api", "private", "secret", "license", "service", "ssl", "signing",
        ],
    ),
    // The value of an `Authorization` header (`BackupRestoreJobDelivery.authValue`).
    ("value", &["auth", "authorization"]),
];

/// Words that make a name no credential wherever they stand: the public half of a key pair,
/// or a secret shown masked (`publicKey`, `destinationOrgPublicApiKey`, `maskedSecret`).
pub const NOT_CREDENTIAL_WORDS: &[&str] = &["public", "masked"];

/// Marks every secret field and parameter with its reasons.
pub fn mark_secrets(ir: &mut Ir) {
    mark_fields(ir);
    mark_parameters(ir);
}

fn mark_fields(ir: &mut Ir) {
    let reasons: Vec<Vec<Vec<SecretReason>>> = ir
        .types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| field_reasons(ir, f)).collect(),
            _ => Vec::new(),
        })
        .collect();
    for (def, reasons) in ir.types.iter_mut().zip(reasons) {
        if let TypeKind::Struct(s) = &mut def.kind {
            for (f, reasons) in s.fields.iter_mut().zip(reasons) {
                f.secret = reasons;
            }
        }
    }
}

fn mark_parameters(ir: &mut Ir) {
    let reasons: Vec<Vec<Vec<SecretReason>>> = ir
        .operations
        .iter()
        .map(|op| op.params.iter().map(|p| param_reasons(ir, p)).collect())
        .collect();
    for (op, reasons) in ir.operations.iter_mut().zip(reasons) {
        for (p, reasons) in op.params.iter_mut().zip(reasons) {
            p.secret = reasons;
        }
    }
}

fn field_reasons(ir: &Ir, f: &Field) -> Vec<SecretReason> {
    let mut reasons = Vec::new();
    if f.write_only {
        reasons.push(SecretReason::WriteOnly);
    }
    reasons.extend(shared_reasons(ir, &f.wire_name, f.format.as_deref(), &f.ty));
    reasons
}

fn param_reasons(ir: &Ir, p: &Param) -> Vec<SecretReason> {
    shared_reasons(ir, &p.wire_name, p.format.as_deref(), &p.ty)
}

/// The reasons a field and a parameter share: `format: password`, and the name rule.
fn shared_reasons(ir: &Ir, name: &str, format: Option<&str>, ty: &TypeRef) -> Vec<SecretReason> {
    let mut reasons = Vec::new();
    if format == Some("password") {
        reasons.push(SecretReason::PasswordFormat);
    }
    if is_credential_name(name) && holds_text(ir, ty) {
        reasons.push(SecretReason::CredentialName);
    }
    reasons
}

/// Whether a property or parameter name says it is a credential: its last word is one of
/// [`CREDENTIAL_ENDINGS`] (after one of the words that must come before it, if any), and
/// none of its words is one of [`NOT_CREDENTIAL_WORDS`]. Only the last word counts, so an
/// id, a URL, a flag or a lifetime named after a credential is none (`secretId`,
/// `tokenEndpointUrl`, `passwordChangeRequired`, `idleRefreshTokenLifetime`), nor is a
/// plural (`tokens`: a list of stop words).
pub fn is_credential_name(name: &str) -> bool {
    let snake = name.to_snake_case();
    let words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    let Some((last, before)) = words.split_last() else {
        return false;
    };
    if words.iter().any(|w| NOT_CREDENTIAL_WORDS.contains(w)) {
        return false;
    }
    CREDENTIAL_ENDINGS.iter().any(|(ending, after)| {
        ending == last && (after.is_empty() || before.iter().any(|w| after.contains(w)))
    })
}

/// Whether a value of `ty` is text: a string, or a list or map of text.
fn holds_text(ir: &Ir, ty: &TypeRef) -> bool {
    match ir.unaliased(ty) {
        TypeRef::String => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) => holds_text(ir, inner),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_credential_name;

    #[test]
    fn credentials_are_named_by_their_last_word() {
        for name in [
            "password",
            "bindPassword",
            "sslKeyPassword",
            "secret",
            "clientSecret",
            "webhookSecret",
            "token",
            "hecToken",
            "apiToken",
            "sasToken",
            "readToken",
            "apiKey",
            "apikey",
            "datadogApiKey",
            "privateKey",
            "destinationOrgPrivateApiKey",
            "secretAccessKey",
            "serviceAccountKey",
            "licenseKey",
            "serviceKey",
            "sslKey",
            "authValue",
            "X-Api-Key",
            "api_token",
        ] {
            assert!(is_credential_name(name), "`{name}` should be a credential");
        }
    }

    #[test]
    fn ids_urls_flags_plurals_and_public_halves_are_not_credentials() {
        for name in [
            "passwordChangeRequired",
            "tokenId",
            "secretId",
            "apiKeyId",
            "accessKeyID",
            "tokenEndpointUrl",
            "secretsManagerArn",
            "secretExpiresAfterHours",
            "idleRefreshTokenLifetime",
            "maxTokenLength",
            "tokens",
            "originalTokens",
            "secrets",
            "tokenizer",
            "publicKey",
            "destinationOrgPublicApiKey",
            "maskedSecret",
            "maskedSecretValue",
            "key",
            "kmsKey",
            "customShardKey",
            "routingKey",
            "authHeader",
            "value",
            "",
        ] {
            assert!(
                !is_credential_name(name),
                "`{name}` should not be a credential"
            );
        }
    }
}
