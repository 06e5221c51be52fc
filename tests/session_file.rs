//! The session file: errors at file:line:column naming the field, every
//! problem at once, and saves that never lose the previous version.

mod common;

use std::path::Path;

use common::*;
use dubstage::model::file::{self, SessionError};
use dubstage::model::validate::Severity;
use dubstage::model::{Dip, StemKind, TrackFormat};

const GOOD: &str = r#"(
    format_version: 1,
    sample_rate: 48000,
    timecode: (rate: "23.976", start: "01:00:00:00"),
    sources: [(id: "boom", path: "boom.wav")],
    tracks: [
        (name: "Anna", output: Stem(DX), clips: [
            (source: "boom", position: 0, length: 48000),
        ]),
    ],
)
"#;

fn parse(text: &str) -> Result<file::Loaded, SessionError> {
    file::parse(text, Path::new("scene.ron"))
}

#[test]
fn a_good_session_parses_with_defaults() {
    let loaded = parse(GOOD).unwrap();
    let s = &loaded.session;
    assert_eq!(s.sample_rate, 48_000);
    assert_eq!(s.tracks[0].clips[0].fade_in.length, 0);
    assert_eq!(s.tracks[0].format, TrackFormat::Mono);
    assert!(loaded.warnings.is_empty());
}

#[test]
fn syntax_errors_give_line_and_column() {
    let text = GOOD.replace("length: 48000),", "length: 48000,,");
    let err = parse(&text).unwrap_err().to_string();
    assert!(err.starts_with("scene.ron:8:"), "{err}");
}

#[test]
fn a_missing_or_unknown_field_is_named() {
    let err = parse(&GOOD.replace("position: 0, ", ""))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("scene.ron:8:") && err.contains("position"),
        "{err}"
    );
    let err = parse(&GOOD.replace("position: 0,", "positon: 0,"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("positon"), "{err}");
}

#[test]
fn a_bad_frame_rate_lists_the_valid_ones() {
    let err = parse(&GOOD.replace("\"23.976\"", "\"29.98\""))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("scene.ron:4:") && err.contains("29.97df"),
        "{err}"
    );
}

#[test]
fn every_semantic_problem_is_reported_at_its_field() {
    let text = r#"(
    format_version: 1,
    sample_rate: 48000,
    timecode: (rate: "25", start: "01:00:00:30"),
    sources: [(id: "boom", path: "boom.wav"), (id: "boom", path: "b.wav")],
    buses: [
        (name: "A", output: Bus("B")),
        (name: "B", output: Bus("A")),
    ],
    tracks: [
        (name: "Anna", output: Bus("Nowhere"), pan: 2.0, clips: [
            (source: "lav", position: 0, length: 100,
             fade_in: (length: 80), fade_out: (length: 80),
             dips: [(start: 50, end: 150, depth_db: -6.0)]),
        ]),
    ],
)"#;
    let Err(SessionError::Invalid { problems, .. }) = parse(text) else {
        panic!("expected an invalid session")
    };
    let rendered: Vec<String> = problems
        .iter()
        .map(|p| p.render(Path::new("scene.ron")))
        .collect();
    let expect = [
        ("scene.ron:4:35", "timecode.start"),
        ("scene.ron:5:52", "sources[1].id"),
        ("scene.ron:7:29", "buses[0].output"),
        ("scene.ron:8:29", "buses[1].output"),
        ("scene.ron:11:32", "tracks[0].output"),
        ("scene.ron:11:53", "tracks[0].pan"),
        ("scene.ron:12:22", "tracks[0].clips[0].source"),
        ("scene.ron:13:23", "tracks[0].clips[0].fade_in"),
        ("scene.ron:14:38", "tracks[0].clips[0].dips[0].end"),
    ];
    for (at, field) in expect {
        assert!(
            rendered
                .iter()
                .any(|r| r.starts_with(at) && r.contains(field)),
            "missing {at} {field} in:\n{}",
            rendered.join("\n")
        );
    }
    assert_eq!(problems.len(), expect.len(), "{}", rendered.join("\n"));
}

#[test]
fn overlapping_clips_without_a_crossfade_warn_but_load() {
    let text = GOOD.replace(
        "(source: \"boom\", position: 0, length: 48000),",
        "(source: \"boom\", position: 0, length: 48000), (source: \"boom\", position: 40000, length: 100),",
    );
    let loaded = parse(&text).unwrap();
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(loaded.warnings[0].problem.severity, Severity::Warning);
    assert!(
        loaded.warning_lines()[0].contains("scene.ron:8:")
            && loaded.warning_lines()[0].contains("overlaps")
    );
}

#[test]
fn saving_is_atomic_keeps_a_backup_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scene.ron");
    let mut s = session();
    s.sources.push(source("boom", "boom.wav"));
    let mut c = clip("boom", 480, 48_000);
    c.dips.push(Dip {
        start: 100,
        end: 200,
        depth_db: -4.5,
        ramp: 24,
    });
    c.gain_db = -1.25;
    s.tracks
        .push(track("Anna", TrackFormat::Mono, StemKind::DX, vec![c]));
    file::save(&s, &path).unwrap();
    let first = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        file::load(&path).unwrap().session,
        s,
        "what is saved loads back equal"
    );

    s.tracks[0].fader_db = -3.0;
    file::save(&s, &path).unwrap();
    assert_eq!(
        std::fs::read_to_string(file::backup_path(&path)).unwrap(),
        first,
        "the previous version is the .bak"
    );
    assert_eq!(file::load(&path).unwrap().session, s);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "only the session and its .bak remain: {names:?}"
    );
}

#[test]
fn a_failed_save_leaves_the_saved_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scene.ron");
    let s = session();
    file::save(&s, &path).unwrap();
    let before = std::fs::read(&path).unwrap();
    // A folder where the temporary file must go makes the save fail.
    std::fs::create_dir(dir.path().join("scene.ron.tmp")).unwrap();
    let mut changed = s.clone();
    changed.name = "changed".into();
    let err = file::save(&changed, &path).unwrap_err();
    assert!(err.to_string().contains("scene.ron"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn the_shipped_sessions_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sessions");
    let mut found = 0;
    for entry in walk(&dir) {
        if entry.extension().is_some_and(|e| e == "ron") {
            let loaded = file::load(&entry).unwrap_or_else(|e| panic!("{e}"));
            assert!(loaded.warnings.is_empty(), "{:?}", loaded.warning_lines());
            found += 1;
        }
    }
    assert!(
        found >= 2,
        "sessions/ holds the demo and at least one example"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
