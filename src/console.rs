//! The console in a real terminal: raw mode and the alternate screen,
//! keys from crossterm into the App, frames paced to at most
//! [`FRAME`] apart while anything moves and drawn only on change when
//! idle, and the terminal always given back: on quit, on a panic (a hook
//! restores it first), and on SIGTERM and SIGHUP (an SSH drop), after the
//! unsaved work is saved to the session's recovery file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, terminal};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use crate::app::{App, Event as AppEvent};
use crate::audio::EngineOptions;
use crate::command::desk::{Desk, OpenOptions};
use crate::command::registry;
use crate::keymap::{self, Key, KeyCode, Keymap};
use crate::model::file;
use crate::model::Session;
use crate::remote::nsm::{code, SessionManager};
use crate::remote::surface::{self, Surface};
use crate::remote::Remote;
use crate::ui::{self, layout, Theme};

/// The shortest time between two frames: about 30 a second.
pub const FRAME: Duration = Duration::from_millis(33);
/// How long to wait for a key when nothing moves.
const IDLE: Duration = Duration::from_millis(250);
/// The longest wait between two reads of the OSC remote.
const REMOTE_POLL: Duration = Duration::from_millis(20);

/// How to open the console.
#[derive(Debug, Clone)]
pub struct ConsoleOptions {
    /// Try JACK (else the silent clock).
    pub use_jack: bool,
    pub client_name: String,
    /// Listen for OSC remote control here.
    pub osc: Option<std::net::SocketAddr>,
    /// Open the MIDI control surface as this (else as the session says).
    pub surface: Option<crate::model::surface::SurfaceKind>,
    /// Start xjadeo on this picture file.
    pub video: Option<PathBuf>,
}

/// Start the picture `options` name, if any; a failure is said on the
/// status line (and returned, for a console without one).
pub fn start_picture(app: &mut App, options: &ConsoleOptions) -> Option<String> {
    let file = options.video.as_ref()?;
    match app.desk.start_video(file, None) {
        Ok(()) => None,
        Err(e) => {
            let text = format!("--video: {e}");
            app.desk.complain(text.clone());
            Some(text)
        }
    }
}

/// A key from crossterm in the keymap's terms (key releases are dropped).
pub fn key_from_event(e: KeyEvent) -> Option<Key> {
    if e.kind == KeyEventKind::Release {
        return None;
    }
    use crossterm::event::KeyCode as C;
    let code = match e.code {
        C::Char(c) => KeyCode::Char(c),
        C::Enter => KeyCode::Enter,
        C::Esc => KeyCode::Esc,
        C::Tab => KeyCode::Tab,
        C::BackTab => KeyCode::BackTab,
        C::Backspace => KeyCode::Backspace,
        C::Delete => KeyCode::Delete,
        C::Insert => KeyCode::Insert,
        C::Up => KeyCode::Up,
        C::Down => KeyCode::Down,
        C::Left => KeyCode::Left,
        C::Right => KeyCode::Right,
        C::Home => KeyCode::Home,
        C::End => KeyCode::End,
        C::PageUp => KeyCode::PageUp,
        C::PageDown => KeyCode::PageDown,
        C::F(n) => KeyCode::F(n),
        _ => return None,
    };
    let mut key = Key::plain(code);
    key.ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
    key.alt = e.modifiers.contains(KeyModifiers::ALT);
    match code {
        KeyCode::Char(c) => {
            if key.ctrl {
                key.code = KeyCode::Char(c.to_ascii_lowercase());
            }
        }
        KeyCode::BackTab => {}
        _ => key.shift = e.modifiers.contains(KeyModifiers::SHIFT),
    }
    Some(key)
}

/// A writer that counts what goes through it: the bytes sent to the
/// terminal (what an SSH link carries).
pub struct Counting<W: Write> {
    inner: W,
    pub count: Arc<AtomicU64>,
}

