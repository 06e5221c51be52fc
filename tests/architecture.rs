//! The house plan, checked from the code itself: every `use` and every
//! `crate::`/`super::` path of the library is read with `syn`, resolved to
//! the file it names (through `pub use` re-exports to where the item is
//! written), and the graph of files must have no circle; neither may the
//! graph of the top-level modules (`model`, `dsp`, `engine`, ...). Test
//! code (`#[cfg(test)]`) does not count. Files stay under 800 lines but
//! for the few that are one concept, named here with the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// Files allowed past 800 lines, each one concept that does not split.
const LONG_FILES: &[(&str, &str)] = &[];
const MAX_LINES: usize = 800;

/// A module path from the crate root, e.g. `["dsp", "biquad"]`.
type ModPath = Vec<String>;

struct Module {
    file: PathBuf,
    ast: syn::File,
}

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_path(src: &Path, file: &Path) -> Option<ModPath> {
    let rel = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    match last.as_str() {
        "lib.rs" if parts.is_empty() => {}
        "main.rs" if parts.is_empty() => return None,
        "mod.rs" => {}
        other => parts.push(other.trim_end_matches(".rs").to_string()),
    }
    Some(parts)
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .map(|m| m.path().is_ident("test"))
                .unwrap_or(false)
    })
}

/// Every path a file names, each as written, with the module it is
/// written in (inline modules included).
#[derive(Default)]
struct Names {
    /// (module the path is written in, the path's segments)
    paths: Vec<(ModPath, Vec<String>)>,
    /// `pub use` re-exports: (module, name it exports, target path)
    exports: Vec<(ModPath, String, Vec<String>)>,
}

struct Walker<'a> {
    here: ModPath,
    names: &'a mut Names,
}

fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            let mut full = prefix.clone();
            if name != "self" {
                full.push(name.clone());
            }
            let exported = if name == "self" {
                prefix.last().cloned().unwrap_or_default()
            } else {
                name
            };
            out.push((full, exported));
        }
        syn::UseTree::Rename(r) => {
            let mut full = prefix.clone();
            full.push(r.ident.to_string());
            out.push((full, r.rename.to_string()));
        }
        syn::UseTree::Glob(_) => out.push((prefix.clone(), "*".to_string())),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_paths(t, prefix, out);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Use(u) => &u.attrs,
            syn::Item::Struct(s) => &s.attrs,
            syn::Item::Enum(e) => &e.attrs,
            syn::Item::Const(c) => &c.attrs,
            syn::Item::Static(s) => &s.attrs,
            syn::Item::Trait(t) => &t.attrs,
            syn::Item::Type(t) => &t.attrs,
            _ => &[],
        };
        if is_test_only(attrs) {
            return;
        }
        match item {
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    self.here.push(m.ident.to_string());
                    for i in items {
                        self.visit_item(i);
                    }
                    self.here.pop();
                }
            }
            syn::Item::Use(u) => {
                let mut found = Vec::new();
                use_paths(&u.tree, &mut Vec::new(), &mut found);
                let public = !matches!(u.vis, syn::Visibility::Inherited);
                for (path, name) in found {
                    if public {
                        self.names
                            .exports
                            .push((self.here.clone(), name, path.clone()));
                    }
                    self.names.paths.push((self.here.clone(), path));
                }
            }
            other => syn::visit::visit_item(self, other),
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if matches!(
            segments.first().map(String::as_str),
            Some("crate" | "super" | "self")
        ) {
            self.names.paths.push((self.here.clone(), segments));
        }
        syn::visit::visit_path(self, path);
    }
}

/// `path` as written in `here`, made absolute from the crate root.
fn absolute(here: &ModPath, path: &[String], files: &BTreeMap<ModPath, Module>) -> Option<ModPath> {
    let mut base = here.clone();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        Some(first) => {
            // A child module named without `self::`; anything else is an
            // outside crate or the prelude.
            let mut child = here.clone();
            child.push(first.to_string());
            if !files.contains_key(&child) {
                return None;
            }
        }
        None => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The file (module) that an absolute path's item is written in,
/// following `pub use` re-exports.
fn owner(
    path: &ModPath,
    files: &BTreeMap<ModPath, Module>,
    exports: &BTreeMap<ModPath, Vec<(String, ModPath)>>,
    depth: usize,
) -> Option<ModPath> {
    if depth > 16 {
        return None;
    }
    let mut k = path.len();
    while !files.contains_key(&path[..k]) {
        k = k.checked_sub(1)?;
    }
    let module = path[..k].to_vec();
    if let Some(name) = path.get(k) {
        if let Some(list) = exports.get(&module) {
            for (exported, target) in list {
                if exported == name {
                    let mut next = target.clone();
                    next.extend(path[k + 1..].iter().cloned());
                    return owner(&next, files, exports, depth + 1).or(Some(module));
                }
            }
        }
    }
    Some(module)
}

fn graph() -> (
    BTreeMap<ModPath, Module>,
    BTreeMap<ModPath, BTreeSet<ModPath>>,
) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    source_files(&src, &mut paths);
    let mut files = BTreeMap::new();
    for file in paths {
        let Some(module) = module_path(&src, &file) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("a source file");
        let ast = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{}: does not parse: {e}", file.display()));
        files.insert(module, Module { file, ast });
    }
    // Inline modules are part of their file: map them to it.
    let mut names_of = BTreeMap::new();
    for (module, m) in &files {
        let mut names = Names::default();
        Walker {
            here: module.clone(),
            names: &mut names,
        }
        .visit_file(&m.ast);
        names_of.insert(module.clone(), names);
    }
    let mut exports: BTreeMap<ModPath, Vec<(String, ModPath)>> = BTreeMap::new();
    for names in names_of.values() {
        for (here, name, target) in &names.exports {
            if let Some(target) = absolute(here, target, &files) {
                let file = file_of(here, &files);
                exports
                    .entry(file)
                    .or_default()
                    .push((name.clone(), target));
            }
        }
    }
    let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for (module, names) in &names_of {
        let from = edges.entry(module.clone()).or_default();
        for (here, path) in &names.paths {
            let Some(abs) = absolute(here, path, &files) else {
                continue;
            };
            if let Some(to) = owner(&abs, &files, &exports, 0) {
                if &to != module && !is_ancestor_declaration(&to, module) {
                    from.insert(to);
                }
            }
        }
    }
    (files, edges)
}

