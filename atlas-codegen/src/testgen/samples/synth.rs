//! Builds, for a schema, a small value that the [`Validator`] accepts: the spec's own example
//! when it fits, otherwise one synthesized from the constraints.
//!
//! A value is built in two steps. [`Sampler::flatten`] gathers every schema that constrains
//! the value itself (the `$ref` chain, `allOf` members, the chosen `oneOf`/`anyOf` branch or
//! discriminator subtype); [`Sampler::build`] makes a value from them and keeps it only if it
//! fits the whole schema. Each `oneOf`/`anyOf`/discriminator met on the way is a choice point;
//! when a value does not fit, the next combination of choices is tried, depth first.

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, OpenAPI, Schema};
use serde_json::{Map, Number, Value};

use super::schema::SchemaRef;
use super::validate::{Problem, Validator, fits, string_format_ok};
use crate::error::{CodegenError, pointer_token};
use crate::refs::schema_pointer;
use crate::refs::{component_key, follow};
use crate::schema_view::View;

/// Combinations of choices tried for one value before giving up.
const MAX_ATTEMPTS: usize = 64;

/// A nested value gives up on a component schema that this many enclosing values already
/// use. One would stop every required cycle at once; two let a cycle through a choice end in
/// another branch (a square's required parent shape becomes a circle instead of failing).
const MAX_ENCLOSING: usize = 2;

/// A plain string, for string schemas that say nothing more.
const PLAIN_STRING: &str = "example";

pub(crate) struct Sampler<'a, 'v> {
    spec: &'a OpenAPI,
    validator: &'v Validator<'a>,
}

/// The schemas that constrain one value, and the choices made to gather them.
struct Flat<'a> {
    parts: Vec<(&'a Schema, String)>,
    /// Component schemas already merged into this value: reaching one again (a subtype's
    /// `allOf` naming its base, whose `oneOf` names the subtype) adds nothing.
    merged: Vec<&'a str>,
    /// Discriminator property → the mapping key of the subtype chosen.
    tags: Vec<(&'a str, &'a str)>,
    /// Branch to take at each choice point, in the order they are met (missing: the first).
    plan: Vec<usize>,
    /// (branch taken, branches available) at each choice point met.
    taken: Vec<(usize, usize)>,
}

impl<'a> Flat<'a> {
    fn new(plan: Vec<usize>) -> Self {
        Flat {
            parts: Vec::new(),
            merged: Vec::new(),
            tags: Vec::new(),
            plan,
            taken: Vec::new(),
        }
    }

    fn choose(&mut self, available: usize) -> usize {
        let branch = self
            .plan
            .get(self.taken.len())
            .copied()
            .unwrap_or(0)
            .min(available.saturating_sub(1));
        self.taken.push((branch, available));
        branch
    }

    /// The plan for the next combination of choices, depth first; `None` when all were tried.
    fn next_plan(&self) -> Option<Vec<usize>> {
        let mut taken = self.taken.clone();
        while let Some((branch, available)) = taken.pop() {
            if branch + 1 < available {
                let mut plan: Vec<usize> = taken.iter().map(|(b, _)| *b).collect();
                plan.push(branch + 1);
                return Some(plan);
            }
        }
        None
    }
}

impl<'a, 'v> Sampler<'a, 'v> {
    pub fn new(spec: &'a OpenAPI, validator: &'v Validator<'a>) -> Self {
        Sampler { spec, validator }
    }

    pub fn validator(&self) -> &'v Validator<'a> {
        self.validator
    }

