//! The console driven by keys, without a terminal or audio: the App on the
//! demo session (no media, no engine), typed at as a user would.

use std::path::Path;

use dubstage::app::{App, Mode};
use dubstage::command::desk::Desk;
use dubstage::command::strip::StripId;
use dubstage::keymap::Keymap;
use dubstage::model::file;

/// The demo session in a fresh folder, opened with no media and no engine.
fn app_in(dir: &Path) -> App {
    let path = dir.join("demo.ron");
    std::fs::write(&path, dubstage::demo::SESSION).unwrap();
    let loaded = file::load(&path).unwrap();
    App::with_defaults(Desk::new(loaded.session, path))
}

fn demo() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let app = app_in(dir.path());
    (dir, app)
}

fn keys(app: &mut App, k: &str) {
    app.type_keys(k).unwrap();
}

fn fader(app: &App, name: &str) -> f32 {
    let s = &app.desk.session;
    StripId::all(s)
        .into_iter()
        .find(|st| st.name(s) == name)
        .and_then(|st| st.fader(s))
        .unwrap()
}

fn message(app: &App) -> String {
    app.desk
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

const SECOND: u64 = 48_000;

#[test]
fn counts_scale_motions() {
    let (_d, mut app) = demo();
    keys(&mut app, "3<right>");
    assert_eq!(app.desk.playhead(), 3 * SECOND);
    keys(&mut app, "l");
    assert_eq!(app.desk.playhead(), 4 * SECOND);
    keys(&mut app, "2h");
    assert_eq!(app.desk.playhead(), 2 * SECOND);
    keys(&mut app, "10l");
    assert_eq!(
        app.desk.playhead(),
        12 * SECOND,
        "0 after a digit is part of the count"
    );
    keys(&mut app, "0");
    assert_eq!(app.desk.playhead(), 0, "0 alone goes to the start");
    keys(&mut app, "G");
    assert_eq!(app.desk.playhead(), 45 * SECOND);
    keys(&mut app, "gg]m");
    assert_eq!(app.desk.playhead(), 720_000, "first marker: Music in");
    keys(&mut app, "2]m");
    assert_eq!(app.desk.playhead(), 1_612_800, "two markers on: Door slam");
    keys(&mut app, "[m");
    assert_eq!(app.desk.playhead(), 988_800);
    // Clip motions on the selected track (Anna).
    keys(&mut app, "ggw");
    assert_eq!(app.desk.playhead(), 96_000);
    keys(&mut app, "2w");
    assert_eq!(app.desk.playhead(), 768_000);
    keys(&mut app, "b");
    assert_eq!(app.desk.playhead(), 412_800);
    keys(&mut app, "e");
    assert_eq!(app.desk.playhead(), 412_800 + 120_000);
}

#[test]
fn count_and_fader_repeat_undo_redo() {
    let (_d, mut app) = demo();
    keys(&mut app, "j");
    assert_eq!(app.strip(), StripId::Track(1));
    keys(&mut app, "3+");
    assert_eq!(fader(&app, "Ben"), 3.0);
    assert!(
        message(&app).contains("Ben fader +3.0 dB"),
        "{}",
        message(&app)
    );
    keys(&mut app, "2-");
    assert_eq!(fader(&app, "Ben"), 1.0);
    keys(&mut app, ".");
    assert_eq!(fader(&app, "Ben"), -1.0, ". repeats with the same count");
    keys(&mut app, "4.");
    assert_eq!(fader(&app, "Ben"), -5.0, "a new count replaces it");
    keys(&mut app, "u");
    assert_eq!(fader(&app, "Ben"), -1.0);
    keys(&mut app, "2u");
    assert_eq!(fader(&app, "Ben"), 3.0);
    keys(&mut app, "<C-r>");
    assert_eq!(fader(&app, "Ben"), 1.0);
    keys(&mut app, "3u");
    assert_eq!(fader(&app, "Ben"), 0.0);
    assert!(!app.desk.modified(), "all undone");
    keys(&mut app, "u");
    assert!(message(&app).contains("nothing to undo"));
    // Pan, mute, solo on the selected track; unity.
    keys(&mut app, "3<lt>MS");
    let ben = &app.desk.session.tracks[1];
    assert_eq!((ben.pan, ben.mute), (-0.3, true));
    assert!(app.desk.solo[1]);
    keys(&mut app, "u");
    assert!(!app.desk.solo[1], "solo is undoable");
    keys(&mut app, "|");
    assert_eq!(app.desk.session.tracks[1].pan, 0.0);
    keys(&mut app, ":fader -inf<cr>");
    assert_eq!(fader(&app, "Ben"), -96.0);
    keys(&mut app, "U");
    assert_eq!(fader(&app, "Ben"), 0.0);
}

#[test]
fn strips_without_a_control_say_so() {
    let (_d, mut app) = demo();
    keys(&mut app, ":strip ME<cr>+");
    assert!(message(&app).contains("no fader"), "{}", message(&app));
    keys(&mut app, "S");
    assert!(message(&app).contains("solo is on tracks"));
    keys(&mut app, "j+");
    assert_eq!(app.strip(), StripId::Printmaster);
    assert_eq!(fader(&app, "PM"), 1.0);
    keys(&mut app, "gd2-");
    assert_eq!(fader(&app, "DX"), -2.0);
    keys(&mut app, "100j");
    assert_eq!(
        app.strip(),
        StripId::Printmaster,
        "counts stop at the last strip"
    );
}

#[test]
fn write_and_quit() {
    let (dir, mut app) = demo();
    keys(&mut app, "j2+");
    keys(&mut app, ":q<cr>");
    assert!(!app.quit, ":q refuses to lose unsaved work");
    assert!(message(&app).contains("unsaved"));
    keys(&mut app, ":w<cr>");
    assert!(!app.desk.modified());
    let saved = file::load(&dir.path().join("demo.ron")).unwrap();
    assert_eq!(saved.session.tracks[1].fader_db, 2.0);
    assert!(dir.path().join("demo.ron.bak").exists());
    keys(&mut app, ":q<cr>");
    assert!(app.quit);

    let (_d, mut app) = demo();
    keys(&mut app, "+:q!<cr>");
    assert!(app.quit, ":q! drops the edits");

    let (dir, mut app) = demo();
    keys(&mut app, "iZZ");
    assert!(app.quit);
    assert_eq!(
        file::load(&dir.path().join("demo.ron"))
            .unwrap()
            .session
            .markers
            .len(),
        4
    );
}

#[test]
fn markers_marks_and_goto() {
    let (_d, mut app) = demo();
    keys(&mut app, ":goto 01:00:05:00<cr>");
    assert_eq!(app.desk.playhead(), 5 * SECOND);
    keys(&mut app, ":marker-add Anna in<cr>");
    assert!(app
        .desk
        .session
        .markers
        .iter()
        .any(|m| m.name == "Anna in" && m.position == 5 * SECOND));
    keys(&mut app, "ma:goto door slam<cr>");
    assert_eq!(app.desk.playhead(), 1_612_800);
    keys(&mut app, "'a");
    assert_eq!(app.desk.playhead(), 5 * SECOND);
    keys(&mut app, "X");
    assert_eq!(app.desk.session.markers.len(), 3);
    keys(&mut app, "u");
    assert_eq!(app.desk.session.markers.len(), 4);
    keys(&mut app, "'z");
    assert!(message(&app).contains("mark z is not set"));
    keys(&mut app, ":goto 00:59:00:00<cr>");
    assert!(app.desk.message.as_ref().unwrap().error);
    keys(&mut app, ":goto 10s<cr>");
    assert_eq!(app.desk.playhead(), 10 * SECOND);
}

#[test]
fn macros_record_and_play_with_counts() {
    let (_d, mut app) = demo();
    keys(&mut app, "qa2+jq");
    assert!(app.recording.is_none());
    assert_eq!(fader(&app, "Anna"), 2.0);
    assert_eq!(app.strip(), StripId::Track(1));
    keys(&mut app, "3@a");
    for name in ["Ben", "ADR", "Fill"] {
        assert_eq!(fader(&app, name), 2.0, "{name}");
    }
    assert_eq!(app.strip(), StripId::Track(4));
    keys(&mut app, "@@");
    assert_eq!(fader(&app, "Door"), 2.0, "@@ plays the last macro again");
    // A macro that calls itself stops, and says so.
    keys(&mut app, "qbj@bq");
    keys(&mut app, "gg@b");
    assert!(message(&app).contains("too deeply"), "{}", message(&app));
    // @: runs the last command line again.
    let (_d, mut app) = demo();
    keys(&mut app, ":fader-up 1.5<cr>2@:");
    assert_eq!(fader(&app, "Anna"), 4.5);
}

#[test]
fn registers_yank_and_put_strip_settings_and_spans() {
    let (_d, mut app) = demo();
    keys(&mut app, ":strip Feet<cr>yy");
    keys(&mut app, ":strip Anna<cr>\"byy");
    keys(&mut app, "jp");
    let ben = app.desk.session.tracks[1].clone();
    assert_eq!(
        (ben.fader_db, ben.pan),
        (0.0, 0.0),
        "\"\" holds Anna's, the last yank"
    );
    keys(&mut app, ":strip Door<cr>p");
    let door = &app.desk.session.tracks[4];
    assert_eq!((door.fader_db, door.pan), (0.0, 0.0));
    keys(&mut app, "u");
    assert_eq!(app.desk.session.tracks[4].pan, -0.4, "a put is undoable");
    keys(&mut app, "gg");
    keys(&mut app, ":strip Feet<cr>\"ayy:strip Ben<cr>\"ap");
    assert_eq!(app.desk.session.tracks[1].fader_db, -3.0);
    assert_eq!(app.desk.session.tracks[1].pan, 0.3);
    // Visual: select 3 s and yank the span; put it back as the selection.
    keys(&mut app, "ggv3ly");
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.desk.selection, Some((0, 3 * SECOND)));
    keys(&mut app, "<esc>");
    assert_eq!(app.desk.selection, None);
    keys(&mut app, "p");
    assert_eq!(app.desk.selection, Some((0, 3 * SECOND)));
    keys(&mut app, ":registers<cr>");
    let lines = app.overlay.as_ref().unwrap().lines.join("\n");
    assert!(
        lines.contains("\"a  strip  Feet") && lines.contains("span"),
        "{lines}"
    );
}

