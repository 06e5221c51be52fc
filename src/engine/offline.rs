//! Offline rendering: the same Plan and the same process function as
//! playback, fed by reading the tracks synchronously instead of from the
//! butler's rings. A bounce therefore equals what is heard.

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
}

impl<'a> OfflineRenderer<'a> {
    pub fn new(plan: Plan, pool: &'a MediaPool) -> OfflineRenderer<'a> {
        let reader = SessionReader::new(plan.playlists.len(), plan.max_block);
        OfflineRenderer { plan, reader, pool }
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Render timeline samples `start..start + frames` (at most `max_block`)
    /// into the plan's output buffers.
    pub fn render(&mut self, start: u64, frames: usize) -> io::Result<()> {
        let frames = frames.min(self.plan.max_block);
        let playlists = Arc::clone(&self.plan.playlists);
        let result = self.reader.read(
            &playlists,
            self.pool,
            start,
            frames,
            &mut self.plan.track_inputs,
        );
        process(&mut self.plan, start, frames);
        result
    }
}
