//! Frame rates: the six supported timecode rates, their exact speed as a
//! ratio, and the constants of 29.97 drop-frame counting.

use std::fmt;

/// The valid frame rate spellings, as listed in error messages.
pub(super) const VALID_RATES: &str = "23.976, 24, 25, 29.97df, 29.97, 30";

/// Frames per ten minutes of 29.97 drop-frame timecode (18000 - 9 * 2).
pub(super) const DF_FRAMES_PER_10_MIN: u64 = 17_982;
/// Frames per minute of 29.97 drop-frame timecode when the minute is not
/// divisible by ten (1800 - 2).
pub(super) const DF_FRAMES_PER_MIN: u64 = 1_798;

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
    pub(super) const fn last_frame(self) -> u8 {
        match self {
            FrameRate::Fps23_976 | FrameRate::Fps24 => 23,
            FrameRate::Fps25 => 24,
            FrameRate::Fps29_97Df | FrameRate::Fps29_97 | FrameRate::Fps30 => 29,
        }
    }

    /// Human description for error messages, e.g. "29.97 fps drop-frame".
    pub(super) const fn describe(self) -> &'static str {
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
