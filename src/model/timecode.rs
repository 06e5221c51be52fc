//! SMPTE timecode: frame rates, timecode labels, and their exact mapping to
//! sample positions.
//!
//! dubstage stores every position as an exact sample count from the session
//! start; timecode is only what people read and type. A [`TimecodeClock`]
//! ties the two together: the session's frame rate, its sample rate, and the
//! timecode of its first sample (films conventionally start at 01:00:00:00).
//!
//! All conversions on the exact paths use integer arithmetic on the rational
//! frame rate (for example 30000/1001 for 29.97 fps); no floating point is
//! involved, so a position survives any number of round trips.
//!
//! # Drop-frame timecode
//!
//! At 29.97 fps, counting 30 frame labels a second drifts 3.6 seconds an hour
//! behind the clock on the wall. Drop-frame timecode corrects this by skipping
//! the frame labels 00 and 01 at the start of every minute, except minutes
//! divisible by ten (so 00:00:59;29 is followed by 00:01:00;02, but
//! 00:09:59;29 by 00:10:00;00); no picture frames are dropped, only labels.
//! Drop-frame timecode is written with a `;` before the frames.

use std::error::Error;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The valid frame rate spellings, as listed in error messages.
const VALID_RATES: &str = "23.976, 24, 25, 29.97df, 29.97, 30";

/// Frames per ten minutes of 29.97 drop-frame timecode (18000 - 9 * 2).
const DF_FRAMES_PER_10_MIN: u64 = 17_982;
/// Frames per minute of 29.97 drop-frame timecode when the minute is not
/// divisible by ten (1800 - 2).
const DF_FRAMES_PER_MIN: u64 = 1_798;

/// A timecode frame rate.
///
/// Written (in session files, on the command line, and by [`fmt::Display`])
/// as `23.976`, `24`, `25`, `29.97df`, `29.97` or `30`. See
/// [`FrameRate::from_str`] for the other accepted spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FrameRate {
    /// 23.976 fps (24000/1001), non-drop: 24 fps film at NTSC video speed.
    Fps23_976,
    /// 24 fps: film.
    Fps24,
    /// 25 fps: PAL / EBU.
    Fps25,
    /// 29.97 fps (30000/1001) drop-frame timecode: NTSC broadcast.
    Fps29_97Df,
    /// 29.97 fps (30000/1001) non-drop timecode.
    Fps29_97,
    /// 30 fps.
    Fps30,
}

impl FrameRate {
    /// Every supported frame rate, in display order.
    pub const ALL: [FrameRate; 6] = [
        FrameRate::Fps23_976,
        FrameRate::Fps24,
        FrameRate::Fps25,
        FrameRate::Fps29_97Df,
        FrameRate::Fps29_97,
        FrameRate::Fps30,
    ];

