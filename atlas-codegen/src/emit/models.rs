//! Model types: structs, open enums, tagged and untagged unions, aliases.
//!
//! No type derives serde's `Serialize` or `Deserialize`: each implements the runtime's
//! `Json` trait with small generated methods (`read` from JSON text, `from_json` from a
//! `serde_json::Value` for what does not read cleanly, `encode` into any serde serializer)
//! and gets serde's traits from one `impl_serde_via_json!` line. Derives on the crate's
//! ~2,500 types made it take 74 s and 4 GB to compile; this way every tag takes about 26 s
//! and 2 GB, and decoding keeps undeclared properties and unknown values, naming the field
//! when it fails. (`atlas-generated/src/runtime/json.rs` says more.)

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::debug::{Shown, redacting_debug};
use super::docs::{doc_attrs, lines_to_doc, sanitize};
use super::tokens::{gate_doc, ident, open_to_additions, renamed_alias, type_tokens};
use crate::error::CodegenError;
use crate::ir::{
    EnumValue, Field, Ir, Presence, ShapeProperty, StringEnum, Struct, Tagged, TypeDef, TypeId,
    TypeKind, TypeRef, UntaggedVariant, VariantTag, Zero,
};
use crate::names::{
    FILLED_FIELD, UNDECLARED_PROPERTIES_FIELD, UNKNOWN_TAG_VARIANT, model_setter_name,
};