#[test]
fn visual_selection_follows_motions_and_loops() {
    let (_d, mut app) = demo();
    keys(&mut app, "5lv");
    assert_eq!(app.mode, Mode::Visual);
    keys(&mut app, "2l");
    assert_eq!(app.desk.selection, Some((5 * SECOND, 7 * SECOND)));
    keys(&mut app, "4h");
    assert_eq!(app.desk.selection, Some((3 * SECOND, 5 * SECOND)));
    keys(&mut app, "L");
    assert_eq!(app.desk.loop_range, Some((3 * SECOND, 5 * SECOND)));
    keys(&mut app, "<esc>");
    assert_eq!(app.mode, Mode::Normal);
    keys(&mut app, ":set loop?<cr>");
    assert_eq!(message(&app), "loop");
    keys(&mut app, ":set noloop<cr>");
    assert_eq!(app.desk.loop_range, None);
}

#[test]
fn the_engine_less_transport_plays_stops_and_loops() {
    let (_d, mut app) = demo();
    keys(&mut app, "<space>");
    assert!(app.desk.rolling());
    app.desk.advance(SECOND / 2);
    assert_eq!(app.desk.playhead(), SECOND / 2);
    keys(&mut app, "<space>");
    assert!(!app.desk.rolling());
    keys(&mut app, "v2lL<esc><space>");
    app.desk.advance(3 * SECOND);
    assert_eq!(
        app.desk.playhead(),
        SECOND / 2 + SECOND,
        "wrapped in the 2 s loop"
    );
}

