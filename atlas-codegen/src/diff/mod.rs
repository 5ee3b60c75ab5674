//! What a new spec changes, for the maintainer who regenerates: the changes between the
//! public surfaces two specs make, each with the Rust items it touches and whether it breaks code that compiles
//! against the crate generated from the older one, and the version the crate's next
//! release takes under Cargo's semver rules.
//!
//! [`Surface`] is what an IR makes public, as plain data; [`diff`] compares two, with
//! `operations` and `types` finding the changes of each kind and [`semver`] owning every
//! breaking/compatible rule. The report prints as text ([`Report::text`]),
//! as a Keep a Changelog section ([`Report::changelog_section`]) and as JSON (`serde`;
//! the shape is documented on [`Report`]).

pub mod cause;
mod operations;
mod render;
pub mod semver;
pub mod surface;
pub(crate) mod types;

use std::collections::BTreeMap;

use serde::Serialize;

pub use cause::Cause;
pub use semver::{Bump, Verdict};
pub use surface::{Side, Surface};

/// The report: what changed from one spec (`from`) to another (`to`).
///
/// As JSON (`cargo xtask diff --json`), an object with:
/// - `from`, `to`: each `{ "title", "version", "sha" }`: the documents' `info.title`,
///   `info.version` and `info.x-xgen-sha` (or `null`);
/// - `verdict`: `{ "breaking": bool, "bump": "none" | "patch" | "minor" | "major",
///   "current": "0.1.0", "next": "0.2.0" }`;
/// - `changes`: an array of objects, each with `kind` (one of the snake_case names of
///   [`ChangeKind`]'s variants) and that variant's own fields, plus `subject` (the
///   operation, as `METHOD /path`, or the schema or type it is about), `tag` (the
///   operation's tag, or `null`), `rust` (the Rust items it touches, as paths from the crate
///   root), `breaking`, `why` (the rule that decided `breaking`) and `cause` (`"spec"` or
///   `"generator"` for a breaking change, [`Cause`]; `null` for a compatible one).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub from: Side,
    pub to: Side,
    pub verdict: Verdict,
    pub changes: Vec<Change>,
}

/// One change, and what it does to the Rust API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    #[serde(flatten)]
    pub kind: ChangeKind,
    /// `GET /api/atlas/v2/groups/{groupId}`, or a schema's or type's name.
    pub subject: String,
    /// The operation's tag; `None` for schemas and types.
    pub tag: Option<String>,
    /// The Rust items touched, as paths from the crate root (`operations::GetCluster`,
    /// `models::ClusterDescription20240805::paused`).
    pub rust: Vec<String>,
    /// Whether code that compiles against the older crate can fail to compile against the
    /// newer one.
    pub breaking: bool,
    /// Why it breaks or does not: the rule of [`semver`] that decided.
    pub why: &'static str,
    /// Who broke it, for a breaking change ([`cause`]).
    pub cause: Option<Cause>,
}

