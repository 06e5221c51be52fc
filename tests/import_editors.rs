//! Importing cuts as real editing systems write them: Windows-1252 EDLs from
//! Avid, non-drop EDLs without a rate, Avid's channel groups, video-only
//! cuts, and public EDLs from the OpenTimelineIO CMX3600 adapter's test
//! suite (tests/import/otio-cmx3600, Apache-2.0), checked against what that
//! suite states about them.

mod common;

use std::path::{Path, PathBuf};

use common::bwf::write_bwf;
use common::*;
use dubstage::import::{self, BuildOptions, ImportError, Report};
use dubstage::model::file;
use dubstage::model::timecode::FrameRate;
use dubstage::model::validate::{self, Severity};
use dubstage::model::{Clip, Session, TrackFormat};

const RATE: u32 = 48_000;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("import")
        .join(name)
}

fn otio_sample(name: &str) -> PathBuf {
    fixture(&format!("otio-cmx3600/{name}"))
}

/// Samples since midnight of a non-drop timecode at a whole frame rate.
fn tc(h: u64, m: u64, s: u64, f: u64, fps: u64) -> u64 {
    ((h * 3600 + m * 60 + s) * fps + f) * u64::from(RATE) / fps
}

fn ixml_rate(rate: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><BWFXML><SPEED><TIMECODE_RATE>{rate}</TIMECODE_RATE>\
         <TIMECODE_FLAG>NDF</TIMECODE_FLAG></SPEED></BWFXML>"
    )
}

fn import_cut(
    cut: &Path,
    media: &[PathBuf],
    session_dir: &Path,
    rate: Option<FrameRate>,
    video_track: bool,
) -> Result<(Session, Report), ImportError> {
    let parsed = import::read_cut(cut, rate, media)?;
    import::build(
        &parsed,
        &BuildOptions {
            cut_path: cut.to_path_buf(),
            media: media.to_vec(),
            start: None,
            session_dir: session_dir.to_path_buf(),
            video_track,
        },
    )
}

fn track_names(session: &Session) -> Vec<&str> {
    session.tracks.iter().map(|t| t.name.as_str()).collect()
}

fn clips(session: &Session, track: &str) -> Vec<Clip> {
    session
        .tracks
        .iter()
        .find(|t| t.name == track)
        .unwrap_or_else(|| panic!("no track {track} in {:?}", track_names(session)))
        .clips
        .clone()
}

/// (position, source, channel) of each clip of a track.
fn layout(session: &Session, track: &str) -> Vec<(u64, String, u16)> {
    clips(session, track)
        .into_iter()
        .map(|c| (c.position, c.source, c.channel))
        .collect()
}

fn markers(session: &Session) -> Vec<(&str, u64)> {
    session
        .markers
        .iter()
        .map(|m| (m.name.as_str(), m.position))
        .collect()
}

