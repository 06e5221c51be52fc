//! The real picture player: xjadeo (Debian package xjadeo), started by the
//! console's `:video` on a real jackd (dummy backend) and shown on a real X
//! server (Xvfb), follows the desk as JACK transport master. The movie is
//! written here: every frame shows its own number in nine black-or-white
//! stripes (a bit each) above a white band, so a screenshot of the X server
//! (`xwd`) says which frame xjadeo shows. Locating and playing in dubstage
//! must bring the frame the session's timecode and the picture's start
//! timecode call for: the offset given to xjadeo is checked against what the
//! real program does with it. `.ci/run` installs xjadeo, xvfb and x11-apps.

mod common;
mod jackd;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use dubstage::app::{App, Event};
use dubstage::audio::EngineOptions;
use dubstage::command::desk::{Desk, OpenOptions};
use dubstage::engine::msg::TransportState;
use dubstage::model::file;
use dubstage::model::timecode::FrameRate;
use jackd::*;

/// The movie's picture: nine stripes of 20 pixels, a white band below.
const WIDTH: usize = 180;
const HEIGHT: usize = 120;
const BITS: usize = 9;
const STRIPE: usize = WIDTH / BITS;
const BAND_TOP: usize = 90;
/// 24 frames a second, as the session; 20 seconds.
const FPS: usize = 24;
const FRAMES: usize = 20 * FPS;

/// A YUV4MPEG2 movie (read by xjadeo through libavformat) whose frame `n`
/// shows `n` in binary, most significant bit on the left.
fn write_numbered_movie(path: &Path) {
    let mut out = Vec::with_capacity(FRAMES * (6 + WIDTH * HEIGHT * 3 / 2) + 64);
    out.extend_from_slice(
        format!("YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n").as_bytes(),
    );
    for n in 0..FRAMES {
        out.extend_from_slice(b"FRAME\n");
        for y in 0..HEIGHT {
            for x in 0..WIDTH {
                let white = if y >= BAND_TOP {
                    true
                } else {
                    let bit = BITS - 1 - x / STRIPE;
                    (n >> bit) & 1 == 1
                };
                out.push(if white { 235 } else { 16 });
            }
        }
        // Neutral chroma: U and V planes at half size.
        out.resize(out.len() + 2 * (WIDTH / 2) * (HEIGHT / 2), 128);
    }
    std::fs::write(path, out).unwrap();
}

/// An X server of the test's own (Xvfb), stopped when dropped.
struct Display {
    child: Child,
    number: u32,
}

