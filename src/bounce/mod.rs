//! Bouncing stems: DX, MX, FX, the M&E and the printmaster rendered in one
//! pass to Broadcast WAV files. Files are written under temporary names and
//! renamed only when every one is complete; a bounce never writes over a
//! source of the session.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::dsp::gain::gain_to_db;
use crate::engine::offline::OfflineRenderer;
use crate::engine::plan::Plan;
use crate::media::pool::MediaPool;
use crate::media::writer::{OutputFormat, WavWriter};
use crate::model::timecode::{frames_to_samples, Timecode, TimecodeClock};
use crate::model::Session;

/// The files a bounce writes, in order.
pub const OUTPUTS: [&str; 5] = ["DX", "MX", "FX", "ME", "PM"];

/// What to bounce and how.
#[derive(Debug, Clone)]
pub struct BounceOptions {
    pub out_dir: PathBuf,
    /// Timeline samples `start..end`; the whole session when `None`.
    pub range: Option<(u64, u64)>,
    pub format: OutputFormat,
    /// Frames rendered per block (the result does not depend on it).
    pub block: usize,
}

impl BounceOptions {
    pub fn new(out_dir: impl Into<PathBuf>) -> BounceOptions {
        BounceOptions {
            out_dir: out_dir.into(),
            range: None,
            format: OutputFormat::Int24,
            block: 4096,
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
    for path in paths {
        let Ok(out) = fs::canonicalize(path) else {
            continue;
        };
        for entry in &pool.entries {
            if fs::canonicalize(&entry.path).is_ok_and(|p| p == out) {
                return Err(BounceError::WouldOverwriteSource {
                    output: path.clone(),
                    source_id: entry.id.clone(),
                });
            }
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

/// An I/O error, with the index of the output file it concerns (if any).
type OutputError = (Option<usize>, std::io::Error);

/// Blocks in flight between the render thread and the writer thread.
const BLOCKS_IN_FLIGHT: usize = 4;

/// Render `start..end` on this thread while another thread encodes and
/// writes the files: the two halves of the work take about as long as each
/// other, so the pipeline keeps both cores busy. Blocks travel back to be
/// reused, so nothing is allocated per block.
fn render_and_write(
    mut renderer: OfflineRenderer<'_>,
    writers: &mut OutputWriters,
    start: u64,
    end: u64,
    block: usize,
    progress: &mut impl FnMut(u64, u64),
) -> Result<(), OutputError> {
    let channels = renderer.plan().channels;
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<RenderedBlock>(BLOCKS_IN_FLIGHT);
    let (free_tx, free_rx) = std::sync::mpsc::sync_channel::<RenderedBlock>(BLOCKS_IN_FLIGHT);
    for _ in 0..BLOCKS_IN_FLIGHT {
        let planes = vec![vec![0f32; block]; OUTPUTS.len() * channels];
        let _ = free_tx.send(RenderedBlock { frames: 0, planes });
    }
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> Result<(), OutputError> {
            for rendered in full_rx {
                writers.write(&rendered)?;
                // The render side may have stopped; then the block is simply dropped.
                let _ = free_tx.send(rendered);
            }
            Ok(())
        });
        let total = end - start;
        let mut done = 0u64;
        let mut render_error = None;
        while done < total {
            let Ok(mut rendered) = free_rx.recv() else {
                break;
            };
            let n = (total - done).min(block as u64) as usize;
            if let Err(e) = renderer.render(start + done, n) {
                render_error = Some(e);
                break;
            }
            let plan = renderer.plan();
            let [dx, mx, fx] = &plan.stem_buffers;
            let sources = [dx, mx, fx, &plan.me_buffer, &plan.printmaster_buffer];
            for (plane, source) in rendered
                .planes
                .iter_mut()
                .zip(sources.iter().flat_map(|b| b.iter()))
            {
                plane[..n].copy_from_slice(&source[..n]);
            }
            rendered.frames = n;
            if full_tx.send(rendered).is_err() {
                break; // the writer failed; its error is reported below
            }
            done += n as u64;
            progress(done, total);
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

/// The output files and the levels measured on the way in.
struct OutputWriters {
    files: Vec<WavWriter>,
    channels: usize,
    peak: Vec<Vec<f32>>,
    square: Vec<Vec<f64>>,
}

impl OutputWriters {
    fn new(files: Vec<WavWriter>, channels: usize) -> OutputWriters {
        let n = files.len();
        OutputWriters {
            files,
            channels,
            peak: vec![vec![0.0; channels]; n],
            square: vec![vec![0.0; channels]; n],
        }
    }

    fn write(&mut self, rendered: &RenderedBlock) -> Result<(), OutputError> {
        let n = rendered.frames;
        for (k, file) in self.files.iter_mut().enumerate() {
            let planes = &rendered.planes[k * self.channels..(k + 1) * self.channels];
            let mut slices = [&[][..]; 8];
            for (slot, plane) in slices.iter_mut().zip(planes) {
                *slot = &plane[..n];
            }
            file.write_planar(&slices[..self.channels], n)
                .map_err(|e| (Some(k), e))?;
            for (c, plane) in slices[..self.channels].iter().enumerate() {
                let (mut p, mut sq) = (self.peak[k][c], 0f32);
                for &s in plane.iter() {
                    p = p.max(s.abs());
                    sq += s * s;
                }
                self.peak[k][c] = p;
                self.square[k][c] += sq as f64;
            }
        }
        Ok(())
    }

    /// Complete every file; the peak and summed squares per output and channel.
    #[allow(clippy::type_complexity)]
    fn finish(self) -> Result<(Vec<Vec<f32>>, Vec<Vec<f64>>), (usize, std::io::Error)> {
        for (k, file) in self.files.into_iter().enumerate() {
            file.finish().map_err(|e| (k, e))?;
        }
        Ok((self.peak, self.square))
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
    let channels = plan.channels;
    let reference = start_reference(session) + start;
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
        render_and_write(renderer, &mut writers, start, end, block, &mut progress).map_err(
            |(k, e)| match k {
                Some(k) => BounceError::Io {
                    path: partials[k].clone(),
                    source: e,
                },
                None => BounceError::Io {
                    path: dir.clone(),
                    source: e,
                },
            },
        )?;
        let levels = writers.finish().map_err(|(k, e)| BounceError::Io {
            path: partials[k].clone(),
            source: e,
        })?;
        for (p, f) in partials.iter().zip(&finals) {
            fs::rename(p, f).map_err(io_err(f))?;
        }
        Ok(levels)
    })();
    let (peak, square) = result.inspect_err(|_| {
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
            peak: peak[k].clone(),
            rms: square[k]
                .iter()
                .map(|&s| (s / frames as f64).sqrt() as f32)
                .collect(),
        })
        .collect();
    let clock = clock(session);
    let report = BounceReport {
        outputs,
        start,
        frames,
        sample_rate: session.sample_rate,
        elapsed: started.elapsed(),
        start_timecode: clock.format_samples(start),
        end_timecode: clock.format_samples(end),
    };
    let summary_path = dir.join("summary.txt");
    fs::write(&summary_path, report.summary()).map_err(io_err(&summary_path))?;
    Ok(report)
}
