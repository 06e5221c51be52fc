//! The command line end to end: the real binary on real files.

mod common;

use std::path::Path;

use clap::CommandFactory;
use common::*;

#[test]
fn the_demo_writes_its_scene_and_bounces() {
    let dir = tempfile::tempdir().unwrap();
    let out = dubstage(&["demo", "scene"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let session = dir.path().join("scene").join("demo.ron");
    assert!(session.exists());

    let out = dubstage(&["check", "scene/demo.ron"], dir.path());
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("anna"), "{}", text(&out.stdout));

    let out = dubstage(
        &[
            "bounce",
            "scene/demo.ron",
            "-o",
            "stems",
            "--range",
            "01:00:00:00..01:00:05:00",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(
        summary.contains("01:00:00:00") && summary.contains("PM"),
        "{summary}"
    );
    for name in ["DX", "MX", "FX", "ME", "PM"] {
        let (spec, samples) = read_wav(&dir.path().join("stems").join(format!("{name}.wav")));
        assert_eq!(
            (spec.channels, spec.sample_rate, spec.bits_per_sample),
            (2, 48_000, 24)
        );
        assert_eq!(
            samples[0].len(),
            5 * 48_000,
            "{name}: 5 s at 25 fps timecode"
        );
    }
    assert!(dir.path().join("stems").join("summary.txt").exists());

    // Writing the demo again keeps the (possibly edited) session file.
    std::fs::write(
        &session,
        std::fs::read_to_string(&session)
            .unwrap()
            .replace("Reel", "Edited reel"),
    )
    .unwrap();
    let out = dubstage(&["demo", "scene"], dir.path());
    assert!(out.status.success());
    assert!(std::fs::read_to_string(&session)
        .unwrap()
        .contains("Edited reel"));
}

#[test]
fn a_broken_session_is_reported_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.ron"),
        "(\n    format_version: 1,\n    sample_rate: 48000,\n    timecode: (rate: \"25\"),\n    tracks: [(name: \"A\", output: Stem(DX), clips: [(source: \"x\", position: 0, length: 10)])],\n)\n",
    )
    .unwrap();
    for args in [
        &["check", "bad.ron"][..],
        &["bounce", "bad.ron", "-o", "out"][..],
    ] {
        let out = dubstage(args, dir.path());
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(
            err.contains("bad.ron:5:") && err.contains("tracks[0].clips[0].source"),
            "{err}"
        );
        assert!(
            !dir.path().join("out").exists(),
            "nothing is written for a broken session"
        );
    }
}

#[test]
fn missing_media_are_listed_and_the_bounce_still_runs() {
    let dir = tempfile::tempdir().unwrap();
    write_wav24(&dir.path().join("here.wav"), 48_000, &[signal(4800, 1)]);
    std::fs::write(
        dir.path().join("s.ron"),
        r#"(format_version: 1, sample_rate: 48000, timecode: (rate: "24"),
            sources: [(id: "gone", path: "lost/boom.wav"), (id: "here", path: "here.wav"), (id: "gone2", path: "lost/lav.wav")],
            tracks: [(name: "A", output: Stem(DX), clips: [
                (source: "gone", position: 0, length: 4800),
                (source: "here", position: 0, length: 4800),
                (source: "gone2", position: 0, length: 4800)])])"#,
    )
    .unwrap();
    let out = dubstage(&["bounce", "s.ron", "-o", "out"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("2 source(s) offline") && err.contains("boom.wav") && err.contains("lav.wav"),
        "{err}"
    );
    let check = dubstage(&["check", "s.ron"], dir.path());
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("OFFLINE"));
}

