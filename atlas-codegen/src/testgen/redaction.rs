//! A test of every secret field of the models (each one `reports/redacted.md` lists): a
//! value with the field set shows `[redacted]` in `Debug`, never the value, and encodes the
//! value unchanged. Written as generated code so that each field is checked through its own
//! type. Driven by `tests/redaction.rs`.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Value, json};

use crate::emit::tokens::type_tokens_from;
use crate::ir::{Ir, TypeKind, TypeRef};

/// The text of every string in the values set, which `Debug` must never show.
const MARKER: &str = "redaction-check-secret";

/// How deep [`sample`] follows unions, aliases, lists and maps before settling for `{}`.
const MAX_DEPTH: usize = 8;

pub fn emit(ir: &Ir) -> TokenStream {
    let root = quote!(atlas_generated);
    let mut checks = Vec::new();
    for (id, def) in ir.types.iter().enumerate() {
        let TypeKind::Struct(s) = &def.kind else {
            continue;
        };
        let ty = type_tokens_from(ir, &TypeRef::Named(id), &root);
        for f in s.fields.iter().filter(|f| !f.secret.is_empty()) {
            let label = f.ident.trim_start_matches("r#");
            let name = format!("{}.{label}", def.name);
            let wire = &f.wire_name;
            let value = sample(ir, &f.ty, 0).to_string();
            checks.push(quote!(check.field::<#ty>(#name, #wire, #label, #value);));
        }
    }
    let count = checks.len();
    let doc = format!(" Checks the {count} secret fields of the models.");
    // A spec without secrets still gets the file, without what would go unused.
    let check = if count == 0 {
        quote!(_check)
    } else {
        quote!(check)
    };
    quote! {
        //! Every secret field of the models, set: `Debug` shows `[redacted]`, never the value,
        //! and encoding is unchanged. Driven by `tests/redaction.rs`.
        /// The text of every string in the values below.
        pub const MARKER: &str = #MARKER;
        #[doc = #doc]
        pub fn all(#check: &mut super::Checker) { #(#checks)* }
        /// How many fields [`all`] checks.
        pub const COUNT: usize = #count;
    }
}

/// A small value of `ty` whose strings are all [`MARKER`]: a struct or a discriminated
/// union is `{}` (the test fills a struct's required fields, and a union without its tag
/// keeps the object as it is), an untagged union its first branch's value.
fn sample(ir: &Ir, ty: &TypeRef, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return json!({});
    }
    match ty {
        TypeRef::String => json!(MARKER),
        TypeRef::Bool => json!(true),
        TypeRef::I32 | TypeRef::I64 => json!(7),
        TypeRef::F32 | TypeRef::F64 => json!(1.5),
        TypeRef::DateTime => json!("2024-01-02T03:04:05Z"),
        TypeRef::Date => json!("2024-01-02"),
        TypeRef::Array(item) => json!([sample(ir, item, depth + 1)]),
        TypeRef::Map(value) => json!({ "key": sample(ir, value, depth + 1) }),
        TypeRef::Any => json!({ "key": MARKER }),
        TypeRef::Named(id) => match &ir.types[*id].kind {
            TypeKind::Alias(target) => sample(ir, target, depth + 1),
            // An open enum keeps a value it does not list.
            TypeKind::Enum(_) => json!(MARKER),
            TypeKind::TagValues(values) => values.first().map_or(json!(MARKER), |v| json!(v.wire)),
            TypeKind::Untagged(branches) => branches
                .first()
                .map_or(json!({}), |b| sample(ir, &b.ty, depth + 1)),
            TypeKind::Struct(_) | TypeKind::Tagged(_) => json!({}),
        },
    }
}
