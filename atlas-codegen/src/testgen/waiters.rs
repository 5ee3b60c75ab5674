//! Every long-running (operation, API version) pair, as the request type that implements
//! `Waitable`: `tests/testing_kit/waiters.rs` runs each against the `testing` feature's fake Atlas.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::tokens::ident;
use crate::ir::Ir;

pub fn emit(ir: &Ir) -> TokenStream {
    let runs = ir.operations.iter().flat_map(|op| {
        let module = ident(&ir.tags[op.tag].module);
        op.versions.iter().filter(|v| v.waiter.is_some()).map(move |v| {
            let (id, version) = (&op.operation_id, v.version.as_str());
            let ty = ident(&v.endpoints[0].type_name);
            quote! {
                super::Run { operation_id: #id, version: #version, run: super::run::<atlas_generated::operations::#module::#ty> },
            }
        })
    });
    quote! {
        //! Every long-running (operation, API version) pair and its request type. Driven by
        //! `tests/testing_kit/waiters.rs`.
        pub const RUNS: &[super::Run] = &[#(#runs)*];
    }
}
