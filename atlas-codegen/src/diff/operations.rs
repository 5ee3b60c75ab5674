//! Changes to operations: matched by method and path template (an operation whose
//! `operationId` changed is renamed, not removed and added), then compared version by
//! version and parameter by parameter.

use super::semver::change;
use super::surface::{Operation, Surface, Version, success_enum};
use super::{Change, ChangeKind, sides};

/// Every request type of `op`: the unversioned one, then each version's.
fn request_types(op: &Operation) -> Vec<String> {
    let versioned = op.versions.values().flat_map(|v| &v.request_types);
    std::iter::once(&op.type_name)
        .chain(versioned)
        .map(|t| format!("operations::{t}"))
        .collect()
}

/// Every item named after `op`'s request types ([`Operation::item_names`]), as paths.
fn operation_items(op: &Operation) -> Vec<String> {
    let names = op.item_names().into_iter();
    names.map(|name| format!("operations::{name}")).collect()
}

/// The request types of a version and the success enums they return.
fn version_items(v: &Version) -> Vec<String> {
    let types = v.request_types.iter().map(|t| format!("operations::{t}"));
    types.chain(success_enums(v)).collect()
}

/// The enums of several success statuses a version's request types return
/// (`operations::XSuccess`), which come and go with them.
fn success_enums(v: &Version) -> Vec<String> {
    v.success.values().filter_map(|s| success_enum(s)).collect()
}

/// Tags' features (and modules) that came or went.
pub(super) fn feature_changes(old: &Surface, new: &Surface) -> Vec<Change> {
    let both = sides(&old.features, &new.features);
    let module = |feature: &str| vec![format!("operations::{feature}")];
    let removed = both.removed.into_iter().map(|(feature, tag)| {
        let kind = ChangeKind::FeatureRemoved {
            feature: feature.clone(),
        };
        change(kind, tag, Some(tag), module(feature))
    });
    let added = both.added.into_iter().map(|(feature, tag)| {
        let kind = ChangeKind::FeatureAdded {
            feature: feature.clone(),
        };
        change(kind, tag, Some(tag), module(feature))
    });
    removed.chain(added).collect()
}

pub(super) fn changes(old: &Surface, new: &Surface) -> Vec<Change> {
    let both = sides(&old.operations, &new.operations);
    let mut out = Vec::new();
    for (route, op) in both.removed {
        let kind = ChangeKind::OperationRemoved {
            operation_id: op.operation_id.clone(),
        };
        out.push(change(kind, route, Some(&op.tag), operation_items(op)));
    }
    for (route, op) in both.added {
        let kind = ChangeKind::OperationAdded {
            operation_id: op.operation_id.clone(),
        };
        out.push(change(kind, route, Some(&op.tag), operation_items(op)));
    }
    for (route, before, after) in both.common {
        let found = compare(before, after).into_iter();
        out.extend(found.map(|(kind, rust)| change(kind, route, Some(&after.tag), rust)));
    }
    out
}

/// The changes to an operation both specs have, each with the Rust items it touches.
fn compare(old: &Operation, new: &Operation) -> Vec<(ChangeKind, Vec<String>)> {
    let mut out = Vec::new();
    if old.operation_id != new.operation_id {
        let kind = ChangeKind::OperationRenamed {
            from: old.operation_id.clone(),
            to: new.operation_id.clone(),
        };
        out.push((kind, vec![]));
    }
    if old.type_name != new.type_name {
        let current = new.item_names();
        let aliased = old
            .item_names()
            .iter()
            .all(|name| new.aliases.contains_key(name) || current.contains(name));
        let kind = ChangeKind::RequestTypeRenamed {
            from: old.type_name.clone(),
            to: new.type_name.clone(),
            aliased,
        };
        out.push((kind, operation_items(old)));
    }
    if new.deprecated && !old.deprecated {
        out.push((ChangeKind::OperationDeprecated, request_types(new)));
    }
    let unversioned = || vec![format!("operations::{}", new.type_name)];
    let versions = sides(&old.versions, &new.versions);
    for (version, v) in versions.removed {
        let kind = ChangeKind::VersionRemoved {
            version: version.clone(),
        };
        out.push((kind, version_items(v)));
    }
    for (version, v) in versions.added {
        let kind = ChangeKind::VersionAdded {
            version: version.clone(),
        };
        out.push((kind, version_items(v)));
    }
    for (version, before, after) in versions.common {
        if let Some(date) = &after.sunset
            && before.sunset != after.sunset
        {
            let kind = ChangeKind::SunsetAnnounced {
                version: version.clone(),
                date: date.clone(),
            };
            out.push((kind, version_items(after)));
        }
        out.extend(version_changes(version, before, after));
    }
    if let (Some(from), Some(to)) = (&old.default_version, &new.default_version)
        && from != to
    {
        let kind = ChangeKind::DefaultVersionChanged {
            from: from.clone(),
            to: to.clone(),
        };
        out.push((kind, unversioned()));
    }
    let fields = |ident: &str| -> Vec<String> {
        request_types(new)
            .into_iter()
            .map(|t| format!("{t}::{ident}"))
            .collect()
    };
    let params = sides(&old.params, &new.params);
    for (_, p) in params.removed {
        let kind = ChangeKind::ParameterRemoved {
            parameter: p.wire.clone(),
        };
        out.push((kind, fields(&p.ident)));
    }
    for (_, p) in params.added {
        let kind = ChangeKind::ParameterAdded {
            parameter: p.wire.clone(),
            required: p.required,
        };
        out.push((kind, fields(&p.ident)));
    }
    for (_, before, after) in params.common {
        if before.rust != after.rust {
            let kind = ChangeKind::ParameterChanged {
                parameter: after.wire.clone(),
                from: before.rust.clone(),
                to: after.rust.clone(),
            };
            out.push((kind, fields(&after.ident)));
        }
    }
    out
}

/// What changed in the types of a version both specs have: its request body, and what
/// each of its request types returns.
fn version_changes(version: &str, old: &Version, new: &Version) -> Vec<(ChangeKind, Vec<String>)> {
    let mut out = Vec::new();
    if old.body != new.body {
        let kind = ChangeKind::RequestBodyChanged {
            version: version.to_owned(),
            from: old.body.clone(),
            to: new.body.clone(),
        };
        let fields = new.request_types.iter();
        out.push((
            kind,
            fields.map(|t| format!("operations::{t}::body")).collect(),
        ));
    }
    let success = sides(&old.success, &new.success);
    for (request_type, from, to) in success.common.into_iter().filter(|(_, a, b)| a != b) {
        let kind = ChangeKind::ResponseChanged {
            request_type: request_type.clone(),
            from: from.clone(),
            to: to.clone(),
        };
        let enums = [from, to].into_iter().filter_map(|s| success_enum(s));
        let rust = std::iter::once(format!("operations::{request_type}")).chain(enums);
        out.push((kind, rust.collect()));
    }
    out
}