#[test]
fn pending_keys_which_key_and_mistakes() {
    let (_d, mut app) = demo();
    keys(&mut app, "2g");
    assert_eq!(app.pending_text(), "2g");
    let node = app.which_key().expect("which-key shows after g");
    assert_eq!(node.label, "go to");
    keys(&mut app, "<esc>");
    assert_eq!(app.pending_text(), "");
    assert!(app.which_key().is_none());
    keys(&mut app, "gx");
    assert!(
        message(&app).contains("gx is not mapped"),
        "{}",
        message(&app)
    );
    assert!(app.desk.message.as_ref().unwrap().error);
    keys(&mut app, "m");
    assert!(app.awaiting().is_some());
    keys(&mut app, "<esc>");
    assert!(app.awaiting().is_none());
    keys(&mut app, ":frobnicate<cr>");
    assert!(message(&app).contains("not a command: frobnicate"));
    keys(&mut app, ":fader loud<cr>");
    assert!(message(&app).contains("\"loud\" is not a number"));
}

#[test]
fn the_command_line_completes_and_remembers() {
    let (_d, mut app) = demo();
    keys(&mut app, ":fader<tab>");
    assert_eq!(app.mode, Mode::Command);
    assert_eq!(app.line.text, "fader");
    keys(&mut app, "<tab>");
    assert_eq!(app.line.text, "fader-down");
    keys(&mut app, "<C-u>set ret<tab>");
    assert_eq!(app.line.text, "set return-to-start");
    keys(&mut app, "<cr>");
    assert!(app.desk.session.audio.return_to_start);
    keys(&mut app, ":goto do<tab>");
    assert_eq!(app.line.text, "goto Door slam");
    keys(&mut app, "<esc>:set<up>");
    assert_eq!(app.line.text, "set return-to-start");
    keys(&mut app, "<cr>u");
    assert!(
        !app.desk.session.audio.return_to_start,
        ":set of a saved option is undoable"
    );
}

