//! Which (operation, version) pairs are long-running, and how to wait for each: the
//! entries of `spec/waiters.yaml`, each checked against the spec and resolved into a
//! [`Waiter`] of every version of its operation.
//!
//! An entry holds when: its target is an operation of the spec, and no other entry's;
//! the poll is a GET of the same tag (the same family of the API, and the same cargo
//! feature) that has the entry's version; its parameters are exactly the GET's path
//! parameters, each a path parameter of the operation or a text field of every version's
//! answer; and what ends the wait is `404`, or a state at a JSON path of the GET's answer
//! whose string enum lists every target and failure value. The first fact that does not
//! hold is the error, at its place in the file.

use std::collections::HashMap;

use crate::error::CodegenError;
use crate::ir::{
    ArmText, BranchArm, FieldPath, FieldStep, Ir, Method, Operation, OperationVersion,
    ParamLocation, PassingState, TypeId, TypeKind, TypeRef, VariantTag, WaitArg, WaitExpect,
    WaitSource, Waiter,
};
use crate::waiters::{Entry, MatchText, Waiters};

pub fn attach_waiters(ir: &mut Ir, waiters: &Waiters) -> Result<(), CodegenError> {
    let mut claimed: HashMap<usize, &str> = HashMap::new();
    let mut planned = Vec::new();
    for entry in &waiters.entries {
        let op = find_target(ir, entry)?;
        if let Some(first) = claimed.insert(op, &entry.place) {
            return Err(CodegenError::at(
                format!("{}/target", entry.place),
                format!("`{first}` already has a waiter for this operation"),
            ));
        }
        let poll = find_poll(ir, entry, op)?;
        for (index, version) in ir.operations[op].versions.iter().enumerate() {
            let waiter = resolve(ir, entry, op, version, poll)?;
            planned.push((op, index, waiter));
        }
    }
    let passing: Vec<Option<PassingState>> = planned
        .iter()
        .map(|(op, _, waiter)| passing_state(ir.operations[*op].method, waiter, &planned))
        .collect();
    for ((op, version, mut waiter), passing) in planned.into_iter().zip(passing) {
        waiter.passing = passing;
        ir.operations[op].versions[version].waiter = Some(waiter);
    }
    Ok(())
}

/// Words of the states a resource passes through while each method's work runs, most
/// telling first: a create's `CREATING`, an update's `UPDATING`, a delete's `DELETING`.
const PASSING_WORDS: &[(Method, &[&str])] = &[
    (
        Method::Post,
        &[
            "CREATING",
            "INITIATING",
            "PENDING",
            "CREAT",
            "INITIAT",
            "PROVISION",
            "QUEUED",
            "STARTING",
            "PROGRESS",
            "RUNNING",
            "WORKING",
        ],
    ),
    (Method::Patch, UPDATE_WORDS),
    (Method::Put, UPDATE_WORDS),
    (
        Method::Delete,
        &["DELETING", "TERMINATING", "DELET", "TERMINAT"],
    ),
];

/// The words of an update's passing state; also those of an action (`POST`) that changes
/// an existing resource.
const UPDATE_WORDS: &[&str] = &[
    "UPDATING", "REPAIR", "UPDAT", "PENDING", "PROGRESS", "WORKING",
];

/// Words of a state that ends in failure, never one passed through.
const FAILURE_WORDS: &[&str] = &["FAIL", "ERROR", "REJECT", "CANCEL"];

/// The state a resource shows while `waiter`'s work runs: of its own state's values (for a
/// `404` wait, of another wait on the same GET), the first that is neither a target nor a
/// failure (nor named like one) and has the earliest of the method's [`PASSING_WORDS`]
/// ([`UPDATE_WORDS`] for a change of an existing resource).
fn passing_state(
    method: Method,
    waiter: &Waiter,
    planned: &[(usize, usize, Waiter)],
) -> Option<PassingState> {
    let words = match PASSING_WORDS.iter().find(|(m, _)| *m == method)?.1 {
        _ if waiter.after_change => UPDATE_WORDS,
        words => words,
    };
    let states =
        std::iter::once(waiter).chain(planned.iter().map(|(_, _, other)| other).filter(|other| {
            other.poll == waiter.poll && matches!(waiter.expect, WaitExpect::Gone)
        }));
    states
        .filter_map(|w| match &w.expect {
            WaitExpect::State {
                path,
                targets,
                failures,
                documented,
            } => {
                let value = words.iter().find_map(|word| {
                    documented
                        .iter()
                        .filter(|v| !targets.contains(v) && !failures.contains(v))
                        .map(|v| (v, v.to_ascii_uppercase()))
                        .filter(|(_, upper)| !FAILURE_WORDS.iter().any(|w| upper.contains(w)))
                        .find(|(_, upper)| upper.contains(word))
                        .map(|(v, _)| v)
                })?;
                Some(PassingState {
                    path: path.json.clone(),
                    value: value.clone(),
                })
            }
            WaitExpect::Gone => None,
        })
        .next()
}

