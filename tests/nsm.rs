//! Session management against a real NSM server: `ray-daemon` (RaySession,
//! installed by .ci/run) started on a free port with a session root, home
//! and configuration of the test's own, driven with OSC from the test as a
//! session manager's user would (new session, add client, save, quit). The
//! test also announces itself as a RaySession GUI, which is how it hears
//! the dirty and clean states dubstage reports. Then the manager is killed
//! under a running console: the console says so and still saves.

mod common;

use std::collections::HashMap;
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::tmux::Tmux;
use dubstage::command::strip::StripId;
use dubstage::model::file;
use rosc::{OscMessage, OscPacket, OscType};

const RAY_DAEMON: &str = "/opt/raysession/usr/share/raysession/src/bin/ray-daemon";

/// A ray-daemon of the test's own, killed when dropped.
struct Manager {
    child: Child,
    port: u16,
    socket: UdpSocket,
    root: PathBuf,
    /// Each client's last dirty state the manager reported.
    dirty_states: HashMap<String, bool>,
}

fn ray_daemon() -> PathBuf {
    if let Some(p) = std::env::var_os("DUBSTAGE_RAY_DAEMON") {
        return p.into();
    }
    let path = PathBuf::from(RAY_DAEMON);
    assert!(
        path.exists(),
        "{RAY_DAEMON} is needed for these tests: .ci/run installs it (RaySession from Debian)"
    );
    path
}

fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn encode(addr: &str, args: Vec<OscType>) -> Vec<u8> {
    rosc::encoder::encode(&OscPacket::Message(OscMessage {
        addr: addr.into(),
        args,
    }))
    .unwrap()
}

fn s(text: &str) -> OscType {
    OscType::String(text.into())
}

impl Manager {
    fn start(dir: &Path) -> Manager {
        let root = dir.join("sessions");
        let home = dir.join("home");
        for d in [&root, &home, &dir.join("ray-config")] {
            std::fs::create_dir_all(d).unwrap();
        }
        let bin = Path::new(env!("CARGO_BIN_EXE_dubstage")).parent().unwrap();
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let port = free_port();
        let child = Command::new(ray_daemon())
            .arg("--session-root")
            .arg(&root)
            .args(["--osc-port", &port.to_string(), "--no-options"])
            .arg("--config-dir")
            .arg(dir.join("ray-config"))
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("DUBSTAGE_CACHE_DIR", dir.join("cache"))
            .env("PATH", path)
            .env_remove("NSM_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ray-daemon starts");
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let mut m = Manager {
            child,
            port,
            socket,
            root,
            dirty_states: HashMap::new(),
        };
        // Announce as a GUI (until it answers: the daemon takes a moment to
        // come up); a GUI is told every client's dirty state.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            m.send(
                "/ray/server/gui_announce",
                vec![
                    s("0.14.4"),
                    OscType::Int(0),
                    s(""),
                    OscType::Int(std::process::id() as i32),
                    OscType::Int(0),
                ],
            );
            let heard = m.wait_quietly(Duration::from_millis(300), &|msg| {
                msg.addr == "/ray/gui/server/announce"
            });
            if heard.is_some() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "ray-daemon did not come up on port {port}"
            );
        }
        m
    }

    fn url(&self) -> String {
        format!("osc.udp://127.0.0.1:{}/", self.port)
    }

    fn send(&self, addr: &str, args: Vec<OscType>) {
        let to: SocketAddr = ([127, 0, 0, 1], self.port).into();
        let _ = self.socket.send_to(&encode(addr, args), to);
    }

    /// The first message that `wanted` takes, within `time`.
    fn wait_quietly(
        &mut self,
        time: Duration,
        wanted: &dyn Fn(&OscMessage) -> bool,
    ) -> Option<OscMessage> {
        let deadline = Instant::now() + time;
        let mut buf = vec![0u8; rosc::decoder::MTU];
        while Instant::now() < deadline {
            let Ok((n, _)) = self.socket.recv_from(&mut buf) else {
                continue;
            };
            if let Ok((_, OscPacket::Message(m))) = rosc::decoder::decode_udp(&buf[..n]) {
                if let (Some(OscType::String(client)), Some(OscType::Int(dirty))) =
                    (m.args.first(), m.args.get(1))
                {
                    if m.addr == "/ray/gui/client/dirty" {
                        self.dirty_states.insert(client.clone(), *dirty != 0);
                    }
                }
                if wanted(&m) {
                    return Some(m);
                }
            }
        }
        None
    }

    fn wait(&mut self, what: &str, wanted: &dyn Fn(&OscMessage) -> bool) -> OscMessage {
        self.wait_quietly(Duration::from_secs(20), wanted)
            .unwrap_or_else(|| panic!("ray-daemon did not send {what}"))
    }

    /// Send an /nsm/server/ request and wait for its /reply.
    fn ask(&mut self, addr: &str, args: Vec<OscType>) -> OscMessage {
        self.send(addr, args);
        let path = addr.to_string();
        self.wait(&format!("/reply to {addr}"), &move |m| {
            (m.addr == "/reply" || m.addr == "/error") && m.args.first() == Some(&s(&path))
        })
    }

    /// The dirty state a client reports, as the manager passes it on: the
    /// last one the manager sent, which may have come while waiting for
    /// something else (a save's clean state before the save's reply).
    fn dirty(&mut self, client: &str, dirty: bool) {
        if self.dirty_states.get(client) == Some(&dirty) {
            return;
        }
        let client = client.to_string();
        self.wait(
            &format!("{client} {}", if dirty { "dirty" } else { "clean" }),
            &move |m| {
                m.addr == "/ray/gui/client/dirty"
                    && m.args == vec![s(&client), OscType::Int(dirty as i32)]
            },
        );
    }

    fn exited_within(&mut self, time: Duration) -> bool {
        let deadline = Instant::now() + time;
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for Manager {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            self.send("/nsm/server/quit", vec![]);
            if !self.exited_within(Duration::from_secs(5)) {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
    }
}

fn ok(reply: &OscMessage) {
    assert_eq!(reply.addr, "/reply", "{reply:?}");
}

/// The faders of every strip of the session in `path`.
fn faders(path: &Path) -> Vec<f32> {
    let session = file::load(path).unwrap().session;
    StripId::all(&session)
        .iter()
        .filter_map(|st| st.fader(&session))
        .collect()
}

fn wait_for_file(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} did not appear",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_manager_launches_dubstage_which_opens_saves_and_quits_on_its_command() {
    let dir = tempfile::tempdir().unwrap();
    let mut nsm = Manager::start(dir.path());
    ok(&nsm.ask("/nsm/server/new", vec![s("take1")]));
    ok(&nsm.ask("/nsm/server/add", vec![s("dubstage")]));
    // Opened (a new session, under the manager's path) and reported clean.
    nsm.dirty("dubstage", false);
    let folder = nsm.root.join("take1").join("take1.dubstage");
    let session = folder.join("session.ron");
    wait_for_file(&session);
    let first = file::load(&session).unwrap().session;
    assert_eq!(
        first.name, "take1",
        "named after the manager's display name"
    );

    ok(&nsm.ask("/nsm/server/save", vec![]));
    // Saved by dubstage itself: the old file kept as .bak, same content.
    let bak = folder.join("session.ron.bak");
    wait_for_file(&bak);
    assert_eq!(file::load(&session).unwrap().session, first);

    // Reopening the manager's session opens the same file, not a new one.
    ok(&nsm.ask("/nsm/server/quit", vec![]));
    assert!(
        nsm.exited_within(Duration::from_secs(15)),
        "ray-daemon did not quit"
    );
    let mut nsm = Manager::start(dir.path());
    ok(&nsm.ask("/nsm/server/open", vec![s("take1")]));
    nsm.dirty("dubstage", false);
    assert_eq!(file::load(&session).unwrap().session, first);
}

