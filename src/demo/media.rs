//! Synthesized media for the built-in demo scene.
//!
//! Everything is generated procedurally and deterministically (fixed-seed
//! xorshift RNG, no shipped audio): two characters' production dialog recorded
//! "on location" over a room-tone bed, a matching room-tone fill, a studio ADR
//! line, Foley footsteps, a door creak and slam, and a stereo music cue. Every
//! file is 48 kHz / 24-bit PCM WAV.

use std::path::Path;
use std::{fs, io, thread};

pub use super::cues::{ADR_PHRASE, ANNA_PHRASES, BEN_PHRASES, BEN_SHOUT, DEMO_FILES, DOOR_SLAM_AT};
use super::dialog::{adr_line, location_dialog};
use super::foley::{door, footsteps};
use super::music::music_cue;
use super::room::room_tone;
use super::speech::{ANNA, BEN};

/// No written sample exceeds this absolute value.
const CEILING: f64 = 0.98;

/// Synthesizes every file in [`DEMO_FILES`] into `media_dir` (created if
/// missing). Each file is written to `<name>.tmp`, synced, then renamed, so an
/// interrupted run never leaves a truncated WAV behind. Files render on
/// parallel threads; each has its own fixed seeds, so the bytes never vary.
pub fn write_demo_media(media_dir: &Path) -> io::Result<()> {
    fs::create_dir_all(media_dir)?;
    thread::scope(|scope| {
        let jobs: Vec<_> = DEMO_FILES
            .iter()
            .map(|&(name, ch, frames)| scope.spawn(move || write_file(media_dir, name, ch, frames)))
            .collect();
        // Join every job before reporting, so no error short-circuits a join.
        let results: Vec<_> = jobs.into_iter().map(|job| job.join()).collect();
        results.into_iter().try_for_each(|result| {
            result.unwrap_or_else(|_| Err(io::Error::other("demo synthesis panicked")))
        })
    })
}

/// Renders one demo file and writes it atomically (temp file, then rename).
fn write_file(dir: &Path, name: &str, channels: u16, frames: u64) -> io::Result<()> {
    let samples = usize::try_from(frames)
        .ok()
        .and_then(|frames| render(name, frames))
        .ok_or_else(|| io::Error::other(format!("cannot synthesize {name}")))?;
    let tmp = dir.join(format!("{name}.tmp"));
    let result =
        write_wav(&tmp, channels, &samples).and_then(|()| fs::rename(&tmp, dir.join(name)));
    if result.is_err() {
        let _ = fs::remove_file(&tmp); // best effort; the write error is what matters
    }
    result
}

/// Renders a demo file by name as interleaved samples, NaN-free and within ±[`CEILING`].
fn render(name: &str, frames: usize) -> Option<Vec<f64>> {
    let mut samples = match name {
        "anna.wav" => location_dialog(&ANNA, frames),
        "ben.wav" => location_dialog(&BEN, frames),
        "roomtone.wav" => room_tone(frames, 0x7007),
        "adr_ben.wav" => adr_line(frames),
        "footsteps.wav" => footsteps(frames),
        "door.wav" => door(frames),
        "music_cue.wav" => music_cue(frames),
        _ => return None,
    };
    for s in &mut samples {
        *s = if s.is_nan() {
            0.0
        } else {
            s.clamp(-CEILING, CEILING)
        };
    }
    Some(samples)
}

/// Writes interleaved samples as 48 kHz 24-bit PCM and fsyncs the file.
fn write_wav(path: &Path, channels: u16, samples: &[f64]) -> io::Result<()> {
    let spec = hound::WavSpec {
        channels,
        sample_rate: 48_000,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).map_err(hound_to_io)?;
    for &s in samples {
        let q = (s.clamp(-1.0, 1.0) * 8_388_607.0).round() as i32;
        writer.write_sample(q).map_err(hound_to_io)?;
    }
    writer.finalize().map_err(hound_to_io)?;
    fs::File::open(path)?.sync_all()
}