fn find_target(ir: &Ir, entry: &Entry) -> Result<usize, CodegenError> {
    ir.operations
        .iter()
        .position(|o| o.path == entry.path && o.method.key() == entry.method)
        .ok_or_else(|| {
            CodegenError::at(
                format!("{}/target", entry.place),
                format!(
                    "the spec has no operation `{} {}`",
                    entry.method.to_uppercase(),
                    entry.path
                ),
            )
        })
}

/// The polling GET: a GET of the target's tag.
fn find_poll(ir: &Ir, entry: &Entry, op: usize) -> Result<usize, CodegenError> {
    let id = &entry.waiter.get.operation_id;
    let at = entry.at("get/operation-id");
    let poll = ir
        .operations
        .iter()
        .position(|o| &o.operation_id == id)
        .ok_or_else(|| CodegenError::at(&at, format!("the spec has no operation `{id}`")))?;
    let (target, polled) = (&ir.operations[op], &ir.operations[poll]);
    if polled.method != Method::Get {
        return Err(CodegenError::at(
            &at,
            format!("`{id}` is a {}, not a GET", polled.method.as_str()),
        ));
    }
    if polled.tag != target.tag {
        return Err(CodegenError::at(
            &at,
            format!(
                "`{id}` is in the tag `{}`, not `{}` as `{}` is: a waiter polls within the operation's family",
                ir.tags[polled.tag].name, ir.tags[target.tag].name, target.operation_id
            ),
        ));
    }
    Ok(poll)
}

fn resolve(
    ir: &Ir,
    entry: &Entry,
    op: usize,
    version: &OperationVersion,
    poll: usize,
) -> Result<Waiter, CodegenError> {
    let text = &entry.waiter;
    let polled = &ir.operations[poll];
    let poll_version = polled
        .versions
        .iter()
        .position(|v| v.version == version.version)
        .unwrap_or(file_version(ir, entry, poll)?);
    let args = arguments(ir, entry, &ir.operations[op], version, polled)?;
    let resource_type = polled.versions[poll_version].main_success_json();
    let expect = expectation(ir, entry, resource_type)?;
    let answer_state = match &expect {
        WaitExpect::State { path, .. } => version
            .main_success_json()
            .and_then(|ty| field_path(ir, ty, &path.json).ok())
            .map(|(path, _)| path),
        WaitExpect::Gone => None,
    };
    Ok(Waiter {
        place: entry.place.clone(),
        poll,
        poll_version,
        args,
        expect,
        after_change: text.after_change,
        answer_state,
        passing: None,
    })
}

/// The index of the file's `get.version` in the GET's versions: it must have it, as
/// the versions of the operation the GET has not are polled with it.
fn file_version(ir: &Ir, entry: &Entry, poll: usize) -> Result<usize, CodegenError> {
    let polled = &ir.operations[poll];
    let wanted = &entry.waiter.get.version;
    polled
        .versions
        .iter()
        .position(|v| v.version.as_str() == wanted)
        .ok_or_else(|| {
            let versions: Vec<&str> = polled.versions.iter().map(|v| v.version.as_str()).collect();
            CodegenError::at(
                entry.at("get/version"),
                format!(
                    "`{}` has no version `{wanted}`; it has {}",
                    polled.operation_id,
                    versions.join(", ")
                ),
            )
        })
}

