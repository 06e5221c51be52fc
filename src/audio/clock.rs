//! The built-in clock: when no JACK server answers, a thread runs the same
//! realtime engine at real time with no audio out, so the console, meters
//! and transport still work (over SSH, on a machine without audio).

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::engine::realtime::Realtime;

/// Frames per clock cycle (about 5.3 ms at 48 kHz).
pub const CLOCK_BLOCK: usize = 256;

/// The clock thread; stops when dropped.
pub struct ClockBackend {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// Frames per cycle.
    pub block: usize,
}

impl ClockBackend {
    pub fn start(mut rt: Realtime, sample_rate: u32) -> std::io::Result<ClockBackend> {
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let late = AtomicU32::new(0);
        let thread = std::thread::Builder::new()
            .name("dubstage-clock".into())
            .spawn(move || {
                let period =
                    Duration::from_secs_f64(CLOCK_BLOCK as f64 / sample_rate.max(1) as f64);
                let mut next = Instant::now();
                while !thread_stop.load(Ordering::Acquire) {
                    rt.run(
                        CLOCK_BLOCK.min(rt.max_block()),
                        sample_rate,
                        late.load(Ordering::Acquire),
                    );
                    next += period;
                    let now = Instant::now();
                    if next > now {
                        std::thread::sleep(next - now);
                    } else if now - next > period * 4 {
                        // Far behind (the machine was suspended): count it and catch up at once.
                        late.fetch_add(1, Ordering::AcqRel);
                        next = now;
                    }
                }
            })?;
        Ok(ClockBackend {
            stop,
            thread: Some(thread),
            block: CLOCK_BLOCK,
        })
    }
}

impl Drop for ClockBackend {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
