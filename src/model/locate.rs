//! Find where a value sits in RON text, so that a problem found after parsing
//! (an unknown source, an overlap) can be reported at `line:column`.
//!
//! serde forgets positions once a value is built; this small scanner walks the
//! same text and records the position of every value by its field path, e.g.
//! `tracks[2].clips[5].source`. It is best effort: on text it does not
//! understand it stops, and a lookup falls back to the nearest enclosing value.

use std::collections::HashMap;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Positions of values in one RON text, by path.
#[derive(Debug, Default)]
pub struct Locations {
    by_path: HashMap<String, Position>,
}

impl Locations {
    /// Scan `text`, recording every value it can reach.
    pub fn scan(text: &str) -> Locations {
        let mut scanner = Scanner {
            chars: text.chars().collect(),
            at: 0,
            line: 1,
            column: 1,
            found: HashMap::new(),
        };
        let _ = scanner.value(String::new(), 0);
        Locations {
            by_path: scanner.found,
        }
    }

    /// The position of `path`, or of the nearest enclosing value that was found.
    pub fn find(&self, path: &str) -> Option<Position> {
        let mut path = path;
        loop {
            if let Some(pos) = self.by_path.get(path) {
                return Some(*pos);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

struct Scanner {
    chars: Vec<char>,
    at: usize,
    line: usize,
    column: usize,
    found: HashMap<String, Position>,
}

/// Values nest at most this deep; deeper text is not scanned.
const MAX_DEPTH: usize = 64;

impl Scanner {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    /// Skip whitespace and comments.
    fn skip(&mut self) {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some('/') if self.chars.get(self.at + 1) == Some(&'/') => {
                    while let Some(c) = self.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                Some('/') if self.chars.get(self.at + 1) == Some(&'*') => {
                    self.bump();
                    self.bump();
                    let mut depth = 1;
                    while depth > 0 {
                        match self.bump() {
                            None => return,
                            Some('*') if self.peek() == Some('/') => {
                                self.bump();
                                depth -= 1;
                            }
                            Some('/') if self.peek() == Some('*') => {
                                self.bump();
                                depth += 1;
                            }
                            _ => {}
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn ident(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' {
                s.push(c);
                self.bump();
            } else {
                break;
            }
        }
        s
    }

    /// Scan one value at `path`; `None` when the text is not understood.
    fn value(&mut self, path: String, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip();
        let start = self.position();
        let first = self.peek()?;
        self.found.entry(path.clone()).or_insert(start);
        match first {
            '"' => self.string(),
            'r' if matches!(self.chars.get(self.at + 1), Some('"') | Some('#')) => {
                self.raw_string()
            }
            '\'' => {
                self.bump();
                while let Some(c) = self.bump() {
                    match c {
                        '\\' => {
                            self.bump();
                        }
                        '\'' => break,
                        _ => {}
                    }
                }
                Some(())
            }
            '[' => {
                self.bump();
                self.sequence(']', |index| format!("{path}[{index}]"), depth)
            }
            '{' => {
                self.bump();
                self.map(&path, depth)
            }
            '(' => {
                self.bump();
                self.parens(&path, depth)
            }
            c if c.is_alphabetic() || c == '_' => {
                let name = self.ident();
                self.skip();
                if self.peek() == Some('(') {
                    self.bump();
                    if name == "Some" {
                        // Option is transparent: the inner value has the same path.
                        self.value(path, depth + 1)?;
                        self.skip();
                        if self.peek() == Some(',') {
                            self.bump();
                            self.skip();
                        }
                        return (self.bump()? == ')').then_some(());
                    }
                    return self.parens(&path, depth);
                }
                Some(())
            }
            _ => {
                // A number or another scalar: everything up to a delimiter.
                while let Some(c) = self.peek() {
                    if c.is_whitespace() || matches!(c, ',' | ')' | ']' | '}' | '/') {
                        break;
                    }
                    self.bump();
                }
                Some(())
            }
        }
    }

    fn string(&mut self) -> Option<()> {
        self.bump();
        loop {
            match self.bump()? {
                '\\' => {
                    self.bump();
                }
                '"' => return Some(()),
                _ => {}
            }
        }
    }

    fn raw_string(&mut self) -> Option<()> {
        self.bump();
        let mut hashes = 0;
        while self.peek() == Some('#') {
            self.bump();
            hashes += 1;
        }
        if self.bump()? != '"' {
            return None;
        }
        loop {
            if self.bump()? == '"' {
                let mut closing = 0;
                while closing < hashes && self.peek() == Some('#') {
                    self.bump();
                    closing += 1;
                }
                if closing == hashes {
                    return Some(());
                }
            }
        }
    }

    /// Elements separated by commas up to `close`.
    fn sequence(
        &mut self,
        close: char,
        path_of: impl Fn(usize) -> String,
        depth: usize,
    ) -> Option<()> {
        let mut index = 0;
        loop {
            self.skip();
            if self.peek()? == close {
                self.bump();
                return Some(());
            }
            self.value(path_of(index), depth + 1)?;
            index += 1;
            self.skip();
            match self.bump()? {
                ',' => {}
                c if c == close => return Some(()),
                _ => return None,
            }
        }
    }

    fn map(&mut self, path: &str, depth: usize) -> Option<()> {
        loop {
            self.skip();
            if self.peek()? == '}' {
                self.bump();
                return Some(());
            }
            let key_start = self.at;
            self.value(format!("{path}{{}}"), depth + 1)?;
            let key: String = self.chars[key_start..self.at].iter().collect();
            let key = key.trim().trim_matches('"').to_string();
            self.skip();
            if self.bump()? != ':' {
                return None;
            }
            self.value(join(path, &key), depth + 1)?;
            self.skip();
            match self.bump()? {
                ',' => {}
                '}' => return Some(()),
                _ => return None,
            }
        }
    }

    /// A struct body `(field: value, ...)` or a tuple body `(value, ...)`.
    fn parens(&mut self, path: &str, depth: usize) -> Option<()> {
        self.skip();
        let save = (self.at, self.line, self.column);
        let first = self.ident();
        self.skip();
        let is_struct = !first.is_empty() && self.peek() == Some(':');
        (self.at, self.line, self.column) = save;
        if !is_struct {
            return self.sequence(')', |index| format!("{path}[{index}]"), depth);
        }
        loop {
            self.skip();
            if self.peek()? == ')' {
                self.bump();
                return Some(());
            }
            let field = self.ident();
            if field.is_empty() {
                return None;
            }
            self.skip();
            if self.bump()? != ':' {
                return None;
            }
            self.value(join(path, &field), depth + 1)?;
            self.skip();
            match self.bump()? {
                ',' => {}
                ')' => return Some(()),
                _ => return None,
            }
        }
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"// a session
(
    format_version: 1,
    tracks: [
        (name: "Anna", clips: [
            (source: "a", position: 10),
            /* second */ (source: "b", position: Some(20)),
        ]),
    ],
    map: { "k": [1, 2] },
)"#;

    #[test]
    fn finds_nested_fields() {
        let loc = Locations::scan(TEXT);
        assert_eq!(
            loc.find("format_version"),
            Some(Position {
                line: 3,
                column: 21
            })
        );
        assert_eq!(
            loc.find("tracks[0].name"),
            Some(Position {
                line: 5,
                column: 16
            })
        );
        assert_eq!(
            loc.find("tracks[0].clips[1].source"),
            Some(Position {
                line: 7,
                column: 35
            })
        );
        assert_eq!(
            loc.find("tracks[0].clips[1].position"),
            Some(Position {
                line: 7,
                column: 50
            })
        );
        assert_eq!(
            loc.find("map.k[1]"),
            Some(Position {
                line: 10,
                column: 21
            })
        );
    }

    #[test]
    fn falls_back_to_the_enclosing_value() {
        let loc = Locations::scan(TEXT);
        assert_eq!(
            loc.find("tracks[0].clips[1].gain_db"),
            loc.find("tracks[0].clips[1]")
        );
        assert_eq!(
            loc.find("tracks[0].clips[1]"),
            Some(Position {
                line: 7,
                column: 26
            })
        );
    }

    #[test]
    fn stops_quietly_on_broken_text() {
        let loc = Locations::scan("(a: [1, 2, (b: ");
        assert_eq!(loc.find("a[1]"), Some(Position { line: 1, column: 9 }));
        assert_eq!(loc.find("a[2].b"), loc.find("a[2]"));
    }
}
