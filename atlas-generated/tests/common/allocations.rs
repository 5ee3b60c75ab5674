//! A global allocator that counts, per thread, the bytes allocated and not yet freed, and
//! their peak: what the hostile-input tests hold decoding and the client to. Included by
//! the tests that measure (`#[path = "common/allocations.rs"] mod allocations;`); each
//! test binary has one global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static HELD: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(change: isize) {
    let _ = HELD.try_with(|held| {
        let now = held.get() + change;
        held.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is passed on to the system allocator unchanged; the counting only
// touches thread-locals that never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts measuring: the peak is reset to what this thread holds now, which is returned.
pub fn start() -> isize {
    let held = HELD.get();
    PEAK.set(held);
    held
}

/// The most bytes this thread held since [`start`] returned `before`, beyond `before`.
pub fn peak_since(before: isize) -> usize {
    usize::try_from(PEAK.get() - before).unwrap_or(0)
}