    /// The canonical spelling: `"23.976"`, `"24"`, `"25"`, `"29.97df"`,
    /// `"29.97"` or `"30"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FrameRate::Fps23_976 => "23.976",
            FrameRate::Fps24 => "24",
            FrameRate::Fps25 => "25",
            FrameRate::Fps29_97Df => "29.97df",
            FrameRate::Fps29_97 => "29.97",
            FrameRate::Fps30 => "30",
        }
    }

    /// Frame labels per timecode second: 24, 24, 25, 30, 30, 30.
    pub const fn nominal_fps(self) -> u32 {
        match self {
            FrameRate::Fps23_976 | FrameRate::Fps24 => 24,
            FrameRate::Fps25 => 25,
            FrameRate::Fps29_97Df | FrameRate::Fps29_97 | FrameRate::Fps30 => 30,
        }
    }

    /// Whether timecode at this rate skips frame labels (29.97df only).
    pub const fn is_drop_frame(self) -> bool {
        matches!(self, FrameRate::Fps29_97Df)
    }

    /// The exact number of frames per real second as `(numerator,
    /// denominator)`, e.g. `(30000, 1001)` for 29.97 fps.
    pub const fn rate(self) -> (u64, u64) {
        match self {
            FrameRate::Fps23_976 => (24_000, 1_001),
            FrameRate::Fps24 => (24, 1),
            FrameRate::Fps25 => (25, 1),
            FrameRate::Fps29_97Df | FrameRate::Fps29_97 => (30_000, 1_001),
            FrameRate::Fps30 => (30, 1),
        }
    }

    /// Number of frames from 00:00:00:00 up to (not including) the next
    /// 00:00:00:00, 24 hours of timecode later.
    pub const fn frames_per_day(self) -> u64 {
        if self.is_drop_frame() {
            DF_FRAMES_PER_10_MIN * 6 * 24
        } else {
            self.nominal_fps() as u64 * 86_400
        }
    }

    /// The highest frame label in a second (nominal fps - 1).
    const fn last_frame(self) -> u8 {
        match self {
            FrameRate::Fps23_976 | FrameRate::Fps24 => 23,
            FrameRate::Fps25 => 24,
            FrameRate::Fps29_97Df | FrameRate::Fps29_97 | FrameRate::Fps30 => 29,
        }
    }

    /// Human description for error messages, e.g. "29.97 fps drop-frame".
    const fn describe(self) -> &'static str {
        match self {
            FrameRate::Fps23_976 => "23.976 fps",
            FrameRate::Fps24 => "24 fps",
            FrameRate::Fps25 => "25 fps",
            FrameRate::Fps29_97Df => "29.97 fps drop-frame",
            FrameRate::Fps29_97 => "29.97 fps non-drop",
            FrameRate::Fps30 => "30 fps",
        }
    }
}

impl fmt::Display for FrameRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

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

/// Sample position at which frame `frames` starts, counting from a frame
/// boundary at sample 0: `frames * sample_rate * den / num` rounded to the
/// nearest sample, halves up.
///
/// At 23.976 fps and 48 kHz a frame is exactly 2002 samples; at 29.97 fps it
/// is 1601.6 samples, so frame boundaries fall on 0, 1602, 3203, 4805, 6406,
/// 8008, ... Saturates at `u64::MAX`.
pub fn frames_to_samples(frames: u64, rate: FrameRate, sample_rate: u32) -> u64 {
    let (num, den) = rate.rate();
    let exact = u128::from(frames) * u128::from(sample_rate) * u128::from(den);
    let rounded = (2 * exact + u128::from(num)) / (2 * u128::from(num));
    u64::try_from(rounded).unwrap_or(u64::MAX)
}

/// The frame containing sample `samples`: the last frame whose first sample,
/// as given by [`frames_to_samples`], is at or before it.
///
/// When a frame is a whole number of samples long this is
/// `floor(samples * num / (sample_rate * den))`. When it is not (29.97 fps,
/// or any 44.1 kHz session), it follows the same rounding as
/// [`frames_to_samples`], so `samples_to_frames(frames_to_samples(n)) == n`
/// always holds. A sample rate of 0 gives frame 0.
pub fn samples_to_frames(samples: u64, rate: FrameRate, sample_rate: u32) -> u64 {
    let (num, den) = rate.rate();
    // Largest n with n * sample_rate * den / num + 1/2 < samples + 1.
    let scaled = (2 * u128::from(samples) + 1) * u128::from(num);
    let frame_span = 2 * u128::from(sample_rate) * u128::from(den);
    match (scaled - 1).checked_div(frame_span) {
        Some(frames) => u64::try_from(frames).unwrap_or(u64::MAX),
        None => 0,
    }
}

/// Maps between timecode and sample positions for one session.
///
/// Sample 0 of the session is the first sample of the frame `start`.
/// Sessions do not cross midnight: timecodes before `start` are errors, and
/// positions more than 24 hours in wrap around when shown as timecode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimecodeClock {
    /// The session's timecode rate.
    pub rate: FrameRate,
    /// Audio samples per second.
    pub sample_rate: u32,
    /// Timecode of the session's first sample.
    pub start: Timecode,
}

