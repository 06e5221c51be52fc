//! Bouncing stems: DX, MX, FX, the M&E and the printmaster rendered in one
//! pass to Broadcast WAV files. Files are written under temporary names and
//! renamed only when every one is complete; a bounce never writes over a
//! source of the session. Every output is metered on its way to its file
//! (peak, RMS, BS.1770 loudness, true peak), and the printmaster's loudness
//! over the dialog is gated by the DX stem. Delivery versions ([`deliver`])
//! add a gain trim and a true-peak limiter (`master.rs`) and a QC report
//! ([`qc`]) per delivery profile ([`profile`]); a stereo version of a 5.1
//! mix downmixes every output first (`downmix.rs`).

pub mod deliver;
mod downmix;
mod master;
pub mod profile;
pub mod qc;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::dsp::gain::gain_to_db;
use crate::engine::offline::OfflineRenderer;
use crate::engine::plan::Plan;
use crate::loudness::reading::level;
use crate::loudness::{DialogLoudness, Meter, MeterError, Reading, SpeechGate};
use crate::media::pool::MediaPool;
use crate::media::writer::{OutputFormat, WavWriter};
use crate::model::timecode::{frames_to_samples, Timecode, TimecodeClock};
use crate::model::Session;
use downmix::{OutputDownmix, STEREO};
use master::Master;
use profile::Downmix;

/// The files a bounce writes, in order.
pub const OUTPUTS: [&str; 5] = ["DX", "MX", "FX", "ME", "PM"];
/// Indices in [`OUTPUTS`] of the dialog stem and of the printmaster.
const DX: usize = 0;
const PM: usize = 4;

/// What to bounce and how.
#[derive(Debug, Clone)]
pub struct BounceOptions {
    pub out_dir: PathBuf,
    /// Timeline samples `start..end`; the whole session when `None`.
    pub range: Option<(u64, u64)>,
    pub format: OutputFormat,
    /// Frames rendered per block (the result does not depend on it).
    pub block: usize,
    /// Gain in dB applied to every output alike (delivery versions).
    pub trim_db: f32,
    /// True-peak ceiling in dBTP for the printmaster, held by a limiter whose
    /// gain every output follows; `None`: no limiter.
    pub ceiling_dbtp: Option<f32>,
    /// Downmix every output of a 5.1 mix to stereo (delivery versions).
    pub downmix: Option<Downmix>,
}

impl BounceOptions {
    pub fn new(out_dir: impl Into<PathBuf>) -> BounceOptions {
        BounceOptions {
            out_dir: out_dir.into(),
            range: None,
            format: OutputFormat::Int24,
            block: 4096,
            trim_db: 0.0,
            ceiling_dbtp: None,
            downmix: None,
        }
    }
}

/// Levels measured in one output file.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputLevels {
    pub name: &'static str,
    pub path: PathBuf,
    /// Highest absolute sample value, per channel.
    pub peak: Vec<f32>,
    /// RMS over the whole range, per channel.
    pub rms: Vec<f32>,
    /// BS.1770 loudness and true peak.
    pub loudness: Reading,
}

/// What the limiter did in a bounce.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LimiterReport {
    /// The ceiling, dBTP.
    pub ceiling_dbtp: f32,
    /// The deepest gain reduction, dB (0: the limiter never acted).
    pub max_reduction_db: f32,
    /// Time during which the gain was below unity, seconds.
    pub limited_seconds: f64,
}

/// What a bounce did.
#[derive(Debug, Clone)]
pub struct BounceReport {
    pub outputs: Vec<OutputLevels>,
    pub start: u64,
    pub frames: u64,
    pub sample_rate: u32,
    pub elapsed: Duration,
    pub start_timecode: String,
    pub end_timecode: String,
    /// The printmaster's loudness where the DX stem carries speech.
    pub dialog: DialogLoudness,
    /// The gain trim applied to every output, dB.
    pub trim_db: f32,
    pub limiter: Option<LimiterReport>,
    /// The downmix every output went through.
    pub downmix: Option<Downmix>,
}

