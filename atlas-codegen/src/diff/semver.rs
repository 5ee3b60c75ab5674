//! Which changes break code that compiles today, and the version that follows: the rules
//! of Cargo's semver reference (<https://doc.rust-lang.org/cargo/reference/semver.html>)
//! applied to the items the emitter writes. They hold because of how those items look:
//!
//! - models, request types and enums (open string enums, tag values, unions) are
//!   `#[non_exhaustive]` (`emit::tokens::open_to_additions`): models and requests are
//!   built by `new(required…)` and setters, and a `match` needs a `_` arm, so a new
//!   optional field, optional parameter, enum value or union branch breaks nothing, while
//!   a new required one changes what `new` takes;
//! - `#[deprecated]` only warns, and docs (sunset dates) are not API.
//!
//! Whatever the emitter changes about those facts must change here too.

use serde::Serialize;

use super::{Change, ChangeKind};

/// Whether `kind` breaks code compiling against the older crate, and why.
pub fn judge(kind: &ChangeKind) -> (bool, &'static str) {
    use ChangeKind::*;
    match kind {
        FeatureAdded { .. } => (false, "a new cargo feature, which `full` enables"),
        FeatureRemoved { .. } => (
            true,
            "a cargo feature and its module are removed: builds that enable it fail",
        ),
        OperationAdded { .. } | SchemaAdded | TypeAdded | VersionAdded { .. } => {
            (false, "a new public item")
        }
        OperationRemoved { .. } | SchemaRemoved | TypeRemoved | VersionRemoved { .. } => {
            (true, "a public item is removed")
        }
        OperationRenamed { .. } => (
            false,
            "Rust names follow the short name, which stayed: only `registry` and `dynamic` \
             lookups by the old operation id stop finding it",
        ),
        RequestTypeRenamed { aliased: true, .. } => (
            false,
            "the old request type names stay, as `#[deprecated]` aliases of the new ones",
        ),
        RequestTypeRenamed { aliased: false, .. } => (true, "the old request type names are gone"),
        TypeRenamed { aliased: true, .. } => (
            false,
            "the old name stays, as a `#[deprecated]` alias of the new one",
        ),
        TypeRenamed { aliased: false, .. } => (true, "the old name is gone"),
        DefaultVersionChanged { .. } => (
            true,
            "the unversioned request type now names another version, with its own body and \
             response types",
        ),
        SunsetAnnounced { .. } => (false, "documentation and `#[deprecated]` only warn"),
        OperationDeprecated => (false, "`#[deprecated]` only warns"),
        ParameterAdded { required: true, .. } => (true, "`new` takes one more argument"),
        ParameterAdded {
            required: false, ..
        } => (
            false,
            "a `#[non_exhaustive]` request type gains a field and a setter",
        ),
        PropertyAdded { required: true, .. } => (
            true,
            "`new` takes one more argument (and a struct that derived `Default` no longer does)",
        ),
        PropertyAdded {
            required: false, ..
        } => (
            false,
            "a `#[non_exhaustive]` struct gains a field and a setter",
        ),
        ParameterRemoved { .. } | PropertyRemoved { .. } => (true, "a public field is removed"),
        ParameterChanged { .. } | PropertyTypeChanged { .. } | PropertyRequiredChanged { .. } => {
            (true, "a public field changes type")
        }
        KindChanged { .. } => (true, "the type becomes another kind of item"),
        EnumValueAdded { .. } | DiscriminatorMappingAdded { .. } | UnionBranchAdded { .. } => {
            (false, "a `#[non_exhaustive]` enum gains a variant")
        }
        EnumValueRemoved { .. }
        | DiscriminatorMappingRemoved { .. }
        | UnionBranchRemoved { .. } => (true, "a variant is removed"),
        DiscriminatorMappingChanged { .. } => (true, "a variant's payload changes type"),
        DiscriminantsShifted { .. } => (
            true,
            "variants of an enum without fields move: `as` casts of them give other numbers",
        ),
        RequestBodyChanged { .. } => (true, "the request types' `body` field changes type"),
        ResponseChanged { .. } => (
            true,
            "`decode_response` returns another type: code reading the old one no longer compiles",
        ),
        VariantChanged { .. } => (
            true,
            "a variant's fields change: patterns and constructions of it no longer compile",
        ),
    }
}

/// A change with its verdict.
pub(super) fn change(
    kind: ChangeKind,
    subject: impl Into<String>,
    tag: Option<&str>,
    rust: Vec<String>,
) -> Change {
    let (breaking, why) = judge(&kind);
    Change {
        kind,
        subject: subject.into(),
        tag: tag.map(str::to_owned),
        rust,
        breaking,
        why,
        cause: None,
    }
}

/// How far the version moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

/// The report's conclusion: does anything break, and which version comes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub breaking: bool,
    pub bump: Bump,
    pub current: String,
    pub next: String,
}

impl Verdict {
    /// Under Cargo's rules a breaking change bumps the left-most non-zero component
    /// (`0.x`: the minor, `0.0.x`: the patch), and any other change the next one down.
    pub fn of(changes: &[Change], current: &str) -> Verdict {
        let breaking = changes.iter().any(|c| c.breaking);
        let parsed = parse_version(current);
        let (bump, next) = match parsed {
            None => (Bump::None, current.to_owned()),
            Some(_) if changes.is_empty() => (Bump::None, current.to_owned()),
            Some((major, minor, patch)) => match (breaking, major, minor) {
                (true, 0, 0) => (Bump::Patch, format!("0.0.{}", patch + 1)),
                (true, 0, _) => (Bump::Minor, format!("0.{}.0", minor + 1)),
                (true, _, _) => (Bump::Major, format!("{}.0.0", major + 1)),
                (false, 0, _) => (Bump::Patch, format!("0.{minor}.{}", patch + 1)),
                (false, _, _) => (Bump::Minor, format!("{major}.{}.0", minor + 1)),
            },
        };
        Verdict {
            breaking,
            bump,
            current: current.to_owned(),
            next,
        }
    }
}

fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    let core = text.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let version = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(breaking: bool) -> Vec<Change> {
        let kind = if breaking {
            ChangeKind::SchemaRemoved
        } else {
            ChangeKind::SchemaAdded
        };
        vec![change(kind, "X", None, vec![])]
    }

    #[test]
    fn versions_follow_cargo_rules() {
        let next = |changes: &[Change], current| Verdict::of(changes, current).next;
        assert_eq!(next(&one(true), "0.1.3"), "0.2.0");
        assert_eq!(next(&one(false), "0.1.3"), "0.1.4");
        assert_eq!(next(&one(true), "0.0.3"), "0.0.4");
        assert_eq!(next(&one(true), "1.4.2"), "2.0.0");
        assert_eq!(next(&one(false), "1.4.2"), "1.5.0");
        assert_eq!(next(&[], "0.1.3"), "0.1.3");
        assert_eq!(Verdict::of(&[], "0.1.3").bump, Bump::None);
        assert_eq!(Verdict::of(&one(true), "0.1.3").bump, Bump::Minor);
    }
}