impl<W: Write> Counting<W> {
    pub fn new(inner: W) -> Counting<W> {
        Counting {
            inner,
            count: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// When to draw: at once after a key, else at most every [`FRAME`], and
/// only when something changed.
#[derive(Debug, Default)]
pub struct Pacer {
    last: Option<Instant>,
}

impl Pacer {
    /// How long to wait for input before looking again.
    pub fn wait(&self, app: &App, now: Instant) -> Duration {
        if app.desk.rolling() || app.desk.changed {
            let since = self
                .last
                .map_or(FRAME, |t| now.saturating_duration_since(t));
            FRAME.saturating_sub(since).max(Duration::from_millis(1))
        } else {
            IDLE
        }
    }

    /// Whether to draw now; `key` is true right after a key press.
    pub fn due(&mut self, app: &App, now: Instant, key: bool) -> bool {
        let spaced = self
            .last
            .is_none_or(|t| now.saturating_duration_since(t) >= FRAME);
        if app.desk.changed && (key || spaced) {
            self.last = Some(now);
            true
        } else {
            false
        }
    }
}

/// Build the App for `path` as the program does: keymap with the user's
/// file, the session with its media, the engine and the overviews.
pub fn open_app(path: &Path, options: &ConsoleOptions, columns: u16) -> Result<App, String> {
    let open = OpenOptions {
        engine: Some(EngineOptions {
            client_name: options.client_name.clone(),
            use_jack: options.use_jack,
        }),
        overviews: true,
    };
    let (keymap, problems) = Keymap::load(keymap::user_file().as_deref(), &registry::exists);
    let mut desk = Desk::open(path, &open)?;
    desk.view.columns = columns;
    let mut app = App::new(desk, keymap, problems);
    app.open_options = open;
    if let Some(kind) = options.surface {
        app.desk.surface.wanted = kind;
    }
    Ok(app)
}

/// Statistics of one run, written where `DUBSTAGE_STATS` says.
#[derive(Debug, Default)]
struct Stats {
    first_frame: Option<Duration>,
    frames: u64,
    rolling_bytes: u64,
    rolling_time: Duration,
    rolling_frames: u64,
    size: (u16, u16),
}

fn restore_terminal() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        terminal::LeaveAlternateScreen,
        cursor::Show,
        crossterm::style::ResetColor
    );
    let _ = terminal::disable_raw_mode();
}

/// Gives the terminal back however the console ends.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Run the console on the session at `path` until the user quits.
/// `started` is when the program started (for the first-frame time).
pub fn run(path: &Path, options: &ConsoleOptions, started: Instant) -> Result<(), String> {
    run_console(path, options, started, None)
}

/// [`run`], under a session manager that asked for `path` to be opened:
/// it is told whether the session opened, and polled between frames.
pub fn run_console(
    path: &Path,
    options: &ConsoleOptions,
    started: Instant,
    mut nsm: Option<SessionManager>,
) -> Result<(), String> {
    use std::io::IsTerminal;
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(format!(
            "the console needs a terminal; to check or bounce {} from a script use `dubstage check` or `dubstage bounce`",
            path.display()
        ));
    }
    let signals = Signals::register(path)?;
    let (w, h) = terminal::size().map_err(|e| format!("cannot read the terminal size: {e}"))?;
    let mut app = match open_app(path, options, layout::timeline_columns(w)) {
        Ok(app) => app,
        Err(e) => {
            if let Some(n) = nsm.as_mut() {
                n.opened(Err((code::BAD_PROJECT, &e)));
            }
            return Err(e);
        }
    };
    if let Some(n) = nsm.as_mut() {
        n.opened(Ok(path));
        app.desk.session_manager = Some(n.summary());
    }
    let mut remote = options.osc.map(Remote::bind).transpose()?;
    if let Some(r) = &remote {
        app.desk.remote = Some(r.summary());
        app.desk.say(format!("OSC remote on {}", r.local_addr()));
    }
    let mut surface = None;
    start_picture(&mut app, options);
    let theme = Theme::from_env();