impl BounceReport {
    /// Seconds of audio bounced per second of wall time.
    pub fn speed(&self) -> f64 {
        (self.frames as f64 / self.sample_rate as f64) / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The summary printed after a bounce and saved as `summary.txt`.
    pub fn summary(&self) -> String {
        let seconds = self.frames as f64 / self.sample_rate as f64;
        let mut text = format!(
            "bounced {} .. {} ({seconds:.3} s, {} frames at {} Hz) in {:.2} s, {:.0}x real time\n",
            self.start_timecode,
            self.end_timecode,
            self.frames,
            self.sample_rate,
            self.elapsed.as_secs_f64(),
            self.speed()
        );
        text.push_str("output  peak dBFS (per channel)   RMS dBFS (per channel)\n");
        for o in &self.outputs {
            let list = |v: &[f32]| {
                v.iter()
                    .map(|&x| format_db(x))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            text.push_str(&format!(
                "{:<6}  {:<26}  {}\n",
                o.name,
                list(&o.peak),
                list(&o.rms)
            ));
        }
        text.push_str(
            "output  integrated  LRA     M max   S max   true peak\n        LUFS        LU      LUFS    LUFS    dBTP\n",
        );
        for o in &self.outputs {
            let r = &o.loudness;
            text.push_str(&format!(
                "{:<6}  {:>10}  {:>6.1}  {:>6}  {:>6}  {:>9}\n",
                o.name,
                level(r.integrated),
                r.loudness_range,
                level(r.momentary_max),
                level(r.short_term_max),
                level(r.true_peak)
            ));
        }
        text.push_str(&match self.dialog.integrated {
            Some(l) => format!(
                "dialog-gated PM loudness {l:.1} LUFS over {:.1} s of dialog ({:.0}% of the programme)\n",
                self.dialog.dialog_seconds,
                self.dialog.dialog_share * 100.0
            ),
            None => "dialog-gated PM loudness: no dialog found in DX\n".into(),
        });
        if let Some(d) = &self.downmix {
            text.push_str(&format!("downmix {} on every output\n", d.describe()));
        }
        if self.trim_db != 0.0 {
            text.push_str(&format!(
                "gain trim {:+.2} dB on every output\n",
                self.trim_db
            ));
        }
        if let Some(l) = &self.limiter {
            text.push_str(&format!(
                "true-peak limiter at {:.1} dBTP: deepest reduction {:.2} dB, {:.2} s limited\n",
                l.ceiling_dbtp, l.max_reduction_db, l.limited_seconds
            ));
        }
        text
    }
}

fn format_db(x: f32) -> String {
    let db = gain_to_db(x);
    if db.is_finite() {
        format!("{db:7.2}")
    } else {
        "   -inf".into()
    }
}

/// Why a bounce failed. Nothing is left at the output names when it does.
#[derive(Debug)]
pub enum BounceError {
    /// The bounce would overwrite a source of the session.
    WouldOverwriteSource { output: PathBuf, source_id: String },
    /// The range is empty or outside the session.
    EmptyRange,
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The session's format cannot be metered.
    Meter(MeterError),
    /// A downmix needs a 5.1 mix; this one has `channels` channels.
    NotFivePointOne { channels: usize },
}

impl fmt::Display for BounceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BounceError::WouldOverwriteSource { output, source_id } => write!(
                f,
                "refusing to bounce: {} is the media of source \"{source_id}\"; choose another output folder",
                output.display()
            ),
            BounceError::EmptyRange => write!(f, "nothing to bounce: the range is empty (is the session empty?)"),
            BounceError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            BounceError::Meter(e) => write!(f, "cannot meter the bounce: {e}"),
            BounceError::NotFivePointOne { channels } => write!(
                f,
                "a stereo downmix is made from a 5.1 mix, and this session's stems have {channels} channel(s) (set stems.layout to \"5.1\")"
            ),
        }
    }
}

impl std::error::Error for BounceError {}

/// Samples since midnight of the session's sample 0.
fn start_reference(session: &Session) -> u64 {
    let rate = session.timecode.rate;
    Timecode::parse(&session.timecode.start, rate)
        .map(|tc| frames_to_samples(tc.to_frame_count(rate), rate, session.sample_rate))
        .unwrap_or(0)
}

/// The session's timecode clock.
pub fn clock(session: &Session) -> TimecodeClock {
    let rate = session.timecode.rate;
    let start = Timecode::parse(&session.timecode.start, rate).unwrap_or_default();
    TimecodeClock::new(rate, session.sample_rate, start)
}

