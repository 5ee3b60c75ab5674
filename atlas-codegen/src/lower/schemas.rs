//! Schemas → types: resolves `$ref`s, names every type, merges `allOf`, classifies unions.

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

use crate::error::{CodegenError, pointer_token};
use crate::ir::*;
use crate::names::{
    FILLED_FIELD, UNDECLARED_PROPERTIES_FIELD, branch_shape, enum_variants, field_ident,
    is_placeholder, item_type, map_value_type, module_ident, numbered, property_type,
    tagged_variants, type_ident, type_name, untagged_variants, untitled_branch_type,
    variant_tag_type,
};
use crate::refs::schema_pointer;
use crate::schema_view::View;

/// The types made so far, and what makes new ones unique.
pub struct Builder<'a> {
    pub spec: &'a OpenAPI,
    pub schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    pub types: Vec<TypeDef>,
    pub components: IndexMap<String, TypeId>,
    /// Rust type name → the pointer that claimed it.
    names: HashMap<String, String>,
    /// File (module) name → the component that claimed it.
    files: HashMap<String, String>,
    inline_by_pointer: HashMap<String, TypeId>,
    inline_by_content: HashMap<String, TypeId>,
    pub fallbacks: Vec<Fallback>,
}

impl<'a> Builder<'a> {
    pub fn new(spec: &'a OpenAPI, schemas: &'a IndexMap<String, ReferenceOr<Schema>>) -> Self {
        Builder {
            spec,
            schemas,
            types: Vec::new(),
            components: IndexMap::new(),
            names: HashMap::new(),
            files: HashMap::new(),
            inline_by_pointer: HashMap::new(),
            inline_by_content: HashMap::new(),
            fallbacks: Vec::new(),
        }
    }

    /// A type for every component schema, each declared first so that references between
    /// them resolve whatever their order.
    pub fn define_components(&mut self) -> Result<(), CodegenError> {
        self.declare_components()?;
        for (index, name) in self.schemas.keys().enumerate() {
            self.define_component(index, name)?;
        }
        Ok(())
    }
}

/// A property on its way into a struct: where it was declared and who owns inline types in it.
struct PropSource<'a> {
    schema: &'a ReferenceOr<Box<Schema>>,
    pointer: String,
    owner: String,
    file: String,
}

#[derive(Default)]
struct Merged<'a> {
    props: IndexMap<String, PropSource<'a>>,
    required: BTreeSet<String>,
    declares_additional: bool,
}

impl<'a> Builder<'a> {
    fn declare_components(&mut self) -> Result<(), CodegenError> {
        for name in self.schemas.keys() {
            let pointer = schema_pointer(name);
            let ident = type_name(name);
            if let Some(other) = self.names.insert(ident.clone(), pointer.clone()) {
                return Err(CodegenError::at(
                    pointer,
                    format!(
                        "schema name `{name}` maps to the Rust type `{ident}`, which `{other}` already has"
                    ),
                ));
            }
            let file = module_ident(name);
            if let Some(other) = self.files.insert(file.clone(), pointer.clone()) {
                return Err(CodegenError::at(
                    pointer,
                    format!(
                        "schema name `{name}` maps to the file `{file}.rs`, which `{other}` already has"
                    ),
                ));
            }
            let id = self.types.len();
            self.types.push(TypeDef {
                name: ident,
                places: vec![pointer.clone()],
                origin: pointer,
                file,
                docs: Docs::default(),
                deprecated: false,
                kind: TypeKind::Alias(TypeRef::Any),
                examples: Vec::new(),
                base_examples: Vec::new(),
                tag_examples: Vec::new(),
                aliases: Vec::new(),
                zero: None,
                gate: Gate::Always,
            });
            self.components.insert(name.clone(), id);
        }
        Ok(())
    }