/// The file that holds module `here` (an inline module lives in its parent's file).
fn file_of(here: &ModPath, files: &BTreeMap<ModPath, Module>) -> ModPath {
    let mut k = here.len();
    while k > 0 && !files.contains_key(&here[..k]) {
        k -= 1;
    }
    here[..k].to_vec()
}

/// A path that stops at a parent module (`super::` alone, `crate::dsp`
/// naming the module itself) names no item of it.
fn is_ancestor_declaration(to: &ModPath, from: &ModPath) -> bool {
    from.starts_with(to)
}

fn name(m: &ModPath) -> String {
    if m.is_empty() {
        "crate".to_string()
    } else {
        m.join("::")
    }
}

/// The strongly connected components of more than one node (Tarjan).
fn circles<N: Ord + Clone>(edges: &BTreeMap<N, BTreeSet<N>>) -> Vec<Vec<N>> {
    struct State<N> {
        index: BTreeMap<N, usize>,
        low: BTreeMap<N, usize>,
        stack: Vec<N>,
        on_stack: BTreeSet<N>,
        next: usize,
        found: Vec<Vec<N>>,
    }
    fn connect<N: Ord + Clone>(v: &N, edges: &BTreeMap<N, BTreeSet<N>>, s: &mut State<N>) {
        s.index.insert(v.clone(), s.next);
        s.low.insert(v.clone(), s.next);
        s.next += 1;
        s.stack.push(v.clone());
        s.on_stack.insert(v.clone());
        for w in edges.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                connect(w, edges, s);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v.clone(), low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v.clone(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(&w);
                let done = &w == v;
                component.push(w);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            connect(v, edges, &mut s);
        }
    }
    s.found
}

#[test]
fn no_file_imports_in_a_circle() {
    let (_, edges) = graph();
    let found: Vec<String> = circles(&edges)
        .iter()
        .map(|c| c.iter().map(name).collect::<Vec<_>>().join(" <-> "))
        .collect();
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

#[test]
fn the_top_level_modules_form_floors() {
    let (_, edges) = graph();
    let mut rooms: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in &edges {
        let Some(room) = from.first() else { continue };
        let entry = rooms.entry(room.clone()).or_default();
        for to in tos {
            if let Some(other) = to.first() {
                if other != room {
                    entry.insert(other.clone());
                }
            }
        }
    }
    let found: Vec<String> = circles(&rooms).iter().map(|c| c.join(" <-> ")).collect();
    assert!(
        found.is_empty(),
        "top-level modules import each other in a circle:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_finds_a_circle() {
    // The test above must be able to fail: a made-up graph with a circle.
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    edges.entry("a").or_default().insert("b");
    edges.entry("b").or_default().insert("c");
    edges.entry("c").or_default().insert("a");
    edges.entry("d").or_default().insert("a");
    assert_eq!(circles(&edges), vec![vec!["a", "b", "c"]]);
    // And it resolves the crate's real imports: the lanes of one-section
    // filters (which the strip runs) hand longer cascades to the cascade.
    let (_, edges) = graph();
    let across = vec!["dsp".to_string(), "across".to_string()];
    let cascade = vec!["dsp".to_string(), "cascade".to_string()];
    assert!(edges[&across].contains(&cascade), "{:?}", edges[&across]);
}

#[test]
fn no_source_file_is_over_800_lines_but_the_named_ones() {
    let (files, _) = graph();
    let mut long = Vec::new();
    for m in files.values() {
        let lines = std::fs::read_to_string(&m.file)
            .expect("a source file")
            .lines()
            .count();
        let rel = m
            .file
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(&m.file)
            .to_string_lossy()
            .trim_start_matches('/')
            .to_string();
        if lines > MAX_LINES && !LONG_FILES.iter().any(|(f, _)| *f == rel) {
            long.push(format!("{rel}: {lines} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}
