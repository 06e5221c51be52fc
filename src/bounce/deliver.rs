//! Delivery versions: one folder per profile, each with its stems, M&E,
//! printmaster, summary and QC report.
//!
//! The mix is rendered once to measure the printmaster (and its loudness
//! over the dialog) without writing anything; then each version is bounced
//! with the gain trim that brings the measured value to its target and the
//! true-peak limiter at its ceiling (`master.rs`). Limiting takes a
//! little loudness off; when the written version misses its target by more
//! than [`SETTLE_LU`], it is bounced again with the trim corrected (at most
//! [`MAX_ATTEMPTS`] times). A version that fails is reported and the others
//! are still rendered.
//!
//! A stereo version of a 5.1 mix (a profile with a downmix) is measured and
//! bounced downmixed: its trim is found on the downmixed printmaster.

use std::fs;
use std::path::PathBuf;

use super::downmix::{OutputDownmix, STEREO};
use super::profile::{Downmix, Measure, Profile};
use super::qc::QcReport;
use super::{bounce, BounceError, BounceOptions, BounceReport, DX, PM};
use crate::engine::offline::OfflineRenderer;
use crate::engine::plan::Plan;
use crate::loudness::{DialogLoudness, LoudnessMeter, SpeechGate};
use crate::media::pool::MediaPool;
use crate::model::Session;

/// A version within this many LU of its target is not bounced again.
pub const SETTLE_LU: f64 = 0.05;
/// Bounces of one version at most.
pub const MAX_ATTEMPTS: usize = 3;

/// The printmaster as mixed, before any trim.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Integrated loudness, LUFS.
    pub programme: Option<f64>,
    pub dialog: DialogLoudness,
}

impl Measurement {
    fn value(&self, measure: Measure) -> Option<f64> {
        match measure {
            Measure::Programme => self.programme,
            Measure::Dialog => self.dialog.integrated,
        }
    }
}

/// The value a profile's target is measured on, in a bounce.
fn measured(report: &BounceReport, measure: Measure) -> Option<f64> {
    match measure {
        Measure::Programme => report.outputs[PM].loudness.integrated,
        Measure::Dialog => report.dialog.integrated,
    }
}

/// The first `n` frames of each channel buffer (at most 8).
fn first_frames(buffers: &[Vec<f32>], n: usize) -> [&[f32]; 8] {
    let mut out = [&[][..]; 8];
    for (o, b) in out.iter_mut().zip(buffers) {
        *o = &b[..n];
    }
    out
}

/// Render `options.range` and measure the printmaster and the dialog gate
/// (downmixed with `options.downmix`), writing nothing.
pub fn measure(
    session: &Session,
    pool: &MediaPool,
    options: &BounceOptions,
    mut progress: impl FnMut(u64, u64),
) -> Result<Measurement, BounceError> {
    let (start, end) = options.range.unwrap_or((0, session.end()));
    if end <= start {
        return Err(BounceError::EmptyRange);
    }
    let block = options.block.max(1);
    let plan = Plan::compile(session, pool, block);
    let mut fold = options
        .downmix
        .map(|d| OutputDownmix::new(d.coefficients(), super::OUTPUTS.len(), plan.channels))
        .transpose()?;
    let channels = if fold.is_some() {
        STEREO
    } else {
        plan.channels
    };
    // The downmixed DX and PM of a block.
    let mut folded = vec![vec![0f32; block]; 2 * STEREO];
    let meter = || {
        LoudnessMeter::new(channels, session.sample_rate)
            .map(LoudnessMeter::log_blocks)
            .map_err(BounceError::Meter)
    };
    let (mut pm, mut dx) = (meter()?, meter()?);
    let mut renderer = OfflineRenderer::new(plan, pool);
    let total = end - start;
    let mut done = 0u64;
    renderer
        .run(start, end, block, |plan, n| {
            match &mut fold {
                Some(fold) => {
                    let (dx_pair, pm_pair) = folded.split_at_mut(STEREO);
                    fold.mix_pair(DX, &plan.stem_buffers[0], dx_pair, n);
                    fold.mix_pair(PM, &plan.printmaster_buffer, pm_pair, n);
                    pm.add(&first_frames(pm_pair, n)[..channels]);
                    dx.add(&first_frames(dx_pair, n)[..channels]);
                }
                None => {
                    pm.add(&first_frames(&plan.printmaster_buffer, n)[..channels]);
                    dx.add(&first_frames(&plan.stem_buffers[0], n)[..channels]);
                }
            }
            done += n as u64;
            progress(done, total);
            true
        })
        .map_err(|source| BounceError::Io {
            path: options.out_dir.clone(),
            source,
        })?;
    Ok(Measurement {
        programme: pm.integrated(),
        dialog: SpeechGate::new(dx.blocks(), dx.integrated()).measure(pm.blocks()),
    })
}

