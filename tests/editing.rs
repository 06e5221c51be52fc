//! Editing from the keyboard: each command's effect on the model, undo and
//! redo byte for byte, what a dip, a crossfade and automation sound like in
//! the bounce, a touch pass, and the journal surviving `kill -9`.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::tmux::{console_command, Tmux};
use common::{bounce_f32, clip, db, output, session, source, track, write_wav24};
use dubstage::app::App;
use dubstage::command::desk::Desk;
use dubstage::engine::msg::TransportState;
use dubstage::model::file;
use dubstage::model::{AutoMode, LaneTarget, Session, StemKind, TrackFormat};

const SECOND: u64 = 48_000;

/// A sine of `amplitude` at 1 kHz, `frames` long.
fn sine(frames: usize, amplitude: f32) -> Vec<f32> {
    (0..frames)
        .map(|i| {
            amplitude * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 48_000.0).sin() as f32
        })
        .collect()
}

/// Two tracks, a 4 s clip of 1 kHz sine on the first; saved in `dir`.
fn sine_session(dir: &Path) -> PathBuf {
    write_wav24(
        &dir.join("tone.wav"),
        48_000,
        &[sine(10 * SECOND as usize, 0.25)],
    );
    let mut s = session();
    s.sources.push(source("tone", "tone.wav"));
    let mut c = clip("tone", SECOND, 4 * SECOND);
    c.source_offset = SECOND;
    s.tracks
        .push(track("DIA 1", TrackFormat::Mono, StemKind::DX, vec![c]));
    s.tracks
        .push(track("DIA 2", TrackFormat::Mono, StemKind::DX, vec![]));
    let path = dir.join("edit.ron");
    file::save(&s, &path).unwrap();
    path
}

fn open(path: &Path) -> App {
    let options = dubstage::command::desk::OpenOptions {
        engine: None,
        overviews: false,
    };
    App::with_defaults(Desk::open(path, &options).unwrap())
}

fn keys(app: &mut App, k: &str) {
    app.type_keys(k).unwrap();
}

fn text(s: &Session) -> String {
    file::to_text(s)
}

fn error(app: &App) -> Option<String> {
    app.desk
        .message
        .as_ref()
        .filter(|m| m.error)
        .map(|m| m.text.clone())
}

/// Run `k`, check it changed the session, and that undo and redo give
/// back exactly the texts before and after.
fn round_trip(app: &mut App, k: &str) -> Session {
    let before = text(&app.desk.session);
    keys(app, k);
    assert_eq!(error(app), None, "{k}");
    let after = text(&app.desk.session);
    assert_ne!(before, after, "{k} changed nothing");
    keys(app, "u");
    assert_eq!(text(&app.desk.session), before, "undo of {k}");
    keys(app, "<C-r>");
    assert_eq!(text(&app.desk.session), after, "redo of {k}");
    app.desk.session.clone()
}

