//! Checks a parsed session for problems serde cannot see: references that do
//! not resolve, spans that do not fit, routing loops. Every problem is
//! collected, each with the field path it concerns.

use std::collections::HashSet;

use super::session::{Clip, Output, Session, FORMAT_VERSION};
use super::timecode::Timecode;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The session cannot be used until it is fixed.
    Error,
    /// The session plays, but probably not as meant.
    Warning,
}

/// One problem, at a field path such as `tracks[2].clips[0].source`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub path: String,
    pub message: String,
}

/// Faders and gains above this are refused as typing mistakes.
pub const MAX_GAIN_DB: f32 = 24.0;

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            severity: Severity::Error,
            path: path.into(),
            message: message.into(),
        });
    }

    fn warning(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            severity: Severity::Warning,
            path: path.into(),
            message: message.into(),
        });
    }

    fn gain(&mut self, path: String, db: f32) {
        if !db.is_finite() {
            self.error(path, format!("{db} is not a level in dB"));
        } else if db > MAX_GAIN_DB {
            self.error(
                path,
                format!("{db} dB is above the +{MAX_GAIN_DB} dB maximum"),
            );
        }
    }

    fn pan(&mut self, path: String, pan: f32) {
        if !(-1.0..=1.0).contains(&pan) {
            self.error(
                path,
                format!("pan {pan} is outside -1.0 (left) .. 1.0 (right)"),
            );
        }
    }
}

/// Every problem in `session`, errors and warnings, in file order.
pub fn check(session: &Session) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    if session.format_version != FORMAT_VERSION {
        c.error(
            "format_version",
            format!(
                "format version {} is not supported (this dubstage reads version {FORMAT_VERSION})",
                session.format_version
            ),
        );
    }
    if !(8_000..=384_000).contains(&session.sample_rate) {
        c.error(
            "sample_rate",
            format!(
                "{} Hz is not a sample rate between 8000 and 384000",
                session.sample_rate
            ),
        );
    }
    if let Err(e) = Timecode::parse(&session.timecode.start, session.timecode.rate) {
        c.error("timecode.start", e.to_string());
    }

    let mut ids = HashSet::new();
    for (i, source) in session.sources.iter().enumerate() {
        if source.id.is_empty() {
            c.error(format!("sources[{i}].id"), "a source needs an id");
        } else if !ids.insert(source.id.as_str()) {
            c.error(
                format!("sources[{i}].id"),
                format!("source id \"{}\" is used twice", source.id),
            );
        }
        if source.path.as_os_str().is_empty() {
            c.error(format!("sources[{i}].path"), "a source needs a path");
        }
    }

    let mut bus_names = HashSet::new();
    for (i, bus) in session.buses.iter().enumerate() {
        if !bus_names.insert(bus.name.as_str()) {
            c.error(
                format!("buses[{i}].name"),
                format!("bus name \"{}\" is used twice", bus.name),
            );
        }
        check_output(&mut c, session, format!("buses[{i}].output"), &bus.output);
        c.gain(format!("buses[{i}].fader_db"), bus.fader_db);
    }
    check_bus_loops(&mut c, session);

    let mut track_names = HashSet::new();
    for (t, track) in session.tracks.iter().enumerate() {
        let at = format!("tracks[{t}]");
        if !track_names.insert(track.name.as_str()) {
            c.warning(
                format!("{at}.name"),
                format!("track name \"{}\" is used twice", track.name),
            );
        }
        check_output(&mut c, session, format!("{at}.output"), &track.output);
        c.gain(format!("{at}.fader_db"), track.fader_db);
        c.pan(format!("{at}.pan"), track.pan);
        for (name, value) in [
            ("surround", track.surround),
            ("divergence", track.divergence),
        ] {
            if !(0.0..=1.0).contains(&value) {
                c.error(
                    format!("{at}.{name}"),
                    format!("{name} {value} is outside 0.0 .. 1.0"),
                );
            }
        }
        for (k, send) in track.sends.iter().enumerate() {
            if session.bus_index(&send.bus).is_none() {
                c.error(
                    format!("{at}.sends[{k}].bus"),
                    format!("there is no bus named \"{}\"", send.bus),
                );
            }
            c.gain(format!("{at}.sends[{k}].level_db"), send.level_db);
        }
        for (k, clip) in track.clips.iter().enumerate() {
            check_clip(&mut c, session, &format!("{at}.clips[{k}]"), clip);
        }
        check_overlaps(&mut c, &at, &track.clips);
    }

    for kind in super::session::StemKind::ALL {
        c.gain(
            format!("stems.{}.fader_db", kind.name()),
            session.stems.strip(kind).fader_db,
        );
    }
    c.gain("printmaster.fader_db".into(), session.printmaster.fader_db);
    let limiters = super::session::StemKind::ALL
        .iter()
        .map(|&k| {
            (
                format!("stems.{}.limiter", k.name()),
                session.stems.strip(k).limiter,
            )
        })
        .chain([(
            "printmaster.limiter".to_string(),
            session.printmaster.limiter,
        )]);
    for (path, limiter) in limiters {
        check_limiter(&mut c, path, &limiter);
    }
    c.problems
}

