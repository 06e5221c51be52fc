//! Importing the picture editor's cut: the hand-written EDL and OTIO files in
//! tests/import/ against media written here with their BWF timecode.

mod common;

use std::path::{Path, PathBuf};

use common::bwf::write_bwf;
use common::*;
use dubstage::bounce::{self, BounceOptions};
use dubstage::import::{self, edl, otio, BuildOptions, ImportError, Report};
use dubstage::media::writer::OutputFormat;
use dubstage::model::file;
use dubstage::model::timecode::FrameRate;
use dubstage::model::validate::{self, Severity};
use dubstage::model::{Clip, Fade, FadeShape, Session, StemKind, TrackFormat};

const RATE: u32 = 48_000;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("import")
        .join(name)
}

/// Samples since midnight of a non-drop timecode at a whole frame rate.
fn tc(h: u64, m: u64, s: u64, f: u64, fps: u64, rate: u32) -> u64 {
    ((h * 3600 + m * 60 + s) * fps + f) * u64::from(rate) / fps
}

/// The media of scene 12 in `dir/media`, as the production recorded it.
/// The lav's timecode starts at `lav_start` (samples since midnight).
fn scene_media(dir: &Path, lav_start: u64) -> PathBuf {
    let media = dir.join("media");
    write_bwf(
        &media.join("sc12_t3_boom.wav"),
        RATE,
        &[signal(12 * 48_000, 1), signal(12 * 48_000, 2)],
        Some(tc(10, 0, 0, 0, 24, RATE)),
        None,
    );
    write_bwf(
        &media.join("sc12_t3_lav.wav"),
        RATE,
        &[signal(10 * 48_000, 3), signal(10 * 48_000, 4)],
        Some(lav_start),
        None,
    );
    write_bwf(
        &media.join("sfx").join("fx_door.WAV"),
        RATE,
        &[signal(3 * 48_000, 5)],
        None,
        None,
    );
    write_bwf(
        &media.join("sc12_room.wav"),
        RATE,
        &[signal(5 * 48_000, 6)],
        Some(tc(10, 0, 0, 0, 24, RATE)),
        None,
    );
    media
}

fn import_cut(
    cut: &Path,
    media: &[PathBuf],
    session_dir: &Path,
    rate: Option<FrameRate>,
    start: Option<&str>,
) -> Result<(Session, Report), ImportError> {
    let parsed = import::read_cut(cut, rate, media)?;
    import::build(
        &parsed,
        &BuildOptions {
            cut_path: cut.to_path_buf(),
            media: media.to_vec(),
            start: start.map(str::to_string),
            session_dir: session_dir.to_path_buf(),
            video_track: false,
        },
    )
}

fn track_named<'a>(session: &'a Session, name: &str) -> &'a dubstage::model::Track {
    session
        .tracks
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no track {name}"))
}

/// A track's clips in timeline order.
fn clips(session: &Session, name: &str) -> Vec<Clip> {
    let mut clips = track_named(session, name).clips.clone();
    clips.sort_by_key(|c| c.position);
    clips
}

fn source_path(session: &Session, id: &str) -> PathBuf {
    session.source(id).unwrap().path.clone()
}

fn fade(length: u64) -> Fade {
    Fade {
        length,
        shape: FadeShape::EqualPower,
    }
}

