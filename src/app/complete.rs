//! Tab completion on the `:` line: command names, options, markers,
//! strip parameters and paths.

use crate::command::desk::Desk;
use crate::command::registry;
use crate::command::timeline::OPTIONS;

/// Candidates to complete the last word of `text` on the `:` line.
pub fn completions(text: &str, desk: &Desk) -> Vec<String> {
    let word_start = text.rfind(' ').map_or(0, |i| i + 1);
    let word = &text[word_start..];
    let mut out: Vec<String> = if word_start == 0 {
        let mut names: Vec<String> = registry::commands()
            .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()))
            .filter(|n| n.starts_with(word))
            .map(str::to_string)
            .collect();
        names.sort();
        names
    } else {
        let command = text.split_whitespace().next().unwrap_or("");
        let command = command.trim_end_matches('!');
        let name = registry::find(command).map_or(command, |c| c.name);
        match name {
            "set" => OPTIONS
                .iter()
                .flat_map(|(o, _)| [o.to_string(), format!("no{o}")])
                .filter(|o| o.starts_with(word))
                .collect(),
            "help" => registry::commands()
                .map(|c| c.name.to_string())
                .filter(|n| n.starts_with(word))
                .collect(),
            "goto" => desk
                .session
                .markers
                .iter()
                .map(|m| m.name.clone())
                .filter(|n| n.to_lowercase().starts_with(&word.to_lowercase()))
                .collect(),
            "strip" | "strip-pick" => crate::command::strip_params::completions(text, desk),
            "write" | "edit" | "bounce" | "write-quit" => paths(word),
            _ => Vec::new(),
        }
    };
    out.dedup();
    out
}

/// Files and folders whose path begins with `word`.
fn paths(word: &str) -> Vec<String> {
    let (dir, prefix) = match word.rfind('/') {
        Some(i) => (&word[..=i], &word[i + 1..]),
        None => ("", word),
    };
    let Ok(entries) = std::fs::read_dir(if dir.is_empty() { "." } else { dir }) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let slash = if e.path().is_dir() { "/" } else { "" };
            Some(format!("{dir}{name}{slash}"))
        })
        .collect();
    out.sort();
    out
}
