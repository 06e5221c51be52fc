//! Keeping the desk's work: writing the session (atomically, with a
//! .bak), the journal every edit is appended to, the recovery file, and
//! replaying a crashed session's journal.

use std::path::{Path, PathBuf};

use super::desk::Desk;
use crate::edit::journal::{self, Entry, Journal};
use crate::model::file;
use crate::model::Session;

impl Desk {
    /// Save to `path` (the session's own file when `None`).
    pub fn write(&mut self, path: Option<&Path>) -> Result<PathBuf, String> {
        let target = path.map_or_else(|| self.path.clone(), Path::to_path_buf);
        file::save(&self.session, &target).map_err(|e| e.to_string())?;
        if target == self.path {
            self.saved = self.session.clone();
            // The session on disk holds every edit: the journal starts afresh.
            if self.journal_file.take().is_some() {
                let _ = std::fs::remove_file(journal::journal_path(&self.path));
            }
            let recovery = file::recovery_path(&self.path);
            if recovery.exists() {
                // The session on disk now holds everything; the old
                // recovery file would only mislead.
                let _ = std::fs::remove_file(&recovery);
            }
            self.recovery = None;
            self.recovered = None;
        }
        self.changed = true;
        Ok(target)
    }

    /// The session as last saved or loaded.
    pub fn saved_session(&self) -> &Session {
        &self.saved
    }

    /// Append an edit to the journal, starting one (and setting aside a
    /// journal left from before) at the first edit after a save.
    pub fn journal(&mut self, entry: &Entry) {
        if self.journal_file.is_none() {
            if journal::journal_path(&self.path).exists() {
                self.pending_journal = None;
                if let Some(old) = journal::set_aside(&self.path) {
                    self.notes.push(format!(
                        "the earlier journal was set aside as {}",
                        old.display()
                    ));
                }
            }
            let saved = std::fs::read(&self.path).unwrap_or_default();
            match Journal::start(&self.path, &saved) {
                Ok(j) => self.journal_file = Some(j),
                Err(e) => {
                    self.complain(format!("cannot keep the undo journal: {e}"));
                    return;
                }
            }
        }
        if let Some(j) = &mut self.journal_file {
            if let Err(e) = j.append(entry) {
                self.complain(format!("cannot write the undo journal: {e}"));
            }
        }
    }

    /// Put the journal on the disk (called when idle).
    pub fn sync_journal(&mut self) {
        if let Some(j) = &mut self.journal_file {
            if let Err(e) = j.sync() {
                self.complain(format!("cannot write the undo journal: {e}"));
            }
        }
    }

    /// Go on with a journal that was replayed.
    pub fn continue_journal(&mut self) {
        match Journal::resume(&self.path) {
            Ok(j) => self.journal_file = Some(j),
            Err(e) => self.complain(format!("cannot keep the undo journal: {e}")),
        }
    }

    /// Write unsaved work to the recovery file (nothing when all is
    /// saved or already written there). Returns the file written.
    pub fn save_recovery(&mut self) -> Result<Option<PathBuf>, String> {
        if !self.modified() || self.recovered.as_ref() == Some(&self.session) {
            return Ok(None);
        }
        let path = file::save_recovery(&self.session, &self.path).map_err(|e| e.to_string())?;
        self.recovered = Some(self.session.clone());
        Ok(Some(path))
    }

    /// Load the recovery file's session in place of the one on screen
    /// (unsaved: `:w` keeps it).
    pub fn recover(&mut self) -> Result<(), String> {
        let path = self
            .recovery
            .clone()
            .filter(|p| p.exists())
            .or_else(|| Some(file::recovery_path(&self.path)).filter(|p| p.exists()))
            .ok_or_else(|| format!("{}: no recovery file", self.path.display()))?;
        let loaded = file::load(&path).map_err(|e| e.to_string())?;
        if loaded.session.sources != self.session.sources
            || loaded.session.sample_rate != self.session.sample_rate
        {
            return Err(format!(
                "{}: its sources differ from the session's; open it with :e to use it",
                path.display()
            ));
        }
        let solo = vec![false; loaded.session.tracks.len()];
        self.restore(loaded.session, solo);
        self.recovery = None;
        Ok(())
    }
}