fn no_errors(session: &Session) {
    let problems: Vec<_> = validate::check(session)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn an_edl_places_each_event_at_its_record_timecode_with_bwf_source_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let media = scene_media(dir.path(), tc(11, 29, 58, 0, 24, RATE));
    let (s, report) = import_cut(
        &fixture("scene.edl"),
        &[media],
        dir.path(),
        Some(FrameRate::Fps24),
        None,
    )
    .unwrap();
    assert!(report.is_clean(), "{report}");
    assert_eq!(s.name, "REEL 1 SCENE 12");
    assert_eq!(s.sample_rate, RATE);
    assert_eq!(s.timecode.rate, FrameRate::Fps24);
    assert_eq!(s.timecode.start, "01:00:00:00");
    let names: Vec<&str> = s.tracks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["A1", "A2", "A3", "A4"],
        "video-only events add no track"
    );
    no_errors(&s);

    let a1 = clips(&s, "A1");
    assert_eq!(a1.len(), 3);
    // Event 1 at 01:00:01:00 from source 10:00:05:00; the boom file starts at
    // 10:00:00:00, so 5 s in. It plays on under the 12-frame dissolve of event 2.
    let boom = &a1[0];
    assert_eq!(boom.source, "sc12_t3_boom");
    assert_eq!(boom.name, "sc12_t3_boom.wav");
    assert_eq!(
        (boom.position, boom.length, boom.source_offset),
        (48_000, 4 * 48_000 + 24_000, 5 * 48_000)
    );
    assert_eq!(
        (boom.fade_in, boom.fade_out),
        (Fade::default(), fade(24_000))
    );
    assert_eq!(
        boom.gain_db, -3.0,
        "the Avid level comment is the clip gain"
    );
    assert_eq!(boom.channel, 0);
    // Event 2 dissolves in at 01:00:05:00 from 11:30:00:00 of a file that starts at 11:29:58:00.
    let lav = &a1[1];
    assert_eq!(lav.name, "SC12_T3_LAV");
    assert_eq!(
        (lav.position, lav.length, lav.source_offset),
        (5 * 48_000, 4 * 48_000, 2 * 48_000)
    );
    assert_eq!((lav.fade_in, lav.fade_out), (fade(24_000), Fade::default()));
    assert_eq!(lav.gain_db, 0.0);
    // Event 3: found through its SOURCE FILE comment's name, in a sub-folder,
    // whatever the letter case; no BWF timecode, so source TC counts from the file start.
    let door = &a1[2];
    assert_eq!(door.name, "door slam");
    assert_eq!(
        (door.position, door.length, door.source_offset),
        (10 * 48_000, 48_000, 48_000)
    );
    assert_eq!(
        source_path(&s, &door.source),
        Path::new("media").join("sfx").join("fx_door.WAV")
    );

    // AA: the second track reads the second channel of the same takes.
    let a2 = clips(&s, "A2");
    assert_eq!(a2.len(), 2);
    assert_eq!((a2[0].channel, a2[1].channel), (1, 1));
    assert_eq!((a2[0].position, a2[1].position), (48_000, 5 * 48_000));
    assert_eq!(a2[0].gain_db, -3.0);

    // NONE plus "AUD 3 4": tracks A3 and A4, one two-channel event whose
    // tracks read its source's first and second channel (the room tone is
    // mono, so both play it).
    for (name, channel) in [("A3", 0), ("A4", 1)] {
        let room = clips(&s, name);
        assert_eq!(room.len(), 1);
        assert_eq!(
            (room[0].position, room[0].length, room[0].source_offset),
            (0, 3 * 48_000, 0)
        );
        assert_eq!(room[0].channel, channel);
    }
    assert_eq!(
        source_path(&s, "sc12_room"),
        Path::new("media").join("sc12_room.wav")
    );
    assert!(s.tracks.iter().all(|t| t.format == TrackFormat::Mono
        && t.output == dubstage::model::Output::Stem(StemKind::DX)));
}

/// The same scene built by hand from the numbers in the EDL.
fn scene_by_hand() -> Session {
    let mut s = session();
    s.name = "by hand".into();
    for id in ["sc12_t3_boom", "sc12_t3_lav", "sc12_room"] {
        s.sources.push(source(id, &format!("media/{id}.wav")));
    }
    s.sources.push(source("fx_door", "media/sfx/fx_door.WAV"));
    let second = 48_000;
    let boom = |channel| Clip {
        channel,
        source_offset: 5 * second,
        gain_db: -3.0,
        fade_out: fade(second / 2),
        ..clip("sc12_t3_boom", second, 4 * second + second / 2)
    };
    let lav = |channel| Clip {
        channel,
        source_offset: 2 * second,
        fade_in: fade(second / 2),
        ..clip("sc12_t3_lav", 5 * second, 4 * second)
    };
    let door = Clip {
        source_offset: second,
        ..clip("fx_door", 10 * second, second)
    };
    // The room tone file is mono: any track reads its one channel.
    let room = clip("sc12_room", 0, 3 * second);
    s.tracks = vec![
        track(
            "A1",
            TrackFormat::Mono,
            StemKind::DX,
            vec![boom(0), lav(0), door],
        ),
        track("A2", TrackFormat::Mono, StemKind::DX, vec![boom(1), lav(1)]),
        track("A3", TrackFormat::Mono, StemKind::DX, vec![room.clone()]),
        track("A4", TrackFormat::Mono, StemKind::DX, vec![room]),
    ];
    s
}

fn bounce_to(session: &Session, media_dir: &Path, out: &Path) -> Vec<Vec<Vec<f32>>> {
    let pool = pool(session, media_dir);
    assert_eq!(pool.offline().count(), 0);
    let mut options = BounceOptions::new(out);
    options.format = OutputFormat::Float32;
    options.block = 1000;
    let report = bounce::bounce(session, &pool, &options, |_, _| {}).unwrap();
    report.outputs.iter().map(|o| read_wav(&o.path).1).collect()
}

