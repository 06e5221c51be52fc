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
//!
//! The module's files, each one concept and each depending only on files
//! above it in this list:
//!
//! * `rate`: the frame rates and their exact speeds;
//! * `error`: [`TimecodeError`], what every parse here can fail with;
//! * `rate_text`: frame rates read from text and session files;
//! * `label`: [`Timecode`], the `HH:MM:SS:FF` label, its parsing, display
//!   and frame count;
//! * `samples`: frame counts to sample positions and back;
//! * `clock`: [`TimecodeClock`], one session's timecode and sample clock;
//! * `position`: positions and ranges typed by a person.

mod clock;
mod error;
mod label;
mod position;
mod rate;
mod rate_text;
mod samples;

pub use clock::TimecodeClock;
pub use error::TimecodeError;
pub use label::Timecode;
pub use position::{parse_position, parse_range};
pub use rate::FrameRate;
pub use samples::{frames_to_samples, samples_to_frames};