#[test]
fn every_clip_and_prefade_command_changes_the_model_and_undoes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(&sine_session(dir.path()));
    let clips = |app: &App, t: usize| app.desk.session.tracks[t].clips.clone();
    keys(&mut app, ":goto 2s<cr>");

    let s = round_trip(&mut app, "B");
    let c = &s.tracks[0].clips;
    assert_eq!(
        (c.len(), c[0].length, c[1].position, c[1].source_offset),
        (2, SECOND, 2 * SECOND, 2 * SECOND)
    );

    keys(&mut app, ":goto 1.5s<cr>");
    let s = round_trip(&mut app, "fi");
    assert_eq!(s.tracks[0].clips[0].fade_in.length, SECOND / 2);
    let s = round_trip(&mut app, "fs");
    assert_ne!(
        s.tracks[0].clips[0].fade_in.shape,
        clips(&app, 0)[1].fade_in.shape
    );
    keys(&mut app, ":goto 4.5s<cr>");
    let s = round_trip(&mut app, "fo");
    assert_eq!(s.tracks[0].clips[1].fade_out.length, SECOND / 2);
    let s = round_trip(&mut app, ":fade-out 10f<cr>");
    assert_eq!(s.tracks[0].clips[1].fade_out.length, 20_000);

    let s = round_trip(&mut app, "3c+");
    assert_eq!(s.tracks[0].clips[1].gain_db, 3.0);
    let s = round_trip(&mut app, "c-");
    assert_eq!(s.tracks[0].clips[1].gain_db, 2.0);
    let s = round_trip(&mut app, "cm");
    assert!(s.tracks[0].clips[1].mute);
    keys(&mut app, "cm");

    // Nudge by frames (24 fps: 2000 samples), then by milliseconds.
    let p = clips(&app, 0)[1].position;
    let s = round_trip(&mut app, "2]n");
    assert_eq!(s.tracks[0].clips[1].position, p + 4000);
    keys(&mut app, ":grid ms<cr>[n");
    assert_eq!(clips(&app, 0)[1].position, p + 4000 - 48);
    keys(&mut app, ":grid frame<cr>");
    let off = clips(&app, 0)[1].source_offset;
    let s = round_trip(&mut app, "]s");
    assert_eq!(s.tracks[0].clips[1].source_offset, off + 2000);

    // Trim both ends to the playhead.
    let c1 = clips(&app, 0)[1].clone();
    keys(&mut app, &format!(":goto {}smp<cr>", c1.position + 1000));
    let s = round_trip(&mut app, "ts");
    assert_eq!(s.tracks[0].clips[1].position, c1.position + 1000);
    assert_eq!(s.tracks[0].clips[1].source_offset, c1.source_offset + 1000);
    keys(&mut app, &format!(":goto {}smp<cr>", c1.end() - 500));
    let s = round_trip(&mut app, "te");
    assert_eq!(s.tracks[0].clips[1].end(), c1.end() - 500);

    // The track-splitting workflow: down to DIA 2 and back.
    keys(&mut app, ":goto 4s<cr>");
    let s = round_trip(&mut app, "cj");
    assert_eq!((s.tracks[0].clips.len(), s.tracks[1].clips.len()), (1, 1));
    assert_eq!(app.desk.strip, 1, "the selection follows the clip");
    let s = round_trip(&mut app, "ck");
    assert_eq!((s.tracks[0].clips.len(), s.tracks[1].clips.len()), (2, 0));

    // Cut into a register and put it back on the other track.
    keys(&mut app, ":goto 2.5s<cr>");
    let s = round_trip(&mut app, "\"ax");
    assert_eq!(s.tracks[0].clips.len(), 1);
    keys(&mut app, "j");
    let s = round_trip(&mut app, "\"ap");
    assert_eq!(s.tracks[1].clips.len(), 1);
    assert_eq!(s.tracks[1].clips[0].position, 2 * SECOND + SECOND / 2);

    // Markers: add, name, jump, list.
    keys(&mut app, "k:goto 1s<cr>");
    round_trip(&mut app, "i");
    let s = round_trip(&mut app, ":marker-name Anna in<cr>");
    assert!(s
        .markers
        .iter()
        .any(|m| m.name == "Anna in" && m.position == SECOND));
    keys(&mut app, "0:goto Anna in<cr>");
    assert_eq!(app.desk.playhead(), SECOND);
}

#[test]
fn visual_mode_spans_tracks_and_takes_dips_yanks_and_cuts() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(&sine_session(dir.path()));
    // Copy the clip to the second track, so both tracks have one.
    keys(&mut app, ":goto 1s<cr>csyyj0:goto 1s<cr>p");
    assert_eq!(app.desk.session.tracks[1].clips.len(), 1);
    // From 2 s on DIA 2 up to DIA 1, to 3 s: both tracks, one second.
    keys(&mut app, ":goto 2s<cr>vkl");
    assert_eq!(app.desk.selection, Some((2 * SECOND, 3 * SECOND)));
    assert_eq!(app.desk.selected_tracks(), vec![0, 1]);
    let s = round_trip(&mut app, ":dip -6<cr>");
    for t in 0..2 {
        let d = &s.tracks[t].clips[0].dips;
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].start, d[0].end, d[0].depth_db),
            (SECOND, 2 * SECOND, -6.0)
        );
    }
    keys(&mut app, "<esc>:goto 2s<cr>vjl");
    let s = round_trip(&mut app, "d");
    for t in 0..2 {
        assert_eq!(s.tracks[t].clips.len(), 2, "cut out of the middle");
        assert_eq!(s.tracks[t].clips[0].end(), 2 * SECOND);
        assert_eq!(s.tracks[t].clips[1].position, 3 * SECOND);
    }
}

