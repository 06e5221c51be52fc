//! Keymap files: the built-in one, the shipped example, and what a user's
//! broken file does (reported at line:column; the defaults still load).

use std::path::Path;

use dubstage::command::registry::exists;
use dubstage::keymap::{parse_keys, show_keys, KeyMode, Keymap, Lookup, DEFAULT};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bound(map: &Keymap, mode: KeyMode, keys: &str) -> Option<String> {
    match map.mode(mode).lookup(&parse_keys(keys).unwrap()) {
        Lookup::Matched(b) => Some(b.line()),
        _ => None,
    }
}

#[test]
fn the_built_in_keymap_is_clean_and_complete() {
    let mut map = Keymap::default();
    let errors = map.merge_text(DEFAULT, Path::new("keymaps/default.ron"), &exists);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(bound(&map, KeyMode::Normal, "ZQ").as_deref(), Some("quit!"));
    assert_eq!(
        bound(&map, KeyMode::Normal, "<C-r>").as_deref(),
        Some("redo")
    );
    assert_eq!(bound(&map, KeyMode::Visual, "y").as_deref(), Some("yank"));
    assert_eq!(
        bound(&map, KeyMode::Visual, "l").as_deref(),
        Some("step-forward"),
        "visual has the normal keys"
    );
    // Every command a user needs day to day has a key.
    for name in [
        "write",
        "write-quit",
        "undo",
        "redo",
        "repeat",
        "play-stop",
        "fader-up",
        "fader-down",
        "mute",
        "solo",
        "visual",
        "help",
        "command-line",
        "record-macro",
        "play-macro",
    ] {
        assert!(
            !map.keys_for(KeyMode::Normal, name).is_empty(),
            "{name} has no key"
        );
    }
    // And every binding names a real command.
    for (keys, b) in map.normal.bindings() {
        assert!(exists(&b.command), "{} -> {}", show_keys(&keys), b.command);
    }
}

#[test]
fn the_shipped_example_parses_and_changes_what_it_says() {
    let path = root().join("keymaps").join("arrows.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut map = Keymap::defaults(&exists);
    let errors = map.merge_text(&text, &path, &exists);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        bound(&map, KeyMode::Normal, "<up>").as_deref(),
        Some("fader-up 0.5")
    );
    assert_eq!(
        bound(&map, KeyMode::Normal, ",6").as_deref(),
        Some("fader -6")
    );
    assert_eq!(bound(&map, KeyMode::Normal, "x"), None, "nop unbinds");
    assert_eq!(
        bound(&map, KeyMode::Visual, "<cr>").as_deref(),
        Some("loop")
    );
    assert_eq!(
        bound(&map, KeyMode::Normal, "<cr>").as_deref(),
        Some("play-stop")
    );
    assert_eq!(
        bound(&map, KeyMode::Normal, "gg").as_deref(),
        Some("rewind"),
        "the rest stays"
    );
    match map.normal.lookup(&parse_keys(",").unwrap()) {
        Lookup::Pending(node) => assert_eq!(node.label, "fader"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_broken_user_file_is_reported_at_its_line_and_column_and_the_defaults_stand() {
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("keymap.ron");
    std::fs::write(&user, "(\n    normal: {\n        \"+\": \"fader-up 2\"\n        \"-\": \"fader-down 2\",\n    },\n)\n").unwrap();
    let (map, problems) = Keymap::load(Some(&user), &exists);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert!(p.starts_with(&format!("{}:4:", user.display())), "{p}");
    assert_eq!(
        bound(&map, KeyMode::Normal, "+").as_deref(),
        Some("fader-up 1"),
        "defaults intact"
    );

    // Unknown commands and bad key names are found where they are written;
    // the good entries around them still apply.
    std::fs::write(
        &user,
        "(\n    normal: {\n        \"K\": \"fader-up 3\",\n        \"Q\": \"frobnicate\",\n        \"<C-nope>\": \"stop\",\n    },\n    tracks: 1,\n)\n",
    )
    .unwrap();
    let (_, problems) = Keymap::load(Some(&user), &exists);
    assert_eq!(
        problems.len(),
        1,
        "an unknown field stops the file: {problems:?}"
    );
    assert!(problems[0].contains(":7:"), "{problems:?}");
    std::fs::write(
        &user,
        "(\n    normal: {\n        \"K\": \"fader-up 3\",\n        \"Q\": \"frobnicate\",\n        \"<C-nope>\": \"stop\",\n    },\n)\n",
    )
    .unwrap();
    let (map, problems) = Keymap::load(Some(&user), &exists);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains(":4:9:") && p.contains("frobnicate")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains(":5:9:") && p.contains("<nope>")),
        "{problems:?}"
    );
    assert_eq!(
        bound(&map, KeyMode::Normal, "K").as_deref(),
        Some("fader-up 3")
    );
    // A missing file is no problem at all.
    let (_, problems) = Keymap::load(Some(&dir.path().join("none.ron")), &exists);
    assert!(problems.is_empty());
}
