//! Timecode labels, `HH:MM:SS:FF`: their ranges, parsing, display, and
//! their frame count from 00:00:00:00 (drop-frame included).

use std::fmt;

use super::error::TimecodeError;
use super::rate::{FrameRate, DF_FRAMES_PER_10_MIN, DF_FRAMES_PER_MIN};

/// A SMPTE timecode label, `HH:MM:SS:FF`.
///
/// Hours run 00-23 (timecode wraps to 00:00:00:00 after 23:59:59:FF),
/// minutes and seconds 00-59, frames from 00 to the nominal frame rate minus
/// one. In 29.97 drop-frame the labels ;00 and ;01 do not exist at second 00
/// of any minute not divisible by ten.
///
/// A timecode does not carry its frame rate; conversions take the rate as an
/// argument. `drop_frame` only selects the notation used by
/// [`fmt::Display`] (`;` before the frames when true); [`Timecode::parse`]
/// and [`Timecode::from_frame_count`] set it from the rate. Fields are public,
/// so a value built by hand may be out of range: check it with
/// [`Timecode::validate`] (conversions never panic either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timecode {
    /// 0-23.
    pub hours: u8,
    /// 0-59.
    pub minutes: u8,
    /// 0-59.
    pub seconds: u8,
    /// 0 to nominal fps - 1.
    pub frames: u8,
    /// Display with `;` before the frames (drop-frame notation).
    pub drop_frame: bool,
}

impl Timecode {
    /// Builds a timecode, checking every field against `rate`.
    pub fn new(
        hours: u8,
        minutes: u8,
        seconds: u8,
        frames: u8,
        rate: FrameRate,
    ) -> Result<Timecode, TimecodeError> {
        let tc = Timecode {
            hours,
            minutes,
            seconds,
            frames,
            drop_frame: rate.is_drop_frame(),
        };
        tc.check(rate, &tc.to_string())?;
        Ok(tc)
    }

    /// Checks every field against `rate` (see the type's documentation for
    /// the ranges).
    pub fn validate(&self, rate: FrameRate) -> Result<(), TimecodeError> {
        let shown = Timecode {
            drop_frame: rate.is_drop_frame(),
            ..*self
        };
        self.check(rate, &shown.to_string())
    }

    /// Parses a timecode at `rate`.
    ///
    /// Accepted forms (surrounding whitespace is ignored, each field is one
    /// or two digits):
    ///
    /// * `HH:MM:SS:FF`, the usual form at every rate;
    /// * `HH:MM:SS;FF` or `HH;MM;SS;FF`, drop-frame notation, accepted only
    ///   at 29.97df (at a non-drop rate a `;` means the label is from another
    ///   clock, so it is rejected rather than silently misplaced);
    /// * `HH:MM:SS.FF`, accepted at every rate.
    ///
    /// Hours must be 00-23, minutes and seconds 00-59, frames below the
    /// nominal frame rate (00-23 at 23.976 and 24, 00-24 at 25, 00-29 at
    /// 29.97 and 30). At 29.97df, frames 00 and 01 of second 00 are rejected
    /// in every minute not divisible by ten, as those labels do not exist.
    pub fn parse(text: &str, rate: FrameRate) -> Result<Timecode, TimecodeError> {
        let trimmed = text.trim();
        let malformed = |expected| TimecodeError::MalformedTimecode {
            text: trimmed.to_owned(),
            expected,
        };

        let mut fields = [0u8; 4];
        let mut field_count = 0;
        let mut drop_notation = false;
        for (index, piece) in trimmed.split([':', ';', '.']).enumerate() {
            let slot = fields
                .get_mut(index)
                .ok_or_else(|| malformed("four fields, HH:MM:SS:FF"))?;
            *slot = parse_two_digits(piece)
                .ok_or_else(|| malformed("one or two digits in each field of HH:MM:SS:FF"))?;
            field_count = index + 1;
        }
        if field_count != 4 {
            return Err(malformed("four fields, HH:MM:SS:FF"));
        }
        for (index, separator) in trimmed.match_indices([':', ';', '.']).enumerate() {
            match separator.1 {
                ";" => drop_notation = true,
                "." if index < 2 => {
                    return Err(malformed("'.' only before the frames, HH:MM:SS.FF"))
                }
                _ => {}
            }
        }
        if drop_notation && !rate.is_drop_frame() {
            return Err(TimecodeError::DropFrameNotation {
                text: trimmed.to_owned(),
                rate,
            });
        }

        let [hours, minutes, seconds, frames] = fields;
        let tc = Timecode {
            hours,
            minutes,
            seconds,
            frames,
            drop_frame: rate.is_drop_frame(),
        };
        tc.check(rate, trimmed)?;
        Ok(tc)
    }

