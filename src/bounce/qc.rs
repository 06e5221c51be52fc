//! The QC report of a delivery version: what was measured on the files
//! written, against what the profile asks, and whether the version passes.
//! Written beside the files as `qc.txt` for people and `qc.json` for scripts.

use std::path::PathBuf;

use serde::Serialize;

use super::profile::{Downmix, Measure, Profile};
use super::{BounceReport, LimiterReport, PM};
use crate::loudness::reading::level;
use crate::loudness::{DialogLoudness, Reading};
use crate::media::writer::OutputFormat;

/// One requirement and its verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// What is checked: "programme loudness", "dialog-gated loudness",
    /// "true peak", "loudness range" or "full scale".
    pub what: String,
    /// The measured value; `null` when there was nothing to measure.
    pub measured: Option<f64>,
    /// "LUFS", "dBTP", "LU" or "dBFS".
    pub unit: &'static str,
    /// The allowed range; either end may be open.
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub pass: bool,
}

impl Check {
    fn new(
        what: &str,
        measured: Option<f64>,
        unit: &'static str,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Check {
        // Values are judged as they are shown, to a hundredth.
        let shown = measured.map(|m| (m * 100.0).round() / 100.0);
        let pass = shown.is_some_and(|m| {
            min.is_none_or(|lo| m >= lo - 1e-9) && max.is_none_or(|hi| m <= hi + 1e-9)
        });
        Check {
            what: what.into(),
            measured,
            unit,
            min,
            max,
            pass,
        }
    }

    fn requirement(&self) -> String {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => format!(
                "{:.1} +/- {:.1} {}",
                (lo + hi) / 2.0,
                (hi - lo) / 2.0,
                self.unit
            ),
            (None, Some(hi)) => format!("at most {hi:.1} {}", self.unit),
            (Some(lo), None) => format!("at least {lo:.1} {}", self.unit),
            (None, None) => "reported".into(),
        }
    }
}

/// One output file as measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputQc {
    pub name: &'static str,
    pub file: PathBuf,
    #[serde(flatten)]
    pub loudness: Reading,
}

/// The QC report of one version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QcReport {
    pub version: String,
    pub description: String,
    pub session: String,
    pub start_timecode: String,
    pub end_timecode: String,
    pub seconds: f64,
    pub sample_rate: u32,
    /// "24-bit" or "32-bit float".
    pub sample_format: &'static str,
    /// Channels of every output file.
    pub channels: usize,
    /// The downmix every output went through (a stereo version of 5.1).
    pub downmix: Option<Downmix>,
    /// The gain trim applied to every output, dB.
    pub trim_db: f32,
    pub limiter: Option<LimiterReport>,
    /// The printmaster as measured.
    pub programme: Reading,
    /// The printmaster over the dialog (the DX-driven speech gate).
    pub dialog: DialogLoudness,
    pub checks: Vec<Check>,
    pub outputs: Vec<OutputQc>,
    /// How the version was made (the level measured before the trim...).
    pub notes: Vec<String>,
    /// Things to look at that do not fail the version.
    pub warnings: Vec<String>,
    pub pass: bool,
}

impl QcReport {
    /// Judge the bounce of one version against its profile.
    pub fn new(
        profile: &Profile,
        session_name: &str,
        format: OutputFormat,
        report: &BounceReport,
        notes: Vec<String>,
    ) -> QcReport {
        let pm = &report.outputs[PM].loudness;
        let mut checks = Vec::new();
        if let Some(t) = &profile.loudness {
            let (what, measured) = match t.measure {
                Measure::Programme => ("programme loudness", pm.integrated),
                Measure::Dialog => ("dialog-gated loudness", report.dialog.integrated),
            };
            checks.push(Check::new(
                what,
                measured,
                "LUFS",
                Some(t.target - t.tolerance),
                Some(t.target + t.tolerance),
            ));
        }
        if let Some(max) = profile.true_peak_max {
            checks.push(Check::new(
                "true peak",
                pm.true_peak,
                "dBTP",
                None,
                Some(max),
            ));
        }
        if let Some(max) = profile.loudness_range_max {
            checks.push(Check::new(
                "loudness range",
                Some(pm.loudness_range),
                "LU",
                None,
                Some(max),
            ));
        }
        if format == OutputFormat::Int24 {
            let loudest = report
                .outputs
                .iter()
                .filter_map(|o| o.loudness.sample_peak)
                .fold(None, |m: Option<f64>, p| Some(m.map_or(p, |m| m.max(p))));
            let mut check = Check::new("full scale", loudest, "dBFS", None, Some(0.0));
            // Silence cannot clip.
            check.pass |= loudest.is_none();
            checks.push(check);
        }
        let mut warnings = Vec::new();
        if let Some(ceiling) = profile.true_peak_max {
            for o in &report.outputs {
                if o.name != "PM" && o.loudness.true_peak.is_some_and(|tp| tp > ceiling + 0.005) {
                    warnings.push(format!(
                        "{} reads {} dBTP, over the {ceiling:.1} dBTP ceiling: the limiter follows the printmaster, and this output is louder than its share of it",
                        o.name,
                        level(o.loudness.true_peak)
                    ));
                }
            }
        }
        if profile
            .loudness
            .is_some_and(|t| t.measure == Measure::Dialog)
            && report.dialog.integrated.is_none()
        {
            warnings.push(
                "no dialog found in the DX stem: the dialog-gated loudness cannot be measured"
                    .into(),
            );
        }
        let pass = checks.iter().all(|c| c.pass);
        QcReport {
            version: profile.name.clone(),
            description: profile.description.clone(),
            session: session_name.to_string(),
            start_timecode: report.start_timecode.clone(),
            end_timecode: report.end_timecode.clone(),
            seconds: report.frames as f64 / report.sample_rate as f64,
            sample_rate: report.sample_rate,
            sample_format: match format {
                OutputFormat::Int24 => "24-bit",
                OutputFormat::Float32 => "32-bit float",
            },
            channels: pm.true_peak_channels.len(),
            downmix: report.downmix,
            trim_db: report.trim_db,
            limiter: report.limiter,
            programme: pm.clone(),
            dialog: report.dialog.clone(),
            checks,
            outputs: report
                .outputs
                .iter()
                .map(|o| OutputQc {
                    name: o.name,
                    file: o.path.clone(),
                    loudness: o.loudness.clone(),
                })
                .collect(),
            notes,
            warnings,
            pass,
        }
    }