impl Display {
    fn start() -> Display {
        for number in (90 + std::process::id() % 400)..1000 {
            if Path::new(&format!("/tmp/.X{number}-lock")).exists()
                || Path::new(&format!("/tmp/.X11-unix/X{number}")).exists()
            {
                continue;
            }
            let child = Command::new("Xvfb")
                .args([
                    &format!(":{number}"),
                    "-screen",
                    "0",
                    "320x240x24",
                    "-br",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb must be installed to run this test (Debian: apt install xvfb)");
            let mut display = Display { child, number };
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if matches!(display.child.try_wait(), Ok(Some(_))) {
                    break;
                }
                if Path::new(&format!("/tmp/.X11-unix/X{number}")).exists() {
                    return display;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = display.child.kill();
            let _ = display.child.wait();
        }
        panic!("no X display could be started with Xvfb");
    }

    fn name(&self) -> String {
        format!(":{}", self.number)
    }

    /// The screen as 8-bit green levels, row by row (`xwd -root`).
    fn screenshot(&self) -> Screen {
        Screen::from_xwd(&self.xwd())
    }

    fn xwd(&self) -> Vec<u8> {
        let out = Command::new("xwd")
            .args(["-root", "-silent", "-display", &self.name()])
            .output()
            .expect("xwd must be installed to run this test (Debian: apt install x11-apps)");
        assert!(out.status.success(), "xwd failed: {:?}", out);
        out.stdout
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Screen {
    width: usize,
    height: usize,
    green: Vec<u8>,
}

impl Screen {
    /// An XWD dump of a true-colour screen: a header of big-endian words,
    /// the window name, the colour map, then the rows of pixels.
    fn from_xwd(data: &[u8]) -> Screen {
        let word = |i: usize| u32::from_be_bytes(data[i * 4..i * 4 + 4].try_into().unwrap());
        let header_size = word(0) as usize;
        let width = word(4) as usize;
        let height = word(5) as usize;
        let little_endian = word(7) == 0;
        let bytes_per_pixel = word(11) as usize / 8;
        let bytes_per_line = word(12) as usize;
        let green_mask = word(15);
        let colours = word(19) as usize;
        assert!(
            (3..=4).contains(&bytes_per_pixel) && green_mask != 0,
            "not a true-colour screen: {bytes_per_pixel} bytes a pixel, green mask {green_mask:x}"
        );
        let pixels = &data[header_size + colours * 12..];
        let shift = green_mask.trailing_zeros();
        let mut green = Vec::with_capacity(width * height);
        for y in 0..height {
            for x in 0..width {
                let at = y * bytes_per_line + x * bytes_per_pixel;
                let mut b = [0u8; 4];
                b[..bytes_per_pixel].copy_from_slice(&pixels[at..at + bytes_per_pixel]);
                let v = if little_endian {
                    u32::from_le_bytes(b)
                } else {
                    u32::from_be_bytes(b) >> (8 * (4 - bytes_per_pixel))
                };
                green.push(((v & green_mask) >> shift) as u8);
            }
        }
        Screen {
            width,
            height,
            green,
        }
    }

    fn white(&self, x: usize, y: usize) -> bool {
        assert!(x < self.width && y < self.height);
        self.green[y * self.width + x] > 128
    }

    /// The frame number xjadeo's window (at the screen's top left, no
    /// window manager) shows, or `None` while no movie is on screen.
    fn frame(&self) -> Option<usize> {
        let band = (0..WIDTH)
            .step_by(STRIPE)
            .all(|x| self.white(x + STRIPE / 2, (BAND_TOP + HEIGHT) / 2));
        if !band || self.white(WIDTH + 20, HEIGHT / 2) {
            return None;
        }
        Some((0..BITS).fold(0, |n, bit| {
            (n << 1) | self.white(bit * STRIPE + STRIPE / 2, BAND_TOP / 2) as usize
        }))
    }
}

fn desk_on_jack(dir: &Path) -> App {
    let path = dir.join("s.ron");
    let mut session = busy_session(dir);
    session.timecode.rate = FrameRate::Fps24;
    session.timecode.start = "01:00:00:00".into();
    file::save(&session, &path).unwrap();
    let options = OpenOptions {
        engine: Some(EngineOptions::default()),
        overviews: false,
    };
    App::with_defaults(Desk::open(&path, &options).unwrap())
}

/// Tick the desk until the screen shows a frame that `wanted` accepts.
fn shown(app: &mut App, display: &Display, what: &str, wanted: impl Fn(&App, usize) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = None;
    loop {
        app.update(Event::Tick(Instant::now()));
        last = display.screenshot().frame().or(last);
        if let Some(frame) = last {
            if wanted(app, frame) {
                return;
            }
        }
        if let Some(player) = app.desk.picture.as_mut() {
            assert_eq!(player.ended(), None, "xjadeo ended");
        }
        if Instant::now() >= deadline {
            // The screen as it was, for a look (ffmpeg -i FILE.xwd FILE.png).
            let keep = std::env::temp_dir().join("dubstage-picture-test.xwd");
            let _ = std::fs::write(&keep, display.xwd());
            panic!(
                "timed out waiting for {what}: xjadeo shows {last:?}, the desk {:?}; the screen is in {}",
                app.desk.status,
                keep.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn engine_state(app: &App) -> (TransportState, u64) {
    let s = app.desk.status.as_ref().expect("an engine");
    (s.state, s.position)
}

/// The video frame at a session sample, for a picture starting two
/// seconds (48 frames) before the session.
fn frame_at(sample: u64) -> usize {
    (sample as usize * FPS) / 48_000 + 2 * FPS
}

#[test]
fn xjadeo_shows_the_frame_of_the_desks_timecode() {
    let _turn = turn();
    let _server = Server::start(&unique("picture"), 48_000);
    let display = Display::start();
    std::env::set_var("DISPLAY", display.name());
    let dir = tempfile::tempdir().unwrap();
    let movie: PathBuf = dir.path().join("reel 1.y4m");
    write_numbered_movie(&movie);

    let mut app = desk_on_jack(dir.path());
    app.run_line("set transport master", None);
    // The picture's first frame is at 00:59:58:00: two seconds of leader.
    app.run_line(&format!("video {} 00:59:58:00", movie.display()), None);
    let m = app.desk.message.clone().unwrap();
    assert!(!m.error, "{m:?}");
    assert!(app.desk.picture.is_some(), "{m:?}");

    // Stopped at the session's start: the picture's frame 48.
    shown(&mut app, &display, "the session start", |_, f| {
        f == frame_at(0)
    });

    // Located while stopped, to the frame (the session is 55,000 samples
    // long: 27.5 frames).
    app.run_line("goto 24000", None);
    shown(&mut app, &display, "half a second in", |_, f| {
        f == frame_at(24_000)
    });
    app.run_line("goto 50000", None);
    shown(&mut app, &display, "25 frames in", |_, f| {
        f == frame_at(50_000)
    });

    // Rolling from the start: the picture moves on with the desk.
    app.run_line("goto 0", None);
    shown(&mut app, &display, "the start again", |_, f| {
        f == frame_at(0)
    });
    app.run_line("play", None);
    shown(&mut app, &display, "the picture rolling", |a, f| {
        engine_state(a).0 == TransportState::Rolling && f >= frame_at(0) + FPS / 4
    });
    app.run_line("stop", None);
    shown(&mut app, &display, "the stopped desk's frame", |a, f| {
        let (state, at) = engine_state(a);
        // Within a frame: the desk's position and JACK's may straddle one.
        state == TransportState::Stopped && f.abs_diff(frame_at(at)) <= 1
    });

    // :video off closes the player; the screen has no movie on it.
    let pid = app.desk.picture.as_ref().unwrap().id();
    app.run_line("video off", None);
    assert!(app.desk.picture.is_none());
    assert!(
        !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| !s.contains(") Z "))
            .unwrap_or(false),
        "xjadeo still runs after :video off"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while display.screenshot().frame().is_some() {
        assert!(Instant::now() < deadline, "xjadeo's window stayed up");
        std::thread::sleep(Duration::from_millis(50));
    }

    // Without a start timecode the picture starts with the session; the
    // file's name keeps its space.
    app.run_line(&format!("video {}", movie.display()), None);
    assert_eq!(app.desk.picture.as_ref().map(|p| p.offset), Some(0));
    app.run_line("goto 24000", None);
    shown(&mut app, &display, "no leader", |_, f| f == 12);
    app.run_line("video off", None);
}
