//! The memory bound of decoding, enforced on every decoding call a target makes.
//!
//! atlas-generated documents its bound in `runtime::limits`: a decoding of `n` bytes
//! holds at most `limits::held_at_most(n)` (its memory budget, `MEMORY_PER_BODY_BYTE × n +
//! MEMORY_FLOOR`, and what it holds beyond, `HELD_BEYOND_BUDGET_PER_BODY_BYTE × n`).
//! [`bound`] is that worst case, from the crate's own function. [`Counting`], the global allocator of the fuzz targets and of the
//! regression test, counts what the current thread holds; inside [`bounded`], an
//! allocation that would go over the bound aborts the process with a message naming the
//! body's length, before it is made. libFuzzer records such an abort as a crash, with the
//! input; `-rss_limit_mb` (set by `cargo xtask fuzz` from the same constants) catches what
//! grows outside a decoding.
//!
//! Only decoding is bounded: formatting and re-encoding what was decoded are not part of
//! the promise.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;
use std::io::Write as _;

use atlas_generated::runtime::limits::held_at_most;

/// The longest input the targets are given (libFuzzer's `-max_len`, set by
/// `cargo xtask fuzz` from this constant).
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// The bound for a body of `len` bytes. `cargo xtask fuzz` computes the same from
/// `atlas-generated/src/runtime/limits.rs`, for `-rss_limit_mb`.
#[must_use]
pub const fn bound(len: usize) -> usize {
    held_at_most(len)
}

thread_local! {
    /// Bytes this thread holds: allocated minus freed (it can go below zero when it frees
    /// what another thread allocated).
    static HELD: Cell<isize> = const { Cell::new(0) };
    /// Inside [`bounded`]: what `HELD` was at its start, the bound, and the body's length.
    static LIMIT: Cell<Option<Limit>> = const { Cell::new(None) };
}

#[derive(Clone, Copy)]
struct Limit {
    start: isize,
    bound: usize,
    body: usize,
}

/// Runs `decode`, a decoding of a body of `body_len` bytes, aborting the process if it ever
/// holds more heap than [`bound`]`(body_len)`.
pub fn bounded<R>(body_len: usize, decode: impl FnOnce() -> R) -> R {
    struct Restore(Option<Limit>);
    impl Drop for Restore {
        fn drop(&mut self) {
            LIMIT.set(self.0);
        }
    }
    let limit = Limit {
        start: HELD.get(),
        bound: bound(body_len),
        body: body_len,
    };
    let _restore = Restore(LIMIT.replace(Some(limit)));
    decode()
}

/// Counts `grown` more bytes held by this thread, aborting (after saying why) when that
/// goes over the bound of the decoding under way.
fn admit(grown: usize) {
    let held = HELD
        .get()
        .saturating_add(isize::try_from(grown).unwrap_or(isize::MAX));
    if let Some(limit) = LIMIT.get() {
        let used = usize::try_from(held.saturating_sub(limit.start)).unwrap_or(0);
        if used > limit.bound {
            over(limit, used);
        }
    }
    HELD.set(held);
}

fn release(shrunk: usize) {
    let shrunk = isize::try_from(shrunk).unwrap_or(isize::MAX);
    HELD.set(HELD.get().saturating_sub(shrunk));
}

/// Reports a decoding that would hold `used` bytes, over its bound, without allocating,
/// and aborts.
#[cold]
fn over(limit: Limit, used: usize) -> ! {
    // No further bound while reporting (writing to stderr must not come back here).
    LIMIT.set(None);
    let mut message = Message::default();
    let _ = writeln!(
        message,
        "atlas-fuzz: decoding a {}-byte body would hold {used} bytes of heap, over its bound \
         of {} (runtime::limits::held_at_most)",
        limit.body, limit.bound
    );
    let _ = std::io::stderr().write_all(message.as_bytes());
    std::process::abort();
}

/// A message written into a fixed buffer, for the allocator, which must not allocate.
struct Message {
    buf: [u8; 256],
    len: usize,
}

impl Default for Message {
    fn default() -> Self {
        Message {
            buf: [0; 256],
            len: 0,
        }
    }
}

impl Message {
    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl std::fmt::Write for Message {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let room = self.buf.len() - self.len;
        let n = s.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// The system allocator, counting what each thread holds for [`bounded`]. Install it as
/// the `#[global_allocator]` of a program that calls [`bounded`].
pub struct Counting;

// SAFETY: every method forwards to `System` with the caller's arguments; the bookkeeping
// around it only reads and writes this thread's counters (const-initialised, without
// destructors, so usable at any time) and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        admit(layout.size());
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        admit(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        release(layout.size());
        // SAFETY: `ptr` was allocated by `System` (every allocation goes through it) with
        // `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            admit(new_size - layout.size());
        } else {
            release(layout.size() - new_size);
        }
        // SAFETY: as for `dealloc`, and the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
