//! Registers: named slots (`"a`..`"z`, `"0`..`"9`, and `""`, the unnamed
//! one) holding what was yanked or recorded: a strip's settings, a span of
//! the timeline, or the keys of a macro.

use std::collections::BTreeMap;

use crate::command::strip::StripSettings;
use crate::keymap::Key;

/// What a register holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Register {
    Strip {
        from: String,
        settings: StripSettings,
    },
    Span(u64, u64),
    /// Clips yanked or cut, to put at the playhead.
    Clips(crate::edit::clip::ClipBoard),
    Keys(Vec<Key>),
}

/// The unnamed register.
pub const UNNAMED: char = '"';

#[derive(Debug, Clone, Default)]
pub struct Registers {
    slots: BTreeMap<char, Register>,
}

impl Registers {
    /// Whether `c` names a register.
    pub fn valid(c: char) -> bool {
        c == UNNAMED || c.is_ascii_alphanumeric()
    }

    pub fn get(&self, c: char) -> Option<&Register> {
        self.slots.get(&c.to_ascii_lowercase())
    }

    /// Store into `c` (an upper-case letter appends keys to a macro), and
    /// yanks into a named register also go to the unnamed one.
    pub fn set(&mut self, c: char, value: Register) {
        let lower = c.to_ascii_lowercase();
        if c.is_ascii_uppercase() {
            if let (Some(Register::Keys(old)), Register::Keys(more)) =
                (self.slots.get_mut(&lower), &value)
            {
                old.extend(more.iter().copied());
                return;
            }
        }
        if !matches!(value, Register::Keys(_)) && lower != UNNAMED {
            self.slots.insert(UNNAMED, value.clone());
        }
        self.slots.insert(lower, value);
    }

    pub fn iter(&self) -> impl Iterator<Item = (&char, &Register)> {
        self.slots.iter()
    }
}
