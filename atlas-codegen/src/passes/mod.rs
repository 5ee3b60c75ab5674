//! IR → IR: decisions that need the whole IR, made once, after lowering and before
//! emitting. [`cycles`] boxes the fields that make types recursive; [`endpoints`] decides
//! the request types of every (operation, version).

mod cycles;
mod endpoints;

use crate::ir::Ir;

/// Runs every pass, in order.
pub fn run(ir: &mut Ir) {
    cycles::box_recursive_fields(ir);
    endpoints::plan_endpoints(ir);
}
