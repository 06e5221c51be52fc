//! Offline rendering: the same Plan and the same process function as
//! playback, fed by reading the tracks synchronously instead of from the
//! butler's rings. A bounce therefore equals what is heard.
//!
//! When output limiters are on, the outputs come out late by their
//! lookahead ([`super::output`]); the renderer reads that far ahead of the
//! position asked for, so what it hands back for `start..start + frames`
//! is that span of the timeline, on time, exactly as playback sounds it
//! (only later).
//!
//! [`OfflineRenderer::run`] renders a whole range with the reading of each
//! block on a second thread while the block before it is mixed: reading
//! and decoding the media cost about as much as mixing them, so a bounce
//! keeps two cores busy before its writer and meters add their own work.

use std::io;
use std::sync::{mpsc, Arc};

use super::plan::Plan;
use super::playlist::SessionReader;
use super::process::process;
use crate::media::pool::MediaPool;

/// Renders a Plan block by block, as fast as the disk and CPU allow.
pub struct OfflineRenderer<'a> {
    plan: Plan,
    reader: SessionReader,
    pool: &'a MediaPool,
    /// The timeline sample the next output frame is, when rendering runs
    /// on from the last call.
    next: Option<u64>,
}

impl<'a> OfflineRenderer<'a> {
    pub fn new(plan: Plan, pool: &'a MediaPool) -> OfflineRenderer<'a> {
        let reader = SessionReader::new(plan.playlists.len(), plan.max_block);
        OfflineRenderer {
            plan,
            reader,
            pool,
            next: None,
        }
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Render timeline samples `start..start + frames` (at most `max_block`)
    /// into the plan's output buffers.
    pub fn render(&mut self, start: u64, frames: usize) -> io::Result<()> {
        let frames = frames.min(self.plan.max_block);
        let mut result = Ok(());
        for step in self.steps(start, start + frames as u64, frames.max(1)) {
            result = result.and(self.block(step.at, step.frames));
        }
        result
    }

    /// Render `start..end` in blocks of at most `block` frames (and at most
    /// `max_block`), each block's tracks read on another thread while the
    /// block before is mixed. `each(plan, frames)` sees every block's
    /// outputs and answers whether to go on. A read error stops the run.
    pub fn run(
        &mut self,
        start: u64,
        end: u64,
        block: usize,
        mut each: impl FnMut(&Plan, usize) -> bool,
    ) -> io::Result<()> {
        let steps = self.steps(start, end, block.clamp(1, self.plan.max_block));
        let playlists = Arc::clone(&self.plan.playlists);
        let spare = || self.plan.track_inputs.clone();
        let (free_tx, free_rx) = mpsc::sync_channel::<Inputs>(READ_AHEAD);
        let (full_tx, full_rx) = mpsc::sync_channel::<(Inputs, io::Result<()>)>(READ_AHEAD);
        for _ in 0..READ_AHEAD {
            let _ = free_tx.send(spare());
        }
        let Self {
            plan, reader, pool, ..
        } = self;
        let pool: &MediaPool = pool;
        let mut whole = true;
        let result = std::thread::scope(|scope| {
            let read_steps = steps.clone();
            scope.spawn(move || {
                for step in read_steps {
                    let Ok(mut inputs) = free_rx.recv() else {
                        return;
                    };
                    let read = reader.read(&playlists, pool, step.at, step.frames, &mut inputs);
                    if full_tx.send((inputs, read)).is_err() {
                        return;
                    }
                }
            });
            for step in steps {
                let Ok((mut inputs, read)) = full_rx.recv() else {
                    break;
                };
                if let Err(e) = read {
                    whole = false;
                    return Err(e);
                }
                std::mem::swap(&mut plan.track_inputs, &mut inputs);
                process(plan, step.at, step.frames);
                // The reader may have finished; the spare set is then dropped.
                let _ = free_tx.send(inputs);
                if step.emits && !each(plan, step.frames) {
                    whole = false;
                    break;
                }
            }
            // Dropping the channels lets the reader stop wherever it is.
            drop(free_tx);
            drop(full_rx);
            Ok(())
        });
        if !whole {
            // Stopped part-way: the next render starts afresh.
            self.next = None;
        }
        result
    }

    /// The blocks that render `start..end`: after a jump, the output
    /// limiters' lookahead is first filled with the audio from `start` on
    /// (what comes out meanwhile is the silence they started with, and is
    /// not handed back); then each block is read `latency` ahead.
    fn steps(&mut self, start: u64, end: u64, block: usize) -> Steps {
        let latency = self.plan.latency() as u64;
        let prime = if self.next != Some(start) && latency > 0 {
            self.plan.output.reset();
            latency
        } else {
            0
        };
        self.next = Some(end);
        Steps {
            start,
            latency,
            prime,
            primed: 0,
            done: 0,
            total: end.saturating_sub(start),
            block: block as u64,
            max_block: self.plan.max_block as u64,
        }
    }

    /// Read and process timeline samples `at..at + frames`.
    fn block(&mut self, at: u64, frames: usize) -> io::Result<()> {
        let playlists = Arc::clone(&self.plan.playlists);
        let result = self.reader.read(
            &playlists,
            self.pool,
            at,
            frames,
            &mut self.plan.track_inputs,
        );
        process(&mut self.plan, at, frames);
        result
    }
}

/// One block's track inputs, every track's channels.
type Inputs = Vec<Vec<Vec<f32>>>;

/// Blocks read ahead of the mix.
const READ_AHEAD: usize = 4;

/// One block to read and mix: `emits` when its output is the range's.
#[derive(Debug, Clone, Copy)]
struct Step {
    at: u64,
    frames: usize,
    emits: bool,
}

/// The blocks of one render, in order.
#[derive(Debug, Clone)]
struct Steps {
    start: u64,
    latency: u64,
    prime: u64,
    primed: u64,
    done: u64,
    total: u64,
    block: u64,
    max_block: u64,
}

impl Iterator for Steps {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        if self.primed < self.prime {
            let n = (self.prime - self.primed).min(self.max_block);
            let at = self.start + self.primed;
            self.primed += n;
            return Some(Step {
                at,
                frames: n as usize,
                emits: false,
            });
        }
        if self.done >= self.total {
            return None;
        }
        let n = (self.total - self.done).min(self.block);
        let at = self.start + self.latency + self.done;
        self.done += n;
        Some(Step {
            at,
            frames: n as usize,
            emits: true,
        })
    }
}