    /// A value for `schema` (at the JSON pointer `at`). `outer` holds the component schemas of
    /// the enclosing values, to stop required cycles (see [`MAX_ENCLOSING`]).
    pub fn value(
        &self,
        schema: SchemaRef<'a>,
        at: &str,
        outer: &[&'a str],
    ) -> Result<Value, Problem> {
        for example in self.examples(schema, at, true)? {
            if fits(self.validator.check(schema, at, example))? {
                return Ok(example.clone());
            }
        }
        let mut why = format!("{at}: no value fits");
        // Setting a value apart from overlapping `oneOf` branches is the last resort, after
        // every combination of choices was tried without it.
        for set_apart in [false, true] {
            let mut plan = Vec::new();
            for _ in 0..MAX_ATTEMPTS {
                let mut flat = Flat::new(plan);
                let attempt = self
                    .flatten(schema, at, &mut flat, outer)
                    .and_then(|()| self.build(&flat, schema, at, outer, set_apart));
                match attempt {
                    Ok(v) => return Ok(v),
                    Err(Problem::Spec(e)) => return Err(Problem::Spec(e)),
                    Err(Problem::Unfit(w)) => why = w,
                }
                match flat.next_plan() {
                    Some(next) => plan = next,
                    None => break,
                }
            }
        }
        Err(Problem::Unfit(why))
    }

    /// The `example` (and, if `with_default`, the `default`) of the schema, or for a `$ref`,
    /// of the component schema it leads to.
    pub fn examples(
        &self,
        schema: SchemaRef<'a>,
        at: &str,
        with_default: bool,
    ) -> Result<Vec<&'a Value>, Problem> {
        let data = match schema {
            SchemaRef::Inline(s) => &s.schema_data,
            SchemaRef::Ref(r) => &follow::<Schema>(self.spec, r, at)?.1.schema_data,
        };
        let default = data.default.as_ref().filter(|_| with_default);
        Ok(data.example.iter().chain(default).collect())
    }

