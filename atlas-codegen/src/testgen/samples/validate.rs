//! A JSON Schema validator for the subset of OpenAPI 3.0 schemas the spec uses, in request
//! context (a `readOnly` property must not be sent) or response context, and strict about losslessness: a value that
//! the typed models would re-encode differently (`1` for a `number`, `1.0` for an `integer`)
//! does not fit.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::OnceLock;

use openapiv3::{AdditionalProperties, Discriminator, OpenAPI, Schema};
use serde_json::{Number, Value};

use super::pattern::Pattern;
use super::schema::SchemaRef;
use crate::error::{CodegenError, pointer_token};
use crate::media;
use crate::refs::schema_pointer;
use crate::refs::{component_key, follow};
use crate::schema_view::View;

/// Why a value (or an attempt to build one) failed.
#[derive(Debug, Clone)]
pub(crate) enum Problem {
    /// The value does not fit the schema; another value or choice may.
    Unfit(String),
    /// The spec itself cannot be handled here (dangling `$ref`, unsupported pattern): stop.
    Spec(CodegenError),
}

impl From<CodegenError> for Problem {
    fn from(e: CodegenError) -> Self {
        Problem::Spec(e)
    }
}

fn unfit<T>(message: String) -> Result<T, Problem> {
    Err(Problem::Unfit(message))
}

/// `Ok(true)` for a fit, `Ok(false)` for a misfit, `Err` only for spec problems.
pub(crate) fn fits(result: Result<(), Problem>) -> Result<bool, Problem> {
    match result {
        Ok(()) => Ok(true),
        Err(Problem::Unfit(_)) => Ok(false),
        Err(spec) => Err(spec),
    }
}

/// Component schemas being checked against which values: a schema that (through `allOf` and a
/// discriminator) includes itself for the same value adds nothing, so the second visit passes.
type Stack<'a> = Vec<(&'a str, *const Value)>;

pub(crate) struct Validator<'a> {
    spec: &'a OpenAPI,
    /// Compiled `pattern`s by source text (lookups only, so no iteration order leaks).
    patterns: RefCell<BTreeMap<&'a str, Rc<Pattern>>>,
    /// See [`Validator::lenient`].
    lenient: bool,
    /// See [`Validator::for_responses`].
    responses: bool,
}

impl<'a> Validator<'a> {
    pub fn new(spec: &'a OpenAPI) -> Self {
        Validator {
            spec,
            patterns: RefCell::new(BTreeMap::new()),
            lenient: false,
            responses: false,
        }
    }

    /// This validator in response context, where `readOnly` means nothing: such a property
    /// may be present, and must be when it is required.
    pub fn for_responses(self) -> Self {
        Validator {
            responses: true,
            ..self
        }
    }

    /// A validator that also accepts what the generated types accept where the spec
    /// contradicts itself (a string for `type: object` over a `oneOf` of string enums).
    pub fn lenient(spec: &'a OpenAPI) -> Self {
        Validator {
            lenient: true,
            ..Validator::new(spec)
        }
    }

    /// Checks `value` against `schema`, found at the JSON pointer `at`.
    pub fn check(&self, schema: SchemaRef<'a>, at: &str, value: &Value) -> Result<(), Problem> {
        self.value(schema, at, value, "", &mut Vec::new())
    }

    /// The compiled pattern of the schema at `at`, or an error naming `{at}/pattern`.
    pub fn pattern(&self, source: &'a str, at: &str) -> Result<Rc<Pattern>, Problem> {
        if let Some(p) = self.patterns.borrow().get(source) {
            return Ok(p.clone());
        }
        let pattern = Pattern::parse(source).map_err(|why| {
            CodegenError::at(
                format!("{at}/pattern"),
                format!("unsupported pattern `{source}`: {why}"),
            )
        })?;
        let pattern = Rc::new(pattern);
        self.patterns.borrow_mut().insert(source, pattern.clone());
        Ok(pattern)
    }

