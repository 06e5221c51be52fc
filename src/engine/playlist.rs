//! Reading a track: the clips that cover a span of the timeline, read from
//! their sources, looped where they fill room tone, with their prefades,
//! summed into one buffer per track channel. Offline bounces call this
//! synchronously; in playback the butler calls it ahead of the playhead.

use std::io;

use super::plan::{ClipPlan, Playlist};
use crate::dsp::fade::{fade_in_at, fade_out_at};
use crate::media::pool::MediaPool;
use crate::media::wav::WavReader;
use crate::model::FadeShape;

/// An open source file and whether the current block used it.
struct OpenSource {
    index: usize,
    reader: WavReader,
    used: bool,
}

/// Reads one track's clips. Keeps only the sources the current block needs open.
pub struct TrackReader {
    open: Vec<OpenSource>,
    /// Scratch for one clip's samples, one buffer per track channel, and a
    /// second set for the far side of a loop join.
    scratch: [Vec<f32>; 2],
    join: [Vec<f32>; 2],
}

impl TrackReader {
    pub fn new(max_block: usize) -> TrackReader {
        TrackReader {
            open: Vec::new(),
            scratch: [vec![0.0; max_block], vec![0.0; max_block]],
            join: [vec![0.0; max_block], vec![0.0; max_block]],
        }
    }

    /// Fill `out[c][..len]` with the track's audio for timeline samples
    /// `start..start + len`. A source that fails to read is silent and the
    /// error is returned after the rest of the block is done.
    pub fn read(
        &mut self,
        track: &Playlist,
        pool: &MediaPool,
        start: u64,
        len: usize,
        out: &mut [Vec<f32>],
    ) -> io::Result<()> {
        for o in out.iter_mut().take(track.channels) {
            o[..len].fill(0.0);
        }
        for s in self.open.iter_mut() {
            s.used = false;
        }
        let end = start + len as u64;
        let last = track.clips.partition_point(|c| c.position < end);
        let mut failure = None;
        for clip in track.clips[..last].iter().filter(|c| c.end() > start) {
            let Some(source) = clip.source else { continue };
            let from = clip.position.max(start);
            let to = clip.end().min(end);
            let rel = from - clip.position;
            let at = (from - start) as usize;
            let n = (to - from) as usize;
            if let Err(e) = self.read_clip(clip, source, pool, rel, n, track.channels) {
                failure.get_or_insert(e);
                continue;
            }
            for (o, scratch) in out
                .iter_mut()
                .zip(self.scratch.iter_mut())
                .take(track.channels)
            {
                let samples = &mut scratch[..n];
                clip.apply(rel, samples);
                for (o, s) in o[at..at + n].iter_mut().zip(samples.iter()) {
                    *o += *s;
                }
            }
        }
        self.open.retain(|s| s.used);
        failure.map_or(Ok(()), Err)
    }
}

/// The open reader of `source`, opened now if it is not yet, marked as used.
fn reader<'r>(
    open: &'r mut Vec<OpenSource>,
    source: usize,
    pool: &MediaPool,
) -> io::Result<&'r mut WavReader> {
    let pos = match open.iter().position(|s| s.index == source) {
        Some(pos) => pos,
        None => {
            let prepared = pool
                .prepared(source)
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "the source is offline"))?;
            let reader =
                WavReader::open(&prepared.file, prepared.info.clone()).map_err(io::Error::other)?;
            open.push(OpenSource {
                index: source,
                reader,
                used: false,
            });
            open.len() - 1
        }
    };
    let s = &mut open[pos];
    s.used = true;
    Ok(&mut s.reader)
}

impl TrackReader {
    /// Read `n` samples of `clip` from clip-relative `rel` into the scratch buffers.
    fn read_clip(
        &mut self,
        clip: &ClipPlan,
        source: usize,
        pool: &MediaPool,
        rel: u64,
        n: usize,
        channels: usize,
    ) -> io::Result<()> {
        let Some(fill) = clip.looped else {
            let reader = reader(&mut self.open, source, pool)?;
            let [a, b] = &mut self.scratch;
            let mut out: [&mut [f32]; 2] = [&mut a[..n], &mut b[..n]];
            return reader.read(
                clip.source_offset + rel,
                n,
                &clip.channels[..channels],
                &mut out[..channels],
            );
        };
        // Room-tone fill: repeats of the looped span every `period` samples,
        // each overlapping the next by `crossfade` samples.
        let period = fill.length - fill.crossfade;
        let mut done = 0;
        while done < n {
            let t = rel + done as u64;
            let (repeat, i) = (t / period, t % period);
            let joining = repeat > 0 && i < fill.crossfade;
            let run_end = if joining { fill.crossfade } else { period };
            let run = ((run_end - i) as usize).min(n - done);
            let reader = reader(&mut self.open, source, pool)?;
            {
                let [a, b] = &mut self.scratch;
                let mut out: [&mut [f32]; 2] = [&mut a[done..done + run], &mut b[done..done + run]];
                reader.read(
                    clip.source_offset + i,
                    run,
                    &clip.channels[..channels],
                    &mut out[..channels],
                )?;
            }
            if joining {
                // The tail of the previous repeat fades out under this one's head.
                let [a, b] = &mut self.join;
                let mut tail: [&mut [f32]; 2] = [&mut a[..run], &mut b[..run]];
                reader.read(
                    clip.source_offset + period + i,
                    run,
                    &clip.channels[..channels],
                    &mut tail[..channels],
                )?;
                for c in 0..channels {
                    for k in 0..run {
                        let x = i + k as u64;
                        let head = fade_in_at(FadeShape::EqualPower, x, fill.crossfade);
                        let tail_gain = fade_out_at(FadeShape::EqualPower, x, fill.crossfade);
                        self.scratch[c][done + k] =
                            self.scratch[c][done + k] * head + self.join[c][k] * tail_gain;
                    }
                }
            }
            done += run;
        }
        Ok(())
    }
}

/// Reads every track of a session: one [`TrackReader`] per playlist.
pub struct SessionReader {
    readers: Vec<TrackReader>,
}

impl SessionReader {
    pub fn new(tracks: usize, max_block: usize) -> SessionReader {
        SessionReader {
            readers: (0..tracks).map(|_| TrackReader::new(max_block)).collect(),
        }
    }

    /// Fill `outs[t][c][..len]` for every track `t` from timeline sample
    /// `start` on. Every track is read even when one fails; the first
    /// failure is returned, naming its track.
    pub fn read(
        &mut self,
        playlists: &[Playlist],
        pool: &MediaPool,
        start: u64,
        len: usize,
        outs: &mut [Vec<Vec<f32>>],
    ) -> io::Result<()> {
        let mut failure = None;
        for ((playlist, reader), out) in playlists.iter().zip(&mut self.readers).zip(outs) {
            if let Err(e) = reader.read(playlist, pool, start, len, out) {
                failure.get_or_insert(io::Error::new(
                    e.kind(),
                    format!("track \"{}\": {e}", playlist.name),
                ));
            }
        }
        failure.map_or(Ok(()), Err)
    }
}
