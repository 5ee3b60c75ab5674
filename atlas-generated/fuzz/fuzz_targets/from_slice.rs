//! A body decoded by `runtime::from_slice` and serde as a pair's request body, `Value`,
//! `ApiError` or a recursive model: see `atlas_fuzz::from_slice` for the input's layout.
#![no_main]

#[global_allocator]
static ALLOCATOR: atlas_fuzz::memory::Counting = atlas_fuzz::memory::Counting;

libfuzzer_sys::fuzz_target!(
    init: atlas_fuzz::signals::catch_stack_overflows(),
    |data: &[u8]| atlas_fuzz::from_slice(data)
);
