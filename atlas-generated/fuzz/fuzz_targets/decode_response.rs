//! A body decoded as the response of one (operation, API version) under one status, through
//! `dynamic::decode_response`: see `atlas_fuzz::decode_response` for the input's layout.
#![no_main]

#[global_allocator]
static ALLOCATOR: atlas_fuzz::memory::Counting = atlas_fuzz::memory::Counting;

libfuzzer_sys::fuzz_target!(
    init: atlas_fuzz::signals::catch_stack_overflows(),
    |data: &[u8]| atlas_fuzz::decode_response(data)
);
