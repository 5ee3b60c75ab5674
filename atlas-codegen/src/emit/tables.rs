//! The tables of every operation: the public registry and the `dynamic` dispatch table.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, tag_cfg};
use crate::ir::Ir;

/// The static table of every operation, for tools that work by operation id.
pub fn emit_registry(ir: &Ir) -> TokenStream {
    let mut entries = Vec::new();
    for op in &ir.operations {
        let operation_id = &op.operation_id;
        let short_name = &op.short_name;
        let summary = match op.summary.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => quote!(Some(#text)),
            _ => quote!(None),
        };
        let method = op.method.as_str();
        let path = &op.path;
        let tag = &ir.tags[op.tag].name;
        let deprecated = op.deprecated;
        let default_version = match op.default_version {
            Some(i) => {
                let v = op.versions[i].version.as_str();
                quote!(Some(#v))
            }
            None => quote!(None),
        };
        let versions = op.versions.iter().map(|v| {
            let version = v.version.as_str();
            let request = match &v.request {
                Some(b) => {
                    let m = &b.media_type;
                    quote!(Some(#m))
                }
                None => quote!(None),
            };
            let accept = &v.endpoints[0].accept;
            let others = v.endpoints[1..].iter().map(|e| &e.accept);
            let sunset = match &v.sunset {
                Some(s) => quote!(Some(#s)),
                None => quote!(None),
            };
            let preview = v.version.is_preview();
            quote! {
                crate::runtime::VersionInfo { version: #version, request_media_type: #request, response_media_type: #accept, other_response_media_types: &[#(#others),*], sunset: #sunset, preview: #preview }
            }
        });
        let cfg = tag_cfg(ir, op.tag);
        entries.push(quote! {
            #cfg
            crate::runtime::OperationInfo {
                operation_id: #operation_id,
                short_name: #short_name,
                summary: #summary,
                method: #method,
                path: #path,
                tag: #tag,
                deprecated: #deprecated,
                default_version: #default_version,
                versions: &[#(#versions),*],
            },
        });
    }
    quote! {
        //! Every operation of the spec, in spec order: those of the tags whose features are on.
        /// One entry per operation of the spec whose tag's feature is on.
        pub static OPERATIONS: &[crate::runtime::OperationInfo] = &[#(#entries)*];
    }
}

/// The table of type-erased (operation, version) entries behind `atlas_generated::dynamic`.
pub fn emit_dynamic(ir: &Ir) -> TokenStream {
    let entries = ir.operations.iter().flat_map(|op| {
        let module = ident(&ir.tags[op.tag].module);
        let cfg = tag_cfg(ir, op.tag);
        op.versions.iter().map(move |v| {
            let name = ident(&v.endpoints[0].type_name);
            quote!(#cfg crate::dynamic::Entry::of::<crate::operations::#module::#name>(),)
        })
    });
    quote! {
        //! One entry per (operation, version) pair, in registry order.
        pub(crate) static ENDPOINTS: &[crate::dynamic::Entry] = &[#(#entries)*];
    }
}
