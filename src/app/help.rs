//! `:help`: every command with its keys, or one command described.

use super::{App, Overlay};
use crate::command::registry;
use crate::command::timeline::OPTIONS;
use crate::keymap::{show_keys, KeyMode, Lookup};

impl App {
    pub(super) fn help(&mut self, about: Option<&str>) {
        if let Some(name) = about {
            match registry::find(name.trim_start_matches(':')) {
                Some(c) => {
                    let keys = self.keymap.keys_for(KeyMode::Normal, c.name);
                    let keys = if keys.is_empty() {
                        String::new()
                    } else {
                        format!("  [{}]", keys.join(" "))
                    };
                    self.desk
                        .say(format!(":{} {} - {}{keys}", c.name, c.args, c.doc));
                }
                None => self.desk.complain(format!("no command is called {name:?}")),
            }
            return;
        }
        let mut lines = vec![
            "Keys are Vim's: a count before a command repeats or scales it (5l, 3+).".to_string(),
            "j/k scroll this list, q closes it. :help NAME describes one command.".to_string(),
            String::new(),
        ];
        let keys: Vec<String> = registry::commands()
            .map(|c| self.keymap.keys_for(KeyMode::Normal, c.name).join(" "))
            .collect();
        let keys_w = keys
            .iter()
            .map(|k| k.chars().count())
            .max()
            .unwrap_or(0)
            .min(24);
        for (c, keys) in registry::commands().zip(keys) {
            let head = if c.args.is_empty() {
                format!(":{}", c.name)
            } else {
                format!(":{} {}", c.name, c.args)
            };
            lines.push(format!("{head:<24} {keys:<keys_w$} {}", c.doc));
        }
        lines.push(String::new());
        lines.push("Visual mode: the normal keys, and:".into());
        let normal = self.keymap.mode(KeyMode::Normal);
        for (k, b) in self.keymap.mode(KeyMode::Visual).bindings() {
            if normal.lookup(&k) != Lookup::Matched(b) {
                lines.push(format!("  {:<10} {}", show_keys(&k), b.line()));
            }
        }
        lines.push(String::new());
        lines.push("Options for :set: ".into());
        for (o, doc) in OPTIONS {
            lines.push(format!("  {o:<16} {doc}"));
        }
        self.overlay = Some(Overlay {
            title: "help".into(),
            lines,
            scroll: 0,
        });
    }
}