#[test]
fn automation_breakpoints_and_ranges_from_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(&sine_session(dir.path()));
    let lane = |app: &App| app.desk.session.tracks[0].lanes[0].clone();
    keys(&mut app, ":goto 1s<cr>");
    let s = round_trip(&mut app, "aa");
    assert_eq!(s.tracks[0].lanes[0].target, LaneTarget::Volume);
    assert_eq!(s.tracks[0].lanes[0].mode, AutoMode::Read);
    keys(&mut app, ":goto 2s<cr>");
    round_trip(&mut app, ":auto-add -10<cr>");
    round_trip(&mut app, "3aj");
    assert_eq!(lane(&app).points[1].value, -13.0);
    round_trip(&mut app, "al");
    assert_eq!(lane(&app).points[1].at, 2 * SECOND + 2000);
    assert_eq!(app.desk.playhead(), 2 * SECOND + 2000);
    keys(&mut app, "[a");
    assert_eq!(app.desk.playhead(), SECOND);
    round_trip(&mut app, "ax");
    assert_eq!(lane(&app).points.len(), 1);
    // A range set to a value, then trimmed.
    keys(&mut app, ":goto 3s<cr>vl");
    round_trip(&mut app, ":auto-set -20<cr>");
    assert_eq!(lane(&app).value_at(3 * SECOND + SECOND / 2), Some(-20.0));
    round_trip(&mut app, "a-");
    assert_eq!(lane(&app).value_at(3 * SECOND + SECOND / 2), Some(-21.0));
    // Modes and lanes.
    let s = round_trip(&mut app, "<esc>At");
    assert_eq!(s.tracks[0].lanes[0].mode, AutoMode::Touch);
    keys(&mut app, "ac");
    assert_eq!(app.desk.lane, LaneTarget::Pan);
    keys(&mut app, ":lane hpf.freq<cr>:auto-add 120<cr>");
    assert_eq!(
        app.desk.session.tracks[0].lanes[1].target,
        LaneTarget::Strip(dubstage::model::strip::StripParam::HpfFreq)
    );
    keys(&mut app, ":auto-mode trim<cr>");
    assert!(error(&app).unwrap().contains("levels"));
}

/// Bounce `s` (saved in `dir`) and return the DX stem's left channel.
fn dx(s: &Session, dir: &Path) -> Vec<f32> {
    let (_, outputs) = bounce_f32(s, dir, 1000);
    outputs[output("DX")][0].clone()
}

/// Level in dB of a 1 kHz sine over `range` (whole cycles).
fn level(x: &[f32], from: u64, to: u64) -> f64 {
    db(common::rms(&x[from as usize..to as usize]))
}

#[test]
fn a_dip_measures_six_db_down_over_exactly_its_span() {
    let dir = tempfile::tempdir().unwrap();
    let path = sine_session(dir.path());
    let mut app = open(&path);
    keys(&mut app, ":goto 2s<cr>vl:dip -6 10ms<cr>");
    let out = dx(&app.desk.session, dir.path());
    let plain = level(&out, SECOND + 4800, 2 * SECOND - 480 - 48);
    let dipped = level(&out, 2 * SECOND, 3 * SECOND);
    assert!((dipped - plain + 6.0).abs() < 0.01, "{plain} {dipped}");
    // Exactly over its span: its first and last 10 ms are already down.
    for from in [2 * SECOND, 3 * SECOND - 480] {
        let edge = level(&out, from, from + 480);
        assert!((edge - plain + 6.0).abs() < 0.01, "at {from}: {edge}");
    }
    // And the ramps lie outside it.
    let ramp = level(&out, 2 * SECOND - 480, 2 * SECOND);
    assert!(ramp > dipped + 1.0 && ramp < plain - 1.0, "{ramp}");
    let after = level(&out, 3 * SECOND + 480 + 48, 4 * SECOND);
    assert!((after - plain).abs() < 0.01, "{plain} {after}");
}

#[test]
fn a_crossfade_at_a_split_has_no_level_bump() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(&sine_session(dir.path()));
    keys(&mut app, ":goto 3s<cr>B:crossfade 100ms<cr>");
    let c = &app.desk.session.tracks[0].clips;
    assert_eq!(c[0].fade_out.length, 4800);
    assert_eq!(c[1].fade_in.length, 4800);
    let out = dx(&app.desk.session, dir.path());
    let plain = level(&out, 2 * SECOND, 2 * SECOND + 4800);
    // Across the crossfade, in 1 ms windows: no bump, no hole.
    for k in 0..10u64 {
        let from = 3 * SECOND - 2400 + k * 480;
        let l = level(&out, from, from + 480);
        assert!((l - plain).abs() < 0.01, "window {k}: {l} against {plain}");
    }
}