/// Refuse output paths that are (or link to) one of the session's sources.
fn check_not_sources(paths: &[PathBuf], pool: &MediaPool) -> Result<(), BounceError> {
    // Resolve each source once, not once per output.
    let sources: Vec<(PathBuf, &str)> = pool
        .entries
        .iter()
        .filter_map(|e| Some((fs::canonicalize(&e.path).ok()?, e.id.as_str())))
        .collect();
    for path in paths {
        let Ok(out) = fs::canonicalize(path) else {
            continue;
        };
        if let Some((_, id)) = sources.iter().find(|(p, _)| *p == out) {
            return Err(BounceError::WouldOverwriteSource {
                output: path.clone(),
                source_id: id.to_string(),
            });
        }
    }
    Ok(())
}

/// One rendered block on its way to the files: every output's channels.
struct RenderedBlock {
    frames: usize,
    /// `OUTPUTS.len() * channels` planes, output by output.
    planes: Vec<Vec<f32>>,
}

impl RenderedBlock {
    /// Output `k`'s channels (at most 8), `frames` long.
    fn output(&self, k: usize, channels: usize) -> [&[f32]; 8] {
        let mut slices = [&[][..]; 8];
        for (slot, plane) in slices
            .iter_mut()
            .zip(&self.planes[k * channels..(k + 1) * channels])
        {
            *slot = &plane[..self.frames];
        }
        slices
    }
}

/// An I/O error, with the index of the output file it concerns (if any).
type OutputError = (Option<usize>, std::io::Error);

/// Blocks in flight between the render thread, the writer thread and the
/// meter thread.
const BLOCKS_IN_FLIGHT: usize = 8;
/// Outputs whose loudness the meter thread measures (the stems); the writer
/// thread measures the rest (M&E and printmaster). The loudness meters cost
/// more than rendering or writing, so they are shared out between threads.
const METERED_APART: usize = 3;

/// Render `start..end` on this thread (its tracks read on another, see
/// [`OfflineRenderer::run`]) while another thread encodes and writes the
/// files and meters the M&E and printmaster, and a third meters the stems:
/// the pipeline keeps both cores busy. Blocks travel back to be
/// reused, so nothing is allocated per block.
#[allow(clippy::too_many_arguments)]
fn render_and_write(
    mut renderer: OfflineRenderer<'_>,
    writers: &mut OutputWriters,
    meters: &mut [Meter],
    start: u64,
    end: u64,
    block: usize,
    fold: &mut Option<OutputDownmix>,
    master: &mut Option<Master>,
    progress: &mut impl FnMut(u64, u64),
) -> Result<(), OutputError> {
    // The channels of each output as written: two when downmixed.
    let channels = match fold {
        Some(_) => STEREO,
        None => renderer.plan().channels,
    };
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<RenderedBlock>(BLOCKS_IN_FLIGHT);
    let (free_tx, free_rx) = std::sync::mpsc::sync_channel::<RenderedBlock>(BLOCKS_IN_FLIGHT);
    for _ in 0..BLOCKS_IN_FLIGHT {
        let planes = vec![vec![0f32; block]; OUTPUTS.len() * channels];
        let _ = free_tx.send(RenderedBlock { frames: 0, planes });
    }
    let (metered_tx, metered_rx) = std::sync::mpsc::sync_channel::<RenderedBlock>(BLOCKS_IN_FLIGHT);
    let (apart, beside) = meters.split_at_mut(METERED_APART);
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> Result<(), OutputError> {
            for rendered in full_rx {
                writers.write(&rendered)?;
                for (k, meter) in beside.iter_mut().enumerate() {
                    meter.add(&rendered.output(METERED_APART + k, channels)[..channels]);
                }
                if metered_tx.send(rendered).is_err() {
                    break;
                }
            }
            Ok(())
        });
        scope.spawn(move || {
            for rendered in metered_rx {
                for (k, meter) in apart.iter_mut().enumerate() {
                    meter.add(&rendered.output(k, channels)[..channels]);
                }
                // The render side may have stopped; then the block is simply dropped.
                let _ = free_tx.send(rendered);
            }
        });
        let total = end - start;
        let mut done = 0u64;
        // A block that yielded no output (the limiter's latency) is used again.
        let mut spare = None;
        let rendered = renderer.run(start, end, block, |plan, n| {
            let Some(mut rendered) = spare.take().or_else(|| free_rx.recv().ok()) else {
                return false;
            };
            let [dx, mx, fx] = &plan.stem_buffers;
            let sources = [dx, mx, fx, &plan.me_buffer, &plan.printmaster_buffer];
            match fold {
                Some(fold) => {
                    for (k, (pair, source)) in
                        rendered.planes.chunks_mut(STEREO).zip(sources).enumerate()
                    {
                        fold.mix_pair(k, source, pair, n);
                    }
                }
                None => {
                    for (plane, source) in rendered
                        .planes
                        .iter_mut()
                        .zip(sources.iter().flat_map(|b| b.iter()))
                    {
                        plane[..n].copy_from_slice(&source[..n]);
                    }
                }
            }
            done += n as u64;
            progress(done, total);
            pass_on(master, &full_tx, rendered, n, &mut spare)
        });
        let render_error = rendered.err();
        // After the range, the limiter's lookahead is flushed with silence.
        while render_error.is_none() {
            let tail = master.as_mut().map_or(0, |m| m.flush(block));
            if tail == 0 {
                break;
            }
            let Some(mut rendered) = spare.take().or_else(|| free_rx.recv().ok()) else {
                break;
            };
            for plane in rendered.planes.iter_mut() {
                plane[..tail].fill(0.0);
            }
            if !pass_on(master, &full_tx, rendered, tail, &mut spare) {
                break;
            }
        }
        drop(full_tx);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err((None, std::io::Error::other("the writer thread failed"))));
        match render_error {
            Some(e) => Err((None, e)),
            None => written,
        }
    })
}

