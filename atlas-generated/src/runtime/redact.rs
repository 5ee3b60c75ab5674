//! `Debug` that shows whether a secret is set, never what it is. Generated types whose
//! fields or parameters hold credentials print them through these functions, picked by the
//! field's presence; `atlas-generated/reports/redacted.md` lists every such field and why.

use std::fmt;

/// Printed by `Debug` in place of a secret's value: `[redacted]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A required secret: `[redacted]`.
#[inline]
pub fn required<T>(_secret: &T) -> Redacted {
    Redacted
}

/// An optional secret: `None`, or `Some([redacted])`.
#[inline]
pub fn optional<T>(secret: &Option<T>) -> Option<Redacted> {
    secret.as_ref().map(|_| Redacted)
}

/// An optional nullable secret: `None` (absent), `Some(None)` (`null`), or
/// `Some(Some([redacted]))`.
#[inline]
pub fn nullable<T>(secret: &Option<Option<T>>) -> Option<Option<Redacted>> {
    secret.as_ref().map(optional)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_shows_and_the_value_does_not() {
        let secret = "hunter2".to_owned();
        assert_eq!(format!("{:?}", required(&secret)), "[redacted]");
        assert_eq!(
            format!("{:?}", optional(&Some(&secret))),
            "Some([redacted])"
        );
        assert_eq!(format!("{:?}", optional::<String>(&None)), "None");
        assert_eq!(
            format!("{:?}", nullable(&Some(Some(&secret)))),
            "Some(Some([redacted]))"
        );
        assert_eq!(
            format!("{:?}", nullable::<String>(&Some(None))),
            "Some(None)"
        );
        assert_eq!(format!("{:?}", nullable::<String>(&None)), "None");
    }
}
