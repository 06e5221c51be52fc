//! AAF import speed: a 2-hour, 40-track cut of 5,000 clips (with 2,480
//! crossfades and 2,520 clip gains) written once by pyaaf2
//! (`tests/import/aaf/make_aaf.py --big`, into target/bench-media/aaf),
//! read into the neutral cut and built into a session, media lookup
//! included. The goal is under 2 s.
//!
//! Run: `cargo bench --bench import_aaf` (needs python3 with pyaaf2, as
//! .ci/run installs).

use std::path::{Path, PathBuf};
use std::time::Instant;

mod support;

use support::cpu_seconds;

use dubstage::import::{self, BuildOptions};

fn big_aaf() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-media/aaf");
    let cut = dir.join("big.aaf");
    if !cut.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import/aaf/make_aaf.py");
        eprintln!(
            "writing {} with pyaaf2 (once; about a minute)",
            cut.display()
        );
        let status = std::process::Command::new("python3")
            .arg(script)
            .arg(&dir)
            .arg("--big")
            .status()
            .expect("python3 with pyaaf2");
        assert!(status.success(), "make_aaf.py --big failed");
    }
    cut
}

fn main() {
    let cut = big_aaf();
    let dir = cut.parent().unwrap().to_path_buf();
    let mut best = f64::MAX;
    for round in 0..3 {
        let (started, cpu) = (Instant::now(), cpu_seconds("self"));
        let media = vec![dir.join("media")];
        let parsed = import::read_cut(&cut, None, &media).expect("read");
        let read = started.elapsed().as_secs_f64();
        let (session, report) = import::build(
            &parsed,
            &BuildOptions {
                cut_path: cut.clone(),
                media,
                start: None,
                session_dir: dir.clone(),
                video_track: false,
            },
        )
        .expect("build");
        let wall = started.elapsed().as_secs_f64();
        let clips: usize = session.tracks.iter().map(|t| t.clips.len()).sum();
        assert_eq!((session.tracks.len(), clips), (40, 5000));
        assert!(
            report.offline.is_empty() && report.disagreements.is_empty(),
            "{report}"
        );
        println!(
            "round {round}: {clips} clips on {} tracks in {wall:.3} s ({read:.3} s reading the AAF), {:.3} CPU s",
            session.tracks.len(),
            cpu_seconds("self") - cpu
        );
        best = best.min(wall);
    }
    println!(
        "best: {best:.3} s for a 2-hour, 40-track, 5,000-clip AAF (goal: under 2 s): {}",
        if best < 2.0 { "met" } else { "NOT met" }
    );
}