fn no_errors(session: &Session) {
    let errors: Vec<_> = validate::check(session)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_windows_1252_avid_edl_keeps_its_accented_names_and_takes_its_rate_from_the_media() {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("media");
    // The recorder ran at 24 fps; its file starts at 14:00:00:00.
    write_bwf(
        &media.join("Zoë – take 2.wav"),
        RATE,
        &[signal(6 * 48_000, 1), signal(6 * 48_000, 2)],
        Some(tc(14, 0, 0, 0, 24)),
        Some(&ixml_rate("24/1")),
    );
    let cut = fixture("avid_1252.edl");
    assert!(
        std::str::from_utf8(&std::fs::read(&cut).unwrap()).is_err(),
        "the fixture is Windows-1252"
    );
    let (s, report) =
        import_cut(&cut, std::slice::from_ref(&media), dir.path(), None, false).unwrap();
    assert_eq!(s.name, "SCÈNE 4 – CAFÉ");
    assert_eq!(s.timecode.rate, FrameRate::Fps24);
    assert_eq!(
        report.notes[0],
        "the EDL is not UTF-8 (line 1 is the first that is not): read as Windows-1252 (Latin-1), \
         as Avid and older systems write"
    );
    assert_eq!(
        report.notes[1],
        "the EDL gives no frame rate: read at 24 fps, the iXML timecode rate of its media \
         (Zoë – take 2.wav), which every timecode of the EDL allows (frames up to 12)"
    );
    no_errors(&s);
    // Found by its accented clip name; 2 s into a file that starts at 14:00:00:00.
    let a1 = clips(&s, "A1");
    assert_eq!(a1[0].name, "Zoë – take 2");
    assert_eq!(
        (a1[0].position, a1[0].length, a1[0].source_offset),
        (0, 3 * 48_000, 2 * 48_000)
    );
    assert_eq!(
        s.sources[0].path,
        Path::new("media").join("Zoë – take 2.wav")
    );
    assert_eq!(clips(&s, "A2")[0].channel, 1);
    // Windows-1252's curly quotes, not Latin-1 controls.
    assert_eq!(report.offline.len(), 1);
    assert_eq!(report.offline[0].names, ["Café ambiance “rue”"]);
    assert_eq!(a1[1].position, 3 * 48_000);

    // Without the media nothing says whether it is 23.976 or 24 fps.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let err = import_cut(&cut, &[empty], dir.path(), None, false)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "{}: the EDL gives no frame rate: its timecodes (frames up to 12) fit 23.976 or 24 fps \
             (or a faster rate), and no media's iXML says which: give --rate 23.976 or --rate 24",
            cut.display()
        )
    );
}

#[test]
fn avid_channel_designations_map_to_the_channels_of_one_event() {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("media");
    let start = Some(tc(10, 0, 0, 0, 24));
    write_bwf(
        &media.join("score_1m1.wav"),
        RATE,
        &[signal(4 * 48_000, 1), signal(4 * 48_000, 2)],
        None,
        None,
    );
    write_bwf(
        &media.join("fx_bang.wav"),
        RATE,
        &[signal(2 * 48_000, 3)],
        None,
        None,
    );
    let poly: Vec<Vec<f32>> = (4..8).map(|seed| signal(3 * 48_000, seed)).collect();
    write_bwf(&media.join("poly4.wav"), RATE, &poly, start, None);
    write_bwf(
        &media.join("dual.wav"),
        RATE,
        &[signal(3 * 48_000, 8), signal(3 * 48_000, 9)],
        start,
        None,
    );
    let cut = fixture("avid_channels.edl");
    let (s, report) = import_cut(
        &cut,
        std::slice::from_ref(&media),
        dir.path(),
        Some(FrameRate::Fps24),
        true,
    )
    .unwrap();
    assert!(report.offline.is_empty(), "{report}");
    no_errors(&s);
    // A12 on a stereo file is one stereo track; every other designation is
    // one mono track per channel.
    assert_eq!(track_names(&s), ["A1", "A1-2", "A2", "A3", "A4"]);
    for track in &s.tracks {
        let format = if track.name == "A1-2" {
            TrackFormat::Stereo
        } else {
            TrackFormat::Mono
        };
        assert_eq!(track.format, format, "{}", track.name);
    }
    let sec = |s: u64| s * 48_000;
    let at = |p: u64, source: &str, channel: u16| (p, source.to_string(), channel);
    assert_eq!(layout(&s, "A1-2"), [at(0, "score_1m1", 0)]);
    assert_eq!(clips(&s, "A1-2")[0].length, sec(4));
    // A1234: channels 1-4 of the poly file; AA/V: the dual-mono file's two
    // channels; B: A1 (and picture) alone reads channel 1.
    assert_eq!(
        layout(&s, "A1"),
        [
            at(sec(5), "poly4", 0),
            at(sec(9), "dual", 0),
            at(sec(12), "dual", 0)
        ]
    );
    assert_eq!(
        layout(&s, "A2"),
        [at(sec(5), "poly4", 1), at(sec(9), "dual", 1)]
    );
    // A34 on a mono file: both tracks (its one channel feeds both); AUD 3 4
    // after NONE: a two-channel event reading the first two channels.
    assert_eq!(
        layout(&s, "A3"),
        [
            at(0, "fx_bang", 0),
            at(sec(5), "poly4", 2),
            at(sec(14), "poly4", 0)
        ]
    );
    assert_eq!(
        layout(&s, "A4"),
        [
            at(0, "fx_bang", 1),
            at(sec(5), "poly4", 3),
            at(sec(14), "poly4", 1)
        ]
    );
    // The picture events (AA/V, B, V) as shot markers.
    assert_eq!(
        markers(&s),
        [
            ("V 4 dual.wav", sec(9)),
            ("V 5 dual.wav", sec(12)),
            ("V 7 A001C003.mov", sec(16))
        ]
    );
    assert!(report.summary.ends_with(", 3 shot marker(s)"), "{report}");
    assert!(
        report.is_clean(),
        "every source has the channels asked: {report}"
    );

    // Four channels of a two-channel file: the last two play its last channel, said.
    let wide = dir.path().join("wide.edl");
    std::fs::write(
        &wide,
        "001  DUAL  AA  C  10:00:00:00 10:00:01:00 01:00:00:00 01:00:01:00\n\
         AUD  3  4\n\
         * FROM CLIP NAME:  dual.wav\n",
    )
    .unwrap();
    let (s, report) = import_cut(
        &wide,
        std::slice::from_ref(&media),
        dir.path(),
        Some(FrameRate::Fps24),
        false,
    )
    .unwrap();
    assert_eq!(layout(&s, "A4"), [at(0, "dual", 3)]);
    assert_eq!(
        report.notes,
        [
            "A3 event 1: reads channel 3 but dual.wav has 2; it plays the file's last channel",
            "A4 event 1: reads channel 4 but dual.wav has 2; it plays the file's last channel"
        ]
    );

    // Offline, the stereo pair cannot be known to be stereo: two mono tracks.
    let (s, _) = import_cut(&cut, &[], dir.path(), Some(FrameRate::Fps24), false).unwrap();
    assert_eq!(track_names(&s), ["A1", "A2", "A3", "A4"]);
    assert_eq!(layout(&s, "A2")[0], at(0, "score_1m1", 1));
    assert!(s.markers.is_empty(), "markers only with --video-track");
}

