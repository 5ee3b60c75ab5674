//! One flat view of openapiv3's several schema shapes, so the IR builder asks one question
//! ("what are the properties?") instead of matching six variants each time.

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaData, SchemaKind, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;

pub struct View<'a> {
    pub data: &'a SchemaData,
    pub ty: Option<&'a str>,
    pub format: Option<String>,
    pub properties: Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub required: &'a [String],
    pub additional: Option<&'a AdditionalProperties>,
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    /// Enum values as JSON (strings, numbers, `null`).
    pub enumeration: Vec<Value>,
    pub one_of: &'a [ReferenceOr<Schema>],
    pub any_of: &'a [ReferenceOr<Schema>],
    pub all_of: &'a [ReferenceOr<Schema>],
    pub not: bool,
}

fn format_of<T: serde::Serialize>(f: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(item) => serde_json::to_value(item).ok()?.as_str().map(str::to_owned),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn values<T: Into<Value> + Clone>(e: &[Option<T>]) -> Vec<Value> {
    e.iter().map(|v| v.clone().map_or(Value::Null, Into::into)).collect()
}

impl<'a> View<'a> {
    pub fn of(schema: &'a Schema) -> Self {
        let mut v = View {
            data: &schema.schema_data,
            ty: None,
            format: None,
            properties: None,
            required: &[],
            additional: None,
            items: None,
            enumeration: Vec::new(),
            one_of: &[],
            any_of: &[],
            all_of: &[],
            not: false,
        };
        match &schema.schema_kind {
            SchemaKind::Type(t) => match t {
                Type::String(s) => {
                    v.ty = Some("string");
                    v.format = format_of(&s.format);
                    v.enumeration = values(&s.enumeration);
                }
                Type::Number(n) => {
                    v.ty = Some("number");
                    v.format = format_of(&n.format);
                    v.enumeration = n
                        .enumeration
                        .iter()
                        .map(|x| x.and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number))
                        .collect();
                }
                Type::Integer(i) => {
                    v.ty = Some("integer");
                    v.format = format_of(&i.format);
                    v.enumeration = values(&i.enumeration);
                }
                Type::Boolean(b) => {
                    v.ty = Some("boolean");
                    v.enumeration = values(&b.enumeration);
                }
                Type::Object(o) => {
                    v.ty = Some("object");
                    v.properties = Some(&o.properties);
                    v.required = &o.required;
                    v.additional = o.additional_properties.as_ref();
                }
                Type::Array(a) => {
                    v.ty = Some("array");
                    v.items = a.items.as_ref();
                }
            },
            SchemaKind::OneOf { one_of } => v.one_of = one_of,
            SchemaKind::AllOf { all_of } => v.all_of = all_of,
            SchemaKind::AnyOf { any_of } => v.any_of = any_of,
            SchemaKind::Not { .. } => v.not = true,
            SchemaKind::Any(a) => {
                v.ty = a.typ.as_deref();
                v.format = a.format.clone();
                v.properties = Some(&a.properties).filter(|p| !p.is_empty());
                v.required = &a.required;
                v.additional = a.additional_properties.as_ref();
                v.items = a.items.as_ref();
                v.enumeration = a.enumeration.clone();
                v.one_of = &a.one_of;
                v.any_of = &a.any_of;
                v.all_of = &a.all_of;
                v.not = a.not.is_some();
            }
        }
        v
    }
}
