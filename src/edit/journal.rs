//! The undo journal: every edit since the last save, appended to a file
//! beside the session as it happens, so that a crash, a `kill -9` or a
//! power cut after the kernel wrote it loses nothing that was on screen.
//!
//! The file (`.NAME.ron.journal`) starts with a line naming the saved file
//! it follows (its length and a hash of its bytes); each further line is one
//! entry in RON: `Begin` (an undo point), `Set([...])` (the parts of the
//! session that changed, whole tracks or buses or the rest), `Undo` or
//! `Redo`. Replaying the entries over the saved session rebuilds the work
//! and the undo history exactly. A save starts a fresh journal.

use std::fs::{self, File, OpenOptions};
use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{Bus, Session, Track};

const MAGIC: &str = "dubstage-journal 1";

/// One change of the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Part {
    Track(usize, Track),
    Bus(usize, Bus),
    /// Everything but the tracks and buses.
    Rest(Box<Session>),
    /// The whole session (when tracks or buses came or went).
    Whole(Box<Session>),
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Entry {
    /// The session as it is now is an undo point.
    Begin,
    Set(Vec<Part>),
    Undo,
    Redo,
}

/// What changed from `before` to `after`.
pub fn diff(before: &Session, after: &Session) -> Vec<Part> {
    if before.tracks.len() != after.tracks.len() || before.buses.len() != after.buses.len() {
        return vec![Part::Whole(Box::new(after.clone()))];
    }
    let mut parts = Vec::new();
    for (i, (a, b)) in before.tracks.iter().zip(&after.tracks).enumerate() {
        if a != b {
            parts.push(Part::Track(i, b.clone()));
        }
    }
    for (i, (a, b)) in before.buses.iter().zip(&after.buses).enumerate() {
        if a != b {
            parts.push(Part::Bus(i, b.clone()));
        }
    }
    let (ra, rb) = (without_tracks(before), without_tracks(after));
    if ra != rb {
        parts.push(Part::Rest(Box::new(rb)));
    }
    parts
}

/// Everything of `s` but its tracks and buses, without copying those.
fn without_tracks(s: &Session) -> Session {
    // Named field by field, so that a new field cannot be left out.
    let Session {
        format_version,
        name,
        sample_rate,
        timecode,
        sources,
        tracks: _,
        buses: _,
        stems,
        printmaster,
        markers,
        audio,
    } = s;
    Session {
        format_version: *format_version,
        name: name.clone(),
        sample_rate: *sample_rate,
        timecode: timecode.clone(),
        sources: sources.clone(),
        tracks: Vec::new(),
        buses: Vec::new(),
        stems: stems.clone(),
        printmaster: printmaster.clone(),
        markers: markers.clone(),
        audio: audio.clone(),
    }
}

/// Put `parts` into `session`.
pub fn apply(session: &mut Session, parts: &[Part]) -> Result<(), String> {
    for p in parts {
        match p {
            Part::Track(i, t) => {
                *session
                    .tracks
                    .get_mut(*i)
                    .ok_or_else(|| format!("track {i} is not in the session"))? = t.clone()
            }
            Part::Bus(i, b) => {
                *session
                    .buses
                    .get_mut(*i)
                    .ok_or_else(|| format!("bus {i} is not in the session"))? = b.clone()
            }
            Part::Rest(rest) => {
                let tracks = std::mem::take(&mut session.tracks);
                let buses = std::mem::take(&mut session.buses);
                *session = Session {
                    tracks,
                    buses,
                    ..(**rest).clone()
                };
            }
            Part::Whole(s) => *session = (**s).clone(),
        }
    }
    Ok(())
}

/// The journal of the session file at `path`.
pub fn journal_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".journal");
    path.with_file_name(name)
}

/// Names the saved file a journal follows: its length and a hash of its bytes.
fn header(saved: &[u8]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(saved);
    format!("{MAGIC} {} {:016x}", saved.len(), h.finish())
}

/// A journal open for appending.
pub struct Journal {
    path: PathBuf,
    file: File,
    /// Written since the last fsync.
    dirty: bool,
}