/// A limiter's ceiling and release within what the engine holds to.
fn check_limiter(c: &mut Checker, path: String, limiter: &super::limiter::Limiter) {
    use super::limiter::{CEILING_RANGE, RELEASE_RANGE};
    let (lo, hi) = CEILING_RANGE;
    if !(lo..=hi).contains(&limiter.ceiling_dbtp) {
        c.error(
            format!("{path}.ceiling_dbtp"),
            format!("{} dBTP is outside {lo} .. {hi} dBTP", limiter.ceiling_dbtp),
        );
    }
    let (lo, hi) = RELEASE_RANGE;
    if !(lo..=hi).contains(&limiter.release_ms) {
        c.error(
            format!("{path}.release_ms"),
            format!("{} ms is outside {lo} .. {hi} ms", limiter.release_ms),
        );
    }
}

fn check_output(c: &mut Checker, session: &Session, path: String, output: &Output) {
    if let Output::Bus(name) = output {
        if session.bus_index(name).is_none() {
            c.error(path, format!("there is no bus named \"{name}\""));
        }
    }
}

/// A bus that feeds itself, directly or through others, has no defined output.
fn check_bus_loops(c: &mut Checker, session: &Session) {
    for (start, bus) in session.buses.iter().enumerate() {
        let mut seen = vec![false; session.buses.len()];
        seen[start] = true;
        let mut output = &bus.output;
        while let Output::Bus(name) = output {
            let Some(next) = session.bus_index(name) else {
                break;
            };
            if next == start {
                c.error(
                    format!("buses[{start}].output"),
                    format!("bus \"{}\" feeds back into itself", bus.name),
                );
                break;
            }
            if seen[next] {
                break; // a loop that does not pass through `start`; reported from its own bus
            }
            seen[next] = true;
            output = &session.buses[next].output;
        }
    }
}

fn check_clip(c: &mut Checker, session: &Session, at: &str, clip: &Clip) {
    if session.source(&clip.source).is_none() {
        c.error(
            format!("{at}.source"),
            format!("there is no source with id \"{}\"", clip.source),
        );
    }
    if clip.length == 0 {
        c.error(
            format!("{at}.length"),
            "a clip must be at least one sample long",
        );
    }
    if clip.position.checked_add(clip.length).is_none()
        || clip.source_offset.checked_add(clip.length).is_none()
    {
        c.error(format!("{at}.length"), "the clip runs past the end of time");
    }
    c.gain(format!("{at}.gain_db"), clip.gain_db);
    let fades = clip.fade_in.length.saturating_add(clip.fade_out.length);
    if fades > clip.length {
        c.error(
            format!("{at}.fade_in"),
            format!(
                "fade-in ({}) and fade-out ({}) together are longer than the clip ({} samples)",
                clip.fade_in.length, clip.fade_out.length, clip.length
            ),
        );
    }
    for (d, dip) in clip.dips.iter().enumerate() {
        let path = format!("{at}.dips[{d}]");
        if dip.start >= dip.end {
            c.error(
                format!("{path}.end"),
                format!(
                    "the dip ends ({}) before it starts ({})",
                    dip.end, dip.start
                ),
            );
        } else if dip.end > clip.length {
            c.error(
                format!("{path}.end"),
                format!(
                    "the dip ends at {} but the clip is {} samples long",
                    dip.end, clip.length
                ),
            );
        }
        if !dip.depth_db.is_finite() || dip.depth_db > 0.0 {
            c.error(
                format!("{path}.depth_db"),
                format!(
                    "a dip's depth is a reduction in dB, 0 or below, not {}",
                    dip.depth_db
                ),
            );
        }
    }
    if let Some(fill) = &clip.looped {
        if fill.length == 0 {
            c.error(
                format!("{at}.loop.length"),
                "the looped span must be at least one sample long",
            );
        } else if fill.crossfade.saturating_mul(2) >= fill.length {
            c.error(
                format!("{at}.loop.crossfade"),
                format!(
                    "a crossfade of {} samples needs a looped span longer than {} samples",
                    fill.crossfade,
                    fill.crossfade.saturating_mul(2)
                ),
            );
        }
    }
}

/// Overlapping clips both play; warn where the overlap is not covered by the
/// earlier clip's fade-out and the later clip's fade-in.
fn check_overlaps(c: &mut Checker, at: &str, clips: &[Clip]) {
    let mut order: Vec<usize> = (0..clips.len()).collect();
    order.sort_by_key(|&i| (clips[i].position, clips[i].end()));
    for pair in order.windows(2) {
        let (a, b) = (&clips[pair[0]], &clips[pair[1]]);
        if b.position >= a.end() || a.mute || b.mute {
            continue;
        }
        let overlap = a.end().min(b.end()) - b.position;
        if a.fade_out.length < overlap || b.fade_in.length < overlap {
            c.warning(
                format!("{at}.clips[{}]", pair[1]),
                format!(
                    "clip \"{}\" overlaps \"{}\" by {overlap} samples without a crossfade; both play there",
                    b.display_name(),
                    a.display_name()
                ),
            );
        }
    }
}
