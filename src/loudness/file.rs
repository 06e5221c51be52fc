//! Measuring a media file: any format and channel count that
//! [`crate::media::decode`] reads, measured at the file's own rate.
//!
//! Two threads share the work: this one decodes and reads the peaks while a
//! second runs the loudness meter, so a long file is measured in about the
//! time the slower half takes.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use serde::Serialize;

use super::reading::level;
use super::{LoudnessMeter, PeakMeter, Reading};
use crate::media::decode::decode;
use crate::media::MediaError;

/// Frames handed to the loudness thread at a time.
const BATCH: usize = 16_384;
/// Batches in flight between the threads.
const IN_FLIGHT: usize = 4;

/// The measurement of one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileLoudness {
    pub file: PathBuf,
    pub channels: usize,
    pub sample_rate: u32,
    pub frames: u64,
    pub seconds: f64,
    #[serde(flatten)]
    pub reading: Reading,
    /// Problems met while decoding (a damaged file measured as far as it goes).
    pub warnings: Vec<String>,
}

impl FileLoudness {
    /// The measurement for people, one value a line.
    pub fn text(&self) -> String {
        let r = &self.reading;
        let per_channel: Vec<String> = r.true_peak_channels.iter().map(|&p| level(p)).collect();
        format!(
            "{}: {} channel(s), {} Hz, {:.3} s\n\
             \x20 integrated      {:>6} LUFS\n\
             \x20 loudness range  {:>6.1} LU\n\
             \x20 momentary max   {:>6} LUFS\n\
             \x20 short-term max  {:>6} LUFS\n\
             \x20 true peak       {:>6} dBTP  (per channel: {})\n\
             \x20 sample peak     {:>6} dBFS\n",
            self.file.display(),
            self.channels,
            self.sample_rate,
            self.seconds,
            level(r.integrated),
            r.loudness_range,
            level(r.momentary_max),
            level(r.short_term_max),
            level(r.true_peak),
            per_channel.join(" "),
            level(r.sample_peak)
        )
    }
}

/// Decoded audio on its way to the loudness thread.
struct Batch {
    sample_rate: u32,
    planes: Vec<Vec<f32>>,
}

/// The decoding side: peaks, and batches filled for the loudness thread.
struct Feeder {
    full: Option<SyncSender<Batch>>,
    free: Receiver<Batch>,
    current: Option<Batch>,
    peaks: Option<PeakMeter>,
    channels: usize,
    sample_rate: u32,
    frames: u64,
}

impl Feeder {
    fn accept(&mut self, rate: u32, planes: &[&[f32]]) -> io::Result<()> {
        let peaks = self
            .peaks
            .get_or_insert_with(|| PeakMeter::new(planes.len()));
        if self.channels == 0 {
            self.channels = planes.len();
            self.sample_rate = rate;
        } else if planes.len() != self.channels || rate != self.sample_rate {
            return Err(io::Error::other(format!(
                "the stream changes from {} channels at {} Hz to {} channels at {rate} Hz after {} frames; it cannot be measured as one programme",
                self.channels,
                self.sample_rate,
                planes.len(),
                self.frames
            )));
        }
        peaks.add(planes);
        let frames = planes.iter().map(|p| p.len()).min().unwrap_or(0);
        let mut done = 0;
        while done < frames {
            let mut batch = match self.current.take() {
                Some(b) => b,
                None => match self.free.try_recv() {
                    Ok(mut b) => {
                        b.planes.iter_mut().for_each(Vec::clear);
                        b
                    }
                    Err(_) => Batch {
                        sample_rate: rate,
                        planes: vec![Vec::with_capacity(BATCH); self.channels],
                    },
                },
            };
            let room = BATCH - batch.planes[0].len();
            let n = room.min(frames - done);
            for (out, plane) in batch.planes.iter_mut().zip(planes) {
                out.extend_from_slice(&plane[done..done + n]);
            }
            done += n;
            if batch.planes[0].len() == BATCH {
                self.send(batch)?;
            } else {
                self.current = Some(batch);
            }
        }
        self.frames += frames as u64;
        Ok(())
    }

    fn send(&mut self, batch: Batch) -> io::Result<()> {
        let sent = self.full.as_ref().map(|tx| tx.send(batch));
        match sent {
            Some(Ok(())) => Ok(()),
            _ => Err(io::Error::other("the loudness thread stopped")),
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        if let Some(batch) = self.current.take() {
            if !batch.planes[0].is_empty() {
                self.send(batch)?;
            }
        }
        self.full = None;
        Ok(())
    }
}

/// The loudness side: a meter made for the first batch's format.
fn run_loudness(
    full: Receiver<Batch>,
    free: SyncSender<Batch>,
) -> Result<Option<LoudnessMeter>, super::MeterError> {
    let mut meter: Option<LoudnessMeter> = None;
    for batch in full {
        let m = match &mut meter {
            Some(m) => m,
            None => meter.insert(LoudnessMeter::new(batch.planes.len(), batch.sample_rate)?),
        };
        let planes: Vec<&[f32]> = batch.planes.iter().map(|p| &p[..]).collect();
        m.add(&planes);
        let _ = free.try_send(batch);
    }
    Ok(meter)
}

/// Measure the media file at `path`.
pub fn measure_file(path: &Path) -> Result<FileLoudness, MediaError> {
    let (full_tx, full_rx) = sync_channel::<Batch>(IN_FLIGHT);
    let (free_tx, free_rx) = sync_channel::<Batch>(IN_FLIGHT + 1);
    let unsupported = |why: String| MediaError::Unsupported {
        path: path.to_path_buf(),
        why,
    };
    std::thread::scope(|scope| {
        let loudness = scope.spawn(move || run_loudness(full_rx, free_tx));
        let mut feeder = Feeder {
            full: Some(full_tx),
            free: free_rx,
            current: None,
            peaks: None,
            channels: 0,
            sample_rate: 0,
            frames: 0,
        };
        let decoded = decode(path, |rate, planes| feeder.accept(rate, planes)).and_then(|d| {
            feeder.finish().map_err(|source| MediaError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            Ok(d)
        });
        feeder.full = None;
        let meter = loudness
            .join()
            .map_err(|_| unsupported("the loudness thread failed".into()))?;
        let meter = meter.map_err(|e| unsupported(e.to_string()))?;
        let decoded = decoded?;
        let meter = meter.ok_or_else(|| unsupported("the file holds no audio".into()))?;
        let peaks = feeder
            .peaks
            .take()
            .ok_or_else(|| unsupported("the file holds no audio".into()))?;
        Ok(FileLoudness {
            file: path.to_path_buf(),
            channels: meter.channels(),
            sample_rate: meter.sample_rate(),
            frames: meter.frames(),
            seconds: meter.frames() as f64 / meter.sample_rate() as f64,
            reading: Reading::new(&meter, &peaks),
            warnings: decoded.warnings,
        })
    })
}
