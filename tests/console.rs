//! The console on screen: snapshots of the main screens at 80x24 and
//! 160x48 (ratatui's TestBackend, the demo scene with its waveforms), the
//! colour palettes, and one run of the real program in a real terminal
//! (tmux): open the demo, move, change a fader, :w, quit.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::tmux::{console_command, Tmux};
use dubstage::app::App;
use dubstage::audio::MeterReading;
use dubstage::command::desk::{Desk, OpenOptions};
use dubstage::engine::live_loudness::{LiveReading, LiveReadings};
use dubstage::engine::msg::{MeterId, METER_CHANNELS};
use dubstage::ui::{self, Palette, Theme};
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;

/// The demo scene, written once for this test binary.
fn demo_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        dubstage::demo::create(dir.path()).unwrap();
        dir
    })
    .path()
}

/// The demo session in a folder of its own (its media stay in the shared
/// demo folder), so that one test's edits and journal never reach another.
fn private_demo() -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let mut session = dubstage::model::file::load(&demo_dir().join("demo.ron"))
        .unwrap()
        .session;
    for s in &mut session.sources {
        s.path = demo_dir().join(&s.path);
    }
    let path = dir.join("demo.ron");
    dubstage::model::file::save(&session, &path).unwrap();
    path
}

fn open_demo(width: u16) -> App {
    let path = private_demo();
    let options = OpenOptions {
        engine: None,
        overviews: true,
    };
    let mut desk = Desk::open(&path, &options).unwrap();
    desk.overviews.wait_all(Duration::from_secs(30));
    desk.view.columns = ui::layout::timeline_columns(width);
    let mut app = App::with_defaults(desk);
    app.open_options = options;
    app
}

fn render(app: &App, width: u16, height: u16, theme: Theme) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| ui::draw(f, app, &theme)).unwrap();
    t
}

/// The message on the status line.
fn message(app: &App) -> &str {
    &app.desk.message.as_ref().expect("a message").text
}

fn screen(app: &App, width: u16, height: u16) -> String {
    render(app, width, height, Theme::new(Palette::Ansi16))
        .backend()
        .to_string()
}

/// The demo rolling at 01:00:20:00 with levels on its meters.
fn playing(width: u16) -> App {
    let mut app = open_demo(width);
    app.type_keys(":goto 01:00:15:00<cr>v5l<esc>").unwrap();
    app.type_keys("<space>").unwrap();
    let now = Instant::now();
    let mut feed = |id, channels, level: f32| {
        let mut peak = [0.0; METER_CHANNELS];
        peak[..channels as usize].fill(level);
        app.desk.meters.feed(
            &MeterReading {
                id,
                channels,
                peak,
                rms: [0.0; METER_CHANNELS],
            },
            now,
        );
    };
    feed(MeterId::Track(0), 1, 0.5);
    feed(MeterId::Track(6), 2, 0.25);
    feed(MeterId::Bus(0), 2, 0.5);
    feed(MeterId::Stem(0), 2, 0.5);
    feed(MeterId::Stem(1), 2, 0.25);
    feed(MeterId::Printmaster, 2, 1.0);
    app.desk.message = None;
    app
}

#[test]
fn screens_at_80x24() {
    let app = open_demo(80);
    insta::assert_snapshot!("demo_80x24", screen(&app, 80, 24));
    let mut app = playing(80);
    insta::assert_snapshot!("playing_80x24", screen(&app, 80, 24));
    app.type_keys("jj3+g").unwrap();
    insta::assert_snapshot!("which_key_80x24", screen(&app, 80, 24));
    app.type_keys("<esc>:help<cr>").unwrap();
    insta::assert_snapshot!("help_80x24", screen(&app, 80, 24));
    app.type_keys("q:set <tab><tab>").unwrap();
    insta::assert_snapshot!("command_line_80x24", screen(&app, 80, 24));
}

/// Live loudness readings as the engine's loudness worker publishes them.
fn loudness_readings() -> LiveReadings {
    let reading = |m: f64, s: f64, i: f64, lra: f64, tp: f64| LiveReading {
        momentary: Some(m),
        short_term: Some(s),
        integrated: Some(i),
        loudness_range: lra,
        true_peak: Some(tp),
    };
    LiveReadings {
        outputs: [
            reading(-26.4, -27.0, -27.8, 6.1, -6.2),
            reading(-31.0, -30.2, -29.9, 4.4, -9.8),
            LiveReading::default(),
            reading(-29.5, -29.9, -30.1, 8.7, -8.3),
            reading(-22.9, -23.4, -24.1, 7.3, -1.4),
        ],
        since: Some(48_000 * 15),
        seconds: 12.5,
        dropped: 0,
    }
}

