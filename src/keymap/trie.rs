//! A mode's keys as a trie: each node is either a binding (a command line
//! such as `fader-up 1`) or a set of keys that may follow, with a label
//! that the which-key popup shows.

use std::collections::BTreeMap;

use super::notation::Key;

/// What a key sequence runs: a command name and its arguments, as typed on
/// the `:` line (`fader-up 1`, `set follow!`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub command: String,
    pub args: Vec<String>,
}

impl Binding {
    pub fn parse(line: &str) -> Option<Binding> {
        let mut words = line.split_whitespace();
        let command = words.next()?.to_string();
        Some(Binding {
            command,
            args: words.map(str::to_string).collect(),
        })
    }

    /// The binding as it would be typed on the `:` line.
    pub fn line(&self) -> String {
        let mut s = self.command.clone();
        for a in &self.args {
            s.push(' ');
            s.push_str(a);
        }
        s
    }
}

/// A node of the trie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyTrie {
    Bind(Binding),
    Node(KeyNode),
}

/// Keys that may follow a prefix.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyNode {
    pub label: String,
    pub children: BTreeMap<Key, KeyTrie>,
}

/// The answer to a key sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The sequence runs this binding.
    Matched(&'a Binding),
    /// More keys are needed: what may follow is in the node.
    Pending(&'a KeyNode),
    /// Nothing is bound to the sequence.
    NotFound,
    /// The sequence was abandoned with Escape.
    Cancelled,
}

impl KeyNode {
    /// Bind `keys` to `binding`, replacing whatever was there (a binding
    /// or a whole group of longer sequences).
    pub fn insert(&mut self, keys: &[Key], binding: Binding) {
        let Some((first, rest)) = keys.split_first() else {
            return;
        };
        if rest.is_empty() {
            self.children.insert(*first, KeyTrie::Bind(binding));
            return;
        }
        let child = self
            .children
            .entry(*first)
            .or_insert_with(|| KeyTrie::Node(KeyNode::default()));
        if let KeyTrie::Bind(_) = child {
            *child = KeyTrie::Node(KeyNode::default());
        }
        if let KeyTrie::Node(node) = child {
            node.insert(rest, binding);
        }
    }

    /// Remove the binding of `keys` (and any group at that place).
    pub fn remove(&mut self, keys: &[Key]) {
        let Some((first, rest)) = keys.split_first() else {
            return;
        };
        if rest.is_empty() {
            self.children.remove(first);
        } else if let Some(KeyTrie::Node(node)) = self.children.get_mut(first) {
            node.remove(rest);
            if node.children.is_empty() {
                self.children.remove(first);
            }
        }
    }

    /// Name the group reached by `keys` (for the which-key popup).
    pub fn set_label(&mut self, keys: &[Key], label: &str) {
        let mut node = self;
        for k in keys {
            match node.children.get_mut(k) {
                Some(KeyTrie::Node(n)) => node = n,
                _ => return,
            }
        }
        node.label = label.to_string();
    }

    pub fn lookup(&self, keys: &[Key]) -> Lookup<'_> {
        if keys
            .last()
            .is_some_and(|k| *k == Key::plain(super::KeyCode::Esc))
            && keys.len() > 1
        {
            return Lookup::Cancelled;
        }
        let mut node = self;
        for (i, k) in keys.iter().enumerate() {
            match node.children.get(k) {
                Some(KeyTrie::Bind(b)) if i + 1 == keys.len() => return Lookup::Matched(b),
                Some(KeyTrie::Bind(_)) | None => return Lookup::NotFound,
                Some(KeyTrie::Node(n)) => node = n,
            }
        }
        Lookup::Pending(node)
    }

    /// Every binding with its key sequence, in key order.
    pub fn bindings(&self) -> Vec<(Vec<Key>, &Binding)> {
        let mut out = Vec::new();
        self.collect(&mut Vec::new(), &mut out);
        out
    }

    fn collect<'a>(&'a self, prefix: &mut Vec<Key>, out: &mut Vec<(Vec<Key>, &'a Binding)>) {
        for (k, child) in &self.children {
            prefix.push(*k);
            match child {
                KeyTrie::Bind(b) => out.push((prefix.clone(), b)),
                KeyTrie::Node(n) => n.collect(prefix, out),
            }
            prefix.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::notation::parse_keys;
    use super::*;

    fn b(line: &str) -> Binding {
        Binding::parse(line).unwrap()
    }

    #[test]
    fn lookups_answer_matched_pending_not_found_cancelled() {
        let mut root = KeyNode::default();
        root.insert(&parse_keys("gg").unwrap(), b("rewind"));
        root.insert(&parse_keys("l").unwrap(), b("step-forward 1"));
        root.set_label(&parse_keys("g").unwrap(), "go to");
        let k = |s| parse_keys(s).unwrap();
        assert_eq!(root.lookup(&k("gg")), Lookup::Matched(&b("rewind")));
        match root.lookup(&k("g")) {
            Lookup::Pending(n) => assert_eq!(n.label, "go to"),
            other => panic!("{other:?}"),
        }
        assert_eq!(root.lookup(&k("gx")), Lookup::NotFound);
        assert_eq!(root.lookup(&k("lx")), Lookup::NotFound);
        assert_eq!(root.lookup(&k("g<esc>")), Lookup::Cancelled);
        // A binding replaces a group and a group replaces a binding.
        root.insert(&k("g"), b("end"));
        assert_eq!(root.lookup(&k("g")), Lookup::Matched(&b("end")));
        root.insert(&k("lx"), b("stop"));
        assert!(matches!(root.lookup(&k("l")), Lookup::Pending(_)));
        root.remove(&k("lx"));
        assert_eq!(root.lookup(&k("l")), Lookup::NotFound);
        assert_eq!(root.bindings().len(), 1);
    }
}