/// Hand `n` rendered frames to the writer, through the master limiter when
/// there is one; a block the limiter's latency swallowed whole is kept in
/// `spare`. False when the writer has stopped (its error is reported).
fn pass_on(
    master: &mut Option<Master>,
    full: &std::sync::mpsc::SyncSender<RenderedBlock>,
    mut rendered: RenderedBlock,
    n: usize,
    spare: &mut Option<RenderedBlock>,
) -> bool {
    let first = master
        .as_mut()
        .map_or(0, |m| m.process(&mut rendered.planes, n));
    if first > 0 {
        for plane in rendered.planes.iter_mut() {
            plane.copy_within(first..n, 0);
        }
    }
    rendered.frames = n - first;
    if rendered.frames == 0 {
        *spare = Some(rendered);
        true
    } else {
        full.send(rendered).is_ok()
    }
}

/// The sum of squares of `samples`, in eight partial sums so the loop
/// vectorises.
fn sum_of_squares(samples: &[f32]) -> f64 {
    let mut square = [0f32; 8];
    let mut chunks = samples.chunks_exact(8);
    for chunk in &mut chunks {
        for (q, &s) in square.iter_mut().zip(chunk) {
            *q += s * s;
        }
    }
    let tail: f32 = chunks.remainder().iter().map(|s| s * s).sum();
    square.iter().map(|&q| q as f64).sum::<f64>() + tail as f64
}

/// The output files and the sums of squares measured on the way in (the
/// peaks are the meters').
struct OutputWriters {
    files: Vec<WavWriter>,
    channels: usize,
    square: Vec<Vec<f64>>,
}

/// A loudness meter for each output; DX and PM keep their gating blocks
/// for the dialog gate.
fn output_meters(channels: usize, sample_rate: u32) -> Result<Vec<Meter>, MeterError> {
    (0..OUTPUTS.len())
        .map(|k| {
            let mut m = Meter::new(channels, sample_rate)?;
            if k == DX || k == PM {
                m.loudness = m.loudness.log_blocks();
            }
            Ok(m)
        })
        .collect()
}

impl OutputWriters {
    fn new(files: Vec<WavWriter>, channels: usize) -> OutputWriters {
        let n = files.len();
        OutputWriters {
            files,
            channels,
            square: vec![vec![0.0; channels]; n],
        }
    }

    fn write(&mut self, rendered: &RenderedBlock) -> Result<(), OutputError> {
        let n = rendered.frames;
        for (k, file) in self.files.iter_mut().enumerate() {
            let slices = rendered.output(k, self.channels);
            file.write_planar(&slices[..self.channels], n)
                .map_err(|e| (Some(k), e))?;
            for (square, plane) in self.square[k].iter_mut().zip(&slices[..self.channels]) {
                *square += sum_of_squares(plane);
            }
        }
        Ok(())
    }

    /// Complete every file, side by side (each waits for the disk); the
    /// summed squares per output and channel.
    fn finish(self) -> Result<Vec<Vec<f64>>, (usize, std::io::Error)> {
        std::thread::scope(|scope| {
            let finishing: Vec<_> = self
                .files
                .into_iter()
                .map(|file| scope.spawn(move || file.finish()))
                .collect();
            for (k, done) in finishing.into_iter().enumerate() {
                done.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("finishing the file failed")))
                    .map_err(|e| (k, e))?;
            }
            Ok(())
        })?;
        Ok(self.square)
    }
}