    fn define_component(&mut self, id: TypeId, name: &str) -> Result<(), CodegenError> {
        let pointer = schema_pointer(name);
        let (_, schema) = self.resolve_schema_ref(&pointer, &pointer)?;
        let file = self.types[id].file.clone();
        let type_name = self.types[id].name.clone();
        let kind = match &self.schemas[name] {
            // A component that is only a reference to another is an alias of it.
            ReferenceOr::Reference { reference } => {
                TypeKind::Alias(self.lower_ref(reference, &pointer)?)
            }
            ReferenceOr::Item(_) => self.define(schema, &type_name, &pointer, &file, Some(id))?,
        };
        let def = &mut self.types[id];
        def.kind = kind;
        def.docs = docs_of(&schema.schema_data);
        def.deprecated = schema.schema_data.deprecated;
        def.examples = schema.schema_data.example.iter().cloned().collect();
        def.base_examples = base_examples(&def.kind, schema, &pointer);
        Ok(())
    }

    /// Follows a `#/components/schemas/…` reference (through component aliases) to its schema.
    pub fn resolve_schema_ref(
        &self,
        reference: &str,
        at: &str,
    ) -> Result<(&'a str, &'a Schema), CodegenError> {
        crate::refs::follow(self.spec, reference, at)
    }

    fn lower_ref(&mut self, reference: &str, at: &str) -> Result<TypeRef, CodegenError> {
        let (name, _) = self.resolve_schema_ref(reference, at)?;
        Ok(TypeRef::Named(self.components[name]))
    }

