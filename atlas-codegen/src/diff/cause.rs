//! Who broke it: each breaking change is the spec's, which removed or changed what the
//! item stands for, or the generator's, whose item stands for something the spec still
//! has, under another name.
//!
//! The record's places ([`Surface::places`]) tell the two apart: a type that is gone while
//! a type of the newer surface stands for one of its places has moved, and a change whose
//! only difference is such a move (a field's type, a variant's payload, a request type that
//! lost its name with nothing else taking it) is the generator's. Every other breaking
//! change describes the spec itself: an operation, version, field, value or mapping it
//! removed, a type or required-ness it changed.

use std::collections::BTreeMap;

use serde::Serialize;

use super::surface::Surface;
use super::{Change, ChangeKind};

/// Who made a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The spec removed or changed what the item stands for.
    Spec,
    /// The spec still has it; the generator names or shapes it otherwise.
    Generator,
}

/// Sets the cause of every breaking change of `changes`, from `old` to `new`.
pub(super) fn assign(changes: &mut [Change], old: &Surface, new: &Surface) {
    let moved = moved_types(old, new);
    for change in changes.iter_mut().filter(|c| c.breaking) {
        change.cause = Some(cause(change, &moved, new));
    }
}

/// Old type name → the name of the newer type that stands for one of its places, for
/// every type the newer surface no longer has by that name.
fn moved_types(old: &Surface, new: &Surface) -> BTreeMap<String, String> {
    let owner: BTreeMap<&str, &str> = new
        .places
        .iter()
        .flat_map(|(name, places)| places.iter().map(move |p| (p.as_str(), name.as_str())))
        .collect();
    old.places
        .iter()
        .filter(|(name, _)| !new.types.contains_key(*name))
        .filter_map(|(name, places)| {
            let now = places.iter().find_map(|p| owner.get(p.as_str()))?;
            Some((name.clone(), (*now).to_owned()))
        })
        .collect()
}

fn cause(change: &Change, moved: &BTreeMap<String, String>, new: &Surface) -> Cause {
    use ChangeKind::*;
    let generator_if = |moved_only: bool| match moved_only {
        true => Cause::Generator,
        false => Cause::Spec,
    };
    let only_moved = |from: &str, to: &str| renamed(from, moved) == to;
    match &change.kind {
        TypeRemoved => generator_if(moved.contains_key(&change.subject)),
        // The spec still has the content under a new name: keeping the old one as an
        // alias was the generator's to do.
        TypeRenamed { aliased: false, .. } => Cause::Generator,
        PropertyTypeChanged { from, to, .. }
        | ParameterChanged { from, to, .. }
        | ResponseChanged { from, to, .. }
        | VariantChanged { from, to, .. } => generator_if(only_moved(from, to)),
        DiscriminatorMappingChanged { from, to, .. } => {
            generator_if(moved.get(from).is_some_and(|now| now == to))
        }
        RequestBodyChanged {
            from: Some(from),
            to: Some(to),
            ..
        } => generator_if(only_moved(from, to)),
        // The spec gave the name to another operation, or nothing did and it was dropped.
        RequestTypeRenamed {
            from,
            aliased: false,
            ..
        } => generator_if(
            !new.operations
                .values()
                .any(|op| op.item_names().contains(from) || op.aliases.contains_key(from)),
        ),
        _ => Cause::Spec,
    }
}

/// `text` (a Rust type as the surface writes it) with every `models::X` of a moved type
/// written with its newer name.
pub(crate) fn renamed(text: &str, moved: &BTreeMap<String, String>) -> String {
    const PREFIX: &str = "models::";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(PREFIX) {
        let (before, after) = rest.split_at(at + PREFIX.len());
        out.push_str(before);
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let (name, tail) = after.split_at(end);
        out.push_str(moved.get(name).map_or(name, String::as_str));
        rest = tail;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_moved_type_names_are_rewritten() {
        let moved = BTreeMap::from([(
            "CloudProvider".to_owned(),
            "StreamsCloudProvider".to_owned(),
        )]);
        assert_eq!(
            renamed("Option<Vec<models::CloudProvider>>", &moved),
            "Option<Vec<models::StreamsCloudProvider>>"
        );
        assert_eq!(
            renamed("Option<models::CloudProviderKind>", &moved),
            "Option<models::CloudProviderKind>"
        );
        assert_eq!(renamed("String", &moved), "String");
    }
}
