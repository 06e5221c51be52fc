//! Key notation, as written in keymap files and shown on screen:
//! `h`, `G`, `+`, `<space>`, `<cr>`, `<esc>`, `<C-r>`, `<A-x>`, `<S-left>`,
//! `<F1>`, `<lt>` (a literal `<`). A sequence is keys one after another:
//! `gg`, `]m`, `<C-w>j`.

use std::fmt;

/// A key without modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// A key with its modifiers. Shift is folded into the character for
/// printable keys (`G`, `+`), and kept only for the others (`<S-left>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
            shift: false,
        }
    }

    pub const fn char(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
            shift: false,
        }
    }

    /// The character this key types, if it is a plain printable key.
    pub fn typed_char(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if !self.ctrl && !self.alt => Some(c),
            _ => None,
        }
    }

    /// The key a digit types, for counts.
    pub fn digit(&self) -> Option<u32> {
        self.typed_char().and_then(|c| c.to_digit(10))
    }
}

/// Why key notation could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotationError {
    pub text: String,
    pub why: String,
}

impl fmt::Display for NotationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad key notation {:?}: {}", self.text, self.why)
    }
}

fn named(name: &str) -> Option<KeyCode> {
    Some(match name.to_ascii_lowercase().as_str() {
        "space" => KeyCode::Char(' '),
        "cr" | "ret" | "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "bs" | "backspace" => KeyCode::Backspace,
        "del" | "delete" => KeyCode::Delete,
        "ins" | "insert" => KeyCode::Insert,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" => KeyCode::PageDown,
        "lt" => KeyCode::Char('<'),
        "gt" => KeyCode::Char('>'),
        "bar" => KeyCode::Char('|'),
        "bslash" => KeyCode::Char('\\'),
        "minus" => KeyCode::Char('-'),
        other => {
            let n = other.strip_prefix('f')?.parse::<u8>().ok()?;
            if (1..=24).contains(&n) {
                KeyCode::F(n)
            } else {
                return None;
            }
        }
    })
}

fn parse_bracketed(inner: &str, whole: &str) -> Result<Key, NotationError> {
    let err = |why: &str| NotationError {
        text: whole.to_string(),
        why: why.to_string(),
    };
    let mut key = Key::plain(KeyCode::Esc);
    let mut rest = inner;
    // Modifiers: C- A- (or M-) S-, in any order; a lone "-" is the minus key.
    loop {
        let bytes = rest.as_bytes();
        if bytes.len() > 2 && bytes[1] == b'-' {
            match bytes[0].to_ascii_uppercase() {
                b'C' => key.ctrl = true,
                b'A' | b'M' => key.alt = true,
                b'S' => key.shift = true,
                _ => break,
            }
            rest = &rest[2..];
        } else {
            break;
        }
    }
    let mut chars = rest.chars();
    key.code = match (chars.next(), chars.next()) {
        (Some(c), None) => KeyCode::Char(c),
        _ => named(rest).ok_or_else(|| err(&format!("no key is called <{rest}>")))?,
    };
    if let KeyCode::Char(c) = key.code {
        if key.ctrl {
            key.code = KeyCode::Char(c.to_ascii_lowercase());
        }
        if key.shift && !key.ctrl && !key.alt {
            // <S-a> is just A.
            key.code = KeyCode::Char(c.to_ascii_uppercase());
            key.shift = false;
        }
    }
    Ok(key)
}

/// Read a key sequence such as `gg`, `<C-r>` or `]m`.
pub fn parse_keys(text: &str) -> Result<Vec<Key>, NotationError> {
    let mut keys = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(end) = rest.find('>') {
                let inner = &rest[1..end];
                if !inner.is_empty() && !inner.contains('<') {
                    keys.push(parse_bracketed(inner, &rest[..=end])?);
                    rest = &rest[end + 1..];
                    continue;
                }
            }
            // A lone '<' is the key itself.
        }
        keys.push(Key::char(c));
        rest = &rest[c.len_utf8()..];
    }
    if keys.is_empty() {
        return Err(NotationError {
            text: text.to_string(),
            why: "no keys".into(),
        });
    }
    Ok(keys)
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name: Option<String> = match self.code {
            KeyCode::Char(' ') => Some("space".into()),
            KeyCode::Char('<') => Some("lt".into()),
            KeyCode::Char(c) => {
                if !self.ctrl && !self.alt {
                    return write!(f, "{c}");
                }
                Some(c.to_string())
            }
            KeyCode::Enter => Some("cr".into()),
            KeyCode::Esc => Some("esc".into()),
            KeyCode::Tab => Some("tab".into()),
            KeyCode::BackTab => Some("backtab".into()),
            KeyCode::Backspace => Some("bs".into()),
            KeyCode::Delete => Some("del".into()),
            KeyCode::Insert => Some("ins".into()),
            KeyCode::Up => Some("up".into()),
            KeyCode::Down => Some("down".into()),
            KeyCode::Left => Some("left".into()),
            KeyCode::Right => Some("right".into()),
            KeyCode::Home => Some("home".into()),
            KeyCode::End => Some("end".into()),
            KeyCode::PageUp => Some("pageup".into()),
            KeyCode::PageDown => Some("pagedown".into()),
            KeyCode::F(n) => Some(format!("F{n}")),
        };
        let name = name.unwrap_or_default();
        write!(f, "<")?;
        if self.ctrl {
            write!(f, "C-")?;
        }
        if self.alt {
            write!(f, "A-")?;
        }
        if self.shift {
            write!(f, "S-")?;
        }
        write!(f, "{name}>")
    }
}

/// A key sequence written back in notation.
pub fn show_keys(keys: &[Key]) -> String {
    keys.iter().map(Key::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notation_reads_and_writes_back() {
        for text in [
            "gg",
            "<C-r>",
            "<space>",
            "]m",
            "<S-right>",
            "<F1>",
            "<lt>",
            "<A-x>",
            "5l",
            "<cr>",
        ] {
            let keys = parse_keys(text).unwrap();
            assert_eq!(show_keys(&keys), text, "{text}");
        }
        assert_eq!(parse_keys("<C-R>").unwrap(), vec![Key::ctrl('r')]);
        assert_eq!(parse_keys("<S-a>").unwrap(), vec![Key::char('A')]);
        assert_eq!(parse_keys("<ret>").unwrap(), parse_keys("<enter>").unwrap());
        assert_eq!(parse_keys("<").unwrap(), vec![Key::char('<')]);
        assert_eq!(parse_keys("<-").unwrap().len(), 2);
    }

    #[test]
    fn bad_notation_says_what_is_wrong() {
        let e = parse_keys("<C-bogus>").unwrap_err();
        assert!(e.to_string().contains("<bogus>"), "{e}");
        assert!(parse_keys("").is_err());
    }
}