#[test]
fn loudness_meters_at_80x24() {
    let mut app = playing(80);
    app.desk.loudness.readings = Some(loudness_readings());
    let screen_80 = screen(&app, 80, 24);
    assert!(screen_80.contains("PM  M -22.9  S -23.4  I -24.1  LRA 7.3  TP -1.4"));
    insta::assert_snapshot!("loudness_80x24", screen_80);
    app.type_keys("zl").unwrap();
    let panel = screen(&app, 80, 24);
    assert!(
        panel.contains(" FX             -inf    -inf    -inf     0.0     -inf"),
        "{panel}"
    );
    insta::assert_snapshot!("loudness_panel_80x24", panel);
    insta::assert_snapshot!("loudness_panel_160x48", screen(&app, 160, 48));
    // Small screens do not break with the panel and the PM line shown.
    for (w, h) in [(1, 1), (12, 3), (20, 5), (40, 10), (60, 14), (79, 24)] {
        screen(&app, w, h);
    }
    app.type_keys(":loudness-panel off<cr>").unwrap();
    assert!(!screen(&app, 80, 24).contains("I LUFS"));
    // No engine, nothing measured: the reset says so and the screen stands.
    app.type_keys("zL").unwrap();
    let m = app.desk.message.as_ref().expect("a message");
    assert!(m.error && m.text.contains("no audio engine"), "{}", m.text);
    // The panel before anything was measured.
    app.desk.loudness.readings = None;
    app.type_keys("zl").unwrap();
    assert!(screen(&app, 80, 24).contains("nothing measured yet"));
}

#[test]
fn automation_lanes_show_under_their_tracks_at_80x24() {
    let mut app = open_demo(80);
    // A volume ride on the first track: up, down over a span, back.
    app.type_keys(":goto 01:00:02:00<cr>aa:goto 01:00:08:00<cr>vl:auto-set -12<cr><esc>")
        .unwrap();
    app.type_keys("At").unwrap();
    app.desk.message = None;
    let s = screen(&app, 80, 24);
    assert!(s.contains("tch volume"), "{s}");
    insta::assert_snapshot!("automation_80x24", s);
}

#[test]
fn the_processing_panel_at_80x24() {
    let mut app = open_demo(80);
    app.type_keys(":strip hpf.on on<cr>:strip hpf.freq 100<cr>:strip eq2.on on<cr>")
        .unwrap();
    app.type_keys(":strip eq2.gain -3<cr>:strip comp.on on<cr>s23)ss")
        .unwrap();
    insta::assert_snapshot!("processing_track_80x24", screen(&app, 80, 24));
    app.type_keys("gp:limiter on<cr>:limiter-ceiling -1<cr>")
        .unwrap();
    insta::assert_snapshot!("processing_printmaster_80x24", screen(&app, 80, 24));
    app.type_keys("ss").unwrap();
    assert!(
        screen(&app, 80, 24).contains("mixer:"),
        "ss brings the mixer back"
    );
}

#[test]
fn screens_at_160x48() {
    let app = open_demo(160);
    insta::assert_snapshot!("demo_160x48", screen(&app, 160, 48));
    let mut app = playing(160);
    app.type_keys("zi").unwrap();
    insta::assert_snapshot!("playing_zoomed_160x48", screen(&app, 160, 48));
}

#[test]
fn a_key_shows_in_the_next_frame() {
    let mut app = open_demo(80);
    let before = screen(&app, 80, 24);
    app.type_keys("+").unwrap();
    let after = screen(&app, 80, 24);
    assert_ne!(before, after);
    assert!(after.contains("+1.0"), "{after}");
    assert!(after.contains("demo.ron [+]"));
}

