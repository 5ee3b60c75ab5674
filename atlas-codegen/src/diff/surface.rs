//! The public API a spec becomes, as plain data: every operation with its versions,
//! parameters and request types, every type with its fields, values, mappings or
//! branches, each Rust type written out as the emitter prints it. Two surfaces compare
//! without their specs, so the crate can keep its own (`reports/api-surface.json`) and a
//! regeneration can tell what changed when the previous document is gone.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use crate::emit::models::field_type;
use crate::emit::operations::body_tokens;
use crate::emit::tokens::{tokens_text, type_text};
use crate::ir::{
    EnumValue, Ir, Operation as IrOperation, Presence, ResponseBody, Success, TaggedVariant,
    TypeKind, TypeRef, VariantTag,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Surface {
    /// The document it comes from.
    pub spec: Side,
    /// Cargo feature (also the tag's module under `operations`) → the tag's name.
    pub features: BTreeMap<String, String>,
    /// By route: `GET /api/atlas/v2/groups/{groupId}`.
    pub operations: BTreeMap<String, Operation>,
    /// Component schema name → the Rust type it became.
    pub schemas: BTreeMap<String, String>,
    /// Rust type name → what it is.
    pub types: BTreeMap<String, Type>,
    /// Rust name of each type no component schema is named for → the places of the spec it
    /// stands for (JSON pointers, [`crate::ir::TypeDef::places`]): how the next generation
    /// finds the type again to keep its name.
    pub places: BTreeMap<String, Vec<String>>,
    /// A name published before for a type the spec renamed (same content) → the type's
    /// name now, of which it is a `#[deprecated]` alias.
    #[serde(default)]
    pub type_aliases: BTreeMap<String, String>,
}

/// Which document a surface comes from: its `info.title`, `info.version` and
/// `info.x-xgen-sha`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    pub title: String,
    pub version: String,
    pub sha: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    pub operation_id: String,
    pub tag: String,
    /// The unversioned request type.
    pub type_name: String,
    pub deprecated: bool,
    /// API version → its sunset date and request types.
    pub versions: BTreeMap<String, Version>,
    pub default_version: Option<String>,
    /// `Query pageNum` → the parameter.
    pub params: BTreeMap<String, Param>,
    /// A name published before for one of its request types or success enums → the one it
    /// has now, of which it is a `#[deprecated]` alias.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aliases: BTreeMap<String, String>,
}

impl Operation {
    /// The names of the items named after the operation: its request types (the
    /// unversioned one, then each version's) and the success enums they return
    /// (`XSuccess`), which come, go and are renamed with them. Not its aliases.
    pub fn item_names(&self) -> Vec<String> {
        let versioned = self.versions.values().flat_map(|v| {
            let success = v.success.values().filter_map(|s| {
                let name = success_enum(s)?;
                Some(name.trim_start_matches("operations::").to_owned())
            });
            v.request_types.iter().cloned().chain(success)
        });
        std::iter::once(self.type_name.clone())
            .chain(versioned)
            .collect()
    }
}

/// The enum of several success statuses a success type names
/// (`operations::XSuccess { Ok(…), … }` → `operations::XSuccess`).
pub(crate) fn success_enum(success: &str) -> Option<String> {
    let (name, _) = success.split_once(" { ")?;
    Some(name.to_owned())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub sunset: Option<String>,
    pub request_types: Vec<String>,
    /// The request types' `body` field: `Option<models::Cluster>`; `None` without one.
    pub body: Option<String>,
    /// Request type → what `decode_response` returns on success: `models::Cluster`,
    /// `runtime::NoContent`, or `operations::XSuccess { Ok(models::A), Accepted(…) }` for
    /// the enum of several success statuses.
    pub success: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    pub wire: String,
    pub ident: String,
    pub required: bool,
    /// The request types' field type: `Option<i32>`.
    pub rust: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Type {
    /// Wire name → field.
    Struct {
        fields: BTreeMap<String, Field>,
    },
    /// Wire value → variant.
    Enum {
        values: BTreeMap<String, String>,
    },
    /// Wire value → variant, and the variants in declaration order: the enum has no
    /// fields, so `as` casts read each variant's place.
    TagValues {
        values: BTreeMap<String, String>,
        order: Vec<String>,
    },
    /// Tag value → (payload type, variant); variant → its fields as Rust writes them:
    /// `(models::AwsSettings)`, or `{ status: models::Status, value: models::Pending }`
    /// when several tags select it.
    Tagged {
        mappings: BTreeMap<String, (String, String)>,
        variants: BTreeMap<String, String>,
    },
    /// Branch type → variant.
    Untagged {
        branches: BTreeMap<String, String>,
    },
    Alias {
        target: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub ident: String,
    pub required: bool,
    /// The field's full type: `Option<Vec<models::Link>>`.
    pub rust: String,
}

impl Type {
    /// What kind of Rust item it is, in words.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Type::Struct { .. } => "struct",
            Type::Enum { .. } => "open enum",
            Type::TagValues { .. } => "enum of tag values",
            Type::Tagged { .. } => "discriminated union",
            Type::Untagged { .. } => "untagged union",
            Type::Alias { .. } => "type alias",
        }
    }
}

