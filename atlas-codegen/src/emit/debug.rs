//! `Debug` for the types that hold secrets (marked by the secrets pass): every field as
//! `derive(Debug)` prints it, except that a secret shows whether it is set, never its value
//! (`runtime::redact`). Types without secrets keep the derive: a hand-written impl for each
//! of the crate's ~2,500 types would cost compile time for nothing.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::tokens::ident;
use crate::ir::Presence;

/// How `Debug` shows one field.
pub(crate) enum Shown {
    /// As `derive(Debug)` would.
    Value,
    /// `[redacted]`, inside as many `Some` as the field's presence has `Option`s.
    Redacted(Presence),
}

/// `impl Debug for name`, the fields in order, each by its identifier.
pub(crate) fn redacting_debug(name: &Ident, fields: &[(&str, Shown)]) -> TokenStream {
    let type_name = name.to_string();
    let fields = fields.iter().map(|(field, shown)| {
        let fi = ident(field);
        // `derive(Debug)` prints a raw identifier without its `r#`.
        let label = field.trim_start_matches("r#");
        let value = match shown {
            Shown::Value => quote!(&self.#fi),
            Shown::Redacted(Presence::Required) => {
                quote!(&crate::runtime::redact::required(&self.#fi))
            }
            Shown::Redacted(Presence::Optional | Presence::RequiredNullable) => {
                quote!(&crate::runtime::redact::optional(&self.#fi))
            }
            Shown::Redacted(Presence::OptionalNullable) => {
                quote!(&crate::runtime::redact::nullable(&self.#fi))
            }
        };
        quote!(.field(#label, #value))
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#type_name) #(#fields)* .finish()
            }
        }
    }
}
