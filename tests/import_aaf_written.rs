//! AAF files written by a second implementation, pyaaf2 (installed by
//! .ci/run), through `tests/import/aaf/make_aaf.py`: embedded PCM, clip
//! gain, fades and crossfades, track volume automation and pan, a marker
//! and a URL-encoded locator, imported through the command line; and a
//! round trip: the bounce of an AAF cut nulls against the bounce of the
//! same cut imported from OpenTimelineIO.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use dubstage::model::file;
use dubstage::model::{FadeShape, LaneTarget, Session};

/// Run make_aaf.py into `dir` (with `extra` arguments).
fn make(dir: &Path, extra: &[&str]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import/aaf/make_aaf.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(dir)
        .args(extra)
        .output()
        .expect("python3 (with pyaaf2: pip install pyaaf2, as .ci/run does)");
    assert!(
        out.status.success(),
        "make_aaf.py failed (pyaaf2 is installed by .ci/run): {}",
        text(&out.stderr)
    );
}

/// `dubstage import CUT --media DIR/media -o DIR/NAME.ron`, then load it.
fn import_cli(dir: &Path, cut: &str, name: &str) -> (Session, String) {
    let session = dir.join(format!("{name}.ron"));
    let media = dir.join("media");
    let out = dubstage(
        &[
            "import",
            dir.join(cut).to_str().unwrap(),
            "--media",
            media.to_str().unwrap(),
            "-o",
            session.to_str().unwrap(),
        ],
        dir,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    (file::load(&session).unwrap().session, text(&out.stdout))
}

#[test]
fn an_aaf_with_embedded_media_gain_fades_automation_and_markers_imports_whole() {
    let dir = tempfile::tempdir().unwrap();
    make(dir.path(), &[]);
    let (s, report) = import_cli(dir.path(), "mix.aaf", "mix");
    assert!(
        report.starts_with(
            "3 clip(s) on 2 track(s) (DIA, MX) from 2 source(s), 48000 Hz, 25 fps from 10:00:00:00"
        ),
        "{report}"
    );
    assert!(
        !report.contains("not found") && !report.contains("not reproduced"),
        "{report}"
    );
    // DIA: a fade in from the gap, -6.02 dB, an equal-power crossfade.
    let dia = &s.tracks[0];
    assert_eq!(dia.name, "DIA");
    let (c1, c2) = (&dia.clips[0], &dia.clips[1]);
    assert_eq!(
        (c1.position, c1.length, c1.source_offset),
        (28_800, 96_000, 19_200)
    );
    assert!((c1.gain_db - -6.0206).abs() < 1e-3);
    assert_eq!(
        (c1.fade_in.length, c1.fade_in.shape),
        (19_200, FadeShape::Linear)
    );
    assert_eq!(
        (c1.fade_out.length, c1.fade_out.shape),
        (19_200, FadeShape::EqualPower)
    );
    assert_eq!(
        (c2.position, c2.length, c2.source_offset),
        (105_600, 76_800, 0)
    );
    assert_eq!(
        (c2.fade_in.length, c2.fade_in.shape),
        (19_200, FadeShape::EqualPower)
    );
    // The embedded PCM was written beside the session and is what plays.
    let source = s.source(&c1.source).unwrap();
    let extracted = dir.path().join(&source.path);
    assert!(
        extracted.starts_with(dir.path().join("mix.media")),
        "{}",
        extracted.display()
    );
    let (spec, channels) = read_wav(&extracted);
    assert_eq!(
        (spec.sample_rate, channels.len(), channels[0].len()),
        (48_000, 1, 4 * 48_000)
    );
    // MX: take 1 found by the name in its URL-encoded locator, from 1 s;
    // half right; volume 0 dB, -12.04 dB at half way, 0 dB.
    let mx = &s.tracks[1];
    assert_eq!(
        s.source(&mx.clips[0].source).unwrap().path,
        PathBuf::from("media/take 1.wav")
    );
    assert_eq!(
        (mx.clips[0].position, mx.clips[0].source_offset),
        (0, 48_000)
    );
    assert_eq!(mx.pan, 0.5);
    let lane = mx
        .lanes
        .iter()
        .find(|l| l.target == LaneTarget::Volume)
        .unwrap();
    assert!(lane.value_at(0).unwrap().abs() < 1e-3);
    assert!((lane.value_at(48_000).unwrap() - -12.0412).abs() < 1e-3);
    // A quarter of the way the amplitude is 0.625 (-4.08 dB), as in the AAF.
    assert!((lane.value_at(24_000).unwrap() - -4.0824).abs() < 0.05);
    assert!(lane.value_at(96_000).unwrap().abs() < 1e-3);
    assert_eq!(s.markers.len(), 1);
    assert_eq!(
        (s.markers[0].name.as_str(), s.markers[0].position),
        ("Marker: check sync", 57_600)
    );
    // Imported again (with --force), the media are not written twice.
    let again = dubstage(
        &[
            "import", "mix.aaf", "--media", "media", "-o", "mix.ron", "--force",
        ],
        dir.path(),
    );
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(
        std::fs::read_dir(dir.path().join("mix.media"))
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn an_aaf_cut_bounces_exactly_like_the_same_cut_from_otio() {
    let dir = tempfile::tempdir().unwrap();
    make(dir.path(), &[]);
    let (from_aaf, _) = import_cli(dir.path(), "plain.aaf", "from-aaf");
    let (from_otio, _) = import_cli(dir.path(), "plain.otio", "from-otio");
    let clips = &from_aaf.tracks[0].clips;
    // A 0.5 s gap, tone_a from 0.25 s, a 0.2 s crossfade, tone_b from 0.5 s.
    assert_eq!(
        (clips[0].position, clips[0].source_offset, clips[0].length),
        (24_000, 12_000, 72_000)
    );
    assert_eq!(
        (clips[1].position, clips[1].source_offset),
        (86_400, 24_000)
    );
    assert_eq!(clips[0].fade_out.length, 9_600);
    assert_eq!(clips[1].fade_in, clips[0].fade_out);
    let (_, a) = bounce_f32(&from_aaf, dir.path(), 1000);
    // (The second bounce writes over the first's files once they are read.)
    let (_, b) = bounce_f32(&from_otio, dir.path(), 1000);
    let pm = output("PM");
    assert!(rms(&a[pm][0]) > 0.01, "the bounce is silent");
    for (k, (x, y)) in a.iter().zip(&b).enumerate() {
        for (cx, cy) in x.iter().zip(y) {
            assert_eq!(first_difference(cx, cy), None, "output {k}");
        }
    }
}

#[test]
fn a_nested_edit_is_flattened_and_an_unknown_transition_cuts_at_its_cut_point() {
    let dir = tempfile::tempdir().unwrap();
    make(dir.path(), &[]);
    let (s, report) = import_cli(dir.path(), "nested.aaf", "nested");
    let at = |t: usize| -> Vec<(u64, u64, u64, f32)> {
        s.tracks[t]
            .clips
            .iter()
            .map(|c| (c.position, c.source_offset, c.length, c.gain_db))
            .collect()
    };
    // A1 shows the nested edit from 0.5 s in for 1.5 s, at -6.02 dB: the
    // last half second of tone_a (its source from 0.5 s), the gap, then
    // tone_b (from 0.5 s) cut off where the outer clip ends, at 2 s.
    let a1 = at(0);
    assert_eq!(a1.len(), 2, "{a1:?}");
    assert_eq!(a1[0].0..a1[0].0 + a1[0].2, 24_000..48_000);
    assert_eq!(a1[0].1, 24_000);
    assert_eq!((a1[1].0, a1[1].1, a1[1].2), (60_000, 24_000, 36_000));
    assert!(a1.iter().all(|c| (c.3 - -6.0206).abs() < 1e-3), "{a1:?}");
    let names: Vec<&str> = s.tracks[0]
        .clips
        .iter()
        .map(|c| c.source.as_str())
        .collect();
    assert_eq!(names, ["tone_a", "tone_b"]);
    // A2: the wipe (not reproduced) becomes a cut 0.05 s into it, at
    // 0.85 s: tone_a ends there, tone_b starts there 0.05 s further into
    // its source; no fades.
    let a2 = at(1);
    assert_eq!((a2[0].0, a2[0].1, a2[0].2), (0, 0, 40_800));
    assert_eq!((a2[1].0, a2[1].1, a2[1].2), (40_800, 26_400, 45_600));
    assert!(s.tracks[1]
        .clips
        .iter()
        .all(|c| c.fade_in.length == 0 && c.fade_out.length == 0));
    assert!(
        report.contains("A2 at 10:00:00:21: a transition (\"Audio Wipe\")")
            && report.contains("played as a cut at its cut point"),
        "{report}"
    );
    assert!(!report.contains("not flattened"), "{report}");
}

#[test]
fn a_nested_edit_that_plays_itself_is_refused_naming_the_mob() {
    let dir = tempfile::tempdir().unwrap();
    make(dir.path(), &[]);
    let session = dir.path().join("cycle.ron");
    let out = dubstage(
        &[
            "import",
            "cycle.aaf",
            "--media",
            "media",
            "-o",
            session.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("cycle.aaf: /Header-2/Content-3b03/Mobs")
            && stderr.contains("nested edits lie more than 16 deep (or play one another)"),
        "{stderr}"
    );
    assert!(!session.exists());
}
