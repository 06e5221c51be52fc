//! Delivery profiles: what each version of a mix must measure. The shipped
//! defaults are `profiles/delivery.ron`, built into the program; a user's
//! file adds profiles and replaces defaults of the same name.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::locate::{Locations, Position};

/// The shipped profiles.
pub const DEFAULT_PROFILES: &str = include_str!("../../profiles/delivery.ron");

/// What the loudness target is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Measure {
    /// The printmaster's integrated loudness (BS.1770).
    Programme,
    /// The printmaster's loudness where the DX stem carries speech
    /// ([`crate::loudness::dialog`]).
    Dialog,
}

/// A loudness target: the printmaster is trimmed to `target`; the version
/// passes within `target +/- tolerance`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoudnessTarget {
    pub measure: Measure,
    /// LUFS (LKFS).
    pub target: f64,
    /// LU either side.
    #[serde(default)]
    pub tolerance: f64,
}

/// One delivery version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The name given to `--profile`, and the version's folder.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `None`: left at the mix's own loudness (no trim).
    #[serde(default)]
    pub loudness: Option<LoudnessTarget>,
    /// The true-peak ceiling in dBTP, held by the limiter; `None`: no limiter.
    #[serde(default)]
    pub true_peak_max: Option<f64>,
    /// The largest loudness range allowed, LU; only checked.
    #[serde(default)]
    pub loudness_range_max: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    profiles: Vec<Profile>,
}

/// Why profiles could not be read or a profile not found.
#[derive(Debug)]
pub enum ProfileError {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Bad syntax or a bad field, at `file:line:column`.
    Invalid {
        path: PathBuf,
        position: Option<Position>,
        message: String,
    },
    /// No profile has that name; the known names are listed.
    Unknown { name: String, known: Vec<String> },
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            ProfileError::Invalid {
                path,
                position: Some(p),
                message,
            } => write!(f, "{}:{}:{}: {message}", path.display(), p.line, p.column),
            ProfileError::Invalid {
                path,
                position: None,
                message,
            } => write!(f, "{}: {message}", path.display()),
            ProfileError::Unknown { name, known } => write!(
                f,
                "no delivery profile is called \"{name}\"; there are: {}",
                known.join(", ")
            ),
        }
    }
}

impl std::error::Error for ProfileError {}

/// Check one profile; the message names the field.
fn check(p: &Profile) -> Result<(), (String, String)> {
    let name_ok = !p.name.is_empty()
        && p.name != "."
        && p.name != ".."
        && p.name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !name_ok {
        return Err((
            "name".into(),
            format!(
                "\"{}\" cannot name a folder: use letters, digits, '-', '_' and '.'",
                p.name
            ),
        ));
    }
    if let Some(t) = &p.loudness {
        if !(-70.0..=0.0).contains(&t.target) {
            return Err((
                "loudness.target".into(),
                format!("{} LUFS is outside -70..0", t.target),
            ));
        }
        if !(0.0..=20.0).contains(&t.tolerance) {
            return Err((
                "loudness.tolerance".into(),
                format!("{} LU is outside 0..20", t.tolerance),
            ));
        }
    }
    if let Some(tp) = p.true_peak_max {
        if !(-20.0..=0.0).contains(&tp) {
            return Err((
                "true_peak_max".into(),
                format!("{tp} dBTP is outside -20..0"),
            ));
        }
    }
    if let Some(lra) = p.loudness_range_max {
        if !(0.0..=50.0).contains(&lra) {
            return Err((
                "loudness_range_max".into(),
                format!("{lra} LU is outside 0..50"),
            ));
        }
    }
    Ok(())
}

/// Parse a profiles file's text; `path` is used in messages.
pub fn parse(text: &str, path: &Path) -> Result<Vec<Profile>, ProfileError> {
    let file: ProfileFile =
        ron::Options::default()
            .from_str(text)
            .map_err(|e| ProfileError::Invalid {
                path: path.to_path_buf(),
                position: Some(Position {
                    line: e.position.line,
                    column: e.position.col,
                }),
                message: e.code.to_string(),
            })?;
    let mut seen = Vec::new();
    for (i, p) in file.profiles.iter().enumerate() {
        let at = |field: &str| format!("profiles[{i}].{field}");
        let invalid = |field: String, message: String| ProfileError::Invalid {
            path: path.to_path_buf(),
            position: Locations::scan(text).find(&at(&field)),
            message: format!("{}: {message}", at(&field)),
        };
        check(p).map_err(|(field, message)| invalid(field, message))?;
        let key = p.name.to_ascii_lowercase();
        if seen.contains(&key) {
            return Err(invalid(
                "name".into(),
                format!("\"{}\" is named twice", p.name),
            ));
        }
        seen.push(key);
    }
    Ok(file.profiles)
}

/// The shipped profiles.
pub fn defaults() -> Vec<Profile> {
    parse(DEFAULT_PROFILES, Path::new("profiles/delivery.ron"))
        .unwrap_or_else(|e| unreachable!("the shipped profiles are checked by the tests: {e}"))
}

/// The shipped profiles with the file at `path` merged over them by name
/// (letter case aside): a profile of a known name replaces it, others are
/// added.
pub fn load(path: &Path) -> Result<Vec<Profile>, ProfileError> {
    let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut list = defaults();
    for p in parse(&text, path)? {
        match list
            .iter_mut()
            .find(|d| d.name.eq_ignore_ascii_case(&p.name))
        {
            Some(slot) => *slot = p,
            None => list.push(p),
        }
    }
    Ok(list)
}

/// The profile called `name` (letter case aside).
pub fn find<'a>(list: &'a [Profile], name: &str) -> Result<&'a Profile, ProfileError> {
    list.iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| ProfileError::Unknown {
            name: name.to_string(),
            known: list.iter().map(|p| p.name.clone()).collect(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_profiles_parse_and_hold_the_specs() {
        let list = parse(DEFAULT_PROFILES, Path::new("delivery.ron")).unwrap();
        let get = |n: &str| find(&list, n).unwrap();
        let r128 = get("EBU-R128");
        assert_eq!(r128.loudness.unwrap().target, -23.0);
        assert_eq!(r128.true_peak_max, Some(-1.0));
        let atsc = get("atsc-a85");
        assert_eq!(atsc.loudness.unwrap().target, -24.0);
        assert_eq!(atsc.true_peak_max, Some(-2.0));
        let streaming = get("streaming").loudness.unwrap();
        assert_eq!(
            (streaming.measure, streaming.target, streaming.tolerance),
            (Measure::Dialog, -27.0, 2.0)
        );
        let theatrical = get("theatrical");
        assert_eq!(
            (theatrical.loudness, theatrical.true_peak_max),
            (None, None)
        );
    }

    #[test]
    fn a_bad_field_is_reported_at_its_line() {
        let text =
            "(profiles: [\n  (name: \"a\"),\n  (name: \"b/c\", true_peak_max: Some(-1.0)),\n])";
        let err = parse(text, Path::new("p.ron")).unwrap_err().to_string();
        assert!(
            err.starts_with("p.ron:3:") && err.contains("profiles[1].name"),
            "{err}"
        );
        let err = parse(
            "(profiles: [(name: \"a\", ceiling: 1)])",
            Path::new("p.ron"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("p.ron:1:") && err.contains("ceiling"),
            "{err}"
        );
        let err = find(&defaults(), "bbc").unwrap_err().to_string();
        assert!(
            err.contains("ebu-r128") && err.contains("theatrical"),
            "{err}"
        );
    }
}