#[test]
fn a_rate_the_frame_fields_contradict_is_refused_and_a_missing_one_inferred() {
    let dir = tempfile::tempdir().unwrap();
    let cut = fixture("rate_30.edl");
    let err = import_cut(&cut, &[], dir.path(), Some(FrameRate::Fps24), false)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "{}:6: source out \"10:00:02:29\" has frame 29, which 24 fps (--rate) does not have: \
             the EDL's timecodes (frames up to 29) are consistent with 29.97 or 30 fps",
            cut.display()
        )
    );
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let err = import_cut(&cut, &[empty], dir.path(), None, false)
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with("fit 29.97 or 30 fps (or a faster rate), and no media's iXML says which: give --rate 29.97 or --rate 30"),
        "{err}"
    );
    // The recorder's iXML says 29.97 non-drop; its file starts at
    // 10:00:00:00 of that clock (1 080 000 frames of 1001/30000 s).
    let media = dir.path().join("media");
    write_bwf(
        &media.join("boom_30.wav"),
        RATE,
        &[signal(4 * 48_000, 1)],
        Some(1_080_000 * 1001 * 48_000 / 30_000),
        Some(&ixml_rate("30000/1001")),
    );
    let (s, report) =
        import_cut(&cut, std::slice::from_ref(&media), dir.path(), None, false).unwrap();
    assert_eq!(s.timecode.rate, FrameRate::Fps29_97);
    assert!(
        report.notes[0].starts_with("the EDL gives no frame rate: read at 29.97 fps, the iXML timecode rate of its media (boom_30.wav)"),
        "{report}"
    );
    // Event 2 at 01:00:01:15, 45 frames of 1001/30000 s after the start.
    let a1 = clips(&s, "A1");
    assert_eq!(a1[1].position, 45 * 1001 * 48_000 / 30_000);
    assert!(report.disagreements.is_empty(), "the media agree: {report}");
}

