//! What the tests on the pinned spec share: one generation from it, found the way every
//! xtask command finds it (`--spec`, `$ATLAS_SPEC`, `spec/atlas-api.yaml`, the shared copy)
//! and checked against `spec/atlas-api.pin`.

#![allow(dead_code)] // Each test crate uses a different part of this module.

use std::sync::OnceLock;

use xtask::Generation;

/// One generation from the pinned spec, shared by the tests of a test crate.
pub fn pinned() -> &'static Generation {
    static GENERATION: OnceLock<Generation> = OnceLock::new();
    GENERATION.get_or_init(|| {
        xtask::generate(&xtask::workspace_root(), None)
            .unwrap_or_else(|e| panic!("cannot generate from the pinned spec:\n{e}"))
    })
}
