//! Turning wire names (schema names, property names, enum values, tags) into Rust identifiers.

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::media::ApiVersion;

/// Every keyword of the 2015–2024 editions, strict and reserved (`gen` included).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers either.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Names of spoken-out symbols, so that enum values like `<` or `>=` get readable variants.
const SYMBOLS: &[(char, &str)] = &[
    ('<', "less than"),
    ('>', "greater than"),
    ('=', "equal"),
    ('!', "not"),
    ('+', "plus"),
    ('*', "star"),
    ('%', "percent"),
    ('&', "and"),
    ('|', "or"),
    ('#', "hash"),
    ('@', "at"),
    ('$', "dollar"),
    ('?', "question"),
    ('~', "tilde"),
];

/// Splits a wire name into words that heck can case: every non-alphanumeric character
/// becomes a word break, and symbols that would otherwise vanish are spelled out.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    let only_symbols = !raw.chars().any(|c| c.is_alphanumeric());
    for c in raw.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if let Some((_, word)) = SYMBOLS
            .iter()
            .find(|(s, _)| *s == c)
            .filter(|_| only_symbols || c == '<' || c == '>' || c == '=')
        {
            out.push(' ');
            out.push_str(word);
            out.push(' ');
        } else {
            out.push(' ');
        }
    }
    out
}

/// `UpperCamelCase` identifier for a type or variant. Never empty, never starts with a digit.
pub fn type_ident(raw: &str) -> String {
    let mut s = words(raw).to_upper_camel_case();
    if s.is_empty() {
        s = "Empty".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if s == "Self" {
        s.push('_');
    }
    s
}

/// `snake_case` identifier for a field, function or module; keywords become raw identifiers
/// (or get a trailing `_` where a raw identifier is not allowed).
pub fn field_ident(raw: &str) -> String {
    let mut s = words(raw).to_snake_case();
    if s.is_empty() {
        s = "value".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if NOT_RAW.contains(&s.as_str()) {
        s.push('_');
    } else if KEYWORDS.contains(&s.as_str()) {
        s.insert_str(0, "r#");
    }
    s
}

/// A `snake_case` module or file name (no raw identifiers: file names cannot hold `r#`).
pub fn module_ident(raw: &str) -> String {
    let s = field_ident(raw);
    match s.strip_prefix("r#") {
        Some(kw) => format!("{kw}_"),
        None => s,
    }
}

/// `2024-10-23` → `20241023`, `preview` → `Preview`: the suffix of per-version names.
pub fn version_suffix(version: &ApiVersion) -> String {
    if version.is_preview() {
        "Preview".to_owned()
    } else {
        version.as_str().replace('-', "")
    }
}

/// The request type of an (operation, version) pair: `GetCluster` at 2024-10-23 is
/// `GetClusterV20241023`.
pub fn version_type_name(operation_type: &str, version: &ApiVersion) -> String {
    format!("{operation_type}V{}", version_suffix(version))
}

/// The request type asking for another format of a version's success: `format` `csv` of
/// `GetInvoiceV20230101` is `GetInvoiceV20230101Csv`.
pub fn alternate_type_name(version_type: &str, format: &str) -> String {
    format!("{version_type}{}", format.to_upper_camel_case())
}

/// The enum of a request type's successes: `CreateRoleMappingV20230101Success`.
pub fn success_enum_name(request_type: &str) -> String {
    format!("{request_type}Success")
}

/// The variant of a success status: `Ok`, `Created`, `Accepted`, `NoContent`, else
/// `Status206`.
pub fn status_variant(status: u16) -> String {
    match status {
        200 => "Ok".to_owned(),
        201 => "Created".to_owned(),
        202 => "Accepted".to_owned(),
        204 => "NoContent".to_owned(),
        s => format!("Status{s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_idents_read_naturally() {
        assert_eq!(
            type_ident("ClusterDescription20240805"),
            "ClusterDescription20240805"
        );
        assert_eq!(
            type_ident("AWSCloudProviderContainer"),
            "AwsCloudProviderContainer"
        );
        assert_eq!(type_ident(".avro.gz"), "AvroGz");
        assert_eq!(type_ident("lucene.arabic"), "LuceneArabic");
        assert_eq!(type_ident("SHA-1"), "Sha1");
        assert_eq!(type_ident("1000 requests"), "V1000Requests");
        assert_eq!(type_ident("<"), "LessThan");
        assert_eq!(type_ident("<="), "LessThanEqual");
        assert_eq!(type_ident("dls:aws"), "DlsAws");
        assert_eq!(type_ident(""), "Empty");
        assert_eq!(type_ident("Self"), "Self_");
    }

    #[test]
    fn field_idents_avoid_keywords() {
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("match"), "r#match");
        assert_eq!(field_ident("gen"), "r#gen");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(
            field_ident("2dsphereIndexVersion"),
            "_2dsphere_index_version"
        );
        assert_eq!(field_ident("_id"), "id");
        assert_eq!(field_ident("diskSizeGB"), "disk_size_gb");
        assert_eq!(module_ident("type"), "type_");
    }
}