#[test]
fn a_video_only_cut_says_so_and_imports_as_shot_markers_with_video_track() {
    let dir = tempfile::tempdir().unwrap();
    let cut = fixture("video_only.edl");
    let err = import_cut(&cut, &[], dir.path(), Some(FrameRate::Fps24), false)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "{}: the EDL has only video events (4): importing sound needs the audio EDL (or an AAF) \
             from the picture editor; --video-track imports these as markers of the shot changes",
            cut.display()
        )
    );
    let (s, report) = import_cut(&cut, &[], dir.path(), Some(FrameRate::Fps24), true).unwrap();
    assert!(s.tracks.is_empty());
    assert_eq!(s.timecode.start, "01:00:00:00");
    // The cut from black, the shot, the dissolve (where it starts), the wipe.
    assert_eq!(
        markers(&s),
        [
            ("V 1 black", 0),
            ("V 2 A001C003_Zoë.mov", 48_000),
            ("V 3 A002C001.mov", 5 * 48_000),
            ("V 4 A003C007", 8 * 48_000)
        ]
    );
    assert!(report.unsupported.is_empty(), "{report}");
    no_errors(&s);

    // An audio cut's picture events become markers too, beside its tracks.
    let (s, _) = import_cut(
        &fixture("scene.edl"),
        &[],
        dir.path(),
        Some(FrameRate::Fps24),
        true,
    )
    .unwrap();
    assert_eq!(track_names(&s), ["A1", "A2", "A3", "A4"]);
    assert_eq!(
        markers(&s),
        [("V 5 A001C003.mov", 0), ("V 1 sc12_t3_boom.wav", 48_000)]
    );
}

/// OTIO's test_edl_25fps reads this cut at 25 fps and finds shots of 161,
/// 200, 86 and 49 frames; test_style_edl_read finds the Premiere cut's two
/// shots, the first "ZZ100_501.take_1.0001.exr" lasting 00:00:01:07 at 24.
#[test]
fn the_otio_adapters_video_cuts_give_the_shots_its_tests_state() {
    let dir = tempfile::tempdir().unwrap();
    let cut = otio_sample("25fps.edl");
    let err = import_cut(&cut, &[], dir.path(), None, false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("the EDL has only video events (4)"), "{err}");
    // Frame 24 appears: 25 fps is the lowest rate that has it.
    let (s, report) = import_cut(&cut, &[], dir.path(), None, true).unwrap();
    assert_eq!(s.timecode.rate, FrameRate::Fps25);
    assert!(
        report.notes[0]
            .contains("read at 25 fps, the lowest rate its timecodes allow (frames up to 24)"),
        "{report}"
    );
    let frame = u64::from(RATE) / 25;
    let starts: Vec<u64> = [0, 161, 361, 447].iter().map(|f| f * frame).collect();
    let found: Vec<u64> = s.markers.iter().map(|m| m.position).collect();
    assert_eq!(found, starts);
    assert_eq!(s.markers[0].name, "V 1 sq001_s001");

    let cut = otio_sample("premiere_example.edl");
    let err = import_cut(&cut, &[], dir.path(), None, true)
        .unwrap_err()
        .to_string();
    assert!(err.contains("fit 23.976 or 24 fps"), "{err}");
    let (s, _) = import_cut(&cut, &[], dir.path(), Some(FrameRate::Fps24), true).unwrap();
    let frame = u64::from(RATE) / 24;
    assert_eq!(
        markers(&s),
        [
            ("V 1 ZZ100_501.take_1.0001.exr", tc(0, 59, 53, 11, 24)),
            (
                "V 2 ZZ100_502A.take_2.0101.exr",
                tc(0, 59, 53, 11, 24) + 31 * frame
            )
        ]
    );
}