/// One version as delivered.
#[derive(Debug)]
pub struct Version {
    pub profile: Profile,
    pub dir: PathBuf,
    /// The bounce and its QC report, or why the version could not be made.
    pub outcome: Result<(BounceReport, QcReport), BounceError>,
}

impl Version {
    pub fn passed(&self) -> bool {
        self.outcome.as_ref().is_ok_and(|(_, qc)| qc.pass)
    }
}

/// Bounce one version per profile into `options.out_dir/<profile name>/`,
/// each with `qc.txt` and `qc.json`. `progress` hears the version's name
/// (or "measuring") with frames done and frames in all. Fails as a whole
/// only when the mix cannot be measured; a version that cannot be written
/// is reported in its [`Version`].
pub fn deliver(
    session: &Session,
    pool: &MediaPool,
    options: &BounceOptions,
    profiles: &[Profile],
    mut progress: impl FnMut(&str, u64, u64),
) -> Result<Vec<Version>, BounceError> {
    // One measurement per downmix (and one of the mix as it is), shared by
    // the versions that need it.
    let mut measurements: Vec<(Option<Downmix>, Measurement)> = Vec::new();
    if profiles
        .iter()
        .any(|p| p.loudness.is_some() && p.downmix.is_none())
    {
        let m = measure(session, pool, options, |d, t| progress("measuring", d, t))?;
        measurements.push((None, m));
    }
    let mut versions = Vec::new();
    for profile in profiles {
        let dir = options.out_dir.join(&profile.name);
        let mut outcome = Ok(());
        if profile.loudness.is_some()
            && profile.downmix.is_some()
            && !measurements.iter().any(|(d, _)| *d == profile.downmix)
        {
            let mut options = options.clone();
            options.downmix = profile.downmix;
            match measure(session, pool, &options, |d, t| {
                progress(&format!("measuring {}", profile.name), d, t)
            }) {
                Ok(m) => measurements.push((profile.downmix, m)),
                Err(e) => outcome = Err(e),
            }
        }
        let measurement = measurements
            .iter()
            .find(|(d, _)| *d == profile.downmix)
            .map(|(_, m)| m);
        let outcome = outcome.and_then(|()| {
            version(
                session,
                pool,
                options,
                profile,
                &dir,
                measurement,
                |d, t| progress(&profile.name, d, t),
            )
        });
        versions.push(Version {
            profile: profile.clone(),
            dir,
            outcome,
        });
    }
    Ok(versions)
}

fn version(
    session: &Session,
    pool: &MediaPool,
    options: &BounceOptions,
    profile: &Profile,
    dir: &std::path::Path,
    measurement: Option<&Measurement>,
    mut progress: impl FnMut(u64, u64),
) -> Result<(BounceReport, QcReport), BounceError> {
    let mut notes = Vec::new();
    let mut options = options.clone();
    options.out_dir = dir.to_path_buf();
    options.ceiling_dbtp = profile.true_peak_max.map(|c| c as f32);
    options.downmix = profile.downmix;
    let target = profile.loudness;
    options.trim_db = match (target, measurement) {
        (Some(t), Some(m)) => match m.value(t.measure) {
            Some(value) => {
                notes.push(format!(
                    "the mix measured {value:.2} LUFS ({}) before the trim",
                    match t.measure {
                        Measure::Programme => "programme",
                        Measure::Dialog => "dialog-gated",
                    }
                ));
                (t.target - value) as f32
            }
            None => {
                notes
                    .push("nothing to normalise on: the version is left at its mixed level".into());
                0.0
            }
        },
        _ => 0.0,
    };
    let mut attempt = 1;
    let report = loop {
        let report = bounce(session, pool, &options, &mut progress)?;
        let miss = target.and_then(|t| measured(&report, t.measure).map(|v| t.target - v));
        match miss {
            Some(miss) if miss.abs() > SETTLE_LU && attempt < MAX_ATTEMPTS => {
                options.trim_db += miss as f32;
                attempt += 1;
            }
            _ => break report,
        }
    };
    if attempt > 1 {
        notes.push(format!(
            "bounced {attempt} times to settle the trim after limiting"
        ));
    }
    let qc = QcReport::new(profile, &session.name, options.format, &report, notes);
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        fs::write(&path, text).map_err(|source| BounceError::Io { path, source })
    };
    write("qc.txt", qc.text())?;
    write("qc.json", qc.json() + "\n")?;
    Ok((report, qc))
}