/// The GET's `new` arguments: its required parameters, all in the path, each from the
/// entry's `params`, which names no other.
fn arguments(
    ir: &Ir,
    entry: &Entry,
    target: &Operation,
    version: &OperationVersion,
    polled: &Operation,
) -> Result<Vec<WaitArg>, CodegenError> {
    let params = &entry.waiter.get.params;
    for name in params.keys() {
        let known = polled
            .params
            .iter()
            .any(|p| p.location == ParamLocation::Path && &p.wire_name == name);
        if !known {
            return Err(CodegenError::at(
                entry.at(&format!("get/params/{name}")),
                format!("`{}` has no path parameter `{name}`", polled.operation_id),
            ));
        }
    }
    let mut args = Vec::new();
    for param in polled.params.iter().filter(|p| p.required) {
        let at = entry.at(&format!("get/params/{}", param.wire_name));
        let Some(source) = params.get(&param.wire_name) else {
            return Err(CodegenError::at(
                entry.at("get/params"),
                format!(
                    "`{}` needs its {} parameter `{}`, which `params` does not give",
                    polled.operation_id,
                    if param.location == ParamLocation::Path {
                        "path"
                    } else {
                        "required"
                    },
                    param.wire_name
                ),
            ));
        };
        let into_enum = match ir.unaliased(&param.ty) {
            TypeRef::String => None,
            TypeRef::Named(id) if matches!(ir.types[*id].kind, TypeKind::Enum(_)) => Some(*id),
            _ => {
                return Err(CodegenError::at(
                    &at,
                    "the parameter is neither a string nor a string enum",
                ));
            }
        };
        let source =
            wait_source(ir, target, version, source).map_err(|why| CodegenError::at(&at, why))?;
        args.push(WaitArg {
            wire_name: param.wire_name.clone(),
            source,
            into_enum,
        });
    }
    Ok(args)
}

/// `input:<name>` or `body:$.<path>`, resolved in `target`'s `version`.
fn wait_source(
    ir: &Ir,
    target: &Operation,
    version: &OperationVersion,
    source: &str,
) -> Result<WaitSource, String> {
    if let Some(name) = source.strip_prefix("input:") {
        let param = target
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == name)
            .ok_or_else(|| format!("`{}` has no path parameter `{name}`", target.operation_id))?;
        return Ok(WaitSource::Input {
            ident: param.ident.clone(),
        });
    }
    if let Some(path) = source.strip_prefix("body:") {
        let answer = version.main_success_json().ok_or_else(|| {
            format!(
                "`{}` {} answers with no JSON body to take `{path}` from",
                target.operation_id, version.version
            )
        })?;
        let (path, _) = field_path(ir, answer, path).map_err(|why| {
            format!(
                "the answer of `{}` {}: {why}",
                target.operation_id, version.version
            )
        })?;
        return Ok(WaitSource::Answer(path));
    }
    Err(format!(
        "`{source}` is neither `input:<path parameter>` nor `body:$.<field>`"
    ))
}

/// `http-code: 404`, or a state at a path of the polled answer whose enum lists every
/// value.
fn expectation(
    ir: &Ir,
    entry: &Entry,
    resource: Option<&TypeRef>,
) -> Result<WaitExpect, CodegenError> {
    let expect = &entry.waiter.expect;
    match (&expect.state, expect.http_code) {
        (None, Some(404)) if !expect.failure.is_empty() => Err(CodegenError::at(
            entry.at("expect/failure"),
            "a wait that ends on 404 has no failure states",
        )),
        (None, Some(404)) if expect.values_source.is_some() => Err(CodegenError::at(
            entry.at("expect/values-source"),
            "a wait that ends on 404 reads no state",
        )),
        (None, Some(404)) => Ok(WaitExpect::Gone),
        (Some(state), None) => {
            let resource = resource.ok_or_else(|| {
                CodegenError::at(entry.at("expect/match/path"), "the GET answers no JSON")
            })?;
            let (path, values) = field_path(ir, resource, &state.path)
                .map_err(|why| CodegenError::at(entry.at("expect/match/path"), why))?;
            let mut documented: Vec<String> = Vec::new();
            for value in values.iter().flatten().flatten() {
                if !documented.contains(value) {
                    documented.push(value.clone());
                }
            }
            check_values(entry, state, values)?;
            Ok(WaitExpect::State {
                path,
                targets: state.values.clone(),
                failures: expect.failure.clone(),
                documented,
            })
        }
        _ => Err(CodegenError::at(
            entry.at("expect"),
            "`expect` has either `match` or `http-code: 404`",
        )),
    }
}