/// OTIO's test_edl_read gives the screening cut's shots names like
/// "ZZ100_501 (LAY3)" and lengths 00:00:01:07, 00:00:02:02, 00:00:01:04,
/// 00:00:04:19, 00:00:04:05, 00:00:06:17, and reads its `* LOC:` comments
/// as markers: "ANIM FIX NEEDED", red, at 01:00:01:14, and one without a
/// name on the seventh shot; test_record_gaps finds the gap cut's shots at
/// frames 0, 40 and 102.
#[test]
fn the_otio_adapters_screening_and_gap_cuts_give_the_shots_its_tests_state() {
    let dir = tempfile::tempdir().unwrap();
    let frame = u64::from(RATE) / 24;
    let (s, _) = import_cut(
        &otio_sample("screening_example.edl"),
        &[],
        dir.path(),
        Some(FrameRate::Fps24),
        true,
    )
    .unwrap();
    let (shots, locators): (Vec<_>, Vec<_>) =
        s.markers.iter().partition(|m| m.name.starts_with("V "));
    assert_eq!(shots.len(), 9);
    assert_eq!(shots[0].name, "V 1 ZZ100_501 (LAY3)");
    assert_eq!(shots[3].name, "V 4 ZZ100_504C (LAY1)");
    let lengths: Vec<u64> = shots
        .windows(2)
        .map(|w| (w[1].position - w[0].position) / frame)
        .take(6)
        .collect();
    assert_eq!(lengths, [31, 50, 28, 115, 101, 161]);
    let locators: Vec<(&str, u64)> = locators
        .iter()
        .map(|m| (m.name.as_str(), m.position))
        .collect();
    assert_eq!(
        locators,
        [
            ("ANIM FIX NEEDED (red)", tc(1, 0, 1, 14, 24)),
            ("ANIM FIX NEEDED (pink)", tc(1, 0, 2, 14, 24)),
            ("locator (green)", tc(1, 0, 15, 13, 24))
        ]
    );
    // The editor's locators are markers with or without --video-track.
    let cut = dir.path().join("notes.edl");
    std::fs::write(
        &cut,
        "001  BOOM  A  C  10:00:00:00 10:00:02:00 01:00:00:00 01:00:02:00\n\
         * LOC: 01:00:00:06 YELLOW  ADR: line missing\n\
         * LOC: sometime RED\n",
    )
    .unwrap();
    let (s, report) = import_cut(&cut, &[], dir.path(), Some(FrameRate::Fps24), false).unwrap();
    assert_eq!(markers(&s), [("ADR: line missing (yellow)", 6 * frame)]);
    assert!(report.summary.ends_with(", 1 locator(s)"), "{report}");
    assert!(
        report.notes.contains(
            &"line 3: locator not understood and left out: LOC: sometime RED".to_string()
        ),
        "{report}"
    );

    let (s, report) = import_cut(
        &otio_sample("gap_test.edl"),
        &[],
        dir.path(),
        Some(FrameRate::Fps24),
        true,
    )
    .unwrap();
    assert_eq!(
        markers(&s),
        [
            ("V 1 SHOT1", 0),
            ("V 2 SHOT2", 40 * frame),
            ("V 3 SHOT3", 102 * frame)
        ]
    );
    // Its clip names lack the comment's "*": said, not guessed.
    assert!(
        report
            .notes
            .contains(&"line 4 not understood and left out: FROM CLIP NAME: shot1".to_string()),
        "{report}"
    );
}

/// OTIO's test_read_edl_with_multiple_target_audio_tracks reads this AA
/// event (CRLF lines) as clips named "AX" of 00:56:55:22 at 24 fps on A1
/// and A2. The `AUD 3` line after it is Avid's third track for the same
/// event, which dubstage reads as well: A1-A3, the event's three channels.
#[test]
fn the_otio_adapters_multi_audio_cut_gives_one_event_on_three_tracks() {
    let dir = tempfile::tempdir().unwrap();
    let cut = otio_sample("multi_audio.edl");
    let err = import_cut(&cut, &[], dir.path(), None, false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("give --rate 23.976 or --rate 24"), "{err}");
    let (s, report) = import_cut(&cut, &[], dir.path(), Some(FrameRate::Fps24), false).unwrap();
    assert_eq!(track_names(&s), ["A1", "A2", "A3"]);
    let length = ((56 * 60 + 55) * 24 + 22) * u64::from(RATE) / 24;
    for (n, track) in ["A1", "A2", "A3"].iter().enumerate() {
        let c = clips(&s, track);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].name, "AX");
        assert_eq!((c[0].position, c[0].length), (0, length));
        assert_eq!(c[0].channel, n as u16);
    }
    assert_eq!(report.offline.len(), 1, "{report}");
}

