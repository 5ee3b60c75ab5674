//! What the client does with an error answer: `ApiError`, an operation's `decode_response`
//! and its `ResponseError`, formatted: see `atlas_fuzz::error_body` for the input's layout.
#![no_main]

#[global_allocator]
static ALLOCATOR: atlas_fuzz::memory::Counting = atlas_fuzz::memory::Counting;

libfuzzer_sys::fuzz_target!(
    init: atlas_fuzz::signals::catch_stack_overflows(),
    |data: &[u8]| atlas_fuzz::error_body(data)
);
