//! Every type of the spec that can hold itself (`BillingInvoice.linkedInvoices`,
//! `Principal.onBehalfOf`), nested a million times, on a thread with a 2 MiB stack (a
//! tokio worker's): every decoder stops at the depth limit with an error naming the place,
//! and nesting up to the limit still decodes. Without the limit the reader recursed once
//! per level and the whole process aborted at about a thousand levels. The cases are
//! generated (`tests/generated/spec_recursion.rs`).

#[rustfmt::skip]
#[path = "generated/spec_recursion.rs"]
mod cases;

use atlas_generated::runtime::json::Path;
use atlas_generated::runtime::{DecodeError, Json, MAX_DEPTH, correction, from_slice, reader};

/// The nesting every case is decoded at: far past the limit.
const DEEP: usize = 1_000_000;

/// A tokio worker's stack.
const STACK: usize = 2 << 20;

/// Runs the generated cases, collecting failures.
pub struct Checker {
    checked: usize,
    failures: Vec<String>,
}

impl Checker {
    /// Checks the recursive type `T`, whose JSON `prefix` + value + `suffix` is a `T` again.
    pub fn recursive<T: Json + serde::de::DeserializeOwned + Send + 'static>(
        &mut self,
        name: &str,
        prefix: &'static str,
        suffix: &'static str,
    ) {
        self.checked += 1;
        let checked = std::thread::Builder::new()
            .name(name.to_owned())
            .stack_size(STACK)
            .spawn(move || check::<T>(prefix, suffix))
            .expect("a thread")
            .join();
        match checked {
            Ok(Ok(())) => {}
            Ok(Err(why)) => self.failures.push(format!("{name}: {why}")),
            Err(_) => self.failures.push(format!("{name}: the check panicked")),
        }
    }
}

/// `prefix` repeated `times`, `{}`, then `suffix` as often.
fn nested(prefix: &str, suffix: &str, times: usize) -> Vec<u8> {
    let mut text = Vec::with_capacity((prefix.len() + suffix.len()) * times + 2);
    for _ in 0..times {
        text.extend_from_slice(prefix.as_bytes());
    }
    text.extend_from_slice(b"{}");
    for _ in 0..times {
        text.extend_from_slice(suffix.as_bytes());
    }
    text
}

/// The path steps one turn of `prefix` takes: a member for each `"name":` followed by a
/// value that is not a string (a tag's value is one), an index 0 for each `[`.
fn steps_of(prefix: &str) -> Vec<Result<String, usize>> {
    let mut steps = Vec::new();
    let mut rest = prefix;
    while let Some(c) = rest.chars().next() {
        match c {
            '[' => {
                steps.push(Err(0));
                rest = &rest[1..];
            }
            '"' => {
                let end = rest[1..].find('"').expect("a closed string") + 1;
                let name = rest[1..end].to_owned();
                rest = &rest[end + 1..];
                match rest.strip_prefix(':') {
                    Some(after) if !after.starts_with('"') => {
                        steps.push(Ok(name));
                        rest = after;
                    }
                    Some(after) => rest = after,
                    None => {}
                }
            }
            _ => rest = &rest[c.len_utf8()..],
        }
    }
    steps
}

/// The path of the first value too deep in `prefix` repeated: its first `MAX_DEPTH` steps.
fn expected_path(prefix: &str) -> String {
    let turn = steps_of(prefix);
    let steps: Vec<_> = turn.iter().cycle().take(MAX_DEPTH).cloned().collect();
    render(&Path::Root, &steps)
}

fn render(path: &Path<'_>, steps: &[Result<String, usize>]) -> String {
    match steps.split_first() {
        None => path.to_string(),
        Some((Ok(key), rest)) => render(&path.key(key), rest),
        Some((Err(index), rest)) => render(&path.index(*index), rest),
    }
}

/// Whether `result` is the depth error at `path`.
fn is_too_deep<T>(result: Result<T, DecodeError>, path: &str) -> Result<(), String> {
    match result {
        Ok(_) => Err("decoded".to_owned()),
        Err(error) if error.path() == path && error.message().contains("nested deeper") => Ok(()),
        Err(error) => Err(format!("the wrong error: {error}")),
    }
}

fn check<T: Json + serde::de::DeserializeOwned>(prefix: &str, suffix: &str) -> Result<(), String> {
    let deep = nested(prefix, suffix, DEEP);
    let path = expected_path(prefix);
    is_too_deep(from_slice::<T>(&deep), &path).map_err(|e| format!("from_slice: {e}"))?;
    is_too_deep(reader::through_value(|| from_slice::<T>(&deep)), &path)
        .map_err(|e| format!("through Value: {e}"))?;
    is_too_deep(
        correction::correcting(200, || from_slice::<T>(&deep)),
        &path,
    )
    .map_err(|e| format!("a response: {e}"))?;
    if serde_json::from_slice::<T>(&deep).is_ok() {
        return Err("serde decoded it".to_owned());
    }
    // As deep as the limit allows: the inner `{}` is one level more.
    let per_turn = suffix.len();
    let turns = (MAX_DEPTH - 1) / per_turn;
    let within = nested(prefix, suffix, turns);
    correction::correcting(200, || from_slice::<T>(&within))
        .map_err(|e| format!("{} levels: {e}", turns * per_turn + 1))?;
    let over = nested(prefix, suffix, turns + 1);
    if turns * per_turn + per_turn + 1 > MAX_DEPTH && from_slice::<T>(&over).is_ok() {
        return Err("decoded past the limit".to_owned());
    }
    Ok(())
}

#[test]
fn every_recursive_type_stops_at_the_depth_limit() {
    let mut checker = Checker {
        checked: 0,
        failures: Vec::new(),
    };
    cases::all(&mut checker);
    assert_eq!(checker.checked, cases::COUNT);
    assert!(checker.checked > 0, "the spec has recursive types");
    assert!(
        checker.failures.is_empty(),
        "{} of {}:\n{}",
        checker.failures.len(),
        checker.checked,
        checker.failures.join("\n")
    );
}

#[test]
fn the_expected_path_follows_the_prefix() {
    assert_eq!(
        steps_of(r#"{"type":"GROUP","children":[{"k":"#),
        [Ok("children".to_owned()), Err(0), Ok("k".to_owned())]
    );
    assert!(expected_path(r#"{"a":"#).ends_with(".a.a"));
}
