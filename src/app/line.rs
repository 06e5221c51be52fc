//! The `:` command line: editing, history (Up and Down recall earlier lines
//! that begin with what is typed) and completion (Tab and Shift-Tab cycle).

use crate::keymap::{Key, KeyCode};

/// What a key did to the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineEvent {
    /// Still editing.
    Editing,
    /// Enter: run this line.
    Submit(String),
    /// Escape (or Backspace on an empty line).
    Cancel,
    /// Tab: complete (the app supplies the candidates).
    Complete { backwards: bool },
}

#[derive(Debug, Clone, Default)]
pub struct LineEditor {
    pub text: String,
    /// Cursor, in characters.
    pub cursor: usize,
    pub history: Vec<String>,
    /// Where in the history Up/Down are, and what was typed before.
    browsing: Option<(usize, String)>,
    /// Candidates being cycled by Tab, the text they replace from, and which is shown.
    completing: Option<(Vec<String>, usize, usize)>,
}

const HISTORY: usize = 200;

impl LineEditor {
    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
        self.browsing = None;
        self.completing = None;
    }

    fn byte(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Keep `line` in the history (the latest last, no repeats).
    pub fn remember(&mut self, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        self.history.retain(|h| h != line);
        self.history.push(line.to_string());
        if self.history.len() > HISTORY {
            self.history.remove(0);
        }
    }

    pub fn key(&mut self, key: Key) -> LineEvent {
        if !matches!(key.code, KeyCode::Tab | KeyCode::BackTab) {
            self.completing = None;
        }
        if !matches!(key.code, KeyCode::Up | KeyCode::Down) {
            self.browsing = None;
        }
        match (key.code, key.ctrl) {
            (KeyCode::Enter, _) | (KeyCode::Char('m'), true) => {
                let line = std::mem::take(&mut self.text);
                self.cursor = 0;
                self.remember(&line);
                return LineEvent::Submit(line);
            }
            (KeyCode::Esc, _) | (KeyCode::Char('c'), true) => {
                self.clear();
                return LineEvent::Cancel;
            }
            (KeyCode::Tab, _) => return LineEvent::Complete { backwards: false },
            (KeyCode::BackTab, _) => return LineEvent::Complete { backwards: true },
            (KeyCode::Backspace, _) | (KeyCode::Char('h'), true) => {
                if self.text.is_empty() {
                    return LineEvent::Cancel;
                }
                if self.cursor > 0 {
                    let at = self.byte(self.cursor - 1);
                    self.text.remove(at);
                    self.cursor -= 1;
                }
            }
            (KeyCode::Delete, _) if self.cursor < self.text.chars().count() => {
                let at = self.byte(self.cursor);
                self.text.remove(at);
            }
            (KeyCode::Left, _) | (KeyCode::Char('b'), true) => {
                self.cursor = self.cursor.saturating_sub(1)
            }
            (KeyCode::Right, _) | (KeyCode::Char('f'), true) => {
                self.cursor = (self.cursor + 1).min(self.text.chars().count())
            }
            (KeyCode::Home, _) | (KeyCode::Char('a'), true) => self.cursor = 0,
            (KeyCode::End, _) | (KeyCode::Char('e'), true) => {
                self.cursor = self.text.chars().count()
            }
            (KeyCode::Char('u'), true) => {
                let at = self.byte(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
            }
            (KeyCode::Char('w'), true) => {
                let at = self.byte(self.cursor);
                let before = self.text[..at].trim_end();
                let start = before.rfind(' ').map_or(0, |i| i + 1);
                self.cursor = self.text[..start].chars().count();
                self.text.replace_range(start..at, "");
            }
            (KeyCode::Up, _) => self.recall(true),
            (KeyCode::Down, _) => self.recall(false),
            (KeyCode::Char(c), false) if !key.alt => {
                let at = self.byte(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
            }
            _ => {}
        }
        LineEvent::Editing
    }

    fn recall(&mut self, older: bool) {
        let (mut at, typed) = self
            .browsing
            .clone()
            .unwrap_or((self.history.len(), self.text.clone()));
        loop {
            if older {
                if at == 0 {
                    return;
                }
                at -= 1;
            } else {
                at += 1;
                if at >= self.history.len() {
                    self.text = typed.clone();
                    self.cursor = self.text.chars().count();
                    self.browsing = None;
                    return;
                }
            }
            if self.history[at].starts_with(&typed) {
                break;
            }
        }
        self.text = self.history[at].clone();
        self.cursor = self.text.chars().count();
        self.browsing = Some((at, typed));
    }

    /// The word being completed: from the last space (or the start) to the end.
    pub fn completion_start(&self) -> usize {
        self.text.rfind(' ').map_or(0, |i| i + 1)
    }

    /// Cycle through `candidates` (found for the text as it was when Tab was
    /// first pressed); `None` means "compute them", given on the first Tab.
    pub fn complete(&mut self, candidates: impl FnOnce(&str) -> Vec<String>, backwards: bool) {
        let (list, from, shown) = match self.completing.take() {
            Some((list, from, shown)) if !list.is_empty() => {
                let n = list.len();
                let next = if backwards {
                    (shown + n - 1) % n
                } else {
                    (shown + 1) % n
                };
                (list, from, next)
            }
            _ => {
                let from = self.completion_start();
                let list = candidates(&self.text);
                let first = if backwards {
                    list.len().saturating_sub(1)
                } else {
                    0
                };
                (list, from, first)
            }
        };
        if let Some(c) = list.get(shown) {
            self.text.truncate(from);
            self.text.push_str(c);
            self.cursor = self.text.chars().count();
        }
        self.completing = Some((list, from, shown));
    }

    /// The candidates being cycled, and which one is shown.
    pub fn completions(&self) -> Option<(&[String], usize)> {
        self.completing
            .as_ref()
            .filter(|(l, _, _)| l.len() > 1)
            .map(|(l, _, i)| (l.as_slice(), *i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keymap::parse_keys;

    fn type_in(e: &mut LineEditor, keys: &str) -> Vec<LineEvent> {
        parse_keys(keys)
            .unwrap()
            .into_iter()
            .map(|k| e.key(k))
            .collect()
    }

    #[test]
    fn editing_history_and_completion() {
        let mut e = LineEditor::default();
        let ev = type_in(&mut e, "goto 10s<cr>");
        assert_eq!(ev.last(), Some(&LineEvent::Submit("goto 10s".into())));
        type_in(&mut e, "w<cr>");
        type_in(&mut e, "g<up>");
        assert_eq!(
            e.text, "goto 10s",
            "Up recalls lines that begin with what is typed"
        );
        type_in(&mut e, "<down>");
        assert_eq!(e.text, "g");
        type_in(&mut e, "<C-u>set fo");
        e.complete(|_| vec!["follow".into(), "foo".into()], false);
        assert_eq!(e.text, "set follow");
        e.complete(|_| unreachable_list(), false);
        assert_eq!(e.text, "set foo");
        type_in(&mut e, "<C-w>");
        assert_eq!(e.text, "set ");
        type_in(&mut e, "<left><bs>");
        assert_eq!(e.text, "se ");
        assert_eq!(type_in(&mut e, "<esc>"), vec![LineEvent::Cancel]);
        assert_eq!(type_in(&mut e, "<bs>"), vec![LineEvent::Cancel]);
    }

    fn unreachable_list() -> Vec<String> {
        vec!["never asked for".into()]
    }
}
