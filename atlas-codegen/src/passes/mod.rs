//! IR → IR: decisions that need the whole IR, made once, after lowering and before
//! emitting. [`cycles`] boxes the fields that make types recursive; [`defaults`] says which
//! structs have `Default`; [`endpoints`] decides the request types of every (operation,
//! version).

mod cycles;
mod defaults;
mod endpoints;

use crate::ir::Ir;

/// Runs every pass, in order.
pub fn run(ir: &mut Ir) {
    cycles::box_recursive_fields(ir);
    defaults::derive_defaults(ir);
    endpoints::plan_endpoints(ir);
}