impl TimecodeClock {
    /// A clock whose sample 0 is at timecode `start`.
    pub const fn new(rate: FrameRate, sample_rate: u32, start: Timecode) -> TimecodeClock {
        TimecodeClock {
            rate,
            sample_rate,
            start: Timecode {
                drop_frame: rate.is_drop_frame(),
                ..start
            },
        }
    }

    /// A clock starting at 01:00:00:00, the usual start of a film reel.
    pub const fn film(rate: FrameRate, sample_rate: u32) -> TimecodeClock {
        TimecodeClock::new(
            rate,
            sample_rate,
            Timecode {
                hours: 1,
                minutes: 0,
                seconds: 0,
                frames: 0,
                drop_frame: false,
            },
        )
    }

    /// Samples from the session start to the first sample of `timecode`.
    ///
    /// Errors if `timecode` is out of range at this rate or before `start`.
    pub fn position_of(&self, timecode: &Timecode) -> Result<u64, TimecodeError> {
        timecode.validate(self.rate)?;
        let frame = timecode.to_frame_count(self.rate);
        let start = self.start.to_frame_count(self.rate);
        match frame.checked_sub(start) {
            Some(frames) => Ok(frames_to_samples(frames, self.rate, self.sample_rate)),
            None => Err(TimecodeError::BeforeStart {
                timecode: Timecode {
                    drop_frame: self.rate.is_drop_frame(),
                    ..*timecode
                }
                .to_string(),
                start: self.start.to_string(),
            }),
        }
    }

    /// The timecode of the frame containing sample position `samples`.
    pub fn timecode_at(&self, samples: u64) -> Timecode {
        let day = self.rate.frames_per_day();
        let offset = samples_to_frames(samples, self.rate, self.sample_rate) % day;
        let start = self.start.to_frame_count(self.rate) % day;
        Timecode::from_frame_count(start + offset, self.rate)
    }

    /// [`TimecodeClock::timecode_at`], formatted.
    pub fn format_samples(&self, samples: u64) -> String {
        self.timecode_at(samples).to_string()
    }
}

/// Parses a point in time typed by a person into a sample position from the
/// session start.
///
/// Accepted forms (surrounding whitespace and letter case are ignored):
///
/// * a timecode, `01:00:10:00` (also `01:00:10;00` at 29.97df, or
///   `01:00:10.00`), see [`Timecode::parse`]; it must not be before the
///   session's start timecode;
/// * a sample count, `48000` or `48000smp`;
/// * seconds from the session start, `10s` or `1.5s`, rounded to the nearest
///   sample;
/// * milliseconds from the session start, `250ms` or `0.5ms`, rounded to the
///   nearest sample.
///
/// A bare decimal such as `1.5` is rejected, as are negative values.
pub fn parse_position(text: &str, clock: &TimecodeClock) -> Result<u64, TimecodeError> {
    let trimmed = text.trim();
    if trimmed.contains([':', ';']) {
        let timecode = Timecode::parse(trimmed, clock.rate)?;
        return clock.position_of(&timecode);
    }
    let lower = trimmed.to_ascii_lowercase();
    let result = if let Some(number) = lower.strip_suffix("smp") {
        parse_samples(number.trim_end())
    } else if let Some(number) = lower.strip_suffix("ms") {
        decimal_to_samples(number.trim_end(), 1000, clock.sample_rate)
    } else if let Some(number) = lower.strip_suffix('s') {
        decimal_to_samples(number.trim_end(), 1, clock.sample_rate)
    } else {
        parse_samples(&lower)
    };
    result.map_err(|problem| match problem {
        NumberProblem::Malformed => TimecodeError::BadPosition {
            text: trimmed.to_owned(),
        },
        NumberProblem::TooLarge => TimecodeError::PositionTooLarge {
            text: trimmed.to_owned(),
        },
    })
}