#[test]
fn a_session_imported_from_an_edl_bounces_exactly_like_the_same_session_built_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let media = scene_media(dir.path(), tc(11, 29, 58, 0, 24, RATE));
    let (imported, _) = import_cut(
        &fixture("scene.edl"),
        &[media],
        dir.path(),
        Some(FrameRate::Fps24),
        None,
    )
    .unwrap();
    // Through the file, as the command line does.
    let path = dir.path().join("imported.ron");
    file::save(&imported, &path).unwrap();
    let imported = file::load(&path).unwrap().session;

    let from_edl = bounce_to(&imported, dir.path(), &dir.path().join("out-edl"));
    let by_hand = bounce_to(&scene_by_hand(), dir.path(), &dir.path().join("out-hand"));
    assert_eq!(from_edl.len(), by_hand.len());
    for (k, (a, b)) in from_edl.iter().zip(&by_hand).enumerate() {
        assert_eq!(a[0].len(), 11 * 48_000, "{}", bounce::OUTPUTS[k]);
        for (c, (x, y)) in a.iter().zip(b).enumerate() {
            assert_eq!(
                first_difference(x, y),
                None,
                "{} channel {c} differs",
                bounce::OUTPUTS[k]
            );
        }
    }
    assert!(
        from_edl[output("DX")][0].iter().any(|&x| x != 0.0),
        "the comparison is of sound, not silence"
    );
}

#[test]
fn drop_frame_timecode_is_exact_across_the_hour_minute_and_ten_minute_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    // 10:00:00;00 at 29.97 drop-frame is frame 1078920, i.e. 1078920 x 1601.6 samples.
    let start = 1_727_998_272;
    write_bwf(
        &dir.path().join("take1.wav"),
        RATE,
        &[vec![0.0; 62 * 48_000]],
        Some(start),
        None,
    );
    let text = std::fs::read_to_string(fixture("drop_frame.edl")).unwrap();
    // Whether the labels are written with ';' or, under FCM: DROP FRAME, with ':'.
    for text in [text.clone(), text.replace(';', ":")] {
        let cut = edl::parse(&text, Path::new("drop_frame.edl"), None).unwrap();
        assert_eq!(cut.rate, FrameRate::Fps29_97Df, "FCM: DROP FRAME says so");
        let (s, report) = import::build(
            &cut,
            &BuildOptions {
                cut_path: PathBuf::from("drop_frame.edl"),
                media: vec![dir.path().to_path_buf()],
                start: None,
                session_dir: dir.path().to_path_buf(),
                video_track: false,
            },
        )
        .unwrap();
        assert!(report.is_clean(), "{report}");
        // The first event is at 00:59:59;28: the session starts on that hour, 00:00:00;00.
        assert_eq!(s.timecode.start, "00:00:00;00");
        let a1 = clips(&s, "A1");
        let spans: Vec<(u64, u64, u64)> = a1
            .iter()
            .map(|c| (c.position, c.length, c.source_offset))
            .collect();
        assert_eq!(
            spans,
            [
                // 00:59:59;28 is frame 107890 (01:00:00;00 is 107892: minute 60 drops nothing);
                // 120 frames from source 10:00:00;00.
                (172_796_624, 192_192, 0),
                // 01:00:59;28 is 107892 + 1798; 01:01:00;04 is 107892 + 1802 (;00 and ;01
                // do not exist), so 4 frames; source 10:00:10;00 is 300 frames in.
                (175_679_504, 6_406, 480_480),
                // 01:09:59;28 is 107892 + 17980; 01:10:00;04 is 107892 + 17986 (minute 10
                // keeps ;00 and ;01), so 6 frames; source 10:01:00;02 is 1800 frames in.
                (201_596_595, 9_610, 2_882_880),
            ]
        );
    }
    // Read at 29.97 non-drop, the session shows non-drop labels of the same instants.
    let cut = edl::parse(
        &text,
        Path::new("drop_frame.edl"),
        Some(FrameRate::Fps29_97),
    )
    .unwrap();
    assert_eq!(cut.rate, FrameRate::Fps29_97);
    assert_eq!(
        cut.tracks[0].clips[0].record_in,
        dubstage::import::time::Seconds::from_frames(107_890, FrameRate::Fps29_97)
    );
}