pub fn emit_type(ir: &Ir, id: TypeId) -> Result<TokenStream, CodegenError> {
    let def = &ir.types[id];
    let name = ident(&def.name);
    let mut docs = doc_attrs(&def.docs);
    if docs.is_empty() {
        docs = lines_to_doc(&format!(
            "`{}` in the spec.",
            def.origin.trim_start_matches("#/components/schemas/")
        ));
    }
    if let Some(line) = gate_doc(ir, &def.gate) {
        let line = format!(" {line}");
        docs.push(quote!(#[doc = ""]));
        docs.push(quote!(#[doc = #line]));
    }
    let deprecated = def
        .deprecated
        .then(|| quote!(#[deprecated(note = "deprecated in the Atlas API spec")]));
    let zero = def.zero;
    let aliases = renamed_aliases(def);
    let body = match &def.kind {
        TypeKind::Struct(s) => emit_struct(ir, &def.name, s, zero),
        TypeKind::Enum(e) => emit_enum(&def.name, e, zero),
        TypeKind::TagValues(values) => emit_tag_values(&def.name, values, zero),
        TypeKind::Tagged(t) => emit_tagged(ir, &def.name, t, zero),
        TypeKind::Untagged(v) => emit_untagged(ir, &def.name, v, zero),
        TypeKind::Alias(ty) => {
            let ty = type_tokens(ir, ty);
            return Ok(quote! { #(#docs)* #deprecated pub type #name = #ty; #aliases });
        }
    };
    let (derives, item, impls) = body;
    Ok(quote! {
        #(#docs)*
        #derives
        #deprecated
        #item
        #impls
        crate::impl_serde_via_json!(#name);
        #aliases
    })
}

/// The names a previous crate published for this type, which the spec renamed, each as a
/// `#[deprecated]` alias (see `passes::type_aliases`).
fn renamed_aliases(def: &TypeDef) -> TokenStream {
    let doc = format!(
        " `{}` under the name it had before the spec renamed it.",
        def.name
    );
    let aliases = def
        .aliases
        .iter()
        .map(|old| renamed_alias(old, &def.name, &doc));
    quote!(#(#aliases)*)
}

pub(crate) fn field_type(ir: &Ir, f: &Field) -> TokenStream {
    let mut ty = type_tokens(ir, &f.ty);
    if f.boxed {
        ty = quote!(Box<#ty>);
    }
    match f.presence {
        Presence::Required => ty,
        Presence::Optional | Presence::RequiredNullable => quote!(Option<#ty>),
        Presence::OptionalNullable => quote!(Option<Option<#ty>>),
    }
}

fn field_doc(f: &Field) -> Vec<TokenStream> {
    let mut text = String::new();
    if let Some(d) = f.docs.description.as_deref().or(f.docs.title.as_deref()) {
        text.push_str(&sanitize(d));
    }
    let mut notes = Vec::new();
    if f.read_only {
        notes.push("Read-only: set by the server, ignored in requests.");
    }
    if f.write_only {
        notes.push("Write-only: sent in requests, never returned.");
    }
    if !f.secret.is_empty() {
        notes.push("`Debug` shows whether it is set, never its value (see `reports/redacted.md`).");
    }
    match f.presence {
        Presence::OptionalNullable => notes.push("`None`: absent; `Some(None)`: `null`."),
        Presence::RequiredNullable => notes.push("Required, and may be `null`."),
        _ => {}
    }
    for n in notes {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(n);
    }
    if text.is_empty() {
        text = format!("`{}`", f.wire_name);
    }
    lines_to_doc(&text)
}

type Parts = (TokenStream, TokenStream, TokenStream);

fn emit_struct(ir: &Ir, type_name: &str, s: &Struct, zero: Option<Zero>) -> Parts {
    let name = ident(type_name);
    let mut fields = Vec::new();
    let mut decode = Vec::new();
    let mut encode = Vec::new();
    for f in &s.fields {
        let fi = ident(&f.ident);
        let ty = field_type(ir, f);
        let docs = field_doc(f);
        let deprecated = f
            .deprecated
            .then(|| quote!(#[deprecated(note = "deprecated in the Atlas API spec")]));
        fields.push(quote! { #(#docs)* #deprecated pub #fi: #ty, });
        let wire = &f.wire_name;
        let (get, put) = match f.presence {
            Presence::Required => {
                decode.push(quote!(#fi: fields.required(#wire, &mut filled)?,));
                encode.push(quote!(crate::runtime::encode::required(map, skip, #wire, &self.#fi, &self.filled)?;));
                continue;
            }
            Presence::Optional => (quote!(optional), quote!(optional)),
            Presence::RequiredNullable => (quote!(optional), quote!(or_null)),
            Presence::OptionalNullable => (quote!(nullable), quote!(nullable)),
        };
        decode.push(quote!(#fi: fields.#get(#wire),));
        encode.push(quote!(crate::runtime::encode::#put(map, skip, #wire, &self.#fi)?;));
    }
    let declared = s.fields.iter().map(|f| f.wire_name.as_str());
    let filled = ident(FILLED_FIELD);
    let (filled_field, filled_start, filled_end) = if s.has_required() {
        (
            quote! {
                /// The required fields the response lacked, which decoding filled with zero values; empty for a value built in Rust or decoded whole. Encoding leaves them out while they hold those values (see [`runtime::correction`](crate::runtime::correction)).
                pub #filled: crate::runtime::Filled,
            },
            quote!(let mut filled = crate::runtime::Filled::default();),
            quote!(#filled,),
        )
    } else {
        (quote!(), quote!(), quote!())
    };
    let zero = zero.map(|_| struct_zero(s));
    let extra_doc = if s.declares_additional {
        " Additional properties, which the schema allows."
    } else {
        " Properties the schema does not declare, kept so that re-encoding loses nothing the server sent."
    };
    let default = s.derives_default.then(|| quote!(Default,));
    let (derives, debug) = if s.fields.iter().any(|f| !f.secret.is_empty()) {
        let debug = redacting_debug(&name, &debug_fields(s));
        (quote!(#[derive(Clone, PartialEq, #default)]), debug)
    } else {
        (
            quote!(#[derive(Debug, Clone, PartialEq, #default)]),
            quote!(),
        )
    };
    let extra = ident(UNDECLARED_PROPERTIES_FIELD);
    // Declared fields are taken out of the object; with none, it is kept as it is.
    let fields_binding = if s.fields.is_empty() {
        quote!(fields)
    } else {
        quote!(mut fields)
    };
    let open = open_to_additions();
    let item = quote! {
        #open
        pub struct #name {
            #(#fields)*
            #filled_field
            #[doc = #extra_doc]
            pub #extra: serde_json::Map<String, serde_json::Value>,
        }
    };
    let constructor = struct_constructor(ir, s);
    let setters = struct_setters(ir, type_name, s);
    let read = struct_read(s);
    let impls = quote! {
        // One block: every inherent impl block costs coherence checking.
        impl #name {
            #constructor
            #(#setters)*
        }
        #debug
        impl crate::runtime::Json for #name {
            #read
            #[inline]
            fn from_json(value: serde_json::Value, path: &crate::runtime::Path<'_>) -> Result<Self, crate::runtime::DecodeError> {
                // An optional field's failure is kept, not returned, and ends at
                // `undeclared`: one early return per required field rather than per field.
                let #fields_binding = crate::runtime::Fields::new(value, path)?;
                #filled_start
                Ok(Self { #(#decode)* #filled_end #extra: fields.undeclared()? })
            }
            // A struct: `Json::encode` is provided as the map of these members.
            const MEMBERS: bool = true;
            #[inline]
            fn encode_members<M: serde::ser::SerializeMap>(&self, map: &mut M, skip: Option<&str>) -> Result<(), M::Error> {
                #(#encode)*
                crate::runtime::encode::undeclared(map, skip, &self.#extra, &[#(#declared),*])
            }
            #zero
        }
    };
    (derives, item, impls)
}

/// How the struct's `Debug` shows each field: its secrets redacted, the rest as derived.
fn debug_fields(s: &Struct) -> Vec<(&str, Shown)> {
    let mut fields: Vec<(&str, Shown)> = s
        .fields
        .iter()
        .map(|f| {
            let shown = if f.secret.is_empty() {
                Shown::Value
            } else {
                Shown::Redacted(f.presence)
            };
            (f.ident.as_str(), shown)
        })
        .collect();
    if s.has_required() {
        fields.push((FILLED_FIELD, Shown::Value));
    }
    fields.push((UNDECLARED_PROPERTIES_FIELD, Shown::Value));
    fields
}

/// `Json::read`: each member read into its field's local as it comes (a later member of
/// the same name replaces an earlier one, as in a parsed `Value`), undeclared ones kept;
/// a missing required field bails, so that the `Value` path fills or reports it. Written
/// with one early return per step rather than one per field, which keeps the function cheap
/// to compile: every return drops every local.
fn struct_read(s: &Struct) -> TokenStream {
    let mut locals = Vec::new();
    let mut arms = Vec::new();
    let mut required = Vec::new();
    let mut inits = Vec::new();
    for f in &s.fields {
        let fi = ident(&f.ident);
        // Prefixed, so that no field's local is named like the reader's own.
        let local = ident(&format!(
            "field_{}",
            f.ident.trim_start_matches("r#").trim_start_matches('_')
        ));
        let wire = &f.wire_name;
        locals.push(quote!(let mut #local = None;));
        let setter = match f.presence {
            Presence::Required => quote!(set),
            Presence::Optional | Presence::RequiredNullable => quote!(set_optional),
            Presence::OptionalNullable => quote!(set_nullable),
        };
        arms.push(quote!(#wire => reader.#setter(&mut #local),));
        if f.presence == Presence::Required {
            required.push(local.clone());
        }
        inits.push(quote!(#fi: #local,));
    }
    let filled = s.has_required().then(|| {
        let filled = ident(FILLED_FIELD);
        quote!(#filled: crate::runtime::Filled::default(),)
    });
    let check_required = (!required.is_empty()).then(|| {
        quote! {
            let (#(Some(#required),)*) = (#(#required,)*) else {
                return Err(crate::runtime::Bail);
            };
        }
    });
    let extra = ident(UNDECLARED_PROPERTIES_FIELD);
    quote! {
        #[inline]
        fn read(reader: &mut crate::runtime::Reader<'_>) -> Result<Self, crate::runtime::Bail> {
            let hidden = reader.take_hidden();
            let mut member = reader.first_key()?;
            #(#locals)*
            let mut undeclared = serde_json::Map::new();
            while let Some(key) = member {
                let read = match key {
                    #(#arms)*
                    _ => {
                        let key = key.to_owned();
                        reader.undeclared(key, hidden, &mut undeclared)
                    }
                };
                member = match read {
                    Ok(()) => reader.next_key(),
                    Err(bail) => Err(bail),
                }?;
            }
            #check_required
            Ok(Self { #(#inits)* #filled #extra: undeclared })
        }
    }
}

/// A struct's zero: its required fields' zeros, optional fields unset, and every required
/// field marked filled, so that it encodes as `{}`.
fn struct_zero(s: &Struct) -> TokenStream {
    let mut inits = Vec::new();
    let mut required = Vec::new();
    for f in &s.fields {
        let fi = ident(&f.ident);
        if f.presence == Presence::Required {
            required.push(f.wire_name.as_str());
            inits.push(quote!(#fi: crate::runtime::Json::zero()?,));
        } else {
            inits.push(quote!(#fi: None,));
        }
    }
    let filled = ident(FILLED_FIELD);
    let filled = (!required.is_empty())
        .then(|| quote!(#filled: crate::runtime::Filled::all(&[#(#required),*]),));
    let extra = ident(UNDECLARED_PROPERTIES_FIELD);
    quote! {
        #[inline]
        fn zero() -> Option<Self> {
            Some(Self { #(#inits)* #filled #extra: serde_json::Map::new() })
        }
    }
}

/// `new(required…)`: each required field from anything that converts into its type; the
/// rest start unset.
fn struct_constructor(ir: &Ir, s: &Struct) -> TokenStream {
    if s.derives_default {
        return quote! {
            /// A value with every field unset, as [`Default`] gives.
            #[inline]
            pub fn new() -> Self {
                Self::default()
            }
        };
    }
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for f in &s.fields {
        let fi = ident(&f.ident);
        if f.presence != Presence::Required {
            inits.push(quote!(#fi: None,));
            continue;
        }
        let (arg, value) = field_argument(ir, f, &fi);
        args.push(quote!(#fi: #arg));
        inits.push(quote!(#fi: #value,));
    }
    let extra = ident(UNDECLARED_PROPERTIES_FIELD);
    let filled = ident(FILLED_FIELD);
    quote! {
        /// A value with its required fields; optional ones start unset.
        #[inline]
        pub fn new(#(#args),*) -> Self {
            Self { #(#inits)* #filled: crate::runtime::Filled::default(), #extra: serde_json::Map::new() }
        }
    }
}

/// How `new` and a setter take a field's value, and the expression that makes the field's
/// (unwrapped) value of the argument `arg`: anything that converts into its type (an array
/// for a `Vec`: `[region.into()]`). A list does not take any iterator of convertible
/// items: that generic body costs borrow checking on every setter of a list, 3 % of the
/// crate's compile time.
fn field_argument(ir: &Ir, f: &Field, arg: &Ident) -> (TokenStream, TokenStream) {
    let ty = type_tokens(ir, &f.ty);
    let value = if f.boxed {
        quote!(Box::new(#arg.into()))
    } else {
        quote!(#arg.into())
    };
    (quote!(impl Into<#ty>), value)
}

/// A chainable setter per optional field, named like it ([`model_setter_name`]):
/// `ClusterDescription20240805::new().name("Cluster0").paused(false)`. Each takes
/// what [`field_argument`] says and is generic, so that an unused setter
/// costs no machine code (and needs no `#[inline]`). An optional nullable field's setter sets a value; `null` is
/// set on the field itself (`Some(None)`).
fn struct_setters(ir: &Ir, type_name: &str, s: &Struct) -> Vec<TokenStream> {
    s.fields
        .iter()
        .filter(|f| f.presence != Presence::Required)
        .map(|f| {
            let fi = ident(&f.ident);
            let setter = ident(&model_setter_name(type_name, &f.ident));
            let (arg, value) = field_argument(ir, f, &ident("value"));
            let value = match f.presence {
                Presence::OptionalNullable => quote!(Some(Some(#value))),
                _ => quote!(Some(#value)),
            };
            let doc = format!(" Sets `{}`.", f.wire_name);
            let deprecated = f
                .deprecated
                .then(|| quote!(#[deprecated(note = "deprecated in the Atlas API spec")]));
            quote! {
                #[doc = #doc]
                #deprecated
                #[must_use]
                pub fn #setter(mut self, value: #arg) -> Self {
                    self.#fi = #value;
                    self
                }
            }
        })
        .collect()
}

fn emit_enum(type_name: &str, e: &StringEnum, zero: Option<Zero>) -> Parts {
    let name = ident(type_name);
    let catch_all = ident(&e.catch_all);
    let variants: Vec<_> = e.values.iter().map(|v| ident(&v.ident)).collect();
    let wires: Vec<_> = e.values.iter().map(|v| v.wire.as_str()).collect();
    let variant_docs: Vec<String> = e
        .values
        .iter()
        .map(|v| format!(" `{}`", sanitize(&v.wire).replace('`', "'")))
        .collect();
    let mut catch_all_doc =
        " A value this version of the spec does not list, kept as sent.".to_owned();
    if !e.placeholders.is_empty() {
        let listed: Vec<String> = e.placeholders.iter().map(|p| format!("`{p}`")).collect();
        catch_all_doc.push_str(&format!(
            " The spec's {} stands for such values.",
            listed.join(", ")
        ));
    }
    let item = quote! {
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            #[doc = #catch_all_doc]
            #catch_all(String),
        }
    };
    let extensible = open_to_additions();
    let derives = quote!(#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)] #extensible);
    let zero = zero.map(|_| zero_fn(quote!(Self::#catch_all(String::new()))));
    let impls = quote! {
        impl #name {
            /// The value as it is written on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::#catch_all(value) => value,
                }
            }
        }
        impl crate::runtime::OpenEnum for #name {
            const VALUES: &'static [&'static str] = &[#(#wires),*];
            #[inline]
            fn as_str(&self) -> &str {
                #name::as_str(self)
            }
            #[inline]
            fn is_known(&self) -> bool {
                !matches!(self, Self::#catch_all(_))
            }
        }
        impl From<&str> for #name {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => Self::#variants, )*
                    other => Self::#catch_all(other.to_owned()),
                }
            }
        }
        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            #[inline]
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl std::fmt::Display for #name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl crate::runtime::Json for #name {
            #[inline]
            fn from_json(value: serde_json::Value, path: &crate::runtime::Path<'_>) -> Result<Self, crate::runtime::DecodeError> {
                let text = <String as crate::runtime::Json>::from_json(value, path)?;
                Ok(Self::from(text.as_str()))
            }
            #[inline]
            fn encode<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
            #[inline]
            fn read(reader: &mut crate::runtime::Reader<'_>) -> Result<Self, crate::runtime::Bail> {
                reader.string().map(Self::from)
            }
            #zero
        }
        impl crate::runtime::QueryValue for #name {
            #[inline]
            fn push_values(&self, out: &mut Vec<String>) {
                crate::runtime::enum_query_value(self, out)
            }
        }
    };
    (derives, item, impls)
}

/// A closed set of tags: nothing else can be built, and decoding anything else fails.
fn emit_tag_values(type_name: &str, values: &[EnumValue], zero: Option<Zero>) -> Parts {
    let name = ident(type_name);
    let variants: Vec<_> = values.iter().map(|v| ident(&v.ident)).collect();
    let wires: Vec<_> = values.iter().map(|v| v.wire.as_str()).collect();
    let docs: Vec<String> = wires
        .iter()
        .map(|w| format!(" `{}`", w.replace('`', "'")))
        .collect();
    // One value: nothing to choose, so the type has a default.
    let single = values.len() == 1;
    let default_derive = single.then(|| quote!(Default,));
    let default_attr = single.then(|| quote!(#[default]));
    // `one_of` only returns listed values: the last arm takes the last one.
    let decode = match (variants.split_last(), wires.split_last()) {
        (Some((last, init)), Some((_, init_wires))) => quote! {
            Ok(match crate::runtime::one_of(value, path, Self::VALUES)? {
                #( #init_wires => Self::#init, )*
                _ => Self::#last,
            })
        },
        _ => quote!(Err(crate::runtime::DecodeError::new(
            path,
            "no value is allowed"
        ))),
    };
    let item = quote! {
        pub enum #name {
            #( #[doc = #docs] #default_attr #variants, )*
        }
    };
    let extensible = open_to_additions();
    let derives = quote!(#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, #default_derive)] #extensible);
    let zero = zero
        .and(variants.first())
        .map(|first| zero_fn(quote!(Self::#first)));
    let impls = quote! {
        impl #name {
            /// Every value, as written on the wire.
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];
            /// The value as it is written on the wire.
            #[inline]
            pub fn as_str(&self) -> &'static str {
                match self {
                    #( Self::#variants => #wires, )*
                }
            }
        }
        impl std::fmt::Display for #name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl crate::runtime::Json for #name {
            #[inline]
            fn from_json(value: serde_json::Value, path: &crate::runtime::Path<'_>) -> Result<Self, crate::runtime::DecodeError> {
                #decode
            }
            #[inline]
            fn encode<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
            #[inline]
            fn read(reader: &mut crate::runtime::Reader<'_>) -> Result<Self, crate::runtime::Bail> {
                match reader.string()? {
                    #( #wires => Ok(Self::#variants), )*
                    _ => Err(crate::runtime::Bail),
                }
            }
            #zero
        }
    };
    (derives, item, impls)
}

/// `Json::zero` returning `value`.
fn zero_fn(value: TokenStream) -> TokenStream {
    quote! {
        #[inline]
        fn zero() -> Option<Self> {
            Some(#value)
        }
    }
}

fn emit_tagged(ir: &Ir, type_name: &str, t: &Tagged, zero: Option<Zero>) -> Parts {
    let name = ident(type_name);
    let property = &t.property;
    let mut variants = Vec::new();
    let mut decode = Vec::new();
    let mut reads = Vec::new();
    let mut encode = Vec::new();
    let mut froms = Vec::new();
    for v in &t.variants {
        let vi = ident(&v.ident);
        let sub = type_tokens(ir, &TypeRef::Named(v.ty));
        let payload = if v.boxed {
            quote!(Box<#sub>)
        } else {
            sub.clone()
        };
        let tags = &v.tags;
        let doc = format!(
            " `{property}` = {}",
            tags.iter()
                .map(|t| format!("`{}`", t.replace('`', "'")))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let keep = v.payload_keeps_tag;
        let decoded = quote!(crate::runtime::Json::from_json(crate::runtime::variant_payload(map, #property, #keep), path)?);
        let struct_payload = is_struct(ir, v.ty);
        let tagged_encode = |pattern: TokenStream, tag: &TokenStream| {
            if struct_payload {
                quote! { #pattern => crate::runtime::encode::tagged(serializer, #property, #tag, value), }
            } else {
                quote! { #pattern => serde::Serialize::serialize(&crate::runtime::with_tag(crate::runtime::Json::to_json(value), #property, #tag), serializer), }
            }
        };
        let read = if keep || struct_payload {
            quote!(payload.payload(#keep)?)
        } else {
            quote!(payload.payload_via_value()?)
        };
        match &v.tag {
            VariantTag::One(tag) => {
                variants.push(quote! { #[doc = #doc] #vi(#payload), });
                decode.push(quote! { Some(#tag) => Ok(Self::#vi(#decoded)), });
                reads.push(quote! { Some(#tag) => Ok(Self::#vi(#read)), });
                encode.push(tagged_encode(quote!(Self::#vi(value)), &quote!(#tag)));
                froms.push(from_branch(&name, &vi, &sub, v.boxed));
            }
            VariantTag::Carried { field, ty } => {
                let fi = ident(field);
                let tag_ty = type_tokens(ir, &TypeRef::Named(*ty));
                let tag_doc = format!(" Which of the variant's `{property}` values.");
                variants.push(quote! {
                    #[doc = #doc]
                    #vi {
                        #[doc = #tag_doc]
                        #fi: #tag_ty,
                        /// The rest of the object.
                        value: #payload,
                    },
                });
                decode.push(quote! {
                    Some(tag @ (#(#tags)|*)) => Ok(Self::#vi {
                        #fi: crate::runtime::Json::from_json(serde_json::Value::String(tag.to_owned()), path)?,
                        value: #decoded,
                    }),
                });
                reads.push(quote! {
                    Some(tag @ (#(#tags)|*)) => Ok(Self::#vi {
                        #fi: payload.tag(tag)?,
                        value: #read,
                    }),
                });
                encode.push(tagged_encode(
                    quote!(Self::#vi { #fi, value }),
                    &quote!(#fi.as_str()),
                ));
            }
        }
    }
    let unknown = ident(UNKNOWN_TAG_VARIANT);
    let all_tags = t.variants.iter().flat_map(|v| &v.tags);
    let item = quote! {
        pub enum #name {
            #(#variants)*
            /// A tag value the spec does not list (or no tag): the object is kept whole.
            #unknown(crate::runtime::UnknownVariant),
        }
    };
    let extensible = open_to_additions();
    let derives = quote!(#[derive(Debug, Clone, PartialEq)] #extensible);
    let zero = zero.map(|_| {
        zero_fn(quote!(Self::#unknown(crate::runtime::UnknownVariant::new(#property, serde_json::Map::new()))))
    });
    let impls = quote! {
        impl #name {
            /// The name of the property whose value selects the variant.
            pub const TAG_PROPERTY: &'static str = #property;
            /// Every tag value the spec lists, each selecting one variant.
            pub const TAGS: &'static [&'static str] = &[#(#all_tags),*];
        }
        impl crate::runtime::Json for #name {
            #[inline]
            fn from_json(value: serde_json::Value, path: &crate::runtime::Path<'_>) -> Result<Self, crate::runtime::DecodeError> {
                let map = crate::runtime::object(value, path)?;
                let tag = crate::runtime::tag(&map, #property).map(str::to_owned);
                match tag.as_deref() {
                    #(#decode)*
                    _ => Ok(Self::#unknown(crate::runtime::UnknownVariant::new(#property, map))),
                }
            }
            #[inline]
            fn read(reader: &mut crate::runtime::Reader<'_>) -> Result<Self, crate::runtime::Bail> {
                reader.tagged(#property, |tag, payload| match tag {
                    #(#reads)*
                    _ => Ok(Self::#unknown(crate::runtime::UnknownVariant::new(#property, payload.object()?))),
                })
            }
            #[inline]
            fn encode<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#encode)*
                    Self::#unknown(value) => serde::Serialize::serialize(value.object(), serializer),
                }
            }
            #zero
        }
        #(#froms)*
    };
    (derives, item, impls)
}

fn emit_untagged(
    ir: &Ir,
    type_name: &str,
    variants: &[UntaggedVariant],
    zero: Option<Zero>,
) -> Parts {
    let name = ident(type_name);
    let mut items = Vec::new();
    let mut decode = Vec::new();
    let mut encode = Vec::new();
    for v in variants {
        let vi = ident(&v.ident);
        let mut ty = type_tokens(ir, &v.ty);
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        let label = &v.ident;
        let doc = match &v.ty {
            TypeRef::Named(id) => format!(
                " A [`{}`](crate::models::{}).",
                ir.types[*id].name, ir.types[*id].name
            ),
            _ => " A value of this shape.".to_owned(),
        };
        items.push(quote! { #[doc = #doc] #vi(#ty), });
        decode.push(quote! {
            match crate::runtime::correction::branch(|| <#ty as crate::runtime::Json>::from_json(crate::runtime::branch_value(&value, path)?, path)) {
                Ok(v) => return Ok(Self::#vi(v)),
                Err(e) => attempts.push((#label, e)),
            }
        });
        encode
            .push(quote! { Self::#vi(value) => crate::runtime::Json::encode(value, serializer), });
    }
    let froms = branch_conversions(ir, &name, variants);
    let ranked = variants.iter().any(|v| v.shape.is_some());
    let decode = if ranked {
        let shapes = variants
            .iter()
            .map(|v| shape_tokens(ir, v.shape.as_deref()));
        let count = variants.len();
        let arms = decode.iter().enumerate().map(|(i, d)| quote!(#i => #d));
        quote! {
            const SHAPES: [Option<&[crate::runtime::Declared]>; #count] = [#(#shapes),*];
            for branch in crate::runtime::branch_order(&value, &SHAPES) {
                match branch {
                    #(#arms)*
                    _ => {}
                }
            }
        }
    } else {
        quote!(#(#decode)*)
    };
    let rule = ranked.then(|| {
        quote! {
            #[doc = ""]
            #[doc = " When a value fits several branches, decoding prefers the branch whose enums list the value's strings, then the one declaring more of its properties; between equals, the first listed."]
        }
    });
    let zero = match zero {
        Some(Zero::Branch(index)) => {
            let vi = ident(&variants[index].ident);
            Some(quote! {
                #[inline]
                fn zero() -> Option<Self> {
                    crate::runtime::Json::zero().map(Self::#vi)
                }
            })
        }
        _ => None,
    };
    let item = quote! { pub enum #name { #(#items)* } };
    // The rule continues the type's documentation, which comes just before.
    let extensible = open_to_additions();
    let derives = quote!(#rule #[derive(Debug, Clone, PartialEq)] #extensible);
    let impls = quote! {
        impl crate::runtime::Json for #name {
            #[inline]
            fn from_json(value: serde_json::Value, path: &crate::runtime::Path<'_>) -> Result<Self, crate::runtime::DecodeError> {
                // A branch that fits the value whole wins over one that fits it only with
                // missing required fields filled.
                crate::runtime::correction::branches(|| {
                    let mut attempts = Vec::new();
                    #decode
                    Err(crate::runtime::no_variant(path, #type_name, attempts))
                })
            }
            #[inline]
            fn encode<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#encode)*
                }
            }
            #zero
        }
        #(#froms)*
    };
    (derives, item, impls)
}

/// Whether `id` is (an alias of) a struct, whose reader can leave a union's tag out.
fn is_struct(ir: &Ir, id: TypeId) -> bool {
    let named = TypeRef::Named(id);
    matches!(ir.unaliased(&named), TypeRef::Named(id) if matches!(ir.types[*id].kind, TypeKind::Struct(_)))
}

/// `impl From<branch> for Union`, wrapping the value in its variant (boxed when the
/// variant is).
fn from_branch(name: &Ident, variant: &Ident, branch: &TokenStream, boxed: bool) -> TokenStream {
    let wrap = if boxed {
        quote!(Self::#variant(Box::new(value)))
    } else {
        quote!(Self::#variant(value))
    };
    quote! {
        impl From<#branch> for #name {
            #[inline]
            fn from(value: #branch) -> Self {
                #wrap
            }
        }
    }
}

/// `From<Branch>` for each branch whose type no other branch has (and that is not
/// untyped JSON, which would wrap anything without looking at it).
fn branch_conversions(ir: &Ir, name: &Ident, variants: &[UntaggedVariant]) -> Vec<TokenStream> {
    let unique = |v: &UntaggedVariant| {
        v.ty != TypeRef::Any && variants.iter().filter(|w| w.ty == v.ty).count() == 1
    };
    let mut out = Vec::new();
    for v in variants.iter().filter(|v| unique(v)) {
        let ty = type_tokens(ir, &v.ty);
        out.push(from_branch(name, &ident(&v.ident), &ty, v.boxed));
    }
    out
}

/// A branch's shape as a `runtime::Declared` list, or `None` for a branch that is not an object.
fn shape_tokens(ir: &Ir, shape: Option<&[ShapeProperty]>) -> TokenStream {
    let Some(shape) = shape else {
        return quote!(None);
    };
    let properties = shape.iter().map(|p| {
        let name = &p.wire;
        let values = match p.values {
            None => quote!(&[]),
            Some(id) => {
                let ty = type_tokens(ir, &TypeRef::Named(id));
                match &ir.types[id].kind {
                    TypeKind::Enum(_) => quote!(<#ty as crate::runtime::OpenEnum>::VALUES),
                    TypeKind::Tagged(_) => quote!(#ty::TAGS),
                    _ => quote!(#ty::VALUES),
                }
            }
        };
        let essential = p.essential;
        quote!(crate::runtime::Declared { name: #name, values: #values, essential: #essential })
    });
    quote!(Some(&[#(#properties),*]))
}
