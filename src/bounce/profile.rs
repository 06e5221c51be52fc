//! Delivery profiles: what each version of a mix must measure. The shipped
//! defaults are `profiles/delivery.ron`, built into the program; a user's
//! file adds profiles and replaces defaults of the same name. A profile with
//! a [`Downmix`] makes a stereo version of a 5.1 mix (Lo/Ro or Lt/Rt).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dsp::downmix::{Coefficients, Matrix};
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

/// Which stereo downmix of a 5.1 mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DownmixMatrix {
    /// Lo/Ro, ITU-R BS.775: `Lo = L + c·C + s·Ls`, `Ro = R + c·C + s·Rs`.
    LoRo,
    /// Lt/Rt matrix encode: `S = s·(Ls + Rs)` 90 degrees behind the fronts,
    /// added to Lt and subtracted from Rt.
    LtRt,
}

fn minus_3() -> f64 {
    -3.0
}

/// A stereo version downmixed from a 5.1 mix: every output (stems, M&E
/// and printmaster) is downmixed with these coefficients, before the trim
/// and the limiter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Downmix {
    pub matrix: DownmixMatrix,
    /// The centre's level into each side, dB.
    #[serde(default = "minus_3")]
    pub centre_db: f64,
    /// Lo/Ro: each surround's level into its side; Lt/Rt: the level of
    /// `Ls + Rs` in the mono surround. dB.
    #[serde(default = "minus_3")]
    pub surround_db: f64,
    /// The LFE's level into each side, dB; `None`: the LFE is dropped.
    #[serde(default)]
    pub lfe_db: Option<f64>,
}

impl Downmix {
    /// The DSP's linear coefficients.
    pub fn coefficients(&self) -> Coefficients {
        let gain = |db: f64| 10f64.powf(db / 20.0) as f32;
        Coefficients {
            matrix: match self.matrix {
                DownmixMatrix::LoRo => Matrix::LoRo,
                DownmixMatrix::LtRt => Matrix::LtRt,
            },
            centre: gain(self.centre_db),
            surround: gain(self.surround_db),
            lfe: self.lfe_db.map_or(0.0, gain),
        }
    }

    /// One line for reports: "Lo/Ro (ITU-R BS.775): C -3.0 dB, Ls/Rs -3.0 dB, LFE dropped".
    pub fn describe(&self) -> String {
        let lfe = match self.lfe_db {
            Some(db) => format!("LFE {db:+.1} dB"),
            None => "LFE dropped".into(),
        };
        match self.matrix {
            DownmixMatrix::LoRo => format!(
                "Lo/Ro (ITU-R BS.775) from 5.1: C {:+.1} dB, Ls/Rs {:+.1} dB, {lfe}",
                self.centre_db, self.surround_db
            ),
            DownmixMatrix::LtRt => format!(
                "Lt/Rt matrix encode from 5.1: C {:+.1} dB, S = Ls + Rs at {:+.1} dB 90 degrees behind the fronts, {lfe}",
                self.centre_db, self.surround_db
            ),
        }
    }

    /// Check the levels; the message names the field.
    pub fn check(&self) -> Result<(), (String, String)> {
        for (field, db) in [
            ("centre_db", self.centre_db),
            ("surround_db", self.surround_db),
        ] {
            if !(-60.0..=0.0).contains(&db) {
                return Err((field.into(), format!("{db} dB is outside -60..0")));
            }
        }
        if let Some(db) = self.lfe_db {
            if !(-60.0..=10.0).contains(&db) {
                return Err(("lfe_db".into(), format!("{db} dB is outside -60..10")));
            }
        }
        Ok(())
    }
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
    /// A stereo version downmixed from the 5.1 mix; `None`: the mix's own
    /// channels.
    #[serde(default)]
    pub downmix: Option<Downmix>,
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
    if let Some(d) = &p.downmix {
        d.check()
            .map_err(|(field, message)| (format!("downmix.{field}"), message))?;
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

/// Downmix levels given on the command line, over the profiles' own.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DownmixLevels {
    pub centre_db: Option<f64>,
    pub surround_db: Option<f64>,
    pub lfe_db: Option<f64>,
}

impl DownmixLevels {
    pub fn is_empty(&self) -> bool {
        *self == DownmixLevels::default()
    }