/// Bounce `session` as set out by `options`; `progress` hears
/// (frames done, frames in all) after each block.
pub fn bounce(
    session: &Session,
    pool: &MediaPool,
    options: &BounceOptions,
    mut progress: impl FnMut(u64, u64),
) -> Result<BounceReport, BounceError> {
    let started = Instant::now();
    let (start, end) = options.range.unwrap_or((0, session.end()));
    if end <= start {
        return Err(BounceError::EmptyRange);
    }
    let dir = &options.out_dir;
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BounceError::Io { path, source }
    };
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    let finals: Vec<PathBuf> = OUTPUTS
        .iter()
        .map(|n| dir.join(format!("{n}.wav")))
        .collect();
    let partials: Vec<PathBuf> = OUTPUTS
        .iter()
        .map(|n| dir.join(format!(".{n}.wav.partial")))
        .collect();
    check_not_sources(&finals, pool)?;

    let block = options.block.max(1);
    let plan = Plan::compile(session, pool, block);
    let mut fold = options
        .downmix
        .map(|d| OutputDownmix::new(d.coefficients(), OUTPUTS.len(), plan.channels))
        .transpose()?;
    // The channels of each output as written.
    let channels = if fold.is_some() {
        STEREO
    } else {
        plan.channels
    };
    let reference = start_reference(session) + start;
    let mut master = Master::new(
        options.trim_db,
        options.ceiling_dbtp,
        OUTPUTS.len(),
        PM,
        channels,
        session.sample_rate,
        block,
    );
    let mut meters = output_meters(channels, session.sample_rate).map_err(BounceError::Meter)?;
    let result = (|| {
        let mut files = Vec::with_capacity(OUTPUTS.len());
        for p in &partials {
            files.push(
                WavWriter::create(
                    p,
                    channels,
                    session.sample_rate,
                    options.format,
                    Some(reference),
                )
                .map_err(io_err(p))?,
            );
        }
        let mut writers = OutputWriters::new(files, channels);
        let renderer = OfflineRenderer::new(plan, pool);
        render_and_write(
            renderer,
            &mut writers,
            &mut meters,
            start,
            end,
            block,
            &mut fold,
            &mut master,
            &mut progress,
        )
        .map_err(|(k, e)| match k {
            Some(k) => BounceError::Io {
                path: partials[k].clone(),
                source: e,
            },
            None => BounceError::Io {
                path: dir.clone(),
                source: e,
            },
        })?;
        let levels = writers.finish().map_err(|(k, e)| BounceError::Io {
            path: partials[k].clone(),
            source: e,
        })?;
        for (p, f) in partials.iter().zip(&finals) {
            fs::rename(p, f).map_err(io_err(f))?;
        }
        Ok(levels)
    })();
    let square = result.inspect_err(|_| {
        for p in &partials {
            let _ = fs::remove_file(p);
        }
    })?;

    let frames = end - start;
    let outputs = OUTPUTS
        .iter()
        .enumerate()
        .map(|(k, name)| OutputLevels {
            name,
            path: finals[k].clone(),
            peak: meters[k].peaks.sample_peaks().to_vec(),
            rms: square[k]
                .iter()
                .map(|&s| (s / frames as f64).sqrt() as f32)
                .collect(),
            loudness: meters[k].reading(),
        })
        .collect();
    let dx = &meters[DX].loudness;
    let dialog =
        SpeechGate::new(dx.blocks(), dx.integrated()).measure(meters[PM].loudness.blocks());
    let limiter = master
        .as_ref()
        .and_then(Master::limiter_stats)
        .zip(options.ceiling_dbtp)
        .map(|(stats, ceiling)| LimiterReport {
            ceiling_dbtp: ceiling,
            max_reduction_db: 0.0 - gain_to_db(stats.min_gain),
            limited_seconds: stats.limited_samples as f64 / session.sample_rate as f64,
        });
    let clock = clock(session);
    let report = BounceReport {
        outputs,
        start,
        frames,
        sample_rate: session.sample_rate,
        elapsed: started.elapsed(),
        start_timecode: clock.format_samples(start),
        end_timecode: clock.format_samples(end),
        dialog,
        trim_db: options.trim_db,
        limiter,
        downmix: options.downmix,
    };
    let summary_path = dir.join("summary.txt");
    fs::write(&summary_path, report.summary()).map_err(io_err(&summary_path))?;
    Ok(report)
}