#[test]
fn without_colour_everything_is_still_told_apart() {
    let mut app = playing(80);
    app.type_keys("v2l").unwrap();
    let t = render(&app, 80, 24, Theme::new(Palette::Mono));
    let buf = t.backend().buffer();
    let mut reversed = 0;
    for cell in buf.content() {
        assert_eq!(
            (cell.fg, cell.bg),
            (Color::Reset, Color::Reset),
            "NO_COLOR: no colour at all"
        );
        if cell.modifier.contains(ratatui::style::Modifier::REVERSED) {
            reversed += 1;
        }
    }
    assert!(
        reversed > 20,
        "clips, selection and the selected strip stand out in reverse"
    );
    let t = render(&app, 80, 24, Theme::new(Palette::TrueColor));
    assert!(t
        .backend()
        .buffer()
        .content()
        .iter()
        .any(|c| matches!(c.bg, Color::Rgb(..))));
    let t = render(&app, 80, 24, Theme::new(Palette::Ansi16));
    assert!(!t.backend().buffer().content().iter().any(|c| matches!(
        c.fg,
        Color::Rgb(..) | Color::Indexed(_)
    ) || matches!(
        c.bg,
        Color::Rgb(..) | Color::Indexed(_)
    )));
}

#[test]
fn tiny_and_huge_screens_do_not_break() {
    let mut app = playing(20);
    let sizes = [
        (1, 1),
        (2, 30),
        (5, 40),
        (10, 3),
        (13, 24),
        (20, 8),
        (40, 12),
        (300, 100),
    ];
    for keys in [
        "<esc>",
        "g",
        ":help<cr>",
        "q:set f<tab><tab>",
        "<esc>ss",
        "gp",
    ] {
        app.type_keys(keys).unwrap();
        for (w, h) in sizes {
            app.desk.view.columns = ui::layout::timeline_columns(w);
            let _ = render(&app, w, h, Theme::new(Palette::Ansi16));
        }
    }
}

// ---- the real program in a real terminal ----

fn copy_demo(to: &Path) -> PathBuf {
    let session = to.join("demo.ron");
    std::fs::copy(demo_dir().join("demo.ron"), &session).unwrap();
    std::os::unix::fs::symlink(demo_dir().join("media"), to.join("media")).unwrap();
    session
}

