//! Session management (the Non/New Session Manager protocol, NSM API 1.1,
//! over OSC): when `NSM_URL` is set and no session is named, dubstage
//! announces itself to the manager, waits for `/nsm/client/open`, keeps
//! the session as `PREFIX/session.ron` (media beside it) under the path the
//! manager gives, saves on `/nsm/client/save`, and reports
//! `/nsm/client/is_dirty` and `/nsm/client/is_clean` as the session's saved
//! state changes.
//!
//! The manager is asked nothing the console cannot do without it: when it
//! goes away (its port refuses, or it stops answering the announce) the
//! console says so on the status line and goes on; `:w` still saves. A
//! message that does not decode or is not part of the protocol is counted
//! and said, never a panic.

use std::io::ErrorKind;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rosc::{OscMessage, OscPacket, OscType};

use crate::app::App;

/// What dubstage can do for the manager: report its dirty state.
pub const CAPABILITIES: &str = ":dirty:";
/// The NSM API version spoken.
pub const API: (i32, i32) = (1, 1);
/// How long to wait for the manager's answer to the announce.
pub const ANNOUNCE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long to wait for `/nsm/client/open` after the announce.
pub const OPEN_TIMEOUT: Duration = Duration::from_secs(30);
/// The session file inside the folder the manager gives.
pub const SESSION_FILE: &str = "session.ron";

/// The error codes of the NSM API.
pub mod code {
    pub const GENERAL: i32 = -1;
    pub const BAD_PROJECT: i32 = -9;
    pub const CREATE_FAILED: i32 = -10;
}

/// What the manager told us to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    /// The folder for the session (the manager's path prefix).
    pub prefix: PathBuf,
    pub display_name: String,
    /// The client id: the JACK client name to use.
    pub client_id: String,
}

impl Open {
    /// The session file inside the prefix.
    pub fn session_path(&self) -> PathBuf {
        self.prefix.join(SESSION_FILE)
    }
}

/// One message from the manager, read.
#[derive(Debug, Clone, PartialEq)]
pub enum FromServer {
    /// `/reply` to our message `to`.
    Reply {
        to: String,
        text: Vec<String>,
    },
    /// `/error` to our message `to`.
    Error {
        to: String,
        code: i32,
        text: String,
    },
    Open(Open),
    Save,
    SessionIsLoaded,
}

