//! Waveform overviews: the peak level of each source in bins of [`BIN`]
//! samples, computed on a worker thread (never on the UI thread) and kept
//! for the session, so the timeline draws clips from memory.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::pool::MediaPool;
use super::wav::{WavInfo, WavReader};

/// Samples per overview bin.
pub const BIN: u64 = 1024;

/// One source's peaks: `peaks[channel][bin]` is the largest absolute sample
/// of that bin.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub peaks: Vec<Vec<f32>>,
}

impl Overview {
    /// The largest peak of `channel` over source samples `from..to`.
    pub fn peak(&self, channel: usize, from: u64, to: u64) -> f32 {
        let Some(bins) = self
            .peaks
            .get(channel.min(self.peaks.len().saturating_sub(1)))
        else {
            return 0.0;
        };
        let a = (from / BIN) as usize;
        let b = to.div_ceil(BIN).max(from / BIN + 1) as usize;
        bins.get(a.min(bins.len())..b.min(bins.len()))
            .map_or(0.0, |s| s.iter().fold(0.0f32, |m, &x| m.max(x)))
    }
}

/// Read the peaks of the WAV file at `path`.
pub fn compute(path: &Path, info: &WavInfo) -> std::io::Result<Overview> {
    let mut reader = WavReader::open(path, info.clone()).map_err(std::io::Error::other)?;
    let channels: Vec<usize> = (0..info.channels).collect();
    let chunk = (BIN * 64) as usize;
    let mut buffers = vec![vec![0.0f32; chunk]; info.channels];
    let bins = info.frames.div_ceil(BIN) as usize;
    let mut peaks = vec![Vec::with_capacity(bins); info.channels];
    let mut at = 0u64;
    while at < info.frames {
        let len = (info.frames - at).min(chunk as u64) as usize;
        {
            let mut outs: Vec<&mut [f32]> = buffers.iter_mut().map(|b| &mut b[..]).collect();
            reader.read(at, len, &channels, &mut outs)?;
        }
        for (c, buffer) in buffers.iter().enumerate() {
            for bin in buffer[..len].chunks(BIN as usize) {
                peaks[c].push(bin.iter().fold(0.0f32, |m, &x| m.max(x.abs())));
            }
        }
        at += len as u64;
    }
    Ok(Overview { peaks })
}

/// The overviews of a session's sources, filled in by a worker thread.
pub struct Overviews {
    done: Vec<Option<Arc<Overview>>>,
    results: Option<Receiver<(usize, Overview)>>,
}

impl Overviews {
    /// No overviews (clips are drawn without waveforms).
    pub fn none() -> Overviews {
        Overviews {
            done: Vec::new(),
            results: None,
        }
    }

    /// Start computing the overview of every online source of `pool`.
    pub fn start(pool: &MediaPool) -> Overviews {
        let jobs: Vec<(usize, std::path::PathBuf, WavInfo)> = (0..pool.entries.len())
            .filter_map(|i| {
                pool.prepared(i)
                    .map(|p| (i, p.file.clone(), p.info.clone()))
            })
            .collect();
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("overviews".into())
            .spawn(move || {
                for (i, path, info) in jobs {
                    // A source that cannot be read is drawn without a waveform.
                    if let Ok(o) = compute(&path, &info) {
                        if tx.send((i, o)).is_err() {
                            return;
                        }
                    }
                }
            });
        Overviews {
            done: vec![None; pool.entries.len()],
            results: spawned.ok().map(|_| rx),
        }
    }

    /// Take in finished overviews; true when any arrived.
    pub fn receive(&mut self) -> bool {
        let mut any = false;
        if let Some(rx) = &self.results {
            while let Ok((i, o)) = rx.try_recv() {
                if let Some(slot) = self.done.get_mut(i) {
                    *slot = Some(Arc::new(o));
                    any = true;
                }
            }
        }
        any
    }

    /// Wait (at most `timeout`) until the worker has finished every source.
    pub fn wait_all(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while let Some(rx) = &self.results {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok((i, o)) => {
                    if let Some(slot) = self.done.get_mut(i) {
                        *slot = Some(Arc::new(o));
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.results = None;
                }
                Err(RecvTimeoutError::Timeout) => return,
            }
        }
    }

    /// The overview of source `index`, once computed.
    pub fn get(&self, index: usize) -> Option<&Overview> {
        self.done.get(index)?.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_of_a_span_covers_every_bin_it_touches() {
        let o = Overview {
            peaks: vec![vec![0.1, 0.5, 0.2]],
        };
        assert_eq!(o.peak(0, 0, 10), 0.1);
        assert_eq!(o.peak(0, 1000, 1030), 0.5);
        assert_eq!(o.peak(0, 2048, 4096), 0.2);
        assert_eq!(o.peak(3, 0, 4096), 0.5, "a missing channel reads the last");
        assert_eq!(o.peak(0, 9000, 9999), 0.0);
    }
}
