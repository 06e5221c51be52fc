//! The media pool: every source of a session made ready to read, or listed
//! as offline with the reason. A session with missing media still opens;
//! its clips on missing sources are silent until the media come back.

use std::path::{Path, PathBuf};

use super::cache::{MediaCache, Prepared};
use crate::model::Session;

/// One source of the session and whether it can be played.
#[derive(Debug, Clone)]
pub struct PoolEntry {
    pub id: String,
    /// The source's path as resolved against the session folder.
    pub path: PathBuf,
    pub state: SourceState,
}

#[derive(Debug, Clone)]
pub enum SourceState {
    Online(Prepared),
    /// Missing, unreadable or unusable; the reason names the file.
    Offline(String),
}

/// The sources of one session, in the session's order.
#[derive(Debug, Clone, Default)]
pub struct MediaPool {
    pub entries: Vec<PoolEntry>,
}

impl MediaPool {
    /// Prepare every source of `session`; relative paths are taken from
    /// `session_dir`. `progress` hears each source id as work on it begins.
    pub fn open(
        session: &Session,
        session_dir: &Path,
        cache: &MediaCache,
        mut progress: impl FnMut(&str),
    ) -> MediaPool {
        let entries = session
            .sources
            .iter()
            .map(|source| {
                progress(&source.id);
                let path = resolve(session_dir, &source.path);
                let state = match cache.prepare(&path, session.sample_rate) {
                    Ok(prepared) => SourceState::Online(prepared),
                    Err(e) => SourceState::Offline(e.to_string()),
                };
                PoolEntry {
                    id: source.id.clone(),
                    path,
                    state,
                }
            })
            .collect();
        MediaPool { entries }
    }

    /// Index of the source `id`.
    pub fn index(&self, id: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.id == id)
    }

    pub fn prepared(&self, index: usize) -> Option<&Prepared> {
        match &self.entries.get(index)?.state {
            SourceState::Online(p) => Some(p),
            SourceState::Offline(_) => None,
        }
    }

    /// The sources that cannot play, with their reasons.
    pub fn offline(&self) -> impl Iterator<Item = (&PoolEntry, &str)> {
        self.entries.iter().filter_map(|e| match &e.state {
            SourceState::Offline(why) => Some((e, why.as_str())),
            SourceState::Online(_) => None,
        })
    }

    /// Warnings from preparing the sources (damaged files decoded in part).
    pub fn warnings(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .flat_map(|e| match &e.state {
                SourceState::Online(p) => p.warnings.as_slice(),
                SourceState::Offline(_) => &[],
            })
            .map(String::as_str)
    }

    /// Every offline source in one report, or `None` when all are online.
    pub fn offline_report(&self, session: &Session) -> Option<String> {
        let offline: Vec<_> = self.offline().collect();
        if offline.is_empty() {
            return None;
        }
        let mut text = format!(
            "{} source(s) offline; their clips play as silence:",
            offline.len()
        );
        for (entry, why) in offline {
            let clips = session
                .tracks
                .iter()
                .flat_map(|t| t.clips.iter().map(move |c| (t, c)))
                .filter(|(_, c)| c.source == entry.id)
                .map(|(t, c)| format!("{}/{}", t.name, c.display_name()))
                .collect::<Vec<_>>();
            text.push_str(&format!(
                "\n  {} ({}): {why}",
                entry.id,
                entry.path.display()
            ));
            if !clips.is_empty() {
                text.push_str(&format!("\n    clips: {}", clips.join(", ")));
            }
        }
        Some(text)
    }
}

/// `path` taken relative to `dir` unless it is absolute.
pub fn resolve(dir: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        dir.join(path)
    }
}