    /// The `items` of an array schema (through a `$ref`), if it has them.
    pub fn items_of(
        &self,
        schema: SchemaRef<'a>,
        at: &str,
    ) -> Result<Option<SchemaRef<'a>>, Problem> {
        let schema = match schema {
            SchemaRef::Inline(s) => s,
            SchemaRef::Ref(r) => follow::<Schema>(self.spec, r, at)?.1,
        };
        Ok(View::of(schema).items.map(Into::into))
    }

    fn flatten(
        &self,
        schema: SchemaRef<'a>,
        at: &str,
        flat: &mut Flat<'a>,
        outer: &[&'a str],
    ) -> Result<(), Problem> {
        let schema = match schema {
            SchemaRef::Inline(s) => s,
            SchemaRef::Ref(r) => {
                let (name, target) = follow::<Schema>(self.spec, r, at)?;
                if flat.merged.contains(&name) {
                    return Ok(());
                }
                if outer.iter().filter(|n| **n == name).count() >= MAX_ENCLOSING {
                    return Err(Problem::Unfit(format!(
                        "{at}: `{name}` would have to contain itself"
                    )));
                }
                flat.merged.push(name);
                return self.flatten(
                    SchemaRef::Inline(target),
                    &schema_pointer(name),
                    flat,
                    outer,
                );
            }
        };
        flat.parts.push((schema, at.to_owned()));
        let f = View::of(schema);
        for (i, member) in f.all_of.iter().enumerate() {
            self.flatten(member.into(), &format!("{at}/allOf/{i}"), flat, outer)?;
        }
        let dispatches = self.validator.dispatches(&f, at)?;
        if let Some(d) = schema
            .schema_data
            .discriminator
            .as_ref()
            .filter(|_| dispatches)
        {
            // Subtypes: the mapping, else the `oneOf` branches keyed by schema name.
            let subtypes: Vec<(&'a str, &'a str)> = if d.mapping.is_empty() {
                f.one_of
                    .iter()
                    .filter_map(|b| match b {
                        openapiv3::ReferenceOr::Reference { reference } => {
                            component_key::<Schema>(self.spec, reference)
                                .map(|n| (n, reference.as_str()))
                        }
                        openapiv3::ReferenceOr::Item(_) => None,
                    })
                    .collect()
            } else {
                d.mapping
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect()
            };
            // Reached from a subtype's `allOf`: that subtype is the choice already made.
            if let Some((key, _)) = subtypes.iter().find(|(_, r)| {
                component_key::<Schema>(self.spec, r).is_some_and(|n| flat.merged.contains(&n))
            }) {
                flat.tags.push((&d.property_name, key));
                return Ok(());
            }
            if subtypes.is_empty() {
                return Ok(());
            }
            let (key, target) = subtypes[flat.choose(subtypes.len())];
            flat.tags.push((&d.property_name, key));
            return self.flatten(
                SchemaRef::Ref(target),
                &format!("{at}/discriminator/mapping/{}", pointer_token(key)),
                flat,
                outer,
            );
        }
        for (keyword, branches) in [("oneOf", f.one_of), ("anyOf", f.any_of)] {
            if !branches.is_empty() {
                let i = flat.choose(branches.len());
                self.flatten(
                    (&branches[i]).into(),
                    &format!("{at}/{keyword}/{i}"),
                    flat,
                    outer,
                )?;
            }
        }
        Ok(())
    }

    /// A value from the gathered schemas that fits `root`, the value's whole schema.
    fn build(
        &self,
        flat: &Flat<'a>,
        root: SchemaRef<'a>,
        at: &str,
        outer: &[&'a str],
        set_apart: bool,
    ) -> Result<Value, Problem> {
        let parts: Vec<(View<'a>, &str)> = flat
            .parts
            .iter()
            .map(|(s, at)| (View::of(s), at.as_str()))
            .collect();
        let inner: Vec<&'a str> = outer.iter().chain(&flat.merged).copied().collect();
        let declared_type = parts.iter().find_map(|(f, _)| f.ty);
        let looks_like_object = parts.iter().any(|(f, _)| {
            f.properties.is_some() || f.additional.is_some() || !f.required.is_empty()
        });
        let ty = declared_type.or(if looks_like_object {
            Some("object")
        } else if parts.iter().any(|(f, _)| f.items.is_some()) {
            Some("array")
        } else {
            None
        });
        let enumeration = parts
            .iter()
            .find(|(f, _)| !f.enumeration.is_empty())
            .map(|(f, _)| &f.enumeration);
        let candidates: Vec<Value> = match (enumeration, ty) {
            (Some(values), _) => values.iter().filter(|v| !v.is_null()).cloned().collect(),
            (None, Some("object")) => vec![self.object(flat, &parts, &inner)?],
            (None, Some("array")) => vec![self.array(&parts, &inner)?],
            (None, Some("string")) => self.strings(&parts)?,
            (None, Some("integer")) => numbers(&parts, true),
            (None, Some("number")) => numbers(&parts, false),
            (None, Some("boolean")) => vec![Value::Bool(false), Value::Bool(true)],
            (None, Some(other)) => {
                return Err(CodegenError::at(at, format!("unknown schema type `{other}`")).into());
            }
            // Free-form: any JSON value fits; an empty object is the most neutral.
            (None, None) => vec![Value::Object(Map::new())],
        };
        let mut why = format!("{at}: no candidate value");
        for candidate in &candidates {
            match self.validator.check(root, at, candidate) {
                Ok(()) => return Ok(candidate.clone()),
                Err(Problem::Unfit(w)) => why = w,
                Err(spec) => return Err(spec),
            }
        }
        if let (true, Some(Value::Object(object)), Some("object")) =
            (set_apart, candidates.first(), ty)
            && let Some(set_apart) = self.set_apart(flat, &parts, object)?
            && fits(self.validator.check(root, at, &set_apart))?
        {
            return Ok(set_apart);
        }
        Err(Problem::Unfit(why))
    }

    /// Last resort for a `oneOf` whose branches overlap, so that every plain value fits
    /// several (a strict validator wants exactly one): for each branch not taken, add a
    /// property that branch declares and this value's schemas do not, with a value of the
    /// wrong type for it. The branch taken allows the undeclared property (and the typed
    /// models keep it among additional properties); the other branches refuse it.
    fn set_apart(
        &self,
        flat: &Flat<'a>,
        parts: &[(View<'a>, &str)],
        object: &Map<String, Value>,
    ) -> Result<Option<Value>, Problem> {
        let declared: Vec<&str> = parts
            .iter()
            .flat_map(|(f, _)| f.properties.into_iter().flatten().map(|(n, _)| n.as_str()))
            .collect();
        let mut object = object.clone();
        let mut changed = false;
        for (f, at) in parts {
            if f.one_of.is_empty() || self.validator.dispatches(f, at)? {
                continue;
            }
            for (i, branch) in f.one_of.iter().enumerate() {
                let branch_at = format!("{at}/oneOf/{i}");
                let taken = match SchemaRef::from(branch) {
                    SchemaRef::Ref(r) => component_key::<Schema>(self.spec, r)
                        .is_some_and(|n| flat.merged.contains(&n)),
                    SchemaRef::Inline(_) => parts.iter().any(|(_, p)| *p == branch_at),
                };
                if taken {
                    continue;
                }
                let mut other = Flat::new(Vec::new());
                if !fits(self.flatten(branch.into(), &branch_at, &mut other, &[]))? {
                    continue;
                }
                'properties: for (schema, at) in &other.parts {
                    let properties = View::of(schema).properties.into_iter().flatten();
                    for (name, property) in properties {
                        let at = format!("{at}/properties/{}", pointer_token(name));
                        if declared.contains(&name.as_str())
                            || object.contains_key(name)
                            || self.validator.read_only(property.into(), &at)?
                        {
                            continue;
                        }
                        let ty = match SchemaRef::from(property) {
                            SchemaRef::Inline(s) => View::of(s).ty,
                            SchemaRef::Ref(r) => {
                                View::of(follow::<Schema>(self.spec, r, &at)?.1).ty
                            }
                        };
                        let wrong = match ty {
                            Some("boolean") => Value::String(PLAIN_STRING.to_owned()),
                            Some(_) => Value::Bool(false),
                            None => continue,
                        };
                        object.insert(name.clone(), wrong);
                        changed = true;
                        break 'properties;
                    }
                }
            }
        }
        Ok(changed.then_some(Value::Object(object)))
    }

    /// Required properties (never `readOnly` ones), optional ones that have a fitting
    /// example, and the discriminator tags of the subtypes chosen.
    fn object(
        &self,
        flat: &Flat<'a>,
        parts: &[(View<'a>, &str)],
        inner: &[&'a str],
    ) -> Result<Value, Problem> {
        let mut properties: IndexMap<&'a str, Vec<(SchemaRef<'a>, String)>> = IndexMap::new();
        let mut required: Vec<&'a str> = Vec::new();
        let mut additional: Option<(&'a AdditionalProperties, String)> = None;
        let mut min_properties = 0;
        for (f, at) in parts {
            for (name, schema) in f.properties.into_iter().flatten() {
                let pointer = format!("{at}/properties/{}", pointer_token(name));
                properties
                    .entry(name.as_str())
                    .or_default()
                    .push((schema.into(), pointer));
            }
            required.extend(f.required.iter().map(String::as_str));
            if additional.is_none() {
                additional = f
                    .additional
                    .map(|a| (a, format!("{at}/additionalProperties")));
            }
            min_properties = min_properties.max(f.min_properties.unwrap_or(0));
        }
        let is_tag = |name: &str| flat.tags.iter().any(|(property, _)| *property == name);
        let mut object = Map::new();
        for (name, schemas) in &properties {
            if is_tag(name) {
                continue;
            }
            let mut read_only = false;
            for (schema, at) in schemas {
                read_only |= self.validator.read_only(*schema, at)?;
            }
            if read_only {
                continue;
            }
            // The last definition comes from the most derived schema.
            let Some((schema, at)) = schemas.last() else {
                continue;
            };
            if required.contains(name) {
                object.insert((*name).to_owned(), self.value(*schema, at, inner)?);
            } else if let Some(example) = self.property_example(schemas)? {
                object.insert((*name).to_owned(), example);
            }
        }
        let extra_value = |name: &str| -> Result<Value, Problem> {
            match &additional {
                Some((AdditionalProperties::Schema(schema), at)) => {
                    self.value(SchemaRef::from(&**schema), &format!("{at}/{name}"), inner)
                }
                _ => Ok(Value::String(PLAIN_STRING.to_owned())),
            }
        };
        // Required but not declared: whatever `additionalProperties` allows.
        for name in &required {
            if !properties.contains_key(name) && !is_tag(name) && !object.contains_key(*name) {
                object.insert((*name).to_owned(), extra_value(name)?);
            }
        }
        // A map that must not be empty gets one entry.
        if object.len() < min_properties && properties.is_empty() {
            object.insert("key".to_owned(), extra_value("key")?);
        }
        for (property, key) in &flat.tags {
            object.insert((*property).to_owned(), Value::String((*key).to_owned()));
        }
        Ok(Value::Object(object))
    }

    /// The example of an optional property, if it fits every definition of the property.
    fn property_example(
        &self,
        schemas: &[(SchemaRef<'a>, String)],
    ) -> Result<Option<Value>, Problem> {
        let Some((schema, at)) = schemas.last() else {
            return Ok(None);
        };
        'examples: for example in self.examples(*schema, at, false)? {
            for (schema, at) in schemas {
                if !fits(self.validator.check(*schema, at, example))? {
                    continue 'examples;
                }
            }
            return Ok(Some(example.clone()));
        }
        Ok(None)
    }

    /// `minItems` items (none when it is 0 or absent).
    fn array(&self, parts: &[(View<'a>, &str)], inner: &[&'a str]) -> Result<Value, Problem> {
        let count = parts
            .iter()
            .filter_map(|(f, _)| f.min_items)
            .max()
            .unwrap_or(0);
        if count == 0 {
            return Ok(Value::Array(Vec::new()));
        }
        let item = match parts
            .iter()
            .find_map(|(f, at)| f.items.map(|items| (items, format!("{at}/items"))))
        {
            Some((items, at)) => self.value(items.into(), &at, inner)?,
            None => Value::String(PLAIN_STRING.to_owned()),
        };
        Ok(Value::Array(vec![item; count]))
    }

    /// Candidate strings, best first: the format's canonical value, one generated from the
    /// pattern, and a plain string of a fitting length.
    fn strings(&self, parts: &[(View<'a>, &str)]) -> Result<Vec<Value>, Problem> {
        let format = parts.iter().find_map(|(f, _)| f.format);
        let min_length = parts
            .iter()
            .filter_map(|(f, _)| f.min_length)
            .max()
            .unwrap_or(0);
        let max_length = parts
            .iter()
            .filter_map(|(f, _)| f.max_length)
            .min()
            .unwrap_or(usize::MAX);
        let mut out = Vec::new();
        if let Some(sample) = format.and_then(format_sample) {
            out.push(sample.to_owned());
        }
        if let Some((source, at)) = parts.iter().find_map(|(f, at)| f.pattern.map(|p| (p, *at))) {
            let pattern = self.validator.pattern(source, at)?;
            let fitting = |s: &str| {
                let length = s.chars().count();
                length >= min_length
                    && length <= max_length
                    && format.is_none_or(|f| string_format_ok(f, s))
            };
            match pattern.generate(fitting) {
                Some(s) => out.push(s),
                None => {
                    return Err(Problem::Unfit(format!(
                        "{at}: no generated string matches the pattern `{source}` within the length bounds"
                    )));
                }
            }
        }
        let mut plain: String = PLAIN_STRING.chars().take(max_length).collect();
        while plain.chars().count() < min_length {
            plain.push('x');
        }
        out.push(plain);
        Ok(out.into_iter().map(Value::String).collect())
    }
}

/// The canonical value of a string format.
fn format_sample(format: &str) -> Option<&'static str> {
    Some(match format {
        "date-time" => "2024-01-01T00:00:00Z",
        "date" => "2024-01-01",
        "email" => "user@example.com",
        "uri" => "https://example.com",
        "uuid" => "123e4567-e89b-12d3-a456-426614174000",
        _ => return None,
    })
}

/// Candidate numbers, best first: 1, then the bounds (stepped inside when exclusive), their
/// midpoint, the `multipleOf` step, and 0. Integers are JSON integers, numbers JSON floats.
fn numbers(parts: &[(View<'_>, &str)], integer: bool) -> Vec<Value> {
    let step_in = if integer { 1.0 } else { 0.5 };
    let low = parts
        .iter()
        .filter_map(|(f, _)| {
            f.minimum
                .map(|m| if f.exclusive_minimum { m + step_in } else { m })
        })
        .reduce(f64::max);
    let high = parts
        .iter()
        .filter_map(|(f, _)| {
            f.maximum
                .map(|m| if f.exclusive_maximum { m - step_in } else { m })
        })
        .reduce(f64::min);
    let multiple = parts.iter().find_map(|(f, _)| f.multiple_of);
    // Integers round inwards; the filter below drops any fraction left.
    let up = |x: f64| if integer { x.ceil() } else { x };
    let down = |x: f64| if integer { x.floor() } else { x };
    let mut raw = vec![1.0];
    raw.extend(low.map(up));
    raw.extend(high.map(down));
    if let (Some(low), Some(high)) = (low, high) {
        raw.push(down((low + high) / 2.0));
    }
    if let Some(step) = multiple {
        raw.push(step);
        raw.extend(low.map(|l| (l / step).ceil() * step));
    }
    raw.push(0.0);
    raw.into_iter()
        .filter(|x| x.is_finite())
        .filter_map(|x| {
            if integer {
                // Bounds in this spec are far inside i64; the check keeps the cast exact.
                (x.fract() == 0.0 && x.abs() < 9.0e15).then(|| Value::from(x as i64))
            } else {
                Number::from_f64(x).map(Value::Number)
            }
        })
        .collect()
}