#[test]
fn the_console_reports_dirty_and_clean_and_survives_the_manager() {
    let dir = tempfile::tempdir().unwrap();
    let mut nsm = Manager::start(dir.path());
    ok(&nsm.ask("/nsm/server/new", vec![s("reel1")]));
    // Started outside the manager, in a terminal: it announces itself.
    let command = format!(
        "env NSM_URL={url} XDG_CONFIG_HOME={cfg} DUBSTAGE_CACHE_DIR={cache} {bin} --no-jack",
        url = nsm.url(),
        cfg = dir.path().join("config").display(),
        cache = dir.path().join("cache").display(),
        bin = env!("CARGO_BIN_EXE_dubstage"),
    );
    let tmux = Tmux::start("nsm", 160, 45, &command);
    let clean = nsm.wait("the new client's clean state", &|m| {
        m.addr == "/ray/gui/client/dirty" && m.args.get(1) == Some(&OscType::Int(0))
    });
    let Some(OscType::String(id)) = clean.args.first().cloned() else {
        panic!("{clean:?}")
    };
    let session = nsm
        .root
        .join("reel1")
        .join(format!("reel1.{id}"))
        .join("session.ron");
    wait_for_file(&session);
    tmux.wait_for("the console", &|s| {
        s.contains("NORMAL") && s.contains("session.ron")
    });
    assert!(!faders(&session).contains(&-6.0));

    tmux.keys(&[":fader -6", "Enter"]);
    nsm.dirty(&id, true);
    ok(&nsm.ask("/nsm/server/save", vec![]));
    nsm.dirty(&id, false);
    assert!(
        faders(&session).contains(&-6.0),
        "the manager's save wrote the edit"
    );

    // The manager dies without a word; the next report finds it gone.
    let _ = nsm.child.kill();
    let _ = nsm.child.wait();
    tmux.keys(&[":fader -3", "Enter"]);
    tmux.wait_for("the manager gone on the status line", &|s| {
        s.contains("is gone")
    });
    tmux.keys(&[":w", "Enter"]);
    tmux.wait_for("the save", &|s| s.contains("written"));
    assert!(
        faders(&session).contains(&-3.0),
        ":w saved without the manager"
    );
    tmux.keys(&[":q", "Enter"]);
}