#[test]
fn speed_changes_and_wipes_are_listed_as_unsupported_and_never_played_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let (s, report) = import_cut(
        &fixture("speed.edl"),
        &[dir.path().to_path_buf()],
        dir.path(),
        Some(FrameRate::Fps25),
        None,
    )
    .unwrap();
    let unsupported = report.unsupported.join("\n");
    assert_eq!(report.unsupported.len(), 3, "{unsupported}");
    assert!(
        unsupported.contains("A1 event 2 (line 5): a speed change to 12.5 fps (50%)"),
        "{unsupported}"
    );
    assert!(
        unsupported.contains("A1 event 3 (line 6): the source runs 2 s but the record side 1 s"),
        "{unsupported}"
    );
    assert!(
        unsupported.contains("A1 event 4 (line 7): the transition \"W001 025\""),
        "{unsupported}"
    );
    let a1 = clips(&s, "A1");
    let muted: Vec<bool> = a1.iter().map(|c| c.mute).collect();
    assert_eq!(muted, [false, true, true, false]);
    assert_eq!(a1[1].length, 2 * 48_000, "placed over its record span");
    assert!(report
        .to_string()
        .contains("3 thing(s) in the cut not reproduced"));
}

#[test]
fn missing_media_are_listed_together_and_left_offline_where_they_were_expected() {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("media");
    write_bwf(
        &media.join("here.wav"),
        RATE,
        &[signal(96_000, 1)],
        None,
        None,
    );
    let (s, report) = import_cut(
        &fixture("missing.edl"),
        std::slice::from_ref(&media),
        dir.path(),
        Some(FrameRate::Fps24),
        None,
    )
    .unwrap();
    assert_eq!(report.offline.len(), 2, "{report}");
    let boom = &report.offline[0];
    assert_eq!(boom.expected, media.join("gone_boom.wav"));
    assert_eq!(boom.clips, ["A1 event 2", "A1 event 4", "A2 event 2"]);
    let lav = &report.offline[1];
    assert_eq!(lav.expected, Path::new("/Volumes/Lost/gone_lav.wav"));
    assert_eq!(lav.clips, ["A1 event 3"]);
    let text = report.to_string();
    assert!(text.contains("2 source(s) not found"), "{text}");
    assert!(text.contains("(2 not found)"), "{text}");

    // The session is whole: offline clips stay in place, pointing where the media belong.
    assert_eq!(clips(&s, "A1").len(), 4);
    assert_eq!(
        source_path(&s, "gone_boom"),
        Path::new("media").join("gone_boom.wav")
    );
    assert_eq!(
        source_path(&s, "gone_lav"),
        Path::new("/Volumes/Lost/gone_lav.wav")
    );
    no_errors(&s);
    let path = dir.path().join("s.ron");
    file::save(&s, &path).unwrap();
    let loaded = file::load(&path).unwrap();
    let pool = pool(&loaded.session, dir.path());
    assert_eq!(pool.offline().count(), 2);
}

#[test]
fn a_malformed_edl_is_refused_at_its_line() {
    let path = fixture("malformed.edl");
    let err = import::read_cut(&path, Some(FrameRate::Fps24), &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "{}:12: record in: \"01:00:6x:00\"",
            path.display()
        )),
        "{err}"
    );

    let cases: [(&str, Option<FrameRate>, &str); 9] = [
        (
            "001  R1  Q  C  01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n",
            Some(FrameRate::Fps24),
            "cut.edl:1: \"Q\" is not a channel field",
        ),
        (
            "TITLE: t\n001  R1  A  C  01:00:00:00 01:00:01:00 01:00:00:00\n",
            Some(FrameRate::Fps24),
            "cut.edl:2: expected an event",
        ),
        (
            "FCM: SOMETIMES\n",
            Some(FrameRate::Fps24),
            "cut.edl:1: FCM: \"SOMETIMES\"",
        ),
        (
            "\n\n001  R1  A  C  01:00:00:00 01:00:01:00 01:00:02:00 01:00:01:00\n",
            Some(FrameRate::Fps24),
            "cut.edl:3: record out 01:00:01:00 is before record in 01:00:02:00",
        ),
        (
            "FCM: DROP FRAME\n",
            Some(FrameRate::Fps24),
            "cut.edl:1: FCM: DROP FRAME exists only at 29.97 fps",
        ),
        (
            "001  R1  A  C  01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n",
            None,
            "give --rate",
        ),
        (
            "TITLE: nothing\n",
            Some(FrameRate::Fps24),
            "the EDL has no events",
        ),
        (
            "001  R1  A  D  xx  01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n",
            Some(FrameRate::Fps24),
            "cut.edl:1: \"xx\" is not a transition length in frames",
        ),
        (
            "001  R1  A  C  01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\nM2   R1   fast   01:00:00:00\n",
            Some(FrameRate::Fps24),
            "cut.edl:2: \"fast\" is not a speed",
        ),
    ];
    for (text, rate, expected) in cases {
        let err = edl::parse(text, Path::new("cut.edl"), rate)
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{text:?}: {err}");
    }
}

