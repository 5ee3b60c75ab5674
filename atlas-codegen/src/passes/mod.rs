//! IR → IR: decisions that need the whole IR, made once, after lowering and before
//! emitting, in this order: [`tags`] decides who writes each discriminator tag (a subtype
//! loses the fields that would let it disagree with its variant); [`context`] types a
//! subtype's field as the branch of its untagged union that the subtype's tag names;
//! [`unused`] drops the
//! inline types nothing refers to any more; [`cycles`] boxes the
//! fields that make types recursive; [`defaults`] says which structs have `Default`;
//! [`endpoints`] decides the request types of every (operation, version).

mod context;
mod cycles;
mod defaults;
mod endpoints;
mod tags;
mod unused;

use crate::ir::Ir;

/// Runs every pass, in order.
pub fn run(ir: &mut Ir) {
    tags::assign_tags(ir);
    context::narrow_fields(ir);
    unused::drop_unused_types(ir);
    cycles::box_recursive_fields(ir);
    defaults::derive_defaults(ir);
    endpoints::plan_endpoints(ir);
}