    // Restore the terminal before a panic message is printed.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A decoder's panic caught at the media boundary is reported as
        // that file's error; the console goes on.
        if crate::media::guard::quiet() {
            return;
        }
        restore_terminal();
        default_hook(info);
    }));
    terminal::enable_raw_mode().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let guard = Restore;
    let writer = Counting::new(io::stdout());
    let count = Arc::clone(&writer.count);
    let mut term = Terminal::new(CrosstermBackend::new(writer))
        .map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let _ = execute!(
        term.backend_mut(),
        terminal::EnterAlternateScreen,
        cursor::Hide
    );
    let _ = term.clear();

    let mut stats = Stats {
        size: (w, h),
        ..Stats::default()
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        event_loop(
            &mut app,
            &mut term,
            &theme,
            Listening {
                signals: &signals,
                remote: remote.as_mut(),
                surface: &mut surface,
                client: &options.client_name,
                nsm: nsm.as_mut(),
            },
            &count,
            &mut stats,
            started,
        )
    }));
    if signals.finishing.swap(true, Ordering::AcqRel) {
        // The signal watcher is already saving and ending the program.
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    }
    drop(term);
    drop(guard);
    let _ = std::panic::take_hook();
    let ending = match outcome {
        Ok(result) => result,
        Err(_) => Err("the console crashed (the message is above)".to_string()),
    };
    if let Ok(file) = std::env::var("DUBSTAGE_STATS") {
        write_stats(Path::new(&file), &stats);
    }
    match ending {
        Ok(Ending::Quit) => Ok(()),
        Ok(Ending::Signal(name)) | Err(name) => {
            let saved = match app.desk.save_recovery() {
                Ok(Some(p)) => format!("; unsaved work is in {}", p.display()),
                Ok(None) if app.desk.modified() => String::new(),
                Ok(None) => "; nothing was unsaved".into(),
                Err(e) => format!("; the recovery file could not be written: {e}"),
            };
            Err(format!("{name}{saved}"))
        }
    }
}

fn write_stats(path: &Path, s: &Stats) {
    let bps = if s.rolling_time.as_secs_f64() > 0.0 {
        s.rolling_bytes as f64 / s.rolling_time.as_secs_f64()
    } else {
        0.0
    };
    let text = format!(
        "size {}x{}\nfirst_frame_ms {:.1}\nframes {}\nrolling_frames {}\nrolling_seconds {:.2}\nrolling_bytes {}\nrolling_bytes_per_second {:.0}\n",
        s.size.0,
        s.size.1,
        s.first_frame.map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        s.frames,
        s.rolling_frames,
        s.rolling_time.as_secs_f64(),
        s.rolling_bytes,
        bps
    );
    let _ = std::fs::write(path, text);
}

enum Ending {
    Quit,
    Signal(String),
}

/// Signals, and a watcher that saves the unsaved work even when the main
/// thread cannot: after a hang-up the terminal's input may be at its end,
/// and the key reader can then spin without returning.
struct Signals {
    hangup: Arc<AtomicBool>,
    terminate: Arc<AtomicBool>,
    /// The session as it stands while it has unsaved edits.
    unsaved: Arc<Mutex<Option<Session>>>,
    /// Set when the main thread is shutting down by itself.
    finishing: Arc<AtomicBool>,
}

/// How long the main thread has to act on a signal before the watcher
/// saves, restores the terminal and ends the program itself.
const SIGNAL_GRACE: Duration = Duration::from_millis(600);

impl Signals {
    fn register(path: &Path) -> Result<Signals, String> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let signals = Signals {
            hangup: Arc::new(AtomicBool::new(false)),
            terminate: Arc::new(AtomicBool::new(false)),
            unsaved: Arc::new(Mutex::new(None)),
            finishing: Arc::new(AtomicBool::new(false)),
        };
        let mut incoming = signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT])
            .map_err(|e| format!("cannot catch signals: {e}"))?;
        let (hangup, terminate) = (Arc::clone(&signals.hangup), Arc::clone(&signals.terminate));
        let (unsaved, finishing) = (Arc::clone(&signals.unsaved), Arc::clone(&signals.finishing));
        let path = path.to_path_buf();
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                let Some(signal) = incoming.forever().next() else {
                    return;
                };
                let flag = if signal == SIGHUP {
                    &hangup
                } else {
                    &terminate
                };
                flag.store(true, Ordering::Release);
                let deadline = Instant::now() + SIGNAL_GRACE;
                while Instant::now() < deadline {
                    if finishing.load(Ordering::Acquire) {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                if finishing.swap(true, Ordering::AcqRel) {
                    return;
                }
                let saved = unsaved
                    .lock()
                    .ok()
                    .and_then(|s| s.clone())
                    .map(|s| file::save_recovery(&s, &path));
                restore_terminal();
                // After a hang-up stderr may be a dead terminal, where
                // eprintln! would panic and this thread would never reach
                // the exit below; write and ignore the outcome instead.
                let message = match saved {
                    Some(Ok(p)) => format!("dubstage: signal {signal}; unsaved work is in {}", p.display()),
                    Some(Err(e)) => {
                        format!("dubstage: signal {signal}; the recovery file could not be written: {e}")
                    }
                    None => format!("dubstage: signal {signal}; nothing was unsaved"),
                };
                let _ = writeln!(io::stderr(), "{message}");
                std::process::exit(128 + signal);
            })
            .map_err(|e| format!("cannot watch for signals: {e}"))?;
        Ok(signals)
    }

    /// Keep the watcher's copy of the unsaved session up to date.
    fn mirror(&self, app: &App) {
        if let Ok(mut m) = self.unsaved.lock() {
            let now = app.desk.modified().then_some(&app.desk.session);
            if m.as_ref() != now {
                *m = now.cloned();
            }
        }
    }
}