/// Read one message from the manager; an error names what is wrong.
pub fn read(message: &OscMessage) -> Result<FromServer, String> {
    let strings = |from: usize| -> Vec<String> {
        message.args[from.min(message.args.len())..]
            .iter()
            .filter_map(|a| match a {
                OscType::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect()
    };
    let string = |i: usize, what: &str| -> Result<String, String> {
        match message.args.get(i) {
            Some(OscType::String(s)) => Ok(s.clone()),
            _ => Err(format!(
                "{}: argument {} ({what}) should be a string",
                message.addr,
                i + 1
            )),
        }
    };
    match message.addr.as_str() {
        "/reply" => Ok(FromServer::Reply {
            to: string(0, "the message answered")?,
            text: strings(1),
        }),
        "/error" => {
            let to = string(0, "the message answered")?;
            let code = match message.args.get(1) {
                Some(OscType::Int(c)) => *c,
                _ => return Err("/error: argument 2 (the code) should be an int".into()),
            };
            Ok(FromServer::Error {
                to,
                code,
                text: strings(2).join(" "),
            })
        }
        "/nsm/client/open" => {
            let prefix = string(0, "the path prefix")?;
            if prefix.is_empty() {
                return Err("/nsm/client/open: the path prefix is empty".into());
            }
            Ok(FromServer::Open(Open {
                prefix: PathBuf::from(prefix),
                display_name: string(1, "the display name")?,
                client_id: string(2, "the client id")?,
            }))
        }
        "/nsm/client/save" => Ok(FromServer::Save),
        "/nsm/client/session_is_loaded" => Ok(FromServer::SessionIsLoaded),
        other => Err(format!("{other} is not a message dubstage takes")),
    }
}

/// Where the manager listens: `osc.udp://HOST:PORT/`.
pub fn parse_url(url: &str) -> Result<SocketAddr, String> {
    let bad = |why: &str| format!("NSM_URL={url:?}: {why} (expected osc.udp://HOST:PORT/)");
    let rest = url
        .strip_prefix("osc.udp://")
        .ok_or_else(|| bad("not an osc.udp:// address"))?;
    let host_port = rest.trim_end_matches('/');
    let (host, port) = host_port.rsplit_once(':').ok_or_else(|| bad("no port"))?;
    let port: u16 = port.parse().map_err(|_| bad("the port is not a number"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(bad("no host"));
    }
    let mut found = match (host, port).to_socket_addrs() {
        Ok(found) => found,
        // Managers name their host by its name, which a machine without
        // itself in /etc/hosts cannot look up: that host is this one.
        Err(_) if this_host().is_some_and(|name| name.eq_ignore_ascii_case(host)) => {
            return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
        }
        Err(e) => return Err(bad(&format!("cannot find host {host}: {e}"))),
    };
    // The manager answers on IPv4 as a rule: prefer that address.
    let all: Vec<SocketAddr> = found.by_ref().collect();
    all.iter()
        .find(|a| a.is_ipv4())
        .or(all.first())
        .copied()
        .ok_or_else(|| bad(&format!("host {host} has no address")))
}

/// This machine's host name.
fn this_host() -> Option<String> {
    let mut name = [0u8; 256];
    // SAFETY: the buffer is writable for its whole length, which is passed.
    let status = unsafe { libc::gethostname(name.as_mut_ptr().cast(), name.len()) };
    if status != 0 {
        return None;
    }
    let end = name.iter().position(|&b| b == 0)?;
    std::str::from_utf8(&name[..end]).ok().map(str::to_string)
}

/// The announce message.
pub fn announce_message(executable: &str, pid: u32) -> OscMessage {
    OscMessage {
        addr: "/nsm/server/announce".into(),
        args: vec![
            OscType::String("dubstage".into()),
            OscType::String(CAPABILITIES.into()),
            OscType::String(executable.into()),
            OscType::Int(API.0),
            OscType::Int(API.1),
            OscType::Int(pid as i32),
        ],
    }
}

/// Create the folder and, when missing, a new session in it named after
/// the manager's display name. Returns the session file.
pub fn prepare(open: &Open) -> Result<PathBuf, String> {
    std::fs::create_dir_all(&open.prefix)
        .map_err(|e| format!("cannot create {}: {e}", open.prefix.display()))?;
    let path = open.session_path();
    if !path.exists() {
        let name = if open.display_name.is_empty() {
            "untitled"
        } else {
            &open.display_name
        };
        let session = crate::model::template::film(name, crate::model::Layout::Stereo);
        crate::model::file::save(&session, &path).map_err(|e| e.to_string())?;
    }
    Ok(path)
}

/// The link to the manager.
pub struct SessionManager {
    socket: UdpSocket,
    server: SocketAddr,
    url: String,
    /// The manager's name, from its answer to the announce.
    pub server_name: String,
    /// The dirty state last reported (`None`: not yet).
    reported: Option<bool>,
    /// Why the manager is taken to be gone.
    gone: Option<String>,
    /// Messages that were not understood.
    pub refused: u64,
    /// An open that came before the answer to the announce.
    early_open: Option<Open>,
    buffer: Vec<u8>,
}

impl SessionManager {
    /// Announce to the manager at `url` and wait for its answer.
    pub fn announce(url: &str) -> Result<SessionManager, String> {
        let server = parse_url(url)?;
        let local: SocketAddr = if server.is_ipv4() {
            "0.0.0.0:0".parse().expect("an address")
        } else {
            "[::]:0".parse().expect("an address")
        };
        let socket =
            UdpSocket::bind(local).map_err(|e| format!("NSM: cannot open a socket: {e}"))?;
        let mut nsm = SessionManager {
            socket,
            server,
            url: url.to_string(),
            server_name: String::new(),
            reported: None,
            gone: None,
            refused: 0,
            early_open: None,
            buffer: vec![0; rosc::decoder::MTU],
        };
        let executable = std::env::args()
            .next()
            .map(|a| {
                Path::new(&a)
                    .file_name()
                    .map_or(a.clone(), |n| n.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "dubstage".into());
        nsm.send(announce_message(&executable, std::process::id()))
            .map_err(|e| format!("NSM: cannot reach the session manager at {url}: {e}"))?;
        let deadline = Instant::now() + ANNOUNCE_TIMEOUT;
        loop {
            let Some((message, from)) = nsm.receive_until(deadline)? else {
                return Err(format!(
                    "NSM: the session manager at {url} did not answer the announce in {} s",
                    ANNOUNCE_TIMEOUT.as_secs()
                ));
            };
            match read(&message) {
                Ok(FromServer::Reply { to, text }) if to == "/nsm/server/announce" => {
                    nsm.server_name = text.get(1).cloned().unwrap_or_default();
                    // Speak to where it answers from, connected: a manager
                    // that goes away then shows as a refused port.
                    nsm.server = from;
                    let _ = nsm.socket.connect(from);
                    return Ok(nsm);
                }
                Ok(FromServer::Error { to, code, text }) if to == "/nsm/server/announce" => {
                    return Err(format!(
                        "NSM: the session manager at {url} refused dubstage ({code}): {text}"
                    ))
                }
                Ok(FromServer::Open(open)) => nsm.early_open = Some(open),
                _ => nsm.refused += 1,
            }
        }
    }

    /// Wait for `/nsm/client/open`.
    pub fn wait_open(&mut self) -> Result<Open, String> {
        if let Some(open) = self.early_open.take() {
            return Ok(open);
        }
        let deadline = Instant::now() + OPEN_TIMEOUT;
        loop {
            let Some((message, _)) = self.receive_until(deadline)? else {
                return Err(format!(
                    "NSM: the session manager at {} sent no session to open in {} s",
                    self.url,
                    OPEN_TIMEOUT.as_secs()
                ));
            };
            match read(&message) {
                Ok(FromServer::Open(open)) => return Ok(open),
                Ok(FromServer::SessionIsLoaded) => {}
                _ => self.refused += 1,
            }
        }
    }

    /// Tell the manager the session is open (or why it is not).
    pub fn opened(&mut self, result: Result<&Path, (i32, &str)>) {
        let message = match result {
            Ok(path) => reply("/nsm/client/open", &format!("opened {}", path.display())),
            Err((code, why)) => error("/nsm/client/open", code, why),
        };
        let _ = self.send(message);
    }

    /// Why the manager is taken to be gone, if it is.
    pub fn gone(&self) -> Option<&str> {
        self.gone.as_deref()
    }

    /// One line for `:remote`.
    pub fn summary(&self) -> String {
        let name = if self.server_name.is_empty() {
            "session manager"
        } else {
            &self.server_name
        };
        match &self.gone {
            Some(why) => format!("NSM: {name} at {} is gone ({why})", self.url),
            None => format!(
                "NSM: under {name} at {}; reported {}; {} message(s) refused",
                self.url,
                match self.reported {
                    Some(true) => "dirty",
                    Some(false) => "clean",
                    None => "nothing yet",
                },
                self.refused
            ),
        }
    }

    /// Take the manager's messages, act on them, and report the dirty
    /// state when it changed. Returns whether anything was done.
    pub fn poll(&mut self, app: &mut App) -> bool {
        if self.gone.is_some() {
            return false;
        }
        let mut any = false;
        for _ in 0..64 {
            match self.socket.recv_from(&mut self.buffer) {
                Ok((n, from)) => {
                    if from.port() != self.server.port() {
                        continue;
                    }
                    match rosc::decoder::decode_udp(&self.buffer[..n]) {
                        Ok((_, OscPacket::Message(m))) => {
                            self.handle(app, &m);
                            any = true;
                        }
                        _ => {
                            self.refused += 1;
                            app.desk
                                .complain("NSM: a packet from the session manager is not OSC");
                        }
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => {
                    self.lost(app, &e.to_string());
                    return true;
                }
            }
        }
        let dirty = app.desk.modified();
        if self.reported != Some(dirty) {
            let addr = if dirty {
                "/nsm/client/is_dirty"
            } else {
                "/nsm/client/is_clean"
            };
            match self.send(OscMessage {
                addr: addr.into(),
                args: Vec::new(),
            }) {
                Ok(()) => self.reported = Some(dirty),
                Err(e) => self.lost(app, &e.to_string()),
            }
        }
        app.desk.session_manager = Some(self.summary());
        any
    }

    fn lost(&mut self, app: &mut App, why: &str) {
        self.gone = Some(why.to_string());
        app.desk.complain(format!(
            "NSM: the session manager at {} is gone ({why}); the session stays open here and :w saves it",
            self.url
        ));
        app.desk.session_manager = Some(self.summary());
    }

    fn handle(&mut self, app: &mut App, message: &OscMessage) {
        match read(message) {
            Ok(FromServer::Save) => {
                let answer = match app.desk.write(None) {
                    Ok(path) => {
                        app.desk.say(format!(
                            "written {} (asked by the session manager)",
                            path.display()
                        ));
                        reply("/nsm/client/save", &format!("saved {}", path.display()))
                    }
                    Err(e) => {
                        app.desk.complain(format!("NSM save: {e}"));
                        error("/nsm/client/save", code::GENERAL, &e)
                    }
                };
                if let Err(e) = self.send(answer) {
                    self.lost(app, &e.to_string());
                }
            }
            Ok(FromServer::Open(open)) => {
                // Without :switch: the manager should restart us instead.
                let why = format!(
                    "dubstage cannot switch to {} while {} is open; restart the client",
                    open.prefix.display(),
                    app.desk.path.display()
                );
                app.desk.complain(format!("NSM: {why}"));
                let _ = self.send(error("/nsm/client/open", code::GENERAL, &why));
            }
            Ok(FromServer::SessionIsLoaded) => {}
            Ok(FromServer::Reply { .. }) => {}
            Ok(FromServer::Error { to, code, text }) => {
                app.desk.complain(format!(
                    "NSM: the session manager refused {to} ({code}): {text}"
                ));
            }
            Err(e) => {
                self.refused += 1;
                app.desk.complain(format!("NSM: {e}"));
            }
        }
    }

    fn send(&self, message: OscMessage) -> std::io::Result<()> {
        let bytes = rosc::encoder::encode(&OscPacket::Message(message))
            .map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        self.socket.send_to(&bytes, self.server).map(|_| ())
    }

    /// The next message from the manager, or `None` at the deadline.
    fn receive_until(
        &mut self,
        deadline: Instant,
    ) -> Result<Option<(OscMessage, SocketAddr)>, String> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            let _ = self.socket.set_nonblocking(false);
            let _ = self.socket.set_read_timeout(Some(left));
            let got = self.socket.recv_from(&mut self.buffer);
            let _ = self.socket.set_nonblocking(true);
            match got {
                Ok((n, from)) => match rosc::decoder::decode_udp(&self.buffer[..n]) {
                    Ok((_, OscPacket::Message(m))) => return Ok(Some((m, from))),
                    _ => self.refused += 1,
                },
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => {
                    return Err(format!(
                        "NSM: the session manager at {} cannot be reached: {e}",
                        self.url
                    ))
                }
            }
        }
    }
}

fn reply(to: &str, text: &str) -> OscMessage {
    OscMessage {
        addr: "/reply".into(),
        args: vec![OscType::String(to.into()), OscType::String(text.into())],
    }
}

fn error(to: &str, code: i32, text: &str) -> OscMessage {
    OscMessage {
        addr: "/error".into(),
        args: vec![
            OscType::String(to.into()),
            OscType::Int(code),
            OscType::String(text.into()),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(addr: &str, args: Vec<OscType>) -> OscMessage {
        OscMessage {
            addr: addr.into(),
            args,
        }
    }

    #[test]
    fn urls_are_read() {
        assert_eq!(
            parse_url("osc.udp://127.0.0.1:17777/").unwrap(),
            "127.0.0.1:17777".parse().unwrap()
        );
        assert_eq!(parse_url("osc.udp://localhost:9000").unwrap().port(), 9000);
        // Managers name this machine by its host name, found or not.
        let here = format!("osc.udp://{}:9001/", this_host().unwrap());
        assert_eq!(parse_url(&here).unwrap().port(), 9001);
        for bad in [
            "",
            "osc.tcp://127.0.0.1:1/",
            "osc.udp://127.0.0.1/",
            "osc.udp://:12/",
            "osc.udp://h:x/",
        ] {
            let e = parse_url(bad).unwrap_err();
            assert!(e.contains("NSM_URL"), "{e}");
        }
    }

    #[test]
    fn open_save_and_answers_are_read() {
        let open = read(&message(
            "/nsm/client/open",
            vec![
                OscType::String("/s/take1/take1.dubstage".into()),
                OscType::String("take1".into()),
                OscType::String("dubstage_01".into()),
            ],
        ))
        .unwrap();
        let FromServer::Open(o) = open else {
            panic!("{open:?}")
        };
        assert_eq!(
            o.session_path(),
            Path::new("/s/take1/take1.dubstage/session.ron")
        );
        assert_eq!(o.client_id, "dubstage_01");
        assert_eq!(
            read(&message("/nsm/client/save", vec![])).unwrap(),
            FromServer::Save
        );
        assert_eq!(
            read(&message(
                "/error",
                vec![
                    OscType::String("/nsm/server/announce".into()),
                    OscType::Int(-2),
                    OscType::String("too old".into())
                ]
            ))
            .unwrap(),
            FromServer::Error {
                to: "/nsm/server/announce".into(),
                code: -2,
                text: "too old".into()
            }
        );
    }

    #[test]
    fn malformed_messages_are_errors_that_say_why() {
        let e = read(&message("/nsm/client/open", vec![OscType::Int(3)])).unwrap_err();
        assert!(e.contains("path prefix"), "{e}");
        let e = read(&message(
            "/nsm/client/open",
            vec![OscType::String(String::new())],
        ))
        .unwrap_err();
        assert!(e.contains("empty"), "{e}");
        let e = read(&message("/error", vec![OscType::String("/x".into())])).unwrap_err();
        assert!(e.contains("code"), "{e}");
        let e = read(&message("/nsm/client/show_optional_gui", vec![])).unwrap_err();
        assert!(e.contains("not a message"), "{e}");
    }

    #[test]
    fn the_announce_says_what_dubstage_can_do() {
        let m = announce_message("dubstage", 42);
        assert_eq!(m.addr, "/nsm/server/announce");
        assert_eq!(m.args[1], OscType::String(":dirty:".into()));
        assert_eq!(m.args[3], OscType::Int(1));
        assert_eq!(m.args[5], OscType::Int(42));
    }
}
