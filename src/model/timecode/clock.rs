//! A session's clock: its frame rate, sample rate and start timecode, and
//! the mapping between timecode and sample positions it defines.

use super::error::TimecodeError;
use super::label::Timecode;
use super::rate::FrameRate;
use super::samples::{frames_to_samples, samples_to_frames};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::timecode::label::tc;

    const DF: FrameRate = FrameRate::Fps29_97Df;

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
}