#[test]
fn edl_dissolves_become_crossfades_also_alone_and_to_black() {
    let text = "\
001  A  A  C        01:00:00:00 01:00:02:00 01:00:00:00 01:00:02:00
002  B  A  D  024   02:00:00:00 02:00:02:00 01:00:02:00 01:00:04:00
003  B  A  C        02:00:02:00 02:00:02:00 01:00:04:00 01:00:04:00
003  BL A  D  012   00:00:00:00 00:00:01:00 01:00:04:00 01:00:05:00
004  BL A  C        00:00:00:00 00:00:00:00 01:00:05:00 01:00:05:00
004  C  A  D  006   03:00:00:00 03:00:01:00 01:00:05:00 01:00:06:00
";
    let cut = edl::parse(text, Path::new("x.edl"), Some(FrameRate::Fps24)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (s, report) = import::build(
        &cut,
        &BuildOptions {
            cut_path: PathBuf::from("x.edl"),
            media: vec![dir.path().to_path_buf()],
            start: None,
            session_dir: dir.path().to_path_buf(),
            video_track: false,
        },
    )
    .unwrap();
    assert!(report.unsupported.is_empty(), "{report}");
    let a1 = clips(&s, "A1");
    let spans: Vec<(&str, u64, u64, u64, u64)> = a1
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.position,
                c.length,
                c.fade_in.length,
                c.fade_out.length,
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            // A lone "D 024": the clip before plays on for a second, fading out.
            ("A", 0, 3 * 48_000, 0, 48_000),
            // The two-line form to black: B plays on half a second past 01:00:04:00.
            ("B", 2 * 48_000, 2 * 48_000 + 24_000, 48_000, 24_000),
            // From black: a fade-in only.
            ("C", 5 * 48_000, 48_000, 12_000, 0),
        ]
    );
    assert!(
        validate::check(&s).is_empty(),
        "every overlap is a full crossfade"
    );
}

#[test]
fn the_cut_and_the_media_timecode_are_checked_against_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let rate = 8_000;
    // Two minutes of boom from 14:05:00:00, at 8 kHz to keep the file small.
    write_bwf(
        &dir.path().join("boom_t3.wav"),
        rate,
        &[vec![0.0; 120 * rate as usize]],
        Some(tc(14, 5, 0, 0, 24, rate)),
        None,
    );
    let (s, report) = import_cut(
        &fixture("disagree.edl"),
        &[dir.path().to_path_buf()],
        dir.path(),
        Some(FrameRate::Fps24),
        None,
    )
    .unwrap();
    assert_eq!(s.sample_rate, rate, "the media's rate, as they all agree");
    assert_eq!(report.disagreements.len(), 2, "{report}");
    assert_eq!(
        report.disagreements[0],
        "A1 event 7: the EDL says source TC 14:02:11:05 but boom_t3.wav starts at 14:05:00:00 and is only 2 min long"
    );
    assert!(
        report.disagreements[1]
            == "A1 event 8: the EDL says source TC 14:06:59:00 to 14:07:01:00 but boom_t3.wav starts at 14:05:00:00 and is only 2 min long",
        "{report}"
    );
    let a1 = clips(&s, "A1");
    assert_eq!(a1[0].source_offset, 10 * u64::from(rate));
    assert_eq!(a1[1].source_offset, 0, "placed from the file's start");
    assert_eq!(a1[2].source_offset, (119 * 24) * u64::from(rate) / 24);
}

const IXML_25: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><BWFXML><IXML_VERSION>1.61</IXML_VERSION>\
<PROJECT>FILM</PROJECT><SCENE>12</SCENE><TAKE>TAKE</TAKE><TAPE>Day04</TAPE>\
<SPEED><TIMECODE_RATE>25/1</TIMECODE_RATE><TIMECODE_FLAG>NDF</TIMECODE_FLAG></SPEED></BWFXML>";

