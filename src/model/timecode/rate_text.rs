//! Frame rates as text: the spellings accepted on the command line and in
//! session files, and the serde form (a string) of [`FrameRate`].

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::error::TimecodeError;
use super::rate::{FrameRate, VALID_RATES};

impl FromStr for FrameRate {
    type Err = TimecodeError;

    /// Parses a frame rate, case-insensitively, ignoring spaces, `-` and `_`.
    ///
    /// The rate is one of `23.976` (also `23.98`, `23.97`, `2398`, `23976`),
    /// `24`, `25`, `29.97` (also `2997`) or `30`, optionally followed by
    /// `fps`, then optionally by `df`/`drop` (drop-frame, 29.97 only) or
    /// `ndf`/`nondrop` (non-drop, the default). So `29.97df`, `2997DF`,
    /// `29.97 DF` and `29.97 fps drop` all mean 29.97 drop-frame, and
    /// `29.97ndf` means 29.97 non-drop. `30df` is rejected: true 30 fps
    /// drop-frame is not supported and the spelling is ambiguous.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let norm: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_'))
            .collect::<String>()
            .to_ascii_lowercase();
        let (number, drop) = if let Some(n) = norm.strip_suffix("nondrop") {
            (n, Some(false))
        } else if let Some(n) = norm.strip_suffix("ndf") {
            (n, Some(false))
        } else if let Some(n) = norm.strip_suffix("drop") {
            (n, Some(true))
        } else if let Some(n) = norm.strip_suffix("df") {
            (n, Some(true))
        } else {
            (norm.as_str(), None)
        };
        let number = number.strip_suffix("fps").unwrap_or(number);
        let base = match number {
            "23.976" | "23.98" | "23.97" | "23976" | "2398" => FrameRate::Fps23_976,
            "24" => FrameRate::Fps24,
            "25" => FrameRate::Fps25,
            "29.97" | "2997" => FrameRate::Fps29_97,
            "30" => FrameRate::Fps30,
            _ => {
                return Err(TimecodeError::UnknownFrameRate {
                    text: text.to_owned(),
                })
            }
        };
        match (base, drop) {
            (FrameRate::Fps29_97, Some(true)) => Ok(FrameRate::Fps29_97Df),
            (_, Some(true)) => Err(TimecodeError::DropFrameNotAvailable {
                text: text.to_owned(),
            }),
            (rate, _) => Ok(rate),
        }
    }
}

impl Serialize for FrameRate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Deserializes from a string: the canonical spellings, plus anything
/// [`FrameRate::from_str`] accepts. Anything else is an error listing the
/// valid values.
impl<'de> Deserialize<'de> for FrameRate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RateVisitor;

        impl Visitor<'_> for RateVisitor {
            type Value = FrameRate;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a frame rate string, one of {VALID_RATES}")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<FrameRate, E> {
                value.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_str(RateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DF: FrameRate = FrameRate::Fps29_97Df;

    #[test]
    fn frame_rate_strings() {
        for rate in FrameRate::ALL {
            assert_eq!(rate.to_string().parse::<FrameRate>(), Ok(rate));
        }
        let aliases = [
            ("23.98", FrameRate::Fps23_976),
            ("23.976fps", FrameRate::Fps23_976),
            ("2398", FrameRate::Fps23_976),
            ("24 FPS", FrameRate::Fps24),
            ("25", FrameRate::Fps25),
            ("2997df", DF),
            ("29.97 DF", DF),
            ("29.97-drop", DF),
            ("29.97ndf", FrameRate::Fps29_97),
            ("29.97 non-drop", FrameRate::Fps29_97),
            ("2997", FrameRate::Fps29_97),
            (" 30 ", FrameRate::Fps30),
        ];
        for (text, rate) in aliases {
            assert_eq!(text.parse::<FrameRate>(), Ok(rate), "{text}");
        }
        for bad in ["59.94", "29", "", "df", "fps", "23.976.0"] {
            let error = bad.parse::<FrameRate>();
            assert_eq!(
                error,
                Err(TimecodeError::UnknownFrameRate {
                    text: bad.to_owned()
                })
            );
        }
        for ambiguous in ["30df", "24df", "23.976 DF"] {
            assert!(matches!(
                ambiguous.parse::<FrameRate>(),
                Err(TimecodeError::DropFrameNotAvailable { .. })
            ));
        }
        let message = "50".parse::<FrameRate>().map_err(|e| e.to_string());
        assert_eq!(
            message,
            Err("\"50\" is not a supported frame rate: expected one of \
                 23.976, 24, 25, 29.97df, 29.97, 30"
                .to_owned())
        );
        let rates: Vec<_> = FrameRate::ALL
            .iter()
            .map(|r| (r.nominal_fps(), r.rate()))
            .collect();
        assert_eq!(
            rates,
            [
                (24, (24_000, 1_001)),
                (24, (24, 1)),
                (25, (25, 1)),
                (30, (30_000, 1_001)),
                (30, (30_000, 1_001)),
                (30, (30, 1)),
            ]
        );
        assert_eq!(format!("{:>7}|", FrameRate::Fps25), "     25|");
    }

    #[test]
    fn frame_rate_serde_round_trip() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Session {
            rate: FrameRate,
        }
        for rate in FrameRate::ALL {
            let text = match ron::to_string(&Session { rate }) {
                Ok(text) => text,
                Err(err) => panic!("{err}"),
            };
            assert!(text.contains(&format!("\"{rate}\"")), "{text}");
            assert_eq!(ron::from_str::<Session>(&text), Ok(Session { rate }));
        }
        assert_eq!(ron::from_str::<FrameRate>("\"29.97 DF\""), Ok(DF));
        let error = match ron::from_str::<Session>("(rate: \"29.98\")") {
            Ok(session) => panic!("parsed {session:?}"),
            Err(err) => err.to_string(),
        };
        assert!(error.contains("\"29.98\""), "{error}");
        assert!(error.contains(VALID_RATES), "{error}");
        assert!(ron::from_str::<Session>("(rate: 24)").is_err());
    }
}