#[test]
fn bad_arguments_are_refused_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dubstage(&["bounce", "x.ron"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let out = dubstage(
        &["bounce", "x.ron", "-o", "o", "--format", "mp3"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_bad_range_names_the_option() {
    let dir = tempfile::tempdir().unwrap();
    write_wav24(&dir.path().join("a.wav"), 48_000, &[signal(4800, 1)]);
    std::fs::write(
        dir.path().join("s.ron"),
        r#"(format_version: 1, sample_rate: 48000, timecode: (rate: "24"), sources: [(id: "a", path: "a.wav")],
            tracks: [(name: "A", output: Stem(DX), clips: [(source: "a", position: 0, length: 4800)])])"#,
    )
    .unwrap();
    let out = dubstage(
        &[
            "bounce",
            "s.ron",
            "-o",
            "out",
            "--range",
            "01:00:02:00..01:00:01:00",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--range"),
        "{}",
        text(&out.stderr)
    );
}

/// The man page documents every subcommand and option the program has.
#[test]
fn the_man_page_keeps_up_with_the_command_line() {
    let man = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("man")
            .join("dubstage.1"),
    )
    .unwrap();
    let cli = dubstage::cli::Cli::command();
    for sub in cli.get_subcommands() {
        let name = sub.get_name();
        assert!(
            man.contains(&format!(".B {name} ")) || man.contains(&format!(".B {name}\n")),
            "COMMANDS lacks {name}"
        );
        assert!(
            man.contains(&format!(".B dubstage {name}")),
            "SYNOPSIS lacks {name}"
        );
        for arg in sub.get_arguments() {
            if let Some(long) = arg.get_long() {
                let roff = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(man.contains(&roff), "OPTIONS lacks --{long} of {name}");
            }
        }
    }
}

/// A 1 kHz sine at `dbfs` peak, `seconds` long.
fn sine_1k(seconds: usize, dbfs: f64) -> Vec<f32> {
    let a = 10f64.powf(dbfs / 20.0);
    (0..seconds * 48_000)
        .map(|i| {
            q24((a * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 48_000.0).sin()) as f32)
        })
        .collect()
}

#[test]
fn loudness_measures_files_as_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let tone = sine_1k(10, -23.0);
    write_wav24(
        &dir.path().join("stereo.wav"),
        48_000,
        &[tone.clone(), tone],
    );
    // EBU Tech 3341 case 6 as 5.1: L R at -28, C at -24, LFE silent, Ls Rs at -30 dBFS.
    let (front, centre, surround) = (sine_1k(10, -28.0), sine_1k(10, -24.0), sine_1k(10, -30.0));
    let lfe = sine_1k(10, -6.0); // loud, and not counted
    write_wav24(
        &dir.path().join("surround.wav"),
        48_000,
        &[
            front.clone(),
            front,
            centre,
            lfe,
            surround.clone(),
            surround,
        ],
    );
    let flac = media_dir().join("ref.flac");
    let flac = flac.to_str().unwrap();

    let out = dubstage(
        &["loudness", "stereo.wav", "surround.wav", flac],
        dir.path(),
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("stereo.wav: 2 channel(s), 48000 Hz, 10.000 s"),
        "{stdout}"
    );
    assert!(stdout.contains("surround.wav: 6 channel(s)"), "{stdout}");
    assert!(stdout.contains("integrated       -23.0 LUFS"), "{stdout}");
    assert!(stdout.contains("ref.flac"), "{stdout}");

    let out = dubstage(
        &[
            "loudness",
            "--json",
            "stereo.wav",
            "surround.wav",
            "missing.wav",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a file that cannot be read fails the run"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = json.as_array().unwrap();
    assert_eq!(files.len(), 3);
    for f in &files[..2] {
        let i = f["integrated"].as_f64().unwrap();
        assert!((i + 23.0).abs() <= 0.1, "{f}");
        let tp = f["true_peak"].as_f64().unwrap();
        assert!(
            tp < 0.0 && f["loudness_range"].as_f64().unwrap() < 1.0,
            "{f}"
        );
    }
    assert_eq!(files[1]["channels"], 6);
    assert_eq!(files[1]["true_peak_channels"].as_array().unwrap().len(), 6);
    assert!(files[2]["error"].as_str().unwrap().contains("missing.wav"));
}

/// A report piped into a reader that stops early (`| head -1`) ends the
/// program quietly, as it does any filter, never with a panic.
#[test]
fn a_closed_pipe_ends_a_report_without_a_panic() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let tone = sine_1k(20, -23.0);
    write_wav24(&dir.path().join("tone.wav"), 48_000, &[tone]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_dubstage"))
        .args(["loudness", "tone.wav", "tone.wav", "tone.wav"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reading end closes before the first line is written: measuring
    // 20 s of audio three times takes far longer than this.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGPIPE),
        "ended by SIGPIPE, as a filter is: {:?} {stderr}",
        out.status
    );
}

/// The man page's KEYS and CONSOLE COMMANDS sections are the registry and
/// the built-in keymap written out; `DUBSTAGE_BLESS=1 cargo test --test cli`
/// writes them anew after a change.
#[test]
fn the_man_page_keys_and_commands_match_the_registry() {
    use dubstage::command::manual;
    use dubstage::keymap::Keymap;
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("man")
        .join("dubstage.1");
    let page = std::fs::read_to_string(&path).unwrap();
    let keymap = Keymap::defaults(&dubstage::command::registry::exists);
    let keys = manual::keys_section(&keymap);
    let commands = manual::commands_section(&keymap);
    if std::env::var_os("DUBSTAGE_BLESS").is_some() {
        let page = manual::replace_generated(&page, "KEYS", &keys).unwrap();
        let page = manual::replace_generated(&page, "CONSOLE COMMANDS", &commands).unwrap();
        std::fs::write(&path, page).unwrap();
        return;
    }
    let ours = manual::generated_part(&page, "KEYS").expect("the page marks its KEYS part");
    assert!(
        ours == keys,
        "man/dubstage.1 KEYS differs from keymaps/default.ron; run DUBSTAGE_BLESS=1 cargo test --test cli.\nexpected:\n{keys}"
    );
    let ours = manual::generated_part(&page, "CONSOLE COMMANDS")
        .expect("the page marks its COMMANDS part");
    assert!(
        ours == commands,
        "man/dubstage.1 CONSOLE COMMANDS differs from the registry; run DUBSTAGE_BLESS=1 cargo test --test cli.\nexpected:\n{commands}"
    );
    for c in dubstage::command::commands() {
        assert!(
            page.contains(&format!("\\fB:{}\\fR", c.name.replace('-', "\\-"))),
            "{}",
            c.name
        );
    }
}

/// The console is `dubstage SESSION`; without a terminal it refuses at
/// once rather than waiting, and `demo --write-only` never opens it.
#[test]
fn the_console_needs_a_terminal_and_scripts_never_hang() {
    use clap::Parser;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.ron"),
        r#"(format_version: 1, sample_rate: 48000, timecode: (rate: "25"))"#,
    )
    .unwrap();
    let out = dubstage(&["s.ron"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("needs a terminal"),
        "{}",
        text(&out.stderr)
    );
    let out = dubstage(&[], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let cli =
        dubstage::cli::Cli::try_parse_from(["dubstage", "demo", "d", "--write-only"]).unwrap();
    assert!(matches!(
        cli.command,
        Some(dubstage::cli::Command::Demo {
            write_only: true,
            ..
        })
    ));
    let cli = dubstage::cli::Cli::try_parse_from(["dubstage", "reel.ron", "--no-jack"]).unwrap();
    assert!(cli.command.is_none() && cli.console.no_jack);
}
