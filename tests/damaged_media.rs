//! Damaged and odd media (the corpus of tests/common/damaged.rs) through
//! every entry point that opens media: `dubstage loudness`, `check`,
//! `bounce`, `import`'s probe (BWF/iXML), and a session opened in the
//! console. Each file gives the same outcome everywhere (refused with the
//! same error naming the file, the chunk and the field; or read as far as
//! it goes with a warning), never a panic, never a hang, and never an
//! allocation sized by a number in the file.

mod common;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use common::damaged::{write_corpus, Expect};
use common::tmux::{console_command, Tmux};
use common::{clip, dubstage, session, source, text, track};
use dubstage::media::cache::MediaCache;
use dubstage::model::{StemKind, TrackFormat};

#[global_allocator]
static ALLOCATOR: common::largest::Largest = common::largest::Largest;

/// No corpus file is larger than this; no allocation while reading one
/// may be more than a few times a generous block.
const MAX_ALLOCATION: usize = 16 << 20;
/// How long one file may take through one entry point.
const FILE_WAIT: Duration = Duration::from_secs(20);

/// `f` on its own thread; fails the test when it takes longer than
/// [`FILE_WAIT`] (a hang) or panics.
fn bounded<T: Send + 'static>(what: String, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(FILE_WAIT) {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: no answer in {FILE_WAIT:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: panicked"),
    }
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// What one entry point made of a file: the error, or the warnings.
type Outcome = Result<Vec<String>, String>;

fn assert_expected(entry: &str, path: &Path, expect: Expect, outcome: &Outcome) {
    let file = name(path);
    match (expect, outcome) {
        (Expect::Refused(needle), Err(e)) => assert!(
            e.contains(&file) && e.contains(needle),
            "{entry} {file}: the error should name the file and say {needle:?}: {e}"
        ),
        (Expect::Warned(needle), Ok(w)) => assert!(
            w.iter().any(|w| w.contains(&file) && w.contains(needle)),
            "{entry} {file}: a warning should name the file and say {needle:?}: {w:?}"
        ),
        (Expect::Read, Ok(w)) => assert!(w.is_empty(), "{entry} {file}: warnings {w:?}"),
        (expect, outcome) => panic!("{entry} {file}: expected {expect:?}, got {outcome:?}"),
    }
}

#[test]
fn every_entry_point_reads_or_refuses_each_damaged_file_alike() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = write_corpus(dir.path());
    let cache = MediaCache::new(dir.path().join("cache"));
    common::largest::reset();
    for (path, expect) in &corpus {
        let file = name(path);
        let p = path.clone();
        let loudness: Outcome = bounded(format!("loudness {file}"), move || {
            dubstage::loudness::file::measure_file(&p)
                .map(|m| m.warnings)
                .map_err(|e| e.to_string())
        });
        let (p, c) = (path.clone(), cache.clone());
        let prepared: Outcome = bounded(format!("prepare {file}"), move || {
            c.prepare(&p, 48_000)
                .map(|m| m.warnings)
                .map_err(|e| e.to_string())
        });
        let p = path.clone();
        let import: Outcome = bounded(format!("import probe {file}"), move || {
            dubstage::import::bwf::read(&p)
                .map(|_| Vec::new())
                .map_err(|e| e.to_string())
        });
        assert_expected("loudness", path, *expect, &loudness);
        assert_expected("prepare", path, *expect, &prepared);
        if let Expect::Refused(_) = expect {
            assert_eq!(
                loudness, prepared,
                "{file}: loudness and the media pool say the same"
            );
            assert_eq!(loudness, import, "{file}: and so does import");
        } else {
            assert!(import.is_ok(), "import probe {file}: {import:?}");
        }
    }
    let largest = common::largest::largest();
    assert!(
        largest < MAX_ALLOCATION,
        "an allocation of {largest} bytes while reading the corpus"
    );
}