/// Every target and failure value is one the state's enum lists (in some branch of a
/// union), and every branch lists a target; a state without an enum needs the file to
/// say where its values are documented (`values-source`), and one with an enum must not.
fn check_values(entry: &Entry, state: &MatchText, values: Values) -> Result<(), CodegenError> {
    let expect = &entry.waiter.expect;
    let json = &state.path;
    let at = |part: &str| entry.at(&format!("expect/{part}"));
    if state.values.is_empty() {
        return Err(CodegenError::at(at("match/values"), "no target state"));
    }
    let Some(branches) = values else {
        return match &expect.values_source {
            Some(_) => Ok(()),
            None => Err(CodegenError::at(
                at("match/path"),
                format!(
                    "`{json}` is a string without an enum: its states cannot be checked; \
                     give `values-source`, where they are documented"
                ),
            )),
        };
    };
    if expect.values_source.is_some() {
        return Err(CodegenError::at(
            at("values-source"),
            format!("`{json}` has an enum, which the values are checked against"),
        ));
    }
    let mut listed: Vec<&String> = branches.iter().flatten().collect();
    listed.sort();
    listed.dedup();
    let listed_text = listed
        .iter()
        .map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    for (key, values) in [
        ("match/values", &state.values),
        ("failure", &expect.failure),
    ] {
        if let Some(value) = values.iter().find(|v| !listed.contains(v)) {
            return Err(CodegenError::at(
                at(key),
                format!("`{value}` is not a value of `{json}`, which lists {listed_text}"),
            ));
        }
    }
    if let Some(branch) = branches
        .iter()
        .find(|b| !b.iter().any(|v| state.values.contains(v)))
    {
        return Err(CodegenError::at(
            at("match/values"),
            format!(
                "a branch of `{json}` lists none of the targets, so its wait could not end: it lists {}",
                branch.join(", ")
            ),
        ));
    }
    Ok(())
}

