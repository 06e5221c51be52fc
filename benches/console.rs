//! Console measurements on the demo scene, in process, through the same
//! code the program runs (keymap, session, media, engine on the silent
//! clock, ratatui over crossterm's escape sequences into a counting sink):
//!
//! * time from start to the first frame (target: under 200 ms);
//! * bytes sent to the terminal per second while playing at 120x40
//!   (target: at most 30 KB/s), frames per second;
//! * time from a key press to its frame on screen.
//!
//! `cargo bench --bench console`; `DUBSTAGE_BENCH_SECONDS=20` plays longer.
//! `tools/measure-console.sh` measures the real program in tmux.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dubstage::app::App;
use dubstage::audio::EngineOptions;
use dubstage::command::desk::{Desk, OpenOptions};
use dubstage::command::registry;
use dubstage::console::{Counting, Pacer};
use dubstage::keymap::{parse_keys, Keymap};
use dubstage::ui::{self, Theme};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

struct Sink;

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn demo() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-demo");
    if !dir.join("media").join("music_cue.wav").exists() {
        eprintln!("writing the demo scene into {}", dir.display());
        dubstage::demo::create(&dir).expect("write the demo");
    }
    dir.join("demo.ron")
}

type Term = Terminal<CrosstermBackend<Counting<Sink>>>;

fn terminal(w: u16, h: u16) -> (Term, Arc<AtomicU64>) {
    let writer = Counting::new(Sink);
    let count = Arc::clone(&writer.count);
    let term = Terminal::with_options(
        CrosstermBackend::new(writer),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )
    .unwrap();
    (term, count)
}

fn open(use_jack: bool, w: u16) -> App {
    let (keymap, _) = Keymap::load(None, &registry::exists);
    let options = OpenOptions {
        engine: Some(EngineOptions {
            client_name: "dubstage-bench".into(),
            use_jack,
        }),
        overviews: true,
    };
    let mut desk = Desk::open(&demo(), &options).unwrap();
    desk.view.columns = ui::layout::timeline_columns(w);
    App::new(desk, keymap, Vec::new())
}

fn first_frame(use_jack: bool) -> Duration {
    let started = Instant::now();
    let app = open(use_jack, 80);
    let (mut term, _) = terminal(80, 24);
    term.draw(|f| ui::draw(f, &app, &Theme::from_env()))
        .unwrap();
    started.elapsed()
}

fn main() {
    let seconds: f64 = std::env::var("DUBSTAGE_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    let _ = demo();
    // Warm the file cache once, as a second start would find it.
    let _ = first_frame(false);
    let mut times: Vec<Duration> = (0..5).map(|_| first_frame(false)).collect();
    times.sort();
    println!(
        "first frame (silent clock, 80x24): median {:.1} ms, worst {:.1} ms (target < 200 ms)",
        times[2].as_secs_f64() * 1e3,
        times[4].as_secs_f64() * 1e3
    );
    let with_jack = first_frame(true);
    println!(
        "first frame trying JACK first (as the program does): {:.1} ms",
        with_jack.as_secs_f64() * 1e3
    );

    // Playing at 120x40 through the busiest part of the scene (dialog,
    // ADR and the music cue): the console's loop without the keyboard.
    for palette in [ui::Palette::Ansi16, ui::Palette::TrueColor] {
        play(palette, seconds);
    }
}

fn play(palette: ui::Palette, seconds: f64) {
    let (w, h) = (120, 40);
    let mut app = open(false, w);
    let theme = Theme::new(palette);
    let (mut term, count) = terminal(w, h);
    app.type_keys(":goto 01:00:14:00<cr>").unwrap();
    term.draw(|f| ui::draw(f, &app, &theme)).unwrap();
    app.handle_key(parse_keys("<space>").unwrap()[0]);
    let mut pacer = Pacer::default();
    let start_bytes = count.load(Ordering::Relaxed);
    let started = Instant::now();
    let mut frames = 0u64;
    let mut key_times = Vec::new();
    let mut next_key = started + Duration::from_millis(500);
    while started.elapsed().as_secs_f64() < seconds {
        let now = Instant::now();
        std::thread::sleep(pacer.wait(&app, now).min(Duration::from_millis(50)));
        let mut key = false;
        if Instant::now() >= next_key {
            // A fader move every half second, timed to its frame.
            let k = Instant::now();
            app.type_keys(if frames.is_multiple_of(2) { "+" } else { "-" })
                .unwrap();
            app.desk.changed = true;
            pacer.due(&app, Instant::now(), true);
            term.draw(|f| ui::draw(f, &app, &theme)).unwrap();
            app.desk.changed = false;
            key_times.push(k.elapsed());
            frames += 1;
            key = true;
            next_key += Duration::from_millis(500);
        }
        let now = Instant::now();
        app.tick(now);
        if !key && pacer.due(&app, now, false) {
            term.draw(|f| ui::draw(f, &app, &theme)).unwrap();
            app.desk.changed = false;
            frames += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let bytes = count.load(Ordering::Relaxed) - start_bytes;
    key_times.sort();
    println!(
        "playing at {w}x{h} ({palette:?}) for {elapsed:.1} s: {:.1} KB/s to the terminal ({bytes} bytes), {:.1} frames/s (target <= 30 KB/s)",
        bytes as f64 / elapsed / 1000.0,
        frames as f64 / elapsed
    );
    if let (Some(median), Some(worst)) = (key_times.get(key_times.len() / 2), key_times.last()) {
        println!(
            "a key to its frame: median {:.2} ms, worst {:.2} ms ({} keys)",
            median.as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3,
            key_times.len()
        );
    }
    println!(
        "at {}: {:?}, {} xruns on the clock",
        app.desk.clock.format_samples(app.desk.playhead()),
        app.desk.transport.state,
        app.desk.status.as_ref().map_or(0, |s| s.xruns)
    );
}