impl Journal {
    /// Start a fresh journal for the session file at `session_path`, whose
    /// saved bytes are `saved`.
    pub fn start(session_path: &Path, saved: &[u8]) -> Result<Journal, String> {
        let path = journal_path(session_path);
        let mut file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        writeln!(file, "{}", header(saved)).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Journal {
            path,
            file,
            dirty: true,
        })
    }

    /// Go on appending to the journal of `session_path` (after replaying it).
    pub fn resume(session_path: &Path) -> Result<Journal, String> {
        let path = journal_path(session_path);
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Journal {
            path,
            file,
            dirty: false,
        })
    }

    /// Add an entry. It is in the kernel when this returns (a killed
    /// process loses nothing); [`Journal::sync`] puts it on the disk.
    pub fn append(&mut self, entry: &Entry) -> Result<(), String> {
        let mut line = ron::to_string(entry).map_err(|e| e.to_string())?;
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        self.dirty = true;
        Ok(())
    }

    /// Flush to the disk if anything was written since the last time.
    pub fn sync(&mut self) -> Result<(), String> {
        if self.dirty {
            self.file
                .sync_data()
                .map_err(|e| format!("{}: {e}", self.path.display()))?;
            self.dirty = false;
        }
        Ok(())
    }
}

/// A journal read back.
#[derive(Debug)]
pub struct Pending {
    pub path: PathBuf,
    pub entries: Vec<Entry>,
    /// A last line cut short by the crash, left out.
    pub torn: bool,
}

impl Pending {
    /// How many edits the entries hold.
    pub fn edits(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| matches!(e, Entry::Begin))
            .count()
    }
}

/// The journal of the session at `session_path` if it holds edits made
/// after the save whose bytes are `saved`. A journal of another version of
/// the file is an error naming it.
pub fn read(session_path: &Path, saved: &[u8]) -> Result<Option<Pending>, String> {
    let path = journal_path(session_path);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("").trim_end();
    if !first.starts_with(MAGIC) {
        return Err(format!(
            "{}: line 1: not a dubstage journal",
            path.display()
        ));
    }
    if first != header(saved) {
        return Err(format!(
            "{}: it follows another version of {} (saved since?)",
            path.display(),
            session_path.display()
        ));
    }
    let mut entries = Vec::new();
    let mut torn = false;
    for (n, line) in lines.enumerate() {
        if !line.ends_with('\n') {
            torn = true;
            break;
        }
        let entry: Entry = ron::from_str(line.trim_end())
            .map_err(|e| format!("{}: line {}: {e}", path.display(), n + 2))?;
        entries.push(entry);
    }
    if entries.is_empty() {
        return Ok(None);
    }
    Ok(Some(Pending {
        path,
        entries,
        torn,
    }))
}

/// The session and its undo and redo stacks after `entries`, starting from
/// `saved`; undo keeps at most `depth` states.
pub fn replay(
    saved: Session,
    entries: &[Entry],
    depth: usize,
) -> Result<(Session, Vec<Session>, Vec<Session>), String> {
    let mut now = saved;
    let mut undo: Vec<Session> = Vec::new();
    let mut redo: Vec<Session> = Vec::new();
    for (k, e) in entries.iter().enumerate() {
        match e {
            Entry::Begin => {
                undo.push(now.clone());
                if undo.len() > depth {
                    undo.remove(0);
                }
                redo.clear();
            }
            Entry::Set(parts) => {
                apply(&mut now, parts).map_err(|err| format!("entry {}: {err}", k + 1))?
            }
            Entry::Undo => {
                if let Some(s) = undo.pop() {
                    redo.push(std::mem::replace(&mut now, s));
                }
            }
            Entry::Redo => {
                if let Some(s) = redo.pop() {
                    undo.push(std::mem::replace(&mut now, s));
                }
            }
        }
    }
    Ok((now, undo, redo))
}

/// Set an unwanted journal aside (as `.journal.old`), so a fresh one can
/// start without destroying it.
pub fn set_aside(session_path: &Path) -> Option<PathBuf> {
    let path = journal_path(session_path);
    let mut old = path.clone().into_os_string();
    old.push(".old");
    let old = PathBuf::from(old);
    fs::rename(&path, &old).ok().map(|_| old)
}