#[test]
fn the_program_opens_edits_saves_and_quits_in_a_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let session = copy_demo(dir.path());
    let exit = dir.path().join("exit");
    let stats = dir.path().join("stats");
    let env = format!("DUBSTAGE_STATS={} TERM=xterm-256color", stats.display());
    let command = format!(
        "{}; echo $? > {}",
        console_command(dir.path(), &session, &env),
        exit.display()
    );
    let tmux = Tmux::start("test", 100, 30, &command);
    tmux.wait_for("the first frame", &|s| {
        s.contains("NORMAL") && s.contains("Anna")
    });
    // Ben, three dB up, two seconds on; then save and quit.
    tmux.keys(&["j", "3", "+", "2", "l"]);
    let s = tmux.wait_for("the fader to move", &|s| s.contains("Ben fader +3.0 dB"));
    assert!(s.contains("01:00:02:00"), "{s}");
    assert!(s.contains("demo.ron [+]"), "{s}");
    tmux.keys(&[":q", "Enter"]);
    tmux.wait_for(":q to refuse", &|s| s.contains("unsaved edits"));
    tmux.keys(&[":w", "Enter"]);
    tmux.wait_for("the save", &|s| s.contains("written"));
    tmux.keys(&[":q", "Enter"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !exit.exists() {
        assert!(
            Instant::now() < deadline,
            "the program did not quit:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(std::fs::read_to_string(&exit).unwrap().trim(), "0");
    let saved = dubstage::model::file::load(&session).unwrap().session;
    assert_eq!(saved.tracks[1].name, "Ben");
    assert_eq!(saved.tracks[1].fader_db, 3.0);
    assert_eq!(saved.tracks[0].fader_db, 0.0);
    assert!(dir.path().join("demo.ron.bak").exists());
    // Idle, the console draws only when something changed: one frame per
    // key here, a few for the waveforms arriving, none for a clock ticking.
    let stats = std::fs::read_to_string(&stats).unwrap();
    let frames: u64 = stats
        .lines()
        .find_map(|l| l.strip_prefix("frames "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stats}"));
    assert!((5..=60).contains(&frames), "{frames} frames:\n{stats}");
}

#[test]
fn a_hangup_saves_the_unsaved_work_to_the_recovery_file() {
    let dir = tempfile::tempdir().unwrap();
    let session = copy_demo(dir.path());
    let tmux = Tmux::start("hup", 80, 24, &console_command(dir.path(), &session, ""));
    tmux.wait_for("the first frame", &|s| s.contains("NORMAL"));
    tmux.keys(&["i"]);
    tmux.wait_for("the marker", &|s| s.contains("Marker 4"));
    // Closing the pane hangs up the program, as an SSH drop does.
    tmux.run(&["kill-pane", "-t", "console"]);
    let recovery = dubstage::model::file::recovery_path(&session);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !recovery.exists() {
        assert!(Instant::now() < deadline, "no recovery file after SIGHUP");
        std::thread::sleep(Duration::from_millis(50));
    }
    let recovered = dubstage::model::file::load(&recovery).unwrap().session;
    assert_eq!(recovered.markers.len(), 4);
    assert_eq!(
        dubstage::model::file::load(&session)
            .unwrap()
            .session
            .markers
            .len(),
        3,
        "the session itself is untouched"
    );
}

#[test]
fn bounce_the_selection_and_open_another_session() {
    let mut app = open_demo(80);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("stems");
    app.type_keys(&format!("v2l:bounce {}<cr>", dir.display()))
        .unwrap();
    assert!(app.desk.bouncing());
    app.desk.finish_bounce(Duration::from_secs(60));
    assert!(!app.desk.bouncing());
    let said = app.desk.message.clone().unwrap();
    assert!(
        !said.error && said.text.contains("bounced"),
        "{}",
        said.text
    );
    let pm = hound::WavReader::open(dir.join("PM.wav")).unwrap();
    assert_eq!(pm.duration(), 2 * 48_000, "the selection, two seconds");

    // :e refuses to drop edits; :e! does; the new session replaces the old.
    let other = out.path().join("other.ron");
    std::fs::write(
        &other,
        "(format_version: 1, name: \"Other\", sample_rate: 48000, timecode: (rate: \"24\"))",
    )
    .unwrap();
    app.type_keys(&format!("+:e {}<cr>", other.display()))
        .unwrap();
    assert!(message(&app).contains("unsaved edits"));
    assert_eq!(app.desk.session.tracks.len(), 7);
    app.type_keys(&format!(":e! {}<cr>", other.display()))
        .unwrap();
    assert_eq!(app.desk.session.name, "Other");
    assert!(!app.desk.modified());
    app.type_keys("u").unwrap();
    assert!(message(&app).contains("nothing to undo"));
    let s = screen(&app, 80, 24);
    assert!(s.contains("other.ron") && s.contains("24fps"), "{s}");
    app.type_keys(":e nowhere.ron<cr>").unwrap();
    assert!(app.desk.message.as_ref().unwrap().error);
    assert_eq!(
        app.desk.session.name, "Other",
        "a failed :e keeps the session"
    );
}

#[test]
fn deliver_stereo_downmix_versions_of_the_selection() {
    // The demo remixed in 5.1 (its pans carry over).
    let path = private_demo();
    let mut loaded = dubstage::model::file::load(&path).unwrap().session;
    loaded.stems.layout = dubstage::model::Layout::FivePointOne;
    dubstage::model::file::save(&loaded, &path).unwrap();
    let options = OpenOptions {
        engine: None,
        overviews: false,
    };
    let mut app = App::with_defaults(Desk::open(&path, &options).unwrap());
    app.type_keys(":deliver<cr>").unwrap();
    assert!(
        message(&app).contains(":deliver DIR PROFILE"),
        "{}",
        message(&app)
    );
    app.type_keys(":deliver out bbc<cr>").unwrap();
    assert!(
        message(&app).contains("\"bbc\"") && message(&app).contains("stereo-ltrt"),
        "{}",
        message(&app)
    );
    assert!(!app.desk.bouncing());

    let out = tempfile::tempdir().unwrap();
    app.type_keys(&format!(
        "v2l:deliver {} stereo-loro stereo-ltrt<cr>",
        out.path().display()
    ))
    .unwrap();
    assert!(app.desk.bouncing());
    app.desk.finish_bounce(Duration::from_secs(120));
    let said = message(&app).to_string();
    assert!(
        said.contains("delivered stereo-loro") && said.contains("stereo-ltrt"),
        "{said}"
    );
    for version in ["stereo-loro", "stereo-ltrt"] {
        let pm = hound::WavReader::open(out.path().join(version).join("PM.wav")).unwrap();
        assert_eq!(pm.spec().channels, 2, "{version}");
        assert_eq!(pm.duration(), 2 * 48_000, "{version}: the selection");
        let qc = std::fs::read_to_string(out.path().join(version).join("qc.txt")).unwrap();
        assert!(qc.contains("downmix "), "{qc}");
    }
}
