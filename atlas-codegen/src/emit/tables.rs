//! The tables of every operation: the public registry and the `dynamic` dispatch table.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, tag_cfg};
use crate::ir::{Ir, TypeKind, WaitExpect, WaitSource};

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

/// The tables of the `testing` feature's fake Atlas and recorder: the resource families
/// it keeps, the states its long-running resources walk through, each (operation, version)
/// pair's success status, and the secrets a cassette scrubs. Operations are named by id:
/// the fake serves those the build compiles.
pub fn emit_testing(ir: &Ir) -> TokenStream {
    let op_id = |i: usize| ir.operations[i].operation_id.as_str();
    let optional = |value: Option<&str>| match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let families = ir.families.iter().map(|f| {
        let collection = &f.collection;
        let keys = f.keys.iter().map(|k| {
            let (param, field) = (&k.param, optional(k.field.as_deref()));
            quote!((#param, #field))
        });
        let create = optional(f.create.map(op_id));
        let list = optional(f.list.map(op_id));
        let get = op_id(f.get);
        let update = f.update.iter().map(|&i| op_id(i));
        let delete = optional(f.delete.map(op_id));
        let not_found = &f.not_found_code;
        let examples = f.read_only_examples.iter().map(|(name, value)| {
            let value = value.to_string();
            quote!((#name, #value))
        });
        let write_only = &f.write_only;
        quote! {
            Family { collection: #collection, keys: &[#(#keys),*], create: #create, list: #list, get: #get, update: &[#(#update),*], delete: #delete, not_found_code: #not_found, read_only_examples: &[#(#examples),*], write_only: &[#(#write_only),*] },
        }
    });
    let walks = ir.operations.iter().flat_map(|op| {
        op.versions.iter().filter_map(move |v| {
            let waiter = v.waiter.as_ref()?;
            let operation_id = &op.operation_id;
            let version = v.version.as_str();
            let poll = op_id(waiter.poll);
            let params = waiter.args.iter().map(|arg| {
                let name = &arg.wire_name;
                match &arg.source {
                    WaitSource::Input { .. } => quote!((#name, crate::testing::tables::Source::Input)),
                    WaitSource::Answer(path) => {
                        let json = &path.json;
                        quote!((#name, crate::testing::tables::Source::Answer(#json)))
                    }
                }
            });
            let (state, targets, failures) = match &waiter.expect {
                WaitExpect::Gone => (quote!(None), Vec::new(), Vec::new()),
                WaitExpect::State {
                    path,
                    targets,
                    failures,
                    ..
                } => {
                    let json = &path.json;
                    (quote!(Some(#json)), targets.clone(), failures.clone())
                }
            };
            let passing = match &waiter.passing {
                Some(p) => {
                    let (path, value) = (&p.path, &p.value);
                    quote!(Some((#path, #value)))
                }
                None => quote!(None),
            };
            Some(quote! {
                Walk { operation_id: #operation_id, version: #version, poll: #poll, params: &[#(#params),*], state: #state, targets: &[#(#targets),*], failures: &[#(#failures),*], passing: #passing },
            })
        })
    });
    let statuses = ir.operations.iter().flat_map(|op| {
        op.versions.iter().filter_map(move |v| {
            let status = v.endpoints.first()?.success.cases().first()?.status;
            let (id, version) = (&op.operation_id, v.version.as_str());
            Some(quote!((#id, #version, #status),))
        })
    });
    let secrets = ir.types.iter().flat_map(|def| {
        let fields = match &def.kind {
            TypeKind::Struct(s) => s.fields.as_slice(),
            _ => &[],
        };
        fields
            .iter()
            .filter(|f| !f.secret.is_empty())
            .map(move |f| {
                let (ty, name) = (&def.name, &f.wire_name);
                let in_answers = !f.write_only;
                quote!(SecretField { model: #ty, json_name: #name, in_answers: #in_answers },)
            })
    });
    let secret_params = ir.operations.iter().flat_map(|op| {
        op.params.iter().filter(|p| !p.secret.is_empty()).map(|p| {
            let name = &p.wire_name;
            quote!(#name,)
        })
    });
    quote! {
        //! What the fake Atlas and the recorder of the `testing` feature know of the spec.
        use crate::testing::tables::{Family, SecretField, Walk};

        /// Every resource family: a collection, its items and their operations.
        pub(crate) static FAMILIES: &[Family] = &[#(#families)*];
        /// Every long-running (operation, version) pair, and how its resource walks.
        pub(crate) static WALKS: &[Walk] = &[#(#walks)*];
        /// The first success status of each (operation, version) pair.
        pub(crate) static SUCCESS_STATUS: &[(&str, &str, u16)] = &[#(#statuses)*];
        /// Every field whose value `Debug` hides (`reports/redacted.md`).
        pub(crate) static SECRET_FIELDS: &[SecretField] = &[#(#secrets)*];
        /// The request parameters whose value `Debug` hides.
        pub(crate) static SECRET_PARAMETERS: &[&str] = &[#(#secret_params)*];
    }
}