    /// Number of frames from 00:00:00:00 to this timecode at `rate`.
    ///
    /// In drop-frame, two frame labels are skipped every minute except every
    /// tenth minute, so 00:10:00;00 is frame 17982 and 01:00:00;00 is frame
    /// 107892.
    pub fn to_frame_count(&self, rate: FrameRate) -> u64 {
        let minutes = u64::from(self.hours) * 60 + u64::from(self.minutes);
        let seconds = minutes * 60 + u64::from(self.seconds);
        let count = seconds * u64::from(rate.nominal_fps()) + u64::from(self.frames);
        if rate.is_drop_frame() {
            count.saturating_sub(2 * (minutes - minutes / 10))
        } else {
            count
        }
    }

    /// The timecode `count` frames after 00:00:00:00 at `rate` (inverse of
    /// [`Timecode::to_frame_count`]), wrapping after 24 hours.
    pub fn from_frame_count(count: u64, rate: FrameRate) -> Timecode {
        let mut label = count % rate.frames_per_day();
        if rate.is_drop_frame() {
            // Put back the labels skipped before this frame: 18 per full
            // ten-minute block, then 2 per started minute after the first.
            let blocks = label / DF_FRAMES_PER_10_MIN;
            let rest = label % DF_FRAMES_PER_10_MIN;
            label += 18 * blocks;
            if rest >= 2 {
                label += 2 * ((rest - 2) / DF_FRAMES_PER_MIN);
            }
        }
        let fps = u64::from(rate.nominal_fps());
        let total_seconds = label / fps;
        Timecode {
            hours: small(total_seconds / 3600),
            minutes: small(total_seconds / 60 % 60),
            seconds: small(total_seconds % 60),
            frames: small(label % fps),
            drop_frame: rate.is_drop_frame(),
        }
    }

    /// Range checks, naming `text` in the error.
    fn check(&self, rate: FrameRate, text: &str) -> Result<(), TimecodeError> {
        let out_of_range = |field, max| TimecodeError::FieldOutOfRange {
            text: text.to_owned(),
            rate,
            field,
            max,
        };
        if self.hours > 23 {
            return Err(out_of_range("hours", 23));
        }
        if self.minutes > 59 {
            return Err(out_of_range("minutes", 59));
        }
        if self.seconds > 59 {
            return Err(out_of_range("seconds", 59));
        }
        if self.frames > rate.last_frame() {
            return Err(out_of_range("frames", rate.last_frame()));
        }
        if rate.is_drop_frame()
            && self.seconds == 0
            && self.frames < 2
            && !self.minutes.is_multiple_of(10)
        {
            let first = Timecode {
                frames: 2,
                drop_frame: true,
                ..*self
            };
            return Err(TimecodeError::DroppedFrame {
                text: text.to_owned(),
                first: first.to_string(),
            });
        }
        Ok(())
    }
}

impl fmt::Display for Timecode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let separator = if self.drop_frame { ';' } else { ':' };
        write!(
            f,
            "{:02}:{:02}:{:02}{separator}{:02}",
            self.hours, self.minutes, self.seconds, self.frames
        )
    }
}

