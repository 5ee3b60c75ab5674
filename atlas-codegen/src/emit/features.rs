//! The cargo features of `atlas-generated`: a feature per tag, and `full`. The generator
//! owns these lines of `atlas-generated/Cargo.toml`, between [`BEGIN`] and [`END`].

use crate::ir::{Gate, Ir};

/// The line before the generated features.
pub const BEGIN: &str = "# @generated features: a feature per tag (`cargo xtask codegen` writes the lines up to the end marker).";
/// The line after them.
pub const END: &str = "# @generated features end";

/// The lines between the markers: `full`, then each tag's feature, named as its module.
pub fn cargo_features(ir: &Ir) -> String {
    let tags = by_feature(ir);
    let mut out = String::from("# Every tag, and the models no operation uses.\nfull = [\n");
    for &tag in &tags {
        out.push_str(&format!("    \"{}\",\n", ir.tags[tag].module));
    }
    out.push_str("]\n");
    for tag in tags {
        let (operations, models) = (operation_count(ir, tag), model_count(ir, tag));
        out.push_str(&format!(
            "# `{}`: {operations} operations, {models} models.\n{} = []\n",
            ir.tags[tag].name, ir.tags[tag].module
        ));
    }
    out
}

/// Every tag (its index), in the order of its feature's name.
pub fn by_feature(ir: &Ir) -> Vec<usize> {
    let mut tags: Vec<usize> = (0..ir.tags.len()).collect();
    tags.sort_by_key(|&t| &ir.tags[t].module);
    tags
}

/// How many operations tag `tag` has.
pub fn operation_count(ir: &Ir, tag: usize) -> usize {
    ir.operations.iter().filter(|op| op.tag == tag).count()
}

/// How many models a build with only tag `tag`'s feature compiles.
pub fn model_count(ir: &Ir, tag: usize) -> usize {
    ir.types
        .iter()
        .filter(|def| match &def.gate {
            Gate::Always => true,
            Gate::Tags(tags) => tags.contains(&tag),
            Gate::Full => false,
        })
        .count()
}
