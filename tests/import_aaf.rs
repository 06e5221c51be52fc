//! AAF import against real files made by Media Composer, Premiere Pro and
//! DaVinci Resolve (from LibAAF's test set, see tests/import/aaf/README.md):
//! track counts, clip positions and lengths in samples, fades and their
//! shapes, clip gain, level keyframes and markers are checked against the
//! values LibAAF's own dumps of these files give (its `.expected` files,
//! at 48 kHz from the composition's start; these sessions run at the
//! media's 44.1 kHz, so they are converted). Damaged files are refused
//! with the file and the object named, and never panic.

use std::path::{Path, PathBuf};

use dubstage::import::{self, aaf, BuildOptions, Report};
use dubstage::model::{FadeShape, LaneTarget, Session};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/import/aaf")
        .join(name)
}

/// Import `name` with the shipped media, extracting embedded media into `dir`.
fn import_aaf(name: &str, dir: &Path) -> (Session, Report) {
    let cut = fixture(name);
    let media_dir = dir.join("session.media");
    let media = vec![fixture("media")];
    let parsed = import::read_cut_into(&cut, None, &media, Some(&media_dir)).unwrap();
    import::build(
        &parsed,
        &BuildOptions {
            cut_path: cut,
            media,
            start: None,
            session_dir: dir.to_path_buf(),
            video_track: false,
        },
    )
    .unwrap()
}

/// A LibAAF sample count at 48 kHz as samples at `rate`.
fn at(samples_48k: u64, rate: u32) -> u64 {
    (samples_48k as f64 * f64::from(rate) / 48_000.0).round() as u64
}

fn close(actual: u64, expected: u64, what: &str) {
    assert!(
        actual.abs_diff(expected) <= 1,
        "{what}: {actual} samples, expected {expected}"
    );
}

fn track<'a>(s: &'a Session, name: &str) -> &'a dubstage::model::Track {
    s.tracks
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no track {name}"))
}

#[test]
fn media_composer_fades_and_crossfades_land_where_libaaf_puts_them() {
    let dir = tempfile::tempdir().unwrap();
    let (s, report) = import_aaf("MC_Fades.aaf", dir.path());
    let names: Vec<&str> = s.tracks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["A1", "A2", "A3.L", "A3.R"]);
    assert_eq!(s.timecode.start, "01:00:00:00");
    assert_eq!(s.timecode.rate.as_str(), "29.97");
    let r = s.sample_rate;
    assert_eq!(r, 44_100);
    let a1 = &track(&s, "A1").clips;
    // (start, length, source offset) from MC_Fades.aaf.expected, minus the
    // composition start 172972800.
    let expected = [
        (0, 48048, 48048),
        (64064, 32032, 48048),
        (88088, 40040, 52852),
        (120120, 24024, 51251),
    ];
    assert_eq!(a1.len(), 4);
    for (clip, (start, len, offset)) in a1.iter().zip(expected) {
        close(clip.position, at(start, r), "position");
        close(clip.length, at(len, r), "length");
        close(clip.source_offset, at(offset, r), "source offset");
    }
    let fade = at(8008, r);
    close(a1[0].fade_in.length, fade, "fade in");
    close(a1[0].fade_out.length, fade, "fade out");
    assert_eq!(a1[0].fade_in.shape, FadeShape::Linear);
    // The crossfade between clips 2 and 3 is linear, between 3 and 4 equal power.
    close(a1[1].fade_out.length, fade, "crossfade out");
    close(a1[2].fade_in.length, fade, "crossfade in");
    assert_eq!(a1[2].fade_in.shape, FadeShape::Linear);
    assert_eq!(a1[2].fade_out.shape, FadeShape::EqualPower);
    assert_eq!(a1[3].fade_in.shape, FadeShape::EqualPower);
    assert_eq!(a1[1].end() - a1[2].position, a1[2].fade_in.length);
    let a2 = &track(&s, "A2").clips;
    assert_eq!(a2[0].fade_in.shape, FadeShape::EqualPower);
    // The stereo track is two mono tracks panned hard, five clips each.
    assert_eq!(track(&s, "A3.L").clips.len(), 5);
    assert_eq!((track(&s, "A3.L").pan, track(&s, "A3.R").pan), (-1.0, 1.0));
    assert_eq!(track(&s, "A3.R").clips[0].channel, 0);
    // Its media are not shipped: offline, and said so.
    assert_eq!(report.offline.len(), 2, "{report}");
}