/// Parses one or two ASCII digits.
fn parse_two_digits(text: &str) -> Option<u8> {
    match text.as_bytes() {
        [a] if a.is_ascii_digit() => Some(a - b'0'),
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

/// Narrows a value known to be below 256.
fn small(value: u64) -> u8 {
    u8::try_from(value).unwrap_or(u8::MAX)
}

/// `text` read as timecode at `rate`, for tests: it must parse.
#[cfg(test)]
pub(super) fn tc(text: &str, rate: FrameRate) -> Timecode {
    match Timecode::parse(text, rate) {
        Ok(tc) => tc,
        Err(err) => panic!("{text} should parse: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error;

    const DF: FrameRate = FrameRate::Fps29_97Df;

    fn next(text: &str, rate: FrameRate) -> String {
        Timecode::from_frame_count(tc(text, rate).to_frame_count(rate) + 1, rate).to_string()
    }

    fn err(text: &str, rate: FrameRate) -> TimecodeError {
        match Timecode::parse(text, rate) {
            Ok(tc) => panic!("{text} should not parse, got {tc}"),
            Err(err) => err,
        }
    }

    #[test]
    fn drop_frame_minute_boundaries() {
        assert_eq!(next("00:00:59;29", DF), "00:01:00;02");
        assert_eq!(tc("00:00:59;29", DF).to_frame_count(DF), 1799);
        assert_eq!(tc("00:01:00;02", DF).to_frame_count(DF), 1800);
        assert_eq!(next("00:09:59;29", DF), "00:10:00;00");
        assert_eq!(tc("00:10:00;00", DF).to_frame_count(DF), 17_982);
        assert_eq!(next("00:10:59;29", DF), "00:11:00;02");
        assert_eq!(next("00:59:59;29", DF), "01:00:00;00");
        assert_eq!(tc("01:00:00;00", DF).to_frame_count(DF), 107_892);
        assert_eq!(next("23:59:59;29", DF), "00:00:00;00");
        assert_eq!(DF.frames_per_day(), 107_892 * 24);
    }

    #[test]
    fn non_drop_counts() {
        assert_eq!(
            tc("01:00:00:00", FrameRate::Fps29_97).to_frame_count(FrameRate::Fps29_97),
            108_000
        );
        assert_eq!(
            tc("01:00:00:00", FrameRate::Fps25).to_frame_count(FrameRate::Fps25),
            90_000
        );
        assert_eq!(
            tc("01:00:00:00", FrameRate::Fps23_976).to_frame_count(FrameRate::Fps23_976),
            86_400
        );
        assert_eq!(next("00:00:59:29", FrameRate::Fps29_97), "00:01:00:00");
        assert_eq!(next("00:00:00:24", FrameRate::Fps25), "00:00:01:00");
    }

    #[test]
    fn every_drop_frame_label_of_eleven_minutes_round_trips() {
        let mut expected = 0;
        for minutes in 0..11 {
            for seconds in 0..60 {
                for frames in 0..30 {
                    if seconds == 0 && frames < 2 && minutes % 10 != 0 {
                        assert!(Timecode::new(0, minutes, seconds, frames, DF).is_err());
                        continue;
                    }
                    let label = match Timecode::new(0, minutes, seconds, frames, DF) {
                        Ok(label) => label,
                        Err(err) => panic!("{err}"),
                    };
                    assert_eq!(label.to_frame_count(DF), expected, "{label}");
                    assert_eq!(Timecode::from_frame_count(expected, DF), label);
                    expected += 1;
                }
            }
        }
        // Minutes 0-9 are one ten-minute block; minute 10 keeps all 1800 labels.
        assert_eq!(expected, 17_982 + 1_800);
    }

    #[test]
    fn spot_checks_over_a_day_at_every_rate() {
        for rate in FrameRate::ALL {
            let day = rate.frames_per_day();
            let last = tc("23:59:59:00", rate).to_frame_count(rate) + u64::from(rate.last_frame());
            assert_eq!(last + 1, day, "{rate}");
            let near_ends = [0, 1, 2, day - 2, day - 1];
            for count in (0..day).step_by(997).chain(near_ends) {
                let label = Timecode::from_frame_count(count, rate);
                assert_eq!(label.validate(rate), Ok(()), "{label} at {rate}");
                assert_eq!(label.to_frame_count(rate), count, "{label} at {rate}");
                assert_eq!(Timecode::parse(&label.to_string(), rate), Ok(label));
            }
            assert_eq!(
                Timecode::from_frame_count(day, rate),
                Timecode::from_frame_count(0, rate)
            );
            assert_eq!(Timecode::from_frame_count(day + 5, rate).frames, 5);
        }
    }

    #[test]
    fn parse_accepts_all_notations() {
        let expected = Timecode {
            hours: 1,
            minutes: 2,
            seconds: 3,
            frames: 4,
            drop_frame: true,
        };
        for text in [
            "01:02:03;04",
            "01;02;03;04",
            "01:02:03:04",
            "01:02:03.04",
            " 1:2:3:4 ",
        ] {
            assert_eq!(Timecode::parse(text, DF), Ok(expected), "{text}");
        }
        assert_eq!(expected.to_string(), "01:02:03;04");
        let ndf = tc("01:02:03.04", FrameRate::Fps25);
        assert_eq!(ndf.to_string(), "01:02:03:04");
        assert!(!ndf.drop_frame);
        assert_eq!(tc("00:10:00;00", DF).to_string(), "00:10:00;00");
        assert_eq!(tc("00:01:00;02", DF).to_string(), "00:01:00;02");
        assert_eq!(tc("23:59:59:23", FrameRate::Fps24).hours, 23);
    }

    #[test]
    fn parse_rejects_bad_timecodes() {
        assert_eq!(
            err("01:00:00:30", FrameRate::Fps25).to_string(),
            "\"01:00:00:30\" is not a timecode at 25 fps: frames must be 00-24"
        );
        assert_eq!(
            err("24:00:00:00", FrameRate::Fps24).to_string(),
            "\"24:00:00:00\" is not a timecode at 24 fps: hours must be 00-23"
        );
        assert!(matches!(
            err("00:60:00:00", FrameRate::Fps24),
            TimecodeError::FieldOutOfRange {
                field: "minutes",
                max: 59,
                ..
            }
        ));
        assert!(matches!(
            err("00:00:60:00", FrameRate::Fps24),
            TimecodeError::FieldOutOfRange {
                field: "seconds",
                max: 59,
                ..
            }
        ));
        assert!(matches!(
            err("00:00:00:24", FrameRate::Fps23_976),
            TimecodeError::FieldOutOfRange {
                field: "frames",
                max: 23,
                ..
            }
        ));
        assert!(matches!(
            err("00:00:00;30", DF),
            TimecodeError::FieldOutOfRange { .. }
        ));

        for dropped in ["00:01:00;00", "00:01:00;01", "01:59:00:01", "00:01:00.00"] {
            let error = err(dropped, DF);
            assert!(
                matches!(error, TimecodeError::DroppedFrame { .. }),
                "{dropped}"
            );
            assert!(error.to_string().contains(&format!("\"{dropped}\"")));
        }
        assert!(err("00:01:00;00", DF)
            .to_string()
            .ends_with("starts at 00:01:00;02"));
        // The same labels exist at non-drop rates.
        tc("00:01:00:00", FrameRate::Fps29_97);

        let malformed = [
            "ab:cd:ef:gh",
            "01:00:00:0x",
            "01:00:00:00:00",
            "01:00:00",
            "",
            "   ",
            "001:00:00:00",
            "01::00:00",
            "+1:00:00:00",
            "01.00:00:00",
            "01:00.00:00",
            "０1:00:00:00",
            "01:00:00:00 extra",
        ];
        for text in malformed {
            let error = err(text, FrameRate::Fps24);
            assert!(
                matches!(error, TimecodeError::MalformedTimecode { .. }),
                "{text}: {error}"
            );
            assert!(error.to_string().contains("expected"), "{error}");
        }
        assert!(err("01:00:00:00:00", FrameRate::Fps24)
            .to_string()
            .contains("four fields"));

        for rate in FrameRate::ALL.into_iter().filter(|r| !r.is_drop_frame()) {
            assert!(matches!(
                err("01:00:00;00", rate),
                TimecodeError::DropFrameNotation { .. }
            ));
        }
        assert!(Timecode::new(1, 0, 0, 25, FrameRate::Fps25).is_err());
    }

    #[test]
    fn errors_are_std_errors() {
        let error: Box<dyn Error> = Box::new(err("x", FrameRate::Fps24));
        assert!(error.to_string().starts_with("\"x\" is not a timecode"));
    }
}