/// Parses a span of time, `START..END`, into `(start, end)` sample positions;
/// `END` is exclusive.
///
/// `START` and `END` take any form accepted by [`parse_position`] and may be
/// mixed, e.g. `01:00:10:00..01:00:20:00`, `10s..20s` or
/// `480000..01:00:20:00`. `END` must come after `START`.
pub fn parse_range(text: &str, clock: &TimecodeClock) -> Result<(u64, u64), TimecodeError> {
    let trimmed = text.trim();
    let bad_range = || TimecodeError::BadRange {
        text: trimmed.to_owned(),
    };
    let (start_text, end_text) = trimmed.split_once("..").ok_or_else(bad_range)?;
    if start_text.trim().is_empty() || end_text.trim().is_empty() {
        return Err(bad_range());
    }
    let start = parse_position(start_text, clock)?;
    let end = parse_position(end_text, clock)?;
    if end <= start {
        return Err(TimecodeError::EmptyRange {
            text: trimmed.to_owned(),
        });
    }
    Ok((start, end))
}

/// Why a number in a position did not parse.
enum NumberProblem {
    Malformed,
    TooLarge,
}

/// Parses a non-negative integer sample count.
fn parse_samples(text: &str) -> Result<u64, NumberProblem> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberProblem::Malformed);
    }
    text.parse().map_err(|_| NumberProblem::TooLarge)
}

/// Converts `text / divisor` seconds, where `text` is a non-negative decimal
/// (`1`, `1.5`, `.5`), to samples, rounding halves up.
fn decimal_to_samples(text: &str, divisor: u128, sample_rate: u32) -> Result<u64, NumberProblem> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
        Some(_) => return Err(NumberProblem::Malformed),
        None => (text, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty())
        || !all_digits(whole)
        || !all_digits(fraction)
        || fraction.len() > 18
    {
        return Err(NumberProblem::Malformed);
    }
    let mut value: u128 = 0;
    for digit in whole.bytes().chain(fraction.bytes()) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(digit - b'0')))
            .ok_or(NumberProblem::TooLarge)?;
    }
    // Exact value is `value / 10^fraction.len()` units of 1/divisor seconds.
    let scale = (0..fraction.len()).fold(divisor, |s, _| s * 10);
    let doubled = value
        .checked_mul(u128::from(sample_rate))
        .and_then(|v| v.checked_mul(2))
        .and_then(|v| v.checked_add(scale))
        .ok_or(NumberProblem::TooLarge)?;
    u64::try_from(doubled / (2 * scale)).map_err(|_| NumberProblem::TooLarge)
}

/// Errors from parsing frame rates, timecodes and positions. Each message
/// quotes the offending text and says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimecodeError {
    /// Not one of the supported frame rates.
    UnknownFrameRate {
        /// The text as given.
        text: String,
    },
    /// Drop-frame asked for at a rate other than 29.97.
    DropFrameNotAvailable {
        /// The text as given.
        text: String,
    },
    /// Not shaped like a timecode.
    MalformedTimecode {
        /// The text as given.
        text: String,
        /// What was expected instead.
        expected: &'static str,
    },
    /// A field is outside its range at this rate.
    FieldOutOfRange {
        /// The timecode as given.
        text: String,
        /// The rate it was checked against.
        rate: FrameRate,
        /// "hours", "minutes", "seconds" or "frames".
        field: &'static str,
        /// The highest valid value of the field.
        max: u8,
    },
    /// A drop-frame label that is skipped (;00 or ;01 at the start of a
    /// minute not divisible by ten).
    DroppedFrame {
        /// The timecode as given.
        text: String,
        /// The first existing label of that minute.
        first: String,
    },
    /// Drop-frame notation (`;`) at a non-drop rate.
    DropFrameNotation {
        /// The timecode as given.
        text: String,
        /// The (non-drop) session rate.
        rate: FrameRate,
    },
    /// A timecode before the session's start timecode.
    BeforeStart {
        /// The timecode asked for.
        timecode: String,
        /// The session's start timecode.
        start: String,
    },
    /// Not a timecode, sample count, or time in seconds.
    BadPosition {
        /// The text as given.
        text: String,
    },
    /// A position beyond what a 64-bit sample count holds.
    PositionTooLarge {
        /// The text as given.
        text: String,
    },
    /// Not of the form `START..END`.
    BadRange {
        /// The text as given.
        text: String,
    },
    /// A range whose end is not after its start.
    EmptyRange {
        /// The text as given.
        text: String,
    },
}