    /// Whether the property schema is `readOnly` (on itself or on the schema it refers to),
    /// in request context; never in response context.
    pub fn read_only(&self, schema: SchemaRef<'a>, at: &str) -> Result<bool, Problem> {
        if self.responses {
            return Ok(false);
        }
        Ok(match schema {
            SchemaRef::Inline(s) => s.schema_data.read_only,
            SchemaRef::Ref(r) => follow::<Schema>(self.spec, r, at)?.1.schema_data.read_only,
        })
    }

    /// Whether a schema's discriminator picks its subtype: not when the tag property is
    /// `readOnly`, as a request cannot send it.
    pub fn dispatches(&self, f: &View<'a>, at: &str) -> Result<bool, Problem> {
        let Some(d) = &f.data.discriminator else {
            return Ok(false);
        };
        let tag = f.properties.and_then(|p| p.get(&d.property_name));
        Ok(match tag {
            Some(schema) => !self.read_only(
                schema.into(),
                &format!("{at}/properties/{}", pointer_token(&d.property_name)),
            )?,
            None => true,
        })
    }

    fn value(
        &self,
        schema: SchemaRef<'a>,
        at: &str,
        value: &Value,
        path: &str,
        stack: &mut Stack<'a>,
    ) -> Result<(), Problem> {
        match schema {
            SchemaRef::Inline(s) => self.schema(s, at, value, path, stack),
            SchemaRef::Ref(r) => {
                let (name, target) = follow::<Schema>(self.spec, r, at)?;
                let key = (name, value as *const Value);
                if stack.contains(&key) {
                    return Ok(());
                }
                stack.push(key);
                let result = self.schema(target, &schema_pointer(name), value, path, stack);
                stack.pop();
                result
            }
        }
    }

    fn schema(
        &self,
        schema: &'a Schema,
        at: &str,
        value: &Value,
        path: &str,
        stack: &mut Stack<'a>,
    ) -> Result<(), Problem> {
        let f = View::of(schema);
        let here = if path.is_empty() { "the value" } else { path };
        if value.is_null() && f.data.nullable {
            return Ok(());
        }
        // `type: object` over a `oneOf` of string enums (`regionName`): the server sends a
        // string and the generated type is a string enum, so the branches decide, not `type`.
        // Only when nothing strict fits: a strict validator rejects the string.
        let string_one_of =
            self.lenient && f.ty == Some("object") && !f.one_of.is_empty() && value.is_string();
        if let Some(ty) = f.ty.filter(|_| !string_one_of) {
            check_type(ty, f.format, value, here, at)?;
        }
        if !f.enumeration.is_empty() && !f.enumeration.iter().any(|e| same_json(e, value)) {
            return unfit(format!("{here} is not one of the `enum` values of {at}"));
        }
        match value {
            Value::String(s) => self.string(&f, at, s, here)?,
            Value::Number(n) => number(&f, at, n, here)?,
            Value::Array(items) => {
                if f.min_items.is_some_and(|m| items.len() < m)
                    || f.max_items.is_some_and(|m| items.len() > m)
                {
                    return unfit(format!(
                        "{here} has {} items, outside the bounds of {at}",
                        items.len()
                    ));
                }
                if f.unique_items
                    && items
                        .iter()
                        .enumerate()
                        .any(|(i, a)| items[..i].contains(a))
                {
                    return unfit(format!(
                        "{here} repeats an item, but {at} wants unique items"
                    ));
                }
                if let Some(item_schema) = f.items {
                    for (i, item) in items.iter().enumerate() {
                        self.value(
                            item_schema.into(),
                            &format!("{at}/items"),
                            item,
                            &format!("{path}/{i}"),
                            stack,
                        )?;
                    }
                }
            }
            Value::Object(map) => self.object(&f, at, map, path, stack)?,
            Value::Null | Value::Bool(_) => {}
        }
        for (i, member) in f.all_of.iter().enumerate() {
            self.value(
                member.into(),
                &format!("{at}/allOf/{i}"),
                value,
                path,
                stack,
            )?;
        }
        if !f.any_of.is_empty() {
            let mut any = false;
            for (i, branch) in f.any_of.iter().enumerate() {
                if fits(self.value(
                    branch.into(),
                    &format!("{at}/anyOf/{i}"),
                    value,
                    path,
                    stack,
                ))? {
                    any = true;
                    break;
                }
            }
            if !any {
                return unfit(format!("{here} fits no branch of the `anyOf` of {at}"));
            }
        }
        if let Some(d) = &f.data.discriminator
            && self.dispatches(&f, at)?
        {
            // The tag picks the schema; a `oneOf` beside it is the list of those schemas.
            self.discriminated(d, &f, at, value, path, stack)?;
        } else if !f.one_of.is_empty() {
            let mut matching = Vec::new();
            for (i, branch) in f.one_of.iter().enumerate() {
                if fits(self.value(
                    branch.into(),
                    &format!("{at}/oneOf/{i}"),
                    value,
                    path,
                    stack,
                ))? {
                    matching.push(i);
                }
            }
            // A `oneOf` with a discriminator whose tag is readOnly (so never sent) cannot be
            // told apart by a request when its branches only differ in readOnly properties:
            // any branch will do there.
            let tag_unsendable = f.data.discriminator.is_some();
            let fitting = if tag_unsendable {
                !matching.is_empty()
            } else {
                matching.len() == 1
            };
            if !fitting {
                return unfit(format!(
                    "{here} fits {} branches ({matching:?}) of the `oneOf` of {at}, not exactly one",
                    matching.len()
                ));
            }
        }
        if let Some(not) = f.not
            && fits(self.value(not.into(), &format!("{at}/not"), value, path, stack))?
        {
            return unfit(format!("{here} fits the `not` of {at}"));
        }
        Ok(())
    }

