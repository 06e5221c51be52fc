//! The real program in a real terminal: a tmux server of the test's own,
//! its screen read back and keys typed into it.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server with one window, "console"; stopped when dropped.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Run `command` in a `width` x `height` window of a server named
    /// after `label` and this process.
    pub fn start(label: &str, width: u16, height: u16, command: &str) -> Tmux {
        let tmux = Tmux {
            socket: format!("dubstage-{label}-{}", std::process::id()),
        };
        let (w, h) = (width.to_string(), height.to_string());
        tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "console",
            "-x",
            &w,
            "-y",
            &h,
            command,
        ]);
        tmux
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux is needed for this test (apt-get install tmux)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "console"])
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", "console", k]);
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    /// The process the window runs.
    pub fn pid(&self) -> String {
        self.run(&["display", "-p", "-t", "console", "#{pane_pid}"])
            .trim()
            .to_string()
    }

    pub fn wait_for(&self, what: &str, done: &dyn Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen();
            if done(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what}; the screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The command line of the console on `session` without audio, with a
/// configuration and a media cache of its own under `dir`; `env` adds
/// variables (`NAME=value ...`).
pub fn console_command(dir: &Path, session: &Path, env: &str) -> String {
    format!(
        "env XDG_CONFIG_HOME={cfg} DUBSTAGE_CACHE_DIR={cache} {env} {bin} {session} --no-jack",
        cfg = dir.join("config").display(),
        cache = dir.join("cache").display(),
        bin = env!("CARGO_BIN_EXE_dubstage"),
        session = session.display(),
    )
}
