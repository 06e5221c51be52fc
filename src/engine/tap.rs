//! The loudness tap: the realtime thread's copy of each cycle's DX, MX, FX,
//! M&E and printmaster, on its way to the live loudness meters, which run
//! on a worker thread ([`super::live_loudness`]) because BS.1770 with true
//! peak costs too much for the audio callback.
//!
//! Two preallocated lock-free rings: one of samples, one of block headers.
//! For each block the realtime thread pushes every output's channels, plane
//! after plane, then a header saying how many frames, how many channels,
//! where on the timeline they came from and in which locate generation.
//! When either ring lacks room the whole block is dropped and counted:
//! the realtime thread never waits for the meters.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ringbuf::traits::{Consumer, Observer, Producer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};

use super::plan::Plan;

/// The outputs the tap carries, in this order.
pub const TAP_OUTPUTS: usize = 5;
/// Frames the sample ring holds, per channel of every output (about 0.7 s
/// at 48 kHz).
pub const TAP_FRAMES: usize = 32_768;
/// Block headers the header ring holds.
const TAP_BLOCKS: usize = 1024;

/// One block in the tap: `frames` frames of `channels` channels for each of
/// the [`TAP_OUTPUTS`] outputs follow in the sample ring, output by output,
/// channel by channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TapBlock {
    pub frames: u32,
    pub channels: u8,
    /// The timeline sample of the first frame.
    pub position: u64,
    /// The transport's locate generation when the block was played.
    pub generation: u64,
}

impl TapBlock {
    /// Samples of this block in the sample ring.
    pub fn samples(&self) -> usize {
        self.frames as usize * self.channels as usize * TAP_OUTPUTS
    }
}

/// The realtime thread's end.
pub struct TapWriter {
    samples: HeapProd<f32>,
    blocks: HeapProd<TapBlock>,
    dropped: Arc<AtomicU64>,
}

/// The meters' end.
pub struct TapReader {
    samples: HeapCons<f32>,
    blocks: HeapCons<TapBlock>,
    dropped: Arc<AtomicU64>,
}

impl std::fmt::Debug for TapWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TapWriter").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for TapReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TapReader").finish_non_exhaustive()
    }
}

/// A tap for outputs of up to `channels` channels, holding `frames` frames.
pub fn tap(channels: usize, frames: usize) -> (TapWriter, TapReader) {
    let (mut samples_w, mut samples_r) =
        HeapRb::<f32>::new(frames * channels.max(1) * TAP_OUTPUTS).split();
    // Touch every page here, so the realtime thread's first pass through
    // the ring does not take page faults.
    let zeros = vec![0f32; samples_w.vacant_len()];
    samples_w.push_slice(&zeros);
    samples_r.skip(zeros.len());
    let (blocks_w, blocks_r) = HeapRb::<TapBlock>::new(TAP_BLOCKS).split();
    let dropped = Arc::new(AtomicU64::new(0));
    (
        TapWriter {
            samples: samples_w,
            blocks: blocks_w,
            dropped: Arc::clone(&dropped),
        },
        TapReader {
            samples: samples_r,
            blocks: blocks_r,
            dropped,
        },
    )
}

impl TapWriter {
    /// Copy the first `frames` frames of the Plan's stems, M&E and
    /// printmaster into the tap, or drop and count them when it is full.
    /// Realtime-safe: no allocation, no lock, no waiting.
    pub fn push(&mut self, plan: &Plan, frames: usize, position: u64, generation: u64) {
        if frames == 0 {
            return;
        }
        let [dx, mx, fx] = &plan.stem_buffers;
        let outputs = [dx, mx, fx, &plan.me_buffer, &plan.printmaster_buffer];
        let block = TapBlock {
            frames: frames as u32,
            channels: plan.channels as u8,
            position,
            generation,
        };
        if self.samples.vacant_len() < block.samples() || self.blocks.is_full() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        for plane in outputs.iter().flat_map(|b| b.iter()) {
            self.samples.push_slice(&plane[..frames]);
        }
        // The header goes last, so the reader never sees a block before its samples.
        let _ = self.blocks.try_push(block);
    }
}

impl TapReader {
    /// The next block: its header and its samples in `into` (cleared and
    /// refilled; `[k * channels + c]` planes of `frames` each, flattened).
    pub fn pop(&mut self, into: &mut Vec<f32>) -> Option<TapBlock> {
        let block = self.blocks.try_pop()?;
        into.resize(block.samples(), 0.0);
        let got = self.samples.pop_slice(into);
        into.truncate(got);
        Some(block)
    }

    /// Blocks dropped so far because the tap was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Blocks waiting.
    pub fn pending(&self) -> usize {
        self.blocks.occupied_len()
    }
}