#[test]
fn clip_gain_and_level_keyframes_become_clip_gain_and_volume_automation() {
    let dir = tempfile::tempdir().unwrap();
    let (s, report) = import_aaf("MC_Audio_Levels.aaf", dir.path());
    let gain = |t: &str| track(&s, t).clips[0].gain_db;
    // MC_Audio_Levels.aaf.expected: A1 clip 2 +3.0 dB, A3 +2.0 dB, A4
    // +1.5 dB, A5 +6.0 dB. The subclip on A3 and the clip on A4 and A5
    // carry gain of their own, which (as in LibAAF) is reported, not applied.
    assert!((track(&s, "A1").clips[1].gain_db - 3.0).abs() < 0.05);
    assert!((gain("A3") - 2.0).abs() < 0.05);
    assert!((gain("A4") - 1.5).abs() < 0.05, "{}", gain("A4"));
    assert!((gain("A5") - 6.0).abs() < 0.05, "{}", gain("A5"));
    let own: Vec<&String> = report
        .unsupported
        .iter()
        .filter(|u| u.contains("of its own"))
        .collect();
    assert_eq!(own.len(), 3, "{report}");
    assert!(
        own[0].starts_with("A3 clip 1 at 01:00:00:00 (\"1000hz-18dbs16b44.1k.wav.Sub.01\"): the clip it plays has -7.0 dB"),
        "{}",
        own[0]
    );
    // A1 clip 1: 0 dB, down to -46.3 dB at 0.4333 of the clip, back to 0 dB.
    let lane = track(&s, "A1")
        .lanes
        .iter()
        .find(|l| l.target == LaneTarget::Volume)
        .expect("a volume lane");
    let clip = &track(&s, "A1").clips[0];
    let dip = clip.position + (clip.length as f64 * 0.433333).round() as u64;
    let low = lane.value_at(dip).unwrap();
    assert!((low - -46.3).abs() < 0.1, "{low}");
    assert!(lane.value_at(clip.position).unwrap().abs() < 0.01);
    // Half way down the ramp the amplitude, not the dB, is half way.
    let half = clip.position + (clip.length as f64 * 0.433333 / 2.0).round() as u64;
    let mid = lane.value_at(half).unwrap();
    assert!((-7.0..-5.0).contains(&mid), "{mid}");
    // A2's only keyframe (+8 dB) holds over its clip and returns to unity after it.
    let a2 = track(&s, "A2");
    let lane = &a2.lanes[0];
    assert!((lane.value_at(a2.clips[0].position + 10).unwrap() - 8.0).abs() < 0.05);
    assert_eq!(lane.value_at(a2.clips[0].end() + 10), Some(0.0));
}

#[test]
fn markers_keep_their_label_colour_comment_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = import_aaf("MC_Markers.aaf", dir.path());
    let r = s.sample_rate;
    let m: Vec<(&str, u64)> = s
        .markers
        .iter()
        .map(|m| (m.name.as_str(), m.position))
        .collect();
    // In time order: XYZ (on the timecode track) at the start, then ABC and DEF.
    assert_eq!(m.len(), 3, "{m:?}");
    assert!(m[0].0.starts_with("XYZ [#e6e619]"), "{}", m[0].0);
    assert_eq!(m[0].1, 0);
    assert!(
        m[1].0
            .starts_with("ABC [#a12f19]: I'm a Marker on track A1"),
        "{}",
        m[1].0
    );
    close(m[1].1, at(172_988_816 - 172_972_800, r), "ABC");
    assert!(m[2].0.starts_with("DEF [#33cccc]"));
    close(m[2].1, at(173_019_247 - 172_972_800, r), "DEF");
}