    fn string(&self, f: &View<'a>, at: &str, s: &str, here: &str) -> Result<(), Problem> {
        let length = s.chars().count();
        if f.min_length.is_some_and(|m| length < m) || f.max_length.is_some_and(|m| length > m) {
            return unfit(format!(
                "{here} has length {length}, outside the bounds of {at}"
            ));
        }
        if let Some(source) = f.pattern
            && !self.pattern(source, at)?.is_match(s)
        {
            return unfit(format!(
                "{here} ({s:?}) does not match the pattern `{source}` of {at}"
            ));
        }
        if let Some(format) = f.format
            && !string_format_ok(format, s)
        {
            return unfit(format!("{here} ({s:?}) is not a valid `{format}` ({at})"));
        }
        Ok(())
    }

    fn object(
        &self,
        f: &View<'a>,
        at: &str,
        map: &serde_json::Map<String, Value>,
        path: &str,
        stack: &mut Stack<'a>,
    ) -> Result<(), Problem> {
        let here = if path.is_empty() { "the value" } else { path };
        let declared = f.properties;
        if let Some(properties) = declared {
            for (name, schema) in properties {
                let Some(v) = map.get(name) else { continue };
                let at = format!("{at}/properties/{}", pointer_token(name));
                if self.read_only(schema.into(), &at)? {
                    return unfit(format!(
                        "{here} has the readOnly property `{name}` ({at}), which a request must not send"
                    ));
                }
                self.value(
                    schema.into(),
                    &at,
                    v,
                    &format!("{path}/{}", pointer_token(name)),
                    stack,
                )?;
            }
        }
        for name in f.required {
            if map.contains_key(name) {
                continue;
            }
            // A required readOnly property is required in responses only.
            let read_only = match declared.and_then(|p| p.get(name)) {
                Some(schema) => self.read_only(schema.into(), at)?,
                None => false,
            };
            if !read_only {
                return unfit(format!(
                    "{here} lacks the required property `{name}` of {at}"
                ));
            }
        }
        let mut undeclared = map
            .iter()
            .filter(|(k, _)| !declared.is_some_and(|p| p.contains_key(*k)));
        match f.additional {
            Some(AdditionalProperties::Any(false)) => {
                if let Some((k, _)) = undeclared.next() {
                    return unfit(format!(
                        "{here} has the undeclared property `{k}`, which {at} forbids"
                    ));
                }
            }
            Some(AdditionalProperties::Schema(schema)) => {
                for (k, v) in undeclared {
                    let at = format!("{at}/additionalProperties");
                    self.value(
                        SchemaRef::from(&**schema),
                        &at,
                        v,
                        &format!("{path}/{}", pointer_token(k)),
                        stack,
                    )?;
                }
            }
            Some(AdditionalProperties::Any(true)) | None => {}
        }
        if f.min_properties.is_some_and(|m| map.len() < m)
            || f.max_properties.is_some_and(|m| map.len() > m)
        {
            return unfit(format!(
                "{here} has {} properties, outside the bounds of {at}",
                map.len()
            ));
        }
        Ok(())
    }

