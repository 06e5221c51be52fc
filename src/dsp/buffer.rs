//! Buffers the audio thread will run through, made off it: zeroed and with
//! every page written here, so that the first pass through a delay line or
//! a ring in the process callback takes no page faults (a large `vec![0.0;
//! n]` is mapped lazily by the kernel, page by page on first touch).

/// `len` zeros, in memory.
pub fn zeroed(len: usize) -> Vec<f32> {
    // The compiler may not assume the allocation is still zero after the
    // black box, so the fill below is done and touches every page.
    let mut v = std::hint::black_box(vec![0.0f32; len]);
    v.fill(0.0);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Minor page faults of this thread so far.
    fn faults() -> i64 {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: getrusage writes the struct it is given.
        let r = unsafe { libc::getrusage(libc::RUSAGE_THREAD, usage.as_mut_ptr()) };
        assert_eq!(r, 0);
        // SAFETY: filled in by the successful call above.
        unsafe { usage.assume_init() }.ru_minflt
    }

    #[test]
    fn a_zeroed_buffer_is_touched_when_made() {
        // 64 MiB: above glibc's largest mmap threshold, so both come
        // fresh from the kernel.
        let len = 16 << 20;
        let mut lazy = vec![0.0f32; len];
        let before = faults();
        for x in lazy.iter_mut().step_by(1024) {
            *x = 1.0;
        }
        assert!(
            faults() - before > 10_000,
            "the plain vector faults its pages in"
        );

        let mut ready = zeroed(len);
        let before = faults();
        for x in ready.iter_mut().step_by(1024) {
            *x = 1.0;
        }
        assert!(faults() - before < 10, "{} faults", faults() - before);
        assert!(ready.iter().step_by(1024).all(|&x| x == 1.0));
    }
}
