//! One flat view of openapiv3's several schema shapes and every constraint they hold, so
//! that the IR builder and the request sampler ask one question ("what are the
//! properties?") instead of matching six variants each time.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaData, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

/// Every constraint of one schema object, whatever openapiv3 variant holds it.
pub struct View<'a> {
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

fn format_name<T: Copy>(
    format: &'_ VariantOrUnknownOrEmpty<T>,
    name: impl Fn(T) -> &'static str,
) -> Option<&'_ str> {
    match format {
        VariantOrUnknownOrEmpty::Item(f) => Some(name(*f)),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn enum_values<T: Clone + Into<Value>>(values: &[Option<T>]) -> Vec<Value> {
    values
        .iter()
        .map(|v| v.clone().map_or(Value::Null, Into::into))
        .collect()
}

impl<'a> View<'a> {
    pub fn of(schema: &'a Schema) -> Self {
        let mut f = View {
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
                f.enumeration = n
                    .enumeration
                    .iter()
                    .map(|x| {
                        x.and_then(serde_json::Number::from_f64)
                            .map_or(Value::Null, Value::Number)
                    })
                    .collect();
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