    fn discriminated(
        &self,
        d: &'a Discriminator,
        f: &View<'a>,
        at: &str,
        value: &Value,
        path: &str,
        stack: &mut Stack<'a>,
    ) -> Result<(), Problem> {
        let here = if path.is_empty() { "the value" } else { path };
        let Value::Object(map) = value else {
            return unfit(format!(
                "{here} is not an object, but {at} has a discriminator"
            ));
        };
        let Some(tag) = map.get(&d.property_name).and_then(Value::as_str) else {
            return unfit(format!(
                "{here} lacks the string discriminator property `{}` of {at}",
                d.property_name
            ));
        };
        let target = d.mapping.get(tag).map(String::as_str).or_else(|| {
            f.one_of.iter().find_map(|branch| match branch {
                openapiv3::ReferenceOr::Reference { reference }
                    if component_key::<Schema>(self.spec, reference) == Some(tag) =>
                {
                    Some(reference.as_str())
                }
                _ => None,
            })
        });
        match target {
            Some(target) => self.value(
                SchemaRef::Ref(target),
                &format!("{at}/discriminator/mapping/{}", pointer_token(tag)),
                value,
                path,
                stack,
            ),
            // A base that neither maps nor lists its subtypes cannot dispatch.
            None if d.mapping.is_empty() && f.one_of.is_empty() => Ok(()),
            None => unfit(format!(
                "{here}: `{tag}` is not a value of the discriminator `{}` of {at}",
                d.property_name
            )),
        }
    }
}

fn check_type(
    ty: &str,
    format: Option<&str>,
    value: &Value,
    here: &str,
    at: &str,
) -> Result<(), Problem> {
    let ok = match (ty, value) {
        ("string", Value::String(_))
        | ("boolean", Value::Bool(_))
        | ("object", Value::Object(_))
        | ("array", Value::Array(_)) => true,
        // Typed models decode integers into i32/i64 and encode them without a fraction.
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
        // Typed models hold numbers as f64 (f32 for `float`) and encode them with a fraction.
        ("number", Value::Number(n)) => n.is_f64() && (format != Some("float") || survives_f32(n)),
        ("string" | "boolean" | "object" | "array" | "integer" | "number", _) => false,
        (other, _) => {
            return Err(CodegenError::at(at, format!("unknown schema type `{other}`")).into());
        }
    };
    if ok {
        Ok(())
    } else {
        unfit(format!(
            "{here} ({value}) is not a JSON {ty} as {at} wants (losslessly)"
        ))
    }
}

fn survives_f32(n: &Number) -> bool {
    let Some(wide) = n.as_f64() else { return false };
    #[allow(clippy::cast_possible_truncation)]
    let narrow = wide as f32;
    narrow.to_string().parse::<f64>().ok() == Some(wide)
}