#[test]
fn volume_automation_plays_in_the_bounce() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(&sine_session(dir.path()));
    keys(&mut app, ":goto 2s<cr>vl:auto-set -12<cr>");
    let out = dx(&app.desk.session, dir.path());
    let plain = level(&out, SECOND + 4800, 2 * SECOND - 480);
    let down = level(&out, 2 * SECOND, 3 * SECOND);
    assert!((down - plain + 12.0).abs() < 0.02, "{plain} {down}");
    // The same lane in off mode plays nothing.
    keys(&mut app, "<esc>Ao");
    let out = dx(&app.desk.session, dir.path());
    let flat = level(&out, 2 * SECOND, 3 * SECOND);
    assert!((flat - plain).abs() < 0.01);
}

#[test]
fn a_touch_pass_writes_the_fader_and_returns_to_the_lane() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(&sine_session(dir.path()));
    keys(&mut app, ":goto 1s<cr>aaAt");
    let lane = |app: &App| app.desk.session.tracks[0].lanes[0].clone();
    assert_eq!(lane(&app).points.len(), 1);
    app.desk.pass.release = Duration::from_millis(200);
    // Roll (the engine-less transport moves when told to).
    app.desk.transport.state = TransportState::Rolling;
    let t0 = Instant::now();
    keys(&mut app, ":goto 2s<cr>");
    // Hold the fader down: key repeats within the release time.
    for _ in 0..6 {
        keys(&mut app, "-");
        app.desk.advance(SECOND / 10);
        app.tick(Instant::now());
    }
    let held_to = app.desk.playhead();
    std::thread::sleep(Duration::from_millis(250));
    app.desk.advance(SECOND / 10);
    app.tick(Instant::now());
    assert!(t0.elapsed() > Duration::from_millis(200));
    let l = lane(&app);
    assert_eq!(l.value_at(SECOND), Some(0.0), "before the pass: the lane");
    let v = l.value_at(held_to - 1).unwrap();
    assert!((v + 6.0).abs() < 0.05, "written: {v} ({:?})", l.points);
    assert_eq!(
        l.value_at(held_to + SECOND),
        Some(0.0),
        "back to the lane after release"
    );
    assert!(l.points.len() <= 8, "thinned: {:?}", l.points);
    assert_eq!(
        app.desk.session.tracks[0].fader_db, 0.0,
        "the fader itself is untouched"
    );
    // The whole pass is one undo.
    app.desk.stop();
    app.tick(Instant::now());
    keys(&mut app, "u");
    assert_eq!(lane(&app).points.len(), 1);
}

#[test]
fn the_journal_replays_every_edit_and_its_undo_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = sine_session(dir.path());
    let saved = std::fs::read_to_string(&path).unwrap();
    let mut app = open(&path);
    keys(&mut app, ":goto 2s<cr>B:goto 1.5s<cr>fi3c+");
    keys(&mut app, "u");
    let expected = text(&app.desk.session);
    // The process dies here: nothing more than the journal's writes.
    drop(app);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        saved,
        "the session file is untouched"
    );
    let mut again = open(&path);
    let said = again.desk.message.clone().unwrap().text;
    assert!(said.contains("3 edit(s)"), "{said}");
    keys(&mut again, ":recover<cr>");
    assert_eq!(text(&again.desk.session), expected);
    // The undo history came back too: redo the undone gain, undo to the save.
    keys(&mut again, "<C-r>");
    assert_eq!(again.desk.session.tracks[0].clips[0].gain_db, 3.0);
    keys(&mut again, "uuu");
    assert_eq!(
        text(&again.desk.session),
        text(&file::load(&path).unwrap().session)
    );
    // Saving ends the journal.
    keys(&mut again, ":w<cr>");
    assert!(!dubstage::edit::journal::journal_path(&path).exists());
}

#[test]
fn kill_9_loses_no_edit_that_was_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let path = sine_session(dir.path());
    let tmux = Tmux::start("kill", 80, 24, &console_command(dir.path(), &path, ""));
    tmux.wait_for("the first frame", &|s| s.contains("NORMAL"));
    tmux.keys(&[":goto 2s", "Enter", "B", ":goto 3s", "Enter", "B", "c+"]);
    tmux.wait_for("the last edit", &|s| s.contains("clip gain +1.0 dB"));
    // The window runs `env`, which became dubstage: kill it hard.
    let pid = tmux.pid();
    std::process::Command::new("kill")
        .args(["-9", &pid])
        .status()
        .unwrap();
    drop(tmux);
    let mut app = open(&path);
    keys(&mut app, ":recover<cr>");
    let c = &app.desk.session.tracks[0].clips;
    assert_eq!(c.len(), 3, "both splits");
    assert_eq!(c[2].gain_db, 1.0, "and the gain");
}