#[test]
fn a_reel_finds_its_file_by_ixml_sound_roll_and_timecode() {
    let dir = tempfile::tempdir().unwrap();
    let rate = 8_000;
    for (name, minute, take) in [("0412_T01.wav", 0, "1"), ("0412_T02.wav", 10, "2")] {
        write_bwf(
            &dir.path().join("day04").join(name),
            rate,
            &[vec![0.0; 60 * rate as usize]],
            Some(tc(9, minute, 0, 0, 25, rate)),
            Some(&IXML_25.replace("TAKE</TAKE>", &format!("{take}</TAKE>"))),
        );
    }
    let (s, report) = import_cut(
        &fixture("sound_roll.edl"),
        &[dir.path().to_path_buf()],
        dir.path(),
        Some(FrameRate::Fps24),
        None,
    )
    .unwrap();
    assert!(report.offline.is_empty(), "{report}");
    let clip = &clips(&s, "A1")[0];
    assert_eq!(
        source_path(&s, &clip.source),
        Path::new("day04").join("0412_T02.wav")
    );
    assert_eq!(clip.source_offset, 20 * u64::from(rate));
    assert_eq!(report.disagreements.len(), 1, "{report}");
    assert!(
        report.disagreements[0]
            .contains("0412_T02.wav (scene 12, take 2) was recorded with 25 fps timecode but the cut runs at 24 fps"),
        "{report}"
    );
}

#[test]
fn an_otio_timeline_becomes_tracks_with_gaps_crossfades_and_offline_clips() {
    let dir = tempfile::tempdir().unwrap();
    // The lav's source in point is 11:30:00:00 at 23.976 fps, 993600 x 1001/24000 s;
    // the file starts two seconds before that.
    let lav_start = (993_600 * 1001 / 24_000 - 2) * 48_000 + 48_000 * 2 / 5;
    let media = scene_media(dir.path(), lav_start);
    let (s, report) = import_cut(&fixture("scene.otio"), &[media], dir.path(), None, None).unwrap();
    assert_eq!(s.name, "Scene 12 OTIO");
    assert_eq!(s.timecode.rate, FrameRate::Fps24);
    assert_eq!(s.timecode.start, "01:00:00:00");
    let names: Vec<&str> = s.tracks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["A1", "A2"], "the video track is skipped");

    let a1 = clips(&s, "A1");
    let spans: Vec<(&str, u64, u64, u64, u64, u64)> = a1
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.position,
                c.length,
                c.source_offset,
                c.fade_in.length,
                c.fade_out.length,
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            // After a one-second gap; plays on 6 frames into the dissolve.
            ("sc12_t3_boom", 48_000, 204_000, 240_000, 0, 24_000),
            // Starts 6 frames before the cut, fading in over the 12-frame dissolve.
            ("sc12_t3_lav", 228_000, 204_000, 84_000, 24_000, 0),
            // A gap of 48000 samples at rate 48000, then the door by its reference name.
            ("door slam", 480_000, 48_000, 48_000, 0, 0),
            ("ghost", 528_000, 48_000, 0, 0, 0),
        ]
    );
    assert_eq!(
        source_path(&s, &a1[2].source),
        Path::new("media").join("sfx").join("fx_door.WAV")
    );
    assert_eq!(report.offline.len(), 1, "{report}");
    assert_eq!(report.offline[0].clips, ["A1 clip \"ghost\" (children[6])"]);
    assert_eq!(
        report.offline[0].expected,
        dir.path().join("media").join("ghost.wav")
    );

    let a2 = track_named(&s, "A2");
    assert!(a2.mute, "a disabled track is muted");
    let room = clips(&s, "A2");
    assert_eq!(
        room.iter()
            .map(|c| (c.position, c.length, c.source_offset, c.mute))
            .collect::<Vec<_>>(),
        [(0, 192_000, 0, false), (192_000, 48_000, 192_000, true)]
    );
    assert_eq!(report.unsupported.len(), 1, "{report}");
    assert!(report.unsupported[0].contains("a speed change to 200%"));
    assert!(report.disagreements.is_empty(), "{report}");
    no_errors(&s);
    assert!(
        validate::check(&s).is_empty(),
        "the dissolve is a full crossfade"
    );
}

#[test]
fn otio_media_start_is_checked_against_the_bwf_timecode() {
    let dir = tempfile::tempdir().unwrap();
    let media = scene_media(dir.path(), tc(11, 29, 58, 0, 24, RATE));
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("scene.otio")).unwrap()).unwrap();
    // The cut thinks the boom starts a second earlier than its BWF timecode says.
    json["tracks"]["children"][1]["children"][1]["media_reference"]["available_range"]
        ["start_time"]["value"] = serde_json::json!(863_976.0);
    let cut = dir.path().join("shifted.otio");
    std::fs::write(&cut, json.to_string()).unwrap();
    let (s, report) = import_cut(&cut, &[media], dir.path(), Some(FrameRate::Fps24), None).unwrap();
    assert!(
        report.disagreements.iter().any(|d| d.contains(
            "the OTIO cut has sc12_t3_boom.wav starting at 09:59:59:00 but its BWF timecode says 10:00:00:00"
        )),
        "{report}"
    );
    assert_eq!(
        clips(&s, "A1")[0].source_offset,
        240_000,
        "the BWF timecode wins"
    );
}

