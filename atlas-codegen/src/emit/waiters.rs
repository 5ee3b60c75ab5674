//! `runtime::Waitable` for each long-running request type, as the waiters pass resolved
//! it, and the line of its docs that says how a wait ends.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, type_tokens};
use crate::ir::{
    ArmText, BranchArm, FieldStep, Ir, OperationVersion, Presence, TypeRef, WaitExpect, WaitSource,
    Waiter,
};

/// The impl for the version's main request type. Its functions are `#[inline]`, as the
/// models' are: compiled where a wait uses them, not for every waiter in every build.
pub fn waitable_impl(ir: &Ir, v: &OperationVersion, w: &Waiter) -> TokenStream {
    let name = ident(&v.endpoints[0].type_name);
    let polled = &ir.operations[w.poll];
    let poll_version = &polled.versions[w.poll_version];
    // The pass keeps the GET in the operation's tag, whose module re-exports it.
    let poll_name = ident(&poll_version.endpoints[0].type_name);
    let poll = quote!(super::#poll_name);
    let poll_id = &polled.operation_id;
    let poll_type = poll_version.main_success_json();
    let resource = match poll_type {
        Some(ty) => type_tokens(ir, ty),
        None => quote!(<#poll as crate::runtime::Endpoint>::Success),
    };
    // A struct literal rather than `new`: no generic `impl Into<String>` to instantiate.
    let fields = polled.params.iter().map(|param| {
        let field = ident(&param.ident);
        let Some(arg) = w.args.iter().find(|a| a.wire_name == param.wire_name) else {
            return quote!(#field: None,);
        };
        let text = match &arg.source {
            WaitSource::Input { ident: field } => {
                let field = ident(field);
                quote!(self.#field.as_str())
            }
            WaitSource::Answer(path) => text_at(
                ir,
                quote!(answer),
                &path.steps,
                &Missing::ReturnErr(&path.json),
            ),
        };
        let value = match arg.into_enum {
            Some(id) => {
                let ty = type_tokens(ir, &TypeRef::Named(id));
                quote!(#ty::from(#text))
            }
            None => quote!(#text.to_owned()),
        };
        quote!(#field: #value,)
    });
    let uses_answer = w
        .args
        .iter()
        .any(|a| matches!(a.source, WaitSource::Answer(_)));
    let unused_answer = (!uses_answer).then(|| quote!(let _ = answer;));
    let (output, output_fn, state_fn, path, targets, failures, gone) = match &w.expect {
        WaitExpect::Gone => (
            quote!(()),
            quote!(let _ = resource; Some(())),
            quote!(let _ = resource; None),
            String::new(),
            Vec::new(),
            Vec::new(),
            true,
        ),
        WaitExpect::State {
            path,
            targets,
            failures,
            ..
        } => (
            resource.clone(),
            quote!(resource),
            {
                let text = text_at(ir, quote!(resource), &path.steps, &Missing::ReturnNone);
                quote!(Some(#text))
            },
            path.json.clone(),
            targets.clone(),
            failures.clone(),
            false,
        ),
    };
    let answer_state = w.answer_state.as_ref().map(|path| {
        // An answer of the polled type reads its state as a poll does.
        let text = if poll_type.is_some() && v.main_success_json() == poll_type {
            quote!(<Self as crate::runtime::Waitable>::state(answer))
        } else {
            let text = text_at(ir, quote!(answer), &path.steps, &Missing::ReturnNone);
            quote!(Some(#text))
        };
        quote! {
            #[inline]
            fn answer_state(answer: &Self::Success) -> Option<&str> {
                #text
            }
        }
    });
    let after_change = w.after_change;
    quote! {
        impl crate::runtime::Waitable for #name {
            type Poll = #poll;
            type Output = #output;
            const RULE: crate::runtime::WaitRule = crate::runtime::WaitRule {
                poll_operation: #poll_id,
                state_path: #path,
                targets: &[#(#targets),*],
                failures: &[#(#failures),*],
                ends_when_gone: #gone,
                after_change: #after_change,
            };
            #[inline]
            fn poll_request(&self, answer: &Self::Success) -> Result<Self::Poll, &'static str> {
                #unused_answer
                Ok(#poll { #(#fields)* })
            }
            #[inline]
            fn state(resource: &#resource) -> Option<&str> {
                #state_fn
            }
            #answer_state
            #[inline]
            fn output(resource: Option<#resource>) -> Option<Self::Output> {
                #output_fn
            }
        }
    }
}

/// What a step that finds no value does: `?` in a function returning `Option`, or
/// returning the path as the error of one returning `Result`.
enum Missing<'a> {
    ReturnNone,
    ReturnErr(&'a str),
}

impl Missing<'_> {
    /// After an `Option` step.
    fn question(&self) -> TokenStream {
        match self {
            Missing::ReturnNone => quote!(?),
            Missing::ReturnErr(json) => quote!(.ok_or(#json)?),
        }
    }

    /// In an arm that has nothing.
    fn ret(&self) -> TokenStream {
        match self {
            Missing::ReturnNone => quote!(return None),
            Missing::ReturnErr(json) => quote!(return Err(#json)),
        }
    }
}

/// An expression of the text (`&str`) the path's `steps` lead to from `root`.
fn text_at(ir: &Ir, root: TokenStream, steps: &[FieldStep], missing: &Missing) -> TokenStream {
    // `root` is a reference; a field below it is a place.
    let mut expr = root;
    let mut place = false;
    for step in steps {
        match step {
            FieldStep::Field {
                ident: field,
                presence,
            } => {
                let field = ident(field);
                let question = missing.question();
                expr = match presence {
                    Presence::Required => quote!(#expr.#field),
                    Presence::Optional | Presence::RequiredNullable => {
                        quote!(#expr.#field.as_ref() #question)
                    }
                    Presence::OptionalNullable => {
                        quote!(#expr.#field.as_ref().and_then(Option::as_ref) #question)
                    }
                };
                place = matches!(presence, Presence::Required);
            }
            FieldStep::Branches {
                union,
                arms,
                catch_all,
            } => {
                let union = type_tokens(ir, &TypeRef::Named(*union));
                let arms = arms.iter().map(|arm| branch_arm(ir, &union, arm, missing));
                let none = missing.ret();
                let rest = catch_all.then(|| quote!(_ => #none,));
                let borrow = place.then(|| quote!(&));
                return quote!(match #borrow #expr { #(#arms)* #rest });
            }
        }
    }
    quote!(#expr.as_str())
}

/// One arm of the `match` on a union on the path.
fn branch_arm(ir: &Ir, union: &TokenStream, arm: &BranchArm, missing: &Missing) -> TokenStream {
    let variant = ident(&arm.variant);
    let (pattern, text) = match &arm.text {
        ArmText::Steps(steps) => (quote!(value), text_at(ir, quote!(value), steps, missing)),
        ArmText::Tag(tag) => (quote!(_), quote!(#tag)),
        ArmText::CarriedTag(field) => {
            let field = ident(field);
            (quote!(_), quote!(#field.as_str()))
        }
    };
    match (&arm.text, arm.carries_tag) {
        (ArmText::CarriedTag(field), _) => {
            let field = ident(field);
            quote!(#union::#variant { #field, .. } => #text,)
        }
        (_, true) => quote!(#union::#variant { value: #pattern, .. } => #text,),
        (_, false) => quote!(#union::#variant(#pattern) => #text,),
    }
}

/// The docs line of a request type that has a waiter.
pub fn waiter_doc(ir: &Ir, w: &Waiter) -> String {
    let poll = &ir.operations[w.poll];
    let poll_type = &poll.versions[w.poll_version].endpoints[0].type_name;
    let ends = match &w.expect {
        WaitExpect::Gone => "until it answers `404`".to_owned(),
        WaitExpect::State {
            path,
            targets,
            failures,
            ..
        } => {
            let list = |values: &[String]| {
                values
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            };
            let mut text = format!("until `{}` is {}", path.json, list(targets));
            if !failures.is_empty() {
                text.push_str(&format!(" (failed: {})", list(failures)));
            }
            if w.after_change {
                text.push_str(", once the change has begun");
            }
            text
        }
    };
    format!(
        "- Long-running: `Client::send_and_wait` sends it, then polls [`{poll_type}`](crate::operations::{poll_type}) {ends}"
    )
}
