//! Media: reading sources of every supported format at the session rate.
//!
//! Uncompressed WAV at the session rate is read in place ([`wav`]); anything
//! else is decoded ([`decode`]) and, where needed, resampled ([`resample`])
//! once into a cache of float WAV files ([`cache`]). The [`pool`] does this
//! for every source of a session and says which sources are offline.

pub mod cache;
pub mod decode;
pub mod guard;
pub mod header;
pub mod overview;
pub mod pool;
pub mod resample;
pub mod sink;
pub mod wav;
pub mod writer;

use std::fmt;
use std::path::PathBuf;

/// Why a media file cannot be used. Every variant names the file.
#[derive(Debug)]
pub enum MediaError {
    /// The file is missing or unreadable.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not in a format or codec dubstage reads.
    Unsupported { path: PathBuf, why: String },
    /// The file is damaged beyond use.
    Damaged { path: PathBuf, why: String },
    /// A header field that makes the audio unreadable: `chunk` names where
    /// it is ("fmt chunk", "COMM chunk", "STREAMINFO"), `why` the field.
    Header {
        path: PathBuf,
        chunk: String,
        why: String,
    },
}

impl fmt::Display for MediaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            MediaError::Unsupported { path, why } => write!(f, "{}: {why}", path.display()),
            MediaError::Damaged { path, why } => write!(f, "{}: damaged: {why}", path.display()),
            MediaError::Header { path, chunk, why } => {
                write!(f, "{}: {chunk}: {why}", path.display())
            }
        }
    }
}

impl std::error::Error for MediaError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MediaError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