    /// The Rust type for a schema or reference found at `pointer`; inline schemas that need
    /// a named type get one called `hint`, emitted in `file`.
    pub fn lower(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        hint: &str,
        pointer: &str,
        file: &str,
    ) -> Result<TypeRef, CodegenError> {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_ref(reference, pointer),
            ReferenceOr::Item(s) => self.lower_inline(s, hint, pointer, file),
        }
    }

    fn lower_boxed(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &str,
        file: &str,
    ) -> Result<TypeRef, CodegenError> {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_ref(reference, pointer),
            ReferenceOr::Item(s) => self.lower_inline(s, hint, pointer, file),
        }
    }

    /// The schema's `format` as the spec writes it (for a reference: the referenced schema's).
    pub fn format_of<S: std::borrow::Borrow<Schema>>(
        &self,
        schema: &'a ReferenceOr<S>,
        at: &str,
    ) -> Result<Option<String>, CodegenError> {
        let schema = match schema {
            ReferenceOr::Reference { reference } => self.resolve_schema_ref(reference, at)?.1,
            ReferenceOr::Item(s) => s.borrow(),
        };
        Ok(View::of(schema).format.map(str::to_owned))
    }

    /// The schema's own data (for a reference: the referenced schema's).
    fn data_of(
        &self,
        schema: &'a ReferenceOr<Box<Schema>>,
        at: &str,
    ) -> Result<&'a openapiv3::SchemaData, CodegenError> {
        Ok(match schema {
            ReferenceOr::Reference { reference } => {
                &self.resolve_schema_ref(reference, at)?.1.schema_data
            }
            ReferenceOr::Item(s) => &s.schema_data,
        })
    }

    fn needs_named_type(v: &View<'_>) -> bool {
        v.data.discriminator.is_some()
            || !v.one_of.is_empty()
            || !v.any_of.is_empty()
            || !v.all_of.is_empty()
            || v.properties.is_some_and(|p| !p.is_empty())
            || (v.ty.is_none_or(|t| t == "string") && v.enumeration.iter().any(Value::is_string))
    }

    fn lower_inline(
        &mut self,
        schema: &'a Schema,
        hint: &str,
        pointer: &str,
        file: &str,
    ) -> Result<TypeRef, CodegenError> {
        let v = checked_view(schema, pointer)?;
        if Self::needs_named_type(&v) {
            if let Some(&id) = self.inline_by_pointer.get(pointer) {
                return Ok(TypeRef::Named(id));
            }
            let content = content_key(schema);
            if let Some(&id) = self.inline_by_content.get(&content) {
                self.inline_by_pointer.insert(pointer.to_owned(), id);
                let places = &mut self.types[id].places;
                places.push(pointer.to_owned());
                places.sort();
                return Ok(TypeRef::Named(id));
            }
            let name = self.unique_inline_name(hint, pointer);
            let id = self.types.len();
            self.types.push(TypeDef {
                name: name.clone(),
                origin: pointer.to_owned(),
                places: vec![pointer.to_owned()],
                file: file.to_owned(),
                docs: docs_of(&schema.schema_data),
                deprecated: schema.schema_data.deprecated,
                kind: TypeKind::Alias(TypeRef::Any),
                examples: schema.schema_data.example.iter().cloned().collect(),
                base_examples: Vec::new(),
                tag_examples: Vec::new(),
                aliases: Vec::new(),
                zero: None,
                gate: Gate::Always,
            });
            self.inline_by_pointer.insert(pointer.to_owned(), id);
            self.inline_by_content.insert(content, id);
            let kind = self.define(schema, &name, pointer, file, Some(id))?;
            self.types[id].base_examples = base_examples(&kind, schema, pointer);
            self.types[id].kind = kind;
            return Ok(TypeRef::Named(id));
        }
        self.lower_plain(&v, hint, pointer, file)
    }

    /// Types that need no name of their own: primitives, arrays, maps, free-form values.
    fn lower_plain(
        &mut self,
        v: &View<'a>,
        hint: &str,
        pointer: &str,
        file: &str,
    ) -> Result<TypeRef, CodegenError> {
        let format = v.format;
        Ok(match v.ty {
            Some("string") => match format {
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                _ => TypeRef::String,
            },
            Some("integer") => match format {
                Some("int32") => TypeRef::I32,
                _ => TypeRef::I64,
            },
            Some("number") => match format {
                Some("float") => TypeRef::F32,
                _ => TypeRef::F64,
            },
            Some("boolean") => TypeRef::Bool,
            Some("array") => match v.items {
                Some(items) => {
                    let item = self.lower_boxed(
                        items,
                        &item_type(hint),
                        &format!("{pointer}/items"),
                        file,
                    )?;
                    TypeRef::Array(Box::new(item))
                }
                None => {
                    self.fallback(
                        pointer,
                        "array without `items`: items are free-form in the spec",
                    );
                    TypeRef::Array(Box::new(TypeRef::Any))
                }
            },
            Some("object") | None if v.additional.is_some() || v.ty.is_some() => match v.additional
            {
                Some(AdditionalProperties::Schema(value)) => {
                    let value = self.lower(
                        value,
                        &map_value_type(hint),
                        &format!("{pointer}/additionalProperties"),
                        file,
                    )?;
                    TypeRef::Map(Box::new(value))
                }
                _ => {
                    // Any JSON value rather than a map: the server puts strings where such
                    // objects are declared (`ApiError.parameters` items), and a free-form
                    // schema promises nothing a map would enforce.
                    self.fallback(
                        pointer,
                        "object without `properties`: free-form in the spec",
                    );
                    TypeRef::Any
                }
            },
            Some(other) if !matches!(other, "object") => {
                return Err(CodegenError::at(
                    pointer,
                    format!("unknown schema type `{other}`"),
                ));
            }
            _ => {
                let reason = if v.not.is_some() {
                    "`not` schema: the spec only says what the value is not"
                } else {
                    "schema without `type`: any JSON value in the spec"
                };
                self.fallback(pointer, reason);
                TypeRef::Any
            }
        })
    }

    /// Records an untyped place once: a base's property is lowered again in each subtype.
    fn fallback(&mut self, pointer: &str, reason: &str) {
        if !self.fallbacks.iter().any(|f| f.pointer == pointer) {
            self.fallbacks.push(Fallback {
                pointer: pointer.to_owned(),
                reason: reason.to_owned(),
            });
        }
    }

    /// A new named type of `kind`, made by the generator rather than read from a schema.
    fn named_type(&mut self, hint: &str, pointer: &str, file: &str, kind: TypeKind) -> TypeId {
        let name = self.unique_inline_name(hint, pointer);
        self.types.push(TypeDef {
            name,
            origin: pointer.to_owned(),
            places: vec![pointer.to_owned()],
            file: file.to_owned(),
            docs: Docs::default(),
            deprecated: false,
            kind,
            examples: Vec::new(),
            base_examples: Vec::new(),
            tag_examples: Vec::new(),
            aliases: Vec::new(),
            zero: None,
            gate: Gate::Always,
        });
        self.types.len() - 1
    }

    fn unique_inline_name(&mut self, hint: &str, pointer: &str) -> String {
        let name = numbered(&type_name(hint), |n| self.names.contains_key(n));
        self.names.insert(name.clone(), pointer.to_owned());
        name
    }

    /// The kind of a named type (component or inline).
    fn define(
        &mut self,
        schema: &'a Schema,
        name: &str,
        pointer: &str,
        file: &str,
        self_id: Option<TypeId>,
    ) -> Result<TypeKind, CodegenError> {
        let v = checked_view(schema, pointer)?;
        if let Some(d) = &v.data.discriminator {
            return self.define_tagged(&v, d, name, pointer, file, self_id);
        }
        let (branches, key) = if v.one_of.is_empty() {
            (v.any_of, "anyOf")
        } else {
            (v.one_of, "oneOf")
        };
        if !branches.is_empty() {
            return self.define_union(branches, key, name, pointer, file);
        }
        if !v.all_of.is_empty() || v.properties.is_some_and(|p| !p.is_empty()) {
            let mut merged = Merged::default();
            self.merge_object(
                schema,
                pointer,
                name,
                file,
                &mut vec![pointer.to_owned()],
                &mut merged,
            )?;
            return self.define_struct(merged);
        }
        if v.ty.is_none_or(|t| t == "string") && v.enumeration.iter().any(Value::is_string) {
            let values = v
                .enumeration
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            return Ok(TypeKind::Enum(string_enum(values)));
        }
        Ok(TypeKind::Alias(self.lower_plain(&v, name, pointer, file)?))
    }

    /// Collects the properties of `schema` and of everything it `allOf`-includes, in order.
    /// A discriminated base contributes its own properties only, never its `oneOf`: that is
    /// where the subtype → base → subtype cycle is broken.
    fn merge_object(
        &mut self,
        schema: &'a Schema,
        pointer: &str,
        owner: &str,
        file: &str,
        stack: &mut Vec<String>,
        out: &mut Merged<'a>,
    ) -> Result<(), CodegenError> {
        let v = checked_view(schema, pointer)?;
        for (i, member) in v.all_of.iter().enumerate() {
            let at = format!("{pointer}/allOf/{i}");
            match member {
                ReferenceOr::Reference { reference } => {
                    let (base_name, base) = self.resolve_schema_ref(reference, &at)?;
                    let base_pointer = schema_pointer(base_name);
                    if stack.contains(&base_pointer) {
                        return Err(CodegenError::at(
                            at,
                            format!("cyclic `allOf`: {} → {base_pointer}", stack.join(" → ")),
                        ));
                    }
                    stack.push(base_pointer.clone());
                    let base_file = self.types[self.components[base_name]].file.clone();
                    self.merge_object(
                        base,
                        &base_pointer,
                        &self.types[self.components[base_name]].name.clone(),
                        &base_file,
                        stack,
                        out,
                    )?;
                    stack.pop();
                }
                ReferenceOr::Item(inline) => {
                    self.merge_object(inline, &at, owner, file, stack, out)?
                }
            }
        }
        if let Some(props) = v.properties {
            for (prop, s) in props {
                let src = PropSource {
                    schema: s,
                    pointer: format!("{pointer}/properties/{}", pointer_token(prop)),
                    owner: owner.to_owned(),
                    file: file.to_owned(),
                };
                // A later declaration (a subtype narrowing its base) replaces the earlier one in place.
                out.props.insert(prop.clone(), src);
            }
        }
        out.required.extend(v.required.iter().cloned());
        out.declares_additional |= v
            .additional
            .is_some_and(|a| !matches!(a, AdditionalProperties::Any(false)));
        Ok(())
    }

    fn define_struct(&mut self, merged: Merged<'a>) -> Result<TypeKind, CodegenError> {
        let mut fields: Vec<Field> = Vec::with_capacity(merged.props.len());
        for (wire, src) in merged.props {
            let hint = property_type(&src.owner, &wire);
            let ty = self.lower_boxed(src.schema, &hint, &src.pointer, &src.file)?;
            let data = self.data_of(src.schema, &src.pointer)?;
            let format = self.format_of(src.schema, &src.pointer)?;
            let required = merged.required.contains(&wire);
            let presence = match (
                required && !data.read_only && !data.write_only,
                data.nullable,
            ) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            let ident = field_ident(&wire);
            if ident == UNDECLARED_PROPERTIES_FIELD {
                return Err(CodegenError::at(
                    &src.pointer,
                    "property name clashes with the field that keeps undeclared properties",
                ));
            }
            if ident == FILLED_FIELD {
                return Err(CodegenError::at(
                    &src.pointer,
                    "property name clashes with the field that lists the required fields a response lacked",
                ));
            }
            if let Some(other) = fields.iter().find(|f| f.ident == ident) {
                return Err(CodegenError::at(
                    &src.pointer,
                    format!(
                        "properties `{}` and `{wire}` both map to the Rust field `{ident}`",
                        other.wire_name
                    ),
                ));
            }
            // Inline property schemas carry their own docs; referenced ones are documented on their type.
            let docs = match src.schema {
                ReferenceOr::Item(s) => docs_of(&s.schema_data),
                ReferenceOr::Reference { .. } => Docs::default(),
            };
            fields.push(Field {
                wire_name: wire,
                ident,
                ty,
                presence,
                read_only: data.read_only,
                write_only: data.write_only,
                deprecated: data.deprecated,
                docs,
                // A referenced schema's own example is checked once, on its type.
                examples: match src.schema {
                    ReferenceOr::Item(s) => property_examples(s, &src.pointer),
                    ReferenceOr::Reference { .. } => Vec::new(),
                },
                pointer: src.pointer,
                boxed: false,
                format,
                secret: Vec::new(),
            });
        }
        Ok(TypeKind::Struct(Struct {
            fields,
            declares_additional: merged.declares_additional,
            derives_default: false,
        }))
    }

    fn define_tagged(
        &mut self,
        v: &View<'a>,
        d: &'a openapiv3::Discriminator,
        name: &str,
        pointer: &str,
        file: &str,
        self_id: Option<TypeId>,
    ) -> Result<TypeKind, CodegenError> {
        // Tag value → target schema, from the mapping, then implicit entries for listed
        // branches the mapping leaves out (their schema name is their tag, as OpenAPI says).
        let mut entries: Vec<(String, &'a str)> = Vec::new();
        for (tag, target) in &d.mapping {
            let (target_name, _) = self.resolve_schema_ref(
                target,
                &format!("{pointer}/discriminator/mapping/{}", pointer_token(tag)),
            )?;
            entries.push((tag.clone(), target_name));
        }
        let branches = if v.one_of.is_empty() {
            v.any_of
        } else {
            v.one_of
        };
        for (i, branch) in branches.iter().enumerate() {
            let ReferenceOr::Reference { reference } = branch else {
                return Err(CodegenError::at(
                    format!("{pointer}/oneOf/{i}"),
                    "a discriminated union's branches must be `$ref`s",
                ));
            };
            let (target_name, _) =
                self.resolve_schema_ref(reference, &format!("{pointer}/oneOf/{i}"))?;
            if !entries.iter().any(|(_, t)| *t == target_name) {
                entries.push((target_name.to_owned(), target_name));
            }
        }
        if entries.is_empty() {
            return Err(CodegenError::at(
                pointer,
                "discriminator without `mapping` or branches",
            ));
        }
        // One variant per target schema; several tag values may select it.
        let mut groups: IndexMap<&'a str, Vec<String>> = IndexMap::new();
        for (tag, target) in entries {
            groups.entry(target).or_default().push(tag);
        }
        let subtypes: Vec<(String, Vec<String>)> = groups
            .iter()
            .map(|(target, tags)| {
                (
                    self.types[self.components[*target]].name.clone(),
                    tags.clone(),
                )
            })
            .collect();
        let idents = tagged_variants(&subtypes, name);
        let mut variants: Vec<TaggedVariant> = Vec::new();
        for ((target, tags), ident) in groups.into_iter().zip(idents) {
            let id = self.components[target];
            if Some(id) == self_id {
                return Err(CodegenError::at(
                    pointer,
                    format!("discriminator maps `{}` to the union itself", tags[0]),
                ));
            }
            let tag = match tags.as_slice() {
                [one] => VariantTag::One(one.clone()),
                // The variant holds which of its tags it has, in a type of only those.
                several => {
                    let hint = variant_tag_type(name, &ident, &d.property_name);
                    let at = format!("{pointer}/discriminator");
                    let ty =
                        self.named_type(&hint, &at, file, TypeKind::TagValues(tag_values(several)));
                    // Its places are its tags': the union's other variants share `at`.
                    let mut places: Vec<String> = several
                        .iter()
                        .map(|tag| format!("{at}/mapping/{}", pointer_token(tag)))
                        .collect();
                    places.sort();
                    self.types[ty].places = places;
                    self.types[ty].docs.description = Some(format!(
                        "The `{}` values that select `{name}::{ident}`: which one a value has.",
                        d.property_name
                    ));
                    VariantTag::Carried {
                        field: field_ident(&d.property_name),
                        ty,
                    }
                }
            };
            variants.push(TaggedVariant {
                ident,
                tags,
                ty: id,
                tag,
                payload_keeps_tag: true,
                boxed: false,
            });
        }
        Ok(TypeKind::Tagged(Tagged {
            property: d.property_name.clone(),
            variants,
        }))
    }

    fn define_union(
        &mut self,
        branches: &'a [ReferenceOr<Schema>],
        key: &str,
        name: &str,
        pointer: &str,
        file: &str,
    ) -> Result<TypeKind, CodegenError> {
        // Branches that are all strings (enums of region names, instance sizes…) are one
        // open string enum: the server sends a plain string and cannot tell us the branch.
        let mut string_values: Option<Vec<String>> = Some(Vec::new());
        for (i, branch) in branches.iter().enumerate() {
            let schema = match branch {
                ReferenceOr::Reference { reference } => {
                    self.resolve_schema_ref(reference, &format!("{pointer}/{key}/{i}"))?
                        .1
                }
                ReferenceOr::Item(s) => s,
            };
            let bv = View::of(schema);
            let is_string = bv.ty == Some("string")
                || (bv.ty.is_none()
                    && !bv.enumeration.is_empty()
                    && bv.enumeration.iter().all(Value::is_string));
            match (&mut string_values, is_string) {
                (Some(values), true) => values.extend(
                    bv.enumeration
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned),
                ),
                _ => string_values = None,
            }
        }
        if let Some(mut values) = string_values {
            let mut seen = BTreeSet::new();
            values.retain(|v| seen.insert(v.clone()));
            return Ok(TypeKind::Enum(string_enum(values)));
        }
        let mut lowered = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let at = format!("{pointer}/{key}/{i}");
            let branch_name = match branch {
                ReferenceOr::Reference { reference } => {
                    let (name, _) = self.resolve_schema_ref(reference, &at)?;
                    self.types[self.components[name]].name.clone()
                }
                ReferenceOr::Item(s) => s
                    .schema_data
                    .title
                    .as_deref()
                    .map_or_else(|| untitled_branch_type(name, &shape_of(s)), type_ident),
            };
            let ty = self.lower(branch, &branch_name, &at, file)?;
            lowered.push((branch_name, ty));
        }
        let names: Vec<String> = lowered.iter().map(|(n, _)| n.clone()).collect();
        let variants = untagged_variants(&names, name)
            .into_iter()
            .zip(lowered)
            .map(|(ident, (_, ty))| UntaggedVariant {
                ident,
                ty,
                boxed: false,
                shape: None,
            })
            .collect();
        Ok(TypeKind::Untagged(variants))
    }
}