    /// The report for people.
    pub fn text(&self) -> String {
        let verdict = |pass: bool| if pass { "PASS" } else { "FAIL" };
        let mut t = format!("dubstage QC report: version \"{}\"\n", self.version);
        if !self.description.is_empty() {
            t.push_str(&format!("{}\n", self.description));
        }
        t.push_str(&format!(
            "\nsession      \"{}\", {} .. {} ({:.3} s), {} Hz, {}, {} channel(s)\n",
            self.session,
            self.start_timecode,
            self.end_timecode,
            self.seconds,
            self.sample_rate,
            self.sample_format,
            self.channels
        ));
        if let Some(d) = &self.downmix {
            t.push_str(&format!(
                "downmix      {}, on DX, MX, FX, ME and PM alike\n",
                d.describe()
            ));
        }
        t.push_str(&format!(
            "gain trim    {:+.2} dB on DX, MX, FX, ME and PM alike\n",
            self.trim_db
        ));
        match &self.limiter {
            Some(l) => t.push_str(&format!(
                "limiter      true peak held at {:.1} dBTP on the PM, every output following its gain: deepest reduction {:.2} dB, {:.2} s limited\n",
                l.ceiling_dbtp, l.max_reduction_db, l.limited_seconds
            )),
            None => t.push_str("limiter      none\n"),
        }
        t.push_str(&format!(
            "\n{:<24} {:>10}  {:<22} result\n",
            "check", "measured", "requirement"
        ));
        for c in &self.checks {
            t.push_str(&format!(
                "{:<24} {:>10}  {:<22} {}\n",
                c.what,
                match c.measured {
                    Some(m) => format!("{m:.2} {}", c.unit),
                    None => format!("-inf {}", c.unit),
                },
                c.requirement(),
                verdict(c.pass)
            ));
        }
        t.push_str(&format!(
            "\nprogramme loudness {} LUFS, loudness range {:.1} LU, true peak {} dBTP\n",
            level(self.programme.integrated),
            self.programme.loudness_range,
            level(self.programme.true_peak)
        ));
        t.push_str(&match self.dialog.integrated {
            Some(l) => format!(
                "dialog-gated loudness {l:.1} LUFS over {:.1} s of dialog ({:.0}% of the programme)\n",
                self.dialog.dialog_seconds,
                self.dialog.dialog_share * 100.0
            ),
            None => "dialog-gated loudness: no dialog found in DX\n".into(),
        });
        t.push_str(
            "\noutput  integrated  LRA     M max   S max   true peak  sample peak\n        LUFS        LU      LUFS    LUFS    dBTP       dBFS\n",
        );
        for o in &self.outputs {
            let r = &o.loudness;
            t.push_str(&format!(
                "{:<6}  {:>10}  {:>6.1}  {:>6}  {:>6}  {:>9}  {:>11}\n",
                o.name,
                level(r.integrated),
                r.loudness_range,
                level(r.momentary_max),
                level(r.short_term_max),
                level(r.true_peak),
                level(r.sample_peak)
            ));
        }
        if !self.notes.is_empty() {
            t.push_str("\nnotes:\n");
            for n in &self.notes {
                t.push_str(&format!("  {n}\n"));
            }
        }
        if !self.warnings.is_empty() {
            t.push_str("\nwarnings:\n");
            for w in &self.warnings {
                t.push_str(&format!("  {w}\n"));
            }
        }
        t.push_str(&format!("\nRESULT: {}\n", verdict(self.pass)));
        t
    }

    /// The report for scripts.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}
