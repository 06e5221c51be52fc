//! Keymaps: key notation ([`notation`]), each mode's keys as a trie
//! ([`trie`]) and keymap files ([`file`]). The defaults,
//! `keymaps/default.ron`, are built into the program; the user's
//! `$XDG_CONFIG_HOME/dubstage/keymap.ron` (or `~/.config/dubstage/keymap.ron`)
//! is merged over them key by key. Visual mode has the normal keys plus its own.

pub mod file;
pub mod notation;
pub mod trie;

use std::path::{Path, PathBuf};

pub use file::KeymapError;
pub use notation::{parse_keys, show_keys, Key, KeyCode};
pub use trie::{Binding, KeyNode, KeyTrie, Lookup};

/// The keymap built into the program.
pub const DEFAULT: &str = include_str!("../../keymaps/default.ron");

/// The modes that have keymaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMode {
    Normal,
    Visual,
}

/// Every mode's keys.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    pub normal: KeyNode,
    pub visual: KeyNode,
}

impl Keymap {
    pub fn mode(&self, mode: KeyMode) -> &KeyNode {
        match mode {
            KeyMode::Normal => &self.normal,
            KeyMode::Visual => &self.visual,
        }
    }

    /// The built-in keymap. `known` says whether a command name exists.
    pub fn defaults(known: &dyn Fn(&str) -> bool) -> Keymap {
        let mut map = Keymap::default();
        // The built-in file is checked by the tests; a mistake in it must
        // not stop the program, so errors are ignored here.
        let _ = map.merge_text(DEFAULT, Path::new("keymaps/default.ron"), known);
        map
    }

    /// Merge the keymap file `text` over this one, key by key. Every
    /// problem is returned; the entries without problems are still merged.
    /// A file that does not parse changes nothing.
    pub fn merge_text(
        &mut self,
        text: &str,
        path: &Path,
        known: &dyn Fn(&str) -> bool,
    ) -> Vec<KeymapError> {
        let parsed = match file::parse(text, path) {
            Ok(f) => f,
            Err(e) => return vec![e],
        };
        let mut errors = Vec::new();
        let mut error = |section: &str, key: &str, message: String| {
            let (line, column) = file::locate(text, section, key);
            errors.push(KeymapError {
                path: path.to_path_buf(),
                line,
                column,
                message,
            });
        };
        let mut visual_overrides = Vec::new();
        for (section, entries) in [("normal", &parsed.normal), ("visual", &parsed.visual)] {
            for (keys_text, line) in entries {
                let keys = match parse_keys(keys_text) {
                    Ok(k) => k,
                    Err(e) => {
                        error(section, keys_text, e.to_string());
                        continue;
                    }
                };
                let binding = Binding::parse(line);
                match &binding {
                    None => {
                        error(
                            section,
                            keys_text,
                            format!(
                                "{keys_text:?} is bound to nothing; write \"nop\" to unbind it"
                            ),
                        );
                        continue;
                    }
                    Some(b) if b.command != "nop" && !known(&b.command) => {
                        error(
                            section,
                            keys_text,
                            format!(
                                "{keys_text:?}: no command is called {:?} (see :help)",
                                b.command
                            ),
                        );
                        continue;
                    }
                    _ => {}
                }
                let binding = binding.unwrap_or_else(|| Binding {
                    command: "nop".into(),
                    args: Vec::new(),
                });
                if section == "normal" {
                    for node in [&mut self.normal, &mut self.visual] {
                        if binding.command == "nop" {
                            node.remove(&keys);
                        } else {
                            node.insert(&keys, binding.clone());
                        }
                    }
                } else {
                    visual_overrides.push((keys, binding));
                }
            }
        }
        // Visual entries win over normal ones in visual mode.
        for (keys, binding) in visual_overrides {
            if binding.command == "nop" {
                self.visual.remove(&keys);
            } else {
                self.visual.insert(&keys, binding);
            }
        }
        for (keys_text, label) in &parsed.labels {
            match parse_keys(keys_text) {
                Ok(keys) => {
                    self.normal.set_label(&keys, label);
                    self.visual.set_label(&keys, label);
                }
                Err(e) => error("labels", keys_text, e.to_string()),
            }
        }
        errors
    }

    /// The defaults with the user's file merged over them, and what went
    /// wrong reading that file (reported to the user; the defaults stand).
    pub fn load(user_file: Option<&Path>, known: &dyn Fn(&str) -> bool) -> (Keymap, Vec<String>) {
        let mut map = Keymap::defaults(known);
        let mut problems = Vec::new();
        if let Some(path) = user_file {
            match std::fs::read_to_string(path) {
                Ok(text) => {
                    for e in map.merge_text(&text, path, known) {
                        problems.push(e.to_string());
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => problems.push(format!("{}: {e}", path.display())),
            }
        }
        (map, problems)
    }

    /// Every key sequence of `mode` that runs `command` (any arguments).
    pub fn keys_for(&self, mode: KeyMode, command: &str) -> Vec<String> {
        self.mode(mode)
            .bindings()
            .into_iter()
            .filter(|(_, b)| b.command.strip_suffix('!').unwrap_or(&b.command) == command)
            .map(|(k, _)| show_keys(&k))
            .collect()
    }
}

/// Where the user's keymap file is: `$XDG_CONFIG_HOME/dubstage/keymap.ron`,
/// else `$HOME/.config/dubstage/keymap.ron`.
pub fn user_file() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("XDG_CONFIG_HOME")
        .or_else(|| env("HOME").map(|h| h.join(".config")))
        .map(|d| d.join("dubstage").join("keymap.ron"))
}