#[test]
fn malformed_otio_is_refused_at_its_json_path() {
    let path = fixture("missing_duration.otio");
    let err = import::read_cut(&path, None, &[]).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}: tracks.children[1].children[3].source_range: missing field \"duration\"",
            path.display()
        )
    );
    let cases = [
        (
            "{\"OTIO_SCHEMA\": \"Timeline.1\",\n  \"tracks\": [}",
            "cut.otio:2:",
        ),
        (
            "{\"OTIO_SCHEMA\": \"Clip.1\"}",
            "cut.otio: timeline: expected a Timeline, found OTIO_SCHEMA \"Clip\"",
        ),
        (
            "{\"OTIO_SCHEMA\": \"Timeline.1\"}",
            "cut.otio: timeline: missing field \"tracks\"",
        ),
        (
            r#"{"OTIO_SCHEMA": "Timeline.1", "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [
                {"OTIO_SCHEMA": "Track.1", "kind": "Audio", "children": [
                    {"OTIO_SCHEMA": "Gap.1", "source_range": {"OTIO_SCHEMA": "TimeRange.1",
                        "start_time": {"value": 0, "rate": 24},
                        "duration": {"value": 24, "rate": 0}}}]}]}}"#,
            "cut.otio: tracks.children[0].children[0].source_range.duration: 24 at rate 0 is not a time",
        ),
        (
            r#"{"OTIO_SCHEMA": "Timeline.1", "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [
                {"OTIO_SCHEMA": "Track.1", "kind": "Audio", "children": [
                    {"OTIO_SCHEMA": "Marker.2"}]}]}}"#,
            "cut.otio: tracks.children[0].children[0]: \"Marker\" is not an item of a track",
        ),
        (
            r#"{"OTIO_SCHEMA": "Timeline.1", "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [
                {"OTIO_SCHEMA": "Track.1", "children": []}]}}"#,
            "cut.otio: tracks.children[0]: missing field \"kind\"",
        ),
    ];
    for (text, expected) in cases {
        let err = otio::parse(text, Path::new("cut.otio"), None)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(expected), "{text}: {err}");
    }
}

#[test]
fn spotting_moves_a_clip_to_its_original_timecode() {
    let dir = tempfile::tempdir().unwrap();
    // The boom was rolling from 01:00:30:00; the session starts at 01:00:00:00.
    write_bwf(
        &dir.path().join("boom.wav"),
        RATE,
        &[signal(48_000 * 4, 1)],
        Some(tc(1, 0, 30, 0, 24, RATE)),
        None,
    );
    write_bwf(
        &dir.path().join("plain.wav"),
        RATE,
        &[signal(4800, 2)],
        None,
        None,
    );
    let mut s = session();
    s.sources.push(source("boom", "boom.wav"));
    s.sources.push(source("plain", "plain.wav"));
    let mut boom = clip("boom", 0, 48_000);
    boom.source_offset = 48_000;
    s.tracks.push(track(
        "Dialog/Anna",
        TrackFormat::Mono,
        StemKind::DX,
        vec![boom, clip("plain", 96_000, 4800)],
    ));
    let done = import::spot::spot(&mut s, dir.path(), &["dialog/anna/BOOM".into()], false).unwrap();
    assert_eq!(done.moved.len(), 1);
    // 01:00:31:00: the clip's first sample is one second into the file.
    assert_eq!(s.tracks[0].clips[0].position, 31 * 48_000);
    assert_eq!(done.moved[0].from, 0);

    let err =
        import::spot::spot(&mut s, dir.path(), &["Dialog/Anna/plain".into()], false).unwrap_err();
    assert!(err.contains("plain.wav has no BWF timecode"), "{err}");
    let err = import::spot::spot(&mut s, dir.path(), &["A9/boom".into()], false).unwrap_err();
    assert!(err.contains("no clip matches \"A9/boom\""), "{err}");
    let all = import::spot::spot(&mut s, dir.path(), &[], true).unwrap();
    assert_eq!(all.moved.len(), 1);
    assert_eq!(all.skipped.len(), 1);

    s.timecode.start = "01:01:00:00".into();
    let err =
        import::spot::spot(&mut s, dir.path(), &["Dialog/Anna/boom".into()], false).unwrap_err();
    assert!(
        err.contains("01:00:31:00 is before the session start 01:01:00:00"),
        "{err}"
    );
}

