//! Finding a cut's sources in the media folders.
//!
//! A clip's media is looked for, in this order:
//! 1. the path the cut names (`* SOURCE FILE:`, OTIO `target_url`), as
//!    given or relative to the cut's folder, when that file exists;
//! 2. by name in the media folders (searched recursively): the file name of
//!    that path, then the clip name, then the reel name, each compared
//!    without regard to letter case, with or without its extension;
//! 3. by sound roll: a file whose iXML `TAPE` is the reel name and whose
//!    BWF timecode span holds the clip's source in point.
//!
//! Where several files share a name, the one whose timecode holds the
//! source in point is taken, else the first in path order, and the choice
//! is reported.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::bwf::{self, SourceInfo};
use super::cut::MediaHint;
use super::time::Seconds;
use super::ImportError;

/// File extensions of the media dubstage reads.
const MEDIA_EXTENSIONS: [&str; 11] = [
    "wav", "wave", "bwf", "rf64", "aif", "aiff", "aifc", "flac", "mp3", "ogg", "oga",
];
/// How deep into sub-folders the media folders are searched.
const MAX_DEPTH: usize = 16;

/// One media file in the folders.
#[derive(Debug, Clone)]
struct Entry {
    path: PathBuf,
    /// File name, lower case.
    name: String,
    /// File name without its extension, lower case.
    stem: String,
}

/// The media files of the folders given to the import, with their
/// metadata read on first use.
#[derive(Debug)]
pub struct MediaIndex {
    folders: Vec<PathBuf>,
    entries: Vec<Entry>,
    info: RefCell<HashMap<PathBuf, Result<SourceInfo, String>>>,
}

/// Where a clip's media was found, or where it was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    /// The file, when found.
    pub found: Option<PathBuf>,
    /// Where it was expected, for an offline clip.
    pub expected: PathBuf,
    /// How it was found, for the report ("by the reel name" ...).
    pub how: &'static str,
    /// Other files that matched as well, when the choice was not certain.
    pub also: Vec<PathBuf>,
}

impl MediaIndex {
    /// Index the media files in `folders` and everything below them.
    pub fn new(folders: &[PathBuf]) -> Result<MediaIndex, ImportError> {
        let mut entries = Vec::new();
        for folder in folders {
            if !folder.is_dir() {
                return Err(ImportError::Cut {
                    path: folder.clone(),
                    message: "not a folder: --media takes folders holding the cut's media".into(),
                });
            }
            let mut found = Vec::new();
            walk(folder, 0, &mut found).map_err(|source| ImportError::Io {
                path: folder.clone(),
                source,
            })?;
            found.sort();
            entries.extend(found.into_iter().map(|path| {
                let lower = |s: Option<&std::ffi::OsStr>| {
                    s.map(|s| s.to_string_lossy().to_lowercase())
                        .unwrap_or_default()
                };
                Entry {
                    name: lower(path.file_name()),
                    stem: lower(path.file_stem()),
                    path,
                }
            }));
        }
        Ok(MediaIndex {
            folders: folders.to_vec(),
            entries,
            info: RefCell::new(HashMap::new()),
        })
    }

    /// The format and timecode of the file at `path`, read once.
    pub fn info(&self, path: &Path) -> Result<SourceInfo, String> {
        if let Some(known) = self.info.borrow().get(path) {
            return known.clone();
        }
        let read = bwf::read(path).map_err(|e| e.to_string());
        self.info
            .borrow_mut()
            .insert(path.to_path_buf(), read.clone());
        read
    }

    /// Find the media of a clip whose source in point is `source_in`;
    /// relative paths in the hint are taken from `cut_dir`.
    pub fn find(&self, hint: &MediaHint, source_in: Seconds, cut_dir: &Path) -> Lookup {
        let named = hint.path.as_ref().map(|p| {
            if p.is_absolute() {
                p.clone()
            } else {
                cut_dir.join(p)
            }
        });
        let expected = named.clone().unwrap_or_else(|| self.expected(hint));
        let lookup = |found: PathBuf, how, also| Lookup {
            found: Some(found),
            expected: expected.clone(),
            how,
            also,
        };
        if let Some(path) = named.filter(|p| p.is_file()) {
            return lookup(path, "at the path the cut names", Vec::new());
        }
        for name in hint.names() {
            let candidates = self.by_name(&name);
            if let Some((path, also)) = self.choose(candidates, source_in) {
                return lookup(path, "by name", also);
            }
        }
        if let Some(reel) = &hint.reel {
            let on_roll: Vec<PathBuf> = self
                .entries
                .iter()
                .filter(|e| {
                    self.info(&e.path).is_ok_and(|i| {
                        i.ixml
                            .as_ref()
                            .and_then(|x| x.tape.as_ref())
                            .is_some_and(|t| t.eq_ignore_ascii_case(reel))
                            && holds(&i, source_in)
                    })
                })
                .map(|e| e.path.clone())
                .collect();
            if let Some((first, rest)) = on_roll.split_first() {
                return lookup(first.clone(), "by sound roll and timecode", rest.to_vec());
            }
        }
        Lookup {
            found: None,
            expected,
            how: "",
            also: Vec::new(),
        }
    }

    /// Files named `name`: exact file names first, then file names without
    /// their extension, then both without an extension.
    fn by_name(&self, name: &str) -> Vec<PathBuf> {
        let lower = name.to_lowercase();
        let stem = Path::new(&lower)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tiers: [&dyn Fn(&Entry) -> bool; 3] = [
            &|e| e.name == lower,
            &|e| e.name != lower && e.stem == lower,
            &|e| e.name != lower && e.stem != lower && e.stem == stem,
        ];
        tiers
            .iter()
            .flat_map(|tier| self.entries.iter().filter(|e| tier(e)))
            .map(|e| e.path.clone())
            .collect()
    }

    /// Of several files, the one whose timecode holds `source_in`, else the first.
    fn choose(
        &self,
        candidates: Vec<PathBuf>,
        source_in: Seconds,
    ) -> Option<(PathBuf, Vec<PathBuf>)> {
        if candidates.len() <= 1 {
            return candidates.into_iter().next().map(|p| (p, Vec::new()));
        }
        let pick = candidates
            .iter()
            .position(|p| self.info(p).is_ok_and(|i| holds(&i, source_in)))
            .unwrap_or(0);
        let mut rest = candidates;
        let chosen = rest.remove(pick);
        Some((chosen, rest))
    }

    /// Where a clip's media would be: the first media folder and its name
    /// (with `.wav` when the name has no extension).
    fn expected(&self, hint: &MediaHint) -> PathBuf {
        let name = hint.display_name();
        let file = if Path::new(&name).extension().is_some() {
            name
        } else {
            format!("{name}.wav")
        };
        self.folders
            .first()
            .map_or_else(|| PathBuf::from(&file), |f| f.join(&file))
    }
}

/// Whether the file's BWF timecode span holds the time `at`.
fn holds(info: &SourceInfo, at: Seconds) -> bool {
    info.start()
        .is_some_and(|start| start <= at && at < start + info.duration())
}

/// Collect the media files under `dir`. Symbolic links to folders are not
/// followed, so a link loop cannot trap the search.
fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if depth < MAX_DEPTH {
                walk(&path, depth + 1, out)?;
            }
        } else if is_media(&path) && path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

fn is_media(path: &Path) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .is_some_and(|e| MEDIA_EXTENSIONS.contains(&e.as_str()))
}
