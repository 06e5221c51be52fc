//! The registry and the default keymap written out as the man page's
//! KEYS and CONSOLE COMMANDS sections (roff), so the page cannot drift from
//! the program: a test compares these with `man/dubstage.1`.

use super::registry::commands;
use crate::keymap::{show_keys, KeyMode, Keymap};

/// Text made safe for roff.
pub fn roff(text: &str) -> String {
    let t = text
        .replace('\\', "\\e")
        .replace('-', "\\-")
        .replace('"', "\\(dq");
    if t.starts_with('.') || t.starts_with('\'') {
        format!("\\&{t}")
    } else {
        t
    }
}

fn describe(binding: &crate::keymap::Binding) -> String {
    let name = binding
        .command
        .strip_suffix('!')
        .unwrap_or(&binding.command);
    let doc = super::find(name).map_or("", |c| c.doc);
    if binding.args.is_empty() {
        format!("\\fB{}\\fR: {}.", roff(&binding.command), roff(doc))
    } else {
        format!("\\fB{}\\fR: {}.", roff(&binding.line()), roff(doc))
    }
}

/// The KEYS section's body for `keymap`.
pub fn keys_section(keymap: &Keymap) -> String {
    let mut out = String::new();
    out.push_str(".SS Normal mode\n");
    for (keys, binding) in keymap.mode(KeyMode::Normal).bindings() {
        out.push_str(&format!(
            ".TP\n.B {}\n{}\n",
            roff(&show_keys(&keys)),
            describe(binding)
        ));
    }
    out.push_str(".SS Visual mode\nThe keys of normal mode, and:\n");
    let normal = keymap.mode(KeyMode::Normal);
    for (keys, binding) in keymap.mode(KeyMode::Visual).bindings() {
        if normal.lookup(&keys) != crate::keymap::Lookup::Matched(binding) {
            out.push_str(&format!(
                ".TP\n.B {}\n{}\n",
                roff(&show_keys(&keys)),
                describe(binding)
            ));
        }
    }
    out
}

/// The CONSOLE COMMANDS section's body.
pub fn commands_section(keymap: &Keymap) -> String {
    let mut out = String::new();
    for c in commands() {
        let mut head = format!("\\fB:{}\\fR", roff(c.name));
        if !c.args.is_empty() {
            head.push_str(&format!(" \\fI{}\\fR", roff(c.args)));
        }
        if !c.aliases.is_empty() {
            let a: Vec<String> = c
                .aliases
                .iter()
                .map(|a| format!("\\fB:{}\\fR", roff(a)))
                .collect();
            head.push_str(&format!(" (also {})", a.join(", ")));
        }
        let keys = keymap.keys_for(KeyMode::Normal, c.name);
        let keys = if keys.is_empty() {
            String::new()
        } else {
            let k: Vec<String> = keys
                .iter()
                .map(|k| format!("\\fB{}\\fR", roff(k)))
                .collect();
            format!(" Keys: {}.", k.join(", "))
        };
        out.push_str(&format!(".TP\n{head}\n{}.{keys}\n", roff(c.doc)));
    }
    out
}

/// The text between `.\" BEGIN name` and `.\" END name` in `page`.
pub fn generated_part<'a>(page: &'a str, name: &str) -> Option<&'a str> {
    let begin = format!(".\\\" BEGIN {name}\n");
    let end = format!(".\\\" END {name}\n");
    let from = page.find(&begin)? + begin.len();
    let to = from + page[from..].find(&end)?;
    Some(&page[from..to])
}

/// `page` with its generated part `name` replaced by `body`.
pub fn replace_generated(page: &str, name: &str, body: &str) -> Option<String> {
    let old = generated_part(page, name)?;
    let from = old.as_ptr() as usize - page.as_ptr() as usize;
    Some(format!(
        "{}{}{}",
        &page[..from],
        body,
        &page[from + old.len()..]
    ))
}
