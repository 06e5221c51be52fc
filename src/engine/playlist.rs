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
        for s in self.open.iter_mut() {
            s.used = false;
        }
        let channels = track.channels.min(out.len()).min(2);
        if channels == 0 {
            return Ok(());
        }
        let end = start + len as u64;
        let last = track.clips.partition_point(|c| c.position < end);
        let mut failure = None;
        // `out[..][..written]` holds audio; past it, nothing yet. Clips come
        // in timeline order: a span no clip has reached is read straight
        // into place, one that overlaps the last clip (a crossfade) is read
        // aside and added. Gaps are silence.
        let mut written = 0;
        for clip in track.clips[..last].iter().filter(|c| c.end() > start) {
            let Some(source) = clip.source else { continue };
            let from = clip.position.max(start);
            let to = clip.end().min(end);
            let rel = from - clip.position;
            let at = (from - start) as usize;
            let n = (to - from) as usize;
            let fresh = at >= written;
            if fresh {
                for o in out.iter_mut().take(channels) {
                    o[written..at].fill(0.0);
                }
            }
            let read = {
                let (first, rest) = out.split_at_mut(1);
                let [a, b] = &mut self.scratch;
                let mut dest: [&mut [f32]; 2] = if fresh {
                    let second: &mut [f32] = match rest.first_mut() {
                        Some(o) if channels > 1 => &mut o[at..at + n],
                        _ => &mut [],
                    };
                    [&mut first[0][at..at + n], second]
                } else {
                    [&mut a[..n], &mut b[..n]]
                };
                let dest = &mut dest[..channels];
                read_clip(
                    &mut self.open,
                    &mut self.join,
                    clip,
                    source,
                    pool,
                    rel,
                    dest,
                )
            };
            if !fresh && read.is_ok() {
                // Added where the last clip sounds, copied after it.
                let overlap = (written - at).min(n);
                for (o, d) in out.iter_mut().zip(self.scratch.iter()).take(channels) {
                    for (o, s) in o[at..at + overlap].iter_mut().zip(&d[..overlap]) {
                        *o += *s;
                    }
                    o[at + overlap..at + n].copy_from_slice(&d[overlap..n]);
                }
            }
            match read {
                Ok(()) => written = written.max(at + n),
                Err(e) => {
                    failure.get_or_insert(e);
                    // Whatever the failed read left is silence.
                    for o in out.iter_mut().take(channels) {
                        o[written.max(at)..at + n].fill(0.0);
                    }
                    written = written.max(at + n);
                }
            }
        }
        for o in out.iter_mut().take(channels) {
            o[written..len].fill(0.0);
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

/// Read `clip` from clip-relative `rel` into `dest` (one slice per track
/// channel, all as long) with its prefades (gain, fades, dips). `join` is
/// scratch for the far side of a room-tone loop's joins.
fn read_clip(
    open: &mut Vec<OpenSource>,
    join: &mut [Vec<f32>; 2],
    clip: &ClipPlan,
    source: usize,
    pool: &MediaPool,
    rel: u64,
    dest: &mut [&mut [f32]],
) -> io::Result<()> {
    let channels = dest.len();
    let n = dest.first().map_or(0, |d| d.len());
    let Some(fill) = clip.looped else {
        let reader = reader(open, source, pool)?;
        reader.read(
            clip.source_offset + rel,
            n,
            &clip.channels[..channels],
            dest,
        )?;
        prefades(clip, rel, dest);
        return Ok(());
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
        let reader = reader(open, source, pool)?;
        {
            let mut out: [&mut [f32]; 2] = [&mut [], &mut []];
            for (o, d) in out.iter_mut().zip(dest.iter_mut()) {
                *o = &mut d[done..done + run];
            }
            reader.read(
                clip.source_offset + i,
                run,
                &clip.channels[..channels],
                &mut out[..channels],
            )?;
        }
        if joining {
            // The tail of the previous repeat fades out under this one's head.
            let [a, b] = join;
            let mut tail: [&mut [f32]; 2] = [&mut a[..run], &mut b[..run]];
            reader.read(
                clip.source_offset + period + i,
                run,
                &clip.channels[..channels],
                &mut tail[..channels],
            )?;
            for (d, tail) in dest.iter_mut().zip(tail.iter()) {
                for k in 0..run {
                    let x = i + k as u64;
                    let head = fade_in_at(FadeShape::EqualPower, x, fill.crossfade);
                    let tail_gain = fade_out_at(FadeShape::EqualPower, x, fill.crossfade);
                    d[done + k] = d[done + k] * head + tail[k] * tail_gain;
                }
            }
        }
        done += run;
    }
    prefades(clip, rel, dest);
    Ok(())
}

/// The clip's prefades on what was read of it from clip-relative `rel`.
fn prefades(clip: &ClipPlan, rel: u64, dest: &mut [&mut [f32]]) {
    for d in dest.iter_mut() {
        clip.apply(rel, d);
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