/// A session with one clip on each corpus file, written next to them.
fn corpus_session(dir: &Path, corpus: &[(PathBuf, Expect)]) -> PathBuf {
    let mut s = session();
    for (i, (path, _)) in corpus.iter().enumerate() {
        let id = format!("s{i}");
        s.sources.push(source(&id, &name(path)));
        s.tracks.push(track(
            &format!("t{i}"),
            TrackFormat::Mono,
            StemKind::FX,
            vec![clip(&id, 0, 4800)],
        ));
    }
    let session = dir.join("corpus.ron");
    dubstage::model::file::save(&s, &session).unwrap();
    session
}

#[test]
fn the_program_reports_each_damaged_file_the_same_way_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = write_corpus(dir.path());
    let files: Vec<String> = corpus.iter().map(|(p, _)| name(p)).collect();
    let mut args = vec!["loudness"];
    args.extend(files.iter().map(String::as_str));
    let out = dubstage(&args, dir.path());
    let loudness = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{loudness}");
    assert!(!loudness.contains("panicked"), "{loudness}");

    let session = corpus_session(dir.path(), &corpus);
    let out = dubstage(&["check", "corpus.ron"], dir.path());
    let (check, check_err) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{check}{check_err}");
    let out = dubstage(&["bounce", "corpus.ron", "-o", "out"], dir.path());
    let bounce = text(&out.stderr);
    assert!(
        out.status.success(),
        "a bounce goes on without them: {bounce}"
    );
    assert!(dir.path().join("out").join("PM.wav").exists());
    for text in [&loudness, &check, &check_err, &bounce] {
        assert!(!text.contains("panicked"), "{text}");
    }

    for (i, (path, expect)) in corpus.iter().enumerate() {
        let file = name(path);
        match expect {
            Expect::Refused(needle) => {
                let line = loudness
                    .lines()
                    .find(|l| l.starts_with(&format!("dubstage: {file}: ")))
                    .unwrap_or_else(|| panic!("loudness says nothing of {file}:\n{loudness}"));
                assert!(line.contains(needle), "{line}");
                let why = line.trim_start_matches("dubstage: ");
                let offline = format!("s{i:<15} OFFLINE: ");
                let listed = check
                    .lines()
                    .find(|l| l.trim_start().starts_with(&offline))
                    .unwrap_or_else(|| panic!("check does not list {file} offline:\n{check}"));
                // The pool names the file by its path in the session folder.
                assert!(
                    listed.ends_with(why.trim_start_matches(&file)) && listed.contains(&file),
                    "check: {listed}\nloudness: {line}"
                );
                assert!(
                    bounce.contains(&format!("s{i} ("))
                        && bounce.contains(why.trim_start_matches(&file)),
                    "bounce does not report {file} offline:\n{bounce}"
                );
            }
            Expect::Warned(needle) => {
                for (entry, text) in [
                    ("loudness", &loudness),
                    ("check", &check_err),
                    ("bounce", &bounce),
                ] {
                    assert!(
                        text.lines().any(|l| l.starts_with("warning: ")
                            && l.contains(&file)
                            && l.contains(needle)),
                        "{entry} does not warn of {file} ({needle}):\n{text}"
                    );
                }
            }
            Expect::Read => {
                assert!(
                    !check.contains(&format!("s{i:<15} OFFLINE")),
                    "{file} is fine:\n{check}"
                );
            }
        }
    }

    // The console: the session opens, the damaged sources' clips offline
    // with a warning, and the program quits as usual.
    let tmux = Tmux::start(
        "damaged",
        80,
        24,
        &format!(
            "{}; echo $? > {}; sleep 30",
            console_command(dir.path(), &session, ""),
            dir.path().join("status").display()
        ),
    );
    let refused = corpus
        .iter()
        .filter(|(_, e)| matches!(e, Expect::Refused(_)))
        .count();
    tmux.wait_for("the first frame", &|s| s.contains("NORMAL"));
    tmux.keys(&[":messages", "Enter"]);
    tmux.wait_for("the offline warning", &|s| {
        s.contains(&format!("{refused} source(s) offline"))
    });
    tmux.keys(&[":q!", "Enter"]);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !dir.path().join("status").exists() {
        assert!(std::time::Instant::now() < deadline, "{}", tmux.screen());
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    let status = std::fs::read_to_string(dir.path().join("status")).unwrap();
    assert_eq!(status.trim(), "0");
}