impl fmt::Display for TimecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimecodeError::UnknownFrameRate { text } => write!(
                f,
                "\"{text}\" is not a supported frame rate: expected one of {VALID_RATES}"
            ),
            TimecodeError::DropFrameNotAvailable { text } => write!(
                f,
                "\"{text}\" is not a supported frame rate: drop-frame exists only at 29.97 \
                 (expected one of {VALID_RATES})"
            ),
            TimecodeError::MalformedTimecode { text, expected } => {
                write!(f, "\"{text}\" is not a timecode: expected {expected}")
            }
            TimecodeError::FieldOutOfRange {
                text,
                rate,
                field,
                max,
            } => write!(
                f,
                "\"{text}\" is not a timecode at {}: {field} must be 00-{max:02}",
                rate.describe()
            ),
            TimecodeError::DroppedFrame { text, first } => write!(
                f,
                "\"{text}\" is not a timecode at 29.97 fps drop-frame: frames 00 and 01 are \
                 skipped at the start of each minute not divisible by 10, so this minute \
                 starts at {first}"
            ),
            TimecodeError::DropFrameNotation { text, rate } => write!(
                f,
                "\"{text}\" is a drop-frame timecode (';') but the session runs at {}: \
                 expected HH:MM:SS:FF",
                rate.describe()
            ),
            TimecodeError::BeforeStart { timecode, start } => write!(
                f,
                "\"{timecode}\" is before the session start {start}: expected a timecode \
                 at or after it"
            ),
            TimecodeError::BadPosition { text } => write!(
                f,
                "\"{text}\" is not a position: expected a timecode (01:00:10:00), a sample \
                 count (48000 or 48000smp), or a time (10s, 1.5s, 250ms)"
            ),
            TimecodeError::PositionTooLarge { text } => write!(
                f,
                "\"{text}\" is too far from the session start: expected a position that \
                 fits in a 64-bit sample count"
            ),
            TimecodeError::BadRange { text } => write!(
                f,
                "\"{text}\" is not a range: expected START..END, e.g. \
                 01:00:10:00..01:00:20:00 or 10s..20s"
            ),
            TimecodeError::EmptyRange { text } => write!(
                f,
                "\"{text}\" is an empty range: expected END after START (END is exclusive)"
            ),
        }
    }
}

impl Error for TimecodeError {}

#[cfg(test)]
mod tests {
    use super::*;

    const DF: FrameRate = FrameRate::Fps29_97Df;

    fn tc(text: &str, rate: FrameRate) -> Timecode {
        match Timecode::parse(text, rate) {
            Ok(tc) => tc,
            Err(err) => panic!("{text} should parse: {err}"),
        }
    }

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
    fn film_at_ntsc_speed_is_2002_samples_a_frame() {
        let rate = FrameRate::Fps23_976;
        assert_eq!(frames_to_samples(1, rate, 48_000), 2002);
        let hour = tc("01:00:00:00", rate).to_frame_count(rate);
        assert_eq!(hour, 86_400);
        assert_eq!(frames_to_samples(hour, rate, 48_000), 172_972_800);
        assert_eq!(samples_to_frames(172_972_800, rate, 48_000), 86_400);
        assert_eq!(samples_to_frames(2001, rate, 48_000), 0);
        assert_eq!(samples_to_frames(2002, rate, 48_000), 1);
    }

