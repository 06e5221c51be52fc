//! Reading and writing session files.
//!
//! Loading reports every problem at `file:line:column` with the field it
//! concerns. Saving is atomic: the text goes to a temporary file in the same
//! folder, is flushed to disk, the previous version is kept as `NAME.bak`, and
//! only then does a rename put the new file in place. A crash at any moment
//! leaves either the old file or the new one, never half of one.

use std::fmt;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::locate::{Locations, Position};
use super::session::Session;
use super::validate::{self, Problem, Severity};

/// Why a session could not be loaded or saved.
#[derive(Debug)]
pub enum SessionError {
    /// The file could not be read or written.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The text is not a session: bad RON syntax, a missing or mistyped field.
    Syntax {
        path: PathBuf,
        position: Position,
        message: String,
    },
    /// The session parsed but has errors (every one is listed).
    Invalid {
        path: PathBuf,
        problems: Vec<LocatedProblem>,
    },
}

/// A problem and where it is in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedProblem {
    pub problem: Problem,
    pub position: Option<Position>,
}

impl LocatedProblem {
    /// `file:line:column: field: message`, as compilers print it.
    pub fn render(&self, path: &Path) -> String {
        let kind = match self.problem.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.position {
            Some(p) => format!(
                "{}:{}:{}: {kind}: {}: {}",
                path.display(),
                p.line,
                p.column,
                self.problem.path,
                self.problem.message
            ),
            None => format!(
                "{}: {kind}: {}: {}",
                path.display(),
                self.problem.path,
                self.problem.message
            ),
        }
    }
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            SessionError::Syntax {
                path,
                position,
                message,
            } => {
                write!(
                    f,
                    "{}:{}:{}: error: {message}",
                    path.display(),
                    position.line,
                    position.column
                )
            }
            SessionError::Invalid { path, problems } => {
                let errors = problems
                    .iter()
                    .filter(|p| p.problem.severity == Severity::Error)
                    .count();
                writeln!(f, "{}: {errors} error(s) in the session:", path.display())?;
                for (i, p) in problems.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "  {}", p.render(path))?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for SessionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SessionError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A loaded session, its file, and the warnings found while loading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub session: Session,
    pub path: PathBuf,
    pub warnings: Vec<LocatedProblem>,
}

impl Loaded {
    /// The warnings as lines for people.
    pub fn warning_lines(&self) -> Vec<String> {
        self.warnings.iter().map(|w| w.render(&self.path)).collect()
    }
}

/// Parse session text; `path` is used only in messages.
pub fn parse(text: &str, path: &Path) -> Result<Loaded, SessionError> {
    let session: Session =
        ron::Options::default()
            .from_str(text)
            .map_err(|e| SessionError::Syntax {
                path: path.to_path_buf(),
                position: Position {
                    line: e.position.line,
                    column: e.position.col,
                },
                message: e.code.to_string(),
            })?;
    let problems = validate::check(&session);
    let locations = Locations::scan(text);
    let located: Vec<LocatedProblem> = problems
        .into_iter()
        .map(|problem| LocatedProblem {
            position: locations.find(&problem.path),
            problem,
        })
        .collect();
    if located
        .iter()
        .any(|p| p.problem.severity == Severity::Error)
    {
        return Err(SessionError::Invalid {
            path: path.to_path_buf(),
            problems: located,
        });
    }
    Ok(Loaded {
        session,
        path: path.to_path_buf(),
        warnings: located,
    })
}

/// Read and check the session file at `path`.
pub fn load(path: &Path) -> Result<Loaded, SessionError> {
    let text = fs::read_to_string(path).map_err(|source| SessionError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// The session as RON text, laid out for people to read and diff.
pub fn to_text(session: &Session) -> String {
    let config = ron::ser::PrettyConfig::new()
        .indentor("    ".to_string())
        .struct_names(false)
        .separate_tuple_members(false)
        .enumerate_arrays(false);
    let body = ron::ser::to_string_pretty(session, config).unwrap_or_else(|e| {
        // Serializing plain data to a String cannot fail; keep a readable trace if it ever does.
        format!("// dubstage could not serialize this session: {e}\n")
    });
    format!(
        "// dubstage session (format {}). Positions and lengths are in samples.\n{body}\n",
        session.format_version
    )
}

/// Save `session` to `path` atomically, keeping the previous file as `.bak`.
pub fn save(session: &Session, path: &Path) -> Result<(), SessionError> {
    write_atomically(path, to_text(session).as_bytes())
}

/// `NAME.bak` beside `path`.
pub fn backup_path(path: &Path) -> PathBuf {
    sibling(path, ".bak")
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// `.NAME.recover` beside the session file `path`: where the console keeps
/// unsaved work when it is cut off (an SSH drop, a crash, a signal).
pub fn recovery_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".recover");
    path.with_file_name(name)
}

/// Save `session` to the recovery file of `path`, atomically (a temporary
/// file, an fsync and a rename; no `.bak`). Returns the recovery file's path.
pub fn save_recovery(session: &Session, path: &Path) -> Result<PathBuf, SessionError> {
    let recovery = recovery_path(path);
    write_file(&recovery, to_text(session).as_bytes(), false)?;
    Ok(recovery)
}

/// The recovery file of `path` when there is one newer than `path` itself
/// (or when `path` is gone).
pub fn newer_recovery(path: &Path) -> Option<PathBuf> {
    let recovery = recovery_path(path);
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let r = modified(&recovery)?;
    match modified(path) {
        Some(s) if s > r => None,
        _ => Some(recovery),
    }
}

/// Write `bytes` to `path` through a temporary file, an fsync and a rename,
/// keeping any previous file as `.bak`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SessionError> {
    write_file(path, bytes, true)
}

fn write_file(path: &Path, bytes: &[u8], keep_backup: bool) -> Result<(), SessionError> {
    let io = |source| SessionError::Io {
        path: path.to_path_buf(),
        source,
    };
    let tmp = sibling(path, ".tmp");
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        if keep_backup && path.exists() {
            let bak = backup_path(path);
            let bak_tmp = sibling(path, ".bak.tmp");
            fs::copy(path, &bak_tmp)?;
            File::open(&bak_tmp)?.sync_all()?;
            fs::rename(&bak_tmp, &bak)?;
        }
        fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Make the rename itself durable.
            File::open(dir)?.sync_all()?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io)
}
