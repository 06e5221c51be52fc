//! Offline rendering: the same Plan and the same process function as
//! playback, fed by reading the tracks synchronously instead of from the
//! butler's rings. A bounce therefore equals what is heard.

use std::io;

use super::plan::Plan;
use super::playlist::TrackReader;
use super::process::process;
use crate::media::pool::MediaPool;

/// Renders a Plan block by block, as fast as the disk and CPU allow.
pub struct OfflineRenderer<'a> {
    plan: Plan,
    readers: Vec<TrackReader>,
    pool: &'a MediaPool,
}

impl<'a> OfflineRenderer<'a> {
    pub fn new(plan: Plan, pool: &'a MediaPool) -> OfflineRenderer<'a> {
        let readers = plan
            .tracks
            .iter()
            .map(|_| TrackReader::new(plan.max_block))
            .collect();
        OfflineRenderer {
            plan,
            readers,
            pool,
        }
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Render timeline samples `start..start + frames` (at most `max_block`)
    /// into the plan's output buffers.
    pub fn render(&mut self, start: u64, frames: usize) -> io::Result<()> {
        let frames = frames.min(self.plan.max_block);
        let mut failure = None;
        for ((track, reader), input) in self
            .plan
            .tracks
            .iter()
            .zip(self.readers.iter_mut())
            .zip(self.plan.track_inputs.iter_mut())
        {
            if let Err(e) = reader.read(track, self.pool, start, frames, input) {
                failure.get_or_insert(io::Error::new(
                    e.kind(),
                    format!("track \"{}\": {e}", track.name),
                ));
            }
        }
        process(&mut self.plan, frames);
        failure.map_or(Ok(()), Err)
    }
}