    #[test]
    fn ntsc_video_frame_boundaries_round_to_nearest_sample() {
        for rate in [FrameRate::Fps29_97, DF] {
            let starts: Vec<u64> = (0..6).map(|n| frames_to_samples(n, rate, 48_000)).collect();
            assert_eq!(starts, [0, 1602, 3203, 4805, 6406, 8008]);
            assert_eq!(samples_to_frames(3202, rate, 48_000), 1);
            assert_eq!(samples_to_frames(3203, rate, 48_000), 2);
        }
        // 50 frames at 44.1 kHz is 73573.5 samples: halves round up.
        assert_eq!(frames_to_samples(50, FrameRate::Fps29_97, 44_100), 73_574);
        assert_eq!(frames_to_samples(1, FrameRate::Fps25, 48_000), 1920);
    }

    #[test]
    fn samples_to_frames_inverts_frames_to_samples() {
        for rate in FrameRate::ALL {
            for sample_rate in [44_100, 48_000, 96_000] {
                for n in (0..20_000).chain([1 << 40]) {
                    let first = frames_to_samples(n, rate, sample_rate);
                    let after = frames_to_samples(n + 1, rate, sample_rate);
                    assert_eq!(samples_to_frames(first, rate, sample_rate), n);
                    assert_eq!(samples_to_frames(after - 1, rate, sample_rate), n);
                }
            }
        }
    }

