//! An allocator that remembers the largest single allocation the program
//! asks for, so a test can show that no untrusted count in a file sized
//! one. A `#[global_allocator]` is declared once per test binary:
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOCATOR: common::largest::Largest = common::largest::Largest;
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting the largest request.
pub struct Largest;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

/// The largest single allocation since the start or the last [`reset`].
pub fn largest() -> usize {
    LARGEST.load(Ordering::Relaxed)
}

/// Starts counting anew.
pub fn reset() {
    LARGEST.store(0, Ordering::Relaxed);
}
