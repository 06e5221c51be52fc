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
            let list = |v: &[f32]| v.iter().map(|&x| format_db(x)).collect::<Vec<_>>().join(" ");
            text.push_str(&format!("{:<6}  {:<26}  {}\n", o.name, list(&o.peak), list(&o.rms)));
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
    Io { path: PathBuf, source: std::io::Error },
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
        let Ok(out) = fs::canonicalize(path) else { continue };
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
    let finals: Vec<PathBuf> = OUTPUTS.iter().map(|n| dir.join(format!("{n}.wav"))).collect();
    let partials: Vec<PathBuf> = OUTPUTS.iter().map(|n| dir.join(format!(".{n}.wav.partial"))).collect();
    check_not_sources(&finals, pool)?;

    let block = options.block.max(1);
    let plan = Plan::compile(session, pool, block);
    let channels = plan.channels;
    let reference = start_reference(session) + start;
    let result = (|| {
        let mut writers = Vec::with_capacity(OUTPUTS.len());
        for p in &partials {
            writers.push(
                WavWriter::create(p, channels, session.sample_rate, options.format, Some(reference))
                    .map_err(io_err(p))?,
            );
        }
        let mut renderer = OfflineRenderer::new(plan, pool);
        let mut peak = vec![vec![0f32; channels]; OUTPUTS.len()];
        let mut square = vec![vec![0f64; channels]; OUTPUTS.len()];
        let total = end - start;
        let mut done = 0u64;
        while done < total {
            let n = (total - done).min(block as u64) as usize;
            renderer.render(start + done, n).map_err(io_err(dir))?;
            let plan = renderer.plan();
            let [dx, mx, fx] = &plan.stem_buffers;
            let buffers = [dx, mx, fx, &plan.me_buffer, &plan.printmaster_buffer];
            for (k, (writer, buffer)) in writers.iter_mut().zip(buffers).enumerate() {
                let planes: Vec<&[f32]> = buffer.iter().map(|c| &c[..n]).collect();
                writer.write_planar(&planes, n).map_err(io_err(&partials[k]))?;
                for (c, plane) in planes.iter().enumerate() {
                    let mut p = peak[k][c];
                    let mut sq = 0f64;
                    for &s in plane.iter() {
                        p = p.max(s.abs());
                        sq += (s as f64) * (s as f64);
                    }
                    peak[k][c] = p;
                    square[k][c] += sq;
                }
            }
            done += n as u64;
            progress(done, total);
        }
        for (writer, p) in writers.into_iter().zip(&partials) {
            writer.finish().map_err(io_err(p))?;
        }
        for (p, f) in partials.iter().zip(&finals) {
            fs::rename(p, f).map_err(io_err(f))?;
        }
        Ok((peak, square))
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
            rms: square[k].iter().map(|&s| (s / frames as f64).sqrt() as f32).collect(),
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
