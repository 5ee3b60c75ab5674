//! Support for the API's open string enums.
//!
//! An open enum has one variant per value the specification lists and a
//! fallback variant keeping any other string, so that a value the server adds
//! later still decodes (and re-encodes unchanged).

/// Implemented by every generated open string enum.
pub trait OpenEnum: Sized + 'static {
    /// The values the specification lists, in its order.
    const VALUES: &'static [&'static str];

    /// The value as it appears on the wire.
    fn as_str(&self) -> &str;

    /// Whether the value is one of [`OpenEnum::VALUES`] (rather than one kept
    /// by the fallback variant).
    fn is_known(&self) -> bool;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Provider {
        Aws,
        Other(String),
    }

    impl OpenEnum for Provider {
        const VALUES: &'static [&'static str] = &["AWS"];

        fn as_str(&self) -> &str {
            match self {
                Provider::Aws => "AWS",
                Provider::Other(text) => text,
            }
        }

        fn is_known(&self) -> bool {
            !matches!(self, Provider::Other(_))
        }
    }

    #[test]
    fn trait_is_implementable() {
        assert_eq!(Provider::VALUES, &["AWS"]);
        assert_eq!(Provider::Aws.as_str(), "AWS");
        assert!(Provider::Aws.is_known());
        let other = Provider::Other("NEW".to_owned());
        assert_eq!(other.as_str(), "NEW");
        assert!(!other.is_known());
    }
}
