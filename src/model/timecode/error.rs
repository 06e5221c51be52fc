//! The errors from parsing frame rates, timecodes and positions.

use std::error::Error;
use std::fmt;

use super::rate::{FrameRate, VALID_RATES};

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