#[test]
fn embedded_wave_media_are_extracted_once_beside_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let (s, report) = import_aaf("PR_WAV_Internal.aaf", dir.path());
    assert!(report.offline.is_empty(), "{report}");
    assert_eq!(s.sample_rate, 48_000);
    assert_eq!(s.timecode.start, "00:00:00;00");
    let clip = &s.tracks[0].clips[0];
    assert_eq!(s.tracks[0].name, "Audio 1");
    close(clip.position, 172_799_828, "position");
    assert_eq!(clip.length, 48_048);
    close(clip.source_offset, 1601, "source offset");
    let extracted = dir.path().join("session.media/1000hz-18dbs16b44.1k.wav");
    let reader = hound::WavReader::open(&extracted).unwrap();
    assert_eq!(reader.spec().sample_rate, 48_000);
    assert_eq!(reader.duration(), 51_252);
    // Again: the same file is used, nothing new is written.
    let before = std::fs::metadata(&extracted).unwrap().modified().unwrap();
    import_aaf("PR_WAV_Internal.aaf", dir.path());
    let files: Vec<_> = std::fs::read_dir(dir.path().join("session.media"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(
        std::fs::metadata(&extracted).unwrap().modified().unwrap(),
        before
    );
    // A different file of that name is never overwritten.
    std::fs::write(&extracted, b"not this").unwrap();
    import_aaf("PR_WAV_Internal.aaf", dir.path());
    assert_eq!(std::fs::read(&extracted).unwrap(), b"not this");
    assert!(dir
        .path()
        .join("session.media/1000hz-18dbs16b44.1k-2.wav")
        .exists());
}

#[test]
fn resolve_clips_at_sample_edit_rate_land_on_their_samples() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = import_aaf("DR_Mono_Clip_Positioning.aaf", dir.path());
    assert_eq!(s.timecode.rate.as_str(), "24");
    assert_eq!(s.sample_rate, 44_100);
    // DR_Mono_Clip_Positioning.aaf.expected, at 44.1 kHz already, minus 158760000.
    let expected = [0, 183_750, 396_900, 605_751];
    let clips = &s.tracks[0].clips;
    assert_eq!(clips.len(), 4);
    for (clip, start) in clips.iter().zip(expected) {
        assert_eq!(clip.position, start);
        assert_eq!(clip.length, 132_300);
        assert_eq!(clip.source_offset, 0);
    }
}

fn read_err(name: &str, bytes: Vec<u8>) -> String {
    aaf::read_bytes(Path::new(name), bytes, None, None)
        .unwrap_err()
        .to_string()
}

#[test]
fn files_that_are_not_aaf_are_refused_with_the_reason() {
    let err = read_err("cut.aaf", b"TITLE: not an AAF\n".repeat(100));
    assert!(
        err.starts_with("cut.aaf: /: it is not an AAF file"),
        "{err}"
    );
    let real = std::fs::read(fixture("MC_Markers.aaf")).unwrap();
    let err = read_err("short.aaf", real[..4096].to_vec());
    assert!(err.starts_with("short.aaf: "), "{err}");
    // A compound file that is not an AAF (a Word document, say).
    let mut other = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    other.create_stream("/WordDocument").unwrap();
    let bytes = other.into_inner().into_inner();
    let err = read_err("letter.aaf", bytes);
    assert!(
        err.contains("letter.aaf: /: cannot open the stream") || err.contains("properties"),
        "{err}"
    );
    let err = import::read_cut(Path::new("cut.omf"), None, &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("OMF files are not read"), "{err}");
}

/// A small deterministic generator for the mutations.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Mutated real files (bit flips, truncations, counts and lengths rewritten
/// to huge values) are refused or read, never a panic. `DUBSTAGE_AAF_FUZZ`
/// sets the number of mutations per file (default 60) for a longer run.
#[test]
fn mutated_real_files_never_panic() {
    let rounds: usize = std::env::var("DUBSTAGE_AAF_FUZZ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut refused = 0;
    let mut total = 0;
    for name in [
        "MC_Fades.aaf",
        "MC_Markers.aaf",
        "PR_WAV_Internal.aaf",
        "DR_Mono_Clip_Positioning.aaf",
    ] {
        let original = std::fs::read(fixture(name)).unwrap();
        for round in 0..rounds {
            let mut bytes = original.clone();
            match round % 4 {
                0 => {
                    for _ in 0..1 + rng.below(16) {
                        let at = rng.below(bytes.len());
                        bytes[at] ^= 1 << rng.below(8);
                    }
                }
                1 => bytes.truncate(rng.below(bytes.len())),
                2 => {
                    // A count or length somewhere made absurd.
                    for _ in 0..1 + rng.below(4) {
                        let at = rng.below(bytes.len() - 4) & !3;
                        bytes[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
                    }
                }
                _ => {
                    // Counts in the second half (property and index streams).
                    for _ in 0..1 + rng.below(8) {
                        let at = bytes.len() / 2 + rng.below(bytes.len() / 2 - 2);
                        let v = [0xff, 0x7f, 0x00][rng.below(3)];
                        bytes[at] = v;
                        bytes[at + 1] = v;
                    }
                }
            }
            let path = PathBuf::from(format!("{name}#{round}"));
            let result = std::panic::catch_unwind(|| aaf::read_bytes(&path, bytes, None, None));
            let result = result.unwrap_or_else(|_| panic!("{name}: mutation {round} panicked"));
            total += 1;
            if let Err(e) = result {
                refused += 1;
                assert!(
                    e.to_string().starts_with(&format!("{name}#{round}: ")),
                    "{e}"
                );
            }
        }
    }
    assert!(
        refused > 0 && total == 4 * rounds,
        "{refused} of {total} refused"
    );
}
