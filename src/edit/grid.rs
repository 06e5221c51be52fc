//! The nudge grid: how far one nudge moves a clip or a breakpoint.

use crate::model::timecode::frames_to_samples;
use crate::model::Session;

/// A nudge unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grid {
    /// One timecode frame.
    #[default]
    Frame,
    /// A hundredth of a frame.
    Subframe,
    /// One millisecond.
    Millisecond,
    /// One sample.
    Sample,
}

impl Grid {
    pub const ALL: [Grid; 4] = [Grid::Frame, Grid::Subframe, Grid::Millisecond, Grid::Sample];

    pub fn name(self) -> &'static str {
        match self {
            Grid::Frame => "frame",
            Grid::Subframe => "subframe",
            Grid::Millisecond => "ms",
            Grid::Sample => "sample",
        }
    }

    pub fn parse(text: &str) -> Option<Grid> {
        match text {
            "frame" | "frames" | "f" => Some(Grid::Frame),
            "subframe" | "sub" => Some(Grid::Subframe),
            "ms" | "millisecond" => Some(Grid::Millisecond),
            "sample" | "samples" | "smp" => Some(Grid::Sample),
            _ => None,
        }
    }

    /// `count` units in samples, rounded to the nearest sample. Frames
    /// follow the timecode's own rounding, so nudging by frames from a
    /// frame boundary lands on frame boundaries.
    pub fn samples(self, session: &Session, count: u64) -> u64 {
        let rate = session.sample_rate;
        let tc = session.timecode.rate;
        match self {
            Grid::Frame => frames_to_samples(count, tc, rate),
            Grid::Subframe => {
                let (num, den) = tc.rate();
                let exact = count as u128 * rate as u128 * den as u128;
                let per = 100 * num as u128;
                ((2 * exact + per) / (2 * per)) as u64
            }
            Grid::Millisecond => (count * rate as u64 + 500) / 1000,
            Grid::Sample => count,
        }
    }
}
