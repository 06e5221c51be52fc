//! Under a session manager: `dubstage` started with `NSM_URL` set and no
//! session named announces itself ([`crate::remote::nsm`]), waits for the
//! manager to say which session to open, creates it when new, and runs the
//! console on it: in the terminal when it has one, else headless (the
//! engine plays, the manager saves, the OSC remote with `--osc` controls
//! it, and status messages go to standard error).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::{App, Event};
use crate::console::{self, ConsoleOptions};
use crate::remote::nsm::{self, code, SessionManager};
use crate::remote::Remote;

/// How long the headless loop sleeps between two looks.
const TICK: Duration = Duration::from_millis(20);
/// Timeline columns the headless desk pretends to have.
const COLUMNS: u16 = 120;

/// Announce to the manager at `url`, open what it says, and run until the
/// manager (or the user) ends the program.
pub fn run_managed(url: &str, options: &ConsoleOptions, started: Instant) -> Result<(), String> {
    use std::io::IsTerminal;
    let mut manager = SessionManager::announce(url)?;
    let open = manager.wait_open()?;
    let path = match nsm::prepare(&open) {
        Ok(path) => path,
        Err(e) => {
            manager.opened(Err((code::CREATE_FAILED, &e)));
            return Err(e);
        }
    };
    // NSM: the client id is the JACK client's name.
    let mut options = options.clone();
    options.client_name = open.client_id.clone();
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        console::run_console(&path, &options, started, Some(manager))
    } else {
        run(&path, &options, manager)
    }
}

/// The console without a terminal, on `path`, under `manager`.
pub fn run(
    path: &Path,
    options: &ConsoleOptions,
    mut manager: SessionManager,
) -> Result<(), String> {
    let ending = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register(signal, Arc::clone(&ending))
            .map_err(|e| format!("cannot catch signals: {e}"))?;
    }
    let mut app = match console::open_app(path, options, COLUMNS) {
        Ok(app) => app,
        Err(e) => {
            manager.opened(Err((code::BAD_PROJECT, &e)));
            return Err(e);
        }
    };
    manager.opened(Ok(path));
    eprintln!(
        "dubstage: {} open under {} (no terminal: headless)",
        path.display(),
        if manager.server_name.is_empty() {
            "the session manager"
        } else {
            &manager.server_name
        }
    );
    let mut remote = options.osc.map(Remote::bind).transpose()?;
    if let Some(r) = &remote {
        eprintln!("dubstage: OSC remote on {}", r.local_addr());
    }
    console::start_picture(&mut app, options);
    let mut said = app.desk.message.clone();
    if let Some(m) = said.as_ref().filter(|m| !m.text.is_empty()) {
        eprintln!("dubstage: {}", m.text);
    }
    loop {
        std::thread::sleep(TICK);
        manager.poll(&mut app);
        if let Some(r) = remote.as_mut() {
            r.poll(&mut app);
        }
        let now = Instant::now();
        app.update(Event::Tick(now));
        if let Some(r) = remote.as_mut() {
            r.feedback(&app, now);
        }
        say_changes(&app, &mut said);
        if app.quit {
            return Ok(());
        }
        if ending.load(Ordering::Acquire) {
            return finish(&mut app);
        }
    }
}

/// Print the status line when it changed.
fn say_changes(app: &App, said: &mut Option<crate::command::desk::Message>) {
    if app.desk.message != *said {
        *said = app.desk.message.clone();
        if let Some(m) = said.as_ref().filter(|m| !m.text.is_empty()) {
            eprintln!("dubstage: {}", m.text);
        }
    }
}

/// Stopped by the manager (SIGTERM): unsaved edits go to the recovery
/// file, so nothing is lost even when the manager did not save first.
fn finish(app: &mut App) -> Result<(), String> {
    match app.desk.save_recovery() {
        Ok(Some(p)) => eprintln!("dubstage: stopped; unsaved work is in {}", p.display()),
        Ok(None) => eprintln!("dubstage: stopped; nothing was unsaved"),
        Err(e) => {
            return Err(format!(
                "stopped; the recovery file could not be written: {e}"
            ))
        }
    }
    Ok(())
}