impl Surface {
    pub fn of(ir: &Ir) -> Surface {
        Surface {
            spec: Side {
                title: ir.spec_title.clone(),
                version: ir.spec_version.clone(),
                sha: ir.spec_sha.clone(),
            },
            features: ir
                .tags
                .iter()
                .map(|tag| (tag.module.clone(), tag.name.clone()))
                .collect(),
            operations: ir
                .operations
                .iter()
                .map(|op| (route(op), operation(ir, op)))
                .collect(),
            schemas: ir
                .components
                .iter()
                .map(|(name, &id)| (name.clone(), ir.types[id].name.clone()))
                .collect(),
            types: ir
                .types
                .iter()
                .map(|t| (t.name.clone(), ty(ir, &t.kind)))
                .collect(),
            places: inline_places(ir),
            type_aliases: ir
                .types
                .iter()
                .flat_map(|t| t.aliases.iter().map(|a| (a.clone(), t.name.clone())))
                .collect(),
        }
    }
}

fn inline_places(ir: &Ir) -> BTreeMap<String, Vec<String>> {
    let components: std::collections::BTreeSet<usize> = ir.components.values().copied().collect();
    ir.types
        .iter()
        .enumerate()
        .filter(|(id, _)| !components.contains(id))
        .map(|(_, t)| (t.name.clone(), t.places.clone()))
        .collect()
}

/// Where the generated crate keeps its surface, relative to its root.
pub const RECORD_PATH: &str = "reports/api-surface.json";

/// The shape of the record: raise it whenever [`Surface`] changes shape, so that a record
/// an older generator wrote is recognised as such rather than misread. (Format 1 had no
/// `format` line and no `features`; format 2 no `places`.)
pub const RECORD_FORMAT: u32 = 3;

/// Why a record cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordError {
    /// Another generator wrote it; `spec` is the document it names, when it can be read.
    OtherFormat { found: u32, spec: Option<Side> },
    /// Not a record.
    Invalid(String),
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::OtherFormat { found, .. } => write!(
                f,
                "the record is in format {found}; this generator reads format {RECORD_FORMAT}"
            ),
            RecordError::Invalid(message) => {
                write!(f, "not a record of the API surface: {message}")
            }
        }
    }
}

/// What every format of the record begins with.
#[derive(Deserialize)]
struct RecordHeader {
    #[serde(default = "first_format")]
    format: u32,
    spec: Option<Side>,
}

fn first_format() -> u32 {
    1
}

impl Surface {
    /// As JSON with one line per operation, schema and type, so that the record's git
    /// diffs read like the changes they are.
    pub fn record(&self) -> String {
        let mut out = String::from("{\n");
        let _ = writeln!(out, "\"format\": {RECORD_FORMAT},");
        let _ = writeln!(out, "\"spec\": {},", json(&self.spec));
        entries(&mut out, "features", &self.features, ",");
        entries(&mut out, "operations", &self.operations, ",");
        entries(&mut out, "schemas", &self.schemas, ",");
        entries(&mut out, "types", &self.types, ",");
        entries(&mut out, "places", &self.places, ",");
        entries(&mut out, "type_aliases", &self.type_aliases, "");
        out.push_str("}\n");
        out
    }

    /// Reads what [`Surface::record`] wrote; a record of another format is an error that
    /// still names its document.
    pub fn from_record(text: &str) -> Result<Surface, RecordError> {
        let invalid = |e: serde_json::Error| RecordError::Invalid(e.to_string());
        let header: RecordHeader = serde_json::from_str(text).map_err(invalid)?;
        if header.format != RECORD_FORMAT {
            return Err(RecordError::OtherFormat {
                found: header.format,
                spec: header.spec,
            });
        }
        serde_json::from_str(text).map_err(invalid)
    }
}

fn entries<V: Serialize>(out: &mut String, name: &str, map: &BTreeMap<String, V>, end: &str) {
    let lines: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("  {}: {}", json(k), json(v)))
        .collect();
    let _ = writeln!(out, "\"{name}\": {{\n{}\n}}{end}", lines.join(",\n"));
}

/// One value of the record as JSON. Cannot fail: strings, booleans, string-keyed maps.
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