/// The JSON Schema types OpenAPI 3.0 knows.
const SCHEMA_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// The view of a schema found at `pointer`, whose `type`, if any, is one OpenAPI knows:
/// what the generator would otherwise have to guess from its other keywords.
fn checked_view<'a>(schema: &'a Schema, pointer: &str) -> Result<View<'a>, CodegenError> {
    let v = View::of(schema);
    match v.ty {
        Some(ty) if !SCHEMA_TYPES.contains(&ty) => Err(CodegenError::at(
            pointer,
            format!(
                "unknown schema type `{ty}` (OpenAPI 3.0 knows {})",
                SCHEMA_TYPES.join(", ")
            ),
        )),
        _ => Ok(v),
    }
}

/// An open string enum of `values`, its variants named by [`enum_variants`]; placeholders
/// ([`is_placeholder`]) get none.
pub fn string_enum(values: Vec<String>) -> StringEnum {
    let (placeholders, values): (Vec<String>, Vec<String>) =
        values.into_iter().partition(|v| is_placeholder(v));
    let (idents, catch_all) = enum_variants(&values);
    let values = values
        .into_iter()
        .zip(idents)
        .map(|(wire, ident)| EnumValue { wire, ident })
        .collect();
    StringEnum {
        values,
        catch_all,
        placeholders,
    }
}

