//! Schema access for the sampler and the validator: `$ref` resolution, and one flat view of
//! the constraints openapiv3 spreads over its several schema shapes.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::error::{pointer_token, CodegenError};

/// A schema as it appears in the spec: a `$ref` (to a component schema) or inline.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SchemaRef<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

/// `#/components/schemas/Name` (or a bare `Name`, as discriminator mappings may say) → `Name`.
pub(crate) fn component_name(reference: &str) -> Option<&str> {
    match reference.strip_prefix("#/components/schemas/") {
        Some(name) => Some(name),
        None if !reference.contains('/') && !reference.starts_with('#') => Some(reference),
        None => None,
    }
}

pub(crate) fn component_pointer(name: &str) -> String {
    format!("#/components/schemas/{}", pointer_token(name))
}

/// The component schema a `$ref` names, following component-to-component references; returns
/// the name of the last component and its schema. `at` is where the `$ref` is, for errors.
pub(crate) fn resolve<'a>(spec: &'a OpenAPI, reference: &'a str, at: &str) -> Result<(&'a str, &'a Schema), CodegenError> {
    let mut reference = reference;
    // A chain longer than the number of components is a loop.
    let limit = spec.components.as_ref().map_or(0, |c| c.schemas.len()) + 1;
    for _ in 0..limit {
        let name = component_name(reference)
            .ok_or_else(|| CodegenError::at(at, format!("`$ref: {reference}` does not point into #/components/schemas/")))?;
        let found = spec.components.as_ref().and_then(|c| c.schemas.get_key_value(name));
        match found {
            Some((name, ReferenceOr::Item(schema))) => return Ok((name, schema)),
            Some((_, ReferenceOr::Reference { reference: next })) => reference = next,
            None => return Err(CodegenError::at(at, format!("dangling `$ref: {reference}`: no such schema"))),
        }
    }
    Err(CodegenError::at(at, format!("`$ref: {reference}` refers to itself")))
}

/// Every constraint of one schema object, whatever openapiv3 variant holds it.
pub(crate) struct Facets<'a> {
    pub data: &'a SchemaData,
    pub ty: Option<&'a str>,
    pub format: Option<&'a str>,
    pub pattern: Option<&'a str>,
    /// Enum values as JSON (`null` included).
    pub enumeration: Vec<Value>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<f64>,
    pub properties: Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub required: &'a [String],
    pub additional: Option<&'a AdditionalProperties>,
    pub min_properties: Option<usize>,
    pub max_properties: Option<usize>,
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique_items: bool,
    pub one_of: &'a [ReferenceOr<Schema>],
    pub any_of: &'a [ReferenceOr<Schema>],
    pub all_of: &'a [ReferenceOr<Schema>],
    pub not: Option<&'a ReferenceOr<Schema>>,
}

fn format_name<T: Copy>(format: &'_ VariantOrUnknownOrEmpty<T>, name: impl Fn(T) -> &'static str) -> Option<&'_ str> {
    match format {
        VariantOrUnknownOrEmpty::Item(f) => Some(name(*f)),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn enum_values<T: Clone + Into<Value>>(values: &[Option<T>]) -> Vec<Value> {
    values.iter().map(|v| v.clone().map_or(Value::Null, Into::into)).collect()
}

impl<'a> Facets<'a> {
    pub fn of(schema: &'a Schema) -> Self {
        let mut f = Facets {
            data: &schema.schema_data,
            ty: None,
            format: None,
            pattern: None,
            enumeration: Vec::new(),
            min_length: None,
            max_length: None,
            minimum: None,
            maximum: None,
            exclusive_minimum: false,
            exclusive_maximum: false,
            multiple_of: None,
            properties: None,
            required: &[],
            additional: None,
            min_properties: None,
            max_properties: None,
            items: None,
            min_items: None,
            max_items: None,
            unique_items: false,
            one_of: &[],
            any_of: &[],
            all_of: &[],
            not: None,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                f.ty = Some("string");
                f.format = format_name(&s.format, |x| match x {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                });
                f.pattern = s.pattern.as_deref();
                f.enumeration = enum_values(&s.enumeration);
                f.min_length = s.min_length;
                f.max_length = s.max_length;
            }
            SchemaKind::Type(Type::Number(n)) => {
                f.ty = Some("number");
                f.format = format_name(&n.format, |x| match x {
                    NumberFormat::Float => "float",
                    NumberFormat::Double => "double",
                });
                f.enumeration = n.enumeration.iter().map(|x| x.and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)).collect();
                f.minimum = n.minimum;
                f.maximum = n.maximum;
                f.exclusive_minimum = n.exclusive_minimum;
                f.exclusive_maximum = n.exclusive_maximum;
                f.multiple_of = n.multiple_of;
            }
            SchemaKind::Type(Type::Integer(i)) => {
                f.ty = Some("integer");
                f.format = format_name(&i.format, |x| match x {
                    IntegerFormat::Int32 => "int32",
                    IntegerFormat::Int64 => "int64",
                });
                f.enumeration = enum_values(&i.enumeration);
                // Bounds only compare with sample-sized numbers: f64 is exact enough.
                f.minimum = i.minimum.map(|x| x as f64);
                f.maximum = i.maximum.map(|x| x as f64);
                f.exclusive_minimum = i.exclusive_minimum;
                f.exclusive_maximum = i.exclusive_maximum;
                f.multiple_of = i.multiple_of.map(|x| x as f64);
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                f.ty = Some("boolean");
                f.enumeration = enum_values(&b.enumeration);
            }
            SchemaKind::Type(Type::Object(o)) => {
                f.ty = Some("object");
                f.properties = Some(&o.properties);
                f.required = &o.required;
                f.additional = o.additional_properties.as_ref();
                f.min_properties = o.min_properties;
                f.max_properties = o.max_properties;
            }
            SchemaKind::Type(Type::Array(a)) => {
                f.ty = Some("array");
                f.items = a.items.as_ref();
                f.min_items = a.min_items;
                f.max_items = a.max_items;
                f.unique_items = a.unique_items;
            }
            SchemaKind::OneOf { one_of } => f.one_of = one_of,
            SchemaKind::AllOf { all_of } => f.all_of = all_of,
            SchemaKind::AnyOf { any_of } => f.any_of = any_of,
            SchemaKind::Not { not } => f.not = Some(not),
            SchemaKind::Any(a) => {
                f.ty = a.typ.as_deref();
                f.format = a.format.as_deref();
                f.pattern = a.pattern.as_deref();
                f.enumeration = a.enumeration.clone();
                f.min_length = a.min_length;
                f.max_length = a.max_length;
                f.minimum = a.minimum;
                f.maximum = a.maximum;
                f.exclusive_minimum = a.exclusive_minimum.unwrap_or(false);
                f.exclusive_maximum = a.exclusive_maximum.unwrap_or(false);
                f.multiple_of = a.multiple_of;
                f.properties = Some(&a.properties).filter(|p| !p.is_empty());
                f.required = &a.required;
                f.additional = a.additional_properties.as_ref();
                f.min_properties = a.min_properties;
                f.max_properties = a.max_properties;
                f.items = a.items.as_ref();
                f.min_items = a.min_items;
                f.max_items = a.max_items;
                f.unique_items = a.unique_items.unwrap_or(false);
                f.one_of = &a.one_of;
                f.any_of = &a.any_of;
                f.all_of = &a.all_of;
                f.not = a.not.as_deref();
            }
        }
        f
    }
}