#[test]
fn import_reads_a_windows_1252_cut_and_a_video_only_cut_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    let media = cwd.join("media");
    write_bwf(
        &media.join("Zoë – take 2.wav"),
        RATE,
        &[signal(6 * 48_000, 1)],
        Some(tc(14, 0, 0, 0, 24)),
        Some(&ixml_rate("24/1")),
    );
    let cut = fixture("avid_1252.edl");
    let out = dubstage(
        &[
            "import",
            cut.to_str().unwrap(),
            "--media",
            "media",
            "-o",
            "cafe.ron",
        ],
        cwd,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("read as Windows-1252"), "{stdout}");
    assert!(stdout.contains("read at 24 fps"), "{stdout}");
    let loaded = file::load(&cwd.join("cafe.ron")).unwrap();
    assert_eq!(loaded.session.name, "SCÈNE 4 – CAFÉ");

    let picture = fixture("video_only.edl");
    let args = |extra: &[&'static str]| -> Vec<String> {
        let mut a: Vec<String> = ["import", picture.to_str().unwrap(), "--rate", "24"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |a: Vec<String>| {
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        dubstage(&refs, cwd)
    };
    let out = run(args(&["-o", "picture.ron"]));
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("only video events (4)"),
        "{}",
        text(&out.stderr)
    );
    assert!(!cwd.join("picture.ron").exists(), "nothing written");
    let out = run(args(&["-o", "picture.ron", "--video-track"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let loaded = file::load(&cwd.join("picture.ron")).unwrap();
    assert_eq!(loaded.session.markers.len(), 4);
    assert!(text(&out.stdout).contains("4 shot marker(s)"));
}

/// OTIO's test_enabled writes this video-only timeline's first track as
/// events "Clip-001" at 00:00:00:00 and "Clip-002" at 00:00:00:03 (24 fps).
#[test]
fn a_video_only_otio_timeline_says_so_and_its_first_video_track_gives_the_shots() {
    let dir = tempfile::tempdir().unwrap();
    let cut = otio_sample("enabled.otio");
    let err = import_cut(&cut, &[], dir.path(), None, false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("the OTIO cut has only video events (2): importing sound needs"),
        "{err}"
    );
    let (s, _) = import_cut(&cut, &[], dir.path(), None, true).unwrap();
    assert_eq!(s.timecode.rate, FrameRate::Fps24);
    assert_eq!(
        markers(&s),
        [("V 1 Clip-001", 0), ("V 2 Clip-002", 3 * 2000)]
    );

    // Beside audio tracks: the picture's one clip starts with the timeline.
    let (s, _) = import_cut(&fixture("scene.otio"), &[], dir.path(), None, true).unwrap();
    assert_eq!(track_names(&s), ["A1", "A2"]);
    assert_eq!(markers(&s), [("V 1 A001C003", 0)]);
}

/// Avid's stereo pair on a stereo file plays as stereo: the dialog stem's
/// left is the file's left and its right the file's right, sample for sample.
#[test]
fn a_stereo_pair_event_bounces_its_two_channels_to_left_and_right() {
    let dir = tempfile::tempdir().unwrap();
    let (left, right) = (signal(4 * 48_000, 11), signal(4 * 48_000, 12));
    write_bwf(
        &dir.path().join("media").join("score_1m1.wav"),
        RATE,
        &[left.clone(), right.clone()],
        None,
        None,
    );
    let cut = dir.path().join("pair.edl");
    std::fs::write(
        &cut,
        "001  MUSIC  A12  C  00:00:00:00 00:00:04:00 01:00:00:00 01:00:04:00\n\
         * FROM CLIP NAME:  score_1m1.wav\n",
    )
    .unwrap();
    let media = [dir.path().join("media")];
    let (s, _) = import_cut(&cut, &media, dir.path(), Some(FrameRate::Fps24), false).unwrap();
    assert_eq!(track_names(&s), ["A1-2"]);
    let (_, outputs) = bounce_f32(&s, dir.path(), 1000);
    let dx = &outputs[output("DX")];
    assert_eq!(first_difference(&dx[0][..left.len()], &left), None);
    assert_eq!(first_difference(&dx[1][..right.len()], &right), None);
}