fn number(f: &View<'_>, at: &str, n: &Number, here: &str) -> Result<(), Problem> {
    let Some(x) = n.as_f64() else { return Ok(()) };
    let above = match f.minimum {
        Some(m) if f.exclusive_minimum => x > m,
        Some(m) => x >= m,
        None => true,
    };
    let below = match f.maximum {
        Some(m) if f.exclusive_maximum => x < m,
        Some(m) => x <= m,
        None => true,
    };
    if !above || !below {
        return unfit(format!("{here} ({n}) is outside the bounds of {at}"));
    }
    if let Some(step) = f.multiple_of
        && step != 0.0
        && ((x / step) - (x / step).round()).abs() > 1e-9
    {
        return unfit(format!("{here} ({n}) is not a multiple of {step} ({at})"));
    }
    let in_range = match f.format {
        Some("int32") => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
        Some("int64") => n.is_i64(),
        _ => true,
    };
    if !in_range {
        return unfit(format!("{here} ({n}) does not fit the format of {at}"));
    }
    Ok(())
}

/// JSON equality where numbers compare by value (`enum: [1.5]` read as f64 matches `1.5`).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// The string formats a strict validator (ajv-formats, "full" mode) checks; others pass.
pub(crate) fn string_format_ok(format: &str, s: &str) -> bool {
    match format {
        "date-time" => is_date_time(s),
        "date" => media::full_date(s).is_some(),
        // ajv-formats' regular expressions, case-insensitive as there.
        "email" => matches(
            &EMAIL,
            r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
            s,
        ),
        "uri" => matches(&URI, r"^[a-z][a-z0-9+.-]*:[^\s]+$", s),
        "uuid" => matches(
            &UUID,
            r"^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$",
            s,
        ),
        _ => true,
    }
}

static EMAIL: OnceLock<Option<regress::Regex>> = OnceLock::new();
static URI: OnceLock<Option<regress::Regex>> = OnceLock::new();
static UUID: OnceLock<Option<regress::Regex>> = OnceLock::new();

fn matches(cell: &'static OnceLock<Option<regress::Regex>>, source: &str, s: &str) -> bool {
    // The sources are constants that compile (a unit test checks them).
    cell.get_or_init(|| regress::Regex::with_flags(source, "iu").ok())
        .as_ref()
        .is_some_and(|r| r.find(s).is_some())
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
fn is_date_time(s: &str) -> bool {
    if !s.is_ascii() {
        return false;
    }
    let Some((date, time)) = s.split_once('T') else {
        return false;
    };
    if media::full_date(date).is_none() || time.len() < 9 {
        return false;
    }
    let (clock, rest) = time.split_at(8);
    let c = clock.as_bytes();
    if c[2] != b':' || c[5] != b':' {
        return false;
    }
    let (Some(h), Some(m), Some(sec)) = (
        digits(&clock[0..2]),
        digits(&clock[3..5]),
        digits(&clock[6..8]),
    ) else {
        return false;
    };
    if h > 23 || m > 59 || sec > 60 {
        return false;
    }
    let zone = match rest.strip_prefix('.') {
        Some(fraction) => {
            let end = fraction
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(fraction.len());
            if end == 0 {
                return false;
            }
            &fraction[end..]
        }
        None => rest,
    };
    match zone.as_bytes() {
        [b'Z'] => true,
        [b'+' | b'-', _, _, b':', _, _] => {
            matches!((digits(&zone[1..3]), digits(&zone[4..6])), (Some(zh), Some(zm)) if zh <= 23 && zm <= 59)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::string_format_ok;

    #[test]
    fn string_formats_are_checked_as_ajv_formats_does() {
        for (format, good, bad) in [
            ("email", "Ops.Team+atlas@Example.com", "not-an-email"),
            ("uri", "https://cloud.mongodb.com/api", "no scheme"),
            (
                "uuid",
                "URN:UUID:32B6E34B-3D91-647A-BB20-E7B8AAAAAAAA",
                "32b6e34b",
            ),
            ("date", "2024-02-29", "2023-02-29"),
            (
                "date-time",
                "2024-02-29T23:59:60.5+01:00",
                "2024-02-29 23:59:60",
            ),
        ] {
            assert!(string_format_ok(format, good), "{format}: {good}");
            assert!(!string_format_ok(format, bad), "{format}: {bad}");
        }
        assert!(string_format_ok("password", "anything"));
    }
}
