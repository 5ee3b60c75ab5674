//! IR → IR: decisions that need the whole IR, made once, after lowering and before
//! emitting, in this order:
//!
//! 1. [`tags`] decides who writes each discriminator tag (a subtype loses the fields that
//!    would let it disagree with its variant);
//! 2. [`context`] types a subtype's field as the branch of its untagged union that the
//!    subtype's tag names;
//! 3. [`unused`] drops the inline types nothing refers to any more;
//! 4. [`shared_names`] names the inline types several types' properties share after what
//!    the uses have in common, and [`published_names`] gives back the names a previous
//!    crate published (its record), which win over every other rule;
//! 5. [`shapes`] gives the object branches of untagged unions the shape they are ranked by;
//! 6. [`cycles`] boxes the fields that make types recursive;
//! 7. [`defaults`] says which structs have `Default`;
//! 8. [`zeros`] gives the types a required field can hold the zero value a response's
//!    missing field takes;
//! 9. [`endpoints`] decides the request types of every (operation, version), and
//!    [`request_aliases`] keeps the names published before for those of an operation the
//!    spec renamed, as deprecated aliases;
//! 10. [`pagination`] decides which of them are lists, and how each asks for a page and
//!     reads one, and [`families`] which operations act on one collection and its items;
//! 11. [`features`] decides which cargo features (a feature per tag) compile each model;
//! 12. [`secrets`] marks the fields and parameters whose values `Debug` hides;
//! 13. [`type_aliases`] keeps the names published before for types the spec renamed (same
//!     content), as deprecated aliases: last, as it compares the whole surface.
//!
//! [`waiters`] runs after them all, when the generation has `spec/waiters.yaml`: it checks
//! each entry against the spec, which can fail, and says how to wait for each
//! long-running (operation, version).

mod context;
mod cycles;
mod defaults;
mod endpoints;
pub(crate) mod families;
pub(crate) mod features;
pub(crate) mod pagination;
mod published_names;
mod request_aliases;
pub(crate) mod secrets;
mod shapes;
mod shared_names;
mod tags;
mod type_aliases;
mod unused;
pub(crate) mod waiters;
mod zeros;

use crate::diff::Surface;
use crate::ir::Ir;

/// Runs every pass, in order; `published` is the surface of the crate generated before, whose
/// names are kept.
pub fn run(ir: &mut Ir, published: Option<&Surface>) {
    tags::assign_tags(ir);
    context::narrow_fields(ir);
    unused::drop_unused_types(ir);
    shared_names::name_shared_types(ir);
    if let Some(published) = published {
        published_names::keep_published_names(ir, published);
    }
    shapes::shape_branches(ir);
    cycles::box_recursive_fields(ir);
    defaults::derive_defaults(ir);
    zeros::plan_zeros(ir);
    endpoints::plan_endpoints(ir);
    if let Some(published) = published {
        request_aliases::alias_renamed_requests(ir, published);
    }
    pagination::plan_pagination(ir);
    families::find_families(ir);
    features::gate_models(ir);
    secrets::mark_secrets(ir);
    if let Some(published) = published {
        type_aliases::alias_renamed_types(ir, published);
    }
}