/// What kind of change, with its own facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeKind {
    /// A tag's cargo feature and module under `operations`.
    FeatureAdded {
        feature: String,
    },
    FeatureRemoved {
        feature: String,
    },
    OperationAdded {
        operation_id: String,
    },
    OperationRemoved {
        operation_id: String,
    },
    /// Same method and path template, new `operationId`.
    OperationRenamed {
        from: String,
        to: String,
    },
    /// The operation's request types were renamed (its `x-xgen-operation-id-override`).
    RequestTypeRenamed {
        from: String,
        to: String,
        /// Whether every old name stays, as a `#[deprecated]` alias of the new one.
        aliased: bool,
    },
    VersionAdded {
        version: String,
    },
    VersionRemoved {
        version: String,
    },
    /// The version a caller gets when naming none, and so what the unversioned request type
    /// means.
    DefaultVersionChanged {
        from: String,
        to: String,
    },
    /// A version got a sunset date, or a new one.
    SunsetAnnounced {
        version: String,
        date: String,
    },
    OperationDeprecated,
    ParameterAdded {
        parameter: String,
        required: bool,
    },
    ParameterRemoved {
        parameter: String,
    },
    ParameterChanged {
        parameter: String,
        from: String,
        to: String,
    },
    SchemaAdded,
    SchemaRemoved,
    /// A type (a component schema's, or an inline one's) is gone and a new type has its
    /// content, as the surface prints it: the spec renamed it.
    TypeRenamed {
        from: String,
        to: String,
        /// Whether the old name stays, as a `#[deprecated]` alias of the new one.
        aliased: bool,
    },
    /// A Rust type no component schema is named for (an inline schema's) appeared.
    TypeAdded,
    TypeRemoved,
    /// A type became another kind of Rust item (a struct became an enum, …).
    KindChanged {
        from: String,
        to: String,
    },
    PropertyAdded {
        property: String,
        required: bool,
    },
    PropertyRemoved {
        property: String,
    },
    PropertyTypeChanged {
        property: String,
        from: String,
        to: String,
    },
    PropertyRequiredChanged {
        property: String,
        required: bool,
        from: String,
        to: String,
    },
    EnumValueAdded {
        value: String,
    },
    EnumValueRemoved {
        value: String,
    },
    DiscriminatorMappingAdded {
        value: String,
        schema: String,
    },
    DiscriminatorMappingRemoved {
        value: String,
        schema: String,
    },
    DiscriminatorMappingChanged {
        value: String,
        from: String,
        to: String,
    },
    /// Variants of a fieldless enum that moved: their `as` casts give other numbers.
    DiscriminantsShifted {
        variants: Vec<String>,
    },
    /// The request types of a version take another body (`None`: no body).
    RequestBodyChanged {
        version: String,
        from: Option<String>,
        to: Option<String>,
    },
    /// A request type's `decode_response` returns another type on success.
    ResponseChanged {
        request_type: String,
        from: String,
        to: String,
    },
    /// A union's variant holds other fields: boxed, or holding which of several tags.
    VariantChanged {
        variant: String,
        from: String,
        to: String,
    },
    /// A branch of an untagged union (`oneOf` without a discriminator).
    UnionBranchAdded {
        branch: String,
    },
    UnionBranchRemoved {
        branch: String,
    },
}

/// Compares the surface of the older spec with that of the newer one. `current` is the
/// version of `atlas-generated` generated from `old` (`0.1.0`), for the verdict.
pub fn diff(old: &Surface, new: &Surface, current: &str) -> Report {
    let followed = aliases_followed(old, new);
    let old = &followed;
    let mut changes = operations::feature_changes(old, new);
    changes.extend(operations::changes(old, new));
    changes.extend(types::changes(old, new));
    cause::assign(&mut changes, old, new);
    let verdict = Verdict::of(&changes, current);
    Report {
        from: old.spec.clone(),
        to: new.spec.clone(),
        verdict,
        changes,
    }
}

/// `old` with each type the newer surface keeps as an alias (a type the spec renamed)
/// written by its new name wherever `old` refers to it: through the alias, the two names
/// are one Rust type, so a field of that type has not changed.
fn aliases_followed(old: &Surface, new: &Surface) -> Surface {
    let renamed = types::aliased_since(old, new);
    if renamed.is_empty() {
        return old.clone();
    }
    let text = serde_json::to_string(old).expect("plain data serialises");
    serde_json::from_str(&cause::renamed(&text, &renamed)).expect("a surface reads back")
}

impl Report {
    /// How many changes break code, and how many do not.
    pub fn counts(&self) -> (usize, usize) {
        let breaking = self.changes.iter().filter(|c| c.breaking).count();
        (breaking, self.changes.len() - breaking)
    }

    /// The breaking changes the generator made: the spec still has what they touch.
    pub fn generator_breaks(&self) -> Vec<&Change> {
        let by_generator = |c: &&Change| c.cause == Some(Cause::Generator);
        self.changes.iter().filter(by_generator).collect()
    }
}

/// Two maps compared by key.
struct Sides<'a, K, V> {
    removed: Vec<(&'a K, &'a V)>,
    added: Vec<(&'a K, &'a V)>,
    /// In both: the key, the old value and the new one.
    common: Vec<(&'a K, &'a V, &'a V)>,
}

fn sides<'a, K: Ord, V>(before: &'a BTreeMap<K, V>, after: &'a BTreeMap<K, V>) -> Sides<'a, K, V> {
    let mut sides = Sides {
        removed: Vec::new(),
        added: Vec::new(),
        common: Vec::new(),
    };
    for (key, old) in before {
        match after.get(key) {
            Some(new) => sides.common.push((key, old, new)),
            None => sides.removed.push((key, old)),
        }
    }
    sides.added = after
        .iter()
        .filter(|(k, _)| !before.contains_key(*k))
        .collect();
    sides
}
