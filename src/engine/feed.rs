//! Track feeds: one lock-free ring per track carrying the track's audio,
//! prefaded and interleaved, from the butler (producer) to the realtime
//! thread (consumer), and the atomics the two use to agree on where the
//! audio in the rings comes from.
//!
//! A locate is a handshake, so that no stale audio is ever played and neither
//! side waits on the other:
//! 1. the realtime thread stores the position, the loop, then a new
//!    generation, and from then on discards whatever it finds in the rings;
//! 2. the butler sees the new generation, stops pushing, and says so
//!    (`butler_gen`);
//! 3. the realtime thread empties the rings once more and says they are
//!    clean (`flushed_gen`);
//! 4. the butler reads from the new position; the realtime thread rolls once
//!    the rings hold enough.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use ringbuf::traits::{Consumer, Observer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};

/// Frames each track's ring holds (about 1.4 s at 48 kHz).
pub const FEED_FRAMES: usize = 65_536;

/// What the realtime thread and the butler share.
#[derive(Debug, Default)]
pub struct FeedSync {
    /// The generation of the latest locate (stored last, with Release).
    pub seek_gen: AtomicU64,
    pub seek_pos: AtomicU64,
    /// The loop range in force for this generation; `loop_end == 0`: none.
    pub loop_start: AtomicU64,
    pub loop_end: AtomicU64,
    /// The feed set the realtime thread is reading (stored after `seek_gen`).
    pub feeds_id: AtomicU64,
    /// The butler has stopped pushing audio of earlier generations.
    pub butler_gen: AtomicU64,
    /// The realtime thread has emptied the rings for this generation.
    pub flushed_gen: AtomicU64,
    /// Asks the butler to finish.
    pub quit: AtomicBool,
}

impl FeedSync {
    /// The loop for the current generation, as the butler should read it.
    pub fn loop_range(&self) -> Option<(u64, u64)> {
        let end = self.loop_end.load(Ordering::Acquire);
        let start = self.loop_start.load(Ordering::Acquire);
        (end > start).then_some((start, end))
    }
}

/// The butler's side of a feed set.
pub struct FeedWriters {
    pub id: u64,
    pub rings: Vec<HeapProd<f32>>,
    pub channels: Vec<usize>,
}

impl FeedWriters {
    /// Frames that every ring has room for.
    pub fn vacant_frames(&self) -> usize {
        self.rings
            .iter()
            .zip(&self.channels)
            .map(|(r, &c)| r.vacant_len() / c)
            .min()
            .unwrap_or(0)
    }
}

/// The realtime side of a feed set, with its scratch space.
pub struct FeedReaders {
    pub id: u64,
    rings: Vec<HeapCons<f32>>,
    channels: Vec<usize>,
    /// Frames each track still owes: audio that arrived too late and was
    /// played as silence, skipped when it turns up.
    deficit: Vec<usize>,
    scratch: Vec<f32>,
}

/// A feed set for tracks of `channels`, identified by `id`.
pub fn feeds(id: u64, channels: &[usize], max_block: usize) -> (FeedWriters, FeedReaders) {
    let (rings_w, rings_r): (Vec<_>, Vec<_>) = channels
        .iter()
        .map(|&c| HeapRb::<f32>::new(FEED_FRAMES * c).split())
        .unzip();
    (
        FeedWriters {
            id,
            rings: rings_w,
            channels: channels.to_vec(),
        },
        FeedReaders {
            id,
            rings: rings_r,
            channels: channels.to_vec(),
            deficit: vec![0; channels.len()],
            scratch: vec![0.0; max_block * 2],
        },
    )
}

impl std::fmt::Debug for FeedReaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedReaders")
            .field("id", &self.id)
            .field("tracks", &self.channels.len())
            .finish()
    }
}

impl FeedReaders {
    /// Throw away everything in the rings (and any debt).
    pub fn discard(&mut self) {
        for r in &mut self.rings {
            r.skip(r.occupied_len());
        }
        self.deficit.fill(0);
    }

    /// Frames that every ring holds.
    pub fn ready_frames(&self) -> usize {
        self.rings
            .iter()
            .zip(&self.channels)
            .map(|(r, &c)| r.occupied_len() / c)
            .min()
            .unwrap_or(usize::MAX)
    }

    /// Take `frames` frames of every track into `inputs[t][c][..frames]`.
    /// A ring that runs dry gives silence for the rest; returns how many
    /// tracks ran dry.
    pub fn pull(&mut self, frames: usize, inputs: &mut [Vec<Vec<f32>>]) -> usize {
        let mut dry = 0;
        for (t, ring) in self.rings.iter_mut().enumerate() {
            let ch = self.channels[t];
            // Audio owed from an earlier underrun is stale: skip it first.
            if self.deficit[t] > 0 {
                let skip = self.deficit[t].min(ring.occupied_len() / ch);
                ring.skip(skip * ch);
                self.deficit[t] -= skip;
            }
            let have = (ring.occupied_len() / ch).min(frames);
            let got = ring.pop_slice(&mut self.scratch[..have * ch]) / ch;
            let input = &mut inputs[t];
            for (c, plane) in input.iter_mut().enumerate().take(ch) {
                for (k, s) in plane[..got].iter_mut().enumerate() {
                    *s = self.scratch[k * ch + c];
                }
                plane[got..frames].fill(0.0);
            }
            if got < frames {
                self.deficit[t] += frames - got;
                dry += 1;
            }
        }
        dry
    }
}

/// The shared state for one engine.
pub fn sync() -> Arc<FeedSync> {
    Arc::new(FeedSync::default())
}