#[test]
fn the_import_and_spot_commands_work_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    scene_media(dir.path(), tc(11, 29, 58, 0, 24, RATE));
    let cut = fixture("scene.edl");
    let cut = cut.to_str().unwrap();
    let args = [
        "import",
        cut,
        "--media",
        "media",
        "-o",
        "reel1/s.ron",
        "--rate",
        "24",
    ];
    let out = dubstage(&args, dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("7 clip(s) on 4 track(s) (A1, A2, A3, A4) from 4 source(s), 48000 Hz, 24 fps from 01:00:00:00"),
        "{stdout}"
    );
    let session = dir.path().join("reel1").join("s.ron");
    let loaded = file::load(&session).unwrap();
    assert_eq!(
        source_path(&loaded.session, "sc12_t3_boom"),
        Path::new("../media/sc12_t3_boom.wav")
    );
    let check = dubstage(&["check", "reel1/s.ron"], dir.path());
    assert!(check.status.success(), "{}", text(&check.stdout));

    // An existing session is not replaced unless asked.
    let again = dubstage(&args, dir.path());
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("--force"));
    let mut forced = args.to_vec();
    forced.push("--force");
    assert!(dubstage(&forced, dir.path()).status.success());
    assert!(dir.path().join("reel1").join("s.ron.bak").exists());

    // Spot the boom on A2 to where it was recorded: 10:00:05:00.
    let out = dubstage(
        &["spot", "reel1/s.ron", "--clip", "A2/sc12_t3_boom.wav"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("A2/sc12_t3_boom.wav: 01:00:01:00 -> 10:00:05:00"),
        "{}",
        text(&out.stdout)
    );
    let spotted = file::load(&session).unwrap().session;
    assert_eq!(clips(&spotted, "A2")[1].position, tc(9, 0, 5, 0, 24, RATE));
    assert_eq!(clips(&spotted, "A1")[0].position, 48_000, "only A2 moves");

    // A clip that is not there: an error, and the file is left alone.
    let before = std::fs::read_to_string(&session).unwrap();
    let out = dubstage(&["spot", "reel1/s.ron", "--clip", "A7/x"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no clip matches"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&session).unwrap(), before);
    let out = dubstage(&["spot", "reel1/s.ron"], dir.path());
    assert_eq!(out.status.code(), Some(2), "--clip or --all is needed");

    // A broken cut: an error naming the line, and no session.
    let out = dubstage(
        &[
            "import",
            fixture("malformed.edl").to_str().unwrap(),
            "-o",
            "bad.ron",
            "--rate",
            "24",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("malformed.edl:12:"));
    assert!(!dir.path().join("bad.ron").exists());
}

/// Every prefix of every cut, and the cuts with their lines reversed or
/// their timecodes garbled, are imported or refused with an error; none panics.
#[test]
fn damaged_cuts_are_refused_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut built = 0;
    for name in [
        "scene.edl",
        "drop_frame.edl",
        "speed.edl",
        "scene.otio",
        "avid_channels.edl",
        "video_only.edl",
        "otio-cmx3600/multi_audio.edl",
        "otio-cmx3600/enabled.otio",
    ] {
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        let path = PathBuf::from(name.rsplit('/').next().unwrap());
        let options = BuildOptions {
            cut_path: path.clone(),
            media: vec![dir.path().to_path_buf()],
            start: None,
            session_dir: dir.path().to_path_buf(),
            video_track: true,
        };
        let mut import = |t: &str| {
            let cut = match import::Format::of(&path).unwrap() {
                import::Format::Edl => edl::parse(t, &path, Some(FrameRate::Fps29_97)),
                import::Format::Otio => otio::parse(t, &path, None),
            };
            if let Ok(cut) = cut {
                let _ = import::build(&cut, &options);
                built += 1;
            }
            // Without a rate: inferred from whatever frame fields are left.
            if let Ok(cut) = edl::parse(t, &path, None) {
                let _ = import::build(&cut, &options);
            }
        };
        for end in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
            import(&text[..end]);
        }
        let mut lines: Vec<&str> = text.lines().collect();
        lines.reverse();
        import(&lines.join("\n"));
        import(&text.replace(':', ";").replace("00", "99"));
    }
    assert!(built > 100, "the damaged cuts include many that still read");
}