#[test]
fn help_lists_every_command_with_its_keys() {
    let (_d, mut app) = demo();
    keys(&mut app, ":help<cr>");
    let o = app.overlay.clone().unwrap();
    for c in dubstage::command::commands() {
        assert!(
            o.lines
                .iter()
                .any(|l| l.starts_with(&format!(":{} ", c.name))
                    || l.starts_with(&format!(":{}", c.name))),
            "{}",
            c.name
        );
    }
    assert!(o
        .lines
        .iter()
        .any(|l| l.starts_with(":undo") && l.contains(" u ")));
    keys(&mut app, "jjq");
    assert!(app.overlay.is_none());
    keys(&mut app, ":help fader-up<cr>");
    assert!(
        message(&app).contains("Raise the selected strip's fader") && message(&app).contains('+')
    );
}

#[test]
fn recovery_files_are_offered_and_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_in(dir.path());
    keys(&mut app, "5+");
    let written = app
        .desk
        .save_recovery()
        .unwrap()
        .expect("unsaved work is written");
    assert_eq!(written, dir.path().join(".demo.ron.recover"));
    assert_eq!(
        app.desk.save_recovery().unwrap(),
        None,
        "only once per change"
    );
    // Opened again: the recovery file is newer than the session.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let path = dir.path().join("demo.ron");
    let fresh = file::load(&path).unwrap();
    assert_eq!(file::newer_recovery(&path), Some(written.clone()));
    let mut again = App::with_defaults(Desk::new(fresh.session, path.clone()));
    again.desk.recovery = file::newer_recovery(&path);
    keys(&mut again, ":recover<cr>");
    assert_eq!(fader(&again, "Anna"), 5.0);
    assert!(again.desk.modified());
    keys(&mut again, ":w<cr>");
    assert!(!written.exists(), "a save makes the recovery file obsolete");
    assert_eq!(file::load(&path).unwrap().session.tracks[0].fader_db, 5.0);
}

