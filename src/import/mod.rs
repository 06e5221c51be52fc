//! Importing the picture editor's cut: a CMX3600 EDL ([`edl`]) or an
//! OpenTimelineIO file ([`otio`]) is read into a neutral [`cut::Cut`], its
//! sources are looked up in the media folders ([`find`]) with their BWF
//! timecode ([`bwf`]), and [`build()`] turns it into a session with a report
//! of what is offline, unsupported or disagrees with the media. [`spot`]
//! moves a clip to its original timecode.

pub mod build;
pub mod bwf;
pub mod channels;
pub mod comments;
pub mod cut;
pub mod edl;
pub mod find;
pub mod otio;
pub mod rate;
pub mod report;
pub mod spot;
pub mod text;
pub mod time;

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::model::file::SessionError;
use crate::model::timecode::FrameRate;

pub use build::{build, BuildOptions};
pub use report::Report;

/// Why a cut could not be imported or a clip not spotted. Every variant
/// names the file, and the line or JSON path where there is one.
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A line of an EDL that cannot be read.
    #[error("{}:{line}: {message}", path.display())]
    Edl {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// The OTIO file is not JSON.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// The OTIO file is JSON but not a timeline dubstage reads, at a JSON
    /// path such as `tracks.children[1].children[3].source_range`.
    #[error("{}: {at}: {message}", path.display())]
    Otio {
        path: PathBuf,
        at: String,
        message: String,
    },
    /// A problem with the cut as a whole, or with what was asked of it.
    #[error("{}: {message}", path.display())]
    Cut { path: PathBuf, message: String },
    /// The session file could not be read or written.
    #[error("{0}")]
    Session(#[from] SessionError),
}

/// The formats `dubstage import` reads, told apart by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Edl,
    Otio,
}

impl Format {
    /// `.edl` is CMX3600, `.otio` is OpenTimelineIO JSON (case-insensitive).
    pub fn of(path: &Path) -> Result<Format, ImportError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "edl" => Ok(Format::Edl),
            "otio" => Ok(Format::Otio),
            _ => Err(ImportError::Cut {
                path: path.to_path_buf(),
                message: "expected a CMX3600 EDL (.edl) or an OpenTimelineIO file (.otio)".into(),
            }),
        }
    }
}

/// Read the cut at `path`; `rate` is the timecode rate to read an EDL at
/// (an EDL only says so when it is drop-frame; else it is inferred, with
/// the iXML rate of what it finds in the `media` folders) or the session
/// rate to give an OTIO timeline. A file that is not UTF-8 is read as
/// Windows-1252 ([`text`]), with a note saying so.
pub fn read_cut(
    path: &Path,
    rate: Option<FrameRate>,
    media: &[PathBuf],
) -> Result<cut::Cut, ImportError> {
    let format = Format::of(path)?;
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let (text, encoding) = text::decode(&bytes);
    let mut cut = match format {
        Format::Edl => edl::read(&text, path, rate, Some(media))?,
        Format::Otio => otio::parse(&text, path, rate)?,
    };
    if encoding == text::Encoding::Windows1252 {
        let line = text::first_non_utf8_line(&bytes).unwrap_or(1);
        cut.notes.insert(
            0,
            format!(
                "{} is not UTF-8 (line {line} is the first that is not): read as Windows-1252 (Latin-1), \
                 as Avid and older systems write",
                cut.format.speaker()
            ),
        );
    }
    Ok(cut)
}
