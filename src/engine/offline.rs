//! Offline rendering: the same Plan and the same process function as
//! playback, fed by reading the tracks synchronously instead of from the
//! butler's rings. A bounce therefore equals what is heard.
//!
//! When output limiters are on, the outputs come out late by their
//! lookahead ([`super::output`]); the renderer reads that far ahead of the
//! position asked for, so what it hands back for `start..start + frames`
//! is that span of the timeline, on time, exactly as playback sounds it
//! (only later).

use std::io;
use std::sync::Arc;

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
        let latency = self.plan.output.latency() as u64;
        let mut result = Ok(());
        if self.next != Some(start) && latency > 0 {
            // Fill the limiters' lookahead with the audio from `start` on;
            // what comes out meanwhile is the silence they started with.
            self.plan.output.reset();
            let mut primed = 0;
            while primed < latency {
                let n = (latency - primed).min(self.plan.max_block as u64) as usize;
                result = result.and(self.block(start + primed, n));
                primed += n as u64;
            }
        }
        result = result.and(self.block(start + latency, frames));
        self.next = Some(start + frames as u64);
        result
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