#[test]
fn user_keymaps_merge_over_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("keymap.ron");
    std::fs::write(
        &user,
        "(normal: { \"<up>\": \"fader-up 0.5\", \"x\": \"nop\", \"gz\": \"zoom-fit\" })",
    )
    .unwrap();
    let (map, problems) = Keymap::load(Some(&user), &dubstage::command::registry::exists);
    assert!(problems.is_empty(), "{problems:?}");
    let mut app = App::new(
        Desk::new(
            file::parse(dubstage::demo::SESSION, Path::new("d.ron"))
                .unwrap()
                .session,
            // In the test's own folder: the edit journal is written beside it.
            dir.path().join("d.ron"),
        ),
        map,
        problems,
    );
    keys(&mut app, "<up>");
    assert_eq!(fader(&app, "Anna"), 0.5);
    keys(&mut app, "gg");
    assert_eq!(app.desk.playhead(), 0, "the rest of g's group stays");
    keys(&mut app, "ix");
    assert!(message(&app).contains("x is not mapped"));
}

/// Thousands of keys typed at random never panic the App or the screen.
#[test]
fn random_keys_never_panic() {
    use dubstage::ui::{self, Palette, Theme};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    let normal = [
        "h",
        "l",
        "j",
        "k",
        "+",
        "-",
        "<lt>",
        ">",
        "|",
        "M",
        "S",
        "u",
        "<C-r>",
        ".",
        "v",
        "y",
        "p",
        "\"",
        "a",
        "b",
        "q",
        "@",
        "m",
        "'",
        "x",
        "i",
        "G",
        "g",
        "z",
        "o",
        "f",
        "0",
        "5",
        "9",
        ":",
        "<esc>",
        "]",
        "[",
        "L",
        "U",
        "K",
        "J",
        "?",
        "<space>",
        "<pagedown>",
        "<home>",
        "<F1>",
        "<C-l>",
        "Q",
        "<tab>",
        "<cr>",
        "w",
        "e",
        "1",
        "2",
    ];
    let command = [
        "fader ",
        "set ",
        "goto ",
        "strip ",
        "help",
        "marker-add x",
        "pan ",
        "mute",
        "solo",
        "zoom-in",
        "1",
        "-",
        "3s",
        "L4",
        "follow!",
        "nofollow",
        "<tab>",
        "<bs>",
        "<up>",
        "<down>",
        "<left>",
        "<C-w>",
        "<C-u>",
        "<cr>",
        "<esc>",
        "registers",
        "undo",
        "loop",
        "q",
    ];
    let (_d, mut app) = demo();
    let mut seed = 0x2545_f491_u64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for i in 0..4000 {
        let k = if app.mode == dubstage::app::Mode::Command {
            command[next(command.len())]
        } else {
            normal[next(normal.len())]
        };
        app.type_keys(k).unwrap();
        if i % 16 == 0 {
            app.desk.advance(4800);
        }
        if i % 100 == 0 {
            for (w, h) in [(80, 24), (30, 10)] {
                let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
                t.draw(|f| ui::draw(f, &app, &Theme::new(Palette::Ansi16)))
                    .unwrap();
            }
        }
    }
}

#[test]
fn colon_reaches_the_command_line_from_every_state() {
    // Help open, a sequence pending, a letter awaited, a count and a
    // register typed: `:q!` quits from each (tests/quit.rs does the same
    // with the real program in tmux).
    for before in ["?", "g", "m", "3", "\"a", "v", "qa"] {
        let (_d, mut app) = demo();
        keys(&mut app, "i");
        keys(&mut app, before);
        keys(&mut app, ":q!<cr>");
        assert!(app.quit, "after {before:?}");
    }
    // `@:` still replays the last command line.
    let (_d, mut app) = demo();
    keys(&mut app, ":goto 2s<cr>0");
    assert_eq!(app.desk.playhead(), 0);
    keys(&mut app, "@:");
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.desk.playhead(), 2 * 48_000, "@: ran :goto 2s again");
    // Esc and `:` read together are Alt-: (unmapped): taken as both keys.
    for before in ["i", "v", ":wrong"] {
        let (_d, mut app) = demo();
        keys(&mut app, before);
        keys(&mut app, "<A-:>q!<cr>");
        assert!(app.quit, "Esc :q! after {before:?}");
    }
}
