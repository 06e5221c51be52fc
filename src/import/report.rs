//! What an import did and what the mixer should look at: sources that are
//! offline, things in the cut that dubstage does not reproduce, and places
//! where the cut and the media's own timecode disagree.

use std::fmt;
use std::path::PathBuf;

/// The account of one import, printed after it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// "12 clips on 2 tracks (A1, A2) from 8 sources, 48000 Hz, 24 fps from 01:00:00:00".
    pub summary: String,
    /// Sources that were not found, each with the clips that use it.
    pub offline: Vec<Offline>,
    /// What the cut has that the session does not reproduce.
    pub unsupported: Vec<String>,
    /// Where the cut and the media disagree.
    pub disagreements: Vec<String>,
    /// Lesser remarks.
    pub notes: Vec<String>,
}

/// A source not found in the media folders.
#[derive(Debug, Clone, PartialEq)]
pub struct Offline {
    /// Where the session expects it.
    pub expected: PathBuf,
    /// The names it was looked for by.
    pub names: Vec<String>,
    /// The clips that use it, as "A1 event 7".
    pub clips: Vec<String>,
}

impl Report {
    /// True when there is nothing to look at beyond the summary.
    pub fn is_clean(&self) -> bool {
        self.offline.is_empty()
            && self.unsupported.is_empty()
            && self.disagreements.is_empty()
            && self.notes.is_empty()
    }
}

fn list(f: &mut fmt::Formatter<'_>, heading: &str, items: &[String]) -> fmt::Result {
    if items.is_empty() {
        return Ok(());
    }
    writeln!(f, "{heading}")?;
    for item in items {
        writeln!(f, "  {item}")?;
    }
    Ok(())
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.summary)?;
        if !self.offline.is_empty() {
            writeln!(
                f,
                "{} source(s) not found; their clips are offline (silent), with source offsets counted from 00:00:00:00 \
                 (or the media start the cut gives): import again once the media are found:",
                self.offline.len()
            )?;
            for o in &self.offline {
                let names: Vec<String> = o.names.iter().map(|n| format!("\"{n}\"")).collect();
                writeln!(
                    f,
                    "  {} (looked for {}): {}",
                    o.expected.display(),
                    if names.is_empty() {
                        "no name".to_string()
                    } else {
                        names.join(", ")
                    },
                    o.clips.join(", ")
                )?;
            }
        }
        list(
            f,
            &format!(
                "{} thing(s) in the cut not reproduced:",
                self.unsupported.len()
            ),
            &self.unsupported,
        )?;
        list(
            f,
            &format!(
                "{} disagreement(s) between the cut and the media's timecode:",
                self.disagreements.len()
            ),
            &self.disagreements,
        )?;
        list(f, "notes:", &self.notes)
    }
}