    /// Set the levels of every profile in `chosen` that downmixes. Refused
    /// when a level is out of range or no chosen profile downmixes.
    pub fn apply(&self, chosen: &mut [Profile]) -> Result<(), String> {
        if self.is_empty() {
            return Ok(());
        }
        let mut any = false;
        for d in chosen.iter_mut().filter_map(|p| p.downmix.as_mut()) {
            any = true;
            d.centre_db = self.centre_db.unwrap_or(d.centre_db);
            d.surround_db = self.surround_db.unwrap_or(d.surround_db);
            d.lfe_db = self.lfe_db.or(d.lfe_db);
            d.check().map_err(|(field, message)| {
                let flag = match field.as_str() {
                    "centre_db" => "--downmix-centre",
                    "surround_db" => "--downmix-surround",
                    _ => "--downmix-lfe",
                };
                format!("{flag}: {message}")
            })?;
        }
        if !any {
            return Err(
                "--downmix-centre/--downmix-surround/--downmix-lfe set the levels of a downmix version: choose one with --profile (stereo-loro, stereo-ltrt)"
                    .into(),
            );
        }
        Ok(())
    }
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
    fn the_downmix_profiles_default_to_minus_3_db_and_drop_the_lfe() {
        let list = defaults();
        for (name, matrix) in [
            ("stereo-loro", DownmixMatrix::LoRo),
            ("stereo-ltrt", DownmixMatrix::LtRt),
        ] {
            let p = find(&list, name).unwrap();
            let d = p.downmix.unwrap();
            assert_eq!(
                (d.matrix, d.centre_db, d.surround_db, d.lfe_db),
                (matrix, -3.0, -3.0, None)
            );
            assert!(p.loudness.is_some() && p.true_peak_max.is_some());
            let k = d.coefficients();
            assert!((k.centre - 0.7079).abs() < 1e-4 && k.lfe == 0.0);
        }
        // Left out, the levels are -3 dB.
        let p = parse(
            "(profiles: [(name: \"lo\", downmix: Some((matrix: LoRo)))])",
            Path::new("p.ron"),
        )
        .unwrap();
        assert_eq!(p[0].downmix.unwrap().surround_db, -3.0);
    }

    #[test]
    fn command_line_levels_replace_the_profiles_and_are_checked() {
        let mut chosen = vec![
            find(&defaults(), "stereo-loro").unwrap().clone(),
            find(&defaults(), "ebu-r128").unwrap().clone(),
        ];
        let levels = DownmixLevels {
            centre_db: Some(-4.5),
            surround_db: None,
            lfe_db: Some(-10.0),
        };
        levels.apply(&mut chosen).unwrap();
        let d = chosen[0].downmix.unwrap();
        assert_eq!(
            (d.centre_db, d.surround_db, d.lfe_db),
            (-4.5, -3.0, Some(-10.0))
        );
        assert!(chosen[1].downmix.is_none());
        let err = DownmixLevels {
            surround_db: Some(3.0),
            ..DownmixLevels::default()
        }
        .apply(&mut chosen)
        .unwrap_err();
        assert!(err.starts_with("--downmix-surround: 3 dB"), "{err}");
        let err = levels.apply(&mut chosen[1..]).unwrap_err();
        assert!(err.contains("stereo-loro"), "{err}");
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
        let err = parse(
            "(profiles: [\n  (name: \"a\",\n   downmix: Some((matrix: LtRt, centre_db: 2.0))),\n])",
            Path::new("p.ron"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("p.ron:")
                && err.contains("profiles[0].downmix.centre_db")
                && err.contains("-60..0"),
            "{err}"
        );
        let err = find(&defaults(), "bbc").unwrap_err().to_string();
        assert!(
            err.contains("ebu-r128") && err.contains("theatrical"),
            "{err}"
        );
    }
}