    #[test]
    fn extreme_values_do_not_panic() {
        for rate in FrameRate::ALL {
            assert_eq!(frames_to_samples(u64::MAX, rate, u32::MAX), u64::MAX);
            assert!(samples_to_frames(u64::MAX, rate, 1) > 0);
            assert_eq!(samples_to_frames(1000, rate, 0), 0);
            assert_eq!(frames_to_samples(1000, rate, 0), 0);
            let clock = TimecodeClock::film(rate, 0);
            assert_eq!(clock.timecode_at(u64::MAX), clock.start);
            let clock = TimecodeClock::film(rate, 48_000);
            let _ = clock.format_samples(u64::MAX);
            let wild = Timecode {
                hours: 255,
                minutes: 255,
                seconds: 255,
                frames: 255,
                drop_frame: true,
            };
            let _ = wild.to_frame_count(rate);
            assert!(clock.position_of(&wild).is_err());
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

    #[test]
    fn clock_maps_timecode_and_samples() {
        let clock = TimecodeClock::film(FrameRate::Fps24, 48_000);
        assert_eq!(
            clock.position_of(&tc("01:00:00:00", FrameRate::Fps24)),
            Ok(0)
        );
        assert_eq!(
            clock.position_of(&tc("01:00:10:12", FrameRate::Fps24)),
            Ok(504_000)
        );
        assert_eq!(clock.format_samples(0), "01:00:00:00");
        assert_eq!(clock.format_samples(503_999), "01:00:10:11");
        assert_eq!(clock.format_samples(504_000), "01:00:10:12");
        let early = clock.position_of(&tc("00:59:59:23", FrameRate::Fps24));
        assert_eq!(
            early.map_err(|e| e.to_string()),
            Err("\"00:59:59:23\" is before the session start 01:00:00:00: \
                 expected a timecode at or after it"
                .to_owned())
        );

        let clock = TimecodeClock::film(DF, 48_000);
        assert_eq!(clock.start.to_string(), "01:00:00;00");
        for count in (107_892..107_892 + 40_000).step_by(7) {
            let label = Timecode::from_frame_count(count, DF);
            let position = match clock.position_of(&label) {
                Ok(position) => position,
                Err(err) => panic!("{err}"),
            };
            assert_eq!(clock.timecode_at(position), label);
            assert_eq!(
                clock
                    .timecode_at(position.saturating_sub(1))
                    .to_frame_count(DF),
                count.max(107_893) - 1
            );
        }
        // Ten minutes of drop-frame timecode is 17982 frames = 28,799,971.2 samples.
        assert_eq!(clock.position_of(&tc("01:10:00;00", DF)), Ok(28_799_971));
        // A session near midnight wraps when displayed.
        let late = TimecodeClock::new(
            FrameRate::Fps25,
            48_000,
            tc("23:59:59:24", FrameRate::Fps25),
        );
        assert_eq!(late.format_samples(1920), "00:00:00:00");
    }

    #[test]
    fn positions_in_every_form() {
        let clock = TimecodeClock::film(FrameRate::Fps24, 48_000);
        let cases = [
            ("01:00:10:00", 480_000),
            ("01:00:10.00", 480_000),
            ("01:00:00:00", 0),
            ("48000", 48_000),
            ("48000smp", 48_000),
            ("48000 SMP", 48_000),
            ("0", 0),
            ("10s", 480_000),
            ("1.5s", 72_000),
            (".5s", 24_000),
            ("250ms", 12_000),
            ("0.5ms", 24),
            ("0.00001s", 0),
            ("0.00002s", 1),
            (" 2 s ", 96_000),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_position(text, &clock), Ok(expected), "{text}");
        }
        let df_clock = TimecodeClock::film(DF, 48_000);
        assert_eq!(parse_position("01:00:00;01", &df_clock), Ok(1602));
        assert_eq!(parse_position("01:00:00:02", &df_clock), Ok(3203));
        assert!(matches!(
            parse_position("01:00:00;00", &clock),
            Err(TimecodeError::DropFrameNotation { .. })
        ));

        for bad in [
            "",
            "abc",
            "1.5",
            "1.5smp",
            "-5s",
            "s",
            "ms",
            ".s",
            "5.s",
            "1e3",
            "10 frames",
            "+5",
        ] {
            assert_eq!(
                parse_position(bad, &clock),
                Err(TimecodeError::BadPosition {
                    text: bad.trim().to_owned()
                }),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_position("00:59:00:00", &clock),
            Err(TimecodeError::BeforeStart { .. })
        ));
        assert!(matches!(
            parse_position("01:00:00:24", &clock),
            Err(TimecodeError::FieldOutOfRange { .. })
        ));
        for huge in [
            "18446744073709551616",
            "999999999999999999999999s",
            "400000000000000000s",
        ] {
            assert_eq!(
                parse_position(huge, &clock),
                Err(TimecodeError::PositionTooLarge {
                    text: huge.to_owned()
                }),
                "{huge}"
            );
        }
        assert_eq!(parse_position("18446744073709551615", &clock), Ok(u64::MAX));
    }

    #[test]
    fn ranges() {
        let clock = TimecodeClock::film(FrameRate::Fps24, 48_000);
        assert_eq!(
            parse_range("01:00:00:00..01:00:01:00", &clock),
            Ok((0, 48_000))
        );
        assert_eq!(parse_range("10s..20s", &clock), Ok((480_000, 960_000)));
        assert_eq!(parse_range("1.5s..2s", &clock), Ok((72_000, 96_000)));
        assert_eq!(
            parse_range(" 480000 .. 01:00:20:00 ", &clock),
            Ok((480_000, 960_000))
        );
        for empty in ["10s..5s", "10s..10s", "01:00:01:00..48000"] {
            assert_eq!(
                parse_range(empty, &clock),
                Err(TimecodeError::EmptyRange {
                    text: empty.to_owned()
                })
            );
        }
        for bad in ["10s", "..5s", "5s..", "", "5s.5s"] {
            assert_eq!(
                parse_range(bad, &clock),
                Err(TimecodeError::BadRange {
                    text: bad.to_owned()
                }),
                "{bad}"
            );
        }
        assert_eq!(
            parse_range("10s..abc", &clock),
            Err(TimecodeError::BadPosition {
                text: "abc".to_owned()
            })
        );
        assert!(parse_range("10s..5s", &clock)
            .map_err(|e| e.to_string())
            .is_err_and(|m| m.contains("\"10s..5s\"") && m.contains("END after START")));
    }

    #[test]
    fn errors_are_std_errors() {
        let error: Box<dyn Error> = Box::new(err("x", FrameRate::Fps24));
        assert!(error.to_string().starts_with("\"x\" is not a timecode"));
    }
}
