//! The one list of named commands. Keymaps bind key sequences to these
//! names, the `:` line runs them by name, `:help` lists them, and the man
//! page's COMMANDS section is checked against them. This is the table: the
//! words commands are made of are in [`super::spec`], each area of
//! commands is a file of its own with its slice, and this file lists the
//! slices in the order `:help` and the man page show them.

use super::spec::{Args, CommandSpec};
/// Every section of commands, in the order `:help` and the man page list
/// them. A new area of commands is a file in `command/` with its own slice.
static SECTIONS: &[&[CommandSpec]] = &[
    super::files::COMMANDS,
    super::transport::COMMANDS,
    super::mixer::COMMANDS,
    super::timeline::COMMANDS,
    super::console::COMMANDS,
    super::edit::COMMANDS,
    super::automation::COMMANDS,
    super::strip_params::COMMANDS,
    super::denoise::COMMANDS,
    super::inserts::COMMANDS,
    super::loudness::COMMANDS,
    super::surface::COMMANDS,
];

/// Every command, in the order `:help` and the man page list them.
pub fn commands() -> impl Iterator<Item = &'static CommandSpec> + Clone {
    SECTIONS.iter().flat_map(|s| s.iter())
}

/// The command called `name` (or with that alias).
pub fn find(name: &str) -> Option<&'static CommandSpec> {
    commands()
        .find(|c| c.name == name)
        .or_else(|| commands().find(|c| c.aliases.contains(&name)))
}

/// Whether `name` (perhaps with a `!`) is a command.
pub fn exists(name: &str) -> bool {
    find(name.strip_suffix('!').unwrap_or(name)).is_some()
}

/// A command line parsed: the command, a `!`, and its words.
pub fn parse_line(line: &str) -> Result<(&'static CommandSpec, Args), String> {
    let line = line.trim();
    let (head, rest) = line.split_at(line.find(char::is_whitespace).unwrap_or(line.len()));
    let (name, bang) = match head.strip_suffix('!') {
        Some(n) => (n, true),
        None => (head, false),
    };
    if name.is_empty() {
        return Err("type a command; :help lists them".into());
    }
    let spec = find(name).ok_or_else(|| format!("not a command: {name} (:help lists them)"))?;
    Ok((
        spec,
        Args {
            count: None,
            words: rest.split_whitespace().map(str::to_string).collect(),
            bang,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::strip::parse_pan;

    #[test]
    fn names_and_aliases_are_unique_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for c in commands() {
            assert!(!c.doc.is_empty() && c.doc.len() < 100, "{}", c.name);
            for n in std::iter::once(&c.name).chain(c.aliases) {
                assert!(seen.insert(*n), "{n} twice");
            }
        }
    }

    #[test]
    fn command_lines_parse() {
        let (c, a) = parse_line("q!").unwrap();
        assert_eq!((c.name, a.bang), ("quit", true));
        let (c, a) = parse_line(" fader-up 2 ").unwrap();
        assert_eq!(
            (c.name, a.words.clone()),
            ("fader-up", vec!["2".to_string()])
        );
        assert!(parse_line("frobnicate").unwrap_err().contains("frobnicate"));
        assert!(parse_line("").is_err());
        assert_eq!(parse_pan("L30"), Some(-0.3));
        assert_eq!(parse_pan("r100"), Some(1.0));
        assert_eq!(parse_pan("2"), None);
    }
}