/// `$.a.b` through the struct fields from `ty` to a string or string enum, or several
/// such paths `$.a | $.b`, the first that is there (in each branch of a union: AWS
/// peerings say `statusName`, Azure and GCP ones `status`). A union on the way must have
/// the rest of a path in every branch. With the values each branch's enum lists (`None`:
/// a string without an enum in some branch).
fn field_path(ir: &Ir, ty: &TypeRef, json: &str) -> Result<(FieldPath, Values), String> {
    let alternatives = json
        .split('|')
        .map(|one| {
            let one = one.trim();
            one.strip_prefix("$.")
                .map(|rest| rest.split('.').collect::<Vec<&str>>())
                .ok_or_else(|| format!("`{one}` is not a JSON path `$.<field>…`"))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let (steps, values) = first_path(ir, ty, &alternatives, json)?;
    let path = FieldPath {
        json: json.to_owned(),
        steps,
    };
    Ok((path, values))
}

/// The enum values at the end of a path: a list for each union branch it goes through
/// (one for none); `None` when a branch ends at a string without an enum.
type Values = Option<Vec<Vec<String>>>;

type Resolved = (Vec<FieldStep>, Values);

/// The first of `alternatives` (each a path's field names) below `ty`; below a union,
/// the first in each branch.
fn first_path(
    ir: &Ir,
    ty: &TypeRef,
    alternatives: &[Vec<&str>],
    json: &str,
) -> Result<Resolved, String> {
    if let (TypeRef::Named(id), true) = (ir.unaliased(ty), alternatives.len() > 1)
        && matches!(
            ir.types[*id].kind,
            TypeKind::Tagged(_) | TypeKind::Untagged(_)
        )
    {
        return union_step(ir, *id, alternatives, json);
    }
    let mut first_error = None;
    for names in alternatives {
        match steps_to_text(ir, ty, names, json) {
            Ok(resolved) => return Ok(resolved),
            Err(why) => {
                first_error.get_or_insert(why);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| format!("`{json}` names no field")))
}

/// The steps of `names` below `ty`, and the values of the text they end at.
fn steps_to_text(ir: &Ir, ty: &TypeRef, names: &[&str], json: &str) -> Result<Resolved, String> {
    let Some((name, rest)) = names.split_first() else {
        return match ir.unaliased(ty) {
            TypeRef::String => Ok((Vec::new(), None)),
            TypeRef::Named(id) => enum_values(ir, *id)
                .map(|values| (Vec::new(), Some(vec![values])))
                .ok_or_else(|| format!("`{json}` is not a string")),
            _ => Err(format!("`{json}` is not a string")),
        };
    };
    let TypeRef::Named(id) = ir.unaliased(ty) else {
        return Err(format!("`{json}`: `{name}` is not below an object"));
    };
    match &ir.types[*id].kind {
        TypeKind::Struct(s) => {
            let field = s
                .fields
                .iter()
                .find(|f| f.wire_name == *name)
                .ok_or_else(|| {
                    format!("`{json}`: `{}` has no field `{name}`", ir.types[*id].name)
                })?;
            let (mut steps, values) = steps_to_text(ir, &field.ty, rest, json)?;
            steps.insert(
                0,
                FieldStep::Field {
                    ident: field.ident.clone(),
                    presence: field.presence,
                },
            );
            Ok((steps, values))
        }
        TypeKind::Tagged(_) | TypeKind::Untagged(_) => union_step(ir, *id, &[names.to_vec()], json),
        _ => Err(format!(
            "`{json}`: `{}` is not an object with fields",
            ir.types[*id].name
        )),
    }
}

/// The step into each branch of `union`, each taking the first of `alternatives` it has.
fn union_step(
    ir: &Ir,
    union: TypeId,
    alternatives: &[Vec<&str>],
    json: &str,
) -> Result<Resolved, String> {
    let (arms, values) = branch_arms(ir, union, alternatives, json)?;
    let step = FieldStep::Branches {
        union,
        arms,
        catch_all: matches!(ir.types[union].kind, TypeKind::Tagged(_)),
    };
    Ok((vec![step], values))
}

/// The rest of the path in each branch of `union`, and the values each lists. The tag
/// property of a tagged union is each variant's tag.
fn branch_arms(
    ir: &Ir,
    union: TypeId,
    alternatives: &[Vec<&str>],
    json: &str,
) -> Result<(Vec<BranchArm>, Values), String> {
    let branches: Vec<(String, Option<&VariantTag>, TypeRef)> = match &ir.types[union].kind {
        TypeKind::Tagged(t) if alternatives == [vec![t.property.as_str()]] => {
            let arms = t.variants.iter().map(|v| BranchArm {
                variant: v.ident.clone(),
                carries_tag: matches!(v.tag, VariantTag::Carried { .. }),
                text: match &v.tag {
                    VariantTag::One(tag) => ArmText::Tag(tag.clone()),
                    VariantTag::Carried { field, .. } => ArmText::CarriedTag(field.clone()),
                },
            });
            return Ok((arms.collect(), None));
        }
        TypeKind::Tagged(t) => t
            .variants
            .iter()
            .map(|v| (v.ident.clone(), Some(&v.tag), TypeRef::Named(v.ty)))
            .collect(),
        TypeKind::Untagged(variants) => variants
            .iter()
            .map(|v| (v.ident.clone(), None, v.ty.clone()))
            .collect(),
        _ => Vec::new(),
    };
    let mut arms = Vec::new();
    let mut values = Some(Vec::new());
    for (variant, tag, branch) in branches {
        let (steps, listed) = first_path(ir, &branch, alternatives, json).map_err(|why| {
            format!(
                "the branch `{variant}` of `{}`: {why}",
                ir.types[union].name
            )
        })?;
        values = values.zip(listed).map(|(mut all, listed)| {
            all.extend(listed);
            all
        });
        arms.push(BranchArm {
            variant,
            carries_tag: matches!(tag, Some(VariantTag::Carried { .. })),
            text: ArmText::Steps(steps),
        });
    }
    Ok((arms, values))
}

fn enum_values(ir: &Ir, id: TypeId) -> Option<Vec<String>> {
    match &ir.types[id].kind {
        TypeKind::Enum(e) => Some(e.values.iter().map(|v| v.wire.clone()).collect()),
        _ => None,
    }
}