/// Unwraps hound's I/O errors; anything else is reported as invalid data.
fn hound_to_io(e: hound::Error) -> io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::synth::{at, peak, rms, SR};
    use std::f64::consts::{PI, TAU};
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};

    /// A uniquely named directory under the system temp dir, removed on drop.
    struct ScratchDir(PathBuf);

    impl ScratchDir {
        fn new() -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let unique = format!(
                "dubstage-demo-{}-{nanos}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            );
            Self(std::env::temp_dir().join(unique))
        }
    }

    impl Drop for ScratchDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// In-memory render of a listed demo file (what gets quantized to disk).
    fn rendered(name: &str) -> Vec<f64> {
        let &(_, _, frames) = DEMO_FILES.iter().find(|f| f.0 == name).expect("listed");
        render(name, frames as usize).expect("known file")
    }

    fn dbfs(x: f64) -> f64 {
        20.0 * x.max(1e-12).log10()
    }

    fn span(buf: &[f64], (a, b): (f64, f64)) -> &[f64] {
        &buf[at(a).min(buf.len())..at(b).min(buf.len())]
    }

    /// The samples of several spans, concatenated.
    fn spans(buf: &[f64], list: &[(f64, f64)]) -> Vec<f64> {
        list.iter()
            .flat_map(|&p| span(buf, p).iter().copied())
            .collect()
    }

    /// Ben's phrases with the shouted word (and its reflections) cut out.
    fn ben_plain_words() -> Vec<(f64, f64)> {
        let (s0, s1) = BEN_SHOUT;
        let split = |&(a, b): &(f64, f64)| {
            if a < s0 && s1 < b {
                vec![(a, s0 - 0.05), (s1 + 0.08, b)]
            } else {
                vec![(a, b)]
            }
        };
        BEN_PHRASES.iter().flat_map(split).collect()
    }

    #[test]
    fn written_files_match_table() {
        let dir = ScratchDir::new();
        write_demo_media(&dir.0).expect("demo media written");
        for &(name, channels, frames) in DEMO_FILES {
            let mut reader = hound::WavReader::open(dir.0.join(name)).expect("readable wav");
            let spec = reader.spec();
            assert_eq!(
                (spec.channels, spec.sample_rate, spec.bits_per_sample),
                (channels, 48_000, 24),
                "{name}"
            );
            assert_eq!(spec.sample_format, hound::SampleFormat::Int, "{name}");
            assert_eq!(reader.duration() as u64, frames, "{name} frames");
            let samples: Vec<f64> = reader
                .samples::<i32>()
                .map(|s| f64::from(s.expect("sample")) / 8_388_608.0)
                .collect();
            assert_eq!(
                samples.len() as u64,
                frames * u64::from(channels),
                "{name} samples"
            );
            assert!(peak(&samples) <= CEILING, "{name} exceeds {CEILING}");
        }
        assert_eq!(
            fs::read_dir(&dir.0).expect("dir").count(),
            DEMO_FILES.len(),
            "stray temp files"
        );
    }

    #[test]
    fn output_is_deterministic() {
        let (a, b) = (ScratchDir::new(), ScratchDir::new());
        write_demo_media(&a.0).expect("first run");
        write_demo_media(&b.0).expect("second run");
        for &(name, ..) in DEMO_FILES {
            let same = fs::read(a.0.join(name)).expect("first")
                == fs::read(b.0.join(name)).expect("second");
            assert!(same, "{name} differs between runs");
        }
    }

    #[test]
    fn phrases_are_20_db_above_pauses() {
        for (name, phrases) in [("anna.wav", ANNA_PHRASES), ("ben.wav", BEN_PHRASES)] {
            let audio = rendered(name);
            let edges: Vec<f64> = phrases.iter().flat_map(|p| [p.0, p.1]).collect();
            let bounds: Vec<f64> = [&[0.0], &edges[..], &[audio.len() as f64 / SR]].concat();
            let pauses = bounds
                .chunks(2)
                .map(|g| rms(span(&audio, (g[0] + 0.15, g[1] - 0.15))));
            let quietest = phrases
                .iter()
                .map(|&p| rms(span(&audio, p)))
                .fold(1.0, f64::min);
            let margin = dbfs(quietest) - dbfs(pauses.fold(0.0, f64::max));
            assert!(
                margin >= 20.0,
                "{name}: phrases only {margin:.1} dB above pauses"
            );
        }
    }

    #[test]
    fn shouted_word_stands_out() {
        let ben = rendered("ben.wav");
        let shout = peak(span(&ben, BEN_SHOUT));
        let others = ben_plain_words()
            .iter()
            .map(|&p| peak(span(&ben, p)))
            .fold(0.0, f64::max);
        let lift = dbfs(shout) - dbfs(others);
        assert!(lift >= 6.0, "shout only {lift:.1} dB above other words");
        assert!(
            (-4.0..=-1.0).contains(&dbfs(shout)),
            "shout peak {:.1} dBFS",
            dbfs(shout)
        );
    }

    #[test]
    fn dialog_levels_match_spec() {
        let cases = [
            ("anna.wav", ANNA_PHRASES.to_vec()),
            ("ben.wav", ben_plain_words()),
            ("adr_ben.wav", vec![ADR_PHRASE]),
        ];
        for (name, phrases) in cases {
            let audio = rendered(name);
            let speech = spans(&audio, &phrases);
            let (level, top) = (dbfs(rms(&speech)), dbfs(peak(&speech)));
            assert!(
                (-26.0..=-22.0).contains(&level),
                "{name}: speech RMS {level:.1} dBFS"
            );
            assert!(
                (-11.0..=-6.0).contains(&top),
                "{name}: speech peak {top:.1} dBFS"
            );
        }
        let adr_floor = dbfs(rms(span(
            &rendered("adr_ben.wav"),
            (ADR_PHRASE.1 + 0.2, 4.0),
        )));
        assert!(adr_floor < -65.0, "ADR noise floor {adr_floor:.1} dBFS");
        let (adr, original) = (
            ADR_PHRASE.1 - ADR_PHRASE.0,
            BEN_PHRASES[2].1 - BEN_PHRASES[2].0,
        );
        assert!(
            (adr - original).abs() < 1e-9,
            "ADR line must match Ben's 3rd phrase"
        );
    }

    #[test]
    fn room_tone_level_in_range() {
        let level = dbfs(rms(&rendered("roomtone.wav")));
        assert!(
            (-60.0..=-45.0).contains(&level),
            "room tone {level:.1} dBFS"
        );
    }

    #[test]
    fn effects_and_music_follow_their_cues() {
        let door = rendered("door.wav");
        let top = peak(&door);
        let loudest = door.iter().position(|s| s.abs() == top).unwrap_or(0) as f64 / SR;
        assert!(
            (DOOR_SLAM_AT..DOOR_SLAM_AT + 0.05).contains(&loudest),
            "slam peaks at {loudest:.3} s"
        );
        let steps = rendered("footsteps.wav");
        let hits = steps
            .windows(2)
            .filter(|w| w[0].abs() < 0.05 && w[1].abs() >= 0.05)
            .count();
        assert!(hits >= 10, "only {hits} footstep onsets");
        let music = rendered("music_cue.wav");
        let (l, r): (Vec<f64>, Vec<f64>) = music.chunks(2).map(|f| (f[0], f[1])).unzip();
        let width = rms(&l.iter().zip(&r).map(|(l, r)| l - r).collect::<Vec<_>>()) / rms(&l);
        assert!(
            (0.05..0.8).contains(&width),
            "stereo side/mid ratio {width:.2}"
        );
        assert!(
            peak(&music[..2 * at(0.1)]) < 0.01 && peak(&music[music.len() - 2 * at(0.1)..]) < 0.01,
            "fades"
        );
    }

    /// Share of spectral energy below `cutoff` Hz in Hann-windowed 1024-point
    /// frames hopped every 50 ms through `phrases` (plain DFT; fine for a test).
    fn energy_share_below(audio: &[f64], phrases: &[(f64, f64)], cutoff: f64) -> f64 {
        const N: usize = 1024;
        let twiddle: Vec<(f64, f64)> = (0..N)
            .map(|k| (TAU * k as f64 / N as f64).sin_cos())
            .collect();
        let hann: Vec<f64> = (0..N)
            .map(|n| (PI * n as f64 / N as f64).sin().powi(2))
            .collect();
        let split = (cutoff / SR * N as f64) as usize;
        let (mut low, mut total) = (0.0, 0.0);
        for &p in phrases {
            for frame in span(audio, p).windows(N).step_by(at(0.05)) {
                let x: Vec<f64> = frame.iter().zip(&hann).map(|(s, w)| s * w).collect();
                for k in 1..N / 2 {
                    let (re, im) = x.iter().enumerate().fold((0.0, 0.0), |(re, im), (n, x)| {
                        let (s, c) = twiddle[k * n % N];
                        (re + x * c, im - x * s)
                    });
                    let power = re * re + im * im;
                    total += power;
                    low += if k < split { power } else { 0.0 };
                }
            }
        }
        low / total
    }

    /// F0 of a 2×`n`-sample frame by normalized autocorrelation over 70–400 Hz:
    /// the earliest local peak within 90 % of the best one.
    fn frame_pitch(frame: &[f64], n: usize) -> f64 {
        let corr = |lag: usize| {
            let (a, b) = (&frame[..n], &frame[lag..lag + n]);
            a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>()
                / (rms(a) * rms(b) * n as f64).max(1e-12)
        };
        let lags: Vec<(usize, f64)> = (at(1.0 / 400.0)..=at(1.0 / 70.0))
            .map(|l| (l, corr(l)))
            .collect();
        let best = lags.iter().fold(f64::MIN, |m, l| m.max(l.1));
        let is_peak =
            |w: &&[(usize, f64)]| w[1].1 >= 0.9 * best && w[1].1 >= w[0].1 && w[1].1 >= w[2].1;
        SR / lags.windows(3).find(is_peak).map_or(1, |w| w[1].0) as f64
    }

    /// Median F0 over the 40 ms frames (hop 50 ms) of `phrases` that are louder
    /// than the phrases' overall RMS, i.e. the clearly voiced ones.
    fn median_pitch(audio: &[f64], phrases: &[(f64, f64)]) -> f64 {
        let n = at(0.04);
        let level = rms(&spans(audio, phrases));
        let voiced = |f: &&[f64]| rms(&f[..n]) >= level;
        let frames = phrases
            .iter()
            .flat_map(|&p| span(audio, p).windows(2 * n).step_by(at(0.05)));
        let mut f0: Vec<f64> = frames.filter(voiced).map(|f| frame_pitch(f, n)).collect();
        f0.sort_by(f64::total_cmp);
        f0[f0.len() / 2]
    }

    #[test]
    fn voices_are_speech_like() {
        for (name, phrases, f0_range) in [
            ("anna.wav", ANNA_PHRASES, 200.0..=235.0),
            ("ben.wav", BEN_PHRASES, 100.0..=130.0),
        ] {
            let audio = rendered(name);
            let share = energy_share_below(&audio, phrases, 4000.0);
            assert!(
                share > 0.95,
                "{name}: only {:.1} % of energy below 4 kHz",
                100.0 * share
            );
            let f0 = median_pitch(&audio, phrases);
            assert!(f0_range.contains(&f0), "{name}: median F0 {f0:.0} Hz");
        }
    }
}
