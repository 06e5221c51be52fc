//! Keymap files (RON): per mode, key sequences mapped to command lines,
//! and labels for the groups the which-key popup shows.
//!
//! ```ron
//! (
//!     labels: { "g": "go to" },
//!     normal: { "gg": "rewind", "+": "fader-up 1", "x": "nop" },
//!     visual: { "y": "yank" },
//! )
//! ```
//! `nop` removes a binding of the defaults.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A keymap file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeymapFile {
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub normal: BTreeMap<String, String>,
    #[serde(default)]
    pub visual: BTreeMap<String, String>,
}

/// A problem in a keymap file, at its line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// Parse the text of a keymap file; `path` is used in messages.
pub fn parse(text: &str, path: &Path) -> Result<KeymapFile, KeymapError> {
    ron::Options::default()
        .from_str(text)
        .map_err(|e| KeymapError {
            path: path.to_path_buf(),
            line: e.position.line,
            column: e.position.col,
            message: e.code.to_string(),
        })
}

/// Line and column (from 1) of the first `"key"` written after `section:`
/// in `text`, else of its first occurrence anywhere, else 1:1.
pub fn locate(text: &str, section: &str, key: &str) -> (usize, usize) {
    let quoted = format!("{:?}", key);
    let from = text.find(&format!("{section}:")).unwrap_or(0);
    let at = text[from..]
        .find(&quoted)
        .map(|i| i + from)
        .or_else(|| text.find(&quoted))
        .unwrap_or(0);
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}