/// The closed set of `values` (tags), each named as an enum variant.
pub fn tag_values(values: &[String]) -> Vec<EnumValue> {
    let (idents, _) = enum_variants(values);
    values
        .iter()
        .zip(idents)
        .map(|(wire, ident)| EnumValue {
            wire: wire.clone(),
            ident,
        })
        .collect()
}

/// What an untitled inline branch is, for its name (see [`branch_shape`]).
fn shape_of(schema: &Schema) -> String {
    let v = View::of(schema);
    let first_property = v.required.first().map(String::as_str).or_else(|| {
        v.properties
            .and_then(|p| p.keys().next())
            .map(String::as_str)
    });
    branch_shape(v.ty, first_property)
}

pub fn docs_of(data: &openapiv3::SchemaData) -> Docs {
    Docs {
        title: data.title.clone(),
        description: data.description.clone(),
        external_url: data.external_docs.as_ref().map(|d| d.url.clone()),
    }
}

/// The structure of a schema without its prose, so identical inline schemas share one type.
fn content_key(schema: &Schema) -> String {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in ["description", "title", "example", "externalDocs", "default"] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(schema).unwrap_or(Value::Null);
    strip(&mut v);
    v.to_string()
}

/// The examples of an inline property schema, each with its pointer: its own, and those of
/// its array items or map values, wrapped into a one-element array or map (under the key
/// `example`) so that they are checked against the property's type like any other.
fn property_examples(schema: &Schema, pointer: &str) -> Vec<(String, Value)> {
    let v = View::of(schema);
    let mut out: Vec<(String, Value)> = v
        .data
        .example
        .iter()
        .map(|e| (format!("{pointer}/example"), e.clone()))
        .collect();
    if let Some(ReferenceOr::Item(items)) = v.items {
        out.extend(items.schema_data.example.iter().map(|e| {
            (
                format!("{pointer}/items/example"),
                Value::Array(vec![e.clone()]),
            )
        }));
    }
    if let Some(AdditionalProperties::Schema(value)) = v.additional
        && let ReferenceOr::Item(value) = value.as_ref()
    {
        out.extend(value.schema_data.example.iter().map(|e| {
            let map = serde_json::Map::from_iter([("example".to_owned(), e.clone())]);
            (
                format!("{pointer}/additionalProperties/example"),
                Value::Object(map),
            )
        }));
    }
    out
}

/// The examples of the properties a union declares beside its branches (see
/// [`TypeDef::base_examples`]); none for other kinds, whose fields carry their own.
fn base_examples(kind: &TypeKind, schema: &Schema, pointer: &str) -> Vec<BaseExample> {
    if !matches!(kind, TypeKind::Tagged(_) | TypeKind::Untagged(_)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (property, s) in View::of(schema).properties.into_iter().flatten() {
        let ReferenceOr::Item(s) = s else { continue };
        let at = format!("{pointer}/properties/{}", pointer_token(property));
        out.extend(
            property_examples(s, &at)
                .into_iter()
                .map(|(pointer, value)| BaseExample {
                    property: property.clone(),
                    pointer,
                    value,
                }),
        );
    }
    out
}