/// What the console listens to besides the terminal.
struct Listening<'a> {
    signals: &'a Signals,
    remote: Option<&'a mut Remote>,
    /// The MIDI control surface, opened and closed as the desk wants.
    surface: &'a mut Option<Surface>,
    /// The JACK client name (the surface's is `NAME-surface`).
    client: &'a str,
    nsm: Option<&'a mut SessionManager>,
}

fn event_loop<W: Write>(
    app: &mut App,
    term: &mut Terminal<CrosstermBackend<Counting<W>>>,
    theme: &Theme,
    listening: Listening<'_>,
    count: &AtomicU64,
    stats: &mut Stats,
    started: Instant,
) -> Result<Ending, String> {
    let Listening {
        signals,
        mut remote,
        surface,
        client,
        mut nsm,
    } = listening;
    let mut pacer = Pacer::default();
    let mut last_frame: Option<(Instant, bool)> = None;
    loop {
        let now = Instant::now();
        let mut wait = pacer.wait(app, now);
        if remote.is_some() || surface.is_some() || nsm.is_some() {
            // The remote is read between frames: keep it answered quickly.
            wait = wait.min(REMOTE_POLL);
        }
        let mut key = false;
        if event::poll(wait).map_err(|e| format!("the terminal went away: {e}"))? {
            // Take every event that is waiting before drawing again.
            loop {
                match event::read().map_err(|e| format!("the terminal went away: {e}"))? {
                    Event::Key(k) => {
                        if let Some(k) = key_from_event(k) {
                            app.update(AppEvent::Key(k));
                            signals.mirror(app);
                            key = true;
                        }
                    }
                    Event::Resize(w, _) => {
                        app.update(AppEvent::Resize {
                            timeline_columns: layout::timeline_columns(w),
                        });
                        key = true;
                    }
                    _ => {}
                }
                if app.quit || !event::poll(Duration::ZERO).unwrap_or(false) {
                    break;
                }
            }
        }
        if let Some(r) = remote.as_deref_mut() {
            if r.poll(app) {
                signals.mirror(app);
                key = true;
            }
        }
        surface::follow(surface, app, client);
        if let Some(s) = surface.as_mut() {
            if s.poll(app, Instant::now()) {
                signals.mirror(app);
                key = true;
            }
        }
        if let Some(n) = nsm.as_deref_mut() {
            if n.poll(app) {
                signals.mirror(app);
                key = true;
            }
        }
        if signals.hangup.load(Ordering::Acquire) {
            return Ok(Ending::Signal("hung up (SIGHUP)".into()));
        }
        if signals.terminate.load(Ordering::Acquire) {
            return Ok(Ending::Signal("stopped by a signal".into()));
        }
        if app.quit {
            return Ok(Ending::Quit);
        }
        let now = Instant::now();
        app.update(AppEvent::Tick(now));
        if let Some(r) = remote.as_deref_mut() {
            r.feedback(app, now);
        }
        if pacer.due(app, now, key) || stats.frames == 0 {
            let before = count.load(Ordering::Relaxed);
            term.draw(|f| ui::draw(f, app, theme))
                .map_err(|e| format!("cannot draw: {e}"))?;
            app.desk.changed = false;
            let done = Instant::now();
            stats.frames += 1;
            if stats.first_frame.is_none() {
                stats.first_frame = Some(done.saturating_duration_since(started));
            }
            let rolling = app.desk.rolling();
            if let Some((t, was_rolling)) = last_frame {
                if was_rolling && rolling {
                    stats.rolling_time += done.saturating_duration_since(t);
                    stats.rolling_bytes += count.load(Ordering::Relaxed) - before;
                    stats.rolling_frames += 1;
                }
            }
            last_frame = Some((done, rolling));
        }
    }
}

/// The demo scene's session in `dir`, written when missing.
pub fn demo_session(dir: &Path) -> Result<PathBuf, String> {
    crate::demo::create(dir).map_err(|e| format!("{}: {e}", dir.display()))
}