/// A request type's `Endpoint::Success`, as the emitter writes it (an enum of several
/// statuses with its variants).
fn success_text(ir: &Ir, success: &Success) -> String {
    let body = |body: &ResponseBody| tokens_text(&body_tokens(ir, body));
    match success {
        Success::Undeclared => body(&ResponseBody::None),
        Success::One(case) => body(&case.body),
        Success::Many { name, cases } => {
            let variants: Vec<String> = cases
                .iter()
                .map(|c| format!("{}({})", c.variant, body(&c.body)))
                .collect();
            format!("operations::{name} {{ {} }}", variants.join(", "))
        }
    }
}

/// A tagged variant's fields, as the emitter writes them.
fn variant_shape(ir: &Ir, v: &TaggedVariant) -> String {
    let payload = type_text(ir, &TypeRef::Named(v.ty));
    let payload = if v.boxed {
        format!("Box<{payload}>")
    } else {
        payload
    };
    match &v.tag {
        VariantTag::One(_) => format!("({payload})"),
        VariantTag::Carried { field, ty } => {
            let tag = type_text(ir, &TypeRef::Named(*ty));
            format!("{{ {field}: {tag}, value: {payload} }}")
        }
    }
}

/// `GET /api/atlas/v2/groups/{groupId}`: what identifies an operation across specs.
pub fn route(op: &IrOperation) -> String {
    format!("{} {}", op.method.as_str(), op.path)
}

fn operation(ir: &Ir, op: &IrOperation) -> Operation {
    Operation {
        operation_id: op.operation_id.clone(),
        tag: ir.tags[op.tag].name.clone(),
        type_name: op.type_name.clone(),
        deprecated: op.deprecated,
        versions: op
            .versions
            .iter()
            .map(|v| {
                let body = v.request.as_ref().map(|b| {
                    let ty = type_text(ir, &b.ty);
                    match op.body_required {
                        true => ty,
                        false => format!("Option<{ty}>"),
                    }
                });
                let version = Version {
                    sunset: v.sunset.clone(),
                    request_types: v.endpoints.iter().map(|e| e.type_name.clone()).collect(),
                    body,
                    success: v
                        .endpoints
                        .iter()
                        .map(|e| (e.type_name.clone(), success_text(ir, &e.success)))
                        .collect(),
                };
                (v.version.as_str().to_owned(), version)
            })
            .collect(),
        default_version: op
            .default_version
            .map(|i| op.versions[i].version.as_str().to_owned()),
        params: op
            .params
            .iter()
            .map(|p| {
                let ty = type_text(ir, &p.ty);
                let rust = if p.required {
                    ty
                } else {
                    format!("Option<{ty}>")
                };
                let param = Param {
                    wire: p.wire_name.clone(),
                    ident: p.ident.clone(),
                    required: p.required,
                    rust,
                };
                (format!("{:?} {}", p.location, p.wire_name), param)
            })
            .collect(),
        aliases: op.aliases.clone(),
    }
}

fn values(values: &[EnumValue]) -> BTreeMap<String, String> {
    values
        .iter()
        .map(|v| (v.wire.clone(), v.ident.clone()))
        .collect()
}

fn ty(ir: &Ir, kind: &TypeKind) -> Type {
    match kind {
        TypeKind::Struct(s) => Type::Struct {
            fields: s
                .fields
                .iter()
                .map(|f| {
                    let field = Field {
                        ident: f.ident.clone(),
                        required: matches!(
                            f.presence,
                            Presence::Required | Presence::RequiredNullable
                        ),
                        rust: tokens_text(&field_type(ir, f)),
                    };
                    (f.wire_name.clone(), field)
                })
                .collect(),
        },
        TypeKind::Enum(e) => Type::Enum {
            values: values(&e.values),
        },
        TypeKind::TagValues(v) => Type::TagValues {
            values: values(v),
            order: v.iter().map(|value| value.ident.clone()).collect(),
        },
        TypeKind::Tagged(t) => Type::Tagged {
            mappings: t
                .variants
                .iter()
                .flat_map(|v| {
                    let payload = ir.types[v.ty].name.clone();
                    v.tags
                        .iter()
                        .map(move |tag| (tag.clone(), (payload.clone(), v.ident.clone())))
                })
                .collect(),
            variants: t
                .variants
                .iter()
                .map(|v| (v.ident.clone(), variant_shape(ir, v)))
                .collect(),
        },
        TypeKind::Untagged(variants) => Type::Untagged {
            branches: variants
                .iter()
                .map(|v| (type_text(ir, &v.ty), v.ident.clone()))
                .collect(),
        },
        TypeKind::Alias(target) => Type::Alias {
            target: type_text(ir, target),
        },
    }
}
