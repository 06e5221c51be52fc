//! Macros: recording keys into a register and playing them back.

use super::registers::Register;
use super::{App, MACRO_DEPTH};

impl App {
    pub(super) fn record(&mut self, register: Option<&str>) {
        if let Some((r, mut keys)) = self.recording.take() {
            keys.truncate(self.sequence_start.min(keys.len()));
            let n = keys.len();
            self.registers.set(r, Register::Keys(keys));
            self.desk.say(format!(
                "recorded {n} key(s) into @{}",
                r.to_ascii_lowercase()
            ));
            return;
        }
        let Some(c) = register.and_then(|w| w.chars().next()) else {
            return;
        };
        if !c.is_ascii_alphanumeric() {
            self.desk
                .complain(format!("{c:?} is not a register to record into (a-z)"));
            return;
        }
        self.recording = Some((c, Vec::new()));
        self.sequence_start = 0;
        self.desk.say(format!("recording @{c}"));
    }

    pub(super) fn play_macro(&mut self, register: Option<&str>, count: u32) {
        let Some(mut c) = register.and_then(|w| w.chars().next()) else {
            return;
        };
        if c == '@' {
            match self.last_macro {
                Some(l) => c = l,
                None => {
                    self.desk.complain("no macro played yet");
                    return;
                }
            }
        }
        if c == ':' {
            match self.line.history.last().cloned() {
                Some(line) => {
                    for _ in 0..count {
                        self.run_line(&line, None);
                    }
                }
                None => self.desk.complain("no command line yet"),
            }
            return;
        }
        let keys = match self.registers.get(c) {
            Some(Register::Keys(k)) => k.clone(),
            Some(_) => {
                self.desk.complain(format!("register \"{c} holds no keys"));
                return;
            }
            None => {
                self.desk.complain(format!("register \"{c} is empty"));
                return;
            }
        };
        if self.macro_depth >= MACRO_DEPTH {
            self.desk.complain(format!(
                "macros call each other too deeply (at @{c}); stopped"
            ));
            return;
        }
        self.last_macro = Some(c);
        self.macro_depth += 1;
        'outer: for _ in 0..count.min(10_000) {
            for &k in &keys {
                self.handle_key(k);
                if self.quit || self.macro_depth > MACRO_DEPTH {
                    break 'outer;
                }
            }
        }
        self.macro_depth -= 1;
    }
}
